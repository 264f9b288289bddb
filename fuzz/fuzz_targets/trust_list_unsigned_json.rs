//! The unsigned JSON trust-list importer.
#![no_main]

use dcc_verify::TrustList;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((list, report)) = TrustList::from_unsigned_json(data) {
        assert!(list.len() <= report.taken);
        let _ = list.iter().count();
    }
});
