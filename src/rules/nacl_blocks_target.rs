//! RL207 `nacl-blocks-target`: a network ACL on the path to the database denies its port or the return traffic.

use super::wording::target_blockers;
use super::{Check, Rule, TemplateContext};
use crate::catalog::NACL_BLOCKS_TARGET as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    target_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::NaclBlocks { .. }),
        false,
        "allow the database port from the function's subnets and tcp/1024-65535 back, in both the outbound and inbound entries of the network ACLs of both subnets",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
