//! `verify` over many inputs: standard input read in chunks of lines, each chunk verified on
//! every core (`Verifier::verify_batch_on`), answers written in input order. Memory stays
//! bounded whatever the input's size: a chunk holds at most `CHUNK_LINES` lines, and a line is
//! read up to one byte past the longest QR text the library takes (the rest of a longer line
//! is skipped; what was read is answered as oversize).

use std::io::BufRead;

use dcc_verify::limits::MAX_QR_TEXT_BYTES;
use dcc_verify::{Verification, Verifier};

use crate::UsageError;

/// Lines verified together: enough to keep every core busy between writes (a verification
/// takes 20-200 µs), few enough that a chunk takes at most ~8 MiB.
const CHUNK_LINES: usize = 1024;

/// Verifies each non-blank line of `input` as of `now` (or the verifier's clock at each chunk)
/// on `jobs` threads, and hands each answer with its line number (1-based) to `answer`, in input
/// order. A line that is not UTF-8 is verified as its lossy text, which no certificate is, so
/// it is answered invalid and the batch goes on. Returns how many lines were answered.
pub fn verify_lines(
    mut input: impl BufRead,
    verifier: &Verifier,
    now: Option<i64>,
    jobs: usize,
    mut answer: impl FnMut(usize, &Verification) -> Result<(), UsageError>,
) -> Result<usize, UsageError> {
    let read_error = |e: std::io::Error| UsageError(format!("reading standard input: {e}"));
    let mut answered = 0;
    let mut line_number = 0;
    let mut buffer = Vec::new();
    let mut eof = false;
    while !eof {
        let mut chunk: Vec<(usize, String)> = Vec::with_capacity(CHUNK_LINES);
        while chunk.len() < CHUNK_LINES {
            if !read_line(&mut input, &mut buffer).map_err(read_error)? {
                eof = true;
                break;
            }
            line_number += 1;
            let text = String::from_utf8_lossy(&buffer);
            if !text.trim().is_empty() {
                chunk.push((line_number, text.into_owned()));
            }
        }
        let texts: Vec<&str> = chunk.iter().map(|(_, text)| text.as_str()).collect();
        for ((line, _), verification) in chunk
            .iter()
            .zip(verifier.verify_batch_on(&texts, now, jobs))
        {
            answer(*line, &verification)?;
            answered += 1;
        }
    }
    Ok(answered)
}

/// Reads one line, without its `\n` or `\r\n`, into `buffer`, keeping at most
/// `MAX_QR_TEXT_BYTES + 1` bytes of it. Returns false at the end of the input.
fn read_line(input: &mut impl BufRead, buffer: &mut Vec<u8>) -> std::io::Result<bool> {
    buffer.clear();
    let mut ended = false;
    let mut any = false;
    while !ended {
        let available = input.fill_buf()?;
        if available.is_empty() {
            break;
        }
        any = true;
        let (line, used) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => {
                ended = true;
                (available.get(..end).unwrap_or_default(), end + 1)
            }
            None => (available, available.len()),
        };
        let room = (MAX_QR_TEXT_BYTES + 1).saturating_sub(buffer.len());
        buffer.extend_from_slice(line.get(..room.min(line.len())).unwrap_or_default());
        input.consume(used);
    }
    if ended && buffer.last() == Some(&b'\r') {
        buffer.pop();
    }
    Ok(any)
}

// Tests may unwrap and index: a panic there is a failed test, not a crash of the tool.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> Vec<Vec<u8>> {
        let mut reader = std::io::BufReader::with_capacity(16, input);
        let mut buffer = Vec::new();
        let mut out = Vec::new();
        while read_line(&mut reader, &mut buffer).unwrap() {
            out.push(buffer.clone());
        }
        out
    }

    #[test]
    fn reads_lines_of_any_ending_and_caps_their_length() {
        assert_eq!(
            lines(b"a\r\nbb\n\nc"),
            [&b"a"[..], b"bb", b"", b"c"].map(<[u8]>::to_vec)
        );
        assert!(lines(b"").is_empty());
        let long = [vec![b'x'; 3 * MAX_QR_TEXT_BYTES], b"\nnext\n".to_vec()].concat();
        let read = lines(&long);
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].len(), MAX_QR_TEXT_BYTES + 1);
        assert_eq!(read[1], b"next");
    }
}
