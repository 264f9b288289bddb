//! The checks on a genuine certificate's content: the JSON schema of its version, the value
//! sets, and the business rules. They run only after the cryptographic checks pass: the content
//! of a forged or expired certificate is not worth judging.

use base64::Engine;

use crate::decode::HealthCertificate;
use crate::payload::{Dcc, Entries};
use crate::rules::certlogic::DateTime;
use crate::rules::{RuleContext, RuleSet, RulesResult};
use crate::schema;
use crate::valuesets::ValueSets;

use super::{InvalidReason, Outcome, SchemaCheck, SchemaPolicy, Settings, UndecidableReason};

/// What the content checks of one verification use, taken once when it starts.
pub(super) struct Policy<'a> {
    pub settings: &'a Settings,
    pub rules: Option<&'a RuleSet>,
    pub value_sets: &'a ValueSets,
}

#[derive(Default)]
pub(super) struct PayloadChecks {
    pub schema: Option<SchemaCheck>,
    pub rules: Option<RulesResult>,
}

impl PayloadChecks {
    /// Runs the checks the policy asks for. The schema and value sets read the typed payload
    /// as JSON without converting it (they run in every verification); only rules, whose engine
    /// works on JSON, convert it.
    pub fn run(
        cert: &HealthCertificate,
        dcc: &Dcc,
        kid: Option<&[u8]>,
        now: i64,
        policy: &Policy<'_>,
    ) -> PayloadChecks {
        let schema = (policy.settings.schema != SchemaPolicy::Off).then(|| {
            let report = schema::validate_dcc(dcc);
            SchemaCheck {
                version: report.version,
                violations: report.violations,
                value_set_violations: policy.value_sets.check_dcc(dcc),
            }
        });
        let rules = policy
            .rules
            .map(|rules| evaluate_rules(rules, cert, dcc, kid, now, policy));
        PayloadChecks { schema, rules }
    }

    /// The outcome of a certificate that passed every cryptographic and time check.
    ///
    /// - A strict schema policy turns schema or value-set violations into `Invalid`.
    /// - An applicable rule that fails makes the certificate `Invalid`: it does not meet the
    ///   rules here, today.
    /// - When none fails but some are Open, the outcome is `Undecidable`, not `Valid` and not
    ///   `Invalid`. An Open rule is one this device could not evaluate: written for a newer
    ///   engine or schema version, broken, or failing on data it did not expect. Accepting would
    ///   let a certificate through that was never checked against that rule, which a border
    ///   officer must never be led into; refusing would turn away holders who may well meet
    ///   it, and updated rules or a newer library can change the answer. That is what
    ///   `Undecidable` means, and the reference verifier apps likewise never show such a result
    ///   as valid.
    pub fn outcome(&self, schema_policy: SchemaPolicy) -> Outcome {
        let schema_rejects = schema_policy == SchemaPolicy::Strict
            && self.schema.as_ref().is_some_and(|check| !check.is_valid());
        if schema_rejects {
            return Outcome::Invalid {
                reason: InvalidReason::SchemaInvalid,
            };
        }
        match &self.rules {
            Some(rules) if rules.failed > 0 => Outcome::Invalid {
                reason: InvalidReason::RulesFailed,
            },
            Some(rules) if rules.open > 0 => Outcome::Undecidable {
                reason: UndecidableReason::RulesOpen,
            },
            _ => Outcome::Valid,
        }
    }
}

/// Evaluates the rules that apply to the certificate, with `external` built as the EU
/// reference verifiers build it.
fn evaluate_rules(
    rules: &RuleSet,
    cert: &HealthCertificate,
    dcc: &Dcc,
    kid: Option<&[u8]>,
    now: i64,
    policy: &Policy<'_>,
) -> RulesResult {
    let settings = policy.settings;
    let kid = kid.map(|kid| base64::engine::general_purpose::STANDARD.encode(kid));
    // The CWT issuer, else the country of the entry, as the reference verifiers take it.
    let issuer_country = cert
        .issuer
        .as_deref()
        .filter(|iss| !iss.is_empty())
        .or_else(|| entry_country(&dcc.entries))
        .unwrap_or("");
    let context = RuleContext {
        certificate_type: dcc.certificate_type(),
        issuer_country,
        // Without an arrival country no acceptance rule applies; the issuer's invalidation
        // rules still do.
        arrival_country: settings.arrival_country.as_deref().unwrap_or(""),
        region: settings.region.as_deref(),
        validation_clock: DateTime::from_unix_seconds_saturating(now),
        issued_at: cert.issued_at.and_then(DateTime::from_unix_seconds),
        expires_at: cert.expires_at.and_then(DateTime::from_unix_seconds),
        kid: kid.as_deref(),
        value_sets: policy.value_sets,
    };
    let mut result = rules
        .evaluate(&dcc.to_json(), &context, &settings.language)
        .into_owned();
    result.arrival_country_has_rules = settings
        .arrival_country
        .as_deref()
        .is_some_and(|country| rules.has_acceptance_rules(country));
    result
}

fn entry_country(entries: &Entries) -> Option<&str> {
    match entries {
        Entries::Vaccination(v) => v.first().map(|e| e.country.as_str()),
        Entries::Test(t) => t.first().map(|e| e.country.as_str()),
        Entries::Recovery(r) => r.first().map(|e| e.country.as_str()),
    }
}
