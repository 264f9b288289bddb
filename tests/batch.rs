//! `Verifier::verify_batch`: the answers `verify_at` gives, in input order, on every thread count
//! and backend.

mod support;

use dcc_verify::crypto::Backend;
use support::*;

fn inputs() -> Vec<String> {
    let mut inputs: Vec<String> = (0..300)
        .map(|i| sample(SAMPLES[i % SAMPLES.len()]))
        .collect();
    inputs.extend([
        "".to_owned(),
        "HC1:".to_owned(),
        "not a certificate".to_owned(),
    ]);
    inputs
}

#[test]
fn a_batch_answers_as_single_verifications_do_in_input_order() {
    let inputs = inputs();
    let qrs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    for &backend in Backend::ALL {
        let verifier = verifier().with_backend(backend);
        let one_by_one: Vec<_> = qrs.iter().map(|qr| verifier.verify_at(qr, NOW)).collect();
        assert!(one_by_one.iter().any(|v| v.is_valid()));
        assert!(one_by_one.iter().any(|v| !v.is_valid()));
        assert_eq!(verifier.verify_batch(&qrs, NOW), one_by_one, "{backend:?}");
        for threads in [0, 1, 2, 7] {
            assert_eq!(
                verifier.verify_batch_on(&qrs, Some(NOW), threads),
                one_by_one,
                "{backend:?}, {threads} threads"
            );
        }
    }
    assert!(verifier().verify_batch(&[], NOW).is_empty());
}
