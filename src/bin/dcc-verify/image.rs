//! `--image`: the QR and Aztec codes in pictures, as inputs of `verify` and `decode`.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use dcc_verify::image::{find_codes, FoundCode, ImageError};
use dcc_verify::limits::MAX_IMAGE_BYTES;
use serde_json::{json, Value};

use crate::{input, output, UsageError};

/// The picture's bytes, read within [`MAX_IMAGE_BYTES`] (`-` is standard input). A file that
/// cannot be read is a usage error; one that is too large is this picture's result.
fn read_picture(file: &str) -> Result<Result<Vec<u8>, ImageError>, UsageError> {
    let io_error = |e: std::io::Error| UsageError(format!("reading {file}: {e}"));
    let mut bytes = Vec::new();
    let limit = MAX_IMAGE_BYTES as u64 + 1;
    if file == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
    } else {
        let handle = std::fs::File::open(Path::new(file)).map_err(io_error)?;
        let size = handle.metadata().map_err(io_error)?.len();
        if size > MAX_IMAGE_BYTES as u64 {
            return Ok(Err(ImageError::FileTooLarge {
                size: usize::try_from(size).unwrap_or(usize::MAX),
                limit: MAX_IMAGE_BYTES,
            }));
        }
        handle
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
    }
    Ok(Ok(bytes))
}

/// The codes in one picture, or why there are none.
fn codes_in(file: &str) -> Result<Result<Vec<FoundCode>, ImageError>, UsageError> {
    Ok(read_picture(file)?.and_then(|bytes| find_codes(&bytes)))
}

/// `"image"` in the JSON answers: the file, and which code in it and where.
fn picture_json(file: &str, found: Option<(usize, &FoundCode)>) -> Value {
    let mut picture = json!({ "file": file });
    if let (Some((index, code)), Value::Object(fields)) = (found, &mut picture) {
        let position = code.position;
        fields.insert("code".into(), json!(index + 1));
        fields.insert("symbology".into(), json!(code.symbology.code()));
        fields.insert(
            "position".into(),
            json!({
                "left": position.left,
                "top": position.top,
                "width": position.width,
                "height": position.height,
            }),
        );
    }
    picture
}

/// The label of a code in the human summary: the file, and which code when it holds several.
fn label(file: &str, index: usize, count: usize) -> String {
    if count > 1 {
        format!("{file} [code {} of {count}]", index + 1)
    } else {
        file.to_owned()
    }
}

/// One input of `verify --image`: a code read from a picture, or why the picture gave none.
pub struct PictureInput {
    pub text: Result<String, ImageError>,
    /// The file, and which code in it when it holds several (for the summary).
    pub label: String,
    /// The `"image"` object of the JSON answer.
    pub json: Value,
}

impl PictureInput {
    /// The answer for a picture that gave no code: its own line, so every file is accounted for.
    pub fn unreadable_line(&self, json: bool) -> String {
        let Err(error) = &self.text else {
            return String::new();
        };
        if json {
            json!({
                "image": self.json,
                "error": { "code": error.code(), "message": error.to_string() },
            })
            .to_string()
        } else {
            format!("{}: unreadable ({}): {error}", self.label, error.code())
        }
    }
}

/// `verify --image`: every code in every picture is an input; a picture without one is an
/// unreadable input (so the exit status is 1).
pub fn inputs(files: Vec<String>) -> impl Iterator<Item = Result<PictureInput, UsageError>> {
    files.into_iter().flat_map(|file| {
        let inputs: Vec<Result<PictureInput, UsageError>> = match codes_in(&file) {
            Err(usage) => vec![Err(usage)],
            Ok(Err(error)) => vec![Ok(PictureInput {
                text: Err(error),
                label: file.clone(),
                json: picture_json(&file, None),
            })],
            Ok(Ok(codes)) => {
                let count = codes.len();
                codes
                    .iter()
                    .enumerate()
                    .map(|(index, code)| {
                        Ok(PictureInput {
                            text: Ok(code.text.clone()),
                            label: label(&file, index, count),
                            json: picture_json(&file, Some((index, code))),
                        })
                    })
                    .collect()
            }
        };
        inputs
    })
}

/// `decode --image FILE`: each code's headers and payload, as `decode` prints them, with where
/// it was found. Exit status 1 when the picture holds no code or a code is not a certificate.
pub fn decode(file: &str) -> Result<ExitCode, UsageError> {
    let codes = match codes_in(file)? {
        Ok(codes) => codes,
        Err(error) => {
            input::warn(&format!("dcc-verify: {file}: {error} ({})", error.code()));
            return Ok(ExitCode::from(1));
        }
    };
    let mut all_decoded = true;
    for (index, code) in codes.iter().enumerate() {
        match dcc_verify::decode(&code.text) {
            Ok(decoded) => {
                let mut answer = output::decoded_json(&decoded);
                if let Value::Object(fields) = &mut answer {
                    fields.insert("image".into(), picture_json(file, Some((index, code))));
                }
                let text = serde_json::to_string_pretty(&answer)
                    .map_err(|e| UsageError(format!("writing output: {e}")))?;
                input::print(&text)?;
            }
            Err(e) => {
                all_decoded = false;
                let which = label(file, index, codes.len());
                input::warn(&format!(
                    "dcc-verify: {which}: cannot decode ({}): {e}",
                    e.code()
                ));
            }
        }
    }
    Ok(if all_decoded {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
