//! RL205 `public-target-not-reachable`: The function is outside a VPC and the public target's security groups do not admit the internet.

use super::wording::target_blockers;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Blocker;

pub struct PublicTargetNotReachable;

static META: RuleMeta = RuleMeta {
    id: "RL205",
    name: "public-target-not-reachable",
    level: Level::Error,
    summary: "The function is outside a VPC and the public target admits its port only from security groups or private addresses",
    docs: include_str!("../../rules/RL205.md"),
};

impl Rule for PublicTargetNotReachable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        target_blockers(
            cx,
            &META,
            |b| matches!(b, Blocker::PublicTargetSgClosed { .. }),
            false,
            "put the function in the database's VPC instead of opening the database port to the internet",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::PublicTargetNotReachable);
    }
}
