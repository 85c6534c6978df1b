//! RL501 `task-cannot-pull-image`: A Fargate task cannot pull its container image (ECR endpoints and S3, or an internet path).

use super::{Check, Rule, TemplateContext};
use crate::catalog::TASK_CANNOT_PULL_IMAGE as META;
use crate::diagnostic::Diagnostic;
use crate::workload::ecs::Purpose;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    super::task_needs::findings(
        cx,
        &META,
        Purpose::Image,
        "pull its image",
        "add interface endpoints for ecr.api and ecr.dkr and an S3 gateway endpoint on the subnets' route tables (ECR images), or give the subnets a NAT route (any registry)",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        super::super::harness::run_fixtures(&super::RULE);
    }
}
