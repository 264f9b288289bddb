//! Document signer certificates from DER, as every trust-list importer parses them.
#![no_main]

use dcc_verify::Dsc;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(dsc) = Dsc::from_der(data) {
        let _ = (dsc.kid(), dsc.country(), dsc.key_usage(), dsc.not_before());
        let _ = format!("{:?}", dsc.public_key());
    }
});
