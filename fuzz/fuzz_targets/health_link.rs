//! Health link texts (`shlink:/…`, `vhlink:/…`, after a viewer URL): base64url, then JSON. No
//! panic, and the link's key never shows in `Debug` or in the error.
#![no_main]

use dcc_verify::payload::HealthLink;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut deviations = Vec::new();
    match HealthLink::parse(text, &mut deviations) {
        Ok(link) => {
            let shown = format!("{link:?}");
            // (A key that is also the host or the flags shows there, not as the key.)
            let key = link.key();
            let elsewhere = link.host().contains(key) || link.flags.contains(key);
            assert!(
                key.len() < 8 || elsewhere || !shown.contains(key),
                "key in Debug: {shown}"
            );
            let _ = (link.host(), link.needs_passcode(), link.direct_file());
        }
        Err(error) => {
            let _ = (error.to_string(), format!("{error:?}"));
        }
    }
});
