//! WHO GDHCN DID trust lists (v2, embedded): the real production, acceptance and development
//! lists of 2026-08-22 verify with their own environment's signer key and no other; every
//! signed part, tampered, is refused; harmless re-serialisations still verify; members outside
//! the documented shape are refused; the counts taken and skipped per environment.

use std::collections::BTreeMap;

use dcc_verify::trust::{Environment, Provenance};
use dcc_verify::{
    parse_instant, Anchors, CheckStatus, FixedClock, ImportReport, ListFormat, SignedList,
    TrustList, TrustListError, Verifier,
};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/who");

fn read(path: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{path}")).unwrap()
}

fn anchors(environment: &str) -> Anchors {
    Anchors::from_pem(&read(&format!("signers/who-{environment}-signer.pem"))).unwrap()
}

fn import(bytes: &[u8], anchors: &Anchors) -> Result<(TrustList, ImportReport), TrustListError> {
    // The clock plays no part in a WHO import (the list has no validity period).
    TrustList::from_signed(SignedList::Who(bytes), anchors, 0)
}

/// The embedded lists of the material: (environment, file, the WHO signer key's environment).
const LISTS: [(&str, &str); 5] = [
    ("prod", "v2-trustlist"),
    ("prod", "v2-trustlist--NZL-DSC"),
    ("uat", "v2-trustlist"),
    ("dev", "v2-trustlist"),
    ("dev", "v2-trustlist-PH4H-XCL-DSC"),
];

fn list(environment: &str, name: &str) -> Vec<u8> {
    read(&format!("trustlists/{environment}/{name}.did.json"))
}

#[test]
fn every_list_verifies_with_its_own_environments_key_and_no_other() {
    for (environment, name) in LISTS {
        let bytes = list(environment, name);
        for key in ["prod", "uat", "dev"] {
            let result = import(&bytes, &anchors(key));
            if key == environment {
                let (list, _) = result.unwrap_or_else(|e| panic!("{environment}/{name}: {e}"));
                assert_eq!(list.provenance().format, Some(ListFormat::Who));
                assert!(list.provenance().is_signed());
            } else {
                assert_eq!(
                    result.err(),
                    Some(TrustListError::SignatureInvalid),
                    "{environment}/{name} with the {key} key"
                );
            }
        }
    }
}

#[test]
fn the_signers_did_documents_serve_as_anchors() {
    for environment in ["prod", "uat", "dev"] {
        let mut from_did = Anchors::new();
        from_did
            .add_key(&read(&format!("signers/who-{environment}-signer.did.json")))
            .unwrap();
        assert!(import(&list(environment, "v2-trustlist"), &from_did).is_ok());
    }
}

fn reasons(report: &ImportReport) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for skipped in &report.skipped {
        *counts.entry(skipped.reason.code()).or_insert(0) += 1;
    }
    counts
}

/// `#DSC` entries are taken (key from x5c[0]); CSCA, DECA and DESC entries are skipped as
/// `not-dsc` (and so is DEV's one `#DSC` entry whose certificate cannot sign: a CA, or no
/// digitalSignature), and DSCs with a key HCERT never uses (brainpool in UAT, P-384 in DEV) as
/// `unsupported-key`.
#[test]
fn counts_taken_and_skipped_per_environment() {
    /// Environment, file, taken, skipped by reason, environment read, proof.created.
    type Expected = (
        &'static str,
        &'static str,
        usize,
        &'static [(&'static str, usize)],
        Environment,
        &'static str,
    );
    let expected: [Expected; 5] = [
        (
            "prod",
            "v2-trustlist",
            438,
            &[("not-dsc", 63)],
            Environment::Production,
            "2026-08-22T17:05:01Z",
        ),
        (
            "prod",
            "v2-trustlist--NZL-DSC",
            39,
            &[],
            Environment::Production,
            "2026-08-22T17:05:29Z",
        ),
        (
            "uat",
            "v2-trustlist",
            92,
            &[("not-dsc", 88), ("unsupported-key", 1)],
            Environment::Acceptance,
            "2026-08-22T18:00:02Z",
        ),
        (
            "dev",
            "v2-trustlist",
            106,
            &[("not-dsc", 147), ("unsupported-key", 2)],
            Environment::Development,
            "2026-08-22T18:00:02Z",
        ),
        (
            "dev",
            "v2-trustlist-PH4H-XCL-DSC",
            1,
            &[],
            Environment::Development,
            "2026-08-22T18:00:22Z",
        ),
    ];
    for (environment, name, taken, skipped, env, created) in expected {
        let (list, report) = import(&list(environment, name), &anchors(environment)).unwrap();
        assert_eq!(report.taken, taken, "{environment}/{name}");
        assert_eq!(list.len(), taken, "{environment}/{name}");
        assert_eq!(
            reasons(&report),
            skipped.iter().copied().collect::<BTreeMap<_, _>>(),
            "{environment}/{name}"
        );
        let provenance: &Provenance = list.provenance();
        let created = parse_instant(created).unwrap();
        assert_eq!(provenance.issued_at, Some(created), "proof.created");
        assert_eq!(provenance.list_time, Some(created));
        assert_eq!(provenance.environment, Some(env));
        // Every taken certificate parses.
        assert_eq!(list.certificate_errors(), vec![], "{environment}/{name}");
    }
}

#[test]
fn the_production_list_keeps_participants_domains_and_certificate_countries() {
    let (list, _) = import(&list("prod", "v2-trustlist"), &anchors("prod")).unwrap();
    assert_eq!(list.domains(), BTreeMap::from([("DCC".to_owned(), 438)]));
    let participants = list.participants();
    assert_eq!(participants.len(), 33);
    assert_eq!(participants.get("NLD"), Some(&75));
    assert_eq!(participants.get("NZL"), Some(&39));
    // The issuer's country is the certificate's C= (alpha-2), not the participant (alpha-3).
    let countries = list.countries();
    assert_eq!(countries.get(&Some("NL".to_owned())), Some(&75));
    assert_eq!(countries.get(&None), None);
    // The README's figure: 146 DSCs valid on 2026-12-05.
    let day = parse_instant("2026-12-05T12:00:00Z").unwrap();
    let valid = list
        .iter()
        .filter(|dsc| dsc.not_before() <= day && day <= dsc.not_after())
        .count();
    assert_eq!(valid, 146);
}

#[test]
fn a_reference_list_is_refused_and_never_followed() {
    let error = import(&list("prod", "v2-trustlist-ref"), &anchors("prod")).unwrap_err();
    assert_eq!(error, TrustListError::ReferenceList);
    assert_eq!(error.code(), "reference-list");
    assert!(error.to_string().contains("embedded list"), "{error}");
}

/// The small filtered DEV list: one DSC, every signed part easy to find.
fn small() -> String {
    String::from_utf8(list("dev", "v2-trustlist-PH4H-XCL-DSC")).unwrap()
}

fn import_text(text: &str, environment: &str) -> Result<(TrustList, ImportReport), TrustListError> {
    import(text.as_bytes(), &anchors(environment))
}

/// Replaces the only occurrence of `from` (asserted unique, so the test tampers what it says).
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from}");
    text.replacen(from, to, 1)
}

#[test]
fn tampering_any_signed_part_is_refused() {
    let text = small();
    assert!(import_text(&text, "dev").is_ok());
    let x5c = "MIICoTCCAkegAwIBAgIUXyW8Eb8M4PiKkdr7IOs76K1KvgQw";
    let cases = [
        ("an x5c character", x5c, &x5c.replace("XyW8", "XyW9")[..]),
        ("keyusage", "\"keyusage\":{\"code\":\"#DSC\"}", "\"keyusage\":{\"code\":\"#CSCA\"}"),
        ("participant", "\"participant\":{\"code\":\"#XCL\"}", "\"participant\":{\"code\":\"#XXA\"}"),
        ("domain", "\"domain\":{\"code\":\"#PH4H\"}", "\"domain\":{\"code\":\"#DCC\"}"),
        ("kid", "\"kid\":\"lkxZC7WEOIs=\"", "\"kid\":\"lkxZC7WEOIt=\""),
        ("proof.created", "2026-08-22T18:00:22Z", "2026-08-23T18:00:22Z"),
        ("nonce", "KtPv6THL7LH3VBoNkeH3bR4nuMC4hckB", "KtPv6THL7LH3VBoNkeH3bR4nuMC4hckC"),
        (
            "controller",
            "\"controller\":\"did:web:tng-cdn-dev.who.int:v2:trustlist:PH4H:XCL\",\"verificationMethod\"",
            "\"controller\":\"did:web:tng-cdn-dev.who.int:v2:trustlist:PH4H:XXA\",\"verificationMethod\"",
        ),
        ("a JWK coordinate", "\"x\":\"WAtDY2mY", "\"x\":\"WAtDY2mZ"),
    ];
    for (what, from, to) in cases {
        let tampered = replace_once(&text, from, to);
        assert_eq!(
            import_text(&tampered, "dev").err(),
            Some(TrustListError::SignatureInvalid),
            "{what}"
        );
    }
    // A signature byte (inside the DER's r value).
    let jws_signature = "MEUCICBaX4m0NRes7s0eA67EWZi";
    let tampered = replace_once(&text, jws_signature, "MEUCICBaX4m0NRes7s0eA67EWZj");
    assert_eq!(
        import_text(&tampered, "dev").err(),
        Some(TrustListError::SignatureInvalid)
    );
}

#[test]
fn the_jws_header_must_be_the_exact_signed_text() {
    let text = small();
    let header = dcc_verify::trust::formats::who::JWS_HEADER;
    // The same JSON with whitespace, and with its members in another order.
    for json in [
        r#"{"b64": false, "crit": ["b64"], "alg": "ES256"}"#,
        r#"{"alg":"ES256","b64":false,"crit":["b64"]}"#,
    ] {
        use base64::Engine;
        let reencoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        let tampered = replace_once(&text, header, &reencoded);
        assert_eq!(
            import_text(&tampered, "dev").err(),
            Some(TrustListError::UnsupportedProof),
            "{json}"
        );
    }
}

#[test]
fn dropping_an_entry_is_refused() {
    let text = String::from_utf8(list("prod", "v2-trustlist--NZL-DSC")).unwrap();
    let mut value: Value = serde_json::from_str(&text).unwrap();
    value["verificationMethod"]
        .as_array_mut()
        .unwrap()
        .remove(5);
    let tampered = serde_json::to_string(&value).unwrap();
    assert_eq!(
        import_text(&tampered, "prod").err(),
        Some(TrustListError::SignatureInvalid)
    );
}

/// What JSON may change without changing the signed graph: member order, whitespace, entry
/// order, escapes.
#[test]
fn harmless_reserialisations_still_verify() {
    let text = String::from_utf8(list("prod", "v2-trustlist--NZL-DSC")).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    // serde_json's map sorts members by name.
    let sorted = serde_json::to_string(&value).unwrap();
    let indented = serde_json::to_string_pretty(&value).unwrap();
    let mut reversed = value.clone();
    reversed["verificationMethod"]
        .as_array_mut()
        .unwrap()
        .reverse();
    let reversed = serde_json::to_string_pretty(&reversed).unwrap();
    let escaped_slashes = text.replace('/', "\\/");
    for (what, variant) in [
        ("sorted", &sorted),
        ("indented", &indented),
        ("entries reversed", &reversed),
        ("slashes escaped", &escaped_slashes),
    ] {
        assert_ne!(variant, &text, "{what}");
        let (list, report) = import_text(variant, "prod").unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!((list.len(), report.taken), (39, 39), "{what}");
    }
}

#[test]
fn an_added_member_is_refused_even_where_it_would_not_be_signed() {
    let text = small();
    for (from, to) in [
        (
            "\"proof\":{",
            "\"proof\":{\"expires\":\"2030-01-01T00:00:00Z\",",
        ),
        ("\"keyusage\":{", "\"keyusage\":{\"extra\":\"#DSC\","),
        ("\"publicKeyJwk\":{", "\"publicKeyJwk\":{\"alg\":\"ES256\","),
        ("{\"@context\"", "{\"service\":[],\"@context\""),
    ] {
        let tampered = replace_once(&text, from, to);
        let error = import_text(&tampered, "dev").unwrap_err();
        assert!(
            matches!(error, TrustListError::Shape { .. }),
            "{to}: {error:?}"
        );
        assert_eq!(error.code(), "unexpected-shape");
    }
    let duplicate = replace_once(
        &text,
        "\"nonce\":",
        "\"nonce\":\"KtPv6THL7LH3VBoNkeH3bR4nuMC4hckB\",\"nonce\":",
    );
    assert!(matches!(
        import_text(&duplicate, "dev"),
        Err(TrustListError::Shape { .. })
    ));
}

#[test]
fn the_format_is_detected() {
    for (environment, name) in LISTS {
        assert_eq!(
            ListFormat::detect(&list(environment, name)),
            Some(ListFormat::Who)
        );
    }
    assert_eq!(ListFormat::from_code("who"), Some(ListFormat::Who));
    assert!(ListFormat::Who.is_signed());
}

/// A real WHO test-bed certificate (ICVP, signed by the DEV list's PH4H/XCL DSC): the signer
/// the verification reports carries the participant and the domain.
#[test]
fn the_signer_names_its_participant_and_domain() {
    let (list, _) = import(&list("dev", "v2-trustlist"), &anchors("dev")).unwrap();
    let qr = String::from_utf8(read("hcert-samples/who-itb-track2-icvp-XCL-2026.txt")).unwrap();
    let verifier = Verifier::default()
        .with_clock(FixedClock(parse_instant("2026-08-01T00:00:00Z").unwrap()))
        .with_trust_list(list);
    let result = verifier.verify(qr.trim());
    assert_eq!(result.checks.signature, CheckStatus::Passed);
    let signer = result.signer.expect("the DSC that verified the signature");
    assert_eq!(signer.kid.to_base64(), "lkxZC7WEOIs=");
    assert_eq!(signer.country.as_deref(), Some("XL"));
    assert_eq!(signer.participant.as_deref(), Some("XCL"));
    assert_eq!(signer.domain.as_deref(), Some("PH4H"));
}

#[test]
fn without_anchors_nothing_is_read() {
    assert_eq!(
        import(&list("prod", "v2-trustlist"), &Anchors::new()).err(),
        Some(TrustListError::NoAnchors)
    );
}

/// The store keeps a WHO list like any signed list: re-verified from the cache at start-up,
/// with its signed issue time; the same list offered again is accepted.
#[test]
fn the_store_keeps_and_reloads_a_who_list() {
    use dcc_verify::{TrustStore, UpdateOptions};
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("who-store");
    let _ = std::fs::remove_dir_all(&dir);
    let bytes = list("prod", "v2-trustlist--NZL-DSC");
    let store = TrustStore::open(&dir, anchors("prod"));
    let report = store
        .update(SignedList::Who(&bytes), UpdateOptions::default())
        .unwrap();
    assert_eq!(report.taken, 39);
    store
        .update(SignedList::Who(&bytes), UpdateOptions::default())
        .unwrap();
    let reopened = TrustStore::open(&dir, anchors("prod"));
    let list = reopened.trust_list().expect("the cached list, re-verified");
    assert_eq!(list.len(), 39);
    assert_eq!(list.provenance().format, Some(ListFormat::Who));
    assert_eq!(
        list.provenance().issued_at,
        parse_instant("2026-08-22T17:05:29Z")
    );
    // Another environment's key does not verify the cached list.
    assert!(TrustStore::open(&dir, anchors("dev"))
        .trust_list()
        .is_none());
}
