use super::*;
use ring::rand::SystemRandom;
use ring::signature::{self as ring_sig, EcdsaKeyPair, KeyPair, RsaKeyPair};

fn pem_body(pem: &str) -> Vec<u8> {
    use base64::Engine;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

fn p256_pair() -> EcdsaKeyPair {
    let rng = SystemRandom::new();
    let pkcs8 =
        EcdsaKeyPair::generate_pkcs8(&ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    EcdsaKeyPair::from_pkcs8(
        &ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING,
        pkcs8.as_ref(),
        &rng,
    )
    .unwrap()
}

fn rsa_pair() -> RsaKeyPair {
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/samples/pki/dsc-vn-ps256.TEST-ONLY.key.pem"
    ))
    .unwrap();
    RsaKeyPair::from_pkcs8(&pem_body(&pem)).unwrap()
}

fn rsa_public(pair: &RsaKeyPair) -> PublicKey {
    let public = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(pair.public());
    PublicKey::rsa(&public.n, &public.e).unwrap()
}

#[test]
fn verifies_es256_and_rejects_tampering() {
    let pair = p256_pair();
    let sig = pair.sign(&SystemRandom::new(), b"message").unwrap();
    let key = PublicKey::ec(Curve::P256, pair.public_key().as_ref()).unwrap();
    assert_eq!(key.key_type(), KeyType::Ec(Curve::P256));
    assert_eq!(
        key.verify(Scheme::EcdsaSha256, b"message", sig.as_ref()),
        Ok(())
    );
    assert_eq!(
        key.verify(Scheme::EcdsaSha256, b"messagf", sig.as_ref()),
        Err(SignatureError::Invalid)
    );
    let mut flipped = sig.as_ref().to_vec();
    flipped[10] ^= 1;
    assert_eq!(
        key.verify(Scheme::EcdsaSha256, b"message", &flipped),
        Err(SignatureError::Invalid)
    );
}

#[test]
fn rejects_der_encoded_ecdsa_signatures() {
    let rng = SystemRandom::new();
    let pkcs8 =
        EcdsaKeyPair::generate_pkcs8(&ring_sig::ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(
        &ring_sig::ECDSA_P256_SHA256_ASN1_SIGNING,
        pkcs8.as_ref(),
        &rng,
    )
    .unwrap();
    let der_sig = pair.sign(&rng, b"message").unwrap();
    let key = PublicKey::ec(Curve::P256, pair.public_key().as_ref()).unwrap();
    assert_eq!(
        key.verify(Scheme::EcdsaSha256, b"message", der_sig.as_ref()),
        Err(SignatureError::Length)
    );
}

#[test]
fn verifies_ps256_and_rejects_tampering() {
    let pair = rsa_pair();
    let mut sig = vec![0; pair.public().modulus_len()];
    pair.sign(
        &ring_sig::RSA_PSS_SHA256,
        &SystemRandom::new(),
        b"message",
        &mut sig,
    )
    .unwrap();
    let key = rsa_public(&pair);
    assert_eq!(key.key_type(), KeyType::Rsa { bits: 2048 });
    assert_eq!(key.verify(Scheme::RsaPssSha256, b"message", &sig), Ok(()));
    assert_eq!(
        key.verify(Scheme::RsaPssSha256, b"massage", &sig),
        Err(SignatureError::Invalid)
    );
    assert_eq!(
        key.verify(Scheme::RsaPssSha256, b"message", &sig[1..]),
        Err(SignatureError::Length)
    );
    // PKCS#1 v1.5 is not PS256.
    let mut pkcs1 = vec![0; pair.public().modulus_len()];
    pair.sign(
        &ring_sig::RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        b"message",
        &mut pkcs1,
    )
    .unwrap();
    assert_eq!(
        key.verify(Scheme::RsaPssSha256, b"message", &pkcs1),
        Err(SignatureError::Invalid)
    );
}

#[test]
fn scheme_and_key_type_must_agree() {
    let ec = PublicKey::ec(Curve::P256, p256_pair().public_key().as_ref()).unwrap();
    let rsa = rsa_public(&rsa_pair());
    assert_eq!(
        ec.verify(Scheme::RsaPssSha256, b"m", &[0; 256]),
        Err(SignatureError::KeyMismatch)
    );
    assert_eq!(
        rsa.verify(Scheme::EcdsaSha256, b"m", &[0; 64]),
        Err(SignatureError::KeyMismatch)
    );
}

#[test]
fn refuses_weak_rsa_and_malformed_points() {
    let mut modulus = vec![0xff; 128]; // 1024 bits
    assert_eq!(
        PublicKey::rsa(&modulus, &[1, 0, 1]).unwrap_err(),
        KeyError::WeakRsa { bits: 1024 }
    );
    modulus.insert(0, 0); // a leading zero does not add bits
    assert_eq!(
        PublicKey::rsa(&modulus, &[1, 0, 1]).unwrap_err(),
        KeyError::WeakRsa { bits: 1024 }
    );
    assert!(PublicKey::ec(Curve::P256, &[4; 10]).is_err());
    assert!(PublicKey::ec(Curve::P256, &[]).is_err());
}
