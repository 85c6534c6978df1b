//! RL115 `nacl-blocks-https`: a network ACL on the Secrets Manager path denies tcp/443 or its return traffic.

use super::wording::secrets_manager_blockers;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Blocker;

pub struct NaclBlocksHttps;

static META: RuleMeta = RuleMeta {
    id: "RL115",
    name: "nacl-blocks-https",
    level: Level::Error,
    summary: "A network ACL on the Secrets Manager path denies tcp/443 or the 1024-65535 return traffic",
    docs: include_str!("../../rules/RL115.md"),
};

impl Rule for NaclBlocksHttps {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        secrets_manager_blockers(
            cx,
            &META,
            |b| matches!(b, Blocker::NaclBlocks { .. }),
            "allow tcp/443 towards the endpoint or NAT and tcp/1024-65535 back, in both the outbound and inbound entries of every network ACL on the path",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::NaclBlocksHttps);
    }
}
