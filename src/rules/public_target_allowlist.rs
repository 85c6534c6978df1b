//! RL208 `public-target-allowlist`: a function outside a VPC, and a public target that admits its port only from specific public CIDRs.

use super::wording::target_blockers;
use super::{Check, Rule, TemplateContext};
use crate::catalog::PUBLIC_TARGET_ALLOWLIST as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    target_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::PublicTargetAllowlist { .. }),
        false,
        "run the rotation function in the database's VPC (its subnets and a security group the database admits) instead of relying on the addresses Lambda uses outside a VPC",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
