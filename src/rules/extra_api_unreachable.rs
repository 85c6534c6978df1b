//! RL114 `extra-api-unreachable`: a multi-user (or Db2) rotation in a VPC cannot reach the RDS or Redshift API.

use super::paths::function_span;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::{EndpointKind, Outcome, Via};
use crate::rotation::{FunctionKind, RotationFunction, VpcAttachment};

pub struct ExtraApiUnreachable;

static META: RuleMeta = RuleMeta {
    id: "RL114",
    name: "extra-api-unreachable",
    level: Level::Warning,
    summary: "A multi-user or Db2 rotation in a VPC has no NAT and no rds or redshift endpoint",
    docs: include_str!("../../rules/RL114.md"),
};

/// The extra service the rotation code calls (DOMAIN.md §2.6), if any.
fn extra_service(f: &RotationFunction, app_id: Option<String>) -> Option<&'static str> {
    let name = match &f.kind {
        FunctionKind::Hosted { rotation_type } => rotation_type.clone()?,
        FunctionKind::Sar => app_id?,
        _ => return None,
    };
    let needs = name.contains("MultiUser") || name.contains("Db2");
    if !needs {
        return None;
    }
    Some(if name.contains("Redshift") { "redshift" } else { "rds" })
}

impl Rule for ExtraApiUnreachable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        let net = &facts.network;
        let mut out = Vec::new();
        for (f, ff) in facts.functions() {
            let Some(report) = &ff.secrets_manager else { continue };
            let app_id = facts
                .template
                .resource(&f.id)
                .and_then(|r| facts.evaluator.property(r, "Location.ApplicationId"))
                .map(|v| v.display());
            let Some(service) = extra_service(f, app_id) else { continue };
            let via_nat =
                report.per_subnet.iter().any(|(_, o)| matches!(o, Outcome::Reachable { via: Via::Nat(_), .. }));
            if via_nat || !report.per_subnet.iter().any(|(_, o)| o.is_reachable()) {
                // NAT reaches every AWS API; without any Secrets Manager path RL101 already fires.
                continue;
            }
            let VpcAttachment::InVpc { subnets, .. } = &f.vpc else { continue };
            let Some(vpc) = subnets
                .iter()
                .find_map(|s| net.resolve_subnet(s).known().cloned())
                .and_then(|s| net.vpc_of_subnet(&s).map(str::to_owned))
            else {
                continue;
            };
            let has_endpoint = net
                .endpoints_for_service(&vpc, service)
                .any(|e| e.kind == EndpointKind::Interface && e.private_dns.value == Some(true));
            if has_endpoint {
                continue;
            }
            out.push(
                Diagnostic::new(
                    META.id,
                    META.level,
                    cx.file,
                    function_span(f),
                    format!(
                        "rotation function `{}` also calls the {service} API (alternating users or Db2), but VPC `{vpc}` has no NAT path and no `{service}` interface endpoint with private DNS",
                        f.id
                    ),
                )
                .resource(&f.id)
                .label(format!("no path to the {service} API from these subnets"))
                .help(format!("add an interface endpoint for com.amazonaws.<region>.{service} with PrivateDnsEnabled: true, or a NAT route")),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::ExtraApiUnreachable);
    }
}
