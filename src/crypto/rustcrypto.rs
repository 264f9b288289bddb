//! The RustCrypto backend: `p256`, `p384` and `rsa`, pure Rust, keys parsed once.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::signature::Verifier;
use rsa::pss;
use sha2::{Digest, Sha256};

use super::{Checked, Curve, KeyError, MAX_RSA_BITS};

#[cfg_attr(any(feature = "ring", feature = "aws-lc"), allow(dead_code))] // they hash when in
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// PS256's salt length (the digest's), the only one ring and aws-lc take; stated rather than
/// left to `rsa`'s default.
const PSS_SALT_LEN: usize = 32;

pub enum Key {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Rsa(pss::VerifyingKey<Sha256>),
}

impl Key {
    pub(super) fn new(key: &Checked<'_>) -> Result<Self, KeyError> {
        match *key {
            Checked::Ec {
                curve: Curve::P256,
                point,
            } => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map(Self::P256)
                .map_err(|_| KeyError::Malformed),
            Checked::Ec {
                curve: Curve::P384,
                point,
            } => p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map(Self::P384)
                .map_err(|_| KeyError::Malformed),
            Checked::Rsa { modulus, exponent } => {
                let n = rsa::BigUint::from_bytes_be(modulus);
                let e = rsa::BigUint::from_bytes_be(exponent);
                // `new` stops at 4096 bits; every backend takes up to 8192.
                let key = rsa::RsaPublicKey::new_with_max_size(n, e, MAX_RSA_BITS)
                    .map_err(|_| KeyError::Malformed)?;
                Ok(Self::Rsa(pss::VerifyingKey::new_with_salt_len(
                    key,
                    PSS_SALT_LEN,
                )))
            }
        }
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::P256(key) => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|sig| key.verify(message, &sig).is_ok()),
            // P-384 signs a SHA-256 digest here (see Curve::P384), so verify the prehash.
            Self::P384(key) => p384::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|sig| key.verify_prehash(&Sha256::digest(message), &sig).is_ok()),
            Self::Rsa(key) => pss::Signature::try_from(signature)
                .is_ok_and(|sig| key.verify(message, &sig).is_ok()),
        }
    }
}
