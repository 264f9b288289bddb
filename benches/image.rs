//! Reading the code from a picture, next to verifying the text it holds. Run with
//! `cargo bench --features image --bench image`; the closing lines print, from this same run,
//! the median over the 37 EU test pictures of each picture's decode time, the slowest, a full
//! ES256 verification, and their ratio.

use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

mod support;

use criterion::{criterion_group, Criterion};
use dcc_verify::image::decode_image;
use dcc_verify::{TrustList, Verifier};
use support::median_ns;

const TRUST_LIST: &[u8] = include_bytes!("../testdata/samples/trust-list.json");
const ES256: &str = include_str!("../testdata/samples/vn-vaccination-es256.txt");
const ES256_PICTURE: &[u8] =
    include_bytes!("../testdata/sample-images/vn-vaccination-es256.qr.png");
const QR_IMAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/qr-images");
/// 2026-06-01T00:00:00Z: the samples are valid then.
const NOW: i64 = 1_780_272_000;

/// The shared pictures in expect.tsv's order, with their expected text.
fn pictures() -> Vec<(String, Vec<u8>, String)> {
    std::fs::read_to_string(format!("{QR_IMAGES}/expect.tsv"))
        .unwrap()
        .lines()
        .map(|line| {
            let (file, text) = line.split_once('\t').unwrap();
            let bytes = std::fs::read(format!("{QR_IMAGES}/{file}")).unwrap();
            (file.to_owned(), bytes, text.to_owned())
        })
        .collect()
}

fn image_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode_image");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for (index, (_, bytes, text)) in pictures().iter().enumerate() {
        assert_eq!(decode_image(bytes).unwrap(), std::slice::from_ref(text));
        group.bench_function(format!("{index:02}"), |b| {
            b.iter(|| decode_image(black_box(bytes)).unwrap())
        });
    }
    group.finish();

    let (trust, _) = TrustList::from_unsigned_json(TRUST_LIST).unwrap();
    let verifier = Verifier::default().with_trust_list(trust);
    let mut group = c.benchmark_group("verify");
    group.bench_function("es256_text", |b| {
        b.iter(|| assert!(verifier.verify_at(black_box(ES256.trim()), NOW).is_valid()))
    });
    group.bench_function("es256_picture", |b| {
        b.iter(|| {
            let texts = decode_image(black_box(ES256_PICTURE)).unwrap();
            assert!(verifier.verify_at(&texts[0], NOW).is_valid())
        })
    });
    group.finish();
}

criterion_group!(benches, image_benches);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report();
}

/// Reads this run's estimates back from criterion's output: the median over the set.
fn report() {
    let names: Vec<String> = pictures().into_iter().map(|(file, _, _)| file).collect();
    let mut times: Vec<(f64, &str)> = names
        .iter()
        .enumerate()
        .filter_map(|(index, name)| {
            Some((
                median_ns(&format!("decode_image/{index:02}"))?,
                name.as_str(),
            ))
        })
        .collect();
    let (Some(text), Some(picture)) = (
        median_ns("verify/es256_text"),
        median_ns("verify/es256_picture"),
    ) else {
        return;
    };
    if times.len() != names.len() {
        return;
    }
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median = times[times.len() / 2].0;
    let (slowest, slowest_name) = times[times.len() - 1];
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "\ndecode_image over {} pictures: median {:.2} ms, slowest {:.2} ms ({slowest_name}); \
         full ES256 verify {:.1} µs; median decode ÷ verify = {:.0}; \
         sample picture decoded and verified {:.2} ms",
        times.len(),
        median / 1e6,
        slowest / 1e6,
        text / 1e3,
        median / text,
        picture / 1e6,
    )
    .unwrap();
}
