//! RL106 `vpc-dns-disabled`: an endpoint with private DNS in a VPC without DNS hostnames/support.

use super::endpoint_config::secrets_manager_endpoints;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level, Location};
use crate::network::{Blocker, Link};

pub struct VpcDnsDisabled;

static META: RuleMeta = RuleMeta {
    id: "RL106",
    name: "vpc-dns-disabled",
    level: Level::Error,
    summary: "An endpoint has private DNS on while its VPC lacks EnableDnsHostnames or EnableDnsSupport",
    docs: include_str!("../../rules/RL106.md"),
};

impl Rule for VpcDnsDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        let net = &facts.network;
        let mut out = Vec::new();
        for (id, e) in secrets_manager_endpoints(net).filter(|(_, e)| e.private_dns.value == Some(true)) {
            let Link::Known(vpc_id) = &e.vpc else { continue };
            let Some(vpc) = net.vpcs.get(vpc_id) else { continue };
            let off = [("EnableDnsSupport", &vpc.dns_support), ("EnableDnsHostnames", &vpc.dns_hostnames)]
                .into_iter()
                .find(|(_, s)| s.value == Some(false));
            let Some((attribute, setting)) = off else { continue };
            let blocker = Blocker::VpcDnsOff { endpoint: Some(id.clone()), vpc: vpc_id.clone(), attribute };
            let Some((resource, span)) = blocker.primary(net) else { continue };
            let how = if setting.written.is_some() { "sets it to false" } else { "omits it (default false)" };
            out.push(
                Diagnostic::new(
                    META.id,
                    META.level,
                    cx.file,
                    span,
                    format!("endpoint `{id}` enables private DNS, which needs `{attribute}: true` on VPC `{vpc_id}`, but the VPC {how}; the stack fails"),
                )
                .resource(resource)
                .label(format!("needs `{attribute}: true`"))
                .related(Location {
                    file: cx.file,
                    span: e.private_dns.span_or(e.meta.key_span),
                    resource: Some(id.clone()),
                    message: "private DNS enabled here".to_owned(),
                })
                .help("set both `EnableDnsSupport: true` and `EnableDnsHostnames: true` on the VPC"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::VpcDnsDisabled);
    }
}
