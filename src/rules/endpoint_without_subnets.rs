//! RL112 `endpoint-without-subnets`: a secretsmanager interface endpoint has no `SubnetIds`.

use super::endpoint_config::secrets_manager_endpoints;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::{Blocker, EndpointKind, Items};

pub struct EndpointWithoutSubnets;

static META: RuleMeta = RuleMeta {
    id: "RL112",
    name: "endpoint-without-subnets",
    level: Level::Error,
    summary: "A secretsmanager interface endpoint has no SubnetIds",
    docs: include_str!("../../rules/RL112.md"),
};

impl Rule for EndpointWithoutSubnets {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        let net = &facts.network;
        secrets_manager_endpoints(net)
            .filter(|(_, e)| e.kind == EndpointKind::Interface && matches!(&e.subnets, Items::Known(s) if s.is_empty()))
            .filter_map(|(id, _)| {
                let (resource, span) = Blocker::EndpointNoSubnets(id.clone()).primary(net)?;
                Some(
                    Diagnostic::new(
                        META.id,
                        META.level,
                        cx.file,
                        span,
                        format!("interface endpoint `{id}` for Secrets Manager has no `SubnetIds`, so it gets no network interface to connect to"),
                    )
                    .resource(resource)
                    .label("no subnets")
                    .help("list the subnets (one per Availability Zone) the rotation function uses in `SubnetIds`"),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::EndpointWithoutSubnets);
    }
}
