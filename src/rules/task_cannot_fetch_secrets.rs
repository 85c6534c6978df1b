//! RL502 `task-cannot-fetch-secrets`: A Fargate task cannot reach Secrets Manager or SSM for the secrets its containers reference.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::workload::ecs::Purpose;

pub struct TaskCannotFetchSecrets;

static META: RuleMeta = RuleMeta {
    id: "RL502",
    name: "task-cannot-fetch-secrets",
    level: Level::Error,
    summary: "A Fargate task cannot reach Secrets Manager or SSM for the secrets its containers reference",
    docs: include_str!("../../rules/RL502.md"),
};

impl Rule for TaskCannotFetchSecrets {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        super::task_needs::findings(
            cx,
            &META,
            Purpose::Secrets,
            "fetch its secrets",
            "add an interface endpoint for secretsmanager (or ssm) with private DNS in the task's VPC, or give the subnets a NAT route",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        super::super::harness::run_fixtures(&super::TaskCannotFetchSecrets);
    }
}
