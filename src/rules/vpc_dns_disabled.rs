//! RL106 `vpc-dns-disabled`: an endpoint with private DNS in a VPC without DNS hostnames/support.

use super::endpoint_config::{is_gateway_of_gateway_service, is_secrets_manager, known_endpoints};
use super::value_fix;
use super::{Check, Rule, TemplateContext};
use crate::catalog::VPC_DNS_DISABLED as META;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Location};
use crate::fix::Value;
use crate::network::{Blocker, Link};

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let net = &cx.facts.network;
    let mut out = Vec::new();
    let fixer = value_fix::Fixer::new(cx.template, cx.file);
    let endpoints = known_endpoints(net)
        .filter(|(_, e, service)| e.private_dns.value == Some(true) && !is_gateway_of_gateway_service(e, service));
    for (id, e, service) in endpoints {
        let Link::Known(vpc_id) = &e.vpc else { continue };
        let Some(vpc) = net.vpcs.get(vpc_id) else { continue };
        let off = [("EnableDnsSupport", &vpc.dns_support), ("EnableDnsHostnames", &vpc.dns_hostnames)]
            .into_iter()
            .find(|(_, s)| s.value == Some(false));
        let Some((attribute, setting)) = off else { continue };
        let blocker = Blocker::VpcDnsOff { endpoint: Some(id.clone()), vpc: vpc_id.clone(), attribute };
        let Some((resource, span)) = blocker.primary(net) else { continue };
        let how = if setting.written.is_some() { "sets it to false" } else { "omits it (default false)" };
        out.push(
            Diagnostic::new(
                &META,
                cx.file,
                span,
                format!(
                    "endpoint `{id}`{for_service} enables private DNS, which needs `{attribute}: true` on VPC `{vpc_id}`, but the VPC {how}; the stack fails",
                    // Secrets Manager findings keep their original wording.
                    for_service =
                        if is_secrets_manager(service) { String::new() } else { format!(" for {}", service.label) },
                ),
            )
            .resource(resource)
            .label(format!("needs `{attribute}: true`"))
            .related(Location {
                file: cx.file,
                span: e.private_dns.span_or(e.meta.key_span),
                resource: Some(id.clone()),
                message: "private DNS enabled here".to_owned(),
            })
            .help("set both `EnableDnsSupport: true` and `EnableDnsHostnames: true` on the VPC")
            .fix(fix(cx, &fixer, vpc_id, attribute)),
        );
    }
    out
}

/// The attribute this finding names, set to true on the VPC (the other one, when also off, is
/// the next finding's fix). None when the VPC is not written in this template as a plain value.
fn fix(cx: &TemplateContext<'_>, fixer: &value_fix::Fixer<'_>, vpc: &str, attribute: &str) -> Option<Fix> {
    let title = format!("set `{attribute}: true` on VPC `{vpc}`");
    fixer.fix(title, Applicability::Safe, |doc| {
        value_fix::set_property(cx.template, doc, vpc, attribute, &Value::Bool(true))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
