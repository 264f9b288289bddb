//! Validation of a decoded DCC payload against the EU DCC JSON schema of its declared version.
//!
//! The combined schemas of every release that certificates in circulation declare are embedded
//! (`data/`, see its SOURCE.md) and compiled once, on first use. [`validate`] picks the schema from
//! the payload's `ver` ([`SchemaVersion::for_declared`] documents the mapping) and returns every
//! violation with the JSON pointer of the field and a [`ViolationKind`]; never a value, since values
//! are personal data.
//!
//! `format` (`date`, `date-time`) is treated as an annotation and not checked, as draft 2020-12
//! specifies by default. Upstream does the same: its own "valid" test payloads carry `sc` offsets
//! such as `+02` and `+0200` that RFC 3339 rejects, and issuers sign `dt`/`fr` values that are
//! date-times (PL, SG). Whether a date can be used is decided where it is used (validity rules).
//!
//! Value sets are checked separately, by [`crate::valuesets::ValueSets::check`].

mod pattern;
mod validator;
mod version;

use std::fmt;
use std::sync::OnceLock;

use serde_json::Value;

use crate::payload::view::JsonView;
use crate::payload::Dcc;
pub use version::SchemaVersion;

/// The outcome of [`validate`]: which schema was applied and what it rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaReport {
    /// The schema applied, chosen from the payload's `ver`.
    pub version: SchemaVersion,
    /// Empty when the payload is valid.
    pub violations: Vec<SchemaViolation>,
}

impl SchemaReport {
    /// The payload conforms: no violation.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

/// One schema assertion the payload fails. Carries no payload value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SchemaViolation {
    /// JSON pointer (RFC 6901) to the offending field, e.g. `/v/0/dn`; `""` is the whole payload.
    /// For [`ViolationKind::Required`] it points at the missing field. Built from schema property
    /// names and array indices only.
    pub path: String,
    /// Which assertion fails.
    pub kind: ViolationKind,
}

impl fmt::Display for SchemaViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.kind)
    }
}

/// What a [`SchemaViolation`] is; [`ViolationKind::code`] names the failing JSON Schema keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ViolationKind {
    /// `type`: the value is not of the expected JSON type.
    Type {
        /// The type the schema requires.
        expected: JsonType,
    },
    /// `required`: the field is missing.
    Required,
    /// `oneOf`: the payload must match exactly one alternative; `matched` did. In the DCC schemas
    /// (1.3.0 on) 0 means `ver`, `nam`, `dob` or every entry group is missing, 2 or 3 means several of
    /// `v`, `t`, `r` are present.
    OneOf {
        /// How many alternatives matched.
        matched: usize,
    },
    /// `anyOf`: no alternative matched (1.3.2 on: neither `fnt` nor `gnt` in `nam`).
    AnyOf,
    /// `minItems`: too few array items.
    MinItems,
    /// `maxItems`: too many array items.
    MaxItems,
    /// `minLength`: the string is too short.
    MinLength,
    /// `maxLength`: the string is too long.
    MaxLength,
    /// `pattern`: the string does not match the schema's regular expression.
    Pattern,
    /// `minimum`: the number is too small.
    Minimum,
    /// `maximum`: the number is too large.
    Maximum,
    /// `$ref`s nested deeper than the validator follows (a reference cycle in the schema).
    NestingTooDeep,
    /// The embedded schema could not be compiled; an internal error, reported so that it fails closed.
    SchemaUnavailable,
}

impl ViolationKind {
    /// A stable code: the JSON Schema keyword, or `nestingTooDeep` / `schemaUnavailable`.
    pub fn code(self) -> &'static str {
        match self {
            ViolationKind::Type { .. } => "type",
            ViolationKind::Required => "required",
            ViolationKind::OneOf { .. } => "oneOf",
            ViolationKind::AnyOf => "anyOf",
            ViolationKind::MinItems => "minItems",
            ViolationKind::MaxItems => "maxItems",
            ViolationKind::MinLength => "minLength",
            ViolationKind::MaxLength => "maxLength",
            ViolationKind::Pattern => "pattern",
            ViolationKind::Minimum => "minimum",
            ViolationKind::Maximum => "maximum",
            ViolationKind::NestingTooDeep => "nestingTooDeep",
            ViolationKind::SchemaUnavailable => "schemaUnavailable",
        }
    }
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ViolationKind::Type { expected } => write!(f, "type (expected {})", expected.name()),
            ViolationKind::OneOf { matched } => write!(f, "oneOf ({matched} alternatives matched)"),
            other => f.write_str(other.code()),
        }
    }
}

/// The JSON types of JSON Schema's `type` keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonType {
    /// `null`.
    Null,
    /// `boolean`.
    Boolean,
    /// `object`.
    Object,
    /// `array`.
    Array,
    /// `number`.
    Number,
    /// `string`.
    String,
    /// `integer`.
    Integer,
}

impl JsonType {
    /// The JSON Schema name of the type, e.g. "integer".
    pub fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "boolean",
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Integer => "integer",
        }
    }
}

/// Validates a decoded DCC payload (the `-260`/`1` map of the CWT, as JSON) against the schema of its
/// declared `ver`. Never panics; any JSON value is accepted as input.
pub fn validate(payload: &Value) -> SchemaReport {
    let version = SchemaVersion::of_payload(payload);
    SchemaReport {
        version,
        violations: version.validate(payload),
    }
}

/// Validates a typed payload as [`validate`] validates its [`Dcc::to_json`], with the same result,
/// without converting it.
pub fn validate_dcc(dcc: &Dcc) -> SchemaReport {
    let version = SchemaVersion::for_declared(Some(&dcc.version));
    SchemaReport {
        version,
        violations: version.validate_view(JsonView::Dcc(dcc)),
    }
}

impl SchemaVersion {
    /// Validates `payload` against this version's schema, whatever the payload declares.
    pub fn validate(self, payload: &Value) -> Vec<SchemaViolation> {
        self.validate_view(JsonView::Json(payload))
    }

    fn validate_view(self, payload: JsonView<'_>) -> Vec<SchemaViolation> {
        match self.compiled() {
            Some(schema) => schema.validate_view(payload),
            None => vec![SchemaViolation {
                path: String::new(),
                kind: ViolationKind::SchemaUnavailable,
            }],
        }
    }

    /// The compiled schema, built on first use.
    fn compiled(self) -> Option<&'static validator::CompiledSchema> {
        static COMPILED: [OnceLock<Result<validator::CompiledSchema, validator::CompileError>>;
            SchemaVersion::ALL.len()] = [const { OnceLock::new() }; SchemaVersion::ALL.len()];
        COMPILED
            .get(self as usize)?
            .get_or_init(|| self.compile())
            .as_ref()
            .ok()
    }

    fn compile(self) -> Result<validator::CompiledSchema, validator::CompileError> {
        let schema = self
            .embedded()
            .ok_or(validator::CompileError::Malformed("embedded schema bundle"))?;
        validator::compile(&schema)
    }
}

#[cfg(test)]
mod tests;
