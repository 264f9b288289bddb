use std::path::Path;

use serde_json::{json, Value};

use super::*;

fn example(relative: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/schema/examples")
        .join(relative);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn bundled_holds_every_eu_value_set() {
    let external = ValueSets::bundled().as_external_json();
    let sizes: Vec<(&str, usize)> = external
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, codes)| (id.as_str(), codes.as_array().unwrap().len()))
        .collect();
    assert_eq!(
        sizes,
        [
            ("country-2-codes", 250),
            ("covid-19-lab-result", 2),
            ("covid-19-lab-test-manufacturer-and-name", 88),
            ("covid-19-lab-test-type", 2),
            ("disease-agent-targeted", 1),
            ("sct-vaccines-covid-19", 9),
            ("vaccines-covid-19-auth-holders", 31),
            ("vaccines-covid-19-encoding-instructions", 39),
            ("vaccines-covid-19-names", 39),
        ]
    );
    for kind in ValueSetKind::ALL {
        assert!(external.get(kind.value_set_id()).is_some(), "{kind}");
    }
    // Inactive codes stay members (`"active": false` upstream: NVX-CoV2373, J07BX03).
    assert!(external["vaccines-covid-19-names"]
        .as_array()
        .unwrap()
        .contains(&json!("NVX-CoV2373")));
    assert!(ValueSets::bundled().contains(ValueSetKind::VaccineProphylaxis, "J07BX03"));
}

#[test]
fn display_names_of_every_kind() {
    let sets = ValueSets::bundled();
    let expected = [
        (ValueSetKind::DiseaseAgent, "840539006", "COVID-19"),
        (
            ValueSetKind::VaccineProphylaxis,
            "1119349007",
            "SARS-CoV-2 mRNA vaccine",
        ),
        (ValueSetKind::VaccineProduct, "EU/1/20/1528", "Comirnaty"),
        (
            ValueSetKind::VaccineAuthorisationHolder,
            "ORG-100030215",
            "Biontech Manufacturing GmbH",
        ),
        (ValueSetKind::TestType, "LP217198-3", "Rapid immunoassay"),
        (ValueSetKind::TestResult, "260415000", "Not detected"),
        (
            ValueSetKind::TestManufacturer,
            "1232",
            "Abbott Rapid Diagnostics, Panbio COVID-19 Ag Rapid Test",
        ),
        (ValueSetKind::Country, "DE", "Germany"),
    ];
    for (kind, code, name) in expected {
        assert_eq!(sets.display(kind, code), Some(name), "{kind} {code}");
        assert!(sets.contains(kind, code));
    }
    // A code of another value set is not a member.
    assert_eq!(sets.display(ValueSetKind::Country, "EU/1/20/1528"), None);
    assert!(!sets.contains(ValueSetKind::TestResult, "NEGATIVO"));
}

#[test]
fn upstream_examples_use_only_known_codes() {
    for relative in [
        "vaccination/simple.json",
        "vaccination/standard_case_1-of-1-janssen.json",
        "test/simple-naat.json",
        "recovery/simple.json",
    ] {
        assert_eq!(
            ValueSets::bundled().check(&example(relative)),
            vec![],
            "{relative}"
        );
    }
    // Device 532 is missing from the bundled 2021 example device list: why apps should load the
    // current list (see data/SOURCE.md).
    let rat = example("test/simple-rat.json");
    let paths: Vec<String> = ValueSets::bundled()
        .check(&rat)
        .into_iter()
        .map(|v| v.path)
        .collect();
    assert_eq!(paths, ["/t/0/ma"]);
    let mut sets = ValueSets::bundled().clone();
    sets.merge(
        ValueSets::from_json(r#"{"covid-19-lab-test-manufacturer-and-name": ["532"]}"#).unwrap(),
    );
    assert_eq!(sets.check(&rat), vec![]);
}

#[test]
fn check_reports_each_unknown_code_with_its_value_set() {
    let mut payload = example("test/simple-rat.json");
    payload["t"][0]["ma"] = json!("9999");
    payload["t"][0]["co"] = json!("XY");
    payload["t"][0]["tr"] = json!(260415000); // a number, not the code string
    let violations = ValueSets::bundled().check(&payload);
    let found: Vec<(&str, ValueSetKind, ValueSetViolationKind)> = violations
        .iter()
        .map(|v| (v.path.as_str(), v.value_set, v.kind))
        .collect();
    assert_eq!(
        found,
        [
            (
                "/t/0/tr",
                ValueSetKind::TestResult,
                ValueSetViolationKind::NotInValueSet
            ),
            (
                "/t/0/ma",
                ValueSetKind::TestManufacturer,
                ValueSetViolationKind::NotInValueSet
            ),
            (
                "/t/0/co",
                ValueSetKind::Country,
                ValueSetViolationKind::NotInValueSet
            ),
        ]
    );
    assert_eq!(
        violations[1].to_string(),
        "/t/0/ma: not in value set covid-19-lab-test-manufacturer-and-name"
    );

    let mut vaccination = example("vaccination/simple.json");
    vaccination["v"][0]["ma"] = json!("ORG-99999999");
    vaccination["v"][0]["mp"] = json!("COVID-19 Vaccine Moderna");
    let paths: Vec<String> = ValueSets::bundled()
        .check(&vaccination)
        .into_iter()
        .map(|v| v.path)
        .collect();
    assert_eq!(paths, ["/v/0/mp", "/v/0/ma"]);
}

#[test]
fn test_device_is_only_checked_for_rapid_antigen_tests() {
    let mut naat = example("test/simple-naat.json");
    naat["t"][0]["ma"] = json!("");
    assert_eq!(ValueSets::bundled().check(&naat), vec![]);
    naat["t"][0]["tt"] = json!("LP217198-3");
    let violations = ValueSets::bundled().check(&naat);
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].path, "/t/0/ma");
}

#[test]
fn check_never_panics_and_leaves_structure_to_the_schema() {
    for payload in [
        json!(null),
        json!([]),
        json!({"v": "x", "t": {}, "r": [null, 1, "x", []]}),
        json!({"v": [{"tg": null, "co": {}}]}),
    ] {
        let violations = ValueSets::bundled().check(&payload);
        assert!(violations
            .iter()
            .all(|v| v.kind == ValueSetViolationKind::NotInValueSet));
        assert_eq!(
            violations.len(),
            if payload.get("v").is_some_and(Value::is_array) {
                2
            } else {
                0
            }
        );
    }
}

#[test]
fn violations_carry_no_payload_values() {
    let mut payload = example("vaccination/simple.json");
    payload["v"][0]["co"] = json!("Secretland");
    let violations = ValueSets::bundled().check(&payload);
    let rendered = format!("{violations:?} {}", violations[0]);
    assert!(!rendered.contains("Secret"), "{rendered}");
}

#[test]
fn missing_value_sets_fail_closed() {
    let violations = ValueSets::default().check(&example("recovery/simple.json"));
    assert_eq!(violations.len(), 2);
    assert!(violations
        .iter()
        .all(|v| v.kind == ValueSetViolationKind::ValueSetMissing));
}

#[test]
fn loads_the_compressed_form_and_merges_it_over_the_bundle() {
    let downloaded =
        ValueSets::from_json(r#"{"covid-19-lab-test-manufacturer-and-name": ["1232", "2999"]}"#)
            .unwrap();
    assert!(downloaded.contains(ValueSetKind::TestManufacturer, "2999"));
    assert_eq!(
        downloaded.display(ValueSetKind::TestManufacturer, "2999"),
        None
    );

    let mut sets = ValueSets::bundled().clone();
    sets.merge(downloaded);
    assert!(sets.contains(ValueSetKind::TestManufacturer, "2999"));
    assert!(!sets.contains(ValueSetKind::TestManufacturer, "1833")); // replaced, not extended
    assert_eq!(sets.display(ValueSetKind::Country, "AT"), Some("Austria")); // others untouched
}

#[test]
fn loads_documents_alone_in_a_list_or_by_id() {
    let document = json!({
        "valueSetId": "covid-19-lab-result",
        "valueSetDate": "2021-04-27",
        "valueSetValues": {"260415000": {"display": "Not detected", "active": true}, "X": {}}
    });
    let forms = [
        document.clone(),
        json!([document.clone()]),
        json!({"covid-19-lab-result": document.clone()}),
    ];
    for form in forms {
        let sets = ValueSets::from_json(&form.to_string()).unwrap();
        assert_eq!(
            sets.display(ValueSetKind::TestResult, "260415000"),
            Some("Not detected")
        );
        assert_eq!(sets.display(ValueSetKind::TestResult, "X"), None);
        assert!(sets.contains(ValueSetKind::TestResult, "X"));
    }

    // The compressed form of a value set round-trips through `as_external_json`.
    let external = ValueSets::bundled().as_external_json();
    let reloaded = ValueSets::from_json(&external.to_string()).unwrap();
    assert_eq!(reloaded.as_external_json(), external);
}

#[test]
fn rejects_malformed_value_sets() {
    for bad in [
        "",
        "\"text\"",
        "[1]",
        r#"{"valueSetId": 1, "valueSetValues": {}}"#,
        r#"{"valueSetId": "x"}"#,
        r#"{"valueSetId": "x", "valueSetValues": {"a": "b"}}"#,
        r#"{"x": [1]}"#,
        r#"{"x": "codes"}"#,
    ] {
        let error = ValueSets::from_json(bad).unwrap_err();
        let expected = if bad.is_empty() {
            "not-json"
        } else {
            "not-value-sets"
        };
        assert_eq!(error.code(), expected, "{bad}");
    }
}

#[test]
fn embedded_bundle_equals_the_reviewed_value_set_files() {
    let by_id = |documents: Vec<Value>| -> std::collections::BTreeMap<String, Value> {
        documents
            .into_iter()
            .map(|document| {
                (
                    document["valueSetId"].as_str().unwrap().to_owned(),
                    document,
                )
            })
            .collect()
    };
    let bundle = crate::embedded::documents(include_bytes!("data/valuesets.json.zz")).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/valuesets/data");
    let files: Vec<Value> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
        .collect();
    assert_eq!(files.len(), 9);
    assert_eq!(by_id(bundle), by_id(files));
}
