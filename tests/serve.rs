//! `dcc-verify serve` over real HTTP on 127.0.0.1: every endpoint, every error, the trust
//! switch under load, shutdown with requests in flight.
#![cfg(feature = "server")] // the `serve` command exists only with the `server` feature

mod serve_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use dcc_verify::Clock;
use serde_json::{json, Value};
use serve_support::*;

/// What `verify --json --at AT` prints for each code, one object per code.
fn cli_json(codes: &[String]) -> Vec<Value> {
    let out = Command::new(binary())
        .args([
            "verify",
            "--trust-list",
            SAMPLE_TRUST_LIST,
            "--json",
            "--at",
            AT,
        ])
        .args(codes)
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const PERSONAL: [&str; 4] = ["Nguyễn", "NGUYEN", "1985-03-12", "URN:UVCI"];

#[test]
fn verify_answers_the_same_object_as_the_cli_for_one_code_and_a_batch() {
    let server = Server::start(&[]);
    let agent = client();
    let codes: Vec<String> = [
        "vn-vaccination-es256",
        "vn-vaccination-expired",
        "vn-vaccination-tampered",
        "vn-test-es256",
        "vn-vaccination-unknown-signer",
    ]
    .iter()
    .map(|name| sample(name))
    .chain(["not a certificate".to_owned()])
    .collect();
    let expected = cli_json(&codes);
    assert_eq!(expected.len(), codes.len());

    let one = post_json(
        &agent,
        &server.url("/v1/verify"),
        &json!({ "qr": codes[0], "at": AT }).to_string(),
    );
    assert_eq!(one.status, 200);
    assert_eq!(one.content_type, "application/json");
    assert_eq!(one.json(), expected[0]);
    assert_eq!(one.json()["outcome"], "valid");

    let batch = post_json(&agent, &server.url("/v1/verify"), &batch_body(&codes));
    assert_eq!(batch.status, 200);
    assert_eq!(batch.json(), json!({ "results": expected }));
    let reasons: Vec<&Value> = expected.iter().map(|v| &v["reason"]).collect();
    assert_eq!(
        reasons,
        [
            &Value::Null,
            &json!("expired"),
            &json!("signature-invalid"),
            &Value::Null,
            &json!("unknown-signer"),
            &json!("malformed-prefix")
        ]
    );
    for personal in PERSONAL {
        assert!(!batch.body.contains(personal), "{personal}");
    }

    // An empty batch is a batch of no answers.
    let empty = post_json(&agent, &server.url("/v1/verify"), r#"{"qr": []}"#);
    assert_eq!(
        (empty.status, empty.json()),
        (200, json!({ "results": [] }))
    );
}

#[test]
fn at_sets_the_verification_time_and_its_absence_means_now() {
    let server = Server::start(&[]);
    let agent = client();
    let code = sample("vn-vaccination-es256");
    let at = |at: &str| {
        post_json(
            &agent,
            &server.url("/v1/verify"),
            &json!({ "qr": code, "at": at }).to_string(),
        )
        .json()
    };
    assert_eq!(at(AT)["outcome"], "valid");
    // After the certificate's expiry (2036-03-01), and before its issue (2026-03-01).
    assert_eq!(at("2040-01-01T00:00:00Z")["reason"], "expired");
    assert_eq!(at("2026-02-01T00:00:00+07:00")["reason"], "not-yet-valid");
    // Without "at": the server's clock, as `verify` without --at.
    let now = post_json(
        &agent,
        &server.url("/v1/verify"),
        &json!({ "qr": code }).to_string(),
    );
    let out = Command::new(binary())
        .args(["verify", "--trust-list", SAMPLE_TRUST_LIST, "--json", &code])
        .output()
        .unwrap();
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(now.json()["outcome"], cli["outcome"]);
    assert_eq!(now.json()["reason"], cli["reason"]);
}

/// Each bad request: its status and error code, a JSON body with a message that quotes
/// nothing of the request.
#[test]
fn every_bad_request_gets_a_4xx_json_error_that_quotes_nothing_sent() {
    let server = Server::start(&["--max-body", "4096", "--max-codes", "3"]);
    let agent = client();
    let verify = server.url("/v1/verify");
    let code = sample("vn-vaccination-es256");
    let secret = "HC1:SECRET-NGUYEN";
    let cases: Vec<(&str, Answer, u16, &str)> = vec![
        (
            "not JSON",
            post_json(&agent, &verify, &format!("{{\"qr\": \"{secret}\"")),
            400,
            "not-json",
        ),
        (
            "not UTF-8",
            post(
                &agent,
                &verify,
                "application/json",
                b"{\"qr\": \"\xff\xfe\"}",
            ),
            400,
            "not-json",
        ),
        (
            "empty body",
            post_json(&agent, &verify, ""),
            400,
            "not-json",
        ),
        (
            "not an object",
            post_json(&agent, &verify, &json!([secret]).to_string()),
            400,
            "invalid-request",
        ),
        (
            "qr a number",
            post_json(&agent, &verify, r#"{"qr": 12345}"#),
            400,
            "invalid-request",
        ),
        (
            "qr an array of numbers",
            post_json(&agent, &verify, r#"{"qr": [1, 2]}"#),
            400,
            "invalid-request",
        ),
        (
            "an unknown field",
            post_json(
                &agent,
                &verify,
                &json!({ "qr": secret, secret: 1 }).to_string(),
            ),
            400,
            "invalid-request",
        ),
        (
            "a field twice",
            post_json(
                &agent,
                &verify,
                &format!(r#"{{"qr": "{secret}", "qr": "{secret}"}}"#),
            ),
            400,
            "invalid-request",
        ),
        (
            "no qr",
            post_json(&agent, &verify, &json!({ "at": AT }).to_string()),
            400,
            "missing-field",
        ),
        (
            "qr null",
            post_json(&agent, &verify, r#"{"qr": null}"#),
            400,
            "missing-field",
        ),
        (
            "at not an instant",
            post_json(
                &agent,
                &verify,
                &json!({ "qr": code, "at": "yesterday" }).to_string(),
            ),
            400,
            "invalid-at",
        ),
        (
            "at a number",
            post_json(
                &agent,
                &verify,
                &json!({ "qr": code, "at": 1_780_000_000 }).to_string(),
            ),
            400,
            "invalid-request",
        ),
        (
            "body over --max-body",
            post_json(
                &agent,
                &verify,
                &json!({ "qr": "x".repeat(5000) }).to_string(),
            ),
            413,
            "body-too-large",
        ),
        (
            "more codes than --max-codes",
            post_json(
                &agent,
                &verify,
                &json!({ "qr": [&code, &code, &code, &code] }).to_string(),
            ),
            413,
            "too-many-codes",
        ),
        (
            "a form, not JSON",
            post(
                &agent,
                &verify,
                "application/x-www-form-urlencoded",
                format!("qr={secret}").as_bytes(),
            ),
            415,
            "unsupported-media-type",
        ),
        (
            "an unknown path",
            get(&agent, &server.url(&format!("/v1/verify/{secret}"))),
            404,
            "not-found",
        ),
        (
            "GET /v1/verify",
            get(&agent, &verify),
            405,
            "method-not-allowed",
        ),
        (
            "POST /healthz",
            post_json(&agent, &server.url("/healthz"), "{}"),
            405,
            "method-not-allowed",
        ),
    ];
    for (what, answer, status, code) in cases {
        assert_eq!(answer.status, status, "{what}: {}", answer.body);
        assert_eq!(answer.content_type, "application/json", "{what}");
        let body = answer.json();
        assert_eq!(body["error"], code, "{what}: {body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}"
        );
        assert_eq!(body.as_object().unwrap().len(), 2, "{what}: {body}");
        assert!(!answer.body.contains("SECRET"), "{what}: {}", answer.body);
    }
    // Exactly at the limits is fine.
    let three = post_json(
        &agent,
        &verify,
        &json!({ "qr": [&code, &code, &code], "at": AT }).to_string(),
    );
    assert_eq!(three.status, 200, "{}", three.body);
    assert_eq!(three.json()["results"].as_array().unwrap().len(), 3);
    // The service still answers after all that.
    assert_eq!(get(&agent, &server.url("/healthz")).status, 200);
    // ... and its log never quoted the request either.
    assert!(!server.log().iter().any(|l| l.contains("SECRET")));
}

/// A chunked body (no Content-Length) over the limit is cut off while it streams.
#[test]
fn a_chunked_body_over_the_limit_is_refused_while_it_streams() {
    let server = Server::start(&["--max-body", "1024"]);
    let mut endless = std::io::repeat(b'x').take(10 << 20);
    let response = client()
        .post(server.url("/v1/verify"))
        .header("content-type", "application/json")
        .send(ureq::SendBody::from_reader(&mut endless));
    // The service may answer and close before the client has sent everything; either way no
    // 10 MiB were read and what came back, if anything, is the 413.
    if let Ok(mut response) = response {
        assert_eq!(response.status(), 413);
        let body: Value =
            serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
        assert_eq!(body["error"], "body-too-large");
    }
    server.wait_for_log("413");
}

/// A client that stops sending its body mid-way gets a 408 after --request-timeout, and one
/// that stops in its header is disconnected: no connection is held open forever. (Raw
/// sockets: an HTTP client cannot be made to stall.)
#[test]
fn a_stalled_body_gets_408_after_the_request_timeout() {
    let server = Server::start(&["--request-timeout", "0.5"]);
    let mut socket = TcpStream::connect(server.address()).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let start = Instant::now();
    socket
        .write_all(
            b"POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"qr\": ",
        )
        .unwrap();
    let mut reply = String::new();
    let _ = socket.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains(r#""error":"request-timeout""#), "{reply}");
    assert!(start.elapsed() < Duration::from_secs(10));

    // Stalled in the middle of its header: the connection is closed.
    let mut socket = TcpStream::connect(server.address()).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let start = Instant::now();
    socket
        .write_all(b"POST /v1/verify HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut reply = Vec::new();
    let _ = socket.read_to_end(&mut reply);
    assert!(start.elapsed() < Duration::from_secs(10), "held open");
}

#[test]
fn healthz_reports_the_list_in_force_and_503_without_one() {
    let server = Server::start(&[]);
    let agent = client();
    let health = get(&agent, &server.url("/healthz"));
    assert_eq!(health.status, 200);
    let body = health.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["trust_list"]["format"], "json");
    assert_eq!(body["trust_list"]["signed"], false);
    assert_eq!(body["trust_list"]["certificates"], 8);
    assert_eq!(body["trust_list"]["issuers"], 2);
    assert_eq!(body["trust_list"]["stale"], false);
    // One source, named "default", described the same way.
    let sources = body["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 1, "{body}");
    assert_eq!(sources[0]["name"], "default");
    assert_eq!(sources[0]["loaded"], true);
    assert_eq!(sources[0]["certificates"], 8);

    let empty = temp_dir("healthz-empty");
    let server = Server::start(&["--cache", empty.to_str().unwrap()]);
    let health = get(&agent, &server.url("/healthz"));
    assert_eq!(health.status, 503);
    assert_eq!(health.json()["error"], "no-trust-list");
    // Verification still answers: "undecidable", as `verify` does without a list.
    let answer = post_json(
        &agent,
        &server.url("/v1/verify"),
        &json!({ "qr": sample("vn-vaccination-es256"), "at": AT }).to_string(),
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["reason"], "no-trust-list");
    let metrics = get(&agent, &server.url("/metrics")).body;
    assert!(
        metrics.contains("dcc_verify_trust_list_loaded 0\n"),
        "{metrics}"
    );
    std::fs::remove_dir_all(empty).unwrap();
}

/// The value of the metric line that starts with `series ` (name and labels).
fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|value| value.parse().unwrap())
}

#[test]
fn metrics_count_requests_outcomes_latency_and_the_list_age() {
    let dir = temp_dir("metrics");
    import(&dir, &full_list(), Some("2026-05-01T00:00:00Z"));
    let server = Server::start(&["--cache", dir.to_str().unwrap()]);
    let agent = client();
    let verify = server.url("/v1/verify");
    post_json(
        &agent,
        &verify,
        &batch_body(&[
            sample("vn-vaccination-es256"),
            sample("vn-vaccination-expired"),
            sample("vn-vaccination-expired"),
        ]),
    );
    post_json(&agent, &verify, "nonsense");
    let answer = get(&agent, &server.url("/metrics"));
    assert_eq!(answer.status, 200);
    assert!(answer
        .content_type
        .starts_with("application/openmetrics-text"));
    let text = answer.body;
    let value = |series: &str| metric(&text, series).unwrap_or_else(|| panic!("{series}\n{text}"));
    assert_eq!(
        value(r#"dcc_verify_verifications_total{outcome="valid",reason="none"}"#),
        1.0
    );
    assert_eq!(
        value(r#"dcc_verify_verifications_total{outcome="invalid",reason="expired"}"#),
        2.0
    );
    assert_eq!(
        value(r#"dcc_verify_http_requests_total{route="/v1/verify",status="200"}"#),
        1.0
    );
    assert_eq!(
        value(r#"dcc_verify_http_requests_total{route="/v1/verify",status="400"}"#),
        1.0
    );
    assert_eq!(
        value(r#"dcc_verify_http_request_duration_seconds_count{route="/v1/verify"}"#),
        2.0
    );
    assert_eq!(
        value(r#"dcc_verify_http_request_duration_seconds_bucket{le="+Inf",route="/v1/verify"}"#),
        2.0
    );
    assert_eq!(value("dcc_verify_trust_list_loaded"), 1.0);
    assert_eq!(
        value(r#"dcc_verify_trust_list_certificates{source="default"}"#),
        8.0
    );
    // Fetched 2026-05-01: by the real clock, at least that old.
    let age = value(r#"dcc_verify_trust_list_age_seconds{source="default"}"#);
    let since_fetch = dcc_verify::SystemClock.now() - 1_777_593_600;
    assert!(
        (since_fetch - 60..=since_fetch + 60).contains(&(age as i64)),
        "{age}"
    );
    assert_eq!(
        value(r#"dcc_verify_trust_list_stale{source="default"}"#),
        1.0
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Several `--cache` directories: each is a source, `/healthz` and the metrics describe each,
/// and a new list in one switches that source only. A cache of them that turns to garbage
/// keeps every list in force.
#[test]
fn several_caches_are_followed_and_described_source_by_source() {
    let (first, second) = (temp_dir("sources-a"), temp_dir("sources-b"));
    import(&first, &full_list(), Some("2026-05-01T00:00:00Z"));
    import(&second, &list_without_vn(), None);
    let (a, b) = (first.to_str().unwrap(), second.to_str().unwrap());
    let server = Server::start(&["--cache", a, "--cache", b, "--reload-interval", "0.1"]);
    let agent = client();
    let sources = |agent: &ureq::Agent| {
        let health = get(agent, &server.url("/healthz"));
        assert_eq!(health.status, 200);
        let body = health.json();
        let described: Vec<(String, u64)> = body["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_owned(),
                    s["certificates"].as_u64().unwrap(),
                )
            })
            .collect();
        described
    };
    let without_vn = {
        let list: Value = serde_json::from_slice(&list_without_vn()).unwrap();
        list["certificates"].as_array().unwrap().len() as u64
    };
    assert_eq!(
        sources(&agent),
        vec![(a.to_owned(), 8), (b.to_owned(), without_vn)]
    );
    let metrics = get(&agent, &server.url("/metrics")).body;
    let certificates = |metrics: &str, dir: &str| {
        metric(
            metrics,
            &format!(r#"dcc_verify_trust_list_certificates{{source="{dir}"}}"#),
        )
    };
    assert_eq!(certificates(&metrics, a), Some(8.0), "{metrics}");
    assert_eq!(certificates(&metrics, b), Some(without_vn as f64));
    assert_eq!(
        metric(
            &metrics,
            &format!(r#"dcc_verify_trust_list_stale{{source="{a}"}}"#)
        ),
        Some(1.0)
    );

    // A new list in the second cache: that source switches, the first stays as it was.
    import(&second, &full_list(), None);
    let switched = server.wait_for_log("trust list switched");
    assert!(
        switched.contains(&format!("{b}: 8 certificates")),
        "{switched}"
    );
    assert_eq!(sources(&agent), vec![(a.to_owned(), 8), (b.to_owned(), 8)]);
    let answer = post_json(
        &agent,
        &server.url("/v1/verify"),
        &json!({ "qr": sample("vn-vaccination-es256"), "at": AT }).to_string(),
    );
    assert_eq!(answer.json()["outcome"], "valid");

    // Garbage in the first: not taken, both lists stay.
    let garbage = first.join("garbage.tmp");
    std::fs::write(&garbage, b"not a cache").unwrap();
    std::fs::rename(&garbage, first.join("trust-list.cache")).unwrap();
    let kept = server.wait_for_log("not taken");
    assert!(kept.contains(a), "{kept}");
    assert_eq!(sources(&agent), vec![(a.to_owned(), 8), (b.to_owned(), 8)]);
    std::fs::remove_dir_all(first).unwrap();
    std::fs::remove_dir_all(second).unwrap();
}

#[test]
fn access_logs_are_json_lines_without_personal_data() {
    let server = Server::start(&["--log-format", "json"]);
    let agent = client();
    let code = sample("vn-vaccination-es256");
    post_json(
        &agent,
        &server.url("/v1/verify"),
        &json!({ "qr": [&code, "HC1:garbage"], "at": AT }).to_string(),
    );
    post_json(&agent, &server.url("/v1/verify"), "{");
    get(&agent, &server.url("/v1/HC1-SECRET-NGUYEN"));
    let line = server.wait_for_log(r#""route":"other""#);
    let entries: Vec<Value> = server
        .log()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    let requests: Vec<&Value> = entries.iter().filter(|e| e["event"] == "request").collect();
    assert_eq!(requests.len(), 3, "{entries:#?}");
    let first = requests[0];
    assert_eq!(first["method"], "POST");
    assert_eq!(first["route"], "/v1/verify");
    assert_eq!(first["status"], 200);
    assert_eq!(first["codes"], 2);
    assert_eq!(first["valid"], 1);
    assert_eq!(first["invalid"], 1);
    assert!(first["duration_ms"].as_f64().is_some());
    assert_eq!(requests[1]["error"], "not-json");
    assert_eq!(requests[2]["status"], 404);
    let log = server.log().join("\n");
    assert!(!log.contains(&code[..40]), "{line}");
    assert!(!log.contains("garbage") && !log.contains("SECRET"));
    // Nor who asked.
    assert!(requests
        .iter()
        .all(|r| !r.to_string().contains("127.0.0.1")));
    for personal in PERSONAL {
        assert!(!log.contains(personal), "{personal}");
    }
}

// The trust switch.

const SAMPLE_LIST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/samples/trust-list.json"
);

/// The bundled sample list: signs every sample.
fn full_list() -> Vec<u8> {
    std::fs::read(SAMPLE_LIST).unwrap()
}

/// The sample list without the Vietnamese signers: the Vietnamese samples are unknown-signer.
fn list_without_vn() -> Vec<u8> {
    let mut list: Value = serde_json::from_slice(&full_list()).unwrap();
    list["certificates"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c["country"] != "VN");
    serde_json::to_vec(&list).unwrap()
}

/// `dcc-verify trust import --cache DIR --format json --unsigned` of `list`.
fn import(dir: &std::path::Path, list: &[u8], fetched_at: Option<&str>) {
    let file = dir.with_extension("import.json");
    std::fs::write(&file, list).unwrap();
    let mut command = Command::new(binary());
    command.args([
        "trust",
        "import",
        "--format",
        "json",
        "--unsigned",
        "--cache",
    ]);
    command.arg(dir);
    if let Some(at) = fetched_at {
        command.args(["--fetched-at", at]);
    }
    let out = command.arg(&file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(file).unwrap();
}

/// While clients send single codes and 100-code batches without pause, `trust import` puts a
/// new list in the cache: the service switches without a restart, no request fails, every
/// batch is answered on one list (all its answers agree), and no answer goes back to the old
/// list once one came from the new. A cache that then turns to garbage leaves the list in force.
#[test]
fn the_trust_list_switches_under_load_without_a_restart_and_batches_stay_whole() {
    let dir = temp_dir("switch");
    import(&dir, &list_without_vn(), None);
    let server = Arc::new(Server::start(&[
        "--cache",
        dir.to_str().unwrap(),
        "--reload-interval",
        "0.1",
    ]));
    let code = sample("vn-vaccination-es256");
    let stop = Arc::new(AtomicBool::new(false));
    // (sent, answered, reasons) of every request.
    let (tx, rx) = mpsc::channel::<(Instant, Instant, Vec<String>)>();
    let clients: Vec<_> = [1usize, 1, 100]
        .into_iter()
        .map(|batch| {
            let (server, code, stop, tx) = (
                Arc::clone(&server),
                code.clone(),
                Arc::clone(&stop),
                tx.clone(),
            );
            std::thread::spawn(move || {
                let agent = client();
                let body = if batch == 1 {
                    json!({ "qr": code, "at": AT }).to_string()
                } else {
                    batch_body(&vec![code; batch])
                };
                while !stop.load(Ordering::Relaxed) {
                    let sent = Instant::now();
                    let answer = post_json(&agent, &server.url("/v1/verify"), &body);
                    assert_eq!(answer.status, 200, "{}", answer.body);
                    let json = answer.json();
                    let results = match json.get("results") {
                        Some(results) => results.as_array().unwrap().clone(),
                        None => vec![json],
                    };
                    let reasons = results
                        .iter()
                        .map(|r| r["reason"].as_str().unwrap_or("valid").to_owned())
                        .collect();
                    tx.send((sent, Instant::now(), reasons)).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    std::thread::sleep(Duration::from_millis(500));
    import(&dir, &full_list(), None);
    server.wait_for_log("trust list switched");
    std::thread::sleep(Duration::from_millis(500));

    // Garbage in the cache (renamed into place, as an import would): the list in force stays.
    let garbage = dir.join("garbage.tmp");
    std::fs::write(&garbage, b"not a cache").unwrap();
    std::fs::rename(&garbage, dir.join("trust-list.cache")).unwrap();
    let kept = server.wait_for_log("not taken");
    assert!(kept.contains("cached trust list is corrupt"), "{kept}");
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }

    let answers: Vec<(Instant, Instant, Vec<String>)> = rx.into_iter().collect();
    // The first answer from the new list: every request sent after it must be on the new list.
    let first_new = answers
        .iter()
        .filter(|(_, _, reasons)| reasons[0] == "valid")
        .map(|(_, answered, _)| *answered)
        .min()
        .expect("no answer from the new list");
    let (mut before, mut after, mut batches) = (0, 0, 0);
    for (sent, _, reasons) in &answers {
        let first = reasons[0].as_str();
        assert!(
            reasons.iter().all(|r| r == first),
            "one batch, two lists: {reasons:?}"
        );
        batches += usize::from(reasons.len() > 1);
        match first {
            "unknown-signer" => {
                assert!(*sent < first_new, "the old list after the new one");
                before += 1;
            }
            "valid" => after += 1,
            other => panic!("unexpected answer {other}"),
        }
    }
    assert!(
        before > 0 && after > 0 && batches > 0,
        "{before} {after} {batches}"
    );
    let metrics = get(&client(), &server.url("/metrics")).body;
    assert_eq!(
        metric(
            &metrics,
            r#"dcc_verify_trust_list_reloads_total{result="switched"}"#
        ),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(
        metric(
            &metrics,
            r#"dcc_verify_trust_list_reloads_total{result="kept"}"#
        ),
        Some(1.0)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// SIGTERM while a request is in flight (its body half sent): the request is answered in
/// full, then the service exits 0. SIGINT does the same.
#[test]
fn shutdown_on_sigterm_or_sigint_finishes_the_requests_in_flight() {
    for signal in ["TERM", "INT"] {
        let mut server = Server::start(&[]);
        let body = batch_body(&vec![sample("vn-vaccination-es256"); 50]);
        let (half, rest) = body.as_bytes().split_at(body.len() / 2);
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let (sent_tx, sent_rx) = mpsc::channel::<()>();
        let mut reader = HalfThenWait {
            first: Some(half.to_vec()),
            rest: Some(rest.to_vec()),
            go: go_rx,
            sent: sent_tx,
        };
        let url = server.url("/v1/verify");
        let request = std::thread::spawn(move || {
            let mut response = client()
                .post(url)
                .header("content-type", "application/json")
                .send(ureq::SendBody::from_reader(&mut reader))
                .unwrap();
            let status = response.status().as_u16();
            (status, response.body_mut().read_to_string().unwrap())
        });
        sent_rx.recv().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        server.signal(signal);
        server.wait_for_log("shutting down");
        // The service is stopping; the request still gets its whole answer.
        go_tx.send(()).unwrap();
        let (status, body) = request.join().unwrap();
        assert_eq!(status, 200, "{body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        let results = body["results"].as_array().unwrap();
        assert_eq!(results.len(), 50);
        assert!(results.iter().all(|r| r["outcome"] == "valid"));
        let status = server.wait(Duration::from_secs(20));
        assert_eq!(status.code(), Some(0), "SIG{signal}");
        assert!(server.log().iter().any(|l| l.contains("stopped")));
    }
}

/// A request body that sends its first half, then waits to be told to send the rest.
struct HalfThenWait {
    first: Option<Vec<u8>>,
    rest: Option<Vec<u8>>,
    go: mpsc::Receiver<()>,
    sent: mpsc::Sender<()>,
}

impl Read for HalfThenWait {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let part = if let Some(first) = self.first.take() {
            first
        } else if let Some(rest) = self.rest.take() {
            let _ = self.sent.send(());
            self.go.recv().unwrap();
            rest
        } else {
            return Ok(0);
        };
        assert!(part.len() <= buf.len(), "test bodies fit one read");
        buf[..part.len()].copy_from_slice(&part);
        Ok(part.len())
    }
}

/// The trust and content options are those of `verify`: here a list file that signs nothing.
#[test]
fn serve_takes_the_trust_options_of_verify() {
    let dir = temp_dir("options");
    let empty = dir.join("empty.json");
    std::fs::write(&empty, r#"{"certificates":[]}"#).unwrap();
    let server = Server::start(&["--trust-list", empty.to_str().unwrap()]);
    let answer = post_json(
        &client(),
        &server.url("/v1/verify"),
        &json!({ "qr": sample("vn-vaccination-es256"), "at": AT }).to_string(),
    );
    assert_eq!(answer.json()["reason"], "unknown-signer");
    // A list with no certificate is no usable list.
    assert_eq!(get(&client(), &server.url("/healthz")).status, 503);
    // Usage errors exit 2 before listening, like verify's.
    let out = Command::new(binary())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--trust-list",
            "/nonexistent.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(binary())
        .args(["serve", "--listen", "not an address"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

/// The rules options are those of `verify` too: the same rules fail the same certificate.
#[test]
fn serve_applies_business_rules_as_verify_does() {
    let rules = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/rules-samples/de-eu-rules.json"
    );
    let options = ["--rules", rules, "--country", "DE", "--schema", "strict"];
    let server = Server::start(&options);
    let codes = [sample("vn-test-es256"), sample("vn-vaccination-es256")];
    let answer = post_json(&client(), &server.url("/v1/verify"), &batch_body(&codes));
    let out = Command::new(binary())
        .args([
            "verify",
            "--trust-list",
            SAMPLE_TRUST_LIST,
            "--json",
            "--at",
            AT,
        ])
        .args(options)
        .args(&codes)
        .output()
        .unwrap();
    let cli: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answer.json(), json!({ "results": cli }));
    // The rapid test is too old for arrival in DE; the vaccination passes.
    assert_eq!(cli[0]["reason"], "rules-failed");
    assert_eq!(cli[0]["rules"]["failed_ids"], json!(["TR-DE-0002"]));
    assert_eq!(cli[1]["outcome"], "valid");
    assert_eq!(cli[1]["rules"]["passed"], 4);
}

/// The container runs the service as an unprivileged user on a read-only filesystem, the cache
/// mounted read-only: it must serve, and follow imports made from outside, without writing.
/// Here the cache directory and its files lose their write bits; as root (where those bits bind
/// nobody, as on CI) the service runs as uid 65532 through `setpriv`, as the image's user.
#[test]
fn serves_and_follows_a_read_only_cache_as_an_unprivileged_user() {
    let dir = temp_dir("read-only");
    import(&dir, &list_without_vn(), None);
    let set_writable = |writable: bool| {
        for entry in std::fs::read_dir(&dir).unwrap() {
            set_mode(&entry.unwrap().path(), if writable { 0o644 } else { 0o444 });
        }
        set_mode(&dir, if writable { 0o755 } else { 0o555 });
    };
    set_writable(false);
    let program = dir.with_extension("bin");
    std::fs::copy(binary(), &program).unwrap();
    set_mode(&program, 0o755);
    let root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    let mut command = if root {
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65532", "--regid=65532", "--clear-groups"]);
        command.arg(&program);
        command
    } else {
        Command::new(&program)
    };
    command.args([
        "serve",
        "--cache",
        dir.to_str().unwrap(),
        "--reload-interval",
        "0.1",
    ]);
    let server = Server::start_command(command);
    let agent = client();
    assert_eq!(get(&agent, &server.url("/healthz")).status, 200);
    let body = json!({ "qr": sample("vn-vaccination-es256"), "at": AT }).to_string();
    let before = post_json(&agent, &server.url("/v1/verify"), &body).json();
    assert_eq!(before["reason"], "unknown-signer");

    set_writable(true);
    import(&dir, &full_list(), None);
    set_writable(false);
    server.wait_for_log("trust list switched");
    let after = post_json(&agent, &server.url("/v1/verify"), &body).json();
    assert_eq!(after["outcome"], "valid");
    drop(server);
    set_writable(true);
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_file(program).unwrap();
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Without a trust option the service trusts the bundled WHO production and German lists, as
/// `verify` does: a real certificate verifies, its signer's source named.
#[test]
fn without_a_trust_option_the_bundled_real_lists_serve() {
    let mut command = Command::new(binary());
    command.arg("serve");
    let server = Server::start_command(command);
    let agent = client();
    let uruguay = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/who-hcert/qr/gdhcn-validator-eu-uruguay2-ps256.txt"
    ))
    .unwrap();
    let body = json!({ "qr": uruguay.trim(), "at": "2023-01-01T00:00:00Z" }).to_string();
    let answer = post_json(&agent, &server.url("/v1/verify"), &body).json();
    assert_eq!(answer["outcome"], "valid", "{answer}");
    assert_eq!(answer["source"]["name"], "de-2023-11");
    let health = get(&agent, &server.url("/healthz"));
    assert_eq!(health.status, 200);
    // Both bundled sources are described, the WHO list first.
    let body = health.json();
    let names: Vec<&str> = body["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["who-prod", "de-2023-11"], "{body}");
    assert!(body["sources"][1]["certificates"].as_u64().unwrap() > 800);
    let metrics = get(&agent, &server.url("/metrics")).body;
    assert!(
        metric(
            &metrics,
            r#"dcc_verify_trust_list_certificates{source="de-2023-11"}"#
        )
        .is_some_and(|n| n > 800.0),
        "{metrics}"
    );
}
