//! Threads verify while another replaces the trust list: every result is the one of the two
//! lists, whole, never a mix (e.g. a signer found in one list and checked against the other).
//! Bounded: a fixed number of verifications per thread, a second or two in a debug build.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use dcc_verify::{CheckStatus, InvalidReason, Outcome, TrustList};
use support::*;

const VERIFIERS: usize = 3;
const VERIFICATIONS_PER_THREAD: usize = 1500;

#[test]
fn results_follow_one_trust_list_while_it_is_replaced() {
    // List A trusts every sample DSC; list B all of them but dsc-vn-es256.
    let with_es256 = trust_list();
    let without_es256: TrustList = {
        let names = [
            "dsc-vn-ps256",
            "dsc-vn-test-only",
            "dsc-vn-expired",
            "dsc-vn-not-yet-valid",
            "dsc-vn-rsa1024",
            "dsc-vn-p384",
            "dsc-de-es256",
        ];
        trust_list_of(&names)
    };
    assert_eq!(without_es256.len(), with_es256.len() - 1);

    let verifier = Arc::new(verifier());
    let es256 = sample("vn-vaccination-es256");
    let ps256 = sample("vn-vaccination-ps256");
    let es256_kid = kid("dsc-vn-es256");
    let done = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicUsize::new(0));

    let swapper = {
        let (verifier, done, swaps) = (verifier.clone(), done.clone(), swaps.clone());
        thread::spawn(move || {
            let mut lists = [with_es256, without_es256].into_iter().cycle();
            while !done.load(Ordering::Relaxed) {
                verifier.set_trust_list(lists.next().unwrap());
                swaps.fetch_add(1, Ordering::Relaxed);
                thread::yield_now();
            }
        })
    };

    let workers: Vec<_> = (0..VERIFIERS)
        .map(|_| {
            let (verifier, es256, ps256, es256_kid) = (
                verifier.clone(),
                es256.clone(),
                ps256.clone(),
                es256_kid.clone(),
            );
            thread::spawn(move || {
                let (mut valid, mut unknown) = (0, 0);
                for i in 0..VERIFICATIONS_PER_THREAD {
                    // dsc-vn-ps256 is in both lists: its certificate is always valid.
                    if i % 10 == 0 {
                        assert_eq!(verifier.verify_at(&ps256, NOW).outcome, Outcome::Valid);
                    }
                    let v = verifier.verify_at(&es256, NOW);
                    match &v.outcome {
                        Outcome::Valid => {
                            assert_eq!(v.signer.as_ref().unwrap().kid.0.to_vec(), es256_kid);
                            assert_eq!(v.checks.signature, CheckStatus::Passed);
                            valid += 1;
                        }
                        Outcome::Invalid {
                            reason: InvalidReason::UnknownSigner,
                        } => {
                            assert_eq!(v.signer, None);
                            assert_eq!(v.checks.signature, CheckStatus::Failed);
                            unknown += 1;
                        }
                        other => panic!("a result of neither list: {other:?}"),
                    }
                    assert!(v.certificate.is_some());
                }
                (valid, unknown)
            })
        })
        .collect();

    let (mut valid, mut unknown) = (0, 0);
    for worker in workers {
        let (v, u) = worker.join().expect("a verifying thread panicked");
        valid += v;
        unknown += u;
    }
    done.store(true, Ordering::Relaxed);
    swapper.join().expect("the swapping thread panicked");
    eprintln!(
        "{valid} valid, {unknown} unknown-signer, {} swaps",
        swaps.load(Ordering::Relaxed)
    );
    assert_eq!(valid + unknown, VERIFIERS * VERIFICATIONS_PER_THREAD);
    // The lists really did change under the verifiers.
    assert!(valid > 0 && unknown > 0, "{valid} valid, {unknown} unknown");
}
