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

/// The valid samples (ES256 and PS256 signatures), in a fixed mix.
fn codes() -> Vec<String> {
    [
        "vn-vaccination-es256",
        "vn-vaccination-ps256",
        "vn-test-es256",
        "vn-recovery-es256",
    ]
    .iter()
    .map(|name| sample(name))
    .collect()
}

/// CPU seconds (user + system, all threads) process `pid` has used so far, from
/// /proc/PID/stat; also readable while the process is a zombie, before it is reaped.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ, 100 on Linux
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            stat.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().starts_with('Z'))
        })
        .unwrap_or(true)
}

/// A throughput: per second of wall-clock time, and per CPU second of the process measured
/// (what one core does, whatever else the machine runs).
struct Rate {
    wall: f64,
    per_cpu_second: Option<f64>,
}

/// `verify --json --jobs 1` over `count` codes on standard input (one thread), codes per second.
fn cli_rate(codes: &[String], count: usize) -> Rate {
    let input: String = codes
        .iter()
        .cycle()
        .take(count)
        .map(|c| format!("{c}\n"))
        .collect();
    let start = Instant::now();
    let mut child = Command::new(binary())
        .args([
            "verify",
            "--trust-list",
            SAMPLE_TRUST_LIST,
            "--json",
            "--jobs",
            "1",
            "--at",
            AT,
        ])
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
    let pid = child.id();
    while !is_zombie(pid) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let cpu = cpu_seconds(pid);
    assert!(child.wait().unwrap().success());
    let wall = start.elapsed().as_secs_f64();
    Rate {
        wall: count as f64 / wall,
        per_cpu_second: cpu.filter(|cpu| *cpu > 0.0).map(|cpu| count as f64 / cpu),
    }
}

struct Figures {
    requests: usize,
    rate: Rate,
    p50: Duration,
    p99: Duration,
}

/// Sends `bodies` round-robin over `CONNECTIONS` connections until the bounds.
fn load(server: &Server, bodies: &[String], codes_per_request: usize) -> Figures {
    let url = server.url("/v1/verify");
    let bodies = Arc::new(bodies.to_vec());
    let per_connection = MAX_REQUESTS / CONNECTIONS;
    let cpu_before = cpu_seconds(server.pid());
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
    let cpu = cpu_seconds(server.pid())
        .zip(cpu_before)
        .map(|(after, before)| after - before)
        .filter(|cpu| *cpu > 0.0);
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let requests = latencies.len() as f64;
    Figures {
        requests: latencies.len(),
        rate: Rate {
            wall: requests / elapsed.as_secs_f64(),
            per_cpu_second: cpu.map(|cpu| requests / cpu),
        },
        p50: at(0.50),
        p99: at(0.99),
    }
}

fn percent(part: Option<f64>, whole: Option<f64>) -> String {
    part.zip(whole).map_or_else(
        || "n/a".to_owned(),
        |(p, w)| format!("{:.0}%", 100.0 * p / w),
    )
}

fn per_cpu(rate: Option<f64>) -> String {
    rate.map_or_else(|| "n/a".to_owned(), |r| format!("{r:.0}"))
}

#[test]
#[ignore = "load test: about half a minute of both cores; run on demand in release mode \
            (cargo test --release --features server --test serve_load -- --ignored --nocapture)"]
fn load_single_and_batch_requests_against_the_cli_batch_rate() {
    let codes = codes();
    cli_rate(&codes, 200); // warm the page cache and the binary
    let cli_before = cli_rate(&codes, 20_000);

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
    drop(server);
    // The CLI before and after the service, so a change in the machine's load shows.
    let cli_after = cli_rate(&codes, 20_000);
    let cli_wall = (cli_before.wall + cli_after.wall) / 2.0;
    let cli_cpu = cli_before
        .per_cpu_second
        .zip(cli_after.per_cpu_second)
        .map(|(a, b)| (a + b) / 2.0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    println!(
        "dcc-verify serve load test: {cores} cores shared by the service and the client, \
         {CONNECTIONS} keep-alive connections on loopback"
    );
    println!(
        "CLI batch (verify --json --jobs 1): {cli_wall:.0} codes/s wall clock \
         (before {:.0}, after {:.0}); {} codes per CPU second",
        cli_before.wall,
        cli_after.wall,
        per_cpu(cli_cpu)
    );
    println!(
        "single-code requests: {} in {:.1} s: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms; \
         {} req per service CPU second = {} of the CLI's per-core rate (target >= 50%)",
        single.requests,
        single.requests as f64 / single.rate.wall,
        single.rate.wall,
        single.p50.as_secs_f64() * 1e3,
        single.p99.as_secs_f64() * 1e3,
        per_cpu(single.rate.per_cpu_second),
        percent(single.rate.per_cpu_second, cli_cpu)
    );
    let codes_cpu = batch.rate.per_cpu_second.map(|r| r * BATCH as f64);
    println!(
        "{BATCH}-code requests: {} in {:.1} s: {:.1} req/s ({:.0} codes/s), p50 {:.2} ms, \
         p99 {:.2} ms; {} codes per service CPU second = {} of the CLI's per-core rate \
         (target >= 90%)",
        batch.requests,
        batch.requests as f64 / batch.rate.wall,
        batch.rate.wall,
        batch.rate.wall * BATCH as f64,
        batch.p50.as_secs_f64() * 1e3,
        batch.p99.as_secs_f64() * 1e3,
        per_cpu(codes_cpu),
        percent(codes_cpu, cli_cpu)
    );
}
