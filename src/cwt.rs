//! Stage 5: the CWT claims (RFC 8392) inside the COSE payload, and the DCC they carry.

use ciborium::Value;
use thiserror::Error;

use crate::cbor::{self, CborError};

const CLAIM_ISS: i128 = 1;
const CLAIM_EXP: i128 = 4;
const CLAIM_IAT: i128 = 6;
const CLAIM_HCERT: i128 = -260;
/// Key of the EU DCC inside the hcert claim (`eu_dcc_v1`).
const HCERT_EU_DCC_V1: i128 = 1;

/// A CWT claim this verifier reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    Issuer,
    Expiry,
    IssuedAt,
    /// The hcert claim (-260) or the EU DCC inside it ({1: …}).
    HealthCertificate,
}

impl std::fmt::Display for Claim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Issuer => "iss (1)",
            Self::Expiry => "exp (4)",
            Self::IssuedAt => "iat (6)",
            Self::HealthCertificate => "hcert (-260) eu_dcc_v1 (1)",
        })
    }
}

/// Why the COSE payload is not a CWT carrying an EU DCC.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CwtError {
    #[error("CWT: {0}")]
    Cbor(#[from] CborError),
    #[error("CWT is not a map")]
    NotAMap,
    #[error("CWT claim {0} is missing")]
    MissingClaim(Claim),
    /// A claim of the wrong type, or a time outside the representable range.
    #[error("CWT claim {0} has an invalid value")]
    InvalidClaim(Claim),
}

/// The claims of a health certificate CWT. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// ISO 3166-1 alpha-2 code of the issuing country (optional in the specification).
    pub issuer: Option<String>,
    /// When the certificate was signed.
    pub issued_at: i64,
    /// When the signature stops being valid.
    pub expires_at: i64,
}

/// Parses the CWT and returns its claims and the (still undecoded) EU DCC value.
pub fn parse(bytes: &[u8]) -> Result<(Claims, Value), CwtError> {
    let cwt = cbor::decode(bytes)?;
    let entries = cbor::unique_map(cwt).ok_or(CwtError::NotAMap)??;
    let mut issuer = None;
    let mut expires_at = None;
    let mut issued_at = None;
    let mut dcc = None;
    for (key, value) in entries {
        let Some(key) = key.as_integer().map(i128::from) else {
            continue; // claims with text keys are not ours to interpret
        };
        match key {
            CLAIM_ISS => {
                let iss = value
                    .as_text()
                    .ok_or(CwtError::InvalidClaim(Claim::Issuer))?;
                issuer = Some(iss.to_owned());
            }
            // Floor the expiry and round the issuance time up: a fractional time never makes a
            // certificate valid for longer than it says.
            CLAIM_EXP => expires_at = Some(numeric_date(&value, f64::floor, Claim::Expiry)?),
            CLAIM_IAT => issued_at = Some(numeric_date(&value, f64::ceil, Claim::IssuedAt)?),
            CLAIM_HCERT => dcc = Some(eu_dcc(value)?),
            _ => {}
        }
    }
    let claims = Claims {
        issuer,
        issued_at: issued_at.ok_or(CwtError::MissingClaim(Claim::IssuedAt))?,
        expires_at: expires_at.ok_or(CwtError::MissingClaim(Claim::Expiry))?,
    };
    let dcc = dcc.ok_or(CwtError::MissingClaim(Claim::HealthCertificate))?;
    Ok((claims, dcc))
}

/// A NumericDate: an integer, or a float as some issuers (ES, HU) write them.
fn numeric_date(value: &Value, round: fn(f64) -> f64, claim: Claim) -> Result<i64, CwtError> {
    let invalid = CwtError::InvalidClaim(claim);
    match value {
        Value::Integer(i) => i64::try_from(*i).map_err(|_| invalid),
        Value::Float(f) if f.is_finite() => {
            let rounded = round(*f);
            // i64 range check in f64: 2^63 is exactly representable.
            if rounded >= -(2f64.powi(63)) && rounded < 2f64.powi(63) {
                Ok(rounded as i64)
            } else {
                Err(invalid)
            }
        }
        _ => Err(invalid),
    }
}

/// The hcert claim is a map holding the EU DCC under key 1.
fn eu_dcc(hcert: Value) -> Result<Value, CwtError> {
    let entries =
        cbor::unique_map(hcert).ok_or(CwtError::InvalidClaim(Claim::HealthCertificate))??;
    entries
        .into_iter()
        .find(|(k, _)| k.as_integer().map(i128::from) == Some(HCERT_EU_DCC_V1))
        .map(|(_, v)| v)
        .ok_or(CwtError::MissingClaim(Claim::HealthCertificate))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::ser::into_writer(value, &mut out).unwrap();
        out
    }

    fn cwt(claims: Vec<(Value, Value)>) -> Vec<u8> {
        encode(&Value::Map(claims))
    }

    fn hcert() -> Value {
        Value::Map(vec![(
            1.into(),
            Value::Map(vec![("ver".into(), "1.3.0".into())]),
        )])
    }

    #[test]
    fn reads_integer_claims() {
        let bytes = cwt(vec![
            (1.into(), "VN".into()),
            (4.into(), 1_900_000_000.into()),
            (6.into(), 1_700_000_000.into()),
            ((-260).into(), hcert()),
        ]);
        let (claims, dcc) = parse(&bytes).unwrap();
        assert_eq!(
            claims,
            Claims {
                issuer: Some("VN".into()),
                issued_at: 1_700_000_000,
                expires_at: 1_900_000_000
            }
        );
        assert_eq!(dcc, Value::Map(vec![("ver".into(), "1.3.0".into())]));
    }

    #[test]
    fn rounds_float_times_towards_shorter_validity() {
        let bytes = cwt(vec![
            (4.into(), Value::Float(1_900_000_000.9)),
            (6.into(), Value::Float(1_700_000_000.1)),
            ((-260).into(), hcert()),
        ]);
        let (claims, _) = parse(&bytes).unwrap();
        assert_eq!(
            (claims.issued_at, claims.expires_at),
            (1_700_000_001, 1_900_000_000)
        );
        assert_eq!(claims.issuer, None);
    }

    #[test]
    fn rejects_missing_and_invalid_claims() {
        let base = || {
            vec![
                (4.into(), 2.into()),
                (6.into(), 1.into()),
                ((-260).into(), hcert()),
            ]
        };
        let without = |key: i64| {
            let mut c = base();
            c.retain(|(k, _)| *k != Value::from(key));
            cwt(c)
        };
        assert_eq!(
            parse(&without(4)),
            Err(CwtError::MissingClaim(Claim::Expiry))
        );
        assert_eq!(
            parse(&without(6)),
            Err(CwtError::MissingClaim(Claim::IssuedAt))
        );
        assert_eq!(
            parse(&without(-260)),
            Err(CwtError::MissingClaim(Claim::HealthCertificate))
        );

        let with = |key: i64, value: Value| {
            let mut c = base();
            c.retain(|(k, _)| *k != Value::from(key));
            c.push((key.into(), value));
            cwt(c)
        };
        assert_eq!(
            parse(&with(4, Value::Float(f64::NAN))),
            Err(CwtError::InvalidClaim(Claim::Expiry))
        );
        assert_eq!(
            parse(&with(4, Value::Float(1e300))),
            Err(CwtError::InvalidClaim(Claim::Expiry))
        );
        assert_eq!(
            parse(&with(6, "yesterday".into())),
            Err(CwtError::InvalidClaim(Claim::IssuedAt))
        );
        assert_eq!(
            parse(&with(1, 7.into())),
            Err(CwtError::InvalidClaim(Claim::Issuer))
        );
        assert_eq!(
            parse(&with(-260, Value::Map(vec![(2.into(), Value::Null)]))),
            Err(CwtError::MissingClaim(Claim::HealthCertificate))
        );
        assert_eq!(
            parse(&with(-260, Value::Array(vec![]))),
            Err(CwtError::InvalidClaim(Claim::HealthCertificate))
        );
    }

    #[test]
    fn rejects_non_maps_and_duplicate_claims() {
        assert_eq!(
            parse(&encode(&Value::Array(vec![]))),
            Err(CwtError::NotAMap)
        );
        let dup = cwt(vec![(4.into(), 2.into()), (4.into(), 3.into())]);
        assert_eq!(parse(&dup), Err(CwtError::Cbor(CborError::DuplicateKey)));
    }
}
