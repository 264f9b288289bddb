//! zlib inflation under the size cap.
#![no_main]

use dcc_verify::{inflate, limits::MAX_INFLATED_BYTES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(out) = inflate::inflate(data) {
        assert!(out.len() <= MAX_INFLATED_BYTES);
    }
});
