//! Trust lists: the lists an app hands in (signed or unsigned), the anchors that check them,
//! import reports, the state of the list in force and of the cache directory.

use super::{count, VerifierError};
use dcc::trust;

/// A downloaded trust list in a signed format, checked against the app's anchors.
#[derive(uniffi::Enum)]
pub enum SignedTrustList {
    /// The German DSC list, as downloaded: a base64 signature line, then the JSON it signs.
    De { list: Vec<u8> },
    /// The Austrian list: its CBOR content and the COSE_Sign1 signature over it (two downloads).
    At {
        content: Vec<u8>,
        signature: Vec<u8>,
    },
    /// WHO's GDHCN trust list (`https://tng-cdn.who.int/v2/trustlist/did.json`, or the UAT/DEV
    /// one), checked with its environment's signer key: the signer's DID document, a JWK or PEM.
    Who { list: Vec<u8> },
}

impl SignedTrustList {
    pub(super) fn as_core(&self) -> trust::SignedList<'_> {
        match self {
            Self::De { list } => trust::SignedList::De(list),
            Self::At { content, signature } => trust::SignedList::At { content, signature },
            Self::Who { list } => trust::SignedList::Who(list),
        }
    }
}

/// A trust list without a signature, for sources the app already trusts.
#[derive(uniffi::Enum)]
pub enum UnsignedTrustList {
    /// `{"certificates":[{"kid","rawData",...}]}` or a bare array of such entries.
    Json { list: Vec<u8> },
    /// A bundle of PEM `CERTIFICATE` blocks.
    Pem { list: Vec<u8> },
}

impl UnsignedTrustList {
    pub(super) fn as_core(&self) -> trust::UnsignedList<'_> {
        match self {
            Self::Json { list } => trust::UnsignedList::Json(list),
            Self::Pem { list } => trust::UnsignedList::Pem(list),
        }
    }
}

/// The anchors for P-256 public keys given as PEM or SubjectPublicKeyInfo DER.
pub(super) fn anchors(keys: &[Vec<u8>]) -> Result<trust::Anchors, VerifierError> {
    let mut anchors = trust::Anchors::new();
    for (index, key) in keys.iter().enumerate() {
        anchors
            .add_key(key)
            .map_err(|e| VerifierError::InvalidAnchor {
                index: count(index),
                detail: e.to_string(),
            })?;
    }
    Ok(anchors)
}

/// The format a trust list came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum TrustListFormat {
    /// German signed DSC list.
    De,
    /// Austrian signed list.
    At,
    /// Unsigned JSON.
    Json,
    /// Unsigned PEM bundle.
    Pem,
    /// WHO GDHCN DID trust list (v2), signed.
    Who,
}

impl From<trust::ListFormat> for TrustListFormat {
    fn from(format: trust::ListFormat) -> Self {
        match format {
            trust::ListFormat::De => Self::De,
            trust::ListFormat::At => Self::At,
            trust::ListFormat::Json => Self::Json,
            trust::ListFormat::Pem => Self::Pem,
            trust::ListFormat::Who => Self::Who,
        }
    }
}

/// A trust list's source and freshness, as of a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct TrustListStatus {
    /// The format it was imported from.
    pub format: Option<TrustListFormat>,
    /// True when one of the anchors verified its signature; false for an unsigned list.
    pub signed: bool,
    /// Seconds since it was fetched.
    pub age_seconds: Option<i64>,
    /// Older than `Settings.stale_after_seconds`: time to fetch a new list (verifications are
    /// unaffected until `refuse_after_seconds`).
    pub stale: bool,
}

impl From<dcc::TrustListStatus> for TrustListStatus {
    fn from(status: dcc::TrustListStatus) -> Self {
        Self {
            format: status.format.map(Into::into),
            signed: status.signed,
            age_seconds: status.age_seconds,
            stale: status.stale,
        }
    }
}

/// The trust list in force.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustListInfo {
    /// Document signer certificates it holds.
    pub certificate_count: i64,
    /// How many of them each issuer has, by country code, in code order.
    pub issuers: Vec<IssuerCount>,
    /// Its source and freshness now.
    pub status: TrustListStatus,
    /// The anchor that verified its signature: the first 8 bytes of the SHA-256 of the key's
    /// SubjectPublicKeyInfo, hex (shows which key signed it during a key rotation).
    pub anchor: Option<String>,
    /// When it was fetched, Unix seconds.
    pub fetched_at: Option<i64>,
    /// Its own time, Unix seconds: the newest entry's timestamp (German and JSON lists) or the
    /// signature's not-before (Austrian), the signed issue time (WHO). An update older than
    /// this is refused unless forced.
    pub list_time: Option<i64>,
    /// When its signer issued it, Unix seconds, from a signed field (WHO: `proof.created`).
    pub issued_at: Option<i64>,
    /// The GDHCN environment of a WHO list: "prod", "uat" or "dev".
    pub environment: Option<String>,
    /// How many certificates each participant of a WHO list has (alpha-3 or test codes), in
    /// code order; empty for other formats.
    pub participants: Vec<CodeCount>,
    /// How many certificates each trust domain of a WHO list has (DCC, PH4H, ...).
    pub domains: Vec<CodeCount>,
}

/// A code (participant, trust domain) and how many certificates it has.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CodeCount {
    pub code: String,
    pub certificate_count: i64,
}

fn code_counts(counts: std::collections::BTreeMap<String, usize>) -> Vec<CodeCount> {
    counts
        .into_iter()
        .map(|(code, n)| CodeCount {
            code,
            certificate_count: count(n),
        })
        .collect()
}

impl TrustListInfo {
    pub(super) fn new(list: &dcc::TrustList, status: dcc::TrustListStatus) -> Self {
        let provenance = list.provenance();
        Self {
            certificate_count: count(list.len()),
            issuers: list
                .countries()
                .into_iter()
                .map(|(country, n)| IssuerCount {
                    country,
                    certificate_count: count(n),
                })
                .collect(),
            status: status.into(),
            anchor: provenance.anchor.map(|anchor| anchor.to_hex()),
            fetched_at: provenance.fetched_at,
            list_time: provenance.list_time,
            issued_at: provenance.issued_at,
            environment: provenance.environment.map(|e| e.code().to_owned()),
            participants: code_counts(list.participants()),
            domains: code_counts(list.domains()),
        }
    }
}

/// The certificates of one issuer in the trust list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IssuerCount {
    /// The country the list gives for its entries, else their certificates' subject country;
    /// `None` when neither names one.
    pub country: Option<String>,
    pub certificate_count: i64,
}

/// Why opening a cache directory found no usable trust list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CacheLoadError {
    /// No list was stored there yet (first start).
    Missing,
    /// The cache file cannot be read.
    Io { detail: String },
    /// Truncated, altered or not a cache file.
    Corrupt,
    /// The stored list fails its checks now, e.g. its signing key is no longer an anchor
    /// (`code` as in `VerifierError.TrustListRefused`).
    Rejected { code: String, detail: String },
    /// The stored list is unsigned, and the cache was opened with anchors but without
    /// `allow_unsigned`: a planted unsigned list is never used in place of a signed one.
    UnsignedNotAllowed,
    /// The stored list is one the cache already replaced, or older than the one it last had
    /// in force: the file was put back or planted.
    RolledBack,
}

impl From<&trust::LoadError> for CacheLoadError {
    fn from(error: &trust::LoadError) -> Self {
        match error {
            trust::LoadError::Missing => Self::Missing,
            trust::LoadError::Io(_) => Self::Io {
                detail: error.to_string(),
            },
            trust::LoadError::Corrupt => Self::Corrupt,
            trust::LoadError::Rejected(refusal) => Self::Rejected {
                code: refusal.code().to_owned(),
                detail: refusal.to_string(),
            },
            trust::LoadError::UnsignedNotAllowed => Self::UnsignedNotAllowed,
            trust::LoadError::RolledBack => Self::RolledBack,
        }
    }
}

/// What an import took and what it left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportReport {
    /// Certificates taken into the list.
    pub taken: i64,
    /// Entries left out.
    pub skipped: Vec<SkippedEntry>,
    /// The newest entry timestamp among those taken, Unix seconds, when entries carry one.
    pub newest_entry: Option<i64>,
}

impl From<trust::ImportReport> for ImportReport {
    fn from(report: trust::ImportReport) -> Self {
        Self {
            taken: count(report.taken),
            skipped: report.skipped.into_iter().map(Into::into).collect(),
            newest_entry: report.newest_entry,
        }
    }
}

/// An entry left out of an import.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SkippedEntry {
    /// Position of the entry in the document, from 0.
    pub index: i64,
    /// The key identifier the entry claimed, as given.
    pub listed_kid: Option<String>,
    pub reason: SkipReason,
    /// An English explanation.
    pub message: String,
}

impl From<trust::Skipped> for SkippedEntry {
    fn from(skipped: trust::Skipped) -> Self {
        Self {
            index: count(skipped.index),
            listed_kid: skipped.listed_kid,
            message: skipped.reason.to_string(),
            reason: skipped.reason.into(),
        }
    }
}

/// Why an entry was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum SkipReason {
    /// Not an object (JSON) or map (CBOR) with an entry's fields.
    NotAnEntry,
    /// `rawData` is missing or not base64.
    NotBase64,
    /// Not a document signer: a certificate type other than DSC (e.g. a CSCA), a certificate
    /// authority (basicConstraints cA=TRUE), or a key usage without digitalSignature.
    NotDsc,
    /// A PEM block that is not a certificate.
    NotACertificateBlock,
    /// A certificate larger than any real DSC.
    TooLarge,
    /// `rawData` is not a usable certificate.
    NotACertificate,
    /// The listed key identifier is not the certificate's.
    KidMismatch,
    /// The same certificate listed twice; the first is kept.
    Duplicate,
    /// A key no HCERT signature uses (P-384 or brainpool in a WHO list).
    UnsupportedKey,
}

impl From<trust::SkipReason> for SkipReason {
    fn from(reason: trust::SkipReason) -> Self {
        match reason {
            trust::SkipReason::NotAnEntry => Self::NotAnEntry,
            trust::SkipReason::NotBase64 => Self::NotBase64,
            trust::SkipReason::NotDsc => Self::NotDsc,
            trust::SkipReason::NotACertificateBlock => Self::NotACertificateBlock,
            trust::SkipReason::TooLarge => Self::TooLarge,
            trust::SkipReason::Certificate(_) => Self::NotACertificate,
            trust::SkipReason::KidMismatch => Self::KidMismatch,
            trust::SkipReason::Duplicate => Self::Duplicate,
            trust::SkipReason::UnsupportedKey(_) => Self::UnsupportedKey,
        }
    }
}
