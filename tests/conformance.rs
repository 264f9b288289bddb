//! The EU DCC conformance corpus (testdata/dgc-testdata), run through the public API.
//!
//! Every case is verified with its own certificate as the only trusted DSC and its
//! VALIDATIONCLOCK as the clock, and every expectation a verifier can answer is checked.
//! Expectations the corpus gets wrong are listed with their reasons in
//! testdata/conformance/exclusions.toml; an excluded expectation that holds fails the test.

mod corpus;

use std::collections::BTreeMap;
use std::io::Write;

use base64::Engine;
use dcc_verify::crypto::Backend;
use dcc_verify::{
    base45, cose::CoseSign1, decode, inflate, parse_instant, prefix, CheckStatus, Dsc, TrustList,
    Verifier,
};
use serde_json::Value;

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

#[test]
fn eu_conformance_corpus() {
    let cases = corpus::cases();
    assert_eq!(cases.len(), 581, "the corpus has 581 cases");
    let mut gate = corpus::Gate::new(&FLAGS);
    for case in &cases {
        gate.count_case(case);
        let answers = answer(&case.name, &case.json);
        for flag in FLAGS {
            if let Some(&answer) = answers.get(flag) {
                gate.check(case, flag, answer, String::new);
            }
        }
    }
    let backends: Vec<_> = Backend::ALL.iter().map(|b| b.name()).collect();
    gate.finish(&format!(
        "EU DCC conformance corpus, signature backends {}",
        backends.join(", ")
    ));
}

/// What our verifier answers for each flag of one case (absent: the case lacks the input).
fn answer(name: &str, case: &Value) -> BTreeMap<&'static str, bool> {
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
                        match dcc_verify::cwt::parse(&c).ok()?.hcert {
                            dcc_verify::cwt::Hcert::Subclaim { key: 1, value } => {
                                dcc_verify::Dcc::from_cbor(value).ok()
                            }
                            _ => None,
                        }
                    })
                });
                decoded.as_ref().and_then(|d| d.dcc()).map(|d| d.to_json())
                    == expected.map(|e| e.to_json())
            }
            None => decoded.is_some(),
        };
        answers.insert("DECODE", decoded.is_some() && matches_cbor);

        // Every signature backend in the build must answer alike.
        let qr = qr_from_cose(cose);
        let mut verifications = Backend::ALL.iter().map(|&backend| {
            let verifier = verifier(case).with_backend(backend);
            (backend, verifier.verify_at(&qr, validation_clock(case)))
        });
        let (first_backend, verification) = verifications.next().unwrap();
        for (backend, other) in verifications {
            assert_eq!(
                other, verification,
                "{name}: {backend:?} and {first_backend:?} disagree"
            );
        }
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
        let key_usage =
            match verification.checks.key_usage {
                CheckStatus::NotChecked => dsc(case)
                    .zip(verification.certificate.as_ref())
                    .and_then(|(dsc, cert)| {
                        Some(dsc.key_usage().allows(cert.dcc()?.certificate_type()))
                    }),
                status => Some(status == CheckStatus::Passed),
            };
        answers.insert("KEYUSAGE", key_usage == Some(true));
    }
    if let (Some(prefixed), Some(json)) = (text("PREFIX"), case.get("JSON")) {
        let decoded = dcc_verify::decode(prefixed)
            .ok()
            .and_then(|d| d.certificate.dcc().map(|dcc| dcc.to_json()));
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

/// A verifier trusting the case's certificate alone (none, when it does not parse or cannot
/// sign health certificates: those cases expect failure).
fn verifier(case: &Value) -> Verifier {
    let mut list = TrustList::new();
    if let Some(dsc) = dsc(case) {
        let _ = list.add(dsc);
    }
    Verifier::default().with_trust_list(list)
}

/// The QR text for a COSE message: zlib, base45, prefix, built with the library's own encoder.
fn qr_from_cose(cose: &[u8]) -> String {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(cose).unwrap();
    format!("HC1:{}", base45::encode(&z.finish().unwrap()))
}

fn hex_decode(hex: &str) -> Option<Vec<u8>> {
    let hex = hex.trim();
    hex.len()
        .is_multiple_of(2)
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
