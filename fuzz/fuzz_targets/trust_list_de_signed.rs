//! The German list behind a good signature: the input is the JSON document, which the target
//! signs with the TEST-ONLY key, so every input reaches the JSON and entry checks. The import
//! must read every entry of a list (taken + skipped = entries), refuse only what is not a list,
//! and never fail over the signature.
#![no_main]

mod trust_harness;

use base64::Engine;
use dcc_verify::{ListFormat, SignedList, TrustList, TrustListError};
use libfuzzer_sys::fuzz_target;
use trust_harness::*;

fuzz_target!(|document: &[u8]| {
    let signature = test_key().sign(document);
    let mut signed = base64::engine::general_purpose::STANDARD
        .encode(signature)
        .into_bytes();
    signed.push(b'\n');
    signed.extend_from_slice(document);

    let result = TrustList::from_signed(SignedList::De(&signed), test_anchors(), NOW);
    check_against_shape(&result, json_shape(document), &TrustListError::NotJson);
    match result {
        Ok((list, report)) => {
            let provenance = list.provenance();
            assert_eq!(provenance.format, Some(ListFormat::De));
            assert_eq!(provenance.anchor, Some(test_anchor_id()));
            assert_eq!(provenance.list_time, report.newest_entry);
            check_list(&list, &report, &kid_from_input(document));
        }
        Err(e) => describe(&e),
    }
});
