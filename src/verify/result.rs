//! The verification result: one rich value, never an error, for everything about the certificate.

use thiserror::Error;

use crate::cose::Algorithm;
use crate::crypto::KeyError;
use crate::decode::{DecodeError, HealthCertificate};
use crate::deviation::Deviation;
use crate::payload::CertificateType;
use crate::rules::RulesResult;
use crate::schema::{SchemaVersion, SchemaViolation};
use crate::trust::{Environment, Kid, ListFormat};
use crate::valuesets::ValueSetViolation;

/// The answer to "may I accept this certificate?".
///
/// ```
/// use dcc_verify::{CheckStatus, Settings, Verifier};
///
/// let v = Verifier::new(Settings::default()).verify("HC1:not base45");
/// assert!(!v.is_valid());
/// assert_eq!(v.outcome.reason_code(), Some("malformed-base45"));
/// assert_eq!(v.checks.signature, CheckStatus::NotChecked); // never reached
/// assert!(v.certificate.is_none());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// The verdict.
    pub outcome: Outcome,
    /// The key identifier from the COSE header, when the code decoded that far.
    pub kid: Option<Vec<u8>>,
    /// The signature algorithm from the COSE header.
    pub algorithm: Option<Algorithm>,
    /// The decoded certificate, whenever it could be decoded (even when it is invalid, so an app
    /// can show what was scanned; only a `Valid` outcome makes its content trustworthy).
    pub certificate: Option<HealthCertificate>,
    /// The DSC whose key verified the signature.
    pub signer: Option<Signer>,
    /// The result of every individual check.
    pub checks: Checks,
    /// The trust list this verification used: signed or not, and how old. `None` when there was
    /// none.
    pub trust_list: Option<TrustListStatus>,
    /// The payload checked against the DCC JSON schema of its version and the value sets.
    /// `None` when [`Settings::schema`](super::Settings::schema) is `Off`, or when the
    /// certificate did not pass the cryptographic checks (a forged payload's shape means
    /// nothing).
    pub schema: Option<SchemaCheck>,
    /// The business rules' verdict. `None` when the verifier has no rules
    /// ([`Verifier::set_rules`](super::Verifier::set_rules)), or when the certificate did not
    /// pass the cryptographic checks (rules are only evaluated on a genuine certificate).
    pub rules: Option<RulesResult>,
    /// The departures from the specification that were read anyway (base64 transport, a text
    /// kid, text claim keys, milliseconds...), in pipeline order. Each is accepted only where
    /// its reading is unambiguous; [`SchemaPolicy::Strict`](super::SchemaPolicy::Strict)
    /// makes any of them `Invalid` ([`InvalidReason::Deviations`]).
    pub deviations: Vec<Deviation>,
}

/// The payload against the DCC JSON schema of its declared version and the value sets. Paths
/// and kinds only, never a value: nothing here is personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaCheck {
    /// The schema applied, chosen from the payload's `ver`.
    pub version: SchemaVersion,
    /// What the schema rejects; real issuers do ship such certificates, so these are warnings
    /// unless the policy is [`SchemaPolicy::Strict`](super::SchemaPolicy::Strict).
    pub violations: Vec<SchemaViolation>,
    /// Coded fields holding a code outside their value set.
    pub value_set_violations: Vec<ValueSetViolation>,
}

impl SchemaCheck {
    /// Neither the schema nor the value sets object.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty() && self.value_set_violations.is_empty()
    }
}

/// The trust list a verification used, and its freshness at the verification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustListStatus {
    /// The format it was imported from; `None` for a list built in code.
    pub format: Option<ListFormat>,
    /// True when an anchor verified its signature; false for an unsigned source.
    pub signed: bool,
    /// Seconds since it was fetched; `None` when the fetch time is unknown, or lies after
    /// the verification time by more than [`Settings::clock_skew`](super::Settings::clock_skew)
    /// (then the list is also `stale`).
    pub age_seconds: Option<i64>,
    /// Older than [`Settings::stale_after`](super::Settings::stale_after), or fetched at a
    /// time that gives no age: the app should fetch a new list (the verification itself is
    /// unaffected unless [`Settings::refuse_after`](super::Settings::refuse_after) is set).
    pub stale: bool,
}

impl Verification {
    /// The outcome is `Valid`.
    pub fn is_valid(&self) -> bool {
        self.outcome == Outcome::Valid
    }
}

/// The verdict.
///
/// ```
/// use dcc_verify::{Outcome, UndecidableReason};
///
/// let outcome = Outcome::Undecidable { reason: UndecidableReason::NoTrustList };
/// assert_eq!(outcome.code(), "undecidable");
/// assert_eq!(outcome.reason_code(), Some("no-trust-list"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Signed by a trusted DSC, and every check passed (and every applicable business rule,
    /// when the verifier has rules).
    Valid,
    /// The certificate is not acceptable, and this will not change by retrying.
    Invalid {
        /// Why.
        reason: InvalidReason,
    },
    /// This device cannot decide (no trust list, clock not set, a rule it cannot evaluate); the
    /// certificate may be fine.
    Undecidable {
        /// Why.
        reason: UndecidableReason,
    },
}

impl Outcome {
    /// "valid", "invalid" or "undecidable".
    pub fn code(&self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid { .. } => "invalid",
            Self::Undecidable { .. } => "undecidable",
        }
    }

    /// The stable kebab-case code of the reason; `None` when valid.
    pub fn reason_code(&self) -> Option<&'static str> {
        match self {
            Self::Valid => None,
            Self::Invalid { reason } => Some(reason.code()),
            Self::Undecidable { reason } => Some(reason.code()),
        }
    }
}

/// Why a certificate is invalid. `Display` and `Debug` carry no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvalidReason {
    /// The code does not decode; the error names the stage.
    #[error("malformed: {0}")]
    Malformed(DecodeError),
    /// No algorithm, or one other than ES256 and PS256.
    #[error("unsupported signature algorithm")]
    UnsupportedAlgorithm,
    /// No trusted DSC has the certificate's kid (or it has none).
    #[error("signed by an unknown key")]
    UnknownSigner,
    /// The DSC's key cannot be used (e.g. RSA under 2048 bits).
    #[error("signer key unusable: {0}")]
    UnusableSignerKey(KeyError),
    /// The header's algorithm does not fit the DSC's key type.
    #[error("signature algorithm does not match the signer's key")]
    AlgorithmMismatch,
    /// The signature does not verify: the certificate was altered or forged.
    #[error("signature does not verify")]
    SignatureInvalid,
    /// The DSC was not valid when the certificate was signed.
    #[error("signer certificate not valid at signing time")]
    SignerNotValid,
    /// The DSC may not sign this type of certificate.
    #[error("signer may not sign {} certificates", type_name(*.0))]
    KeyUsage(CertificateType),
    /// Signed in the future (beyond the allowed clock skew).
    #[error("not yet valid")]
    NotYetValid,
    /// The signature has expired.
    #[error("expired")]
    Expired,
    /// The certificate's own validity window (an ICVP's `vls`) starts after the verification
    /// time.
    #[error("certificate not yet valid")]
    CertificateNotYetValid,
    /// The certificate's own validity window (an ICVP's `vle`, a health link's `exp`) ended
    /// before the verification time.
    #[error("certificate no longer valid")]
    CertificateExpired,
    /// The 2021 DDCC demo format (the data set as the whole CWT, no hcert claim): readable, but
    /// no GDHCN certificate, so never valid.
    #[error("2021 DDCC demo format, not an HCERT certificate")]
    LegacyFormat,
    /// The certificate departs from the specification (see
    /// [`Verification::deviations`]), and the policy is
    /// [`SchemaPolicy::Strict`](super::SchemaPolicy::Strict).
    #[error("certificate departs from the HCERT specification")]
    Deviations,
    /// The payload violates its JSON schema or the value sets, and the policy is
    /// [`SchemaPolicy::Strict`](super::SchemaPolicy::Strict); `schema` lists the violations.
    #[error("payload does not conform to the DCC schema")]
    SchemaInvalid,
    /// An applicable business rule failed; `rules` names it.
    #[error("an applicable business rule failed")]
    RulesFailed,
}

fn type_name(kind: CertificateType) -> &'static str {
    match kind {
        CertificateType::Vaccination => "vaccination",
        CertificateType::Test => "test",
        CertificateType::Recovery => "recovery",
    }
}

impl InvalidReason {
    /// A stable kebab-case code for apps and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(e) => e.code(),
            Self::UnsupportedAlgorithm => "unsupported-algorithm",
            Self::UnknownSigner => "unknown-signer",
            Self::UnusableSignerKey(_) => "unusable-signer-key",
            Self::AlgorithmMismatch => "algorithm-mismatch",
            Self::SignatureInvalid => "signature-invalid",
            Self::SignerNotValid => "signer-not-valid",
            Self::KeyUsage(_) => "key-usage",
            Self::NotYetValid => "not-yet-valid",
            Self::Expired => "expired",
            Self::CertificateNotYetValid => "certificate-not-yet-valid",
            Self::CertificateExpired => "certificate-expired",
            Self::LegacyFormat => "legacy-ddcc",
            Self::Deviations => "deviations",
            Self::SchemaInvalid => "schema-invalid",
            Self::RulesFailed => "rules-failed",
        }
    }
}

/// Why this device cannot decide.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UndecidableReason {
    /// No trust list is loaded.
    #[error("no trust list")]
    NoTrustList,
    /// The clock reads a time before any certificate existed: it has not been set.
    #[error("device clock is not set")]
    ClockNotSet,
    /// The trust list is older than [`Settings::refuse_after`](super::Settings::refuse_after).
    #[error("trust list expired")]
    TrustListExpired,
    /// No applicable business rule failed, but at least one could not be evaluated here (a
    /// newer rule engine or schema version, a broken rule): `rules` names it.
    #[error("a business rule could not be evaluated")]
    RulesOpen,
    /// Genuinely signed, but of a kind (hcert sub-claim) this library does not know: what it
    /// attests cannot be judged here.
    #[error("certificate of an unknown kind")]
    UnknownKind,
}

impl UndecidableReason {
    /// A stable kebab-case code for apps and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoTrustList => "no-trust-list",
            Self::ClockNotSet => "clock-not-set",
            Self::TrustListExpired => "trust-list-expired",
            Self::RulesOpen => "rules-open",
            Self::UnknownKind => "unknown-kind",
        }
    }
}

/// The DSC that verified the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// The DSC's key identifier.
    pub kid: Kid,
    /// The DSC subject's country.
    pub country: Option<String>,
    /// DSC validity, Unix seconds.
    pub not_before: i64,
    /// End of the DSC validity, Unix seconds.
    pub not_after: i64,
    /// The participant that lists the DSC in a WHO trust list (ISO alpha-3 or a test code);
    /// `None` for other lists.
    pub participant: Option<String>,
    /// The trust domain the DSC is listed under in a WHO trust list (`DCC`, `PH4H`, ...). Shown,
    /// never used to refuse a payload kind (WHO's own ICVP samples are signed by PH4H keys).
    pub domain: Option<String>,
    /// The trust source that lists the DSC (the first, in the order the sources were added,
    /// whose DSC verified the signature).
    pub source: Option<SignerSource>,
}

/// The trust source a signer was found in: its name and the list in force in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerSource {
    /// The name the source was added under ([`Verifier::set_source`](super::Verifier::set_source);
    /// [`Verifier::DEFAULT_SOURCE`](super::Verifier::DEFAULT_SOURCE) for a single list).
    pub name: String,
    /// The list's format; `None` for a list built in code.
    pub format: Option<ListFormat>,
    /// The GDHCN environment of a WHO list.
    pub environment: Option<Environment>,
    /// The list's own time (Unix seconds), see [`Provenance::list_time`](crate::trust::Provenance::list_time).
    pub list_time: Option<i64>,
    /// True when an anchor verified the list's signature.
    pub signed: bool,
}

impl SignerSource {
    pub(super) fn of(source: &super::sources::SourceList) -> Self {
        let provenance = source.list.provenance();
        Self {
            name: source.name.to_string(),
            format: provenance.format,
            environment: provenance.environment,
            list_time: provenance.list_time,
            signed: provenance.is_signed(),
        }
    }
}

/// The status of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CheckStatus {
    /// The check ran and passed.
    Passed,
    /// The check ran and failed.
    Failed,
    /// Not run: what it needs (a decoded payload, a verified signer) is missing.
    #[default]
    NotChecked,
}

impl CheckStatus {
    /// "passed", "failed" or "not-checked".
    pub fn code(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::NotChecked => "not-checked",
        }
    }

    pub(crate) fn from_bool(passed: bool) -> Self {
        if passed {
            Self::Passed
        } else {
            Self::Failed
        }
    }
}

/// Every check the verifier runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Checks {
    /// A trusted DSC's key verifies the signature.
    pub signature: CheckStatus,
    /// The DSC was valid at the certificate's signing time (`iat`).
    pub signer_validity: CheckStatus,
    /// The DSC's extended key usage allows this certificate type (EU DCC only).
    pub key_usage: CheckStatus,
    /// `iat` is not in the future (with the configured clock skew).
    pub issued_at: CheckStatus,
    /// `exp` has not passed. Not checked for an ICVP without `exp` (a lifelong certificate).
    pub expiry: CheckStatus,
    /// The certificate's own validity window (an ICVP's `vls`..`vle`, a health link's `exp`)
    /// holds the verification time. Not checked for kinds without one.
    pub certificate_validity: CheckStatus,
    /// The CWT issuer (`iss`) is the DSC's country. Informational: a mismatch is reported here but
    /// does not make the certificate invalid.
    pub issuer_country: CheckStatus,
}
