//! Stage 2: base45 (RFC 9285), the QR-friendly text encoding of the compressed CWT.
//!
//! Written here rather than taken from the `base45` crate, which silently truncates a final
//! pair worth more than 255 and reports no position: RFC 9285 requires both to be rejected, and
//! a position makes a damaged scan diagnosable.

use thiserror::Error;

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const INVALID: u8 = 0xff;

/// Digit value of every byte; `INVALID` for bytes outside the alphabet.
// Indexing is safe here: the table is built at compile time, where an out-of-range index is a
// build error, not a panic.
#[allow(clippy::indexing_slicing)]
const DIGITS: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Why a text is not valid base45.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Base45Error {
    /// A byte outside the 45-character alphabet (lower case letters are outside it too).
    #[error("invalid base45 character at offset {offset}")]
    InvalidCharacter {
        /// Byte offset of the character in the input.
        offset: usize,
    },
    /// A group decodes to a value larger than its bytes can hold (> 65535 for three
    /// characters, > 255 for a final pair).
    #[error("base45 group at offset {offset} is out of range")]
    OutOfRange {
        /// Byte offset of the group in the input.
        offset: usize,
    },
    /// The text ends with a single character, which encodes no byte.
    #[error("base45 text ends with a lone character")]
    DanglingCharacter,
}

/// Decodes base45 text into bytes.
pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let input = text.as_bytes();
    let mut out = Vec::with_capacity(input.len() / 3 * 2 + 1);
    let (groups, remainder) = input.as_chunks::<3>();
    for (index, group) in groups.iter().enumerate() {
        let offset = index * 3;
        let &[a, b, c] = group;
        let (a, b, c) = (digit(a), digit(b), digit(c));
        // A valid digit is below 45; INVALID has the top bit set, so one test covers all three
        // (the slow path then says which one it was).
        if (a | b | c) & 0x80 != 0 {
            return Err(invalid_character(group, offset));
        }
        let value = u32::from(a) + u32::from(b) * 45 + u32::from(c) * 45 * 45;
        let [hi, lo] = u16::try_from(value)
            .map_err(|_| Base45Error::OutOfRange { offset })?
            .to_be_bytes();
        // Two pushes, not `extend_from_slice`: that was a memcpy call per group.
        out.push(hi);
        out.push(lo);
    }
    let offset = input.len() - remainder.len();
    match *remainder {
        [] => {}
        [a, b] => {
            let (a, b) = (digit(a), digit(b));
            if (a | b) & 0x80 != 0 {
                return Err(invalid_character(remainder, offset));
            }
            let value = u32::from(a) + u32::from(b) * 45;
            out.push(u8::try_from(value).map_err(|_| Base45Error::OutOfRange { offset })?);
        }
        _ => return Err(Base45Error::DanglingCharacter),
    }
    Ok(out)
}

/// The digit value of a byte, or `INVALID`.
fn digit(byte: u8) -> u8 {
    DIGITS.get(usize::from(byte)).copied().unwrap_or(INVALID)
}

/// The error for a group holding a byte outside the alphabet, at that byte.
fn invalid_character(group: &[u8], offset: usize) -> Base45Error {
    let at = group
        .iter()
        .position(|&byte| digit(byte) == INVALID)
        .unwrap_or(0);
    Base45Error::InvalidCharacter {
        offset: offset + at,
    }
}

/// Encodes bytes as base45 text (used by tests and tools that build QR texts).
pub fn encode(bytes: &[u8]) -> String {
    let digit = |v: u32| char::from(ALPHABET.get((v % 45) as usize).copied().unwrap_or(b'0'));
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    let mut pairs = bytes.chunks_exact(2);
    for pair in &mut pairs {
        if let [hi, lo] = *pair {
            let v = u32::from(u16::from_be_bytes([hi, lo]));
            out.extend([digit(v), digit(v / 45), digit(v / 45 / 45)]);
        }
    }
    if let [last] = *pairs.remainder() {
        let v = u32::from(last);
        out.extend([digit(v), digit(v / 45)]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Examples from RFC 9285, section 4.3.
    const RFC_EXAMPLES: [(&str, &[u8]); 4] = [
        ("BB8", b"AB"),
        ("%69 VD92EX0", b"Hello!!"),
        ("UJCLQE7W581", b"base-45"),
        ("QED8WEX0", b"ietf!"),
    ];

    #[test]
    fn decodes_rfc_examples() {
        for (text, bytes) in RFC_EXAMPLES {
            assert_eq!(decode(text).as_deref(), Ok(bytes), "{text}");
        }
    }

    #[test]
    fn encodes_rfc_examples() {
        for (text, bytes) in RFC_EXAMPLES {
            assert_eq!(encode(bytes), text);
        }
    }

    #[test]
    fn round_trips_every_byte_value_and_length() {
        let bytes: Vec<u8> = (0..=255).collect();
        for len in 0..bytes.len() {
            assert_eq!(decode(&encode(&bytes[..len])).as_deref(), Ok(&bytes[..len]));
        }
        assert_eq!(decode(&encode(&[0xff, 0xff])), Ok(vec![0xff, 0xff]));
    }

    #[test]
    fn rejects_characters_outside_the_alphabet_with_their_offset() {
        assert_eq!(
            decode("BB8aB"),
            Err(Base45Error::InvalidCharacter { offset: 3 })
        );
        assert_eq!(
            decode("B#8"),
            Err(Base45Error::InvalidCharacter { offset: 1 })
        );
        assert_eq!(
            decode("BB8Ä"),
            Err(Base45Error::InvalidCharacter { offset: 3 })
        ); // two UTF-8 bytes

        // Every position of a group and of the final pair (the fast path tests all three digits
        // at once, the error names the first bad one).
        for (text, offset) in [
            ("BB8BB_", 5),
            ("BB8_BB", 3),
            ("B_8", 1),
            ("BB_", 2),
            ("BB8B_", 4),
        ] {
            assert_eq!(
                decode(text),
                Err(Base45Error::InvalidCharacter { offset }),
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_triplets_above_65535() {
        // ":::" = 44 + 44·45 + 44·45² = 91124; "GGW" = 65536 is the first value too large.
        assert_eq!(decode(":::"), Err(Base45Error::OutOfRange { offset: 0 }));
        assert_eq!(decode("BB8GGW"), Err(Base45Error::OutOfRange { offset: 3 }));
        assert_eq!(decode("FGW"), Ok(vec![0xff, 0xff]));
    }

    #[test]
    fn rejects_a_final_pair_above_255() {
        assert_eq!(decode("::"), Err(Base45Error::OutOfRange { offset: 0 }));
        assert_eq!(decode("U5"), Ok(vec![255]));
        assert_eq!(decode("V5"), Err(Base45Error::OutOfRange { offset: 0 }));
    }

    #[test]
    fn rejects_a_lone_trailing_character() {
        assert_eq!(decode("BB8B"), Err(Base45Error::DanglingCharacter));
        assert_eq!(decode("A"), Err(Base45Error::DanglingCharacter));
    }

    #[test]
    fn empty_text_is_empty_bytes() {
        assert_eq!(decode(""), Ok(vec![]));
    }
}
