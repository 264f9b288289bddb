//! Business rules on the command line: the rule set and value sets `verify` applies, and
//! `rules eval`, the tool rule authors test their rules with.

use std::path::Path;
use std::process::ExitCode;

use clap::ValueEnum;
use dcc_verify::rules::{evaluate_rule_data, Outcome, Rule};
use dcc_verify::{RuleSet, SchemaPolicy, ValueSets};
use serde_json::json;

use crate::UsageError;

/// `--schema` values of `verify`.
#[derive(Clone, Copy, ValueEnum)]
pub enum SchemaArg {
    Off,
    Lenient,
    Strict,
}

impl SchemaArg {
    pub fn policy(self) -> SchemaPolicy {
        match self {
            Self::Off => SchemaPolicy::Off,
            Self::Lenient => SchemaPolicy::Lenient,
            Self::Strict => SchemaPolicy::Strict,
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, UsageError> {
    crate::input::read_file(path, crate::input::MAX_DOCUMENT_BYTES)
}

/// The rule set in FILE (a JSON array of gateway rules). Rules that do not parse are left out
/// with a warning on standard error; a file that is not such an array is a usage error.
pub fn rule_set(path: &Path) -> Result<RuleSet, UsageError> {
    let (rules, rejected) = RuleSet::from_json(&read(path)?)
        .map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
    for rule in rejected {
        crate::input::warn(&format!(
            "dcc-verify: {}: rule #{} ({}) left out: {}",
            path.display(),
            rule.index,
            crate::output::escape_controls(rule.identifier.as_deref().unwrap_or("no identifier")),
            rule.error
        ));
    }
    Ok(rules)
}

/// The value sets in FILE, in any form the EU publishes them.
pub fn value_sets(path: &Path) -> Result<ValueSets, UsageError> {
    let text = String::from_utf8(read(path)?)
        .map_err(|_| UsageError(format!("{}: not UTF-8 text", path.display())))?;
    ValueSets::from_json(&text).map_err(|e| UsageError(format!("{}: {e}", path.display())))
}

/// `rules eval`: one rule's logic on `{payload, external}` from DATA, as the rule-testing files
/// give it. Prints `{"result": true | false | "open"}`; why a rule is open goes to standard error.
pub fn eval(rule: &Path, data: &Path) -> Result<ExitCode, UsageError> {
    let rule = Rule::from_slice(&read(rule)?)
        .map_err(|e| UsageError(format!("{}: {e}", rule.display())))?;
    let data: serde_json::Value = serde_json::from_slice(&read(data)?)
        .map_err(|e| UsageError(format!("{}: not JSON: {e}", data.display())))?;
    let result = match evaluate_rule_data(&rule, &data) {
        Outcome::Passed => json!(true),
        Outcome::Failed => json!(false),
        Outcome::Open(reason) => {
            crate::input::warn(&format!(
                "dcc-verify: {} is open: {reason}",
                crate::output::escape_controls(&rule.identifier)
            ));
            json!("open")
        }
    };
    crate::input::print(&json!({ "result": result }).to_string())?;
    Ok(ExitCode::SUCCESS)
}
