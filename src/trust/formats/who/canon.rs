//! URDNA2015 canonical N-Quads for exactly the graph shape of a WHO list, without a JSON-LD
//! processor.
//!
//! Why it can be this small: the document's nodes all have IRIs (no blank nodes, so no blank
//! node labelling), and the proof has exactly one blank node, which URDNA2015 names
//! `_:c14n0`. On such graphs the algorithm reduces to: write each triple as an N-Quads line,
//! sort the lines by code point, drop duplicates. The triples follow from the pinned contexts
//! (`testdata/who/contexts`); [`super::read`] has already refused every document outside the
//! shape, and every string in it is printable ASCII, whose only escapes are `"` and `\`.
//!
//! Tested byte for byte against a generic processor's output for every real list
//! (`testdata/who/nquads`, made by `testdata/who/make_nquads.py`).

use super::{Document, Environment, JwkValue, Method, Proof};

const SECURITY: &str = "https://w3id.org/security#";
const RDF_TYPE: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";
const RDF_JSON: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>";
const DC_CREATED: &str = "<http://purl.org/dc/terms/created>";
const XSD_DATE_TIME: &str = "<http://www.w3.org/2001/XMLSchema#dateTime>";
const VALUE_SETS: &str = "https://smart.who.int/trust/ValueSet-";

/// The canonical N-Quads lines of the document without its proof, sorted, each ending in `\n`.
pub(crate) fn document(document: &Document<'_>) -> Vec<String> {
    let mut lines = Vec::with_capacity(2 + 8 * document.methods.len());
    lines.push(iri_triple(
        document.id,
        &security("controller"),
        document.controller,
    ));
    for method in &document.methods {
        lines.push(iri_triple(
            document.id,
            &security("verificationMethod"),
            method.id,
        ));
        entry(&mut lines, method, document.environment);
    }
    sorted(lines)
}

/// The canonical N-Quads lines of the proof without `jws`, sorted.
pub(crate) fn proof(proof: &Proof<'_>) -> Vec<String> {
    const NODE: &str = "_:c14n0";
    let lines = vec![
        format!(
            "{NODE} {DC_CREATED} \"{}\"^^{XSD_DATE_TIME} .\n",
            escape(proof.created)
        ),
        format!("{NODE} {RDF_TYPE} <{SECURITY}JsonWebSignature2020> .\n"),
        format!(
            "{NODE} {} \"{}\" .\n",
            security("nonce"),
            escape(proof.nonce)
        ),
        format!(
            "{NODE} {} <{SECURITY}assertionMethod> .\n",
            security("proofPurpose")
        ),
        format!(
            "{NODE} {} <{}> .\n",
            security("verificationMethod"),
            proof.verification_method
        ),
    ];
    sorted(lines)
}

fn entry(lines: &mut Vec<String>, method: &Method<'_>, environment: Environment) {
    lines.push(format!(
        "<{}> {RDF_TYPE} <{SECURITY}JsonWebKey2020> .\n",
        method.id
    ));
    lines.push(iri_triple(
        method.id,
        &security("controller"),
        method.controller,
    ));
    let mut jwk_line = String::with_capacity(4096);
    jwk_line.push('<');
    jwk_line.push_str(method.id);
    jwk_line.push_str("> ");
    jwk_line.push_str(&security("publicKeyJwk"));
    jwk_line.push_str(" \"");
    canonical_json(&mut jwk_line, &method.jwk);
    jwk_line.push_str("\"^^");
    jwk_line.push_str(RDF_JSON);
    jwk_line.push_str(" .\n");
    lines.push(jwk_line);
    let suffix = environment.value_set_suffix();
    for (value_set, code) in [
        ("Domains", method.domain),
        ("Participants", method.participant),
        ("KeyUsage", method.key_usage),
    ] {
        lines.push(format!(
            "<{id}> <{VALUE_SETS}{value_set}{suffix}.jsonld> <{VALUE_SETS}{value_set}{suffix}.jsonld#{code}> .\n",
            id = method.id
        ));
    }
}

fn security(term: &str) -> String {
    format!("<{SECURITY}{term}>")
}

fn iri_triple(subject: &str, predicate: &str, object: &str) -> String {
    format!("<{subject}> {predicate} <{object}> .\n")
}

/// Sorts by code point (byte order, the text being ASCII) and drops duplicates, as URDNA2015
/// does with the quads of a dataset.
fn sorted(mut lines: Vec<String>) -> Vec<String> {
    lines.sort_unstable();
    lines.dedup();
    lines
}

/// Appends the JSON Canonicalization Scheme (RFC 8785) form of the JWK, the lexical form of
/// an `@json` literal, already escaped for the N-Quads literal it stands in: members sorted by
/// name (ASCII, so UTF-16 order is byte order), no whitespace, strings with `"` and `\`
/// escaped (all the escaping printable ASCII needs), and then every `"` and `\` of that text
/// escaped again for N-Quads. One pass, copying the runs between special characters: the
/// certificates are 2 KB of base64 per entry, which has none.
fn canonical_json(out: &mut String, jwk: &[(&str, JwkValue<'_>)]) {
    let mut members: Vec<&(&str, JwkValue<'_>)> = jwk.iter().collect();
    members.sort_unstable_by_key(|(name, _)| *name);
    out.push('{');
    for (i, (name, value)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(out, name);
        out.push(':');
        match value {
            JwkValue::Text(text) => json_string(out, text),
            JwkValue::List(items) => {
                out.push('[');
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    json_string(out, item);
                }
                out.push(']');
            }
        }
    }
    out.push('}');
}

/// A JSON string inside an N-Quads literal: the quotes become `\"`, a `"` or `\` in the text
/// `\\\"` or `\\\\` (escaped for JSON, then the result for N-Quads).
fn json_string(out: &mut String, text: &str) {
    out.push_str("\\\"");
    // Base64, nearly all the text, has neither: two memchr scans (word at a time).
    let bytes = text.as_bytes();
    if !bytes.contains(&b'"') && !bytes.contains(&b'\\') {
        out.push_str(text);
        out.push_str("\\\"");
        return;
    }
    let mut rest = text;
    while let Some(at) = rest.find(['"', '\\']) {
        let (run, special) = rest.split_at(at);
        out.push_str(run);
        out.push_str(if special.starts_with('"') {
            "\\\\\\\""
        } else {
            "\\\\\\\\"
        });
        rest = special.get(1..).unwrap_or_default();
    }
    out.push_str(rest);
    out.push_str("\\\"");
}

/// Escapes `"` and `\` for an N-Quads literal (printable ASCII needs no other escape).
fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if text.bytes().any(|b| b == b'"' || b == b'\\') {
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::formats::who::{json, read};

    fn oracle(environment: &str, name: &str) -> (Vec<u8>, String, String) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/who");
        let read = |path: String| std::fs::read(path).unwrap();
        let list = read(format!("{dir}/trustlists/{environment}/{name}.did.json"));
        let doc =
            String::from_utf8(read(format!("{dir}/nquads/{environment}/{name}.doc.nq"))).unwrap();
        let proof =
            String::from_utf8(read(format!("{dir}/nquads/{environment}/{name}.proof.nq"))).unwrap();
        (list, doc, proof)
    }

    /// Every embedded list of the material, byte for byte against PyLD's URDNA2015.
    #[test]
    fn matches_a_generic_processor_on_every_real_list() {
        for (environment, name) in [
            ("prod", "v2-trustlist"),
            ("prod", "v2-trustlist--NZL-DSC"),
            ("uat", "v2-trustlist"),
            ("dev", "v2-trustlist"),
            ("dev", "v2-trustlist-PH4H-XCL-DSC"),
        ] {
            let (list, expected_doc, expected_proof) = oracle(environment, name);
            let tree = json::parse(&list).unwrap();
            let parsed = read(&tree).unwrap();
            let doc = document(&parsed).concat();
            assert!(
                doc == expected_doc,
                "{environment}/{name}: document N-Quads differ"
            );
            assert_eq!(
                proof(&parsed.proof).concat(),
                expected_proof,
                "{environment}/{name}"
            );
        }
    }

    #[test]
    fn escapes_quotes_and_backslashes_once_per_layer() {
        let jwk = [
            ("kty", JwkValue::Text("EC")),
            ("kid", JwkValue::Text("a\"b\\c")),
            ("x5c", JwkValue::List(vec!["A", "B"])),
        ];
        let mut literal = String::new();
        canonical_json(&mut literal, &jwk);
        // JCS: {"kid":"a\"b\\c","kty":"EC","x5c":["A","B"]}, then escaped for N-Quads.
        assert_eq!(
            literal,
            r#"{\"kid\":\"a\\\"b\\\\c\",\"kty\":\"EC\",\"x5c\":[\"A\",\"B\"]}"#
        );
        assert_eq!(escape(r#"{"k":"a\"b"}"#), r#"{\"k\":\"a\\\"b\"}"#);
    }
}
