//! The FFI layer translates faithfully: same verdicts and codes as the core, nothing personal
//! in printed forms, misuse as typed errors. (The generated bindings themselves are tested
//! from Kotlin, Python and Swift by bindings/test.sh.)

use super::certificate::{
    CertificateContent, CertificateKind, CertificateType, DecodeStage, Entries, SignatureAlgorithm,
};
use super::names::{DisplayNames, TestNames, VaccinationNames};
use super::rules::{OpenReason, RejectedRule, RuleOutcome, RuleType};
use super::schema::{SchemaViolation, ValueSetViolation};
use super::trust::{SkipReason, TrustListFormat};
use super::verification::{CheckStatus, InvalidReason, Outcome, UndecidableReason};
use super::*;

const SAMPLE_LIST: &[u8] = include_bytes!("../../../testdata/samples/trust-list.json");
const DE_LIST: &[u8] = include_bytes!("../../../testdata/trustlists/de-dsc-list.signed");
const DE_KEY: &[u8] = include_bytes!("../../../testdata/trustlists/de-dsc-list-signing-key.pem");
const DE_EU_RULES: &[u8] = include_bytes!("../../../testdata/rules-samples/de-eu-rules.json");
/// 2026-06-01T00:00:00Z, when the samples' README states the expected answers.
const AT: i64 = 1_780_272_000;

fn sample(name: &str) -> String {
    let path = format!(
        "{}/../../testdata/samples/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

pub(crate) fn settings() -> Settings {
    Settings {
        clock_skew_seconds: 300,
        stale_after_seconds: 48 * 3600,
        refuse_after_seconds: None,
        arrival_country: None,
        region: None,
        language: "en".into(),
        schema_policy: None,
    }
}

fn samples() -> UnsignedTrustList {
    UnsignedTrustList::Json {
        list: SAMPLE_LIST.to_vec(),
    }
}

fn german() -> SignedTrustList {
    SignedTrustList::De {
        list: DE_LIST.to_vec(),
    }
}

fn verifier() -> Arc<Verifier> {
    let verifier = Verifier::new(settings()).unwrap();
    let report = verifier.load_unsigned_trust_list(samples(), None).unwrap();
    assert_eq!((report.taken, report.skipped.len()), (8, 0));
    verifier
}

#[test]
fn valid_sample_carries_certificate_signer_and_checks() {
    let v = verifier().verify(sample("vn-vaccination-es256"), Some(AT));
    assert_eq!(v.outcome, Outcome::Valid);
    assert_eq!(v.kid.as_deref(), Some("6+Dmto+Hqng="));
    assert_eq!(v.algorithm, Some(SignatureAlgorithm::Es256));
    let signer = v.signer.unwrap();
    assert_eq!(
        (signer.kid.as_str(), signer.country.as_deref()),
        ("6+Dmto+Hqng=", Some("VN"))
    );
    assert_eq!(v.checks.signature, CheckStatus::Passed);
    assert_eq!(v.checks.issuer_country, CheckStatus::Passed);
    let cert = v.certificate.unwrap();
    assert_eq!(cert.kind, CertificateKind::EuDcc);
    assert_eq!(
        (cert.issued_at, cert.expires_at),
        (Some(1_772_323_200), Some(2_087_942_400))
    );
    let payload_json = cert.payload_json.clone();
    let cert = eu_dcc(cert);
    assert_eq!(
        cert.name.family_name_standardised.as_deref(),
        Some("NGUYEN")
    );
    assert_eq!(cert.date_of_birth.text, "1985-03-12");
    assert_eq!(
        (
            cert.date_of_birth.year,
            cert.date_of_birth.month,
            cert.date_of_birth.day
        ),
        (Some(1985), Some(3), Some(12))
    );
    let Entries::Vaccination { entries } = &cert.entries else {
        panic!("not a vaccination: {:?}", cert.entries);
    };
    assert_eq!((entries[0].dose_number, entries[0].total_doses), (2, 2));
    let payload: serde_json::Value = serde_json::from_str(&payload_json).unwrap();
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../../testdata/samples/vn-vaccination-es256.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(payload, expected);
}

#[test]
fn invalid_samples_keep_the_core_reason_and_code() {
    let verifier = verifier();
    let core = dcc::Verifier::default()
        .with_trust_list(dcc::TrustList::from_unsigned_json(SAMPLE_LIST).unwrap().0);
    for (name, reason) in [
        ("vn-vaccination-tampered", InvalidReason::SignatureInvalid),
        ("vn-vaccination-expired", InvalidReason::Expired),
        (
            "vn-vaccination-unknown-signer",
            InvalidReason::UnknownSigner,
        ),
        ("vn-vaccination-rsa1024", InvalidReason::UnusableSignerKey),
        ("vn-vaccination-es384", InvalidReason::UnsupportedAlgorithm),
        ("vn-vaccination-dsc-expired", InvalidReason::SignerNotValid),
        (
            "vn-vaccination-test-only-dsc",
            InvalidReason::KeyUsage {
                certificate_type: CertificateType::Vaccination,
            },
        ),
    ] {
        let qr = sample(name);
        let dcc::Outcome::Invalid {
            reason: core_reason,
        } = core.verify_at(&qr, AT).outcome
        else {
            panic!("{name}: core says valid");
        };
        let Outcome::Invalid {
            reason: ffi_reason,
            code,
            message,
        } = verifier.verify(qr, Some(AT)).outcome
        else {
            panic!("{name}: FFI says not invalid");
        };
        assert_eq!(ffi_reason, reason, "{name}");
        assert_eq!(code, core_reason.code(), "{name}");
        assert_eq!(message, core_reason.to_string(), "{name}");
    }
}

#[test]
fn malformed_input_is_a_result_naming_the_stage() {
    let verifier = verifier();
    for (qr, stage, code) in [
        ("", DecodeStage::Prefix, "malformed-prefix"),
        ("HC2:ABC", DecodeStage::Prefix, "unsupported-prefix"),
        ("HC1:!!!", DecodeStage::Base45, "malformed-base45"),
        (
            "HC1:B/DSUEKLFNED",
            DecodeStage::Inflate,
            "malformed-compression",
        ),
        ("HC1:6BFVMB000-FKQ3", DecodeStage::Cose, "malformed-cose"),
    ] {
        let Outcome::Invalid {
            reason: InvalidReason::Malformed { stage: found },
            code: found_code,
            ..
        } = verifier.verify(qr.to_owned(), Some(AT)).outcome
        else {
            panic!("{qr:?}: not malformed");
        };
        assert_eq!((found, found_code.as_str()), (stage, code), "{qr:?}");
        let DecodeOutcome::Malformed {
            stage: found,
            code: found_code,
            ..
        } = verifier.decode(qr.to_owned())
        else {
            panic!("{qr:?}: decodes");
        };
        assert_eq!((found, found_code.as_str()), (stage, code), "{qr:?}");
    }
}

#[test]
fn undecidable_without_trust_list_or_clock() {
    let fresh = Verifier::new(settings()).unwrap();
    assert_eq!(fresh.trust_list_info(), None);
    let qr = sample("vn-vaccination-es256");
    assert!(matches!(
        fresh.verify(qr.clone(), Some(AT)).outcome,
        Outcome::Undecidable { ref code, .. } if code == "no-trust-list"
    ));
    // An explicit time is taken as given, never as an unset device clock (issue 10, item
    // 19): in 1970 the certificate was not yet issued.
    assert!(matches!(
        verifier().verify(qr, Some(0)).outcome,
        Outcome::Invalid { ref code, .. } if code == "not-yet-valid"
    ));
}

#[test]
fn misuse_is_a_typed_error_and_keeps_the_list() {
    for (bad, name) in [
        (
            Settings {
                clock_skew_seconds: -1,
                ..settings()
            },
            "clock_skew_seconds",
        ),
        (
            Settings {
                stale_after_seconds: -1,
                ..settings()
            },
            "stale_after_seconds",
        ),
        (
            Settings {
                refuse_after_seconds: Some(-1),
                ..settings()
            },
            "refuse_after_seconds",
        ),
    ] {
        assert_eq!(
            Verifier::new(bad).unwrap_err(),
            VerifierError::InvalidArgument {
                detail: format!("{name} must not be negative")
            }
        );
    }
    let verifier = verifier();
    let error = verifier
        .load_unsigned_trust_list(
            UnsignedTrustList::Json {
                list: b"not json".to_vec(),
            },
            None,
        )
        .unwrap_err();
    assert_eq!(
        error,
        VerifierError::TrustListRefused {
            code: "not-json".into(),
            detail: dcc::TrustListError::NotJson.to_string()
        }
    );
    assert_eq!(
        verifier.load_trust_list(german(), vec![b"junk".to_vec()], None),
        Err(VerifierError::InvalidAnchor {
            index: 0,
            detail: dcc::trust::AnchorError::NotSpki.to_string()
        })
    );
    assert_eq!(
        verifier.update_cache(german(), None, false),
        Err(VerifierError::NoCacheDirectory)
    );
    assert_eq!(verifier.cache_load_error(), None);
    assert_eq!(verifier.trust_list_info().unwrap().certificate_count, 8);
}

#[test]
fn a_signed_list_is_imported_or_refused_whole() {
    let verifier = verifier();
    let mut tampered = DE_LIST.to_vec();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x01;
    assert_eq!(
        verifier.load_trust_list(
            SignedTrustList::De { list: tampered },
            vec![DE_KEY.to_vec()],
            None
        ),
        Err(VerifierError::TrustListRefused {
            code: "signature-invalid".into(),
            detail: dcc::TrustListError::SignatureInvalid.to_string()
        })
    );
    assert_eq!(verifier.trust_list_info().unwrap().certificate_count, 8);

    let fetched_at = AT - 3 * 86_400;
    let report = verifier
        .load_trust_list(german(), vec![DE_KEY.to_vec()], Some(fetched_at))
        .unwrap();
    assert_eq!((report.taken, report.skipped.len()), (827, 2)); // two CSCAs listed as DSCs (GE, SM): not-dsc
    let info = verifier.trust_list_info().unwrap();
    assert_eq!(info.certificate_count, 827);
    assert_eq!(info.fetched_at, Some(fetched_at));
    assert_eq!(info.list_time, report.newest_entry);
    assert!(info.anchor.is_some());
    assert_eq!(
        info.issuers
            .iter()
            .map(|issuer| issuer.certificate_count)
            .sum::<i64>(),
        827
    );
    assert!(info
        .issuers
        .iter()
        .any(|issuer| issuer.country.as_deref() == Some("VN")));
    assert_eq!(
        (info.status.format, info.status.signed, info.status.stale),
        (Some(TrustListFormat::De), true, true)
    );

    let v = verifier.verify(sample("vn-vaccination-es256"), Some(AT));
    assert!(matches!(
        v.outcome,
        Outcome::Invalid {
            reason: InvalidReason::UnknownSigner,
            ..
        }
    ));
    let status = v.trust_list.unwrap();
    assert_eq!(
        (status.age_seconds, status.stale, status.signed),
        (Some(3 * 86_400), true, true)
    );
}

#[test]
fn refuse_after_makes_an_old_list_undecidable() {
    let strict = Verifier::new(Settings {
        refuse_after_seconds: Some(2 * 86_400),
        ..settings()
    })
    .unwrap();
    let fetched_at = AT - 3 * 86_400;
    strict
        .load_unsigned_trust_list(samples(), Some(fetched_at))
        .unwrap();
    let qr = sample("vn-vaccination-es256");
    let Outcome::Undecidable { reason, code, .. } = strict.verify(qr.clone(), Some(AT)).outcome
    else {
        panic!("a list past refuse_after was used");
    };
    assert_eq!(
        (reason, code.as_str()),
        (UndecidableReason::TrustListExpired, "trust-list-expired")
    );
    let v = strict.verify(qr, Some(fetched_at + 3600));
    assert_eq!(v.outcome, Outcome::Valid);
    let status = v.trust_list.unwrap();
    assert_eq!(
        (
            status.age_seconds,
            status.stale,
            status.signed,
            status.format
        ),
        (Some(3600), false, false, Some(TrustListFormat::Json))
    );
}

#[test]
fn the_cache_directory_keeps_the_list_across_verifiers() {
    let dir = std::env::temp_dir().join(format!("dcc-verify-ffi-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.to_str().unwrap().to_owned();
    let anchors = vec![DE_KEY.to_vec()];

    // The test mixes signed and unsigned lists in one cache: the app allows unsigned ones.
    let first = Verifier::open_cache(path.clone(), anchors.clone(), settings(), true).unwrap();
    assert_eq!(
        first.cache_load_error(),
        Some(super::trust::CacheLoadError::Missing)
    );
    assert_eq!(first.trust_list_info(), None);
    assert_eq!(
        first.update_cache(german(), None, false).unwrap().taken,
        827
    );
    assert_eq!(
        first
            .update_cache_unsigned(samples(), None, false)
            .unwrap()
            .taken,
        8
    );
    let Err(VerifierError::TrustListRefused { code, .. }) =
        first.update_cache(german(), None, false)
    else {
        panic!("an older list replaced a newer one");
    };
    assert_eq!(code, "rollback");
    assert_eq!(
        first
            .verify(sample("vn-vaccination-es256"), Some(AT))
            .outcome,
        Outcome::Valid
    );

    let second = Verifier::open_cache(path.clone(), anchors.clone(), settings(), true).unwrap();
    assert_eq!(second.cache_load_error(), None);
    let info = second.trust_list_info().unwrap();
    assert_eq!((info.certificate_count, info.status.signed), (8, false));
    assert_eq!(
        second
            .verify(sample("vn-vaccination-es256"), Some(AT))
            .outcome,
        Outcome::Valid
    );

    // Opened with anchors alone, the cache takes signed lists only: the unsigned list in it
    // does not load, and an unsigned update is refused.
    let signed_only = Verifier::open_cache(path.clone(), anchors, settings(), false).unwrap();
    assert_eq!(
        signed_only.cache_load_error(),
        Some(super::trust::CacheLoadError::UnsignedNotAllowed)
    );
    let Err(VerifierError::TrustListRefused { code, .. }) =
        signed_only.update_cache_unsigned(samples(), None, false)
    else {
        panic!("an unsigned list went into a signed-only cache");
    };
    assert_eq!(code, "unsigned-not-allowed");

    assert_eq!(
        Verifier::open_cache(path, vec![b"junk".to_vec()], settings(), false).unwrap_err(),
        VerifierError::InvalidAnchor {
            index: 0,
            detail: dcc::trust::AnchorError::NotSpki.to_string()
        }
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn import_report_lists_skipped_entries() {
    let doc: serde_json::Value = serde_json::from_slice(SAMPLE_LIST).unwrap();
    let good = doc["certificates"][0].clone();
    let mut wrong_kid = good.clone();
    wrong_kid["kid"] = "AAAAAAAAAAA=".into();
    let list = serde_json::json!([good, wrong_kid, {"rawData": "AAAA"}]);
    let report = verifier()
        .load_unsigned_trust_list(
            UnsignedTrustList::Json {
                list: list.to_string().into_bytes(),
            },
            None,
        )
        .unwrap();
    assert_eq!(report.taken, 1);
    let skipped: Vec<_> = report
        .skipped
        .iter()
        .map(|s| (s.index, s.listed_kid.as_deref(), s.reason))
        .collect();
    assert_eq!(
        skipped,
        [
            (1, Some("AAAAAAAAAAA="), SkipReason::KidMismatch),
            (2, None, SkipReason::NotACertificate),
        ]
    );
}

#[test]
fn printed_forms_carry_no_personal_data() {
    // With rules, so that the printed results hold verdicts too.
    let verifier = arriving_in_germany();
    for name in ["vn-vaccination-es256", "vn-test-es256", "vn-recovery-es256"] {
        let v = verifier.verify(sample(name), Some(AT));
        assert!(v.rules.is_some() && v.schema.is_some(), "{name}");
        let whole = v.certificate.clone().unwrap();
        let cert = eu_dcc(whole.clone());
        let personal = [
            cert.name.family_name.clone().unwrap(),
            cert.name.family_name_standardised.clone().unwrap(),
            cert.name.given_name.clone().unwrap(),
            cert.date_of_birth.text.clone(),
            "URN:UVCI".to_owned(),
        ];
        for shown in [
            format!("{v:?}"),
            whole.to_string(),
            cert.to_string(),
            cert.name.to_string(),
            cert.date_of_birth.to_string(),
            format!("{:?}", cert.entries),
        ] {
            for secret in &personal {
                assert!(!shown.contains(secret.as_str()), "{name}: {shown}");
            }
        }
    }
}

fn arriving_in_germany() -> Arc<Verifier> {
    let verifier = Verifier::new(Settings {
        arrival_country: Some("DE".into()),
        ..settings()
    })
    .unwrap();
    verifier.load_unsigned_trust_list(samples(), None).unwrap();
    let report = verifier.load_rules(DE_EU_RULES.to_vec()).unwrap();
    assert_eq!((report.taken, report.rejected.len()), (25, 0));
    verifier
}

/// The core's verdict on `qr` at [`AT`] under the DE+EU sample rules, arriving in `DE`.
fn core_rules_verdict(qr: &str) -> dcc::RulesResult {
    let (rules, _) = dcc::RuleSet::from_json(DE_EU_RULES).unwrap();
    let core = dcc::Verifier::new(dcc::Settings {
        arrival_country: Some("DE".into()),
        ..dcc::Settings::default()
    })
    .with_trust_list(dcc::TrustList::from_unsigned_json(SAMPLE_LIST).unwrap().0)
    .with_rules(rules);
    core.verify_at(qr, AT).rules.unwrap()
}

#[test]
fn rules_verdicts_are_the_core_verdicts() {
    let verifier = arriving_in_germany();
    let v = verifier.verify(sample("vn-vaccination-es256"), Some(AT));
    assert_eq!(v.outcome, Outcome::Valid);
    let rules = v.rules.unwrap();
    assert_eq!((rules.passed, rules.failed, rules.open), (4, 0, 0));
    let core = core_rules_verdict(&sample("vn-vaccination-es256"));
    assert_eq!(rules.verdicts.len(), core.rules.len());
    for (ffi, core) in rules.verdicts.iter().zip(&core.rules) {
        assert_eq!(ffi.identifier, core.identifier);
        assert_eq!(ffi.country, core.country);
        assert_eq!(ffi.version, core.version.to_string());
        assert_eq!(ffi.description, core.description);
        assert_eq!(ffi.rule_type, RuleType::Acceptance);
        assert_eq!(ffi.outcome, RuleOutcome::Passed);
    }

    let v = verifier.verify(sample("vn-test-es256"), Some(AT));
    let Outcome::Invalid { reason, code, .. } = v.outcome else {
        panic!("the 3-month-old rapid test passed the DE rules");
    };
    assert_eq!(
        (reason, code.as_str()),
        (InvalidReason::RulesFailed, "rules-failed")
    );
    let rules = v.rules.unwrap();
    assert_eq!((rules.passed, rules.failed, rules.open), (4, 1, 0));
    let failed: Vec<&str> = rules
        .verdicts
        .iter()
        .filter(|verdict| verdict.outcome == RuleOutcome::Failed)
        .map(|verdict| verdict.identifier.as_str())
        .collect();
    assert_eq!(failed, ["TR-DE-0002"]);

    verifier.clear_rules();
    let v = verifier.verify(sample("vn-test-es256"), Some(AT));
    assert_eq!((v.outcome, v.rules), (Outcome::Valid, None));
}

#[test]
fn a_rule_for_an_unknown_engine_is_open() {
    let all: serde_json::Value = serde_json::from_slice(DE_EU_RULES).unwrap();
    let mut rule = all
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["Identifier"] == "VR-DE-0001")
        .unwrap()
        .clone();
    rule["Engine"] = "FUTURELOGIC".into();
    rule["EngineVersion"] = "2.0.0".into();
    let verifier = arriving_in_germany();
    let report = verifier
        .load_rules(serde_json::json!([rule]).to_string().into_bytes())
        .unwrap();
    assert_eq!((report.taken, report.rejected.len()), (1, 0));
    let v = verifier.verify(sample("vn-vaccination-es256"), Some(AT));
    assert!(matches!(
        v.outcome,
        Outcome::Undecidable { reason: UndecidableReason::RulesOpen, ref code, .. } if code == "rules-open"
    ));
    let rules = v.rules.unwrap();
    assert_eq!((rules.passed, rules.failed, rules.open), (0, 0, 1));
    let RuleOutcome::Open {
        reason,
        code,
        message,
    } = &rules.verdicts[0].outcome
    else {
        panic!("not open: {:?}", rules.verdicts[0]);
    };
    assert_eq!(
        (*reason, code.as_str(), message.as_str()),
        (
            OpenReason::UnsupportedEngine,
            "unsupported-engine",
            dcc::rules::OpenReason::UnsupportedEngine
                .to_string()
                .as_str()
        )
    );
}

#[test]
fn a_rule_set_reports_the_rules_it_leaves_out_and_refuses_what_is_no_array() {
    let verifier = arriving_in_germany();
    let all: serde_json::Value = serde_json::from_slice(DE_EU_RULES).unwrap();
    let mut rules = all.as_array().unwrap().clone();
    rules[1]["ValidFrom"] = "yesterday".into(); // RR-DE-0002: recoveries only
    let identifier = rules[1]["Identifier"].as_str().unwrap().to_owned();
    rules.push(serde_json::json!({"Identifier": "VR-XX-0001"}));
    let report = verifier
        .load_rules(serde_json::Value::Array(rules).to_string().into_bytes())
        .unwrap();
    assert_eq!(report.taken, 24);
    let rejected: Vec<(i64, Option<&str>, &str)> = report
        .rejected
        .iter()
        .map(|r: &RejectedRule| (r.index, r.identifier.as_deref(), r.code.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [
            (1, Some(identifier.as_str()), "invalid-timestamp"),
            (25, Some("VR-XX-0001"), "not-a-rule")
        ]
    );
    assert!(report.rejected[0].message.contains("ValidFrom"));

    for (document, code) in [
        (&b"{\"rules\": []}"[..], "not-an-array"),
        (b"[{", "not-json"),
    ] {
        let Err(VerifierError::RulesRefused { code: found, .. }) =
            verifier.load_rules(document.to_vec())
        else {
            panic!("{code}: not refused");
        };
        assert_eq!(found, code);
    }
    // The 24 rules loaded before the refusals are still in force.
    let v = verifier.verify(sample("vn-test-es256"), Some(AT));
    assert_eq!(v.rules.unwrap().failed, 1);
}

/// A real NL certificate from the EU conformance corpus: genuinely signed, its `dob` outside
/// the 1.0.0 schema's pattern and its test type `tt` the placeholder "a test". Its QR text, its
/// signer (PEM), and an hour after it was signed.
fn nl_schema_violations() -> (String, UnsignedTrustList, i64) {
    let path = format!(
        "{}/../../testdata/dgc-testdata/NL/2DCode/raw/006-NL-test.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let case: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        case["TESTCTX"]["CERTIFICATE"].as_str().unwrap()
    );
    let qr = case["PREFIX"].as_str().unwrap().to_owned();
    let at = dcc::decode(&qr).unwrap().certificate.issued_at.unwrap() + 3600;
    let list = UnsignedTrustList::Pem {
        list: pem.into_bytes(),
    };
    (qr, list, at)
}

#[test]
fn the_schema_policy_decides_what_violations_do() {
    let expected = schema::SchemaCheck {
        version: "1.0.0".into(),
        violations: vec![SchemaViolation {
            path: "/dob".into(),
            kind: "pattern".into(),
        }],
        value_set_violations: vec![ValueSetViolation {
            path: "/t/0/tt".into(),
            value_set: "covid-19-lab-test-type".into(),
            kind: "not-in-value-set".into(),
        }],
    };
    for (policy, outcome, schema) in [
        (None, Outcome::Valid, Some(&expected)),
        (Some(SchemaPolicy::Lenient), Outcome::Valid, Some(&expected)),
        (Some(SchemaPolicy::Off), Outcome::Valid, None),
        (
            Some(SchemaPolicy::Strict),
            Outcome::Invalid {
                reason: InvalidReason::SchemaInvalid,
                code: "schema-invalid".into(),
                message: dcc::InvalidReason::SchemaInvalid.to_string(),
            },
            Some(&expected),
        ),
    ] {
        let (qr, list, at) = nl_schema_violations();
        let verifier = Verifier::new(Settings {
            schema_policy: policy,
            ..settings()
        })
        .unwrap();
        verifier.load_unsigned_trust_list(list, None).unwrap();
        let v = verifier.verify(qr, Some(at));
        assert_eq!(v.outcome, outcome, "{policy:?}");
        assert_eq!(v.schema.as_ref(), schema, "{policy:?}");
    }
    // A conforming certificate stays valid under the strict policy, its check empty.
    let strict = Verifier::new(Settings {
        schema_policy: Some(SchemaPolicy::Strict),
        ..settings()
    })
    .unwrap();
    strict.load_unsigned_trust_list(samples(), None).unwrap();
    let v = strict.verify(sample("vn-vaccination-es256"), Some(AT));
    assert_eq!(v.outcome, Outcome::Valid);
    let check = v.schema.unwrap();
    assert_eq!(check.version, "1.3.0");
    assert!(check.violations.is_empty() && check.value_set_violations.is_empty());
}

fn vaccination_names(certificate: &super::certificate::HealthCertificate) -> VaccinationNames {
    let dcc = eu_dcc(certificate.clone());
    let DisplayNames::Vaccination { entries } = &dcc.display_names else {
        panic!("not a vaccination: {:?}", dcc.display_names);
    };
    entries[0].clone()
}

/// The EU DCC a certificate holds.
fn eu_dcc(certificate: super::certificate::HealthCertificate) -> super::certificate::EuDcc {
    match certificate.content {
        CertificateContent::EuDcc { dcc } => dcc,
        other => panic!("not an EU DCC: {other:?}"),
    }
}

#[test]
fn display_names_come_from_the_value_sets_in_force() {
    let verifier = verifier();
    let qr = sample("vn-vaccination-es256");
    let cert = verifier.verify(qr.clone(), Some(AT)).certificate.unwrap();
    assert_eq!(
        vaccination_names(&cert),
        VaccinationNames {
            disease: Some("COVID-19".into()),
            vaccine: Some("covid-19 vaccines (deprecated)".into()),
            product: Some("Comirnaty".into()),
            manufacturer: Some("Biontech Manufacturing GmbH".into()),
            country: Some("Viet Nam".into()),
        }
    );
    let test = verifier
        .verify(sample("vn-test-es256"), Some(AT))
        .certificate
        .unwrap();
    assert_eq!(
        eu_dcc(test).display_names,
        DisplayNames::Test {
            entries: vec![TestNames {
                disease: Some("COVID-19".into()),
                test_type: Some("Rapid immunoassay".into()),
                result: Some("Not detected".into()),
                device: Some("Abbott Rapid Diagnostics, Panbio COVID-19 Ag Rapid Test".into()),
                country: Some("Viet Nam".into()),
            }]
        }
    );

    // Newer value sets: another name for Comirnaty, and the country list in the compressed
    // form, without names. The other bundled sets stay.
    let newer = serde_json::json!({
        "vaccines-covid-19-names": {"valueSetId": "vaccines-covid-19-names",
            "valueSetDate": "2026-05-01", "valueSetValues": {"EU/1/20/1528":
            {"display": "Comirnaty (BioNTech)", "lang": "en", "active": true,
             "system": "x", "version": ""}}},
        "country-2-codes": ["VN", "DE"]
    });
    verifier
        .load_value_sets(newer.to_string().into_bytes())
        .unwrap();
    let v = verifier.verify(qr.clone(), Some(AT));
    let names = vaccination_names(v.certificate.as_ref().unwrap());
    assert_eq!(names.product.as_deref(), Some("Comirnaty (BioNTech)"));
    assert_eq!(names.country, None);
    assert_eq!(names.disease.as_deref(), Some("COVID-19"));
    assert!(v.schema.unwrap().value_set_violations.is_empty());
    let DecodeOutcome::Decoded { certificate, .. } = verifier.decode(qr.clone()) else {
        panic!("does not decode");
    };
    assert_eq!(vaccination_names(&certificate), names);

    // Unreadable value sets are refused; the ones in force stay.
    for (document, code) in [
        (&b"\"text\""[..], "not-value-sets"),
        (b"{", "not-json"),
        (b"\xff", "not-json"),
    ] {
        let Err(VerifierError::ValueSetsRefused { code: found, .. }) =
            verifier.load_value_sets(document.to_vec())
        else {
            panic!("{code}: not refused");
        };
        assert_eq!(found, code);
    }
    let cert = verifier.verify(qr.clone(), Some(AT)).certificate.unwrap();
    assert_eq!(
        vaccination_names(&cert).product.as_deref(),
        Some("Comirnaty (BioNTech)")
    );
    // Each load starts again from the bundled sets.
    verifier.load_value_sets(b"[]".to_vec()).unwrap();
    let cert = verifier.verify(qr, Some(AT)).certificate.unwrap();
    assert_eq!(
        vaccination_names(&cert).product.as_deref(),
        Some("Comirnaty")
    );
}

/// Issue 10, item 15: an arrival country without acceptance rules is said in the result, and
/// an empty one is misuse.
#[test]
fn an_arrival_country_without_acceptance_rules_is_reported() {
    let verifier = arriving_in_germany();
    let v = verifier.verify(sample("vn-vaccination-es256"), Some(AT));
    assert!(v.rules.unwrap().arrival_country_has_rules);
    let deu = Verifier::new(Settings {
        arrival_country: Some("DEU".into()),
        ..settings()
    })
    .unwrap();
    deu.load_unsigned_trust_list(samples(), None).unwrap();
    deu.load_rules(DE_EU_RULES.to_vec()).unwrap();
    let v = deu.verify(sample("vn-vaccination-es256"), Some(AT));
    let rules = v.rules.unwrap();
    assert!(!rules.arrival_country_has_rules);
    assert!(rules.verdicts.is_empty());
    for empty in ["", "  "] {
        let error = Verifier::new(Settings {
            arrival_country: Some(empty.into()),
            ..settings()
        })
        .map(|_| ())
        .unwrap_err();
        assert!(
            matches!(error, VerifierError::InvalidArgument { .. }),
            "{error:?}"
        );
    }
}

/// The real WHO production list and the real German list as two sources: Uruguay's signer is
/// named by the German one; a refused update of one source leaves both in force.
#[test]
fn several_sources_name_the_signers_and_stay_apart() {
    let root = format!("{}/../..", env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| std::fs::read(format!("{root}/{path}")).unwrap();
    let v = Verifier::new(settings()).unwrap();
    let who_list = read("testdata/who/trustlists/prod/v2-trustlist.did.json");
    let who_key = read("testdata/who/signers/who-prod-signer.pem");
    v.add_source(
        "who-prod".into(),
        SignedTrustList::Who { list: who_list },
        vec![who_key.clone()],
        None,
    )
    .unwrap();
    v.add_source("de".into(), german(), vec![DE_KEY.to_vec()], None)
        .unwrap();
    let uruguay = read("testdata/who-hcert/qr/gdhcn-validator-eu-uruguay2-ps256.txt");
    let uruguay = String::from_utf8(uruguay).unwrap().trim().to_owned();
    let at = 1_672_531_200; // 2023-01-01
    let result = v.verify(uruguay.clone(), Some(at));
    assert_eq!(result.outcome, Outcome::Valid);
    let source = result.signer.unwrap().source.unwrap();
    assert_eq!(
        (source.name.as_str(), source.format, source.signed),
        ("de", Some(TrustListFormat::De), true)
    );
    let names: Vec<String> = v.sources().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["who-prod", "de"]);
    // A list refused for the German source (signed by WHO's key): both stay as they were.
    let refused = v.add_source("de".into(), german(), vec![who_key], None);
    assert!(matches!(
        refused,
        Err(VerifierError::TrustListRefused { .. })
    ));
    assert_eq!(v.verify(uruguay.clone(), Some(at)).outcome, Outcome::Valid);
    assert!(v.remove_source("de".into()));
    assert!(matches!(
        v.verify(uruguay, Some(at)).outcome,
        Outcome::Invalid { .. }
    ));
    // No cache directory for a source added in memory.
    assert!(matches!(
        v.update_source_cache("who-prod".into(), german(), None, false),
        Err(VerifierError::NoCacheDirectory)
    ));
}
