//! RL403 `gateway-endpoint-not-routed`: an S3 or DynamoDB gateway endpoint is in the function's
//! VPC, but not on its subnets' route table, and nothing else reaches the service.
//!
//! An error only when no subnet of the function reaches the service: when some do, invocations
//! placed in the others time out, which is the partial-path warning RL404 (as RL109 for rotation
//! functions), and RL404 names the missing route table.

use super::service_reach::{answers, evidence_text, path};
use super::{Check, Rule, TemplateContext};
use crate::aws::calls::Evidence;
use crate::catalog::GATEWAY_ENDPOINT_NOT_ROUTED as META;
use crate::diagnostic::Diagnostic;
use crate::network::{Blocker, Outcome, Overall};

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(|cx| super::fixes::gateway_routes(cx, check(cx))) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for f in &cx.facts.calls {
        for (need, answer) in answers(f) {
            if need.evidence != Evidence::Strong || answer.report.overall != Overall::None {
                continue;
            }
            // Per subnet: the blocker arises only where nothing else reaches the service.
            let mut seen = Vec::new();
            for (_, outcome) in &answer.report.per_subnet {
                let Outcome::Blocked { blocker, hops } = outcome else { continue };
                let Blocker::GatewayNotRouted { endpoint, route_table, subnet, .. } = blocker else { continue };
                if seen.contains(&(endpoint, route_table)) {
                    continue;
                }
                seen.push((endpoint, route_table));
                let Some((resource, span)) = blocker.primary(&cx.facts.network) else { continue };
                let table = route_table
                    .as_ref()
                    .map_or_else(|| "the VPC's main route table".to_owned(), |t| format!("route table `{t}`"));
                out.push(
                Diagnostic::new(
                    &META,
                    cx.file,
                    span,
                    format!(
                        "gateway endpoint `{endpoint}` does not list {table} of subnet `{subnet}`, so function `{}` cannot reach {} ({}) from there, and nothing else does",
                        f.id,
                        answer.endpoint.label,
                        evidence_text(need)
                    ),
                )
                .resource(&resource)
                .label("the function's route table is missing here")
                .related_all(path(cx, f, need, hops))
                .help(match route_table {
                    Some(t) => format!("add `!Ref {t}` to the endpoint's RouteTableIds"),
                    None => "associate the subnet with a route table and list that table in the endpoint's RouteTableIds".to_owned(),
                }),
            );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        super::super::harness::run_fixtures(&super::RULE);
    }
}
