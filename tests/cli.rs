//! The `dcc-verify` command line: exit codes, JSON output, batch input.
#![cfg(feature = "cli")] // the binary is built only with the `cli` feature

mod cli_support;

use cli_support::*;

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/samples");
const AT: &str = "2026-06-01T00:00:00Z";

/// Real certificates verify with no trust option: the bundled WHO production list and German
/// list, each named in the summary. The sample list (TEST keys) is not among them.
#[test]
fn the_default_is_the_bundled_real_lists() {
    let uruguay = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/who-hcert/qr/gdhcn-validator-eu-uruguay2-ps256.txt"
    ))
    .unwrap();
    let out = run(&["verify", "--at", "2023-01-01", uruguay.trim()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        stdout(&out)
            .contains("| signed by woowbyJtRFo= (UY) | source de-2023-11: de list of 2023-11-28"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("TEST"));
    let out = run(&["verify", "--json", "--at", "2023-01-01", uruguay.trim()]);
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(json["source"]["name"], "de-2023-11");
    assert_eq!(json["trust_list"]["signed"], true);

    let out = run(&["verify", "--at", AT, &sample("vn-vaccination-es256")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("invalid (unknown-signer)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn verifies_a_bundled_sample_with_the_sample_list_marked_test() {
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        &sample("vn-vaccination-es256"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("valid |"), "{}", stdout(&out));
    assert!(
        stdout(&out).trim_end().ends_with("| TEST trust list"),
        "{}",
        stdout(&out)
    );
    // The same list under another file name is the same TEST list.
    let copy =
        std::env::temp_dir().join(format!("dcc-verify-cli-copy-{}.json", std::process::id()));
    std::fs::copy(SAMPLE_LIST, &copy).unwrap();
    let out = run(&[
        "verify",
        "--trust-list",
        copy.to_str().unwrap(),
        &sample("vn-vaccination-es256"),
    ]);
    std::fs::remove_file(&copy).unwrap();
    assert!(
        stdout(&out).contains("| TEST trust list"),
        "{}",
        stdout(&out)
    );
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
    let out = run(&["verify", "--trust-list", "/nonexistent/list.json", "HC1:x"]);
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

/// One cache directory per source: `trust import` into each, `verify --cache A --cache B`
/// consults both and names the signer's by its directory.
#[test]
fn several_caches_are_several_sources() {
    let root = std::env::temp_dir().join(format!("dcc-verify-cli-caches-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (who, de) = (root.join("who"), root.join("de"));
    let data = |path: &str| format!("{}/testdata/{path}", env!("CARGO_MANIFEST_DIR"));
    for (dir, format, list, anchor) in [
        (
            &who,
            "who",
            data("who/trustlists/prod/v2-trustlist.did.json"),
            data("who/signers/who-prod-signer.pem"),
        ),
        (
            &de,
            "de",
            data("trustlists/de-dsc-list.signed"),
            data("trustlists/de-dsc-list-signing-key.pem"),
        ),
    ] {
        let out = run(&[
            "trust",
            "import",
            "--cache",
            dir.to_str().unwrap(),
            "--format",
            format,
            "--anchor",
            &anchor,
            "--fetched-at",
            "2023-12-11",
            &list,
        ]);
        assert!(out.status.success(), "{out:?}");
    }
    let uruguay =
        std::fs::read_to_string(data("who-hcert/qr/gdhcn-validator-eu-uruguay2-ps256.txt"))
            .unwrap();
    let verify = |caches: &[&std::path::Path]| {
        let mut args = vec!["verify", "--json", "--at", "2023-12-12"];
        for dir in caches {
            args.extend(["--cache", dir.to_str().unwrap()]);
        }
        args.push(uruguay.trim());
        let out = run(&args);
        serde_json::from_str::<serde_json::Value>(stdout(&out).trim()).unwrap()
    };
    let both = verify(&[&who, &de]);
    // Expired by then, but signed by the German source's DSC.
    assert_eq!(both["checks"]["signature"], "passed");
    assert_eq!(both["source"]["name"], de.to_str().unwrap());
    assert_eq!(both["source"]["format"], "de");
    let who_only = verify(&[&who]);
    assert_eq!(who_only["reason"], "unknown-signer");
    std::fs::remove_dir_all(root).unwrap();
}
