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

/// The real German list with its signature line removed and the sample DSC added: an unsigned
/// forgery of the list the German key signs.
fn forged_german_list(dir: &Path) -> PathBuf {
    let real = real_de_list();
    let newline = real.iter().position(|&b| b == b'\n').unwrap();
    let mut document: Value = serde_json::from_slice(&real[newline + 1..]).unwrap();
    document["certificates"]
        .as_array_mut()
        .unwrap()
        .push(json_entry(
            &sample_der("dsc-vn-es256"),
            "VN",
            "2023-12-01T00:00:00Z",
        ));
    write(dir, "forged.json", document.to_string().as_bytes())
}

/// Issue 10 item 7: `--anchor` (or `--signature`) means "the list must be signed". Before the
/// fix the forgery was taken as an unsigned list and the sample verified as valid.
#[test]
fn verify_with_an_anchor_refuses_an_unsigned_list_file() {
    let dir = scratch_dir("cli-anchor-means-signed");
    let forged = forged_german_list(&dir);
    let key = format!("{MANIFEST}/testdata/trustlists/de-dsc-list-signing-key.pem");
    let qr = sample_qr("vn-vaccination-es256");
    let output = run(&[
        "verify",
        "--trust-list",
        path(&forged),
        "--anchor",
        &key,
        "--at",
        AT_SAMPLE_TIME,
        &qr,
    ]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(stdout(&output), "");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unsigned json list, but --anchor asks for a signed one"),
        "{stderr}"
    );
    // --signature asks for a signed list too: with a JSON or PEM file, and with a German list
    // (signed inside), it is a usage error.
    let signature = write(&dir, "some.sig", b"\xd2\x84");
    let pem = format!("{MANIFEST}/testdata/samples/pki/dsc-vn-es256.crt.pem");
    let german = format!("{MANIFEST}/testdata/trustlists/de-dsc-list.signed");
    for list in [path(&forged), &pem, &german] {
        let output = run(&[
            "verify",
            "--trust-list",
            list,
            "--signature",
            path(&signature),
            "--anchor",
            &key,
            &qr,
        ]);
        assert_eq!(output.status.code(), Some(2), "{list}: {output:?}");
    }
}

/// Issue 10 item 7: the human summary says when the list it rests on is unsigned (before the
/// fix only --json did).
#[test]
fn verify_says_when_a_list_is_unsigned() {
    let dir = scratch_dir("cli-says-unsigned");
    let forged = forged_german_list(&dir);
    let qr = sample_qr("vn-vaccination-es256");
    let output = run(&[
        "verify",
        "--trust-list",
        path(&forged),
        "--at",
        AT_SAMPLE_TIME,
        &qr,
    ]);
    assert!(output.status.success(), "{output:?}");
    let line = stdout(&output);
    assert!(line.starts_with("valid | "), "{line}");
    assert!(
        line.trim_end()
            .ends_with(" | warning: trust list is unsigned"),
        "{line}"
    );
    assert_eq!(line.lines().count(), 1);
    // A signed list says nothing of the kind.
    let key = TestKey::new();
    let anchor = write(&dir, "anchor.pem", key.pem().as_bytes());
    let signed = write(
        &dir,
        "list.signed",
        &de_list(&key, &sample_entries(&["dsc-vn-es256"], AT_SAMPLE_TIME)),
    );
    let output = run(&[
        "verify",
        "--trust-list",
        path(&signed),
        "--anchor",
        path(&anchor),
        "--at",
        AT_SAMPLE_TIME,
        &qr,
    ]);
    assert!(output.status.success(), "{output:?}");
    assert!(!stdout(&output).contains("unsigned"), "{}", stdout(&output));
}

/// Issue 10 items 5 and 7: a cache with anchors takes signed lists only. Importing an unsigned
/// list into it is a usage error, and an unsigned cache planted there does not load.
#[test]
fn a_cache_with_anchors_takes_signed_lists_only() {
    let dir = scratch_dir("cli-signed-cache");
    let cache = dir.join("cache");
    let key = TestKey::new();
    let anchor = write(&dir, "anchor.pem", key.pem().as_bytes());
    let list = write(
        &dir,
        "list.signed",
        &de_list(
            &key,
            &sample_entries(&["dsc-vn-ps256"], "2026-01-01T00:00:00Z"),
        ),
    );
    let imported = run(&[
        "trust",
        "import",
        "--cache",
        path(&cache),
        "--format",
        "de",
        "--anchor",
        path(&anchor),
        path(&list),
    ]);
    assert!(imported.status.success(), "{imported:?}");
    let json = format!("{MANIFEST}/testdata/samples/trust-list.json");
    let unsigned = run(&[
        "trust",
        "import",
        "--cache",
        path(&cache),
        "--format",
        "json",
        "--unsigned",
        &json,
    ]);
    assert_eq!(unsigned.status.code(), Some(2), "{unsigned:?}");
    assert!(String::from_utf8_lossy(&unsigned.stderr).contains("takes signed lists only"));

    // Planted: the unsigned sample list's cache file, copied over the signed one.
    let elsewhere = dir.join("unsigned-cache");
    let unsigned = run(&[
        "trust",
        "import",
        "--cache",
        path(&elsewhere),
        "--format",
        "json",
        "--unsigned",
        &json,
    ]);
    assert!(unsigned.status.success(), "{unsigned:?}");
    let cache_file = dcc_verify::TrustStore::CACHE_FILE;
    std::fs::copy(elsewhere.join(cache_file), cache.join(cache_file)).unwrap();
    let output = run(&[
        "verify",
        "--cache",
        path(&cache),
        "--at",
        AT_SAMPLE_TIME,
        "--json",
        &sample_qr("vn-vaccination-es256"),
    ]);
    assert_eq!(json_line(&output)["reason"], "no-trust-list", "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("unsigned"));
}

/// Issue 10 item 4: `anchors.pem` is replaced, never written through. Before the fix a
/// symlink planted there had its target overwritten with the anchors.
#[cfg(unix)]
#[test]
fn a_symlink_planted_at_anchors_pem_is_not_followed() {
    let dir = scratch_dir("cli-anchors-symlink");
    let cache = dir.join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let victim = write(&dir, "victim", b"precious");
    std::os::unix::fs::symlink(&victim, cache.join("anchors.pem")).unwrap();
    let key = TestKey::new();
    let anchor = write(&dir, "anchor.pem", key.pem().as_bytes());
    let list = write(
        &dir,
        "list.signed",
        &de_list(
            &key,
            &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
        ),
    );
    let output = run(&[
        "trust",
        "import",
        "--cache",
        path(&cache),
        "--format",
        "de",
        "--anchor",
        path(&anchor),
        path(&list),
    ]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    let remembered = cache.join("anchors.pem");
    assert!(!remembered
        .symlink_metadata()
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(&remembered).unwrap().trim(),
        key.pem().trim()
    );
}

/// Issue 10 item 4: an anchors file that cannot be written means nothing was imported (before
/// the fix the list went into the cache first, then the command failed: exit 2 for an import
/// that had taken effect).
#[test]
fn an_anchors_file_that_cannot_be_written_means_nothing_was_imported() {
    let dir = scratch_dir("cli-anchors-unwritable");
    let cache = dir.join("cache");
    // A directory where the file goes: no write or rename can replace it.
    std::fs::create_dir_all(cache.join("anchors.pem").join("x")).unwrap();
    let key = TestKey::new();
    let anchor = write(&dir, "anchor.pem", key.pem().as_bytes());
    let list = write(
        &dir,
        "list.signed",
        &de_list(
            &key,
            &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
        ),
    );
    let output = run(&[
        "trust",
        "import",
        "--cache",
        path(&cache),
        "--format",
        "de",
        "--anchor",
        path(&anchor),
        path(&list),
    ]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing was imported"));
    assert!(!cache.join(dcc_verify::TrustStore::CACHE_FILE).exists());
}

/// Issue 10 item 4: an import with new anchors killed after each of its steps leaves a cache
/// that later commands use without --anchor, and the next import completes the change (the
/// old key is then no longer remembered).
#[test]
fn an_import_killed_at_any_step_leaves_a_usable_cache() {
    for step in ["anchors-widened", "imported"] {
        let dir = scratch_dir(&format!("cli-kill-{step}"));
        let cache = dir.join("cache");
        let (old_key, new_key) = (TestKey::new(), TestKey::new());
        let old_anchor = write(&dir, "old.pem", old_key.pem().as_bytes());
        let new_anchor = write(&dir, "new.pem", new_key.pem().as_bytes());
        let old_list = write(
            &dir,
            "old.signed",
            &de_list(
                &old_key,
                &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
            ),
        );
        let new_list = write(
            &dir,
            "new.signed",
            &de_list(
                &new_key,
                &sample_entries(&["dsc-vn-es256"], "2026-02-01T00:00:00Z"),
            ),
        );
        let import = |anchor: &Path, list: &Path, kill_at: Option<&str>| {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dcc-verify"));
            command.args([
                "trust",
                "import",
                "--cache",
                path(&cache),
                "--format",
                "de",
                "--anchor",
                path(anchor),
                path(list),
            ]);
            if let Some(step) = kill_at {
                command.env("DCC_VERIFY_TEST_KILL_AT", step);
            }
            command.output().unwrap()
        };
        assert!(import(&old_anchor, &old_list, None).status.success());
        let killed = import(&new_anchor, &new_list, Some(step));
        assert!(!killed.status.success(), "{step}: not killed: {killed:?}");

        let verify = run(&[
            "verify",
            "--cache",
            path(&cache),
            "--at",
            AT_SAMPLE_TIME,
            "--json",
            &sample_qr("vn-vaccination-es256"),
        ]);
        let result = json_line(&verify);
        assert_eq!(result["outcome"], "valid", "{step}: {verify:?}");
        assert_eq!(result["trust_list"]["signed"], true);
        let info = run(&["trust", "info", "--cache", path(&cache), "--json"]);
        assert!(info.status.success(), "{step}: {info:?}");
        let expected = if step == "imported" {
            "2026-02-01T00:00:00Z"
        } else {
            "2026-01-01T00:00:00Z"
        };
        assert_eq!(json_line(&info)["list_time"], expected, "{step}");

        // The import again, to the end: the new key alone is remembered.
        assert!(
            import(&new_anchor, &new_list, None).status.success(),
            "{step}"
        );
        assert_eq!(
            std::fs::read_to_string(cache.join("anchors.pem"))
                .unwrap()
                .trim(),
            new_key.pem().trim()
        );
    }
}

/// Issue 10 item 2: two processes importing into one cache at once (one the older list, one
/// the newer) end with the newer list in force, whatever the order they ran in. Bounded: six
/// rounds of two processes.
#[test]
fn concurrent_imports_in_two_processes_end_with_the_newest_list() {
    let dir = scratch_dir("cli-concurrent-imports");
    let key = TestKey::new();
    let anchor = write(&dir, "anchor.pem", key.pem().as_bytes());
    let older = write(
        &dir,
        "older.signed",
        &de_list(
            &key,
            &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
        ),
    );
    let newer = write(
        &dir,
        "newer.signed",
        &de_list(
            &key,
            &sample_entries(&["dsc-vn-ps256"], "2026-02-01T00:00:00Z"),
        ),
    );
    for round in 0..6 {
        let cache = dir.join(format!("cache-{round}"));
        let spawn = |list: &Path| {
            std::process::Command::new(env!("CARGO_BIN_EXE_dcc-verify"))
                .args([
                    "trust",
                    "import",
                    "--cache",
                    path(&cache),
                    "--format",
                    "de",
                    "--anchor",
                    path(&anchor),
                    path(list),
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = if round % 2 == 0 {
            (spawn(&older), spawn(&newer))
        } else {
            (spawn(&newer), spawn(&older))
        };
        for child in [a, b] {
            let output = child.wait_with_output().unwrap();
            // Taken, or refused as a rollback; never failed.
            assert!(
                matches!(output.status.code(), Some(0 | 1)),
                "round {round}: {output:?}"
            );
        }
        let info = json_line(&run(&["trust", "info", "--cache", path(&cache), "--json"]));
        assert_eq!(info["list_time"], "2026-02-01T00:00:00Z", "round {round}");
    }
}
