//! RL101 `no-secrets-manager-path`: a rotation function in a VPC reaches Secrets Manager from none of its subnets.

use super::wording::{blocker_text, function_path, function_span, subnet_names};
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::{Blocker, Overall};

pub struct NoSecretsManagerPath;

static META: RuleMeta = RuleMeta {
    id: "RL101",
    name: "no-secrets-manager-path",
    level: Level::Error,
    summary: "A rotation function in a VPC has no usable Secrets Manager path from any subnet",
    docs: include_str!("../../rules/RL101.md"),
};

impl Rule for NoSecretsManagerPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        let mut out = Vec::new();
        for (f, ff) in facts.functions() {
            let Some(report) = &ff.secrets_manager else { continue };
            if report.overall != Overall::None {
                continue;
            }
            let Some((blocker, hops)) = report.first_blocker() else { continue };
            let subnets = subnet_names(report, false);
            out.push(
                Diagnostic::new(
                    META.id,
                    META.level,
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
}

/// The rule that names a blocker as its own finding (RL102-RL108, RL111, RL112, RL115); `None`
/// when only RL101 explains it (no route, an endpoint of another VPC or service).
fn specific_rule(b: &Blocker) -> Option<&'static str> {
    Some(match b {
        Blocker::PublicSubnet { .. } => "RL102",
        Blocker::NatNoInternet { .. } => "RL103",
        Blocker::EndpointNotInterface(_) => "RL104",
        Blocker::PrivateDnsOff(_) => "RL105",
        Blocker::VpcDnsOff { .. } => "RL106",
        Blocker::EndpointSgBlocks { .. } => "RL107",
        Blocker::FunctionEgressBlocks { .. } => "RL108",
        Blocker::EndpointPolicyDenies { .. } => "RL111",
        Blocker::EndpointNoSubnets(_) => "RL112",
        Blocker::NaclBlocks { .. } => "RL115",
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
            let Some(rule) = specific_rule(blocker).filter(|r| reported(r)) else { return false };
            let at = blocker.primary(&facts.network);
            let cause = found.iter().find(|d| {
                d.rule == rule
                    && match (rule, &at) {
                        ("RL102", _) => d.primary.resource.as_deref() == Some(f.id.as_str()),
                        (_, Some((_, span))) => d.primary.span == *span,
                        (_, None) => false,
                    }
            });
            let Some(cause) = cause else { return false };
            let entry = (rule, cause.primary.resource.clone().unwrap_or_default());
            if !causes.contains(&entry) {
                causes.push(entry);
            }
            true
        });
        if !all_specific || causes.is_empty() {
            continue;
        }
        let see: Vec<String> = causes.iter().map(|(rule, resource)| format!("{rule} (`{resource}`)")).collect();
        for d in found.iter_mut().filter(|d| d.rule == META.id && d.primary.resource.as_deref() == Some(f.id.as_str()))
        {
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
        crate::rules::harness::run_fixtures(&super::NoSecretsManagerPath);
    }
}
