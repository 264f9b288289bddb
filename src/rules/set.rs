//! A set of gateway rules, as an app loads them: parsed and compiled once, then evaluated on
//! every certificate.

use super::external::RuleContext;
use super::report::{evaluate_rules, RulesReport};
use super::rule::{Rule, RuleError};

/// The rules a verifier applies: typically every rule the gateway publishes for the country of
/// arrival (acceptance) and for the issuing countries (invalidation). Which of them apply to a
/// certificate is decided per certificate ([`super::select_rules`]).
///
/// ```
/// use dcc_verify::RuleSet;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let json = std::fs::read("testdata/rules-samples/de-eu-rules.json")?;
/// let (rules, rejected) = RuleSet::from_json(&json)?; // compiled once
/// assert_eq!((rules.len(), rejected.len()), (25, 0));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

/// Why a rule-set document cannot be read at all. (A single unusable rule is left out and
/// reported as a [`RejectedRule`] instead.)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuleSetError {
    #[error("rule set is not JSON: {0}")]
    /// The document is not JSON.
    Json(#[from] serde_json::Error),
    #[error("rule set is not a JSON array of rules")]
    /// The document is not a JSON array.
    NotAnArray,
}

impl RuleSetError {
    /// A stable kebab-case code for apps and logs.
    pub fn code(&self) -> &'static str {
        match self {
            RuleSetError::Json(_) => "not-json",
            RuleSetError::NotAnArray => "not-an-array",
        }
    }
}

/// A rule of a rule-set document that was left out, and why.
#[derive(Debug)]
pub struct RejectedRule {
    /// Position of the rule in the document.
    pub index: usize,
    /// Its `Identifier`, when it has one.
    pub identifier: Option<String>,
    /// Why it was left out.
    pub error: RuleError,
}

impl RuleSet {
    /// A rule set of these rules.
    pub fn new(rules: Vec<Rule>) -> RuleSet {
        RuleSet { rules }
    }

    /// Parses a JSON array of gateway rules. A rule that does not follow the gateway format is
    /// left out and reported; a rule whose logic this engine cannot run is kept (it evaluates to
    /// Open, so the verifier says it could not decide instead of ignoring the rule). A document
    /// with a duplicate key in any object is refused as not JSON: parsers disagree on which one
    /// counts.
    pub fn from_json(json: &[u8]) -> Result<(RuleSet, Vec<RejectedRule>), RuleSetError> {
        let document = crate::strict_json::from_slice(json)?;
        let items = document.as_array().ok_or(RuleSetError::NotAnArray)?;
        let mut rules = Vec::with_capacity(items.len());
        let mut rejected = Vec::new();
        for (index, item) in items.iter().enumerate() {
            match Rule::from_json(item) {
                Ok(rule) => rules.push(rule),
                Err(error) => rejected.push(RejectedRule {
                    index,
                    identifier: item
                        .get("Identifier")
                        .and_then(serde_json::Value::as_str)
                        .map(str::to_owned),
                    error,
                }),
            }
        }
        Ok((RuleSet { rules }, rejected))
    }

    /// The rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// How many rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether the set holds any acceptance rule of `country` (ISO 3166 alpha-2, matched
    /// without regard to case), whatever its certificate type and validity period. A country of
    /// arrival without one (a typo, "DEU", "Germany", "") has no rules applied to its entries:
    /// an app should say so rather than let a certificate pass on no rules at all.
    pub fn has_acceptance_rules(&self, country: &str) -> bool {
        self.rules.iter().any(|rule| {
            rule.rule_type == super::RuleType::Acceptance
                && !country.is_empty()
                && rule.country.eq_ignore_ascii_case(country)
        })
    }

    /// Selects the rules that apply and evaluates them (see [`evaluate_rules`]).
    pub fn evaluate(
        &self,
        payload: &serde_json::Value,
        context: &RuleContext<'_>,
        language: &str,
    ) -> RulesReport<'_> {
        evaluate_rules(&self.rules, payload, context, language)
    }
}

impl FromIterator<Rule> for RuleSet {
    fn from_iter<I: IntoIterator<Item = Rule>>(rules: I) -> RuleSet {
        RuleSet::new(rules.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(identifier: &str) -> serde_json::Value {
        serde_json::json!({
            "Identifier": identifier, "Type": "Acceptance", "Country": "XX", "Version": "1.0.0",
            "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC", "EngineVersion": "0.7.5",
            "CertificateType": "General", "Description": [{"lang": "en", "desc": "Always"}],
            "ValidFrom": "2021-06-01T00:00:00Z", "ValidTo": "2030-06-01T00:00:00Z",
            "AffectedFields": [], "Logic": true
        })
    }

    #[test]
    fn keeps_good_rules_and_reports_the_others() -> Result<(), RuleSetError> {
        let mut broken = rule("GR-XX-0002");
        broken["Version"] = "one".into();
        let document = serde_json::json!([rule("GR-XX-0001"), broken, 42, rule("GR-XX-0003")]);
        let (set, rejected) = RuleSet::from_json(document.to_string().as_bytes())?;
        let kept: Vec<&str> = set.rules().iter().map(|r| r.identifier.as_str()).collect();
        assert_eq!(kept, ["GR-XX-0001", "GR-XX-0003"]);
        let reported: Vec<(usize, Option<&str>)> = rejected
            .iter()
            .map(|r| (r.index, r.identifier.as_deref()))
            .collect();
        assert_eq!(reported, [(1, Some("GR-XX-0002")), (2, None)]);
        assert!(matches!(
            rejected.first().map(|r| &r.error),
            Some(RuleError::Version { field: "Version" })
        ));
        let codes: Vec<&str> = rejected.iter().map(|r| r.error.code()).collect();
        assert_eq!(codes, ["invalid-version", "not-a-rule"]);
        Ok(())
    }

    #[test]
    fn refuses_what_is_not_an_array_of_rules() {
        assert!(matches!(
            RuleSet::from_json(b"{\"rules\": []}"),
            Err(ref e @ RuleSetError::NotAnArray) if e.code() == "not-an-array"
        ));
        assert!(matches!(
            RuleSet::from_json(b"[1,"),
            Err(ref e @ RuleSetError::Json(_)) if e.code() == "not-json"
        ));
        assert!(
            matches!(RuleSet::from_json(b"[]"), Ok((set, rejected)) if set.is_empty() && rejected.is_empty())
        );
    }
}
