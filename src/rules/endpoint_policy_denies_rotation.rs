//! RL111 `endpoint-policy-denies-rotation`: The endpoint's policy does not allow the rotation actions.

use super::wording::secrets_manager_blockers;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Blocker;

pub struct EndpointPolicyDeniesRotation;

static META: RuleMeta = RuleMeta {
    id: "RL111",
    name: "endpoint-policy-denies-rotation",
    level: Level::Error,
    summary: "The endpoint's policy does not allow the rotation actions",
    docs: include_str!("../../rules/RL111.md"),
};

impl Rule for EndpointPolicyDeniesRotation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        secrets_manager_blockers(
            cx,
            &META,
            |b| matches!(b, Blocker::EndpointPolicyDenies { .. }),
            "allow secretsmanager:DescribeSecret, GetSecretValue, PutSecretValue, UpdateSecretVersionStage and GetRandomPassword in the endpoint policy",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::EndpointPolicyDeniesRotation);
    }
}
