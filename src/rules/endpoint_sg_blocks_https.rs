//! RL107 `endpoint-sg-blocks-https`: The endpoint's security groups admit no tcp/443 from the function.

use super::wording::{EndpointHelp, endpoint_blockers};
use super::{Check, Rule, TemplateContext};
use crate::catalog::ENDPOINT_SG_BLOCKS_HTTPS as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule =
    Rule { meta: &META, check: Check::Template(|cx| super::fixes::endpoint_ingress(cx, check(cx))) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    endpoint_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::EndpointSgBlocks { .. }),
        &EndpointHelp {
            rotation: "allow tcp/443 ingress on the endpoint's security group from the function's security group (or the function subnets' CIDRs)",
            workload: "allow ingress on the endpoint's port (tcp/443 for HTTPS APIs) on its security group from the workload's security group (or its subnets' CIDRs)",
        },
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
