//! How results are shown: a JSON object per input (the library's `Serialize` for
//! `Verification`, without personal data), or a one-line human summary.

use base64::Engine;
use dcc_verify::payload::{Content, Entries};
use dcc_verify::rules::{Outcome as RuleOutcome, RuleVerdict};
use dcc_verify::{
    format_instant, CertificateType, CheckStatus, Dcc, Decoded, Outcome, RulesResult, ValueSets,
    Verification,
};
use serde_json::{json, Value};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Text for a terminal: control characters (C0, DEL, C1: newlines, carriage returns, ANSI
/// escapes), line and paragraph separators and bidirectional overrides are written as `\u{..}`
/// escapes, so certificate or list text can neither break the one-line-per-input contract nor
/// paint a fake verdict. Everything else, `Nguyễn` included, stays as it is.
pub fn escape_controls(text: &str) -> String {
    let needs_escape = |c: char| {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
    };
    if !text.contains(needs_escape) {
        return text.to_owned();
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            escaped.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            escaped.push(c);
        }
    }
    escaped
}

/// One line: the verdict and why, what the certificate is, who signed it, which rules failed.
/// Always exactly one line: every piece of certificate or rule text in it is escaped
/// ([`escape_controls`]).
pub fn verification_summary(
    v: &Verification,
    value_sets: &ValueSets,
    show_personal_data: bool,
) -> String {
    escape_controls(&summary(v, value_sets, show_personal_data))
}

fn summary(v: &Verification, value_sets: &ValueSets, show_personal_data: bool) -> String {
    let mut line = match &v.outcome {
        Outcome::Valid => "valid".to_owned(),
        Outcome::Invalid { reason } => format!("invalid ({}): {reason}", reason.code()),
        Outcome::Undecidable { reason } => format!("undecidable ({}): {reason}", reason.code()),
    };
    if let Some(cert) = &v.certificate {
        line += &format!(" | {}", what_it_is(&cert.content, value_sets));
        if let Some(iss) = &cert.issuer {
            line += &format!(" from {iss}");
        }
        line += &validity(cert);
        if show_personal_data {
            line += &personal_data(&cert.content);
        }
    }
    if !v.deviations.is_empty() {
        let deviations: Vec<&str> = v.deviations.iter().map(|d| d.code()).collect();
        line += &format!(" | deviations: {}", deviations.join(", "));
    }
    if let Some(signer) = &v.signer {
        line += &format!(" | signed by {}", signer.kid);
        if let Some(country) = &signer.country {
            line += &format!(" ({country})");
        }
        // Named when the verifier has named sources (the default ones, several caches).
        if let Some(source) = signer
            .source
            .as_ref()
            .filter(|source| source.name != dcc_verify::Verifier::DEFAULT_SOURCE)
        {
            line += &format!(" | source {}", escape_controls(&source.name));
            let list = [
                source.format.map(|f| f.code()),
                source.environment.map(|e| e.code()),
            ];
            let list: Vec<&str> = list.into_iter().flatten().collect();
            if !list.is_empty() {
                line += &format!(": {} list", list.join(" "));
            }
            if let Some(time) = source.list_time {
                let instant = dcc_verify::format_instant(time);
                line += &format!(" of {}", instant.get(..10).unwrap_or(&instant));
            }
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

/// The kind and what it attests, without personal data.
fn what_it_is(content: &Content, value_sets: &ValueSets) -> String {
    match content {
        Content::EuDcc(dcc) => {
            let kind = match dcc.certificate_type() {
                CertificateType::Vaccination => "vaccination",
                CertificateType::Test => "test",
                CertificateType::Recovery => "recovery",
            };
            match what_it_attests(dcc, value_sets) {
                Some(what) => format!("{kind} certificate ({what})"),
                None => format!("{kind} certificate"),
            }
        }
        Content::Icvp(icvp) => {
            let names: Vec<String> = icvp.vaccinations.iter().map(|v| v.display_name()).collect();
            format!("ICVP {}", names.join(", "))
        }
        Content::HealthLink(link) => {
            let access = if link.needs_passcode() {
                ", passcode needed"
            } else {
                ""
            };
            format!(
                "health link to {}{access} (content not retrieved or verified)",
                link.host()
            )
        }
        Content::MedicationOverview(overview) => format!(
            "medication overview ({} medication{})",
            overview.medications.len(),
            if overview.medications.len() == 1 {
                ""
            } else {
                "s"
            }
        ),
        Content::DdccVs(_) => "DDCC:VS vaccination status".to_owned(),
        Content::DdccTr(_) => "DDCC:TR test result".to_owned(),
        Content::LegacyDdcc(ddcc) => format!(
            "legacy DDCC demo ({})",
            if ddcc.records_vaccination() {
                "vaccination"
            } else {
                "test"
            }
        ),
        Content::Unknown(unknown) => format!("unknown kind (hcert key {})", unknown.key),
        _ => "other kind".to_owned(),
    }
}

/// When the certificate is valid: its own window where it has one, else the signature's.
fn validity(cert: &dcc_verify::HealthCertificate) -> String {
    let day = |t: i64| format_instant(t).get(..10).unwrap_or_default().to_owned();
    let mut text = String::new();
    if let Some((from, until)) = cert.content.validity().filter(|w| *w != (None, None)) {
        text += &format!(
            ", valid {}..{}",
            from.map(day).unwrap_or_default(),
            until.map(day).unwrap_or_default()
        );
    }
    if let Some(iat) = cert.issued_at {
        text += &format!(", issued {}", format_instant(iat));
    }
    match cert.expires_at {
        Some(exp) => text += &format!(", expires {}", format_instant(exp)),
        None if cert.issued_at.is_some() => text += ", no expiry",
        None => {}
    }
    text
}

/// Names, birth date (and a health link's label): only on request.
fn personal_data(content: &Content) -> String {
    let (names, born): (Vec<&str>, Option<&str>) = match content {
        Content::EuDcc(dcc) => {
            let name = &dcc.name;
            let names = [
                &name.family_name,
                &name.given_name,
                &name.family_name_standardised,
                &name.given_name_standardised,
            ];
            (
                names.iter().filter_map(|n| n.as_deref()).collect(),
                Some(dcc.date_of_birth.as_str()),
            )
        }
        Content::Icvp(icvp) => (
            vec![icvp.name.as_str()],
            icvp.date_of_birth.as_ref().map(|d| d.as_str()),
        ),
        Content::MedicationOverview(overview) => (
            vec![overview.name.as_str()],
            overview.date_of_birth.as_ref().map(|d| d.as_str()),
        ),
        Content::DdccVs(ddcc) | Content::DdccTr(ddcc) | Content::LegacyDdcc(ddcc) => (
            ddcc.name.as_deref().into_iter().collect(),
            ddcc.birth_date.as_deref(),
        ),
        Content::HealthLink(link) => (link.label.as_deref().into_iter().collect(), None),
        _ => (Vec::new(), None),
    };
    let mut text = String::new();
    if !names.is_empty() {
        text += &format!(" | {}", names.join(" / "));
    }
    if let Some(born) = born {
        text += &format!(" | born {born}");
    }
    text
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
    if !rules.arrival_country_has_rules {
        text += " (warning: no acceptance rules for the country of arrival)";
    }
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
        "kind": d.certificate.kind().code(),
        "deviations": d.deviations.iter().map(|d| d.code()).collect::<Vec<_>>(),
        "kid": d.kid.as_deref().map(b64),
        "alg": d.algorithm.map(|a| a.name()),
        "iss": d.certificate.issuer,
        "iat": d.certificate.issued_at,
        "exp": d.certificate.expires_at,
        "payload": d.certificate.content.to_json(),
    })
}
