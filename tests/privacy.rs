//! No personal data leaks: the `Debug`/`Display` of every error, reason and result, and the CLI's
//! JSON, summary and error output, carry none of the holder's names, date of birth or
//! certificate identifier, for every kind of certificate (EU DCC, ICVP, health link with its
//! key, medication overview, DDCC). (The library writes no logs; it has no logging dependency.)

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

/// The WHO samples of every other kind: name, the instant to verify at, and the personal values
/// each holds (names, birth dates, identifiers, health link keys and manifest ids, medication
/// details, a link's label).
const WHO_SAMPLES: [(&str, &str, &[&str]); 8] = [
    (
        "who-itb-track1-vhl-XJ-2026",
        "2026-07-01T00:00:00Z",
        &[
            "ePhmJ1-fJv4w_cmfRMe9inoTfD4Dw0dMk3BGLwV-Ke0=",
            "ePhmJ1",
            "01f0a8e5-1e94-4ec4-9b31-ac96b208f126",
            "GDHCN Validator",
        ],
    ),
    (
        "who-itb-track2-icvp-XCL-2026",
        "2026-07-01T00:00:00Z",
        &["Jorge", "1959-08-11", "123456789"],
    ),
    (
        "who-itb-track3-meow-XCL-2026",
        "2026-07-01T00:00:00Z",
        &[
            "Jorge González",
            "1959-08-11",
            "123456789",
            "1 comp. por día",
            "losartan",
        ],
    ),
    (
        "gdhcn-validator-dvc3-XCL-2024",
        "2024-10-01T00:00:00Z",
        &["Albani Olivieri", "1999-05-05", "27253137", "d23456"],
    ),
    (
        "gdhcn-validator-dvc1-XL-2024",
        "2024-10-01T00:00:00Z",
        &["Aulo Agerio", "1905-08-23", "16337361-9", "Juan Medina"],
    ),
    (
        "gdhcn-validator-who-ddcc-vs-2021",
        "2021-08-01T00:00:00Z",
        &[
            "Eddie Murphy",
            "1986-09-19",
            "1234567890",
            "US111222333444555666",
        ],
    ),
    (
        "gdhcn-validator-who-ddcc-tr-singapore",
        "2022-08-01T00:00:00Z",
        &["TAN CHEN CHEN", "1990-01-15", "ES12345", "ABC-CDE"],
    ),
    (
        "ips-pilgrimage-mysejahtera-MY-2024",
        "2024-06-01T00:00:00Z",
        &[
            "SH5TPafIVQnozoLFJ68qo3L-PPTRrD5Ga6sqjdeghdc=",
            "SH5TPafIVQ",
            "NjYzOWNhMDczZjk1YmMxZDY1MTljN2Fk",
            "Hajj",
        ],
    ),
];

fn who_sample(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("testdata/who-hcert/qr/{name}.txt"));
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

/// A verifier trusting the WHO samples' DSCs.
fn who_verifier() -> dcc_verify::Verifier {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/who-hcert/dsc");
    let mut pem = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        pem.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let (list, _) =
        dcc_verify::TrustList::from_unsigned(dcc_verify::UnsignedList::Pem(&pem)).unwrap();
    dcc_verify::Verifier::default().with_trust_list(list)
}

fn strings(fields: &[&str]) -> Vec<String> {
    fields.iter().map(|f| (*f).to_owned()).collect()
}

#[test]
fn every_kind_shows_no_personal_data() {
    let verifier = who_verifier();
    for (name, at, fields) in WHO_SAMPLES {
        let fields = strings(fields);
        let qr = who_sample(name);
        let decoded = decode(&qr).unwrap();
        // Guard: the values are in the certificate as decoded (personal on purpose there), the
        // link key where only `key()` gives it.
        let whole = match &decoded.certificate.content {
            dcc_verify::Content::HealthLink(link) => {
                format!("{} {} {:?}", link.key(), link.url, link.label)
            }
            content => content.to_json().to_string(),
        };
        for field in &fields {
            assert!(
                whole.contains(field.as_str()),
                "{name}: {field} not decoded"
            );
        }
        let v = verifier.verify_at(&qr, dcc_verify::parse_instant(at).unwrap());
        assert!(v.certificate.is_some(), "{name}");
        assert_no_personal_data(&format!("{v:?}"), &fields, name);
        assert_no_personal_data(&format!("{v:#?}"), &fields, name);
        assert_no_personal_data(&v.to_json_value().to_string(), &fields, name);
        assert_no_personal_data(&format!("{decoded:?}"), &fields, name);
        if let dcc_verify::Outcome::Invalid { reason } = &v.outcome {
            assert_no_personal_data(&format!("{reason} {reason:?}"), &fields, name);
        }
    }
}

/// Certificates of the other kinds whose content fails to decode right next to personal values.
fn broken_kinds() -> Vec<(&'static str, i64, Value)> {
    let text = |s: &str| Value::Text(s.to_owned());
    let link = |json: &str| {
        use base64::Engine;
        text(&format!(
            "shlink:/{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
        ))
    };
    vec![
        (
            "icvp name as bytes",
            -6,
            Value::Map(vec![
                ("n".into(), Value::Bytes(b"Jorge Gonzalez".to_vec())),
                ("dob".into(), text("1959-08-11")),
            ]),
        ),
        (
            "icvp unreadable window",
            -6,
            Value::Map(vec![
                ("n".into(), text("Jorge Gonzalez")),
                ("nid".into(), text("123456789")),
                (
                    "v".into(),
                    Value::Map(vec![
                        ("vp".into(), text("x")),
                        ("dt".into(), text("1959-08-11")),
                        ("vls".into(), text("Jorge Gonzalez 1959-08-11")),
                    ]),
                ),
            ]),
        ),
        (
            "link key of the wrong type",
            5,
            link(r#"{"url":"https://h.example/Jorge-Gonzalez","key":["ePhmJ1-secret"]}"#),
        ),
        (
            "link JSON cut short",
            5,
            link(r#"{"url":"https://h.example/Jorge-Gonzalez","key":"ePhmJ1-secret"#),
        ),
        (
            "link exp of the wrong type",
            5,
            link(r#"{"url":"u","key":"ePhmJ1-secret","exp":"Jorge Gonzalez"}"#),
        ),
        (
            "medication overview without medication",
            -7,
            Value::Map(vec![
                ("n".into(), text("Jorge Gonzalez")),
                ("m".into(), text("losartan 1959-08-11")),
            ]),
        ),
    ]
}

#[test]
fn decode_errors_of_every_kind_show_no_personal_data() {
    let fields = strings(&["Jorge", "1959-08-11", "123456789", "ePhmJ1", "losartan"]);
    for (what, key, content) in broken_kinds() {
        let cwt = Cwt::vaccination()
            .set(-260, Value::Map(vec![(key.into(), content)]))
            .encode();
        let qr = es256_certificate(cwt).qr();
        let error = decode(&qr).expect_err(what);
        assert_eq!(error.code(), "malformed-payload", "{what}");
        assert_no_personal_data(&format!("{error} | {error:?}"), &fields, what);
        let v = verifier().verify_at(&qr, NOW);
        assert_no_personal_data(&format!("{v:?}"), &fields, what);
        assert_no_personal_data(&v.to_json_value().to_string(), &fields, what);
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

    /// Runs `dcc-verify ARGS`; `verify` with `--trust-list` the sample list (TEST keys) unless
    /// ARGS name a list.
    fn run(args: &[&str]) -> (String, String) {
        let sample_list = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/samples/trust-list.json"
        );
        let mut command = Command::new(env!("CARGO_BIN_EXE_dcc-verify"));
        command.args(args);
        if args.first() == Some(&"verify") && !args.contains(&"--trust-list") {
            command.args(["--trust-list", sample_list]);
        }
        let out = command.output().unwrap();
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
    fn cli_shows_no_personal_data_of_any_kind() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/who-hcert/dsc");
        let mut pem = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            pem.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        let list = std::env::temp_dir().join(format!("who-dscs-{}.pem", std::process::id()));
        std::fs::write(&list, pem).unwrap();
        let list = list.to_str().unwrap();
        for (name, at, fields) in WHO_SAMPLES {
            let fields = strings(fields);
            let qr = who_sample(name);
            for json in [true, false] {
                let mut args = vec!["verify", "--trust-list", list, "--at", at];
                if json {
                    args.push("--json");
                }
                args.push(&qr);
                let (out, err) = run(&args);
                assert!(out.contains("valid"), "{name}: {out} {err}");
                assert_no_personal_data(&out, &fields, name);
                assert_no_personal_data(&err, &fields, name);
            }
        }
        // The ICVP holder's name when asked, never the link key even then.
        let (shown, _) = run(&[
            "verify",
            "--trust-list",
            list,
            "--at",
            "2026-07-01T00:00:00Z",
            "--show-personal-data",
            &who_sample("who-itb-track3-meow-XCL-2026"),
            &who_sample("who-itb-track1-vhl-XJ-2026"),
        ]);
        assert!(shown.contains("Jorge González") && shown.contains("1959-08-11"));
        assert!(!shown.contains("ePhmJ1"), "{shown}");
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
