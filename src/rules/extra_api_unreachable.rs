//! RL114 `extra-api-unreachable`: an alternating-users rotation whose master secret is managed by RDS or Redshift cannot reach that API.

use super::paths::function_span;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level, Location};
use crate::facts::{Facts, FunctionFacts};
use crate::network::{EndpointKind, Outcome, Via};
use crate::rotation::{Master, RotationFunction, VpcAttachment};

pub struct ExtraApiUnreachable;

static META: RuleMeta = RuleMeta {
    id: "RL114",
    name: "extra-api-unreachable",
    level: Level::Error,
    summary: "An alternating-users rotation with an RDS- or Redshift-managed master secret has no path to that API",
    docs: include_str!("../../rules/RL114.md"),
};

impl Rule for ExtraApiUnreachable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        let mut out = Vec::new();
        for (f, ff) in facts.functions() {
            let Some(Master::Managed { service, span }) = &ff.master else { continue };
            let Some(vpc) = missing_path(facts, f, ff, service) else { continue };
            out.push(
                Diagnostic::new(
                    META.id,
                    META.level,
                    cx.file,
                    function_span(f),
                    format!(
                        "rotation function `{}` calls the {service} API because its master secret is managed by {}, but VPC `{vpc}` has no NAT path and no `{service}` interface endpoint with private DNS",
                        f.id,
                        if *service == "rds" { "RDS" } else { "Redshift" }
                    ),
                )
                .resource(&f.id)
                .label(format!("no path to the {service} API from these subnets"))
                .related(Location {
                    file: cx.file,
                    span: *span,
                    resource: Some(f.id.clone()),
                    message: "the master secret is managed by the database service".to_owned(),
                })
                .help(format!("add an interface endpoint for com.amazonaws.<region>.{service} with PrivateDnsEnabled: true, or a NAT route")),
            );
        }
        out
    }
}

/// The function's VPC when it reaches Secrets Manager but has neither a NAT path (which reaches
/// every AWS API) nor an interface endpoint for `service` with private DNS. `None` also when it
/// reaches Secrets Manager from no subnet (RL101 already says so).
pub(super) fn missing_path(
    facts: &Facts<'_>,
    f: &RotationFunction,
    ff: &FunctionFacts,
    service: &str,
) -> Option<String> {
    let net = &facts.network;
    let report = ff.secrets_manager.as_ref()?;
    let via_nat = report.per_subnet.iter().any(|(_, o)| matches!(o, Outcome::Reachable { via: Via::Nat(_), .. }));
    if via_nat || !report.per_subnet.iter().any(|(_, o)| o.is_reachable()) {
        return None;
    }
    let VpcAttachment::InVpc { subnets, .. } = &f.vpc else { return None };
    let vpc = subnets
        .iter()
        .find_map(|s| net.resolve_subnet(s).known().cloned())
        .and_then(|s| net.vpc_of_subnet(&s).map(str::to_owned))?;
    let has_endpoint = net
        .endpoints_for_service(&vpc, service)
        .any(|e| e.kind == EndpointKind::Interface && e.private_dns.value == Some(true));
    (!has_endpoint).then_some(vpc)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::ExtraApiUnreachable);
    }
}
