//! Gateway validation rules: the JSON format, parsed into a typed [`Rule`] with its logic
//! compiled once.

use serde::Deserialize;

use super::certlogic::{CompileError, DateTime, Expression};
use super::version::Version;

/// The engine this crate implements, and the newest `EngineVersion` it accepts: the CertLogic
/// specification it follows. Rules for another engine or a newer version evaluate to Open.
pub const ENGINE: &str = "CERTLOGIC";
/// See [`ENGINE`].
pub const SUPPORTED_ENGINE_VERSION: Version = Version::new(1, 3, 3);

/// A validation rule from the DCC gateway.
#[derive(Debug)]
pub struct Rule {
    /// `GR|VR|TR|RR|IR-<country>-<n>`.
    pub identifier: String,
    /// Acceptance or invalidation.
    pub rule_type: RuleType,
    /// ISO 3166 alpha-2 code of the country that owns the rule.
    pub country: String,
    /// The rule's own version; the newest in force applies.
    pub version: Version,
    /// The DCC schema version the rule was written for.
    pub schema_version: Version,
    /// The logic's engine, `CERTLOGIC` for every rule this crate can run.
    pub engine: String,
    /// The engine version the logic needs.
    pub engine_version: Version,
    /// The certificates the rule is for.
    pub certificate_type: RuleCertificateType,
    /// The rule's description, in one or more languages.
    pub descriptions: Vec<Description>,
    /// When the rule comes into force.
    pub valid_from: DateTime,
    /// When it stops being in force (exclusive).
    pub valid_to: DateTime,
    /// The payload fields the logic reads.
    pub affected_fields: Vec<String>,
    logic: Logic,
}

/// Acceptance rules are set by the country of arrival, invalidation rules by the issuer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
pub enum RuleType {
    /// Set by the country of arrival: what it accepts.
    Acceptance,
    /// Set by the issuing country: certificates it withdraws.
    Invalidation,
}

/// Which certificates a rule is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
pub enum RuleCertificateType {
    /// Every certificate type.
    General,
    /// Vaccination certificates.
    Vaccination,
    /// Test certificates.
    Test,
    /// Recovery certificates.
    Recovery,
}

/// A rule's description in one language.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Description {
    /// ISO 639-1 language code, e.g. "de".
    pub lang: String,
    /// The text.
    pub desc: String,
}

/// Why a rule's JSON is not a gateway rule.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// Not JSON of the gateway rule shape.
    #[error("rule is not valid gateway rule JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A version field is not `major.minor.patch`.
    #[error("rule field {field} is not a semantic version")]
    Version {
        /// The JSON field.
        field: &'static str,
    },
    /// A validity field is not an RFC 3339 date-time.
    #[error("rule field {field} is not a date-time")]
    Timestamp {
        /// The JSON field.
        field: &'static str,
    },
}

impl RuleError {
    /// A stable kebab-case code for apps and logs.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::Json(_) => "not-a-rule",
            RuleError::Version { .. } => "invalid-version",
            RuleError::Timestamp { .. } => "invalid-timestamp",
        }
    }
}

/// The rule's logic as far as this engine can take it.
#[derive(Debug)]
pub(super) enum Logic {
    Compiled(Expression),
    /// Another engine, or a newer CertLogic than this one: not compiled.
    Unsupported,
    Invalid(CompileError),
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RuleJson {
    identifier: String,
    #[serde(rename = "Type")]
    rule_type: RuleType,
    country: String,
    version: String,
    schema_version: String,
    engine: String,
    engine_version: String,
    certificate_type: RuleCertificateType,
    description: Vec<Description>,
    valid_from: String,
    valid_to: String,
    affected_fields: Vec<String>,
    logic: serde_json::Value,
}

impl Rule {
    /// Parses a rule from its gateway JSON. A rule whose `Logic` is not valid CertLogic still
    /// parses (it evaluates to Open), so that a broken rule is reported rather than dropped.
    pub fn from_json(json: &serde_json::Value) -> Result<Rule, RuleError> {
        let raw = RuleJson::deserialize(json)?;
        let version = |text: &str, field| {
            text.parse::<Version>()
                .map_err(|_| RuleError::Version { field })
        };
        let timestamp =
            |text: &str, field| DateTime::parse(text).ok_or(RuleError::Timestamp { field });
        let engine_version = version(&raw.engine_version, "EngineVersion")?;
        let logic = if raw.engine != ENGINE || engine_version > SUPPORTED_ENGINE_VERSION {
            Logic::Unsupported
        } else {
            Expression::compile(&raw.logic).map_or_else(Logic::Invalid, Logic::Compiled)
        };
        Ok(Rule {
            version: version(&raw.version, "Version")?,
            schema_version: version(&raw.schema_version, "SchemaVersion")?,
            engine_version,
            valid_from: timestamp(&raw.valid_from, "ValidFrom")?,
            valid_to: timestamp(&raw.valid_to, "ValidTo")?,
            identifier: raw.identifier,
            rule_type: raw.rule_type,
            country: raw.country,
            engine: raw.engine,
            certificate_type: raw.certificate_type,
            descriptions: raw.description,
            affected_fields: raw.affected_fields,
            logic,
        })
    }

    /// Parses a rule from JSON text (a duplicate key in any object is an error).
    pub fn from_slice(json: &[u8]) -> Result<Rule, RuleError> {
        Rule::from_json(&crate::strict_json::from_slice(json)?)
    }

    /// The compiled logic, or why there is none.
    pub(super) fn logic(&self) -> &Logic {
        &self.logic
    }

    /// The description in `language`, else in English, else the first one (empty if none).
    pub fn description(&self, language: &str) -> &str {
        let in_language = |lang: &str| {
            self.descriptions
                .iter()
                .find(|d| d.lang.eq_ignore_ascii_case(lang))
        };
        in_language(language)
            .or_else(|| in_language("en"))
            .or_else(|| self.descriptions.first())
            .map_or("", |d| d.desc.as_str())
    }

    /// Whether the rule is in force at `instant` (`ValidFrom` ≤ instant < `ValidTo`).
    pub fn is_valid_at(&self, instant: DateTime) -> bool {
        self.valid_from <= instant && instant < self.valid_to
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(changes: serde_json::Value) -> Result<Rule, RuleError> {
        let mut json = json!({
            "Identifier": "VR-XX-0001", "Type": "Acceptance", "Country": "XX", "Version": "1.0.0",
            "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC", "EngineVersion": "0.7.5",
            "CertificateType": "Vaccination",
            "Description": [{"lang": "fr", "desc": "Description en français"}],
            "ValidFrom": "2021-06-01T00:00:00Z", "ValidTo": "2030-06-01T00:00:00+02:00",
            "AffectedFields": ["v.0"], "Logic": {"var": "payload.v.0"}
        });
        for (key, value) in changes.as_object().into_iter().flatten() {
            json[key] = value.clone();
        }
        Rule::from_json(&json)
    }

    #[test]
    fn rules_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Rule>();
    }

    #[test]
    fn description_falls_back_to_english_then_the_first() -> Result<(), RuleError> {
        let only_french = rule(json!({}))?;
        assert_eq!(only_french.description("de"), "Description en français");
        let both = rule(json!({"Description": [
            {"lang": "fr", "desc": "Description en français"},
            {"lang": "en", "desc": "English description"}
        ]}))?;
        assert_eq!(both.description("de"), "English description");
        assert_eq!(both.description("FR"), "Description en français");
        assert_eq!(rule(json!({"Description": []}))?.description("en"), "");
        Ok(())
    }

    #[test]
    fn metadata_must_follow_the_gateway_schema() {
        let field_error = |changes| rule(changes).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            field_error(json!({"Version": "1.0"})),
            Err("rule field Version is not a semantic version".to_owned())
        );
        assert_eq!(
            field_error(json!({"ValidTo": "someday"})),
            Err("rule field ValidTo is not a date-time".to_owned())
        );
        assert!(matches!(
            rule(json!({"Type": "Rejection"})),
            Err(RuleError::Json(_))
        ));
        assert!(matches!(
            rule(json!({"CertificateType": "vaccination"})),
            Err(RuleError::Json(_))
        ));
        assert!(matches!(
            rule(json!({"Logic": null})).map(|r| r.logic),
            Ok(Logic::Invalid(_))
        ));
        assert!(matches!(
            rule(json!({"Engine": "OTHER"})).map(|r| r.logic),
            Ok(Logic::Unsupported)
        ));
    }

    #[test]
    fn validity_includes_valid_from_and_excludes_valid_to() -> Result<(), RuleError> {
        let rule = rule(json!({}))?;
        let at = |text| DateTime::parse(text).map(|t| rule.is_valid_at(t));
        assert_eq!(at("2021-05-31T23:59:59.999Z"), Some(false));
        assert_eq!(at("2021-06-01T00:00:00Z"), Some(true));
        assert_eq!(at("2030-05-31T21:59:59.999Z"), Some(true));
        assert_eq!(at("2030-05-31T22:00:00Z"), Some(false));
        Ok(())
    }
}
