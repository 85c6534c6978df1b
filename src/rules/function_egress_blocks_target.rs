//! RL204 `function-egress-blocks-target`: The function's explicit egress rules exclude the target's port or address.

use super::wording::target_blockers;
use super::{Check, Rule, TemplateContext};
use crate::catalog::FUNCTION_EGRESS_BLOCKS_TARGET as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    target_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::FunctionEgressBlocksTarget { .. }),
        false,
        "add an egress rule for the database port to the database's security group",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
