//! The HTTP API: `POST /v1/verify`, `GET /healthz`, `GET /metrics`.
//!
//! Every request that cannot be answered gets a 4xx with `{"error": code, "message": text}`;
//! messages are written here, never copied from a parser, because a parser's message may quote
//! the input (a QR code is personal data).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use dcc_verify::{parse_instant, TrustList, Verification, Verifier};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::time::timeout_at;

use super::log::{self, LogFormat, Tally};
use super::metrics::Metrics;
use super::reload::Current;
use super::Limits;

#[cfg(feature = "image")]
mod picture;

pub struct Service {
    pub current: Arc<Current>,
    pub metrics: Arc<Metrics>,
    pub limits: Limits,
    pub log: LogFormat,
}

pub fn router(service: Arc<Service>) -> Router {
    Router::new()
        .route("/v1/verify", post(verify))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(|| async { ApiError::NOT_FOUND })
        .method_not_allowed_fallback(|| async { ApiError::METHOD_NOT_ALLOWED })
        .layer(middleware::from_fn_with_state(
            Arc::clone(&service),
            observe,
        ))
        .with_state(service)
}

/// Why a request gets no answer.
#[derive(Debug, Clone, Copy)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: &'static str,
}

impl ApiError {
    const fn new(status: StatusCode, code: &'static str, message: &'static str) -> Self {
        Self {
            status,
            code,
            message,
        }
    }

    const NOT_FOUND: Self = Self::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "no such endpoint: POST /v1/verify, GET /healthz, GET /metrics",
    );
    const METHOD_NOT_ALLOWED: Self = Self::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "use POST for /v1/verify and GET for /healthz and /metrics",
    );
    const UNSUPPORTED_MEDIA_TYPE: Self = Self::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        if cfg!(feature = "image") {
            "send the request as Content-Type: application/json, image/png or image/jpeg"
        } else {
            "send the request as Content-Type: application/json"
        },
    );
    const BODY_TOO_LARGE: Self = Self::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body-too-large",
        "the request body is larger than this service takes (--max-body)",
    );
    const TOO_MANY_CODES: Self = Self::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-many-codes",
        "more QR codes in one request than this service takes (--max-codes): split the batch",
    );
    const BODY_UNREADABLE: Self = Self::new(
        StatusCode::BAD_REQUEST,
        "body-unreadable",
        "the request body could not be read to its end",
    );
    const REQUEST_TIMEOUT: Self = Self::new(
        StatusCode::REQUEST_TIMEOUT,
        "request-timeout",
        "the request body did not arrive within the request timeout",
    );
    const NOT_JSON: Self = Self::new(
        StatusCode::BAD_REQUEST,
        "not-json",
        "the body is not JSON (UTF-8); send {\"qr\": \"HC1:...\"}",
    );
    const INVALID_REQUEST: Self = Self::new(
        StatusCode::BAD_REQUEST,
        "invalid-request",
        "the body must be an object {\"qr\": \"HC1:...\" or [\"HC1:...\", ...], \"at\": \"RFC 3339\" (optional)} with no other fields",
    );
    const MISSING_QR: Self = Self::new(
        StatusCode::BAD_REQUEST,
        "missing-field",
        "the field \"qr\" is missing: send {\"qr\": \"HC1:...\"} or {\"qr\": [\"HC1:...\", ...]}",
    );
    const INVALID_AT: Self = Self::new(
        StatusCode::BAD_REQUEST,
        "invalid-at",
        "\"at\" is not an RFC 3339 instant (e.g. 2026-06-01T00:00:00Z)",
    );
    const TIMEOUT: Self = Self::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "timeout",
        "the verification did not finish within the request timeout: retry, or send smaller batches",
    );
    const INTERNAL: Self = Self::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the service failed on this request",
    );
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.code, "message": self.message });
        let mut response = json_response(self.status, &body);
        response.extensions_mut().insert(self);
        response
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
        .into_response()
}

/// Times, counts and logs every request, answered or not.
async fn observe(State(service): State<Arc<Service>>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = match request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
    {
        Some("/v1/verify") => "/v1/verify",
        Some("/healthz") => "/healthz",
        Some("/metrics") => "/metrics",
        _ => "other",
    };
    let method = match *request.method() {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        _ => "OTHER",
    };
    let response = next.run(request).await;
    let duration = start.elapsed();
    let status = response.status().as_u16();
    service.metrics.request(route, status, duration);
    log::access(
        service.log,
        &log::Access {
            method,
            route,
            status,
            duration,
            tally: response.extensions().get::<Tally>().copied(),
            error: response.extensions().get::<ApiError>().map(|e| e.code),
        },
    );
    response
}

/// The QR codes of one request.
enum Codes {
    One(String),
    Many(Vec<String>),
}

/// A verification request, whatever form its body had.
struct VerifyRequest {
    codes: Codes,
    at: Option<i64>,
}

/// The body forms `POST /v1/verify` takes, by Content-Type.
enum BodyKind {
    Json,
    /// A PNG or JPEG picture (`image` feature).
    #[cfg(feature = "image")]
    Picture,
}

fn body_kind(headers: &HeaderMap) -> Result<BodyKind, ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(BodyKind::Json);
    };
    let media_type = value
        .to_str()
        .ok()
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    match media_type.as_deref() {
        Some("application/json") => Ok(BodyKind::Json),
        #[cfg(feature = "image")]
        Some("image/png" | "image/jpeg") => Ok(BodyKind::Picture),
        _ => Err(ApiError::UNSUPPORTED_MEDIA_TYPE),
    }
}

async fn verify(State(service): State<Arc<Service>>, headers: HeaderMap, body: Body) -> Response {
    let deadline = tokio::time::Instant::now() + service.limits.request_timeout;
    match answer(&service, &headers, body, deadline).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn answer(
    service: &Service,
    headers: &HeaderMap,
    body: Body,
    deadline: tokio::time::Instant,
) -> Result<Response, ApiError> {
    let limits = service.limits;
    let request = match body_kind(headers)? {
        BodyKind::Json => parse_json(&read_body(body, headers, limits.max_body, deadline).await?)?,
        #[cfg(feature = "image")]
        BodyKind::Picture => {
            let picture = read_body(body, headers, limits.max_body, deadline).await?;
            let (body, tally) = picture::answer(service, picture, deadline).await?;
            return Ok(ok_json(body, tally));
        }
    };
    if let Codes::Many(codes) = &request.codes {
        if codes.len() > limits.max_codes {
            return Err(ApiError::TOO_MANY_CODES);
        }
    }
    // The verifier in force now answers the whole request, even if the list switches meanwhile.
    let verifier = service.current.get();
    let now = request.at.unwrap_or_else(|| verifier.now());
    let (body, tally) = match request.codes {
        Codes::One(qr) => {
            // One code is a fraction of a millisecond of work: not worth a thread hop.
            let answer = Answer::of(&verifier.verify_at(&qr, now))?;
            service.metrics.outcome(answer.outcome, answer.reason);
            let tally = Tally::of(std::slice::from_ref(&answer));
            (answer.json, tally)
        }
        Codes::Many(codes) => {
            let answers = timeout_at(deadline, verify_batch(verifier, codes, now))
                .await
                .map_err(|_| ApiError::TIMEOUT)??;
            for answer in &answers {
                service.metrics.outcome(answer.outcome, answer.reason);
            }
            let tally = Tally::of(&answers);
            (results_object(answers), tally)
        }
    };
    Ok(ok_json(body, tally))
}

/// 200 with a JSON body, tallied for the access log.
fn ok_json(body: Vec<u8>, tally: Tally) -> Response {
    let mut response = (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    response.extensions_mut().insert(tally);
    response
}

/// The body, whole, if it is within `limit` and arrives before `deadline`.
async fn read_body(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
    deadline: tokio::time::Instant,
) -> Result<axum::body::Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(ApiError::BODY_TOO_LARGE);
    }
    match timeout_at(deadline, Limited::new(body, limit).collect()).await {
        Err(_) => Err(ApiError::REQUEST_TIMEOUT),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
            Err(ApiError::BODY_TOO_LARGE)
        }
        Ok(Err(_)) => Err(ApiError::BODY_UNREADABLE),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRequest {
    qr: Option<JsonCodes>,
    at: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JsonCodes {
    One(String),
    Many(Vec<String>),
}

fn parse_json(body: &[u8]) -> Result<VerifyRequest, ApiError> {
    let request: JsonRequest = serde_json::from_slice(body).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ApiError::INVALID_REQUEST,
        _ => ApiError::NOT_JSON,
    })?;
    let codes = match request.qr.ok_or(ApiError::MISSING_QR)? {
        JsonCodes::One(qr) => Codes::One(qr),
        JsonCodes::Many(codes) => Codes::Many(codes),
    };
    let at = request
        .at
        .map(|at| parse_instant(&at).ok_or(ApiError::INVALID_AT))
        .transpose()?;
    Ok(VerifyRequest { codes, at })
}

/// One code's answer: the same JSON object as `verify --json` (the library's `Serialize` for
/// [`Verification`]), serialised, and its outcome for metrics.
struct Answer {
    json: Vec<u8>,
    outcome: &'static str,
    reason: Option<&'static str>,
}

impl Answer {
    fn of(verification: &Verification) -> Result<Self, ApiError> {
        Ok(Self {
            json: serde_json::to_vec(verification).map_err(|_| ApiError::INTERNAL)?,
            outcome: verification.outcome.code(),
            reason: verification.outcome.reason_code(),
        })
    }
}

/// `{"results": [answers...]}`, from answers already serialised.
fn results_object(answers: Vec<Answer>) -> Vec<u8> {
    let len = answers.iter().map(|a| a.json.len() + 1).sum::<usize>();
    let mut body = Vec::with_capacity(len + 16);
    body.extend_from_slice(b"{\"results\":[");
    for (i, answer) in answers.into_iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend(answer.json);
    }
    body.extend_from_slice(b"]}");
    body
}

impl Tally {
    fn of(answers: &[Answer]) -> Self {
        let count = |outcome: &str| answers.iter().filter(|a| a.outcome == outcome).count();
        Tally {
            codes: answers.len(),
            valid: count("valid"),
            invalid: count("invalid"),
            undecidable: count("undecidable"),
        }
    }
}

/// Verifies `codes` in order on every core (the library's batch), off the async workers.
async fn verify_batch(
    verifier: Arc<Verifier>,
    codes: Vec<String>,
    now: i64,
) -> Result<Vec<Answer>, ApiError> {
    tokio::task::spawn_blocking(move || {
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        verifier
            .verify_batch(&codes, now)
            .iter()
            .map(Answer::of)
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|_| ApiError::INTERNAL)?
}

/// 200 with the trust lists in force; 503 when no source has a list with a certificate in it,
/// so a load balancer sends no traffic to a replica that can only answer "undecidable".
async fn healthz(State(service): State<Arc<Service>>) -> Response {
    let verifier = service.current.get();
    let usable = |list: &Option<Arc<TrustList>>| list.as_ref().is_some_and(|l| !l.is_empty());
    let sources = verifier.sources();
    if !sources.iter().any(|(_, list)| usable(list)) {
        return json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({
                "status": "unavailable",
                "error": "no-trust-list",
                "message": "no usable trust list: import one into the cache (dcc-verify trust import)",
            }),
        );
    }
    let now = verifier.now();
    let describe = |list: &TrustList| {
        // What each verification reports about the list (`trust_list` in its answer), and more.
        let status = verifier.settings().status_of(list, now);
        let mut described = serde_json::to_value(status).unwrap_or(Value::Null);
        if let Some(object) = described.as_object_mut() {
            let provenance = list.provenance();
            let instant = |t: Option<i64>| t.map(dcc_verify::format_instant);
            object.insert("fetched_at".into(), instant(provenance.fetched_at).into());
            object.insert("list_time".into(), instant(provenance.list_time).into());
            object.insert("certificates".into(), list.len().into());
            object.insert("issuers".into(), list.countries().len().into());
        }
        described
    };
    let every: Vec<Value> = sources
        .iter()
        .map(|(name, list)| {
            let mut described = list.as_deref().map_or(json!({}), describe);
            if let Some(object) = described.as_object_mut() {
                object.insert("name".into(), name.as_str().into());
                object.insert("loaded".into(), usable(list).into());
            }
            described
        })
        .collect();
    json_response(
        StatusCode::OK,
        &json!({
            "status": "ok",
            "trust_list": verifier.trust_list().as_deref().map(describe),
            "sources": every,
        }),
    )
}

async fn metrics(State(service): State<Arc<Service>>) -> Response {
    let verifier = service.current.get();
    let text = service
        .metrics
        .render(&verifier.sources(), verifier.settings(), verifier.now());
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}
