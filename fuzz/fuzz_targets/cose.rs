//! COSE_Sign1 parsing from inflated bytes.
#![no_main]

use dcc_verify::cose::CoseSign1;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cose) = CoseSign1::parse(data) {
        let signed = cose.signed_data();
        // The Sig_structure holds the payload as received.
        assert!(signed.len() > cose.payload().len());
        let _ = (cose.kid(), cose.algorithm(), cose.signature());
    }
});
