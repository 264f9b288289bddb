//! Fixture generators for trust-list tests: test keys, German-format and Austrian-format lists
//! signed with them, sample certificates, scratch directories.
#![allow(dead_code)] // each test crate uses a part

use std::path::PathBuf;

use base64::Engine;
use ciborium::Value;
use dcc_verify::{parse_instant, Anchors};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use sha2::{Digest, Sha256};

pub const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// The real German list and its production signing key (testdata/trustlists/SOURCE.md).
pub fn real_de_list() -> Vec<u8> {
    std::fs::read(format!("{MANIFEST}/testdata/trustlists/de-dsc-list.signed")).unwrap()
}

pub fn real_de_key_pem() -> Vec<u8> {
    std::fs::read(format!(
        "{MANIFEST}/testdata/trustlists/de-dsc-list-signing-key.pem"
    ))
    .unwrap()
}

pub fn real_de_anchors() -> Anchors {
    Anchors::from_pem(&real_de_key_pem()).unwrap()
}

/// 2026-06-01T00:00:00Z, the time the sample certificates are verified at.
pub fn sample_time() -> i64 {
    parse_instant("2026-06-01T00:00:00Z").unwrap()
}

/// A sample QR text (testdata/samples/<name>.txt).
pub fn sample_qr(name: &str) -> String {
    std::fs::read_to_string(format!("{MANIFEST}/testdata/samples/{name}.txt"))
        .unwrap()
        .trim()
        .to_owned()
}

/// DER of a sample DSC (testdata/samples/pki/<name>.crt.der).
pub fn sample_der(name: &str) -> Vec<u8> {
    std::fs::read(format!("{MANIFEST}/testdata/samples/pki/{name}.crt.der")).unwrap()
}

pub fn kid_of(der: &[u8]) -> [u8; 8] {
    Sha256::digest(der)[..8].try_into().unwrap()
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A fresh, empty directory for one test under Cargo's scratch space.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A P-256 key pair for signing test lists.
pub struct TestKey {
    pair: EcdsaKeyPair,
}

impl TestKey {
    pub fn new() -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        Self { pair }
    }

    /// Raw r‖s ECDSA P-256/SHA-256 signature.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair
            .sign(&SystemRandom::new(), message)
            .unwrap()
            .as_ref()
            .to_vec()
    }

    /// SubjectPublicKeyInfo DER: the fixed P-256 prefix, then the uncompressed point.
    pub fn spki_der(&self) -> Vec<u8> {
        let mut spki = vec![
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
        ];
        spki.extend_from_slice(self.pair.public_key().as_ref());
        spki
    }

    pub fn pem(&self) -> String {
        let body = b64(&self.spki_der());
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        )
    }

    pub fn anchors(&self) -> Anchors {
        Anchors::from_pem(self.pem().as_bytes()).unwrap()
    }
}

/// An entry of a German-format (or unsigned JSON) list.
pub fn json_entry(der: &[u8], country: &str, timestamp: &str) -> serde_json::Value {
    serde_json::json!({
        "certificateType": "DSC",
        "country": country,
        "kid": b64(&kid_of(der)),
        "rawData": b64(der),
        "signature": "not checked by verifiers",
        "thumbprint": "not checked by verifiers",
        "timestamp": timestamp,
    })
}

/// A German-format signed list: base64 signature line, `\n`, the JSON document.
pub fn de_list(key: &TestKey, entries: &[serde_json::Value]) -> Vec<u8> {
    let document = serde_json::json!({ "certificates": entries }).to_string();
    let mut list = b64(&key.sign(document.as_bytes())).into_bytes();
    list.push(b'\n');
    list.extend_from_slice(document.as_bytes());
    list
}

/// The sample DSCs as German-format entries, all with `timestamp`.
pub fn sample_entries(names: &[&str], timestamp: &str) -> Vec<serde_json::Value> {
    names
        .iter()
        .map(|name| json_entry(&sample_der(name), "VN", timestamp))
        .collect()
}

pub fn cbor(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out).unwrap();
    out
}

/// Austrian-format content: `{"c": [{"i": kid, "c": DER}]}`.
pub fn at_content(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let entries = entries
        .iter()
        .map(|(kid, der)| {
            Value::Map(vec![
                ("i".into(), Value::Bytes(kid.clone())),
                ("c".into(), Value::Bytes(der.clone())),
            ])
        })
        .collect();
    cbor(&Value::Map(vec![("c".into(), Value::Array(entries))]))
}

/// The Austrian signature: COSE_Sign1 (tag 18), protected `{1: alg, 4: kid}`, payload
/// `{2: SHA-256(content), 4: exp, 5: nbf}`, signed with `key` (ES256 whatever `alg` claims).
pub fn at_signature_with(
    key: &TestKey,
    alg: i64,
    content_hash: &[u8],
    nbf: i64,
    exp: i64,
) -> Vec<u8> {
    let protected = cbor(&Value::Map(vec![
        (1.into(), alg.into()),
        (4.into(), Value::Bytes(vec![0xa7; 8])),
    ]));
    let payload = cbor(&Value::Map(vec![
        (2.into(), Value::Bytes(content_hash.to_vec())),
        (4.into(), exp.into()),
        (5.into(), nbf.into()),
    ]));
    let to_sign = cbor(&Value::Array(vec![
        "Signature1".into(),
        Value::Bytes(protected.clone()),
        Value::Bytes(vec![]),
        Value::Bytes(payload.clone()),
    ]));
    let signature = key.sign(&to_sign);
    cbor(&Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            Value::Map(vec![]),
            Value::Bytes(payload),
            Value::Bytes(signature),
        ])),
    ))
}

/// A valid Austrian pair (content, signature) for `entries`, valid from `nbf` to `exp`.
pub fn at_pair(
    key: &TestKey,
    entries: &[(Vec<u8>, Vec<u8>)],
    nbf: i64,
    exp: i64,
) -> (Vec<u8>, Vec<u8>) {
    let content = at_content(entries);
    let signature = at_signature_with(key, -7, &Sha256::digest(&content), nbf, exp);
    (content, signature)
}

/// Austrian entries (kid, DER) for sample DSCs.
pub fn at_entries(names: &[&str]) -> Vec<(Vec<u8>, Vec<u8>)> {
    names
        .iter()
        .map(|name| {
            let der = sample_der(name);
            (kid_of(&der).to_vec(), der)
        })
        .collect()
}

/// A valid Austrian pair whose signed claims also carry `iat` (claim 6).
pub fn at_pair_with_iat(
    key: &TestKey,
    entries: &[(Vec<u8>, Vec<u8>)],
    nbf: i64,
    exp: i64,
    iat: i64,
) -> (Vec<u8>, Vec<u8>) {
    let content = at_content(entries);
    let protected = cbor(&Value::Map(vec![(1.into(), (-7).into())]));
    let payload = cbor(&Value::Map(vec![
        (2.into(), Value::Bytes(Sha256::digest(&content).to_vec())),
        (4.into(), exp.into()),
        (5.into(), nbf.into()),
        (6.into(), iat.into()),
    ]));
    let to_sign = cbor(&Value::Array(vec![
        "Signature1".into(),
        Value::Bytes(protected.clone()),
        Value::Bytes(vec![]),
        Value::Bytes(payload.clone()),
    ]));
    let signature = key.sign(&to_sign);
    let cose = cbor(&Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            Value::Map(vec![]),
            Value::Bytes(payload),
            Value::Bytes(signature),
        ])),
    ));
    (content, cose)
}
