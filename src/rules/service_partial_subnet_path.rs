//! RL404 `service-partial-subnet-path`: only some of a function's subnets reach a service it
//! calls; invocations placed in the others time out.

use super::service_reach::{answers, evidence_text, path};
use super::{Check, Rule, TemplateContext};
use crate::catalog::SERVICE_PARTIAL_SUBNET_PATH as META;
use crate::diagnostic::Diagnostic;
use crate::network::{Blocker, Overall};

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let fixer = super::value_fix::Fixer::new(cx.template, cx.file);
    for f in &cx.facts.calls {
        for (need, answer) in answers(f) {
            if answer.report.overall != Overall::Some {
                continue;
            }
            let Some((blocker, hops)) = answer.report.first_blocker() else { continue };
            let names = super::wording::subnet_names(&answer.report, true);
            let blocked = match answer.report.per_subnet.iter().filter(|(_, o)| o.blocker().is_some()).count() {
                1 => format!("its subnet {names} does not reach it"),
                _ => format!("its subnets {names} do not reach it"),
            };
            out.push(
                Diagnostic::new(
                    &META,
                    cx.file,
                    f.subnets_span,
                    format!(
                        "function `{}` calls {} ({}), but {blocked}: {}",
                        f.id,
                        answer.endpoint.label,
                        evidence_text(need),
                        super::wording::blocker_text(blocker)
                    ),
                )
                .resource(&f.id)
                .label("some subnets here have no path")
                .related_all(path(cx, f, need, hops))
                // A gateway endpoint missing this subnet's route table: the RL403 fix (unsafe).
                .fix(match blocker {
                    Blocker::GatewayNotRouted { endpoint, route_table: Some(t), .. } => {
                        super::fixes::gateway_route(cx.template, &fixer, endpoint, t)
                    }
                    _ => None,
                })
                .help(match blocker {
                    Blocker::GatewayNotRouted { endpoint, route_table: Some(t), .. } => {
                        format!("add `!Ref {t}` to the RouteTableIds of gateway endpoint `{endpoint}`")
                    }
                    _ => "give every subnet of the function the same path (endpoint subnets, route table), or remove the subnets that lack it".to_owned(),
                }),
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
