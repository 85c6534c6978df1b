//! RL201 `private-target-function-outside-vpc`: The target is VPC-only and the function is not in a VPC.

use super::wording::target_blockers;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Blocker;

pub struct PrivateTargetFunctionOutsideVpc;

static META: RuleMeta = RuleMeta {
    id: "RL201",
    name: "private-target-function-outside-vpc",
    level: Level::Error,
    summary: "The target is VPC-only and the function is not in a VPC",
    docs: include_str!("../../rules/RL201.md"),
};

impl Rule for PrivateTargetFunctionOutsideVpc {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        target_blockers(
            cx,
            &META,
            |b| matches!(b, Blocker::PrivateTarget(_)),
            true,
            "attach the function to the database's VPC (VpcConfig with the database's private subnets and a security group the database admits)",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::PrivateTargetFunctionOutsideVpc);
    }
}
