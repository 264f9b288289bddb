//! The list's `JsonWebSignature2020` proof: a detached JWS with an unencoded payload
//! (RFC 7797), over
//!
//! ```text
//! ASCII(header segment) || "." || SHA-256(canonical proof without jws) || SHA-256(canonical document without proof)
//! ```
//!
//! signed with ECDSA P-256/SHA-256. WHO's signer writes the signature DER-encoded (69-72
//! bytes), not in the JOSE r‖s form; both are accepted.

use base64::Engine;

use super::{canon, Document};
use crate::trust::{AnchorId, Anchors, TrustListError};

/// The only JWS header accepted, exactly as it stands (the signature covers these characters):
/// `{"b64":false,"crit":["b64"],"alg":"ES256"}`.
pub const JWS_HEADER: &str = "eyJiNjQiOmZhbHNlLCJjcml0IjpbImI2NCJdLCJhbGciOiJFUzI1NiJ9";

/// The anchor that made the proof, or why there is none.
pub(super) fn verify(
    document: &Document<'_>,
    anchors: &Anchors,
) -> Result<AnchorId, TrustListError> {
    let signature = signature(document.proof.jws)?;
    let proof_digest = digest(&canon::proof(&document.proof));
    let document_digest = digest(&canon::document(document));
    let mut input = Vec::with_capacity(JWS_HEADER.len() + 1 + 64);
    input.extend_from_slice(JWS_HEADER.as_bytes());
    input.push(b'.');
    input.extend_from_slice(&proof_digest);
    input.extend_from_slice(&document_digest);
    anchors
        .signer_of(&input, &signature)
        .ok_or(TrustListError::SignatureInvalid)
}

fn digest(lines: &[String]) -> [u8; 32] {
    let parts: Vec<&[u8]> = lines.iter().map(String::as_bytes).collect();
    crate::crypto::sha256(&parts)
}

/// The raw r‖s signature of a `header..signature` JWS whose header is [`JWS_HEADER`].
fn signature(jws: &str) -> Result<[u8; 64], TrustListError> {
    let (header, rest) = jws
        .split_once('.')
        .ok_or(TrustListError::MalformedSignature)?;
    if header != JWS_HEADER {
        return Err(TrustListError::UnsupportedProof);
    }
    let encoded = rest
        .strip_prefix('.')
        .ok_or(TrustListError::MalformedSignature)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|_| TrustListError::MalformedSignature)?;
    match <[u8; 64]>::try_from(bytes.as_slice()) {
        Ok(raw) => Ok(raw),
        Err(_) => der_to_raw(&bytes).ok_or(TrustListError::MalformedSignature),
    }
}

/// `SEQUENCE { INTEGER r, INTEGER s }` in strict DER (minimal lengths and integers, both
/// positive, nothing after) to the 64-byte r‖s form.
fn der_to_raw(der: &[u8]) -> Option<[u8; 64]> {
    let (&tag, rest) = der.split_first()?;
    let (&len, body) = rest.split_first()?;
    // A P-256 signature's sequence is at most 70 bytes: always the short length form.
    if tag != 0x30 || usize::from(len) != body.len() || len >= 0x80 {
        return None;
    }
    let (r, rest) = integer(body)?;
    let (s, rest) = integer(rest)?;
    if !rest.is_empty() {
        return None;
    }
    let mut raw = [0; 64];
    raw.get_mut(32 - r.len()..32)?.copy_from_slice(r);
    raw.get_mut(64 - s.len()..)?.copy_from_slice(s);
    Some(raw)
}

/// One positive DER INTEGER of at most 32 significant bytes: (its magnitude, the rest).
fn integer(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&len, rest) = rest.split_first()?;
    let len = usize::from(len);
    if tag != 0x02 || len == 0 || len >= 0x80 {
        return None;
    }
    let (value, rest) = rest.split_at_checked(len)?;
    let magnitude = match value {
        // Negative numbers are not signature values.
        [first, ..] if *first & 0x80 != 0 => return None,
        // A leading zero only where the next byte's top bit needs it (minimal encoding).
        [0, second, ..] if *second & 0x80 == 0 => return None,
        [0, tail @ ..] if !tail.is_empty() => tail,
        _ => value,
    };
    if magnitude.len() > 32 || magnitude.iter().all(|&b| b == 0) {
        return None;
    }
    Some((magnitude, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_strict_der_signatures_only() {
        // r = 0x80 00..01 (needs a leading zero), s = 1.
        let mut r = vec![0x00, 0x80];
        r.extend([0; 30]);
        r.push(1);
        let mut der = vec![0x30, (2 + r.len() + 3) as u8, 0x02, r.len() as u8];
        der.extend(&r);
        der.extend([0x02, 0x01, 0x01]);
        let raw = der_to_raw(&der).unwrap();
        assert_eq!(raw[0], 0x80);
        assert_eq!(raw[31], 1);
        assert_eq!(raw[63], 1);
        assert!(raw[32..63].iter().all(|&b| b == 0));

        let mut trailing = der.clone();
        trailing.push(0);
        let mut negative = der.clone();
        negative[4] = 0x80; // the leading zero replaced by a sign bit
        for bad in [
            &trailing[..],
            &negative[..],
            &[0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01], // r = 0
            &[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01], // non-minimal r
            &[0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01], // a SET
            &[0x30, 0x03, 0x02, 0x01, 0x01],                   // s missing
        ] {
            assert_eq!(der_to_raw(bad), None, "{bad:x?}");
        }
        let mut long = vec![0x30, 0x25, 0x02, 0x21, 0x01];
        long.extend([1; 32]);
        long.extend([0x02, 0x01, 0x01]);
        assert_eq!(der_to_raw(&long), None, "r of 33 significant bytes");
    }

    #[test]
    fn the_header_must_be_exactly_the_one_signed() {
        let signature = "A".repeat(86);
        assert!(signature_of(&format!("{JWS_HEADER}..{signature}")).is_ok());
        // The same JSON header re-encoded (spaces, member order) is another header.
        let reencoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"alg":"ES256","b64":false,"crit":["b64"]}"#);
        assert_eq!(
            signature_of(&format!("{reencoded}..{signature}")),
            Err(TrustListError::UnsupportedProof)
        );
        for malformed in [
            format!("{JWS_HEADER}.{signature}"),
            format!("{JWS_HEADER}.payload.{signature}"),
            format!("{JWS_HEADER}..{signature}=="),
            format!("{JWS_HEADER}..AAAA"),
            JWS_HEADER.to_owned(),
        ] {
            assert_eq!(
                signature_of(&malformed),
                Err(TrustListError::MalformedSignature),
                "{malformed}"
            );
        }
    }

    fn signature_of(jws: &str) -> Result<[u8; 64], TrustListError> {
        signature(jws)
    }
}
