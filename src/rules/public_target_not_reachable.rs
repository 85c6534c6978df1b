//! RL205 `public-target-not-reachable`: The function is outside a VPC and the public target's security groups do not admit the internet.

use super::wording::target_blockers;
use super::{Check, Rule, TemplateContext};
use crate::catalog::PUBLIC_TARGET_NOT_REACHABLE as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    target_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::PublicTargetSgClosed { .. }),
        false,
        "put the function in the database's VPC instead of opening the database port to the internet",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
