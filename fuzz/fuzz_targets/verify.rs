//! The whole verification, from QR text, against the sample trust list at the samples' instant
//! (2026-06-01), so that signatures by the sample DSCs are reachable.
#![no_main]

use std::sync::OnceLock;

use dcc_verify::{decode, FixedClock, Outcome, Settings, TrustList, Verifier};
use libfuzzer_sys::fuzz_target;

const TRUST_LIST: &[u8] = include_bytes!("../../testdata/samples/trust-list.json");
const NOW: i64 = 1_780_272_000;

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let (trust, _) = TrustList::from_unsigned_json(TRUST_LIST).expect("sample trust list");
        Verifier::new(Settings::default())
            .with_clock(FixedClock(NOW))
            .with_trust_list(trust)
    })
}

fuzz_target!(|data: &[u8]| {
    // The API takes text; invalid UTF-8 becomes replacement characters rather than being lost.
    let text = String::from_utf8_lossy(data);
    let verification = verifier().verify(&text);
    // Formatting a result must never fail or panic either.
    let _ = format!("{verification:?}");
    match &verification.outcome {
        Outcome::Valid => {
            // A valid certificate decodes, to the certificate reported.
            let decoded = decode(&text).expect("valid but does not decode");
            assert_eq!(
                verification.certificate.as_ref(),
                Some(&decoded.certificate)
            );
            assert!(verification.signer.is_some());
        }
        Outcome::Invalid { reason } => {
            let _ = (reason.to_string(), reason.code());
        }
        Outcome::Undecidable { reason } => panic!("undecidable with a trust list: {reason}"),
    }
});
