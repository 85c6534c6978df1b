//! RL104 `endpoint-not-interface`: a secretsmanager endpoint is (by default) a Gateway endpoint.

use super::endpoint_config::secrets_manager_endpoints;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::{Blocker, EndpointKind};

pub struct EndpointNotInterface;

static META: RuleMeta = RuleMeta {
    id: "RL104",
    name: "endpoint-not-interface",
    level: Level::Error,
    summary: "A secretsmanager VPC endpoint omits VpcEndpointType (default Gateway) or sets Gateway",
    docs: include_str!("../../rules/RL104.md"),
};

impl Rule for EndpointNotInterface {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        let net = &facts.network;
        secrets_manager_endpoints(net)
            .filter(|(_, e)| e.kind == EndpointKind::Gateway)
            .filter_map(|(id, e)| {
                let (resource, span) = Blocker::EndpointNotInterface(id.clone()).primary(net)?;
                let how = if e.kind_value.is_some() { "sets `VpcEndpointType: Gateway`" } else { "omits `VpcEndpointType`, which defaults to Gateway" };
                Some(
                    Diagnostic::new(
                        META.id,
                        META.level,
                        cx.file,
                        span,
                        format!("Secrets Manager endpoint `{id}` {how}; Secrets Manager supports only interface endpoints, so the stack fails"),
                    )
                    .resource(resource)
                    .label("must be `Interface`")
                    .help("set `VpcEndpointType: Interface` and give `SubnetIds`"),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::EndpointNotInterface);
    }
}
