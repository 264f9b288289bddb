//! Business rules on one certificate: selection plus evaluation of the applicable set.
//!
//! Rules are parsed and compiled once, outside the measurement, as an app does when it loads
//! the gateway's rules. The payload is the complete vaccination DCC of the samples (2 of 2
//! doses), checked on 2021-10-15.
//!
//! - `DE`: the German acceptance rules for a vaccination (4 rules), chosen from DE+EU;
//! - `EU`: the EU template rules for a vaccination (5 rules), chosen from DE+EU;
//! - `16 rules`: the DE, EU and AT vaccination and general rules relabelled as one country's
//!   set, the size of a real country's set.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use dcc_verify::rules::certlogic::DateTime;
use dcc_verify::rules::{evaluate_rules, Rule, RuleContext};
use dcc_verify::valuesets::ValueSets;
use dcc_verify::CertificateType;
use serde_json::{json, Value};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules-samples")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rule_jsons(country: &str) -> Vec<Value> {
    let dir = samples().join(country);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path().join("rule.json")))
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    paths.iter().map(|path| read_json(path)).collect()
}

fn parse(json: &Value) -> Rule {
    Rule::from_json(json).unwrap_or_else(|e| panic!("{e}"))
}

fn at(text: &str) -> DateTime {
    DateTime::parse(text).unwrap_or_else(|| panic!("{text}"))
}

fn bench_rules(c: &mut Criterion) {
    let de_eu: Vec<Rule> = ["DE", "EU"]
        .iter()
        .flat_map(|cc| rule_jsons(cc))
        .map(|j| parse(&j))
        .collect();
    let sixteen: Vec<Rule> = ["DE", "EU", "AT"]
        .iter()
        .flat_map(|cc| rule_jsons(cc))
        .filter(|rule| {
            ["Vaccination", "General"].contains(&rule["CertificateType"].as_str().unwrap_or(""))
        })
        .enumerate()
        .map(|(n, mut rule)| {
            let prefix = rule["Identifier"]
                .as_str()
                .unwrap_or("GR")
                .get(..2)
                .unwrap_or("GR")
                .to_owned();
            rule["Identifier"] = json!(format!("{prefix}-XX-{:04}", n + 1));
            rule["Country"] = json!("XX");
            parse(&rule)
        })
        .collect();
    let value_sets =
        ValueSets::from_json(&read_json(&samples().join("valuesets/valueSets.json")).to_string())
            .unwrap_or_else(|e| panic!("{e}"));
    let mut payload =
        read_json(&samples().join("NL/GR-NL-0002/tests/test001.json"))["payload"].take();
    payload["v"][0]["dn"] = json!(2);
    let context = |arrival| RuleContext {
        certificate_type: CertificateType::Vaccination,
        issuer_country: "NL",
        arrival_country: arrival,
        region: None,
        validation_clock: at("2021-10-15T10:00:00Z"),
        issued_at: Some(at("2021-06-12T00:00:00Z")),
        expires_at: Some(at("2022-06-12T00:00:00Z")),
        kid: Some("DEsVUSvpFAE="),
        value_sets: &value_sets,
    };

    let mut group = c.benchmark_group("rules: select + evaluate on one vaccination");
    for (name, rules, arrival) in [
        ("DE", &de_eu, "DE"),
        ("EU", &de_eu, "EU"),
        ("16 rules", &sixteen, "XX"),
    ] {
        let context = context(arrival);
        let report = evaluate_rules(rules, &payload, &context, "en");
        eprintln!(
            "{name}: {} rules applicable ({} passed, {} failed, {} open)",
            report.results.len(),
            report.passed,
            report.failed,
            report.open
        );
        group.bench_function(name, |b| {
            b.iter(|| {
                evaluate_rules(
                    black_box(rules),
                    black_box(&payload),
                    black_box(&context),
                    "en",
                )
                .passed
            })
        });
    }
    group.finish();

    let jsons: Vec<Value> = ["DE", "EU"].iter().flat_map(|cc| rule_jsons(cc)).collect();
    c.bench_function("rules: parse + compile the DE+EU rules (25)", |b| {
        b.iter(|| {
            jsons
                .iter()
                .map(|json| parse(black_box(json)))
                .collect::<Vec<Rule>>()
        })
    });
}

criterion_group!(benches, bench_rules);
criterion_main!(benches);
