//! `dcc-verify trust import`, `trust info` and `verify --cache / --trust-list`, run as the
//! built binary.
#![cfg(feature = "cli")] // the binary is built only with the `cli` feature

mod cli_support;
mod trust_fixtures;

use std::path::{Path, PathBuf};
use std::process::Output;

use cli_support::{run, stdout};
use serde_json::Value;
use trust_fixtures::*;

fn json_line(output: &Output) -> Value {
    serde_json::from_str(stdout(output).trim()).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    file
}

const AT_SAMPLE_TIME: &str = "2026-06-01T00:00:00Z";

#[test]
fn imports_the_real_german_list_and_reports_its_counts() {
    let dir = scratch_dir("cli-import-de");
    let cache = dir.join("cache");
    let key = format!("{MANIFEST}/testdata/trustlists/de-dsc-list-signing-key.pem");
    let list = format!("{MANIFEST}/testdata/trustlists/de-dsc-list.signed");
    let output = run(&[
        "trust",
        "import",
        "--cache",
        path(&cache),
        "--format",
        "de",
        "--anchor",
        &key,
        "--json",
        &list,
    ]);
    assert!(output.status.success(), "{output:?}");
    let report = json_line(&output);
    assert_eq!(report["taken"], 827);
    assert_eq!(report["skipped"], 2); // the GE and SM CSCAs listed as DSCs: not-dsc
    assert_eq!(report["issuers"], 77);
    assert_eq!(report["signed"], true);
    assert_eq!(report["format"], "de");
    assert_eq!(report["newest_entry"], "2023-11-28T10:23:58Z");

    // `trust info` needs no --anchor: the tool remembered it for this cache.
    let info = run(&["trust", "info", "--cache", path(&cache), "--json"]);
    assert!(info.status.success(), "{info:?}");
    let info = json_line(&info);
    assert_eq!(info["certificates"], 827);
    assert_eq!(info["issuers"].as_object().unwrap().len(), 77);
    assert_eq!(info["issuers"]["VN"], 1);
    assert_eq!(info["signed"], true);
    assert!(info["age_seconds"].is_i64());

    let human = stdout(&run(&["trust", "info", "--cache", path(&cache)]));
    assert!(
        human.contains("certificates: 827 from 77 issuers"),
        "{human}"
    );
    assert!(human.contains("de list, signed by anchor"), "{human}");
}

#[test]
fn verifies_against_the_cache_and_keeps_it_when_an_import_is_refused() {
    let dir = scratch_dir("cli-cache-verify");
    let cache = dir.join("cache");
    let key = TestKey::new();
    let anchor = write(&dir, "anchor.pem", key.pem().as_bytes());
    let good = de_list(
        &key,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    let good_file = write(&dir, "good.signed", &good);
    let import = |file: &Path, extra: &[&str]| {
        let mut args = vec!["trust", "import", "--cache", path(&cache), "--format", "de"];
        args.extend_from_slice(extra);
        args.push(path(file));
        run(&args)
    };
    assert!(import(&good_file, &["--anchor", path(&anchor)])
        .status
        .success());

    let qr = sample_qr("vn-vaccination-es256");
    let verify = || {
        run(&[
            "verify",
            "--cache",
            path(&cache),
            "--at",
            AT_SAMPLE_TIME,
            "--json",
            &qr,
        ])
    };
    let output = verify();
    assert!(output.status.success(), "{output:?}");
    let result = json_line(&output);
    assert_eq!(result["outcome"], "valid");
    assert_eq!(result["trust_list"]["signed"], true);
    assert_eq!(result["trust_list"]["format"], "de");

    // A tampered list is refused with exit status 1; the cache still verifies.
    let mut tampered = good.clone();
    let last = tampered.len() - 5;
    tampered[last] ^= 0x01;
    let refused = import(&write(&dir, "tampered.signed", &tampered), &[]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("signature-invalid"), "{stderr}");
    assert_eq!(json_line(&verify())["outcome"], "valid");

    // An older list is refused unless forced.
    let older = de_list(
        &key,
        &sample_entries(&["dsc-vn-ps256"], "2025-01-01T00:00:00Z"),
    );
    let older_file = write(&dir, "older.signed", &older);
    let rollback = import(&older_file, &[]);
    assert_eq!(rollback.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&rollback.stderr).contains("rollback"));
    assert!(import(&older_file, &["--force"]).status.success());
    assert_eq!(json_line(&verify())["reason"], "unknown-signer");
}

#[test]
fn unsigned_lists_need_the_explicit_flag() {
    let dir = scratch_dir("cli-unsigned");
    let cache = dir.join("cache");
    let json = format!("{MANIFEST}/testdata/samples/trust-list.json");
    let without = run(&[
        "trust",
        "import",
        "--cache",
        path(&cache),
        "--format",
        "json",
        &json,
    ]);
    assert_eq!(without.status.code(), Some(2));
    assert!(!cache.join(dcc_verify::TrustStore::CACHE_FILE).exists());
    let with = run(&[
        "trust",
        "import",
        "--cache",
        path(&cache),
        "--format",
        "json",
        "--unsigned",
        "--json",
        &json,
    ]);
    assert!(with.status.success(), "{with:?}");
    assert_eq!(json_line(&with)["signed"], false);
    let result = json_line(&run(&[
        "verify",
        "--cache",
        path(&cache),
        "--at",
        AT_SAMPLE_TIME,
        "--json",
        &sample_qr("vn-vaccination-es256"),
    ]));
    assert_eq!(result["outcome"], "valid");
    assert_eq!(result["trust_list"]["signed"], false);
    // --unsigned does not apply to signed formats.
    let de = format!("{MANIFEST}/testdata/trustlists/de-dsc-list.signed");
    assert_eq!(
        run(&[
            "trust",
            "import",
            "--cache",
            path(&cache),
            "--format",
            "de",
            "--unsigned",
            &de
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn verify_detects_the_format_of_a_trust_list_file() {
    let dir = scratch_dir("cli-detect");
    let key = TestKey::new();
    let anchor = write(&dir, "anchor.pem", key.pem().as_bytes());
    let qr = sample_qr("vn-vaccination-es256");
    let now = dcc_verify::parse_instant(AT_SAMPLE_TIME).unwrap();
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "--at", AT_SAMPLE_TIME, "--json"];
        args.extend_from_slice(extra);
        args.push(&qr);
        run(&args)
    };

    // German signed list: needs --anchor.
    let de = write(
        &dir,
        "list.signed",
        &de_list(&key, &sample_entries(&["dsc-vn-es256"], AT_SAMPLE_TIME)),
    );
    assert_eq!(verify(&["--trust-list", path(&de)]).status.code(), Some(2));
    let output = verify(&["--trust-list", path(&de), "--anchor", path(&anchor)]);
    assert_eq!(json_line(&output)["outcome"], "valid", "{output:?}");

    // Austrian pair: content plus --signature.
    let (content, signature) = at_pair(&key, &at_entries(&["dsc-vn-es256"]), now - 60, now + 60);
    let content = write(&dir, "at.cbor", &content);
    let signature = write(&dir, "at.sig", &signature);
    assert_eq!(
        verify(&["--trust-list", path(&content), "--anchor", path(&anchor)])
            .status
            .code(),
        Some(2)
    );
    let output = verify(&[
        "--trust-list",
        path(&content),
        "--signature",
        path(&signature),
        "--anchor",
        path(&anchor),
    ]);
    let result = json_line(&output);
    assert_eq!(result["outcome"], "valid", "{output:?}");
    assert_eq!(result["trust_list"]["format"], "at");

    // A local unsigned JSON file keeps working, and the output says it was unsigned.
    let json = format!("{MANIFEST}/testdata/samples/trust-list.json");
    let result = json_line(&verify(&["--trust-list", &json]));
    assert_eq!(result["outcome"], "valid");
    assert_eq!(result["trust_list"]["signed"], false);
    assert_eq!(result["trust_list"]["format"], "json");
}

#[test]
fn an_empty_cache_is_undecidable() {
    let dir = scratch_dir("cli-empty-cache");
    let output = run(&[
        "verify",
        "--cache",
        path(&dir),
        "--at",
        AT_SAMPLE_TIME,
        "--json",
        &sample_qr("vn-vaccination-es256"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let result = json_line(&output);
    assert_eq!(result["outcome"], "undecidable");
    assert_eq!(result["reason"], "no-trust-list");
    let info = run(&["trust", "info", "--cache", path(&dir)]);
    assert_eq!(info.status.code(), Some(1));
    assert!(stdout(&info).contains("no cached trust list"));
}
