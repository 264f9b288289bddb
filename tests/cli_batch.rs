//! `dcc-verify verify` over standard input (issue 10 item 13): every input line gets its answer
//! in input order, whatever the line holds and on any number of threads; an input without any
//! QR text is an error.
#![cfg(feature = "cli")]

mod cli_support;

use cli_support::*;
use serde_json::Value;

const AT: &str = "2026-06-01T00:00:00Z";

fn answers(output: &std::process::Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn outcome(answer: &Value) -> (&str, Option<&str>) {
    (
        answer["outcome"].as_str().unwrap(),
        answer["reason"].as_str(),
    )
}

#[test]
fn a_line_that_is_not_utf8_is_answered_invalid_and_the_batch_goes_on() {
    let valid = sample("vn-vaccination-es256");
    let input = [
        valid.as_bytes(),
        b"\n",
        b"HC1:\xff\xfe",
        valid.as_bytes(),
        b"\n\xc3\n",
        valid.as_bytes(),
        b"\n",
    ]
    .concat();
    let out = run_with_bytes(
        &["verify", "--trust-list", SAMPLE_LIST, "--json", "--at", AT],
        &input,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let answered = answers(&out);
    let got: Vec<_> = answered.iter().map(outcome).collect();
    assert_eq!(
        got,
        [
            ("valid", None),
            ("invalid", Some("malformed-base45")),
            ("invalid", Some("malformed-prefix")),
            ("valid", None),
        ]
    );
    let lines: Vec<_> = answered
        .iter()
        .map(|a| a["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 2, 3, 4]);
}

#[test]
fn json_answers_carry_their_input_line_numbers_across_blank_lines() {
    let input = format!(
        "\n{}\n\n   \n{}\r\n\n",
        sample("vn-vaccination-es256"),
        sample("vn-vaccination-expired")
    );
    let out = run_with_input(
        &["verify", "--trust-list", SAMPLE_LIST, "--json", "--at", AT],
        &input,
    );
    assert_eq!(out.status.code(), Some(1));
    let answered = answers(&out);
    let got: Vec<_> = answered
        .iter()
        .map(|a| (a["line"].as_u64().unwrap(), outcome(a)))
        .collect();
    assert_eq!(
        got,
        [(2, ("valid", None)), (5, ("invalid", Some("expired")))]
    );
    // Arguments are not lines: no line number.
    let out = run(&[
        "verify",
        "--trust-list",
        SAMPLE_LIST,
        "--json",
        "--at",
        AT,
        &sample("vn-vaccination-es256"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(answers(&out)[0].get("line"), None);
}

#[test]
fn an_input_without_any_qr_text_is_an_error() {
    for input in ["", "\n", " \n\t\n\n"] {
        let out = run_with_input(&["verify", "--trust-list", SAMPLE_LIST, "--at", AT], input);
        assert_eq!(out.status.code(), Some(2), "{input:?}");
        assert_eq!(stdout(&out), "");
        assert!(stderr(&out).contains("no QR text"), "{}", stderr(&out));
    }
}

#[test]
fn a_line_longer_than_any_qr_code_is_answered_without_being_held_whole() {
    let input = format!(
        "HC1:{}\n{}\n",
        "A".repeat(4_000_000),
        sample("vn-vaccination-es256")
    );
    let out = run_with_input(
        &["verify", "--trust-list", SAMPLE_LIST, "--json", "--at", AT],
        &input,
    );
    let got: Vec<_> = answers(&out)
        .iter()
        .map(|a| outcome(a).1.map(str::to_owned))
        .collect();
    assert_eq!(got, [Some("input-too-long".to_owned()), None]);
}

/// More than one chunk (1024 lines) of mixed answers: the same answers, in input order, on 1
/// and 3 threads, in the JSON and the human form.
#[test]
fn every_thread_count_answers_alike_in_input_order() {
    let names = [
        "vn-vaccination-es256",
        "vn-vaccination-ps256",
        "vn-vaccination-expired",
        "vn-vaccination-tampered",
        "vn-test-es256",
    ];
    let count = 1100;
    let input = (0..count)
        .map(|i| sample(names[i % names.len()]))
        .collect::<Vec<_>>()
        .join("\n");
    let run_jobs = |jobs: &str, json: bool| {
        let mut args = vec![
            "verify",
            "--trust-list",
            SAMPLE_LIST,
            "--at",
            AT,
            "--jobs",
            jobs,
        ];
        if json {
            args.push("--json");
        }
        let out = run_with_input(&args, &input);
        assert_eq!(out.status.code(), Some(1));
        stdout(&out)
    };
    let single = run_jobs("1", true);
    assert_eq!(single, run_jobs("3", true));
    let expected = |i: usize| match i % names.len() {
        0 | 1 | 4 => "valid",
        _ => "invalid",
    };
    let answers: Vec<Value> = single
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), count);
    for (i, answer) in answers.iter().enumerate() {
        assert_eq!(answer["line"], i + 1);
        assert_eq!(answer["outcome"], expected(i), "line {}", i + 1);
    }
    let human = run_jobs("3", false);
    assert_eq!(human.lines().count(), count);
    for (i, line) in human.lines().enumerate() {
        assert!(line.starts_with(expected(i)), "line {}: {line}", i + 1);
    }
    let out = run_with_input(
        &["verify", "--trust-list", SAMPLE_LIST, "--jobs", "0"],
        &input,
    );
    assert_eq!(out.status.code(), Some(2));
}
