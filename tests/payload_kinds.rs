//! Every HCERT payload kind the WHO GDHCN carries: the real samples of testdata/who-hcert (each at
//! a time inside its validity, with the expected outcome, kind and deviations), and signed
//! certificates of each kind built with the TEST-ONLY keys, for what no real sample shows (a
//! trusted legacy demo, an unknown kind, an ICVP outside its window, the strict policy).

mod support;

use std::path::PathBuf;

use ciborium::Value;
use dcc_verify::payload::{Content, IcvpShape, Kind, LinkScheme};
use dcc_verify::{
    parse_instant, CheckStatus, Deviation, FixedClock, InvalidReason, Outcome, SchemaPolicy,
    Settings, TrustList, UndecidableReason, UnsignedList, Verification, Verifier,
};
use support::*;

fn who_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/who-hcert")
}

fn who_sample(name: &str) -> String {
    std::fs::read_to_string(who_dir().join(format!("qr/{name}.txt")))
        .unwrap()
        .trim()
        .to_owned()
}

/// The four DSCs of dsc/*.pem, as one PEM list.
fn who_dscs() -> TrustList {
    let mut pem = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(who_dir().join("dsc"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        pem.extend(std::fs::read(path).unwrap());
    }
    let (list, report) = TrustList::from_unsigned(UnsignedList::Pem(&pem)).unwrap();
    assert_eq!((list.len(), report.skipped.len()), (4, 0));
    list
}

fn verify_with(settings: Settings, qr: &str, at: &str) -> Verification {
    Verifier::new(settings)
        .with_trust_list(who_dscs())
        .verify_at(qr, parse_instant(at).unwrap())
}

fn code(v: &Verification) -> String {
    match v.outcome.reason_code() {
        Some(reason) => format!("{} ({reason})", v.outcome.code()),
        None => v.outcome.code().to_owned(),
    }
}

fn deviations(v: &Verification) -> Vec<&'static str> {
    v.deviations.iter().map(|d| d.code()).collect()
}

/// Sample, verification time, outcome (and reason), kind, deviations.
type Case = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
);

/// The README table, sample by sample: outcome at a time inside its validity, kind, deviations.
#[test]
fn each_who_sample_gives_its_expected_outcome() {
    let cases: [Case; 14] = [
        (
            "who-itb-track1-vhl-XJ-2026",
            "2026-07-01T00:00:00Z",
            "valid",
            Some("health-link"),
            &[
                "text-kid",
                "text-claim-keys",
                "iat-milliseconds",
                "link-exp-milliseconds",
            ],
        ),
        (
            "who-itb-track2-icvp-XCL-2026",
            "2026-07-01T00:00:00Z",
            "valid",
            Some("icvp"),
            &[],
        ),
        (
            "who-itb-track3-meow-XCL-2026",
            "2026-07-01T00:00:00Z",
            "valid",
            Some("medication-overview"),
            &[],
        ),
        // Its DSC expired 2025-09-04: verified inside the DSC's validity.
        (
            "gdhcn-validator-dvc3-XCL-2024",
            "2024-10-01T00:00:00Z",
            "valid",
            Some("icvp"),
            &[],
        ),
        (
            "gdhcn-validator-dvc1-XL-2024",
            "2024-10-01T00:00:00Z",
            "invalid (signature-invalid)",
            Some("icvp"),
            &[],
        ),
        (
            "gdhcn-validator-eu-uruguay2-ps256",
            "2023-01-01T00:00:00Z",
            "valid",
            Some("eu-dcc"),
            &[],
        ),
        // Signed by PathCheck test keys that are raw public keys, not certificates: no DSC
        // list holds them.
        (
            "gdhcn-validator-web-qrcode-CL-2022",
            "2022-06-01T00:00:00Z",
            "invalid (unknown-signer)",
            Some("eu-dcc"),
            &[],
        ),
        (
            "gdhcn-validator-eu-italy-acceptance",
            "2022-06-01T00:00:00Z",
            "invalid (unknown-signer)",
            Some("eu-dcc"),
            &[],
        ),
        (
            "gdhcn-validator-who-ddcc-vs-2021",
            "2021-08-01T00:00:00Z",
            "invalid (unknown-signer)",
            Some("legacy-ddcc"),
            &[],
        ),
        (
            "gdhcn-validator-who-ddcc-vs2-2021",
            "2021-08-01T00:00:00Z",
            "invalid (unknown-signer)",
            Some("legacy-ddcc"),
            &[],
        ),
        (
            "ddcc-tests-submithealthevent-no-prefix",
            "2021-08-01T00:00:00Z",
            "invalid (unknown-signer)",
            Some("legacy-ddcc"),
            &["missing-prefix"],
        ),
        (
            "gdhcn-validator-who-ddcc-tr-singapore",
            "2022-08-01T00:00:00Z",
            "invalid (unknown-signer)",
            Some("legacy-ddcc"),
            &[],
        ),
        (
            "ips-pilgrimage-mysejahtera-MY-2024",
            "2024-06-01T00:00:00Z",
            "invalid (unknown-signer)",
            Some("health-link"),
            &["base64-transport", "link-exp-null"],
        ),
        (
            "hos-testpy-vhl-XJ-spaces-stripped",
            "2026-07-01T00:00:00Z",
            "invalid (malformed-base45)",
            None,
            &[],
        ),
    ];
    for (name, at, outcome, kind, expected_deviations) in cases {
        let v = verify_with(Settings::default(), &who_sample(name), at);
        assert_eq!(code(&v), outcome, "{name}");
        let found = v.certificate.as_ref().map(|c| c.kind().code());
        assert_eq!(found, kind, "{name}");
        assert_eq!(deviations(&v), expected_deviations, "{name}");
        // The EU DCC's own checks run on the EU DCC only.
        if v.is_valid() {
            let eu = kind == Some("eu-dcc");
            assert_eq!(v.schema.is_some(), eu, "{name}");
            let key_usage = v.checks.key_usage;
            assert_eq!(key_usage == CheckStatus::NotChecked, !eu, "{name}");
        }
    }
}

#[test]
fn the_icvp_sample_names_its_product_and_its_window() {
    let v = verify_with(
        Settings::default(),
        &who_sample("who-itb-track2-icvp-XCL-2026"),
        "2026-07-01T00:00:00Z",
    );
    let cert = v.certificate.unwrap();
    // A lifelong certificate: no exp, so no expiry check; the vls window is checked instead.
    assert_eq!(cert.expires_at, None);
    assert_eq!(v.checks.expiry, CheckStatus::NotChecked);
    assert_eq!(v.checks.certificate_validity, CheckStatus::Passed);
    let Content::Icvp(icvp) = &cert.content else {
        panic!("not an ICVP: {:?}", cert.content)
    };
    assert_eq!(icvp.shape, IcvpShape::IcvpMin);
    let [vaccination] = icvp.vaccinations.as_slice() else {
        panic!("one vaccination expected")
    };
    let product = vaccination.product_info().unwrap();
    assert_eq!(product.vaccine_type, "Yellow Fever");
    assert_eq!(product.doses, "2");
    assert!(vaccination
        .display_name()
        .starts_with("yellow fever vaccination (Federal State Autonomous Scientific Institution"));
    let from = parse_instant("2025-09-26T00:00:00Z").unwrap();
    assert_eq!(cert.content.validity(), Some((Some(from), None)));
    // The day before vls, the certificate does not yet attest a valid vaccination.
    let early = verify_with(
        Settings::default(),
        &who_sample("who-itb-track2-icvp-XCL-2026"),
        "2025-09-25T23:59:59Z",
    );
    assert_eq!(code(&early), "invalid (not-yet-valid)"); // signed later still: iat comes first
}

#[test]
fn the_older_dvc_shape_is_an_icvp_too() {
    let v = verify_with(
        Settings::default(),
        &who_sample("gdhcn-validator-dvc1-XL-2024"),
        "2024-10-01T00:00:00Z",
    );
    let Some(Content::Icvp(icvp)) = v.certificate.map(|c| c.content) else {
        panic!("not an ICVP")
    };
    assert_eq!(icvp.shape, IcvpShape::Dvc2024);
    let vaccination = &icvp.vaccinations[0];
    assert_eq!(vaccination.target_disease.as_deref(), Some("1D47"));
    assert_eq!(
        vaccination.display_name(),
        "vaccination (Yellow fever vaccines)"
    );
}

#[test]
fn the_health_link_is_a_signed_pointer_with_a_secret_key() {
    let v = verify_with(
        Settings::default(),
        &who_sample("who-itb-track1-vhl-XJ-2026"),
        "2026-07-01T00:00:00Z",
    );
    let Some(Content::HealthLink(link)) = v.certificate.as_ref().map(|c| &c.content) else {
        panic!("not a health link")
    };
    assert_eq!(link.scheme, LinkScheme::Shlink);
    assert_eq!(link.host(), "lacpass.create.cl:8182");
    assert!(link.needs_passcode() && !link.direct_file());
    assert_eq!(link.label.as_deref(), Some("GDHCN Validator"));
    // exp in milliseconds in the link, read as seconds.
    assert_eq!(link.expires_at, Some(1_783_723_963));
    assert_eq!(link.key(), "ePhmJ1-fJv4w_cmfRMe9inoTfD4Dw0dMk3BGLwV-Ke0=");
    // The key never shows: not in Debug, not in the JSON of the result.
    let shown = [
        format!("{v:?}"),
        serde_json::to_string(&v).unwrap(),
        format!("{:?}", v.certificate),
    ];
    for text in shown {
        assert!(!text.contains("ePhmJ1"), "{text}");
        assert!(!text.contains("01f0a8e5"), "manifest id in {text}");
    }
    let json = v.to_json_value();
    assert_eq!(json["content"]["content_verified"], false);
    assert_eq!(json["kind"], "health-link");
    // After the link's expiry the pointer is no longer valid (here the CWT expires too).
    let late = verify_with(
        Settings::default(),
        &who_sample("who-itb-track1-vhl-XJ-2026"),
        "2026-07-11T00:00:00Z",
    );
    assert_eq!(late.checks.certificate_validity, CheckStatus::Failed);
    assert_eq!(code(&late), "invalid (expired)");
}

#[test]
fn the_strict_policy_refuses_every_deviation() {
    let strict = Settings {
        schema: SchemaPolicy::Strict,
        ..Settings::default()
    };
    let v = verify_with(
        strict.clone(),
        &who_sample("who-itb-track1-vhl-XJ-2026"),
        "2026-07-01T00:00:00Z",
    );
    assert_eq!(code(&v), "invalid (deviations)");
    assert_eq!(v.checks.signature, CheckStatus::Passed);
    // A conforming ICVP stays valid under the strict policy.
    let v = verify_with(
        strict,
        &who_sample("who-itb-track2-icvp-XCL-2026"),
        "2026-07-01T00:00:00Z",
    );
    assert_eq!(code(&v), "valid");
}

// Signed certificates of each kind, made with the TEST-ONLY keys.

const AT: i64 = NOW;

fn signed(claims: Vec<(Value, Value)>) -> String {
    Message::new(&protected(ES256, "dsc-vn-es256"), cbor(&Value::Map(claims)))
        .signed_by(&Key::es256("dsc-vn-es256"))
        .qr()
}

fn claims(key: i64, content: Value) -> Vec<(Value, Value)> {
    vec![
        (1.into(), "VN".into()),
        (4.into(), EXPIRES_AT.into()),
        (6.into(), ISSUED_AT.into()),
        ((-260).into(), Value::Map(vec![(key.into(), content)])),
    ]
}

fn icvp(vls: &str, vle: Option<&str>) -> Value {
    let mut v = vec![
        (
            "vp".into(),
            "YellowFeverProductd8a09f80301dc05e124f99ffe7711fc0".into(),
        ),
        ("dt".into(), "2026-01-01".into()),
        ("vls".into(), vls.into()),
    ];
    if let Some(vle) = vle {
        v.push(("vle".into(), vle.into()));
    }
    Value::Map(vec![
        ("n".into(), "Nguyễn Thị Minh Khai".into()),
        ("dob".into(), "1985-03-12".into()),
        ("nid".into(), "ID-48213".into()),
        ("v".into(), Value::Array(vec![Value::Map(v)])),
    ])
}

fn verify_at(qr: &str, settings: Settings) -> Verification {
    Verifier::new(settings)
        .with_clock(FixedClock(AT))
        .with_trust_list(trust_list())
        .verify(qr)
}

#[test]
fn an_icvp_outside_its_window_is_invalid() {
    // AT is 2026-06-01.
    let cases = [
        ("2026-01-11", None, "valid"),
        ("2026-06-01", Some("2026-06-01"), "valid"),
        ("2026-06-02", None, "invalid (certificate-not-yet-valid)"),
        (
            "2016-01-11",
            Some("2026-05-31"),
            "invalid (certificate-expired)",
        ),
    ];
    for (vls, vle, expected) in cases {
        let v = verify_at(&signed(claims(-6, icvp(vls, vle))), Settings::default());
        assert_eq!(code(&v), expected, "{vls}..{vle:?}");
    }
    // STAMARIL, by its PreQual name.
    let v = verify_at(
        &signed(claims(-6, icvp("2026-01-11", None))),
        Settings::default(),
    );
    let Some(Content::Icvp(icvp)) = v.certificate.map(|c| c.content) else {
        panic!("not an ICVP")
    };
    assert_eq!(
        icvp.vaccinations[0].display_name(),
        "yellow fever vaccination (STAMARIL)"
    );
}

#[test]
fn a_missing_exp_is_accepted_for_an_icvp_only() {
    let without_exp = |key: i64, content: Value| {
        let mut c = claims(key, content);
        c.retain(|(k, _)| *k != Value::from(4));
        signed(c)
    };
    let v = verify_at(
        &without_exp(-6, icvp("2026-01-11", None)),
        Settings::default(),
    );
    assert_eq!(code(&v), "valid");
    let dcc = hcert(dcc_of_sample("vn-vaccination-es256"));
    let Value::Map(mut entries) = dcc else {
        unreachable!()
    };
    let (_, dcc) = entries.remove(0);
    let v = verify_at(&without_exp(1, dcc), Settings::default());
    assert_eq!(code(&v), "invalid (malformed-cwt)");
}

#[test]
fn a_signed_legacy_ddcc_demo_is_never_valid() {
    // Even signed by a trusted key, with iat and exp as if it were current.
    let legacy = vec![
        ("name".into(), "Nguyễn Thị Minh Khai".into()),
        ("birthDate".into(), "1985-03-12".into()),
        (
            "vaccine".into(),
            Value::Map(vec![("code".into(), "x".into())]),
        ),
        (4.into(), EXPIRES_AT.into()),
        (6.into(), ISSUED_AT.into()),
    ];
    let v = verify_at(&signed(legacy), Settings::default());
    assert_eq!(v.checks.signature, CheckStatus::Passed);
    assert_eq!(
        v.outcome,
        Outcome::Invalid {
            reason: InvalidReason::LegacyFormat
        }
    );
    assert_eq!(v.certificate.unwrap().kind(), Kind::LegacyDdcc);
}

#[test]
fn an_unknown_kind_is_undecidable_and_the_other_kinds_decode() {
    let v = verify_at(
        &signed(claims(42, Value::Map(vec![("x".into(), 1.into())]))),
        Settings::default(),
    );
    assert_eq!(
        v.outcome,
        Outcome::Undecidable {
            reason: UndecidableReason::UnknownKind
        }
    );
    assert_eq!(v.to_json_value()["content"]["key"], 42);

    let ddcc = Value::Map(vec![
        ("name".into(), "Nguyễn Thị Minh Khai".into()),
        ("vaccination".into(), Value::Map(vec![])),
    ]);
    for (key, kind) in [(3, Kind::DdccVs), (4, Kind::DdccTr)] {
        let v = verify_at(&signed(claims(key, ddcc.clone())), Settings::default());
        assert_eq!(code(&v), "valid", "{kind:?}");
        assert_eq!(v.certificate.unwrap().kind(), kind);
    }
    let meow = Value::Map(vec![
        ("n".into(), "Nguyễn Thị Minh Khai".into()),
        (
            "m".into(),
            Value::Array(vec![Value::Map(vec![("m".into(), "318956006".into())])]),
        ),
    ]);
    let v = verify_at(&signed(claims(-7, meow)), Settings::default());
    assert_eq!(code(&v), "valid");
    assert_eq!(v.to_json_value()["content"]["medications"], 1);
    // A vhlink string under 5.
    let link = base64url(r#"{"url":"https://h.example/m","key":"k","flag":"LU"}"#);
    let v = verify_at(
        &signed(claims(5, Value::Text(format!("vhlink:/{link}")))),
        Settings::default(),
    );
    let Some(Content::HealthLink(link)) = v.certificate.map(|c| c.content) else {
        panic!("not a health link")
    };
    assert_eq!(
        (link.scheme, link.host()),
        (LinkScheme::Vhlink, "h.example")
    );
    assert!(link.direct_file() && !link.needs_passcode());
    assert_eq!(Deviation::ALL.len(), 8);
}

#[test]
fn the_eu_dcc_keeps_its_key_usage_restriction_and_other_kinds_have_none() {
    // dsc-vn-test-only may sign test certificates only: an ICVP it signs is not restricted.
    let icvp = Message::new(
        &protected(ES256, "dsc-vn-test-only"),
        cbor(&Value::Map(claims(-6, icvp("2026-01-11", None)))),
    )
    .signed_by(&Key::es256("dsc-vn-test-only"))
    .qr();
    let v = verify_at(&icvp, Settings::default());
    assert_eq!(v.checks.key_usage, CheckStatus::NotChecked);
    assert_eq!(code(&v), "valid");
    let v = verify_at(&sample("vn-vaccination-test-only-dsc"), Settings::default());
    assert_eq!(code(&v), "invalid (key-usage)");
}

fn base64url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

/// WHO's own DEV trust list (signed DID document, its proof checked with WHO's DEV signer key)
/// verifies the WHO test-bed samples: their DSC lkxZC7WEOIs= is listed there (domain PH4H,
/// participant XCL), in the whole DEV list and in its PH4H/XCL/DSC extract.
#[test]
fn the_who_dev_list_verifies_the_test_bed_samples() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/who");
    let anchors = dcc_verify::Anchors::from_pem(
        &std::fs::read(format!("{dir}/signers/who-dev-signer.pem")).unwrap(),
    )
    .unwrap();
    for list in ["v2-trustlist", "v2-trustlist-PH4H-XCL-DSC"] {
        let bytes = std::fs::read(format!("{dir}/trustlists/dev/{list}.did.json")).unwrap();
        let (trust, _) = TrustList::from_signed(
            dcc_verify::SignedList::Who(&bytes),
            &anchors,
            parse_instant("2026-07-01T00:00:00Z").unwrap(),
        )
        .unwrap();
        let verifier = Verifier::new(Settings::default()).with_trust_list(trust);
        for (name, kind) in [
            ("who-itb-track1-vhl-XJ-2026", Kind::HealthLink),
            ("who-itb-track2-icvp-XCL-2026", Kind::Icvp),
            ("who-itb-track3-meow-XCL-2026", Kind::MedicationOverview),
        ] {
            let v = verifier.verify_at(
                &who_sample(name),
                parse_instant("2026-07-01T00:00:00Z").unwrap(),
            );
            assert_eq!(code(&v), "valid", "{list}: {name}");
            assert!(v.trust_list.unwrap().signed, "{list}");
            assert_eq!(v.certificate.unwrap().kind(), kind, "{list}: {name}");
            assert_eq!(v.signer.unwrap().kid.to_base64(), "lkxZC7WEOIs=");
        }
        // The 2024 DVC samples' DSC is only in WHO's deprecated v1 list: not trusted here.
        let v = verifier.verify_at(
            &who_sample("gdhcn-validator-dvc1-XL-2024"),
            parse_instant("2024-10-01T00:00:00Z").unwrap(),
        );
        assert_ne!(code(&v), "valid", "{list}");
    }
}
