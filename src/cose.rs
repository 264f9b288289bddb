//! Stage 4: the COSE_Sign1 message (RFC 9052) that carries the signed CWT.

use base64::Engine;
use ciborium::Value;
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
    /// The bytes are not well-formed CBOR.
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
        let Value::Array(parts) = untag(cbor::decode(bytes)?)? else {
            return Err(CoseError::NotSign1);
        };
        let mut parts = parts.into_iter();
        // The protected header is a CBOR map inside a byte string, decoded with the same
        // bounded decoder as the message (never outside its item limit).
        let Some(Value::Bytes(protected_raw)) = parts.next() else {
            return Err(CoseError::NotSign1);
        };
        let protected = if protected_raw.is_empty() {
            Header::default()
        } else {
            Header::read(cbor::decode(&protected_raw)?)?
        };
        let (Some(unprotected), Some(payload), Some(Value::Bytes(signature)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CoseError::NotSign1);
        };
        let unprotected = Header::read(unprotected)?;
        let payload = match payload {
            Value::Bytes(payload) => payload,
            Value::Null => return Err(CoseError::DetachedPayload),
            _ => return Err(CoseError::NotSign1),
        };
        let algorithm = match (protected.alg, unprotected.alg) {
            (Some(alg), _) => Some((alg, AlgorithmSource::Protected)),
            (None, Some(alg)) => Some((alg, AlgorithmSource::Unprotected)),
            (None, None) => None,
        };
        // The specification: "If both options are present, the Key Identifier in the protected
        // header MUST be used."
        let text_kid = protected.text_kid || unprotected.text_kid;
        let kid = protected.kid.or(unprotected.kid);
        Ok(Self {
            protected_raw,
            algorithm,
            kid,
            payload,
            signature,
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

/// What the verifier takes from a header map: the algorithm and the key identifier.
///
/// Read here rather than by coset, which builds every header it meets (measured: 16.5 KB of the
/// mobile library, and a full header struct per verification). The labels RFC 9052 defines
/// (1-7) must have their types, as coset required: alg an integer or text, crit a non-empty
/// array of labels, content type a 16-bit unsigned integer or text, kid, IV and partial IV
/// non-empty byte strings (not both IVs; a kid in a text string is read as base64, a
/// [`Deviation::TextKid`]), counter signature an array. Integer labels must fit
/// an i64, and no label may appear twice; other labels are ignored.
#[derive(Default)]
struct Header {
    alg: Option<Algorithm>,
    kid: Option<Vec<u8>>,
    text_kid: bool,
}

impl Header {
    fn read(value: Value) -> Result<Self, CoseError> {
        let entries = cbor::unique_map(value).ok_or(CoseError::NotSign1)??;
        let mut header = Self::default();
        let (mut iv, mut partial_iv) = (false, false);
        for (label, value) in entries {
            let label = match label {
                Value::Integer(label) => i64::try_from(label).map_err(|_| CoseError::NotSign1)?,
                Value::Text(_) => continue,
                _ => return Err(CoseError::NotSign1),
            };
            match (label, value) {
                (1, Value::Integer(id)) => {
                    let id = i64::try_from(id).map_err(|_| CoseError::NotSign1)?;
                    header.alg = Some(Algorithm::from_id(id));
                }
                (1, Value::Text(_)) => header.alg = Some(Algorithm::Unsupported(None)),
                (2, Value::Array(labels)) if !labels.is_empty() && labels.iter().all(is_label) => {}
                (3, Value::Integer(id)) if u16::try_from(id).is_ok() => {}
                (3, Value::Text(_)) | (7, Value::Array(_)) => {}
                (4, Value::Bytes(kid)) if !kid.is_empty() => header.kid = Some(kid),
                (4, Value::Text(text)) => {
                    let kid = base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .map_err(|_| CoseError::NotSign1)?;
                    if kid.is_empty() {
                        return Err(CoseError::NotSign1);
                    }
                    header.kid = Some(kid);
                    header.text_kid = true;
                }
                (5, Value::Bytes(bytes)) if !bytes.is_empty() => iv = true,
                (6, Value::Bytes(bytes)) if !bytes.is_empty() => partial_iv = true,
                (1..=7, _) => return Err(CoseError::NotSign1),
                _ => {}
            }
        }
        if iv && partial_iv {
            return Err(CoseError::NotSign1);
        }
        Ok(header)
    }
}

fn is_label(value: &Value) -> bool {
    match value {
        Value::Integer(label) => i64::try_from(*label).is_ok(),
        Value::Text(_) => true,
        _ => false,
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
