//! Gate: every case of the EU conformance corpus (testdata/dgc-testdata) that states
//! `EXPECTEDSCHEMAVALIDATION` is checked against the schema of its declared version plus the value
//! sets; a payload is "schema valid" when both pass. Expectations the corpus gets wrong are listed,
//! with their reasons, in testdata/conformance/exclusions.toml (flag "SCHEMAVALIDATION"); an
//! exclusion that is no longer needed fails the gate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use dcc_verify::schema;
use dcc_verify::valuesets::ValueSets;
use serde_json::Value;

const CORPUS: &str = "testdata/dgc-testdata";
const EXCLUSIONS: &str = "testdata/conformance/exclusions.toml";
const FLAG: &str = "SCHEMAVALIDATION";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// We agree with the expectation.
    Met,
    /// We disagree, and an exclusion says the corpus is wrong here.
    Excluded,
    /// We disagree, and nothing excuses it.
    Failed,
    /// We agree although a single-case exclusion says we should not: the exclusion is stale.
    StaleExclusion,
}

struct Exclusion {
    case: String,
    #[allow(dead_code)] // read to select our tables; kept for the debugger
    flag: String,
    reason: String,
}

impl Exclusion {
    /// `NL/2DCode/raw/*.json` covers every case directly in that folder.
    fn covers(&self, case: &str) -> bool {
        match self.case.strip_suffix("*.json") {
            Some(folder) => case
                .strip_prefix(folder)
                .is_some_and(|name| !name.contains('/') && name.ends_with(".json")),
            None => self.case == case,
        }
    }

    fn is_folder(&self) -> bool {
        self.case.ends_with("*.json")
    }
}

#[test]
fn corpus_schema_expectations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let exclusions = read_exclusions(&root.join(EXCLUSIONS));
    for exclusion in &exclusions {
        assert!(
            !exclusion.reason.trim().is_empty(),
            "exclusion {} has no reason",
            exclusion.case
        );
    }

    let mut files = Vec::new();
    collect_json(&root.join(CORPUS), &mut files);
    files.sort();

    // issuer → outcome → count
    let mut table: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut outcomes: Vec<(String, bool, Outcome)> = Vec::new();
    let mut failures = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(root.join(CORPUS))
            .unwrap()
            .to_str()
            .unwrap()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&file).unwrap();
        let Ok(case) = serde_json::from_str::<Value>(&text) else {
            continue; // not a test case (the corpus also holds a README and notices)
        };
        let Some(expected) = case
            .get("EXPECTEDRESULTS")
            .and_then(|results| results.get("EXPECTEDSCHEMAVALIDATION"))
            .and_then(Value::as_bool)
        else {
            continue;
        };

        let payload =
            payload_of(&case).unwrap_or_else(|error| panic!("{relative}: cannot decode: {error}"));
        let report = schema::validate(&payload);
        let value_set_violations = ValueSets::bundled().check(&payload);
        let valid = report.is_valid() && value_set_violations.is_empty();

        let covering: Vec<&Exclusion> = exclusions.iter().filter(|e| e.covers(&relative)).collect();
        let outcome = match (valid == expected, covering.is_empty()) {
            (true, true) => Outcome::Met,
            (true, false) if covering.iter().all(|e| e.is_folder()) => Outcome::Met,
            (true, false) => Outcome::StaleExclusion,
            (false, false) => Outcome::Excluded,
            (false, true) => Outcome::Failed,
        };
        if matches!(outcome, Outcome::Failed | Outcome::StaleExclusion) {
            // Field paths and kinds only: the values are personal data.
            let schema_violations: Vec<String> =
                report.violations.iter().map(ToString::to_string).collect();
            let value_sets: Vec<String> = value_set_violations
                .iter()
                .map(ToString::to_string)
                .collect();
            failures.push(format!(
                "{relative}: {outcome:?}: expected {expected}, got {valid}; schema {} {schema_violations:?}; value sets {value_sets:?}",
                report.version
            ));
        }
        let issuer = relative.split('/').next().unwrap_or_default().to_owned();
        *table
            .entry(issuer)
            .or_default()
            .entry(label(outcome))
            .or_default() += 1;
        outcomes.push((relative, valid == expected, outcome));
    }

    // Every exclusion must cover a case, and a folder exclusion must still be needed by one of them.
    for exclusion in &exclusions {
        let covered: Vec<&(String, bool, Outcome)> = outcomes
            .iter()
            .filter(|(case, _, _)| exclusion.covers(case))
            .collect();
        if covered.is_empty() {
            failures.push(format!(
                "exclusion {} covers no case with EXPECTED{FLAG}",
                exclusion.case
            ));
        } else if exclusion.is_folder() && covered.iter().all(|(_, agrees, _)| *agrees) {
            failures.push(format!(
                "exclusion {} is stale: every case it covers is met",
                exclusion.case
            ));
        }
    }

    println!(
        "{:<8} {:>6} {:>6} {:>9} {:>7}",
        "issuer", "cases", "met", "excluded", "failed"
    );
    for (issuer, counts) in &table {
        let count = |key: &str| counts.get(key).copied().unwrap_or(0);
        println!(
            "{issuer:<8} {:>6} {:>6} {:>9} {:>7}",
            counts.values().sum::<usize>(),
            count("met"),
            count("excluded"),
            count("failed")
        );
    }
    let total = |key: &str| {
        table
            .values()
            .map(|counts| counts.get(key).copied().unwrap_or(0))
            .sum::<usize>()
    };
    let passed = total("met");
    let excluded = total("excluded");
    let failed = total("failed")
        + failures
            .iter()
            .filter(|f| f.starts_with("exclusion "))
            .count();
    for failure in &failures {
        println!("FAIL {failure}");
    }
    println!(
        "{passed} passed, {failed} failed ({excluded} excluded, with reasons in {EXCLUSIONS})"
    );
    assert!(passed > 0);
    assert_eq!(failed, 0, "see the FAIL lines above");
}

fn label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Met => "met",
        Outcome::Excluded => "excluded",
        // A stale exclusion is a failure of the gate.
        Outcome::Failed | Outcome::StaleExclusion => "failed",
    }
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_json(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
}

/// Reads the `[[...]]` tables of exclusions.toml whose `flag` is ours. A deliberately small reader
/// of the shape the file uses (`key = "basic string"` lines, `#` comments; no TOML crate for one test):
/// values of other shapes are only an error in our own tables.
fn read_exclusions(path: &Path) -> Vec<Exclusion> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut tables: Vec<BTreeMap<String, Option<String>>> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("[[") && line.ends_with("]]") {
            tables.push(BTreeMap::new());
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("{}:{}: expected `key = value`", path.display(), number + 1));
        let table = tables.last_mut().unwrap_or_else(|| {
            panic!("{}:{}: key outside a [[table]]", path.display(), number + 1)
        });
        table.insert(key.trim().to_owned(), toml_string(value.trim()));
    }
    tables
        .into_iter()
        .filter(|table| table.get("flag").cloned().flatten().as_deref() == Some(FLAG))
        .map(|mut table| {
            let mut take = |key: &str| {
                table.remove(key).flatten().unwrap_or_else(|| {
                    panic!(
                        "{}: a {FLAG} exclusion lacks the string `{key}`",
                        path.display()
                    )
                })
            };
            Exclusion {
                case: take("case"),
                flag: take("flag"),
                reason: take("reason"),
            }
        })
        .collect()
}

/// A TOML basic string `"..."` with `\"` and `\\` escapes.
fn toml_string(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// The DCC payload of a corpus case as JSON: from the hex `CBOR` field, else the payload of the hex
/// `COSE` field, else the `JSON` field. Stand-in for the library's decode API (the integrator swaps
/// it in): CBOR tag 0 dates stay strings, tag 1 epochs become RFC 3339 strings, bytes become base64.
fn payload_of(case: &Value) -> Result<Value, String> {
    for field in ["CBOR", "COSE"] {
        if let Some(hex) = case
            .get(field)
            .and_then(Value::as_str)
            .filter(|hex| !hex.is_empty())
        {
            let cbor = decode_cbor(&hex_bytes(hex)?)?;
            return Ok(cbor_to_json(&hcert(cbor)?));
        }
    }
    case.get("JSON")
        .cloned()
        .ok_or_else(|| "no CBOR, COSE or JSON field".to_owned())
}

fn decode_cbor(bytes: &[u8]) -> Result<ciborium::Value, String> {
    ciborium::from_reader(bytes).map_err(|error| error.to_string())
}

/// Unwraps what the corpus puts around the payload: tags (COSE 18, CWT 61), a COSE_Sign1 array,
/// and the CWT claims map (`-260` → `1` → payload).
fn hcert(value: ciborium::Value) -> Result<ciborium::Value, String> {
    use ciborium::Value as Cbor;
    match value {
        Cbor::Tag(_, inner) => hcert(*inner),
        Cbor::Array(parts) if parts.len() == 4 => match parts.get(2) {
            Some(Cbor::Bytes(payload)) => hcert(decode_cbor(payload)?),
            _ => Err("COSE_Sign1 payload is not a byte string".to_owned()),
        },
        Cbor::Map(claims) => {
            let Some(hcert_claim) = lookup(&claims, -260) else {
                return Ok(Cbor::Map(claims)); // already the payload
            };
            match hcert_claim {
                Cbor::Map(versions) => lookup(versions, 1)
                    .cloned()
                    .ok_or_else(|| "hcert has no key 1".to_owned()),
                _ => Err("hcert claim is not a map".to_owned()),
            }
        }
        other => Ok(other),
    }
}

fn lookup(map: &[(ciborium::Value, ciborium::Value)], key: i64) -> Option<&ciborium::Value> {
    map.iter()
        .find(|(k, _)| {
            k.as_integer()
                .is_some_and(|k| i128::from(k) == i128::from(key))
        })
        .map(|(_, v)| v)
}

fn cbor_to_json(value: &ciborium::Value) -> Value {
    use ciborium::Value as Cbor;
    match value {
        Cbor::Integer(integer) => {
            let integer = i128::from(*integer);
            i64::try_from(integer)
                .map(Value::from)
                .or_else(|_| u64::try_from(integer).map(Value::from))
                .unwrap_or(Value::Null)
        }
        Cbor::Float(float) => {
            serde_json::Number::from_f64(*float).map_or(Value::Null, Value::Number)
        }
        Cbor::Text(text) => Value::String(text.clone()),
        Cbor::Bytes(bytes) => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        Cbor::Bool(flag) => Value::Bool(*flag),
        Cbor::Null => Value::Null,
        Cbor::Tag(1, epoch) => match epoch.as_ref() {
            Cbor::Integer(seconds) => {
                i64::try_from(i128::from(*seconds)).map_or(Value::Null, rfc3339)
            }
            Cbor::Float(seconds) => rfc3339(seconds.floor() as i64),
            other => cbor_to_json(other),
        },
        // Tag 0 wraps a date/time string already; other tags are transparent here.
        Cbor::Tag(_, inner) => cbor_to_json(inner),
        Cbor::Array(items) => Value::Array(items.iter().map(cbor_to_json).collect()),
        Cbor::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(key, value)| {
                    let key = match key {
                        Cbor::Text(text) => text.clone(),
                        Cbor::Integer(integer) => i128::from(*integer).to_string(),
                        other => format!("{other:?}"),
                    };
                    (key, cbor_to_json(value))
                })
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the Unix epoch (proleptic Gregorian calendar).
fn rfc3339(seconds: i64) -> Value {
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    // Civil date from day number (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    Value::String(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    ))
}

fn hex_bytes(hex: &str) -> Result<Vec<u8>, String> {
    let hex = hex.trim();
    if hex.len() % 2 != 0 {
        return Err("odd number of hex digits".to_owned());
    }
    (0..hex.len())
        .step_by(2)
        .map(|at| {
            u8::from_str_radix(hex.get(at..at + 2).unwrap_or("zz"), 16).map_err(|e| e.to_string())
        })
        .collect()
}

#[test]
fn epoch_dates_render_as_rfc3339() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(1_623_409_200), "2021-06-11T11:00:00Z");
    assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
}
