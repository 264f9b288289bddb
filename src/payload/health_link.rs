//! Health links (sub-claim 5): a signed pointer to health data held elsewhere, as a SMART
//! Health Link (`shlink:/` + base64url JSON) or the spec's Verifiable Health Link (`vhlink:/`).
//! The signature covers the pointer only: the content behind the link is never fetched here,
//! and nothing about it is verified.

use std::fmt::{self, Debug, Formatter};

use base64::Engine;
use ciborium::Value;
use serde::Deserialize;
use serde_json::Value as Json;

use super::PayloadError;
use crate::deviation::{self, Deviation};

/// The link's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkScheme {
    /// `shlink:/` (SMART Health Links).
    Shlink,
    /// `vhlink:/` (WHO's Verifiable Health Link).
    Vhlink,
}

impl LinkScheme {
    /// "shlink" or "vhlink".
    pub fn code(self) -> &'static str {
        match self {
            Self::Shlink => "shlink",
            Self::Vhlink => "vhlink",
        }
    }
}

/// A decoded health link. The key that decrypts the content is personal-data grade: it is
/// never in `Debug`, errors or the JSON of a verification; only [`HealthLink::key`] gives it.
/// `Debug` shows the URL's host only (its path may identify the holder's data) and the label's
/// presence only.
#[derive(Clone, PartialEq)]
pub struct HealthLink {
    /// `shlink:/` or `vhlink:/`.
    pub scheme: LinkScheme,
    /// `url`: where the manifest (or, with flag U, the file) is.
    pub url: String,
    /// `flag`: as issued, e.g. "P" or "LU".
    pub flags: String,
    /// `exp`: when the link stops working, Unix seconds.
    pub expires_at: Option<i64>,
    /// `label`: a short description for people.
    pub label: Option<String>,
    key: String,
}

/// The JSON inside the link. Derived deserialisation refuses a member given twice.
#[derive(Deserialize)]
struct LinkPayload {
    url: String,
    key: String,
    /// `Some(Null)` for `"exp": null`, `None` when absent.
    #[serde(default, deserialize_with = "present")]
    exp: Option<Json>,
    #[serde(default)]
    flag: Option<String>,
    #[serde(default)]
    label: Option<String>,
}

/// A member that is present, even as `null` (serde reads `null` as an absent `Option`).
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Json>, D::Error> {
    Json::deserialize(deserializer).map(Some)
}

const PATH: &str = "health-link";

impl HealthLink {
    /// The host of [`url`](Self::url), e.g. "lacpass.create.cl:8182"; empty when the URL has
    /// none.
    pub fn host(&self) -> &str {
        let rest = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, rest)| rest);
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = rest.get(..end).unwrap_or_default();
        // Credentials before '@' are not the host (and not for display).
        authority.rsplit('@').next().unwrap_or_default()
    }

    /// Flag P: the content needs a passcode the holder knows.
    pub fn needs_passcode(&self) -> bool {
        self.flags.contains('P')
    }

    /// Flag U: the URL points at the (encrypted) file itself, not a manifest.
    pub fn direct_file(&self) -> bool {
        self.flags.contains('U')
    }

    /// The key that decrypts the content (base64url). Personal-data grade: never log it.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The sub-claim: `[{"u": "<link>"}]` as every real QR has it, or the link text itself.
    pub(super) fn from_cbor(
        value: Value,
        deviations: &mut Vec<Deviation>,
    ) -> Result<Self, PayloadError> {
        let wrong = PayloadError::WrongType(PATH);
        let text = match value {
            Value::Text(text) => text,
            Value::Array(items) => {
                let mut items = items.into_iter();
                let (Some(item), None) = (items.next(), items.next()) else {
                    // None, or several links: which one is presented is ambiguous.
                    return Err(wrong);
                };
                let mut map = super::Fields::new(item, PATH)?;
                map.text("u", "health-link.u")?
            }
            _ => return Err(wrong),
        };
        Self::parse(&text, deviations)
    }

    /// Parses `shlink:/…` or `vhlink:/…`, optionally after a viewer URL and `#`.
    pub fn parse(text: &str, deviations: &mut Vec<Deviation>) -> Result<Self, PayloadError> {
        let wrong = PayloadError::WrongType(PATH);
        let link = text.rsplit_once('#').map_or(text, |(_, link)| link);
        let (scheme, encoded) = if let Some(rest) = link.strip_prefix("shlink:/") {
            (LinkScheme::Shlink, rest)
        } else if let Some(rest) = link.strip_prefix("vhlink:/") {
            (LinkScheme::Vhlink, rest)
        } else {
            return Err(wrong);
        };
        // "shlink://…" is how the test bed writes it; a second slash cannot be base64url.
        let encoded = encoded.strip_prefix('/').unwrap_or(encoded);
        let json = decode_base64(encoded).ok_or(wrong.clone())?;
        // serde's messages quote values (the key): map every failure to the path alone.
        let payload: LinkPayload = serde_json::from_slice(&json).map_err(|_| wrong.clone())?;
        let expires_at = match payload.exp {
            None => None,
            Some(Json::Null) => {
                deviation::note(deviations, Deviation::LinkExpiryNull);
                None
            }
            Some(Json::Number(n)) => {
                let seconds = n
                    .as_i64()
                    .or_else(|| {
                        n.as_f64()
                            .filter(|f| f.is_finite() && f.abs() < 9e18)
                            .map(|f| f.floor() as i64)
                    })
                    .ok_or(PayloadError::WrongType("health-link.exp"))?;
                // As for the CWT's own times: above the year 5138 in seconds, it is milliseconds.
                if seconds > crate::cwt::MILLISECONDS_ABOVE
                    && seconds / 1000 < crate::cwt::MILLISECONDS_UNTIL
                {
                    deviation::note(deviations, Deviation::LinkExpiryMilliseconds);
                    Some(seconds.div_euclid(1000))
                } else {
                    Some(seconds)
                }
            }
            Some(_) => return Err(PayloadError::WrongType("health-link.exp")),
        };
        Ok(Self {
            scheme,
            url: payload.url,
            flags: payload.flag.unwrap_or_default(),
            expires_at,
            label: payload.label,
            key: payload.key,
        })
    }

    /// The link as JSON, without its key.
    pub(super) fn to_json(&self) -> Json {
        serde_json::json!({
            "scheme": self.scheme.code(),
            "url": self.url,
            "flag": self.flags,
            "exp": self.expires_at,
            "label": self.label,
        })
    }
}

/// base64url as the specification has it (no padding), and what issuers write: padded, or the
/// standard alphabet. The alphabets differ only in `-_` against `+/`, so every reading agrees.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    let lenient =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient)
        .decode(text)
        .or_else(|_| GeneralPurpose::new(&base64::alphabet::STANDARD, lenient).decode(text))
        .ok()
}

impl Debug for HealthLink {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("HealthLink")
            .field("scheme", &self.scheme)
            .field("host", &self.host())
            .field("flags", &self.flags)
            .field("expires_at", &self.expires_at)
            // A label may name the holder ("Jane's records"): presence only.
            .field(
                "label",
                &self.label.as_ref().map(|_| format_args!("<redacted>")),
            )
            .field("key", &format_args!("<redacted>"))
            .finish_non_exhaustive()
    }
}
