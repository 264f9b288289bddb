//! The signature check: find the DSCs that share the certificate's kid, verify with each.

use std::sync::Arc;

use crate::cose::{Algorithm, CoseSign1};
use crate::crypto::{Backend, Scheme, SignatureError};
use crate::trust::{Dsc, Kid, TrustList};

use super::sources::SourceList;
use super::InvalidReason;

/// Verifies with every source in order: the index of the first source whose DSC verifies the
/// message, and that DSC; else the most telling failure over all sources (a kid may be listed
/// in several, and each candidate is tried).
pub(super) fn verify_sources(
    cose: &CoseSign1,
    sources: &[SourceList],
    backend: Backend,
) -> Result<(usize, Arc<Dsc>), InvalidReason> {
    let mut failure = InvalidReason::UnknownSigner;
    for (index, source) in sources.iter().enumerate() {
        match verify(cose, &source.list, backend) {
            Ok(dsc) => return Ok((index, dsc)),
            // The same for every source: the header names no usable algorithm.
            Err(InvalidReason::UnsupportedAlgorithm) => {
                return Err(InvalidReason::UnsupportedAlgorithm)
            }
            Err(reason) => failure = worse(failure, reason),
        }
    }
    Err(failure)
}

/// Returns the DSC whose key verifies the message, or why none does.
///
/// Every DSC with the kid is tried, as the specification requires (a kid is a truncated hash
/// and may collide). When none verifies, the most telling failure is reported: a bad signature
/// over a matching key outranks an algorithm/key mismatch, which outranks an unusable key.
fn verify(
    cose: &CoseSign1,
    trust: &TrustList,
    backend: Backend,
) -> Result<Arc<Dsc>, InvalidReason> {
    let scheme = match cose.algorithm() {
        Some((Algorithm::Es256, _)) => Scheme::EcdsaSha256,
        Some((Algorithm::Ps256, _)) => Scheme::RsaPssSha256,
        Some((Algorithm::Unsupported(_), _)) | None => {
            return Err(InvalidReason::UnsupportedAlgorithm)
        }
    };
    let kid = cose.kid().and_then(Kid::from_slice);
    let candidates = kid.iter().flat_map(|kid| trust.signers(kid));
    let mut failure = InvalidReason::UnknownSigner;
    let mut signed_data = None;
    for dsc in candidates {
        let key = match dsc.public_key() {
            Ok(key) => key,
            Err(e) => {
                failure = worse(failure, InvalidReason::UnusableSignerKey(e));
                continue;
            }
        };
        // The algorithm in the header (protected or not) only selects the scheme; the key type
        // must agree with it, so a forged header cannot steer an RSA key into ECDSA or back.
        let message = signed_data.get_or_insert_with(|| cose.signed_data());
        match key.verify_with(backend, scheme, message, cose.signature()) {
            Ok(()) => return Ok(Arc::clone(dsc)),
            Err(SignatureError::KeyMismatch) => {
                failure = worse(failure, InvalidReason::AlgorithmMismatch)
            }
            Err(SignatureError::Length | SignatureError::Invalid) => {
                failure = worse(failure, InvalidReason::SignatureInvalid)
            }
        }
    }
    Err(failure)
}

fn worse(current: InvalidReason, new: InvalidReason) -> InvalidReason {
    let rank = |r: &InvalidReason| match r {
        InvalidReason::SignatureInvalid => 3,
        InvalidReason::AlgorithmMismatch => 2,
        InvalidReason::UnusableSignerKey(_) => 1,
        _ => 0,
    };
    if rank(&new) > rank(&current) {
        new
    } else {
        current
    }
}
