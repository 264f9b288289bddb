//! The whole verification behind a good signature: the input is a CWT, which is signed here with
//! the TEST-ONLY key of dsc-vn-es256 and verified as a QR text. Reaches the CWT, payload, time
//! and key-usage checks with every input, and asserts that the signature check never depends on
//! what the CWT holds.
#![no_main]

use std::io::Write;
use std::sync::OnceLock;

use dcc_verify::{
    base45, decode, CheckStatus, FixedClock, Kind, Outcome, Settings, TrustList, Verifier,
};
use flate2::{write::ZlibEncoder, Compression};
use libfuzzer_sys::fuzz_target;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};

const TRUST_LIST: &[u8] = include_bytes!("../../testdata/samples/trust-list.json");
const KEY_PEM: &str = include_str!("../../testdata/samples/pki/dsc-vn-es256.TEST-ONLY.key.pem");
/// Protected header {1: -7 (ES256), 4: kid of dsc-vn-es256 (6+Dmto+Hqng=)}.
const PROTECTED: [u8; 13] = [
    0xa2, 0x01, 0x26, 0x04, 0x48, 0xeb, 0xe0, 0xe6, 0xb6, 0x8f, 0x87, 0xaa, 0x78,
];
const NOW: i64 = 1_780_272_000;

struct Fixture {
    verifier: Verifier,
    key: EcdsaKeyPair,
    rng: SystemRandom,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let (trust, _) = TrustList::from_unsigned_json(TRUST_LIST).expect("sample trust list");
        let der = pem_body(KEY_PEM);
        let rng = SystemRandom::new();
        Fixture {
            verifier: Verifier::new(Settings::default())
                .with_clock(FixedClock(NOW))
                .with_trust_list(trust),
            key: EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng)
                .expect("test key"),
            rng,
        }
    })
}

fn pem_body(pem: &str) -> Vec<u8> {
    use base64::Engine;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("PEM body")
}

/// A CBOR byte-string head.
fn bstr(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = bytes.len() as u64;
    match len {
        0..=23 => out.push(0x40 | len as u8),
        24..=0xff => out.extend_from_slice(&[0x58, len as u8]),
        0x100..=0xffff => {
            out.push(0x59);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(0x5a);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
    }
    out.extend_from_slice(bytes);
}

fuzz_target!(|cwt: &[u8]| {
    let fixture = fixture();
    let mut to_sign = vec![0x84, 0x6a];
    to_sign.extend_from_slice(b"Signature1");
    bstr(&mut to_sign, &PROTECTED);
    bstr(&mut to_sign, &[]);
    bstr(&mut to_sign, cwt);
    let signature = fixture.key.sign(&fixture.rng, &to_sign).expect("signing");

    let mut cose = vec![0xd2, 0x84];
    bstr(&mut cose, &PROTECTED);
    cose.push(0xa0);
    bstr(&mut cose, cwt);
    bstr(&mut cose, signature.as_ref());
    let mut zlib = ZlibEncoder::new(Vec::new(), Compression::default());
    zlib.write_all(&cose).expect("in memory");
    let qr = format!("HC1:{}", base45::encode(&zlib.finish().expect("in memory")));

    let v = fixture.verifier.verify(&qr);
    let code = v.outcome.reason_code().unwrap_or("valid");
    if code == "input-too-long" {
        return; // a CWT too large for a QR code
    }
    // The signature is good whatever the CWT holds, so only the content can be refused.
    assert_eq!(v.checks.signature, CheckStatus::Passed, "{code}");
    assert!(
        matches!(
            code,
            "valid"
                | "malformed-cwt"
                | "malformed-payload"
                | "expired"
                | "not-yet-valid"
                | "signer-not-valid"
                | "certificate-expired"
                | "certificate-not-yet-valid"
                | "legacy-ddcc"
                | "unknown-kind"
        ),
        "{code}"
    );
    let kind = v.certificate.as_ref().map(|c| c.kind());
    // The legacy demo format is never valid (its reason comes first), an unknown kind never.
    assert_eq!(code == "legacy-ddcc", kind == Some(Kind::LegacyDdcc), "{code}");
    if code == "unknown-kind" || kind == Some(Kind::Unknown) {
        assert!(code != "valid" && kind == Some(Kind::Unknown), "{code}");
    }
    if v.outcome == Outcome::Valid {
        let decoded = decode(&qr).expect("valid but does not decode");
        assert_eq!(v.certificate.as_ref(), Some(&decoded.certificate));
        // The EU DCC's own checks ran on the EU DCC only.
        assert_eq!(v.schema.is_some(), kind == Some(Kind::EuDcc));
    }
});
