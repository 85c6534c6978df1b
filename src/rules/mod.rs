//! The rule registry: every rule is one file with one struct, listed once in [`ALL`].
//!
//! Rules are pure: they read the facts of one template and return plain [`Diagnostic`]s. They
//! never print and never panic; the report layer does all formatting.

use crate::diagnostic::{Diagnostic, FileId, Level};
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
mod function_egress_blocks_https;
mod function_egress_blocks_target;
mod function_in_public_subnet;
mod function_outside_template;
mod function_target_vpc_mismatch;
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
mod shared_sg_without_self_rule;
mod target_sg_blocks_function;
mod task_cannot_fetch_secrets;
mod task_cannot_pull_image;
mod task_cannot_ship_logs;
mod task_needs;
mod unresolved_reference;
mod unused_suppression;
mod unverifiable;
mod vpc_dns_disabled;
pub mod wording;
mod yaml_alias;

#[cfg(test)]
pub(crate) mod harness;

/// What a rule is, independent of any input. `docs` is `rules/<ID>.md`.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub name: &'static str,
    pub level: Level,
    pub summary: &'static str,
    pub docs: &'static str,
}

/// Everything a rule may look at for one template.
pub struct Context<'a> {
    pub file: FileId,
    /// Findings of the loader (RL001, RL002, RL004, RL005).
    pub load_diagnostics: &'a [Diagnostic],
    /// `None` when the file did not parse into a document.
    pub template: Option<&'a Template>,
    /// `None` when the file did not parse into a document.
    pub facts: Option<&'a Facts<'a>>,
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic>;
}

/// The registry, in id order.
pub static ALL: &[&dyn Rule] = &[
    &parse_error::ParseError,
    &duplicate_key::DuplicateKey,
    &unresolved_reference::UnresolvedReference,
    &input_limit::InputLimit,
    &yaml_alias::YamlAlias,
    &no_secrets_manager_path::NoSecretsManagerPath,
    &function_in_public_subnet::FunctionInPublicSubnet,
    &nat_without_internet::NatWithoutInternet,
    &endpoint_not_interface::EndpointNotInterface,
    &endpoint_private_dns_off::EndpointPrivateDnsOff,
    &vpc_dns_disabled::VpcDnsDisabled,
    &endpoint_sg_blocks_https::EndpointSgBlocksHttps,
    &function_egress_blocks_https::FunctionEgressBlocksHttps,
    &partial_subnet_path::PartialSubnetPath,
    &nat_exposure::NatExposure,
    &endpoint_policy_denies_rotation::EndpointPolicyDeniesRotation,
    &endpoint_without_subnets::EndpointWithoutSubnets,
    &duplicate_private_dns_endpoint::DuplicatePrivateDnsEndpoint,
    &extra_api_unreachable::ExtraApiUnreachable,
    &nacl_blocks_https::NaclBlocksHttps,
    &private_target_function_outside_vpc::PrivateTargetFunctionOutsideVpc,
    &function_target_vpc_mismatch::FunctionTargetVpcMismatch,
    &target_sg_blocks_function::TargetSgBlocksFunction,
    &function_egress_blocks_target::FunctionEgressBlocksTarget,
    &public_target_not_reachable::PublicTargetNotReachable,
    &shared_sg_without_self_rule::SharedSgWithoutSelfRule,
    &nacl_blocks_target::NaclBlocksTarget,
    &public_target_allowlist::PublicTargetAllowlist,
    &hosted_rotation_missing_transform::HostedRotationMissingTransform,
    &rotation_function_conflict::RotationFunctionConflict,
    &missing_invoke_permission::MissingInvokePermission,
    &rotation_timeout_too_short::RotationTimeoutTooShort,
    &hosted_vpc_ids_not_string::HostedVpcIdsNotString,
    &missing_vpc_execution_permissions::MissingVpcExecutionPermissions,
    &missing_endpoint_variable::MissingEndpointVariable,
    &duplicate_rotation_schedule::DuplicateRotationSchedule,
    &task_cannot_pull_image::TaskCannotPullImage,
    &task_cannot_fetch_secrets::TaskCannotFetchSecrets,
    &task_cannot_ship_logs::TaskCannotShipLogs,
    &unverifiable::UnverifiableNetwork,
    &unverifiable::UnverifiableEgress,
    &function_outside_template::FunctionOutsideTemplate,
    &unused_suppression::UnusedSuppression,
];

pub fn by_id(id: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().id == id)
}

/// Look a rule up by id (`RL101`) or name (`no-secrets-manager-path`), case-insensitively for ids.
pub fn lookup(id_or_name: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().id.eq_ignore_ascii_case(id_or_name) || r.meta().name == id_or_name)
}

/// A rule as findings carry it: the registry id for an id (any case) or a name, a
/// `GUARD:<rule>` id as written; `None` for a rule rotlint does not know.
pub fn canonical_id(id_or_name: &str) -> Option<String> {
    if id_or_name.starts_with("GUARD:") && id_or_name.len() > "GUARD:".len() {
        return Some(id_or_name.to_owned());
    }
    lookup(id_or_name).map(|r| r.meta().id.to_owned())
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
                .map(|r| canonical_id(r).ok_or_else(|| format!("{option}: unknown rule `{r}` (see `rotlint rules`)")))
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
fn forward_load_findings(cx: &Context<'_>, id: &str) -> Vec<Diagnostic> {
    // The template model adds a few of its own (RL001 when the root is not a mapping).
    let model = cx.template.map(|t| t.diagnostics.as_slice()).unwrap_or_default();
    cx.load_diagnostics.iter().chain(model).filter(|d| d.rule == id).cloned().collect()
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
