//! Verification: signature, time, key usage, then the content of a genuine certificate (JSON
//! schema, value sets, business rules), and the [`Verification`] result.

mod batch;
mod clock;
mod payload_checks;
mod result;
#[cfg(feature = "serde")]
mod serialize;
#[cfg(all(test, feature = "serde"))]
mod serialize_tests;
mod signature;
mod slot;
mod sources;

pub use clock::{
    format_instant, parse_instant, Clock, FixedClock, SystemClock, EARLIEST_PLAUSIBLE_TIME,
};
pub use result::{
    CheckStatus, Checks, InvalidReason, Outcome, SchemaCheck, Signer, SignerSource,
    TrustListStatus, UndecidableReason, Verification,
};

use std::sync::Arc;

use crate::crypto::Backend;
use crate::decode::{self, HealthCertificate};
use crate::deviation::Deviation;
use crate::payload::Kind;
use crate::rules::RuleSet;
use crate::trust::{Dsc, TrustList, TrustSlot, TrustStore};
use crate::valuesets::ValueSets;
use payload_checks::{PayloadChecks, Policy};
use slot::Slot;
use sources::{Source, SourceList};

/// How strict the verifier is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// How far in the future `iat` may lie, in seconds, to absorb clock differences between
    /// issuer and device. Default 5 minutes.
    pub clock_skew: i64,
    /// Age (seconds since it was fetched) after which the trust list is reported stale
    /// ([`TrustListStatus::stale`]). Default 48 hours.
    pub stale_after: i64,
    /// Age after which verification refuses to decide
    /// ([`UndecidableReason::TrustListExpired`]). Default: never. A hard expiry strands
    /// verifiers that stay offline for weeks, so it is left to deployments that need it.
    pub refuse_after: Option<i64>,
    /// The country of arrival (ISO 3166 alpha-2), whose acceptance rules apply when the
    /// verifier has rules. Without one, only the issuing countries' invalidation rules apply.
    pub arrival_country: Option<String>,
    /// The region within the country of arrival, for rules that distinguish regions
    /// (`external.region`).
    pub region: Option<String>,
    /// The language of rule descriptions (ISO 639-1, e.g. "de"); a rule without it is
    /// described in English, else in its first language. Default "en".
    pub language: String,
    /// What the JSON schema and value-set check does. Default [`SchemaPolicy::Lenient`].
    pub schema: SchemaPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            clock_skew: 300,
            stale_after: 48 * 3600,
            refuse_after: None,
            arrival_country: None,
            region: None,
            language: "en".to_owned(),
            schema: SchemaPolicy::default(),
        }
    }
}

/// Whether the payload is checked against the DCC JSON schema of its version and the value
/// sets, and what a violation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SchemaPolicy {
    /// Not checked ([`Verification::schema`] is `None`).
    Off,
    /// Checked, and violations reported in [`Verification::schema`] without changing the
    /// outcome: real issuers sign certificates that violate the schema, and refusing them
    /// would refuse their holders.
    #[default]
    Lenient,
    /// Checked, and any violation makes the certificate `Invalid`
    /// ([`InvalidReason::SchemaInvalid`]).
    Strict,
}

impl Settings {
    /// The status of `trust` at `now` under these settings, and whether it is past
    /// `refuse_after`.
    fn trust_list_status(&self, trust: &TrustList, now: i64) -> (TrustListStatus, bool) {
        let provenance = trust.provenance();
        let age = match provenance.fetched_at {
            // Fetched a little after `now` by this clock: clock difference, not age.
            Some(fetched) if fetched > now && fetched - now <= self.clock_skew => Some(0),
            _ => provenance.age_at(now),
        };
        // A fetch time further in the future gives no age at all: the list counts as stale,
        // and as expired where an age limit applies, rather than as fresh forever.
        let unknown_age = provenance.fetched_at.is_some() && age.is_none();
        let status = TrustListStatus {
            format: provenance.format,
            signed: provenance.is_signed(),
            age_seconds: age,
            stale: unknown_age || age.is_some_and(|age| age > self.stale_after),
        };
        let expired = self
            .refuse_after
            .is_some_and(|limit| unknown_age || age.is_some_and(|age| age > limit));
        (status, expired)
    }

    /// What a verification at `now` reports about `trust`: its format, signature, age and
    /// staleness.
    pub fn status_of(&self, trust: &TrustList, now: i64) -> TrustListStatus {
        self.trust_list_status(trust, now).0
    }
}

/// The freshness of several sources when the signer is in none of them: the status of the
/// weakest (stale before fresh, then the oldest), and whether any is past `refuse_after` (a
/// fresh list of that source might know the signer).
fn weakest(
    statuses: impl Iterator<Item = (TrustListStatus, bool)>,
) -> Option<(TrustListStatus, bool)> {
    let mut expired = false;
    statuses
        .inspect(|(_, past_limit)| expired |= *past_limit)
        .max_by_key(|(status, _)| (status.stale, status.age_seconds.unwrap_or(-1)))
        .map(|(status, _)| (status, expired))
}

/// Verifies HC1 QR texts against trust lists, and optionally business rules. Cheap to share
/// between threads: the trust lists, the rules and the value sets can each be replaced while
/// other threads verify, and each verification sees the ones in force when it started, whole.
///
/// A verifier holds one or more named trust sources (see [`set_source`](Self::set_source));
/// the single-list methods ([`set_trust_list`](Self::set_trust_list),
/// [`with_store`](Self::with_store)) act on the source named [`DEFAULT_SOURCE`](Self::DEFAULT_SOURCE).
///
/// ```
/// use dcc_verify::{Settings, TrustList, UnsignedList, Verifier};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // The bundled TEST list (unsigned); a deployment imports a signed one (`TrustList::from_signed`).
/// let list = std::fs::read("testdata/samples/trust-list.json")?;
/// let (trust, _report) = TrustList::from_unsigned(UnsignedList::Json(&list))?;
/// let verifier = Verifier::new(Settings::default()).with_trust_list(trust);
///
/// let qr = std::fs::read_to_string("testdata/samples/vn-vaccination-es256.txt")?;
/// assert!(verifier.verify_at(qr.trim(), 1_780_272_000).is_valid()); // 2026-06-01
/// # Ok(())
/// # }
/// ```
pub struct Verifier {
    settings: Settings,
    clock: Arc<dyn Clock>,
    /// The named sources, in the order they were added; the `Vec` is replaced whole when a
    /// source is added or removed, a source's list by its own slot.
    sources: Slot<Vec<Source>>,
    rules: Slot<RuleSet>,
    /// `None`: the bundled value sets.
    value_sets: Slot<ValueSets>,
    backend: Backend,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("settings", &self.settings)
            .field(
                "sources",
                &self
                    .sources()
                    .iter()
                    .map(|(name, list)| (name.clone(), list.as_ref().map(|l| l.len())))
                    .collect::<Vec<_>>(),
            )
            .field("rules", &self.rules().map(|r| r.len()))
            .field("bundled_value_sets", &self.value_sets.get().is_none())
            .finish_non_exhaustive()
    }
}

impl Default for Verifier {
    fn default() -> Self {
        Self::new(Settings::default())
    }
}

impl Verifier {
    /// A verifier on the system clock, without a trust list (every verification is
    /// `Undecidable` until one is set).
    pub fn new(settings: Settings) -> Self {
        Self {
            settings,
            clock: Arc::new(SystemClock),
            sources: Slot::default(),
            rules: Slot::default(),
            value_sets: Slot::default(),
            backend: Backend::DEFAULT,
        }
    }

    /// Verifies signatures on `backend` instead of [`Backend::DEFAULT`] (every backend gives
    /// the same answers; this is for comparing them).
    pub fn with_backend(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }

    /// The signature backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Uses `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The name of the source the single-list methods act on.
    pub const DEFAULT_SOURCE: &'static str = "default";

    /// The verifier with this trust list.
    pub fn with_trust_list(self, trust: TrustList) -> Self {
        self.set_trust_list(trust);
        self
    }

    /// Uses the list in force in `store`, now and after every update of the store, as the
    /// source [`DEFAULT_SOURCE`](Self::DEFAULT_SOURCE).
    pub fn with_store(self, store: &TrustStore) -> Self {
        self.set_store_source(Self::DEFAULT_SOURCE, store);
        self
    }

    /// Replaces the list of the source [`DEFAULT_SOURCE`](Self::DEFAULT_SOURCE) (adding it if
    /// needed). Verifications already running finish with the old one. (On a verifier made
    /// [`with_store`](Self::with_store), this replaces the store's list in memory until its
    /// next update; the cache on disk is unchanged.)
    pub fn set_trust_list(&self, trust: TrustList) {
        self.set_source(Self::DEFAULT_SOURCE, trust);
    }

    /// The list in force of the source [`DEFAULT_SOURCE`](Self::DEFAULT_SOURCE), else of the
    /// first source added: for a verifier with one list, that list.
    pub fn trust_list(&self) -> Option<Arc<TrustList>> {
        let sources = self.sources.get()?;
        sources
            .iter()
            .find(|source| &*source.name == Self::DEFAULT_SOURCE)
            .or_else(|| sources.first())
            .and_then(|source| source.slot.get())
    }

    /// The verifier with `trust` as the list of the source `name` (see
    /// [`set_source`](Self::set_source)).
    pub fn with_source(self, name: &str, trust: TrustList) -> Self {
        self.set_source(name, trust);
        self
    }

    /// Puts `trust` in force as the list of the source `name`, adding the source after the
    /// others if it is new. The other sources are untouched; verifications already running
    /// finish with the lists they started with. (On a source that follows a store, this
    /// replaces the store's list in memory until its next update.)
    pub fn set_source(&self, name: &str, trust: TrustList) {
        let trust = Some(Arc::new(trust));
        let known = self.sources.update(|sources| {
            let known = sources.as_deref().into_iter().flatten();
            if let Some(source) = known.clone().find(|s| &*s.name == name) {
                return Some(source.slot.clone());
            }
            let slot = TrustSlot::default();
            slot.set(trust.clone());
            let mut added: Vec<Source> = known.cloned().collect();
            added.push(Source {
                name: name.into(),
                slot,
            });
            *sources = Some(Arc::new(added));
            None
        });
        if let Some(slot) = known {
            slot.set(trust);
        }
    }

    /// The verifier with the source `name` following `store` (see
    /// [`set_store_source`](Self::set_store_source)).
    pub fn with_store_source(self, name: &str, store: &TrustStore) -> Self {
        self.set_store_source(name, store);
        self
    }

    /// Makes the source `name` follow the list in force in `store`, now and after every update
    /// of the store (a source per store: a [`TrustStore`] holds one list). Replaces what the
    /// source held before, or adds it after the others; the other sources are untouched.
    pub fn set_store_source(&self, name: &str, store: &TrustStore) {
        let source = Source {
            name: name.into(),
            slot: store.slot().clone(),
        };
        self.sources.update(|sources| {
            let mut changed = sources.as_deref().cloned().unwrap_or_default();
            match changed.iter_mut().find(|s| s.name == source.name) {
                Some(known) => *known = source,
                None => changed.push(source),
            }
            *sources = Some(Arc::new(changed));
        });
    }

    /// Adds the bundled default sources after any others (feature `embedded-trust`):
    /// [`embedded::WHO_PRODUCTION`](crate::trust::embedded::WHO_PRODUCTION), then
    /// [`embedded::GERMAN_2023`](crate::trust::embedded::GERMAN_2023), each verified with its
    /// bundled key now. Fails only if a bundled list does not verify (a corrupt build).
    #[cfg(feature = "embedded-trust")]
    pub fn with_embedded_sources(self) -> Result<Self, crate::TrustListError> {
        for (name, list) in crate::trust::embedded::sources()? {
            self.set_source(name, list);
        }
        Ok(self)
    }

    /// Stops consulting the source `name`; false when there was none.
    pub fn remove_source(&self, name: &str) -> bool {
        self.sources.update(|sources| {
            let mut kept = sources.as_deref().cloned().unwrap_or_default();
            let before = kept.len();
            kept.retain(|s| &*s.name != name);
            let removed = kept.len() != before;
            *sources = Some(Arc::new(kept));
            removed
        })
    }

    /// The sources, in the order they are consulted, with their lists in force (`None` for
    /// a store source without a usable list).
    pub fn sources(&self) -> Vec<(String, Option<Arc<TrustList>>)> {
        self.sources
            .get()
            .map(|sources| {
                sources
                    .iter()
                    .map(|s| (s.name.to_string(), s.slot.get()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every source's list in force, read once.
    fn snapshot(&self) -> Vec<SourceList> {
        self.sources
            .get()
            .map(|sources| sources::snapshot(&sources))
            .unwrap_or_default()
    }

    /// The verifier with these business rules.
    pub fn with_rules(self, rules: RuleSet) -> Self {
        self.set_rules(rules);
        self
    }

    /// Applies `rules` from now on: every certificate that passes the cryptographic checks is
    /// then also checked against the rules that apply to it (the acceptance rules of
    /// [`Settings::arrival_country`] and the invalidation rules of its issuer, in force at the
    /// verification time), and [`Verification::rules`] reports them. Verifications already
    /// running finish with the rules they started with.
    pub fn set_rules(&self, rules: RuleSet) {
        self.rules.set(Some(Arc::new(rules)));
    }

    /// Stops applying business rules.
    pub fn clear_rules(&self) {
        self.rules.set(None);
    }

    /// The rules in force.
    pub fn rules(&self) -> Option<Arc<RuleSet>> {
        self.rules.get()
    }

    /// The verifier with these value sets instead of the bundled ones.
    pub fn with_value_sets(self, value_sets: ValueSets) -> Self {
        self.set_value_sets(value_sets);
        self
    }

    /// Replaces the value sets (bundled with the library by default) that codes are checked
    /// against and rules read as `external.valueSets`. To add newer sets to the bundled ones,
    /// [`merge`](ValueSets::merge) them into a clone of [`ValueSets::bundled`].
    pub fn set_value_sets(&self, value_sets: ValueSets) {
        self.value_sets.set(Some(Arc::new(value_sets)));
    }

    /// The value sets in force, e.g. for display names
    /// ([`Dcc::display_names`](crate::Dcc::display_names)).
    pub fn value_sets(&self) -> Arc<ValueSets> {
        self.value_sets.get().unwrap_or_else(bundled_value_sets)
    }

    /// Its settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Now, by the verifier's clock (Unix seconds).
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Verifies a QR text now (by the verifier's clock). A clock reading before
    /// [`EARLIEST_PLAUSIBLE_TIME`] has not been set, and the result is
    /// `Undecidable(`[`ClockNotSet`](UndecidableReason::ClockNotSet)`)`.
    pub fn verify(&self, qr: &str) -> Verification {
        self.verify_with_value_sets(qr, None).0
    }

    /// Verifies a QR text as of `at` (Unix seconds), an instant the caller chose (a replay, a
    /// question about a date): it is taken as given, never reported as an unset clock. Before
    /// 2020 no certificate had been issued, so one is then `Invalid(NotYetValid)`.
    pub fn verify_at(&self, qr: &str, at: i64) -> Verification {
        self.verify_with_value_sets(qr, Some(at)).0
    }

    /// Verifies QR texts as of `now` (Unix seconds, taken as given like
    /// [`verify_at`](Self::verify_at)) on every core, answers in input order:
    /// [`verify_batch_on`](Self::verify_batch_on) with [`available_parallelism`] threads.
    ///
    /// [`available_parallelism`]: std::thread::available_parallelism
    pub fn verify_batch(&self, qrs: &[&str], now: i64) -> Vec<Verification> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        self.verify_batch_on(qrs, Some(now), cores)
    }

    /// Verifies QR texts on up to `threads` threads (1: this thread only), as of `at` (as
    /// [`verify_at`](Self::verify_at)) or, with `None`, the verifier's clock read once when
    /// the batch starts (as [`verify`](Self::verify)). The answers are in input order. Every
    /// verification of the batch uses the trust list, rules and value sets in force when the
    /// batch starts.
    pub fn verify_batch_on(
        &self,
        qrs: &[&str],
        at: Option<i64>,
        threads: usize,
    ) -> Vec<Verification> {
        let in_force = self.in_force(at);
        batch::map_ordered(qrs, threads, |qr| in_force.verify(qr, self))
    }

    /// What verifications starting now use: the time (`at` as given, else the verifier's
    /// clock), the trust sources, rules and value sets in force.
    fn in_force(&self, at: Option<i64>) -> InForce {
        let (now, clock) = match at {
            Some(at) => (at, TimeSource::Given),
            None => (self.clock.now(), TimeSource::DeviceClock),
        };
        InForce {
            now,
            clock,
            sources: self.snapshot(),
            rules: self.rules(),
            value_sets: self.value_sets(),
        }
    }

    /// [`verify_at`](Self::verify_at) with `Some(at)`, [`verify`](Self::verify) with `None`,
    /// with the value sets the verification used: display names taken from them match its
    /// value-set check even when another thread replaces the sets.
    pub fn verify_with_value_sets(
        &self,
        qr: &str,
        at: Option<i64>,
    ) -> (Verification, Arc<ValueSets>) {
        let in_force = self.in_force(at);
        (in_force.verify(qr, self), in_force.value_sets)
    }
}

/// The state one verification, or every verification of a batch, runs on: read once when it
/// starts, so replacing a list, the rules or the value sets meanwhile changes none of them.
struct InForce {
    now: i64,
    clock: TimeSource,
    sources: Vec<SourceList>,
    rules: Option<Arc<RuleSet>>,
    value_sets: Arc<ValueSets>,
}

impl InForce {
    fn verify(&self, qr: &str, verifier: &Verifier) -> Verification {
        let policy = Policy {
            settings: &verifier.settings,
            rules: self.rules.as_deref(),
            value_sets: &self.value_sets,
        };
        verify(
            qr,
            self.now,
            self.clock,
            &self.sources,
            &policy,
            verifier.backend,
        )
    }
}

/// Where the time of a verification came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TimeSource {
    /// The verifier's clock: a reading before 2020 means it was never set.
    DeviceClock,
    /// The caller's instant, taken as given.
    Given,
}

/// The bundled value sets, shared (no copy of them is made).
fn bundled_value_sets() -> Arc<ValueSets> {
    Arc::clone(ValueSets::bundled_shared())
}

/// The verification procedure. Every check whose inputs are available runs, so the result
/// explains everything that is wrong; the outcome names the most fundamental failure. The
/// content checks (schema, value sets, rules) run on a certificate that passes all the others.
///
/// With several sources, the signer's source decides freshness: its status is reported, and
/// only its age counts against `refuse_after`. When no source verifies the signature, the
/// weakest source's status is reported, and any source past `refuse_after` makes the result
/// undecidable (a fresh list of that source might know the signer).
fn verify(
    qr: &str,
    now: i64,
    clock: TimeSource,
    sources: &[SourceList],
    policy: &Policy<'_>,
    backend: Backend,
) -> Verification {
    let settings = policy.settings;
    let status_of = |source: &SourceList| settings.trust_list_status(&source.list, now);
    let mut deviations = Vec::new();
    let cose = match decode::cose_noting(qr, &mut deviations) {
        Ok(cose) => cose,
        Err(e) => {
            return Verification {
                trust_list: weakest(sources.iter().map(status_of)).map(|(status, _)| status),
                ..Verification::invalid_only(InvalidReason::Malformed(e))
            }
        }
    };
    let certificate = decode::certificate_noting(&cose, &mut deviations);
    let signer = (!sources.is_empty()).then(|| signature::verify_sources(&cose, sources, backend));
    // The signer's source decides freshness; without one, the weakest source does.
    let freshness = match &signer {
        Some(Ok((index, _))) => sources.get(*index).map(status_of),
        _ => weakest(sources.iter().map(status_of)),
    };
    let signer = signer
        .map(|found| found.map(|(index, dsc)| (sources.get(index).map(SignerSource::of), dsc)));

    let mut checks = Checks::default();
    if let Some(signer) = &signer {
        checks.signature = CheckStatus::from_bool(signer.is_ok());
    }
    if let Ok(cert) = &certificate {
        if let Some(iat) = cert.issued_at {
            checks.issued_at =
                CheckStatus::from_bool(iat <= now.saturating_add(settings.clock_skew));
        }
        // Without exp (an ICVP: lifelong; the CWT stage refuses it for other kinds) there is no
        // signature expiry to check.
        if let Some(exp) = cert.expires_at {
            checks.expiry = CheckStatus::from_bool(now <= exp);
        }
        if let Some((from, until)) = cert.content.validity() {
            checks.certificate_validity = CheckStatus::from_bool(
                from.is_none_or(|from| from <= now) && until.is_none_or(|until| now <= until),
            );
        }
        if let Some(Ok((_, dsc))) = &signer {
            signer_checks(&mut checks, cert, dsc);
        }
    }

    let mut outcome = match (&signer, &certificate) {
        _ if clock == TimeSource::DeviceClock && now < EARLIEST_PLAUSIBLE_TIME => {
            Outcome::Undecidable {
                reason: UndecidableReason::ClockNotSet,
            }
        }
        (None, _) => Outcome::Undecidable {
            reason: UndecidableReason::NoTrustList,
        },
        _ if freshness.is_some_and(|(_, expired)| expired) => Outcome::Undecidable {
            reason: UndecidableReason::TrustListExpired,
        },
        (Some(Err(reason)), _) => Outcome::Invalid {
            reason: reason.clone(),
        },
        (Some(Ok(_)), Err(e)) => Outcome::Invalid {
            reason: InvalidReason::Malformed(e.clone()),
        },
        (Some(Ok(_)), Ok(cert)) => first_failure(&checks, cert, &deviations, settings, now)
            .map_or(Outcome::Valid, |reason| Outcome::Invalid { reason }),
    };
    if outcome == Outcome::Valid
        && certificate
            .as_ref()
            .is_ok_and(|cert| cert.kind() == Kind::Unknown)
    {
        // Genuine, but this library cannot say what it attests: a newer one may.
        outcome = Outcome::Undecidable {
            reason: UndecidableReason::UnknownKind,
        };
    }
    // The schema, value sets and business rules are the EU DCC's.
    let content = match (&outcome, &certificate) {
        (Outcome::Valid, Ok(cert)) => cert
            .dcc()
            .map(|dcc| PayloadChecks::run(cert, dcc, cose.kid(), now, policy))
            .unwrap_or_default(),
        _ => PayloadChecks::default(),
    };
    if outcome == Outcome::Valid {
        outcome = content.outcome(settings.schema);
    }
    Verification {
        outcome,
        kid: cose.kid().map(<[u8]>::to_vec),
        algorithm: cose.algorithm().map(|(alg, _)| alg),
        certificate: certificate.ok(),
        signer: signer.and_then(Result::ok).map(|(source, dsc)| Signer {
            kid: dsc.kid(),
            country: dsc.country().map(str::to_owned),
            not_before: dsc.not_before(),
            not_after: dsc.not_after(),
            participant: dsc.listing().map(|l| l.participant.clone()),
            domain: dsc.listing().map(|l| l.domain.clone()),
            source,
        }),
        checks,
        trust_list: freshness.map(|(status, _)| status),
        schema: content.schema,
        rules: content.rules,
        deviations,
    }
}

/// The checks that need the verified DSC.
fn signer_checks(checks: &mut Checks, cert: &HealthCertificate, dsc: &Dsc) {
    if let Some(iat) = cert.issued_at {
        checks.signer_validity =
            CheckStatus::from_bool(dsc.not_before() <= iat && iat <= dsc.not_after());
    }
    // The EKU certificate-type restriction is the EU DCC's (v, t, r); other kinds have none.
    if let Some(dcc) = cert.dcc() {
        checks.key_usage = CheckStatus::from_bool(dsc.key_usage().allows(dcc.certificate_type()));
    }
    checks.issuer_country = match (&cert.issuer, dsc.country()) {
        (Some(iss), Some(country)) => CheckStatus::from_bool(iss.eq_ignore_ascii_case(country)),
        _ => CheckStatus::NotChecked,
    };
}

/// The first failed check, in order of how fundamental it is.
fn first_failure(
    checks: &Checks,
    cert: &HealthCertificate,
    deviations: &[Deviation],
    settings: &Settings,
    now: i64,
) -> Option<InvalidReason> {
    let failed = |status: CheckStatus| status == CheckStatus::Failed;
    if cert.kind() == Kind::LegacyDdcc {
        Some(InvalidReason::LegacyFormat)
    } else if settings.schema == SchemaPolicy::Strict && !deviations.is_empty() {
        Some(InvalidReason::Deviations)
    } else if failed(checks.signer_validity) {
        Some(InvalidReason::SignerNotValid)
    } else if let (true, Some(dcc)) = (failed(checks.key_usage), cert.dcc()) {
        Some(InvalidReason::KeyUsage(dcc.certificate_type()))
    } else if failed(checks.issued_at) {
        Some(InvalidReason::NotYetValid)
    } else if failed(checks.expiry) {
        Some(InvalidReason::Expired)
    } else if failed(checks.certificate_validity) {
        let (from, _) = cert.content.validity().unwrap_or_default();
        Some(if from.is_some_and(|from| from > now) {
            InvalidReason::CertificateNotYetValid
        } else {
            InvalidReason::CertificateExpired
        })
    } else {
        None
    }
}

impl Verification {
    fn invalid_only(reason: InvalidReason) -> Self {
        Self {
            outcome: Outcome::Invalid { reason },
            kid: None,
            algorithm: None,
            certificate: None,
            signer: None,
            checks: Checks::default(),
            trust_list: None,
            schema: None,
            rules: None,
            deviations: Vec::new(),
        }
    }
}
