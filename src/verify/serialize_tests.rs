//! The JSON form of a verification: every field the CLI documents, the order a `serde_json::Value`
//! prints, no personal data.

use super::*;
use crate::rules::{OpenReason, Outcome as RuleOutcome, RuleType, RuleVerdict, RulesResult};
use crate::schema::{JsonType, SchemaVersion, SchemaViolation, ViolationKind};
use crate::trust::{Environment, Kid, ListFormat};
use crate::valuesets::{ValueSetKind, ValueSetViolation, ValueSetViolationKind};

const SAMPLE: &str = include_str!("../../testdata/samples/vn-vaccination-es256.txt");

fn verdict(identifier: &str, outcome: RuleOutcome) -> RuleVerdict {
    RuleVerdict {
        identifier: identifier.to_owned(),
        rule_type: RuleType::Acceptance,
        country: "DE".to_owned(),
        version: "1.0.0".parse().unwrap(),
        description: "a rule".to_owned(),
        outcome,
    }
}

/// A verification with every part present: a decoded certificate, a signer, failed checks,
/// schema and value-set violations, failed and open rules.
fn full_verification() -> Verification {
    let decoded = crate::decode(SAMPLE.trim()).unwrap();
    Verification {
        outcome: Outcome::Invalid {
            reason: InvalidReason::RulesFailed,
        },
        kid: decoded.kid.clone(),
        algorithm: decoded.algorithm,
        certificate: Some(decoded.certificate),
        signer: Some(Signer {
            kid: Kid([1, 2, 3, 4, 5, 6, 7, 8]),
            country: Some("VN".to_owned()),
            not_before: 1,
            not_after: 2,
            participant: Some("VNM".to_owned()),
            domain: Some("DCC".to_owned()),
            source: Some(SignerSource {
                name: "who-prod".to_owned(),
                format: Some(ListFormat::Who),
                environment: Some(Environment::Production),
                list_time: Some(3),
                signed: true,
            }),
        }),
        checks: Checks {
            signature: CheckStatus::Passed,
            signer_validity: CheckStatus::Passed,
            key_usage: CheckStatus::Passed,
            issued_at: CheckStatus::Passed,
            expiry: CheckStatus::Failed,
            certificate_validity: CheckStatus::NotChecked,
            issuer_country: CheckStatus::NotChecked,
        },
        trust_list: Some(TrustListStatus {
            format: Some(ListFormat::De),
            signed: true,
            age_seconds: Some(7200),
            stale: false,
        }),
        schema: Some(SchemaCheck {
            version: SchemaVersion::V1_3_0,
            violations: vec![SchemaViolation {
                path: "/v/0/dn".to_owned(),
                kind: ViolationKind::Type {
                    expected: JsonType::Integer,
                },
            }],
            value_set_violations: vec![ValueSetViolation {
                path: "/v/0/mp".to_owned(),
                value_set: ValueSetKind::VaccineProduct,
                kind: ValueSetViolationKind::NotInValueSet,
            }],
        }),
        rules: Some(RulesResult {
            passed: 1,
            failed: 1,
            open: 1,
            rules: vec![
                verdict("GR-DE-0001", RuleOutcome::Passed),
                verdict("VR-DE-0002", RuleOutcome::Failed),
                verdict("VR-DE-0003", RuleOutcome::Open(OpenReason::NotABoolean)),
            ],
            arrival_country_has_rules: true,
        }),
        deviations: vec![crate::Deviation::TextKid],
    }
}

#[test]
fn a_full_verification_serialises_to_the_documented_fields() {
    let verification = full_verification();
    let kid = crate::trust::Kid::from_slice(verification.kid.as_deref().unwrap()).unwrap();
    let expected = serde_json::json!({
        "checks": {
            "certificate_validity": "not-checked",
            "expiry": "failed",
            "issued_at": "passed",
            "issuer_country": "not-checked",
            "key_usage": "passed",
            "signature": "passed",
            "signer_validity": "passed",
        },
        "content": null,
        "deviations": ["text-kid"],
        "exp": 2_087_942_400,
        "iat": 1_772_323_200,
        "issuer": "VN",
        "kid": kid.to_base64(),
        "kind": "eu-dcc",
        "outcome": "invalid",
        "reason": "rules-failed",
        "rules": {
            "arrival_country_has_rules": true,
            "failed": 1,
            "failed_ids": ["VR-DE-0002"],
            "open": 1,
            "open_ids": ["VR-DE-0003"],
            "passed": 1,
        },
        "schema": "1.3.0",
        "schema_check": {
            "schema": "1.3.0",
            "value_set_violations": [
                {"kind": "not-in-value-set", "path": "/v/0/mp", "value_set": "vaccines-covid-19-names"},
            ],
            "violations": [{"kind": "type", "path": "/v/0/dn"}],
        },
        "signer_country": "VN",
        "source": {"environment": "prod", "format": "who", "list_time": 3, "name": "who-prod", "signed": true},
        "trust_list": {"age_seconds": 7200, "format": "de", "signed": true, "stale": false},
        "type": "v",
    });
    assert_eq!(verification.to_json_value(), expected);
}

#[test]
fn direct_serialisation_prints_the_same_text_as_the_json_value() {
    let verification = full_verification();
    let direct = serde_json::to_string(&verification).unwrap();
    assert_eq!(direct, verification.to_json_value().to_string());
}

#[test]
fn the_json_carries_no_personal_data() {
    let text = serde_json::to_string(&full_verification()).unwrap();
    for personal in [
        "Nguy", "NGUYEN", "Minh", "1985", "URN:UVCI", "48213", "Ministry",
    ] {
        assert!(!text.contains(personal), "{personal} in {text}");
    }
}

#[test]
fn a_code_that_does_not_decode_has_nulls_for_the_certificate() {
    let verification = Verifier::new(Settings::default()).verify("HC1:not base45");
    let json = verification.to_json_value();
    assert_eq!(json["outcome"], "invalid");
    assert_eq!(json["reason"], "malformed-base45");
    for field in [
        "kid",
        "kind",
        "content",
        "issuer",
        "type",
        "schema",
        "iat",
        "exp",
        "signer_country",
        "source",
    ] {
        assert_eq!(json[field], serde_json::Value::Null, "{field}");
    }
    assert_eq!(json["deviations"], serde_json::json!([]));
    assert_eq!(json["schema_check"], serde_json::Value::Null);
    assert_eq!(json["rules"], serde_json::Value::Null);
}

#[test]
fn the_parts_serialise_on_their_own() {
    let outcome = Outcome::Undecidable {
        reason: UndecidableReason::NoTrustList,
    };
    assert_eq!(
        serde_json::to_value(&outcome).unwrap(),
        serde_json::json!({"outcome": "undecidable", "reason": "no-trust-list"})
    );
    assert_eq!(
        serde_json::to_value(Outcome::Valid).unwrap(),
        serde_json::json!({"outcome": "valid", "reason": null})
    );
    let signer = full_verification().signer.unwrap();
    assert_eq!(
        serde_json::to_value(&signer).unwrap(),
        serde_json::json!({"country": "VN", "domain": "DCC", "kid": "AQIDBAUGBwg=", "not_after": 2, "not_before": 1, "participant": "VNM", "source": {"environment": "prod", "format": "who", "list_time": 3, "name": "who-prod", "signed": true}})
    );
}
