//! The rule registry: every rule is one file with one check, listed once in [`ALL`] with its
//! entry of the rule catalog (`crate::catalog`), which says what the rule is.
//!
//! Rules are pure: they read the facts of one template and return plain [`Diagnostic`]s. They
//! never print and never panic; the report layer does all formatting.

use crate::catalog::RuleMeta;
use crate::diagnostic::{Diagnostic, FileId};
use crate::facts::Facts;
use crate::source::tree::Span;
use crate::template::{Resource, Template};

mod duplicate_key;
mod duplicate_private_dns_endpoint;
mod duplicate_rotation_schedule;
mod endpoint_config;
mod endpoint_not_interface;
mod endpoint_policy_denies_rotation;
mod endpoint_private_dns_off;
mod endpoint_sg_blocks_https;
mod endpoint_without_subnets;
mod extra_api_unreachable;
mod fixes;
mod function_egress_blocks_https;
mod function_egress_blocks_target;
mod function_in_public_subnet;
mod function_outside_template;
mod function_target_vpc_mismatch;
mod gateway_endpoint_not_routed;
mod hosted_rotation_missing_transform;
mod hosted_vpc_ids_not_string;
mod input_limit;
mod missing_endpoint_variable;
mod missing_invoke_permission;
mod missing_vpc_execution_permissions;
mod nacl_blocks_https;
mod nacl_blocks_target;
mod nat_exposure;
mod nat_without_internet;
pub(crate) mod no_secrets_manager_path;
mod parse_error;
mod partial_subnet_path;
mod private_target_function_outside_vpc;
mod public_target_allowlist;
mod public_target_not_reachable;
mod rotation_function_conflict;
mod rotation_timeout_too_short;
mod service_maybe_unreachable;
mod service_nat_exposure;
mod service_partial_subnet_path;
mod service_reach;
mod service_unreachable;
mod shared_sg_without_self_rule;
mod target_sg_blocks_function;
mod task_cannot_fetch_secrets;
mod task_cannot_pull_image;
mod task_cannot_ship_logs;
mod task_execution_role_missing_permissions;
mod task_needs;
mod unresolved_reference;
mod unused_suppression;
mod unverifiable;
mod unverifiable_service_needs;
mod value_fix;
mod vpc_dns_disabled;
pub mod wording;
mod yaml_alias;

#[cfg(test)]
pub(crate) mod harness;

/// Everything the engine hands the rules for one file (under one scenario of its conditions).
pub struct Context<'a> {
    pub file: FileId,
    /// Findings of the loader (RL001, RL002, RL004, RL005).
    pub load_diagnostics: &'a [Diagnostic],
    /// `None` when the file did not parse into a document.
    pub template: Option<&'a Template>,
    /// `None` when the file did not parse into a document.
    pub facts: Option<&'a Facts<'a>>,
}

/// What a [`Check::Template`] rule sees: a file that parsed, and its facts.
pub struct TemplateContext<'a> {
    pub file: FileId,
    pub template: &'a Template,
    pub facts: &'a Facts<'a>,
}

/// How a rule finds its findings.
pub enum Check {
    /// In any file, parsed or not: the rule passes on what the loader and the template model
    /// found while reading it.
    File(fn(&Context<'_>) -> Vec<Diagnostic>),
    /// In a template that parsed, from its facts.
    Template(fn(&TemplateContext<'_>) -> Vec<Diagnostic>),
    /// Another layer makes the findings (RL904: the suppression layer, once every rule has run);
    /// the registry entry gives them docs, configuration and fixtures.
    Elsewhere,
}

/// A rule: what it is and how it checks.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

/// The registry, in id order: the catalog's order (a test holds them together).
pub static ALL: &[&Rule] = &[
    &parse_error::RULE,
    &duplicate_key::RULE,
    &unresolved_reference::RULE,
    &input_limit::RULE,
    &yaml_alias::RULE,
    &no_secrets_manager_path::RULE,
    &function_in_public_subnet::RULE,
    &nat_without_internet::RULE,
    &endpoint_not_interface::RULE,
    &endpoint_private_dns_off::RULE,
    &vpc_dns_disabled::RULE,
    &endpoint_sg_blocks_https::RULE,
    &function_egress_blocks_https::RULE,
    &partial_subnet_path::RULE,
    &nat_exposure::RULE,
    &endpoint_policy_denies_rotation::RULE,
    &endpoint_without_subnets::RULE,
    &duplicate_private_dns_endpoint::RULE,
    &extra_api_unreachable::RULE,
    &nacl_blocks_https::RULE,
    &private_target_function_outside_vpc::RULE,
    &function_target_vpc_mismatch::RULE,
    &target_sg_blocks_function::RULE,
    &function_egress_blocks_target::RULE,
    &public_target_not_reachable::RULE,
    &shared_sg_without_self_rule::RULE,
    &nacl_blocks_target::RULE,
    &public_target_allowlist::RULE,
    &hosted_rotation_missing_transform::RULE,
    &rotation_function_conflict::RULE,
    &missing_invoke_permission::RULE,
    &rotation_timeout_too_short::RULE,
    &hosted_vpc_ids_not_string::RULE,
    &missing_vpc_execution_permissions::RULE,
    &missing_endpoint_variable::RULE,
    &duplicate_rotation_schedule::RULE,
    &service_unreachable::RULE,
    &service_maybe_unreachable::RULE,
    &gateway_endpoint_not_routed::RULE,
    &service_partial_subnet_path::RULE,
    &service_nat_exposure::RULE,
    &task_cannot_pull_image::RULE,
    &task_cannot_fetch_secrets::RULE,
    &task_cannot_ship_logs::RULE,
    &task_execution_role_missing_permissions::RULE,
    &unverifiable::NETWORK,
    &unverifiable::EGRESS,
    &function_outside_template::RULE,
    &unused_suppression::RULE,
    &unverifiable_service_needs::RULE,
];

/// Every rule's findings for one file, rule by rule in registry order. A template rule runs
/// only when the file parsed.
pub fn run(cx: &Context<'_>) -> Vec<Diagnostic> {
    let parsed = cx.template.zip(cx.facts).map(|(template, facts)| TemplateContext { file: cx.file, template, facts });
    ALL.iter()
        .flat_map(|rule| match (&rule.check, &parsed) {
            (Check::File(check), _) => check(cx),
            (Check::Template(check), Some(parsed)) => check(parsed),
            (Check::Template(_), None) | (Check::Elsewhere, _) => Vec::new(),
        })
        .collect()
}

/// `--select` / `--ignore`: which rules a run reports. Applied after suppressions, so a
/// suppression of an ignored rule is not reported as unused.
#[derive(Clone, Debug, Default)]
pub struct RuleFilter {
    /// `None`: every rule.
    select: Option<std::collections::BTreeSet<String>>,
    ignore: std::collections::BTreeSet<String>,
}

impl RuleFilter {
    /// Rule ids or names; an unknown one is an error naming it and the option.
    pub fn new(select: &[String], ignore: &[String]) -> Result<Self, String> {
        let resolve = |option: &str, rules: &[String]| {
            rules
                .iter()
                .map(|r| r.trim())
                .filter(|r| !r.is_empty())
                .map(|r| {
                    crate::catalog::canonical_id(r)
                        .ok_or_else(|| format!("{option}: unknown rule `{r}` (see `rotlint rules`)"))
                })
                .collect::<Result<std::collections::BTreeSet<String>, String>>()
        };
        let select = if select.is_empty() { None } else { Some(resolve("--select", select)?) };
        Ok(RuleFilter { select, ignore: resolve("--ignore", ignore)? })
    }

    pub fn keeps(&self, rule: &str) -> bool {
        !self.ignore.contains(rule) && self.select.as_ref().is_none_or(|s| s.contains(rule))
    }

    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.select.is_some() || !self.ignore.is_empty() {
            diagnostics.retain(|d| self.keeps(&d.rule));
        }
    }
}

/// Loader findings are produced while reading text; their rules only pass them on, so that the
/// registry, the docs and the fixture harness treat them like every other rule.
fn forward_load_findings(cx: &Context<'_>, rule: &RuleMeta) -> Vec<Diagnostic> {
    // The template model adds a few of its own (RL001 when the root is not a mapping).
    let model = cx.template.map(|t| t.diagnostics.as_slice()).unwrap_or_default();
    cx.load_diagnostics.iter().chain(model).filter(|d| d.is(rule)).cloned().collect()
}

/// Span of the key of `Properties.<path>` (for findings about a property's presence), falling
/// back to the resource key when the property is absent.
pub(crate) fn property_key_span(template: &Template, res: &Resource, path: &str) -> Span {
    let tree = &template.tree;
    let Some(mut node) = res.properties else { return res.key_span };
    let mut span = res.key_span;
    for part in path.split('.') {
        let Some(pair) = tree.get_pair(node, part) else { return span };
        span = pair.key_span;
        node = pair.value;
    }
    span
}

#[cfg(test)]
mod registry_tests;
