//! The Kotlin, Swift and Python surface, through UniFFI.
//!
//! This module only translates: every decision is the core's ([`crate::Verifier`],
//! [`crate::decode`], [`crate::TrustList`]). It maps the core's types to records and enums the
//! generated bindings can carry, without unsigned integers (awkward from Java), with timestamps
//! as `i64` Unix seconds and key identifiers as base64 text. Certificate faults are results;
//! only API misuse ([`VerifierError`]) is thrown.
//!
//! Planned extension points for signed trust lists and the on-disk cache: a
//! `load_trust_list(bytes, format)` method next to [`Verifier::load_unsigned_trust_list`], cache
//! directory methods, staleness fields in [`Settings`], [`TrustListInfo`] and [`Verification`],
//! and an I/O variant in [`VerifierError`].

mod certificate;
mod trust;
mod verification;

#[cfg(test)]
mod tests;

use certificate::DecodeOutcome;
use trust::{ImportReport, TrustListInfo};
use verification::Verification;

use std::sync::Arc;

use crate::trust::TrustListError;

// Exports the C entry points (`#[no_mangle] extern "C"`) that the generated bindings call.
uniffi::setup_scaffolding!();

/// How strict a [`Verifier`] is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Settings {
    /// How far in the future a certificate's signing time may lie, in seconds, to absorb clock
    /// differences between issuer and device. Not negative.
    #[uniffi(default = 300)]
    pub clock_skew_seconds: i64,
}

impl TryFrom<Settings> for crate::Settings {
    type Error = VerifierError;

    fn try_from(settings: Settings) -> Result<Self, VerifierError> {
        if settings.clock_skew_seconds < 0 {
            return Err(VerifierError::InvalidArgument(
                "clock_skew_seconds must not be negative",
            ));
        }
        Ok(Self {
            clock_skew: settings.clock_skew_seconds,
            ..Self::default()
        })
    }
}

/// API misuse. Faults of a certificate are never errors: they are [`Verification`] results.
/// Messages carry no personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum VerifierError {
    /// An argument is outside what the API accepts.
    #[error("invalid argument: {0}")]
    InvalidArgument(&'static str),
    /// A trust-list document cannot be read at all. (Single unusable entries are skipped and
    /// listed in the [`ImportReport`] instead.)
    #[error("trust list unreadable: {0}")]
    TrustListUnreadable(#[from] TrustListError),
}

/// Verifies HC1 QR texts against a trust list. One per app is enough: it is thread-safe, and
/// the trust list can be replaced while other threads verify (each verification sees one
/// list, whole).
#[derive(Debug, uniffi::Object)]
pub struct Verifier {
    core: crate::Verifier,
}

#[uniffi::export]
impl Verifier {
    /// A verifier on the device clock, without a trust list (every verification is
    /// `Undecidable` until one is loaded).
    #[uniffi::constructor(default(settings))]
    pub fn new(settings: Settings) -> Result<Arc<Self>, VerifierError> {
        Ok(Arc::new(Self {
            core: crate::Verifier::new(settings.try_into()?),
        }))
    }

    /// Replaces the trust list with an unsigned JSON list (`{"certificates":[{"kid",
    /// "rawData", ...}]}` or a bare array of such entries). Unsigned: only for lists the app
    /// already trusts (bundled with it, or from its own backend over a channel it trusts).
    /// On error the list in force stays.
    pub fn load_unsigned_trust_list(&self, json: Vec<u8>) -> Result<ImportReport, VerifierError> {
        let (list, report) = crate::TrustList::from_unsigned_json(&json)?;
        self.core.set_trust_list(list);
        Ok(report.into())
    }

    /// The trust list in force, or `None` before one is loaded.
    pub fn trust_list_info(&self) -> Option<TrustListInfo> {
        self.core
            .trust_list()
            .map(|list| TrustListInfo::from(&*list))
    }

    /// Verifies a QR text as of `at` (Unix seconds), or now by the device clock.
    #[uniffi::method(default(at = None))]
    pub fn verify(&self, qr: String, at: Option<i64>) -> Verification {
        match at {
            Some(at) => self.core.verify_at(&qr, at),
            None => self.core.verify(&qr),
        }
        .into()
    }

    /// Decodes a QR text without checking its signature, to show what it contains. Only
    /// [`Verifier::verify`] says whether to trust it.
    pub fn decode(&self, qr: String) -> DecodeOutcome {
        crate::decode(&qr).into()
    }
}
