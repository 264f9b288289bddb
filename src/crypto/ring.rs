//! The `ring` backend. ring has no parsed public keys: the checked key bytes are kept and ring
//! parses them on each verification.

use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};

use super::{Checked, Curve};

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
    P256(Box<[u8]>),
    P384(Box<[u8]>),
    Rsa(RsaPublicKeyComponents<Box<[u8]>>),
}

impl Key {
    pub(super) fn new(key: &Checked<'_>) -> Self {
        match *key {
            Checked::Ec {
                curve: Curve::P256,
                point,
            } => Self::P256(point.into()),
            Checked::Ec {
                curve: Curve::P384,
                point,
            } => Self::P384(point.into()),
            Checked::Rsa { modulus, exponent } => Self::Rsa(RsaPublicKeyComponents {
                n: modulus.into(),
                e: exponent.into(),
            }),
        }
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::P256(point) => UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(message, signature)
                .is_ok(),
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
