//! DDCC core data sets: vaccination status (sub-claim 3), test result (sub-claim 4), and the 2021
//! demo format that put the data set in place of the whole CWT. The data set's own structure
//! (FHIR-like codings) is kept as issued, as JSON; the person's name and birth date are named.

use std::fmt::{self, Debug, Formatter};

use ciborium::Value;
use serde_json::Value as Json;

use super::{Extra, Fields, PayloadError};

/// A DDCC core data set (`DDCCCoreDataSet.VS` or `.TR`).
#[derive(Clone, PartialEq)]
pub struct Ddcc {
    /// `name`.
    pub name: Option<String>,
    /// `birthDate`.
    pub birth_date: Option<String>,
    /// `identifier`, when it is a text.
    pub identifier: Option<String>,
    /// Every other field (`vaccination`/`vaccine`/`test`, `certificate`, ...), as issued.
    pub data: Extra,
}

impl Ddcc {
    pub(super) fn from_cbor(value: Value, path: &'static str) -> Result<Self, PayloadError> {
        let mut map = Fields::new(value, path)?;
        Ok(Self {
            name: map.optional_text("name", path)?,
            birth_date: map.optional_text("birthDate", path)?,
            identifier: map.text_only("identifier"),
            data: map.rest(),
        })
    }

    /// Whether the data set records a vaccination (`vaccination` or the demo's `vaccine`) or a
    /// test (`test`).
    pub fn records_vaccination(&self) -> bool {
        self.data.contains_key("vaccination") || self.data.contains_key("vaccine")
    }

    /// [`data`](Self::data) as one JSON object.
    pub fn data_json(&self) -> Json {
        Json::Object(super::json::object(&self.data))
    }

    pub(super) fn to_json(&self) -> Json {
        let mut obj = super::json::object(&self.data);
        super::icvp::put(&mut obj, "name", &self.name);
        super::icvp::put(&mut obj, "birthDate", &self.birth_date);
        super::icvp::put(&mut obj, "identifier", &self.identifier);
        Json::Object(obj)
    }
}

/// Field names only: every value may be personal.
impl Debug for Ddcc {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ddcc")
            .field("fields", &super::redact::ExtraKeys(&self.data))
            .finish_non_exhaustive()
    }
}
