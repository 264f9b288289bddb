//! Business rules: what loading a rule set took, and the rules' verdict on a certificate.

use super::count;
use dcc::rules;

/// What a rule-set document gave: the rules now in force, and those left out.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RuleSetReport {
    /// Rules taken (including rules this engine cannot run: they evaluate to Open).
    pub taken: i64,
    /// Rules left out because they are not gateway rule JSON.
    pub rejected: Vec<RejectedRule>,
}

impl RuleSetReport {
    pub(super) fn new(taken: &rules::RuleSet, rejected: Vec<rules::RejectedRule>) -> Self {
        Self {
            taken: count(taken.len()),
            rejected: rejected.into_iter().map(Into::into).collect(),
        }
    }
}

/// A rule left out of a rule set, and why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RejectedRule {
    /// Position of the rule in the document, from 0.
    pub index: i64,
    /// Its `Identifier`, when it has one.
    pub identifier: Option<String>,
    /// Stable kebab-case: "not-a-rule" (a field missing or of the wrong type),
    /// "invalid-version", "invalid-timestamp".
    pub code: String,
    /// An English explanation.
    pub message: String,
}

impl From<rules::RejectedRule> for RejectedRule {
    fn from(rejected: rules::RejectedRule) -> Self {
        Self {
            index: count(rejected.index),
            identifier: rejected.identifier,
            code: rejected.error.code().to_owned(),
            message: rejected.error.to_string(),
        }
    }
}

/// The business rules' verdict on a certificate: every rule that applies to it. Rules are
/// public documents: nothing here is personal.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RulesResult {
    pub passed: i64,
    pub failed: i64,
    pub open: i64,
    /// One per applicable rule, by identifier.
    pub verdicts: Vec<RuleVerdict>,
    /// Whether the rules hold any acceptance rule of `Settings.arrival_country`; false without
    /// one. When false only the issuer's invalidation rules were applied: show it, as a pass
    /// on no acceptance rules at all means little.
    pub arrival_country_has_rules: bool,
}

impl From<rules::RulesResult> for RulesResult {
    fn from(result: rules::RulesResult) -> Self {
        Self {
            passed: count(result.passed),
            failed: count(result.failed),
            open: count(result.open),
            verdicts: result.rules.into_iter().map(Into::into).collect(),
            arrival_country_has_rules: result.arrival_country_has_rules,
        }
    }
}

/// One applicable rule and what it says about the certificate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RuleVerdict {
    /// E.g. "TR-DE-0002".
    pub identifier: String,
    pub rule_type: RuleType,
    /// The country that owns the rule.
    pub country: String,
    /// The rule's version, e.g. "1.0.0".
    pub version: String,
    /// In `Settings.language`, else English, else the rule's first language.
    pub description: String,
    pub outcome: RuleOutcome,
}

impl From<rules::RuleVerdict> for RuleVerdict {
    fn from(verdict: rules::RuleVerdict) -> Self {
        Self {
            identifier: verdict.identifier,
            rule_type: verdict.rule_type.into(),
            country: verdict.country,
            version: verdict.version.to_string(),
            description: verdict.description,
            outcome: verdict.outcome.into(),
        }
    }
}

/// Acceptance rules are set by the country of arrival, invalidation rules by the issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum RuleType {
    Acceptance,
    Invalidation,
}

impl From<rules::RuleType> for RuleType {
    fn from(rule_type: rules::RuleType) -> Self {
        match rule_type {
            rules::RuleType::Acceptance => Self::Acceptance,
            rules::RuleType::Invalidation => Self::Invalidation,
        }
    }
}

/// What one rule says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum RuleOutcome {
    Passed,
    Failed,
    /// The rule could give no yes or no on this device. `code` is stable kebab-case
    /// ("unsupported-engine", "invalid-logic", "schema-version", "evaluation-error",
    /// "not-a-boolean"); `message` is English.
    Open {
        reason: OpenReason,
        code: String,
        message: String,
    },
}

impl From<rules::Outcome> for RuleOutcome {
    fn from(outcome: rules::Outcome) -> Self {
        match outcome {
            rules::Outcome::Passed => Self::Passed,
            rules::Outcome::Failed => Self::Failed,
            rules::Outcome::Open(reason) => Self::Open {
                code: reason.code().to_owned(),
                message: reason.to_string(),
                reason: reason.into(),
            },
        }
    }
}

/// Why a rule is Open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum OpenReason {
    /// Written for another engine or a newer CertLogic than this library's.
    UnsupportedEngine,
    /// Its logic is not valid CertLogic.
    InvalidLogic,
    /// Written for a newer schema version (or another major one) than the certificate's.
    SchemaVersion,
    /// Its evaluation failed on this certificate's data.
    EvaluationError,
    /// Its logic gave something other than true or false.
    NotABoolean,
}

impl From<rules::OpenReason> for OpenReason {
    fn from(reason: rules::OpenReason) -> Self {
        match reason {
            rules::OpenReason::UnsupportedEngine => Self::UnsupportedEngine,
            rules::OpenReason::InvalidLogic(_) => Self::InvalidLogic,
            rules::OpenReason::SchemaVersion => Self::SchemaVersion,
            rules::OpenReason::Evaluation(_) => Self::EvaluationError,
            rules::OpenReason::NotABoolean => Self::NotABoolean,
        }
    }
}
