//! Attacks on the verifier, one named test each. Every forged certificate is built and signed
//! here with the TEST-ONLY keys of testdata/samples/pki, and every test asserts the outcome
//! and its reason code: refusing for the wrong reason would hide the next bug. Every
//! certificate is verified on each signature backend in the build, which must all answer alike.

mod support;

use ciborium::Value;
use dcc_verify::cose::CoseError;
use dcc_verify::crypto::{Backend, KeyError};
use dcc_verify::cwt::{Claim, CwtError};
use dcc_verify::inflate::InflateError;
use dcc_verify::limits::{MAX_CBOR_DEPTH, MAX_CBOR_ITEMS, MAX_QR_TEXT_BYTES};
use dcc_verify::payload::PayloadError;
use dcc_verify::{
    CborError, CertificateType, CheckStatus, DecodeError, InvalidReason, Outcome, Verification,
};
use support::*;

/// The verification on every backend in the build, asserted identical.
#[track_caller]
fn verify(qr: &str) -> Verification {
    let mut answers = Backend::ALL
        .iter()
        .map(|&backend| (backend, verifier().with_backend(backend).verify_at(qr, NOW)));
    let (first_backend, first) = answers.next().unwrap();
    for (backend, answer) in answers {
        assert_eq!(answer, first, "{backend:?} and {first_backend:?} disagree");
    }
    first
}

/// Asserts the exact outcome and the reason code apps see.
#[track_caller]
fn assert_invalid(verification: &Verification, reason: InvalidReason, code: &str) {
    assert_eq!(verification.outcome, Outcome::Invalid { reason });
    assert_eq!(verification.outcome.reason_code(), Some(code));
    assert!(!verification.is_valid());
}

/// Asserts a refusal as malformed, at the stage `code` names, for a reason `matches` accepts.
#[track_caller]
fn assert_malformed(
    verification: &Verification,
    code: &str,
    matches: impl Fn(&DecodeError) -> bool,
) {
    match &verification.outcome {
        Outcome::Invalid {
            reason: InvalidReason::Malformed(e),
        } => assert!(matches(e), "unexpected decode error {e:?}"),
        other => panic!("expected a malformed certificate, got {other:?}"),
    }
    assert_eq!(verification.outcome.reason_code(), Some(code));
}

fn vaccination() -> Vec<u8> {
    Cwt::vaccination().encode()
}

// --- The baseline: the builder makes certificates the verifier accepts. ---

#[test]
fn forged_structures_start_from_a_valid_certificate() {
    let es256 = verify(&es256_certificate(vaccination()).qr());
    assert_eq!(es256.outcome, Outcome::Valid);
    assert_eq!(es256.checks.signature, CheckStatus::Passed);
    let ps256 = Message::new(&protected(PS256, "dsc-vn-ps256"), vaccination())
        .signed_by(&Key::ps256("dsc-vn-ps256"));
    assert_eq!(verify(&ps256.qr()).outcome, Outcome::Valid);
}

// --- Algorithm confusion ---

#[test]
fn es256_header_with_an_rsa_signer_is_an_algorithm_mismatch() {
    // ES256 in the header, kid of the RSA DSC: a 64-byte value must never be checked as RSA,
    // nor a real PSS signature as ECDSA.
    for key in [Key::es256("dsc-vn-es256"), Key::ps256("dsc-vn-ps256")] {
        let forged = Message::new(&protected(ES256, "dsc-vn-ps256"), vaccination()).signed_by(&key);
        let v = verify(&forged.qr());
        assert_invalid(&v, InvalidReason::AlgorithmMismatch, "algorithm-mismatch");
        assert_eq!(v.checks.signature, CheckStatus::Failed);
        assert_eq!(v.signer, None);
    }
}

#[test]
fn ps256_header_with_an_ec_signer_is_an_algorithm_mismatch() {
    for key in [Key::es256("dsc-vn-es256"), Key::ps256("dsc-vn-ps256")] {
        let forged = Message::new(&protected(PS256, "dsc-vn-es256"), vaccination()).signed_by(&key);
        assert_invalid(
            &verify(&forged.qr()),
            InvalidReason::AlgorithmMismatch,
            "algorithm-mismatch",
        );
    }
}

#[test]
fn unprotected_alg_disagreeing_with_the_key_is_an_algorithm_mismatch() {
    // No alg in the protected header; the unprotected one (not covered by the signature) says
    // PS256 for an EC key.
    let forged = Message::new(&Header::new().kid(&kid("dsc-vn-es256")), vaccination())
        .unprotected(&Header::new().alg(PS256))
        .signed_by(&Key::es256("dsc-vn-es256"));
    assert_invalid(
        &verify(&forged.qr()),
        InvalidReason::AlgorithmMismatch,
        "algorithm-mismatch",
    );
}

#[test]
fn unprotected_alg_cannot_override_the_protected_alg() {
    // The protected header says PS256 for an EC key; an unprotected ES256 must not rescue it.
    let forged = Message::new(&protected(PS256, "dsc-vn-es256"), vaccination())
        .unprotected(&Header::new().alg(ES256))
        .signed_by(&Key::es256("dsc-vn-es256"));
    assert_invalid(
        &verify(&forged.qr()),
        InvalidReason::AlgorithmMismatch,
        "algorithm-mismatch",
    );
}

#[test]
fn unprotected_alg_agreeing_with_the_key_is_tolerated() {
    // Some real issuers put alg in the unprotected header only; the key type decides the scheme,
    // so this cannot be steered, and the signature still covers everything that matters.
    let cert = Message::new(&Header::new().kid(&kid("dsc-vn-es256")), vaccination())
        .unprotected(&Header::new().alg(ES256))
        .signed_by(&Key::es256("dsc-vn-es256"));
    assert_eq!(verify(&cert.qr()).outcome, Outcome::Valid);
}

#[test]
fn unknown_algorithms_are_unsupported() {
    let es256 = Key::es256("dsc-vn-es256");
    let kid = kid("dsc-vn-es256");
    for alg in [
        Value::from(ES384),
        Value::from(-8),             // EdDSA
        Value::from(-65_535),        // RS1
        Value::from(0),              // reserved
        Value::Text("ES256".into()), // a text label, even one spelling a supported name
    ] {
        let header = Header::new().entry(1.into(), alg.clone()).kid(&kid);
        let forged = Message::new(&header, vaccination()).signed_by(&es256);
        let v = verify(&forged.qr());
        assert_invalid(
            &v,
            InvalidReason::UnsupportedAlgorithm,
            "unsupported-algorithm",
        );
        assert_eq!(v.checks.signature, CheckStatus::Failed, "{alg:?}");
    }
}

#[test]
fn algorithm_outside_the_cose_label_range_is_malformed() {
    // An integer beyond i64 is no COSE label at all: the header is not a valid header map.
    let header = Header::new()
        .entry(1.into(), u64::MAX.into())
        .kid(&kid("dsc-vn-es256"));
    let forged = Message::new(&header, vaccination()).signed_by(&Key::es256("dsc-vn-es256"));
    assert_malformed(&verify(&forged.qr()), "malformed-cose", |e| {
        *e == DecodeError::Cose(CoseError::NotSign1)
    });
}

#[test]
fn es384_sample_is_unsupported() {
    let v = verify(&sample("vn-vaccination-es384"));
    assert_invalid(
        &v,
        InvalidReason::UnsupportedAlgorithm,
        "unsupported-algorithm",
    );
}

#[test]
fn absent_algorithm_is_unsupported() {
    let forged = Message::new(&Header::new().kid(&kid("dsc-vn-es256")), vaccination())
        .signed_by(&Key::es256("dsc-vn-es256"));
    assert_invalid(
        &verify(&forged.qr()),
        InvalidReason::UnsupportedAlgorithm,
        "unsupported-algorithm",
    );
}

// --- Signature encodings and lengths ---

#[test]
fn der_encoded_ecdsa_signature_is_refused() {
    // COSE requires raw r‖s; a DER SEQUENCE{r, s} by the right key must not verify.
    let forged = Message::new(&protected(ES256, "dsc-vn-es256"), vaccination())
        .signed_by(&Key::es256_der("dsc-vn-es256"));
    assert!((68..=72).contains(&forged.signature.len()));
    assert_eq!(forged.signature[0], 0x30);
    assert_invalid(
        &verify(&forged.qr()),
        InvalidReason::SignatureInvalid,
        "signature-invalid",
    );
}

#[test]
fn wrong_signature_lengths_are_refused() {
    let es256 = es256_certificate(vaccination());
    let ps256 = Message::new(&protected(PS256, "dsc-vn-ps256"), vaccination())
        .signed_by(&Key::ps256("dsc-vn-ps256"));
    for good in [es256, ps256] {
        let sig = good.signature.clone();
        let mut longer = sig.clone();
        longer.push(0);
        let mut prefixed = vec![0];
        prefixed.extend_from_slice(&sig);
        let doubled = [sig.clone(), sig.clone()].concat();
        for bad in [
            Vec::new(),
            sig[..sig.len() - 1].to_vec(),
            sig[1..].to_vec(),
            longer,
            prefixed,
            doubled,
            vec![0; 1 << 12],
        ] {
            let len = bad.len();
            let v = verify(&good.clone().signature(bad).qr());
            assert_invalid(&v, InvalidReason::SignatureInvalid, "signature-invalid");
            assert_eq!(v.checks.signature, CheckStatus::Failed, "length {len}");
        }
    }
}

#[test]
fn zero_signature_of_the_right_length_is_refused() {
    // r = s = 0 is outside [1, n-1]; a verifier that skips the range check accepts anything.
    let forged = es256_certificate(vaccination()).signature(vec![0; 64]);
    assert_invalid(
        &verify(&forged.qr()),
        InvalidReason::SignatureInvalid,
        "signature-invalid",
    );
}

#[test]
fn rsa_key_under_2048_bits_is_unusable() {
    // The sample's PSS signature by the 1024-bit key is itself good (ring will not even make
    // one, so the sample made with Python is the fixture); the key must still be refused.
    let v = verify(&sample("vn-vaccination-rsa1024"));
    assert_invalid(
        &v,
        InvalidReason::UnusableSignerKey(KeyError::WeakRsa { bits: 1024 }),
        "unusable-signer-key",
    );
    assert_eq!(v.checks.signature, CheckStatus::Failed);
    assert_eq!(v.signer, None);
}

// --- Key identifiers ---

#[test]
fn matching_kid_but_another_key_signed_is_a_bad_signature() {
    // The kid of a trusted DSC, the signature of an untrusted key.
    let forged = Message::new(&protected(ES256, "dsc-vn-es256"), vaccination())
        .signed_by(&Key::es256("dsc-vn-unlisted"));
    let v = verify(&forged.qr());
    assert_invalid(&v, InvalidReason::SignatureInvalid, "signature-invalid");
    assert_eq!(v.signer, None);
}

#[test]
fn protected_kid_wrong_with_unprotected_kid_right_is_an_unknown_signer() {
    // The specification: when both are present, the protected kid is the one to use.
    let forged = Message::new(&protected(ES256, "dsc-vn-unlisted"), vaccination())
        .unprotected(&Header::new().kid(&kid("dsc-vn-es256")))
        .signed_by(&Key::es256("dsc-vn-es256"));
    assert_invalid(
        &verify(&forged.qr()),
        InvalidReason::UnknownSigner,
        "unknown-signer",
    );
}

#[test]
fn unprotected_kid_cannot_redirect_a_protected_kid() {
    // The converse: a right protected kid stays in force whatever the unprotected one says.
    let cert = Message::new(&protected(ES256, "dsc-vn-es256"), vaccination())
        .unprotected(&Header::new().kid(&kid("dsc-vn-ps256")))
        .signed_by(&Key::es256("dsc-vn-es256"));
    let v = verify(&cert.qr());
    assert_eq!(v.outcome, Outcome::Valid);
    assert_eq!(v.kid, Some(kid("dsc-vn-es256")));
}

#[test]
fn kids_of_the_wrong_length_or_absent_are_unknown_signers() {
    let full_hash = {
        use sha2::{Digest, Sha256};
        Sha256::digest(dsc_der("dsc-vn-es256")).to_vec()
    };
    let key = Key::es256("dsc-vn-es256");
    for kid in [kid("dsc-vn-es256")[..7].to_vec(), full_hash] {
        let header = Header::new().alg(ES256).kid(&kid);
        let forged = Message::new(&header, vaccination()).signed_by(&key);
        assert_invalid(
            &verify(&forged.qr()),
            InvalidReason::UnknownSigner,
            "unknown-signer",
        );
    }
    let no_kid = Message::new(&Header::new().alg(ES256), vaccination()).signed_by(&key);
    assert_invalid(
        &verify(&no_kid.qr()),
        InvalidReason::UnknownSigner,
        "unknown-signer",
    );
}

#[test]
fn empty_kid_is_a_malformed_header() {
    // RFC 9052 gives no meaning to an empty kid; the COSE parser refuses the header, so an
    // empty protected kid cannot hand the choice of key to the unprotected header either.
    let header = Header::new().alg(ES256).kid(&[]);
    let forged = Message::new(&header, vaccination())
        .unprotected(&Header::new().kid(&kid("dsc-vn-es256")))
        .signed_by(&Key::es256("dsc-vn-es256"));
    assert_malformed(&verify(&forged.qr()), "malformed-cose", |e| {
        *e == DecodeError::Cose(CoseError::NotSign1)
    });
}

#[test]
fn unlisted_signer_sample_is_an_unknown_signer() {
    let v = verify(&sample("vn-vaccination-unknown-signer"));
    assert_invalid(&v, InvalidReason::UnknownSigner, "unknown-signer");
}

#[test]
fn tampered_sample_is_a_bad_signature() {
    let v = verify(&sample("vn-vaccination-tampered"));
    assert_invalid(&v, InvalidReason::SignatureInvalid, "signature-invalid");
    // It still decodes, so an app can show what was scanned (never as valid).
    assert!(v.certificate.is_some());
}

// --- Compression ---

#[test]
fn zip_bomb_is_refused_at_the_inflate_cap() {
    // 4 MiB of zeros behind a COSE tag compress to ~4 KB, which fits in a QR code.
    let mut bomb = vec![0xd2, 0x84];
    bomb.resize(4 << 20, 0);
    let qr = qr_from_cose(&bomb);
    assert!(qr.len() <= MAX_QR_TEXT_BYTES, "{} bytes", qr.len());
    assert_malformed(&verify(&qr), "malformed-compression", |e| {
        *e == DecodeError::Inflate(InflateError::TooLarge)
    });
}

#[test]
fn trailing_bytes_after_the_zlib_stream_are_refused() {
    let mut compressed = zlib(&es256_certificate(vaccination()).to_cbor());
    compressed.extend_from_slice(&[0, 0]);
    assert_malformed(
        &verify(&qr_from_compressed(&compressed)),
        "malformed-compression",
        |e| *e == DecodeError::Inflate(InflateError::TrailingData(2)),
    );
}

#[test]
fn uncompressed_cose_is_refused() {
    // The specification requires zlib; a raw COSE message after base45 is not accepted.
    let qr = qr_from_compressed(&es256_certificate(vaccination()).to_cbor());
    assert_malformed(&verify(&qr), "malformed-compression", |e| {
        *e == DecodeError::Inflate(InflateError::NotCompressed)
    });
}

// --- CBOR structure ---

#[test]
fn declared_cbor_lengths_far_beyond_the_input_are_malformed() {
    let protected = protected(ES256, "dsc-vn-es256").protected_bytes();
    // COSE_Sign1 whose payload bstr claims 2^62 bytes, and one whose array claims 2^32 items.
    let mut huge_bstr = vec![0xd2, 0x84, 0x40 | protected.len() as u8];
    huge_bstr.extend_from_slice(&protected);
    huge_bstr.extend_from_slice(&[0xa0, 0x5b, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]);
    let huge_array = [0xd2, 0x9a, 0xff, 0xff, 0xff, 0xff, 0x40, 0xa0];
    for cose in [huge_bstr, huge_array.to_vec()] {
        assert_malformed(&verify(&qr_from_cose(&cose)), "malformed-cose", |e| {
            matches!(e, DecodeError::Cose(CoseError::Cbor(CborError::Syntax(_))))
        });
    }
    // Inside the signed payload: a CWT map that claims 2^32 - 1 claims and holds four.
    let mut cwt = vaccination();
    cwt.splice(0..1, [0xba, 0xff, 0xff, 0xff, 0xff]);
    assert_malformed(
        &verify(&es256_certificate(cwt).qr()),
        "malformed-cwt",
        |e| matches!(e, DecodeError::Cwt(CwtError::Cbor(CborError::Syntax(_)))),
    );
}

#[test]
fn deeply_nested_cbor_is_refused() {
    // 10,000 nested arrays in the unprotected header (a few bytes once compressed).
    let mut cose = es256_certificate(vaccination()).to_cbor();
    let unprotected_at = 2 + 1 + protected(ES256, "dsc-vn-es256").protected_bytes().len();
    assert_eq!(cose[unprotected_at], 0xa0);
    let mut nested = vec![0x81; 10_000];
    nested.push(0x00);
    cose.splice(unprotected_at..=unprotected_at, nested);
    assert_malformed(&verify(&qr_from_cose(&cose)), "malformed-cose", |e| {
        *e == DecodeError::Cose(CoseError::Cbor(CborError::TooDeep))
    });
    // In the signed payload: an extra DCC field nested past the limit.
    let mut deep = Value::Null;
    for _ in 0..MAX_CBOR_DEPTH {
        deep = Value::Array(vec![deep]);
    }
    let mut dcc = dcc_of_sample("vn-vaccination-es256");
    if let Value::Map(entries) = &mut dcc {
        entries.push(("x-deep".into(), deep));
    }
    let cwt = Cwt::vaccination().set(-260, hcert(dcc)).encode();
    assert_malformed(
        &verify(&es256_certificate(cwt).qr()),
        "malformed-cwt",
        |e| *e == DecodeError::Cwt(CwtError::Cbor(CborError::TooDeep)),
    );
}

#[test]
fn cbor_item_flood_is_refused_before_it_is_built() {
    // 60,000 one-byte items in the unprotected header: ~100 QR characters once compressed, and
    // megabytes of decoded values if they were built.
    let mut cose = vec![0xd2, 0x84, 0x40, 0x9a];
    cose.extend_from_slice(&60_000u32.to_be_bytes());
    cose.resize(cose.len() + 60_000, 0x00);
    cose.extend_from_slice(&[0x40, 0x40]);
    let qr = qr_from_cose(&cose);
    assert!(qr.len() < 1000, "{}", qr.len());
    assert_malformed(&verify(&qr), "malformed-cose", |e| {
        *e == DecodeError::Cose(CoseError::Cbor(CborError::TooManyItems))
    });
    // Inside the signed payload: a claim holding MAX_CBOR_ITEMS small integers.
    let cwt = Cwt::vaccination()
        .set(-1, Value::Array(vec![Value::from(0); MAX_CBOR_ITEMS]))
        .encode();
    assert_malformed(
        &verify(&es256_certificate(cwt).qr()),
        "malformed-cwt",
        |e| *e == DecodeError::Cwt(CwtError::Cbor(CborError::TooManyItems)),
    );
}

#[test]
fn trailing_bytes_after_the_cose_structure_are_refused() {
    let mut cose = es256_certificate(vaccination()).to_cbor();
    cose.push(0x00);
    assert_malformed(&verify(&qr_from_cose(&cose)), "malformed-cose", |e| {
        *e == DecodeError::Cose(CoseError::Cbor(CborError::TrailingBytes(1)))
    });
    // And after the CWT inside the signed payload, even with a good signature over it.
    let mut cwt = vaccination();
    cwt.extend_from_slice(&[0xf6, 0xf6]);
    assert_malformed(
        &verify(&es256_certificate(cwt).qr()),
        "malformed-cwt",
        |e| *e == DecodeError::Cwt(CwtError::Cbor(CborError::TrailingBytes(2))),
    );
}

#[test]
fn duplicate_map_keys_are_refused() {
    let key = Key::es256("dsc-vn-es256");
    let duplicate_key_error = |e: &DecodeError| {
        matches!(
            e,
            DecodeError::Cose(CoseError::Cbor(CborError::DuplicateKey))
                | DecodeError::Cwt(CwtError::Cbor(CborError::DuplicateKey))
                | DecodeError::Payload(PayloadError::Cbor(CborError::DuplicateKey))
        )
    };
    // Protected header {1: -7, 4: kid, 1: -7}: even a repeated identical value is ambiguous.
    let header = protected(ES256, "dsc-vn-es256").alg(ES256);
    let forged = Message::new(&header, vaccination()).signed_by(&key);
    assert_malformed(&verify(&forged.qr()), "malformed-cose", duplicate_key_error);
    // Unprotected header with kid twice.
    let forged = es256_certificate(vaccination())
        .unprotected(&Header::new().kid(b"12345678").kid(&kid("dsc-vn-es256")));
    assert_malformed(&verify(&forged.qr()), "malformed-cose", duplicate_key_error);
    // A CWT with two expiry claims (a later one that would extend validity).
    let cwt = Cwt::vaccination().push(4, (EXPIRES_AT + 1).into()).encode();
    assert_malformed(
        &verify(&es256_certificate(cwt).qr()),
        "malformed-cwt",
        duplicate_key_error,
    );
    // A DCC with two dates of birth.
    let mut dcc = dcc_of_sample("vn-vaccination-es256");
    if let Value::Map(entries) = &mut dcc {
        entries.push(("dob".into(), "2000-01-01".into()));
    }
    let cwt = Cwt::vaccination().set(-260, hcert(dcc)).encode();
    assert_malformed(
        &verify(&es256_certificate(cwt).qr()),
        "malformed-payload",
        duplicate_key_error,
    );
}

#[test]
fn payload_that_is_not_a_map_is_malformed() {
    // The COSE payload (the CWT) is an array.
    let cwt = cbor(&Value::Array(vec![1.into(), 2.into()]));
    assert_malformed(
        &verify(&es256_certificate(cwt).qr()),
        "malformed-cwt",
        |e| *e == DecodeError::Cwt(CwtError::NotAMap),
    );
    // The hcert claim is an array.
    let cwt = Cwt::vaccination().set(-260, Value::Array(vec![])).encode();
    assert_malformed(
        &verify(&es256_certificate(cwt).qr()),
        "malformed-cwt",
        |e| *e == DecodeError::Cwt(CwtError::InvalidClaim(Claim::HealthCertificate)),
    );
    // The DCC itself is a text.
    let cwt = Cwt::vaccination()
        .set(-260, hcert("not a map".into()))
        .encode();
    assert_malformed(
        &verify(&es256_certificate(cwt).qr()),
        "malformed-payload",
        |e| *e == DecodeError::Payload(PayloadError::WrongType("DCC")),
    );
}

#[test]
fn missing_hcert_claim_is_malformed() {
    let cwt = Cwt::vaccination().remove(-260).encode();
    let v = verify(&es256_certificate(cwt).qr());
    assert_malformed(&v, "malformed-cwt", |e| {
        *e == DecodeError::Cwt(CwtError::MissingClaim(Claim::HealthCertificate))
    });
    // The signature itself verified: the refusal is for the content.
    assert_eq!(v.checks.signature, CheckStatus::Passed);
}

#[test]
fn an_empty_hcert_is_malformed_and_an_unknown_subclaim_undecidable() {
    let cwt = Cwt::vaccination().set(-260, Value::Map(vec![])).encode();
    assert_malformed(
        &verify(&es256_certificate(cwt).qr()),
        "malformed-cwt",
        |e| *e == DecodeError::Cwt(CwtError::MissingClaim(Claim::HealthCertificate)),
    );
    // A DCC under a sub-claim that is not the EU DCC's (1) is not read as one: genuinely
    // signed, but of a kind this library does not know, so never valid.
    let dcc = dcc_of_sample("vn-vaccination-es256");
    let cwt = Cwt::vaccination()
        .set(-260, Value::Map(vec![(2.into(), dcc)]))
        .encode();
    let v = verify(&es256_certificate(cwt).qr());
    assert_eq!(
        v.outcome,
        Outcome::Undecidable {
            reason: dcc_verify::UndecidableReason::UnknownKind
        }
    );
    assert_eq!(v.certificate.unwrap().kind(), dcc_verify::Kind::Unknown);
    assert!(v.schema.is_none() && v.rules.is_none());
}

#[test]
fn non_utf8_text_is_malformed() {
    // The family name as a CBOR text string holding bytes that are not UTF-8, signed.
    let mut dcc = dcc_of_sample("vn-vaccination-es256");
    if let Value::Map(entries) = &mut dcc {
        entries.push(("x-marker".into(), "@@@@".into()));
    }
    let mut cwt = Cwt::vaccination().set(-260, hcert(dcc)).encode();
    let at = cwt.windows(4).position(|w| w == b"@@@@").unwrap();
    cwt[at..at + 4].copy_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
    assert_malformed(
        &verify(&es256_certificate(cwt).qr()),
        "malformed-cwt",
        |e| matches!(e, DecodeError::Cwt(CwtError::Cbor(CborError::Syntax(_)))),
    );
    // A QR text with characters outside base45 (here non-ASCII) is refused at base45.
    let mut qr = es256_certificate(vaccination()).qr();
    qr.insert_str(10, "Nguyễn");
    assert_malformed(&verify(&qr), "malformed-base45", |e| {
        matches!(e, DecodeError::Base45(_))
    });
}

#[test]
fn oversize_input_is_refused_before_decoding() {
    // 1 MB of valid base45 characters.
    let qr = format!("HC1:{}", "6BF".repeat(1_000_000 / 3));
    let v = verify(&qr);
    assert_malformed(&v, "input-too-long", |e| {
        *e == DecodeError::TooLong(qr.len())
    });
    assert_eq!(v.kid, None);
    // One byte over the limit is too long; the limit itself is not (it fails later: 8188
    // base45 characters leave a lone one).
    let at_limit = format!("HC1:{}", "A".repeat(MAX_QR_TEXT_BYTES - 4));
    let over = format!("{at_limit}A");
    assert_malformed(&verify(&over), "input-too-long", |e| {
        *e == DecodeError::TooLong(MAX_QR_TEXT_BYTES + 1)
    });
    assert_malformed(&verify(&at_limit), "malformed-base45", |e| {
        matches!(e, DecodeError::Base45(_))
    });
}

#[test]
fn other_cose_tags_are_refused() {
    // COSE_Sign (98), COSE_Mac0 (17), and a CWT tag (61) around something other than tag 18.
    let sign1 = es256_certificate(vaccination()).value();
    for (tagged, tag) in [
        (Value::Tag(98, Box::new(sign1.clone())), 98),
        (Value::Tag(17, Box::new(sign1.clone())), 17),
        (Value::Tag(61, Box::new(sign1.clone())), 61),
    ] {
        assert_malformed(
            &verify(&qr_from_cose(&cbor(&tagged))),
            "malformed-cose",
            |e| *e == DecodeError::Cose(CoseError::UnexpectedTag(tag)),
        );
    }
    // Tag 61 around tag 18 is the CWT form some issuers use: accepted.
    let cwt_tagged = Value::Tag(61, Box::new(Value::Tag(18, Box::new(sign1))));
    assert_eq!(
        verify(&qr_from_cose(&cbor(&cwt_tagged))).outcome,
        Outcome::Valid
    );
}

#[test]
fn detached_payload_is_refused() {
    let mut sign1 = es256_certificate(vaccination()).value();
    if let Value::Array(items) = &mut sign1 {
        items[2] = Value::Null;
    }
    assert_malformed(
        &verify(&qr_from_cose(&cbor(&Value::Tag(18, Box::new(sign1))))),
        "malformed-cose",
        |e| *e == DecodeError::Cose(CoseError::DetachedPayload),
    );
}

// --- Time and key usage ---

#[test]
fn dsc_expired_at_signing_time_is_refused() {
    let v = verify(&sample("vn-vaccination-dsc-expired"));
    assert_invalid(&v, InvalidReason::SignerNotValid, "signer-not-valid");
    assert_eq!(v.checks.signature, CheckStatus::Passed);
    assert_eq!(v.checks.signer_validity, CheckStatus::Failed);
}

#[test]
fn dsc_not_yet_valid_at_signing_time_is_refused() {
    let v = verify(&sample("vn-vaccination-dsc-not-yet-valid"));
    assert_invalid(&v, InvalidReason::SignerNotValid, "signer-not-valid");
    assert_eq!(v.checks.signer_validity, CheckStatus::Failed);
    // Moving iat into the DSC's validity only moves the certificate into the future.
    let cwt = Cwt::vaccination()
        .set(6, 2_051_222_400.into()) // 2035-01-01
        .encode();
    let forged = Message::new(&protected(ES256, "dsc-vn-not-yet-valid"), cwt)
        .signed_by(&Key::es256("dsc-vn-not-yet-valid"));
    let v = verify(&forged.qr());
    assert_invalid(&v, InvalidReason::NotYetValid, "not-yet-valid");
    assert_eq!(v.checks.signer_validity, CheckStatus::Passed);
}

#[test]
fn test_only_dsc_signing_a_vaccination_is_a_key_usage_violation() {
    let v = verify(&sample("vn-vaccination-test-only-dsc"));
    assert_invalid(
        &v,
        InvalidReason::KeyUsage(CertificateType::Vaccination),
        "key-usage",
    );
    assert_eq!(v.checks.key_usage, CheckStatus::Failed);
    // The same DSC signing a test certificate is fine: the check is about the type.
    let cwt = Cwt::vaccination()
        .set(-260, hcert(dcc_of_sample("vn-test-es256")))
        .encode();
    let test = Message::new(&protected(ES256, "dsc-vn-test-only"), cwt)
        .signed_by(&Key::es256("dsc-vn-test-only"));
    assert_eq!(verify(&test.qr()).outcome, Outcome::Valid);
}

#[test]
fn expired_certificate_is_refused() {
    let v = verify(&sample("vn-vaccination-expired"));
    assert_invalid(&v, InvalidReason::Expired, "expired");
    let cwt = Cwt::vaccination().set(4, (NOW - 1).into()).encode();
    assert_invalid(
        &verify(&es256_certificate(cwt).qr()),
        InvalidReason::Expired,
        "expired",
    );
}

#[test]
fn certificate_signed_in_the_future_is_not_yet_valid() {
    let cwt = Cwt::vaccination().set(6, (NOW + 3600).into()).encode();
    assert_invalid(
        &verify(&es256_certificate(cwt).qr()),
        InvalidReason::NotYetValid,
        "not-yet-valid",
    );
    // Within the default clock skew (5 minutes) it is accepted.
    let cwt = Cwt::vaccination().set(6, (NOW + 60).into()).encode();
    assert_eq!(verify(&es256_certificate(cwt).qr()).outcome, Outcome::Valid);
}

#[test]
fn claims_of_the_wrong_type_are_malformed() {
    for (claim, value, which) in [
        (4, Value::Float(f64::INFINITY), Claim::Expiry),
        (4, Value::Text("2036-03-01".into()), Claim::Expiry),
        (6, Value::Float(1e300), Claim::IssuedAt),
        (4, Value::from(u64::MAX), Claim::Expiry),
        (1, Value::Bytes(b"VN".to_vec()), Claim::Issuer),
    ] {
        let cwt = Cwt::vaccination().set(claim, value).encode();
        assert_malformed(
            &verify(&es256_certificate(cwt).qr()),
            "malformed-cwt",
            |e| *e == DecodeError::Cwt(CwtError::InvalidClaim(which)),
        );
    }
}
