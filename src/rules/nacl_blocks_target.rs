//! RL207 `nacl-blocks-target`: a network ACL on the path to the database denies its port or the return traffic.

use super::wording::target_blockers;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Blocker;

pub struct NaclBlocksTarget;

static META: RuleMeta = RuleMeta {
    id: "RL207",
    name: "nacl-blocks-target",
    level: Level::Error,
    summary: "A network ACL on the path to the database denies its port or the 1024-65535 return traffic",
    docs: include_str!("../../rules/RL207.md"),
};

impl Rule for NaclBlocksTarget {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        target_blockers(
            cx,
            &META,
            |b| matches!(b, Blocker::NaclBlocks { .. }),
            false,
            "allow the database port from the function's subnets and tcp/1024-65535 back, in both the outbound and inbound entries of the network ACLs of both subnets",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::NaclBlocksTarget);
    }
}
