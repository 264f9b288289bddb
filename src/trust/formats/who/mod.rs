//! WHO GDHCN trust lists (DID trust list v2, embedded variant): a W3C DID document whose
//! `verificationMethod` entries carry each key's certificate chain in a JWK, signed by a
//! `JsonWebSignature2020` proof over the URDNA2015 canonical form of the document.
//!
//! The document is read into the one closed shape WHO publishes ([`Document`]); anything else
//! is refused, because JSON-LD silently drops members its contexts do not define, so such a
//! member would not be covered by the signature. Only what the signature covers is then read:
//! [`canon`] writes the exact N-Quads the signer hashed, [`proof`] checks the signature, and
//! the entries become DSCs: `#DSC` entries only, the key from `x5c[0]` (never the JWK's
//! coordinates), with the participant and domain kept for the verification result.
//!
//! Reference lists (`trustlist-ref`: DID strings instead of keys) are refused; a verifier
//! takes the embedded list and never follows references.

use std::borrow::Cow;

mod canon;
pub(crate) mod json;
mod proof;

use base64::Engine;

use self::json::Json;
use crate::limits::MAX_TRUST_LIST_ENTRIES;
use crate::trust::import::{check_size, Candidate, Importer, ListedKid, TOO_MANY_ENTRIES};
use crate::trust::{Anchors, ImportReport, ListFormat, SkipReason, TrustList, TrustListError};

pub use self::proof::JWS_HEADER;

/// The GDHCN environment a list belongs to, named by the trust-network context it uses (each
/// environment has its own value sets and its own signing key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Environment {
    /// The production network.
    Production,
    /// User acceptance testing.
    Acceptance,
    /// The development (test) network.
    Development,
}

impl Environment {
    /// "prod", "uat" or "dev", as WHO names them.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Production => "prod",
            Self::Acceptance => "uat",
            Self::Development => "dev",
        }
    }

    /// The trust-network JSON-LD context of the environment, the third of a list's contexts.
    fn context(&self) -> &'static str {
        match self {
            Self::Production => "https://smart.who.int/trust/tng-context/v1.jsonld",
            Self::Acceptance => "https://smart.who.int/trust/tng-context/v1-UAT.jsonld",
            Self::Development => "https://smart.who.int/trust/tng-context/v1-DEV.jsonld",
        }
    }

    /// The suffix of the environment's value-set IRIs (`ValueSet-Domains-DEV.jsonld`).
    fn value_set_suffix(&self) -> &'static str {
        match self {
            Self::Production => "",
            Self::Acceptance => "-UAT",
            Self::Development => "-DEV",
        }
    }

    const ALL: [Self; 3] = [Self::Production, Self::Acceptance, Self::Development];
}

/// Where a DSC is listed in a WHO list: the participant (ISO 3166-1 alpha-3, or a test code
/// such as `XXA`) and the trust domain (`DCC`, `PH4H`, ...), without the leading `#`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Listing {
    /// The participant (usually a country code).
    pub participant: String,
    /// The trust domain, e.g. "DCC".
    pub domain: String,
}

/// The first two contexts of every list (the DID and JWS 2020 vocabularies).
const BASE_CONTEXTS: [&str; 2] = [
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/suites/jws-2020/v1",
];

/// A list document in the closed shape WHO signs. Every string is printable ASCII.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    pub environment: Environment,
    pub id: &'a str,
    pub controller: &'a str,
    pub methods: Vec<Method<'a>>,
    pub proof: Proof<'a>,
}

/// One `verificationMethod` entry.
#[derive(Debug)]
pub(crate) struct Method<'a> {
    pub id: &'a str,
    pub controller: &'a str,
    /// The JWK's members in document order; values are strings, or an array of strings for
    /// `x5c`.
    pub jwk: Vec<(&'a str, JwkValue<'a>)>,
    /// Codes without their leading `#`.
    pub domain: &'a str,
    pub participant: &'a str,
    pub key_usage: &'a str,
}

#[derive(Debug)]
pub(crate) enum JwkValue<'a> {
    Text(&'a str),
    List(Vec<&'a str>),
}

impl<'a> Method<'a> {
    fn jwk_text(&self, name: &str) -> Option<&'a str> {
        self.jwk.iter().find_map(|(n, v)| match v {
            JwkValue::Text(text) if *n == name => Some(*text),
            _ => None,
        })
    }

    fn x5c(&self) -> Option<&'a str> {
        self.jwk.iter().find_map(|(n, v)| match v {
            JwkValue::List(items) if *n == "x5c" => items.first().copied(),
            _ => None,
        })
    }
}

/// The `proof` object.
#[derive(Debug)]
pub(crate) struct Proof<'a> {
    pub created: &'a str,
    pub nonce: &'a str,
    pub verification_method: &'a str,
    pub jws: &'a str,
}

/// The members a JWK of the list may have (WHO writes EC and RSA keys with their chain).
const JWK_MEMBERS: [&str; 8] = ["kty", "kid", "x5c", "crv", "x", "y", "e", "n"];

/// Verifies the proof with the anchors, then reads the entries.
pub(crate) fn import(
    bytes: &[u8],
    anchors: &Anchors,
) -> Result<(TrustList, ImportReport), TrustListError> {
    check_size(bytes.len())?;
    if anchors.is_empty() {
        return Err(TrustListError::NoAnchors);
    }
    let tree = json::parse(bytes).map_err(|detail| TrustListError::Shape { detail })?;
    let document = read(&tree)?;
    let issued_at = crate::verify::parse_instant(document.proof.created)
        .ok_or_else(|| shape("proof.created is not an RFC 3339 UTC time (YYYY-MM-DDThh:mm:ssZ)"))?;
    let anchor = proof::verify(&document, anchors)?;
    let mut importer = Importer::new();
    for (index, method) in document.methods.iter().enumerate() {
        let (candidate, listing) = candidate(method);
        importer.entry_listed(index, candidate, listing);
    }
    let (mut list, report) = importer.finish(ListFormat::Who, Some(anchor), Some(issued_at));
    list.provenance.issued_at = Some(issued_at);
    list.provenance.environment = Some(document.environment);
    Ok((list, report))
}

/// True when `bytes` look like a DID document (a JSON object using the DID context).
pub(crate) fn looks_like(bytes: &[u8]) -> bool {
    const DID_CONTEXT: &[u8] = b"\"https://www.w3.org/ns/did/v1\"";
    bytes.trim_ascii_start().starts_with(b"{")
        && bytes.windows(DID_CONTEXT.len()).any(|w| w == DID_CONTEXT)
}

/// What an entry offers the importer: `#DSC` entries only, the certificate from `x5c[0]`.
fn candidate<'a>(method: &Method<'a>) -> (Candidate<'a>, Option<Listing>) {
    let listed_kid = method
        .jwk_text("kid")
        .map_or(ListedKid::Absent, ListedKid::Base64);
    let der = if method.key_usage != "DSC" {
        Err(SkipReason::NotDsc)
    } else {
        method
            .x5c()
            .ok_or(SkipReason::NotAnEntry)
            .and_then(|b64| {
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|_| SkipReason::NotBase64)
            })
            .and_then(|der| match crate::trust::dsc::key_algorithm(&der) {
                Some(algorithm) if algorithm.usable() => Ok(der),
                Some(algorithm) => Err(SkipReason::UnsupportedKey(algorithm.name())),
                None => Ok(der), // unreadable: the importer's framing check names the fault
            })
    };
    let listing = Listing {
        participant: method.participant.to_owned(),
        domain: method.domain.to_owned(),
    };
    let candidate = Candidate {
        listed_kid,
        der,
        // The country comes from the certificate's subject (C=), as the QR's issuer does; the
        // participant code is alpha-3 or a test code.
        country: None,
        timestamp: None,
    };
    (candidate, Some(listing))
}

fn shape(detail: &str) -> TrustListError {
    TrustListError::Shape {
        detail: detail.to_owned(),
    }
}

/// Reads the tree into the closed shape, or says what is outside it.
pub(crate) fn read<'a>(tree: &'a Json<'a>) -> Result<Document<'a>, TrustListError> {
    let [context, id, controller, methods, proof] = members(
        tree,
        "the document",
        &[
            "@context",
            "id",
            "controller",
            "verificationMethod",
            "proof",
        ],
    )?;
    let environment = environment(context)?;
    let id = iri(id, "id")?;
    let controller = iri(controller, "controller")?;
    let Json::Array(methods) = methods else {
        return Err(shape("verificationMethod is not an array"));
    };
    if methods.len() > MAX_TRUST_LIST_ENTRIES {
        return Err(TOO_MANY_ENTRIES);
    }
    if methods.iter().any(|m| matches!(m, Json::String(_))) {
        return Err(TrustListError::ReferenceList);
    }
    let methods = methods.iter().map(method).collect::<Result<Vec<_>, _>>()?;
    check_unique_ids(id, &methods)?;
    Ok(Document {
        environment,
        id,
        controller,
        methods,
        proof: read_proof(proof)?,
    })
}

fn environment(context: &Json<'_>) -> Result<Environment, TrustListError> {
    let unknown = || TrustListError::UnknownContext;
    let Json::Array(items) = context else {
        return Err(unknown());
    };
    let [did, jws, tng] = items.as_slice() else {
        return Err(unknown());
    };
    let text = |value: &Json<'_>| match value {
        Json::String(text) => Some(text.to_string()),
        _ => None,
    };
    if [text(did), text(jws)] != BASE_CONTEXTS.map(|c| Some(c.to_owned())) {
        return Err(unknown());
    }
    let tng = text(tng).ok_or_else(unknown)?;
    Environment::ALL
        .into_iter()
        .find(|env| env.context() == tng)
        .ok_or_else(unknown)
}

/// Entry ids name the nodes the entries' triples hang on: two entries with one id would merge
/// into one node, its keys no longer paired with their usage.
fn check_unique_ids(document_id: &str, methods: &[Method<'_>]) -> Result<(), TrustListError> {
    let mut ids: Vec<&str> = methods.iter().map(|m| m.id).collect();
    ids.push(document_id);
    ids.sort_unstable();
    if ids.windows(2).any(|pair| pair.first() == pair.get(1)) {
        return Err(shape("two nodes share an id"));
    }
    Ok(())
}

fn method<'a>(value: &'a Json<'a>) -> Result<Method<'a>, TrustListError> {
    let [id, kind, controller, jwk, domain, participant, key_usage] = members(
        value,
        "a verificationMethod entry",
        &[
            "id",
            "type",
            "controller",
            "publicKeyJwk",
            "domain",
            "participant",
            "keyusage",
        ],
    )?;
    if text(kind) != Some("JsonWebKey2020") {
        return Err(shape("an entry's type is not JsonWebKey2020"));
    }
    Ok(Method {
        id: iri(id, "an entry's id")?,
        controller: iri(controller, "an entry's controller")?,
        jwk: read_jwk(jwk)?,
        domain: code(domain, "domain")?,
        participant: code(participant, "participant")?,
        key_usage: code(key_usage, "keyusage")?,
    })
}

fn read_jwk<'a>(value: &'a Json<'a>) -> Result<Vec<(&'a str, JwkValue<'a>)>, TrustListError> {
    let Json::Object(members) = value else {
        return Err(shape("publicKeyJwk is not an object"));
    };
    let mut jwk = Vec::with_capacity(members.len());
    for (name, value) in members {
        let name = name.as_ref();
        if !JWK_MEMBERS.contains(&name) {
            return Err(shape(
                "publicKeyJwk has a member outside the documented shape",
            ));
        }
        let value = match (name, value) {
            ("x5c", Json::Array(items)) if !items.is_empty() => JwkValue::List(
                items
                    .iter()
                    .map(|item| printable(item).ok_or_else(|| shape("x5c holds a non-string")))
                    .collect::<Result<_, _>>()?,
            ),
            ("x5c", _) => return Err(shape("x5c is not a non-empty array of strings")),
            (_, value) => JwkValue::Text(
                printable(value).ok_or_else(|| shape("a JWK member is not a string"))?,
            ),
        };
        jwk.push((name, value));
    }
    for required in ["kty", "kid", "x5c"] {
        if !jwk.iter().any(|(name, _)| *name == required) {
            return Err(shape("publicKeyJwk lacks kty, kid or x5c"));
        }
    }
    Ok(jwk)
}

fn read_proof<'a>(value: &'a Json<'a>) -> Result<Proof<'a>, TrustListError> {
    let [kind, created, nonce, purpose, method, jws] = members(
        value,
        "the proof",
        &[
            "type",
            "created",
            "nonce",
            "proofPurpose",
            "verificationMethod",
            "jws",
        ],
    )?;
    if text(kind) != Some("JsonWebSignature2020") || text(purpose) != Some("assertionMethod") {
        return Err(TrustListError::UnsupportedProof);
    }
    let string = |value, name| printable(value).ok_or_else(|| shape(name));
    Ok(Proof {
        created: string(created, "proof.created is not a string")?,
        nonce: string(nonce, "proof.nonce is not a string")?,
        verification_method: iri(method, "proof.verificationMethod")?,
        jws: string(jws, "proof.jws is not a string")?,
    })
}

/// The values of an object's members, which must be exactly `names` (in any order).
fn members<'a, const N: usize>(
    value: &'a Json<'a>,
    what: &str,
    names: &[&str; N],
) -> Result<[&'a Json<'a>; N], TrustListError> {
    let Json::Object(members) = value else {
        return Err(TrustListError::Shape {
            detail: format!("{what} is {}, not an object", value.kind()),
        });
    };
    let mut found: [Option<&Json<'a>>; N] = [None; N];
    for (name, member) in members {
        let slot = names
            .iter()
            .position(|n| *n == name.as_ref())
            .and_then(|i| found.get_mut(i))
            .ok_or_else(|| TrustListError::Shape {
                detail: format!("{what} has a member outside the documented shape"),
            })?;
        *slot = Some(member);
    }
    let mut out = [&Json::Null; N];
    for (slot, (found, name)) in out.iter_mut().zip(found.iter().zip(names)) {
        *slot = found.ok_or_else(|| TrustListError::Shape {
            detail: format!("{what} lacks {name}"),
        })?;
    }
    Ok(out)
}

fn text<'a>(value: &'a Json<'a>) -> Option<&'a str> {
    match value {
        Json::String(text) => Some(text.as_ref()),
        _ => None,
    }
}

/// A string of printable ASCII: all the document needs, and the only text whose canonical
/// JSON and N-Quads escaping is `"` and `\` alone.
fn printable<'a>(value: &'a Json<'a>) -> Option<&'a str> {
    let printable = |t: &str| t.bytes().all(|b| (0x20..0x7f).contains(&b));
    match value {
        // A string borrowed from the input had no escapes, and JSON forbids raw control
        // characters in strings: ASCII without DEL is printable. Two word-at-a-time scans, not
        // one byte at a time: the production list holds 1.2 MB of base64 (measured: the
        // byte-wise check was 17% of an import).
        Json::String(Cow::Borrowed(t)) => {
            Some(*t).filter(|t| t.is_ascii() && !t.as_bytes().contains(&0x7f))
        }
        Json::String(Cow::Owned(t)) => Some(t.as_str()).filter(|t| printable(t)),
        _ => None,
    }
}

/// A node IRI: `did:` and characters that need no escaping or normalisation in N-Quads and
/// IRI resolution (the DIDs WHO uses, with base64 kids in fragments).
fn iri<'a>(value: &'a Json<'a>, name: &str) -> Result<&'a str, TrustListError> {
    text(value)
        .filter(|t| {
            t.len() > 4
                && t.starts_with("did:")
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b":._-#=+/%".contains(&b))
        })
        .ok_or_else(|| TrustListError::Shape {
            detail: format!("{name} is not a did: IRI"),
        })
}

/// A value-set code, `{"code": "#X"}`; returns `X`.
fn code<'a>(value: &'a Json<'a>, name: &str) -> Result<&'a str, TrustListError> {
    let [code] = members(value, name, &["code"])?;
    text(code)
        .and_then(|t| t.strip_prefix('#'))
        .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .ok_or_else(|| TrustListError::Shape {
            detail: format!("{name} code is not #LETTERS"),
        })
}

#[cfg(test)]
mod tests;
