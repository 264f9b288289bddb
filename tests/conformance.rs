//! The EU DCC conformance corpus (testdata/dgc-testdata), run through the public API.
//!
//! Every case is verified with its own certificate as the only trusted DSC and its
//! VALIDATIONCLOCK as the clock, and every expectation a verifier can answer is checked.
//! Expectations the corpus gets wrong are listed with their reasons in
//! testdata/conformance/exclusions.toml; an excluded expectation that holds fails the test.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use dcc_verify::{base45, cose::CoseSign1, decode, inflate, prefix, CheckStatus, Dsc, Verifier};
use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/dgc-testdata");
const EXCLUSIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/conformance/exclusions.toml"
);

/// The expectations a verifier can answer (EXPECTED<flag>).
const FLAGS: [&str; 8] = [
    "UNPREFIX",
    "B45DECODE",
    "COMPRESSION",
    "DECODE",
    "VERIFY",
    "EXPIRATIONCHECK",
    "KEYUSAGE",
    "VALIDJSON",
];

#[derive(serde::Deserialize)]
struct Exclusions {
    #[serde(default)]
    exclude: Vec<Exclusion>,
}

#[derive(serde::Deserialize)]
struct Exclusion {
    case: String,
    flag: String,
    reason: String,
}

impl Exclusion {
    fn matches(&self, case: &str, flag: &str) -> bool {
        self.flag == flag
            && match self.case.split_once('*') {
                Some((prefix, suffix)) => {
                    case.starts_with(prefix)
                        && case.ends_with(suffix)
                        && !case[prefix.len()..case.len() - suffix.len()].contains('/')
                }
                None => self.case == case,
            }
    }
}

#[derive(Default)]
struct Tally {
    cases: usize,
    passed: usize,
    failed: usize,
    excluded: usize,
}

#[test]
fn eu_conformance_corpus() {
    let exclusions: Exclusions =
        toml::from_str(&std::fs::read_to_string(EXCLUSIONS).unwrap()).unwrap();
    for e in &exclusions.exclude {
        assert!(
            !e.reason.trim().is_empty(),
            "exclusion of {} {} has no reason",
            e.case,
            e.flag
        );
    }
    let mut cases = Vec::new();
    collect_cases(Path::new(CORPUS), &mut cases);
    cases.sort();
    assert_eq!(cases.len(), 581, "the corpus has 581 cases");

    let mut per_issuer: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut used_exclusions = vec![false; exclusions.exclude.len()];
    for path in &cases {
        let name = path
            .strip_prefix(CORPUS)
            .unwrap()
            .to_str()
            .unwrap()
            .trim_start_matches('/')
            .to_owned();
        let issuer = name.split('/').next().unwrap().to_owned();
        let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let tally = per_issuer.entry(issuer).or_default();
        tally.cases += 1;
        let answers = answer(&case);
        for flag in FLAGS {
            let Some(expected) = case["EXPECTEDRESULTS"]
                .get(format!("EXPECTED{flag}"))
                .and_then(Value::as_bool)
            else {
                continue;
            };
            let Some(actual) = answers.get(flag).copied() else {
                continue;
            };
            let excluded = exclusions
                .exclude
                .iter()
                .position(|e| e.matches(&name, flag));
            match (excluded, actual == expected) {
                (Some(i), true) => {
                    used_exclusions[i] = true;
                    tally.failed += 1;
                    failures.push(format!(
                        "{name} {flag}: excluded, but now meets the expectation ({expected})"
                    ));
                }
                (Some(i), false) => {
                    used_exclusions[i] = true;
                    tally.excluded += 1;
                }
                (None, true) => tally.passed += 1,
                (None, false) => {
                    tally.failed += 1;
                    failures.push(format!("{name} {flag}: expected {expected}, got {actual}"));
                }
            }
        }
    }
    for (e, used) in exclusions.exclude.iter().zip(used_exclusions) {
        if !used && FLAGS.contains(&e.flag.as_str()) {
            failures.push(format!(
                "exclusion {} {} matches no expectation",
                e.case, e.flag
            ));
        }
    }

    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "EU DCC conformance corpus, signature backend {}",
        dcc_verify::crypto::BACKEND
    )
    .unwrap();
    writeln!(
        out,
        "{:<8} {:>6} {:>7} {:>7} {:>9}",
        "issuer", "cases", "passed", "failed", "excluded"
    )
    .unwrap();
    let mut total = Tally::default();
    for (issuer, t) in &per_issuer {
        writeln!(
            out,
            "{issuer:<8} {:>6} {:>7} {:>7} {:>9}",
            t.cases, t.passed, t.failed, t.excluded
        )
        .unwrap();
        total.cases += t.cases;
        total.passed += t.passed;
        total.failed += t.failed;
        total.excluded += t.excluded;
    }
    writeln!(
        out,
        "{:<8} {:>6} {:>7} {:>7} {:>9}",
        "total", total.cases, total.passed, total.failed, total.excluded
    )
    .unwrap();
    for f in &failures {
        writeln!(out, "FAIL {f}").unwrap();
    }
    writeln!(out, "{} passed, {} failed", total.passed, failures.len()).unwrap();
    assert!(
        failures.is_empty(),
        "{} conformance failures",
        failures.len()
    );
}

fn collect_cases(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_cases(&path, out);
        } else if path.extension().is_some_and(|e| e == "json")
            && path.parent() != Some(Path::new(CORPUS))
        {
            out.push(path);
        }
    }
}

/// What our verifier answers for each flag of one case (absent: the case lacks the input).
fn answer(case: &Value) -> BTreeMap<&'static str, bool> {
    let mut answers = BTreeMap::new();
    let text = |key: &str| case.get(key).and_then(Value::as_str);
    let hex = |key: &str| text(key).map(hex_decode);

    if let (Some(prefixed), Some(b45)) = (text("PREFIX"), text("BASE45")) {
        answers.insert("UNPREFIX", prefix::strip(prefixed) == Ok(b45));
    }
    if let (Some(b45), Some(compressed)) = (text("BASE45"), hex("COMPRESSED")) {
        answers.insert("B45DECODE", base45::decode(b45).ok() == compressed);
    }
    if let (Some(compressed), Some(cose)) = (hex("COMPRESSED"), hex("COSE")) {
        answers.insert(
            "COMPRESSION",
            compressed.and_then(|c| inflate::inflate(&c).ok()) == cose,
        );
    }
    let cose = hex("COSE").flatten();
    if let Some(cose) = &cose {
        let decoded = CoseSign1::parse(cose)
            .ok()
            .and_then(|c| decode::certificate(&c).ok());
        let matches_cbor = match hex("CBOR") {
            // The CBOR field holds the DCC alone, or (DE, NL, FR ...) the whole CWT.
            Some(cbor) => {
                let expected = cbor.and_then(|c| {
                    dcc_verify::payload::decode(&c).ok().or_else(|| {
                        let (_, dcc) = dcc_verify::cwt::parse(&c).ok()?;
                        dcc_verify::Dcc::from_cbor(dcc).ok()
                    })
                });
                decoded.as_ref().map(|d| d.dcc.to_json()) == expected.map(|e| e.to_json())
            }
            None => decoded.is_some(),
        };
        answers.insert("DECODE", decoded.is_some() && matches_cbor);

        let verification = verifier(case).verify_at(&qr_from_cose(cose), validation_clock(case));
        answers.insert(
            "VERIFY",
            verification.checks.signature == CheckStatus::Passed,
        );
        answers.insert(
            "EXPIRATIONCHECK",
            verification.checks.expiry == CheckStatus::Passed
                && verification.checks.issued_at == CheckStatus::Passed,
        );
        // KEYUSAGE asks whether the case's certificate may sign this type of content, also in
        // cases whose signature does not verify (PL 6: signed by another DSC). The verifier
        // checks key usage only for a verified signer; otherwise ask the DSC directly.
        let key_usage = match verification.checks.key_usage {
            CheckStatus::NotChecked => dsc(case)
                .zip(verification.certificate.as_ref())
                .map(|(dsc, cert)| dsc.key_usage().allows(cert.dcc.certificate_type())),
            status => Some(status == CheckStatus::Passed),
        };
        answers.insert("KEYUSAGE", key_usage == Some(true));
    }
    if let (Some(prefixed), Some(json)) = (text("PREFIX"), case.get("JSON")) {
        let decoded = dcc_verify::decode(prefixed)
            .ok()
            .map(|d| d.certificate.dcc.to_json());
        answers.insert("VALIDJSON", decoded.is_some_and(|d| same_payload(&d, json)));
    }
    answers
}

/// The case's certificate, when it is one.
fn dsc(case: &Value) -> Option<Dsc> {
    let der = base64::engine::general_purpose::STANDARD
        .decode(case["TESTCTX"]["CERTIFICATE"].as_str()?.trim())
        .ok()?;
    Dsc::from_der(&der).ok()
}

/// A verifier trusting the case's certificate alone (none, when it does not parse: those cases
/// expect failure).
fn verifier(case: &Value) -> Verifier {
    Verifier::default().with_trust_list(dsc(case).into_iter().collect())
}

/// The QR text for a COSE message: zlib, base45, prefix, built with the library's own encoder.
fn qr_from_cose(cose: &[u8]) -> String {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(cose).unwrap();
    format!("HC1:{}", base45::encode(&z.finish().unwrap()))
}

fn hex_decode(hex: &str) -> Option<Vec<u8>> {
    let hex = hex.trim();
    (hex.len() % 2 == 0)
        .then(|| {
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                .collect()
        })
        .flatten()
}

/// VALIDATIONCLOCK in any of its 14 forms (zone or none = UTC; `+hh:mm` or `+hhmm`; 0-9
/// fractional digits), as Unix seconds. Cases without a clock are checked "now".
fn validation_clock(case: &Value) -> i64 {
    let ctx = &case["TESTCTX"];
    let clock = ctx["VALIDATIONCLOCK"]
        .as_str()
        .or_else(|| ctx["validationClockInstant"].as_str());
    match clock {
        Some(text) => parse_instant(text).unwrap_or_else(|| panic!("unreadable clock {text}")),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64,
    }
}

fn parse_instant(text: &str) -> Option<i64> {
    let (date, time) = text.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (clock, offset) = match time.find(['Z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => (time, ""),
    };
    let clock = clock.split('.').next()?;
    let mut c = clock.split(':').map(|p| p.parse::<i64>().ok());
    let (h, min, s) = (c.next()??, c.next()??, c.next()??);
    let offset_secs = match offset {
        "" | "Z" => 0,
        _ => {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let digits: String = offset[1..].chars().filter(char::is_ascii_digit).collect();
            let (oh, om) = (
                digits.get(..2)?.parse::<i64>().ok()?,
                digits.get(2..4)?.parse::<i64>().ok()?,
            );
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days_from_civil(y, m, day) * 86_400 + h * 3600 + min * 60 + s - offset_secs)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Payload equality, with date-times compared as instants (issuers and their JSON disagree on
/// `Z` versus `+00:00` and on fractional zeros).
fn same_payload(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let present =
                |m: &serde_json::Map<String, Value>| m.iter().filter(|(_, v)| !v.is_null()).count();
            present(x) == present(y)
                && x.iter()
                    .filter(|(_, v)| !v.is_null())
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_payload(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_payload(v, w))
        }
        (Value::String(x), Value::String(y)) => {
            x == y
                || (x.contains('T')
                    && parse_instant(x).is_some()
                    && parse_instant(x) == parse_instant(y))
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}
