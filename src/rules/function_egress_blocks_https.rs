//! RL108 `function-egress-blocks-https`: The function's explicit egress rules allow no tcp/443 towards Secrets Manager.

use super::wording::{EndpointHelp, endpoint_blockers};
use super::{Check, Rule, TemplateContext};
use crate::catalog::FUNCTION_EGRESS_BLOCKS_HTTPS as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    endpoint_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::FunctionEgressBlocks { .. }),
        &EndpointHelp {
            rotation: "add an egress rule for tcp/443 to the endpoint's security group (or 0.0.0.0/0 when going through NAT)",
            workload: "add an egress rule for the service's port (tcp/443 for HTTPS APIs) to the endpoint's security group (or 0.0.0.0/0 when going through NAT)",
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
