//! PEM bundles: a text of `CERTIFICATE` blocks, an unsigned source. Also the PEM reader (RFC
//! 7468: `-----BEGIN LABEL-----`, base64 lines, `-----END LABEL-----`) that anchors use; text
//! outside blocks is ignored, as RFC 7468 allows.

use base64::Engine;

use crate::limits::MAX_TRUST_LIST_ENTRIES;
use crate::trust::import::{check_size, Candidate, Importer, ListedKid, TOO_MANY_ENTRIES};
use crate::trust::{ImportReport, ListFormat, SkipReason, TrustList, TrustListError};

/// An unsigned PEM bundle: each `CERTIFICATE` block is an entry; other blocks are skipped.
pub(crate) fn import(bytes: &[u8]) -> Result<(TrustList, ImportReport), TrustListError> {
    check_size(bytes.len())?;
    let text = std::str::from_utf8(bytes).map_err(|_| TrustListError::NotPem)?;
    let mut importer = Importer::new();
    let mut count = 0;
    for (index, block) in blocks(text).enumerate() {
        if index >= MAX_TRUST_LIST_ENTRIES {
            return Err(TOO_MANY_ENTRIES);
        }
        let der = match (block.label, block.der) {
            ("CERTIFICATE", Some(der)) => Ok(der),
            ("CERTIFICATE", None) => Err(SkipReason::NotBase64),
            _ => Err(SkipReason::NotACertificateBlock),
        };
        let candidate = Candidate {
            listed_kid: ListedKid::Absent,
            der,
            country: None,
            timestamp: None,
        };
        importer.entry(index, candidate);
        count += 1;
    }
    if count == 0 {
        return Err(TrustListError::NotPem);
    }
    Ok(importer.finish(ListFormat::Pem, None, None))
}

/// One PEM block. `der` is `None` when its body is not base64 or its END line is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block<'a> {
    pub label: &'a str,
    pub der: Option<Vec<u8>>,
}

/// The PEM blocks of `text`, in order.
pub(crate) fn blocks(text: &str) -> impl Iterator<Item = Block<'_>> {
    let mut lines = text.lines();
    std::iter::from_fn(move || {
        let label = lines.by_ref().find_map(begin_label)?;
        let mut body = String::new();
        let mut ended = false;
        for line in lines.by_ref() {
            let line = line.trim();
            if let Some(end) = line
                .strip_prefix("-----END ")
                .and_then(|l| l.strip_suffix("-----"))
            {
                ended = end == label;
                break;
            }
            body.push_str(line);
        }
        let der = ended
            .then(|| base64::engine::general_purpose::STANDARD.decode(&body).ok())
            .flatten();
        Some(Block { label, der })
    })
}

/// True when `bytes` look like PEM text (a BEGIN line before anything else but whitespace).
pub(crate) fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().starts_with(b"-----BEGIN ")
}

fn begin_label(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("-----BEGIN ")?
        .strip_suffix("-----")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_a_bundle_and_skips_other_blocks() {
        let cert = |name: &str| {
            std::fs::read_to_string(format!(
                "{}/testdata/samples/pki/{name}.crt.pem",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap()
        };
        let bundle = format!(
            "{}{}-----BEGIN PUBLIC KEY-----\nAQID\n-----END PUBLIC KEY-----\n\
             -----BEGIN CERTIFICATE-----\n%%\n-----END CERTIFICATE-----\n",
            cert("dsc-vn-es256"),
            cert("dsc-vn-ps256")
        );
        let (list, report) = import(bundle.as_bytes()).unwrap();
        assert_eq!((list.len(), report.taken), (2, 2));
        let reasons: Vec<_> = report
            .skipped
            .iter()
            .map(|s| (s.index, s.reason.clone()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (2, SkipReason::NotACertificateBlock),
                (3, SkipReason::NotBase64)
            ]
        );
        assert_eq!(list.provenance().format, Some(ListFormat::Pem));
        assert_eq!(import(b"no blocks").unwrap_err(), TrustListError::NotPem);
        assert_eq!(import(b"\xff\xfe").unwrap_err(), TrustListError::NotPem);
    }

    #[test]
    fn reads_blocks_with_their_labels() {
        let text =
            "junk before\n-----BEGIN PUBLIC KEY-----\nAQID\nBA==\n-----END PUBLIC KEY-----\n\
                    \n-----BEGIN CERTIFICATE-----\r\nBQY=\r\n-----END CERTIFICATE-----\r\n";
        let found: Vec<_> = blocks(text).collect();
        assert_eq!(
            found,
            vec![
                Block {
                    label: "PUBLIC KEY",
                    der: Some(vec![1, 2, 3, 4])
                },
                Block {
                    label: "CERTIFICATE",
                    der: Some(vec![5, 6])
                },
            ]
        );
        assert!(!looks_like_pem(b"junk before\n-----BEGIN X-----"));
        assert!(looks_like_pem(b"\n -----BEGIN X-----"));
    }

    #[test]
    fn broken_bodies_and_missing_ends_yield_no_der() {
        let bad_base64 = "-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----\n";
        let wrong_end = "-----BEGIN CERTIFICATE-----\nAQID\n-----END PUBLIC KEY-----\n";
        let truncated = "-----BEGIN CERTIFICATE-----\nAQID\n";
        for text in [bad_base64, wrong_end, truncated] {
            let found: Vec<_> = blocks(text).collect();
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].der, None, "{text}");
        }
        assert_eq!(blocks("no pem here").count(), 0);
    }
}
