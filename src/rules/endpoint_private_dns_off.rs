//! RL105 `endpoint-private-dns-off`: The function relies on a Secrets Manager endpoint whose private DNS is off.

use super::wording::secrets_manager_blockers;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Blocker;

pub struct EndpointPrivateDnsOff;

static META: RuleMeta = RuleMeta {
    id: "RL105",
    name: "endpoint-private-dns-off",
    level: Level::Error,
    summary: "The function relies on a Secrets Manager endpoint whose private DNS is off",
    docs: include_str!("../../rules/RL105.md"),
};

impl Rule for EndpointPrivateDnsOff {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        secrets_manager_blockers(
            cx,
            &META,
            |b| matches!(b, Blocker::PrivateDnsOff(_)),
            "set `PrivateDnsEnabled: true` on the endpoint, or point SECRETS_MANAGER_ENDPOINT at the endpoint's own DNS name",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::EndpointPrivateDnsOff);
    }
}
