//! Business rules: the CertLogic engine ([`certlogic`]) and the EU DCC gateway rules on top of
//! it: parse a [`Rule`] (logic compiled once) or a whole [`RuleSet`], [`select_rules`] for a
//! certificate, and [`evaluate_rules`] into a [`RulesReport`] of Passed / Failed / Open
//! outcomes. [`crate::Verifier::set_rules`] applies a rule set in every verification, which
//! then carries a [`RulesResult`].

pub mod certlogic;
mod external;
mod report;
mod rule;
mod select;
mod set;
mod version;

pub use external::RuleContext;
pub use report::{
    evaluate_rule_data, evaluate_rules, OpenReason, Outcome, RuleResult, RuleVerdict, RulesReport,
    RulesResult,
};
pub use rule::{
    Description, Rule, RuleCertificateType, RuleError, RuleType, ENGINE, SUPPORTED_ENGINE_VERSION,
};
pub use select::select_rules;
pub use set::{RejectedRule, RuleSet, RuleSetError};
pub use version::{Version, VersionError};
