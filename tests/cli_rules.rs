//! The command line's business rules: `verify --rules FILE --country XX` on the bundled samples,
//! and `rules eval` on the sample rules' own test files.
#![cfg(feature = "cli")] // the binary is built only with the `cli` feature

mod cli_support;

use cli_support::*;

use std::path::{Path, PathBuf};

use serde_json::Value;

const DIR: &str = env!("CARGO_MANIFEST_DIR");
const AT: &str = "2026-06-01T00:00:00Z";

fn path(relative: &str) -> PathBuf {
    Path::new(DIR).join(relative)
}

fn rules_file() -> String {
    path("testdata/rules-samples/de-eu-rules.json")
        .display()
        .to_string()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    entries
}

fn verify_json(args: &[&str], qr: &str) -> (Option<i32>, Value) {
    let mut all = vec!["verify", "--trust-list", SAMPLE_LIST, "--json", "--at", AT];
    all.extend_from_slice(args);
    all.push(qr);
    let out = run(&all);
    let json = serde_json::from_str(stdout(&out).trim())
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), json)
}

#[test]
fn the_rule_set_file_is_the_de_and_eu_sample_rules() {
    let rules: Vec<Value> = ["DE", "EU"]
        .iter()
        .flat_map(|country| sorted(&path("testdata/rules-samples").join(country)))
        .map(|dir| read_json(&dir.join("rule.json")))
        .collect();
    assert_eq!(rules.len(), 25);
    assert_eq!(
        read_json(&path("testdata/rules-samples/de-eu-rules.json")),
        Value::Array(rules)
    );
}

#[test]
fn verify_with_rules_reports_them_and_fails_a_certificate_that_breaks_one() {
    let rules = rules_file();
    let with_rules = ["--rules", rules.as_str(), "--country", "DE"];

    let (code, json) = verify_json(&with_rules, &sample("vn-vaccination-es256"));
    assert_eq!(code, Some(0));
    assert_eq!(json["outcome"], "valid");
    assert_eq!(
        json["rules"],
        serde_json::json!({"passed": 4, "failed": 0, "open": 0, "failed_ids": [], "open_ids": [],
            "arrival_country_has_rules": true})
    );

    // The rapid test was taken three months before: DE accepts one for 48 hours.
    let (code, json) = verify_json(&with_rules, &sample("vn-test-es256"));
    assert_eq!(code, Some(1));
    assert_eq!(
        (&json["outcome"], &json["reason"]),
        (&"invalid".into(), &"rules-failed".into())
    );
    assert_eq!(
        json["rules"]["failed_ids"],
        serde_json::json!(["TR-DE-0002"])
    );
    assert_eq!(
        (&json["rules"]["passed"], &json["rules"]["failed"]),
        (&4.into(), &1.into())
    );

    let (code, json) = verify_json(&with_rules, &sample("vn-recovery-es256"));
    assert_eq!((code, &json["rules"]["passed"]), (Some(0), &2.into()));

    // Arriving in the EU template country instead: other rules, and the test passes them.
    let eu = ["--rules", rules.as_str(), "--country", "EU"];
    let (_, json) = verify_json(&eu, &sample("vn-vaccination-es256"));
    assert_eq!(json["rules"]["passed"], 5);

    // Without --rules there is no rules result, and the test certificate is valid.
    let (code, json) = verify_json(&[], &sample("vn-test-es256"));
    assert_eq!((code, &json["rules"]), (Some(0), &Value::Null));
    // A forged certificate's rules are never evaluated.
    let (_, json) = verify_json(&with_rules, &sample("vn-vaccination-tampered"));
    assert_eq!(
        (&json["reason"], &json["rules"]),
        (&"signature-invalid".into(), &Value::Null)
    );
}

#[test]
fn the_summary_names_the_product_and_the_failed_rules() {
    let rules = rules_file();
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--at",
        AT,
        "--rules",
        &rules,
        "--country",
        "DE",
        &sample("vn-vaccination-es256"),
        &sample("vn-test-es256"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("valid | vaccination certificate (Comirnaty) from VN"),
        "{text}"
    );
    assert!(
        lines[0].contains("rules: 4 passed, 0 failed, 0 open"),
        "{text}"
    );
    assert!(
        lines[1].starts_with(
            "invalid (rules-failed): an applicable business rule failed | test certificate \
             (Rapid immunoassay, Not detected) from VN"
        ),
        "{text}"
    );
    assert!(
        lines[1].contains(
            "failed: TR-DE-0002 (The sample for an antigen test (e.g., rapid test) must have \
             been taken no longer than 48 hours ago.)"
        ),
        "{text}"
    );
    // In German, as far as the rules have German descriptions.
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--at",
        AT,
        "--rules",
        &rules,
        "--country",
        "DE",
        "--lang",
        "de",
        &sample("vn-test-es256"),
    ]);
    assert!(
        stdout(&out).contains("TR-DE-0002 (Die Probenahme"),
        "{}",
        stdout(&out)
    );
    for personal in ["Trần", "TRAN", "1990-07", "URN:UVCI"] {
        assert!(!text.contains(personal), "{personal}");
    }
}

#[test]
fn value_sets_and_schema_policy_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("dcc-verify-cli-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let only_one_product = dir.join("value-sets.json");
    std::fs::write(
        &only_one_product,
        r#"{"vaccines-covid-19-names": ["EU/1/20/1507"]}"#,
    )
    .unwrap();
    let sets = only_one_product.to_str().unwrap();
    let qr = sample("vn-vaccination-es256");

    let (code, json) = verify_json(&["--value-sets", sets], &qr);
    assert_eq!((code, &json["outcome"]), (Some(0), &"valid".into()));
    let check = &json["schema_check"];
    assert_eq!(check["schema"], "1.3.0");
    assert_eq!(check["violations"], serde_json::json!([]));
    let found: Vec<(&str, &str, &str)> = check["value_set_violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap(),
                v["value_set"].as_str().unwrap(),
                v["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        found.contains(&("/v/0/mp", "vaccines-covid-19-names", "not-in-value-set")),
        "{found:?}"
    );
    assert!(
        found.contains(&("/v/0/co", "country-2-codes", "value-set-missing")),
        "{found:?}"
    );

    let (code, json) = verify_json(&["--value-sets", sets, "--schema", "strict"], &qr);
    assert_eq!((code, &json["reason"]), (Some(1), &"schema-invalid".into()));
    let (_, json) = verify_json(&["--schema", "off"], &qr);
    assert_eq!(json["schema_check"], Value::Null);

    // The samples' compressed value sets have codes but no names: the summary shows the code.
    let compressed = path("testdata/rules-samples/valuesets/valueSets.json");
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--at",
        AT,
        "--value-sets",
        compressed.to_str().unwrap(),
        &qr,
    ]);
    assert!(
        stdout(&out).starts_with("valid | vaccination certificate (EU/1/20/1528) from VN"),
        "{}",
        stdout(&out)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn verify_rules_usage_errors_exit_2() {
    let rules = rules_file();
    let qr = sample("vn-vaccination-es256");
    // --rules needs --country, and --country needs --rules.
    assert_eq!(
        run(&[
            "verify",
            "--trust-list",
            SAMPLE_LIST,
            "--rules",
            &rules,
            &qr
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        run(&[
            "verify",
            "--trust-list",
            SAMPLE_LIST,
            "--country",
            "DE",
            &qr
        ])
        .status
        .code(),
        Some(2)
    );
    // A rule test file is not an array of rules.
    let not_rules = path("testdata/rules-samples/DE/VR-DE-0001/tests/test001.json");
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--rules",
        not_rules.to_str().unwrap(),
        "--country",
        "DE",
        &qr,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a JSON array of rules"));
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--rules",
        "/nonexistent.json",
        "--country",
        "DE",
        &qr,
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// `rules eval` on every test file of these sample rules gives the file's `expected` result.
#[test]
fn rules_eval_gives_the_sample_tests_their_expected_results() {
    let rules = [
        "DE/VR-DE-0001",
        "DE/VR-DE-0003",
        "DE/TR-DE-0002",
        "DE/TR-DE-0005",
        "DE/RR-DE-0002",
        "EU/GR-EU-0001",
        "EU/TR-EU-0002",
        "EU/VR-EU-0002",
    ];
    let mut run_tests = 0;
    let mut failing_expected = 0;
    for rule in rules {
        let dir = path("testdata/rules-samples").join(rule);
        for test in sorted(&dir.join("tests")) {
            let expected = read_json(&test)["expected"].clone();
            let out = run(&[
                "rules",
                "eval",
                "--rule",
                dir.join("rule.json").to_str().unwrap(),
                "--data",
                test.to_str().unwrap(),
            ]);
            assert_eq!(out.status.code(), Some(0), "{}", test.display());
            let printed: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
            assert_eq!(
                printed,
                serde_json::json!({ "result": expected }),
                "{}",
                test.display()
            );
            run_tests += 1;
            failing_expected += usize::from(expected == false);
        }
    }
    // Enough tests ran, and both answers were exercised.
    assert!(run_tests >= 30, "{run_tests}");
    assert!(failing_expected >= 8, "{failing_expected}");
}

#[test]
fn rules_eval_says_open_and_refuses_what_is_not_a_rule() {
    let dir = std::env::temp_dir().join(format!("dcc-verify-cli-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rule = path("testdata/rules-samples/DE/VR-DE-0001/rule.json");
    let rule = rule.to_str().unwrap();
    // `dn` must be an integer for `>=`; a string makes the rule open, not false.
    let data = dir.join("data.json");
    std::fs::write(
        &data,
        r#"{"payload": {"v": [{"dn": "2", "sd": 2}]}, "external": {}}"#,
    )
    .unwrap();
    let out = run(&[
        "rules",
        "eval",
        "--rule",
        rule,
        "--data",
        data.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).trim(), r#"{"result":"open"}"#);
    assert!(String::from_utf8_lossy(&out.stderr).contains("VR-DE-0001 is open"));

    let test_file = path("testdata/rules-samples/DE/VR-DE-0001/tests/test001.json");
    let data = data.to_str().unwrap();
    let not_json = dir.join("not.json");
    std::fs::write(&not_json, "{").unwrap();
    for (rule, data) in [
        (test_file.to_str().unwrap(), data), // not a gateway rule
        ("/nonexistent/rule.json", data),    // unreadable
        (rule, not_json.to_str().unwrap()),  // data not JSON
        (rule, "/nonexistent/data.json"),    // unreadable
    ] {
        let out = run(&["rules", "eval", "--rule", rule, "--data", data]);
        assert_eq!(out.status.code(), Some(2), "{rule} {data}");
        assert!(out.stdout.is_empty());
    }
    std::fs::remove_dir_all(dir).unwrap();
}
