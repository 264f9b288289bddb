//! The `ring` backend: ring for RSA-PSS, P-384 and SHA-256, and RustCrypto's `p256` for P-256.
//!
//! Why P-256 is not ring's: ring's P-256 brings a 148 KiB precomputed table
//! (`ecp_nistz256_precomputed`), a tenth of the mobile library, which this backend exists for.
//! `p256` verifies without one, more slowly (docs/performance.md has both figures), once per
//! scan on a phone. Its keys are parsed once; ring has no parsed public keys, so the RSA and
//! P-384 key bytes are kept and ring parses them on each verification.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};

use super::{Checked, Curve, KeyError};

#[cfg_attr(feature = "aws-lc", allow(dead_code))] // aws-lc hashes when both are in
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    for part in parts {
        context.update(part);
    }
    let mut out = [0; 32];
    out.copy_from_slice(context.finish().as_ref());
    out
}

pub enum Key {
    P256(p256::ecdsa::VerifyingKey),
    P384(Box<[u8]>),
    Rsa(RsaPublicKeyComponents<Box<[u8]>>),
}

impl Key {
    pub(super) fn new(key: &Checked<'_>) -> Result<Self, KeyError> {
        Ok(match *key {
            Checked::Ec {
                curve: Curve::P256,
                point,
            } => Self::P256(
                p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                    .map_err(|_| KeyError::Malformed)?,
            ),
            Checked::Ec {
                curve: Curve::P384,
                point,
            } => Self::P384(point.into()),
            Checked::Rsa { modulus, exponent } => Self::Rsa(RsaPublicKeyComponents {
                n: modulus.into(),
                e: exponent.into(),
            }),
        })
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            // The digest is ring's (the `sha2` crate would add its own SHA-256 to the library).
            Self::P256(key) => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|sig| key.verify_prehash(&sha256(&[message]), &sig).is_ok()),
            // ring has P-384 with SHA-256 only in the ASN.1 signature form.
            Self::P384(point) => UnparsedPublicKey::new(&signature::ECDSA_P384_SHA256_ASN1, point)
                .verify(message, &super::raw_to_der(signature))
                .is_ok(),
            Self::Rsa(key) => key
                .verify(&signature::RSA_PSS_2048_8192_SHA256, message, signature)
                .is_ok(),
        }
    }
}
