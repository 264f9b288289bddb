//! Which rules apply to a certificate.

use super::certlogic::DateTime;
use super::rule::{Rule, RuleCertificateType, RuleType};
use crate::payload::CertificateType;

/// Whether a rule for `rule_type` covers certificates of `certificate_type`.
fn covers(rule_type: RuleCertificateType, certificate_type: CertificateType) -> bool {
    matches!(
        (rule_type, certificate_type),
        (RuleCertificateType::General, _)
            | (
                RuleCertificateType::Vaccination,
                CertificateType::Vaccination
            )
            | (RuleCertificateType::Test, CertificateType::Test)
            | (RuleCertificateType::Recovery, CertificateType::Recovery)
    )
}

/// The rules that apply to a certificate of `certificate_type` issued in `issuer_country` and
/// checked for entry into `arrival_country` at `clock`: the arrival country's acceptance rules
/// and the issuer country's invalidation rules, for `General` or this certificate type, in force
/// at `clock`, and of those the newest version of each identifier. Sorted by identifier.
pub fn select_rules<'r>(
    rules: &'r [Rule],
    certificate_type: CertificateType,
    issuer_country: &str,
    arrival_country: &str,
    clock: DateTime,
) -> Vec<&'r Rule> {
    let mut selected: Vec<&'r Rule> = Vec::new();
    let applies = |rule: &&Rule| {
        let owner = match rule.rule_type {
            RuleType::Acceptance => arrival_country,
            RuleType::Invalidation => issuer_country,
        };
        rule.country.eq_ignore_ascii_case(owner)
            && covers(rule.certificate_type, certificate_type)
            && rule.is_valid_at(clock)
    };
    for rule in rules.iter().filter(applies) {
        match selected
            .iter_mut()
            .find(|chosen| chosen.identifier == rule.identifier)
        {
            Some(chosen) if rule.version > chosen.version => *chosen = rule,
            Some(_) => {}
            None => selected.push(rule),
        }
    }
    selected.sort_unstable_by(|a, b| a.identifier.cmp(&b.identifier));
    selected
}
