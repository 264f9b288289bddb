//! The WHO GDHCN list on the command line: `trust import --format who`, `trust info` and
//! `verify --trust-list` with the format detected, run as the built binary.
#![cfg(feature = "cli")] // the binary is built only with the `cli` feature

mod cli_support;

use std::path::PathBuf;

use cli_support::{run, stderr, stdout};
use serde_json::{json, Value};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/who");

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn json_line(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap()
}

#[test]
fn imports_the_production_list_and_reports_its_counts_and_list_time() {
    let cache = scratch("cli-who-import");
    let cache = cache.to_str().unwrap();
    // The signer's DID document as published serves as the anchor.
    let anchor = format!("{DIR}/signers/who-prod-signer.did.json");
    let list = format!("{DIR}/trustlists/prod/v2-trustlist.did.json");
    let output = run(&[
        "trust", "import", "--cache", cache, "--format", "who", "--anchor", &anchor, "--json",
        &list,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = json_line(&stdout(&output));
    assert_eq!(report["format"], "who");
    assert_eq!(report["environment"], "prod");
    assert_eq!(report["signed"], true);
    assert_eq!(report["taken"], 438);
    assert_eq!(report["skipped"], 63);
    assert_eq!(report["skipped_by_reason"], json!({"not-dsc": 63}));
    assert_eq!(report["issuers"], 33);
    assert_eq!(report["list_time"], "2026-08-22T17:05:01Z");
    assert_eq!(report["issued_at"], "2026-08-22T17:05:01Z");

    // The anchor is remembered (as PEM) for the cache; info shows domains and participants.
    let output = run(&["trust", "info", "--cache", cache, "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let info = json_line(&stdout(&output));
    assert_eq!(info["certificates"], 438);
    assert_eq!(info["domains"], json!({"DCC": 438}));
    assert_eq!(info["participants"]["NLD"], 75);
    assert_eq!(info["participants"].as_object().unwrap().len(), 33);
    let output = run(&["trust", "info", "--cache", cache]);
    let text = stdout(&output);
    assert!(
        text.contains("source: who prod list, signed by anchor"),
        "{text}"
    );
    assert!(text.contains("domains: DCC 438\n"), "{text}");
    assert!(
        text.contains("participants: ALB 5, AND 2, ARM 4,"),
        "{text}"
    );
}

#[test]
fn refuses_a_list_of_another_environment_and_a_reference_list() {
    let cache = scratch("cli-who-refused");
    let cache = cache.to_str().unwrap();
    let anchor = format!("{DIR}/signers/who-dev-signer.pem");
    for (list, code) in [
        ("prod/v2-trustlist--NZL-DSC", "signature-invalid"),
        ("prod/v2-trustlist-ref", "reference-list"),
    ] {
        let list = format!("{DIR}/trustlists/{list}.did.json");
        let output = run(&[
            "trust", "import", "--cache", cache, "--format", "who", "--anchor", &anchor, &list,
        ]);
        assert_eq!(output.status.code(), Some(1));
        assert!(
            stderr(&output).contains(&format!("({code})")),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn verify_detects_the_format_of_a_named_list() {
    let qr = std::fs::read_to_string(format!(
        "{DIR}/hcert-samples/who-itb-track2-icvp-XCL-2026.txt"
    ))
    .unwrap();
    let list = format!("{DIR}/trustlists/dev/v2-trustlist-PH4H-XCL-DSC.did.json");
    let anchor = format!("{DIR}/signers/who-dev-signer.pem");
    let output = run(&[
        "verify",
        "--trust-list",
        &list,
        "--anchor",
        &anchor,
        "--at",
        "2026-08-01T00:00:00Z",
        "--json",
        qr.trim(),
    ]);
    let result = json_line(&stdout(&output));
    assert_eq!(result["trust_list"]["format"], "who", "{result}");
    assert_eq!(result["checks"]["signature"], "passed", "{result}");
    // Without an anchor the signed list is not used.
    let output = run(&["verify", "--trust-list", &list, qr.trim()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--anchor"), "{}", stderr(&output));
}
