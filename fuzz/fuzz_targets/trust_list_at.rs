//! The Austrian list from raw bytes, against the real German key and the TEST-ONLY key: the
//! input is a big-endian u16 signature length, the COSE_Sign1 signature, then the CBOR content.
//! Fuzzes the COSE parsing, algorithm and signature checks, the claims and the hash; the seeds
//! signed with the test key also reach the content and the lookups.
#![no_main]

mod trust_harness;

use dcc_verify::{ListFormat, SignedList, TrustList};
use libfuzzer_sys::fuzz_target;
use ring::digest::{digest, SHA256};
use trust_harness::*;

fuzz_target!(|data: &[u8]| {
    let (signature, content) = split(data);
    match TrustList::from_signed(SignedList::At { content, signature }, anchors(), NOW) {
        Ok((list, report)) => {
            // The signed claims hold the content's hash.
            let hash = digest(&SHA256, content);
            assert!(
                signature
                    .windows(hash.as_ref().len())
                    .any(|w| w == hash.as_ref()),
                "accepted content whose hash the signature does not hold"
            );
            assert_eq!(list.provenance().format, Some(ListFormat::At));
            assert!(list.provenance().anchor.is_some());
            check_list(&list, &report, &kid_from_input(content));
        }
        Err(e) => describe(&e),
    }
});

/// (signature, content) from `[len: u16 BE][signature][content]`; short inputs give what is there.
fn split(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((len, rest)) = data.split_first_chunk::<2>() else {
        return (&[], data);
    };
    rest.split_at(usize::from(u16::from_be_bytes(*len)).min(rest.len()))
}
