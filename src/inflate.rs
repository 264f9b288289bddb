//! Stage 3: zlib inflation of the COSE message, under a hard size cap.

use std::sync::Mutex;

use flate2::{Decompress, FlushDecompress, Status};
use thiserror::Error;

use crate::limits::MAX_INFLATED_BYTES;

/// Why the base45-decoded bytes do not inflate to a COSE message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InflateError {
    /// No zlib header: the data was never compressed (a COSE message starts with 0xd2 or 0x84).
    #[error("data is not zlib-compressed")]
    NotCompressed,
    /// The zlib stream is damaged (bad header, bad block, bad checksum).
    #[error("corrupt zlib stream")]
    Corrupt,
    /// The stream ends before its end-of-stream marker.
    #[error("truncated zlib stream")]
    Truncated,
    /// Bytes follow the end of the zlib stream.
    #[error("{0} bytes after the end of the zlib stream")]
    TrailingData(usize),
    /// The stream inflates to more than [`MAX_INFLATED_BYTES`]: a zip bomb or not a DCC.
    #[error("inflated data exceeds {MAX_INFLATED_BYTES} bytes")]
    TooLarge,
}

/// Inflates a zlib stream (RFC 1950) of at most [`MAX_INFLATED_BYTES`].
pub fn inflate(compressed: &[u8]) -> Result<Vec<u8>, InflateError> {
    if !has_zlib_header(compressed) {
        return Err(InflateError::NotCompressed);
    }
    // A spare inflater if there is one: a new one allocates and clears zlib's state and 32 KiB
    // window, and freeing them again cost a tenth of a verification's decoding. A shared pool,
    // not a thread-local one: those need exit handlers (code in the mobile library), and
    // batch threads end with every batch.
    let spare = INFLATERS.lock().ok().and_then(|mut spares| spares.pop());
    let mut inflater = spare.unwrap_or_else(|| Decompress::new(true));
    let inflated = inflate_with(&mut inflater, compressed);
    inflater.reset(true);
    if let Ok(mut spares) = INFLATERS.lock() {
        if spares.len() < MAX_SPARE_INFLATERS {
            spares.push(inflater);
        }
    }
    inflated
}

/// Inflaters kept for reuse: as many as threads inflate at once, up to a bound.
static INFLATERS: Mutex<Vec<Decompress>> = Mutex::new(Vec::new());
const MAX_SPARE_INFLATERS: usize = 16;

fn inflate_with(inflater: &mut Decompress, compressed: &[u8]) -> Result<Vec<u8>, InflateError> {
    // Certificates inflate to about their compressed size (a signature and dense text: 0.97 to
    // 1.7 times on the samples in testdata/); start at 1.5 times and grow on demand (bounded by
    // the cap, so a zip bomb never gets a large buffer). Four times, as before, made typical
    // buffers large enough to cost glibc a heap consolidation on every verification.
    let mut out =
        Vec::with_capacity((compressed.len() + compressed.len() / 2).min(MAX_INFLATED_BYTES));
    loop {
        let consumed = usize::try_from(inflater.total_in()).map_err(|_| InflateError::Corrupt)?;
        let input = compressed.get(consumed..).unwrap_or_default();
        if out.len() == out.capacity() {
            // One byte beyond the cap tells "exactly at the cap" from "over it".
            let target = (out.capacity() * 2).clamp(256, MAX_INFLATED_BYTES + 1);
            if target <= out.len() {
                return Err(InflateError::TooLarge);
            }
            out.reserve_exact(target - out.len());
        }
        let before = (inflater.total_in(), inflater.total_out());
        let status = inflater
            .decompress_vec(input, &mut out, FlushDecompress::None)
            .map_err(|_| InflateError::Corrupt)?;
        if out.len() > MAX_INFLATED_BYTES {
            return Err(InflateError::TooLarge);
        }
        match status {
            Status::StreamEnd => {
                let consumed =
                    usize::try_from(inflater.total_in()).map_err(|_| InflateError::Corrupt)?;
                return match compressed.len().saturating_sub(consumed) {
                    0 => Ok(out),
                    trailing => Err(InflateError::TrailingData(trailing)),
                };
            }
            Status::Ok | Status::BufError => {
                let stalled = before == (inflater.total_in(), inflater.total_out());
                if stalled && out.len() < out.capacity() {
                    // No progress with room to spare: the input ran out mid-stream.
                    return Err(InflateError::Truncated);
                }
            }
        }
    }
}

/// RFC 1950 header: compression method 8 (deflate), window ≤ 32 KiB, FCHECK consistent.
fn has_zlib_header(data: &[u8]) -> bool {
    match data {
        [cmf, flg, ..] => {
            cmf & 0x0f == 8 && cmf >> 4 <= 7 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{write::ZlibEncoder, Compression};
    use std::io::Write;

    fn compress(data: &[u8]) -> Vec<u8> {
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::best());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn round_trips() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        assert!(inflate(&compress(&data)) == Ok(data));
        assert_eq!(inflate(&compress(b"")), Ok(vec![]));
    }

    #[test]
    fn accepts_exactly_the_cap() {
        let data = vec![b'x'; MAX_INFLATED_BYTES];
        assert_eq!(
            inflate(&compress(&data)).map(|d| d.len()),
            Ok(MAX_INFLATED_BYTES)
        );
    }

    #[test]
    fn zip_bomb_stops_at_the_cap() {
        // 16 MiB of zeros compress to ~16 KB; only the cap's worth is ever inflated.
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..16 {
            enc.write_all(&zeros).unwrap();
        }
        let bomb = enc.finish().unwrap();
        assert_eq!(inflate(&bomb), Err(InflateError::TooLarge));
        let one_over = compress(&vec![b'x'; MAX_INFLATED_BYTES + 1]);
        assert_eq!(inflate(&one_over), Err(InflateError::TooLarge));
    }

    #[test]
    fn uncompressed_cose_is_reported_as_such() {
        assert_eq!(
            inflate(&[0xd2, 0x84, 0x43]),
            Err(InflateError::NotCompressed)
        );
        assert_eq!(inflate(&[]), Err(InflateError::NotCompressed));
        assert_eq!(inflate(&[0x78]), Err(InflateError::NotCompressed));
    }

    #[test]
    fn corrupt_truncated_and_trailing_streams_are_errors() {
        let good = compress(b"a COSE message, more or less, repeated repeated repeated");
        let mut bad_checksum = good.clone();
        *bad_checksum.last_mut().unwrap() ^= 1;
        assert_eq!(inflate(&bad_checksum), Err(InflateError::Corrupt));
        assert_eq!(
            inflate(&good[..good.len() - 5]),
            Err(InflateError::Truncated)
        );
        assert_eq!(inflate(&good[..3]), Err(InflateError::Truncated));
        let mut trailing = good.clone();
        trailing.extend_from_slice(b"xyz");
        assert_eq!(inflate(&trailing), Err(InflateError::TrailingData(3)));
        let mut bad_block = good.clone();
        bad_block[2] = 0xff; // reserved block type 3
        assert_eq!(inflate(&bad_block), Err(InflateError::Corrupt));
    }

    /// Inflaters are reused: whatever one stream left behind (an error half way, a window full
    /// of other data, a stream cut at the cap) must not leak into the next.
    #[test]
    fn a_reused_inflater_starts_every_stream_afresh() {
        let first = b"first message first message first message";
        let second = b"the second one is another text altogether";
        let (good, other) = (compress(first), compress(second));
        let mut bad_checksum = good.clone();
        *bad_checksum.last_mut().unwrap() ^= 1;
        let bomb = compress(&vec![0u8; MAX_INFLATED_BYTES + 1]);
        // One thread, one after the other: the pool hands the same inflater back each time.
        for before in [&bad_checksum, &good[..good.len() - 5], &bomb, &good] {
            let _ = inflate(before);
            assert_eq!(inflate(&other).as_deref(), Ok(&second[..]));
            assert_eq!(inflate(&good).as_deref(), Ok(&first[..]));
        }
    }
}
