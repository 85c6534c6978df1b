//! RL101 `no-secrets-manager-path`: a rotation function in a VPC reaches Secrets Manager from none of its subnets.

use super::wording::{blocker_text, function_path, function_span, subnet_names};
use super::{Check, Context, Rule, TemplateContext};
use crate::catalog::{self, NO_SECRETS_MANAGER_PATH as META, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::network::{Blocker, Overall};

pub static RULE: Rule =
    Rule { meta: &META, check: Check::Template(|cx| super::fixes::endpoint_suggestions(cx, check(cx))) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (f, ff) in cx.facts.functions() {
        let Some(report) = &ff.secrets_manager else { continue };
        if report.overall != Overall::None {
            continue;
        }
        let Some((blocker, hops)) = report.first_blocker() else { continue };
        let subnets = subnet_names(report, false);
        out.push(
            Diagnostic::new(
                &META,
                cx.file,
                function_span(f),
                format!(
                    "rotation function `{}` cannot reach Secrets Manager from any of its subnets ({}): {}",
                    f.id,
                    subnets,
                    blocker_text(blocker)
                ),
            )
            .resource(&f.id)
            .label("no subnet here has a Secrets Manager path")
            .related_all(function_path(cx.file, f, hops))
            .help("add an interface VPC endpoint for secretsmanager (VpcEndpointType: Interface, PrivateDnsEnabled: true, SubnetIds) in this VPC, or route 0.0.0.0/0 through a NAT gateway in a public subnet"),
        );
    }
    out
}

/// The rule that names a blocker as its own finding (RL102-RL108, RL111, RL112, RL115); `None`
/// when only RL101 explains it (no route, an endpoint of another VPC or service).
fn specific_rule(b: &Blocker) -> Option<&'static RuleMeta> {
    Some(match b {
        Blocker::PublicSubnet { .. } => &catalog::FUNCTION_IN_PUBLIC_SUBNET,
        Blocker::NatNoInternet { .. } => &catalog::NAT_WITHOUT_INTERNET,
        Blocker::EndpointNotInterface(_) => &catalog::ENDPOINT_NOT_INTERFACE,
        Blocker::PrivateDnsOff { .. } => &catalog::ENDPOINT_PRIVATE_DNS_OFF,
        Blocker::VpcDnsOff { .. } => &catalog::VPC_DNS_DISABLED,
        Blocker::EndpointSgBlocks { .. } => &catalog::ENDPOINT_SG_BLOCKS_HTTPS,
        Blocker::FunctionEgressBlocks { .. } => &catalog::FUNCTION_EGRESS_BLOCKS_HTTPS,
        Blocker::EndpointPolicyDenies { .. } => &catalog::ENDPOINT_POLICY_DENIES_ROTATION,
        Blocker::EndpointNoSubnets(_) => &catalog::ENDPOINT_WITHOUT_SUBNETS,
        Blocker::NaclBlocks { .. } => &catalog::NACL_BLOCKS_HTTPS,
        _ => return None,
    })
}

/// When every subnet of a function is blocked by something a specific rule reports in `found`
/// (and `reported` keeps that rule: not `off`, not `--ignore`d), its RL101 says "see RLxxx" in
/// one line instead of repeating the explanation and the path those findings give.
pub fn refer_to_causes(cx: &Context<'_>, found: &mut [Diagnostic], reported: &dyn Fn(&str) -> bool) {
    let Some(facts) = cx.facts else { return };
    for (f, ff) in facts.functions() {
        let Some(report) = &ff.secrets_manager else { continue };
        if report.overall != Overall::None {
            continue;
        }
        let mut causes: Vec<(&'static str, String)> = Vec::new();
        let all_specific = report.per_subnet.iter().all(|(_, outcome)| {
            let Some(blocker) = outcome.blocker() else { return false };
            let Some(rule) = specific_rule(blocker).filter(|r| reported(r.id)) else { return false };
            let at = blocker.primary(&facts.network);
            // RL102's finding sits on the function, the others' on the value the blocker names.
            let on_function = std::ptr::eq(rule, &catalog::FUNCTION_IN_PUBLIC_SUBNET);
            let cause = found.iter().find(|d| {
                d.is(rule)
                    && match &at {
                        _ if on_function => d.primary.resource.as_deref() == Some(f.id.as_str()),
                        Some((_, span)) => d.primary.span == *span,
                        None => false,
                    }
            });
            let Some(cause) = cause else { return false };
            let entry = (rule.id, cause.primary.resource.clone().unwrap_or_default());
            if !causes.contains(&entry) {
                causes.push(entry);
            }
            true
        });
        if !all_specific || causes.is_empty() {
            continue;
        }
        let see: Vec<String> = causes.iter().map(|(rule, resource)| format!("{rule} (`{resource}`)")).collect();
        for d in found.iter_mut().filter(|d| d.is(&META) && d.primary.resource.as_deref() == Some(f.id.as_str())) {
            d.message = format!(
                "rotation function `{}` cannot reach Secrets Manager from any of its subnets ({}): see {}",
                f.id,
                subnet_names(report, false),
                see.join(", ")
            );
            d.related.clear();
            d.help = None;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
