//! RL405 `service-nat-exposure`: a function reaches a service that has VPC endpoints only
//! through NAT (traffic leaves the VPC, and NAT data processing is billed).

use super::service_reach::{answers, endpoint_help, evidence_text, path};
use super::wording::nat_gateways;
use super::{Check, Rule, TemplateContext};
use crate::catalog::SERVICE_NAT_EXPOSURE as META;
use crate::diagnostic::Diagnostic;
use crate::network::Overall;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for f in &cx.facts.calls {
        for (need, answer) in answers(f) {
            let endpoint = answer.endpoint;
            if answer.report.overall != Overall::All {
                continue;
            }
            // A service without VPC endpoints has no other path than NAT: nothing to say.
            let Some(add) = endpoint_help(endpoint) else { continue };
            let Some((nats, hops)) = answer.report.only_via_nat() else { continue };
            out.push(
                Diagnostic::new(
                    &META,
                    cx.file,
                    f.subnets_span,
                    format!(
                        "function `{}` reaches {} ({}) only through {}: the traffic leaves the VPC",
                        f.id,
                        answer.endpoint.label,
                        evidence_text(need),
                        nat_gateways(&nats)
                    ),
                )
                .resource(&f.id)
                .label("these subnets reach the service through NAT")
                .related_all(path(cx, f, need, hops))
                .help(format!("to keep the traffic inside the AWS network, {add}")),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        super::super::harness::run_fixtures(&super::RULE);
    }
}
