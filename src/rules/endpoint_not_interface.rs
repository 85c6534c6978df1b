//! RL104 `endpoint-not-interface`: a secretsmanager endpoint is (by default) a Gateway endpoint.

use super::endpoint_config::secrets_manager_endpoints;
use super::value_fix::ValueFix;
use super::{Check, Rule, TemplateContext};
use crate::catalog::ENDPOINT_NOT_INTERFACE as META;
use crate::diagnostic::Diagnostic;
use crate::network::{Blocker, EndpointKind};

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

/// A written `Gateway` becomes `Interface` (quoted if it was).
pub(super) static FIX: ValueFix = ValueFix {
    key: "VpcEndpointType",
    from: &["Gateway"],
    to: "Interface",
    keep_quotes: true,
    title: "set `VpcEndpointType: Interface` (an interface endpoint also needs `SubnetIds`)",
};

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let net = &cx.facts.network;
    secrets_manager_endpoints(net)
        .filter(|(_, e)| e.kind == EndpointKind::Gateway)
        .filter_map(|(id, e)| {
            let (resource, span) = Blocker::EndpointNotInterface(id.clone()).primary(net)?;
            let how = if e.kind_value.is_some() { "sets `VpcEndpointType: Gateway`" } else { "omits `VpcEndpointType`, which defaults to Gateway" };
            Some(
                Diagnostic::new(
                    &META,
                    cx.file,
                    span,
                    format!("Secrets Manager endpoint `{id}` {how}; Secrets Manager supports only interface endpoints, so the stack fails"),
                )
                .fix(FIX.at(cx.template, cx.file, &resource, span))
                .resource(resource)
                .label("must be `Interface`")
                .help("set `VpcEndpointType: Interface` and give `SubnetIds`"),
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
