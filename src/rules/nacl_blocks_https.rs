//! RL115 `nacl-blocks-https`: a network ACL on the Secrets Manager path denies tcp/443 or its return traffic.

use super::wording::secrets_manager_blockers;
use super::{Check, Rule, TemplateContext};
use crate::catalog::NACL_BLOCKS_HTTPS as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    secrets_manager_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::NaclBlocks { .. }),
        "allow tcp/443 towards the endpoint or NAT and tcp/1024-65535 back, in both the outbound and inbound entries of every network ACL on the path",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
