//! The DCC payload model from its CBOR encoding.
#![no_main]

use dcc_verify::payload;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(dcc) = payload::decode(data) {
        let _ = (dcc.to_json().to_string(), format!("{dcc:?}"));
    }
});
