//! RL113 `duplicate-private-dns-endpoint`: two secretsmanager endpoints with private DNS in one VPC.

use super::endpoint_config::secrets_manager_endpoints;
use super::{Check, Rule, TemplateContext};
use crate::catalog::DUPLICATE_PRIVATE_DNS_ENDPOINT as META;
use crate::diagnostic::{Diagnostic, Location};
use crate::network::Link;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    // (vpc, service name as written) of every private-DNS endpoint seen so far. A FIPS and a
    // standard endpoint own different DNS names, so they do not conflict.
    let mut seen: Vec<(String, String, String, Location)> = Vec::new();
    let mut out = Vec::new();
    let mut endpoints: Vec<_> =
        secrets_manager_endpoints(&cx.facts.network).filter(|(_, e)| e.private_dns.value == Some(true)).collect();
    endpoints.sort_by_key(|(_, e)| e.meta.key_span.start);
    for (id, e) in endpoints {
        let Link::Known(vpc) = &e.vpc else { continue };
        let service = e.service.as_ref().map(|v| v.display()).unwrap_or_default();
        let span = e.private_dns.span_or(e.meta.key_span);
        if let Some((first, _, _, at)) = seen.iter().find(|(_, v, s, _)| v == vpc && *s == service) {
            out.push(
                Diagnostic::new(
                    &META,
                    cx.file,
                    span,
                    format!("endpoints `{first}` and `{id}` both enable private DNS for Secrets Manager in VPC `{vpc}`; the second fails with a conflicting DNS domain"),
                )
                .resource(id)
                .label("second private-DNS endpoint")
                .related(at.clone())
                .help("keep one Secrets Manager endpoint per VPC, or turn private DNS off on the extra one"),
            );
            continue;
        }
        let at = Location {
            file: cx.file,
            span,
            resource: Some(id.clone()),
            message: "first private-DNS endpoint".to_owned(),
        };
        seen.push((id.clone(), vpc.clone(), service, at));
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
