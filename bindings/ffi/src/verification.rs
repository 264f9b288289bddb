//! The verification result: the verdict with its reason, the decoded certificate, the signer
//! and every check.

use super::certificate::{
    base64, deviation_codes, CertificateType, DecodeStage, HealthCertificate, SignatureAlgorithm,
};
use super::rules::RulesResult;
use super::schema::SchemaCheck;
use super::trust::TrustListStatus;
use dcc::{verify, ValueSets};

/// The answer to "may I accept this certificate?".
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Verification {
    pub outcome: Outcome,
    /// The decoded certificate, whenever it could be decoded (even when invalid, so an app can
    /// show what was scanned; only a `Valid` outcome makes it trustworthy).
    pub certificate: Option<HealthCertificate>,
    /// The document signer certificate whose key verified the signature.
    pub signer: Option<Signer>,
    /// Every individual check.
    pub checks: Checks,
    /// The key identifier from the COSE header, base64.
    pub kid: Option<String>,
    /// The signature algorithm from the COSE header.
    pub algorithm: Option<SignatureAlgorithm>,
    /// The trust list this verification used, with its age and staleness at the verification
    /// time; `None` when there was none.
    pub trust_list: Option<TrustListStatus>,
    /// The payload against the DCC JSON schema of its version and the value sets. `None` when
    /// the schema policy is `Off`, or the certificate did not pass the cryptographic and time
    /// checks (a forged payload's shape means nothing).
    pub schema: Option<SchemaCheck>,
    /// The business rules' verdict. `None` without rules loaded, or when the certificate did
    /// not pass the cryptographic and time checks (rules only judge a genuine certificate).
    pub rules: Option<RulesResult>,
    /// Departures from the specification read anyway (stable codes, e.g. "text-kid",
    /// "iat-milliseconds"); a strict schema policy makes any of them invalid.
    pub deviations: Vec<String>,
}

impl Verification {
    /// The core's verification, display names from `value_sets` (those it used).
    pub(super) fn new(v: verify::Verification, value_sets: &ValueSets) -> Self {
        Self {
            outcome: v.outcome.into(),
            certificate: v
                .certificate
                .map(|cert| HealthCertificate::new(cert, value_sets)),
            signer: v.signer.map(Into::into),
            checks: v.checks.into(),
            kid: v.kid.as_deref().map(base64),
            algorithm: v.algorithm.map(Into::into),
            trust_list: v.trust_list.map(Into::into),
            schema: v.schema.map(Into::into),
            rules: v.rules.map(Into::into),
            deviations: deviation_codes(&v.deviations),
        }
    }

    /// The answer when verifying panicked: undecided, nothing checked, nothing from the input.
    pub(super) fn internal_error() -> Self {
        let not_checked = CheckStatus::NotChecked;
        Self {
            outcome: Outcome::Undecidable {
                reason: UndecidableReason::InternalError,
                code: "internal-error".to_owned(),
                message: super::guard::INTERNAL_ERROR.to_owned(),
            },
            certificate: None,
            signer: None,
            checks: Checks {
                signature: not_checked,
                signer_validity: not_checked,
                key_usage: not_checked,
                issued_at: not_checked,
                expiry: not_checked,
                issuer_country: not_checked,
                certificate_validity: not_checked,
            },
            kid: None,
            algorithm: None,
            trust_list: None,
            schema: None,
            rules: None,
            deviations: Vec::new(),
        }
    }
}

/// The verdict. `code` is stable kebab-case for apps to branch on, translate and log
/// (e.g. "signature-invalid"); `message` is English, free of personal data.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Outcome {
    /// Signed by a trusted key, and every check passed.
    Valid,
    /// Not acceptable, and retrying will not change that.
    Invalid {
        reason: InvalidReason,
        code: String,
        message: String,
    },
    /// This device cannot decide (no trust list, clock not set, trust list too old); the
    /// certificate may be fine.
    Undecidable {
        reason: UndecidableReason,
        code: String,
        message: String,
    },
}

impl From<verify::Outcome> for Outcome {
    fn from(outcome: verify::Outcome) -> Self {
        match outcome {
            verify::Outcome::Valid => Self::Valid,
            verify::Outcome::Invalid { reason } => Self::Invalid {
                code: reason.code().to_owned(),
                message: reason.to_string(),
                reason: reason.into(),
            },
            verify::Outcome::Undecidable { reason } => Self::Undecidable {
                code: reason.code().to_owned(),
                message: reason.to_string(),
                reason: reason.into(),
            },
        }
    }
}

/// Why a certificate is invalid.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum InvalidReason {
    /// The code does not decode.
    Malformed { stage: DecodeStage },
    /// No algorithm, or one other than ES256 and PS256.
    UnsupportedAlgorithm,
    /// No trusted key has the certificate's key identifier.
    UnknownSigner,
    /// The signer's key cannot be used (e.g. RSA under 2048 bits).
    UnusableSignerKey,
    /// The header's algorithm does not fit the signer's key type.
    AlgorithmMismatch,
    /// The signature does not verify: the certificate was altered or forged.
    SignatureInvalid,
    /// The signer's certificate was not valid when the certificate was signed.
    SignerNotValid,
    /// The signer may not sign this type of certificate.
    KeyUsage { certificate_type: CertificateType },
    /// Signed in the future (beyond the allowed clock skew).
    NotYetValid,
    /// The signature has expired.
    Expired,
    /// The certificate's own validity window (an ICVP's `vls`) has not started.
    CertificateNotYetValid,
    /// The certificate's own validity window (an ICVP's `vle`, a health link's `exp`) is over.
    CertificateExpired,
    /// The 2021 DDCC demo format: never valid.
    LegacyFormat,
    /// A departure from the specification (see `deviations`) under a strict schema policy.
    Deviations,
    /// The payload violates its JSON schema or the value sets, under a strict schema policy.
    SchemaInvalid,
    /// An applicable business rule failed.
    RulesFailed,
}

impl From<verify::InvalidReason> for InvalidReason {
    fn from(reason: verify::InvalidReason) -> Self {
        use verify::InvalidReason as Core;
        match reason {
            Core::Malformed(e) => Self::Malformed {
                stage: e.stage().into(),
            },
            Core::UnsupportedAlgorithm => Self::UnsupportedAlgorithm,
            Core::UnknownSigner => Self::UnknownSigner,
            Core::UnusableSignerKey(_) => Self::UnusableSignerKey,
            Core::AlgorithmMismatch => Self::AlgorithmMismatch,
            Core::SignatureInvalid => Self::SignatureInvalid,
            Core::SignerNotValid => Self::SignerNotValid,
            Core::KeyUsage(kind) => Self::KeyUsage {
                certificate_type: kind.into(),
            },
            Core::NotYetValid => Self::NotYetValid,
            Core::Expired => Self::Expired,
            Core::CertificateNotYetValid => Self::CertificateNotYetValid,
            Core::CertificateExpired => Self::CertificateExpired,
            Core::LegacyFormat => Self::LegacyFormat,
            Core::Deviations => Self::Deviations,
            Core::SchemaInvalid => Self::SchemaInvalid,
            Core::RulesFailed => Self::RulesFailed,
        }
    }
}

/// Why this device cannot decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum UndecidableReason {
    /// No trust list is loaded.
    NoTrustList,
    /// The clock reads a time before any certificate existed: it has not been set.
    ClockNotSet,
    /// The trust list is older than the configured `refuse_after`.
    TrustListExpired,
    /// A business rule could not be evaluated (and none failed).
    RulesOpen,
    /// Genuine, but of a kind this version does not know.
    UnknownKind,
    /// dcc-verify failed internally (a bug, caught before it reached the app): nothing was
    /// checked. Code "internal-error".
    InternalError,
}

impl From<verify::UndecidableReason> for UndecidableReason {
    fn from(reason: verify::UndecidableReason) -> Self {
        match reason {
            verify::UndecidableReason::NoTrustList => Self::NoTrustList,
            verify::UndecidableReason::ClockNotSet => Self::ClockNotSet,
            verify::UndecidableReason::TrustListExpired => Self::TrustListExpired,
            verify::UndecidableReason::RulesOpen => Self::RulesOpen,
            verify::UndecidableReason::UnknownKind => Self::UnknownKind,
        }
    }
}

/// The document signer certificate (DSC) that verified the signature.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Signer {
    /// Its key identifier, base64.
    pub kid: String,
    /// Its subject's country.
    pub country: Option<String>,
    /// Its validity, Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// The participant that lists it in a WHO trust list (alpha-3 or a test code).
    pub participant: Option<String>,
    /// The trust domain it is listed under in a WHO trust list (DCC, PH4H, ...).
    pub domain: Option<String>,
    /// The trust source that lists it (see `Verifier.add_source`).
    pub source: Option<SignerSource>,
}

impl From<verify::Signer> for Signer {
    fn from(signer: verify::Signer) -> Self {
        Self {
            kid: signer.kid.to_base64(),
            country: signer.country,
            not_before: signer.not_before,
            not_after: signer.not_after,
            participant: signer.participant,
            domain: signer.domain,
            source: signer.source.map(Into::into),
        }
    }
}

/// The trust source a signer was found in, and its list in force.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignerSource {
    /// The name the source was added under ("default" for the single list of
    /// `load_trust_list` and `open_cache`).
    pub name: String,
    /// The list's format; null for a list built in code.
    pub format: Option<crate::trust::TrustListFormat>,
    /// The GDHCN environment of a WHO list: "prod", "uat" or "dev".
    pub environment: Option<String>,
    /// The list's own time, Unix seconds (WHO: `proof.created`; German: the newest entry).
    pub list_time: Option<i64>,
    /// True when an anchor verified the list's signature.
    pub signed: bool,
}

impl From<verify::SignerSource> for SignerSource {
    fn from(source: verify::SignerSource) -> Self {
        Self {
            name: source.name,
            format: source.format.map(Into::into),
            environment: source.environment.map(|e| e.code().to_owned()),
            list_time: source.list_time,
            signed: source.signed,
        }
    }
}

/// The status of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CheckStatus {
    Passed,
    Failed,
    /// Not run: what it needs (a decoded payload, a verified signer) is missing.
    NotChecked,
}

impl From<verify::CheckStatus> for CheckStatus {
    fn from(status: verify::CheckStatus) -> Self {
        match status {
            verify::CheckStatus::Passed => Self::Passed,
            verify::CheckStatus::Failed => Self::Failed,
            verify::CheckStatus::NotChecked => Self::NotChecked,
        }
    }
}

/// Every check the verifier runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Checks {
    /// A trusted key verifies the signature.
    pub signature: CheckStatus,
    /// The signer's certificate was valid at the signing time (`iat`).
    pub signer_validity: CheckStatus,
    /// The signer may sign this certificate type (extended key usage).
    pub key_usage: CheckStatus,
    /// `iat` is not in the future (with the configured clock skew).
    pub issued_at: CheckStatus,
    /// `exp` has not passed.
    pub expiry: CheckStatus,
    /// The certificate's own validity window (an ICVP's `vls`..`vle`, a health link's `exp`).
    pub certificate_validity: CheckStatus,
    /// The issuer (`iss`) is the signer's country. Informational: a mismatch does not make
    /// the certificate invalid.
    pub issuer_country: CheckStatus,
}

impl From<verify::Checks> for Checks {
    fn from(checks: verify::Checks) -> Self {
        Self {
            signature: checks.signature.into(),
            signer_validity: checks.signer_validity.into(),
            key_usage: checks.key_usage.into(),
            issued_at: checks.issued_at.into(),
            expiry: checks.expiry.into(),
            certificate_validity: checks.certificate_validity.into(),
            issuer_country: checks.issuer_country.into(),
        }
    }
}
