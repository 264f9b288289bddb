//! The `dcc-verify` command line: exit codes, JSON output, batch input.
#![cfg(feature = "cli")] // the binary is built only with the `cli` feature

mod cli_support;

use cli_support::*;

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/samples");
const AT: &str = "2026-06-01T00:00:00Z";

#[test]
fn verifies_a_bundled_sample_with_the_bundled_trust_list() {
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        &sample("vn-vaccination-es256"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("valid |"), "{}", stdout(&out));
    // Names only on request.
    assert!(!stdout(&out).contains("Nguyễn"));
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--show-personal-data",
        &sample("vn-vaccination-es256"),
    ]);
    assert!(stdout(&out).contains("Nguyễn"), "{}", stdout(&out));
}

#[test]
fn json_output_has_the_documented_fields_and_no_personal_data() {
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--json",
        "--at",
        AT,
        &sample("vn-vaccination-ps256"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(json["outcome"], "valid");
    assert_eq!(json["reason"], serde_json::Value::Null);
    assert_eq!(json["kid"], "uZIjd1KPCiY=");
    assert_eq!(json["issuer"], "VN");
    assert_eq!(json["type"], "v");
    assert_eq!(json["schema"], "1.3.0");
    assert_eq!(json["iat"], 1_772_323_200);
    assert_eq!(json["exp"], 2_087_942_400);
    for personal in ["Nguyễn", "NGUYEN", "1985-03-12", "URN:UVCI"] {
        assert!(!stdout(&out).contains(personal), "{personal}");
    }
}

#[test]
fn batch_from_stdin_gives_one_line_per_input_and_exit_1_when_any_is_not_valid() {
    let input = format!(
        "{}\n\n{}\nnot a certificate\n",
        sample("vn-vaccination-es256"),
        sample("vn-vaccination-expired")
    );
    let out = run_with_input(
        &["verify", "--trust-list", SAMPLE_LIST, "--json", "--at", AT],
        &input,
    );
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let answers: Vec<(&str, Option<&str>)> = lines
        .iter()
        .map(|l| (l["outcome"].as_str().unwrap(), l["reason"].as_str()))
        .collect();
    assert_eq!(
        answers,
        [
            ("valid", None),
            ("invalid", Some("expired")),
            ("invalid", Some("malformed-prefix"))
        ]
    );
    assert_eq!(lines[2]["kid"], serde_json::Value::Null);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--trust-list",
        "/nonexistent/list.json",
        "HC1:x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--at",
        "yesterday",
        "HC1:x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_trust_list_file_replaces_the_bundled_one() {
    let dir = std::env::temp_dir().join(format!("dcc-verify-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.json");
    std::fs::write(&empty, r#"{"certificates":[]}"#).unwrap();
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--json",
        "--at",
        AT,
        "--trust-list",
        empty.to_str().unwrap(),
        &sample("vn-vaccination-es256"),
    ]);
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(json["reason"], "unknown-signer");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn decode_prints_headers_and_payload() {
    let out = run(&["decode", &sample("vn-recovery-es256")]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["alg"], "ES256");
    assert_eq!(json["kid"], "6+Dmto+Hqng=");
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{SAMPLES}/vn-recovery-es256.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["payload"], expected);
    let out = run(&["decode", "HC1:AB!"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("malformed-base45"));
}
