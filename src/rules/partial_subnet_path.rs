//! RL109 `partial-subnet-path`: only some of the function's subnets reach Secrets Manager.

use super::wording::{blocker_text, function_path, function_span, subnet_names};
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Overall;

pub struct PartialSubnetPath;

static META: RuleMeta = RuleMeta {
    id: "RL109",
    name: "partial-subnet-path",
    level: Level::Warning,
    summary: "Only some of the function's subnets have a Secrets Manager path",
    docs: include_str!("../../rules/RL109.md"),
};

impl Rule for PartialSubnetPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        let mut out = Vec::new();
        for (f, ff) in facts.functions() {
            let Some(report) = &ff.secrets_manager else { continue };
            if report.overall != Overall::Some {
                continue;
            }
            let Some((blocker, hops)) = report.first_blocker() else { continue };
            let blocked = subnet_names(report, true);
            out.push(
                Diagnostic::new(
                    META.id,
                    META.level,
                    cx.file,
                    function_span(f),
                    format!(
                        "rotation function `{}` reaches Secrets Manager from some subnets but not from {}: {}; rotations that start there time out",
                        f.id,
                        blocked,
                        blocker_text(blocker)
                    ),
                )
                .resource(&f.id)
                .label("some of these subnets have no path")
                .related_all(function_path(cx.file, f, hops))
                .help("give every function subnet the same path (a NAT route or the endpoint), or remove the subnets without one"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::PartialSubnetPath);
    }
}
