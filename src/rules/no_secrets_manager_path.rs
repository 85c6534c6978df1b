//! RL101 `no-secrets-manager-path`: a rotation function in a VPC reaches Secrets Manager from none of its subnets.

use super::paths::{blocker_text, function_path, function_span, subnet_names};
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::network::Overall;

pub struct NoSecretsManagerPath;

static META: RuleMeta = RuleMeta {
    id: "RL101",
    name: "no-secrets-manager-path",
    level: Level::Error,
    summary: "A rotation function in a VPC has no usable Secrets Manager path from any subnet",
    docs: include_str!("../../rules/RL101.md"),
};

impl Rule for NoSecretsManagerPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        let mut out = Vec::new();
        for (f, ff) in facts.functions() {
            let Some(report) = &ff.secrets_manager else { continue };
            if report.overall != Overall::None {
                continue;
            }
            let Some((blocker, hops)) = report.first_blocker() else { continue };
            let subnets = subnet_names(report, false);
            out.push(
                Diagnostic::new(
                    META.id,
                    META.level,
                    cx.file,
                    function_span(f),
                    format!(
                        "rotation function `{}` cannot reach Secrets Manager from any of its subnets ({}): {}",
                        f.id,
                        subnets,
                        blocker_text(blocker)
                    ),
                )
                .resource(&f.id)
                .label("no subnet here has a Secrets Manager path")
                .related_all(function_path(cx.file, f, hops))
                .help("add an interface VPC endpoint for secretsmanager (VpcEndpointType: Interface, PrivateDnsEnabled: true, SubnetIds) in this VPC, or route 0.0.0.0/0 through a NAT gateway in a public subnet"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::NoSecretsManagerPath);
    }
}
