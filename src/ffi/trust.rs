//! Trust-list import reports and the state of the list in force.

use crate::trust;

/// The trust list in force.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustListInfo {
    /// Document signer certificates it holds.
    pub certificate_count: i64,
}

impl From<&crate::TrustList> for TrustListInfo {
    fn from(list: &crate::TrustList) -> Self {
        Self {
            certificate_count: count(list.len()),
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
}

impl From<trust::ImportReport> for ImportReport {
    fn from(report: trust::ImportReport) -> Self {
        Self {
            taken: count(report.taken),
            skipped: report.skipped.into_iter().map(Into::into).collect(),
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
    /// A certificate type other than DSC (e.g. a CSCA).
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
        }
    }
}

/// A count or index for the bindings, which carry no unsigned integers. Counts of
/// certificates in memory always fit.
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
