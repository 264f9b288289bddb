//! The decode pipeline, stage by stage: QR text → COSE_Sign1 → health certificate.

use thiserror::Error;

use crate::base45::{self, Base45Error};
use crate::cose::{Algorithm, CoseError, CoseSign1};
use crate::cwt::{self, CwtError};
use crate::inflate::{self, InflateError};
use crate::limits::MAX_QR_TEXT_BYTES;
use crate::payload::{Dcc, PayloadError};
use crate::prefix::{self, PrefixError};

/// The pipeline stages, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    Prefix,
    Base45,
    Inflate,
    Cose,
    Cwt,
    Payload,
}

/// Why a QR text does not decode, by stage. Never carries personal data.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Longer than any QR code can hold ([`MAX_QR_TEXT_BYTES`]); refused before decoding.
    #[error("input of {0} bytes is longer than a QR code can hold")]
    TooLong(usize),
    #[error(transparent)]
    Prefix(#[from] PrefixError),
    #[error(transparent)]
    Base45(#[from] Base45Error),
    #[error(transparent)]
    Inflate(#[from] InflateError),
    #[error(transparent)]
    Cose(#[from] CoseError),
    #[error(transparent)]
    Cwt(#[from] CwtError),
    #[error(transparent)]
    Payload(#[from] PayloadError),
}

impl DecodeError {
    /// The stage that failed.
    pub fn stage(&self) -> Stage {
        match self {
            Self::TooLong(_) | Self::Prefix(_) => Stage::Prefix,
            Self::Base45(_) => Stage::Base45,
            Self::Inflate(_) => Stage::Inflate,
            Self::Cose(_) => Stage::Cose,
            Self::Cwt(_) => Stage::Cwt,
            Self::Payload(_) => Stage::Payload,
        }
    }

    /// A stable kebab-case code for apps and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLong(_) => "input-too-long",
            Self::Prefix(PrefixError::Unsupported(_)) => "unsupported-prefix",
            Self::Prefix(PrefixError::Missing) => "malformed-prefix",
            Self::Base45(_) => "malformed-base45",
            Self::Inflate(_) => "malformed-compression",
            Self::Cose(_) => "malformed-cose",
            Self::Cwt(_) => "malformed-cwt",
            Self::Payload(_) => "malformed-payload",
        }
    }
}

/// A decoded health certificate: the CWT claims and the DCC payload.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthCertificate {
    /// Issuing country from the CWT (`iss`), when present.
    pub issuer: Option<String>,
    /// Signing time (`iat`), Unix seconds.
    pub issued_at: i64,
    /// Expiry of the signature (`exp`), Unix seconds.
    pub expires_at: i64,
    pub dcc: Dcc,
}

/// What [`decode`] finds in a QR text, without checking the signature.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The key identifier from the COSE header.
    pub kid: Option<Vec<u8>>,
    /// The signature algorithm from the COSE header.
    pub algorithm: Option<Algorithm>,
    pub certificate: HealthCertificate,
}

/// Decodes a QR text into its certificate, without checking the signature.
///
/// Use this to show what a code contains; only [`crate::Verifier`] says whether to trust it.
pub fn decode(qr: &str) -> Result<Decoded, DecodeError> {
    let cose = cose(qr)?;
    Ok(Decoded {
        kid: cose.kid().map(<[u8]>::to_vec),
        algorithm: cose.algorithm().map(|(alg, _)| alg),
        certificate: certificate(&cose)?,
    })
}

/// Stages 1-4: QR text to COSE_Sign1.
pub fn cose(qr: &str) -> Result<CoseSign1, DecodeError> {
    if qr.len() > MAX_QR_TEXT_BYTES {
        return Err(DecodeError::TooLong(qr.len()));
    }
    let text = prefix::strip(qr)?;
    let compressed = base45::decode(text)?;
    let cose = inflate::inflate(&compressed)?;
    Ok(CoseSign1::parse(&cose)?)
}

/// Stages 5-6: the COSE payload to a health certificate.
pub fn certificate(cose: &CoseSign1) -> Result<HealthCertificate, DecodeError> {
    let (claims, dcc) = cwt::parse(cose.payload())?;
    Ok(HealthCertificate {
        issuer: claims.issuer,
        issued_at: claims.issued_at,
        expires_at: claims.expires_at,
        dcc: Dcc::from_cbor(dcc)?,
    })
}
