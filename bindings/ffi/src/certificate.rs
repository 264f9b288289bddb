//! The decoded health certificate, one content case per kind, and `decode` without a signature
//! check.
//!
//! Names, the date of birth, certificate ids, health link keys and the payload are personal
//! data: the records
//! that hold them print redacted (`toString()` in Kotlin, `description` in Swift, `str`/`repr`
//! in Python all come from the `Debug`/`Display` here), so an app that logs a result leaks none.

use std::fmt::{self, Debug, Display, Formatter};

use super::names::DisplayNames;
use dcc::cose::Algorithm;
use dcc::decode::{DecodeError, Decoded, Stage};
use dcc::payload::{self, Content, Dcc, Entries as CoreEntries, PartialDate};
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
        /// Departures from the specification read anyway (stable codes, e.g. "text-kid").
        deviations: Vec<String>,
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
                deviations: deviation_codes(&decoded.deviations),
            },
            Err(e) => Self::Malformed {
                stage: e.stage().into(),
                code: e.code().to_owned(),
                message: e.to_string(),
            },
        }
    }
}

pub(super) fn deviation_codes(deviations: &[dcc::Deviation]) -> Vec<String> {
    deviations.iter().map(|d| d.code().to_owned()).collect()
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

/// A decoded health certificate: the CWT claims and the certificate of one kind. Only a
/// `Valid` verification makes its content trustworthy.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct HealthCertificate {
    /// Issuing country (CWT `iss`), when present.
    pub issuer: Option<String>,
    /// Signing time (CWT `iat`), Unix seconds. Absent only in the 2021 DDCC demo format.
    pub issued_at: Option<i64>,
    /// Expiry of the signature (CWT `exp`), Unix seconds. Absent in an ICVP (lifelong) and the
    /// 2021 DDCC demo format.
    pub expires_at: Option<i64>,
    pub kind: CertificateKind,
    /// The certificate, one case per kind.
    pub content: CertificateContent,
    /// The whole certificate as JSON, as issued (a health link without its key).
    pub payload_json: String,
}

impl HealthCertificate {
    /// The certificate, display names from `value_sets`.
    pub(super) fn new(cert: dcc::HealthCertificate, value_sets: &ValueSets) -> Self {
        let payload_json = cert.content.to_json().to_string();
        Self {
            issuer: cert.issuer,
            issued_at: cert.issued_at,
            expires_at: cert.expires_at,
            kind: cert.content.kind().into(),
            content: CertificateContent::new(cert.content, value_sets),
            payload_json,
        }
    }
}

/// The kind of certificate (its hcert sub-claim).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CertificateKind {
    EuDcc,
    Icvp,
    HealthLink,
    MedicationOverview,
    DdccVs,
    DdccTr,
    /// The 2021 DDCC demo format: never valid.
    LegacyDdcc,
    Unknown,
}

impl From<payload::Kind> for CertificateKind {
    fn from(kind: payload::Kind) -> Self {
        match kind {
            payload::Kind::EuDcc => Self::EuDcc,
            payload::Kind::Icvp => Self::Icvp,
            payload::Kind::HealthLink => Self::HealthLink,
            payload::Kind::MedicationOverview => Self::MedicationOverview,
            payload::Kind::DdccVs => Self::DdccVs,
            payload::Kind::DdccTr => Self::DdccTr,
            payload::Kind::LegacyDdcc => Self::LegacyDdcc,
            _ => Self::Unknown,
        }
    }
}

/// The certificate's content: a sealed class (Kotlin), an enum (Swift), one case per kind.
// A transfer value: boxing the large variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum CertificateContent {
    EuDcc {
        dcc: EuDcc,
    },
    Icvp {
        icvp: Icvp,
    },
    /// A signed pointer: the content behind the link is not retrieved or verified.
    HealthLink {
        link: HealthLink,
    },
    MedicationOverview {
        overview: MedicationOverview,
    },
    DdccVs {
        ddcc: Ddcc,
    },
    DdccTr {
        ddcc: Ddcc,
    },
    LegacyDdcc {
        ddcc: Ddcc,
    },
    /// A sub-claim this version does not know; `payload_json` has its content.
    Unknown {
        key: i64,
    },
}

impl CertificateContent {
    fn new(content: Content, value_sets: &ValueSets) -> Self {
        match content {
            Content::EuDcc(dcc) => Self::EuDcc {
                dcc: EuDcc::new(dcc, value_sets),
            },
            Content::Icvp(icvp) => Self::Icvp { icvp: icvp.into() },
            Content::HealthLink(link) => Self::HealthLink { link: link.into() },
            Content::MedicationOverview(overview) => Self::MedicationOverview {
                overview: overview.into(),
            },
            Content::DdccVs(ddcc) => Self::DdccVs { ddcc: ddcc.into() },
            Content::DdccTr(ddcc) => Self::DdccTr { ddcc: ddcc.into() },
            Content::LegacyDdcc(ddcc) => Self::LegacyDdcc { ddcc: ddcc.into() },
            Content::Unknown(unknown) => Self::Unknown { key: unknown.key },
            _ => Self::Unknown { key: 0 },
        }
    }
}

/// An EU DCC (hcert sub-claim 1).
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct EuDcc {
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
}

impl EuDcc {
    fn new(dcc: Dcc, value_sets: &ValueSets) -> Self {
        let display_names = dcc.display_names(value_sets).into();
        let Dcc {
            version,
            name,
            date_of_birth,
            entries,
            ..
        } = dcc;
        Self {
            schema_version: version,
            certificate_type: entries.certificate_type().into(),
            name: name.into(),
            date_of_birth: date_of_birth.into(),
            entries: entries.into(),
            display_names,
        }
    }
}

/// Which ICVP shape the issuer used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum IcvpShape {
    IcvpMin,
    Dvc2024,
}

/// An ICVP (hcert sub-claim -6), the digital yellow-fever card.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct Icvp {
    pub shape: IcvpShape,
    /// `n`.
    pub name: String,
    /// `dob`.
    pub date_of_birth: Option<DateOfBirth>,
    /// `s`, as issued.
    pub sex: Option<String>,
    /// `ntl`.
    pub nationality: Option<String>,
    /// `nid`.
    pub national_id: Option<String>,
    /// `ndt`.
    pub national_id_type: Option<String>,
    /// `gn`: parent or guardian.
    pub guardian: Option<String>,
    pub vaccinations: Vec<IcvpVaccination>,
}

impl From<payload::Icvp> for Icvp {
    fn from(icvp: payload::Icvp) -> Self {
        Self {
            shape: match icvp.shape {
                payload::IcvpShape::IcvpMin => IcvpShape::IcvpMin,
                payload::IcvpShape::Dvc2024 => IcvpShape::Dvc2024,
            },
            name: icvp.name,
            date_of_birth: icvp.date_of_birth.map(Into::into),
            sex: icvp.sex,
            nationality: icvp.nationality,
            national_id: icvp.national_id,
            national_id_type: icvp.national_id_type,
            guardian: icvp.guardian,
            vaccinations: icvp.vaccinations.into_iter().map(Into::into).collect(),
        }
    }
}

/// One vaccination of an ICVP.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct IcvpVaccination {
    /// `vp`: a WHO PreQual product id (ICVPMin) or a vaccine code (DVC shape).
    pub product: String,
    /// For people, e.g. "yellow fever vaccination (STAMARIL)".
    pub display_name: String,
    /// The PreQual list's vaccine type (e.g. "Yellow Fever"), when `product` is on it.
    pub vaccine_type: Option<String>,
    /// The PreQual list's manufacturer, when `product` is on it.
    pub manufacturer_name: Option<String>,
    /// `dt`: date of vaccination.
    pub date: String,
    /// `bo`: batch.
    pub batch: Option<String>,
    /// `vls`: valid from (date).
    pub valid_from: Option<String>,
    /// `vle`: valid until (date); absent: for life.
    pub valid_until: Option<String>,
    /// `cn`: the clinician.
    pub clinician: Option<String>,
    /// `is`: the issuer.
    pub issuer: Option<String>,
    /// DVC shape: `dn`, `tg`, `mp`, `ma`.
    pub dose: Option<String>,
    pub target_disease: Option<String>,
    pub medicinal_product: Option<String>,
    pub manufacturer: Option<String>,
}

impl From<payload::IcvpVaccination> for IcvpVaccination {
    fn from(v: payload::IcvpVaccination) -> Self {
        let product = v.product_info();
        Self {
            display_name: v.display_name(),
            vaccine_type: product.map(|p| p.vaccine_type.to_owned()),
            manufacturer_name: product.map(|p| p.manufacturer.to_owned()),
            product: v.product,
            date: v.date,
            batch: v.batch,
            valid_from: v.valid_from,
            valid_until: v.valid_until,
            clinician: v.clinician,
            issuer: v.issuer,
            dose: v.dose,
            target_disease: v.target_disease,
            medicinal_product: v.medicinal_product,
            manufacturer: v.manufacturer,
        }
    }
}

/// A health link (hcert sub-claim 5): a signed pointer. The content behind it is not retrieved
/// or verified by this library.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct HealthLink {
    /// "shlink" or "vhlink".
    pub scheme: String,
    pub url: String,
    /// The URL's host.
    pub host: String,
    /// `flag` as issued.
    pub flags: String,
    /// Flag P: a passcode is needed.
    pub needs_passcode: bool,
    /// Flag U: the URL is the file itself.
    pub direct_file: bool,
    /// When the link stops working, Unix seconds.
    pub expires_at: Option<i64>,
    pub label: Option<String>,
    /// The decryption key (base64url). Personal-data grade: never log it.
    pub key: String,
}

impl From<payload::HealthLink> for HealthLink {
    fn from(link: payload::HealthLink) -> Self {
        Self {
            scheme: link.scheme.code().to_owned(),
            host: link.host().to_owned(),
            needs_passcode: link.needs_passcode(),
            direct_file: link.direct_file(),
            key: link.key().to_owned(),
            url: link.url,
            flags: link.flags,
            expires_at: link.expires_at,
            label: link.label,
        }
    }
}

/// A medication overview (hcert sub-claim -7).
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct MedicationOverview {
    pub name: String,
    pub date_of_birth: Option<DateOfBirth>,
    pub sex: Option<String>,
    pub nationality: Option<String>,
    pub identifier: Option<String>,
    pub identifier_type: Option<String>,
    pub medications: Vec<Medication>,
}

impl From<payload::MedicationOverview> for MedicationOverview {
    fn from(o: payload::MedicationOverview) -> Self {
        Self {
            name: o.name,
            date_of_birth: o.date_of_birth.map(Into::into),
            sex: o.sex,
            nationality: o.nationality,
            identifier: o.identifier,
            identifier_type: o.identifier_type,
            medications: o.medications.into_iter().map(Into::into).collect(),
        }
    }
}

/// One medication: `m` (SNOMED CT), `es`, `ee`, `da`, `d`, `r`.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct Medication {
    pub code: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub asserted: Option<String>,
    pub dosage: Option<String>,
    pub description: Option<String>,
}

impl From<payload::Medication> for Medication {
    fn from(m: payload::Medication) -> Self {
        Self {
            code: m.code,
            start: m.start,
            end: m.end,
            asserted: m.asserted,
            dosage: m.dosage,
            description: m.description,
        }
    }
}

/// A DDCC core data set (DDCC:VS, DDCC:TR, or the 2021 demo format).
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct Ddcc {
    pub name: Option<String>,
    pub birth_date: Option<String>,
    pub identifier: Option<String>,
    /// Every other field, as issued, as JSON.
    pub data_json: String,
}

impl From<payload::Ddcc> for Ddcc {
    fn from(d: payload::Ddcc) -> Self {
        Self {
            data_json: d.data_json().to_string(),
            name: d.name,
            birth_date: d.birth_date,
            identifier: d.identifier,
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
            .field("kind", &self.kind)
            .field("content", &self.content)
            .field("payload_json", &Raw(REDACTED))
            .finish()
    }
}

impl Debug for EuDcc {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("EuDcc")
            .field("schema_version", &self.schema_version)
            .field("certificate_type", &self.certificate_type)
            .field("name", &self.name)
            .field("date_of_birth", &self.date_of_birth)
            .field("entries", &self.entries)
            .field("display_names", &self.display_names)
            .finish()
    }
}

impl Debug for Icvp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("Icvp")
            .field("shape", &self.shape)
            .field("vaccinations", &self.vaccinations)
            .finish_non_exhaustive()
    }
}

impl Debug for IcvpVaccination {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("IcvpVaccination")
            .field("product", &self.product)
            .field("display_name", &self.display_name)
            .field("valid_from", &self.valid_from)
            .field("valid_until", &self.valid_until)
            .finish_non_exhaustive()
    }
}

impl Debug for HealthLink {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("HealthLink")
            .field("scheme", &self.scheme)
            .field("host", &self.host)
            .field("flags", &self.flags)
            .field("expires_at", &self.expires_at)
            .field("key", &Raw(REDACTED))
            .finish_non_exhaustive()
    }
}

impl Debug for MedicationOverview {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("MedicationOverview")
            .field("medications", &self.medications.len())
            .finish_non_exhaustive()
    }
}

impl Debug for Medication {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "Medication({REDACTED})")
    }
}

impl Debug for Ddcc {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "Ddcc({REDACTED})")
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
    EuDcc,
    Icvp,
    IcvpVaccination,
    HealthLink,
    MedicationOverview,
    Medication,
    Ddcc,
    PersonName,
    DateOfBirth,
    VaccinationEntry,
    TestEntry,
    RecoveryEntry
);
