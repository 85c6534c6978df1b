//! RL405 `service-nat-exposure`: a function reaches a service that has VPC endpoints only
//! through NAT (traffic leaves the VPC, and NAT data processing is billed).

use super::service_reach::{answers, endpoint_label, evidence_text, path};
use super::{Check, Rule, TemplateContext};
use crate::catalog::SERVICE_NAT_EXPOSURE as META;
use crate::diagnostic::Diagnostic;
use crate::network::{Outcome, Overall, Via};

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for f in &cx.facts.calls {
        for (need, answer) in answers(f) {
            let endpoint = answer.endpoint;
            if answer.report.overall != Overall::All || !(endpoint.interface || endpoint.gateway) {
                continue;
            }
            let mut nat = None;
            let all_nat = answer.report.per_subnet.iter().all(|(_, o)| match o {
                Outcome::Reachable { via: Via::Nat(n), hops } => {
                    nat.get_or_insert((n.clone(), hops.clone()));
                    true
                }
                _ => false,
            });
            let Some((nat, hops)) = nat.filter(|_| all_nat) else { continue };
            out.push(
                Diagnostic::new(
                    &META,
                    cx.file,
                    f.subnets_span,
                    format!(
                        "function `{}` reaches {} ({}) only through NAT gateway `{nat}`: the traffic leaves the VPC",
                        f.id,
                        endpoint_label(need, answer),
                        evidence_text(need)
                    ),
                )
                .resource(&f.id)
                .label("these subnets reach the service through NAT")
                .related_all(path(cx, f, need, &hops))
                .help(super::service_reach::help(endpoint)),
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
