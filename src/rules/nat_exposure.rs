//! RL110 `nat-exposure`: the function reaches Secrets Manager only through a NAT gateway.

use super::wording::{function_path, function_span, nat_gateways};
use super::{Check, Rule, TemplateContext};
use crate::catalog::NAT_EXPOSURE as META;
use crate::diagnostic::Diagnostic;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (f, ff) in cx.facts.functions() {
        let Some((nats, hops)) = ff.secrets_manager.as_ref().and_then(|r| r.only_via_nat()) else { continue };
        out.push(
            Diagnostic::new(
                &META,
                cx.file,
                function_span(f),
                format!(
                    "rotation function `{}` reaches Secrets Manager only through {} and the internet",
                    f.id,
                    nat_gateways(&nats)
                ),
            )
            .resource(&f.id)
            .label("rotation traffic leaves the VPC from these subnets")
            .related_all(function_path(cx.file, f, hops))
            .help("add an interface VPC endpoint for secretsmanager with PrivateDnsEnabled: true to keep rotation traffic inside AWS's network"),
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
