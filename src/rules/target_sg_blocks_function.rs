//! RL203 `target-sg-blocks-function`: The target's security groups admit its port neither from the function's groups nor its subnets.

use super::wording::target_blockers;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Blocker;

pub struct TargetSgBlocksFunction;

static META: RuleMeta = RuleMeta {
    id: "RL203",
    name: "target-sg-blocks-function",
    level: Level::Error,
    summary: "The target's security groups admit its port neither from the function's groups nor its subnets",
    docs: include_str!("../../rules/RL203.md"),
};

impl Rule for TargetSgBlocksFunction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        target_blockers(
            cx,
            &META,
            |b| matches!(b, Blocker::TargetSgBlocks { .. }),
            false,
            "add an ingress rule on the database's security group for its port with SourceSecurityGroupId set to the function's security group",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::TargetSgBlocksFunction);
    }
}
