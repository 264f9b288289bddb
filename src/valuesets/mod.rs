//! The EU DCC value sets: the code lists behind the coded payload fields, with display names.
//!
//! [`ValueSets::bundled`] holds the last published release (`data/`, see its SOURCE.md). An app can
//! load newer ones from JSON ([`ValueSets::from_json`], [`ValueSets::merge`]). Uses:
//! - [`ValueSets::display`]: the name to show for a code ("Comirnaty" for `EU/1/20/1528`);
//! - [`ValueSets::check`]: which coded fields of `v`/`t`/`r` hold a code outside their value set;
//! - [`ValueSets::as_external_json`]: the `{valueSetId: [codes]}` map CertLogic rules read as
//!   `external.valueSets`.
//!
//! A code marked inactive upstream still counts as a member: certificates issued while it was active
//! stay well-formed; whether they are accepted is for the business rules to say.

mod check;
mod parse;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

pub use check::{ValueSetViolation, ValueSetViolationKind};

/// The value sets that coded payload fields use, by what they hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValueSetKind {
    /// `tg`: disease or agent targeted.
    DiseaseAgent,
    /// `v.vp`: vaccine or prophylaxis.
    VaccineProphylaxis,
    /// `v.mp`: vaccine medicinal product.
    VaccineProduct,
    /// `v.ma`: marketing authorisation holder, or the manufacturer when there is none.
    VaccineAuthorisationHolder,
    /// `t.tt`: type of test.
    TestType,
    /// `t.tr`: test result.
    TestResult,
    /// `t.ma`: rapid antigen test device (manufacturer and name).
    TestManufacturer,
    /// `co`: country of vaccination or test.
    Country,
}

impl ValueSetKind {
    /// Every value set the DCC uses.
    pub const ALL: [ValueSetKind; 8] = [
        ValueSetKind::DiseaseAgent,
        ValueSetKind::VaccineProphylaxis,
        ValueSetKind::VaccineProduct,
        ValueSetKind::VaccineAuthorisationHolder,
        ValueSetKind::TestType,
        ValueSetKind::TestResult,
        ValueSetKind::TestManufacturer,
        ValueSetKind::Country,
    ];

    /// The `valueSetId` of the EU value set, also its key in `external.valueSets`.
    pub fn value_set_id(self) -> &'static str {
        match self {
            ValueSetKind::DiseaseAgent => "disease-agent-targeted",
            ValueSetKind::VaccineProphylaxis => "sct-vaccines-covid-19",
            ValueSetKind::VaccineProduct => "vaccines-covid-19-names",
            ValueSetKind::VaccineAuthorisationHolder => "vaccines-covid-19-auth-holders",
            ValueSetKind::TestType => "covid-19-lab-test-type",
            ValueSetKind::TestResult => "covid-19-lab-result",
            ValueSetKind::TestManufacturer => "covid-19-lab-test-manufacturer-and-name",
            ValueSetKind::Country => "country-2-codes",
        }
    }
}

impl fmt::Display for ValueSetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.value_set_id())
    }
}

/// A collection of value sets, keyed by `valueSetId`.
///
/// ```
/// use dcc_verify::valuesets::ValueSetKind;
/// use dcc_verify::ValueSets;
///
/// let bundled = ValueSets::bundled();
/// assert_eq!(bundled.display(ValueSetKind::VaccineProduct, "EU/1/20/1528"), Some("Comirnaty"));
/// assert!(!bundled.contains(ValueSetKind::Country, "XX"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct ValueSets {
    sets: BTreeMap<String, ValueSet>,
    /// The sets as CertLogic rules see them, built on first use (every rule evaluation needs it).
    external: OnceLock<Value>,
}

impl PartialEq for ValueSets {
    fn eq(&self, other: &Self) -> bool {
        self.sets == other.sets
    }
}

impl Eq for ValueSets {}

/// One value set: its codes with their display names (none when loaded from the compressed form).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ValueSet {
    codes: BTreeMap<String, Option<String>>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
/// Why value sets cannot be read.
pub enum ValueSetError {
    #[error("value sets are not valid JSON: {0}")]
    /// Not JSON.
    Json(#[from] serde_json::Error),
    #[error("not a value-set document, a list of them, or a map of value-set ids: {0}")]
    /// JSON of another shape; what was expected.
    Shape(&'static str),
}

impl ValueSetError {
    /// A stable kebab-case code for apps and logs.
    pub fn code(&self) -> &'static str {
        match self {
            ValueSetError::Json(_) => "not-json",
            ValueSetError::Shape(_) => "not-value-sets",
        }
    }
}

impl ValueSets {
    /// The value sets embedded in the library, parsed on first use.
    pub fn bundled() -> &'static ValueSets {
        Self::bundled_shared()
    }

    /// The bundled value sets as a shared handle, for verifiers that hold value sets by `Arc`:
    /// one parsed copy serves both.
    pub(crate) fn bundled_shared() -> &'static Arc<ValueSets> {
        static BUNDLED_SETS: OnceLock<Arc<ValueSets>> = OnceLock::new();
        BUNDLED_SETS.get_or_init(|| {
            // If the bundle were unreadable, every value set would be absent and `check` would
            // report `ValueSetMissing` (fail closed). The unit tests read it.
            Arc::new(
                crate::embedded::documents(include_bytes!("data/valuesets.json.zz"))
                    .and_then(|documents| parse::value_sets(&Value::Array(documents)).ok())
                    .unwrap_or_default(),
            )
        })
    }

    /// Parses value sets in any of these forms:
    /// - one EU value-set document `{"valueSetId", "valueSetDate", "valueSetValues": {code: {"display", ...}}}`;
    /// - a JSON array of such documents;
    /// - a map from `valueSetId` to either such a document or an array of codes (the "compressed" form
    ///   rules get as `external.valueSets`; its codes have no display name).
    ///
    /// A document with a duplicate key in any object is refused ([`ValueSetError::Json`]).
    pub fn from_json(json: &str) -> Result<ValueSets, ValueSetError> {
        let value = crate::strict_json::from_str(json)?;
        parse::value_sets(&value)
    }

    /// Adds `newer`'s value sets, replacing any with the same `valueSetId`.
    pub fn merge(&mut self, newer: ValueSets) {
        self.sets.extend(newer.sets);
        self.external = OnceLock::new();
    }

    /// Whether `code` is in the value set of `kind` (inactive codes included).
    pub fn contains(&self, kind: ValueSetKind, code: &str) -> bool {
        self.set(kind)
            .is_some_and(|set| set.codes.contains_key(code))
    }

    /// The display name of `code` in the value set of `kind`, e.g. "Comirnaty" for `EU/1/20/1528`
    /// ([`ValueSetKind::VaccineProduct`]). `None` for an unknown code, or when the set was loaded
    /// without display names.
    pub fn display(&self, kind: ValueSetKind, code: &str) -> Option<&str> {
        self.set(kind)?.codes.get(code)?.as_deref()
    }

    /// Every value set as `{valueSetId: [codes]}`, what CertLogic rules read as `external.valueSets`.
    pub fn as_external_json(&self) -> &Value {
        self.external.get_or_init(|| {
            let map = self.sets.iter().map(|(id, set)| {
                let codes = set.codes.keys().cloned().map(Value::String).collect();
                (id.clone(), Value::Array(codes))
            });
            Value::Object(map.collect())
        })
    }

    fn set(&self, kind: ValueSetKind) -> Option<&ValueSet> {
        self.sets.get(kind.value_set_id())
    }
}

#[cfg(test)]
mod tests;
