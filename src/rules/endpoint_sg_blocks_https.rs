//! RL107 `endpoint-sg-blocks-https`: The endpoint's security groups admit no tcp/443 from the function.

use super::wording::secrets_manager_blockers;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Blocker;

pub struct EndpointSgBlocksHttps;

static META: RuleMeta = RuleMeta {
    id: "RL107",
    name: "endpoint-sg-blocks-https",
    level: Level::Error,
    summary: "The endpoint's security groups admit no tcp/443 from the function",
    docs: include_str!("../../rules/RL107.md"),
};

impl Rule for EndpointSgBlocksHttps {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        secrets_manager_blockers(
            cx,
            &META,
            |b| matches!(b, Blocker::EndpointSgBlocks { .. }),
            "allow tcp/443 ingress on the endpoint's security group from the function's security group (or the function subnets' CIDRs)",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::EndpointSgBlocksHttps);
    }
}
