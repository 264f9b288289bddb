//! The Kotlin, Swift and Python surface, through UniFFI.
//!
//! This module only translates: every decision is the core's ([`dcc::Verifier`],
//! [`dcc::decode`], [`dcc::TrustList`], [`dcc::RuleSet`], [`dcc::ValueSets`]). It maps
//! the core's types to records and enums the generated bindings can carry, without unsigned
//! integers (awkward from Java), with timestamps as `i64` Unix seconds and key identifiers as
//! base64 text. Trust lists come in through the core's imports and [`TrustStore`] (the cache
//! directory). Certificate faults are results; only API misuse, unreadable documents and I/O
//! ([`VerifierError`]) are thrown. No panic crosses into the app unannounced (see [`guard`]).

// Certificate faults are results; the bindings must never panic on input either.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod certificate;
mod guard;
mod names;
mod rules;
mod schema;
mod trust;
mod verification;

#[cfg(test)]
mod tests;

use certificate::DecodeOutcome;
use guard::{guard, panic_for_test};
use rules::RuleSetReport;
use schema::SchemaPolicy;
use trust::{CacheLoadError, ImportReport, SignedTrustList, TrustListInfo, UnsignedTrustList};
use verification::Verification;

use std::sync::Arc;

use dcc::rules::RuleSetError;
use dcc::trust::{TrustListError, TrustStore, UpdateError, UpdateOptions};
use dcc::valuesets::ValueSetError;

// Exports the C entry points (`#[no_mangle] extern "C"`) that the generated bindings call.
uniffi::setup_scaffolding!();

/// How strict a [`Verifier`] is. All durations are seconds, none negative.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Settings {
    /// How far in the future a certificate's signing time may lie, to absorb clock differences
    /// between issuer and device.
    #[uniffi(default = 300)]
    pub clock_skew_seconds: i64,
    /// Age of the trust list (since it was fetched) after which verifications report it stale,
    /// so the app can fetch a new one. Default 48 hours.
    #[uniffi(default = 172800)]
    pub stale_after_seconds: i64,
    /// Age of the trust list after which every verification is `Undecidable(trust-list-expired)`.
    /// Default: never (a hard expiry strands verifiers that stay offline for weeks).
    #[uniffi(default = None)]
    pub refuse_after_seconds: Option<i64>,
    /// The country of arrival (ISO 3166 alpha-2, e.g. "DE"), whose acceptance rules apply once
    /// rules are loaded. Without one, only the issuing countries' invalidation rules apply. An
    /// empty one is an `InvalidArgument`; one the loaded rules have no acceptance rule for is
    /// reported in every result (`RulesResult.arrival_country_has_rules`).
    #[uniffi(default = None)]
    pub arrival_country: Option<String>,
    /// The region within the country of arrival, for rules that distinguish regions.
    #[uniffi(default = None)]
    pub region: Option<String>,
    /// The language of rule descriptions (ISO 639-1, e.g. "de"); a rule without it is
    /// described in English, else in its first language.
    #[uniffi(default = "en")]
    pub language: String,
    /// The check against the DCC JSON schema and the value sets; null means `Lenient`. (Null
    /// rather than a default variant: UniFFI 0.32 cannot give an enum field a default.)
    #[uniffi(default = None)]
    pub schema_policy: Option<SchemaPolicy>,
}

impl TryFrom<Settings> for dcc::Settings {
    type Error = VerifierError;

    // `..default()` is needless today, but keeps settings the core adds later at their
    // defaults until the bindings expose them.
    #[allow(clippy::needless_update)]
    fn try_from(settings: Settings) -> Result<Self, VerifierError> {
        let defaults = Self::default();
        let not_negative = |value: i64, name: &str| {
            if value < 0 {
                Err(VerifierError::InvalidArgument {
                    detail: format!("{name} must not be negative"),
                })
            } else {
                Ok(value)
            }
        };
        Ok(Self {
            clock_skew: not_negative(settings.clock_skew_seconds, "clock_skew_seconds")?,
            stale_after: not_negative(settings.stale_after_seconds, "stale_after_seconds")?,
            refuse_after: settings
                .refuse_after_seconds
                .map(|limit| not_negative(limit, "refuse_after_seconds"))
                .transpose()?,
            arrival_country: match settings.arrival_country {
                Some(country) if country.trim().is_empty() => {
                    return Err(VerifierError::InvalidArgument {
                        detail: "arrival_country must not be empty (null for none)".to_owned(),
                    })
                }
                country => country,
            },
            region: settings.region,
            language: settings.language,
            schema: settings.schema_policy.map_or(defaults.schema, Into::into),
            ..defaults
        })
    }
}

/// API misuse and I/O. Faults of a certificate are never errors: they are [`Verification`]
/// results. Messages carry no personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum VerifierError {
    /// An argument is outside what the API accepts.
    #[error("invalid argument: {detail}")]
    InvalidArgument { detail: String },
    /// Anchor number `index` (from 0) is not a P-256 public key in PEM or SubjectPublicKeyInfo
    /// DER.
    #[error("anchor {index} unusable: {detail}")]
    InvalidAnchor { index: i64, detail: String },
    /// A trust list was refused as a whole; the list in force stays (in memory and on disk).
    /// `code` is stable kebab-case: e.g. "signature-invalid", "hash-mismatch", "expired",
    /// "not-json", "no-anchors", or "rollback" (older than the list in force: retry with
    /// `force` to accept it anyway). Single unusable entries are not refusals: they are skipped
    /// and listed in the [`ImportReport`].
    #[error("trust list refused: {detail}")]
    TrustListRefused { code: String, detail: String },
    /// A cache operation on a verifier not made by [`Verifier::open_cache`].
    #[error("this verifier has no cache directory (make it with open_cache)")]
    NoCacheDirectory,
    /// The cache directory cannot be written; the list in force stays.
    #[error("cache I/O failed: {detail}")]
    Io { detail: String },
    /// A rule-set document refused as a whole; the rules in force stay. `code`: "not-json", or
    /// "not-an-array" (not a JSON array of rules). A single unusable rule is not a refusal: it
    /// is left out and listed in the [`RuleSetReport`].
    #[error("rules refused: {detail}")]
    RulesRefused { code: String, detail: String },
    /// Value sets that cannot be read; the value sets in force stay. `code`: "not-json", or
    /// "not-value-sets" (neither value-set documents nor the compressed form).
    #[error("value sets refused: {detail}")]
    ValueSetsRefused { code: String, detail: String },
}

impl From<TrustListError> for VerifierError {
    fn from(error: TrustListError) -> Self {
        Self::TrustListRefused {
            code: error.code().to_owned(),
            detail: error.to_string(),
        }
    }
}

impl From<RuleSetError> for VerifierError {
    fn from(error: RuleSetError) -> Self {
        Self::RulesRefused {
            code: error.code().to_owned(),
            detail: error.to_string(),
        }
    }
}

impl From<ValueSetError> for VerifierError {
    fn from(error: ValueSetError) -> Self {
        Self::ValueSetsRefused {
            code: error.code().to_owned(),
            detail: error.to_string(),
        }
    }
}

impl From<UpdateError> for VerifierError {
    fn from(error: UpdateError) -> Self {
        match error {
            UpdateError::Rejected(refusal) => refusal.into(),
            UpdateError::Rollback { .. }
            | UpdateError::Superseded
            | UpdateError::FetchedInFuture { .. }
            | UpdateError::UnsignedNotAllowed => Self::TrustListRefused {
                code: error.code().to_owned(),
                detail: error.to_string(),
            },
            UpdateError::Io(_) => Self::Io {
                detail: error.to_string(),
            },
        }
    }
}

/// Verifies HC1 QR texts against a trust list, and business rules once loaded. One per app is
/// enough: it is thread-safe, and the trust list, the rules and the value sets can each be
/// replaced while other threads verify (each verification sees them whole, as they were when
/// it started).
#[derive(Debug, uniffi::Object)]
pub struct Verifier {
    core: dcc::Verifier,
    /// The cache directory, when made by [`Verifier::open_cache`]; `core` reads its list.
    store: Option<TrustStore>,
    /// The cache directories of named sources ([`Verifier::add_cache_source`]), by name.
    source_stores: std::sync::Mutex<Vec<(String, Arc<TrustStore>)>>,
}

#[uniffi::export]
impl Verifier {
    /// A verifier on the device clock, without a trust list (every verification is
    /// `Undecidable` until one is loaded).
    #[uniffi::constructor(default(settings))]
    pub fn new(settings: Settings) -> Result<Arc<Self>, VerifierError> {
        Ok(Arc::new(Self {
            core: dcc::Verifier::new(settings.try_into()?),
            store: None,
            source_stores: Default::default(),
        }))
    }

    /// A verifier whose trust list is kept in the cache directory `directory` (created by the
    /// first update), loaded from there now: the last good list, its signature checked again
    /// with `anchors` (P-256 public keys, each PEM or SubjectPublicKeyInfo DER). With anchors,
    /// the cache takes signed lists only, unless `allow_unsigned` (for an app whose own backend
    /// delivers unsigned lists over a channel it trusts); without anchors, unsigned lists
    /// only. Never fails because of the cache: a missing, corrupt, unsigned where signed is
    /// required, put back or no longer trusted one means no trust list, and
    /// [`cache_load_error`](Self::cache_load_error) says why.
    #[uniffi::constructor(default(anchors = [], allow_unsigned = false, settings))]
    pub fn open_cache(
        directory: String,
        anchors: Vec<Vec<u8>>,
        settings: Settings,
        allow_unsigned: bool,
    ) -> Result<Arc<Self>, VerifierError> {
        let settings = settings.try_into()?;
        let anchors = trust::anchors(&anchors)?;
        let store = if allow_unsigned {
            TrustStore::open_allowing_unsigned(directory, anchors)
        } else {
            TrustStore::open(directory, anchors)
        };
        Ok(Arc::new(Self {
            core: dcc::Verifier::new(settings).with_store(&store),
            store: Some(store),
            source_stores: Default::default(),
        }))
    }

    /// Replaces the trust list, in memory, with a signed list once one of `anchors` verifies
    /// it. `fetched_at` (Unix seconds, default now) is when the app downloaded it: its age,
    /// and so staleness, counts from then. On error the list in force stays. (On a verifier
    /// made by [`open_cache`](Self::open_cache), [`update_cache`](Self::update_cache) also
    /// keeps the list across restarts.)
    #[uniffi::method(default(fetched_at = None))]
    pub fn load_trust_list(
        &self,
        list: SignedTrustList,
        anchors: Vec<Vec<u8>>,
        fetched_at: Option<i64>,
    ) -> Result<ImportReport, VerifierError> {
        // The verifier's one list is the default source's.
        self.add_source(
            dcc::Verifier::DEFAULT_SOURCE.to_owned(),
            list,
            anchors,
            fetched_at,
        )
    }

    /// Replaces the trust list, in memory, with an unsigned one. Unsigned: only for lists the
    /// app already trusts (bundled with it, or from its own backend over a channel it trusts);
    /// every verification reports the list as unsigned. `fetched_at` as for
    /// [`load_trust_list`](Self::load_trust_list). On error the list in force stays.
    #[uniffi::method(default(fetched_at = None))]
    pub fn load_unsigned_trust_list(
        &self,
        list: UnsignedTrustList,
        fetched_at: Option<i64>,
    ) -> Result<ImportReport, VerifierError> {
        let (trust, report) = dcc::TrustList::from_unsigned(list.as_core())?;
        let fetched_at = fetched_at.unwrap_or_else(|| self.core.now());
        self.core.set_trust_list(trust.with_fetched_at(fetched_at));
        Ok(report.into())
    }

    /// Verifies a signed list with the cache's anchors and, unless it is older than the list in
    /// force on disk or one the cache already replaced (`rollback`, `superseded`; `force`
    /// accepts it anyway), writes it to the cache directory atomically and puts it in force.
    /// A `fetched_at` more than 5 minutes in the future is refused (`fetched-in-future`). A
    /// refused or failed update changes nothing, in memory or on disk.
    #[uniffi::method(default(fetched_at = None, force = false))]
    pub fn update_cache(
        &self,
        list: SignedTrustList,
        fetched_at: Option<i64>,
        force: bool,
    ) -> Result<ImportReport, VerifierError> {
        let report = self
            .store()?
            .update(list.as_core(), UpdateOptions { fetched_at, force })?;
        Ok(report.into())
    }

    /// [`update_cache`](Self::update_cache) for an unsigned list (see
    /// [`load_unsigned_trust_list`](Self::load_unsigned_trust_list)); refused
    /// (`unsigned-not-allowed`) by a cache opened with anchors but without `allow_unsigned`.
    #[uniffi::method(default(fetched_at = None, force = false))]
    pub fn update_cache_unsigned(
        &self,
        list: UnsignedTrustList,
        fetched_at: Option<i64>,
        force: bool,
    ) -> Result<ImportReport, VerifierError> {
        let report = self
            .store()?
            .update_unsigned(list.as_core(), UpdateOptions { fetched_at, force })?;
        Ok(report.into())
    }

    /// Puts a signed list in force as the trust source `name`, once one of `anchors` verifies
    /// it, next to the other sources (the live WHO list and an EU-gateway snapshot, say): every
    /// verification consults every source, and `Signer.source` names the one that lists the
    /// signer. A new name adds a source after the others; a known one replaces its list only.
    /// `fetched_at` as for [`load_trust_list`](Self::load_trust_list). On error the source's
    /// list in force stays, and the other sources are never touched.
    #[uniffi::method(default(fetched_at = None))]
    pub fn add_source(
        &self,
        name: String,
        list: SignedTrustList,
        anchors: Vec<Vec<u8>>,
        fetched_at: Option<i64>,
    ) -> Result<ImportReport, VerifierError> {
        let anchors = trust::anchors(&anchors)?;
        let now = self.core.now();
        let (trust, report) = dcc::TrustList::from_signed(list.as_core(), &anchors, now)?;
        self.core
            .set_source(&name, trust.with_fetched_at(fetched_at.unwrap_or(now)));
        Ok(report.into())
    }

    /// Makes the trust source `name` follow the cache directory `directory` (one list per
    /// directory), loaded from there now, as [`open_cache`](Self::open_cache) does for the
    /// single list; [`update_source_cache`](Self::update_source_cache) updates it. Returns why
    /// the directory has no usable list, or null when it loaded one. Replaces a source of the
    /// same name; the other sources are untouched.
    #[uniffi::method(default(anchors = [], allow_unsigned = false))]
    pub fn add_cache_source(
        &self,
        name: String,
        directory: String,
        anchors: Vec<Vec<u8>>,
        allow_unsigned: bool,
    ) -> Result<Option<CacheLoadError>, VerifierError> {
        let anchors = trust::anchors(&anchors)?;
        let store = Arc::new(if allow_unsigned {
            TrustStore::open_allowing_unsigned(directory, anchors)
        } else {
            TrustStore::open(directory, anchors)
        });
        let load_error = store.load_error().map(Into::into);
        let mut stores = self.source_stores.lock().unwrap_or_else(|e| e.into_inner());
        self.core.set_store_source(&name, &store);
        stores.retain(|(known, _)| *known != name);
        stores.push((name, store));
        Ok(load_error)
    }

    /// [`update_cache`](Self::update_cache) for the cache directory of the source `name` (made
    /// by [`add_cache_source`](Self::add_cache_source)); the other sources are untouched.
    /// Throws `NoCacheDirectory` when `name` has no cache directory.
    #[uniffi::method(default(fetched_at = None, force = false))]
    pub fn update_source_cache(
        &self,
        name: String,
        list: SignedTrustList,
        fetched_at: Option<i64>,
        force: bool,
    ) -> Result<ImportReport, VerifierError> {
        let store = {
            let stores = self.source_stores.lock().unwrap_or_else(|e| e.into_inner());
            stores
                .iter()
                .find(|(known, _)| *known == name)
                .map(|(_, store)| Arc::clone(store))
        };
        let store = store.ok_or(VerifierError::NoCacheDirectory)?;
        let report = store.update(list.as_core(), UpdateOptions { fetched_at, force })?;
        Ok(report.into())
    }

    /// Stops consulting the trust source `name`; false when there was none.
    pub fn remove_source(&self, name: String) -> bool {
        let remove = || {
            let mut stores = self.source_stores.lock().unwrap_or_else(|e| e.into_inner());
            stores.retain(|(known, _)| *known != name);
            self.core.remove_source(&name)
        };
        guard(remove, || false)
    }

    /// The trust sources in the order they are consulted, each with its list in force (null
    /// when a cache source has none) and that list's age and staleness now.
    pub fn sources(&self) -> Vec<SourceInfo> {
        let sources = || {
            let now = self.core.now();
            self.core
                .sources()
                .into_iter()
                .map(|(name, list)| SourceInfo {
                    name,
                    trust_list: list.map(|list| {
                        TrustListInfo::new(&list, self.core.settings().status_of(&list, now))
                    }),
                })
                .collect()
        };
        guard(sources, Vec::new)
    }

    /// Why [`open_cache`](Self::open_cache) found no usable list in the directory; `None` when
    /// it loaded one, and on a verifier without a cache directory.
    pub fn cache_load_error(&self) -> Option<CacheLoadError> {
        let error = || self.store.as_ref()?.load_error().map(Into::into);
        guard(error, || None)
    }

    /// The trust list in force, with its age and staleness now; `None` before one is loaded.
    pub fn trust_list_info(&self) -> Option<TrustListInfo> {
        let info = || {
            let list = self.core.trust_list()?;
            let status = self.core.settings().status_of(&list, self.core.now());
            Some(TrustListInfo::new(&list, status))
        };
        guard(info, || None)
    }

    /// Puts a rule set in force: a JSON array of gateway rules (typically the acceptance rules
    /// of the country of arrival and the invalidation rules of issuing countries). Rules that
    /// are not gateway rule JSON are left out and reported; the others replace the rules in
    /// force, atomically. From then on every certificate that passes the cryptographic checks
    /// is judged by the rules that apply to it, and `Verification.rules` says how. Throws
    /// `RulesRefused` when the document is not a JSON array; the rules in force then stay.
    pub fn load_rules(&self, json: Vec<u8>) -> Result<RuleSetReport, VerifierError> {
        panic_for_test(&json);
        let (rules, rejected) = dcc::RuleSet::from_json(&json)?;
        let report = RuleSetReport::new(&rules, rejected);
        self.core.set_rules(rules);
        Ok(report)
    }

    /// Stops applying business rules.
    pub fn clear_rules(&self) {
        guard(|| self.core.clear_rules(), || ());
    }

    /// Puts value sets in force: one EU value-set document, an array of them, or the compressed
    /// form (`{valueSetId: [codes]}`, without display names). Each replaces the bundled set of
    /// the same `valueSetId`; the bundled sets stay for the others (each load starts again
    /// from the bundled sets). They serve the value-set check, the rules'
    /// `external.valueSets` and display names. Throws `ValueSetsRefused` when unreadable; the
    /// value sets in force then stay.
    pub fn load_value_sets(&self, json: Vec<u8>) -> Result<(), VerifierError> {
        let text = std::str::from_utf8(&json).map_err(|_| VerifierError::ValueSetsRefused {
            code: "not-json".to_owned(),
            detail: "value sets are not UTF-8 text".to_owned(),
        })?;
        let loaded = dcc::ValueSets::from_json(text)?;
        let mut value_sets = dcc::ValueSets::bundled().clone();
        value_sets.merge(loaded);
        self.core.set_value_sets(value_sets);
        Ok(())
    }

    /// Verifies a QR text as of `at` (Unix seconds), or now by the device clock. Only a device
    /// clock reading before 2020 is `Undecidable(ClockNotSet)`; an `at` is taken as given.
    #[uniffi::method(default(at = None))]
    pub fn verify(&self, qr: String, at: Option<i64>) -> Verification {
        let verify = || {
            panic_for_test(qr.as_bytes());
            let (verification, value_sets) = self.core.verify_with_value_sets(&qr, at);
            Verification::new(verification, &value_sets)
        };
        guard(verify, Verification::internal_error)
    }

    /// Decodes a QR text without checking its signature, to show what it contains (display
    /// names from the value sets in force). Only [`Verifier::verify`] says whether to trust it.
    pub fn decode(&self, qr: String) -> DecodeOutcome {
        let decode = || {
            panic_for_test(qr.as_bytes());
            DecodeOutcome::new(dcc::decode(&qr), &self.core.value_sets())
        };
        guard(decode, DecodeOutcome::internal_error)
    }
}

impl Verifier {
    fn store(&self) -> Result<&TrustStore, VerifierError> {
        self.store.as_ref().ok_or(VerifierError::NoCacheDirectory)
    }
}

/// A trust source of a verifier and its list in force.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SourceInfo {
    pub name: String,
    /// Null when the source's cache directory has no usable list.
    pub trust_list: Option<TrustListInfo>,
}

/// A count or index for the bindings, which carry no unsigned integers. Counts of things in
/// memory always fit.
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
