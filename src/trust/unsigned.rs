//! Unsigned JSON trust lists: `{"certificates":[{"kid", "country", "rawData", ...}]}` (the
//! shape of the EU gateway and German lists, without their signature) or a bare array of the
//! same entries. Only for lists the caller already trusts: a local file the user named, or a
//! deployment's own backend over a channel it trusts.

use base64::Engine;
use serde::Deserialize;
use thiserror::Error;

use super::{Dsc, DscError, Kid, TrustList};
use crate::limits::{MAX_TRUST_LIST_BYTES, MAX_TRUST_LIST_ENTRIES};

/// Why a trust-list document cannot be read at all (single bad entries are skipped instead).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TrustListError {
    #[error("trust list is not JSON of the expected shape")]
    NotJson,
    /// Larger than [`MAX_TRUST_LIST_BYTES`]; refused before parsing.
    #[error("trust list of {0} bytes exceeds {MAX_TRUST_LIST_BYTES} bytes")]
    TooLarge(usize),
    /// More than [`MAX_TRUST_LIST_ENTRIES`] entries.
    #[error("trust list has more than {MAX_TRUST_LIST_ENTRIES} entries")]
    TooManyEntries,
}

/// What an import took and what it skipped, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// DSCs taken into the list.
    pub taken: usize,
    /// Entries left out.
    pub skipped: Vec<Skipped>,
}

/// An entry left out of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Position of the entry in the document.
    pub index: usize,
    /// The kid the entry claimed, as given.
    pub listed_kid: Option<String>,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SkipReason {
    #[error("rawData is missing or not base64")]
    NotBase64,
    #[error("not a usable certificate: {0}")]
    Certificate(DscError),
    /// The listed kid is not the one computed from the certificate: the entry is inconsistent,
    /// and a verifier must not guess which half is right.
    #[error("listed kid does not match the certificate")]
    KidMismatch,
}

/// `{"certificates": [...]}`; other members are skipped without being stored.
#[derive(Deserialize)]
struct Wrapped {
    certificates: Entries,
}

/// The entries of a document, at most [`MAX_TRUST_LIST_ENTRIES`]: counted as they are read.
struct Entries(Vec<Entry>);

/// The message of the serde error that stands for "too many entries" (serde errors carry text).
const TOO_MANY_ENTRIES: &str = "too many trust-list entries";

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array of trust-list entries")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = seq.next_element()? {
                    if entries.len() == MAX_TRUST_LIST_ENTRIES {
                        return Err(serde::de::Error::custom(TOO_MANY_ENTRIES));
                    }
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_seq(Visitor)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    raw_data: Option<String>,
}

impl TrustList {
    /// Reads an unsigned JSON trust list. Entries that do not hold a usable DSC, or whose
    /// listed kid differs from the certificate's, are skipped and reported.
    pub fn from_unsigned_json(bytes: &[u8]) -> Result<(Self, ImportReport), TrustListError> {
        if bytes.len() > MAX_TRUST_LIST_BYTES {
            return Err(TrustListError::TooLarge(bytes.len()));
        }
        // The shape is chosen by the first byte rather than by trying both (serde's untagged
        // enums buffer the whole document first, which would defeat the entry limit).
        let first = bytes
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        let parsed = match first {
            Some(b'[') => serde_json::from_slice::<Entries>(bytes),
            _ => serde_json::from_slice::<Wrapped>(bytes).map(|w| w.certificates),
        };
        let Entries(entries) = parsed.map_err(|e| {
            // serde errors carry text only; the entry limit's is ours.
            if e.to_string().contains(TOO_MANY_ENTRIES) {
                TrustListError::TooManyEntries
            } else {
                TrustListError::NotJson
            }
        })?;
        let mut list = Self::new();
        let mut report = ImportReport::default();
        for (index, entry) in entries.into_iter().enumerate() {
            let listed_kid = entry.kid.clone();
            match import_entry(&entry) {
                Ok(dsc) => {
                    list.add(dsc);
                    report.taken += 1;
                }
                Err(reason) => report.skipped.push(Skipped {
                    index,
                    listed_kid,
                    reason,
                }),
            }
        }
        Ok((list, report))
    }
}

fn import_entry(entry: &Entry) -> Result<Dsc, SkipReason> {
    let engine = base64::engine::general_purpose::STANDARD;
    let der = entry
        .raw_data
        .as_deref()
        .and_then(|b64| engine.decode(b64.trim()).ok())
        .ok_or(SkipReason::NotBase64)?;
    if let Some(listed) = entry.kid.as_deref() {
        let listed = engine
            .decode(listed.trim())
            .ok()
            .and_then(|k| Kid::from_slice(&k));
        if listed != Some(Kid::of_certificate(&der)) {
            return Err(SkipReason::KidMismatch);
        }
    }
    Dsc::from_der(&der).map_err(SkipReason::Certificate)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE_LIST: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/samples/trust-list.json"
    ));

    #[test]
    fn reads_the_sample_list() {
        let (list, report) = TrustList::from_unsigned_json(SAMPLE_LIST.as_bytes()).unwrap();
        assert_eq!(report.skipped, vec![]);
        assert_eq!((report.taken, list.len()), (8, 8));
        let kid = Kid(*b"\xeb\xe0\xe6\xb6\x8f\x87\xaa\x78"); // 6+Dmto+Hqng=
        assert_eq!(list.signers(&kid).len(), 1);
        assert_eq!(list.signers(&kid)[0].country(), Some("VN"));
    }

    #[test]
    fn skips_bad_entries_and_reports_why() {
        let doc: serde_json::Value = serde_json::from_str(SAMPLE_LIST).unwrap();
        let good = doc["certificates"][0].clone();
        let mut wrong_kid = good.clone();
        wrong_kid["kid"] = "AAAAAAAAAAA=".into();
        let mut not_base64 = good.clone();
        not_base64["rawData"] = "%%%".into();
        let not_a_cert = serde_json::json!({"rawData": "AAAA"});
        let bare = serde_json::json!([good, wrong_kid, not_base64, not_a_cert]);
        let (list, report) = TrustList::from_unsigned_json(bare.to_string().as_bytes()).unwrap();
        assert_eq!(list.len(), 1);
        let reasons: Vec<_> = report
            .skipped
            .iter()
            .map(|s| (s.index, s.reason.clone()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (1, SkipReason::KidMismatch),
                (2, SkipReason::NotBase64),
                (3, SkipReason::Certificate(DscError::NotX509)),
            ]
        );
    }

    #[test]
    fn refuses_oversize_documents_before_parsing() {
        let huge = vec![b' '; MAX_TRUST_LIST_BYTES + 1];
        assert_eq!(
            TrustList::from_unsigned_json(&huge).unwrap_err(),
            TrustListError::TooLarge(MAX_TRUST_LIST_BYTES + 1)
        );
    }

    #[test]
    fn refuses_more_entries_than_the_limit_in_both_shapes() {
        let entries = |n: usize| format!("[{}]", vec!["{}"; n].join(","));
        let (list, report) =
            TrustList::from_unsigned_json(entries(MAX_TRUST_LIST_ENTRIES).as_bytes()).unwrap();
        assert_eq!(
            (list.len(), report.skipped.len()),
            (0, MAX_TRUST_LIST_ENTRIES)
        );
        for doc in [
            entries(MAX_TRUST_LIST_ENTRIES + 1),
            format!(
                "{{\"certificates\": {}}}",
                entries(MAX_TRUST_LIST_ENTRIES + 1)
            ),
        ] {
            assert_eq!(
                TrustList::from_unsigned_json(doc.as_bytes()).unwrap_err(),
                TrustListError::TooManyEntries
            );
        }
    }

    #[test]
    fn refuses_documents_of_another_shape() {
        for doc in [
            "",
            "{}",
            "{\"certificates\": 3}",
            "[1, 2]",
            "not json",
            " [] trailing",
            "{\"certificates\": []} {}",
        ] {
            assert_eq!(
                TrustList::from_unsigned_json(doc.as_bytes()).unwrap_err(),
                TrustListError::NotJson,
                "{doc}"
            );
        }
    }
}
