//! The PH4H medication overview (sub-claim -7, "MeOW"): who takes which medicines.

use std::fmt::{self, Debug, Formatter};

use ciborium::Value;
use serde_json::Value as Json;

use super::icvp::put;
use super::{DateOfBirth, Extra, Fields, PayloadError};

/// A medication overview.
#[derive(Clone, PartialEq)]
pub struct MedicationOverview {
    /// `n`: the holder's name.
    pub name: String,
    /// `dob`.
    pub date_of_birth: Option<DateOfBirth>,
    /// `s`: sex, as issued.
    pub sex: Option<String>,
    /// `nt`: nationality.
    pub nationality: Option<String>,
    /// `id`: identifier of the holder.
    pub identifier: Option<String>,
    /// `dt`: type of that identifier.
    pub identifier_type: Option<String>,
    /// `m`: the medications.
    pub medications: Vec<Medication>,
    /// Fields the specification does not define, kept as issued.
    pub extra: Extra,
}

/// One medication of the overview.
#[derive(Clone, PartialEq)]
pub struct Medication {
    /// `m`: the medication, a SNOMED CT code.
    pub code: String,
    /// `es`: taken from.
    pub start: Option<String>,
    /// `ee`: taken until.
    pub end: Option<String>,
    /// `da`: date asserted.
    pub asserted: Option<String>,
    /// `d`: dosage, as text.
    pub dosage: Option<String>,
    /// `r`: the medication described in words.
    pub description: Option<String>,
    /// Other fields (`a`, ...), as issued.
    pub extra: Extra,
}

impl MedicationOverview {
    pub(super) fn from_cbor(value: Value) -> Result<Self, PayloadError> {
        let mut map = Fields::new(value, "meow")?;
        let name = map.text("n", "meow.n")?;
        let date_of_birth = map.optional_text("dob", "meow.dob")?.map(DateOfBirth::new);
        let sex = map.optional_text("s", "meow.s")?;
        let nationality = map.optional_text("nt", "meow.nt")?;
        let identifier = map.optional_text("id", "meow.id")?;
        let identifier_type = map.optional_text("dt", "meow.dt")?;
        let medications = match map.required("m", "meow.m")? {
            Value::Array(items) => items
                .into_iter()
                .map(Medication::from_cbor)
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(PayloadError::WrongType("meow.m")),
        };
        if medications.is_empty() {
            return Err(PayloadError::NoEntry);
        }
        Ok(Self {
            name,
            date_of_birth,
            sex,
            nationality,
            identifier,
            identifier_type,
            medications,
            extra: map.rest(),
        })
    }

    pub(super) fn to_json(&self) -> Json {
        let mut obj = super::json::object(&self.extra);
        obj.insert("n".into(), self.name.clone().into());
        if let Some(dob) = &self.date_of_birth {
            obj.insert("dob".into(), dob.as_str().into());
        }
        put(&mut obj, "s", &self.sex);
        put(&mut obj, "nt", &self.nationality);
        put(&mut obj, "id", &self.identifier);
        put(&mut obj, "dt", &self.identifier_type);
        let m: Vec<Json> = self.medications.iter().map(Medication::to_json).collect();
        obj.insert("m".into(), Json::Array(m));
        Json::Object(obj)
    }
}

impl Medication {
    fn from_cbor(value: Value) -> Result<Self, PayloadError> {
        let mut map = Fields::new(value, "meow.m")?;
        Ok(Self {
            code: map.text("m", "meow.m.m")?,
            start: map.optional_text("es", "meow.m.es")?,
            end: map.optional_text("ee", "meow.m.ee")?,
            asserted: map.optional_text("da", "meow.m.da")?,
            dosage: map.optional_text("d", "meow.m.d")?,
            description: map.optional_text("r", "meow.m.r")?,
            extra: map.rest(),
        })
    }

    fn to_json(&self) -> Json {
        let mut obj = super::json::object(&self.extra);
        obj.insert("m".into(), self.code.clone().into());
        put(&mut obj, "es", &self.start);
        put(&mut obj, "ee", &self.end);
        put(&mut obj, "da", &self.asserted);
        put(&mut obj, "d", &self.dosage);
        put(&mut obj, "r", &self.description);
        Json::Object(obj)
    }
}

/// Health data: only the number of medications is shown.
impl Debug for MedicationOverview {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("MedicationOverview")
            .field("name", &format_args!("<redacted>"))
            .field("date_of_birth", &self.date_of_birth)
            .field("medications", &self.medications.len())
            .field("extra", &super::redact::ExtraKeys(&self.extra))
            .finish_non_exhaustive()
    }
}

impl Debug for Medication {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("Medication(<redacted>)")
    }
}
