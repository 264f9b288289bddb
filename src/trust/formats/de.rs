//! The German signed DSC list (it mirrors every issuer on the EU gateway): line 1 is the base64
//! of a 64-byte raw r‖s ECDSA P-256/SHA-256 signature, then `\n`, then the JSON document (see
//! [`super::json`]) whose exact bytes the signature covers.

use base64::Engine;

use super::json;
use crate::trust::import::check_size;
use crate::trust::{Anchors, ImportReport, ListFormat, TrustList, TrustListError};

/// Length of a raw P-256 signature (r‖s).
const SIGNATURE_LEN: usize = 64;

/// Verifies the signature with the anchors, then reads the JSON document.
pub(crate) fn import(
    bytes: &[u8],
    anchors: &Anchors,
) -> Result<(TrustList, ImportReport), TrustListError> {
    check_size(bytes.len())?;
    if anchors.is_empty() {
        return Err(TrustListError::NoAnchors);
    }
    let (line, document) = split(bytes).ok_or(TrustListError::MissingSignature)?;
    let signature = base64::engine::general_purpose::STANDARD
        .decode(line)
        .map_err(|_| TrustListError::MalformedSignature)?;
    if signature.len() != SIGNATURE_LEN {
        return Err(TrustListError::MalformedSignature);
    }
    // The check hashes all 4 MB, the single largest cost of an import; nothing after it runs
    // on a document that fails.
    let anchor = anchors
        .signer_of(document, &signature)
        .ok_or(TrustListError::SignatureInvalid)?;
    Ok(json::read(document)?.finish(ListFormat::De, Some(anchor), None))
}

/// The signature line (without its line ending) and the signed document after it; `None` when
/// the bytes start with the JSON document itself (no signature line).
fn split(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    if bytes.trim_ascii_start().starts_with(b"{") {
        return None;
    }
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let (line, rest) = bytes.split_at_checked(newline)?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Some((line, rest.get(1..)?)).filter(|(line, _)| !line.is_empty())
}

/// True when `bytes` start like a German signed list: a base64 line of a 64-byte signature,
/// then a JSON document.
pub(crate) fn looks_like(bytes: &[u8]) -> bool {
    split(bytes).is_some_and(|(line, document)| {
        line.len() == 88
            && line
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b))
            && document.trim_ascii_start().starts_with(b"{")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_signature_line_from_the_document() {
        assert_eq!(
            split(b"c2ln\r\n{\"a\":1}"),
            Some((&b"c2ln"[..], &b"{\"a\":1}"[..]))
        );
        assert_eq!(split(b"c2ln\n"), Some((&b"c2ln"[..], &b""[..])));
        assert_eq!(split(b"no newline"), None);
        assert_eq!(split(b"\n{}"), None);
        assert_eq!(split(b"{\n\"certificates\": []}"), None);
    }

    #[test]
    fn refuses_without_anchors_and_without_a_signature() {
        assert_eq!(
            import(b"sig\n{}", &Anchors::new()).unwrap_err(),
            TrustListError::NoAnchors
        );
        let anchors = Anchors::from_pem(include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/trustlists/de-dsc-list-signing-key.pem"
        )))
        .unwrap();
        assert_eq!(
            import(b"{\"certificates\":[]}", &anchors).unwrap_err(),
            TrustListError::MissingSignature
        );
        assert_eq!(
            import(b"%%%\n{}", &anchors).unwrap_err(),
            TrustListError::MalformedSignature
        );
        assert_eq!(
            import(b"c2ln\n{}", &anchors).unwrap_err(),
            TrustListError::MalformedSignature
        );
        let zero_signature = format!("{}\n{{}}", "A".repeat(86) + "==");
        assert_eq!(
            import(zero_signature.as_bytes(), &anchors).unwrap_err(),
            TrustListError::SignatureInvalid
        );
        assert!(looks_like(zero_signature.as_bytes()));
    }
}
