//! The schema and value-set check: the policy an app sets, and what a verification found.

use dcc::{schema, valuesets, verify};

/// What the check of the payload against the DCC JSON schema of its version and the value sets
/// does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum SchemaPolicy {
    /// Not checked (`Verification.schema` is null).
    Off,
    /// Checked and reported in `Verification.schema`; the outcome is unchanged (real issuers
    /// sign certificates that violate the schema).
    Lenient,
    /// Checked; any schema or value-set violation makes the certificate
    /// `Invalid(schema-invalid)`.
    Strict,
}

impl From<SchemaPolicy> for verify::SchemaPolicy {
    fn from(policy: SchemaPolicy) -> Self {
        match policy {
            SchemaPolicy::Off => Self::Off,
            SchemaPolicy::Lenient => Self::Lenient,
            SchemaPolicy::Strict => Self::Strict,
        }
    }
}

/// The payload against the JSON schema of its declared version and the value sets. Field paths
/// and kinds only, never a value: nothing here is personal data.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SchemaCheck {
    /// The schema applied, chosen from the payload's `ver`, e.g. "1.3.0".
    pub version: String,
    /// What the schema rejects.
    pub violations: Vec<SchemaViolation>,
    /// Coded fields holding a code outside their value set.
    pub value_set_violations: Vec<ValueSetViolation>,
}

impl From<verify::SchemaCheck> for SchemaCheck {
    fn from(check: verify::SchemaCheck) -> Self {
        Self {
            version: check.version.as_str().to_owned(),
            violations: check.violations.into_iter().map(Into::into).collect(),
            value_set_violations: check
                .value_set_violations
                .into_iter()
                .map(Into::into)
                .collect(),
        }
    }
}

/// One schema assertion the payload fails.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SchemaViolation {
    /// JSON pointer to the field, e.g. "/v/0/dn" ("" is the whole payload; for `required`, the
    /// missing field).
    pub path: String,
    /// The JSON Schema keyword that fails: "type", "required", "oneOf", "anyOf", "minItems",
    /// "maxItems", "minLength", "maxLength", "pattern", "minimum", "maximum" (or
    /// "nestingTooDeep", "schemaUnavailable": internal, failing closed).
    pub kind: String,
}

impl From<schema::SchemaViolation> for SchemaViolation {
    fn from(violation: schema::SchemaViolation) -> Self {
        Self {
            kind: violation.kind.code().to_owned(),
            path: violation.path,
        }
    }
}

/// A coded field whose value is not in its value set.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ValueSetViolation {
    /// JSON pointer to the field, e.g. "/v/0/mp".
    pub path: String,
    /// The `valueSetId` the field's codes come from, e.g. "vaccines-covid-19-names".
    pub value_set: String,
    /// "not-in-value-set", or "value-set-missing" (the loaded value sets lack that set).
    pub kind: String,
}

impl From<valuesets::ValueSetViolation> for ValueSetViolation {
    fn from(violation: valuesets::ValueSetViolation) -> Self {
        Self {
            value_set: violation.value_set.value_set_id().to_owned(),
            kind: violation.kind.code().to_owned(),
            path: violation.path,
        }
    }
}
