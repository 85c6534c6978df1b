//! RL501 `task-cannot-pull-image`: A Fargate task cannot pull its container image (ECR endpoints and S3, or an internet path).

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::workload::ecs::Purpose;

pub struct TaskCannotPullImage;

static META: RuleMeta = RuleMeta {
    id: "RL501",
    name: "task-cannot-pull-image",
    level: Level::Error,
    summary: "A Fargate task cannot pull its container image (ECR endpoints and S3, or an internet path)",
    docs: include_str!("../../rules/RL501.md"),
};

impl Rule for TaskCannotPullImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        super::task_needs::findings(
            cx,
            &META,
            Purpose::Image,
            "pull its image",
            "add interface endpoints for ecr.api and ecr.dkr and an S3 gateway endpoint on the subnets' route tables (ECR images), or give the subnets a NAT route (any registry)",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        super::super::harness::run_fixtures(&super::TaskCannotPullImage);
    }
}
