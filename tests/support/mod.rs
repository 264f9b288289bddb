//! Test support: the samples, the TEST-ONLY keys, and a builder for COSE_Sign1/CWT messages, so
//! a test can forge exactly the structure its attack needs and read as that attack.
//!
//! Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;

use base64::Engine;
use ciborium::Value;
use dcc_verify::{FixedClock, Outcome, Settings, TrustList, Verification, Verifier};
use flate2::{write::ZlibEncoder, Compression};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, RsaKeyPair};
use sha2::{Digest, Sha256};

/// The instant the samples' expected answers hold: 2026-06-01T00:00:00Z.
pub const NOW: i64 = 1_780_272_000;
/// `iat` and `exp` of the samples: 2026-03-01 and 2036-03-01.
pub const ISSUED_AT: i64 = 1_772_323_200;
pub const EXPIRES_AT: i64 = 2_087_942_400;

/// COSE algorithm identifiers.
pub const ES256: i64 = -7;
pub const ES384: i64 = -35;
pub const PS256: i64 = -37;

/// COSE header labels.
const LABEL_ALG: i64 = 1;
const LABEL_KID: i64 = 4;

/// Every sample QR text in testdata/samples, by name.
pub const SAMPLES: [&str; 13] = [
    "vn-vaccination-es256",
    "vn-vaccination-ps256",
    "vn-test-es256",
    "vn-recovery-es256",
    "vn-vaccination-expired",
    "vn-vaccination-unknown-signer",
    "vn-vaccination-test-only-dsc",
    "vn-vaccination-dsc-expired",
    "vn-vaccination-dsc-not-yet-valid",
    "vn-vaccination-rsa1024",
    "vn-vaccination-es384",
    "vn-vaccination-es256-de-dsc",
    "vn-vaccination-tampered",
];

pub fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/samples")
}

fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A sample QR text (`testdata/samples/<name>.txt`).
pub fn sample(name: &str) -> String {
    let text = String::from_utf8(read(samples_dir().join(format!("{name}.txt")))).unwrap();
    text.trim().to_owned()
}

/// The sample trust list (every sample DSC except `dsc-vn-unlisted`).
pub fn trust_list() -> TrustList {
    let (list, report) =
        TrustList::from_unsigned_json(&read(samples_dir().join("trust-list.json"))).unwrap();
    assert!(report.skipped.is_empty());
    list
}

/// A trust list holding the named DSCs only.
pub fn trust_list_of(names: &[&str]) -> TrustList {
    let mut list = TrustList::new();
    for name in names {
        list.add_der(&dsc_der(name)).unwrap();
    }
    list
}

/// A verifier on the sample trust list, with its clock at [`NOW`].
pub fn verifier() -> Verifier {
    Verifier::new(Settings::default())
        .with_clock(FixedClock(NOW))
        .with_trust_list(trust_list())
}

pub fn dsc_der(name: &str) -> Vec<u8> {
    read(samples_dir().join(format!("pki/{name}.crt.der")))
}

/// The kid of a sample DSC: the first 8 bytes of the SHA-256 of its DER.
pub fn kid(name: &str) -> Vec<u8> {
    Sha256::digest(dsc_der(name))[..8].to_vec()
}

/// The invalid reason code, or a description of the outcome when it is not invalid.
pub fn reason(verification: &Verification) -> String {
    match &verification.outcome {
        Outcome::Invalid { reason } => reason.code().to_owned(),
        other => format!("not invalid: {other:?}"),
    }
}

/// A TEST-ONLY private key of testdata/samples/pki, and the signature form it produces.
pub enum Key {
    /// ECDSA P-256, SHA-256, raw r‖s (ES256 as the specification requires).
    Es256(EcdsaKeyPair),
    /// ECDSA P-256, SHA-256, DER `SEQUENCE { r, s }`: the wrong form for COSE.
    Es256Der(EcdsaKeyPair),
    /// RSASSA-PSS, SHA-256 (PS256).
    Ps256(RsaKeyPair),
}

fn pkcs8(name: &str) -> Vec<u8> {
    let pem = String::from_utf8(read(
        samples_dir().join(format!("pki/{name}.TEST-ONLY.key.pem")),
    ))
    .unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

impl Key {
    pub fn es256(name: &str) -> Self {
        Self::Es256(ec_key(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, name))
    }

    pub fn es256_der(name: &str) -> Self {
        Self::Es256Der(ec_key(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, name))
    }

    pub fn ps256(name: &str) -> Self {
        Self::Ps256(RsaKeyPair::from_pkcs8(&pkcs8(name)).unwrap())
    }

    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match self {
            Self::Es256(key) | Self::Es256Der(key) => {
                key.sign(&rng, message).unwrap().as_ref().to_vec()
            }
            Self::Ps256(key) => {
                let mut sig = vec![0; key.public().modulus_len()];
                key.sign(&signature::RSA_PSS_SHA256, &rng, message, &mut sig)
                    .unwrap();
                sig
            }
        }
    }
}

fn ec_key(alg: &'static signature::EcdsaSigningAlgorithm, name: &str) -> EcdsaKeyPair {
    EcdsaKeyPair::from_pkcs8(alg, &pkcs8(name), &SystemRandom::new()).unwrap()
}

/// Encodes a CBOR value.
pub fn cbor(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out).unwrap();
    out
}

/// A COSE header map, entries in the order given (duplicates allowed, to forge them).
#[derive(Clone, Default)]
pub struct Header(Vec<(Value, Value)>);

impl Header {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn alg(self, alg: i64) -> Self {
        self.entry(LABEL_ALG.into(), alg.into())
    }

    pub fn kid(self, kid: &[u8]) -> Self {
        self.entry(LABEL_KID.into(), Value::Bytes(kid.to_vec()))
    }

    pub fn entry(mut self, label: Value, value: Value) -> Self {
        self.0.push((label, value));
        self
    }

    pub fn value(&self) -> Value {
        Value::Map(self.0.clone())
    }

    /// The bstr content of a protected header: empty when there are no entries (RFC 9052).
    pub fn protected_bytes(&self) -> Vec<u8> {
        if self.0.is_empty() {
            Vec::new()
        } else {
            cbor(&self.value())
        }
    }
}

/// The usual protected header of a sample: `{1: alg, 4: kid of the DSC}`.
pub fn protected(alg: i64, dsc: &str) -> Header {
    Header::new().alg(alg).kid(&kid(dsc))
}

/// A COSE_Sign1 message under construction.
#[derive(Clone)]
pub struct Message {
    pub protected: Vec<u8>,
    pub unprotected: Value,
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
}

impl Message {
    /// A message with an empty unprotected header and no signature yet.
    pub fn new(protected: &Header, payload: Vec<u8>) -> Self {
        Self {
            protected: protected.protected_bytes(),
            unprotected: Value::Map(vec![]),
            payload,
            signature: Vec::new(),
        }
    }

    pub fn unprotected(mut self, header: &Header) -> Self {
        self.unprotected = header.value();
        self
    }

    /// The bytes a signature covers: `["Signature1", protected, h'', payload]`.
    pub fn sig_structure(&self) -> Vec<u8> {
        cbor(&Value::Array(vec![
            Value::Text("Signature1".into()),
            Value::Bytes(self.protected.clone()),
            Value::Bytes(vec![]),
            Value::Bytes(self.payload.clone()),
        ]))
    }

    pub fn signed_by(mut self, key: &Key) -> Self {
        self.signature = key.sign(&self.sig_structure());
        self
    }

    pub fn signature(mut self, signature: Vec<u8>) -> Self {
        self.signature = signature;
        self
    }

    /// The untagged COSE_Sign1 array.
    pub fn value(&self) -> Value {
        Value::Array(vec![
            Value::Bytes(self.protected.clone()),
            self.unprotected.clone(),
            Value::Bytes(self.payload.clone()),
            Value::Bytes(self.signature.clone()),
        ])
    }

    /// The message as issuers send it: CBOR tag 18 around the array.
    pub fn to_cbor(&self) -> Vec<u8> {
        cbor(&Value::Tag(18, Box::new(self.value())))
    }

    pub fn qr(&self) -> String {
        qr_from_cose(&self.to_cbor())
    }
}

pub fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut enc = ZlibEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// `HC1:` + base45 of the given (already compressed) bytes.
pub fn qr_from_compressed(compressed: &[u8]) -> String {
    format!("HC1:{}", dcc_verify::base45::encode(compressed))
}

/// `HC1:` + base45(zlib(cose)).
pub fn qr_from_cose(cose: &[u8]) -> String {
    qr_from_compressed(&zlib(cose))
}

/// The inflated COSE bytes of a QR text.
pub fn cose_of_qr(qr: &str) -> Vec<u8> {
    let text = dcc_verify::prefix::strip(qr).unwrap();
    dcc_verify::inflate::inflate(&dcc_verify::base45::decode(text).unwrap()).unwrap()
}

/// The CWT claims of a certificate, in order.
#[derive(Clone)]
pub struct Cwt(Vec<(Value, Value)>);

impl Cwt {
    /// The claims of the vaccination sample: iss "VN", the samples' iat and exp, its DCC.
    pub fn vaccination() -> Self {
        Self(vec![
            (1.into(), "VN".into()),
            (4.into(), EXPIRES_AT.into()),
            (6.into(), ISSUED_AT.into()),
            ((-260).into(), hcert(dcc_of_sample("vn-vaccination-es256"))),
        ])
    }

    /// Sets a claim, replacing any earlier value.
    pub fn set(mut self, key: i64, value: Value) -> Self {
        self = self.remove(key);
        self.0.push((key.into(), value));
        self
    }

    /// Adds a claim even when it is already there (to forge duplicate keys).
    pub fn push(mut self, key: i64, value: Value) -> Self {
        self.0.push((key.into(), value));
        self
    }

    pub fn remove(mut self, key: i64) -> Self {
        self.0.retain(|(k, _)| *k != Value::from(key));
        self
    }

    pub fn value(&self) -> Value {
        Value::Map(self.0.clone())
    }

    pub fn encode(&self) -> Vec<u8> {
        cbor(&self.value())
    }
}

/// The hcert claim: `{1: dcc}`.
pub fn hcert(dcc: Value) -> Value {
    Value::Map(vec![(1.into(), dcc)])
}

/// The DCC payload of a sample, as CBOR (from its `.json`, which is the payload as issued).
pub fn dcc_of_sample(name: &str) -> Value {
    let json: serde_json::Value =
        serde_json::from_slice(&read(samples_dir().join(format!("{name}.json")))).unwrap();
    json_to_cbor(&json)
}

pub fn json_to_cbor(json: &serde_json::Value) -> Value {
    use serde_json::Value as Json;
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => Value::Float(n.as_f64().unwrap()),
        },
        Json::String(s) => Value::Text(s.clone()),
        Json::Array(items) => Value::Array(items.iter().map(json_to_cbor).collect()),
        Json::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| (Value::Text(k.clone()), json_to_cbor(v)))
                .collect(),
        ),
    }
}

/// A well-formed ES256 vaccination certificate signed by `dsc-vn-es256` with the given CWT.
pub fn es256_certificate(cwt: Vec<u8>) -> Message {
    Message::new(&protected(ES256, "dsc-vn-es256"), cwt).signed_by(&Key::es256("dsc-vn-es256"))
}
