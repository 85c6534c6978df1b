//! Shared by RL401–RL405 and RL905: how a function's calls to AWS APIs are worded, with the
//! evidence that it makes them and the path that explains the verdict.

use super::TemplateContext;
use super::wording::locations;
use crate::aws::calls::{Evidence, Need};
use crate::diagnostic::Location;
use crate::network::Hop;
use crate::workload::lambda::{EndpointAnswer, FunctionCalls};

/// Every answered endpoint of `f` with the need it serves.
pub fn answers(f: &FunctionCalls) -> impl Iterator<Item = (&Need, &EndpointAnswer)> {
    f.answers.iter().filter_map(|a| Some((f.needs.services.get(a.need)?, a)))
}

/// "S3 (strong evidence: the role's policy allows `s3:GetObject` on `Bucket`)".
pub fn evidence_text(need: &Need) -> String {
    let strength = match need.evidence {
        Evidence::Strong => "",
        Evidence::Weak => "weak evidence: ",
    };
    match need.reasons.first() {
        Some(reason) => format!("{strength}{}", reason.text()),
        None => strength.trim_end_matches(": ").to_owned(),
    }
}

/// The function, the evidence, then the hops of `hops`.
pub fn path(cx: &TemplateContext<'_>, f: &FunctionCalls, need: &Need, hops: &[Hop]) -> Vec<Location> {
    let mut out = vec![Location {
        file: cx.file,
        span: f.key_span,
        resource: Some(f.id.clone()),
        message: format!("function `{}` in a VPC", f.id),
    }];
    if let Some(reason) = need.reasons.first() {
        // The evidence sits in the role, a policy, or the function itself (SAM `Policies`,
        // environment variables): name the resource it is written in.
        let holder = cx.template.resource_at(reason.span).map_or(&f.id, |r| &r.logical_id);
        out.push(Location {
            file: cx.file,
            span: reason.span,
            resource: Some(holder.clone()),
            message: format!("it calls {}: {}", need.service.label, reason.text()),
        });
    }
    out.extend(locations(cx.file, hops));
    out
}

/// RL401 (strong evidence) and RL402 (weak): a service no subnet of the function reaches. A
/// strong-evidence service blocked only by a gateway endpoint missing from the route table is
/// RL403's finding instead.
pub fn unreachable(
    cx: &TemplateContext<'_>,
    meta: &'static crate::catalog::RuleMeta,
    evidence: Evidence,
) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::diagnostic::Diagnostic;
    use crate::network::{Blocker, Overall};
    let mut out = Vec::new();
    for f in &cx.facts.calls {
        for (need, answer) in answers(f) {
            if need.evidence != evidence || answer.report.overall != Overall::None {
                continue;
            }
            let Some((blocker, hops)) = answer.report.first_blocker() else { continue };
            if evidence == Evidence::Strong && matches!(blocker, Blocker::GatewayNotRouted { .. }) {
                continue;
            }
            let subnets = super::wording::subnet_names(&answer.report, false);
            out.push(
                Diagnostic::new(
                    meta,
                    cx.file,
                    f.subnets_span,
                    format!(
                        "function `{}` calls {} ({}), but none of its subnets ({subnets}) reaches it: {}",
                        f.id,
                        answer.endpoint.label,
                        evidence_text(need),
                        super::wording::blocker_text(blocker)
                    ),
                )
                .resource(&f.id)
                .label(format!("no subnet here reaches {}", answer.endpoint.label))
                .related_all(path(cx, f, need, hops))
                .help(help(answer.endpoint)),
            );
        }
    }
    if evidence == Evidence::Strong {
        out.extend(pollers_unreachable(cx, meta));
    }
    out
}

/// RL401 for the Lambda pollers of an MSK event source: the cluster's subnets reach none of
/// Lambda, STS or Secrets Manager that the pollers call. Placed on the cluster's subnet list.
fn pollers_unreachable(
    cx: &TemplateContext<'_>,
    meta: &'static crate::catalog::RuleMeta,
) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::diagnostic::Diagnostic;
    use crate::network::Overall;
    let mut out = Vec::new();
    for p in &cx.facts.pollers {
        for (service, report) in &p.answers {
            if report.overall != Overall::None {
                continue;
            }
            let Some((blocker, hops)) = report.first_blocker() else { continue };
            let subnets = super::wording::subnet_names(report, false);
            let mut related = vec![Location {
                file: cx.file,
                span: p.event_span,
                resource: Some(p.function.clone()),
                message: format!("function `{}` has a Kafka event source on `{}`", p.function, p.cluster),
            }];
            related.extend(locations(cx.file, hops));
            out.push(
                Diagnostic::new(
                    meta,
                    cx.file,
                    p.subnets_span,
                    format!(
                        "the event source of function `{}` cannot poll MSK cluster `{}`: Lambda's pollers call {} from the cluster's subnets ({subnets}), and none reaches it: {}",
                        p.function,
                        p.cluster,
                        service.label,
                        super::wording::blocker_text(blocker)
                    ),
                )
                .resource(&p.cluster)
                .label(format!("no subnet here reaches {}", service.label))
                .related_all(related)
                .help(format!(
                    "add an interface endpoint for com.amazonaws.<region>.{} (PrivateDnsEnabled: true, security groups admitting tcp/{} from the cluster's security groups) in the cluster's VPC, or route its subnets through a NAT gateway",
                    service.endpoint, service.port
                )),
            );
        }
    }
    out
}

/// How to give a function a path to `endpoint`.
pub fn help(endpoint: &crate::network::Service) -> String {
    match endpoint_help(endpoint) {
        Some(add) if endpoint.gateway => format!("{add}, or a NAT route"),
        Some(add) => format!("{add}, or route 0.0.0.0/0 through a NAT gateway"),
        None => format!("{} has no VPC endpoint: route the function's subnets through a NAT gateway", endpoint.label),
    }
}

/// How to give the function's subnets an endpoint of the service; `None` when it has none.
pub fn endpoint_help(endpoint: &crate::network::Service) -> Option<String> {
    let name = endpoint.endpoint;
    match (endpoint.interface, endpoint.gateway) {
        (_, true) => Some(format!(
            "add a gateway endpoint for com.amazonaws.<region>.{name} whose RouteTableIds lists the subnets' route table, or an interface endpoint with private DNS"
        )),
        (true, false) => Some(format!(
            "add an interface endpoint for com.amazonaws.<region>.{name} (PrivateDnsEnabled: true, security groups admitting tcp/{} from the function) in this VPC",
            endpoint.port
        )),
        (false, false) => None,
    }
}
