//! The `external` half of the data a rule sees, built the way the EU reference verifiers
//! (dgca-verifier-app-android/ios) build it.

use super::certlogic::{DateTime, Value};
use crate::payload::CertificateType;
use crate::valuesets::ValueSets;

/// What the verifier knows about the certificate and the check, besides its payload.
#[derive(Clone, Copy, Debug)]
pub struct RuleContext<'a> {
    /// The certificate's type.
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
    /// The value sets the rules see as `external.valueSets`.
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
                (
                    "valueSets",
                    Value::from_json(context.value_sets.as_external_json()),
                ),
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
