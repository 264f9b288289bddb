//! The `external` half of the data a rule sees, built the way the EU reference verifiers
//! (dgca-verifier-app-android/ios) build it.

use std::collections::BTreeMap;

use super::certlogic::{DateTime, Value};
use super::select::CertificateType;

/// Value sets as rules see them under `external.valueSets`: value set id → array of codes
/// (the "compressed" form of the EU value sets).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValueSets(serde_json::Value);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("value sets must be a JSON object mapping each id to an array of code strings")]
pub struct ValueSetsError;

impl ValueSets {
    /// From the JSON object `{"<value set id>": ["<code>", ...], ...}`.
    pub fn from_json(json: serde_json::Value) -> Result<ValueSets, ValueSetsError> {
        let well_formed = json.as_object().is_some_and(|sets| {
            sets.values().all(|codes| {
                codes
                    .as_array()
                    .is_some_and(|codes| codes.iter().all(serde_json::Value::is_string))
            })
        });
        well_formed.then_some(ValueSets(json)).ok_or(ValueSetsError)
    }

    pub fn from_codes<I, C>(sets: I) -> ValueSets
    where
        I: IntoIterator<Item = (String, C)>,
        C: IntoIterator<Item = String>,
    {
        let sets: BTreeMap<String, Vec<String>> = sets
            .into_iter()
            .map(|(id, codes)| (id, codes.into_iter().collect()))
            .collect();
        ValueSets(serde_json::json!(sets))
    }

    pub fn as_json(&self) -> &serde_json::Value {
        &self.0
    }
}

/// What the verifier knows about the certificate and the check, besides its payload.
#[derive(Clone, Copy, Debug)]
pub struct RuleContext<'a> {
    pub certificate_type: CertificateType,
    /// ISO 3166 alpha-2 code of the issuing country (the DCC's `co`, or the CWT issuer).
    pub issuer_country: &'a str,
    /// ISO 3166 alpha-2 code of the country of arrival, whose acceptance rules apply.
    pub arrival_country: &'a str,
    /// The region within the country of arrival, if the rules distinguish regions.
    pub region: Option<&'a str>,
    /// The moment the certificate is checked for.
    pub validation_clock: DateTime,
    /// CWT `iat`.
    pub issued_at: Option<DateTime>,
    /// CWT `exp`.
    pub expires_at: Option<DateTime>,
    /// The signing key's id, base64.
    pub kid: Option<&'a str>,
    pub value_sets: &'a ValueSets,
}

/// The date-times of `external`, written out once per certificate.
pub(super) struct ExternalTexts {
    validation_clock: String,
    issued_at: Option<String>,
    expires_at: Option<String>,
}

impl ExternalTexts {
    pub fn new(context: &RuleContext<'_>) -> ExternalTexts {
        let iso = |instant: DateTime| {
            let mut text = String::with_capacity(24);
            instant.write_iso(&mut text);
            text
        };
        ExternalTexts {
            validation_clock: iso(context.validation_clock),
            issued_at: context.issued_at.map(iso),
            expires_at: context.expires_at.map(iso),
        }
    }

    /// `{payload, external}` over borrowed parts. Absent facts are left out (`var` reads them as
    /// `null`).
    pub fn data<'a>(
        &'a self,
        payload: &'a serde_json::Value,
        context: &RuleContext<'a>,
    ) -> Value<'a> {
        let optional = [
            ("exp", self.expires_at.as_deref()),
            ("iat", self.issued_at.as_deref()),
            ("kid", context.kid),
            ("region", context.region),
        ];
        let external = Value::record(
            [
                ("validationClock", Value::string(&self.validation_clock)),
                ("valueSets", Value::from_json(context.value_sets.as_json())),
                ("countryCode", Value::string(context.arrival_country)),
                ("issuerCountryCode", Value::string(context.issuer_country)),
            ]
            .into_iter()
            .chain(
                optional
                    .into_iter()
                    .filter_map(|(key, text)| Some((key, Value::string(text?)))),
            ),
        );
        Value::record([
            ("payload", Value::from_json(payload)),
            ("external", external),
        ])
    }
}
