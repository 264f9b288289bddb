//! Trust-list costs next to one full verification: importing the real German list (829 DSCs,
//! 4 MB: signature check, parse, index), importing WHO's production list (1.5 MB, 501 entries:
//! strict parse, URDNA2015 canonical form, proof, 438 DSCs), opening the cache at start-up, and
//! one ES256 verify of a sample QR. The targets: a German import costs at most 40
//! verifications, a WHO import at most 100.
//!
//! `cargo bench --bench trust` (after criterion's report it prints import ÷ verify).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use dcc_verify::{
    parse_instant, Anchors, FixedClock, SignedList, TrustList, TrustStore, UpdateOptions, Verifier,
};

const DE_LIST: &[u8] = include_bytes!("../testdata/trustlists/de-dsc-list.signed");
const DE_KEY: &[u8] = include_bytes!("../testdata/trustlists/de-dsc-list-signing-key.pem");
const WHO_PROD_LIST: &[u8] =
    include_bytes!("../testdata/who/trustlists/prod/v2-trustlist.did.json");
const WHO_PROD_KEY: &[u8] = include_bytes!("../testdata/who/signers/who-prod-signer.pem");
const SAMPLE_LIST: &[u8] = include_bytes!("../testdata/samples/trust-list.json");
const SAMPLE_QR: &str = include_str!("../testdata/samples/vn-vaccination-es256.txt");

fn now() -> i64 {
    parse_instant("2026-06-01T00:00:00Z").unwrap_or_default()
}

fn anchors() -> Anchors {
    Anchors::from_pem(DE_KEY).unwrap()
}

fn import_de(anchors: &Anchors) -> TrustList {
    TrustList::from_signed(SignedList::De(DE_LIST), anchors, now())
        .unwrap()
        .0
}

fn sample_verifier() -> Verifier {
    let (list, _) = TrustList::from_unsigned_json(SAMPLE_LIST).unwrap();
    let verifier = Verifier::default()
        .with_clock(FixedClock(now()))
        .with_trust_list(list);
    assert!(verifier.verify(SAMPLE_QR.trim()).is_valid());
    verifier
}

fn import_who(anchors: &Anchors) -> TrustList {
    TrustList::from_signed(SignedList::Who(WHO_PROD_LIST), anchors, now())
        .unwrap()
        .0
}

fn who_anchors() -> Anchors {
    Anchors::from_pem(WHO_PROD_KEY).unwrap()
}

/// A cache directory holding the German list.
fn de_cache() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-trust-cache");
    let _ = std::fs::remove_dir_all(&dir);
    TrustStore::open(&dir, anchors())
        .update(SignedList::De(DE_LIST), UpdateOptions::default())
        .unwrap();
    dir
}

fn trust(c: &mut Criterion) {
    let anchors = anchors();
    let verifier = sample_verifier();
    let qr = SAMPLE_QR.trim();
    let cache = de_cache();

    c.bench_function("verify es256 (one full verification)", |b| {
        b.iter(|| verifier.verify(black_box(qr)))
    });
    c.bench_function("de import (829 DSCs: signature, parse, index)", |b| {
        b.iter(|| import_de(black_box(&anchors)))
    });
    let who = who_anchors();
    c.bench_function(
        "who import (prod, 1.5 MB: canonical form, proof, 438 DSCs)",
        |b| b.iter(|| import_who(black_box(&who))),
    );
    c.bench_function("de import, then parse every certificate", |b| {
        b.iter(|| import_de(black_box(&anchors)).iter().count())
    });
    c.bench_function("cache open (start-up with the German list)", |b| {
        b.iter(|| TrustStore::open(black_box(&cache), anchors_clone()).trust_list())
    });
}

fn anchors_clone() -> Anchors {
    anchors()
}

criterion_group!(benches, trust);

/// Median wall time of `runs` calls of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // Only when benchmarking (`cargo test --benches` runs each benchmark once, as a test).
    if std::env::args().any(|arg| arg == "--bench") {
        let anchors = anchors();
        let verifier = sample_verifier();
        let qr = SAMPLE_QR.trim();
        let verify = median(31, || {
            for _ in 0..100 {
                black_box(verifier.verify(black_box(qr)));
            }
        }) / 100;
        let import = median(31, || {
            black_box(import_de(&anchors));
        });
        let who = who_anchors();
        let who_import = median(31, || {
            black_box(import_who(&who));
        });
        let cache = de_cache();
        let open = median(31, || {
            black_box(TrustStore::open(&cache, anchors_clone()).trust_list());
        });
        let ratio = |d: Duration| d.as_secs_f64() / verify.as_secs_f64();
        println!(
            "\nmedians: verify {verify:?}; de import {import:?} = {:.1} verifies (target <= 40); \
             who prod import {who_import:?} = {:.1} verifies (target <= 100); \
             cache open {open:?} = {:.1} verifies",
            ratio(import),
            ratio(who_import),
            ratio(open)
        );
    }
}
