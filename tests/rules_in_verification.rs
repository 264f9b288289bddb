//! Business rules, the schema and value sets in a verification: the outcome policy, open
//! rules, strict schema, display names, replaced value sets, and no personal data in the new
//! types.
//!
//! Certificates are the bundled samples (testdata/samples, valid at 2026-06-01) and, where a
//! payload needs changing, new ones signed here with the samples' TEST-ONLY VN ES256 key.

use std::io::Write;

use coset::{iana, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable};
use dcc_verify::payload::{DisplayNames, RecoveryNames, TestNames, VaccinationNames};
use dcc_verify::rules::{OpenReason, Outcome as RuleOutcome, RuleType};
use dcc_verify::schema::{SchemaVersion, ViolationKind};
use dcc_verify::valuesets::{ValueSetKind, ValueSetViolationKind};
use dcc_verify::{
    base45, InvalidReason, Outcome, RuleSet, SchemaPolicy, Settings, TrustList, UndecidableReason,
    ValueSets, Verification, Verifier,
};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};

const DIR: &str = env!("CARGO_MANIFEST_DIR");
/// 2026-06-01T00:00:00Z.
const AT: i64 = 1_780_272_000;
/// The kid of `dsc-vn-es256`.
const VN_KID: &str = "6+Dmto+Hqng=";

fn read(path: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn sample(name: &str) -> String {
    String::from_utf8(read(&format!("testdata/samples/{name}.txt")))
        .unwrap()
        .trim()
        .to_owned()
}

fn sample_payload(name: &str) -> Value {
    serde_json::from_slice(&read(&format!("testdata/samples/{name}.json"))).unwrap()
}

fn de_eu_rules() -> RuleSet {
    let (rules, rejected) = RuleSet::from_json(&read("testdata/rules-samples/de-eu-rules.json"))
        .expect("the sample rule set parses");
    assert!(rejected.is_empty());
    rules
}

fn trust() -> TrustList {
    TrustList::from_unsigned_json(&read("testdata/samples/trust-list.json"))
        .unwrap()
        .0
}

fn verifier(settings: Settings) -> Verifier {
    Verifier::new(settings).with_trust_list(trust())
}

fn arriving_in(country: &str) -> Settings {
    Settings {
        arrival_country: Some(country.to_owned()),
        ..Settings::default()
    }
}

/// A QR text for `payload`, signed now by the sample VN ES256 DSC (TEST-ONLY key), issued
/// 2026-03-01, expiring 2036-03-01, like the samples.
fn signed(payload: &Value) -> String {
    let claims = ciborium::Value::Map(vec![
        (1.into(), "VN".into()),
        (4.into(), 2_087_942_400.into()),
        (6.into(), 1_772_323_200.into()),
        (
            (-260).into(),
            ciborium::Value::Map(vec![(
                1.into(),
                ciborium::Value::serialized(payload).unwrap(),
            )]),
        ),
    ]);
    let mut cwt = Vec::new();
    ciborium::ser::into_writer(&claims, &mut cwt).unwrap();
    let pem =
        String::from_utf8(read("testdata/samples/pki/dsc-vn-es256.TEST-ONLY.key.pem")).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    use base64::Engine;
    let pkcs8 = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    let rng = SystemRandom::new();
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng).unwrap();
    let kid = base64::engine::general_purpose::STANDARD
        .decode(VN_KID)
        .unwrap();
    let cose = CoseSign1Builder::new()
        .protected(
            HeaderBuilder::new()
                .algorithm(iana::Algorithm::ES256)
                .key_id(kid)
                .build(),
        )
        .payload(cwt)
        .create_signature(b"", |data| key.sign(&rng, data).unwrap().as_ref().to_vec())
        .build()
        .to_tagged_vec()
        .unwrap();
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    zlib.write_all(&cose).unwrap();
    format!("HC1:{}", base45::encode(&zlib.finish().unwrap()))
}

fn failed_ids(v: &Verification) -> Vec<&str> {
    let rules = v.rules.as_ref().expect("rules were evaluated");
    rules
        .failed_rules()
        .map(|r| r.identifier.as_str())
        .collect()
}

#[test]
fn a_certificate_that_meets_the_rules_is_valid_with_their_result() {
    let verifier = verifier(arriving_in("DE")).with_rules(de_eu_rules());
    let v = verifier.verify_at(&sample("vn-vaccination-es256"), AT);
    assert_eq!(v.outcome, Outcome::Valid);
    let rules = v.rules.expect("rules were evaluated");
    assert_eq!((rules.passed, rules.failed, rules.open), (4, 0, 0));
    let ids: Vec<&str> = rules.rules.iter().map(|r| r.identifier.as_str()).collect();
    assert_eq!(
        ids,
        ["VR-DE-0001", "VR-DE-0002", "VR-DE-0003", "VR-DE-0004"]
    );
    let first = &rules.rules[0];
    assert_eq!(first.rule_type, RuleType::Acceptance);
    assert_eq!(first.country, "DE");
    assert_eq!(first.version.to_string(), "1.0.0");
    assert_eq!(
        first.description,
        "The vaccination schedule must be complete (e.g., 1/1, 2/2)."
    );
    // The lenient schema check ran, and found nothing.
    let schema = v.schema.expect("lenient schema check by default");
    assert_eq!(schema.version, SchemaVersion::V1_3_0);
    assert!(schema.is_valid());
}

#[test]
fn a_failed_rule_makes_the_certificate_invalid_and_is_named() {
    let verifier = verifier(Settings {
        language: "de".into(),
        ..arriving_in("DE")
    })
    .with_rules(de_eu_rules());
    // The rapid test was taken 2026-03-01T08:30Z; DE accepts one for 48 hours.
    let v = verifier.verify_at(&sample("vn-test-es256"), AT);
    assert_eq!(
        v.outcome,
        Outcome::Invalid {
            reason: InvalidReason::RulesFailed
        }
    );
    assert_eq!(v.outcome.reason_code(), Some("rules-failed"));
    assert_eq!(failed_ids(&v), ["TR-DE-0002"]);
    let rules = v.rules.as_ref().unwrap();
    assert_eq!((rules.passed, rules.failed, rules.open), (4, 1, 0));
    let failed = rules.failed_rules().next().unwrap();
    assert!(
        failed
            .description
            .starts_with("Die Probenahme für einen Antigen-Test"),
        "{}",
        failed.description
    );
    // Rules judge the certificate at the verification time: within 48 hours it passes.
    let within = verifier.verify_at(&sample("vn-test-es256"), 1_772_366_400); // 2026-03-01T12:00Z
    assert_eq!(within.outcome, Outcome::Valid);
}

/// A copy of the sample rule `identifier` with some fields changed.
fn rule_variant(identifier: &str, changes: Value) -> Value {
    let all: Value =
        serde_json::from_slice(&read("testdata/rules-samples/de-eu-rules.json")).unwrap();
    let mut rule = all
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Identifier"] == identifier)
        .unwrap()
        .clone();
    for (key, value) in changes.as_object().unwrap() {
        rule[key] = value.clone();
    }
    rule
}

fn rule_set(rules: &[Value]) -> RuleSet {
    let (set, rejected) = RuleSet::from_json(json!(rules).to_string().as_bytes()).unwrap();
    assert!(rejected.is_empty());
    set
}

#[test]
fn a_rule_this_device_cannot_evaluate_makes_it_undecidable_unless_another_fails() {
    let newer_engine = rule_variant(
        "VR-DE-0001",
        json!({"Identifier": "VR-DE-0101", "EngineVersion": "9.0.0"}),
    );
    let passing = rule_variant("VR-DE-0002", json!({}));
    let verifier =
        verifier(arriving_in("DE")).with_rules(rule_set(&[newer_engine.clone(), passing]));
    let v = verifier.verify_at(&sample("vn-vaccination-es256"), AT);
    assert_eq!(
        v.outcome,
        Outcome::Undecidable {
            reason: UndecidableReason::RulesOpen
        }
    );
    assert_eq!(v.outcome.reason_code(), Some("rules-open"));
    let rules = v.rules.as_ref().unwrap();
    assert_eq!((rules.passed, rules.failed, rules.open), (1, 0, 1));
    let open = rules.open_rules().next().unwrap();
    assert_eq!(open.identifier, "VR-DE-0101");
    assert_eq!(
        open.outcome,
        RuleOutcome::Open(OpenReason::UnsupportedEngine)
    );

    // A rule written for a newer schema version than the certificate's is open too.
    let newer_schema = rule_variant("VR-DE-0002", json!({"SchemaVersion": "1.3.2"}));
    verifier.set_rules(rule_set(&[newer_schema]));
    let v = verifier.verify_at(&sample("vn-vaccination-es256"), AT);
    let outcome = &v.rules.unwrap().rules[0].outcome;
    assert_eq!(outcome, &RuleOutcome::Open(OpenReason::SchemaVersion));
    assert!(matches!(outcome, RuleOutcome::Open(reason) if reason.code() == "schema-version"));

    // A failing rule outranks an open one.
    let failing = rule_variant(
        "VR-DE-0002",
        json!({"Logic": {"in": [{"var": "payload.v.0.mp"}, ["EU/1/20/1507"]]}}),
    );
    verifier.set_rules(rule_set(&[newer_engine, failing]));
    let v = verifier.verify_at(&sample("vn-vaccination-es256"), AT);
    assert_eq!(
        v.outcome,
        Outcome::Invalid {
            reason: InvalidReason::RulesFailed
        }
    );
    assert_eq!(failed_ids(&v), ["VR-DE-0002"]);
}

#[test]
fn rules_are_only_evaluated_on_a_certificate_that_passes_the_cryptographic_checks() {
    // This rule fails every vaccination; still, a bad certificate keeps its own reason.
    let always_fails = rule_variant("VR-DE-0001", json!({"Logic": false}));
    let verifier = verifier(arriving_in("DE")).with_rules(rule_set(&[always_fails]));
    for (name, reason) in [
        ("vn-vaccination-expired", InvalidReason::Expired),
        ("vn-vaccination-tampered", InvalidReason::SignatureInvalid),
        (
            "vn-vaccination-unknown-signer",
            InvalidReason::UnknownSigner,
        ),
    ] {
        let v = verifier.verify_at(&sample(name), AT);
        assert_eq!(v.outcome, Outcome::Invalid { reason }, "{name}");
        assert_eq!(v.rules, None, "{name}");
        assert_eq!(v.schema, None, "{name}");
    }
    let v = verifier.verify_at(&sample("vn-vaccination-es256"), AT);
    assert_eq!(failed_ids(&v), ["VR-DE-0001"]);
    // Without a trust list nothing is genuine, so nothing is judged.
    let untrusted = Verifier::new(arriving_in("DE")).with_rules(de_eu_rules());
    let v = untrusted.verify_at(&sample("vn-vaccination-es256"), AT);
    assert_eq!(v.outcome.reason_code(), Some("no-trust-list"));
    assert_eq!((v.rules, v.schema), (None, None));
}

#[test]
fn without_an_arrival_country_only_invalidation_rules_apply() {
    let vn_invalidation = json!({
        "Identifier": "IR-VN-0001", "Type": "Invalidation", "Country": "VN", "Version": "1.0.0",
        "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC", "EngineVersion": "0.7.5",
        "CertificateType": "General",
        "Description": [{"lang": "en", "desc": "Certificates of this product are revoked."}],
        "ValidFrom": "2021-06-01T00:00:00Z", "ValidTo": "2030-06-01T00:00:00Z",
        "AffectedFields": ["v.0.mp"],
        "Logic": {"!": [{"===": [{"var": "payload.v.0.mp"}, "EU/1/20/1528"]}]}
    });
    let de_acceptance = rule_variant("VR-DE-0001", json!({"Logic": false}));
    let verifier = verifier(Settings::default())
        .with_rules(rule_set(&[vn_invalidation.clone(), de_acceptance.clone()]));
    let v = verifier.verify_at(&sample("vn-vaccination-es256"), AT);
    assert_eq!(failed_ids(&v), ["IR-VN-0001"]);
    assert_eq!(v.rules.as_ref().unwrap().rules.len(), 1);
    assert_eq!(v.rules.unwrap().rules[0].rule_type, RuleType::Invalidation);
    // With one, both apply.
    let verifier = verifier_with(
        arriving_in("DE"),
        rule_set(&[vn_invalidation, de_acceptance]),
    );
    let v = verifier.verify_at(&sample("vn-vaccination-es256"), AT);
    assert_eq!(failed_ids(&v), ["IR-VN-0001", "VR-DE-0001"]);
}

fn verifier_with(settings: Settings, rules: RuleSet) -> Verifier {
    verifier(settings).with_rules(rules)
}

#[test]
fn rules_can_be_replaced_and_removed_while_the_verifier_is_shared() {
    let verifier = std::sync::Arc::new(verifier(arriving_in("DE")));
    assert!(verifier.rules().is_none());
    assert_eq!(verifier.verify_at(&sample("vn-test-es256"), AT).rules, None);
    let other = std::sync::Arc::clone(&verifier);
    std::thread::spawn(move || other.set_rules(de_eu_rules()))
        .join()
        .unwrap();
    assert_eq!(verifier.rules().map(|r| r.len()), Some(25));
    assert_eq!(
        failed_ids(&verifier.verify_at(&sample("vn-test-es256"), AT)),
        ["TR-DE-0002"]
    );
    verifier.clear_rules();
    let v = verifier.verify_at(&sample("vn-test-es256"), AT);
    assert_eq!((v.outcome, v.rules), (Outcome::Valid, None));
}

/// The sample vaccination with some fields changed, signed.
fn vaccination_with(changes: impl FnOnce(&mut Value)) -> String {
    let mut payload = sample_payload("vn-vaccination-es256");
    changes(&mut payload);
    signed(&payload)
}

#[test]
fn schema_violations_are_warnings_unless_the_policy_is_strict() {
    // `fnt` must be A-Z and `<` only; `dn` at least 1. (Rules that read `dn` are not loaded.)
    let qr = vaccination_with(|p| {
        p["nam"]["fnt"] = json!("nguyen");
        p["v"][0]["dn"] = json!(0);
    });
    let lenient = verifier(Settings::default()).verify_at(&qr, AT);
    assert_eq!(lenient.outcome, Outcome::Valid);
    let schema = lenient.schema.expect("checked");
    let found: Vec<(&str, ViolationKind)> = schema
        .violations
        .iter()
        .map(|v| (v.path.as_str(), v.kind))
        .collect();
    assert_eq!(
        found,
        [
            ("/nam/fnt", ViolationKind::Pattern),
            ("/v/0/dn", ViolationKind::Minimum)
        ]
    );

    let strict = verifier(Settings {
        schema: SchemaPolicy::Strict,
        ..Settings::default()
    });
    let v = strict.verify_at(&qr, AT);
    assert_eq!(
        v.outcome,
        Outcome::Invalid {
            reason: InvalidReason::SchemaInvalid
        }
    );
    assert_eq!(v.outcome.reason_code(), Some("schema-invalid"));
    // A conforming certificate stays valid under the strict policy.
    assert!(strict
        .verify_at(&sample("vn-vaccination-es256"), AT)
        .is_valid());

    let off = verifier(Settings {
        schema: SchemaPolicy::Off,
        ..Settings::default()
    });
    let v = off.verify_at(&qr, AT);
    assert_eq!((v.outcome, v.schema), (Outcome::Valid, None));
}

#[test]
fn codes_outside_the_value_sets_are_reported_and_strict_refuses_them() {
    let qr = vaccination_with(|p| p["v"][0]["mp"] = json!("EU/1/20/9999"));
    let v = verifier(Settings::default()).verify_at(&qr, AT);
    assert_eq!(v.outcome, Outcome::Valid);
    let schema = v.schema.unwrap();
    assert!(schema.violations.is_empty());
    let found: Vec<(&str, ValueSetKind, ValueSetViolationKind)> = schema
        .value_set_violations
        .iter()
        .map(|v| (v.path.as_str(), v.value_set, v.kind))
        .collect();
    assert_eq!(
        found,
        [(
            "/v/0/mp",
            ValueSetKind::VaccineProduct,
            ValueSetViolationKind::NotInValueSet
        )]
    );
    let strict = verifier(Settings {
        schema: SchemaPolicy::Strict,
        ..Settings::default()
    });
    assert_eq!(
        strict.verify_at(&qr, AT).outcome.reason_code(),
        Some("schema-invalid")
    );
    // A schema violation outranks a failed rule: the payload itself is malformed.
    let strict = strict.with_rules(de_eu_rules());
    let v = strict.verify_at(&qr, AT);
    assert_eq!(v.outcome.reason_code(), Some("schema-invalid"));
    assert!(v.rules.is_some());
}

#[test]
fn value_sets_give_display_names() {
    let sets = ValueSets::bundled();
    let vaccination = dcc_verify::decode(&sample("vn-vaccination-es256"))
        .unwrap()
        .certificate
        .dcc()
        .unwrap()
        .clone();
    assert_eq!(
        vaccination.display_names(sets),
        DisplayNames::Vaccination(vec![VaccinationNames {
            disease: Some("COVID-19"),
            vaccine: Some("covid-19 vaccines (deprecated)"),
            product: Some("Comirnaty"),
            manufacturer: Some("Biontech Manufacturing GmbH"),
            country: Some("Viet Nam"),
        }])
    );
    let test = dcc_verify::decode(&sample("vn-test-es256"))
        .unwrap()
        .certificate
        .dcc()
        .unwrap()
        .clone();
    assert_eq!(
        test.display_names(sets),
        DisplayNames::Test(vec![TestNames {
            disease: Some("COVID-19"),
            test_type: Some("Rapid immunoassay"),
            result: Some("Not detected"),
            device: Some("Abbott Rapid Diagnostics, Panbio COVID-19 Ag Rapid Test"),
            country: Some("Viet Nam"),
        }])
    );
    let recovery = dcc_verify::decode(&sample("vn-recovery-es256"))
        .unwrap()
        .certificate
        .dcc()
        .unwrap()
        .clone();
    assert_eq!(
        recovery.display_names(sets),
        DisplayNames::Recovery(vec![RecoveryNames {
            disease: Some("COVID-19"),
            country: Some("Viet Nam"),
        }])
    );
    // An unknown code has no name: the app shows the code.
    let unknown = dcc_verify::decode(&vaccination_with(|p| p["v"][0]["mp"] = json!("X/1")))
        .unwrap()
        .certificate
        .dcc()
        .unwrap()
        .clone();
    let DisplayNames::Vaccination(names) = unknown.display_names(sets) else {
        panic!("a vaccination");
    };
    assert_eq!(names[0].product, None);
}

#[test]
fn replaced_value_sets_name_codes_and_feed_the_rules() {
    let verifier = verifier(arriving_in("DE")).with_rules(de_eu_rules());
    assert_eq!(&*verifier.value_sets(), ValueSets::bundled());
    // Newer sets: Comirnaty under another name; a test-device list without the sample's device.
    let newer = ValueSets::from_json(
        &json!([
            {"valueSetId": "vaccines-covid-19-names", "valueSetDate": "2026-05-01",
             "valueSetValues": {"EU/1/20/1528": {"display": "Comirnaty (BioNTech)", "lang": "en",
                                                 "active": true, "system": "x", "version": ""}}},
            {"valueSetId": "covid-19-lab-test-manufacturer-and-name", "valueSetDate": "2026-05-01",
             "valueSetValues": {"1242": {"display": "Another test", "lang": "en",
                                         "active": true, "system": "x", "version": ""}}}
        ])
        .to_string(),
    )
    .unwrap();
    let mut sets = ValueSets::bundled().clone();
    sets.merge(newer);
    verifier.set_value_sets(sets);

    let qr = sample("vn-vaccination-es256");
    let v = verifier.verify_at(&qr, AT);
    let in_force = verifier.value_sets();
    let DisplayNames::Vaccination(names) = v
        .certificate
        .as_ref()
        .unwrap()
        .dcc()
        .unwrap()
        .display_names(&in_force)
    else {
        panic!("a vaccination");
    };
    assert_eq!(names[0].product, Some("Comirnaty (BioNTech)"));
    assert_eq!(names[0].country, Some("Viet Nam"));

    // TR-DE-0005 reads the device list from `external.valueSets`, the verifier's sets.
    let v = verifier.verify_at(&sample("vn-test-es256"), AT);
    assert_eq!(failed_ids(&v), ["TR-DE-0002", "TR-DE-0005"]);
    // And the value-set check uses them too.
    let check = v.schema.unwrap();
    assert_eq!(check.value_set_violations.len(), 1);
    assert_eq!(check.value_set_violations[0].path, "/t/0/ma");
}

#[test]
fn the_new_results_carry_no_personal_data() {
    let always_fails = rule_variant("VR-DE-0001", json!({"Logic": false}));
    let newer_engine = rule_variant(
        "VR-DE-0002",
        json!({"Identifier": "VR-DE-0102", "EngineVersion": "9.0.0"}),
    );
    let evaluation_error = rule_variant(
        "VR-DE-0003",
        json!({"Logic": {"+": [{"var": "payload.nam.fnt"}, 1]}}),
    );
    let verifier = verifier(Settings {
        schema: SchemaPolicy::Strict,
        ..arriving_in("DE")
    })
    .with_rules(rule_set(&[always_fails, newer_engine, evaluation_error]));
    let qr = vaccination_with(|p| {
        p["nam"]["gnt"] = json!("thị minh khai");
        p["v"][0]["mp"] = json!("EU/1/20/9999");
        p["dob"] = json!("85-03-12");
    });
    let v = verifier.verify_at(&qr, AT);
    assert_eq!(v.outcome.reason_code(), Some("schema-invalid"));
    let rules = v.rules.as_ref().unwrap();
    assert_eq!((rules.failed, rules.open), (1, 2));
    let printed = [
        format!("{v:?}"),
        format!("{:?}", v.schema),
        format!("{:?}", v.rules),
        format!("{}", InvalidReason::RulesFailed),
        format!("{}", InvalidReason::SchemaInvalid),
        format!("{}", UndecidableReason::RulesOpen),
        v.schema
            .iter()
            .flat_map(|s| {
                s.violations
                    .iter()
                    .map(ToString::to_string)
                    .chain(s.value_set_violations.iter().map(ToString::to_string))
            })
            .collect::<Vec<_>>()
            .join("\n"),
        rules
            .open_rules()
            .map(|r| match &r.outcome {
                RuleOutcome::Open(reason) => reason.to_string(),
                _ => String::new(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        format!(
            "{:?}",
            v.certificate
                .as_ref()
                .unwrap()
                .dcc()
                .unwrap()
                .display_names(&verifier.value_sets())
        ),
    ]
    .join("\n");
    for personal in [
        "Nguyễn",
        "NGUYEN",
        "thị",
        "THI<MINH",
        "1985-03-12",
        "85-03-12",
        "URN:UVCI",
        "0210/48213",
    ] {
        assert!(!printed.contains(personal), "{personal} in:\n{printed}");
    }
    // What is printed still says what is wrong, by field.
    for expected in ["/nam/gnt", "/dob", "/v/0/mp", "VR-DE-0001", "VR-DE-0102"] {
        assert!(
            printed.contains(expected),
            "{expected} missing in:\n{printed}"
        );
    }
}

/// Issue 10, item 10: rule and value-set documents with a key twice were read with the last
/// one winning; which `Logic` or which codes a signer's tools saw is anyone's guess.
#[test]
fn duplicate_json_keys_refuse_rules_and_value_sets() {
    let rules = String::from_utf8(read("testdata/rules-samples/de-eu-rules.json")).unwrap();
    assert!(RuleSet::from_json(rules.as_bytes()).is_ok());
    // A second Logic in the first rule, always true.
    let doubled = rules.replacen("\"Logic\":", "\"Logic\": true, \"Logic\":", 1);
    assert_ne!(doubled, rules);
    let error = RuleSet::from_json(doubled.as_bytes()).unwrap_err();
    assert_eq!(error.code(), "not-json", "{error}");
    assert!(error.to_string().contains("duplicate key"), "{error}");
    // One rule alone.
    let rule = r#"{"Identifier": "GR-DE-0001", "Identifier": "GR-XX-0001"}"#;
    assert!(dcc_verify::rules::Rule::from_slice(rule.as_bytes())
        .unwrap_err()
        .to_string()
        .contains("duplicate key"));
    // Value sets: a code listed twice in one set's values.
    let value_sets = r#"{"valueSetId": "covid-19-lab-result", "valueSetDate": "2021-04-27",
        "valueSetValues": {"260415000": {"display": "Not detected"},
                           "260415000": {"display": "Detected"}}}"#;
    let error = ValueSets::from_json(value_sets).unwrap_err();
    assert_eq!(error.code(), "not-json", "{error}");
    let single = value_sets.replacen(
        "\"260415000\": {\"display\": \"Detected\"}",
        "\"260373001\": {\"display\": \"Detected\"}",
        1,
    );
    assert!(ValueSets::from_json(&single).is_ok(), "{single}");
}

/// Issue 10, item 15: a country of arrival with no acceptance rule in the rule set (a typo,
/// "DEU", "Germany", "") applied zero acceptance rules and passed without a word.
#[test]
fn an_arrival_country_without_acceptance_rules_is_said_in_the_result() {
    let rules = de_eu_rules();
    assert!(rules.has_acceptance_rules("DE") && rules.has_acceptance_rules("de"));
    let qr = sample("vn-vaccination-es256");
    let v = verifier_with(arriving_in("DE"), de_eu_rules()).verify_at(&qr, AT);
    let result = v.rules.as_ref().unwrap();
    assert!(result.arrival_country_has_rules);
    assert!(result.passed > 0);
    for country in ["DEU", "Germany", "XX", "", " DE"] {
        assert!(!rules.has_acceptance_rules(country), "{country:?}");
        let v = verifier_with(arriving_in(country), de_eu_rules()).verify_at(&qr, AT);
        let result = v.rules.as_ref().unwrap();
        assert!(!result.arrival_country_has_rules, "{country:?}");
        assert_eq!(
            result.passed + result.failed + result.open,
            0,
            "{country:?}"
        );
    }
    // Without a country of arrival, no acceptance rules are expected, and none are claimed.
    let v = verifier_with(Settings::default(), de_eu_rules()).verify_at(&qr, AT);
    assert!(!v.rules.unwrap().arrival_country_has_rules);
}
