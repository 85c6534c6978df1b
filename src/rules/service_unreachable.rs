//! RL401 `service-unreachable`: strong evidence that a function in a VPC calls an AWS service,
//! and none of its subnets has a path to it.

use super::{Check, Rule, TemplateContext};
use crate::aws::calls::Evidence;
use crate::catalog::SERVICE_UNREACHABLE as META;
use crate::diagnostic::Diagnostic;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    super::service_reach::unreachable(cx, &META, Evidence::Strong)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        super::super::harness::run_fixtures(&super::RULE);
    }
}
