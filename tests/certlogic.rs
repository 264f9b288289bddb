//! Gate: the official CertLogic test suites (specification 1.3.3), every case and assertion.
//!
//! - `testSuite/*.json`: each assertion's expression (its own, else its case's) is compiled and
//!   evaluated on the assertion's data; the result must equal `expected` exactly.
//! - `validation-testSuite/*.json`: `validate` must report exactly the listed issues.
//!
//! Files, cases and assertions marked `directive: "skip"` by the suite are not run; each is
//! counted and listed as skipped, with where the suite put the directive (it states no reason).

mod rule_suites;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dcc_verify::rules::certlogic::{validate, Expression};
use rule_suites::{read_json, sorted_entries, testdata, Tally};
use serde_json::{json, Value};

fn suite_files(dir: &str) -> Vec<PathBuf> {
    let files: Vec<PathBuf> = sorted_entries(&testdata("certlogic").join(dir))
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    assert!(!files.is_empty(), "no suite files in {dir}");
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn is_skipped(node: &Value) -> bool {
    node.get("directive") == Some(&json!("skip"))
}

/// The result as JSON, or the error as a string tagged so it can never equal an expectation.
fn evaluate(expression: &Value, data: &Value) -> Result<Value, String> {
    let compiled = Expression::compile(expression).map_err(|e| format!("compile error: {e}"))?;
    let value = compiled
        .evaluate(data)
        .map_err(|e| format!("evaluation error: {e}"))?;
    Ok(value.to_json())
}

fn run_evaluation_suite(tally: &mut Tally) {
    for path in suite_files("testSuite") {
        let suite = read_json(&path);
        let file = file_name(&path);
        let suite_skipped = is_skipped(&suite);
        let suite_name = suite["name"].as_str().unwrap_or_default();
        for case in suite["cases"].as_array().into_iter().flatten() {
            let case_name = case["name"].as_str().unwrap_or_default();
            let case_skipped = suite_skipped || is_skipped(case);
            for (index, assertion) in case["assertions"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let expression = assertion
                    .get("certLogicExpression")
                    .or_else(|| case.get("certLogicExpression"))
                    .unwrap_or_else(|| panic!("{file}: {case_name} #{index}: no expression"));
                let place = format!("{file}: \"{case_name}\" assertion #{index}");
                if case_skipped || is_skipped(assertion) {
                    // The suite gives no reason beyond where it puts the directive.
                    tally.skipped += 1;
                    let marked = if suite_skipped {
                        format!("the whole suite \"{suite_name}\"")
                    } else if case_skipped {
                        "the case".to_owned()
                    } else {
                        "the assertion".to_owned()
                    };
                    println!("SKIPPED {place}: directive \"skip\" on {marked}");
                    continue;
                }
                let expected = &assertion["expected"];
                let actual = evaluate(expression, &assertion["data"]);
                tally.check(actual.as_ref() == Ok(expected), || {
                    format!("{place}: expected {expected}, got {actual:?}")
                });
            }
        }
    }
}

fn run_validation_suite(tally: &mut Tally) {
    for path in suite_files("validation-testSuite") {
        let suite = read_json(&path);
        let file = file_name(&path);
        for (index, case) in suite["cases"].as_array().into_iter().flatten().enumerate() {
            let expression = &case["certLogicExpression"];
            let place = format!("{file}: case #{index} ({expression})");
            if is_skipped(&suite) || is_skipped(case) {
                tally.skipped += 1;
                println!("SKIPPED {place}: directive \"skip\"");
                continue;
            }
            let actual: Vec<Value> = validate(expression)
                .iter()
                .map(|issue| json!({"expr": issue.expr, "message": issue.error.to_string()}))
                .collect();
            let expected = case["issues"].as_array().cloned().unwrap_or_default();
            tally.check(actual == expected, || {
                format!("{place}: expected issues {expected:?}, got {actual:?}")
            });
        }
    }
}

fn main() -> ExitCode {
    let mut tally = Tally::default();
    run_evaluation_suite(&mut tally);
    run_validation_suite(&mut tally);
    tally.finish()
}
