//! RL113 `duplicate-private-dns-endpoint`: two endpoints with private DNS for the same service in
//! one VPC.

use super::endpoint_config::{is_gateway_of_gateway_service, known_endpoints};
use super::{Check, Rule, TemplateContext};
use crate::catalog::DUPLICATE_PRIVATE_DNS_ENDPOINT as META;
use crate::diagnostic::{Diagnostic, Location};
use crate::network::Link;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    // (vpc, endpoint service name, FIPS) of every private-DNS endpoint seen so far. A FIPS and a
    // standard endpoint own different DNS names, so they do not conflict.
    let mut seen: Vec<(String, String, (&str, bool), Location)> = Vec::new();
    let mut out = Vec::new();
    let mut endpoints: Vec<_> = known_endpoints(&cx.facts.network)
        .filter(|(_, e, service)| e.private_dns.value == Some(true) && !is_gateway_of_gateway_service(e, service))
        .collect();
    endpoints.sort_by_key(|(_, e, _)| e.meta.key_span.start);
    for (id, e, service) in endpoints {
        let Link::Known(vpc) = &e.vpc else { continue };
        let name = (service.endpoint, e.is_fips() == Some(true));
        let span = e.private_dns.span_or(e.meta.key_span);
        if let Some((first, _, _, at)) = seen.iter().find(|(_, v, s, _)| v == vpc && *s == name) {
            out.push(
                Diagnostic::new(
                    &META,
                    cx.file,
                    span,
                    format!(
                        "endpoints `{first}` and `{id}` both enable private DNS for {} in VPC `{vpc}`; the second fails with a conflicting DNS domain",
                        service.label
                    ),
                )
                .resource(id)
                .label("second private-DNS endpoint")
                .related(at.clone())
                .help(format!("keep one {} endpoint per VPC, or turn private DNS off on the extra one", service.label)),
            );
            continue;
        }
        let at = Location {
            file: cx.file,
            span,
            resource: Some(id.clone()),
            message: "first private-DNS endpoint".to_owned(),
        };
        seen.push((id.clone(), vpc.clone(), name, at));
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
