//! The decoded health certificate, and `decode` without a signature check.
//!
//! Names, the date of birth, certificate ids and the payload are personal data: the records
//! that hold them print redacted (`toString()` in Kotlin, `description` in Swift, `str`/`repr`
//! in Python all come from the `Debug`/`Display` here), so an app that logs a result leaks none.

use std::fmt::{self, Debug, Display, Formatter};

use super::names::DisplayNames;
use dcc::cose::Algorithm;
use dcc::decode::{DecodeError, Decoded, Stage};
use dcc::payload::{self, Dcc, Entries as CoreEntries, PartialDate};
use dcc::ValueSets;

/// What a QR text decodes to, without any signature check.
// A transfer value, serialized across the FFI at once: boxing the large variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum DecodeOutcome {
    Decoded {
        certificate: HealthCertificate,
        /// The key identifier from the COSE header, base64.
        kid: Option<String>,
        algorithm: Option<SignatureAlgorithm>,
    },
    /// The text does not decode.
    Malformed {
        /// The pipeline stage that failed.
        stage: DecodeStage,
        /// A stable kebab-case code, e.g. "malformed-base45".
        code: String,
        /// An English explanation, free of personal data.
        message: String,
    },
    /// dcc-verify failed internally (a bug, caught before it reached the app).
    InternalError {
        /// "internal-error".
        code: String,
        /// An English explanation, with nothing from the input.
        message: String,
    },
}

impl DecodeOutcome {
    /// The answer when decoding panicked.
    pub(super) fn internal_error() -> Self {
        Self::InternalError {
            code: "internal-error".to_owned(),
            message: super::guard::INTERNAL_ERROR.to_owned(),
        }
    }

    /// The outcome of decoding, display names from `value_sets`.
    pub(super) fn new(result: Result<Decoded, DecodeError>, value_sets: &ValueSets) -> Self {
        match result {
            Ok(decoded) => Self::Decoded {
                certificate: HealthCertificate::new(decoded.certificate, value_sets),
                kid: decoded.kid.as_deref().map(base64),
                algorithm: decoded.algorithm.map(Into::into),
            },
            Err(e) => Self::Malformed {
                stage: e.stage().into(),
                code: e.code().to_owned(),
                message: e.to_string(),
            },
        }
    }
}

pub(super) fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The stages of decoding, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum DecodeStage {
    Prefix,
    Base45,
    Inflate,
    Cose,
    Cwt,
    Payload,
}

impl From<Stage> for DecodeStage {
    fn from(stage: Stage) -> Self {
        match stage {
            Stage::Prefix => Self::Prefix,
            Stage::Base45 => Self::Base45,
            Stage::Inflate => Self::Inflate,
            Stage::Cose => Self::Cose,
            Stage::Cwt => Self::Cwt,
            Stage::Payload => Self::Payload,
        }
    }
}

/// The signature algorithm named in the COSE header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum SignatureAlgorithm {
    Es256,
    Ps256,
    /// Any other; the COSE identifier when it is an integer.
    Other {
        cose_id: Option<i64>,
    },
}

impl From<Algorithm> for SignatureAlgorithm {
    fn from(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Es256 => Self::Es256,
            Algorithm::Ps256 => Self::Ps256,
            Algorithm::Unsupported(cose_id) => Self::Other { cose_id },
        }
    }
}

/// What a certificate attests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CertificateType {
    Vaccination,
    Test,
    Recovery,
}

impl From<payload::CertificateType> for CertificateType {
    fn from(kind: payload::CertificateType) -> Self {
        match kind {
            payload::CertificateType::Vaccination => Self::Vaccination,
            payload::CertificateType::Test => Self::Test,
            payload::CertificateType::Recovery => Self::Recovery,
        }
    }
}

/// A decoded health certificate: the CWT claims and the EU DCC payload. Only a `Valid`
/// verification makes its content trustworthy.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct HealthCertificate {
    /// Issuing country (CWT `iss`), when present.
    pub issuer: Option<String>,
    /// Signing time (CWT `iat`), Unix seconds.
    pub issued_at: i64,
    /// Expiry of the signature (CWT `exp`), Unix seconds.
    pub expires_at: i64,
    /// Schema version the issuer declared (`ver`), e.g. "1.3.0".
    pub schema_version: String,
    pub certificate_type: CertificateType,
    pub name: PersonName,
    pub date_of_birth: DateOfBirth,
    /// Exactly one group: vaccinations, tests or recoveries.
    pub entries: Entries,
    /// Names to show for the entries' codes, from the verifier's value sets (those the
    /// verification used; the bundled ones unless others were loaded).
    pub display_names: DisplayNames,
    /// The whole payload as JSON, as issued (including fields this version does not name).
    pub payload_json: String,
}

impl HealthCertificate {
    /// The certificate, display names from `value_sets`.
    pub(super) fn new(cert: dcc::HealthCertificate, value_sets: &ValueSets) -> Self {
        let payload_json = cert.dcc.to_json().to_string();
        let display_names = cert.dcc.display_names(value_sets).into();
        let Dcc {
            version,
            name,
            date_of_birth,
            entries,
            ..
        } = cert.dcc;
        Self {
            issuer: cert.issuer,
            issued_at: cert.issued_at,
            expires_at: cert.expires_at,
            schema_version: version,
            certificate_type: entries.certificate_type().into(),
            name: name.into(),
            date_of_birth: date_of_birth.into(),
            entries: entries.into(),
            display_names,
            payload_json,
        }
    }
}

/// The holder's name (`nam`). Every part is optional in some schema version.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct PersonName {
    /// `fn`: surname(s) as written.
    pub family_name: Option<String>,
    /// `fnt`: surname(s) in the ICAO 9303 transliteration (A-Z and `<`).
    pub family_name_standardised: Option<String>,
    /// `gn`: forename(s) as written.
    pub given_name: Option<String>,
    /// `gnt`: forename(s) transliterated.
    pub given_name_standardised: Option<String>,
}

impl From<payload::PersonName> for PersonName {
    fn from(name: payload::PersonName) -> Self {
        Self {
            family_name: name.family_name,
            family_name_standardised: name.family_name_standardised,
            given_name: name.given_name,
            given_name_standardised: name.given_name_standardised,
        }
    }
}

/// The date of birth (`dob`), which may be partial (`1979`, `1979-04`) or unknown (empty).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct DateOfBirth {
    /// The field exactly as issued.
    pub text: String,
    /// The year, when the field reads as a date.
    pub year: Option<i32>,
    /// The month (1-12), when the issuer gave it.
    pub month: Option<i32>,
    /// The day of the month, when the issuer gave it.
    pub day: Option<i32>,
}

impl From<payload::DateOfBirth> for DateOfBirth {
    fn from(dob: payload::DateOfBirth) -> Self {
        let (year, month, day) = match dob.date() {
            None => (None, None, None),
            Some(PartialDate::Year(y)) => (Some(y), None, None),
            Some(PartialDate::YearMonth(y, m)) => (Some(y), Some(m), None),
            Some(PartialDate::Date(y, m, d)) => (Some(y), Some(m), Some(d)),
        };
        Self {
            text: dob.as_str().to_owned(),
            year: year.map(i32::from),
            month: month.map(i32::from),
            day: day.map(i32::from),
        }
    }
}

/// The certificate's entries: one group, never empty.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Entries {
    Vaccination { entries: Vec<VaccinationEntry> },
    Test { entries: Vec<TestEntry> },
    Recovery { entries: Vec<RecoveryEntry> },
}

impl From<CoreEntries> for Entries {
    fn from(entries: CoreEntries) -> Self {
        fn all<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
            items.into_iter().map(U::from).collect()
        }
        match entries {
            CoreEntries::Vaccination(v) => Self::Vaccination { entries: all(v) },
            CoreEntries::Test(t) => Self::Test { entries: all(t) },
            CoreEntries::Recovery(r) => Self::Recovery { entries: all(r) },
        }
    }
}

/// A vaccination entry (`v`). Codes are from the EU DCC value sets.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct VaccinationEntry {
    /// `tg`: disease or agent targeted.
    pub target_disease: String,
    /// `vp`: vaccine or prophylaxis.
    pub vaccine: String,
    /// `mp`: vaccine medicinal product.
    pub medicinal_product: String,
    /// `ma`: marketing authorisation holder or manufacturer.
    pub manufacturer: String,
    /// `dn`: number in a series of doses.
    pub dose_number: i64,
    /// `sd`: total doses in the series.
    pub total_doses: i64,
    /// `dt`: date of vaccination, as issued (ISO 8601 date).
    pub date: String,
    /// `co`: country of vaccination (ISO 3166-1 alpha-2).
    pub country: String,
    /// `is`: certificate issuer.
    pub issuer: String,
    /// `ci`: unique certificate identifier (UVCI).
    pub certificate_id: String,
}

impl From<payload::Vaccination> for VaccinationEntry {
    fn from(v: payload::Vaccination) -> Self {
        Self {
            target_disease: v.target_disease,
            vaccine: v.vaccine,
            medicinal_product: v.medicinal_product,
            manufacturer: v.manufacturer,
            dose_number: i64::from(v.dose_number),
            total_doses: i64::from(v.total_doses),
            date: v.date,
            country: v.country,
            issuer: v.issuer,
            certificate_id: v.certificate_id,
        }
    }
}

/// A test entry (`t`).
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct TestEntry {
    /// `tg`: disease or agent targeted.
    pub target_disease: String,
    /// `tt`: type of test.
    pub test_type: String,
    /// `nm`: NAA test name.
    pub test_name: Option<String>,
    /// `ma`: rapid antigen test device identifier.
    pub test_device: Option<String>,
    /// `sc`: date and time of sample collection, as issued (ISO 8601).
    pub sample_collected: String,
    /// `dr`: date and time of the test result (schema versions before 1.3.0).
    pub result_date: Option<String>,
    /// `tr`: test result.
    pub result: String,
    /// `tc`: testing centre or facility.
    pub testing_centre: Option<String>,
    /// `co`: country where the test was taken.
    pub country: String,
    /// `is`: certificate issuer.
    pub issuer: String,
    /// `ci`: unique certificate identifier.
    pub certificate_id: String,
}

impl From<payload::Test> for TestEntry {
    fn from(t: payload::Test) -> Self {
        Self {
            target_disease: t.target_disease,
            test_type: t.test_type,
            test_name: t.test_name,
            test_device: t.test_device,
            sample_collected: t.sample_collected,
            result_date: t.result_date,
            result: t.result,
            testing_centre: t.testing_centre,
            country: t.country,
            issuer: t.issuer,
            certificate_id: t.certificate_id,
        }
    }
}

/// A recovery entry (`r`).
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct RecoveryEntry {
    /// `tg`: disease or agent the holder recovered from.
    pub target_disease: String,
    /// `fr`: date of the first positive NAA test result.
    pub first_positive_test: String,
    /// `co`: country of the test.
    pub country: String,
    /// `is`: certificate issuer.
    pub issuer: String,
    /// `df`: certificate valid from.
    pub valid_from: String,
    /// `du`: certificate valid until.
    pub valid_until: String,
    /// `ci`: unique certificate identifier.
    pub certificate_id: String,
}

impl From<payload::Recovery> for RecoveryEntry {
    fn from(r: payload::Recovery) -> Self {
        Self {
            target_disease: r.target_disease,
            first_positive_test: r.first_positive_test,
            country: r.country,
            issuer: r.issuer,
            valid_from: r.valid_from,
            valid_until: r.valid_until,
            certificate_id: r.certificate_id,
        }
    }
}

// Redacted printing. Only what identifies nobody is shown: types, codes, countries, counts and
// the certificate's own timestamps; names, dates of birth, health event dates, certificate ids
// and the payload never.

const REDACTED: &str = "<redacted>";

/// Prints as given, without quotes.
struct Raw<'a>(&'a str);

impl Debug for Raw<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Debug for HealthCertificate {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("HealthCertificate")
            .field("issuer", &self.issuer)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("schema_version", &self.schema_version)
            .field("certificate_type", &self.certificate_type)
            .field("name", &self.name)
            .field("date_of_birth", &self.date_of_birth)
            .field("entries", &self.entries)
            .field("display_names", &self.display_names)
            .field("payload_json", &Raw(REDACTED))
            .finish()
    }
}

impl Debug for PersonName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "PersonName({REDACTED})")
    }
}

impl Debug for DateOfBirth {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "DateOfBirth({REDACTED})")
    }
}

impl Debug for VaccinationEntry {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaccinationEntry")
            .field("target_disease", &self.target_disease)
            .field("medicinal_product", &self.medicinal_product)
            .field("dose_number", &self.dose_number)
            .field("total_doses", &self.total_doses)
            .field("country", &self.country)
            .finish_non_exhaustive()
    }
}

impl Debug for TestEntry {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestEntry")
            .field("target_disease", &self.target_disease)
            .field("test_type", &self.test_type)
            .field("country", &self.country)
            .finish_non_exhaustive()
    }
}

impl Debug for RecoveryEntry {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecoveryEntry")
            .field("target_disease", &self.target_disease)
            .field("country", &self.country)
            .finish_non_exhaustive()
    }
}

/// `Display` is the redacted `Debug` form: Kotlin's `toString()` and Python's `str()` use
/// `Display`, Swift's `description` too.
macro_rules! display_as_debug {
    ($($record:ty),*) => {$(
        impl Display for $record {
            fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
                Debug::fmt(self, f)
            }
        }
    )*};
}

display_as_debug!(
    HealthCertificate,
    PersonName,
    DateOfBirth,
    VaccinationEntry,
    TestEntry,
    RecoveryEntry
);
