//! Full verification against the fastest bare signature primitive (aws-lc-rs with a parsed
//! key), on every signature backend in the build; a batch on every core against one core; each
//! decode stage on its own. Run with `cargo bench --bench verify --features ring` (aws-lc is a
//! default feature; see docs/performance.md); the closing lines print the ratios measured in
//! this same run, from criterion's medians: full ÷ primitive (default settings, so the lenient
//! schema and value-set check included; targets with aws-lc: ES256 ≤ 1.12, PS256 ≤ 1.35),
//! batch throughput on all cores ÷
//! one core over 10,000 certificates (target ≥ 1.8 on 2 cores), and what evaluating the full
//! applicable German rule set adds to an ES256 verification (target ≤ 0.5 of it).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod support;

use criterion::{criterion_group, Criterion};
use dcc_verify::cose::{Algorithm, CoseSign1};
use dcc_verify::crypto::{Backend, Scheme};
use dcc_verify::rules::certlogic::DateTime;
use dcc_verify::rules::RuleContext;
use dcc_verify::valuesets::ValueSets;
use dcc_verify::{
    base45, cwt, decode, inflate, payload, prefix, Kid, RuleSet, Settings, TrustList, Verifier,
};
use support::median_ns;

const TRUST_LIST: &[u8] = include_bytes!("../testdata/samples/trust-list.json");
/// The DE and EU sample rules; with arrival DE, the 4 German vaccination rules apply.
const RULES: &[u8] = include_bytes!("../testdata/rules-samples/de-eu-rules.json");
const ES256: &str = include_str!("../testdata/samples/vn-vaccination-es256.txt");
const PS256: &str = include_str!("../testdata/samples/vn-vaccination-ps256.txt");
/// 2026-06-01T00:00:00Z: the samples are valid then.
const NOW: i64 = 1_780_272_000;

fn verifier() -> Verifier {
    let (trust, _) = TrustList::from_unsigned_json(TRUST_LIST).unwrap();
    Verifier::default().with_trust_list(trust)
}

fn signature_benches(c: &mut Criterion) {
    let verifier = verifier();
    let trust = verifier.trust_list().unwrap();
    for (name, qr) in [("es256", ES256), ("ps256", PS256)] {
        assert!(
            verifier.verify_at(qr, NOW).is_valid(),
            "{name} sample must verify"
        );
        let cose = decode::cose(qr).unwrap();
        let kid = Kid::from_slice(cose.kid().unwrap()).unwrap();
        let dsc = trust.signers(&kid).next().unwrap();
        let key = dsc.public_key().unwrap();
        let scheme = match cose.algorithm().unwrap().0 {
            Algorithm::Es256 => Scheme::EcdsaSha256,
            _ => Scheme::RsaPssSha256,
        };
        let message = cose.signed_data();
        // The fastest primitive: aws-lc-rs itself, key parsed once.
        #[cfg(feature = "aws-lc")]
        let primitive = {
            use aws_lc_rs::signature::{self as aws, ParsedPublicKey};
            let spki = x509_parser::parse_x509_certificate(dsc.der()).unwrap().1;
            let key_bytes = spki
                .tbs_certificate
                .subject_pki
                .subject_public_key
                .data
                .to_vec();
            let algorithm: &'static dyn aws::VerificationAlgorithm = match scheme {
                Scheme::EcdsaSha256 => &aws::ECDSA_P256_SHA256_FIXED,
                Scheme::RsaPssSha256 => &aws::RSA_PSS_2048_8192_SHA256,
            };
            let parsed = ParsedPublicKey::new(algorithm, key_bytes).unwrap();
            let (message, cose) = (&message, &cose);
            let primitive = move || {
                parsed
                    .verify_sig(black_box(message), black_box(cose.signature()))
                    .unwrap()
            };
            c.bench_function(&format!("{name}/primitive_aws_lc"), |b| b.iter(&primitive));
            Some(primitive)
        };
        #[cfg(not(feature = "aws-lc"))]
        let primitive: Option<fn()> = None;
        // The default backend (aws-lc when built in) right after the primitive.
        let mut backends = Backend::ALL.to_vec();
        backends.sort_by_key(|&backend| backend != Backend::DEFAULT);
        for backend in backends {
            let id = backend.name().replace('-', "_");
            c.bench_function(&format!("{name}/bare_{id}"), |b| {
                b.iter(|| {
                    key.verify_with(
                        backend,
                        scheme,
                        black_box(&message),
                        black_box(cose.signature()),
                    )
                    .unwrap()
                })
            });
            let verifier = self::verifier().with_backend(backend);
            let full = || assert!(verifier.verify_at(black_box(qr), NOW).is_valid());
            let id = format!("{name}/full_verify_{id}");
            c.bench_function(&id, |b| match &primitive {
                Some(primitive) => b.iter_custom(|iters| interleaved(&id, iters, full, primitive)),
                None => b.iter(full),
            });
        }
    }
}

/// For each full-verification benchmark: the time of all its iterations, and of as many
/// primitive verifications run interleaved with them.
static PAIRED: Mutex<BTreeMap<String, (Duration, Duration)>> = Mutex::new(BTreeMap::new());

/// Runs `full` `iters` times in blocks of 8, each block followed by 8 runs of `primitive`;
/// returns the time `full` took (what criterion measures) and adds both times to [`PAIRED`].
///
/// Why: this machine's speed drifts between benchmarks by more than the few microseconds a full
/// verification adds to the signature (a full ES256 verification has measured slower than one
/// that also evaluates four rules, run a minute later). Timed side by side, block by block, the
/// drift cancels out of full ÷ primitive.
fn interleaved(id: &str, iters: u64, full: impl Fn(), primitive: impl Fn()) -> Duration {
    const BLOCK: u64 = 8;
    let (mut full_time, mut primitive_time) = (Duration::ZERO, Duration::ZERO);
    let mut done = 0;
    while done < iters {
        let block = BLOCK.min(iters - done);
        let start = Instant::now();
        for _ in 0..block {
            full();
        }
        full_time += start.elapsed();
        let start = Instant::now();
        for _ in 0..block {
            primitive();
        }
        primitive_time += start.elapsed();
        done += block;
    }
    let mut paired = PAIRED.lock().unwrap();
    let entry = paired.entry(id.replace('/', "_")).or_default();
    entry.0 += full_time;
    entry.1 += primitive_time;
    full_time
}

/// 10,000 certificates (ES256 and PS256 alternating) on one thread, then on every core.
fn batch_benches(c: &mut Criterion) {
    let verifier = verifier();
    let qrs: Vec<&str> = (0..10_000)
        .map(|i| if i % 2 == 0 { ES256 } else { PS256 })
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("10000_one_core", |b| {
        b.iter(|| verifier.verify_batch_on(black_box(&qrs), Some(NOW), 1))
    });
    group.bench_function("10000_all_cores", |b| {
        b.iter(|| verifier.verify_batch_on(black_box(&qrs), Some(NOW), cores))
    });
    group.finish();
}

fn stage_benches(c: &mut Criterion) {
    let text = prefix::strip(ES256).unwrap();
    let compressed = base45::decode(text).unwrap();
    let cose_bytes = inflate::inflate(&compressed).unwrap();
    let cose = CoseSign1::parse(&cose_bytes).unwrap();
    let cwt::Hcert::Subclaim { value: dcc, .. } = cwt::parse(cose.payload()).unwrap().hcert else {
        panic!("the sample is an EU DCC")
    };
    c.bench_function("stage/prefix", |b| {
        b.iter(|| prefix::strip(black_box(ES256)).unwrap())
    });
    c.bench_function("stage/base45", |b| {
        b.iter(|| base45::decode(black_box(text)).unwrap())
    });
    c.bench_function("stage/inflate", |b| {
        b.iter(|| inflate::inflate(black_box(&compressed)).unwrap())
    });
    c.bench_function("stage/cose", |b| {
        b.iter(|| CoseSign1::parse(black_box(&cose_bytes)).unwrap())
    });
    c.bench_function("stage/cwt", |b| {
        b.iter(|| cwt::parse(black_box(cose.payload())).unwrap())
    });
    c.bench_function("stage/payload", |b| {
        b.iter(|| payload::Dcc::from_cbor(black_box(dcc.clone())).unwrap())
    });
    c.bench_function("stage/sig_structure", |b| {
        b.iter(|| black_box(&cose).signed_data())
    });
    let dcc = payload::Dcc::from_cbor(dcc).unwrap();
    let json = dcc.to_json();
    c.bench_function("check/to_json", |b| b.iter(|| black_box(&dcc).to_json()));
    c.bench_function("check/schema", |b| {
        b.iter(|| dcc_verify::schema::validate(black_box(&json)))
    });
    c.bench_function("check/value_sets", |b| {
        b.iter(|| ValueSets::bundled().check(black_box(&json)))
    });
    // What a verification runs: the typed payload read as JSON, without converting it.
    c.bench_function("check/schema_typed", |b| {
        b.iter(|| dcc_verify::schema::validate_dcc(black_box(&dcc)))
    });
    c.bench_function("check/value_sets_typed", |b| {
        b.iter(|| ValueSets::bundled().check_dcc(black_box(&dcc)))
    });
}

/// The full applicable German rule set on the ES256 vaccination at 2026-06-01: what a
/// verification with rules adds (the payload converted to JSON, the rules selected and
/// evaluated, the owned result), and the whole verification with rules.
fn rules_benches(c: &mut Criterion) {
    let (rules, rejected) = RuleSet::from_json(RULES).unwrap();
    assert!(rejected.is_empty());
    let cert = decode(ES256).unwrap().certificate;
    let value_sets = ValueSets::bundled();
    let at = |seconds| DateTime::from_unix_seconds(seconds).unwrap();
    let context = RuleContext {
        certificate_type: cert.dcc().unwrap().certificate_type(),
        issuer_country: "VN",
        arrival_country: "DE",
        region: None,
        validation_clock: at(NOW),
        issued_at: cert.issued_at.map(at),
        expires_at: cert.expires_at.map(at),
        kid: Some("6+Dmto+Hqng="),
        value_sets,
    };
    let report = rules.evaluate(&cert.dcc().unwrap().to_json(), &context, "en");
    assert_eq!((report.passed, report.failed, report.open), (4, 0, 0));
    c.bench_function("rules/de_vaccination", |b| {
        b.iter(|| {
            rules
                .evaluate(
                    &black_box(cert.dcc().unwrap()).to_json(),
                    black_box(&context),
                    "en",
                )
                .into_owned()
        })
    });
    let (trust, _) = TrustList::from_unsigned_json(TRUST_LIST).unwrap();
    let verifier = Verifier::new(Settings {
        arrival_country: Some("DE".into()),
        ..Settings::default()
    })
    .with_trust_list(trust)
    .with_rules(rules);
    assert_eq!(
        verifier.verify_at(ES256, NOW).rules.map(|r| r.passed),
        Some(4)
    );
    c.bench_function("es256/full_verify_with_de_rules", |b| {
        b.iter(|| assert!(verifier.verify_at(black_box(ES256), NOW).is_valid()))
    });
}

criterion_group!(
    benches,
    signature_benches,
    batch_benches,
    stage_benches,
    rules_benches
);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report_ratios();
}

/// Reads this run's estimates back from criterion's output and prints the ratios.
fn report_ratios() {
    let mut out = std::io::stdout().lock();
    let names: Vec<_> = Backend::ALL.iter().map(|b| b.name()).collect();
    writeln!(
        out,
        "\nbackends: {} (default {})",
        names.join(", "),
        Backend::DEFAULT.name()
    )
    .unwrap();
    if let (Some(rules), Some(with_rules), Some(full)) = (
        median_ns("rules_de_vaccination"),
        median_ns("es256_full_verify_with_de_rules"),
        median_ns(&format!(
            "es256_full_verify_{}",
            Backend::DEFAULT.name().replace('-', "_")
        )),
    ) {
        writeln!(
            out,
            "rules (DE, 4 rules): {:.1} µs; rules ÷ full ES256 verify = {:.3} (target ≤ 0.5); \
             verify with rules {:.1} µs, (with − without) ÷ without = {:.3}",
            rules / 1000.0,
            rules / full,
            with_rules / 1000.0,
            (with_rules - full) / full
        )
        .unwrap();
    }
    for (name, target) in [("es256", 1.12), ("ps256", 1.35)] {
        let primitive = median_ns(&format!("{name}_primitive_aws_lc"));
        if let Some(primitive) = primitive {
            writeln!(
                out,
                "{name}: fastest primitive (aws-lc-rs, parsed key) {:.2} µs",
                primitive / 1000.0
            )
            .unwrap();
        }
        for backend in Backend::ALL {
            let id = backend.name().replace('-', "_");
            let full = median_ns(&format!("{name}_full_verify_{id}"));
            let bare = median_ns(&format!("{name}_bare_{id}"));
            if let (Some(full), Some(bare)) = (full, bare) {
                write!(
                    out,
                    "{name} on {}: full verify {:.2} µs, bare signature {:.2} µs, full ÷ bare = {:.3}",
                    backend.name(),
                    full / 1000.0,
                    bare / 1000.0,
                    full / bare
                )
                .unwrap();
                let paired = PAIRED.lock().unwrap();
                if let Some((full, primitive)) = paired.get(&format!("{name}_full_verify_{id}")) {
                    let ratio = full.as_secs_f64() / primitive.as_secs_f64();
                    write!(out, ", full ÷ fastest primitive (interleaved) = {ratio:.3}").unwrap();
                    if backend.name() == "aws-lc" {
                        write!(out, " (target ≤ {target})").unwrap();
                    }
                }
                writeln!(out).unwrap();
            }
        }
    }
    if let (Some(one), Some(all)) = (
        median_ns("batch/10000_one_core"),
        median_ns("batch/10000_all_cores"),
    ) {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        writeln!(
            out,
            "batch of 10,000 (ES256 + PS256): one core {:.0} ms, {cores} cores {:.0} ms, \
             throughput all ÷ one = {:.2} (target ≥ 1.8 on 2 cores)",
            one / 1e6,
            all / 1e6,
            one / all
        )
        .unwrap();
    }
}
