//! Bounded CBOR decoding shared by the COSE, CWT and payload stages.

use ciborium::Value;
use thiserror::Error;

use crate::limits::MAX_CBOR_DEPTH;

/// Why bytes are not one well-formed CBOR item.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CborError {
    /// Not CBOR: bad syntax, or an item that claims more bytes than there are.
    #[error("malformed CBOR at offset {0}")]
    Syntax(usize),
    /// Nested deeper than [`MAX_CBOR_DEPTH`].
    #[error("CBOR nested deeper than {MAX_CBOR_DEPTH} levels")]
    TooDeep,
    /// Bytes follow the item.
    #[error("{0} bytes after the CBOR item")]
    TrailingBytes(usize),
    /// A map holds the same key twice, so its meaning is ambiguous.
    #[error("duplicate map key")]
    DuplicateKey,
}

/// Decodes exactly one CBOR item, nested at most [`MAX_CBOR_DEPTH`] levels.
///
/// Declared lengths never allocate up front: ciborium fills byte and text strings chunk by chunk
/// and arrays element by element, so an item claiming more bytes than the input holds fails at
/// the end of the input instead of reserving the claimed size.
pub fn decode(bytes: &[u8]) -> Result<Value, CborError> {
    let mut rest = bytes;
    let value =
        ciborium::de::from_reader_with_recursion_limit(&mut rest, MAX_CBOR_DEPTH).map_err(|e| {
            match e {
                ciborium::de::Error::RecursionLimitExceeded => CborError::TooDeep,
                ciborium::de::Error::Io(_) => CborError::Syntax(bytes.len()),
                ciborium::de::Error::Syntax(offset)
                | ciborium::de::Error::Semantic(Some(offset), _) => CborError::Syntax(offset),
                ciborium::de::Error::Semantic(None, _) => {
                    CborError::Syntax(bytes.len() - rest.len())
                }
            }
        })?;
    match rest.len() {
        0 => Ok(value),
        n => Err(CborError::TrailingBytes(n)),
    }
}

/// The entries of a map whose keys are all distinct; `None` when `value` is not a map.
pub fn unique_map(value: Value) -> Option<Result<Vec<(Value, Value)>, CborError>> {
    match value {
        Value::Map(entries) => Some(check_unique(&entries).map(|()| entries)),
        _ => None,
    }
}

/// Like [`unique_map`], borrowing the entries.
pub fn unique_entries(value: &Value) -> Option<Result<&[(Value, Value)], CborError>> {
    let entries = value.as_map()?;
    Some(check_unique(entries).map(|()| entries.as_slice()))
}

fn check_unique(entries: &[(Value, Value)]) -> Result<(), CborError> {
    // Small maps (all of a real certificate's) compare pairwise; large ones sort, so a hostile
    // map of thousands of keys costs n·log n, not n².
    if entries.len() <= 16 {
        for (i, (key, _)) in entries.iter().enumerate() {
            if entries.iter().skip(i + 1).any(|(other, _)| other == key) {
                return Err(CborError::DuplicateKey);
            }
        }
        return Ok(());
    }
    // Equal values encode to equal bytes, so sorted encodings put duplicates side by side.
    let mut keys = Vec::with_capacity(entries.len());
    for (key, _) in entries {
        let mut encoded = Vec::new();
        ciborium::ser::into_writer(key, &mut encoded).map_err(|_| CborError::Syntax(0))?;
        keys.push(encoded);
    }
    keys.sort_unstable();
    if keys.windows(2).any(|w| matches!(w, [a, b] if a == b)) {
        return Err(CborError::DuplicateKey);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_one_item() {
        assert_eq!(
            decode(&[0x83, 1, 2, 3]).unwrap(),
            Value::Array(vec![1.into(), 2.into(), 3.into()])
        );
    }

    #[test]
    fn rejects_trailing_bytes() {
        assert_eq!(
            decode(&[0x01, 0x02, 0x03]),
            Err(CborError::TrailingBytes(2))
        );
    }

    #[test]
    fn rejects_deep_nesting() {
        let deep = vec![0x81; 10_000];
        assert_eq!(decode(&deep), Err(CborError::TooDeep));
        let ok: Vec<u8> = std::iter::repeat_n(0x81, MAX_CBOR_DEPTH - 2)
            .chain([0x00])
            .collect();
        assert!(decode(&ok).is_ok());
    }

    #[test]
    fn huge_declared_lengths_fail_without_allocating_them() {
        // A byte string, a text string and an array each claiming 2^62 elements.
        for head in [0x5b, 0x7b, 0x9b] {
            let mut item = vec![head, 0x40, 0, 0, 0, 0, 0, 0, 0];
            item.extend_from_slice(b"abc");
            assert!(
                matches!(decode(&item), Err(CborError::Syntax(_))),
                "{head:#x}"
            );
        }
    }

    #[test]
    fn finds_duplicate_keys_in_small_and_large_maps() {
        let small = Value::Map(vec![
            (1.into(), 1.into()),
            (2.into(), 2.into()),
            (1.into(), 3.into()),
        ]);
        assert_eq!(
            unique_map(small).unwrap().err(),
            Some(CborError::DuplicateKey)
        );
        let mut large: Vec<(Value, Value)> = (0..100)
            .map(|i| (Value::Text(format!("k{i}")), Value::Null))
            .collect();
        assert!(unique_map(Value::Map(large.clone())).unwrap().is_ok());
        large.push((Value::Text("k42".into()), Value::Null));
        assert_eq!(
            unique_map(Value::Map(large)).unwrap().err(),
            Some(CborError::DuplicateKey)
        );
        assert!(unique_map(Value::Null).is_none());
    }
}
