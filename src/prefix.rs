//! Stage 1: the context identifier that prefixes the base45 text (`HC1:`).

use thiserror::Error;

/// The context identifier of an EU DCC: health certificate, version 1.
pub const HC1: &str = "HC1:";

/// Why a QR text does not start with a supported context identifier.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PrefixError {
    /// No context identifier at all: this is not a health certificate QR code.
    #[error("no context identifier (expected \"HC1:\")")]
    Missing,
    /// A well-formed identifier of another kind or version, such as `HC2:` or `LT1:`.
    #[error("unsupported context identifier \"{0}\"")]
    Unsupported(String),
}

/// Removes the `HC1:` prefix and returns the base45 text that follows.
///
/// Leading whitespace is ignored. Trailing whitespace is ignored too, except spaces: the space is
/// a base45 digit, so a trailing space may be data.
pub fn strip(text: &str) -> Result<&str, PrefixError> {
    let text = text
        .trim_start()
        .trim_end_matches(|c: char| c.is_whitespace() && c != ' ');
    if let Some(rest) = text.strip_prefix(HC1) {
        return Ok(rest);
    }
    match context_identifier(text) {
        Some(id) => Err(PrefixError::Unsupported(id.to_owned())),
        None => Err(PrefixError::Missing),
    }
}

/// A context identifier has the shape of `HC1:`: two capital letters, a digit and a colon.
fn context_identifier(text: &str) -> Option<&str> {
    let id = text.get(..4)?;
    let b = id.as_bytes();
    let well_formed = matches!(b, [l1, l2, d, b':']
        if l1.is_ascii_uppercase() && l2.is_ascii_uppercase() && d.is_ascii_digit());
    well_formed.then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_hc1() {
        assert_eq!(strip("HC1:NCF"), Ok("NCF"));
    }

    #[test]
    fn tolerates_surrounding_whitespace_but_keeps_trailing_spaces() {
        assert_eq!(strip("  \n HC1:AB C \r\n"), Ok("AB C "));
        assert_eq!(strip("\tHC1:A  "), Ok("A  "));
    }

    #[test]
    fn other_context_identifiers_are_unsupported() {
        assert_eq!(
            strip("HC2:NCF"),
            Err(PrefixError::Unsupported("HC2:".into()))
        );
        assert_eq!(
            strip("LT1:NCF"),
            Err(PrefixError::Unsupported("LT1:".into()))
        );
    }

    #[test]
    fn garbage_has_no_prefix() {
        for text in ["", "HC1", "hc1:NCF", "NCFOXN", "H:1:", "ÄÖÜ:abc", "1HC:xx"] {
            assert_eq!(strip(text), Err(PrefixError::Missing), "{text:?}");
        }
    }
}
