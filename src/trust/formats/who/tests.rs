use super::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/who");

fn list(path: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/trustlists/{path}")).unwrap()
}

fn shape_of(text: &str) -> Result<(), TrustListError> {
    let tree = json::parse(text.as_bytes()).map_err(|detail| TrustListError::Shape { detail })?;
    read(&tree).map(|_| ())
}

#[test]
fn reads_the_closed_shape_of_a_real_list() {
    let text = list("dev/v2-trustlist-PH4H-XCL-DSC.did.json");
    let tree = json::parse(text.as_bytes()).unwrap();
    let document = read(&tree).unwrap();
    assert_eq!(document.environment, Environment::Development);
    assert_eq!(
        document.id,
        "did:web:tng-cdn-dev.who.int:v2:trustlist:PH4H:XCL:DSC"
    );
    let [method] = document.methods.as_slice() else {
        panic!("one entry expected")
    };
    assert_eq!(
        (method.domain, method.participant, method.key_usage),
        ("PH4H", "XCL", "DSC")
    );
    assert_eq!(method.jwk_text("kid"), Some("lkxZC7WEOIs="));
    assert!(method.x5c().unwrap().starts_with("MIICoTCC"));
    assert_eq!(document.proof.created, "2026-08-22T18:00:22Z");
}

/// Each member outside the shape, at each level, refuses the document: JSON-LD would drop it
/// from what is signed.
#[test]
fn refuses_members_outside_the_shape_at_every_level() {
    let text = list("dev/v2-trustlist-PH4H-XCL-DSC.did.json");
    for (anchor, insertion) in [
        ("{\"@context\"", "{\"extra\":1,\"@context\""),
        ("\"publicKeyJwk\":{", "\"publicKeyJwk\":{\"use\":\"sig\","),
        ("\"domain\":{", "\"domain\":{\"display\":\"x\","),
        (
            "\"proof\":{",
            "\"proof\":{\"expires\":\"2030-01-01T00:00:00Z\",",
        ),
        (
            "\"keyusage\":{\"code\":\"#DSC\"}",
            "\"keyusage\":{\"code\":\"#DSC\"},\"note\":\"x\"",
        ),
    ] {
        assert_eq!(text.matches(anchor).count(), 1, "{anchor}");
        let tampered = text.replacen(anchor, insertion, 1);
        assert!(
            matches!(shape_of(&tampered), Err(TrustListError::Shape { .. })),
            "{insertion}"
        );
    }
}

#[test]
fn refuses_duplicate_members() {
    let text = list("dev/v2-trustlist-PH4H-XCL-DSC.did.json");
    let tampered = text.replacen(
        "\"kid\":\"lkxZC7WEOIs=\"",
        "\"kid\":\"lkxZC7WEOIs=\",\"kid\":\"AAAAAAAAAAA=\"",
        1,
    );
    let error = shape_of(&tampered).unwrap_err();
    assert!(
        matches!(&error, TrustListError::Shape { detail } if detail.starts_with("duplicate member name")),
        "{error:?}"
    );
}

#[test]
fn refuses_values_of_the_wrong_kind() {
    let text = list("dev/v2-trustlist-PH4H-XCL-DSC.did.json");
    for (from, to) in [
        (
            "\"domain\":{\"code\":\"#PH4H\"}",
            "\"domain\":[{\"code\":\"#PH4H\"}]",
        ),
        (
            "\"domain\":{\"code\":\"#PH4H\"}",
            "\"domain\":{\"code\":\"PH4H\"}",
        ),
        (
            "\"domain\":{\"code\":\"#PH4H\"}",
            "\"domain\":{\"code\":\"#PH 4H\"}",
        ),
        (
            "\"type\":\"JsonWebKey2020\"",
            "\"type\":[\"JsonWebKey2020\"]",
        ),
        (
            "\"type\":\"JsonWebKey2020\"",
            "\"type\":\"EcdsaSecp256r1VerificationKey2019\"",
        ),
        ("\"kty\":\"EC\"", "\"kty\":\"EC\\u0000\""),
        ("\"kty\":\"EC\"", "\"kty\":1"),
        (
            "\"id\":\"did:web:tng-cdn-dev.who.int:v2:trustlist:PH4H:XCL:DSC#",
            "\"id\":\"_:b0#",
        ),
        (
            "\"id\":\"did:web:tng-cdn-dev.who.int:v2:trustlist:PH4H:XCL:DSC#",
            "\"id\":\"https://x.org/#",
        ),
        (
            "\"controller\":\"did:web:tng-cdn-dev.who.int:v2:trustlist:PH4H:XCL\",\"verif",
            "\"controller\":\"did:web:a b\",\"verif",
        ),
        ("\"nonce\":\"", "\"nonce\":[\""),
    ] {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        let tampered = text.replacen(from, to, 1);
        assert!(
            matches!(shape_of(&tampered), Err(TrustListError::Shape { .. })),
            "{to}"
        );
    }
}

#[test]
fn refuses_reference_lists_and_other_contexts() {
    assert_eq!(
        shape_of(&list("prod/v2-trustlist-ref.did.json")),
        Err(TrustListError::ReferenceList)
    );
    let text = list("dev/v2-trustlist-PH4H-XCL-DSC.did.json");
    for (from, to) in [
        ("v1-DEV.jsonld", "v2-DEV.jsonld"),
        ("\"https://www.w3.org/ns/did/v1\",", ""),
        (
            "\"https://www.w3.org/ns/did/v1\",\"https://w3id.org/security/suites/jws-2020/v1\"",
            "\"https://w3id.org/security/suites/jws-2020/v1\",\"https://www.w3.org/ns/did/v1\"",
        ),
    ] {
        assert_eq!(
            shape_of(&text.replacen(from, to, 1)),
            Err(TrustListError::UnknownContext),
            "{to}"
        );
    }
}

#[test]
fn refuses_other_proof_types_and_purposes() {
    let text = list("dev/v2-trustlist-PH4H-XCL-DSC.did.json");
    for (from, to) in [
        ("\"JsonWebSignature2020\"", "\"Ed25519Signature2020\""),
        ("\"assertionMethod\"", "\"authentication\""),
    ] {
        assert_eq!(
            shape_of(&text.replacen(from, to, 1)),
            Err(TrustListError::UnsupportedProof)
        );
    }
}

#[test]
fn detects_did_documents() {
    assert!(looks_like(
        list("prod/v2-trustlist-ref.did.json").as_bytes()
    ));
    assert!(looks_like(b" {\"x\":\"https://www.w3.org/ns/did/v1\"}"));
    assert!(!looks_like(b"{\"certificates\":[]}"));
    assert!(!looks_like(b"[\"https://www.w3.org/ns/did/v1\"]"));
}
