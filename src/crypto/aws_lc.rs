//! The `aws-lc` backend (aws-lc-rs): keys parsed once, when the DSC is read.

use aws_lc_rs::signature::{self, ParsedPublicKey};

use super::{Checked, Curve, KeyError};

pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    for part in parts {
        context.update(part);
    }
    let mut out = [0; 32];
    out.copy_from_slice(context.finish().as_ref());
    out
}

pub struct Key {
    parsed: ParsedPublicKey,
    /// aws-lc-rs has P-384 with SHA-256 only in the ASN.1 signature form.
    der_signature: bool,
}

impl Key {
    pub(super) fn new(key: &Checked<'_>) -> Result<Self, KeyError> {
        let parsed = match *key {
            Checked::Ec {
                curve: Curve::P256,
                point,
            } => ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point),
            Checked::Ec {
                curve: Curve::P384,
                point,
            } => ParsedPublicKey::new(&signature::ECDSA_P384_SHA256_ASN1, point),
            Checked::Rsa { modulus, exponent } => ParsedPublicKey::new(
                &signature::RSA_PSS_2048_8192_SHA256,
                // PKCS#1 `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
                super::der_sequence_of_integers(&[modulus, exponent]),
            ),
        };
        Ok(Self {
            parsed: parsed.map_err(|_| KeyError::Malformed)?,
            der_signature: matches!(
                key,
                Checked::Ec {
                    curve: Curve::P384,
                    ..
                }
            ),
        })
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        if self.der_signature {
            self.parsed
                .verify_sig(message, &super::raw_to_der(signature))
                .is_ok()
        } else {
            self.parsed.verify_sig(message, signature).is_ok()
        }
    }
}
