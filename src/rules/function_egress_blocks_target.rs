//! RL204 `function-egress-blocks-target`: The function's explicit egress rules exclude the target's port or address.

use super::wording::target_blockers;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Blocker;

pub struct FunctionEgressBlocksTarget;

static META: RuleMeta = RuleMeta {
    id: "RL204",
    name: "function-egress-blocks-target",
    level: Level::Error,
    summary: "The function's explicit egress rules exclude the target's port or address",
    docs: include_str!("../../rules/RL204.md"),
};

impl Rule for FunctionEgressBlocksTarget {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        target_blockers(
            cx,
            &META,
            |b| matches!(b, Blocker::FunctionEgressBlocksTarget { .. }),
            false,
            "add an egress rule for the database port to the database's security group",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::FunctionEgressBlocksTarget);
    }
}
