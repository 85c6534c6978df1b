//! RL105 `endpoint-private-dns-off`: A workload relies on an interface endpoint whose private DNS is off.

use super::value_fix::{self, ValueFix};
use super::wording::{EndpointHelp, endpoint_blockers};
use super::{Check, Rule, TemplateContext};
use crate::catalog::ENDPOINT_PRIVATE_DNS_OFF as META;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::fix::Value;
use crate::network::{Blocker, InVpcDns};

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

/// A written `false` becomes `true` (unquoted: a boolean).
pub(super) static FIX: ValueFix = ValueFix {
    key: "PrivateDnsEnabled",
    from: &["false", "False", "FALSE"],
    to: "true",
    keep_quotes: false,
    title: "set `PrivateDnsEnabled: true`",
};

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let found = endpoint_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::PrivateDnsOff { .. }),
        &EndpointHelp {
            rotation: "set `PrivateDnsEnabled: true` on the endpoint, or point SECRETS_MANAGER_ENDPOINT at the endpoint's own DNS name",
            workload: "set `PrivateDnsEnabled: true` on the endpoint: the SDK calls the service's regional host name, which resolves to the endpoint only with private DNS",
        },
    );
    // Each finding sits on the endpoint's `PrivateDnsEnabled` value, or on its key when omitted.
    let fixer = value_fix::Fixer::new(cx.template, cx.file);
    found
        .into_iter()
        .map(|d| {
            let fix = d
                .primary
                .resource
                .as_deref()
                .filter(|e| !dns_options_unsettled(cx, e))
                .and_then(|e| FIX.at(cx.template, cx.file, e, d.primary.span).or_else(|| absent(cx, &fixer, e)));
            d.fix(fix)
        })
        .collect()
}

/// An endpoint of a service that also has gateway endpoints (S3) whose
/// `DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint` is not set: with private DNS on,
/// whether it answers the VPC's own lookups depends on that setting's undocumented default
/// ([`InVpcDns`]). Turning private DNS on alone is then no fix rotlint can vouch for; the help
/// still says what to set.
fn dns_options_unsettled(cx: &TemplateContext<'_>, endpoint: &str) -> bool {
    let Some(ep) = cx.facts.network.endpoints.get(endpoint) else { return false };
    let has_gateway = crate::aws::catalog::endpoint_service(ep).is_some_and(|s| s.gateway);
    matches!(ep.in_vpc_dns(has_gateway), InVpcDns::Undocumented(_))
}

/// `PrivateDnsEnabled` not written (it defaults to false): add `PrivateDnsEnabled: true`.
fn absent(cx: &TemplateContext<'_>, fixer: &value_fix::Fixer<'_>, endpoint: &str) -> Option<Fix> {
    let properties = cx.template.resource(endpoint)?.properties;
    if properties.is_some_and(|p| cx.template.tree.get_pair(p, "PrivateDnsEnabled").is_some()) {
        return None;
    }
    fixer.fix(FIX.title, Applicability::Safe, |doc| {
        value_fix::set_property(cx.template, doc, endpoint, "PrivateDnsEnabled", &Value::Bool(true))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
