//! What the hcert claim carries: one certificate of one kind. The EU DCC is one kind among the
//! WHO GDHCN's (HCERT 1.1.1, sub-claims of claim -260).

use std::fmt::{self, Debug, Formatter};

use super::ddcc::Ddcc;
use super::health_link::HealthLink;
use super::icvp::Icvp;
use super::medication::MedicationOverview;
use super::{json, Dcc, PayloadError};
use crate::cwt::Hcert;
use crate::deviation::Deviation;

/// The kind of certificate, by where it sits in the CWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Kind {
    /// Sub-claim 1: the EU Digital COVID Certificate.
    EuDcc,
    /// Sub-claim -6: the International Certificate of Vaccination or Prophylaxis (the digital
    /// yellow-fever card), ICVPMin or the older 2024 DVC shape.
    Icvp,
    /// Sub-claim 5: a signed pointer to content elsewhere (SMART Health Link / Verifiable
    /// Health Link).
    HealthLink,
    /// Sub-claim -7: the PH4H medication overview.
    MedicationOverview,
    /// Sub-claim 3: DDCC vaccination status.
    DdccVs,
    /// Sub-claim 4: DDCC test result.
    DdccTr,
    /// The 2021 DDCC demo format: the data set as the whole CWT, no hcert claim. Never valid.
    LegacyDdcc,
    /// A sub-claim this library does not know.
    Unknown,
}

impl Kind {
    /// A stable kebab-case code: "eu-dcc", "icvp", "health-link", "medication-overview",
    /// "ddcc-vs", "ddcc-tr", "legacy-ddcc" or "unknown".
    pub fn code(self) -> &'static str {
        match self {
            Self::EuDcc => "eu-dcc",
            Self::Icvp => "icvp",
            Self::HealthLink => "health-link",
            Self::MedicationOverview => "medication-overview",
            Self::DdccVs => "ddcc-vs",
            Self::DdccTr => "ddcc-tr",
            Self::LegacyDdcc => "legacy-ddcc",
            Self::Unknown => "unknown",
        }
    }

    /// A short name for people: "EU DCC", "ICVP", "health link", ...
    pub fn name(self) -> &'static str {
        match self {
            Self::EuDcc => "EU DCC",
            Self::Icvp => "ICVP",
            Self::HealthLink => "health link",
            Self::MedicationOverview => "medication overview",
            Self::DdccVs => "DDCC:VS",
            Self::DdccTr => "DDCC:TR",
            Self::LegacyDdcc => "legacy DDCC demo",
            Self::Unknown => "unknown kind",
        }
    }

    /// Every kind, for documentation and bindings.
    pub const ALL: [Kind; 8] = [
        Self::EuDcc,
        Self::Icvp,
        Self::HealthLink,
        Self::MedicationOverview,
        Self::DdccVs,
        Self::DdccTr,
        Self::LegacyDdcc,
        Self::Unknown,
    ];
}

/// Sub-claim keys of the hcert claim (HCERT 1.1.1).
const EU_DCC: i64 = 1;
const DDCC_VS: i64 = 3;
const DDCC_TR: i64 = 4;
const HEALTH_LINK: i64 = 5;
const ICVP: i64 = crate::cwt::HCERT_ICVP;
const MEDICATION_OVERVIEW: i64 = -7;

/// The certificate a CWT carries, one case per kind.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Content {
    /// Sub-claim 1.
    EuDcc(Dcc),
    /// Sub-claim -6.
    Icvp(Icvp),
    /// Sub-claim 5: the signed pointer only; what it points to is not retrieved or verified.
    HealthLink(HealthLink),
    /// Sub-claim -7.
    MedicationOverview(MedicationOverview),
    /// Sub-claim 3.
    DdccVs(Ddcc),
    /// Sub-claim 4.
    DdccTr(Ddcc),
    /// The 2021 demo format (no hcert claim): never valid.
    LegacyDdcc(Ddcc),
    /// Any other sub-claim: never valid ([`UndecidableReason::UnknownKind`](crate::UndecidableReason::UnknownKind)).
    Unknown(UnknownContent),
}

/// A sub-claim this library does not know: its key, and its value as JSON for display (it may
/// hold personal data; `Debug` never prints it).
#[derive(Clone, PartialEq)]
pub struct UnknownContent {
    /// The sub-claim's key in the hcert claim.
    pub key: i64,
    /// Its value as JSON (byte strings as base64, non-text map keys flattened).
    pub value: serde_json::Value,
}

impl Debug for UnknownContent {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnknownContent")
            .field("key", &self.key)
            .field("value", &format_args!("<redacted>"))
            .finish()
    }
}

impl Content {
    /// Decodes the certificate found in the CWT. Health links add their deviations.
    pub fn from_hcert(hcert: Hcert, deviations: &mut Vec<Deviation>) -> Result<Self, PayloadError> {
        Ok(match hcert {
            Hcert::Legacy(value) => Self::LegacyDdcc(Ddcc::from_cbor(value, "legacy")?),
            Hcert::Subclaim { key, value } => match key {
                EU_DCC => Self::EuDcc(Dcc::from_cbor(value)?),
                ICVP => Self::Icvp(Icvp::from_cbor(value)?),
                HEALTH_LINK => Self::HealthLink(HealthLink::from_cbor(value, deviations)?),
                MEDICATION_OVERVIEW => {
                    Self::MedicationOverview(MedicationOverview::from_cbor(value)?)
                }
                DDCC_VS => Self::DdccVs(Ddcc::from_cbor(value, "ddcc-vs")?),
                DDCC_TR => Self::DdccTr(Ddcc::from_cbor(value, "ddcc-tr")?),
                key => Self::Unknown(UnknownContent {
                    key,
                    value: json::from_cbor(&value),
                }),
            },
        })
    }

    /// The kind, by the case.
    pub fn kind(&self) -> Kind {
        match self {
            Self::EuDcc(_) => Kind::EuDcc,
            Self::Icvp(_) => Kind::Icvp,
            Self::HealthLink(_) => Kind::HealthLink,
            Self::MedicationOverview(_) => Kind::MedicationOverview,
            Self::DdccVs(_) => Kind::DdccVs,
            Self::DdccTr(_) => Kind::DdccTr,
            Self::LegacyDdcc(_) => Kind::LegacyDdcc,
            Self::Unknown(_) => Kind::Unknown,
        }
    }

    /// The EU DCC, when this is one.
    pub fn dcc(&self) -> Option<&Dcc> {
        match self {
            Self::EuDcc(dcc) => Some(dcc),
            _ => None,
        }
    }

    /// The certificate's own validity window, Unix seconds (an ICVP's `vls`..`vle`, a health
    /// link's `exp`); `None` for kinds that have none. Either end may be open.
    pub fn validity(&self) -> Option<(Option<i64>, Option<i64>)> {
        match self {
            Self::Icvp(icvp) => Some(icvp.validity()),
            Self::HealthLink(link) => Some((None, link.expires_at)),
            _ => None,
        }
    }

    /// The certificate as JSON, as issued (personal data included: for display to the holder
    /// or an officer, never for logs). A health link's key is left out.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::EuDcc(dcc) => dcc.to_json(),
            Self::Icvp(icvp) => icvp.to_json(),
            Self::HealthLink(link) => link.to_json(),
            Self::MedicationOverview(overview) => overview.to_json(),
            Self::DdccVs(ddcc) | Self::DdccTr(ddcc) | Self::LegacyDdcc(ddcc) => ddcc.to_json(),
            Self::Unknown(unknown) => unknown.value.clone(),
        }
    }
}
