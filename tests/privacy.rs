//! No personal data leaks: the `Debug`/`Display` of every error, reason and result, and the CLI's
//! JSON, summary and error output, carry none of the holder's names, date of birth or
//! certificate identifier. (The library writes no logs; it has no logging dependency.)

mod support;

use ciborium::Value;
use dcc_verify::{decode, Verification};
use support::*;

/// The personal fields of a sample's payload: names as written and transliterated, date of
/// birth, and every certificate identifier (`ci`).
fn personal_fields(name: &str) -> Vec<String> {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(samples_dir().join(format!("{name}.json"))).unwrap())
            .unwrap();
    let mut fields: Vec<String> = ["fn", "fnt", "gn", "gnt"]
        .iter()
        .filter_map(|key| json["nam"][key].as_str().map(str::to_owned))
        .collect();
    fields.push(json["dob"].as_str().unwrap().to_owned());
    for group in ["v", "t", "r"] {
        for entry in json[group].as_array().into_iter().flatten() {
            fields.push(entry["ci"].as_str().unwrap().to_owned());
        }
    }
    // The unique part of the UVCI, in case only that is printed.
    let uvcis: Vec<String> = fields
        .iter()
        .filter_map(|f| f.rsplit_once(':').map(|(_, tail)| tail.to_owned()))
        .collect();
    fields.extend(uvcis);
    fields
}

#[track_caller]
fn assert_no_personal_data(text: &str, fields: &[String], what: &str) {
    for field in fields {
        assert!(
            !text.contains(field.as_str()),
            "{what} shows {field:?}: {text}"
        );
    }
}

#[test]
fn the_samples_hold_the_personal_fields_this_test_looks_for() {
    // Guards the other tests: they would pass vacuously if the fields were never decoded.
    let fields = personal_fields("vn-vaccination-es256");
    for expected in [
        "Nguyễn",
        "NGUYEN",
        "THI<MINH<KHAI",
        "1985-03-12",
        "URN:UVCI:01:VN:MOH/V2026/0210/48213#0",
    ] {
        assert!(fields.iter().any(|f| f == expected), "{expected}");
    }
    for name in SAMPLES {
        let cert = decode(&sample(name)).unwrap().certificate;
        let json = cert.content.to_json().to_string();
        for field in personal_fields(name) {
            assert!(json.contains(&field), "{name}: {field} not decoded");
        }
    }
}

#[test]
fn verification_results_show_no_personal_data() {
    let verifier = verifier();
    for name in SAMPLES {
        let fields = personal_fields(name);
        let v = verifier.verify_at(&sample(name), NOW);
        assert!(v.certificate.is_some(), "{name}");
        // The whole result, certificate included: the payload model's Debug is redacted.
        assert_no_personal_data(&format!("{v:?}"), &fields, name);
        assert_no_personal_data(&format!("{v:#?}"), &fields, name);
        let without_certificate = Verification {
            certificate: None,
            ..v.clone()
        };
        assert_no_personal_data(&format!("{without_certificate:?}"), &fields, name);
        if let dcc_verify::Outcome::Invalid { reason } = &v.outcome {
            assert_no_personal_data(&format!("{reason} {reason:?}"), &fields, name);
        }
        let decoded = decode(&sample(name)).unwrap();
        assert_no_personal_data(&format!("{decoded:?}"), &fields, name);
        assert_no_personal_data(&format!("{:?}", decoded.certificate.content), &fields, name);
    }
}

/// The entries of a CBOR map.
type Entries = Vec<(Value, Value)>;

/// Certificates that fail to decode right next to the personal fields: each payload breakage
/// keeps the names, date of birth and UVCI in the input.
fn broken_payloads() -> Vec<(&'static str, Value)> {
    let dcc = dcc_of_sample("vn-vaccination-es256");
    let edit = |f: &dyn Fn(&mut Entries)| {
        let mut dcc = dcc.clone();
        if let Value::Map(entries) = &mut dcc {
            f(entries);
        }
        dcc
    };
    let set = |key: &'static str, value: Value| {
        edit(&move |entries: &mut Entries| {
            entries.retain(|(k, _)| k.as_text() != Some(key));
            entries.push((key.into(), value.clone()));
        })
    };
    let nam = dcc
        .as_map()
        .unwrap()
        .iter()
        .find(|(k, _)| k.as_text() == Some("nam"))
        .unwrap()
        .1
        .clone();
    let mut nam_bad = nam.clone();
    if let Value::Map(entries) = &mut nam_bad {
        entries.push((7.into(), "Nguyễn".into()));
    }
    vec![
        (
            "dob of the wrong type",
            set("dob", Value::Bytes(b"1985-03-12".to_vec())),
        ),
        (
            "name of the wrong type",
            set("nam", Value::Array(vec![nam.clone()])),
        ),
        ("name with an integer key", set("nam", nam_bad)),
        (
            "duplicate name",
            edit(&|e| e.push(("nam".into(), nam.clone()))),
        ),
        (
            "no version",
            edit(&|e| e.retain(|(k, _)| k.as_text() != Some("ver"))),
        ),
        ("two groups", set("t", Value::Array(vec![]))),
        ("empty group", set("v", Value::Array(vec![]))),
        (
            "entry not a map",
            set(
                "v",
                Value::Array(vec!["URN:UVCI:01:VN:MOH/V2026/0210/48213#0".into()]),
            ),
        ),
    ]
}

#[test]
fn decode_errors_show_no_personal_data() {
    let fields = personal_fields("vn-vaccination-es256");
    let verifier = verifier();
    let mut errors = Vec::new();
    for (what, dcc) in broken_payloads() {
        let cwt = Cwt::vaccination().set(-260, hcert(dcc)).encode();
        let qr = es256_certificate(cwt).qr();
        let error = decode(&qr).expect_err(what);
        errors.push((what.to_owned(), format!("{error} | {error:?}")));
        let v = verifier.verify_at(&qr, NOW);
        errors.push((
            what.to_owned(),
            format!("{v:?} | {}", v.outcome.reason_code().unwrap()),
        ));
    }
    // Errors at every earlier stage, from damaged copies of the sample.
    let qr = sample("vn-vaccination-es256");
    let cose = cose_of_qr(&qr);
    let damaged = [
        qr.replacen("HC1:", "HC9:", 1),
        format!("{}a", &qr[..qr.len() - 1]),
        qr_from_compressed(&zlib(&cose)[..200]),
        qr_from_cose(&cose[..cose.len() - 70]),
        qr_from_cose(&[&cose[..], &[0]].concat()),
    ];
    for qr in &damaged {
        let error = decode(qr).unwrap_err();
        errors.push((error.code().to_owned(), format!("{error} | {error:?}")));
    }
    assert!(errors.len() > 10);
    for (what, text) in errors {
        assert_no_personal_data(&text, &fields, &what);
    }
}

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use std::process::Command;

    fn run(args: &[&str]) -> (String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_dcc-verify"))
            .args(args)
            .output()
            .unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    const AT: &str = "2026-06-01T00:00:00Z";

    #[test]
    fn cli_json_and_summary_show_no_personal_data() {
        for name in SAMPLES {
            let fields = personal_fields(name);
            let qr = sample(name);
            let (json, err) = run(&["verify", "--json", "--at", AT, &qr]);
            assert!(json.contains("\"outcome\""), "{name}: {json}");
            assert_no_personal_data(&json, &fields, name);
            assert_no_personal_data(&err, &fields, name);
            let (summary, err) = run(&["verify", "--at", AT, &qr]);
            assert!(summary.contains("certificate"), "{name}: {summary}");
            assert_no_personal_data(&summary, &fields, name);
            assert_no_personal_data(&err, &fields, name);
        }
        // Only when asked does the summary show them (so the checks above can see them).
        let (shown, _) = run(&[
            "verify",
            "--at",
            AT,
            "--show-personal-data",
            &sample("vn-vaccination-es256"),
        ]);
        assert!(
            shown.contains("Nguyễn") && shown.contains("1985-03-12"),
            "{shown}"
        );
    }

    #[test]
    fn cli_errors_show_no_personal_data() {
        let fields = personal_fields("vn-vaccination-es256");
        for (what, dcc) in broken_payloads() {
            let cwt = Cwt::vaccination().set(-260, hcert(dcc)).encode();
            let qr = es256_certificate(cwt).qr();
            let (out, err) = run(&["decode", &qr]);
            assert!(err.contains("cannot decode"), "{what}: {err}");
            assert_no_personal_data(&out, &fields, what);
            assert_no_personal_data(&err, &fields, what);
            let (out, err) = run(&["verify", "--json", "--at", AT, &qr]);
            assert_no_personal_data(&out, &fields, what);
            assert_no_personal_data(&err, &fields, what);
        }
    }
}
