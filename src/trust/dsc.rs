//! Document signer certificates (DSCs): the X.509 certificates whose keys sign health
//! certificates, and what a verifier needs from them.

use std::fmt;

use thiserror::Error;
use x509_parser::nom::Parser;
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_PKCS1_RSAENCRYPTION,
    OID_PKCS1_RSASSAPSS, OID_X509_EXT_EXTENDED_KEY_USAGE,
};
use x509_parser::prelude::{FromDer, X509CertificateParser};
use x509_parser::public_key::RSAPublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::crypto::{Curve, KeyError, PublicKey};
use crate::payload::CertificateType;

/// A key identifier: the first 8 bytes of the SHA-256 of the DSC's DER encoding.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kid(pub [u8; 8]);

impl Kid {
    /// The kid of a certificate, computed from its DER encoding.
    pub fn of_certificate(der: &[u8]) -> Self {
        let digest = crate::crypto::sha256(&[der]);
        let mut kid = [0; 8];
        kid.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
        Self(kid)
    }

    /// A kid as found in a COSE header; `None` unless it is 8 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }

    pub fn as_bytes(&self) -> &[u8; 8] {
        &self.0
    }

    /// Base64 (standard alphabet, padded), the form trust lists use.
    pub fn to_base64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }
}

impl fmt::Debug for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kid({})", self.to_base64())
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

/// The certificate types a DSC may sign, from its extended key usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyUsage {
    pub test: bool,
    pub vaccination: bool,
    pub recovery: bool,
}

impl KeyUsage {
    /// No DCC restriction: the DSC may sign every type.
    pub const ANY: Self = Self {
        test: true,
        vaccination: true,
        recovery: true,
    };

    pub fn allows(&self, kind: CertificateType) -> bool {
        match kind {
            CertificateType::Test => self.test,
            CertificateType::Vaccination => self.vaccination,
            CertificateType::Recovery => self.recovery,
        }
    }

    pub fn is_restricted(&self) -> bool {
        *self != Self::ANY
    }

    /// From the OIDs of an extended key usage extension. Two OID arcs are in use:
    /// 1.3.6.1.4.1.1847.2021.1.{1,2,3} (the specification) and 1.3.6.1.4.1.0.1847.2021.1.{1,2,3}
    /// (what most issuers actually put in their certificates). None of them means no restriction.
    fn from_eku_oids<'a>(oids: impl Iterator<Item = &'a [u8]>) -> Self {
        const SPEC_ARC: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x8e, 0x37, 0x8f, 0x65, 0x01];
        const ISSUER_ARC: &[u8] = &[
            0x2b, 0x06, 0x01, 0x04, 0x01, 0x00, 0x8e, 0x37, 0x8f, 0x65, 0x01,
        ];
        let mut usage = Self {
            test: false,
            vaccination: false,
            recovery: false,
        };
        for oid in oids {
            let last = [SPEC_ARC, ISSUER_ARC]
                .iter()
                .find_map(|arc| match oid.strip_prefix(*arc) {
                    Some([last]) => Some(*last),
                    _ => None,
                });
            match last {
                Some(1) => usage.test = true,
                Some(2) => usage.vaccination = true,
                Some(3) => usage.recovery = true,
                _ => {}
            }
        }
        if usage
            == (Self {
                test: false,
                vaccination: false,
                recovery: false,
            })
        {
            Self::ANY
        } else {
            usage
        }
    }
}

/// Why bytes are not a usable document signer certificate.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DscError {
    #[error("not a DER-encoded X.509 certificate")]
    NotX509,
    #[error("{0} bytes after the certificate")]
    TrailingBytes(usize),
}

/// A document signer certificate, parsed once when the trust list is loaded.
#[derive(Debug)]
pub struct Dsc {
    kid: Kid,
    country: Option<String>,
    not_before: i64,
    not_after: i64,
    key_usage: KeyUsage,
    /// The key, or why it cannot be used (kept so the verifier can say "weak key" rather than
    /// "unknown signer").
    key: Result<PublicKey, KeyError>,
    der: Vec<u8>,
}

impl Dsc {
    /// Parses a DSC from its DER encoding.
    ///
    /// Extensions are not parsed deeply: real member-state certificates carry encodings that
    /// strict parsers reject (FI encodes the DEFAULT `cA=FALSE`; CO15 has an empty extended key
    /// usage), and only the extended key usage matters here, which is read leniently.
    pub fn from_der(der: &[u8]) -> Result<Self, DscError> {
        let (rest, cert) = X509CertificateParser::new()
            .with_deep_parse_extensions(false)
            .parse(der)
            .map_err(|_| DscError::NotX509)?;
        if !rest.is_empty() {
            return Err(DscError::TrailingBytes(rest.len()));
        }
        let tbs = &cert.tbs_certificate;
        let country = tbs
            .subject
            .iter_country()
            .next()
            .and_then(|c| c.as_str().ok())
            .map(str::to_owned);
        let key_usage = tbs
            .extensions()
            .iter()
            .find(|ext| ext.oid == OID_X509_EXT_EXTENDED_KEY_USAGE)
            .map_or(KeyUsage::ANY, |ext| {
                KeyUsage::from_eku_oids(eku_oids(ext.value))
            });
        Ok(Self {
            kid: Kid::of_certificate(der),
            country,
            not_before: tbs.validity.not_before.timestamp(),
            not_after: tbs.validity.not_after.timestamp(),
            key_usage,
            key: public_key(&tbs.subject_pki),
            der: der.to_vec(),
        })
    }

    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// Country of the subject (ISO 3166-1 alpha-2), when the certificate names one.
    pub fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }

    /// Start of validity, Unix seconds.
    pub fn not_before(&self) -> i64 {
        self.not_before
    }

    /// End of validity, Unix seconds.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }

    pub fn key_usage(&self) -> KeyUsage {
        self.key_usage
    }

    pub fn public_key(&self) -> Result<&PublicKey, KeyError> {
        self.key.as_ref().map_err(|e| *e)
    }

    /// The certificate's DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
}

fn public_key(spki: &SubjectPublicKeyInfo<'_>) -> Result<PublicKey, KeyError> {
    let algorithm = &spki.algorithm.algorithm;
    let key_bits = spki.subject_public_key.data.as_ref();
    if *algorithm == OID_KEY_TYPE_EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok());
        match curve {
            Some(oid) if oid == OID_EC_P256 => PublicKey::ec(Curve::P256, key_bits),
            Some(oid) if oid == OID_NIST_EC_P384 => PublicKey::ec(Curve::P384, key_bits),
            _ => Err(KeyError::Unsupported),
        }
    } else if *algorithm == OID_PKCS1_RSAENCRYPTION || *algorithm == OID_PKCS1_RSASSAPSS {
        let (_, rsa) = RSAPublicKey::from_der(key_bits).map_err(|_| KeyError::Malformed)?;
        PublicKey::rsa(rsa.modulus, rsa.exponent)
    } else {
        Err(KeyError::Unsupported)
    }
}

/// The OIDs (content octets) of an extended key usage value, `SEQUENCE OF OBJECT IDENTIFIER`.
/// Anything unreadable yields no OIDs, which means no restriction; an empty sequence too.
fn eku_oids(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    let content = match der_tlv(value) {
        Some((0x30, content, [])) => content,
        _ => &[],
    };
    let mut rest = content;
    std::iter::from_fn(move || loop {
        let (tag, oid, next) = der_tlv(rest)?;
        rest = next;
        if tag == 0x06 {
            return Some(oid);
        }
    })
}

/// Checks, without parsing it, that `der` is framed as an X.509 certificate: one SEQUENCE, with
/// nothing after it, holding a SEQUENCE (to-be-signed), a SEQUENCE (algorithm) and a BIT STRING.
/// An import runs this on every entry so garbage and truncation are counted at once, while the
/// full (and much slower) parse waits until the certificate is first needed.
pub(crate) fn check_framing(der: &[u8]) -> Result<(), DscError> {
    let (tag, content, rest) = der_tlv(der).ok_or(DscError::NotX509)?;
    if tag != 0x30 {
        return Err(DscError::NotX509);
    }
    if !rest.is_empty() {
        return Err(DscError::TrailingBytes(rest.len()));
    }
    let framed = der_tlv(content)
        .filter(|(tag, _, _)| *tag == 0x30)
        .and_then(|(_, _, rest)| der_tlv(rest))
        .filter(|(tag, _, _)| *tag == 0x30)
        .and_then(|(_, _, rest)| der_tlv(rest))
        .is_some_and(|(tag, _, rest)| tag == 0x03 && rest.is_empty());
    if framed {
        Ok(())
    } else {
        Err(DscError::NotX509)
    }
}

/// Splits one DER TLV off `input`: (tag, content, rest).
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, input) = input.split_first()?;
    let (&first, input) = input.split_first()?;
    let (len, input) = if first < 0x80 {
        (usize::from(first), input)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (len_bytes, input) = input.split_at_checked(n)?;
        (
            len_bytes
                .iter()
                .fold(0usize, |acc, &b| acc << 8 | usize::from(b)),
            input,
        )
    };
    let (content, rest) = input.split_at_checked(len)?;
    Some((tag, content, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_eku_arcs_and_ignores_others() {
        // SEQUENCE { 1.3.6.1.4.1.0.1847.2021.1.1, 1.3.6.1.4.1.1847.2021.1.3, serverAuth }
        let eku = [
            0x30, 0x25, 0x06, 0x0c, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x00, 0x8e, 0x37, 0x8f, 0x65,
            0x01, 0x01, 0x06, 0x0b, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x8e, 0x37, 0x8f, 0x65, 0x01,
            0x03, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01,
        ];
        let usage = KeyUsage::from_eku_oids(eku_oids(&eku));
        assert_eq!(
            usage,
            KeyUsage {
                test: true,
                vaccination: false,
                recovery: true
            }
        );
        assert!(!usage.allows(CertificateType::Vaccination));
    }

    #[test]
    fn no_dcc_oid_or_an_empty_or_broken_eku_means_any_type() {
        let server_auth_only = [
            0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01,
        ];
        for eku in [
            &server_auth_only[..],
            &[0x30, 0x00],
            &[],
            &[0x30, 0x05, 0x06],
            &[0x04, 0x00],
        ] {
            assert_eq!(
                KeyUsage::from_eku_oids(eku_oids(eku)),
                KeyUsage::ANY,
                "{eku:x?}"
            );
        }
    }

    #[test]
    fn kid_is_the_truncated_sha256_of_the_der() {
        let kid = Kid::of_certificate(b"abc");
        // SHA-256("abc") = ba7816bf 8f01cfea ...
        assert_eq!(kid.0, [0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea]);
        assert_eq!(kid.to_base64(), "ungWv48Bz+o=");
        assert_eq!(Kid::from_slice(&[1, 2, 3]), None);
    }

    #[test]
    fn framing_check_accepts_certificates_and_refuses_garbage() {
        let der = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/samples/pki/dsc-vn-es256.crt.der"
        ));
        assert_eq!(check_framing(der), Ok(()));
        assert!(Dsc::from_der(der).is_ok());
        let mut trailing = der.to_vec();
        trailing.push(0);
        assert_eq!(check_framing(&trailing), Err(DscError::TrailingBytes(1)));
        assert_eq!(check_framing(&der[..der.len() - 1]), Err(DscError::NotX509));
        for bad in [
            &b""[..],
            &[0x30, 0x00],
            &[0x31, 0x00],
            &[0x30, 0x02, 0x30, 0x00],
        ] {
            assert_eq!(check_framing(bad), Err(DscError::NotX509), "{bad:x?}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_certificate() {
        assert_eq!(Dsc::from_der(b"").unwrap_err(), DscError::NotX509);
        assert_eq!(
            Dsc::from_der(&[0x30, 0x03, 0x02, 0x01, 0x00]).unwrap_err(),
            DscError::NotX509
        );
    }
}
