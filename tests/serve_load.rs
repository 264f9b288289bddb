//! A bounded load test of `dcc-verify serve` on 127.0.0.1, compared in the same run with the
//! CLI's batch throughput. Run on demand, in release mode (debug figures mean nothing):
//!
//! ```text
//! cargo test --release --features server --test serve_load -- --ignored --nocapture
//! ```
//!
//! It prints requests per second and p50/p99 latency for single-code and 100-code requests,
//! and each as a ratio of the CLI's per-core batch rate (targets: single >= 50%, batch >= 90%).
//! It asserts only that every request was answered 200 with the right outcome: the figures
//! depend on the machine and are read, not tested.
#![cfg(feature = "server")]

mod serve_support;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use serve_support::*;

/// Each phase stops at whichever comes first.
const MAX_DURATION: Duration = Duration::from_secs(8);
const MAX_REQUESTS: usize = 40_000;
/// Client connections (keep-alive), each on its own thread.
const CONNECTIONS: usize = 4;
const BATCH: usize = 100;

/// The valid samples, ES256, PS256 and ES384 signatures among them, in a fixed mix.
fn codes() -> Vec<String> {
    [
        "vn-vaccination-es256",
        "vn-vaccination-ps256",
        "vn-vaccination-es384",
        "vn-test-es256",
        "vn-recovery-es256",
    ]
    .iter()
    .map(|name| sample(name))
    .collect()
}

/// Codes per second of `verify --json` over `count` codes on standard input (one thread).
fn cli_rate(codes: &[String], count: usize) -> f64 {
    let input: String = codes
        .iter()
        .cycle()
        .take(count)
        .map(|c| format!("{c}\n"))
        .collect();
    let start = Instant::now();
    let mut child = Command::new(binary())
        .args(["verify", "--json", "--at", AT])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    count as f64 / start.elapsed().as_secs_f64()
}

struct Figures {
    requests: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

/// Sends `bodies` round-robin over `CONNECTIONS` connections until the bounds.
fn load(server: &Server, bodies: &[String], codes_per_request: usize) -> Figures {
    let url = server.url("/v1/verify");
    let bodies = Arc::new(bodies.to_vec());
    let per_connection = MAX_REQUESTS / CONNECTIONS;
    let start = Instant::now();
    let threads: Vec<_> = (0..CONNECTIONS)
        .map(|n| {
            let (url, bodies) = (url.clone(), Arc::clone(&bodies));
            std::thread::spawn(move || {
                let agent = client();
                let mut latencies = Vec::new();
                for i in 0..per_connection {
                    if start.elapsed() > MAX_DURATION {
                        break;
                    }
                    let body = &bodies[(n + i) % bodies.len()];
                    let sent = Instant::now();
                    let answer = post_json(&agent, &url, body);
                    latencies.push(sent.elapsed());
                    assert_eq!(answer.status, 200, "{}", answer.body);
                    let valid = answer.body.matches(r#""outcome":"valid""#).count();
                    assert_eq!(valid, codes_per_request, "{}", answer.body);
                }
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let elapsed = start.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Figures {
        requests: latencies.len(),
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

#[test]
#[ignore = "load test: about half a minute of both cores; run on demand in release mode \
            (cargo test --release --features server --test serve_load -- --ignored --nocapture)"]
fn load_single_and_batch_requests_against_the_cli_batch_rate() {
    let codes = codes();
    cli_rate(&codes, 200); // warm the page cache and the binary
    let cli = cli_rate(&codes, 20_000);

    let server = Server::start(&[]);
    let singles: Vec<String> = codes
        .iter()
        .map(|c| json!({ "qr": c, "at": AT }).to_string())
        .collect();
    let batches: Vec<String> = (0..codes.len())
        .map(|offset| {
            let batch: Vec<String> = codes
                .iter()
                .cycle()
                .skip(offset)
                .take(BATCH)
                .cloned()
                .collect();
            batch_body(&batch)
        })
        .collect();
    load(&server, &singles, 1); // warm-up
    let single = load(&server, &singles, 1);
    let batch = load(&server, &batches, BATCH);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    println!("dcc-verify serve load test: {cores} cores shared by server and client, {CONNECTIONS} keep-alive connections, loopback");
    println!("CLI batch (verify --json, one thread): {cli:.0} codes/s");
    println!(
        "single-code requests: {} in {:.1} s: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {:.0}% of the CLI rate (target >= 50%)",
        single.requests,
        single.requests as f64 / single.per_second,
        single.per_second,
        single.p50.as_secs_f64() * 1e3,
        single.p99.as_secs_f64() * 1e3,
        100.0 * single.per_second / cli
    );
    let codes_per_second = batch.per_second * BATCH as f64;
    println!(
        "{BATCH}-code requests: {} in {:.1} s: {:.1} req/s ({codes_per_second:.0} codes/s), p50 {:.2} ms, p99 {:.2} ms, {:.0}% of the CLI rate (target >= 90%)",
        batch.requests,
        batch.requests as f64 / batch.per_second,
        batch.per_second,
        batch.p50.as_secs_f64() * 1e3,
        batch.p99.as_secs_f64() * 1e3,
        100.0 * codes_per_second / cli
    );
}
