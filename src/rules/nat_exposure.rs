//! RL110 `nat-exposure`: the function reaches Secrets Manager only through a NAT gateway.

use super::wording::{function_path, function_span};
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};

pub struct NatExposure;

static META: RuleMeta = RuleMeta {
    id: "RL110",
    name: "nat-exposure",
    level: Level::Warning,
    summary: "Rotation traffic leaves the VPC through a NAT gateway",
    docs: include_str!("../../rules/RL110.md"),
};

impl Rule for NatExposure {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        let mut out = Vec::new();
        for (f, ff) in facts.functions() {
            let Some((nat, hops)) = ff.secrets_manager.as_ref().and_then(|r| r.only_via_nat()) else { continue };
            out.push(
                Diagnostic::new(
                    META.id,
                    META.level,
                    cx.file,
                    function_span(f),
                    format!("rotation function `{}` reaches Secrets Manager only through NAT gateway `{nat}` and the internet", f.id),
                )
                .resource(&f.id)
                .label("rotation traffic leaves the VPC from these subnets")
                .related_all(function_path(cx.file, f, hops))
                .help("add an interface VPC endpoint for secretsmanager with PrivateDnsEnabled: true to keep rotation traffic inside AWS's network"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::NatExposure);
    }
}
