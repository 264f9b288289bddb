//! The Austrian trust list: two downloads. The content is CBOR `{"c": [{"i": kid, "c": DER}]}`;
//! the signature is a COSE_Sign1 (ES256, algorithm and kid in the protected header) whose
//! payload is a CWT `{2: SHA-256(content), 4: exp, 5: nbf}`.
//!
//! The order of checks keeps hostile input cheap: the small signature is verified first, then
//! the content's hash, and only authenticated content is decoded.

use ciborium::Value;

use crate::cbor;
use crate::cose::{Algorithm, AlgorithmSource, CoseSign1};
use crate::limits::{MAX_LIST_SIGNATURE_BYTES, MAX_TRUST_LIST_CBOR_ITEMS, MAX_TRUST_LIST_ENTRIES};
use crate::trust::import::{check_size, Candidate, Importer, ListedKid, TOO_MANY_ENTRIES};
use crate::trust::{Anchors, ImportReport, ListFormat, SkipReason, TrustList, TrustListError};

/// Clock difference tolerated between the list signer and this device when checking
/// `nbf`/`exp`, in seconds: a list is never refused over a few minutes of clock drift.
pub const CLOCK_SKEW: i64 = 300;

const CLAIM_CONTENT_HASH: i128 = 2;
const CLAIM_EXP: i128 = 4;
const CLAIM_NBF: i128 = 5;
const CLAIM_IAT: i128 = 6;

/// The signed claims about the content.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Claims {
    content_hash: Vec<u8>,
    not_before: i64,
    expires: i64,
    /// `iat` when the signer wrote one (the lists seen so far carry `nbf` only).
    issued_at: Option<i64>,
}

/// Verifies signature, hash and (when `now` is given) the validity period, then reads the
/// content. A list reloaded from the cache passes `None`: it was in its validity period when
/// imported, and how long it may serve after that is the freshness settings' decision.
pub(crate) fn import(
    content: &[u8],
    signature: &[u8],
    anchors: &Anchors,
    now: Option<i64>,
) -> Result<(TrustList, ImportReport), TrustListError> {
    check_size(content.len().saturating_add(signature.len()))?;
    if signature.len() > MAX_LIST_SIGNATURE_BYTES {
        return Err(TrustListError::MalformedSignature);
    }
    if anchors.is_empty() {
        return Err(TrustListError::NoAnchors);
    }
    let cose = CoseSign1::parse(signature).map_err(|_| TrustListError::MalformedSignature)?;
    if cose.algorithm() != Some((Algorithm::Es256, AlgorithmSource::Protected)) {
        return Err(TrustListError::UnsupportedAlgorithm);
    }
    let anchor = anchors
        .signer_of(&cose.signed_data(), cose.signature())
        .ok_or(TrustListError::SignatureInvalid)?;
    let claims = claims(cose.payload()).ok_or(TrustListError::MalformedClaims)?;
    if crate::crypto::sha256(&[content]).as_slice() != claims.content_hash.as_slice() {
        return Err(TrustListError::HashMismatch);
    }
    if let Some(now) = now {
        if now.saturating_add(CLOCK_SKEW) < claims.not_before {
            return Err(TrustListError::NotYetValid {
                nbf: claims.not_before,
            });
        }
        if now.saturating_sub(CLOCK_SKEW) > claims.expires {
            return Err(TrustListError::Expired {
                exp: claims.expires,
            });
        }
    }
    let (mut list, report) =
        read_content(content)?.finish(ListFormat::At, Some(anchor), Some(claims.not_before));
    // Both times are signed; `nbf` stands in for a missing `iat` (it is set when signing).
    list.provenance.issued_at = Some(claims.issued_at.unwrap_or(claims.not_before));
    Ok((list, report))
}

fn claims(payload: &[u8]) -> Option<Claims> {
    let cwt = cbor::decode(payload).ok()?;
    let entries = cbor::unique_entries(&cwt)?.ok()?;
    let claim = |key: i128| {
        entries
            .iter()
            .find(|(k, _)| k.as_integer().map(i128::from) == Some(key))
            .map(|(_, v)| v)
    };
    let time = |key| claim(key)?.as_integer().and_then(|t| i64::try_from(t).ok());
    // An `iat` that is present but not a time makes the claims malformed, not absent.
    let issued_at = match claim(CLAIM_IAT) {
        Some(_) => Some(time(CLAIM_IAT)?),
        None => None,
    };
    Some(Claims {
        content_hash: claim(CLAIM_CONTENT_HASH)?.as_bytes()?.clone(),
        not_before: time(CLAIM_NBF)?,
        expires: time(CLAIM_EXP)?,
        issued_at,
    })
}

fn read_content(content: &[u8]) -> Result<Importer, TrustListError> {
    let document = cbor::decode_limited(content, MAX_TRUST_LIST_CBOR_ITEMS)
        .map_err(|_| TrustListError::NotCbor)?;
    let fields = cbor::unique_entries(&document)
        .and_then(Result::ok)
        .ok_or(TrustListError::NotCbor)?;
    let entries = text_field(fields, "c")
        .and_then(Value::as_array)
        .ok_or(TrustListError::NotCbor)?;
    if entries.len() > MAX_TRUST_LIST_ENTRIES {
        return Err(TOO_MANY_ENTRIES);
    }
    let mut importer = Importer::new();
    for (index, entry) in entries.iter().enumerate() {
        let fields = cbor::unique_entries(entry)
            .and_then(Result::ok)
            .unwrap_or(&[]);
        let kid = text_field(fields, "i").and_then(Value::as_bytes);
        let der = text_field(fields, "c").and_then(Value::as_bytes);
        let candidate = match (kid, der) {
            (Some(kid), Some(der)) => Candidate {
                listed_kid: ListedKid::Raw(kid),
                der: Ok(der.clone()),
                country: None,
                timestamp: None,
            },
            (kid, _) => Candidate {
                listed_kid: kid.map_or(ListedKid::Absent, |kid| ListedKid::Raw(kid)),
                der: Err(SkipReason::NotAnEntry),
                country: None,
                timestamp: None,
            },
        };
        importer.entry(index, candidate);
    }
    Ok(importer)
}

fn text_field<'a>(fields: &'a [(Value, Value)], name: &str) -> Option<&'a Value> {
    fields
        .iter()
        .find(|(key, _)| key.as_text() == Some(name))
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::ser::into_writer(value, &mut out).unwrap();
        out
    }

    #[test]
    fn reads_the_claims() {
        let payload = encode(&Value::Map(vec![
            (2.into(), Value::Bytes(vec![1; 32])),
            (4.into(), 200.into()),
            (5.into(), 100.into()),
        ]));
        assert_eq!(
            claims(&payload),
            Some(Claims {
                content_hash: vec![1; 32],
                not_before: 100,
                expires: 200,
                issued_at: None,
            })
        );
        let with_iat = encode(&Value::Map(vec![
            (2.into(), Value::Bytes(vec![1; 32])),
            (4.into(), 200.into()),
            (5.into(), 100.into()),
            (6.into(), 150.into()),
        ]));
        assert_eq!(claims(&with_iat).and_then(|c| c.issued_at), Some(150));
        let text_iat = encode(&Value::Map(vec![
            (2.into(), Value::Bytes(vec![1; 32])),
            (4.into(), 200.into()),
            (5.into(), 100.into()),
            (6.into(), "yesterday".into()),
        ]));
        assert_eq!(claims(&text_iat), None);
        let text_hash = encode(&Value::Map(vec![
            (2.into(), "hash".into()),
            (4.into(), 200.into()),
            (5.into(), 100.into()),
        ]));
        assert_eq!(claims(&text_hash), None);
        let no_nbf = encode(&Value::Map(vec![
            (2.into(), Value::Bytes(vec![1; 32])),
            (4.into(), 200.into()),
        ]));
        assert_eq!(claims(&no_nbf), None);
    }

    #[test]
    fn reads_entries_and_skips_malformed_ones() {
        let der = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/samples/pki/dsc-vn-es256.crt.der"
        ))
        .unwrap();
        let kid = crate::trust::Kid::of_certificate(&der);
        let entry = |i: Value, c: Value| Value::Map(vec![("i".into(), i), ("c".into(), c)]);
        let content = encode(&Value::Map(vec![(
            "c".into(),
            Value::Array(vec![
                entry(Value::Bytes(kid.0.to_vec()), Value::Bytes(der.clone())),
                entry(Value::Bytes(vec![0; 8]), Value::Bytes(der.clone())),
                entry(Value::Bytes(kid.0.to_vec()), "not bytes".into()),
                Value::Integer(3.into()),
            ]),
        )]));
        let (list, report) = read_content(&content)
            .unwrap()
            .finish(ListFormat::At, None, Some(1));
        assert_eq!((list.len(), report.taken), (1, 1));
        let reasons: Vec<_> = report.skipped.iter().map(|s| s.reason.clone()).collect();
        assert_eq!(
            reasons,
            vec![
                SkipReason::KidMismatch,
                SkipReason::NotAnEntry,
                SkipReason::NotAnEntry
            ]
        );
        assert_eq!(list.provenance().list_time, Some(1));
        for bad in [
            encode(&Value::Array(vec![])),
            encode(&Value::Map(vec![("c".into(), 1.into())])),
            b"\xff".to_vec(),
        ] {
            assert_eq!(read_content(&bad).err(), Some(TrustListError::NotCbor));
        }
    }
}
