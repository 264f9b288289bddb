//! The unsigned JSON trust-list importer: every entry of a list is read (taken + skipped =
//! entries), only what is not a list is refused, and lookups work on what was taken.
#![no_main]

mod trust_harness;

use dcc_verify::{ListFormat, TrustList, TrustListError, UnsignedList};
use libfuzzer_sys::fuzz_target;
use trust_harness::*;

fuzz_target!(|data: &[u8]| {
    let result = TrustList::from_unsigned(UnsignedList::Json(data));
    check_against_shape(&result, json_shape(data), &TrustListError::NotJson);
    match result {
        Ok((list, report)) => {
            assert_eq!(list.provenance().format, Some(ListFormat::Json));
            assert!(list.provenance().anchor.is_none());
            check_list(&list, &report, &kid_from_input(data));
        }
        Err(e) => describe(&e),
    }
});
