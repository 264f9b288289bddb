//! Gate: the sample gateway rules (EU, DE, AT, NL) with their tests, and rule selection.
//!
//! - Every `rule.json` parses into a `Rule` whose `Logic` is valid CertLogic.
//! - Every `tests/*.json` gives its `expected` result when the rule's logic runs on the test's
//!   `{payload, external}` (as the samples' own JavaScript runner does; a missing part reads as
//!   `null`).
//! - Selection and full evaluation behave as the gateway rules intend, on the real rules.

mod rule_suites;

use std::path::PathBuf;
use std::process::ExitCode;

use dcc_verify::rules::certlogic::{validate, DateTime};
use dcc_verify::rules::{
    evaluate_rule_data, evaluate_rules, select_rules, OpenReason, Outcome, Rule, RuleContext,
};
use dcc_verify::valuesets::ValueSets;
use dcc_verify::CertificateType;
use rule_suites::{read_json, sorted_entries, testdata, Tally};
use serde_json::{json, Value};

fn samples() -> PathBuf {
    testdata("rules-samples")
}

fn at(text: &str) -> DateTime {
    DateTime::parse(text).unwrap_or_else(|| panic!("bad date-time {text}"))
}

/// A rule directory: `<country>/<identifier>/rule.json` with `tests/test*.json`.
struct RuleDir {
    path: PathBuf,
    json: Value,
}

fn rule_dirs() -> Vec<RuleDir> {
    sorted_entries(&samples())
        .into_iter()
        .filter(|path| path.is_dir())
        .flat_map(|set| sorted_entries(&set))
        .filter(|dir| dir.join("rule.json").is_file())
        .map(|path| RuleDir {
            json: read_json(&path.join("rule.json")),
            path,
        })
        .collect()
}

fn parse(json: &Value) -> Rule {
    Rule::from_json(json).unwrap_or_else(|e| panic!("{e}"))
}

/// Rules and tests from the sample files.
fn run_sample_files(tally: &mut Tally, dirs: &[RuleDir]) {
    let (mut rules, mut tests) = (0, 0);
    for dir in dirs {
        let name = dir
            .path
            .strip_prefix(samples())
            .unwrap_or(&dir.path)
            .display()
            .to_string();
        let rule = match Rule::from_json(&dir.json) {
            Ok(rule) => rule,
            Err(error) => {
                tally.check(false, || format!("{name}: rule does not parse: {error}"));
                continue;
            }
        };
        rules += 1;
        let issues = validate(&dir.json["Logic"]);
        tally.check(
            issues.is_empty() && dir.path.ends_with(&rule.identifier),
            || {
                format!(
                    "{name}: identifier {} / logic issues {issues:?}",
                    rule.identifier
                )
            },
        );
        let test_files = sorted_entries(&dir.path.join("tests"));
        for file in test_files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "json"))
        {
            tests += 1;
            let test = read_json(file);
            let expected = match test["expected"] {
                Value::Bool(true) => Outcome::Passed,
                Value::Bool(false) => Outcome::Failed,
                ref other => panic!("{}: expected {other}", file.display()),
            };
            let outcome = evaluate_rule_data(&rule, &test);
            tally.check(outcome == expected, || {
                let test_name = test["name"].as_str().unwrap_or("<no name>");
                format!(
                    "{} ({test_name}): expected {expected:?}, got {outcome:?}",
                    file.display()
                )
            });
        }
    }
    println!("sample files: {rules} rules parsed, {tests} tests run");
}

fn identifiers(rules: &[&Rule]) -> Vec<String> {
    rules
        .iter()
        .map(|rule| format!("{} {}", rule.identifier, rule.version))
        .collect()
}

/// A copy of a sample rule with some fields changed.
fn variant(dirs: &[RuleDir], identifier: &str, changes: Value) -> Value {
    let mut json = dirs
        .iter()
        .find(|dir| dir.json["Identifier"] == identifier)
        .map(|dir| dir.json.clone())
        .unwrap_or_else(|| panic!("no sample rule {identifier}"));
    for (key, value) in changes.as_object().into_iter().flatten() {
        json[key] = value.clone();
    }
    json
}

fn run_selection_checks(tally: &mut Tally, dirs: &[RuleDir]) {
    let all: Vec<Rule> = dirs.iter().map(|dir| parse(&dir.json)).collect();
    let select = |rules: &[Rule], kind, issuer, arrival, clock: &str| {
        identifiers(&select_rules(rules, kind, issuer, arrival, at(clock)))
    };
    let mut expect = |what: &str, actual: Vec<String>, expected: &[&str]| {
        tally.check(actual == expected, || {
            format!("selection {what}: expected {expected:?}, got {actual:?}")
        });
    };

    use CertificateType::{Recovery, Test, Vaccination};
    expect(
        "DE acceptance for a vaccination",
        select(&all, Vaccination, "NL", "DE", "2022-01-15T12:00:00Z"),
        &[
            "VR-DE-0001 1.0.0",
            "VR-DE-0002 1.0.0",
            "VR-DE-0003 1.0.4",
            "VR-DE-0004 1.0.0",
        ],
    );
    expect(
        "DE acceptance before the rules' ValidFrom",
        select(&all, Vaccination, "NL", "DE", "2021-07-02T23:59:59Z"),
        &[],
    );
    expect(
        "VR-DE-0003 from its ValidFrom on (inclusive)",
        select(&all, Vaccination, "NL", "DE", "2021-10-03T00:00:00Z"),
        &[
            "VR-DE-0001 1.0.0",
            "VR-DE-0002 1.0.0",
            "VR-DE-0003 1.0.4",
            "VR-DE-0004 1.0.0",
        ],
    );
    expect(
        "VR-DE-0003 not before its ValidFrom",
        select(&all, Vaccination, "NL", "DE", "2021-10-02T23:59:59.999Z"),
        &["VR-DE-0001 1.0.0", "VR-DE-0002 1.0.0", "VR-DE-0004 1.0.0"],
    );
    expect(
        "nothing at ValidTo (exclusive)",
        select(&all, Vaccination, "NL", "DE", "2030-06-01T00:00:00Z"),
        &[],
    );
    expect(
        "AT acceptance for a recovery, General rules included",
        select(&all, Recovery, "DE", "AT", "2021-06-15T00:00:00+02:00"),
        &["GR-AT-0000 1.0.0", "GR-AT-0001 1.0.0", "RR-AT-0000 1.0.0"],
    );
    expect(
        "EU templates for a test",
        select(&all, Test, "DE", "EU", "2022-01-15T12:00:00Z"),
        &[
            "GR-EU-0000 1.0.0",
            "GR-EU-0001 1.0.0",
            "TR-EU-0000 1.0.0",
            "TR-EU-0001 1.0.0",
            "TR-EU-0002 1.0.0",
            "TR-EU-0004 1.0.0",
            "TR-EU-0005 1.0.0",
            "TR-EU-0006 1.0.0",
        ],
    );
    expect(
        "NL from its ValidFrom with offset (2022-11-25T23:00Z)",
        select(&all, Test, "DE", "NL", "2022-11-25T23:00:00Z"),
        &["GR-NL-0002 1.0.0"],
    );
    expect(
        "NL just before",
        select(&all, Test, "DE", "NL", "2022-11-25T22:59:59Z"),
        &[],
    );
    expect(
        "country codes in lower case",
        select(&all, Vaccination, "nl", "de", "2022-01-15T12:00:00Z"),
        &[
            "VR-DE-0001 1.0.0",
            "VR-DE-0002 1.0.0",
            "VR-DE-0003 1.0.4",
            "VR-DE-0004 1.0.0",
        ],
    );

    // Newest version per identifier, among the versions in force.
    let mut versions = all;
    versions.push(parse(&variant(
        dirs,
        "VR-DE-0001",
        json!({"Version": "1.0.10", "ValidFrom": "2022-06-01T00:00:00Z"}),
    )));
    versions.push(parse(&variant(
        dirs,
        "VR-DE-0001",
        json!({"Version": "1.0.9", "ValidFrom": "2022-05-01T00:00:00Z"}),
    )));
    expect(
        "VR-DE-0001 before its new versions",
        select(&versions, Vaccination, "NL", "DE", "2022-01-15T12:00:00Z")
            .into_iter()
            .take(1)
            .collect(),
        &["VR-DE-0001 1.0.0"],
    );
    expect(
        "VR-DE-0001 1.0.10 over 1.0.9 (semver, not text)",
        select(&versions, Vaccination, "NL", "DE", "2022-07-01T00:00:00Z")
            .into_iter()
            .take(1)
            .collect(),
        &["VR-DE-0001 1.0.10"],
    );

    // Invalidation rules come from the issuer's country, acceptance rules from the arrival's.
    versions.push(parse(&variant(
        dirs,
        "GR-AT-0000",
        json!({"Identifier": "IR-DE-0001", "Type": "Invalidation", "Country": "DE", "CertificateType": "General"}),
    )));
    expect(
        "DE invalidation for a DE certificate entering AT",
        select(&versions, Vaccination, "DE", "AT", "2022-01-15T12:00:00Z"),
        &[
            "GR-AT-0000 1.0.0",
            "GR-AT-0001 1.0.0",
            "IR-DE-0001 1.0.0",
            "VR-AT-0000 1.0.0",
            "VR-AT-0001 1.0.0",
            "VR-AT-0004 1.0.0",
            "VR-AT-0005 1.0.0",
            "VR-AT-0006 1.0.0",
        ],
    );
    expect(
        "no DE invalidation for an NL certificate entering DE",
        select(&versions, Vaccination, "NL", "DE", "2022-01-15T12:00:00Z")
            .into_iter()
            .filter(|id| id.starts_with("IR"))
            .collect(),
        &[],
    );
}

fn run_evaluation_checks(tally: &mut Tally, dirs: &[RuleDir]) {
    let rules: Vec<Rule> = dirs.iter().map(|dir| parse(&dir.json)).collect();
    let value_sets =
        ValueSets::from_json(&read_json(&samples().join("valuesets/valueSets.json")).to_string())
            .unwrap_or_else(|e| panic!("{e}"));
    // The one complete DCC among the samples (1 of 2 doses of Moderna on 2021-06-11, from NL).
    let mut payload =
        read_json(&samples().join("NL/GR-NL-0002/tests/test001.json"))["payload"].take();
    let context = |clock: &str| RuleContext {
        certificate_type: CertificateType::Vaccination,
        issuer_country: "NL",
        arrival_country: "DE",
        region: None,
        validation_clock: at(clock),
        issued_at: Some(at("2021-06-12T00:00:00Z")),
        expires_at: Some(at("2022-06-12T00:00:00Z")),
        kid: Some("DEsVUSvpFAE="),
        value_sets: &value_sets,
    };
    let summary = |report: &dcc_verify::rules::RulesReport<'_>| {
        let outcomes: Vec<String> = report
            .results
            .iter()
            .map(|r| format!("{} {:?}", r.identifier, r.outcome))
            .collect();
        (report.passed, report.failed, report.open, outcomes)
    };

    let report = evaluate_rules(&rules, &payload, &context("2021-10-15T10:00:00Z"), "de");
    let (passed, failed, open, outcomes) = summary(&report);
    tally.check(
        (passed, failed, open) == (3, 1, 0)
            && outcomes.first().map(String::as_str) == Some("VR-DE-0001 Failed"),
        || format!("DE rules on 1/2 doses: {outcomes:?}"),
    );
    let description = report.results.first().map(|r| r.description);
    tally.check(
        description == Some("Die Impfreihe muss vollständig sein (z.B. 1/1, 2/2)."),
        || format!("German description: {description:?}"),
    );

    payload["v"][0]["dn"] = json!(2);
    let report = evaluate_rules(&rules, &payload, &context("2021-10-15T10:00:00Z"), "xx");
    tally.check(report.all_passed() && report.passed == 4, || {
        format!("DE rules on 2/2 doses: {:?}", summary(&report))
    });
    let description = report.results.first().map(|r| r.description);
    tally.check(
        description == Some("The vaccination schedule must be complete (e.g., 1/1, 2/2)."),
        || format!("English fallback: {description:?}"),
    );

    let report = evaluate_rules(&rules, &payload, &context("2022-06-12T00:00:00Z"), "en");
    let (_, _, _, outcomes) = summary(&report);
    tally.check(
        report.failed == 1 && outcomes.last().map(String::as_str) == Some("VR-DE-0004 Failed"),
        || format!("DE rules a year and a day after vaccination: {outcomes:?}"),
    );

    // The schema version gate of the reference verifiers.
    let mut old_schema = payload.clone();
    old_schema["ver"] = json!("0.9.0");
    let report = evaluate_rules(&rules, &old_schema, &context("2021-10-15T10:00:00Z"), "en");
    tally.check(
        report.open == 4
            && report
                .results
                .iter()
                .all(|r| r.outcome == Outcome::Open(OpenReason::SchemaVersion)),
        || format!("schema version 0.9.0: {:?}", summary(&report)),
    );

    // What rules see under `external`, as the EU reference verifiers provide it.
    let probe = parse(&variant(
        dirs,
        "VR-DE-0001",
        json!({"Logic": {"and": [
            {"===": [{"var": "external.countryCode"}, "DE"]},
            {"===": [{"var": "external.issuerCountryCode"}, "NL"]},
            {"===": [{"var": "external.kid"}, "DEsVUSvpFAE="]},
            {"!": [{"var": "external.region"}]},
            {"in": ["EU/1/20/1507", {"var": "external.valueSets.vaccines-covid-19-names"}]},
            {"===": [{"var": "external.validationClock"}, "2021-10-15T10:00:00.000Z"]},
            {"before": [{"plusTime": [{"var": "external.iat"}, 0, "day"]}, {"plusTime": [{"var": "external.exp"}, 0, "day"]}]},
            {"===": [{"var": "payload.v.0.co"}, "NL"]}
        ]}}),
    ));
    let report = evaluate_rules(
        std::slice::from_ref(&probe),
        &payload,
        &context("2021-10-15T10:00:00Z"),
        "en",
    );
    tally.check(report.passed == 1, || {
        format!("external fields: {:?}", summary(&report))
    });

    // Rules this engine cannot run are Open, never Passed.
    let cases = [
        (
            json!({"Engine": "JSONLOGIC"}),
            OpenReason::UnsupportedEngine,
        ),
        (
            json!({"EngineVersion": "2.0.0"}),
            OpenReason::UnsupportedEngine,
        ),
        (
            json!({"Logic": {"var": "payload.v.0.dn"}}),
            OpenReason::NotABoolean,
        ),
        (
            json!({"Logic": {"<": [{"var": "payload.v.0.mp"}, 1]}}),
            OpenReason::Evaluation(dcc_verify::rules::certlogic::EvalError::NotAnInteger {
                operation: "comparison",
            }),
        ),
    ];
    for (changes, reason) in cases {
        let rule = parse(&variant(dirs, "VR-DE-0001", changes.clone()));
        let report = evaluate_rules(
            std::slice::from_ref(&rule),
            &payload,
            &context("2021-10-15T10:00:00Z"),
            "en",
        );
        let outcome = report.results.first().map(|r| r.outcome.clone());
        tally.check(outcome == Some(Outcome::Open(reason.clone())), || {
            format!("{changes}: expected Open({reason:?}), got {outcome:?}")
        });
    }
    let broken = parse(&variant(
        dirs,
        "VR-DE-0001",
        json!({"Logic": {"some": [1, 2]}}),
    ));
    let outcome = evaluate_rule_data(&broken, &json!({"payload": {}, "external": {}}));
    tally.check(
        matches!(outcome, Outcome::Open(OpenReason::InvalidLogic(_))),
        || format!("unknown operator: {outcome:?}"),
    );
}

fn main() -> ExitCode {
    let dirs = rule_dirs();
    let mut tally = Tally::default();
    run_sample_files(&mut tally, &dirs);
    run_selection_checks(&mut tally, &dirs);
    run_evaluation_checks(&mut tally, &dirs);
    tally.finish()
}
