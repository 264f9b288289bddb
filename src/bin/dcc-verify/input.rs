//! Reading and writing with bounds. A file or a line is never read past its limit (plus one
//! byte, to tell "exactly the limit" from "more"), so a 1 GB file or a 300 MB line costs what
//! the limit allows, not what it holds. Output goes through [`print`] and [`warn`], never
//! `println!`/`eprintln!`, which panic on a closed pipe or a full disk.

use std::io::{self, Read, Write};
use std::path::Path;

use crate::UsageError;

/// Largest anchor file: a PEM public key is about 180 bytes, and a configuration holds at most
/// `MAX_ANCHORS` (16) of them; 64 KiB leaves room for comments and certificates around them.
pub const MAX_ANCHOR_FILE_BYTES: usize = 64 * 1024;

/// Largest rule-set, value-set or rule-data file. The EU gateway's complete rule set (every
/// country's acceptance and invalidation rules) is about 2 MB, its value sets about 0.5 MB:
/// 16 MiB, as for trust lists, leaves room for growth and bounds a hostile file.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// The file at `path`, refused (without reading past the limit) when larger than `limit`.
pub fn read_file(path: &Path, limit: usize) -> Result<Vec<u8>, UsageError> {
    let shown = path.display();
    let file =
        std::fs::File::open(path).map_err(|e| UsageError(format!("cannot read {shown}: {e}")))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| UsageError(format!("cannot read {shown}: {e}")))?;
    if bytes.len() > limit {
        return Err(UsageError(format!(
            "{shown} is larger than {limit} bytes: not read"
        )));
    }
    Ok(bytes)
}

/// Writes `text` and a newline to standard output. A closed pipe or a full disk is an error
/// (exit status 2), never a panic.
pub fn print(text: &str) -> Result<(), UsageError> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| UsageError(format!("writing output: {e}")))
}

/// Writes `text` and a newline to standard error. If standard error itself is gone there is no
/// one left to tell, so a failure is ignored rather than turned into a panic.
pub fn warn(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}
