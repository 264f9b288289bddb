//! Stage 6: the certificate inside the hcert claim, as a typed model: one [`Content`] case per
//! kind ([`Kind`]): the EU DCC, the ICVP, health links, the medication overview, DDCC.
//!
//! Every EU DCC schema version from 1.0.0 to 1.3.3 decodes into the same model. Fields this version
//! of the library does not know are kept in `extra` maps, so nothing a newer issuer adds is
//! lost, and [`Dcc::to_json`] gives back the payload as issued.

mod date;
mod ddcc;
mod health_link;
mod icvp;
mod json;
mod kinds;
mod medication;
mod names;
mod redact;
pub(crate) mod view;

pub use ddcc::Ddcc;
pub use health_link::{HealthLink, LinkScheme};
pub use icvp::{vaccine_code_name, Icvp, IcvpProduct, IcvpShape, IcvpVaccination};
pub use kinds::{Content, Kind, UnknownContent};
pub use medication::{Medication, MedicationOverview};

pub use date::{DateOfBirth, PartialDate};
pub use names::{DisplayNames, RecoveryNames, TestNames, VaccinationNames};

use std::collections::BTreeMap;

use ciborium::Value;
use thiserror::Error;

use crate::cbor::{self, CborError};

/// Fields of the payload that this model does not name, keyed by their JSON name.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// Why the certificate inside the CWT does not fit its kind's model. Paths name fields, never
/// values (EU DCC paths are bare, e.g. `v[].tg`; other kinds' start with the kind, e.g.
/// `icvp.v.vp`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PayloadError {
    #[error("DCC payload: {0}")]
    /// The payload is not well-formed CBOR.
    Cbor(#[from] CborError),
    #[error("DCC field {0} is missing")]
    /// A required field is missing; the field's name.
    MissingField(&'static str),
    #[error("DCC field {0} has the wrong type")]
    /// A field has the wrong type; the field's name.
    WrongType(&'static str),
    /// None of v, t and r is present, or an entry list is empty (an ICVP without vaccination, a
    /// medication overview without medication).
    #[error("DCC holds no vaccination, test or recovery entry")]
    NoEntry,
    /// More than one of v, t and r is present: the certificate type is ambiguous.
    #[error("DCC holds more than one of vaccination, test and recovery")]
    SeveralTypes,
}

/// What a certificate attests: its v, t or r group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateType {
    /// `v`: a vaccination.
    Vaccination,
    /// `t`: a test.
    Test,
    /// `r`: a recovery.
    Recovery,
}

impl CertificateType {
    /// The group's key in the payload: "v", "t" or "r".
    pub fn code(self) -> &'static str {
        match self {
            Self::Vaccination => "v",
            Self::Test => "t",
            Self::Recovery => "r",
        }
    }
}

/// An EU Digital COVID Certificate payload (`eu_dcc_v1`).
#[derive(Clone, PartialEq)]
pub struct Dcc {
    /// Schema version the issuer declared (`ver`), e.g. "1.3.0".
    pub version: String,
    /// `nam`.
    pub name: PersonName,
    /// `dob`: a full or partial date, or empty when unknown.
    pub date_of_birth: DateOfBirth,
    /// Exactly one of the `v`, `t` and `r` groups.
    pub entries: Entries,
    /// Fields the specification does not define, kept as issued.
    pub extra: Extra,
}

impl Dcc {
    /// The certificate type, from the group present.
    pub fn certificate_type(&self) -> CertificateType {
        self.entries.certificate_type()
    }
}

/// The holder's name (`nam`). Every part is optional in some schema version.
#[derive(Clone, Default, PartialEq)]
pub struct PersonName {
    /// `fn`: surname(s) as written.
    pub family_name: Option<String>,
    /// `fnt`: surname(s) in the ICAO 9303 transliteration (A-Z and `<`).
    pub family_name_standardised: Option<String>,
    /// `gn`: forename(s) as written.
    pub given_name: Option<String>,
    /// `gnt`: forename(s) transliterated.
    pub given_name_standardised: Option<String>,
    /// Fields the specification does not define, kept as issued.
    pub extra: Extra,
}

/// The certificate's group of entries.
#[derive(Debug, Clone, PartialEq)]
pub enum Entries {
    /// Vaccination entries (`v`).
    Vaccination(Vec<Vaccination>),
    /// Test entries (`t`).
    Test(Vec<Test>),
    /// Recovery entries (`r`).
    Recovery(Vec<Recovery>),
}

impl Entries {
    /// The certificate type these entries make.
    pub fn certificate_type(&self) -> CertificateType {
        match self {
            Self::Vaccination(_) => CertificateType::Vaccination,
            Self::Test(_) => CertificateType::Test,
            Self::Recovery(_) => CertificateType::Recovery,
        }
    }
}

/// A vaccination entry (`v`).
#[derive(Clone, PartialEq)]
pub struct Vaccination {
    /// `tg`: disease or agent targeted (value set disease-agent-targeted).
    pub target_disease: String,
    /// `vp`: vaccine or prophylaxis (value set vaccine-prophylaxis).
    pub vaccine: String,
    /// `mp`: vaccine medicinal product (value set vaccine-medicinal-product).
    pub medicinal_product: String,
    /// `ma`: marketing authorisation holder or manufacturer (value set vaccine-mah-manf).
    pub manufacturer: String,
    /// `dn`: number in a series of doses.
    pub dose_number: u32,
    /// `sd`: total doses in the series.
    pub total_doses: u32,
    /// `dt`: date of vaccination, as issued (ISO 8601 date).
    pub date: String,
    /// `co`: country of vaccination (ISO 3166-1 alpha-2).
    pub country: String,
    /// `is`: certificate issuer.
    pub issuer: String,
    /// `ci`: unique certificate identifier (UVCI).
    pub certificate_id: String,
    /// Fields the specification does not define, kept as issued.
    pub extra: Extra,
}

/// A test entry (`t`).
#[derive(Clone, PartialEq)]
pub struct Test {
    /// `tg`: disease or agent targeted.
    pub target_disease: String,
    /// `tt`: type of test (value set test-type).
    pub test_type: String,
    /// `nm`: NAA test name.
    pub test_name: Option<String>,
    /// `ma`: RAT test device identifier (value set test-manf).
    pub test_device: Option<String>,
    /// `sc`: date and time of sample collection, as issued (ISO 8601 date-time).
    pub sample_collected: String,
    /// `dr`: date and time of the test result (schema versions before 1.3.0).
    pub result_date: Option<String>,
    /// `tr`: test result (value set test-result).
    pub result: String,
    /// `tc`: testing centre or facility.
    pub testing_centre: Option<String>,
    /// `co`: country where the test was taken.
    pub country: String,
    /// `is`: certificate issuer.
    pub issuer: String,
    /// `ci`: unique certificate identifier.
    pub certificate_id: String,
    /// Fields the specification does not define, kept as issued.
    pub extra: Extra,
}

/// A recovery entry (`r`).
#[derive(Clone, PartialEq)]
pub struct Recovery {
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
    /// Fields the specification does not define, kept as issued.
    pub extra: Extra,
}

impl Dcc {
    /// Decodes the EU DCC value found in the CWT's hcert claim.
    pub fn from_cbor(value: Value) -> Result<Self, PayloadError> {
        let mut map = Fields::new(value, "DCC")?;
        let version = map.text("ver", "ver")?;
        let name = PersonName::from_cbor(map.required("nam", "nam")?)?;
        let date_of_birth = DateOfBirth::new(map.text("dob", "dob")?);
        // A group that is null counts as absent (BG issues `"r": null, "t": null`).
        let mut groups = [
            map.take_present("v")
                .map(|v| parse_list(v, "v", Vaccination::from_cbor).map(Entries::Vaccination)),
            map.take_present("t")
                .map(|t| parse_list(t, "t", Test::from_cbor).map(Entries::Test)),
            map.take_present("r")
                .map(|r| parse_list(r, "r", Recovery::from_cbor).map(Entries::Recovery)),
        ]
        .into_iter()
        .flatten();
        let entries = groups.next().ok_or(PayloadError::NoEntry)??;
        if groups.next().is_some() {
            return Err(PayloadError::SeveralTypes);
        }
        Ok(Self {
            version,
            name,
            date_of_birth,
            entries,
            extra: map.rest(),
        })
    }
}

impl PersonName {
    fn from_cbor(value: Value) -> Result<Self, PayloadError> {
        let mut map = Fields::new(value, "nam")?;
        Ok(Self {
            family_name: map.optional_text("fn", "nam.fn")?,
            family_name_standardised: map.optional_text("fnt", "nam.fnt")?,
            given_name: map.optional_text("gn", "nam.gn")?,
            given_name_standardised: map.optional_text("gnt", "nam.gnt")?,
            extra: map.rest(),
        })
    }
}

impl Vaccination {
    fn from_cbor(value: Value) -> Result<Self, PayloadError> {
        let mut map = Fields::new(value, "v[]")?;
        Ok(Self {
            target_disease: map.text("tg", "v[].tg")?,
            vaccine: map.text("vp", "v[].vp")?,
            medicinal_product: map.text("mp", "v[].mp")?,
            manufacturer: map.text("ma", "v[].ma")?,
            dose_number: map.count("dn", "v[].dn")?,
            total_doses: map.count("sd", "v[].sd")?,
            date: map.text("dt", "v[].dt")?,
            country: map.text("co", "v[].co")?,
            issuer: map.text("is", "v[].is")?,
            certificate_id: map.text("ci", "v[].ci")?,
            extra: map.rest(),
        })
    }
}

impl Test {
    fn from_cbor(value: Value) -> Result<Self, PayloadError> {
        let mut map = Fields::new(value, "t[]")?;
        Ok(Self {
            target_disease: map.text("tg", "t[].tg")?,
            test_type: map.text("tt", "t[].tt")?,
            test_name: map.optional_text("nm", "t[].nm")?,
            test_device: map.optional_text("ma", "t[].ma")?,
            sample_collected: map.text("sc", "t[].sc")?,
            result_date: map.optional_text("dr", "t[].dr")?,
            result: map.text("tr", "t[].tr")?,
            testing_centre: map.optional_text("tc", "t[].tc")?,
            country: map.text("co", "t[].co")?,
            issuer: map.text("is", "t[].is")?,
            certificate_id: map.text("ci", "t[].ci")?,
            extra: map.rest(),
        })
    }
}

impl Recovery {
    fn from_cbor(value: Value) -> Result<Self, PayloadError> {
        let mut map = Fields::new(value, "r[]")?;
        Ok(Self {
            target_disease: map.text("tg", "r[].tg")?,
            first_positive_test: map.text("fr", "r[].fr")?,
            country: map.text("co", "r[].co")?,
            issuer: map.text("is", "r[].is")?,
            valid_from: map.text("df", "r[].df")?,
            valid_until: map.text("du", "r[].du")?,
            certificate_id: map.text("ci", "r[].ci")?,
            extra: map.rest(),
        })
    }
}

fn parse_list<T>(
    value: Value,
    path: &'static str,
    parse: fn(Value) -> Result<T, PayloadError>,
) -> Result<Vec<T>, PayloadError> {
    let Value::Array(items) = value else {
        return Err(PayloadError::WrongType(path));
    };
    if items.is_empty() {
        return Err(PayloadError::NoEntry);
    }
    items.into_iter().map(parse).collect()
}

/// The text-keyed entries of one payload map, taken out one by one; what is left is `extra`.
struct Fields {
    /// The map's entries, every key a text (checked once, so the entries are not copied into
    /// a map of their own).
    entries: Vec<(Value, Value)>,
}

impl Fields {
    fn new(value: Value, path: &'static str) -> Result<Self, PayloadError> {
        let entries = cbor::unique_map(value).ok_or(PayloadError::WrongType(path))??;
        if !entries.iter().all(|(key, _)| key.is_text()) {
            return Err(PayloadError::WrongType(path));
        }
        Ok(Self { entries })
    }

    fn position(&self, key: &str, accept: impl Fn(&Value) -> bool) -> Option<usize> {
        self.entries
            .iter()
            .position(|(k, v)| k.as_text() == Some(key) && accept(v))
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        let index = self.position(key, |_| true)?;
        Some(self.entries.swap_remove(index).1)
    }

    /// The value, unless absent or null.
    fn take_present(&mut self, key: &str) -> Option<Value> {
        self.take(key).filter(|v| !v.is_null())
    }

    fn required(&mut self, key: &str, path: &'static str) -> Result<Value, PayloadError> {
        self.take(key).ok_or(PayloadError::MissingField(path))
    }

    fn text(&mut self, key: &str, path: &'static str) -> Result<String, PayloadError> {
        text(self.required(key, path)?, path)
    }

    fn optional_text(
        &mut self,
        key: &str,
        path: &'static str,
    ) -> Result<Option<String>, PayloadError> {
        self.take_present(key).map(|v| text(v, path)).transpose()
    }

    /// A dose count: a non-negative integer (an integral float is tolerated).
    fn count(&mut self, key: &str, path: &'static str) -> Result<u32, PayloadError> {
        let wrong = PayloadError::WrongType(path);
        match self.required(key, path)? {
            Value::Integer(i) => u32::try_from(i).map_err(|_| wrong),
            Value::Float(f) if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) => {
                Ok(f as u32)
            }
            _ => Err(wrong),
        }
    }

    /// A text, or a number written as its decimal text (the DVC shape's `dn`).
    fn optional_text_or_number(
        &mut self,
        key: &str,
        path: &'static str,
    ) -> Result<Option<String>, PayloadError> {
        match self.take_present(key) {
            Some(Value::Integer(i)) => Ok(Some(i128::from(i).to_string())),
            Some(other) => text(other, path).map(Some),
            None => Ok(None),
        }
    }

    /// The field when it is a text; anything else stays for `extra`.
    fn text_only(&mut self, key: &str) -> Option<String> {
        let index = self.position(key, Value::is_text)?;
        match self.entries.swap_remove(index).1 {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    fn rest(self) -> Extra {
        self.entries
            .into_iter()
            .filter_map(|(k, v)| Some((k.into_text().ok()?, json::from_cbor(&v))))
            .collect()
    }
}

/// A text field. Dates tagged as such (CBOR tag 0, and tag 1004 for full dates) are texts too.
fn text(value: Value, path: &'static str) -> Result<String, PayloadError> {
    match value {
        Value::Text(s) => Ok(s),
        Value::Tag(0 | 1004, inner) => match *inner {
            Value::Text(s) => Ok(s),
            _ => Err(PayloadError::WrongType(path)),
        },
        _ => Err(PayloadError::WrongType(path)),
    }
}

/// Decodes a DCC from its CBOR encoding (as found in test vectors and tools).
pub fn decode(bytes: &[u8]) -> Result<Dcc, PayloadError> {
    Dcc::from_cbor(cbor::decode(bytes)?)
}

#[cfg(test)]
mod tests;
