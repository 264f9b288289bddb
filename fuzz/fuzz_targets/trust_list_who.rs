//! WHO GDHCN DID trust lists from raw bytes, against the three real WHO signer keys: the strict
//! JSON reading (duplicate members, the closed shape), the canonical form and the proof check,
//! and the refusal of anything the signature does not cover. Only a harmless re-serialisation of
//! a real list can be accepted; when one is, every verificationMethod entry (counted here by
//! serde_json, not by the importer) is taken or skipped, and the import checks hold.
#![no_main]

mod trust_harness;

use std::sync::OnceLock;

use dcc_verify::{Anchors, ListFormat, SignedList, TrustList};
use libfuzzer_sys::fuzz_target;
use trust_harness::*;

const WHO_SIGNERS: [&[u8]; 3] = [
    include_bytes!("../../testdata/who/signers/who-prod-signer.pem"),
    include_bytes!("../../testdata/who/signers/who-uat-signer.pem"),
    include_bytes!("../../testdata/who/signers/who-dev-signer.did.json"),
];

fn who_anchors() -> &'static Anchors {
    static ANCHORS: OnceLock<Anchors> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        let mut anchors = Anchors::new();
        for key in WHO_SIGNERS {
            anchors.add_key(key).expect("WHO signer key");
        }
        anchors
    })
}

fuzz_target!(|data: &[u8]| {
    match TrustList::from_signed(SignedList::Who(data), who_anchors(), NOW) {
        Ok((list, report)) => {
            let provenance = list.provenance();
            assert_eq!(provenance.format, Some(ListFormat::Who));
            assert!(provenance.anchor.is_some(), "accepted without an anchor");
            assert!(provenance.environment.is_some());
            assert!(provenance.issued_at.is_some());
            assert_eq!(provenance.list_time, provenance.issued_at);
            let document: serde_json::Value = serde_json::from_slice(data).expect("JSON");
            let entries = document["verificationMethod"]
                .as_array()
                .expect("an embedded list")
                .len();
            assert_eq!(report.taken + report.skipped.len(), entries, "every entry read");
            assert!(list.participants().values().sum::<usize>() == list.len());
            check_list(&list, &report, &kid_from_input(data));
        }
        Err(e) => describe(&e),
    }
});
