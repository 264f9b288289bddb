//! The Austrian list behind a good signature: the input is the CBOR content; the target signs
//! the CWT {2: SHA-256(content), 4: exp, 5: nbf} (valid around NOW) into a COSE_Sign1 with the
//! TEST-ONLY key, as tests/trust_fixtures does, so every input reaches the content. The import
//! must read every entry of a list (taken + skipped = entries) and refuse only what is not one.
#![no_main]

mod trust_harness;

use dcc_verify::{ListFormat, SignedList, TrustList, TrustListError};
use libfuzzer_sys::fuzz_target;
use ring::digest::{digest, SHA256};
use trust_harness::*;

/// {1: -7 (ES256), 4: h'a7a7a7a7a7a7a7a7'}, as tests/trust_fixtures writes it.
const PROTECTED: [u8; 13] = [
    0xa2, 0x01, 0x26, 0x04, 0x48, 0xa7, 0xa7, 0xa7, 0xa7, 0xa7, 0xa7, 0xa7, 0xa7,
];
const NOT_BEFORE: u32 = (NOW - 86_400) as u32;
const EXPIRES: u32 = (NOW + 86_400) as u32;

fuzz_target!(|content: &[u8]| {
    let signature = sign(content);
    let result = TrustList::from_signed(
        SignedList::At {
            content,
            signature: &signature,
        },
        test_anchors(),
        NOW,
    );
    check_against_shape(&result, cbor_shape(content), &TrustListError::NotCbor);
    match result {
        Ok((list, report)) => {
            let provenance = list.provenance();
            assert_eq!(provenance.format, Some(ListFormat::At));
            assert_eq!(provenance.anchor, Some(test_anchor_id()));
            assert_eq!(provenance.list_time, Some(i64::from(NOT_BEFORE)));
            check_list(&list, &report, &kid_from_input(content));
        }
        Err(e) => describe(&e),
    }
});

/// The COSE_Sign1 (tag 18) over the claims about `content`.
fn sign(content: &[u8]) -> Vec<u8> {
    let mut claims = vec![0xa3, 0x02, 0x58, 0x20];
    claims.extend_from_slice(digest(&SHA256, content).as_ref());
    claims.extend_from_slice(&[0x04, 0x1a]);
    claims.extend_from_slice(&EXPIRES.to_be_bytes());
    claims.extend_from_slice(&[0x05, 0x1a]);
    claims.extend_from_slice(&NOT_BEFORE.to_be_bytes());

    let mut to_sign = vec![0x84, 0x6a];
    to_sign.extend_from_slice(b"Signature1");
    bstr(&mut to_sign, &PROTECTED);
    to_sign.push(0x40);
    bstr(&mut to_sign, &claims);

    let mut cose = vec![0xd2, 0x84];
    bstr(&mut cose, &PROTECTED);
    cose.push(0xa0);
    bstr(&mut cose, &claims);
    bstr(&mut cose, &test_key().sign(&to_sign));
    cose
}

/// A CBOR byte string of fewer than 256 bytes.
fn bstr(out: &mut Vec<u8>, bytes: &[u8]) {
    match bytes.len() {
        len @ 0..=23 => out.push(0x40 | len as u8),
        len => out.extend_from_slice(&[0x58, len as u8]),
    }
    out.extend_from_slice(bytes);
}
