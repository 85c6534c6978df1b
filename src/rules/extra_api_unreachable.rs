//! RL114 `extra-api-unreachable`: an alternating-users rotation whose master secret is managed by RDS or Redshift cannot reach that API.

use super::wording::{blocker_text, function_span, locations};
use super::{Check, Rule, TemplateContext};
use crate::catalog::EXTRA_API_UNREACHABLE as META;
use crate::diagnostic::{Diagnostic, Location};
use crate::facts::{Facts, FunctionFacts};
use crate::network::{Blocker, EndpointKind, Hop, Overall};
use crate::rotation::{Master, RotationFunction, VpcAttachment};

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (f, ff) in cx.facts.functions() {
        let Some(Master::Managed { service, span }) = &ff.master else { continue };
        let Some(missing) = missing_path(cx.facts, f, ff) else { continue };
        let (name, label) = (service.endpoint, service.label);
        let why = match &missing.blocked_at_endpoint {
            None => {
                format!("VPC `{}` has no NAT path and no `{name}` interface endpoint with private DNS", missing.vpc)
            }
            Some(blocker) => format!("its path to the {name} API is blocked: {}", blocker_text(blocker)),
        };
        out.push(
            Diagnostic::new(
                &META,
                cx.file,
                function_span(f),
                format!(
                    "rotation function `{}` calls the {name} API because its master secret is managed by {label}, but {why}",
                    f.id
                ),
            )
            .resource(&f.id)
            .label(format!("no path to the {name} API from these subnets"))
            .related(Location {
                file: cx.file,
                span: *span,
                resource: Some(f.id.clone()),
                message: "the master secret is managed by the database service".to_owned(),
            })
            .related_all(match &missing.blocked_at_endpoint {
                Some(_) => locations(cx.file, missing.hops),
                None => Vec::new(),
            })
            .help(match &missing.blocked_at_endpoint {
                None => format!("add an interface endpoint for com.amazonaws.<region>.{name} with PrivateDnsEnabled: true, or a NAT route"),
                Some(_) => format!("make the `{name}` endpoint usable from the function (the path shows what blocks it)"),
            }),
        );
    }
    out
}

/// Why a rotation that reaches Secrets Manager cannot call its database service's API.
pub(super) struct MissingPath<'f> {
    /// The function's VPC.
    pub vpc: String,
    /// Set when an endpoint for the API captures its name but cannot be used: what blocks it.
    pub blocked_at_endpoint: Option<&'f Blocker>,
    /// The explaining path of the first blocked subnet.
    pub hops: &'f [Hop],
}

/// The API is blocked from every subnet of the function although Secrets Manager is reachable
/// from at least one (otherwise RL101 says it). A NAT path reaches every AWS API; an interface
/// endpoint with private DNS captures the API's regional name, and must then be usable.
pub(super) fn missing_path<'f>(
    facts: &Facts<'_>,
    f: &RotationFunction,
    ff: &'f FunctionFacts,
) -> Option<MissingPath<'f>> {
    let net = &facts.network;
    let sm = ff.secrets_manager.as_ref()?;
    if !sm.per_subnet.iter().any(|(_, o)| o.is_reachable()) {
        return None;
    }
    let api = ff.extra_api.as_ref()?;
    if api.overall != Overall::None {
        return None;
    }
    let (blocker, hops) = api.first_blocker()?;
    let VpcAttachment::InVpc { subnets, .. } = &f.vpc else { return None };
    let vpc = subnets
        .iter()
        .find_map(|s| net.resolve_subnet(s).known().cloned())
        .and_then(|s| net.vpc_of_subnet(&s).map(str::to_owned))?;
    let service = ff.master.as_ref()?.service().endpoint;
    let has_endpoint = net
        .endpoints_for_service(&vpc, service)
        .any(|e| e.kind == EndpointKind::Interface && e.private_dns.value == Some(true));
    Some(MissingPath { vpc, blocked_at_endpoint: has_endpoint.then_some(blocker), hops })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
