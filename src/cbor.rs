//! Bounded CBOR decoding shared by the COSE, CWT and payload stages.

use ciborium::value::Integer;
use ciborium::Value;
use thiserror::Error;

use crate::limits::{MAX_CBOR_DEPTH, MAX_CBOR_ITEMS};

/// Why bytes are not one well-formed CBOR item.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
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
pub fn decode(bytes: &[u8]) -> Result<Value, CborError> {
    decode_limited(bytes, MAX_CBOR_ITEMS)
}

/// Like [`decode`], with at most `max_items` items: for documents larger than a certificate
/// (a trust list's content).
///
/// One pass over the input builds the value and enforces every limit as it goes: the item count
/// before an item is built (each costs a `Value` of tens of bytes, yet may be one byte of input),
/// the depth before descending, and every declared length against the bytes that remain, so a
/// length the input cannot hold is refused instead of reserved. Written here rather than with
/// ciborium's serde deserializer, which needs a separate pre-scan to bound items and lengths and
/// costs three times as much on a certificate.
pub(crate) fn decode_limited(bytes: &[u8], max_items: usize) -> Result<Value, CborError> {
    let mut decoder = Decoder {
        bytes,
        at: 0,
        items: 0,
        max_items,
    };
    let value = decoder.item(0)?;
    match bytes.len() - decoder.at {
        0 => Ok(value),
        n => Err(CborError::TrailingBytes(n)),
    }
}

struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
    items: usize,
    max_items: usize,
}

/// The head of a data item: major type, additional information and its argument.
struct Head {
    major: u8,
    info: u8,
    argument: u64,
}

/// The initial byte of a break, which ends an indefinite-length item.
const BREAK: u8 = 0xff;

impl Decoder<'_> {
    fn syntax(&self) -> CborError {
        CborError::Syntax(self.at)
    }

    fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn take(&mut self, len: usize) -> Result<&[u8], CborError> {
        let end = self.at.checked_add(len).ok_or(self.syntax())?;
        let taken = self.bytes.get(self.at..end).ok_or(self.syntax())?;
        self.at = end;
        Ok(taken)
    }

    fn peek_break(&self) -> bool {
        self.bytes.get(self.at) == Some(&BREAK)
    }

    fn head(&mut self) -> Result<Head, CborError> {
        let initial = *self.bytes.get(self.at).ok_or(self.syntax())?;
        self.at += 1;
        let (major, info) = (initial >> 5, initial & 0x1f);
        let argument = match info {
            0..=23 => u64::from(info),
            24 => self.uint(1)?,
            25 => self.uint(2)?,
            26 => self.uint(4)?,
            27 => self.uint(8)?,
            31 => 0, // indefinite length (or a break)
            _ => return Err(CborError::Syntax(self.at - 1)),
        };
        Ok(Head {
            major,
            info,
            argument,
        })
    }

    fn uint(&mut self, len: usize) -> Result<u64, CborError> {
        Ok(self
            .take(len)?
            .iter()
            .fold(0u64, |acc, &b| acc << 8 | u64::from(b)))
    }

    /// A declared count of things each taking at least `min_bytes` bytes: beyond the remaining
    /// input it is a lie, refused before anything is reserved for it.
    fn count(&self, declared: u64, min_bytes: usize) -> Result<usize, CborError> {
        usize::try_from(declared)
            .ok()
            .filter(|&n| n.saturating_mul(min_bytes) <= self.remaining())
            .ok_or(self.syntax())
    }

    fn item(&mut self, depth: usize) -> Result<Value, CborError> {
        let start = self.at;
        let head = self.head()?;
        self.items += 1;
        if self.items > self.max_items {
            return Err(CborError::TooManyItems);
        }
        let indefinite = head.info == 31;
        match (head.major, indefinite) {
            (0, false) => Ok(Value::Integer(head.argument.into())),
            (1, false) => {
                let n = -1 - i128::from(head.argument);
                Integer::try_from(n)
                    .map(Value::Integer)
                    .map_err(|_| CborError::Syntax(start))
            }
            (2, _) => self.string(head, 2).map(Value::Bytes),
            (3, _) => {
                let bytes = self.string(head, 3)?;
                String::from_utf8(bytes)
                    .map(Value::Text)
                    .map_err(|_| CborError::Syntax(start))
            }
            (4..=6, _) if depth >= MAX_CBOR_DEPTH => Err(CborError::TooDeep),
            (4, false) => {
                let len = self.count(head.argument, 1)?;
                let mut items = Vec::with_capacity(len.min(64));
                for _ in 0..len {
                    items.push(self.item(depth + 1)?);
                }
                Ok(Value::Array(items))
            }
            (4, true) => {
                let mut items = Vec::new();
                while !self.peek_break() {
                    items.push(self.item(depth + 1)?);
                }
                self.at += 1;
                Ok(Value::Array(items))
            }
            (5, false) => {
                let len = self.count(head.argument, 2)?;
                let mut entries = Vec::with_capacity(len.min(32));
                for _ in 0..len {
                    let key = self.item(depth + 1)?;
                    entries.push((key, self.item(depth + 1)?));
                }
                Ok(Value::Map(entries))
            }
            (5, true) => {
                let mut entries = Vec::new();
                while !self.peek_break() {
                    let key = self.item(depth + 1)?;
                    entries.push((key, self.item(depth + 1)?));
                }
                self.at += 1;
                Ok(Value::Map(entries))
            }
            (6, false) => Ok(Value::Tag(head.argument, Box::new(self.item(depth + 1)?))),
            (7, false) => self.simple(head, start),
            // Indefinite integers and tags do not exist; a break here closes nothing.
            _ => Err(CborError::Syntax(start)),
        }
    }

    /// A byte or text string: definite, or indefinite as definite chunks of the same major type.
    fn string(&mut self, head: Head, major: u8) -> Result<Vec<u8>, CborError> {
        if head.info != 31 {
            let len = self.count(head.argument, 1)?;
            return Ok(self.take(len)?.to_vec());
        }
        let mut out = Vec::new();
        while !self.peek_break() {
            let chunk = self.head()?;
            if chunk.major != major || chunk.info == 31 {
                return Err(self.syntax());
            }
            let len = self.count(chunk.argument, 1)?;
            out.extend_from_slice(self.take(len)?);
        }
        self.at += 1;
        Ok(out)
    }

    /// Major type 7: false, true, null, undefined and floats.
    fn simple(&self, head: Head, start: usize) -> Result<Value, CborError> {
        match (head.info, head.argument) {
            (20, _) => Ok(Value::Bool(false)),
            (21, _) => Ok(Value::Bool(true)),
            (22 | 23, _) => Ok(Value::Null),
            (25, half) => Ok(Value::Float(f16_to_f64(half as u16))),
            (26, single) => Ok(Value::Float(f64::from(f32::from_bits(single as u32)))),
            (27, double) => Ok(Value::Float(f64::from_bits(double))),
            _ => Err(CborError::Syntax(start)),
        }
    }
}

/// An IEEE 754 half-precision float, widened.
fn f16_to_f64(half: u16) -> f64 {
    let sign = if half & 0x8000 == 0 { 1.0 } else { -1.0 };
    let exponent = i32::from((half >> 10) & 0x1f);
    let mantissa = f64::from(half & 0x3ff);
    sign * match exponent {
        0 => mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1.0 + mantissa / 1024.0) * 2f64.powi(exponent - 15),
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

/// `a == b`, with the keys of real maps (short texts, small integers) compared inline: through
/// `Value`'s `PartialEq` every pair of two-letter keys cost a `memcmp` call.
fn same_key(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Text(a), Value::Text(b)) => a.len() == b.len() && a.bytes().eq(b.bytes()),
        (Value::Integer(a), Value::Integer(b)) => a == b,
        _ => a == b,
    }
}

fn check_unique(entries: &[(Value, Value)]) -> Result<(), CborError> {
    // Small maps (all of a real certificate's) compare pairwise; large ones sort, so a hostile
    // map of thousands of keys costs n·log n, not n².
    if entries.len() <= 16 {
        for (i, (key, _)) in entries.iter().enumerate() {
            if entries
                .iter()
                .skip(i + 1)
                .any(|(other, _)| same_key(other, key))
            {
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
    fn decodes_what_ciborium_encodes() {
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

    /// Random values (a seeded generator), encoded by ciborium, decode to themselves.
    #[test]
    fn round_trips_random_values_encoded_by_ciborium() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        fn value(next: &mut dyn FnMut() -> u64, depth: u32) -> Value {
            let pick = next() % if depth > 3 { 7 } else { 10 };
            match pick {
                0 => Value::Integer((next() as i64).into()),
                1 => Value::Integer((next() % 30).into()),
                2 => Value::Bytes((0..next() % 40).map(|_| next() as u8).collect()),
                3 => Value::Text(
                    (0..next() % 20)
                        .map(|_| char::from(b'a' + (next() % 26) as u8))
                        .collect(),
                ),
                4 => Value::Float(f64::from_bits(next()) % 1e12),
                5 => Value::Bool(next().is_multiple_of(2)),
                6 => Value::Null,
                7 => Value::Array((0..next() % 5).map(|_| value(next, depth + 1)).collect()),
                8 => Value::Map(
                    (0..next() % 4)
                        .map(|_| (value(next, depth + 1), value(next, depth + 1)))
                        .collect(),
                ),
                _ => Value::Tag(next() % 100, Box::new(value(next, depth + 1))),
            }
        }
        for _ in 0..2_000 {
            let original = value(&mut next, 0);
            if matches!(&original, Value::Float(f) if f.is_nan()) {
                continue; // NaN is never equal to itself
            }
            let mut bytes = Vec::new();
            ciborium::ser::into_writer(&original, &mut bytes).unwrap();
            assert_eq!(decode(&bytes), Ok(original.clone()), "{bytes:x?}");
        }
    }

    #[test]
    fn reads_half_single_and_double_floats() {
        assert_eq!(decode(&[0xf9, 0x3c, 0x00]), Ok(Value::Float(1.0)));
        assert_eq!(decode(&[0xf9, 0xc4, 0x00]), Ok(Value::Float(-4.0)));
        assert_eq!(
            decode(&[0xf9, 0x00, 0x01]),
            Ok(Value::Float(2f64.powi(-24)))
        );
        assert_eq!(decode(&[0xf9, 0x7c, 0x00]), Ok(Value::Float(f64::INFINITY)));
        assert_eq!(
            decode(&[0xfa, 0x47, 0xc3, 0x50, 0x00]),
            Ok(Value::Float(100_000.0))
        );
        let double = [&[0xfb][..], &1_622_316_449.5f64.to_be_bytes()].concat();
        assert_eq!(decode(&double), Ok(Value::Float(1_622_316_449.5)));
        assert!(matches!(decode(&[0xf9, 0x7e, 0x00]), Ok(Value::Float(f)) if f.is_nan()));
    }

    #[test]
    fn refuses_broken_structure() {
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
