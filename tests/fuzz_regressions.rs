//! What the fuzz targets (fuzz/, see fuzz/README.md) found, each case with what the library must
//! do with it.

mod trust_fixtures;

use base64::Engine;
use dcc_verify::limits::MAX_TRUST_LIST_ENTRIES;
use dcc_verify::{SignedList, TrustList, TrustListError, UnsignedList};
use trust_fixtures::*;

/// Imports Austrian content signed with `key`, valid around the sample time.
fn import_at(key: &TestKey, entries: &[(Vec<u8>, Vec<u8>)]) -> Result<TrustList, TrustListError> {
    let now = sample_time();
    let (content, signature) = at_pair(key, entries, now - 86_400, now + 86_400);
    let list = SignedList::At {
        content: &content,
        signature: &signature,
    };
    let (list, report) = TrustList::from_signed(list, &key.anchors(), now)?;
    assert_eq!(report.taken + report.skipped.len(), entries.len());
    Ok(list)
}

/// trust_list_at_signed: Austrian content of more than about 400 entries was refused as not
/// CBOR, because it was decoded under the item limit sized for one certificate (2,048 items; an
/// entry `{"i": kid, "c": DER}` is five). The target's input was 600 entries of
/// `{"i": h'0000000000000000', "c": h'3000'}`.
#[test]
fn an_austrian_list_of_hundreds_of_entries_is_read_whole() {
    let key = TestKey::new();
    let not_certificates = vec![(vec![0; 8], vec![0x30, 0x00]); 600];
    let list = import_at(&key, &not_certificates).unwrap();
    assert!(list.is_empty());

    // The real German list's 829 certificates, as an Austrian list.
    let real = real_de_list();
    let document = &real[real.iter().position(|&b| b == b'\n').unwrap() + 1..];
    let document: serde_json::Value = serde_json::from_slice(document).unwrap();
    let entries: Vec<(Vec<u8>, Vec<u8>)> = document["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let der = base64::engine::general_purpose::STANDARD
                .decode(entry["rawData"].as_str().unwrap())
                .unwrap();
            (kid_of(&der).to_vec(), der)
        })
        .collect();
    assert_eq!(entries.len(), 829);
    let list = import_at(&key, &entries).unwrap();
    // Two of them are CSCAs listed as DSCs (GE, SM), skipped as not-dsc.
    assert_eq!(list.len(), 827);
    assert_eq!(list.iter().count() + list.certificate_errors().len(), 827);
}

/// The entry limit, not the CBOR item limit, is what refuses a long Austrian list.
#[test]
fn an_austrian_list_is_refused_only_past_the_entry_limit() {
    let key = TestKey::new();
    let mut entries = vec![(vec![0; 8], vec![0x30, 0x00]); MAX_TRUST_LIST_ENTRIES];
    assert!(import_at(&key, &entries).is_ok());
    entries.push((vec![0; 8], vec![0x30, 0x00]));
    assert_eq!(
        import_at(&key, &entries).unwrap_err(),
        TrustListError::TooManyEntries {
            limit: MAX_TRUST_LIST_ENTRIES
        }
    );
}

/// trust_list_unsigned_json and trust_list_de_signed (their entry-count check): a number beyond
/// `f64` or a lone surrogate escape is valid JSON syntax that serde_json cannot hold. As an
/// element, in a field the entry reads, or (since skipped fields are scanned for duplicate keys)
/// anywhere else, it refuses the document as a whole: never part of a list.
#[test]
fn values_json_cannot_hold_refuse_the_document() {
    let der = sample_der("dsc-vn-es256");
    let entry = |extra: &str| {
        format!(
            r#"{{"certificates":[{{"kid":"{}","rawData":"{}"{extra}}}]}}"#,
            b64(&kid_of(&der)),
            b64(&der)
        )
    };
    let import = |json: &str| TrustList::from_unsigned(UnsignedList::Json(json.as_bytes()));
    for read in [
        r#","country":1e400"#,
        r#","country":"\ud800""#,
        r#","timestamp":-1e999"#,
    ] {
        assert_eq!(
            import(&entry(read)).unwrap_err(),
            TrustListError::NotJson,
            "{read}"
        );
    }
    assert_eq!(
        import(r#"{"certificates":[1e400]}"#).unwrap_err(),
        TrustListError::NotJson
    );
    // In fields the entry does not read as well: those are scanned for duplicate keys
    // (issue 10, item 10), and a value no reader can hold has no reading there either.
    for skipped in [r#","signature":1e400"#, r#","thumbprint":"\ud800""#] {
        assert_eq!(
            import(&entry(skipped)).unwrap_err(),
            TrustListError::NotJson,
            "{skipped}"
        );
    }
    let (list, report) = import(&entry(r#","signature":1e300"#)).unwrap();
    assert_eq!((list.len(), report.taken), (1, 1));
}

/// fuzz target `payload`, 2026-11-29: map keys that are maps nested many levels deep in fields the
/// model does not know made their JSON double at every level (a 1 KB payload took seconds and
/// hundreds of MB). Unknown fields now get flat keys; the payload decodes (here: refuses) at once.
#[test]
fn a_payload_with_deeply_nested_map_keys_decodes_at_once() {
    let input = std::fs::read(format!(
        "{}/testdata/fuzz-regressions/payload-nested-map-keys.cbor",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let started = std::time::Instant::now();
    let result = dcc_verify::payload::decode(&input);
    assert!(matches!(
        result,
        Err(dcc_verify::payload::PayloadError::MissingField("dob"))
    ));
    assert!(
        started.elapsed() < std::time::Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
}
