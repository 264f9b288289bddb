//! The bundled samples (testdata/samples): every QR text gives the answer its README states, and
//! decodes to exactly the payload in its `.json` file.

use dcc_verify::{CheckStatus, Outcome, TrustList, Verifier};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/samples");
/// 2026-06-01T00:00:00Z, the time the samples' README states its answers for.
const AT: i64 = 1_780_272_000;

fn sample(name: &str) -> String {
    std::fs::read_to_string(format!("{SAMPLES}/{name}.txt")).unwrap()
}

fn verifier() -> Verifier {
    let bytes = std::fs::read(format!("{SAMPLES}/trust-list.json")).unwrap();
    let (trust, report) = TrustList::from_unsigned_json(&bytes).unwrap();
    assert_eq!((report.taken, report.skipped.len()), (8, 0));
    Verifier::default().with_trust_list(trust)
}

/// (sample, expected reason code or None for valid)
const EXPECTED: [(&str, Option<&str>); 13] = [
    ("vn-vaccination-es256", None),
    ("vn-vaccination-ps256", None),
    ("vn-test-es256", None),
    ("vn-recovery-es256", None),
    ("vn-vaccination-es256-de-dsc", None),
    ("vn-vaccination-expired", Some("expired")),
    ("vn-vaccination-unknown-signer", Some("unknown-signer")),
    ("vn-vaccination-test-only-dsc", Some("key-usage")),
    ("vn-vaccination-dsc-expired", Some("signer-not-valid")),
    ("vn-vaccination-dsc-not-yet-valid", Some("signer-not-valid")),
    ("vn-vaccination-rsa1024", Some("unusable-signer-key")),
    ("vn-vaccination-es384", Some("unsupported-algorithm")),
    ("vn-vaccination-tampered", Some("signature-invalid")),
];

#[test]
fn every_sample_gives_its_stated_answer() {
    let verifier = verifier();
    for (name, reason) in EXPECTED {
        let v = verifier.verify_at(&sample(name), AT);
        match reason {
            None => assert_eq!(v.outcome, Outcome::Valid, "{name}"),
            Some(code) => {
                assert_eq!(v.outcome.code(), "invalid", "{name}");
                assert_eq!(v.outcome.reason_code(), Some(code), "{name}");
            }
        }
        // Even invalid certificates come back decoded, so an app can show what was scanned.
        assert!(v.certificate.is_some(), "{name}");
    }
}

#[test]
fn every_sample_decodes_to_its_payload() {
    for (name, _) in EXPECTED {
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{SAMPLES}/{name}.json")).unwrap(),
        )
        .unwrap();
        let decoded = dcc_verify::decode(&sample(name)).unwrap();
        assert_eq!(decoded.certificate.content.to_json(), expected, "{name}");
        assert_eq!(decoded.certificate.issuer.as_deref(), Some("VN"), "{name}");
    }
}

#[test]
fn a_valid_sample_reports_every_check_and_its_signer() {
    let v = verifier().verify_at(&sample("vn-vaccination-ps256"), AT);
    let c = v.checks;
    for status in [
        c.signature,
        c.signer_validity,
        c.key_usage,
        c.issued_at,
        c.expiry,
        c.issuer_country,
    ] {
        assert_eq!(status, CheckStatus::Passed);
    }
    let signer = v.signer.unwrap();
    assert_eq!(signer.kid.to_base64(), "uZIjd1KPCiY=");
    assert_eq!(signer.country.as_deref(), Some("VN"));
    assert_eq!(v.algorithm, Some(dcc_verify::cose::Algorithm::Ps256));
    let name = v.certificate.unwrap().dcc().unwrap().name.clone();
    assert_eq!(name.family_name.as_deref(), Some("Nguyễn"));
    assert_eq!(
        name.given_name_standardised.as_deref(),
        Some("THI<MINH<KHAI")
    );
}

#[test]
fn issuer_country_mismatch_is_reported_without_invalidating() {
    let v = verifier().verify_at(&sample("vn-vaccination-es256-de-dsc"), AT);
    assert!(v.is_valid());
    assert_eq!(v.checks.issuer_country, CheckStatus::Failed);
    assert_eq!(v.signer.unwrap().country.as_deref(), Some("DE"));
}

#[test]
fn time_decides_expiry_and_issuance() {
    let verifier = verifier();
    let qr = sample("vn-vaccination-es256");
    let iat = 1_772_323_200; // 2026-03-01
    let exp = 2_087_942_400; // 2036-03-01
                             // Both bounds are inclusive; iat may lie up to the clock skew (5 minutes) ahead.
    assert!(verifier.verify_at(&qr, exp).is_valid());
    assert_eq!(
        verifier.verify_at(&qr, exp + 1).outcome.reason_code(),
        Some("expired")
    );
    assert!(verifier.verify_at(&qr, iat - 300).is_valid());
    assert_eq!(
        verifier.verify_at(&qr, iat - 301).outcome.reason_code(),
        Some("not-yet-valid")
    );
}

#[test]
fn without_a_trust_list_or_a_set_clock_the_device_cannot_decide() {
    let qr = sample("vn-vaccination-es256");
    let v = Verifier::default().verify_at(&qr, AT);
    assert_eq!(v.outcome.reason_code(), Some("no-trust-list"));
    assert_eq!(v.outcome.code(), "undecidable");
    assert!(v.certificate.is_some());
    // A phone whose clock reset to 1970.
    let v = verifier().with_clock(dcc_verify::FixedClock(0)).verify(&qr);
    assert_eq!(v.outcome.reason_code(), Some("clock-not-set"));
    // An instant the caller chose is taken as given (issue 10, item 19): in 1970 the
    // certificate was not yet issued.
    let v = verifier().verify_at(&qr, 0);
    assert_eq!(v.outcome.reason_code(), Some("not-yet-valid"));
    assert_eq!(v.outcome.code(), "invalid");
    // A malformed code is invalid whatever the device's state.
    assert_eq!(
        Verifier::default()
            .verify_at("HC1:???", AT)
            .outcome
            .reason_code(),
        Some("malformed-base45")
    );
}

#[test]
fn the_injected_clock_is_used() {
    let bytes = std::fs::read(format!("{SAMPLES}/trust-list.json")).unwrap();
    let (trust, _) = TrustList::from_unsigned_json(&bytes).unwrap();
    let verifier = Verifier::default()
        .with_clock(dcc_verify::FixedClock(2_200_000_000))
        .with_trust_list(trust);
    assert_eq!(
        verifier
            .verify(&sample("vn-vaccination-es256"))
            .outcome
            .reason_code(),
        Some("expired")
    );
}
