//! What the trust-list targets share: the TEST-ONLY list-signing key, the anchors, the
//! entry-count oracles, and the checks every successful import must pass, lookups included.
#![allow(dead_code)] // each target uses a part

use std::fmt;
use std::sync::OnceLock;

use base64::Engine;
use dcc_verify::trust::AnchorId;
use dcc_verify::{Anchors, ImportReport, Kid, TrustList, TrustListError};
use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, KeyPair, UnparsedPublicKey, ECDSA_P256_SHA256_FIXED,
    ECDSA_P256_SHA256_FIXED_SIGNING,
};
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// The key that signs lists in the signed targets and in seed.py's signed seeds. It is the
/// TEST-ONLY key of the sample DSC dsc-vn-es256: any P-256 key would do, and this one is already
/// in testdata, so seed.py can sign with it too.
const TEST_KEY_PEM: &str =
    include_str!("../../testdata/samples/pki/dsc-vn-es256.TEST-ONLY.key.pem");
/// The production signing key of the real German list.
pub const REAL_DE_ANCHOR_PEM: &[u8] =
    include_bytes!("../../testdata/trustlists/de-dsc-list-signing-key.pem");
/// 2026-06-01T00:00:00Z; seed.py's Austrian signatures are valid around it.
pub const NOW: i64 = 1_780_272_000;
/// The fixed start of a P-256 SubjectPublicKeyInfo, before the uncompressed point.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
/// Kids looked up after every import besides the list's own: sample DSCs, listed or not.
const SAMPLE_DSCS: [&[u8]; 3] = [
    include_bytes!("../../testdata/samples/pki/dsc-vn-es256.crt.der"),
    include_bytes!("../../testdata/samples/pki/dsc-de-es256.crt.der"),
    include_bytes!("../../testdata/samples/pki/dsc-vn-unlisted.crt.der"),
];

pub struct TestKey {
    pair: EcdsaKeyPair,
    rng: SystemRandom,
}

impl TestKey {
    /// Raw r‖s ECDSA P-256/SHA-256 signature.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair
            .sign(&self.rng, message)
            .expect("signing")
            .as_ref()
            .to_vec()
    }

    pub fn spki_der(&self) -> Vec<u8> {
        let mut spki = P256_SPKI_PREFIX.to_vec();
        spki.extend_from_slice(self.pair.public_key().as_ref());
        spki
    }

    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, self.pair.public_key().as_ref())
            .verify(message, signature)
            .is_ok()
    }
}

pub fn test_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let body: String = TEST_KEY_PEM
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("PEM body");
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng)
            .expect("test key");
        TestKey { pair, rng }
    })
}

/// The real German key and the test key, as a deployment rotating keys would configure them.
pub fn new_anchors() -> Anchors {
    let mut anchors = Anchors::from_pem(REAL_DE_ANCHOR_PEM).expect("real German key");
    anchors
        .add_spki_der(&test_key().spki_der())
        .expect("test key");
    anchors
}

pub fn anchors() -> &'static Anchors {
    static ANCHORS: OnceLock<Anchors> = OnceLock::new();
    ANCHORS.get_or_init(new_anchors)
}

/// The test key alone.
pub fn test_anchors() -> &'static Anchors {
    static ANCHORS: OnceLock<Anchors> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        let mut anchors = Anchors::new();
        anchors
            .add_spki_der(&test_key().spki_der())
            .expect("test key");
        anchors
    })
}

pub fn test_anchor_id() -> AnchorId {
    test_anchors().ids().next().expect("one anchor")
}

/// True when `signature` is a signature of `message` by the test key or the real German key,
/// checked with ring directly rather than through the library.
pub fn signed_by_an_anchor(message: &[u8], signature: &[u8]) -> bool {
    static REAL_DE_POINT: OnceLock<Vec<u8>> = OnceLock::new();
    let real_de_point = REAL_DE_POINT.get_or_init(|| {
        let body: String = std::str::from_utf8(REAL_DE_ANCHOR_PEM)
            .expect("PEM text")
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let spki = base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("PEM body");
        spki[P256_SPKI_PREFIX.len()..].to_vec()
    });
    test_key().verifies(message, signature)
        || UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, real_de_point)
            .verify(message, signature)
            .is_ok()
}

/// A refused document: its error formats, and has a code.
pub fn describe(error: &TrustListError) {
    let _ = (error.to_string(), error.code(), format!("{error:?}"));
}

/// What every successful import promises: each entry taken is listed once and each skipped
/// one reported once, in document order; each usable certificate sits under the kid
/// recomputed from its DER; every entry either parses or is reported as not parsing. Looks
/// kids up first (the skipped entries' listed kids, the sample DSCs', `extra_kids`), which
/// parses their certificates lazily, before parsing the rest.
pub fn check_list(list: &TrustList, report: &ImportReport, extra_kids: &[Kid]) {
    assert_eq!(
        list.len(),
        report.taken,
        "taken entries and listed certificates"
    );
    assert!(
        report.skipped.windows(2).all(|w| w[0].index < w[1].index),
        "skipped entries out of order or reported twice"
    );
    if let Some(last) = report.skipped.last() {
        assert!(last.index < report.taken + report.skipped.len());
    }
    let listed_kids = report
        .skipped
        .iter()
        .filter_map(|s| s.listed_kid.as_deref())
        .filter_map(|text| base64::engine::general_purpose::STANDARD.decode(text).ok())
        .filter_map(|bytes| Kid::from_slice(&bytes));
    let sample_kids = SAMPLE_DSCS.iter().map(|der| Kid::of_certificate(der));
    for kid in listed_kids
        .chain(sample_kids)
        .chain(extra_kids.iter().copied())
    {
        for dsc in list.signers(&kid) {
            assert_eq!(dsc.kid(), kid, "a signer under another kid");
        }
    }
    for skipped in &report.skipped {
        let _ = (skipped.reason.to_string(), skipped.reason.code());
    }

    let mut usable = 0;
    for dsc in list.iter() {
        let kid = Kid::of_certificate(dsc.der());
        assert_eq!(dsc.kid(), kid, "kid not recomputed from the DER");
        assert!(
            list.signers(&kid).any(|s| s.der() == dsc.der()),
            "a certificate not found under its kid"
        );
        let _ = (
            dsc.country(),
            dsc.key_usage(),
            dsc.not_before(),
            dsc.not_after(),
        );
        let _ = format!("{:?}", dsc.public_key());
        usable += 1;
    }
    let errors = list.certificate_errors();
    assert_eq!(
        usable + errors.len(),
        list.len(),
        "entries neither usable nor in error"
    );
    for (kid, error) in &errors {
        let _ = error.to_string();
        assert!(list.signers(kid).all(|s| s.kid() == *kid));
    }
    assert_eq!(list.countries().values().sum::<usize>(), list.len());
    let _ = format!("{list:?} {report:?}");
}

/// A kid made of the input's first bytes, so that the fuzzer can aim lookups.
pub fn kid_from_input(data: &[u8]) -> Vec<Kid> {
    data.get(..8)
        .and_then(Kid::from_slice)
        .into_iter()
        .collect()
}

/// What a document holds by the shape its format documents, judged independently of the
/// importer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A list of this many entries (good or not).
    Entries(usize),
    /// Not a list of that format.
    NotAList,
    /// A JSON document with a duplicate key in some object: refused whatever else it is.
    DuplicateKeys,
    /// Beyond what the oracle judges (e.g. deep nesting near a parser limit).
    Unknown,
}

/// A JSON list's entries: the elements of an object's (first) `certificates` array, or of a
/// bare array. Whatever an element is, it counts as an entry. Uses serde_json as the importer
/// does, but none of its code. (Values serde_json cannot hold refuse a document where the
/// importer reads them: tests/fuzz_regressions.rs.)
pub fn json_shape(bytes: &[u8]) -> Shape {
    struct Count(usize);
    impl<'de> Deserialize<'de> for Count {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_seq(CountVisitor)
        }
    }
    struct CountVisitor;
    impl<'de> Visitor<'de> for CountVisitor {
        type Value = Count;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Count, A::Error> {
            let mut n = 0;
            while seq.next_element::<IgnoredAny>()?.is_some() {
                n += 1;
            }
            Ok(Count(n))
        }
    }
    struct Document(usize);
    impl<'de> Deserialize<'de> for Document {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(DocumentVisitor)
        }
    }
    struct DocumentVisitor;
    impl<'de> Visitor<'de> for DocumentVisitor {
        type Value = Document;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Document, A::Error> {
            CountVisitor.visit_seq(seq).map(|c| Document(c.0))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
            let mut count = None;
            while let Some(key) = map.next_key::<String>()? {
                if key == "certificates" && count.is_none() {
                    count = Some(map.next_value::<Count>()?.0);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            count
                .map(Document)
                .ok_or_else(|| serde::de::Error::missing_field("certificates"))
        }
    }
    // serde_json checks UTF-8, number ranges and surrogate escapes only in what it reads, not
    // in what it skips, and the importer reads other fields than this count does: a document
    // it cannot read whole as a `Value` is judged only when this lenient count refuses it too.
    match serde_json::from_slice::<Document>(bytes) {
        Err(_) => Shape::NotAList,
        Ok(_) if serde_json::from_slice::<serde_json::Value>(bytes).is_err() => Shape::Unknown,
        Ok(_) if serde_json::from_slice::<UniqueKeys>(bytes).is_err() => Shape::DuplicateKeys,
        Ok(document) => Shape::Entries(document.0),
    }
}

/// A JSON value whose objects all have distinct keys (deserializing fails otherwise).
struct UniqueKeys;

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct UniqueVisitor;
        impl<'de> Visitor<'de> for UniqueVisitor {
            type Value = UniqueKeys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys)
            }
            fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys)
            }
            fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys)
            }
            fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys)
            }
            fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys)
            }
            fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
                while seq.next_element::<UniqueKeys>()?.is_some() {}
                Ok(UniqueKeys)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
                let mut seen = std::collections::BTreeSet::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !seen.insert(key) {
                        return Err(serde::de::Error::custom("duplicate key"));
                    }
                    map.next_value::<UniqueKeys>()?;
                }
                Ok(UniqueKeys)
            }
        }
        deserializer.deserialize_any(UniqueVisitor)
    }
}

/// An Austrian content's entries: the elements of the array under the text key "c" of a map
/// whose keys are all distinct.
pub fn cbor_shape(bytes: &[u8]) -> Shape {
    use ciborium::Value;
    fn depth(value: &Value) -> usize {
        1 + match value {
            Value::Array(items) => items.iter().map(depth).max().unwrap_or(0),
            Value::Map(entries) => entries
                .iter()
                .map(|(k, v)| depth(k).max(depth(v)))
                .max()
                .unwrap_or(0),
            Value::Tag(_, inner) => depth(inner),
            _ => 0,
        }
    }
    let mut rest = bytes;
    let value: Value = match ciborium::de::from_reader(&mut rest) {
        Ok(value) if rest.is_empty() => value,
        Ok(_) => return Shape::NotAList,
        // The library refuses nesting deeper than MAX_CBOR_DEPTH (32) on its own terms.
        Err(ciborium::de::Error::RecursionLimitExceeded) => return Shape::Unknown,
        Err(_) => return Shape::NotAList,
    };
    if depth(&value) > 16 {
        return Shape::Unknown;
    }
    let Some(entries) = value.as_map() else {
        return Shape::NotAList;
    };
    if entries.len() > 256 {
        return Shape::Unknown; // the pairwise uniqueness check below would be slow
    }
    for (i, (key, _)) in entries.iter().enumerate() {
        if entries[i + 1..].iter().any(|(other, _)| other == key) {
            return Shape::NotAList;
        }
    }
    match entries
        .iter()
        .find(|(k, _)| k.as_text() == Some("c"))
        .and_then(|(_, v)| v.as_array())
    {
        Some(list) => Shape::Entries(list.len()),
        None => Shape::NotAList,
    }
}

/// The outcome of an import against what the document holds: a list of n entries is read whole
/// (taken + skipped = n) unless it has more than the entry limit; anything else is refused as
/// not being of the format (`not_a_list`).
pub fn check_against_shape(
    result: &Result<(TrustList, ImportReport), TrustListError>,
    shape: Shape,
    not_a_list: &TrustListError,
) {
    use dcc_verify::limits::MAX_TRUST_LIST_ENTRIES;
    let summary = result
        .as_ref()
        .map(|(_, report)| (report.taken, report.skipped.len()));
    match (result, shape) {
        (_, Shape::Unknown) => {}
        (Ok((_, report)), Shape::Entries(n)) if n <= MAX_TRUST_LIST_ENTRIES => {
            assert_eq!(report.taken + report.skipped.len(), n, "entries read");
        }
        (Err(TrustListError::TooManyEntries { .. }), Shape::Entries(n))
            if n > MAX_TRUST_LIST_ENTRIES => {}
        (Err(e), Shape::NotAList) if e == not_a_list => {}
        (Err(TrustListError::DuplicateKey), Shape::DuplicateKeys) => {}
        _ => panic!("import {summary:?} of a document of shape {shape:?}"),
    }
}
