//! Running `dcc-verify serve` on 127.0.0.1 and talking to it over HTTP, for the service tests.
#![allow(dead_code)] // each test crate uses a part

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const AT: &str = "2026-06-01T00:00:00Z";

/// The bundled sample QR text `testdata/samples/<name>.txt`.
pub fn sample(name: &str) -> String {
    let path = format!("{}/testdata/samples/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_dcc-verify")
}

/// A running service; killed when dropped (tests that stop it themselves use [`Server::stop`]).
pub struct Server {
    child: Option<Child>,
    pub base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `dcc-verify serve ARGS --listen 127.0.0.1:0` and waits until it listens.
    /// Without `--cache` or `--trust-list`, the sample list (TEST keys) is named: the
    /// default is the bundled real lists.
    pub fn start(args: &[&str]) -> Server {
        let mut command = Command::new(binary());
        command.arg("serve").args(args);
        if !args.iter().any(|a| *a == "--cache" || *a == "--trust-list") {
            command.args(["--trust-list", SAMPLE_TRUST_LIST]);
        }
        Server::start_command(command)
    }

    /// Starts `command` (a `serve` command line) with `--listen 127.0.0.1:0` added.
    pub fn start_command(mut command: Command) -> Server {
        let mut child = command
            .args(["--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (address_tx, address_rx) = std::sync::mpsc::channel();
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(address) = listening_address(&line) {
                    let _ = address_tx.send(address);
                }
                lines.lock().unwrap().push(line);
            }
        });
        let address = address_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the service did not start listening");
        Server {
            child: Some(child),
            base: format!("http://{address}"),
            log,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn address(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// Sends `signal` (e.g. "TERM") to the service.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits (at most `limit`) for the service to exit.
    pub fn wait(&mut self, limit: Duration) -> ExitStatus {
        let start = Instant::now();
        let child = self.child.as_mut().unwrap();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                self.child = None;
                return status;
            }
            assert!(start.elapsed() < limit, "the service did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The log lines so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits (at most 10 s) until a log line contains `text`.
    pub fn wait_for_log(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(line) = self.log().into_iter().find(|l| l.contains(text)) {
                return line;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no log line with {text:?}: {:#?}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The address in the start-up line, text (`listening on ADDR`) or JSON (`"address"`).
fn listening_address(line: &str) -> Option<String> {
    if let Some((_, address)) = line.split_once("listening on ") {
        return Some(address.trim().to_owned());
    }
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    (value["event"] == "listening").then(|| value["address"].as_str().map(str::to_owned))?
}

/// An HTTP client that returns 4xx and 5xx answers instead of failing on them.
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// An answer: status, Content-Type and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    Answer {
        status: response.status().as_u16(),
        content_type,
        body: response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .unwrap(),
    }
}

pub fn get(agent: &ureq::Agent, url: &str) -> Answer {
    answer(agent.get(url).call().unwrap())
}

/// POSTs `body` as JSON.
pub fn post_json(agent: &ureq::Agent, url: &str, body: &str) -> Answer {
    post(agent, url, "application/json", body.as_bytes())
}

pub fn post(agent: &ureq::Agent, url: &str, content_type: &str, body: &[u8]) -> Answer {
    answer(
        agent
            .post(url)
            .header("content-type", content_type)
            .send(body)
            .unwrap(),
    )
}

/// `{"qr": [codes...], "at": AT}`.
pub fn batch_body(codes: &[String]) -> String {
    serde_json::json!({ "qr": codes, "at": AT }).to_string()
}

/// A fresh, empty directory for one test.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dcc-verify-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The sample trust list (TEST keys).
pub const SAMPLE_TRUST_LIST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/samples/trust-list.json"
);
