//! Public keys of document signers and the two signature schemes of the DCC specification,
//! over a choice of backend: `ring` (default, fast) or RustCrypto (`rustcrypto` feature, pure
//! Rust for targets without a C toolchain; it wins when both features are on).

use thiserror::Error;

#[cfg(feature = "rustcrypto")]
#[path = "rustcrypto.rs"]
mod backend;

#[cfg(all(feature = "ring", not(feature = "rustcrypto")))]
#[path = "ring.rs"]
mod backend;

#[cfg(not(any(feature = "ring", feature = "rustcrypto")))]
compile_error!("enable a signature backend: feature `ring` (default) or `rustcrypto`");

/// Name of the signature backend compiled in.
pub const BACKEND: &str = backend::NAME;

/// SHA-256 of the concatenated `parts`, by the backend's implementation (ring's uses the CPU's
/// SHA extensions: four times the `sha2` crate's speed here, which counts when a 4 MB trust list
/// is hashed and its 829 certificates' kids computed).
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    backend::sha256(parts)
}

/// Smallest RSA modulus accepted, in bits (the specification's PS256 uses 2048).
pub const MIN_RSA_BITS: usize = 2048;

/// Elliptic curves of document signer keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    P256,
    /// Not in the specification, but used by a real issuer (ES) with ES256 signatures.
    P384,
}

impl Curve {
    /// Length of a raw r‖s signature on this curve.
    fn signature_len(self) -> usize {
        match self {
            Self::P256 => 64,
            Self::P384 => 96,
        }
    }
}

/// The kind of a public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    Ec(Curve),
    Rsa { bits: usize },
}

/// The signature schemes of the specification, named by what they compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// ECDSA over SHA-256 with a raw r‖s signature (COSE ES256).
    EcdsaSha256,
    /// RSASSA-PSS, SHA-256, MGF1 with SHA-256, salt length 32 (COSE PS256).
    RsaPssSha256,
}

/// Why a key cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("unsupported public key algorithm or curve")]
    Unsupported,
    #[error("malformed public key")]
    Malformed,
    #[error("RSA key of {bits} bits is too weak (minimum {MIN_RSA_BITS})")]
    WeakRsa { bits: usize },
}

/// Why a signature does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The scheme does not fit the key (ECDSA with an RSA key or the reverse).
    #[error("signature scheme does not match the key type")]
    KeyMismatch,
    /// The signature has the wrong length for the key (e.g. a DER-encoded ECDSA signature).
    #[error("signature has the wrong length")]
    Length,
    /// The signature does not verify.
    #[error("signature does not verify")]
    Invalid,
}

/// A document signer's public key, prepared once for verification.
pub struct PublicKey {
    key_type: KeyType,
    inner: backend::Key,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicKey")
            .field("key_type", &self.key_type)
            .finish_non_exhaustive()
    }
}

impl PublicKey {
    /// An EC key from its SEC1 point (uncompressed or compressed).
    pub fn ec(curve: Curve, point: &[u8]) -> Result<Self, KeyError> {
        Ok(Self {
            key_type: KeyType::Ec(curve),
            inner: backend::Key::ec(curve, point)?,
        })
    }

    /// An RSA key from its big-endian modulus and exponent.
    pub fn rsa(modulus: &[u8], exponent: &[u8]) -> Result<Self, KeyError> {
        let modulus = strip_leading_zeros(modulus);
        let bits = bit_length(modulus);
        if bits < MIN_RSA_BITS {
            return Err(KeyError::WeakRsa { bits });
        }
        let exponent = strip_leading_zeros(exponent);
        Ok(Self {
            key_type: KeyType::Rsa { bits },
            inner: backend::Key::rsa(modulus, exponent)?,
        })
    }

    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// Verifies `signature` over `message` with `scheme`.
    pub fn verify(
        &self,
        scheme: Scheme,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        match (scheme, self.key_type) {
            (Scheme::EcdsaSha256, KeyType::Ec(curve)) => {
                if signature.len() != curve.signature_len() {
                    return Err(SignatureError::Length);
                }
                self.inner.verify_ecdsa_sha256(message, signature)
            }
            (Scheme::RsaPssSha256, KeyType::Rsa { bits }) => {
                if signature.len() != bits.div_ceil(8) {
                    return Err(SignatureError::Length);
                }
                self.inner.verify_pss_sha256(message, signature)
            }
            _ => Err(SignatureError::KeyMismatch),
        }
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

fn bit_length(big_endian: &[u8]) -> usize {
    match big_endian.first() {
        Some(&top) => big_endian.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

#[cfg(test)]
mod tests;
