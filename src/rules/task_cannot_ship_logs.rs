//! RL503 `task-cannot-ship-logs`: A Fargate task using the awslogs driver cannot reach CloudWatch Logs.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::workload::ecs::Purpose;

pub struct TaskCannotShipLogs;

static META: RuleMeta = RuleMeta {
    id: "RL503",
    name: "task-cannot-ship-logs",
    level: Level::Error,
    summary: "A Fargate task using the awslogs driver cannot reach CloudWatch Logs",
    docs: include_str!("../../rules/RL503.md"),
};

impl Rule for TaskCannotShipLogs {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        super::task_needs::findings(
            cx,
            &META,
            Purpose::Logs,
            "create its awslogs log stream",
            "add an interface endpoint for logs with private DNS in the task's VPC, or give the subnets a NAT route",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        super::super::harness::run_fixtures(&super::TaskCannotShipLogs);
    }
}
