//! Every signature backend in the build gives the same answer, on the keys and signatures where
//! ring and RustCrypto used to disagree (compressed and off-curve points, RSA 8192, e = 1, PSS
//! salt lengths) and on high-S ECDSA, which every backend accepts (see src/crypto/mod.rs for
//! why). Keys are checked once for all backends, so a key refused is refused everywhere; each
//! signature is verified on every backend and the answers compared.
//!
//! Fixtures: testdata/backends (SOURCE.md says how they were made).

use dcc_verify::crypto::{Backend, Curve, KeyError, KeyType, PublicKey, Scheme, SignatureError};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey as SpkiKey;
use x509_parser::x509::SubjectPublicKeyInfo;

fn read(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/backends/").to_owned() + name;
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn message() -> Vec<u8> {
    read("message.txt")
}

/// The uncompressed EC point of an SPKI fixture.
fn ec_point(spki: &str) -> Vec<u8> {
    let der = read(spki);
    let (_, spki) = SubjectPublicKeyInfo::from_der(&der).unwrap();
    spki.subject_public_key.data.to_vec()
}

/// Modulus and exponent of an RSA SPKI fixture.
fn rsa_components(spki: &str) -> (Vec<u8>, Vec<u8>) {
    let der = read(spki);
    let (_, spki) = SubjectPublicKeyInfo::from_der(&der).unwrap();
    match spki.parsed().unwrap() {
        SpkiKey::RSA(rsa) => (rsa.modulus.to_vec(), rsa.exponent.to_vec()),
        _ => panic!("{spki:?} is not RSA"),
    }
}

/// The answer of every backend in the build, asserted to be the same.
#[track_caller]
fn verify_everywhere(
    key: &PublicKey,
    scheme: Scheme,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let answers: Vec<_> = Backend::ALL
        .iter()
        .map(|&backend| {
            (
                backend,
                key.verify_with(backend, scheme, message, signature),
            )
        })
        .collect();
    let first = answers[0].1;
    assert!(
        answers.iter().all(|(_, answer)| *answer == first),
        "backends disagree: {answers:?}"
    );
    first
}

/// Group orders, big-endian.
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
const P384_N: &str = "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973";

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// `a − b` for big-endian numbers of one length, a ≥ b.
fn sub(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0; a.len()];
    let mut borrow = 0i16;
    for i in (0..a.len()).rev() {
        let d = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = i16::from(d < 0);
        out[i] = d.rem_euclid(256) as u8;
    }
    assert_eq!(borrow, 0);
    out
}

/// A DER `SEQUENCE { r INTEGER, s INTEGER }` as raw r‖s of `len` bytes each.
fn der_to_raw(der: &[u8], len: usize) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut rest = &der[2..]; // SEQUENCE, short length (P-256 and P-384 signatures fit)
    for _ in 0..2 {
        assert_eq!(rest[0], 0x02);
        let n = usize::from(rest[1]);
        let integer = &rest[2..2 + n];
        let integer = &integer[integer.iter().position(|&b| b != 0).unwrap_or(n)..];
        raw.extend(std::iter::repeat_n(0, len - integer.len()));
        raw.extend_from_slice(integer);
        rest = &rest[2 + n..];
    }
    raw
}

/// The EC fixtures: (curve, key, a valid raw signature over the message, the group order).
fn ec_fixtures() -> Vec<(Curve, PublicKey, Vec<u8>, Vec<u8>)> {
    [
        (Curve::P256, "p256", 32, P256_N),
        (Curve::P384, "p384", 48, P384_N),
    ]
    .into_iter()
    .map(|(curve, name, len, n)| {
        let key = PublicKey::ec(curve, &ec_point(&format!("{name}.spki.der"))).unwrap();
        let signature = der_to_raw(&read(&format!("{name}-sha256.der.sig")), len);
        (curve, key, signature, hex(n))
    })
    .collect()
}

#[test]
fn ecdsa_signatures_verify_alike_on_every_backend() {
    assert!(!Backend::ALL.is_empty());
    for (curve, key, signature, _) in ec_fixtures() {
        assert_eq!(key.key_type(), KeyType::Ec(curve));
        let scheme = Scheme::EcdsaSha256;
        assert_eq!(
            verify_everywhere(&key, scheme, &message(), &signature),
            Ok(())
        );
        let mut tampered = signature.clone();
        tampered[5] ^= 1;
        assert_eq!(
            verify_everywhere(&key, scheme, &message(), &tampered),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            verify_everywhere(&key, scheme, b"another message", &signature),
            Err(SignatureError::Invalid)
        );
    }
}

/// Decision: high-S signatures are accepted (ECDSA's (r, n − s) is as valid as (r, s); issuers
/// produce either). Of s and n − s one is high, so both verifying means high S is accepted.
#[test]
fn high_s_signatures_are_accepted_on_every_backend() {
    for (curve, key, signature, n) in ec_fixtures() {
        let (r, s) = signature.split_at(n.len());
        let flipped = [r, &sub(&n, s)].concat();
        assert_ne!(flipped, signature);
        let high = if s > &flipped[n.len()..] {
            s
        } else {
            &flipped[n.len()..]
        };
        assert!(
            high > &sub(&n, high)[..],
            "{curve:?}: one of s, n - s is high"
        );
        assert_eq!(
            verify_everywhere(&key, Scheme::EcdsaSha256, &message(), &flipped),
            Ok(()),
            "{curve:?}"
        );
    }
}

#[test]
fn scalars_out_of_range_are_refused_on_every_backend() {
    for (curve, key, signature, n) in ec_fixtures() {
        let len = n.len();
        let (r, s) = signature.split_at(len);
        let zero = vec![0; len];
        for forged in [
            [&zero[..], s].concat(),
            [r, &zero[..]].concat(),
            [&n[..], s].concat(),
            [r, &n[..]].concat(),
            [&sub(&n, &zero)[..], s].concat(),
            vec![0xff; 2 * len],
        ] {
            assert_eq!(
                verify_everywhere(&key, Scheme::EcdsaSha256, &message(), &forged),
                Err(SignatureError::Invalid),
                "{curve:?}"
            );
        }
    }
}

#[test]
fn compressed_points_are_unsupported_on_every_backend() {
    for (curve, name, len) in [(Curve::P256, "p256", 32), (Curve::P384, "p384", 48)] {
        let point = ec_point(&format!("{name}.spki.der"));
        let (x, y) = point[1..].split_at(len);
        let compressed = [&[0x02 | (y[len - 1] & 1)][..], x].concat();
        assert_eq!(
            PublicKey::ec(curve, &compressed).unwrap_err(),
            KeyError::Unsupported,
            "{curve:?}"
        );
    }
}

#[test]
fn off_curve_points_are_malformed_on_every_backend() {
    for (curve, name) in [(Curve::P256, "p256"), (Curve::P384, "p384")] {
        let point = ec_point(&format!("{name}.spki.der"));
        let mut off = point.clone();
        *off.last_mut().unwrap() ^= 1;
        assert_eq!(PublicKey::ec(curve, &off).unwrap_err(), KeyError::Malformed);
        // The other curve's point, and a hybrid (0x06) encoding.
        let other = if curve == Curve::P256 {
            Curve::P384
        } else {
            Curve::P256
        };
        assert_eq!(
            PublicKey::ec(other, &point).unwrap_err(),
            KeyError::Malformed
        );
        let mut hybrid = point.clone();
        hybrid[0] = 0x06;
        assert_eq!(
            PublicKey::ec(curve, &hybrid).unwrap_err(),
            KeyError::Malformed
        );
    }
    // x = p, y = 0: out of the field even though short arithmetic would wrap it to (0, 0).
    let p = hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    let point = [&[4][..], &p, &[0; 32]].concat();
    assert_eq!(
        PublicKey::ec(Curve::P256, &point).unwrap_err(),
        KeyError::Malformed
    );
}

#[test]
fn rsa_8192_verifies_on_every_backend() {
    let (n, e) = rsa_components("rsa8192.spki.der");
    let key = PublicKey::rsa(&n, &e).unwrap();
    assert_eq!(key.key_type(), KeyType::Rsa { bits: 8192 });
    let signature = read("rsa8192-pss-salt32.sig");
    let scheme = Scheme::RsaPssSha256;
    assert_eq!(
        verify_everywhere(&key, scheme, &message(), &signature),
        Ok(())
    );
    let mut tampered = signature.clone();
    tampered[100] ^= 1;
    assert_eq!(
        verify_everywhere(&key, scheme, &message(), &tampered),
        Err(SignatureError::Invalid)
    );
}

#[test]
fn rsa_over_8192_bits_is_unsupported() {
    let mut modulus = vec![0xff; 1025]; // 8200 bits, odd
    assert_eq!(
        PublicKey::rsa(&modulus, &[1, 0, 1]).unwrap_err(),
        KeyError::Unsupported
    );
    modulus.truncate(1024);
    assert!(PublicKey::rsa(&modulus, &[1, 0, 1]).is_ok());
}

#[test]
fn rsa_exponents_and_moduli_no_backend_takes_are_malformed() {
    let (n, e) = rsa_components("rsa8192.spki.der");
    assert_eq!(e, [1, 0, 1]);
    for exponent in [
        &[][..],
        &[0],
        &[1],
        &[0, 1],
        &[2],
        &[1, 0, 0],
        &[2, 0, 0, 0, 1], // 2^33 + 1
    ] {
        assert_eq!(
            PublicKey::rsa(&n, exponent).unwrap_err(),
            KeyError::Malformed,
            "e = {exponent:?}"
        );
    }
    for exponent in [&[3][..], &[1, 0, 0, 0, 1], &[1, 0xff, 0xff, 0xff, 0xff]] {
        assert!(PublicKey::rsa(&n, exponent).is_ok(), "e = {exponent:?}");
    }
    let mut even = n.clone();
    *even.last_mut().unwrap() &= 0xfe;
    assert_eq!(PublicKey::rsa(&even, &e).unwrap_err(), KeyError::Malformed);
}

/// PS256 fixes the salt length at 32 (the digest's); no backend may take another.
#[test]
fn pss_salt_lengths_other_than_32_are_refused_on_every_backend() {
    let der = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/samples/pki/dsc-vn-ps256.crt.der"
    ))
    .unwrap();
    let dsc = dcc_verify::Dsc::from_der(&der).unwrap();
    let key = dsc.public_key().unwrap();
    let scheme = Scheme::RsaPssSha256;
    let signature = |salt: u32| read(&format!("rsa2048-pss-salt{salt}.sig"));
    assert_eq!(
        verify_everywhere(key, scheme, &message(), &signature(32)),
        Ok(())
    );
    for salt in [0, 20, 64] {
        assert_eq!(
            verify_everywhere(key, scheme, &message(), &signature(salt)),
            Err(SignatureError::Invalid),
            "salt {salt}"
        );
    }
}
