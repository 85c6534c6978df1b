//! RL108 `function-egress-blocks-https`: The function's explicit egress rules allow no tcp/443 towards Secrets Manager.

use super::wording::secrets_manager_blockers;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Blocker;

pub struct FunctionEgressBlocksHttps;

static META: RuleMeta = RuleMeta {
    id: "RL108",
    name: "function-egress-blocks-https",
    level: Level::Error,
    summary: "The function's explicit egress rules allow no tcp/443 towards Secrets Manager",
    docs: include_str!("../../rules/RL108.md"),
};

impl Rule for FunctionEgressBlocksHttps {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        secrets_manager_blockers(
            cx,
            &META,
            |b| matches!(b, Blocker::FunctionEgressBlocks { .. }),
            "add an egress rule for tcp/443 to the endpoint's security group (or 0.0.0.0/0 when going through NAT)",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::FunctionEgressBlocksHttps);
    }
}
