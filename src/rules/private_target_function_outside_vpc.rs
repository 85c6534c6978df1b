//! RL201 `private-target-function-outside-vpc`: The target is VPC-only and the function is not in a VPC.

use super::wording::target_blockers;
use super::{Check, Rule, TemplateContext};
use crate::catalog::PRIVATE_TARGET_FUNCTION_OUTSIDE_VPC as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    target_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::PrivateTarget(_)),
        true,
        "attach the function to the database's VPC (VpcConfig with the database's private subnets and a security group the database admits)",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
