//! RL112 `endpoint-without-subnets`: an interface endpoint of a known service has no `SubnetIds`.

use super::endpoint_config::{is_secrets_manager, known_endpoints};
use super::{Check, Rule, TemplateContext};
use crate::catalog::ENDPOINT_WITHOUT_SUBNETS as META;
use crate::diagnostic::Diagnostic;
use crate::network::{Blocker, EndpointKind, Items};

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let net = &cx.facts.network;
    known_endpoints(net)
        .filter(|(_, e, _)| e.kind == EndpointKind::Interface && matches!(&e.subnets, Items::Known(s) if s.is_empty()))
        .filter_map(|(id, _, service)| {
            let (resource, span) = Blocker::EndpointNoSubnets(id.clone()).primary(net)?;
            Some(
                Diagnostic::new(
                    &META,
                    cx.file,
                    span,
                    format!(
                        "interface endpoint `{id}` for {} has no `SubnetIds`, so it gets no network interface to connect to",
                        service.label
                    ),
                )
                .resource(resource)
                .label("no subnets")
                .help(if is_secrets_manager(service) {
                    "list the subnets (one per Availability Zone) the rotation function uses in `SubnetIds`"
                } else {
                    "list the subnets (one per Availability Zone) its clients use in `SubnetIds`"
                }),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
