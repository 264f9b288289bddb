//! CWT claims from a COSE payload, and the DCC they carry.
#![no_main]

use dcc_verify::{cwt, Dcc};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((_claims, dcc)) = cwt::parse(data) {
        if let Ok(dcc) = Dcc::from_cbor(dcc) {
            let _ = (dcc.to_json(), format!("{dcc:?}"), dcc.certificate_type());
        }
    }
});
