//! `POST /v1/verify` with a PNG or JPEG body (`image` feature): every QR or Aztec code in the
//! picture is verified, and the answer is `{"results": [...]}` (a picture may hold several),
//! each result the `verify --json` object with `"image": {"code", "symbology", "position"}`.

use axum::http::StatusCode;
use dcc_verify::image::{find_codes, FoundCode, ImageError};
use serde_json::{json, Value};
use tokio::time::timeout_at;

use super::{results_object, Answer, ApiError, Service, Tally};

/// Why a picture gave nothing to verify: 422 with the library's stable code. The messages are
/// written here (the library's name the picture's dimensions; these need no input at all).
fn unreadable(error: &ImageError) -> ApiError {
    let message = match error {
        ImageError::FileTooLarge { .. } => "the picture is larger than the reader takes (32 MiB)",
        ImageError::NotAnImage => "the body is not a PNG or JPEG picture",
        ImageError::UnsupportedFormat(_) => {
            "the body is a picture in another format: send PNG or JPEG"
        }
        ImageError::TooManyPixels { .. } => {
            "the picture has more pixels than the reader takes (16,384 a side, 50 million in all): scale it down or crop it to the code"
        }
        ImageError::Damaged { .. } => "the picture is damaged or truncated",
        ImageError::NoCode => {
            "no readable QR or Aztec code in the picture (is the whole code in view, sharp and not glared?)"
        }
        _ => "the code reader failed on this picture",
    };
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, error.code(), message)
}

/// The verification of one code found in the picture, with where it was found.
fn answer_with_position(
    verifier: &dcc_verify::Verifier,
    index: usize,
    code: &FoundCode,
    now: i64,
) -> Result<Answer, ApiError> {
    let verification = verifier.verify_at(&code.text, now);
    let mut answer = Answer::of(&verification)?;
    let mut object: Value = serde_json::from_slice(&answer.json).map_err(|_| ApiError::INTERNAL)?;
    if let Value::Object(fields) = &mut object {
        let position = code.position;
        fields.insert(
            "image".into(),
            json!({
                "code": index + 1,
                "symbology": code.symbology.code(),
                "position": {
                    "left": position.left,
                    "top": position.top,
                    "width": position.width,
                    "height": position.height,
                },
            }),
        );
    }
    answer.json = serde_json::to_vec(&object).map_err(|_| ApiError::INTERNAL)?;
    Ok(answer)
}

/// Reads the codes off the picture and verifies each, on a blocking thread (a large photo is
/// tens of milliseconds of work), within the request's deadline.
pub(super) async fn answer(
    service: &Service,
    picture: axum::body::Bytes,
    deadline: tokio::time::Instant,
) -> Result<(Vec<u8>, Tally), ApiError> {
    let verifier = service.current.get();
    let work = tokio::task::spawn_blocking(move || {
        let codes = find_codes(&picture).map_err(|error| unreadable(&error))?;
        let now = verifier.now();
        codes
            .iter()
            .enumerate()
            .map(|(index, code)| answer_with_position(&verifier, index, code, now))
            .collect::<Result<Vec<Answer>, ApiError>>()
    });
    let answers = timeout_at(deadline, work)
        .await
        .map_err(|_| ApiError::TIMEOUT)?
        .map_err(|_| ApiError::INTERNAL)??;
    for answer in &answers {
        service.metrics.outcome(answer.outcome, answer.reason);
    }
    let tally = Tally::of(&answers);
    Ok((results_object(answers), tally))
}
