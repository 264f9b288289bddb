//! How results are shown: a JSON object per input (the library's `Serialize` for
//! `Verification`, without personal data), or a one-line human summary.

use base64::Engine;
use dcc_verify::payload::Entries;
use dcc_verify::rules::{Outcome as RuleOutcome, RuleVerdict};
use dcc_verify::{
    format_instant, CertificateType, CheckStatus, Dcc, Decoded, Outcome, RulesResult, ValueSets,
    Verification,
};
use serde_json::{json, Value};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// One line: the verdict and why, what the certificate is, who signed it, which rules failed.
pub fn verification_summary(
    v: &Verification,
    value_sets: &ValueSets,
    show_personal_data: bool,
) -> String {
    let mut line = match &v.outcome {
        Outcome::Valid => "valid".to_owned(),
        Outcome::Invalid { reason } => format!("invalid ({}): {reason}", reason.code()),
        Outcome::Undecidable { reason } => format!("undecidable ({}): {reason}", reason.code()),
    };
    if let Some(cert) = &v.certificate {
        let kind = match cert.dcc.certificate_type() {
            CertificateType::Vaccination => "vaccination",
            CertificateType::Test => "test",
            CertificateType::Recovery => "recovery",
        };
        line += &format!(" | {kind} certificate");
        if let Some(what) = what_it_attests(&cert.dcc, value_sets) {
            line += &format!(" ({what})");
        }
        if let Some(iss) = &cert.issuer {
            line += &format!(" from {iss}");
        }
        line += &format!(
            ", issued {}, expires {}",
            format_instant(cert.issued_at),
            format_instant(cert.expires_at)
        );
        if show_personal_data {
            let name = &cert.dcc.name;
            let names = [
                &name.family_name,
                &name.given_name,
                &name.family_name_standardised,
                &name.given_name_standardised,
            ];
            let names: Vec<&str> = names.iter().filter_map(|n| n.as_deref()).collect();
            line += &format!(
                " | {} | born {}",
                names.join(" / "),
                cert.dcc.date_of_birth.as_str()
            );
        }
    }
    if let Some(signer) = &v.signer {
        line += &format!(" | signed by {}", signer.kid);
        if let Some(country) = &signer.country {
            line += &format!(" ({country})");
        }
    }
    if let Some(rules) = &v.rules {
        line += &rules_summary(rules);
    }
    if let Some(schema) = v.schema.as_ref().filter(|schema| !schema.is_valid()) {
        let violations: Vec<String> = schema
            .violations
            .iter()
            .map(ToString::to_string)
            .chain(schema.value_set_violations.iter().map(ToString::to_string))
            .collect();
        line += &format!(" | schema {}: {}", schema.version, violations.join("; "));
    }
    if v.checks.issuer_country == CheckStatus::Failed {
        line += " | warning: issuer country differs from the signer's";
    }
    if let Some(age) = v.trust_list.filter(|t| t.stale).and_then(|t| t.age_seconds) {
        line += &format!(" | warning: trust list is stale ({} h old)", age / 3600);
    }
    line
}

/// The vaccine product, or the test type and result, by their display names (the code when
/// the value sets do not name it).
fn what_it_attests(dcc: &Dcc, value_sets: &ValueSets) -> Option<String> {
    match &dcc.entries {
        Entries::Vaccination(entries) => {
            let entry = entries.first()?;
            let names = entry.display_names(value_sets);
            Some(names.product.unwrap_or(&entry.medicinal_product).to_owned())
        }
        Entries::Test(entries) => {
            let entry = entries.first()?;
            let names = entry.display_names(value_sets);
            Some(format!(
                "{}, {}",
                names.test_type.unwrap_or(&entry.test_type),
                names.result.unwrap_or(&entry.result)
            ))
        }
        Entries::Recovery(_) => None,
    }
}

/// Which rules failed or could not be evaluated, with their descriptions.
fn rules_summary(rules: &RulesResult) -> String {
    let listed = |verdicts: &mut dyn Iterator<Item = &RuleVerdict>| -> String {
        verdicts
            .map(|verdict| match &verdict.outcome {
                RuleOutcome::Open(reason) => format!(
                    "{} ({}) [{}]",
                    verdict.identifier, verdict.description, reason
                ),
                _ => format!("{} ({})", verdict.identifier, verdict.description),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut text = format!(
        " | rules: {} passed, {} failed, {} open",
        rules.passed, rules.failed, rules.open
    );
    if rules.failed > 0 {
        text += &format!(" | failed: {}", listed(&mut rules.failed_rules()));
    }
    if rules.open > 0 {
        text += &format!(" | open: {}", listed(&mut rules.open_rules()));
    }
    text
}

/// Headers and payload of a decoded QR text.
pub fn decoded_json(d: &Decoded) -> Value {
    json!({
        "kid": d.kid.as_deref().map(b64),
        "alg": d.algorithm.map(|a| a.name()),
        "iss": d.certificate.issuer,
        "iat": d.certificate.issued_at,
        "exp": d.certificate.expires_at,
        "payload": d.certificate.dcc.to_json(),
    })
}
