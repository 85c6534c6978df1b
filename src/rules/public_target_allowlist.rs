//! RL208 `public-target-allowlist`: a function outside a VPC, and a public target that admits its port only from specific public CIDRs.

use super::wording::target_blockers;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Blocker;

pub struct PublicTargetAllowlist;

static META: RuleMeta = RuleMeta {
    id: "RL208",
    name: "public-target-allowlist",
    level: Level::Warning,
    summary: "The function is outside a VPC and the public target admits its port only from specific public CIDRs",
    docs: include_str!("../../rules/RL208.md"),
};

impl Rule for PublicTargetAllowlist {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        target_blockers(
            cx,
            &META,
            |b| matches!(b, Blocker::PublicTargetAllowlist { .. }),
            false,
            "run the rotation function in the database's VPC (its subnets and a security group the database admits) instead of relying on the addresses Lambda uses outside a VPC",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::PublicTargetAllowlist);
    }
}
