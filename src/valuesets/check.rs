//! Checking the coded fields of a payload's entries against their value sets.

use std::fmt;

use serde_json::Value;

use super::{ValueSetKind, ValueSets};
use crate::payload::view::{JsonView, Shape};
use crate::payload::Dcc;

/// The `tt` code of a rapid antigen test; only these name a device from the test-manufacturer list.
const RAPID_ANTIGEN_TEST: &str = "LP217198-3";

const VACCINATION_FIELDS: &[(&str, ValueSetKind)] = &[
    ("tg", ValueSetKind::DiseaseAgent),
    ("vp", ValueSetKind::VaccineProphylaxis),
    ("mp", ValueSetKind::VaccineProduct),
    ("ma", ValueSetKind::VaccineAuthorisationHolder),
    ("co", ValueSetKind::Country),
];

const TEST_FIELDS: &[(&str, ValueSetKind)] = &[
    ("tg", ValueSetKind::DiseaseAgent),
    ("tt", ValueSetKind::TestType),
    ("tr", ValueSetKind::TestResult),
    ("ma", ValueSetKind::TestManufacturer),
    ("co", ValueSetKind::Country),
];

const RECOVERY_FIELDS: &[(&str, ValueSetKind)] = &[
    ("tg", ValueSetKind::DiseaseAgent),
    ("co", ValueSetKind::Country),
];

/// A coded field whose value is not in its value set. Carries no payload value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ValueSetViolation {
    /// JSON pointer to the field, e.g. `/v/0/mp`.
    pub path: String,
    /// The value set the field must come from.
    pub value_set: ValueSetKind,
    /// What is wrong.
    pub kind: ValueSetViolationKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
/// What a [`ValueSetViolation`] is.
pub enum ValueSetViolationKind {
    /// The value is not a code of the value set (or not a string at all).
    NotInValueSet,
    /// This collection lacks the value set, so the field cannot be checked (fail closed).
    ValueSetMissing,
}

impl ValueSetViolationKind {
    /// A stable kebab-case code for apps and logs.
    pub fn code(self) -> &'static str {
        match self {
            ValueSetViolationKind::NotInValueSet => "not-in-value-set",
            ValueSetViolationKind::ValueSetMissing => "value-set-missing",
        }
    }
}

impl fmt::Display for ValueSetViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ValueSetViolationKind::NotInValueSet => {
                write!(f, "{}: not in value set {}", self.path, self.value_set)
            }
            ValueSetViolationKind::ValueSetMissing => {
                write!(f, "{}: value set {} not loaded", self.path, self.value_set)
            }
        }
    }
}

impl ValueSets {
    /// Checks the coded fields of every `v`, `t` and `r` entry: `tg` and `co` everywhere, `vp`, `mp`,
    /// `ma` in vaccinations, `tt`, `tr` in tests, and a test's `ma` when it is a rapid antigen test
    /// (as rule TR-EU-0002 does: the device list only names rapid antigen tests, and NAA tests often
    /// carry an empty `ma`). Absent fields and malformed groups are left to the schema.
    pub fn check(&self, payload: &Value) -> Vec<ValueSetViolation> {
        self.check_view(JsonView::Json(payload))
    }

    /// Checks a typed payload as [`check`](Self::check) checks its [`Dcc::to_json`], with the same
    /// result, without converting it.
    pub fn check_dcc(&self, dcc: &Dcc) -> Vec<ValueSetViolation> {
        self.check_view(JsonView::Dcc(dcc))
    }

    fn check_view(&self, payload: JsonView<'_>) -> Vec<ValueSetViolation> {
        let mut violations = Vec::new();
        for (group, fields) in [
            ("v", VACCINATION_FIELDS),
            ("t", TEST_FIELDS),
            ("r", RECOVERY_FIELDS),
        ] {
            let Some(entries) = payload.member(group) else {
                continue;
            };
            let entries = (0..).map_while(|position| entries.item(position));
            for (position, entry) in entries.enumerate() {
                if !matches!(entry.shape(), Shape::Object) {
                    continue;
                }
                let is_rapid_antigen_test =
                    entry.member("tt").and_then(JsonView::as_str) == Some(RAPID_ANTIGEN_TEST);
                for &(field, value_set) in fields {
                    if value_set == ValueSetKind::TestManufacturer && !is_rapid_antigen_test {
                        continue;
                    }
                    let Some(value) = entry.member(field) else {
                        continue;
                    };
                    let kind = match self.set(value_set) {
                        None => ValueSetViolationKind::ValueSetMissing,
                        Some(set)
                            if value
                                .as_str()
                                .is_some_and(|code| set.codes.contains_key(code)) =>
                        {
                            continue
                        }
                        Some(_) => ValueSetViolationKind::NotInValueSet,
                    };
                    violations.push(ValueSetViolation {
                        path: format!("/{group}/{position}/{field}"),
                        value_set,
                        kind,
                    });
                }
            }
        }
        violations
    }
}
