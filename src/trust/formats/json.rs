//! JSON trust lists: `{"certificates":[{"kid", "country", "rawData", "timestamp", ...}]}` (the
//! shape of the EU gateway and German lists) or a bare array of the same entries. The German
//! signed list wraps this document; on its own it is an unsigned source.
//!
//! The document is read in one pass without copying: strings are borrowed from the input, and
//! fields a verifier does not need (the German list's 3 KB per-entry CMS signature) are skipped.
//! An element of the wrong shape is reported as a skipped entry, never fatal to the document.
//! A value JSON can write but a reader cannot hold (a number beyond `f64`, a lone surrogate
//! escape) refuses the document as a whole, wherever it is: such a list has no trustworthy
//! reading, and refusing it keeps the list in force. So does a duplicate key in any object
//! ([`TrustListError::DuplicateKey`]): parsers disagree on which one counts. Fields the entry
//! does not need are still only scanned (their keys checked, nothing kept).

use std::borrow::Cow;
use std::fmt;

use base64::Engine;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::limits::MAX_TRUST_LIST_ENTRIES;
use crate::strict_json::{self, KeyText, Keys, Skip as IgnoredAny};
use crate::trust::import::{check_size, Candidate, Importer, ListedKid, TOO_MANY_ENTRIES};
use crate::trust::{ImportReport, ListFormat, SkipReason, TrustList, TrustListError};

/// Reads a JSON list into an importer (the caller finishes it with its provenance).
pub(crate) fn read(bytes: &[u8]) -> Result<Importer, TrustListError> {
    check_size(bytes.len())?;
    let document: Document<'_> = serde_json::from_slice(bytes).map_err(|e| {
        if strict_json::is_duplicate_key(&e) {
            TrustListError::DuplicateKey
        } else {
            TrustListError::NotJson
        }
    })?;
    let entries = document.0;
    if entries.too_many {
        return Err(TOO_MANY_ENTRIES);
    }
    let mut importer = Importer::new();
    for (index, entry) in entries.list.iter().enumerate() {
        importer.entry(index, entry.candidate());
    }
    Ok(importer)
}

/// An unsigned JSON list.
pub(crate) fn import(bytes: &[u8]) -> Result<(TrustList, ImportReport), TrustListError> {
    Ok(read(bytes)?.finish(ListFormat::Json, None, None))
}

/// The document: an object with a `certificates` array, or the array itself.
struct Document<'a>(Entries<'a>);

impl<'de> Deserialize<'de> for Document<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DocumentVisitor;
        impl<'de> Visitor<'de> for DocumentVisitor {
            type Value = Document<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with a certificates array, or an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                EntriesVisitor.visit_seq(seq).map(Document)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = None;
                let mut keys = Keys::default();
                while let Some(key) = map.next_key::<KeyText<'de>>()? {
                    keys.insert(key.0.clone())?;
                    if key.0 == "certificates" {
                        entries = Some(map.next_value::<Entries<'de>>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                entries
                    .map(Document)
                    .ok_or_else(|| de::Error::missing_field("certificates"))
            }
        }
        deserializer.deserialize_any(DocumentVisitor)
    }
}

/// The entries, at most [`MAX_TRUST_LIST_ENTRIES`] of them kept; past that the rest is only
/// scanned, so a hostile document costs no more memory than a full list.
struct Entries<'a> {
    list: Vec<Entry<'a>>,
    too_many: bool,
}

struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Entries<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of entries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut list = Vec::new();
        while list.len() < MAX_TRUST_LIST_ENTRIES {
            match seq.next_element::<Entry<'de>>()? {
                Some(entry) => list.push(entry),
                None => {
                    return Ok(Entries {
                        list,
                        too_many: false,
                    })
                }
            }
        }
        let too_many = seq.next_element::<IgnoredAny>()?.is_some();
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Entries { list, too_many })
    }
}

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(EntriesVisitor)
    }
}

/// One element of the array. Fields of the wrong type read as [`Field::Other`]; an element that
/// is not an object reads as `is_object: false`.
#[derive(Default)]
struct Entry<'a> {
    is_object: bool,
    kid: Option<Field<'a>>,
    raw_data: Option<Field<'a>>,
    country: Option<Field<'a>>,
    timestamp: Option<Field<'a>>,
    certificate_type: Option<Field<'a>>,
}

impl Entry<'_> {
    fn candidate(&self) -> Candidate<'_> {
        fn text<'a>(field: &'a Option<Field<'_>>) -> Option<&'a str> {
            match field {
                Some(Field::Text(text)) => Some(text.as_ref()),
                _ => None,
            }
        }
        let listed_kid = match &self.kid {
            None | Some(Field::Null) => ListedKid::Absent,
            Some(Field::Text(kid)) => ListedKid::Base64(kid),
            Some(Field::Other) => ListedKid::Base64(""),
        };
        Candidate {
            listed_kid,
            der: self.der(),
            country: text(&self.country),
            timestamp: text(&self.timestamp),
        }
    }

    fn der(&self) -> Result<Vec<u8>, SkipReason> {
        if !self.is_object {
            return Err(SkipReason::NotAnEntry);
        }
        match &self.certificate_type {
            None | Some(Field::Null) => {}
            Some(Field::Text(kind)) if kind == "DSC" => {}
            Some(_) => return Err(SkipReason::NotDsc),
        }
        match &self.raw_data {
            Some(Field::Text(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| SkipReason::NotBase64),
            _ => Err(SkipReason::NotBase64),
        }
    }
}

impl<'de> Deserialize<'de> for Entry<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = Entry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a trust list entry")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entry = Entry {
                    is_object: true,
                    ..Entry::default()
                };
                let mut keys = Keys::default();
                while let Some(key) = map.next_key::<KeyText<'de>>()? {
                    keys.insert(key.0.clone())?;
                    let slot = match key.0.as_ref() {
                        "kid" => &mut entry.kid,
                        "rawData" => &mut entry.raw_data,
                        "country" => &mut entry.country,
                        "timestamp" => &mut entry.timestamp,
                        "certificateType" => &mut entry.certificate_type,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = Some(map.next_value::<Field<'de>>()?);
                }
                Ok(entry)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Entry::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Entry::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Entry::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Entry::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Entry::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Entry::default())
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Entry::default())
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}

/// A field value: a string (borrowed unless it had escapes), null, or anything else.
enum Field<'a> {
    Text(Cow<'a, str>),
    Null,
    Other,
}

impl<'de> Deserialize<'de> for Field<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = Field<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Field::Text(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Field::Text(Cow::Owned(text.to_owned())))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Field::Null)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Field::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Field::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Field::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Field::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Field::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                IgnoredAny::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Field::Other)
            }
        }
        deserializer.deserialize_any(FieldVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::{DscError, Kid};

    const SAMPLE_LIST: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/samples/trust-list.json"
    ));

    #[test]
    fn reads_the_sample_list() {
        let (list, report) = import(SAMPLE_LIST.as_bytes()).unwrap();
        assert_eq!(report.skipped, vec![]);
        assert_eq!((report.taken, list.len()), (8, 8));
        let kid = Kid(*b"\xeb\xe0\xe6\xb6\x8f\x87\xaa\x78"); // 6+Dmto+Hqng=
        let signers: Vec<_> = list.signers(&kid).collect();
        assert_eq!(signers.len(), 1);
        assert_eq!(signers[0].country(), Some("VN"));
        assert_eq!(list.provenance().format, Some(ListFormat::Json));
        assert!(!list.provenance().is_signed());
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
        let mut csca = good.clone();
        csca["certificateType"] = "CSCA".into();
        let mut numeric_kid = good.clone();
        numeric_kid["kid"] = 5.into();
        let bare = serde_json::json!([
            good,
            wrong_kid,
            not_base64,
            not_a_cert,
            csca,
            numeric_kid,
            17,
            good
        ]);
        let (list, report) = import(bare.to_string().as_bytes()).unwrap();
        assert_eq!((list.len(), report.taken), (1, 1));
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
                (4, SkipReason::NotDsc),
                (5, SkipReason::KidMismatch),
                (6, SkipReason::NotAnEntry),
                (7, SkipReason::Duplicate),
            ]
        );
        assert_eq!(
            report.skipped[0].listed_kid.as_deref(),
            Some("AAAAAAAAAAA=")
        );
    }

    #[test]
    fn escaped_strings_read_like_plain_ones() {
        let doc: serde_json::Value = serde_json::from_str(SAMPLE_LIST).unwrap();
        let raw = doc["certificates"][0]["rawData"].as_str().unwrap();
        let escaped = format!(
            "{{\"certificates\":[{{\"rawD\\u0061ta\":\"{}\"}}]}}",
            raw.replace('/', "\\/")
        );
        let (list, _) = import(escaped.as_bytes()).unwrap();
        assert_eq!(list.len(), 1);
    }

    #[test]
    fn records_the_newest_entry_timestamp() {
        let doc: serde_json::Value = serde_json::from_str(SAMPLE_LIST).unwrap();
        let mut a = doc["certificates"][0].clone();
        a["timestamp"] = "2023-05-09T11:19:57+02:00".into();
        let mut b = doc["certificates"][1].clone();
        b["timestamp"] = "2024-01-01T00:00:00Z".into();
        let (list, report) = import(serde_json::json!([a, b]).to_string().as_bytes()).unwrap();
        assert_eq!(report.newest_entry, Some(1_704_067_200));
        assert_eq!(list.provenance().list_time, Some(1_704_067_200));
    }

    #[test]
    fn refuses_documents_of_another_shape() {
        for doc in ["", "{}", "{\"certificates\": 3}", "7", "not json", "[1, 2"] {
            assert_eq!(
                import(doc.as_bytes()).unwrap_err(),
                TrustListError::NotJson,
                "{doc}"
            );
        }
    }

    #[test]
    fn refuses_more_entries_than_the_limit_without_keeping_them() {
        let many = format!("[{}{{}}]", "{},".repeat(MAX_TRUST_LIST_ENTRIES));
        assert_eq!(import(many.as_bytes()).unwrap_err(), TOO_MANY_ENTRIES);
        let exactly = format!("[{}{{}}]", "{},".repeat(MAX_TRUST_LIST_ENTRIES - 1));
        let (_, report) = import(exactly.as_bytes()).unwrap();
        assert_eq!(report.skipped.len(), MAX_TRUST_LIST_ENTRIES);
    }
}
