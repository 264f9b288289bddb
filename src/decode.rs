//! The decode pipeline, stage by stage: QR text → COSE_Sign1 → health certificate.

use thiserror::Error;

use base64::Engine;

use crate::base45::{self, Base45Error};
use crate::cose::{Algorithm, CoseError, CoseSign1};
use crate::cwt::{self, CwtError};
use crate::deviation::Deviation;
use crate::inflate::{self, InflateError};
use crate::limits::MAX_QR_TEXT_BYTES;
use crate::payload::{Content, Dcc, Kind, PayloadError};
use crate::prefix::{self, PrefixError};

/// The pipeline stages, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The `HC1:` prefix.
    Prefix,
    /// Base45 decoding.
    Base45,
    /// zlib decompression.
    Inflate,
    /// The COSE_Sign1 structure.
    Cose,
    /// The CWT claims.
    Cwt,
    /// The health certificate payload.
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
    /// The prefix is missing or unsupported.
    Prefix(#[from] PrefixError),
    #[error(transparent)]
    /// The text is not base45.
    Base45(#[from] Base45Error),
    #[error(transparent)]
    /// The bytes do not decompress.
    Inflate(#[from] InflateError),
    #[error(transparent)]
    /// Not a COSE_Sign1 structure.
    Cose(#[from] CoseError),
    #[error(transparent)]
    /// Not a CWT with the claims HCERT needs.
    Cwt(#[from] CwtError),
    #[error(transparent)]
    /// The payload is not a certificate of a known shape.
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

/// A decoded health certificate: the CWT claims and the certificate of one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthCertificate {
    /// Issuing country from the CWT (`iss`), when present.
    pub issuer: Option<String>,
    /// Signing time (`iat`), Unix seconds. Absent only in the 2021 DDCC demo format.
    pub issued_at: Option<i64>,
    /// Expiry of the signature (`exp`), Unix seconds. Absent only in an ICVP (lifelong) and in
    /// the 2021 DDCC demo format.
    pub expires_at: Option<i64>,
    /// The certificate.
    pub content: Content,
}

impl HealthCertificate {
    /// The kind of certificate.
    pub fn kind(&self) -> Kind {
        self.content.kind()
    }

    /// The EU DCC, when the certificate is one.
    pub fn dcc(&self) -> Option<&Dcc> {
        self.content.dcc()
    }
}

/// What [`decode`] finds in a QR text, without checking the signature.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The key identifier from the COSE header.
    pub kid: Option<Vec<u8>>,
    /// The signature algorithm from the COSE header.
    pub algorithm: Option<Algorithm>,
    /// The decoded certificate.
    pub certificate: HealthCertificate,
    /// The departures from the specification that were read anyway, in pipeline order.
    pub deviations: Vec<Deviation>,
}

/// Decodes a QR text into its certificate, without checking the signature.
///
/// Use this to show what a code contains; only [`crate::Verifier`] says whether to trust it.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let qr = std::fs::read_to_string("testdata/samples/vn-vaccination-es256.txt")?;
/// let decoded = dcc_verify::decode(qr.trim())?;
/// assert_eq!(decoded.certificate.issuer.as_deref(), Some("VN"));
/// assert!(decoded.certificate.dcc().is_some()); // an EU DCC
///
/// let error = dcc_verify::decode("HC1:not base45").unwrap_err();
/// assert_eq!(error.code(), "malformed-base45");
/// # Ok(())
/// # }
/// ```
pub fn decode(qr: &str) -> Result<Decoded, DecodeError> {
    let mut deviations = Vec::new();
    let cose = cose_noting(qr, &mut deviations)?;
    let certificate = certificate_noting(&cose, &mut deviations)?;
    Ok(Decoded {
        kid: cose.kid().map(<[u8]>::to_vec),
        algorithm: cose.algorithm().map(|(alg, _)| alg),
        certificate,
        deviations,
    })
}

/// Stages 1-4: QR text to COSE_Sign1.
pub fn cose(qr: &str) -> Result<CoseSign1, DecodeError> {
    cose_noting(qr, &mut Vec::new())
}

/// [`cose`], adding the transport's and the COSE header's deviations to `deviations`.
pub fn cose_noting(qr: &str, deviations: &mut Vec<Deviation>) -> Result<CoseSign1, DecodeError> {
    if qr.len() > MAX_QR_TEXT_BYTES {
        return Err(DecodeError::TooLong(qr.len()));
    }
    let cose = match prefix::strip(qr) {
        Ok(text) => hc1(text)?,
        Err(PrefixError::Missing) => {
            let (cose, deviation) = without_prefix(qr.trim()).ok_or(PrefixError::Missing)?;
            deviations.push(deviation);
            cose
        }
        Err(e) => return Err(e.into()),
    };
    deviations.extend_from_slice(cose.deviations());
    Ok(cose)
}

fn hc1(base45_text: &str) -> Result<CoseSign1, DecodeError> {
    let compressed = base45::decode(base45_text)?;
    let cose = inflate::inflate(&compressed)?;
    Ok(CoseSign1::parse(&cose)?)
}

/// A text without a context identifier is read when exactly one of the two encodings real
/// issuers use without one gives a COSE message: base45 of zlib (2021 DDCC demos), or base64 of
/// the message itself (Malaysia's pilgrimage QR). Anything else stays "no prefix".
fn without_prefix(text: &str) -> Option<(CoseSign1, Deviation)> {
    let base45 = hc1(text).ok();
    let base64 = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()
        .and_then(|bytes| CoseSign1::parse(&bytes).ok());
    match (base45, base64) {
        (Some(cose), None) => Some((cose, Deviation::MissingPrefix)),
        (None, Some(cose)) => Some((cose, Deviation::Base64Transport)),
        _ => None,
    }
}

/// Stages 5-6: the COSE payload to a health certificate.
pub fn certificate(cose: &CoseSign1) -> Result<HealthCertificate, DecodeError> {
    certificate_noting(cose, &mut Vec::new())
}

/// [`certificate`], adding the CWT's and the payload's deviations to `deviations`.
pub fn certificate_noting(
    cose: &CoseSign1,
    deviations: &mut Vec<Deviation>,
) -> Result<HealthCertificate, DecodeError> {
    let cwt = cwt::parse(cose.payload())?;
    deviations.extend(cwt.deviations);
    Ok(HealthCertificate {
        issuer: cwt.claims.issuer,
        issued_at: cwt.claims.issued_at,
        expires_at: cwt.claims.expires_at,
        content: Content::from_hcert(cwt.hcert, deviations)?,
    })
}
