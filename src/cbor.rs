//! Bounded CBOR decoding shared by the COSE, CWT and payload stages.

use ciborium::Value;
use thiserror::Error;

use crate::limits::{MAX_CBOR_DEPTH, MAX_CBOR_ITEMS};

/// Why bytes are not one well-formed CBOR item.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CborError {
    /// Not CBOR: bad syntax, or an item that claims more bytes than there are.
    #[error("malformed CBOR at offset {0}")]
    Syntax(usize),
    /// Nested deeper than [`MAX_CBOR_DEPTH`].
    #[error("CBOR nested deeper than {MAX_CBOR_DEPTH} levels")]
    TooDeep,
    /// More data items than the decoder allows ([`MAX_CBOR_ITEMS`] in a certificate).
    #[error("CBOR holds more data items than allowed")]
    TooManyItems,
    /// Bytes follow the item.
    #[error("{0} bytes after the CBOR item")]
    TrailingBytes(usize),
    /// A map holds the same key twice, so its meaning is ambiguous.
    #[error("duplicate map key")]
    DuplicateKey,
}

/// Decodes exactly one CBOR item, nested at most [`MAX_CBOR_DEPTH`] levels and made of at most
/// [`MAX_CBOR_ITEMS`] items.
///
/// Declared lengths never allocate up front: ciborium fills byte and text strings chunk by chunk
/// and arrays element by element, so an item claiming more bytes than the input holds fails at
/// the end of the input instead of reserving the claimed size.
pub fn decode(bytes: &[u8]) -> Result<Value, CborError> {
    decode_limited(bytes, MAX_CBOR_ITEMS)
}

/// Like [`decode`], with at most `max_items` items: for documents larger than a certificate
/// (a trust list's content).
pub(crate) fn decode_limited(bytes: &[u8], max_items: usize) -> Result<Value, CborError> {
    scan(bytes, max_items)?;
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

/// What is still expected inside an open array, map, tag or indefinite-length item.
enum Open {
    /// This many more items.
    Items(u64),
    /// Items until a break (0xff).
    UntilBreak,
}

/// Walks the heads of one CBOR item without building anything, so that the cost of decoding is
/// known before ciborium allocates a `Value` (tens of bytes) for every item (one byte of input):
/// refuses more than `max_items` items, nesting deeper than [`MAX_CBOR_DEPTH`], and declared
/// lengths longer than the input. Full validation is left to ciborium.
fn scan(bytes: &[u8], max_items: usize) -> Result<(), CborError> {
    let mut open: Vec<Open> = Vec::new();
    let mut items = 0usize;
    let mut at = 0usize;
    loop {
        let syntax = CborError::Syntax(at);
        let (&initial, rest) = bytes
            .get(at..)
            .and_then(<[u8]>::split_first)
            .ok_or(syntax.clone())?;
        let (major, info) = (initial >> 5, initial & 0x1f);
        let argument_len = match info {
            0..=23 | 31 => 0,
            24 => 1,
            25 => 2,
            26 => 4,
            27 => 8,
            _ => return Err(syntax),
        };
        let argument_bytes = rest.get(..argument_len).ok_or(syntax.clone())?;
        let argument = match info {
            0..=23 => u64::from(info),
            _ => argument_bytes
                .iter()
                .fold(0u64, |acc, &b| acc << 8 | u64::from(b)),
        };
        at += 1 + argument_len;
        let remaining = bytes.len() - at;
        // A break closes the innermost indefinite-length item; it is not an item itself.
        if initial == 0xff {
            match open.pop() {
                Some(Open::UntilBreak) => {}
                _ => return Err(syntax),
            }
        } else {
            items += 1;
            if items > max_items {
                return Err(CborError::TooManyItems);
            }
            let indefinite = info == 31;
            // Every item takes at least one byte, so a count beyond the remaining input is a lie.
            let too_long = |count: u64| usize::try_from(count).map_or(true, |n| n > remaining);
            let opens = match (major, indefinite) {
                (0 | 1 | 6, true) => return Err(syntax),
                (0 | 1 | 7, false) => None,
                (2 | 3, false) => {
                    let len = usize::try_from(argument)
                        .ok()
                        .filter(|&len| len <= remaining)
                        .ok_or(syntax)?;
                    at += len;
                    None
                }
                (4, false) if too_long(argument) => return Err(syntax),
                (4, false) => Some(Open::Items(argument)),
                (5, false) => match argument.checked_mul(2) {
                    Some(n) if !too_long(n) => Some(Open::Items(n)),
                    _ => return Err(syntax),
                },
                (6, false) => Some(Open::Items(1)),
                (2..=5, true) => Some(Open::UntilBreak),
                _ => return Err(syntax), // major 7 with info 31 is a break, handled above
            };
            match opens {
                Some(Open::Items(0)) | None => {}
                Some(opened) => {
                    if open.len() >= MAX_CBOR_DEPTH {
                        return Err(CborError::TooDeep);
                    }
                    open.push(opened);
                    continue;
                }
            }
        }
        // One item is complete: count it off its enclosing items, closing those it completes.
        loop {
            match open.last_mut() {
                None => return Ok(()),
                Some(Open::UntilBreak) => break,
                Some(Open::Items(n)) => {
                    *n -= 1;
                    if *n > 0 {
                        break;
                    }
                    open.pop();
                }
            }
        }
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
    fn refuses_more_items_than_the_limit_before_building_them() {
        // An array of one-byte integers: the item count, not the input size, is the cost.
        let flood = |n: usize| {
            let mut item = vec![0x9a];
            item.extend_from_slice(&(n as u32).to_be_bytes());
            item.resize(5 + n, 0x00);
            item
        };
        assert!(decode(&flood(MAX_CBOR_ITEMS - 1)).is_ok());
        assert_eq!(decode(&flood(MAX_CBOR_ITEMS)), Err(CborError::TooManyItems));
        // Map entries count twice (key and value); indefinite lengths count the same.
        let mut map = vec![0xbf];
        map.resize(1 + MAX_CBOR_ITEMS, 0x00);
        map.push(0xff);
        assert_eq!(decode(&map), Err(CborError::TooManyItems));
    }

    #[test]
    fn scan_accepts_what_ciborium_accepts() {
        let value = Value::Tag(
            18,
            Box::new(Value::Array(vec![
                Value::Bytes(vec![1, 2, 3]),
                Value::Map(vec![(Value::Integer(4.into()), Value::Text("é".into()))]),
                Value::Float(1.5),
                Value::Array(vec![]),
                Value::Null,
                Value::Bool(true),
                Value::Integer((-1_000_000_000_000i64).into()),
            ])),
        );
        let mut bytes = Vec::new();
        ciborium::ser::into_writer(&value, &mut bytes).unwrap();
        assert_eq!(decode(&bytes), Ok(value));
        // Indefinite-length array, map, byte and text strings.
        let indefinite = [
            0x9f, 0xbf, 0x01, 0x5f, 0x41, 0xaa, 0x41, 0xbb, 0xff, 0xff, 0x7f, 0x61, 0x61, 0xff,
            0xff,
        ];
        assert!(decode(&indefinite).is_ok());
    }

    #[test]
    fn scan_refuses_broken_structure() {
        for bad in [
            &[][..],
            &[0x1c],                                  // reserved additional information
            &[0x19, 0x01],                            // argument cut short
            &[0xff],                                  // break outside an indefinite item
            &[0x82, 0x01, 0xff],                      // break inside a definite array
            &[0x9f, 0x01],                            // indefinite array never closed
            &[0x1f],                                  // indefinite integer
            &[0xdf, 0x01],                            // indefinite tag
            &[0x62, 0x61],                            // text shorter than declared
            &[0xbb, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x01], // 2^63 pairs: the count overflows
        ] {
            assert!(
                matches!(decode(bad), Err(CborError::Syntax(_))),
                "{bad:x?}: {:?}",
                decode(bad)
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
