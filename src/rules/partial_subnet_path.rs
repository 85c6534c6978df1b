//! RL109 `partial-subnet-path`: only some of the function's subnets reach Secrets Manager.

use super::wording::{blocker_text, function_path, function_span, subnet_names};
use super::{Check, Rule, TemplateContext};
use crate::catalog::PARTIAL_SUBNET_PATH as META;
use crate::diagnostic::Diagnostic;
use crate::network::Overall;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (f, ff) in cx.facts.functions() {
        let Some(report) = &ff.secrets_manager else { continue };
        if report.overall != Overall::Some {
            continue;
        }
        let Some((blocker, hops)) = report.first_blocker() else { continue };
        let blocked = subnet_names(report, true);
        out.push(
            Diagnostic::new(
                &META,
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

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
