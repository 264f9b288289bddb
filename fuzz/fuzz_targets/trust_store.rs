//! The offline cache at start-up: the input is written as the cache file into a fresh
//! directory, and `TrustStore::open` must never panic and must yield no list (saying why) or a
//! whole one: the list the cached document imports to on its own.
#![no_main]

mod trust_harness;

use std::path::PathBuf;
use std::sync::OnceLock;

use dcc_verify::{ImportReport, SignedList, TrustList, TrustListError, TrustStore, UnsignedList};
use libfuzzer_sys::fuzz_target;
use trust_harness::*;

const MAGIC: &[u8] = b"dcc-verify trust-list cache 1\n";

/// This process's scratch directory, removed after every input and, on a panic, before
/// libFuzzer's hook aborts the process.
fn scratch_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!(
            "dcc-verify-fuzz-trust-store.{}",
            std::process::id()
        ));
        let cleanup = dir.clone();
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = std::fs::remove_dir_all(&cleanup);
            previous(info);
        }));
        dir
    })
}

fuzz_target!(|cache: &[u8]| {
    let dir = scratch_dir();
    std::fs::create_dir_all(dir).expect("scratch directory");
    std::fs::write(dir.join(TrustStore::CACHE_FILE), cache).expect("cache file");

    let store = TrustStore::open(dir, new_anchors());
    match (store.trust_list(), store.load_error()) {
        (Some(list), None) => match import_alone(cache) {
            Some((alone, report)) => {
                let mut expected = alone.provenance().clone();
                expected.fetched_at = fetched_at(cache);
                assert_eq!(list.provenance(), &expected);
                assert_eq!(list.len(), alone.len());
                assert_eq!(list.certificate_errors(), alone.certificate_errors());
                check_list(&list, &report, &kid_from_input(cache));
            }
            None => assert_eq!(
                list.iter().count() + list.certificate_errors().len(),
                list.len()
            ),
        },
        (None, Some(error)) => {
            let _ = error.to_string();
        }
        (list, error) => panic!("list {:?} with load error {error:?}", list.map(|l| l.len())),
    }
    let _ = format!("{store:?}");
    drop(store);
    std::fs::remove_dir_all(dir).expect("scratch directory");
});

/// The header line of a cache file the store accepted.
fn header(cache: &[u8]) -> (serde_json::Value, &[u8]) {
    let rest = cache.strip_prefix(MAGIC).expect("magic");
    let newline = rest.iter().position(|&b| b == b'\n').expect("header line");
    let header = serde_json::from_slice(&rest[..newline]).expect("header JSON");
    (header, &rest[newline + 1..])
}

fn fetched_at(cache: &[u8]) -> Option<i64> {
    header(cache).0["fetched_at"].as_i64()
}

/// Imports the document of a cache file the store accepted through the public API. The
/// Austrian validity period is checked at NOW (seed.py's signatures are valid then); a cached
/// list is not checked against it again, so an Austrian list outside it is left out.
fn import_alone(cache: &[u8]) -> Option<(TrustList, ImportReport)> {
    let (header, mut body) = header(cache);
    let mut parts = Vec::new();
    for len in header["parts"].as_array().expect("parts") {
        let (part, rest) = body.split_at(len.as_u64().expect("part length") as usize);
        parts.push(part);
        body = rest;
    }
    let result = match (header["format"].as_str().expect("format"), &parts[..]) {
        ("de", [bytes]) => TrustList::from_signed(SignedList::De(bytes), anchors(), NOW),
        ("at", [content, signature]) => {
            let list = SignedList::At { content, signature };
            match TrustList::from_signed(list, anchors(), NOW) {
                Err(TrustListError::Expired { .. } | TrustListError::NotYetValid { .. }) => {
                    return None
                }
                result => result,
            }
        }
        ("json", [bytes]) => TrustList::from_unsigned(UnsignedList::Json(bytes)),
        ("pem", [bytes]) => TrustList::from_unsigned(UnsignedList::Pem(bytes)),
        (format, parts) => panic!("accepted a {format} cache of {} parts", parts.len()),
    };
    Some(result.expect("the cached document imports"))
}
