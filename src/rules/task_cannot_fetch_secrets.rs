//! RL502 `task-cannot-fetch-secrets`: A Fargate task cannot reach Secrets Manager or SSM for the secrets its containers reference.

use super::{Check, Rule, TemplateContext};
use crate::catalog::TASK_CANNOT_FETCH_SECRETS as META;
use crate::diagnostic::Diagnostic;
use crate::workload::ecs::Purpose;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    super::task_needs::findings(
        cx,
        &META,
        Purpose::Secrets,
        "fetch its secrets",
        "add an interface endpoint for secretsmanager (or ssm) with private DNS in the task's VPC, or give the subnets a NAT route",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        super::super::harness::run_fixtures(&super::RULE);
    }
}
