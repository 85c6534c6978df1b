//! RL103 `nat-without-internet`: The default route goes to a NAT gateway that cannot reach the internet.

use super::wording::secrets_manager_blockers;
use super::{Check, Rule, TemplateContext};
use crate::catalog::NAT_WITHOUT_INTERNET as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    secrets_manager_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::NatNoInternet { .. }),
        "use a public NAT gateway in a subnet whose route table sends 0.0.0.0/0 to an internet gateway attached to the VPC",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }

    /// RL103 names the NAT gateway whose placement must change (JSON `resource`).
    #[test]
    fn resource_is_the_nat_gateway() {
        for fixture in ["fail/nat-in-private-subnet.yaml", "fail/regional-nat-no-igw.yaml", "fail/private-nat.yaml"] {
            let resources = crate::rules::harness::resources_of("RL103", fixture);
            assert!(!resources.is_empty() && resources.iter().all(|r| r == "NatGateway"), "{fixture}: {resources:?}");
        }
    }
}
