//! RL111 `endpoint-policy-denies-rotation`: The endpoint's policy does not allow the rotation actions.

use super::wording::secrets_manager_blockers;
use super::{Check, Rule, TemplateContext};
use crate::catalog::ENDPOINT_POLICY_DENIES_ROTATION as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    secrets_manager_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::EndpointPolicyDenies { .. }),
        "allow secretsmanager:DescribeSecret, GetSecretValue, PutSecretValue, UpdateSecretVersionStage and GetRandomPassword in the endpoint policy",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
