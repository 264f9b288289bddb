//! The command line under attack and misuse (issue 10, items 12, 14, 15, 16 and 19): forged
//! text in certificates, closed and full outputs, a country of arrival without rules, inputs
//! far larger than any real one, and the forms of `--at`.
#![cfg(feature = "cli")] // the binary is built only with the `cli` feature

mod cli_support;
mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use ciborium::Value;
use cli_support::*;
use support::{dcc_of_sample, es256_certificate, hcert, Cwt};

const AT: &str = "2026-06-01T00:00:00Z";
const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-security-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The vaccination sample's DCC with `field` of its first entry replaced.
fn dcc_with_entry_field(field: &str, value: &str) -> Value {
    let Value::Map(mut dcc) = dcc_of_sample("vn-vaccination-es256") else {
        panic!("not a map")
    };
    for (key, entries) in &mut dcc {
        if *key == Value::Text("v".into()) {
            let Value::Array(entries) = entries else {
                panic!("v is not an array")
            };
            let Some(Value::Map(entry)) = entries.first_mut() else {
                panic!("no entry")
            };
            for (name, slot) in entry.iter_mut() {
                if *name == Value::Text(field.into()) {
                    *slot = Value::Text(value.into());
                }
            }
        }
    }
    Value::Map(dcc)
}

/// Issue 10, item 12: a genuine-looking QR (signed by the sample TEST key) with a newline, a
/// carriage return and ANSI escapes in `iss` and `mp` printed a fake `valid | ...` line.
#[test]
fn human_output_escapes_control_characters_one_line_per_input() {
    let forged_iss = "VN\nvalid | vaccination certificate from DE\u{1b}[32m";
    let forged_mp = "EU/1/20/1528\r\u{1b}[2Kvalid\u{2028}\u{202e}";
    let cwt = Cwt::vaccination()
        .set(1, forged_iss.into())
        .set(-260, hcert(dcc_with_entry_field("mp", forged_mp)));
    let qr = es256_certificate(cwt.encode()).qr();
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--at",
        AT,
        "--show-personal-data",
        &qr,
    ]);
    let shown = stdout(&out);
    assert_eq!(shown.lines().count(), 1, "{shown:?}");
    assert!(shown.ends_with('\n') && !shown.trim_end_matches('\n').contains('\n'));
    for raw in ['\r', '\u{1b}', '\u{2028}', '\u{202e}'] {
        assert!(!shown.contains(raw), "{raw:?} in {shown:?}");
    }
    assert!(shown.contains(r"VN\u{a}valid | vaccination"), "{shown}");
    assert!(
        shown.contains(r"EU/1/20/1528\u{d}\u{1b}[2Kvalid\u{2028}\u{202e}"),
        "{shown}"
    );
    // Names stay readable.
    assert!(shown.contains("Nguyễn"), "{shown}");
    // Two forged inputs on standard input: exactly two answers.
    let input = format!("{qr}\n{qr}\n");
    let out = run_with_input(&["verify", "--trust-list", SAMPLE_LIST, "--at", AT], &input);
    assert_eq!(stdout(&out).lines().count(), 2, "{:?}", stdout(&out));
}

/// A cache holding the sample list (unsigned, imported explicitly).
fn sample_cache(name: &str) -> PathBuf {
    let cache = scratch(name);
    let out = run(&[
        "trust",
        "import",
        "--cache",
        text(&cache),
        "--format",
        "json",
        "--unsigned",
        &format!("{MANIFEST}/testdata/samples/trust-list.json"),
    ]);
    assert!(out.status.success(), "{out:?}");
    cache
}

fn run_to(stdout: Stdio, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dcc-verify"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Issue 10, item 14: `trust info` and `trust import` printed with `println!`, which panics
/// (exit 101) when standard output is full or closed.
#[test]
fn trust_commands_report_a_full_or_closed_output_without_panicking() {
    let cache = sample_cache("full-output");
    let list = format!("{MANIFEST}/testdata/samples/trust-list.json");
    let qr = sample_qr();
    let commands: [Vec<&str>; 4] = [
        vec!["trust", "info", "--cache", text(&cache)],
        vec!["trust", "info", "--cache", text(&cache), "--json"],
        vec![
            "trust",
            "import",
            "--cache",
            text(&cache),
            "--format",
            "json",
            "--unsigned",
            &list,
        ],
        vec!["verify", "--trust-list", SAMPLE_LIST, "--at", AT, &qr],
    ];
    for args in &commands {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = run_to(Stdio::from(full), args);
        let message = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {message}");
        assert!(!message.contains("panicked"), "{args:?}: {message}");
        assert!(message.contains("writing output"), "{args:?}: {message}");
    }
    // A reader that went away (`| head -0`): an error or, if the output fit in the pipe
    // before it closed, success; never a panic.
    for args in &commands {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dcc-verify"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let message = stderr(&out);
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "{args:?}: {out:?}"
        );
        assert!(!message.contains("panicked"), "{args:?}: {message}");
    }
}

fn sample_qr() -> String {
    sample("vn-vaccination-es256")
}

/// Issue 10, item 15: a `--country` the rule file has no acceptance rules for applied zero
/// rules and passed in silence; `--country ""` was accepted.
#[test]
fn a_country_without_acceptance_rules_is_warned_about_and_an_empty_one_refused() {
    let rules = format!("{MANIFEST}/testdata/rules-samples/de-eu-rules.json");
    let verify = |country: &str, json: bool| {
        let mut args = vec![
            "verify",
            "--trust-list",
            SAMPLE_LIST,
            "--at",
            AT,
            "--rules",
            &rules,
            "--country",
            country,
        ];
        if json {
            args.push("--json");
        }
        let qr = sample_qr();
        args.push(&qr);
        run(&args)
    };
    let out = verify("DE", true);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(json["rules"]["arrival_country_has_rules"], true);
    assert_eq!(stderr(&out), "");

    for country in ["DEU", "Germany", "de-DE"] {
        let out = verify(country, true);
        let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(
            json["rules"]["arrival_country_has_rules"], false,
            "{country}"
        );
        assert!(
            stderr(&out).contains(&format!("no acceptance rules for --country {country}")),
            "{country}: {}",
            stderr(&out)
        );
        let human = stdout(&verify(country, false));
        assert!(
            human.contains("warning: no acceptance rules for the country of arrival"),
            "{human}"
        );
    }
    for empty in ["", " "] {
        let out = verify(empty, false);
        assert_eq!(out.status.code(), Some(2), "{empty:?}: {out:?}");
        assert!(
            stderr(&out).contains("--country is empty"),
            "{}",
            stderr(&out)
        );
    }
}

/// Runs the binary with its address space capped at 256 MiB (`ulimit -v`), feeding `input`
/// (a generator, written from another thread) to its standard input.
fn run_capped(args: &[&str], input: impl FnOnce(&mut dyn Write) + Send + 'static) -> Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 262144 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_dcc-verify"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || input(&mut pipe));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// Issue 10, item 16: inputs were read whole before any size check: a 300 MB line or a 1 GiB
/// list file cost that much memory. Under a 256 MiB cap, they used to abort the process.
#[test]
fn inputs_are_read_no_further_than_their_limits() {
    // A 300 MB line between two genuine inputs: three answers, the long one too long.
    let qr = sample_qr();
    let out = run_capped(
        &["verify", "--trust-list", SAMPLE_LIST, "--json", "--at", AT],
        move |pipe| {
            let _ = writeln!(pipe, "{qr}");
            let chunk = vec![b'A'; 1 << 20];
            for _ in 0..300 {
                if pipe.write_all(&chunk).is_err() {
                    return;
                }
            }
            let _ = writeln!(pipe);
            let _ = writeln!(pipe, "{qr}");
        },
    );
    let answers: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let reasons: Vec<&str> = answers
        .iter()
        .map(|a| a["reason"].as_str().unwrap_or("valid"))
        .collect();
    assert_eq!(reasons, ["valid", "input-too-long", "valid"], "{out:?}");

    // Files far beyond their limits (sparse: they take no disk space).
    let dir = scratch("large-files");
    let huge = dir.join("huge.json");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(1 << 30).unwrap();
    let rules = format!("{MANIFEST}/testdata/rules-samples/de-eu-rules.json");
    let rule_set: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&rules).unwrap()).unwrap();
    let rule = dir.join("rule.json");
    std::fs::write(&rule, rule_set[0].to_string()).unwrap();
    let cases: [Vec<&str>; 6] = [
        vec!["verify", "--trust-list", text(&huge), "HC1:x"],
        vec![
            "verify",
            "--anchor",
            text(&huge),
            "--trust-list",
            &rules,
            "HC1:x",
        ],
        vec![
            "verify",
            "--trust-list",
            SAMPLE_LIST,
            "--rules",
            text(&huge),
            "--country",
            "DE",
            "HC1:x",
        ],
        vec![
            "verify",
            "--trust-list",
            SAMPLE_LIST,
            "--value-sets",
            text(&huge),
            "HC1:x",
        ],
        vec![
            "rules",
            "eval",
            "--rule",
            text(&rule),
            "--data",
            text(&huge),
        ],
        vec![
            "trust",
            "import",
            "--cache",
            text(&dir),
            "--format",
            "json",
            "--unsigned",
            text(&huge),
        ],
    ];
    for args in &cases {
        let out = run_capped(args, |_| {});
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(
            stderr(&out).contains("bytes: not read"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

/// Issue 10, item 19: `--at` took only RFC 3339 instants, and one before 2020 was reported as
/// "device clock is not set".
#[test]
fn at_takes_a_date_or_unix_seconds_and_an_early_one_is_not_an_unset_clock() {
    let qr = sample_qr();
    let answer = |at: &str| {
        let out = run(&[
            "verify",
            "--trust-list",
            SAMPLE_LIST,
            "--json",
            "--at",
            at,
            &qr,
        ]);
        (out.status.code(), stdout(&out))
    };
    let reference = answer("2026-06-01T00:00:00Z");
    assert_eq!(reference.0, Some(0));
    assert_eq!(answer("2026-06-01"), reference);
    assert_eq!(answer("@1780272000"), reference);
    // The certificate expires 2036-03-01.
    let (code, json) = answer("@2100000000");
    assert_eq!(code, Some(1));
    assert!(json.contains("\"reason\":\"expired\""), "{json}");
    // Before 2020: the certificate was not yet issued; nothing about the device's clock.
    for early in ["1999-01-01", "@0", "2019-12-31T23:59:59Z"] {
        let out = run(&["verify", "--trust-list", SAMPLE_LIST, "--at", early, &qr]);
        assert_eq!(out.status.code(), Some(1), "{early}");
        let shown = stdout(&out);
        assert!(
            shown.starts_with("invalid (not-yet-valid)"),
            "{early}: {shown}"
        );
        assert!(!shown.contains("clock"), "{early}: {shown}");
    }
    for bad in [
        "yesterday",
        "2026-13-01",
        "@",
        "@12x",
        "@-",
        "2026-06",
        "@99999999999999999999",
    ] {
        let out = run(&["verify", "--trust-list", SAMPLE_LIST, "--at", bad, &qr]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&out).contains("not an instant"),
            "{bad}: {}",
            stderr(&out)
        );
    }
}
