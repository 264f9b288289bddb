//! `dcc-verify serve`: verification over HTTP for backends (check-in, border systems, venue
//! entry behind one server). Stateless: any number of replicas behind a load balancer give the
//! same answers for the same trust list.
//!
//! The pieces: [`api`] (routes, bodies, errors), [`metrics`] (Prometheus), [`reload`] (the
//! verifier in force and following the cache), [`log`] (access logs without personal data).

mod api;
mod log;
mod metrics;
mod reload;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use dcc_verify::{Clock, SystemClock};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::sync::watch;

use crate::{ContentChecks, ListSource, UsageError};
pub use log::LogFormat;

/// The options `serve` has beyond those of `verify`.
#[derive(Args)]
pub struct Options {
    /// Address and port to listen on; port 0 takes a free port (the log's first line names it).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Largest request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    max_body: usize,
    /// Most QR codes in one request.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    max_codes: usize,
    /// Seconds a request may take from its first byte to its answer.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = seconds)]
    request_timeout: Duration,
    /// With --cache: how often to look for a list newer than the one in force, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    reload_interval: Duration,
    /// Access and event log lines on standard error: text or one JSON object per line.
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
}

fn seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e9)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("not a positive number of seconds: {text}"))
}

/// Limits every request is held to.
#[derive(Clone, Copy)]
pub struct Limits {
    pub max_body: usize,
    pub max_codes: usize,
    pub request_timeout: Duration,
}

pub fn run(
    source: ListSource,
    content: ContentChecks,
    options: Options,
) -> Result<ExitCode, UsageError> {
    // Looked at before the lists are loaded: a change in between is then seen as a change.
    let seen: Vec<_> = source
        .cache
        .iter()
        .map(|dir| reload::CacheState::of(dir))
        .collect();
    let verifier = crate::verifier(&source, &content, SystemClock.now())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| UsageError(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(serve(source, content, options, verifier, seen))
}

async fn serve(
    source: ListSource,
    content: ContentChecks,
    options: Options,
    verifier: dcc_verify::Verifier,
    seen: Vec<reload::CacheState>,
) -> Result<ExitCode, UsageError> {
    let log = options.log_format;
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| UsageError(format!("cannot listen on {}: {e}", options.listen)))?;
    let address = listener
        .local_addr()
        .map_err(|e| UsageError(format!("cannot listen on {}: {e}", options.listen)))?;

    let current = Arc::new(reload::Current::new(verifier));
    let metrics = Arc::new(metrics::Metrics::new());
    let service = Arc::new(api::Service {
        current: Arc::clone(&current),
        metrics: Arc::clone(&metrics),
        limits: Limits {
            max_body: options.max_body,
            max_codes: options.max_codes,
            request_timeout: options.request_timeout,
        },
        log,
    });

    let (stop, stopped) = watch::channel(false);
    if !source.cache.is_empty() {
        let follower = reload::Follower {
            seen,
            source,
            content,
            current,
            metrics,
            log,
            interval: options.reload_interval,
        };
        tokio::spawn(follower.run(stopped.clone()));
    }
    tokio::spawn(wait_for_signal(stop, log));

    log::event(
        log,
        "listening",
        &format!("listening on {address}"),
        serde_json::json!({ "address": address.to_string() }),
    );
    let app = api::router(service);
    let mut http = hyper::server::conn::http1::Builder::new();
    // A client that has not sent its whole header within the request timeout is cut off
    // (without a timer hyper would wait for it forever).
    http.timer(TokioTimer::new())
        .header_read_timeout(options.request_timeout);
    let connections = GracefulShutdown::new();
    let mut stopping = stopped.clone();
    loop {
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    log::event(log, "accept-failed", &format!("cannot accept a connection: {e}"), serde_json::json!({ "reason": e.to_string() }));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stopping.wait_for(|stop| *stop) => break,
        };
        // Answers are one write each; Nagle's algorithm would only delay them.
        let _ = tcp.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let connection = connections.watch(http.serve_connection(TokioIo::new(tcp), service));
        tokio::spawn(async move {
            // A connection's end (the client went away, a bad request line) is the client's.
            let _ = connection.await;
        });
    }
    drop(listener);
    // In-flight requests finish within their timeout; a connection that still has not closed
    // some time after that does not hold the exit.
    let grace = options.request_timeout + Duration::from_secs(5);
    tokio::select! {
        () = connections.shutdown() => {}
        () = tokio::time::sleep(grace) => {
            log::event(log, "shutdown-forced", "closing connections still open after the grace period", serde_json::json!({}));
        }
    }
    log::event(log, "stopped", "stopped", serde_json::json!({}));
    Ok(ExitCode::SUCCESS)
}

/// Waits for SIGTERM or SIGINT, then tells the server to stop accepting and finish.
async fn wait_for_signal(stop: watch::Sender<bool>, log: LogFormat) {
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    log::event(
        log,
        "shutting-down",
        "shutting down: finishing the requests in flight",
        serde_json::json!({}),
    );
    let _ = stop.send(true);
}
