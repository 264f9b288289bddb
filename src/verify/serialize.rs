//! `serde::Serialize` for the verification result (feature `serde`): the JSON that
//! `dcc-verify verify --json` prints, one definition for the command-line tool, the HTTP service
//! and any application that logs or forwards results.
//!
//! Nothing personal is serialised: a [`Verification`] writes its verdict, the checks, the signer's
//! country, the trust list's status and the certificate's issuer, type, schema version and
//! validity, never the holder's name, date of birth or certificate identifier (the
//! [`HealthCertificate`](crate::HealthCertificate) it carries has no `Serialize`).
//!
//! Every object writes its fields in alphabetical order, the order a [`serde_json::Value`]
//! keeps, so that serialising directly and through [`Verification::to_json_value`] print the
//! same text.

use base64::Engine;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::result::{
    CheckStatus, Checks, InvalidReason, Outcome, SchemaCheck, Signer, SignerSource,
    TrustListStatus, UndecidableReason, Verification,
};
use crate::payload::{Content, IcvpShape};
use crate::rules::{RuleVerdict, RulesResult};
use crate::schema::SchemaViolation;
use crate::trust::{Kid, ListFormat};
use crate::valuesets::ValueSetViolation;

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

impl Verification {
    /// The result as JSON, exactly what `dcc-verify verify --json` prints for it. Carries no
    /// personal data (see the [`Serialize`] implementation).
    ///
    /// ```
    /// use dcc_verify::{Settings, Verifier};
    ///
    /// let verification = Verifier::new(Settings::default()).verify("HC1:not base45");
    /// let json = verification.to_json_value();
    /// assert_eq!(json["outcome"], "invalid");
    /// assert_eq!(json["reason"], "malformed-base45");
    /// assert_eq!(json["checks"]["signature"], "not-checked");
    /// ```
    pub fn to_json_value(&self) -> serde_json::Value {
        // Serialising plain strings, numbers and options into a Value cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// An object with `outcome` (`"valid"`, `"invalid"`, `"undecidable"`), `reason` (the reason
/// code, `null` when valid), `kid` (base64, `null` when the code had none), the certificate's
/// `kind` (`"eu-dcc"`, `"icvp"`, `"health-link"`, `"medication-overview"`, `"ddcc-vs"`,
/// `"ddcc-tr"`, `"legacy-ddcc"`, `"unknown"`), `issuer`, `type` (`"v"`, `"t"`, `"r"`; EU DCC
/// only), `schema` (its declared version; EU DCC only), `iat` and `exp` (Unix seconds; all
/// `null` when it did not decode), `content` (what another kind attests, without personal data:
/// an ICVP's products and validity, a health link's host, flags and expiry, the number of
/// medications; `null` for the EU DCC), `deviations` (codes of the departures from the
/// specification read anyway), `signer_country`, `source` (the trust source of the signer, see
/// [`SignerSource`]; `null` without a signer), `checks`, `trust_list`, `schema_check` and
/// `rules` (`null` when not run).
impl Serialize for Verification {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let certificate = self.certificate.as_ref();
        let dcc = certificate.and_then(|c| c.dcc());
        let mut object = serializer.serialize_struct("Verification", 17)?;
        object.serialize_field("checks", &self.checks)?;
        object.serialize_field("content", &certificate.and_then(|c| content(&c.content)))?;
        let deviations: Vec<&str> = self.deviations.iter().map(|d| d.code()).collect();
        object.serialize_field("deviations", &deviations)?;
        object.serialize_field("exp", &certificate.and_then(|c| c.expires_at))?;
        object.serialize_field("iat", &certificate.and_then(|c| c.issued_at))?;
        object.serialize_field("issuer", &certificate.and_then(|c| c.issuer.as_deref()))?;
        object.serialize_field("kid", &self.kid.as_deref().map(base64))?;
        object.serialize_field("kind", &certificate.map(|c| c.kind().code()))?;
        object.serialize_field("outcome", self.outcome.code())?;
        object.serialize_field("reason", &self.outcome.reason_code())?;
        object.serialize_field("rules", &self.rules)?;
        object.serialize_field("schema", &dcc.map(|d| d.version.as_str()))?;
        object.serialize_field("schema_check", &self.schema)?;
        let signer_country = self.signer.as_ref().and_then(|s| s.country.as_deref());
        object.serialize_field("signer_country", &signer_country)?;
        let source = self.signer.as_ref().and_then(|s| s.source.as_ref());
        object.serialize_field("source", &source)?;
        object.serialize_field("trust_list", &self.trust_list)?;
        let kind = dcc.map(|d| d.certificate_type().code());
        object.serialize_field("type", &kind)?;
        object.end()
    }
}

/// What a certificate of another kind than the EU DCC attests, without personal data (no name,
/// birth date, identifier, link key or label, no medication): an ICVP's shape and, per
/// vaccination, product id and name and validity window (not the date of vaccination); a health link's scheme, host,
/// flags and expiry, with `content_verified: false`; a medication overview's count; an
/// unknown kind's sub-claim key. Keys sort alphabetically, as everywhere here.
fn content(content: &Content) -> Option<serde_json::Value> {
    use serde_json::json;
    match content {
        Content::Icvp(icvp) => Some(json!({
            "shape": match icvp.shape {
                IcvpShape::IcvpMin => "icvp-min",
                IcvpShape::Dvc2024 => "dvc-2024",
            },
            "vaccinations": icvp.vaccinations.iter().map(|v| json!({
                "name": v.display_name(),
                "product": v.product,
                "valid_from": v.valid_from,
                "valid_until": v.valid_until,
            })).collect::<Vec<_>>(),
        })),
        Content::HealthLink(link) => Some(json!({
            "content_verified": false,
            "direct_file": link.direct_file(),
            "host": link.host(),
            "link_exp": link.expires_at,
            "passcode": link.needs_passcode(),
            "scheme": link.scheme.code(),
        })),
        Content::MedicationOverview(overview) => Some(json!({
            "medications": overview.medications.len(),
        })),
        Content::Unknown(unknown) => Some(json!({ "key": unknown.key })),
        _ => None,
    }
}

/// `{"outcome": "...", "reason": "..."}`, the same two fields as in a [`Verification`].
impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("Outcome", 2)?;
        object.serialize_field("outcome", self.code())?;
        object.serialize_field("reason", &self.reason_code())?;
        object.end()
    }
}

/// The reason code, e.g. `"signature-invalid"`.
impl Serialize for InvalidReason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// The reason code, e.g. `"no-trust-list"`.
impl Serialize for UndecidableReason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// `"passed"`, `"failed"` or `"not-checked"`.
impl Serialize for CheckStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// One field per check, named as in [`Checks`].
impl Serialize for Checks {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("Checks", 7)?;
        object.serialize_field("certificate_validity", &self.certificate_validity)?;
        object.serialize_field("expiry", &self.expiry)?;
        object.serialize_field("issued_at", &self.issued_at)?;
        object.serialize_field("issuer_country", &self.issuer_country)?;
        object.serialize_field("key_usage", &self.key_usage)?;
        object.serialize_field("signature", &self.signature)?;
        object.serialize_field("signer_validity", &self.signer_validity)?;
        object.end()
    }
}

/// `{"country", "domain", "kid", "not_after", "not_before", "participant", "source"}`: the kid
/// in base64, validity in Unix seconds.
impl Serialize for Signer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("Signer", 7)?;
        object.serialize_field("country", &self.country)?;
        object.serialize_field("domain", &self.domain)?;
        object.serialize_field("kid", &self.kid)?;
        object.serialize_field("not_after", &self.not_after)?;
        object.serialize_field("not_before", &self.not_before)?;
        object.serialize_field("participant", &self.participant)?;
        object.serialize_field("source", &self.source)?;
        object.end()
    }
}

/// `{"environment", "format", "list_time", "name", "signed"}`: the environment `"prod"`,
/// `"uat"` or `"dev"` (WHO lists; else `null`), the list time in Unix seconds.
impl Serialize for SignerSource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("SignerSource", 5)?;
        object.serialize_field("environment", &self.environment.map(|e| e.code()))?;
        object.serialize_field("format", &self.format)?;
        object.serialize_field("list_time", &self.list_time)?;
        object.serialize_field("name", &self.name)?;
        object.serialize_field("signed", &self.signed)?;
        object.end()
    }
}

/// Base64, the form trust lists use.
impl Serialize for Kid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

/// `"de"`, `"at"`, `"json"` or `"pem"`.
impl Serialize for ListFormat {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// `{"age_seconds", "format", "signed", "stale"}`.
impl Serialize for TrustListStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("TrustListStatus", 4)?;
        object.serialize_field("age_seconds", &self.age_seconds)?;
        object.serialize_field("format", &self.format)?;
        object.serialize_field("signed", &self.signed)?;
        object.serialize_field("stale", &self.stale)?;
        object.end()
    }
}

/// `{"schema", "value_set_violations", "violations"}`: paths and kinds, never a value.
impl Serialize for SchemaCheck {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("SchemaCheck", 3)?;
        object.serialize_field("schema", self.version.as_str())?;
        object.serialize_field("value_set_violations", &self.value_set_violations)?;
        object.serialize_field("violations", &self.violations)?;
        object.end()
    }
}

/// `{"kind", "path"}`: the kind's code (the JSON Schema keyword) and the JSON pointer.
impl Serialize for SchemaViolation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("SchemaViolation", 2)?;
        object.serialize_field("kind", self.kind.code())?;
        object.serialize_field("path", &self.path)?;
        object.end()
    }
}

/// `{"kind", "path", "value_set"}`: the kind's code, the JSON pointer, the value set's id.
impl Serialize for ValueSetViolation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("ValueSetViolation", 3)?;
        object.serialize_field("kind", self.kind.code())?;
        object.serialize_field("path", &self.path)?;
        object.serialize_field("value_set", self.value_set.value_set_id())?;
        object.end()
    }
}

/// `{"arrival_country_has_rules", "failed", "failed_ids", "open", "open_ids", "passed"}`: the
/// counts and the identifiers of the rules that failed or could not be evaluated, and whether
/// the country of arrival had any acceptance rule.
impl Serialize for RulesResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("RulesResult", 6)?;
        object.serialize_field("arrival_country_has_rules", &self.arrival_country_has_rules)?;
        object.serialize_field("failed", &self.failed)?;
        object.serialize_field("failed_ids", &identifiers(self.failed_rules()))?;
        object.serialize_field("open", &self.open)?;
        object.serialize_field("open_ids", &identifiers(self.open_rules()))?;
        object.serialize_field("passed", &self.passed)?;
        object.end()
    }
}

fn identifiers<'a>(verdicts: impl Iterator<Item = &'a RuleVerdict>) -> Vec<&'a str> {
    verdicts
        .map(|verdict| verdict.identifier.as_str())
        .collect()
}
