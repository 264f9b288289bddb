//! RFC 3339 instants (the CLI's --at, trust-list timestamps): parsing never overflows, and
//! whatever parses formats back to the same instant.
#![no_main]

use dcc_verify::{format_instant, parse_instant};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(t) = parse_instant(&String::from_utf8_lossy(data)) {
        assert_eq!(parse_instant(&format_instant(t)), Some(t));
    }
});
