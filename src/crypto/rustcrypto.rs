//! The RustCrypto backend: `p256`, `p384` and `rsa`, pure Rust.

use p256::ecdsa::signature::Verifier;
use rsa::pss;
use sha2::{Digest, Sha256};

use super::{Curve, KeyError, SignatureError};

pub const NAME: &str = "rustcrypto";

pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

pub enum Key {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Rsa(pss::VerifyingKey<Sha256>),
}

impl Key {
    pub fn ec(curve: Curve, point: &[u8]) -> Result<Self, KeyError> {
        match curve {
            Curve::P256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map(Self::P256),
            Curve::P384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map(Self::P384),
        }
        .map_err(|_| KeyError::Malformed)
    }

    pub fn rsa(modulus: &[u8], exponent: &[u8]) -> Result<Self, KeyError> {
        let n = rsa::BigUint::from_bytes_be(modulus);
        let e = rsa::BigUint::from_bytes_be(exponent);
        let key = rsa::RsaPublicKey::new(n, e).map_err(|_| KeyError::Malformed)?;
        Ok(Self::Rsa(pss::VerifyingKey::new(key)))
    }

    pub fn verify_ecdsa_sha256(
        &self,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        use p384::ecdsa::signature::hazmat::PrehashVerifier;
        match self {
            Self::P256(key) => {
                let sig = p256::ecdsa::Signature::from_slice(signature)
                    .map_err(|_| SignatureError::Invalid)?;
                key.verify(message, &sig)
                    .map_err(|_| SignatureError::Invalid)
            }
            // P-384 signs a SHA-256 digest here (see Curve::P384), so verify the prehash.
            Self::P384(key) => {
                let sig = p384::ecdsa::Signature::from_slice(signature)
                    .map_err(|_| SignatureError::Invalid)?;
                key.verify_prehash(&Sha256::digest(message), &sig)
                    .map_err(|_| SignatureError::Invalid)
            }
            Self::Rsa(_) => Err(SignatureError::KeyMismatch),
        }
    }

    pub fn verify_pss_sha256(
        &self,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        match self {
            Self::Rsa(key) => {
                let sig =
                    pss::Signature::try_from(signature).map_err(|_| SignatureError::Invalid)?;
                key.verify(message, &sig)
                    .map_err(|_| SignatureError::Invalid)
            }
            Self::P256(_) | Self::P384(_) => Err(SignatureError::KeyMismatch),
        }
    }
}
