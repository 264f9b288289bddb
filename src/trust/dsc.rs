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

use super::formats::who::Listing;
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

    /// The eight bytes.
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
    /// May sign test certificates.
    pub test: bool,
    /// May sign vaccination certificates.
    pub vaccination: bool,
    /// May sign recovery certificates.
    pub recovery: bool,
}

impl KeyUsage {
    /// No DCC restriction: the DSC may sign every type.
    pub const ANY: Self = Self {
        test: true,
        vaccination: true,
        recovery: true,
    };

    /// Whether a certificate of this type may be signed.
    pub fn allows(&self, kind: CertificateType) -> bool {
        match kind {
            CertificateType::Test => self.test,
            CertificateType::Vaccination => self.vaccination,
            CertificateType::Recovery => self.recovery,
        }
    }

    /// Every DCC type refused: what a malformed extended key usage reads as.
    pub const NONE: Self = Self {
        test: false,
        vaccination: false,
        recovery: false,
    };

    /// Whether the DSC names any DCC key usage (without any, it may sign every type).
    pub fn is_restricted(&self) -> bool {
        *self != Self::ANY
    }

    /// From the DER value of an extended key usage extension. A value that is not exactly a
    /// `SEQUENCE OF OBJECT IDENTIFIER` (trailing bytes, an indefinite length, a SET, an element
    /// of another type) allows no type: a restriction we cannot read must not read as none.
    fn from_eku(value: &[u8]) -> Self {
        match eku_oids(value) {
            Some(oids) => Self::from_eku_oids(oids.into_iter()),
            None => Self::NONE,
        }
    }

    /// From the OIDs of an extended key usage extension. Two OID arcs are in use:
    /// 1.3.6.1.4.1.1847.2021.1.{1,2,3} (the specification) and 1.3.6.1.4.1.0.1847.2021.1.{1,2,3}
    /// (what most issuers actually put in their certificates). None of them means no restriction.
    fn from_eku_oids<'a>(oids: impl Iterator<Item = &'a [u8]>) -> Self {
        const SPEC_ARC: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x8e, 0x37, 0x8f, 0x65, 0x01];
        const ISSUER_ARC: &[u8] = &[
            0x2b, 0x06, 0x01, 0x04, 0x01, 0x00, 0x8e, 0x37, 0x8f, 0x65, 0x01,
        ];
        let mut usage = Self::NONE;
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
        if usage == Self::NONE {
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
    /// Not an X.509 certificate.
    NotX509,
    #[error("{0} bytes after the certificate")]
    /// Bytes after the certificate; how many.
    TrailingBytes(usize),
    /// A certificate authority (basicConstraints cA=TRUE), or a keyUsage without
    /// digitalSignature: it signs certificates, not health certificates.
    #[error("not a document signer: a CA certificate, or a key usage without digitalSignature")]
    NotASigner,
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
    listing: Option<Listing>,
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
            .map_or(KeyUsage::ANY, |ext| KeyUsage::from_eku(ext.value));
        Ok(Self {
            kid: Kid::of_certificate(der),
            country,
            not_before: tbs.validity.not_before.timestamp(),
            not_after: tbs.validity.not_after.timestamp(),
            key_usage,
            key: public_key(&tbs.subject_pki),
            der: der.to_vec(),
            listing: None,
        })
    }

    /// The DSC with where its list places it.
    pub(crate) fn with_listing(mut self, listing: Option<Listing>) -> Self {
        self.listing = listing;
        self
    }

    /// Where the trust list places this DSC: participant and trust domain (WHO lists only).
    pub fn listing(&self) -> Option<&Listing> {
        self.listing.as_ref()
    }

    /// The kid: the first 8 bytes of the SHA-256 of the DER.
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

    /// Which certificate types it may sign.
    pub fn key_usage(&self) -> KeyUsage {
        self.key_usage
    }

    /// Its public key, parsed on first use.
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

/// The OIDs (content octets) of an extended key usage value, `SEQUENCE OF OBJECT IDENTIFIER`;
/// `None` unless the value is exactly that (an empty sequence is, and holds no OIDs).
fn eku_oids(value: &[u8]) -> Option<Vec<&[u8]>> {
    let (0x30, mut rest, []) = der_tlv(value)? else {
        return None;
    };
    let mut oids = Vec::new();
    while !rest.is_empty() {
        let (0x06, oid, next) = der_tlv(rest)? else {
            return None;
        };
        oids.push(oid);
        rest = next;
    }
    Some(oids)
}

/// Why a listed certificate is not a document signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotASigner {
    /// basicConstraints says cA=TRUE: a certificate authority (a CSCA), which signs
    /// certificates, not health certificates.
    CertificateAuthority,
    /// keyUsage is present and excludes digitalSignature.
    NoDigitalSignature,
    /// The certificate's fields, or one of those two extensions, are not well-formed DER,
    /// so neither can be ruled out.
    Unreadable,
}

/// Checks that a certificate (already framed, see [`check_framing`]) may sign health
/// certificates: it is no CA (basicConstraints cA=TRUE), and a keyUsage, when present, allows
/// digitalSignature. Walks only the TBS fields and the two extensions, as cheap as the
/// framing check, so an import still defers the full parse to first use.
pub(crate) fn check_signer(der: &[u8]) -> Result<(), NotASigner> {
    const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13]; // 2.5.29.19
    const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f]; // 2.5.29.15
    let unreadable = NotASigner::Unreadable;
    let (_, certificate, _) = der_tlv(der).ok_or(unreadable)?;
    let (_, tbs, _) = der_tlv(certificate).ok_or(unreadable)?;
    // TBSCertificate: [0] version?, serial, signature, issuer, validity, subject, spki,
    // [1] issuerUniqueID?, [2] subjectUniqueID?, [3] extensions?
    let mut rest = tbs;
    let mut extensions = None;
    while !rest.is_empty() {
        let (tag, content, next) = der_tlv(rest).ok_or(unreadable)?;
        if tag == 0xa3 {
            extensions = Some(content);
        }
        rest = next;
    }
    let Some(extensions) = extensions else {
        return Ok(());
    };
    let (0x30, mut rest, []) = der_tlv(extensions).ok_or(unreadable)? else {
        return Err(unreadable);
    };
    while !rest.is_empty() {
        let (0x30, extension, next) = der_tlv(rest).ok_or(unreadable)? else {
            return Err(unreadable);
        };
        rest = next;
        let (0x06, oid, after_oid) = der_tlv(extension).ok_or(unreadable)? else {
            return Err(unreadable);
        };
        if oid != BASIC_CONSTRAINTS && oid != KEY_USAGE {
            continue;
        }
        // critical BOOLEAN DEFAULT FALSE, then the value in an OCTET STRING.
        let value = match der_tlv(after_oid).ok_or(unreadable)? {
            (0x01, _, after_critical) => der_tlv(after_critical).ok_or(unreadable)?,
            other => other,
        };
        let (0x04, value, []) = value else {
            return Err(unreadable);
        };
        if oid == BASIC_CONSTRAINTS {
            // SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
            let (0x30, constraints, []) = der_tlv(value).ok_or(unreadable)? else {
                return Err(unreadable);
            };
            if let Some((0x01, ca, _)) = der_tlv(constraints) {
                if ca.iter().any(|&b| b != 0) {
                    return Err(NotASigner::CertificateAuthority);
                }
            }
        } else {
            // BIT STRING: unused-bit count, then the bits; digitalSignature is bit 0, the
            // first byte's most significant bit.
            let (0x03, bits, []) = der_tlv(value).ok_or(unreadable)? else {
                return Err(unreadable);
            };
            let first = bits.get(1).copied().unwrap_or(0);
            if first & 0x80 == 0 {
                return Err(NotASigner::NoDigitalSignature);
            }
        }
    }
    Ok(())
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

/// The kind of key a certificate holds, read from its SubjectPublicKeyInfo without parsing the
/// rest (an import checks it on every entry of a WHO list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyAlgorithm {
    P256,
    P384,
    Brainpool,
    OtherCurve,
    Rsa,
    Other,
}

impl KeyAlgorithm {
    /// True for the keys HCERT signatures use (ES256 on P-256, PS256 on RSA).
    pub(crate) fn usable(&self) -> bool {
        matches!(self, Self::P256 | Self::Rsa)
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            Self::P256 => "EC P-256",
            Self::P384 => "EC P-384",
            Self::Brainpool => "EC brainpool",
            Self::OtherCurve => "EC on another curve",
            Self::Rsa => "RSA",
            Self::Other => "not an EC or RSA key",
        }
    }
}

/// The key algorithm of a DER certificate; `None` when its structure cannot be walked.
pub(crate) fn key_algorithm(der: &[u8]) -> Option<KeyAlgorithm> {
    const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    const BRAINPOOL_ARC: &[u8] = &[0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01];
    const RSA_ARC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01];
    let (_, certificate, _) = der_tlv(der).filter(|(tag, _, _)| *tag == 0x30)?;
    let (_, tbs, _) = der_tlv(certificate).filter(|(tag, _, _)| *tag == 0x30)?;
    let mut rest = tbs;
    if rest.first() == Some(&0xa0) {
        rest = der_tlv(rest)?.2; // version
    }
    // serial, signature algorithm, issuer, validity, subject
    for _ in 0..5 {
        rest = der_tlv(rest)?.2;
    }
    let (_, spki, _) = der_tlv(rest).filter(|(tag, _, _)| *tag == 0x30)?;
    let (_, algorithm, _) = der_tlv(spki).filter(|(tag, _, _)| *tag == 0x30)?;
    let (_, oid, parameters) = der_tlv(algorithm).filter(|(tag, _, _)| *tag == 0x06)?;
    Some(if oid == EC_PUBLIC_KEY {
        match der_tlv(parameters) {
            Some((0x06, curve, _)) if curve == P256 => KeyAlgorithm::P256,
            Some((0x06, curve, _)) if curve == P384 => KeyAlgorithm::P384,
            Some((0x06, curve, _)) if curve.starts_with(BRAINPOOL_ARC) => KeyAlgorithm::Brainpool,
            _ => KeyAlgorithm::OtherCurve,
        }
    } else if oid
        .strip_prefix(RSA_ARC)
        .is_some_and(|last| last == [1] || last == [10])
    {
        KeyAlgorithm::Rsa
    } else {
        KeyAlgorithm::Other
    })
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
        let usage = KeyUsage::from_eku(&eku);
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
    fn no_dcc_oid_or_an_empty_eku_means_any_type() {
        let server_auth_only = [
            0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01,
        ];
        for eku in [&server_auth_only[..], &[0x30, 0x00]] {
            assert_eq!(KeyUsage::from_eku(eku), KeyUsage::ANY, "{eku:x?}");
        }
    }

    /// Issue 10, item 9: a malformed EKU used to read as "no restriction".
    #[test]
    fn malformed_eku_allows_no_type() {
        // SEQUENCE { 1.3.6.1.4.1.1847.2021.1.1 } (test only), then broken variants of it.
        let test_only = [
            0x30, 0x0d, 0x06, 0x0b, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x8e, 0x37, 0x8f, 0x65, 0x01,
            0x01,
        ];
        assert!(!KeyUsage::from_eku(&test_only).allows(CertificateType::Vaccination));
        let mut trailing = test_only.to_vec();
        trailing.push(0x00);
        let mut indefinite = test_only.to_vec();
        indefinite[1] = 0x80;
        indefinite.extend([0x00, 0x00]);
        let mut set = test_only.to_vec();
        set[0] = 0x31;
        let mut not_an_oid = test_only.to_vec();
        not_an_oid[2] = 0x04;
        for eku in [
            &trailing[..],
            &indefinite,
            &set,
            &not_an_oid,
            &test_only[..test_only.len() - 1],
            &[],
            &[0x30, 0x05, 0x06],
            &[0x04, 0x00],
        ] {
            assert_eq!(KeyUsage::from_eku(eku), KeyUsage::NONE, "{eku:x?}");
        }
    }

    #[test]
    fn signer_check_reads_basic_constraints_and_key_usage() {
        let pki = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata");
        let read = |path: &str| std::fs::read(format!("{pki}/{path}.crt.der")).unwrap();
        assert_eq!(check_signer(&read("samples/pki/dsc-vn-es256")), Ok(()));
        assert_eq!(
            check_signer(&read("signer-types/dsc-with-both-extensions")),
            Ok(())
        );
        assert_eq!(
            check_signer(&read("samples/pki/csca-vn")),
            Err(NotASigner::CertificateAuthority)
        );
        assert_eq!(
            check_signer(&read("signer-types/ca-with-digital-signature")),
            Err(NotASigner::CertificateAuthority)
        );
        assert_eq!(
            check_signer(&read("signer-types/key-encipherment-only")),
            Err(NotASigner::NoDigitalSignature)
        );
        // A keyUsage BIT STRING cut short (no bits at all) cannot allow digitalSignature.
        let der = read("samples/pki/dsc-vn-es256");
        let key_usage = [0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff, 0x04, 0x04];
        let at = der
            .windows(key_usage.len())
            .position(|w| w == key_usage)
            .unwrap();
        let mut truncated = der.clone();
        // OCTET STRING { BIT STRING { 07 80 } } becomes { BIT STRING { 07 } } + a padding byte
        // that breaks the OCTET STRING's framing: unreadable, so refused.
        truncated[at + key_usage.len() + 1] = 0x01;
        assert!(check_signer(&truncated).is_err());
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
