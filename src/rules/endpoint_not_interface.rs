//! RL104 `endpoint-not-interface`: an endpoint of a service that has only interface endpoints
//! (Secrets Manager, SQS, ...) is (by default) a Gateway endpoint. S3 and DynamoDB have gateway
//! endpoints, so theirs are never RL104 (RL403 judges their route tables).

use super::endpoint_config::known_endpoints;
use super::value_fix::{self, ValueFix};
use super::{Check, Rule, TemplateContext};
use crate::catalog::ENDPOINT_NOT_INTERFACE as META;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::fix::Value;
use crate::network::{Blocker, EndpointKind};

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

/// A written `Gateway` becomes `Interface` (quoted if it was).
pub(super) static FIX: ValueFix = ValueFix {
    key: "VpcEndpointType",
    from: &["Gateway"],
    to: "Interface",
    keep_quotes: true,
    title: "set `VpcEndpointType: Interface`",
};

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let net = &cx.facts.network;
    let fixer = value_fix::Fixer::new(cx.template, cx.file);
    known_endpoints(net)
        .filter(|(_, e, service)| e.kind == EndpointKind::Gateway && service.interface && !service.gateway)
        .filter_map(|(id, e, service)| {
            let (resource, span) = Blocker::EndpointNotInterface(id.clone()).primary(net)?;
            let how = if e.kind_value.is_some() {
                "sets `VpcEndpointType: Gateway`"
            } else {
                "omits `VpcEndpointType`, which defaults to Gateway"
            };
            Some(
                Diagnostic::new(
                    &META,
                    cx.file,
                    span,
                    format!(
                        "{label} endpoint `{id}` {how}; {label} supports only interface endpoints, so the stack fails",
                        label = service.label
                    ),
                )
                .fix(fix(cx, &fixer, &resource, span))
                .resource(resource)
                .label("must be `Interface`")
                .help("set `VpcEndpointType: Interface` and give `SubnetIds`"),
            )
        })
        .collect()
}

/// With `SubnetIds` written, the endpoint is an interface endpoint but for its type: a written
/// `Gateway` becomes `Interface`, and an omitted type is added. Without subnets the change alone
/// would not make a working endpoint, so there is no fix.
fn fix(
    cx: &TemplateContext<'_>,
    fixer: &value_fix::Fixer<'_>,
    endpoint: &str,
    span: crate::source::tree::Span,
) -> Option<Fix> {
    let properties = cx.template.resource(endpoint)?.properties?;
    let tree = &cx.template.tree;
    tree.get_pair(properties, "SubnetIds")?;
    if tree.get_pair(properties, "VpcEndpointType").is_some() {
        return FIX.at(cx.template, cx.file, endpoint, span);
    }
    fixer.fix("add `VpcEndpointType: Interface`", Applicability::Safe, |doc| {
        value_fix::set_property(cx.template, doc, endpoint, "VpcEndpointType", &Value::str("Interface"))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
