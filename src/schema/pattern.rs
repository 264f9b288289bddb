//! `pattern`: the six regular expressions the DCC schemas use, matched by hand.
//!
//! The lenient schema check runs in every verification, where a regex engine's matching of the
//! patterns a certificate meets cost about as much as the rest of the check, and the engine
//! itself would be the largest part of the schema code in a mobile library. Each pattern is
//! recognised by its exact source text and matched by a small function with ECMA-262
//! semantics; a unit test compares each function with regex-lite (a dev-dependency) on every
//! short string over the characters that matter. A schema with any other pattern does not
//! compile, like one with an unsupported keyword, so a new schema version cannot be half-checked.

/// A compiled `pattern`.
#[derive(Debug)]
pub(crate) struct Pattern(Known);

/// The patterns of the embedded schemas, by their source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Known {
    /// `^\d+.\d+.\d+$` (`ver`; `.` is any character but a line terminator).
    Version,
    /// `^(19|20)\d\d(-\d\d){0,2}$` (`dob`, 1.1.0 to 1.2.1).
    DateOfBirth,
    /// `^((19|20)\d\d(-\d\d){0,2}){0,1}$` (`dob` from 1.3.0: the same or empty).
    DateOfBirthOrEmpty,
    /// `(19|20)\d{2}-\d{2}-\d{2}` (`dob`, 1.0.x): unanchored, found anywhere.
    ContainsDate,
    /// `[A-Z]{1,10}` (`co`): unanchored, so any capital letter anywhere.
    ContainsCapital,
    /// `^[A-Z<]*$` (`fnt`, `gnt`).
    Transliterated,
}

impl Known {
    const ALL: [(&'static str, Known); 6] = [
        (r"^\d+.\d+.\d+$", Known::Version),
        (r"^(19|20)\d\d(-\d\d){0,2}$", Known::DateOfBirth),
        (
            r"^((19|20)\d\d(-\d\d){0,2}){0,1}$",
            Known::DateOfBirthOrEmpty,
        ),
        (r"(19|20)\d{2}-\d{2}-\d{2}", Known::ContainsDate),
        (r"[A-Z]{1,10}", Known::ContainsCapital),
        (r"^[A-Z<]*$", Known::Transliterated),
    ];

    fn is_match(self, text: &str) -> bool {
        let bytes = text.as_bytes();
        match self {
            Known::Version => is_version(text),
            Known::DateOfBirth => is_partial_date(bytes),
            Known::DateOfBirthOrEmpty => bytes.is_empty() || is_partial_date(bytes),
            Known::ContainsDate => (0..bytes.len())
                .any(|start| bytes.get(start..start + 10).is_some_and(is_partial_date)),
            Known::ContainsCapital => bytes.iter().any(u8::is_ascii_uppercase),
            Known::Transliterated => bytes.iter().all(|&b| b.is_ascii_uppercase() || b == b'<'),
        }
    }
}

impl Pattern {
    /// The pattern with this source text; `None` when it is not one the DCC schemas use.
    pub(crate) fn new(source: &str) -> Option<Pattern> {
        Known::ALL
            .iter()
            .find(|(known, _)| *known == source)
            .map(|&(_, known)| Pattern(known))
    }

    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }
}

/// `(19|20)\d\d(-\d\d){0,2}`, the whole of `bytes`: a year 1900-2099, optionally `-dd` once or
/// twice.
fn is_partial_date(bytes: &[u8]) -> bool {
    let digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    let (Some(century), Some(year), Some(rest)) = (bytes.get(..2), bytes.get(2..4), bytes.get(4..))
    else {
        return false;
    };
    (century == b"19" || century == b"20")
        && digits(year)
        && rest.len() <= 6
        && rest.chunks(3).all(
            |part| matches!(part, [b'-', d1, d2] if d1.is_ascii_digit() && d2.is_ascii_digit()),
        )
}

/// `^\d+.\d+.\d+$`: three runs of ASCII digits separated by one character each, where the
/// separator may be any character except a line terminator (even a digit, so `12345` matches).
fn is_version(text: &str) -> bool {
    text.char_indices().any(|(first, sep)| {
        after_digits_and_separator(text, first, sep).is_some_and(|rest| {
            rest.char_indices().any(|(second, sep)| {
                after_digits_and_separator(rest, second, sep).is_some_and(is_digits)
            })
        })
    })
}

/// The text after the separator `sep` at byte `at`, if digits come before it and it is not a
/// line terminator.
fn after_digits_and_separator(text: &str, at: usize, sep: char) -> Option<&str> {
    let is_separator = !matches!(sep, '\n' | '\r' | '\u{2028}' | '\u{2029}');
    let head = text.get(..at)?;
    (is_separator && is_digits(head)).then(|| text.get(at + sep.len_utf8()..))?
}

fn is_digits(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_lite::Regex;

    /// Every string of up to `max_len` characters from `alphabet`.
    fn strings(alphabet: &[char], max_len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..max_len {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    fn agrees_with_regex_lite(known: Known, alphabet: &[char], max_len: usize) {
        let source = Known::ALL
            .iter()
            .find(|(_, k)| *k == known)
            .map(|(source, _)| *source)
            .unwrap();
        let regex = Regex::new(source).unwrap();
        for text in strings(alphabet, max_len) {
            assert_eq!(
                known.is_match(&text),
                regex.is_match(&text),
                "{source} on {text:?}"
            );
        }
    }

    #[test]
    fn the_schemas_patterns_are_recognised_and_no_other() {
        for (source, known) in Known::ALL {
            assert!(matches!(Pattern::new(source), Some(Pattern(k)) if k == known));
        }
        assert!(Pattern::new("^x$").is_none());
        assert!(Pattern::new("(").is_none());
    }

    #[test]
    fn version_matches_as_regex_lite_does() {
        agrees_with_regex_lite(Known::Version, &['1', '0', '.', 'x', '\n', 'é'], 6);
    }

    #[test]
    fn dates_match_as_regex_lite_does() {
        let alphabet = ['1', '9', '0', '-', 'x'];
        agrees_with_regex_lite(Known::DateOfBirth, &alphabet, 7);
        agrees_with_regex_lite(Known::DateOfBirthOrEmpty, &alphabet, 7);
        // Long enough for a full date with a character before it.
        agrees_with_regex_lite(Known::ContainsDate, &['2', '0', '-'], 11);
        for text in [
            "1985-03-12",
            "2026-02",
            "1979",
            "2099-99-99",
            "1900-01-01-01",
        ] {
            assert_eq!(
                Known::DateOfBirth.is_match(text),
                Regex::new(r"^(19|20)\d\d(-\d\d){0,2}$")
                    .unwrap()
                    .is_match(text),
                "{text}"
            );
        }
        assert!(Known::ContainsDate.is_match("born 1985-03-12T00:00"));
    }

    #[test]
    fn letters_match_as_regex_lite_does() {
        let alphabet = ['A', 'Z', 'a', '<', ' ', 'Ä'];
        agrees_with_regex_lite(Known::ContainsCapital, &alphabet, 5);
        agrees_with_regex_lite(Known::Transliterated, &alphabet, 5);
    }

    #[test]
    fn dot_excludes_line_terminators_as_in_ecma_262() {
        // regex-lite's `.` would match these three; ECMA-262's does not.
        for separator in ['\r', '\u{2028}', '\u{2029}'] {
            assert!(!Known::Version.is_match(&format!("1{separator}2.3")));
        }
        assert!(Known::Version.is_match("1.3.0"));
        assert!(Known::Version.is_match("12345"));
        assert!(!Known::Version.is_match("1.3"));
    }
}
