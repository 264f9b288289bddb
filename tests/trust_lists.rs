//! Trust-list formats and anchors, through the public API: the real German list, Austrian lists
//! built here with a test key, unsigned JSON and PEM, and what the import report says.

mod trust_fixtures;

use std::collections::BTreeSet;

use dcc_verify::trust::{AnchorError, DscError, SkipReason};
use dcc_verify::{
    parse_instant, Anchors, Dsc, FixedClock, ListFormat, Outcome, SignedList, TrustList,
    TrustListError, UnsignedList, Verifier,
};
use sha2::{Digest, Sha256};
use trust_fixtures::*;

const ALL_SAMPLE_DSCS: [&str; 8] = [
    "dsc-vn-es256",
    "dsc-vn-ps256",
    "dsc-vn-expired",
    "dsc-vn-not-yet-valid",
    "dsc-vn-p384",
    "dsc-vn-rsa1024",
    "dsc-vn-test-only",
    "dsc-de-es256",
];

fn import_de(
    bytes: &[u8],
    anchors: &Anchors,
) -> Result<(TrustList, dcc_verify::ImportReport), TrustListError> {
    TrustList::from_signed(SignedList::De(bytes), anchors, sample_time())
}

#[test]
fn the_real_german_list_verifies_and_imports_every_entry() {
    let bytes = real_de_list();
    let (list, report) = import_de(&bytes, &real_de_anchors()).unwrap();

    // Independent reading of the same document: every entry, its country and its timestamp.
    let newline = bytes.iter().position(|&b| b == b'\n').unwrap();
    let document: serde_json::Value = serde_json::from_slice(&bytes[newline + 1..]).unwrap();
    let entries = document["certificates"].as_array().unwrap();
    let countries: BTreeSet<&str> = entries
        .iter()
        .map(|e| e["country"].as_str().unwrap())
        .collect();
    let newest = entries
        .iter()
        .map(|e| parse_instant(e["timestamp"].as_str().unwrap()).unwrap())
        .max();
    // testdata/trustlists/SOURCE.md: 829 DSCs from 77 issuers.
    assert_eq!((entries.len(), countries.len()), (829, 77));

    // All 829 have a matching kid and a certificate that parses; two are listed as DSCs but
    // are the Georgian and San Marino CSCAs (basicConstraints cA=TRUE, pathlen 0): they are
    // skipped as not-dsc (issue 10, item 8), the other 827 taken.
    let skipped: Vec<_> = report
        .skipped
        .iter()
        .map(|s| (s.index, s.listed_kid.as_deref(), s.reason.code()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (750, Some("lh7tBDCiAic="), "not-dsc"),
            (771, Some("FXw1biwrLtQ="), "not-dsc")
        ]
    );
    assert_eq!(
        (
            entries[750]["country"].as_str(),
            entries[771]["country"].as_str()
        ),
        (Some("GE"), Some("SM"))
    );
    assert_eq!((report.taken, list.len()), (827, 827));
    assert_eq!(list.certificate_errors(), vec![]);
    assert_eq!(list.iter().count(), 827);
    assert_eq!(list.countries().len(), 77);
    assert_eq!(report.newest_entry, newest);

    let provenance = list.provenance();
    assert_eq!(provenance.format, Some(ListFormat::De));
    assert_eq!(provenance.anchor, real_de_anchors().ids().next());
    assert_eq!(provenance.list_time, newest);
    assert_eq!(provenance.fetched_at, None);

    // Vietnam's DSC is there, under the kid the list gives (SOURCE.md).
    let vn =
        dcc_verify::Kid::from_slice(&[0x66, 0xd2, 0x55, 0x12, 0x53, 0x9d, 0x5a, 0x6d]).unwrap();
    assert_eq!(vn.to_base64(), "ZtJVElOdWm0=");
    let signers: Vec<_> = list.signers(&vn).collect();
    assert_eq!(signers.len(), 1);
    assert_eq!(signers[0].country(), Some("VN"));
}

#[test]
fn a_flipped_byte_or_a_truncation_anywhere_refuses_the_german_list() {
    let bytes = real_de_list();
    let anchors = real_de_anchors();
    let newline = bytes.iter().position(|&b| b == b'\n').unwrap();
    // Bytes in the signature line, the first JSON byte, a kid, a certificate, the last byte.
    let kid_at = newline + 1 + find(&bytes[newline + 1..], b"\"kid\": \"") + 8;
    let raw_at = newline + 1 + find(&bytes[newline + 1..], b"MIID") + 100;
    for at in [
        0,
        40,
        87,
        newline + 1,
        kid_at,
        raw_at,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x01;
        let error = import_de(&flipped, &anchors).unwrap_err();
        assert!(
            matches!(
                error,
                TrustListError::SignatureInvalid | TrustListError::MalformedSignature
            ),
            "byte {at}: {error:?}"
        );
    }
    for len in [
        0,
        50,
        newline,
        newline + 1,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        let error = import_de(&bytes[..len], &anchors).unwrap_err();
        assert!(
            matches!(
                error,
                TrustListError::SignatureInvalid
                    | TrustListError::MalformedSignature
                    | TrustListError::MissingSignature
            ),
            "truncated to {len}: {error:?}"
        );
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap()
}

#[test]
fn anchors_are_configuration_and_rotate_by_listing_old_and_new() {
    let bytes = real_de_list();
    let other = TestKey::new();
    assert_eq!(
        import_de(&bytes, &other.anchors()).unwrap_err(),
        TrustListError::SignatureInvalid
    );
    assert_eq!(
        import_de(&bytes, &Anchors::new()).unwrap_err(),
        TrustListError::NoAnchors
    );

    // A rotation ships both keys: lists signed with either verify, each naming its anchor.
    let mut anchors = Anchors::from_pem(other.pem().as_bytes()).unwrap();
    anchors.add_pem(&real_de_key_pem()).unwrap();
    let (old_signed, _) = import_de(&bytes, &anchors).unwrap();
    let new_bytes = de_list(
        &other,
        &sample_entries(&["dsc-vn-es256"], "2026-01-01T00:00:00Z"),
    );
    let (new_signed, _) = import_de(&new_bytes, &anchors).unwrap();
    let ids: Vec<_> = anchors.ids().collect();
    assert_eq!(new_signed.provenance().anchor, Some(ids[0]));
    assert_eq!(old_signed.provenance().anchor, Some(ids[1]));

    // SPKI DER works as well as PEM.
    let mut from_der = Anchors::new();
    from_der.add_spki_der(&other.spki_der()).unwrap();
    assert!(import_de(&new_bytes, &from_der).is_ok());
    assert_eq!(
        Anchors::from_pem(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
            .unwrap_err(),
        AnchorError::NotSpki
    );
}

#[test]
fn entries_whose_kid_does_not_match_are_skipped_and_counted() {
    let key = TestKey::new();
    let mut entries = sample_entries(
        &["dsc-vn-es256", "dsc-vn-ps256", "dsc-de-es256"],
        "2026-01-01T00:00:00Z",
    );
    entries[1]["kid"] = b64(&[0; 8]).into();
    entries.push(serde_json::json!({"certificateType": "DSC", "kid": "AAAAAAAAAAA=", "rawData": "bm90IGEgY2VydA=="}));
    let (list, report) = import_de(&de_list(&key, &entries), &key.anchors()).unwrap();
    assert_eq!((report.taken, list.len()), (2, 2));
    let skipped: Vec<_> = report
        .skipped
        .iter()
        .map(|s| (s.index, s.reason.code()))
        .collect();
    assert_eq!(skipped, vec![(1, "kid-mismatch"), (3, "not-a-certificate")]);
    assert_eq!(
        report.skipped[0].listed_kid.as_deref(),
        Some("AAAAAAAAAAA=")
    );
    let ps256 = dcc_verify::Kid(kid_of(&sample_der("dsc-vn-ps256")));
    assert_eq!(
        list.signers(&ps256).count(),
        0,
        "the mismatched entry is not indexed"
    );
}

#[test]
fn austrian_lists_verify_hash_signature_and_validity() {
    let key = TestKey::new();
    let anchors = key.anchors();
    let now = sample_time();
    let (nbf, exp) = (now - 3600, now + 86_400);
    let entries = at_entries(&ALL_SAMPLE_DSCS);
    let (content, signature) = at_pair(&key, &entries, nbf, exp);
    let import = |content: &[u8], signature: &[u8], now: i64| {
        TrustList::from_signed(SignedList::At { content, signature }, &anchors, now)
    };

    let (list, report) = import(&content, &signature, now).unwrap();
    assert_eq!((report.taken, report.skipped.len()), (8, 0));
    assert_eq!(list.provenance().format, Some(ListFormat::At));
    assert_eq!(list.provenance().list_time, Some(nbf));
    assert!(list.provenance().is_signed());

    // Bad hash: content changed after signing (one DSC dropped, or one byte flipped).
    let (fewer, _) = at_pair(&key, &entries[1..], nbf, exp);
    assert_eq!(
        import(&fewer, &signature, now).unwrap_err(),
        TrustListError::HashMismatch
    );
    let mut flipped = content.clone();
    *flipped.last_mut().unwrap() ^= 1;
    assert_eq!(
        import(&flipped, &signature, now).unwrap_err(),
        TrustListError::HashMismatch
    );

    // Bad signature: a flipped signature byte, or another key.
    let mut bad_signature = signature.clone();
    *bad_signature.last_mut().unwrap() ^= 1;
    assert_eq!(
        import(&content, &bad_signature, now).unwrap_err(),
        TrustListError::SignatureInvalid
    );
    let (_, foreign) = at_pair(&TestKey::new(), &entries, nbf, exp);
    assert_eq!(
        import(&content, &foreign, now).unwrap_err(),
        TrustListError::SignatureInvalid
    );
    assert_eq!(
        import(&content, b"\xd2\x84", now).unwrap_err(),
        TrustListError::MalformedSignature
    );

    // nbf and exp, with the allowed skew.
    let skew = dcc_verify::trust::formats::at::CLOCK_SKEW;
    assert_eq!(
        import(&content, &signature, nbf - skew - 1).unwrap_err(),
        TrustListError::NotYetValid { nbf }
    );
    assert!(import(&content, &signature, nbf - skew).is_ok());
    assert_eq!(
        import(&content, &signature, exp + skew + 1).unwrap_err(),
        TrustListError::Expired { exp }
    );
    assert!(import(&content, &signature, exp + skew).is_ok());

    // Only ES256 in the protected header.
    let ps256 = at_signature_with(&key, -37, &Sha256::digest(&content), nbf, exp);
    assert_eq!(
        import(&content, &ps256, now).unwrap_err(),
        TrustListError::UnsupportedAlgorithm
    );
}

#[test]
fn austrian_entries_with_a_wrong_kid_are_skipped() {
    let key = TestKey::new();
    let mut entries = at_entries(&["dsc-vn-es256", "dsc-vn-ps256"]);
    entries[0].0 = vec![1; 8];
    let now = sample_time();
    let (content, signature) = at_pair(&key, &entries, now - 60, now + 60);
    let (list, report) = TrustList::from_signed(
        SignedList::At {
            content: &content,
            signature: &signature,
        },
        &key.anchors(),
        now,
    )
    .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].reason, SkipReason::KidMismatch);
    assert_eq!(
        report.skipped[0].listed_kid.as_deref(),
        Some("AQEBAQEBAQE=")
    );
}

#[test]
fn a_verification_says_whether_its_list_was_signed() {
    let key = TestKey::new();
    let now = sample_time();
    let (content, signature) = at_pair(&key, &at_entries(&ALL_SAMPLE_DSCS), now - 60, now + 60);
    let (signed, _) = TrustList::from_signed(
        SignedList::At {
            content: &content,
            signature: &signature,
        },
        &key.anchors(),
        now,
    )
    .unwrap();
    let unsigned_json =
        std::fs::read(format!("{MANIFEST}/testdata/samples/trust-list.json")).unwrap();
    let (unsigned, _) = TrustList::from_unsigned(UnsignedList::Json(&unsigned_json)).unwrap();

    let qr = sample_qr("vn-vaccination-es256");
    for (list, signed, format) in [
        (signed, true, ListFormat::At),
        (unsigned, false, ListFormat::Json),
    ] {
        let verifier = Verifier::default()
            .with_clock(FixedClock(now))
            .with_trust_list(list);
        let verification = verifier.verify(&qr);
        assert_eq!(verification.outcome, Outcome::Valid);
        let status = verification.trust_list.unwrap();
        assert_eq!((status.signed, status.format), (signed, Some(format)));
        // No fetch time was recorded: the age is unknown, and the list is not called stale.
        assert_eq!((status.age_seconds, status.stale), (None, false));
    }
}

#[test]
fn unsigned_lists_are_accepted_only_through_the_unsigned_call() {
    let json = std::fs::read(format!("{MANIFEST}/testdata/samples/trust-list.json")).unwrap();
    let anchors = TestKey::new().anchors();
    // The signed call refuses a document without a signature line...
    assert_eq!(
        import_de(&json, &anchors).unwrap_err(),
        TrustListError::MissingSignature
    );
    // ...and a German list with its signature line removed.
    let real = real_de_list();
    let newline = real.iter().position(|&b| b == b'\n').unwrap();
    assert!(import_de(&real[newline + 1..], &real_de_anchors()).is_err());
    // The unsigned call takes JSON (wrapped or bare) and PEM, and says so.
    let (list, report) = TrustList::from_unsigned(UnsignedList::Json(&json)).unwrap();
    assert_eq!((report.taken, list.provenance().is_signed()), (8, false));
    let document: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let bare = document["certificates"].to_string();
    let (bare_list, _) = TrustList::from_unsigned(UnsignedList::Json(bare.as_bytes())).unwrap();
    assert_eq!(bare_list.len(), 8);
    let pem: String = ALL_SAMPLE_DSCS
        .iter()
        .map(|name| {
            std::fs::read_to_string(format!("{MANIFEST}/testdata/samples/pki/{name}.crt.pem"))
                .unwrap()
        })
        .collect();
    let (pem_list, report) = TrustList::from_unsigned(UnsignedList::Pem(pem.as_bytes())).unwrap();
    assert_eq!((pem_list.len(), report.taken), (8, 8));
    assert_eq!(pem_list.provenance().format, Some(ListFormat::Pem));
    assert!(!pem_list.provenance().is_signed());
}

#[test]
fn detects_the_format_of_each_kind_of_file() {
    let key = TestKey::new();
    let now = sample_time();
    let (content, _) = at_pair(&key, &at_entries(&["dsc-vn-es256"]), now, now);
    let json = std::fs::read(format!("{MANIFEST}/testdata/samples/trust-list.json")).unwrap();
    let pem = std::fs::read(format!(
        "{MANIFEST}/testdata/samples/pki/dsc-vn-es256.crt.pem"
    ))
    .unwrap();
    assert_eq!(ListFormat::detect(&real_de_list()), Some(ListFormat::De));
    assert_eq!(ListFormat::detect(&content), Some(ListFormat::At));
    assert_eq!(ListFormat::detect(&json), Some(ListFormat::Json));
    assert_eq!(ListFormat::detect(&pem), Some(ListFormat::Pem));
}

/// The size limit, which the fuzz targets' 64 KiB inputs never reach: every format refuses a
/// document one byte past it before reading it; a JSON list of exactly that size is read.
#[test]
fn every_format_refuses_a_document_past_the_size_limit() {
    use dcc_verify::limits::MAX_TRUST_LIST_BYTES;
    let key = TestKey::new();
    let too_large = TrustListError::TooLarge {
        limit: MAX_TRUST_LIST_BYTES,
    };
    // `[`, spaces, `]`: an empty JSON list of any size.
    let padded = |len: usize| {
        let mut json = vec![b' '; len];
        json[0] = b'[';
        json[len - 1] = b']';
        json
    };
    let json = padded(MAX_TRUST_LIST_BYTES);
    assert!(TrustList::from_unsigned(UnsignedList::Json(&json)).is_ok());
    let json = padded(MAX_TRUST_LIST_BYTES + 1);
    assert_eq!(
        TrustList::from_unsigned(UnsignedList::Json(&json)).unwrap_err(),
        too_large
    );
    assert_eq!(
        TrustList::from_unsigned(UnsignedList::Pem(&json)).unwrap_err(),
        too_large
    );
    assert_eq!(import_de(&json, &key.anchors()).unwrap_err(), too_large);
    // The Austrian limit counts content and signature together.
    let (content, signature) = at_pair(&key, &[], sample_time(), sample_time());
    let mut padded_content = content.clone();
    padded_content.resize(MAX_TRUST_LIST_BYTES - signature.len() + 1, 0);
    let list = SignedList::At {
        content: &padded_content,
        signature: &signature,
    };
    assert_eq!(
        TrustList::from_signed(list, &key.anchors(), sample_time()).unwrap_err(),
        too_large
    );
    assert!(matches!(
        TrustList::from_signed(
            SignedList::At {
                content: &content,
                signature: &signature
            },
            &key.anchors(),
            sample_time()
        ),
        Ok((list, _)) if list.is_empty()
    ));
}

/// Issue 10, item 8: certificate authorities and certificates whose keyUsage excludes
/// digitalSignature were taken as signers from PEM and JSON lists.
#[test]
fn signer_type_cas_and_keys_without_digital_signature_are_skipped_as_not_dsc() {
    let names = [
        "ca-with-digital-signature",
        "key-encipherment-only",
        "dsc-with-both-extensions",
    ];
    let read = |name: &str, ext: &str| {
        std::fs::read(format!("{MANIFEST}/testdata/signer-types/{name}.crt.{ext}")).unwrap()
    };
    // The sample CSCA itself (cA=TRUE, keyUsage keyCertSign and cRLSign only).
    let csca_pem =
        std::fs::read(format!("{MANIFEST}/testdata/samples/pki/csca-vn.crt.pem")).unwrap();
    let mut pem: Vec<u8> = names.iter().flat_map(|name| read(name, "pem")).collect();
    pem.extend(&csca_pem);
    let mut json_entries: Vec<serde_json::Value> = names
        .iter()
        .map(|name| serde_json::json!({"rawData": b64(&read(name, "der")), "certificateType": "DSC"}))
        .collect();
    json_entries.push(serde_json::json!({"rawData": b64(&sample_der("dsc-vn-es256"))}));
    let json = serde_json::json!({ "certificates": json_entries }).to_string();
    let pem_skips = vec![
        (0, SkipReason::NotDsc),
        (1, SkipReason::NotDsc),
        (3, SkipReason::NotDsc),
    ];
    let json_skips = vec![(0, SkipReason::NotDsc), (1, SkipReason::NotDsc)];
    for (list, expected, taken) in [
        (UnsignedList::Pem(&pem), pem_skips, 1),
        (UnsignedList::Json(json.as_bytes()), json_skips, 2),
    ] {
        let (trust, report) = TrustList::from_unsigned(list).unwrap();
        let skipped: Vec<_> = report
            .skipped
            .iter()
            .map(|s| (s.index, s.reason.clone()))
            .collect();
        assert_eq!(skipped, expected, "{:?}", list.format());
        assert_eq!((report.taken, trust.len()), (taken, taken));
        assert_eq!(report.skipped[0].reason.code(), "not-dsc");
    }
}

/// An app adding a certificate itself gets the same refusal as an import: a CA (with or without
/// digitalSignature) or a key without digitalSignature never becomes a signer. (TrustList::add
/// took them before, so a CA key could sign health certificates.)
#[test]
fn adding_a_ca_or_a_key_without_digital_signature_directly_is_refused() {
    let read = |path: &str| std::fs::read(format!("{MANIFEST}/testdata/{path}")).unwrap();
    let mut list = TrustList::new();
    for path in [
        "signer-types/ca-with-digital-signature.crt.der",
        "signer-types/key-encipherment-only.crt.der",
        "samples/pki/csca-vn.crt.der",
    ] {
        assert_eq!(
            list.add_der(&read(path)),
            Err(DscError::NotASigner),
            "{path}"
        );
        let dsc = Dsc::from_der(&read(path)).unwrap();
        assert_eq!(list.add(dsc), Err(DscError::NotASigner), "{path}");
    }
    assert!(list.is_empty());
    assert!(list
        .add_der(&read("signer-types/dsc-with-both-extensions.crt.der"))
        .is_ok());
    assert!(list.add_der(&sample_der("dsc-vn-es256")).is_ok());
    assert_eq!(list.len(), 2);
}

/// Issue 10, item 10: a JSON list with a key twice was read one way here (the first
/// `certificates`, the last `rawData`) and possibly another way by the signer's tools.
#[test]
fn duplicate_json_keys_refuse_signed_and_unsigned_lists() {
    let key = TestKey::new();
    let entry =
        |name: &str| json_entry(&sample_der(name), "VN", "2024-01-01T00:00:00Z").to_string();
    let genuine = entry("dsc-vn-es256");
    let planted = entry("dsc-vn-unlisted");
    let raw = |name: &str| b64(&sample_der(name));
    let documents = [
        // The array twice: which list is the signed one?
        format!(r#"{{"certificates":[{genuine}],"certificates":[{planted}]}}"#),
        // One entry's certificate twice.
        format!(
            r#"{{"certificates":[{{"rawData":"{}","rawData":"{}"}}]}}"#,
            raw("dsc-vn-es256"),
            raw("dsc-vn-unlisted")
        ),
        // In a part the reader skips.
        format!(r#"{{"certificates":[{genuine}],"meta":{{"a":1,"a":2}}}}"#),
        format!(
            r#"[{{"rawData":"{}","extra":[{{"b":1,"\u0062":2}}]}}]"#,
            raw("dsc-vn-es256")
        ),
    ];
    for document in &documents {
        let mut signed = b64(&key.sign(document.as_bytes())).into_bytes();
        signed.push(b'\n');
        signed.extend_from_slice(document.as_bytes());
        if document.starts_with('{') {
            let error =
                TrustList::from_signed(SignedList::De(&signed), &key.anchors(), sample_time())
                    .unwrap_err();
            assert_eq!(error, TrustListError::DuplicateKey, "{document}");
            assert_eq!(error.code(), "duplicate-key");
        }
        let error = TrustList::from_unsigned(UnsignedList::Json(document.as_bytes())).unwrap_err();
        assert_eq!(error, TrustListError::DuplicateKey, "{document}");
    }
    // The same documents with the duplicates renamed are read.
    let fine = format!(r#"{{"certificates":[{genuine}],"meta":{{"a":1,"b":2}}}}"#);
    let (list, _) = TrustList::from_unsigned(UnsignedList::Json(fine.as_bytes())).unwrap();
    assert_eq!(list.len(), 1);
}
