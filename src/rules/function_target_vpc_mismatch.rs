//! RL202 `function-target-vpc-mismatch`: function and database are in different VPCs.
//!
//! An error when no route joins the VPCs; a note when a peering, transit or VPN route exists,
//! because whether it carries the traffic is beyond the template.

use super::wording::{function_span, locations, target_blockers, unverifiable_text};
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::{Blocker, Outcome, Unverifiable};

pub struct FunctionTargetVpcMismatch;

static META: RuleMeta = RuleMeta {
    id: "RL202",
    name: "function-target-vpc-mismatch",
    level: Level::Error,
    summary: "Function and target are in different VPCs with no peering or transit route between them",
    docs: include_str!("../../rules/RL202.md"),
};

impl Rule for FunctionTargetVpcMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let help =
            "run the rotation function in the database's VPC (its subnets and a security group the database admits)";
        let mut out = target_blockers(cx, &META, |b| matches!(b, Blocker::DifferentVpc { .. }), true, help);
        let Some(facts) = cx.facts else { return out };
        for (f, ff) in facts.functions() {
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
                    META.id,
                    Level::Note,
                    cx.file,
                    function_span(f),
                    format!("rotation function `{}` and database `{}` are in different VPCs joined only by a route the template cannot follow: {}", f.id, target.id, unverifiable_text(reason)),
                )
                .resource(&f.id)
                .label("reaches the database only across networks")
                .related_all(locations(cx.file, hops))
                .help(help),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::FunctionTargetVpcMismatch);
    }
}
