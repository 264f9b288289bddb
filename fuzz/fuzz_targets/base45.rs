//! Base45 decoding: never panics, and is the exact inverse of encoding.
#![no_main]

use dcc_verify::base45;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(bytes) = base45::decode(&text) {
        // Every accepted text is the one encoding of its bytes.
        assert_eq!(base45::encode(&bytes), text);
    }
    assert_eq!(base45::decode(&base45::encode(data)).as_deref(), Ok(data));
});
