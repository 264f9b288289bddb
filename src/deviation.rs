//! Departures from the HCERT specification that real issuers sign, and that this verifier reads
//! anyway because their meaning is unambiguous. Each one read is listed in the result, so an app
//! or an auditor sees exactly what was tolerated; [`SchemaPolicy::Strict`](crate::SchemaPolicy)
//! refuses a certificate with any of them. A departure whose reading is not unambiguous is
//! never tolerated: it makes the certificate malformed.

/// One tolerated departure from the specification. Carries no value from the certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Deviation {
    /// The QR text is base45 without the `HC1:` context identifier (2021 DDCC demos).
    MissingPrefix,
    /// The QR text is the base64 of the COSE message itself: no prefix, no base45, no zlib
    /// (Malaysia's pilgrimage QR).
    Base64Transport,
    /// The key identifier is a text string (the base64 of the kid) instead of a byte string
    /// (WHO test-bed health links).
    TextKid,
    /// CWT claim keys or hcert sub-claim keys written as text holding the integer (`"-260"`,
    /// `"6"`) instead of the integer.
    TextClaimKeys,
    /// `iat` in milliseconds since the epoch instead of seconds: read as milliseconds because as
    /// seconds it would lie beyond the year 5000.
    IssuedAtMilliseconds,
    /// `exp` in milliseconds since the epoch instead of seconds (same reading as `iat`).
    ExpiryMilliseconds,
    /// A health link's `exp` in milliseconds instead of seconds.
    LinkExpiryMilliseconds,
    /// A health link's `exp` is `null` (read as: no expiry).
    LinkExpiryNull,
}

impl Deviation {
    /// A stable kebab-case code for apps and logs.
    pub fn code(self) -> &'static str {
        match self {
            Self::MissingPrefix => "missing-prefix",
            Self::Base64Transport => "base64-transport",
            Self::TextKid => "text-kid",
            Self::TextClaimKeys => "text-claim-keys",
            Self::IssuedAtMilliseconds => "iat-milliseconds",
            Self::ExpiryMilliseconds => "exp-milliseconds",
            Self::LinkExpiryMilliseconds => "link-exp-milliseconds",
            Self::LinkExpiryNull => "link-exp-null",
        }
    }

    /// Every deviation, for documentation and bindings.
    pub const ALL: [Deviation; 8] = [
        Self::MissingPrefix,
        Self::Base64Transport,
        Self::TextKid,
        Self::TextClaimKeys,
        Self::IssuedAtMilliseconds,
        Self::ExpiryMilliseconds,
        Self::LinkExpiryMilliseconds,
        Self::LinkExpiryNull,
    ];
}

impl std::fmt::Display for Deviation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::MissingPrefix => "no HC1: prefix",
            Self::Base64Transport => "base64 instead of HC1:/base45/zlib",
            Self::TextKid => "key identifier as a text string",
            Self::TextClaimKeys => "CWT claim keys as text strings",
            Self::IssuedAtMilliseconds => "iat in milliseconds",
            Self::ExpiryMilliseconds => "exp in milliseconds",
            Self::LinkExpiryMilliseconds => "health link exp in milliseconds",
            Self::LinkExpiryNull => "health link exp is null",
        })
    }
}

/// Adds `deviation` once.
pub(crate) fn note(deviations: &mut Vec<Deviation>, deviation: Deviation) {
    if !deviations.contains(&deviation) {
        deviations.push(deviation);
    }
}
