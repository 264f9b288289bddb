//! The `ring` backend.

use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};

use super::{Curve, KeyError, SignatureError};

pub const NAME: &str = "ring";

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
    Ec { curve: Curve, point: Vec<u8> },
    Rsa(RsaPublicKeyComponents<Vec<u8>>),
}

impl Key {
    pub fn ec(curve: Curve, point: &[u8]) -> Result<Self, KeyError> {
        // ring parses only uncompressed points; document signer certificates use them.
        if point.first() != Some(&0x04) {
            return Err(KeyError::Unsupported);
        }
        let coordinate_len = match curve {
            Curve::P256 => 32,
            Curve::P384 => 48,
        };
        if point.len() != 1 + 2 * coordinate_len {
            return Err(KeyError::Malformed);
        }
        Ok(Self::Ec {
            curve,
            point: point.to_vec(),
        })
    }

    pub fn rsa(modulus: &[u8], exponent: &[u8]) -> Result<Self, KeyError> {
        Ok(Self::Rsa(RsaPublicKeyComponents {
            n: modulus.to_vec(),
            e: exponent.to_vec(),
        }))
    }

    pub fn verify_ecdsa_sha256(
        &self,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let result = match self {
            Self::Ec {
                curve: Curve::P256,
                point,
            } => UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(message, signature),
            // ring has P-384 with SHA-256 only in the ASN.1 signature form.
            Self::Ec {
                curve: Curve::P384,
                point,
            } => UnparsedPublicKey::new(&signature::ECDSA_P384_SHA256_ASN1, point)
                .verify(message, &raw_to_der(signature)),
            Self::Rsa(_) => return Err(SignatureError::KeyMismatch),
        };
        result.map_err(|_| SignatureError::Invalid)
    }

    pub fn verify_pss_sha256(
        &self,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        match self {
            Self::Rsa(key) => key
                .verify(&signature::RSA_PSS_2048_8192_SHA256, message, signature)
                .map_err(|_| SignatureError::Invalid),
            Self::Ec { .. } => Err(SignatureError::KeyMismatch),
        }
    }
}

/// Converts a raw r‖s ECDSA signature into its DER `SEQUENCE { r INTEGER, s INTEGER }`.
fn raw_to_der(raw: &[u8]) -> Vec<u8> {
    let (r, s) = raw.split_at(raw.len() / 2);
    let integer = |v: &[u8]| {
        let v = super::strip_leading_zeros(v);
        let pad = v.first().is_none_or(|&b| b & 0x80 != 0);
        let mut out = vec![0x02, (v.len() + usize::from(pad)) as u8];
        if pad {
            out.push(0);
        }
        out.extend_from_slice(v);
        out
    };
    let (r, s) = (integer(r), integer(s));
    let mut der = vec![0x30, (r.len() + s.len()) as u8];
    der.extend(r);
    der.extend(s);
    der
}
