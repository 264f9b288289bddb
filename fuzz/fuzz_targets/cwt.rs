//! CWT claims from a COSE payload, and the certificate of any kind they carry.
#![no_main]

use dcc_verify::cwt;
use dcc_verify::payload::Content;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = cwt::parse(data) {
        let mut deviations = parsed.deviations;
        if let Ok(content) = Content::from_hcert(parsed.hcert, &mut deviations) {
            let _ = (
                content.to_json(),
                format!("{content:?}"),
                content.kind().code(),
                content.validity(),
            );
        }
    }
});
