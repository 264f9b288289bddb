//! Evaluating rules: one outcome per rule, and the report over an applicable set.

use super::certlogic::{CompileError, EvalError, Value};
use super::external::{ExternalTexts, RuleContext};
use super::rule::{Logic, Rule, RuleType};
use super::select::select_rules;
use super::version::Version;

/// What one rule says about a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The logic evaluated to true.
    Passed,
    /// The logic evaluated to false.
    Failed,
    /// The rule could not give a yes or no; a verifier must not treat this as a pass.
    Open(OpenReason),
}

/// Why a rule is Open. `Display` and `Debug` carry no payload values.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpenReason {
    /// Written for another engine or a newer CertLogic.
    #[error("rule needs another engine or a newer CertLogic")]
    UnsupportedEngine,
    /// The logic does not compile.
    #[error("rule logic is not valid CertLogic: {0}")]
    InvalidLogic(CompileError),
    /// The certificate's schema version is older than the rule's, or of another major version.
    #[error("certificate schema version does not match the rule's")]
    SchemaVersion,
    /// The evaluation failed on this certificate's data.
    #[error("rule evaluation failed: {0}")]
    Evaluation(EvalError),
    /// The logic gave something other than true or false.
    #[error("rule logic did not evaluate to true or false")]
    NotABoolean,
}

impl OpenReason {
    /// A stable kebab-case code for apps and logs.
    pub fn code(&self) -> &'static str {
        match self {
            OpenReason::UnsupportedEngine => "unsupported-engine",
            OpenReason::InvalidLogic(_) => "invalid-logic",
            OpenReason::SchemaVersion => "schema-version",
            OpenReason::Evaluation(_) => "evaluation-error",
            OpenReason::NotABoolean => "not-a-boolean",
        }
    }
}

/// One rule's outcome, with what a verifier shows for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleResult<'r> {
    /// The rule's identifier, e.g. `TR-DE-0002`.
    pub identifier: &'r str,
    /// Acceptance or invalidation.
    pub rule_type: RuleType,
    /// The country that owns the rule.
    pub country: &'r str,
    /// The rule's version.
    pub version: &'r Version,
    /// The rule's description in the requested language (else English, else the first).
    pub description: &'r str,
    /// What the rule says.
    pub outcome: Outcome,
}

/// The outcomes of all rules that apply to a certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RulesReport<'r> {
    /// Rules that passed.
    pub passed: usize,
    /// Rules that failed.
    pub failed: usize,
    /// Rules that could not give a yes or no.
    pub open: usize,
    /// One per applicable rule.
    pub results: Vec<RuleResult<'r>>,
}

impl RulesReport<'_> {
    /// Every applicable rule passed (vacuously true when none applies).
    pub fn all_passed(&self) -> bool {
        self.failed == 0 && self.open == 0
    }

    /// The report as an owned value, free of the rules it borrows from.
    pub fn into_owned(self) -> RulesResult {
        RulesResult {
            passed: self.passed,
            failed: self.failed,
            open: self.open,
            rules: self
                .results
                .into_iter()
                .map(|result| RuleVerdict {
                    identifier: result.identifier.to_owned(),
                    rule_type: result.rule_type,
                    country: result.country.to_owned(),
                    version: result.version.clone(),
                    description: result.description.to_owned(),
                    outcome: result.outcome,
                })
                .collect(),
            arrival_country_has_rules: false,
        }
    }
}

/// The business rules' verdict on one certificate, as a verification reports it: the outcome
/// of every rule that applies to it. Rules are public documents, so nothing here is personal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RulesResult {
    /// Rules that passed.
    pub passed: usize,
    /// Rules that failed.
    pub failed: usize,
    /// Rules that could not give a yes or no.
    pub open: usize,
    /// One per applicable rule, sorted by identifier.
    pub rules: Vec<RuleVerdict>,
    /// Whether the rule set holds any acceptance rule of the country of arrival
    /// ([`RuleSet::has_acceptance_rules`](super::RuleSet::has_acceptance_rules)); false without
    /// a country of arrival. When false, only the issuer's invalidation rules were applied,
    /// and a pass means little: show it.
    pub arrival_country_has_rules: bool,
}

impl RulesResult {
    /// Every applicable rule passed (vacuously true when none applies).
    pub fn all_passed(&self) -> bool {
        self.failed == 0 && self.open == 0
    }

    /// The rules that failed.
    pub fn failed_rules(&self) -> impl Iterator<Item = &RuleVerdict> {
        self.rules
            .iter()
            .filter(|rule| rule.outcome == Outcome::Failed)
    }

    /// The rules that could not give a yes or no.
    pub fn open_rules(&self) -> impl Iterator<Item = &RuleVerdict> {
        self.rules
            .iter()
            .filter(|rule| matches!(rule.outcome, Outcome::Open(_)))
    }
}

/// One applicable rule and what it says about the certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleVerdict {
    /// `GR|VR|TR|RR|IR-<country>-<n>`.
    pub identifier: String,
    /// Acceptance or invalidation.
    pub rule_type: RuleType,
    /// The country that owns the rule.
    pub country: String,
    /// The rule's version.
    pub version: Version,
    /// The rule's description in the verifier's language (else English, else the first).
    pub description: String,
    /// What the rule says.
    pub outcome: Outcome,
}

/// Selects the rules that apply (see [`select_rules`]) and evaluates each on
/// `{payload, external}`, with descriptions in `language`.
///
/// As the reference verifiers do, a rule is Open when the certificate's schema version (`ver`)
/// has another major version than the rule's `SchemaVersion`, or is older than it.
pub fn evaluate_rules<'r>(
    rules: &'r [Rule],
    payload: &serde_json::Value,
    context: &RuleContext<'_>,
    language: &str,
) -> RulesReport<'r> {
    let selected = select_rules(
        rules,
        context.certificate_type,
        context.issuer_country,
        context.arrival_country,
        context.validation_clock,
    );
    let texts = ExternalTexts::new(context);
    let data = texts.data(payload, context);
    let payload_version = payload
        .get("ver")
        .and_then(serde_json::Value::as_str)
        .and_then(|ver| ver.parse::<Version>().ok());
    let mut report = RulesReport {
        results: Vec::with_capacity(selected.len()),
        ..RulesReport::default()
    };
    for rule in selected {
        let schema_fits = payload_version.as_ref().is_some_and(|ver| {
            ver.major == rule.schema_version.major && *ver >= rule.schema_version
        });
        let outcome = if schema_fits {
            outcome(rule, &data)
        } else {
            Outcome::Open(OpenReason::SchemaVersion)
        };
        match outcome {
            Outcome::Passed => report.passed += 1,
            Outcome::Failed => report.failed += 1,
            Outcome::Open(_) => report.open += 1,
        }
        report.results.push(RuleResult {
            identifier: &rule.identifier,
            rule_type: rule.rule_type,
            country: &rule.country,
            version: &rule.version,
            description: rule.description(language),
            outcome,
        });
    }
    report
}

/// Evaluates one rule's logic on data shaped like a rule test file: the logic sees
/// `{payload, external}` taken from `data` (absent parts read as `null`; other fields of `data`
/// are not visible), as the rule samples' own test runner does.
pub fn evaluate_rule_data(rule: &Rule, data: &serde_json::Value) -> Outcome {
    let part = |key| data.get(key).map_or(Value::NULL, Value::from_json);
    let data = Value::record([("payload", part("payload")), ("external", part("external"))]);
    outcome(rule, &data)
}

/// The rule's logic on `data`: `true` passes, `false` fails, anything else (an error, or a
/// value that is not a boolean) is Open, as in the reference verifiers.
fn outcome(rule: &Rule, data: &Value<'_>) -> Outcome {
    let expression = match rule.logic() {
        Logic::Compiled(expression) => expression,
        Logic::Unsupported => return Outcome::Open(OpenReason::UnsupportedEngine),
        Logic::Invalid(error) => return Outcome::Open(OpenReason::InvalidLogic(error.clone())),
    };
    match expression.evaluate_in(data).map(|value| value.as_bool()) {
        Ok(Some(true)) => Outcome::Passed,
        Ok(Some(false)) => Outcome::Failed,
        Ok(None) => Outcome::Open(OpenReason::NotABoolean),
        Err(error) => Outcome::Open(OpenReason::Evaluation(error)),
    }
}
