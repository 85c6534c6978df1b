//! RL206 `shared-sg-without-self-rule`: Function and target share one custom security group that has no self-referencing ingress.

use super::paths::target_blockers;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Blocker;

pub struct SharedSgWithoutSelfRule;

static META: RuleMeta = RuleMeta {
    id: "RL206",
    name: "shared-sg-without-self-rule",
    level: Level::Warning,
    summary: "Function and target share one custom security group that has no self-referencing ingress",
    docs: include_str!("../../rules/RL206.md"),
};

impl Rule for SharedSgWithoutSelfRule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        target_blockers(
            cx,
            &META,
            |b| matches!(b, Blocker::SharedSgWithoutSelfRule { .. }),
            false,
            "add an AWS::EC2::SecurityGroupIngress with SourceSecurityGroupId equal to the group itself for the database port",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::SharedSgWithoutSelfRule);
    }
}
