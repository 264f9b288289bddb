//! The formats trust lists arrive in: bytes in, a verified [`TrustList`] out (the app does the
//! networking). Signed formats go through [`TrustList::from_signed`] and need [`Anchors`];
//! unsigned ones only through [`TrustList::from_unsigned`], an explicit choice for lists that
//! come from a source the deployment already trusts.

pub mod at;
mod de;
mod json;
pub(crate) mod pem;
pub mod who;

use super::{Anchors, ImportReport, TrustList, TrustListError};

/// The formats a trust list arrives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListFormat {
    /// German signed DSC list (signature line, then JSON).
    De,
    /// Austrian CBOR content with a COSE_Sign1 signature over its hash.
    At,
    /// Unsigned JSON, `{"certificates":[...]}` or a bare array.
    Json,
    /// Unsigned PEM bundle of certificates.
    Pem,
    /// WHO GDHCN DID trust list v2 (embedded variant), signed by a JsonWebSignature2020 proof.
    Who,
}

impl ListFormat {
    /// "de", "at", "json", "pem" or "who".
    pub fn code(&self) -> &'static str {
        match self {
            Self::De => "de",
            Self::At => "at",
            Self::Json => "json",
            Self::Pem => "pem",
            Self::Who => "who",
        }
    }

    /// The format of a code (see [`ListFormat::code`]).
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::De, Self::At, Self::Json, Self::Pem, Self::Who]
            .into_iter()
            .find(|format| format.code() == code)
    }

    /// True for the formats that carry a signature.
    pub fn is_signed(&self) -> bool {
        matches!(self, Self::De | Self::At | Self::Who)
    }

    /// Guesses the format of a file: a German signed list, a WHO DID document, Austrian CBOR
    /// content (whose signature is a second file), JSON or PEM. `None` when it looks like none
    /// of them.
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        let start = bytes.trim_ascii_start();
        if de::looks_like(bytes) {
            Some(Self::De)
        } else if who::looks_like(bytes) {
            Some(Self::Who)
        } else if pem::looks_like_pem(bytes) {
            Some(Self::Pem)
        } else if start.starts_with(b"{") || start.starts_with(b"[") {
            Some(Self::Json)
        } else if bytes.first().is_some_and(|b| b >> 5 == 5) {
            // CBOR major type 5: a map, as the Austrian content is.
            Some(Self::At)
        } else {
            None
        }
    }
}

/// A downloaded trust list in a signed format.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum SignedList<'a> {
    /// German DSC list: base64 signature line, `\n`, JSON document.
    De(&'a [u8]),
    /// Austrian list: CBOR content and its COSE_Sign1 signature (two downloads).
    At {
        /// The CBOR content.
        content: &'a [u8],
        /// The COSE_Sign1 signature over its hash.
        signature: &'a [u8],
    },
    /// WHO GDHCN trust list: a DID document (`v2/trustlist/.../did.json`) whose proof is
    /// checked with the anchor of its environment.
    Who(&'a [u8]),
}

impl SignedList<'_> {
    /// The list's format.
    pub fn format(&self) -> ListFormat {
        match self {
            Self::De(_) => ListFormat::De,
            Self::At { .. } => ListFormat::At,
            Self::Who(_) => ListFormat::Who,
        }
    }
}

/// A trust list from a source trusted without a signature (the deployment's own backend over a
/// channel it trusts, a file the user named).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum UnsignedList<'a> {
    /// `{"certificates":[...]}` or a bare array.
    Json(&'a [u8]),
    /// PEM certificates.
    Pem(&'a [u8]),
}

impl UnsignedList<'_> {
    /// The list's format.
    pub fn format(&self) -> ListFormat {
        match self {
            Self::Json(_) => ListFormat::Json,
            Self::Pem(_) => ListFormat::Pem,
        }
    }
}

impl TrustList {
    /// Verifies a signed list with `anchors` and reads it. `now` (Unix seconds) checks the
    /// Austrian list's validity period, with [`at::CLOCK_SKEW`]. A WHO list's
    /// `proof.created` becomes [`Provenance::issued_at`](super::Provenance::issued_at) and its
    /// list time.
    ///
    /// Entries that are not usable DSCs, or whose listed kid differs from the certificate's,
    /// are skipped and reported; the document as a whole is refused only when its signature,
    /// hash, validity or shape is wrong. The list's fetch time is left unset (see
    /// [`TrustList::with_fetched_at`]; a [`super::TrustStore`] records it).
    pub fn from_signed(
        list: SignedList<'_>,
        anchors: &Anchors,
        now: i64,
    ) -> Result<(Self, ImportReport), TrustListError> {
        match list {
            SignedList::De(bytes) => de::import(bytes, anchors),
            SignedList::At { content, signature } => {
                at::import(content, signature, anchors, Some(now))
            }
            SignedList::Who(bytes) => who::import(bytes, anchors),
        }
    }

    /// Reads an unsigned list. The result's provenance says it is unsigned, and so does every
    /// verification made with it.
    pub fn from_unsigned(list: UnsignedList<'_>) -> Result<(Self, ImportReport), TrustListError> {
        match list {
            UnsignedList::Json(bytes) => json::import(bytes),
            UnsignedList::Pem(bytes) => pem::import(bytes),
        }
    }

    /// Reads an unsigned JSON list (same as `from_unsigned(UnsignedList::Json(bytes))`).
    pub fn from_unsigned_json(bytes: &[u8]) -> Result<(Self, ImportReport), TrustListError> {
        json::import(bytes)
    }

    /// Re-reads a list from the store's cache: signatures are checked again with the anchors
    /// configured now, but not the Austrian validity period (checked at import; afterwards the
    /// freshness settings decide how long a list serves).
    pub(crate) fn reload(
        format: ListFormat,
        parts: &[&[u8]],
        anchors: &Anchors,
    ) -> Result<(Self, ImportReport), TrustListError> {
        match (format, parts) {
            (ListFormat::De, [bytes]) => de::import(bytes, anchors),
            (ListFormat::At, [content, signature]) => at::import(content, signature, anchors, None),
            (ListFormat::Json, [bytes]) => json::import(bytes),
            (ListFormat::Pem, [bytes]) => pem::import(bytes),
            (ListFormat::Who, [bytes]) => who::import(bytes, anchors),
            // The store checks the number of parts; a missing one is a missing signature.
            _ => Err(TrustListError::MissingSignature),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for format in [
            ListFormat::De,
            ListFormat::At,
            ListFormat::Json,
            ListFormat::Pem,
            ListFormat::Who,
        ] {
            assert_eq!(ListFormat::from_code(format.code()), Some(format));
        }
        assert_eq!(ListFormat::from_code("xml"), None);
    }

    #[test]
    fn detects_formats_by_their_first_bytes() {
        let signature_line = "A".repeat(86) + "==";
        let de = format!("{signature_line}\n{{}}");
        let cases: [(&[u8], Option<ListFormat>); 8] = [
            (de.as_bytes(), Some(ListFormat::De)),
            (
                b"{\"@context\":[\"https://www.w3.org/ns/did/v1\"]}",
                Some(ListFormat::Who),
            ),
            (b" {\"certificates\":[]}", Some(ListFormat::Json)),
            (b"[]", Some(ListFormat::Json)),
            (b"-----BEGIN CERTIFICATE-----\n", Some(ListFormat::Pem)),
            (b"\xa1\x61c\x80", Some(ListFormat::At)),
            (b"hello", None),
            (b"", None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(ListFormat::detect(bytes), expected, "{bytes:?}");
        }
    }
}
