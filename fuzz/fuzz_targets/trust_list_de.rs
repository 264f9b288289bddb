//! The German signed list from raw bytes, against the real German key and the TEST-ONLY key:
//! the framing, the base64 signature line, the refusal of anything not signed by an anchor,
//! and (for the seeds signed with the test key) the import and lookups behind it.
#![no_main]

mod trust_harness;

use dcc_verify::{ListFormat, SignedList, TrustList};
use libfuzzer_sys::fuzz_target;
use trust_harness::*;

fuzz_target!(|data: &[u8]| {
    match TrustList::from_signed(SignedList::De(data), anchors(), NOW) {
        Ok((list, report)) => {
            // Accepted only behind a good signature by an anchor, checked here with ring alone.
            assert!(signature_holds(data), "accepted without a good signature");
            assert_eq!(list.provenance().format, Some(ListFormat::De));
            assert!(list.provenance().anchor.is_some());
            check_list(&list, &report, &kid_from_input(data));
        }
        Err(e) => describe(&e),
    }
});

/// Line 1 (without `\r`) is the base64 of a signature over everything after its `\n`.
fn signature_holds(data: &[u8]) -> bool {
    use base64::Engine;
    let Some(newline) = data.iter().position(|&b| b == b'\n') else {
        return false;
    };
    let line = &data[..newline];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    base64::engine::general_purpose::STANDARD
        .decode(line)
        .is_ok_and(|signature| signed_by_an_anchor(&data[newline + 1..], &signature))
}
