//! Stage 5: the CWT claims (RFC 8392) inside the COSE payload, and the health certificate they
//! carry under the hcert claim (-260).

use ciborium::Value;
use thiserror::Error;

use crate::cbor::{self, CborError};
use crate::deviation::{self, Deviation};

const CLAIM_ISS: i128 = 1;
const CLAIM_EXP: i128 = 4;
const CLAIM_IAT: i128 = 6;
const CLAIM_HCERT: i128 = -260;
/// The ICVP sub-claim: a lifelong certificate, the one kind that may come without `exp`.
pub(crate) const HCERT_ICVP: i64 = -6;
/// A NumericDate above this (the year 5138 in seconds) is read as milliseconds, when that
/// reading lands before [`MILLISECONDS_UNTIL`] (the year 3000). A time implausible both ways
/// (Malaysia's `exp` of 2^63/1000, "never") stays seconds: no reading of it is unambiguous, and
/// as seconds it means what the issuer evidently meant.
pub(crate) const MILLISECONDS_ABOVE: i64 = 100_000_000_000;
pub(crate) const MILLISECONDS_UNTIL: i64 = 32_503_680_000;

/// A CWT claim this verifier reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// `iss` (1): the issuing country.
    Issuer,
    /// `exp` (4): the signature's expiry.
    Expiry,
    /// `iat` (6): the signing time.
    IssuedAt,
    /// The hcert claim (-260) or the certificate inside it.
    HealthCertificate,
}

impl std::fmt::Display for Claim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Issuer => "iss (1)",
            Self::Expiry => "exp (4)",
            Self::IssuedAt => "iat (6)",
            Self::HealthCertificate => "hcert (-260)",
        })
    }
}

/// Why the COSE payload is not a CWT carrying a health certificate.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CwtError {
    #[error("CWT: {0}")]
    /// The CWT is not well-formed CBOR.
    Cbor(#[from] CborError),
    #[error("CWT is not a map")]
    /// The CWT is not a CBOR map.
    NotAMap,
    #[error("CWT claim {0} is missing")]
    /// A claim the format requires is missing or of the wrong type.
    MissingClaim(Claim),
    /// A claim of the wrong type, or a time outside the representable range.
    #[error("CWT claim {0} has an invalid value")]
    InvalidClaim(Claim),
    /// The hcert claim holds more than one certificate: which one the holder presents is
    /// ambiguous.
    #[error("hcert claim holds more than one certificate")]
    SeveralCertificates,
}

/// The claims of a health certificate CWT. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// ISO 3166-1 alpha-2 code of the issuing country (optional in the specification).
    pub issuer: Option<String>,
    /// When the certificate was signed. Absent only in the 2021 DDCC demo format.
    pub issued_at: Option<i64>,
    /// When the signature stops being valid. Absent only in an ICVP (a lifelong certificate)
    /// and in the 2021 DDCC demo format.
    pub expires_at: Option<i64>,
}

/// Where the certificate sits in the CWT.
#[derive(Debug, Clone, PartialEq)]
pub enum Hcert {
    /// Under sub-claim `key` of the hcert claim (-260): 1 EU DCC, 3 DDCC:VS, 4 DDCC:TR, 5 health
    /// link, -6 ICVP, -7 medication overview.
    Subclaim {
        /// The sub-claim's key in the hcert map.
        key: i64,
        /// The sub-claim's value.
        value: Value,
    },
    /// No hcert claim, but a text-keyed DDCC core data set as the whole CWT (the 2021 DDCC
    /// demo format); the value is the CWT map without its claims.
    Legacy(Value),
}

/// A parsed CWT: its claims, the (still undecoded) certificate, and the tolerated deviations.
#[derive(Debug, Clone, PartialEq)]
pub struct Cwt {
    /// `iss`, `iat`, `exp`.
    pub claims: Claims,
    /// The certificate, still CBOR.
    pub hcert: Hcert,
    /// [`Deviation::TextClaimKeys`], [`Deviation::IssuedAtMilliseconds`],
    /// [`Deviation::ExpiryMilliseconds`] when read.
    pub deviations: Vec<Deviation>,
}

/// Parses the CWT and returns its claims and the certificate value.
pub fn parse(bytes: &[u8]) -> Result<Cwt, CwtError> {
    let cwt = cbor::decode(bytes)?;
    let entries = cbor::unique_map(cwt).ok_or(CwtError::NotAMap)??;
    let mut deviations = Vec::new();
    let mut issuer = None;
    let mut expires_at = None;
    let mut issued_at = None;
    let mut hcert = None;
    // 6 and "6" both present: two values for one claim. Only the claims read here are
    // tracked: the others are not this verifier's to interpret, twice or once.
    let mut seen = [false; 4];
    let mut legacy = false;
    // The entries that are not claims: the data set's fields if this is the 2021 DDCC demo
    // format (kept aside rather than cloning the certificate in every CWT).
    let mut others = Vec::new();
    for (key, value) in entries {
        let Some(key) = integer_key(&key, &mut deviations) else {
            // Claims with other text keys are not ours to interpret, except the DDCC core data
            // set's `name` that marks the 2021 demo format.
            legacy |= key.as_text() == Some("name");
            if key.is_text() {
                others.push((key, value));
            }
            continue;
        };
        let slot = match key {
            CLAIM_ISS => Some(0),
            CLAIM_EXP => Some(1),
            CLAIM_IAT => Some(2),
            CLAIM_HCERT => Some(3),
            _ => None,
        };
        if let Some(seen) = slot.and_then(|slot| seen.get_mut(slot)) {
            if *seen {
                return Err(CborError::DuplicateKey.into());
            }
            *seen = true;
        }
        match key {
            CLAIM_ISS => {
                let iss = value
                    .into_text()
                    .map_err(|_| CwtError::InvalidClaim(Claim::Issuer))?;
                issuer = Some(iss);
            }
            // Floor the expiry and round the issuance time up: a fractional time never makes a
            // certificate valid for longer than it says.
            CLAIM_EXP => {
                let (exp, ms) = numeric_date(&value, f64::floor, Claim::Expiry)?;
                if ms {
                    deviation::note(&mut deviations, Deviation::ExpiryMilliseconds);
                }
                expires_at = Some(exp);
            }
            CLAIM_IAT => {
                let (iat, ms) = numeric_date(&value, f64::ceil, Claim::IssuedAt)?;
                if ms {
                    deviation::note(&mut deviations, Deviation::IssuedAtMilliseconds);
                }
                issued_at = Some(iat);
            }
            CLAIM_HCERT => hcert = Some(subclaim(value, &mut deviations)?),
            _ => {}
        }
    }
    let claims = Claims {
        issuer,
        issued_at,
        expires_at,
    };
    let hcert = match hcert {
        Some(hcert) => hcert,
        None if legacy => {
            return Ok(Cwt {
                claims,
                hcert: Hcert::Legacy(Value::Map(others)),
                deviations,
            });
        }
        None => return Err(CwtError::MissingClaim(Claim::HealthCertificate)),
    };
    if claims.issued_at.is_none() {
        return Err(CwtError::MissingClaim(Claim::IssuedAt));
    }
    let lifelong = matches!(
        hcert,
        Hcert::Subclaim {
            key: HCERT_ICVP,
            ..
        }
    );
    if claims.expires_at.is_none() && !lifelong {
        return Err(CwtError::MissingClaim(Claim::Expiry));
    }
    Ok(Cwt {
        claims,
        hcert,
        deviations,
    })
}

/// An integer map key, or a text key holding exactly the decimal form of one (a deviation).
fn integer_key(key: &Value, deviations: &mut Vec<Deviation>) -> Option<i128> {
    match key {
        Value::Integer(i) => Some(i128::from(*i)),
        Value::Text(text) => {
            // Only the canonical form ("6", "-260"): "06" or "+6" are not read as numbers.
            let number = text.parse::<i64>().ok()?;
            (number.to_string() == *text).then(|| {
                deviation::note(deviations, Deviation::TextClaimKeys);
                i128::from(number)
            })
        }
        _ => None,
    }
}

/// A NumericDate: an integer, or a float as some issuers (ES, HU) write them; and whether it
/// was read as milliseconds.
fn numeric_date(
    value: &Value,
    round: fn(f64) -> f64,
    claim: Claim,
) -> Result<(i64, bool), CwtError> {
    let invalid = CwtError::InvalidClaim(claim);
    let seconds = match value {
        Value::Integer(i) => i64::try_from(*i).map_err(|_| invalid)?,
        Value::Float(f) if f.is_finite() => {
            let rounded = round(*f);
            // i64 range check in f64: 2^63 is exactly representable.
            if rounded >= -(2f64.powi(63)) && rounded < 2f64.powi(63) {
                rounded as i64
            } else {
                return Err(invalid);
            }
        }
        _ => return Err(invalid),
    };
    // Rounded the same way as the seconds were.
    let as_millis = round(seconds as f64 / 1000.0) as i64;
    if seconds > MILLISECONDS_ABOVE && as_millis < MILLISECONDS_UNTIL {
        Ok((as_millis, true))
    } else {
        Ok((seconds, false))
    }
}

/// The hcert claim is a map holding exactly one certificate, under its sub-claim key.
fn subclaim(hcert: Value, deviations: &mut Vec<Deviation>) -> Result<Hcert, CwtError> {
    let invalid = CwtError::InvalidClaim(Claim::HealthCertificate);
    let entries = cbor::unique_map(hcert).ok_or(invalid.clone())??;
    let mut found: Option<Hcert> = None;
    for (key, value) in entries {
        let key = integer_key(&key, deviations)
            .and_then(|key| i64::try_from(key).ok())
            .ok_or(invalid.clone())?;
        if let Some(Hcert::Subclaim { key: first, .. }) = &found {
            // 5 and "5": one sub-claim twice; 1 and 5: two certificates.
            return Err(if *first == key {
                CborError::DuplicateKey.into()
            } else {
                CwtError::SeveralCertificates
            });
        }
        found = Some(Hcert::Subclaim { key, value });
    }
    found.ok_or(CwtError::MissingClaim(Claim::HealthCertificate))
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

    fn dcc() -> Value {
        Value::Map(vec![("ver".into(), "1.3.0".into())])
    }

    fn hcert() -> Value {
        Value::Map(vec![(1.into(), dcc())])
    }

    fn eu_dcc() -> Hcert {
        Hcert::Subclaim {
            key: 1,
            value: dcc(),
        }
    }

    #[test]
    fn reads_integer_claims() {
        let bytes = cwt(vec![
            (1.into(), "VN".into()),
            (4.into(), 1_900_000_000.into()),
            (6.into(), 1_700_000_000.into()),
            ((-260).into(), hcert()),
        ]);
        let parsed = parse(&bytes).unwrap();
        assert_eq!(
            parsed.claims,
            Claims {
                issuer: Some("VN".into()),
                issued_at: Some(1_700_000_000),
                expires_at: Some(1_900_000_000)
            }
        );
        assert_eq!(parsed.hcert, eu_dcc());
        assert!(parsed.deviations.is_empty());
    }

    #[test]
    fn rounds_float_times_towards_shorter_validity() {
        let bytes = cwt(vec![
            (4.into(), Value::Float(1_900_000_000.9)),
            (6.into(), Value::Float(1_700_000_000.1)),
            ((-260).into(), hcert()),
        ]);
        let claims = parse(&bytes).unwrap().claims;
        assert_eq!(
            (claims.issued_at, claims.expires_at),
            (Some(1_700_000_001), Some(1_900_000_000))
        );
        assert_eq!(claims.issuer, None);
    }

    #[test]
    fn reads_text_claim_keys_and_milliseconds_as_deviations() {
        // As WHO's test-bed health link writes them.
        let bytes = cwt(vec![
            ("6".into(), 1_782_481_969_732i64.into()),
            ("4".into(), 1_783_723_963.into()),
            ("1".into(), "XL".into()),
            (
                "-260".into(),
                Value::Map(vec![("5".into(), Value::Text("vhlink:/x".into()))]),
            ),
        ]);
        let parsed = parse(&bytes).unwrap();
        assert_eq!(parsed.claims.issued_at, Some(1_782_481_970));
        assert_eq!(parsed.claims.expires_at, Some(1_783_723_963));
        assert_eq!(parsed.claims.issuer.as_deref(), Some("XL"));
        assert_eq!(
            parsed.hcert,
            Hcert::Subclaim {
                key: 5,
                value: "vhlink:/x".into()
            }
        );
        assert_eq!(
            parsed.deviations,
            vec![Deviation::TextClaimKeys, Deviation::IssuedAtMilliseconds]
        );
        // An expiry in milliseconds is floored.
        let bytes = cwt(vec![
            (6.into(), 1.into()),
            (4.into(), 1_783_723_963_999i64.into()),
            ((-260).into(), hcert()),
        ]);
        let parsed = parse(&bytes).unwrap();
        assert_eq!(parsed.claims.expires_at, Some(1_783_723_963));
        assert_eq!(parsed.deviations, vec![Deviation::ExpiryMilliseconds]);
        // Implausible as seconds and as milliseconds (2^63/1000: "never"): left as written.
        let bytes = cwt(vec![
            (6.into(), 1.into()),
            (4.into(), 9_223_372_036_854_775i64.into()),
            ((-260).into(), hcert()),
        ]);
        let parsed = parse(&bytes).unwrap();
        assert_eq!(parsed.claims.expires_at, Some(9_223_372_036_854_775));
        assert!(parsed.deviations.is_empty());
    }

    #[test]
    fn refuses_ambiguous_text_keys() {
        // The same claim as integer and as text: two values for one claim.
        let bytes = cwt(vec![
            (6.into(), 1.into()),
            ("6".into(), 2.into()),
            (4.into(), 3.into()),
            ((-260).into(), hcert()),
        ]);
        assert_eq!(parse(&bytes), Err(CwtError::Cbor(CborError::DuplicateKey)));
        // So for every claim read; a claim nobody reads (7, cti) may come both ways.
        let claims = || -> Vec<(Value, Value)> {
            vec![
                (1.into(), "VN".into()),
                (4.into(), 3.into()),
                (6.into(), 1.into()),
                ((-260).into(), hcert()),
            ]
        };
        for (key, value) in claims() {
            let text = i128::from(key.as_integer().unwrap()).to_string();
            let mut twice = claims();
            twice.push((text.into(), value));
            assert_eq!(
                parse(&cwt(twice)),
                Err(CwtError::Cbor(CborError::DuplicateKey))
            );
        }
        let mut cti = claims();
        cti.extend([
            (7.into(), Value::Bytes(vec![1])),
            ("7".into(), Value::Bytes(vec![2])),
        ]);
        assert!(parse(&cwt(cti)).is_ok());
        // Non-canonical numbers are not claim keys at all.
        let bytes = cwt(vec![
            ("06".into(), 1.into()),
            (4.into(), 3.into()),
            ((-260).into(), hcert()),
        ]);
        assert_eq!(parse(&bytes), Err(CwtError::MissingClaim(Claim::IssuedAt)));
        // Two certificates, or one sub-claim twice.
        for hcert in [
            Value::Map(vec![(1.into(), dcc()), (5.into(), "vhlink:/x".into())]),
            Value::Map(vec![
                (5.into(), "vhlink:/x".into()),
                ("5".into(), "vhlink:/y".into()),
            ]),
        ] {
            let bytes = cwt(vec![
                (6.into(), 1.into()),
                (4.into(), 3.into()),
                ((-260).into(), hcert),
            ]);
            assert!(matches!(
                parse(&bytes),
                Err(CwtError::SeveralCertificates | CwtError::Cbor(CborError::DuplicateKey))
            ));
        }
    }

    #[test]
    fn exp_may_be_missing_for_an_icvp_only() {
        let with = |key: i64| {
            cwt(vec![
                (6.into(), 1.into()),
                ((-260).into(), Value::Map(vec![(key.into(), dcc())])),
            ])
        };
        assert_eq!(parse(&with(-6)).unwrap().claims.expires_at, None);
        for key in [1, 3, 4, 5, -7, 99] {
            assert_eq!(
                parse(&with(key)),
                Err(CwtError::MissingClaim(Claim::Expiry)),
                "{key}"
            );
        }
    }

    #[test]
    fn reads_the_2021_ddcc_demo_format_as_legacy() {
        let map = vec![
            ("name".into(), "x".into()),
            ("vaccine".into(), Value::Map(vec![])),
        ];
        let parsed = parse(&cwt(map.clone())).unwrap();
        assert_eq!(parsed.hcert, Hcert::Legacy(Value::Map(map)));
        assert_eq!(
            (parsed.claims.issued_at, parsed.claims.expires_at),
            (None, None)
        );
        // Without the data set's `name`, a CWT without -260 is still refused.
        assert_eq!(
            parse(&cwt(vec![("vaccine".into(), Value::Map(vec![]))])),
            Err(CwtError::MissingClaim(Claim::HealthCertificate))
        );
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
            parse(&with(-260, Value::Map(vec![]))),
            Err(CwtError::MissingClaim(Claim::HealthCertificate))
        );
        assert_eq!(
            parse(&with(-260, Value::Map(vec![(Value::Null, Value::Null)]))),
            Err(CwtError::InvalidClaim(Claim::HealthCertificate))
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
