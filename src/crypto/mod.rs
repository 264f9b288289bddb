//! Public keys of document signers and the two signature schemes of the DCC specification,
//! over one or more backends compiled in: `ring` (the mobile library's: small; P-256 through
//! RustCrypto's `p256`, see ring.rs),
//! `aws-lc` (aws-lc-rs, the fastest, with keys parsed once) and `rustcrypto` (pure Rust, for
//! targets without a C toolchain).
//!
//! Every backend gives the same answer for every key and signature: what the specification
//! allows is decided here, once, before a backend sees a key (see [`PublicKey::ec`] and
//! [`PublicKey::rsa`]), and the backends only do the arithmetic. `tests/backends.rs`,
//! `tests/adversarial.rs` and `tests/conformance.rs` check that on every backend in the build.
//!
//! High-S ECDSA signatures are accepted, by every backend. ECDSA is malleable: when (r, s)
//! verifies, so does (r, n − s), and the specification does not ask issuers for low S (their
//! HSMs and libraries produce either half the time), so refusing high S would refuse genuine
//! certificates. Nothing here relies on a signature being unique: the EU revocation scheme
//! hashes only r of an ECDSA signature for this reason, and the verifier identifies neither
//! certificates nor signers by their signature bytes.

use thiserror::Error;

mod point;

#[cfg(feature = "aws-lc")]
mod aws_lc;
#[cfg(feature = "ring")]
#[path = "ring.rs"]
mod ring_backend;
#[cfg(feature = "rustcrypto")]
mod rustcrypto;

#[cfg(not(any(feature = "ring", feature = "aws-lc", feature = "rustcrypto")))]
compile_error!(
    "enable a signature backend: feature `ring` (the mobile default), `aws-lc` or `rustcrypto`"
);

/// A signature backend compiled into this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    #[cfg(feature = "ring")]
    /// ring.
    Ring,
    #[cfg(feature = "aws-lc")]
    /// aws-lc-rs.
    AwsLc,
    #[cfg(feature = "rustcrypto")]
    /// The RustCrypto crates (pure Rust).
    RustCrypto,
}

impl Backend {
    /// Every backend in this build.
    pub const ALL: &'static [Backend] = &[
        #[cfg(feature = "ring")]
        Backend::Ring,
        #[cfg(feature = "aws-lc")]
        Backend::AwsLc,
        #[cfg(feature = "rustcrypto")]
        Backend::RustCrypto,
    ];

    /// The backend a [`Verifier`](crate::Verifier) uses unless told otherwise: the fastest in
    /// the build (aws-lc, then ring, then RustCrypto).
    #[cfg(feature = "aws-lc")]
    pub const DEFAULT: Backend = Backend::AwsLc;
    /// See above.
    #[cfg(all(feature = "ring", not(feature = "aws-lc")))]
    pub const DEFAULT: Backend = Backend::Ring;
    /// See above.
    #[cfg(all(feature = "rustcrypto", not(any(feature = "ring", feature = "aws-lc"))))]
    pub const DEFAULT: Backend = Backend::RustCrypto;

    /// The backend's name, e.g. "ring".
    pub const fn name(self) -> &'static str {
        match self {
            #[cfg(feature = "ring")]
            Backend::Ring => "ring",
            #[cfg(feature = "aws-lc")]
            Backend::AwsLc => "aws-lc",
            #[cfg(feature = "rustcrypto")]
            Backend::RustCrypto => "rustcrypto",
        }
    }
}

impl Default for Backend {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Name of the default signature backend.
pub const BACKEND: &str = Backend::DEFAULT.name();

/// SHA-256 of the concatenated `parts`, by the default backend's implementation (ring's and
/// aws-lc's use the CPU's SHA extensions: four times the `sha2` crate's speed here, which counts
/// when a 4 MB trust list is hashed and its 829 certificates' kids computed).
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    #[cfg(feature = "aws-lc")]
    return aws_lc::sha256(parts);
    #[cfg(all(feature = "ring", not(feature = "aws-lc")))]
    return ring_backend::sha256(parts);
    #[cfg(all(feature = "rustcrypto", not(any(feature = "ring", feature = "aws-lc"))))]
    return rustcrypto::sha256(parts);
}

/// Smallest RSA modulus accepted, in bits (the specification's PS256 uses 2048).
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits: the largest every backend verifies.
pub const MAX_RSA_BITS: usize = 8192;

/// Elliptic curves of document signer keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// Not in the specification, but used by a real issuer (ES) with ES256 signatures.
    P384,
}

impl Curve {
    /// Length of one coordinate, and of r or s in a raw r‖s signature.
    fn scalar_len(self) -> usize {
        match self {
            Self::P256 => 32,
            Self::P384 => 48,
        }
    }
}

/// The kind of a public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// An elliptic-curve key on this curve.
    Ec(Curve),
    /// An RSA key.
    Rsa {
        /// The modulus size in bits.
        bits: usize,
    },
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
    /// An algorithm or curve outside the specification, a compressed EC point, or an RSA key
    /// over [`MAX_RSA_BITS`].
    #[error("unsupported public key algorithm, curve or encoding")]
    Unsupported,
    /// A point not on its curve, an RSA exponent that is even, under 3 or over 33 bits, an
    /// even modulus, or bytes that do not encode a key.
    #[error("malformed public key")]
    Malformed,
    #[error("RSA key of {bits} bits is too weak (minimum {MIN_RSA_BITS})")]
    /// An RSA key too short to trust.
    WeakRsa {
        /// The modulus size in bits.
        bits: usize,
    },
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

/// A document signer's public key, checked and parsed once, for every backend in the build.
pub struct PublicKey {
    key_type: KeyType,
    #[cfg(feature = "ring")]
    ring: ring_backend::Key,
    #[cfg(feature = "aws-lc")]
    aws_lc: aws_lc::Key,
    #[cfg(feature = "rustcrypto")]
    rustcrypto: rustcrypto::Key,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicKey")
            .field("key_type", &self.key_type)
            .finish_non_exhaustive()
    }
}

/// What every backend is given: a key that passed the checks of [`PublicKey`].
enum Checked<'a> {
    Ec {
        curve: Curve,
        point: &'a [u8],
    },
    Rsa {
        modulus: &'a [u8],
        exponent: &'a [u8],
    },
}

impl PublicKey {
    /// An EC key from its uncompressed SEC1 point (`04 ‖ x ‖ y`), which must lie on the curve.
    /// Compressed points are refused ([`KeyError::Unsupported`]): document signer certificates
    /// do not use them, and ring cannot read them.
    pub fn ec(curve: Curve, point: &[u8]) -> Result<Self, KeyError> {
        let coordinates = match point.split_first() {
            Some((0x04, coordinates)) => coordinates,
            Some((0x02 | 0x03, _)) => return Err(KeyError::Unsupported),
            _ => return Err(KeyError::Malformed),
        };
        if coordinates.len() != 2 * curve.scalar_len() {
            return Err(KeyError::Malformed);
        }
        let (x, y) = coordinates.split_at(curve.scalar_len());
        if !point::is_on_curve(curve, x, y) {
            return Err(KeyError::Malformed);
        }
        Self::parse(KeyType::Ec(curve), Checked::Ec { curve, point })
    }

    /// An RSA key from its big-endian modulus and exponent: 2048 to 8192 bits, an odd modulus,
    /// an odd exponent from 3 to 2³³ − 1 (what every backend accepts).
    pub fn rsa(modulus: &[u8], exponent: &[u8]) -> Result<Self, KeyError> {
        let modulus = strip_leading_zeros(modulus);
        let bits = bit_length(modulus);
        if bits < MIN_RSA_BITS {
            return Err(KeyError::WeakRsa { bits });
        }
        if bits > MAX_RSA_BITS {
            return Err(KeyError::Unsupported);
        }
        let exponent = strip_leading_zeros(exponent);
        let odd = |n: &[u8]| n.last().is_some_and(|b| b & 1 == 1);
        let exponent_bits = bit_length(exponent);
        let small = exponent_bits < 2; // 0 or 1
        if !odd(modulus) || !odd(exponent) || small || exponent_bits > 33 {
            return Err(KeyError::Malformed);
        }
        Self::parse(KeyType::Rsa { bits }, Checked::Rsa { modulus, exponent })
    }

    fn parse(key_type: KeyType, key: Checked<'_>) -> Result<Self, KeyError> {
        Ok(Self {
            key_type,
            #[cfg(feature = "ring")]
            ring: ring_backend::Key::new(&key)?,
            #[cfg(feature = "aws-lc")]
            aws_lc: aws_lc::Key::new(&key)?,
            #[cfg(feature = "rustcrypto")]
            rustcrypto: rustcrypto::Key::new(&key)?,
        })
    }

    /// The key's type (curve, or RSA and its size).
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// Verifies `signature` over `message` with `scheme`, on the default backend.
    pub fn verify(
        &self,
        scheme: Scheme,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        self.verify_with(Backend::DEFAULT, scheme, message, signature)
    }

    /// Verifies `signature` over `message` with `scheme`, on `backend`.
    pub fn verify_with(
        &self,
        backend: Backend,
        scheme: Scheme,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let expected_len = match (scheme, self.key_type) {
            (Scheme::EcdsaSha256, KeyType::Ec(curve)) => 2 * curve.scalar_len(),
            (Scheme::RsaPssSha256, KeyType::Rsa { bits }) => bits.div_ceil(8),
            _ => return Err(SignatureError::KeyMismatch),
        };
        if signature.len() != expected_len {
            return Err(SignatureError::Length);
        }
        let verified = match backend {
            #[cfg(feature = "ring")]
            Backend::Ring => self.ring.verify(message, signature),
            #[cfg(feature = "aws-lc")]
            Backend::AwsLc => self.aws_lc.verify(message, signature),
            #[cfg(feature = "rustcrypto")]
            Backend::RustCrypto => self.rustcrypto.verify(message, signature),
        };
        if verified {
            Ok(())
        } else {
            Err(SignatureError::Invalid)
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

/// Converts a raw r‖s ECDSA signature into its DER `SEQUENCE { r INTEGER, s INTEGER }`, for the
/// backends that take P-384 with SHA-256 only in that form.
#[cfg(any(feature = "ring", feature = "aws-lc"))]
fn raw_to_der(raw: &[u8]) -> Vec<u8> {
    let (r, s) = raw.split_at(raw.len() / 2);
    der_sequence_of_integers(&[r, s])
}

/// The DER `SEQUENCE` of the non-negative INTEGERs whose big-endian magnitudes are `values`
/// (leading zeros allowed): an ECDSA signature's (r, s), or an RSA key's (n, e).
#[cfg(any(feature = "ring", feature = "aws-lc"))]
fn der_sequence_of_integers(values: &[&[u8]]) -> Vec<u8> {
    fn tlv(out: &mut Vec<u8>, tag: u8, content: &[&[u8]]) {
        let len: usize = content.iter().map(|c| c.len()).sum();
        out.push(tag);
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes = len.to_be_bytes();
            let significant = strip_leading_zeros(&bytes);
            out.push(0x80 | significant.len() as u8);
            out.extend_from_slice(significant);
        }
        for part in content {
            out.extend_from_slice(part);
        }
    }
    let integers: Vec<Vec<u8>> = values
        .iter()
        .map(|value| {
            let value = strip_leading_zeros(value);
            // A zero byte keeps the value positive (and encodes zero itself).
            let pad: &[u8] = if value.first().is_none_or(|&b| b & 0x80 != 0) {
                &[0]
            } else {
                &[]
            };
            let mut integer = Vec::with_capacity(value.len() + 6);
            tlv(&mut integer, 0x02, &[pad, value]);
            integer
        })
        .collect();
    let parts: Vec<&[u8]> = integers.iter().map(Vec::as_slice).collect();
    let mut der = Vec::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + 6);
    tlv(&mut der, 0x30, &parts);
    der
}

#[cfg(test)]
mod tests;
