//! Log lines on standard error: one per request (access) and one per event (start, trust
//! switch, shutdown). They carry what operators need (route, status, time, how many codes and
//! outcomes) and nothing a client sent: no body, no query, no address, no path of an unknown
//! route. A QR code is personal data, and so is who asked.

use std::io::Write;
use std::time::Duration;

use clap::ValueEnum;
use dcc_verify::{format_instant, Clock, SystemClock};
use serde_json::{json, Value};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// How many answers of each outcome one request gave.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tally {
    pub codes: usize,
    pub valid: usize,
    pub invalid: usize,
    pub undecidable: usize,
}

pub struct Access {
    pub method: &'static str,
    pub route: &'static str,
    pub status: u16,
    pub duration: Duration,
    pub tally: Option<Tally>,
    /// The error code of a 4xx or 5xx answer.
    pub error: Option<&'static str>,
}

pub fn access(format: LogFormat, entry: &Access) {
    let ms = entry.duration.as_secs_f64() * 1000.0;
    let line = match format {
        LogFormat::Json => {
            let mut value = json!({
                "ts": now(),
                "event": "request",
                "method": entry.method,
                "route": entry.route,
                "status": entry.status,
                "duration_ms": (ms * 1000.0).round() / 1000.0,
            });
            if let (Some(tally), Some(map)) = (entry.tally, value.as_object_mut()) {
                map.insert("codes".into(), tally.codes.into());
                map.insert("valid".into(), tally.valid.into());
                map.insert("invalid".into(), tally.invalid.into());
                map.insert("undecidable".into(), tally.undecidable.into());
            }
            if let (Some(error), Some(map)) = (entry.error, value.as_object_mut()) {
                map.insert("error".into(), error.into());
            }
            value.to_string()
        }
        LogFormat::Text => {
            let mut line = format!(
                "{} {} {} {} {ms:.3}ms",
                now(),
                entry.method,
                entry.route,
                entry.status
            );
            if let Some(t) = entry.tally {
                line += &format!(
                    " codes={} valid={} invalid={} undecidable={}",
                    t.codes, t.valid, t.invalid, t.undecidable
                );
            }
            if let Some(error) = entry.error {
                line += &format!(" error={error}");
            }
            line
        }
    };
    write_line(&line);
}

/// An event: `name` is a stable code, `text` the human line, `fields` what the JSON line adds.
pub fn event(format: LogFormat, name: &str, text: &str, fields: Value) {
    let line = match format {
        LogFormat::Json => {
            let mut value = json!({ "ts": now(), "event": name });
            if let (Some(map), Value::Object(fields)) = (value.as_object_mut(), fields) {
                map.extend(fields);
            }
            value.to_string()
        }
        LogFormat::Text => format!("{} {text}", now()),
    };
    write_line(&line);
}

fn now() -> String {
    format_instant(SystemClock.now())
}

/// A log line that cannot be written (stderr closed) is dropped: logging never stops serving.
fn write_line(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
