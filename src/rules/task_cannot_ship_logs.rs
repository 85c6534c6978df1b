//! RL503 `task-cannot-ship-logs`: A Fargate task using the awslogs driver cannot reach CloudWatch Logs.

use super::{Check, Rule, TemplateContext};
use crate::catalog::TASK_CANNOT_SHIP_LOGS as META;
use crate::diagnostic::Diagnostic;
use crate::workload::ecs::Purpose;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    super::task_needs::findings(
        cx,
        &META,
        Purpose::Logs,
        "create its awslogs log stream",
        "add an interface endpoint for logs with private DNS in the task's VPC, or give the subnets a NAT route",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        super::super::harness::run_fixtures(&super::RULE);
    }
}
