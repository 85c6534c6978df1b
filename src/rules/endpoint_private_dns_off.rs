//! RL105 `endpoint-private-dns-off`: The function relies on a Secrets Manager endpoint whose private DNS is off.

use super::wording::secrets_manager_blockers;
use super::{Check, Rule, TemplateContext};
use crate::catalog::ENDPOINT_PRIVATE_DNS_OFF as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    secrets_manager_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::PrivateDnsOff(_)),
        "set `PrivateDnsEnabled: true` on the endpoint, or point SECRETS_MANAGER_ENDPOINT at the endpoint's own DNS name",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
