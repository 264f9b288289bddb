//! The unsigned PEM bundle importer, and lookups in what it reads.
#![no_main]

mod trust_harness;

use dcc_verify::{ListFormat, TrustList, UnsignedList};
use libfuzzer_sys::fuzz_target;
use trust_harness::*;

fuzz_target!(|data: &[u8]| {
    match TrustList::from_unsigned(UnsignedList::Pem(data)) {
        Ok((list, report)) => {
            // One entry per block, and a block starts at a BEGIN line.
            let begin_lines = String::from_utf8_lossy(data)
                .lines()
                .filter(|l| l.trim().starts_with("-----BEGIN ") && l.trim().ends_with("-----"))
                .count();
            let entries = report.taken + report.skipped.len();
            assert!(
                (1..=begin_lines).contains(&entries),
                "{entries} of {begin_lines}"
            );
            assert_eq!(list.provenance().format, Some(ListFormat::Pem));
            assert!(list.provenance().anchor.is_none());
            check_list(&list, &report, &kid_from_input(data));
        }
        Err(e) => describe(&e),
    }
});
