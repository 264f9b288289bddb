//! Reading the data files the library embeds (`src/*/data/*.json.zz`, `src/*/*_data/*.zz`).
//!
//! Each bundle is the zlib-compressed JSON array of the reviewed `.json` files next to it (about a
//! tenth of their size in the binary; zlib is needed for `HC1:` anyway). Unit tests check that every
//! bundle equals its files.

use std::io::Read;

use flate2::read::ZlibDecoder;
use serde_json::Value;

/// Larger than any bundle inflates to (about 64 KB); a bound all the same.
const MAX_INFLATED: u64 = 1 << 20;

/// The documents of a bundle, in the order they were bundled; `None` if it does not inflate or parse.
pub(crate) fn documents(bundle: &[u8]) -> Option<Vec<Value>> {
    match crate::strict_json::from_slice(&inflate(bundle)?).ok()? {
        Value::Array(documents) => Some(documents),
        _ => None,
    }
}

/// A compressed text file (`src/*/*_data/*.zz`); `None` if it does not inflate or is not UTF-8.
pub(crate) fn text(bundle: &[u8]) -> Option<String> {
    String::from_utf8(inflate(bundle)?).ok()
}

fn inflate(bundle: &[u8]) -> Option<Vec<u8>> {
    let mut inflated = Vec::new();
    ZlibDecoder::new(bundle)
        .take(MAX_INFLATED)
        .read_to_end(&mut inflated)
        .ok()?;
    Some(inflated)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::ZlibEncoder;
    use flate2::Compression;

    use super::*;

    fn deflate(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn reads_an_array_and_rejects_anything_else() {
        assert_eq!(
            documents(&deflate(br#"[{"a":1},2]"#)),
            Some(vec![serde_json::json!({"a": 1}), 2.into()])
        );
        assert_eq!(documents(&deflate(br#"{"a":1}"#)), None);
        assert_eq!(documents(b"[1]"), None); // not zlib
        let mut huge = b"[".to_vec();
        huge.resize(2 << 20, b' ');
        huge.extend_from_slice(b"1]");
        assert_eq!(documents(&deflate(&huge)), None); // cut at MAX_INFLATED
    }
}
