//! RL302 `rotation-function-conflict`: a schedule sets both `HostedRotationLambda` and `RotationLambdaARN`.

use super::{Check, Rule, TemplateContext, property_key_span};
use crate::catalog::ROTATION_FUNCTION_CONFLICT as META;
use crate::diagnostic::Diagnostic;
use crate::rotation::ROTATION_SCHEDULE;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    cx.template
        .resources_of_type(ROTATION_SCHEDULE)
        .filter(|s| {
            cx.template.property(s, "HostedRotationLambda").is_some()
                && cx.template.property(s, "RotationLambdaARN").is_some()
        })
        .map(|s| {
            Diagnostic::new(
                &META,
                cx.file,
                property_key_span(cx.template, s, "RotationLambdaARN"),
                format!(
                    "`{}` sets both `HostedRotationLambda` and `RotationLambdaARN`; the transform rejects this",
                    s.logical_id
                ),
            )
            .resource(&s.logical_id)
            .label("remove this or `HostedRotationLambda`")
            .related(crate::diagnostic::Location {
                file: cx.file,
                span: property_key_span(cx.template, s, "HostedRotationLambda"),
                resource: Some(s.logical_id.clone()),
                message: "hosted rotation also requested here".to_owned(),
            })
            .help("keep exactly one way of choosing the rotation function")
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
