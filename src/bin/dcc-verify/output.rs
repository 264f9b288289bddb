//! How results are shown: a JSON object per input, or a one-line human summary.

use base64::Engine;
use dcc_verify::{format_instant, CertificateType, CheckStatus, Decoded, Outcome, Verification};
use serde_json::{json, Value};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn check(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Passed => "passed",
        CheckStatus::Failed => "failed",
        CheckStatus::NotChecked => "not-checked",
    }
}

/// The JSON form of a verification. Carries no personal data (no names, birth date or UVCI).
pub fn verification_json(v: &Verification) -> Value {
    let cert = v.certificate.as_ref();
    json!({
        "outcome": v.outcome.code(),
        "reason": v.outcome.reason_code(),
        "kid": v.kid.as_deref().map(b64),
        "issuer": cert.and_then(|c| c.issuer.clone()),
        "type": cert.map(|c| c.dcc.certificate_type().code()),
        "schema": cert.map(|c| c.dcc.version.clone()),
        "iat": cert.map(|c| c.issued_at),
        "exp": cert.map(|c| c.expires_at),
        "signer_country": v.signer.as_ref().and_then(|s| s.country.clone()),
        "checks": {
            "signature": check(v.checks.signature),
            "signer_validity": check(v.checks.signer_validity),
            "key_usage": check(v.checks.key_usage),
            "issued_at": check(v.checks.issued_at),
            "expiry": check(v.checks.expiry),
            "issuer_country": check(v.checks.issuer_country),
        },
        "trust_list": v.trust_list.map(|t| json!({
            "format": t.format.map(|f| f.code()),
            "signed": t.signed,
            "age_seconds": t.age_seconds,
            "stale": t.stale,
        })),
    })
}

/// One line: the verdict and why, what the certificate is, who signed it.
pub fn verification_summary(v: &Verification, show_personal_data: bool) -> String {
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
    if v.checks.issuer_country == CheckStatus::Failed {
        line += " | warning: issuer country differs from the signer's";
    }
    if let Some(age) = v.trust_list.filter(|t| t.stale).and_then(|t| t.age_seconds) {
        line += &format!(" | warning: trust list is stale ({} h old)", age / 3600);
    }
    line
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
