//! Anchors: the public keys trusted to sign trust lists.
//!
//! They are configuration, never compiled into the library: an app passes the keys of the list
//! sources it trusts, and ships a key rotation as an update that carries the old and the new key.

use std::fmt;

use thiserror::Error;
use x509_parser::oid_registry::{OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY};
use x509_parser::prelude::FromDer;
use x509_parser::x509::SubjectPublicKeyInfo;

use base64::Engine;

use super::formats::pem;
use super::formats::who::json::{self as who_json, Json};
use crate::crypto::{Curve, PublicKey, Scheme};
use crate::limits::MAX_ANCHORS;

/// Identifies an anchor: the first 8 bytes of the SHA-256 of its SubjectPublicKeyInfo DER.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnchorId(pub [u8; 8]);

impl AnchorId {
    fn of_spki(spki_der: &[u8]) -> Self {
        let digest = crate::crypto::sha256(&[spki_der]);
        let mut id = [0; 8];
        id.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
        Self(id)
    }

    /// Lower-case hex, e.g. `4c77e2f1fa101785`.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for AnchorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AnchorId({})", self.to_hex())
    }
}

impl fmt::Display for AnchorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Why bytes are not a usable anchor key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AnchorError {
    #[error("no PUBLIC KEY block in the PEM text")]
    /// No public key in the input.
    NoPublicKey,
    #[error("not a DER-encoded SubjectPublicKeyInfo")]
    /// Not a SubjectPublicKeyInfo.
    NotSpki,
    /// Trust lists are signed with ECDSA P-256 (the German and Austrian lists both).
    #[error("anchor key is not an ECDSA P-256 key")]
    NotP256,
    #[error("more than {MAX_ANCHORS} anchors")]
    /// More anchors than the limit.
    TooMany,
    /// JSON that is neither a DID document with P-256 JWKs in its `verificationMethod` nor such
    /// a JWK (`{"kty":"EC","crv":"P-256","x":..,"y":..}`).
    #[error("not a DID document or JWK holding an EC P-256 public key")]
    NotJwk,
}

/// One trusted list-signing key.
#[derive(Debug)]
struct Anchor {
    id: AnchorId,
    key: PublicKey,
    spki: Vec<u8>,
}

impl Anchor {
    /// An anchor from a DER-encoded SubjectPublicKeyInfo holding a P-256 key.
    fn from_spki_der(der: &[u8]) -> Result<Self, AnchorError> {
        let (rest, spki) = SubjectPublicKeyInfo::from_der(der).map_err(|_| AnchorError::NotSpki)?;
        if !rest.is_empty() {
            return Err(AnchorError::NotSpki);
        }
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok());
        if spki.algorithm.algorithm != OID_KEY_TYPE_EC_PUBLIC_KEY || curve != Some(OID_EC_P256) {
            return Err(AnchorError::NotP256);
        }
        let key = PublicKey::ec(Curve::P256, spki.subject_public_key.data.as_ref())
            .map_err(|_| AnchorError::NotP256)?;
        Ok(Self {
            id: AnchorId::of_spki(der),
            key,
            spki: der.to_vec(),
        })
    }

    fn id(&self) -> AnchorId {
        self.id
    }

    /// True when `signature` (raw r‖s) is this key's ECDSA P-256/SHA-256 signature of `message`.
    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        self.key
            .verify(Scheme::EcdsaSha256, message, signature)
            .is_ok()
    }
}

/// The anchors a deployment trusts; a list is accepted when any one of them signed it.
#[derive(Debug, Default)]
pub struct Anchors {
    anchors: Vec<Anchor>,
}

impl Anchors {
    /// No anchors: only unsigned imports are possible.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every `PUBLIC KEY` block of a PEM text (other blocks are ignored). At least one is needed.
    pub fn from_pem(text: &[u8]) -> Result<Self, AnchorError> {
        let mut anchors = Self::new();
        anchors.add_pem(text)?;
        Ok(anchors)
    }

    /// Adds every `PUBLIC KEY` block of a PEM text; fails, adding none, unless all are usable
    /// and there is at least one.
    pub fn add_pem(&mut self, text: &[u8]) -> Result<(), AnchorError> {
        let text = std::str::from_utf8(text).map_err(|_| AnchorError::NoPublicKey)?;
        let mut found = Vec::new();
        for block in pem::blocks(text).filter(|b| b.label == "PUBLIC KEY") {
            let der = block.der.ok_or(AnchorError::NotSpki)?;
            found.push(Anchor::from_spki_der(&der)?);
        }
        if found.is_empty() {
            return Err(AnchorError::NoPublicKey);
        }
        for anchor in found {
            self.add(anchor)?;
        }
        Ok(())
    }

    /// Adds a key given as SubjectPublicKeyInfo DER.
    pub fn add_spki_der(&mut self, der: &[u8]) -> Result<(), AnchorError> {
        self.add(Anchor::from_spki_der(der)?)
    }

    /// Adds a key as apps usually hold it: PEM text (every `PUBLIC KEY` block, as
    /// [`add_pem`](Self::add_pem)) when it begins with a PEM header, a DID document or JWK
    /// ([`add_json`](Self::add_json)) when it begins with `{`, else SubjectPublicKeyInfo DER.
    pub fn add_key(&mut self, key: &[u8]) -> Result<(), AnchorError> {
        if pem::looks_like_pem(key) {
            self.add_pem(key)
        } else if key.trim_ascii_start().starts_with(b"{") {
            self.add_json(key)
        } else {
            self.add_spki_der(key)
        }
    }

    /// Adds the keys of a signer's DID document (every `verificationMethod` entry's
    /// `publicKeyJwk`, as WHO publishes its list signers' `did.json`), or of a single JWK. All
    /// must be EC P-256 keys; fails, adding none, otherwise.
    pub fn add_json(&mut self, json: &[u8]) -> Result<(), AnchorError> {
        let tree = who_json::parse(json).map_err(|_| AnchorError::NotJwk)?;
        let Json::Object(members) = &tree else {
            return Err(AnchorError::NotJwk);
        };
        let methods = members
            .iter()
            .find(|(name, _)| name == "verificationMethod")
            .map(|(_, value)| value);
        let jwks: Vec<&Json<'_>> = match methods {
            None => vec![&tree],
            Some(Json::Array(methods)) => methods
                .iter()
                .map(|method| member(method, "publicKeyJwk").ok_or(AnchorError::NotJwk))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(AnchorError::NotJwk),
        };
        let found = jwks
            .into_iter()
            .map(|jwk| Anchor::from_spki_der(&p256_jwk_spki(jwk)?))
            .collect::<Result<Vec<_>, _>>()?;
        if found.is_empty() {
            return Err(AnchorError::NotJwk);
        }
        for anchor in found {
            self.add(anchor)?;
        }
        Ok(())
    }

    /// Adds an anchor; the same key twice is kept once.
    fn add(&mut self, anchor: Anchor) -> Result<(), AnchorError> {
        if self.anchors.iter().any(|a| a.id == anchor.id) {
            return Ok(());
        }
        if self.anchors.len() >= MAX_ANCHORS {
            return Err(AnchorError::TooMany);
        }
        self.anchors.push(anchor);
        Ok(())
    }

    /// Every anchor as a PEM `PUBLIC KEY` block, whatever form it was given in (what an app
    /// writes to remember its anchors; [`from_pem`](Self::from_pem) reads it back).
    pub fn to_pem(&self) -> String {
        let engine = base64::engine::general_purpose::STANDARD;
        let mut out = String::new();
        for anchor in &self.anchors {
            out.push_str("-----BEGIN PUBLIC KEY-----\n");
            let encoded = engine.encode(&anchor.spki);
            for line in encoded.as_bytes().chunks(64) {
                out.push_str(&String::from_utf8_lossy(line));
                out.push('\n');
            }
            out.push_str("-----END PUBLIC KEY-----\n");
        }
        out
    }

    /// The ids of the anchors.
    pub fn ids(&self) -> impl Iterator<Item = AnchorId> + '_ {
        self.anchors.iter().map(Anchor::id)
    }

    /// How many anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The anchor whose key made `signature` over `message`, if any.
    pub(crate) fn signer_of(&self, message: &[u8], signature: &[u8]) -> Option<AnchorId> {
        self.anchors
            .iter()
            .find(|a| a.verifies(message, signature))
            .map(Anchor::id)
    }
}

fn member<'a>(object: &'a Json<'a>, name: &str) -> Option<&'a Json<'a>> {
    match object {
        Json::Object(members) => members.iter().find(|(n, _)| n == name).map(|(_, v)| v),
        _ => None,
    }
}

/// The SubjectPublicKeyInfo DER of an EC P-256 JWK.
fn p256_jwk_spki(jwk: &Json<'_>) -> Result<Vec<u8>, AnchorError> {
    let text = |name| match member(jwk, name) {
        Some(Json::String(text)) => Ok(text.as_ref()),
        _ => Err(AnchorError::NotJwk),
    };
    if text("kty")? != "EC" || text("crv")? != "P-256" {
        return Err(AnchorError::NotJwk);
    }
    let coordinate = |name| -> Result<Vec<u8>, AnchorError> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text(name)?)
            .map_err(|_| AnchorError::NotJwk)?;
        // WHO's signer writes coordinates with a sign byte (33 bytes, the first zero).
        match bytes.as_slice() {
            [0, rest @ ..] if rest.len() == 32 => Ok(rest.to_vec()),
            _ if bytes.len() == 32 => Ok(bytes),
            _ => Err(AnchorError::NotJwk),
        }
    };
    let mut spki = P256_SPKI_PREFIX.to_vec();
    spki.push(0x04);
    spki.extend(coordinate("x")?);
    spki.extend(coordinate("y")?);
    Ok(spki)
}

/// SubjectPublicKeyInfo DER of a P-256 key up to its point: SEQUENCE, AlgorithmIdentifier
/// (id-ecPublicKey, prime256v1), BIT STRING header.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

#[cfg(test)]
mod tests {
    use super::*;

    const DE_KEY: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/trustlists/de-dsc-list-signing-key.pem"
    ));

    #[test]
    fn reads_a_p256_public_key_from_pem() {
        let anchors = Anchors::from_pem(DE_KEY).unwrap();
        assert_eq!(anchors.len(), 1);
        let id = anchors.ids().next().unwrap();
        assert_eq!(id.to_hex().len(), 16);
        assert_eq!(format!("{id:?}"), format!("AnchorId({id})"));
    }

    #[test]
    fn a_key_is_taken_as_pem_or_as_spki_der() {
        let mut anchors = Anchors::new();
        anchors.add_key(DE_KEY).unwrap();
        let spki = pem::blocks(std::str::from_utf8(DE_KEY).unwrap())
            .find(|b| b.label == "PUBLIC KEY")
            .and_then(|b| b.der)
            .unwrap();
        let mut from_der = Anchors::new();
        from_der.add_key(&spki).unwrap();
        assert_eq!(
            from_der.ids().collect::<Vec<_>>(),
            anchors.ids().collect::<Vec<_>>()
        );
        assert_eq!(Anchors::new().add_key(b"junk"), Err(AnchorError::NotSpki));
        assert_eq!(
            Anchors::new().add_key(b"-----BEGIN CERTIFICATE-----\n"),
            Err(AnchorError::NoPublicKey)
        );
    }

    #[test]
    fn the_same_key_twice_is_one_anchor() {
        let mut anchors = Anchors::from_pem(DE_KEY).unwrap();
        anchors.add_pem(DE_KEY).unwrap();
        assert_eq!(anchors.len(), 1);
    }

    #[test]
    fn refuses_what_is_not_a_p256_key() {
        assert_eq!(
            Anchors::from_pem(b"nothing").unwrap_err(),
            AnchorError::NoPublicKey
        );
        let cert = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/samples/pki/dsc-vn-es256.crt.pem"
        ));
        assert_eq!(
            Anchors::from_pem(cert).unwrap_err(),
            AnchorError::NoPublicKey
        );
        assert_eq!(
            Anchor::from_spki_der(b"\x30\x00").unwrap_err(),
            AnchorError::NotSpki
        );
        for rsa_or_p384 in ["dsc-vn-p384", "dsc-vn-ps256"] {
            assert_eq!(
                Anchor::from_spki_der(&spki_of_test_dsc(rsa_or_p384)).unwrap_err(),
                AnchorError::NotP256
            );
        }
    }

    fn spki_of_test_dsc(name: &str) -> Vec<u8> {
        use x509_parser::prelude::X509Certificate;
        let path = format!(
            "{}/testdata/samples/pki/{name}.crt.der",
            env!("CARGO_MANIFEST_DIR")
        );
        let der = std::fs::read(path).unwrap();
        let (_, cert) = X509Certificate::from_der(&der).unwrap();
        cert.tbs_certificate.subject_pki.raw.to_vec()
    }

    #[test]
    fn caps_the_number_of_anchors() {
        let mut anchors = Anchors::new();
        let rng = ring::rand::SystemRandom::new();
        for _ in 0..MAX_ANCHORS {
            anchors.add_spki_der(&p256_spki(&rng)).unwrap();
        }
        assert_eq!(
            anchors.add_spki_der(&p256_spki(&rng)),
            Err(AnchorError::TooMany)
        );
    }

    /// A fresh P-256 key as SPKI DER: the fixed 26-byte prefix, then the uncompressed point.
    fn p256_spki(rng: &ring::rand::SystemRandom) -> Vec<u8> {
        use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), rng)
            .unwrap();
        let mut spki = P256_SPKI_PREFIX.to_vec();
        spki.extend_from_slice(pair.public_key().as_ref());
        spki
    }

    const WHO_PROD_DID: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/who/signers/who-prod-signer.did.json"
    ));
    const WHO_PROD_PEM: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/who/signers/who-prod-signer.pem"
    ));

    #[test]
    fn a_did_document_or_jwk_gives_the_same_anchor_as_the_pem() {
        let from_pem = Anchors::from_pem(WHO_PROD_PEM).unwrap();
        let mut from_did = Anchors::new();
        from_did.add_key(WHO_PROD_DID).unwrap();
        assert_eq!(from_did.to_pem().as_bytes(), WHO_PROD_PEM);
        assert_eq!(
            from_did.ids().collect::<Vec<_>>(),
            from_pem.ids().collect::<Vec<_>>()
        );
        let jwk = br#"{"kty":"EC","crv":"P-256","x":"ZlMwokmcS8vx0c3mc38eLVUMEVV2BXjdMpvBeueeWZw","y":"8CGiSXsauiFAbDxvOcmFxyswM07Ld85-ELRcoTbO9Z4"}"#;
        let mut from_jwk = Anchors::new();
        from_jwk.add_key(jwk).unwrap();
        assert_eq!(
            from_jwk.ids().collect::<Vec<_>>(),
            from_pem.ids().collect::<Vec<_>>()
        );
        // The same coordinates with WHO's sign byte (33 bytes, the first zero).
        let x33 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            [
                &[0u8][..],
                &base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode("ZlMwokmcS8vx0c3mc38eLVUMEVV2BXjdMpvBeueeWZw")
                    .unwrap(),
            ]
            .concat(),
        );
        let with_sign_byte = std::str::from_utf8(jwk)
            .unwrap()
            .replace("ZlMwokmcS8vx0c3mc38eLVUMEVV2BXjdMpvBeueeWZw", &x33);
        let mut from_33 = Anchors::new();
        from_33.add_key(with_sign_byte.as_bytes()).unwrap();
        assert_eq!(from_33.ids().next(), from_pem.ids().next());
    }

    #[test]
    fn refuses_json_without_a_p256_key() {
        for bad in [
            &br#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#[..],
            br#"{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}"#,
            br#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#,
            br#"{"verificationMethod":[]}"#,
            br#"{"verificationMethod":[{"id":"x"}]}"#,
            br#"{"verificationMethod":{}}"#,
            br#"{"kty":"EC","kty":"EC"}"#,
            b"{",
        ] {
            assert_eq!(
                Anchors::new().add_key(bad),
                Err(AnchorError::NotJwk),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
