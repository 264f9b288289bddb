use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::validator::{compile, CompileError};
use super::*;

fn testdata(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/schema")
        .join(relative)
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `*.json` under `testdata/schema/<folder>`, recursively, sorted.
fn payloads(folder: &str) -> Vec<(PathBuf, Value)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&testdata(folder), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| (path.clone(), load(&path)))
        .collect()
}

fn violation(path: &str, kind: ViolationKind) -> SchemaViolation {
    SchemaViolation {
        path: path.to_owned(),
        kind,
    }
}

fn check(schema: Value, instance: Value) -> Vec<SchemaViolation> {
    compile(&schema).unwrap().validate(&instance)
}

#[test]
fn every_embedded_schema_compiles() {
    for version in SchemaVersion::ALL {
        if let Err(error) = version.compile() {
            panic!("schema {version}: {error}");
        }
        assert!(version.compiled().is_some());
    }
}

#[test]
fn upstream_valid_payloads_and_examples_pass() {
    let cases: Vec<_> = payloads("valid")
        .into_iter()
        .chain(payloads("examples"))
        .collect();
    assert_eq!(cases.len(), 13 + 27);
    for (path, payload) in cases {
        let report = validate(&payload);
        assert_eq!(report.version, SchemaVersion::V1_3_3, "{}", path.display());
        assert!(
            report.is_valid(),
            "{}: {:?}",
            path.display(),
            report.violations
        );
    }
}

#[test]
fn upstream_invalid_payloads_fail_with_the_expected_violation() {
    let expected = [
        ("empty.json", violation("/v", ViolationKind::MinItems)),
        (
            "invalid_dob.json",
            violation("/dob", ViolationKind::Pattern),
        ),
        (
            "invalid_dob2.json",
            violation("/dob", ViolationKind::Pattern),
        ),
        (
            "invalid_vac.json",
            violation("/v/0/dn", ViolationKind::Minimum),
        ),
        (
            "missing_dob.json",
            violation("", ViolationKind::OneOf { matched: 0 }),
        ),
        (
            "missing_fnt_gnt.json",
            violation("/nam", ViolationKind::AnyOf),
        ),
    ];
    let cases = payloads("invalid");
    assert_eq!(cases.len(), expected.len());
    for (path, payload) in cases {
        let name = path.file_name().unwrap().to_str().unwrap();
        let (_, want) = expected.iter().find(|(file, _)| *file == name).unwrap();
        assert_eq!(validate(&payload).violations, vec![want.clone()], "{name}");
    }
}

#[test]
fn declared_versions_map_to_embedded_schemas() {
    use SchemaVersion::*;
    let table = [
        (Some("1.0.0"), V1_0_0),
        (Some("1.0.1"), V1_0_1),
        (Some("1.0.4"), V1_0_1),
        (Some("1.1.0"), V1_1_0),
        (Some("1.2.0"), V1_1_0),
        (Some("1.2.1"), V1_2_1),
        (Some("1.3.0"), V1_3_0),
        (Some("1.3.1"), V1_3_3),
        (Some("1.3.2"), V1_3_3),
        (Some("1.3.3"), V1_3_3),
        (Some("1.4.0"), V1_3_3),
        (Some("2.0.0"), V1_3_3),
        (Some("0.9.9"), V1_0_0),
        (Some("1.3"), V1_3_3),
        (Some("1.3.0.1"), V1_3_3),
        (Some("1.3.x"), V1_3_3),
        (Some("+1.0.0"), V1_3_3),
        (Some("99999999999.0.0"), V1_3_3),
        (Some(""), V1_3_3),
        (None, V1_3_3),
    ];
    for (declared, schema) in table {
        assert_eq!(
            SchemaVersion::for_declared(declared),
            schema,
            "{declared:?}"
        );
    }
    assert_eq!(SchemaVersion::of_payload(&json!({"ver": 1})), V1_3_3);
    assert_eq!(SchemaVersion::of_payload(&json!({"ver": "1.2.1"})), V1_2_1);
}

#[test]
fn versions_differ_where_their_schemas_do() {
    let only_gnt = load(&testdata("valid/V-only-gnt.json"));
    assert!(SchemaVersion::V1_3_3.validate(&only_gnt).is_empty());
    assert_eq!(
        SchemaVersion::V1_3_0.validate(&only_gnt),
        vec![violation("/nam/fnt", ViolationKind::Required)]
    );

    // 1.2.1 allowed several entry groups and 50-character ids; 1.3.0 allows one group, 80 characters.
    let mut several = load(&testdata("examples/vaccination/simple.json"));
    several["r"] = load(&testdata("examples/recovery/simple.json"))["r"].clone();
    several["v"][0]["ci"] = json!("U".repeat(60));
    assert_eq!(
        SchemaVersion::V1_2_1.validate(&several),
        vec![violation("/v/0/ci", ViolationKind::MaxLength)]
    );
    assert_eq!(
        SchemaVersion::V1_3_0.validate(&several),
        vec![violation("", ViolationKind::OneOf { matched: 2 })]
    );

    // 1.0.0 and 1.0.1 required a full date of birth; 1.1.0 on accept a year.
    let mut year_only = load(&testdata("examples/vaccination/simple.json"));
    year_only["dob"] = json!("1964");
    assert_eq!(
        SchemaVersion::V1_0_0.validate(&year_only),
        vec![violation("/dob", ViolationKind::Pattern)]
    );
    assert!(SchemaVersion::V1_1_0.validate(&year_only).is_empty());
}

#[test]
fn format_is_an_annotation() {
    let mut payload = load(&testdata("examples/vaccination/simple.json"));
    payload["v"][0]["dt"] = json!("2021-03-18T22:54:00+02:00");
    assert!(validate(&payload).is_valid());
    payload["v"][0]["dt"] = json!(20210318);
    assert_eq!(
        validate(&payload).violations,
        vec![violation(
            "/v/0/dt",
            ViolationKind::Type {
                expected: JsonType::String
            }
        )]
    );
}

#[test]
fn any_json_value_is_rejected_cleanly() {
    for payload in [
        json!(null),
        json!(true),
        json!(1),
        json!(-1.5),
        json!("HC1:"),
        json!([]),
        json!([{}]),
    ] {
        let report = validate(&payload);
        assert_eq!(report.version, SchemaVersion::NEWEST);
        assert_eq!(
            report.violations,
            vec![
                violation(
                    "",
                    ViolationKind::Type {
                        expected: JsonType::Object
                    }
                ),
                // `required` holds vacuously for non-objects, so all three alternatives match.
                violation("", ViolationKind::OneOf { matched: 3 }),
            ],
            "{payload}"
        );
    }
}

/// Replaces every field of valid payloads, at every depth, by values of other JSON types: the
/// validator must report that very field, under every schema version, and never panic.
#[test]
fn every_field_of_the_wrong_type_is_reported_at_its_path() {
    let mut deep = json!("bottom");
    for _ in 0..1000 {
        deep = json!([deep]);
    }
    let replacements = [
        json!(null),
        json!(false),
        json!(7),
        json!(1.5),
        json!("text"),
        json!([]),
        json!({}),
        deep,
    ];
    let mut mutated = 0;
    for (_, payload) in payloads("valid") {
        for (pointer, original) in leaves_and_branches(&payload, String::new()) {
            if pointer.is_empty() || pointer == "/ver" {
                continue; // replacing the root or `ver` changes which schema applies
            }
            for replacement in &replacements {
                if type_class(replacement) == type_class(&original) {
                    continue;
                }
                let mut candidate = payload.clone();
                *candidate.pointer_mut(&pointer).unwrap() = replacement.clone();
                for version in SchemaVersion::ALL {
                    let violations = version.validate(&candidate);
                    assert!(
                        violations.iter().any(|v| v.path == pointer),
                        "{version} {pointer} := {}: {violations:?}",
                        type_class(replacement)
                    );
                }
                mutated += 1;
            }
        }
    }
    assert!(mutated > 1000, "{mutated}");
}

fn leaves_and_branches(value: &Value, pointer: String) -> Vec<(String, Value)> {
    let mut out = vec![(pointer.clone(), value.clone())];
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                out.extend(leaves_and_branches(member, format!("{pointer}/{name}")));
            }
        }
        Value::Array(items) => {
            for (position, item) in items.iter().enumerate() {
                out.extend(leaves_and_branches(item, format!("{pointer}/{position}")));
            }
        }
        _ => {}
    }
    out
}

fn type_class(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[test]
fn violations_carry_no_payload_values() {
    let mut payload = load(&testdata("examples/vaccination/simple.json"));
    payload["nam"]["fnt"] = json!("Mustermann-Secret");
    payload["dob"] = json!("born 1964-08-12");
    payload["v"][0]["ci"] = json!(["URN:UVCI:SECRET"]);
    let report = validate(&payload);
    assert_eq!(report.violations.len(), 3, "{:?}", report.violations);
    let rendered = format!(
        "{report:?} {}",
        report
            .violations
            .iter()
            .map(|v| v.to_string())
            .collect::<String>()
    );
    for secret in ["Mustermann", "Secret", "1964", "SECRET", "UVCI"] {
        assert!(!rendered.contains(secret), "{rendered}");
    }
}

#[test]
fn integers_follow_draft_2020_12() {
    let schema = json!({"type": "integer", "minimum": 1, "maximum": 9});
    assert!(check(schema.clone(), json!(1.0)).is_empty());
    assert!(check(schema.clone(), json!(9)).is_empty());
    assert_eq!(
        check(schema.clone(), json!(1.5)),
        vec![violation(
            "",
            ViolationKind::Type {
                expected: JsonType::Integer
            }
        )]
    );
    assert_eq!(
        check(schema.clone(), json!(0)),
        vec![violation("", ViolationKind::Minimum)]
    );
    assert_eq!(
        check(schema.clone(), json!(10)),
        vec![violation("", ViolationKind::Maximum)]
    );
    assert_eq!(
        check(schema, json!(u64::MAX)),
        vec![violation("", ViolationKind::Maximum)]
    );
}

#[test]
fn string_lengths_count_code_points() {
    let schema = json!({"type": "string", "minLength": 2, "maxLength": 3});
    assert!(check(schema.clone(), json!("Łóż")).is_empty()); // 3 code points, 6 bytes
    assert_eq!(
        check(schema.clone(), json!("Łóżk")),
        vec![violation("", ViolationKind::MaxLength)]
    );
    assert_eq!(
        check(schema, json!("Ł")),
        vec![violation("", ViolationKind::MinLength)]
    );
}

#[test]
fn patterns_search_like_ecma_262() {
    // Unanchored patterns match anywhere, as in the 1.0.0 `dob` and the `country_vt` patterns.
    let unanchored = json!({"pattern": "(19|20)\\d{2}-\\d{2}-\\d{2}"});
    assert!(check(unanchored.clone(), json!("born 1964-08-12 in Graz")).is_empty());
    assert_eq!(
        check(unanchored, json!("64-08-12")),
        vec![violation("", ViolationKind::Pattern)]
    );
    // `\d` is ASCII only in ECMA-262, as in regex-lite.
    let anchored = json!({"pattern": "^\\d+.\\d+.\\d+$"});
    assert!(check(anchored.clone(), json!("1.3.0")).is_empty());
    assert_eq!(
        check(anchored.clone(), json!("١.٣.٠")),
        vec![violation("", ViolationKind::Pattern)]
    );
    // `$` only matches at the very end, as in ECMA-262 without the `m` flag (unlike Python's `$`).
    let year = json!({"pattern": "^(19|20)\\d\\d(-\\d\\d){0,2}$"});
    assert!(check(year.clone(), json!("1990")).is_empty());
    assert_eq!(
        check(year, json!("1990\n")),
        vec![violation("", ViolationKind::Pattern)]
    );
    // Non-strings are not constrained by `pattern`.
    assert!(check(anchored, json!(130)).is_empty());
}

#[test]
fn references_resolve_and_cycles_are_bounded() {
    let schema = json!({
        "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}, "s": {"type": "string"}},
        "properties": {"x": {"$ref": "#/$defs/s"}, "loop": {"$ref": "#/$defs/a"}}
    });
    assert_eq!(
        check(schema.clone(), json!({"x": 1})),
        vec![violation(
            "/x",
            ViolationKind::Type {
                expected: JsonType::String
            }
        )]
    );
    assert_eq!(
        check(schema, json!({"loop": 1})),
        vec![violation("/loop", ViolationKind::NestingTooDeep)]
    );
}

#[test]
fn paths_escape_json_pointer_characters() {
    let schema = json!({"properties": {"a/b~c": {"type": "string"}}});
    assert_eq!(
        check(schema, json!({"a/b~c": 0})),
        vec![violation(
            "/a~1b~0c",
            ViolationKind::Type {
                expected: JsonType::String
            }
        )]
    );
}

#[test]
fn unsupported_or_malformed_schemas_do_not_compile() {
    assert!(matches!(
        compile(&json!({"additionalProperties": false})),
        Err(CompileError::UnsupportedKeyword(keyword)) if keyword == "additionalProperties"
    ));
    assert!(matches!(
        compile(&json!({"properties": {"x": {"enum": [1]}}})),
        Err(CompileError::UnsupportedKeyword(_))
    ));
    assert!(matches!(
        compile(&json!({"$ref": "#/$defs/missing"})),
        Err(CompileError::UnresolvedRef(_))
    ));
    assert!(matches!(
        compile(&json!({"$ref": "https://id.uvci.eu/DCC.schema.json"})),
        Err(CompileError::UnresolvedRef(_))
    ));
    assert!(matches!(
        compile(&json!({"type": ["string", "null"]})),
        Err(CompileError::Malformed("type"))
    ));
    assert!(matches!(
        compile(&json!({"maxLength": -1})),
        Err(CompileError::Malformed("maxLength"))
    ));
    assert!(matches!(
        compile(&json!({"pattern": "^[a-z]+$"})),
        Err(CompileError::UnsupportedPattern(p)) if p == "^[a-z]+$"
    ));
    assert!(matches!(
        compile(&json!(true)),
        Err(CompileError::Malformed("schema"))
    ));

    let mut nested = json!({"type": "string"});
    for _ in 0..40 {
        nested = json!({"items": nested});
    }
    assert!(matches!(compile(&nested), Err(CompileError::TooDeep)));
}

#[test]
fn embedded_bundle_equals_the_reviewed_schema_files() {
    for version in SchemaVersion::ALL {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/schema/data")
            .join(format!("{version}.json"));
        let embedded = version.embedded().unwrap();
        assert_eq!(embedded, load(&file), "{version}");
        assert_eq!(
            embedded["$comment"],
            json!(format!("Schema version {version}"))
        );
    }
}

#[test]
fn the_typed_payload_validates_as_its_json_does() {
    let mut compared = 0;
    for (path, mut payload) in payloads("valid")
        .into_iter()
        .chain(payloads("examples"))
        .chain(payloads("invalid"))
    {
        // Unknown fields everywhere, some of them violating what the schema says of them.
        payload["x-extra"] = json!({"nested": [1, "two"]});
        payload["nam"]["gnt"] = json!("lower case");
        for group in ["v", "t", "r"] {
            if let Some(entry) = payload.get_mut(group).and_then(|g| g.get_mut(0)) {
                entry["x"] = json!(null);
                entry["co"] = json!("xx");
            }
        }
        let mut cbor = Vec::new();
        ciborium::ser::into_writer(&payload, &mut cbor).unwrap();
        // Payloads the typed model refuses (no entry, a wrong type) are not verified at all.
        let Ok(dcc) = crate::payload::decode(&cbor) else {
            continue;
        };
        compared += 1;
        let json = dcc.to_json();
        assert_eq!(validate_dcc(&dcc), validate(&json), "{}", path.display());
        let sets = crate::valuesets::ValueSets::bundled();
        assert_eq!(
            sets.check_dcc(&dcc),
            sets.check(&json),
            "{}",
            path.display()
        );
        assert!(!validate(&json).is_valid(), "{}", path.display());
    }
    assert!(compared >= 40, "{compared}");
}
