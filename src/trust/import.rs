//! What every format's import shares: the checks each entry passes, the report of what was
//! taken and skipped, and why a whole document is refused.

use base64::Engine;
use thiserror::Error;

use super::dsc::{check_framing, check_signer};
use super::{AnchorId, DscError, Kid, ListFormat, Listing, Provenance, TrustList};
use crate::limits::{MAX_CERTIFICATE_BYTES, MAX_TRUST_LIST_BYTES, MAX_TRUST_LIST_ENTRIES};
use crate::verify::parse_instant;

/// Why a trust-list document is refused as a whole (single bad entries are skipped instead).
/// A refused document changes nothing: no partial list is ever produced.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TrustListError {
    #[error("trust list is not JSON of the expected shape")]
    /// Not JSON.
    NotJson,
    /// A JSON object in the document names the same key twice: parsers disagree on which one
    /// counts, so the document has no one reading.
    #[error("trust list has a duplicate key in a JSON object")]
    DuplicateKey,
    #[error("trust list content is not CBOR of the expected shape")]
    /// Not CBOR.
    NotCbor,
    #[error("no PEM certificate block found")]
    /// No PEM certificate.
    NotPem,
    #[error("trust list larger than {limit} bytes")]
    /// The document is larger than the limit.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    #[error("trust list has more than {limit} entries")]
    /// More entries than the limit.
    TooManyEntries {
        /// The limit.
        limit: usize,
    },
    /// A signed format was given, but no anchor is configured to check it.
    #[error("no anchor key configured to check the list signature")]
    NoAnchors,
    /// The German list's first line (the signature) is missing.
    #[error("signature line missing")]
    MissingSignature,
    /// The signature is not base64 of a 64-byte ECDSA signature, or not a COSE_Sign1.
    #[error("signature is malformed")]
    MalformedSignature,
    /// The Austrian signature is not ES256 with the algorithm in the protected header.
    #[error("list signature algorithm is not ES256")]
    UnsupportedAlgorithm,
    /// No configured anchor verifies the signature: tampered, truncated or signed by another key.
    #[error("list signature does not verify with any anchor")]
    SignatureInvalid,
    /// The Austrian signature's claims are not `{2: hash, 4: exp, 5: nbf}`.
    #[error("list signature claims are malformed")]
    MalformedClaims,
    /// The content is not the one the signature covers.
    #[error("list content does not match the signed hash")]
    HashMismatch,
    #[error("list not valid before {nbf} (Unix seconds)")]
    /// The signed list is not valid yet.
    NotYetValid {
        /// Its `nbf`, Unix seconds.
        nbf: i64,
    },
    #[error("list expired at {exp} (Unix seconds)")]
    /// The signed list has expired.
    Expired {
        /// Its `exp`, Unix seconds.
        exp: i64,
    },
    /// A WHO list outside the closed document shape: a member the JSON-LD contexts do not
    /// define (so not covered by the signature), a duplicate member name, a value of the wrong
    /// kind. `detail` says which, without document content.
    #[error("trust list outside the documented shape: {detail}")]
    Shape {
        /// What is wrong.
        detail: String,
    },
    /// A WHO reference list (`trustlist-ref`: DID strings, no keys). References are never
    /// followed.
    #[error("a reference trust list holds no keys: import the embedded list (v2/trustlist/.../did.json) instead")]
    ReferenceList,
    /// A WHO list whose `@context` is not the DID, JWS 2020 and one GDHCN environment's
    /// context, in that order: its canonical form is unknown.
    #[error("trust list uses JSON-LD contexts other than the pinned GDHCN ones")]
    UnknownContext,
    /// A WHO list proof that is not a `JsonWebSignature2020` for `assertionMethod` with the
    /// `{"b64":false,"crit":["b64"],"alg":"ES256"}` header exactly.
    #[error("list proof is not an ES256 JsonWebSignature2020 for assertionMethod")]
    UnsupportedProof,
}

impl TrustListError {
    /// A stable kebab-case code for apps and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotJson => "not-json",
            Self::DuplicateKey => "duplicate-key",
            Self::NotCbor => "not-cbor",
            Self::NotPem => "not-pem",
            Self::TooLarge { .. } => "too-large",
            Self::TooManyEntries { .. } => "too-many-entries",
            Self::NoAnchors => "no-anchors",
            Self::MissingSignature => "missing-signature",
            Self::MalformedSignature => "malformed-signature",
            Self::UnsupportedAlgorithm => "unsupported-algorithm",
            Self::SignatureInvalid => "signature-invalid",
            Self::MalformedClaims => "malformed-claims",
            Self::HashMismatch => "hash-mismatch",
            Self::NotYetValid { .. } => "not-yet-valid",
            Self::Expired { .. } => "expired",
            Self::Shape { .. } => "unexpected-shape",
            Self::ReferenceList => "reference-list",
            Self::UnknownContext => "unknown-context",
            Self::UnsupportedProof => "unsupported-proof",
        }
    }
}

/// What an import took and what it skipped, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Certificates taken into the list.
    pub taken: usize,
    /// Entries left out.
    pub skipped: Vec<Skipped>,
    /// The newest entry timestamp among those taken (Unix seconds), when entries carry one.
    pub newest_entry: Option<i64>,
}

/// An entry left out of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Position of the entry in the document.
    pub index: usize,
    /// The kid the entry claimed, as given (base64).
    pub listed_kid: Option<String>,
    /// Why it was left out.
    pub reason: SkipReason,
}

/// Why an entry of a list was left out.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SkipReason {
    /// Not an object (JSON) or map (CBOR) with the entry's fields.
    #[error("not an entry of the expected shape")]
    NotAnEntry,
    /// The certificate field is missing or not base64.
    #[error("rawData is missing or not base64")]
    NotBase64,
    /// Not a document signer: a certificate type other than DSC (e.g. a CSCA or upload
    /// certificate), a certificate authority (basicConstraints cA=TRUE), or a certificate
    /// whose keyUsage excludes digitalSignature (or whose extensions cannot be read).
    #[error("not a document signer certificate")]
    NotDsc,
    /// A PEM block that is not a certificate.
    #[error("PEM block is not a CERTIFICATE")]
    NotACertificateBlock,
    #[error("certificate larger than {MAX_CERTIFICATE_BYTES} bytes")]
    /// A certificate larger than any real DSC.
    TooLarge,
    #[error("not a usable certificate: {0}")]
    /// Not a usable certificate.
    Certificate(DscError),
    /// The listed kid is not the one computed from the certificate: the entry is inconsistent,
    /// and a verifier must not guess which half is right.
    #[error("listed kid does not match the certificate")]
    KidMismatch,
    /// The same certificate is listed twice; the first is kept.
    #[error("duplicate of an earlier entry")]
    Duplicate,
    /// The certificate's key is of a kind no HCERT signature uses (a P-384 or brainpool key
    /// in a WHO list; HCERT signs with P-256 or RSA).
    #[error("key unusable for HCERT signatures: {0}")]
    UnsupportedKey(&'static str),
}

impl SkipReason {
    /// A stable kebab-case code for apps and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAnEntry => "not-an-entry",
            Self::NotBase64 => "not-base64",
            Self::NotDsc => "not-dsc",
            Self::NotACertificateBlock => "not-a-certificate-block",
            Self::TooLarge => "too-large",
            Self::Certificate(_) => "not-a-certificate",
            Self::KidMismatch => "kid-mismatch",
            Self::Duplicate => "duplicate",
            Self::UnsupportedKey(_) => "unsupported-key",
        }
    }
}

/// The kid an entry claims, in the form its format writes it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ListedKid<'a> {
    /// The entry names no kid; the computed one is used.
    Absent,
    /// Base64 text (JSON lists).
    Base64(&'a str),
    /// Raw bytes (CBOR lists).
    Raw(&'a [u8]),
}

impl ListedKid<'_> {
    /// `None` when absent; `Some(None)` when present but not a kid.
    fn kid(&self) -> Option<Option<Kid>> {
        let engine = base64::engine::general_purpose::STANDARD;
        match self {
            Self::Absent => None,
            Self::Base64(text) => Some(
                engine
                    .decode(text.trim())
                    .ok()
                    .and_then(|bytes| Kid::from_slice(&bytes)),
            ),
            Self::Raw(bytes) => Some(Kid::from_slice(bytes)),
        }
    }

    fn text(&self) -> Option<String> {
        match self {
            Self::Absent => None,
            Self::Base64(text) => Some((*text).to_owned()),
            Self::Raw(bytes) => Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
        }
    }
}

/// One entry as a format read it, before the common checks.
pub(crate) struct Candidate<'a> {
    pub listed_kid: ListedKid<'a>,
    /// The certificate's DER, or why the entry holds none.
    pub der: Result<Vec<u8>, SkipReason>,
    pub country: Option<&'a str>,
    pub timestamp: Option<&'a str>,
}

/// Builds a list entry by entry: every format reads its document into [`Candidate`]s, and the
/// importer applies the same checks to all of them.
#[derive(Default)]
pub(crate) struct Importer {
    list: TrustList,
    report: ImportReport,
}

impl Importer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn entry(&mut self, index: usize, candidate: Candidate<'_>) {
        self.entry_listed(index, candidate, None);
    }

    /// An entry with where the list places it (WHO lists: participant and domain).
    pub fn entry_listed(
        &mut self,
        index: usize,
        candidate: Candidate<'_>,
        listing: Option<Listing>,
    ) {
        let listed_kid = candidate.listed_kid;
        match self.take(candidate, listing) {
            Ok(()) => self.report.taken += 1,
            Err(reason) => self.report.skipped.push(Skipped {
                index,
                listed_kid: listed_kid.text(),
                reason,
            }),
        }
    }

    fn take(
        &mut self,
        candidate: Candidate<'_>,
        listing: Option<Listing>,
    ) -> Result<(), SkipReason> {
        let der = candidate.der?;
        if der.len() > MAX_CERTIFICATE_BYTES {
            return Err(SkipReason::TooLarge);
        }
        check_framing(&der).map_err(SkipReason::Certificate)?;
        check_signer(&der).map_err(|_| SkipReason::NotDsc)?;
        let kid = Kid::of_certificate(&der);
        if candidate
            .listed_kid
            .kid()
            .is_some_and(|listed| listed != Some(kid))
        {
            return Err(SkipReason::KidMismatch);
        }
        let country = candidate.country.map(str::to_owned);
        if !self.list.add_unparsed(kid, der, country, listing) {
            return Err(SkipReason::Duplicate);
        }
        if let Some(time) = candidate.timestamp.and_then(parse_instant) {
            self.report.newest_entry = self.report.newest_entry.max(Some(time));
        }
        Ok(())
    }

    /// The list and its report. The list time is the newest entry's timestamp unless the
    /// format gives its own (`list_time`).
    pub fn finish(
        mut self,
        format: ListFormat,
        anchor: Option<AnchorId>,
        list_time: Option<i64>,
    ) -> (TrustList, ImportReport) {
        self.list.provenance = Provenance {
            format: Some(format),
            anchor,
            list_time: list_time.or(self.report.newest_entry),
            ..Provenance::default()
        };
        (self.list, self.report)
    }
}

/// Refuses documents over [`MAX_TRUST_LIST_BYTES`] before any work is done on them.
pub(crate) fn check_size(len: usize) -> Result<(), TrustListError> {
    if len > MAX_TRUST_LIST_BYTES {
        Err(TrustListError::TooLarge {
            limit: MAX_TRUST_LIST_BYTES,
        })
    } else {
        Ok(())
    }
}

/// The error for a document with more than [`MAX_TRUST_LIST_ENTRIES`] entries.
pub(crate) const TOO_MANY_ENTRIES: TrustListError = TrustListError::TooManyEntries {
    limit: MAX_TRUST_LIST_ENTRIES,
};
