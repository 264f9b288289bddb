//! Stage 4: the COSE_Sign1 message (RFC 9052) that carries the signed CWT.

use base64::Engine;
use ciborium::Value;
use coset::{AsCborValue, RegisteredLabelWithPrivate};
use thiserror::Error;

use crate::cbor::{self, CborError};
use crate::deviation::Deviation;

/// CBOR tag of a COSE_Sign1 message.
const TAG_COSE_SIGN1: u64 = 18;
/// CBOR tag of a CWT (RFC 8392), which some issuers wrap around the COSE_Sign1 tag.
const TAG_CWT: u64 = 61;

/// COSE algorithm identifiers (IANA "COSE Algorithms").
const ALG_ES256: i64 = -7;
const ALG_PS256: i64 = -37;

/// Why inflated bytes are not a usable COSE_Sign1 message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CoseError {
    #[error("COSE message: {0}")]
    Cbor(#[from] CborError),
    /// A CBOR tag other than 18 (COSE_Sign1), or 61 (CWT) around 18.
    #[error("unexpected CBOR tag {0} (expected 18, COSE_Sign1)")]
    UnexpectedTag(u64),
    /// Not the four-element structure of a COSE_Sign1, or a header that is not a valid map.
    #[error("not a COSE_Sign1 structure")]
    NotSign1,
    /// The payload is detached (nil): there is nothing to verify.
    #[error("COSE_Sign1 has no payload")]
    DetachedPayload,
}

/// The signature algorithms of the DCC specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// ECDSA with SHA-256, signature as raw r‖s.
    Es256,
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256.
    Ps256,
    /// Any other algorithm; the value is the COSE identifier when it is an integer.
    Unsupported(Option<i64>),
}

impl Algorithm {
    fn from_header(alg: &coset::Algorithm) -> Self {
        match alg {
            RegisteredLabelWithPrivate::Assigned(a) => Self::from_id(*a as i64),
            RegisteredLabelWithPrivate::PrivateUse(id) => Self::from_id(*id),
            RegisteredLabelWithPrivate::Text(_) => Self::Unsupported(None),
        }
    }

    fn from_id(id: i64) -> Self {
        match id {
            ALG_ES256 => Self::Es256,
            ALG_PS256 => Self::Ps256,
            other => Self::Unsupported(Some(other)),
        }
    }

    /// The JOSE/COSE name, e.g. "ES256".
    pub fn name(&self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::Ps256 => "PS256",
            Self::Unsupported(_) => "unsupported",
        }
    }
}

/// Where the algorithm identifier was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlgorithmSource {
    /// In the protected header, covered by the signature (as the specification requires).
    Protected,
    /// Only in the unprotected header: tolerated because real issuers do it, but then the key
    /// type alone decides whether it may be used.
    Unprotected,
}

/// A parsed COSE_Sign1 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoseSign1 {
    /// The protected header exactly as it was signed (the bstr content, never re-encoded).
    protected_raw: Vec<u8>,
    algorithm: Option<(Algorithm, AlgorithmSource)>,
    kid: Option<Vec<u8>>,
    payload: Vec<u8>,
    signature: Vec<u8>,
    /// [`Deviation::TextKid`] when the kid was read from a text string.
    deviations: Vec<Deviation>,
}

impl CoseSign1 {
    /// Parses a COSE_Sign1 message: tagged 18, untagged, or tag 61 wrapping tag 18.
    pub fn parse(bytes: &[u8]) -> Result<Self, CoseError> {
        let mut value = untag(cbor::decode(bytes)?)?;
        // The protected header is a CBOR map inside a byte string. coset would decode it with
        // ciborium, outside any item limit (a 756-character QR could cost 2 MB of values), so
        // it is taken out here, decoded with the same bounded decoder as the message, and an
        // empty byte string (an empty header) left for coset in its place.
        let protected_raw = match &mut value {
            Value::Array(parts) => match parts.first_mut() {
                Some(Value::Bytes(raw)) => std::mem::take(raw),
                _ => return Err(CoseError::NotSign1),
            },
            _ => return Err(CoseError::NotSign1),
        };
        let mut text_kid = false;
        let protected = if protected_raw.is_empty() {
            coset::Header::default()
        } else {
            let mut header = cbor::decode(&protected_raw)?;
            if let Some(rewritten) = kid_as_bytes(&header)? {
                header = rewritten;
                text_kid = true;
            }
            coset::Header::from_cbor_value(header).map_err(coset_error)?
        };
        if let Value::Array(parts) = &mut value {
            if let Some(unprotected) = parts.get_mut(1) {
                if let Some(rewritten) = kid_as_bytes(unprotected)? {
                    *unprotected = rewritten;
                    text_kid = true;
                }
            }
        }
        let sign1 = coset::CoseSign1::from_cbor_value(value).map_err(coset_error)?;
        let protected = &protected;
        let unprotected = &sign1.unprotected;
        let algorithm = match (&protected.alg, &unprotected.alg) {
            (Some(alg), _) => Some((Algorithm::from_header(alg), AlgorithmSource::Protected)),
            (None, Some(alg)) => Some((Algorithm::from_header(alg), AlgorithmSource::Unprotected)),
            (None, None) => None,
        };
        // The specification: "If both options are present, the Key Identifier in the protected
        // header MUST be used."
        let kid = [&protected.key_id, &unprotected.key_id]
            .into_iter()
            .find(|kid| !kid.is_empty())
            .cloned();
        Ok(Self {
            protected_raw,
            algorithm,
            kid,
            payload: sign1.payload.ok_or(CoseError::DetachedPayload)?,
            signature: sign1.signature,
            deviations: if text_kid {
                vec![Deviation::TextKid]
            } else {
                Vec::new()
            },
        })
    }

    /// The departures from the specification read in the headers.
    pub fn deviations(&self) -> &[Deviation] {
        &self.deviations
    }

    /// The signature algorithm and where it was found; `None` when no header names one.
    pub fn algorithm(&self) -> Option<(Algorithm, AlgorithmSource)> {
        self.algorithm
    }

    /// The key identifier: from the protected header, else from the unprotected one.
    pub fn kid(&self) -> Option<&[u8]> {
        self.kid.as_deref()
    }

    /// The signed payload (the CWT).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The signature bytes as carried in the message.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The bytes the signature covers: the CBOR Sig_structure
    /// `["Signature1", protected, external_aad = h'', payload]`, built from the protected header
    /// bytes exactly as received.
    pub fn signed_data(&self) -> Vec<u8> {
        const CONTEXT: &[u8] = b"Signature1";
        let mut out = Vec::with_capacity(32 + self.protected_raw.len() + self.payload.len());
        out.push(0x84); // array of four
        push_head(&mut out, 3, CONTEXT.len()); // text string
        out.extend_from_slice(CONTEXT);
        push_head(&mut out, 2, self.protected_raw.len());
        out.extend_from_slice(&self.protected_raw);
        push_head(&mut out, 2, 0); // empty external_aad
        push_head(&mut out, 2, self.payload.len());
        out.extend_from_slice(&self.payload);
        out
    }
}

fn coset_error(error: coset::CoseError) -> CoseError {
    match error {
        coset::CoseError::DuplicateMapKey => CoseError::Cbor(CborError::DuplicateKey),
        _ => CoseError::NotSign1,
    }
}

/// Removes the accepted tags: 18, 61 around 18, or none.
fn untag(value: Value) -> Result<Value, CoseError> {
    match value {
        Value::Tag(TAG_CWT, inner) => match *inner {
            Value::Tag(TAG_COSE_SIGN1, sign1) => Ok(*sign1),
            Value::Tag(other, _) => Err(CoseError::UnexpectedTag(other)),
            _ => Err(CoseError::UnexpectedTag(TAG_CWT)),
        },
        Value::Tag(TAG_COSE_SIGN1, sign1) => Ok(*sign1),
        Value::Tag(other, _) => Err(CoseError::UnexpectedTag(other)),
        untagged => Ok(untagged),
    }
}

/// A kid written as a text string (WHO test-bed health links: the base64 of the kid) is read as
/// the bytes it encodes; the protected header's bytes stay as signed. A text kid that is not
/// base64 has no unambiguous reading: the message is refused.
/// The header with its text kid (label 4) as bytes; `None` when it has none.
fn kid_as_bytes(header: &Value) -> Result<Option<Value>, CoseError> {
    const LABEL_KID: i64 = 4;
    let Value::Map(entries) = header else {
        return Ok(None);
    };
    let is_text_kid = |(label, value): &(Value, Value)| {
        label.as_integer().map(i128::from) == Some(i128::from(LABEL_KID)) && value.is_text()
    };
    if !entries.iter().any(is_text_kid) {
        return Ok(None);
    }
    let mut rewritten = Vec::with_capacity(entries.len());
    for entry in entries {
        if is_text_kid(entry) {
            let text = entry.1.as_text().unwrap_or_default();
            let kid = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| CoseError::NotSign1)?;
            rewritten.push((entry.0.clone(), Value::Bytes(kid)));
        } else {
            rewritten.push(entry.clone());
        }
    }
    Ok(Some(Value::Map(rewritten)))
}

/// Appends a CBOR head (major type and length).
fn push_head(out: &mut Vec<u8>, major: u8, len: usize) {
    let major = major << 5;
    let len = len as u64;
    match len {
        0..=23 => out.push(major | len as u8),
        24..=0xff => out.extend_from_slice(&[major | 24, len as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(major | 26);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
        _ => {
            out.push(major | 27);
            out.extend_from_slice(&len.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A COSE_Sign1 with protected {1: -7, 4: h'0102'}, unprotected as given, payload h'a0'.
    fn message(tag_prefix: &[u8], unprotected: &[u8]) -> Vec<u8> {
        let mut m = tag_prefix.to_vec();
        m.extend_from_slice(&[0x84, 0x47, 0xa2, 0x01, 0x26, 0x04, 0x42, 0x01, 0x02]);
        m.extend_from_slice(unprotected);
        m.extend_from_slice(&[0x41, 0xa0, 0x42, 0xaa, 0xbb]);
        m
    }

    #[test]
    fn accepts_tag_18_untagged_and_tag_61_around_18() {
        for prefix in [&[0xd2][..], &[], &[0xd8, 0x3d, 0xd2]] {
            let cose = CoseSign1::parse(&message(prefix, &[0xa0])).unwrap();
            assert_eq!(
                cose.algorithm(),
                Some((Algorithm::Es256, AlgorithmSource::Protected))
            );
            assert_eq!(cose.kid(), Some(&[1u8, 2][..]));
            assert_eq!(cose.payload(), &[0xa0]);
            assert_eq!(cose.signature(), &[0xaa, 0xbb]);
        }
    }

    #[test]
    fn rejects_other_tags() {
        assert_eq!(
            CoseSign1::parse(&message(&[0xd1], &[0xa0])),
            Err(CoseError::UnexpectedTag(17))
        );
        assert_eq!(
            CoseSign1::parse(&message(&[0xd8, 0x3d, 0xd1], &[0xa0])),
            Err(CoseError::UnexpectedTag(17))
        );
        assert_eq!(
            CoseSign1::parse(&message(&[0xd8, 0x3d], &[0xa0])),
            Err(CoseError::UnexpectedTag(61))
        );
    }

    #[test]
    fn protected_kid_wins_over_unprotected() {
        // unprotected {4: h'09'}
        let cose = CoseSign1::parse(&message(&[0xd2], &[0xa1, 0x04, 0x41, 0x09])).unwrap();
        assert_eq!(cose.kid(), Some(&[1u8, 2][..]));
    }

    #[test]
    fn takes_alg_and_kid_from_the_unprotected_header_when_only_there() {
        // protected h'' (empty), unprotected {1: -37, 4: h'09'}
        let m = [
            0xd2, 0x84, 0x40, 0xa2, 0x01, 0x38, 0x24, 0x04, 0x41, 0x09, 0x41, 0xa0, 0x40,
        ];
        let cose = CoseSign1::parse(&m).unwrap();
        assert_eq!(
            cose.algorithm(),
            Some((Algorithm::Ps256, AlgorithmSource::Unprotected))
        );
        assert_eq!(cose.kid(), Some(&[9u8][..]));
    }

    #[test]
    fn signed_data_uses_the_protected_bytes_as_received() {
        // Protected header with a non-canonical encoding of -7 (0x38 0x06): re-encoding would
        // give 0x26 and break every real signature made over such a header.
        let m = [
            0xd2, 0x84, 0x44, 0xa1, 0x01, 0x38, 0x06, 0xa0, 0x41, 0xa0, 0x40,
        ];
        let cose = CoseSign1::parse(&m).unwrap();
        let expected = [
            &[0x84, 0x6a][..],
            b"Signature1",
            &[0x44, 0xa1, 0x01, 0x38, 0x06],
            &[0x40],
            &[0x41, 0xa0],
        ]
        .concat();
        assert_eq!(cose.signed_data(), expected);
    }

    #[test]
    fn rejects_structures_that_are_not_sign1() {
        for bad in [
            &[0xd2, 0x83, 0x40, 0xa0, 0x40][..],         // three elements
            &[0xd2, 0xa0],                               // a map
            &[0xd2, 0x84, 0x40, 0xa0, 0x40, 0x01],       // integer signature
            &[0xd2, 0x84, 0x41, 0x01, 0xa0, 0x40, 0x40], // protected header not a map
        ] {
            assert_eq!(CoseSign1::parse(bad), Err(CoseError::NotSign1), "{bad:x?}");
        }
        assert_eq!(
            CoseSign1::parse(&[0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40]),
            Err(CoseError::DetachedPayload)
        );
    }

    #[test]
    fn rejects_duplicate_header_labels() {
        // protected {1: -7, 1: -37}
        let m = [
            0xd2, 0x84, 0x46, 0xa2, 0x01, 0x26, 0x01, 0x38, 0x24, 0xa0, 0x41, 0xa0, 0x40,
        ];
        assert_eq!(
            CoseSign1::parse(&m),
            Err(CoseError::Cbor(CborError::DuplicateKey))
        );
    }

    /// Issue 10, item 18: the protected header was decoded by coset (ciborium) outside the
    /// item limit; a header of thousands of one-byte items was accepted and built in full.
    #[test]
    fn protected_header_is_decoded_within_the_item_limit() {
        // protected {1: -7, 100: [0, 0, ... MAX_CBOR_ITEMS zeros]}
        let header = |zeros: usize| {
            let mut h = vec![0xa2, 0x01, 0x26, 0x18, 0x64, 0x9a];
            h.extend((zeros as u32).to_be_bytes());
            h.resize(h.len() + zeros, 0x00);
            h
        };
        let message = |protected: &[u8]| {
            let mut m = vec![0xd2, 0x84, 0x5a];
            m.extend((protected.len() as u32).to_be_bytes());
            m.extend(protected);
            m.extend([0xa0, 0x41, 0xa0, 0x40]);
            m
        };
        // Map, two labels, alg value, array head: 5 items besides the zeros.
        let fits = header(crate::limits::MAX_CBOR_ITEMS - 5);
        assert!(CoseSign1::parse(&message(&fits)).is_ok());
        let flood = header(crate::limits::MAX_CBOR_ITEMS);
        assert_eq!(
            CoseSign1::parse(&message(&flood)),
            Err(CoseError::Cbor(CborError::TooManyItems))
        );
    }

    #[test]
    fn rejects_trailing_bytes_after_the_message() {
        let mut m = message(&[0xd2], &[0xa0]);
        m.push(0x00);
        assert_eq!(
            CoseSign1::parse(&m),
            Err(CoseError::Cbor(CborError::TrailingBytes(1)))
        );
    }

    #[test]
    fn unknown_and_text_algorithms_are_unsupported() {
        // protected {1: -35} (ES384)
        let m = [
            0xd2, 0x84, 0x44, 0xa1, 0x01, 0x38, 0x22, 0xa0, 0x41, 0xa0, 0x40,
        ];
        let alg = CoseSign1::parse(&m).unwrap().algorithm();
        assert_eq!(
            alg,
            Some((
                Algorithm::Unsupported(Some(-35)),
                AlgorithmSource::Protected
            ))
        );
    }
}
