//! RL202 `function-target-vpc-mismatch`: function and database are in different VPCs.
//!
//! An error when no route joins the VPCs; a note when a peering, transit or VPN route exists,
//! because whether it carries the traffic is beyond the template.

use super::wording::{function_span, locations, target_blockers, unverifiable_text};
use super::{Check, Rule, TemplateContext};
use crate::catalog::FUNCTION_TARGET_VPC_MISMATCH as META;
use crate::diagnostic::{Diagnostic, Level};
use crate::network::{Blocker, Outcome, Unverifiable};

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let help = "run the rotation function in the database's VPC (its subnets and a security group the database admits)";
    let mut out = target_blockers(cx, &META, |b| matches!(b, Blocker::DifferentVpc { .. }), true, help);
    for (f, ff) in cx.facts.functions() {
        let (Some(report), Some(target)) = (&ff.target_path, &ff.target) else { continue };
        let crossing = report.per_subnet.iter().find_map(|(_, o)| match o {
            Outcome::Unverifiable { reason: reason @ Unverifiable::Egress { target, .. }, hops, .. }
                if target.crosses_networks() =>
            {
                Some((reason, hops))
            }
            _ => None,
        });
        let Some((reason, hops)) = crossing else { continue };
        out.push(
            Diagnostic::new(
                &META,
                cx.file,
                function_span(f),
                format!("rotation function `{}` and database `{}` are in different VPCs joined only by a route the template cannot follow: {}", f.id, target.id, unverifiable_text(reason)),
            )
            .at_level(Level::Note)
            .resource(&f.id)
            .label("reaches the database only across networks")
            .related_all(locations(cx.file, hops))
            .help(help),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
