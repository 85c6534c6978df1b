//! RL203 `target-sg-blocks-function`: The target's security groups admit its port neither from the function's groups nor its subnets.

use super::wording::target_blockers;
use super::{Check, Rule, TemplateContext};
use crate::catalog::TARGET_SG_BLOCKS_FUNCTION as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(|cx| super::fixes::target_ingress(cx, check(cx))) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    target_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::TargetSgBlocks { .. }),
        false,
        "add an ingress rule on the database's security group for its port with SourceSecurityGroupId set to the function's security group",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
