//! Reading and writing with bounds. A file or a line is never read past its limit (plus one
//! byte, to tell "exactly the limit" from "more"), so a 1 GB file or a 300 MB line costs what
//! the limit allows, not what it holds. Output goes through [`print`] and [`warn`], never
//! `println!`/`eprintln!`, which panic on a closed pipe or a full disk.

use std::io::{self, BufRead, Read, Write};
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

/// The lines of `reader` (without `\n` or `\r\n`), each holding at most `limit + 1` bytes: the
/// rest of a longer line is skipped without being kept, and what is kept is still longer than
/// `limit`, so the verifier refuses it as too long. A line that is not UTF-8 is an error, as
/// with [`BufRead::lines`], unless it was cut short (its cut may split a character).
pub fn bounded_lines<R: BufRead>(
    mut reader: R,
    limit: usize,
) -> impl Iterator<Item = io::Result<String>> {
    std::iter::from_fn(move || {
        let mut line = Vec::new();
        let mut truncated = false;
        let mut read_any = false;
        loop {
            let buffer = match reader.fill_buf() {
                Ok(buffer) => buffer,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Some(Err(e)),
            };
            if buffer.is_empty() {
                break;
            }
            read_any = true;
            let newline = buffer.iter().position(|&b| b == b'\n');
            let content = buffer.get(..newline.unwrap_or(buffer.len())).unwrap_or(&[]);
            let room = (limit + 1).saturating_sub(line.len());
            let kept = content.get(..content.len().min(room)).unwrap_or(&[]);
            truncated |= kept.len() < content.len();
            line.extend_from_slice(kept);
            let consumed = newline.map_or(buffer.len(), |at| at + 1);
            reader.consume(consumed);
            if newline.is_some() {
                break;
            }
        }
        if !read_any {
            return None;
        }
        if line.last() == Some(&b'\r') && !truncated {
            line.pop();
        }
        Some(if truncated {
            Ok(String::from_utf8_lossy(&line).into_owned())
        } else {
            String::from_utf8(line)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a line is not UTF-8 text"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_longer_than_the_limit_keep_one_byte_more() -> io::Result<()> {
        let input = format!("short\r\n{}\nlast", "x".repeat(100));
        // A tiny buffer, so lines span several reads.
        let reader = io::BufReader::with_capacity(7, input.as_bytes());
        let lines: Vec<String> = bounded_lines(reader, 10).collect::<io::Result<_>>()?;
        assert_eq!(lines, ["short", "xxxxxxxxxxx", "last"]);
        let empty: Vec<_> = bounded_lines(io::empty(), 10).collect();
        assert!(empty.is_empty());
        let blank: Vec<String> = bounded_lines(&b"\n\n"[..], 10).collect::<io::Result<_>>()?;
        assert_eq!(blank, ["", ""]);
        assert!(bounded_lines(&b"\xff\n"[..], 10)
            .next()
            .is_some_and(|l| l.is_err()));
        Ok(())
    }
}
