//! RL301 `hosted-rotation-missing-transform`: `HostedRotationLambda` needs the SecretsManager transform.

use super::{Check, Rule, TemplateContext, property_key_span};
use crate::catalog::HOSTED_ROTATION_MISSING_TRANSFORM as META;
use crate::diagnostic::Diagnostic;
use crate::rotation::ROTATION_SCHEDULE;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

/// The transform must be written literally (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-secretsmanager.html).
const TRANSFORMS: &[&str] = &["AWS::SecretsManager-2020-07-23", "AWS::SecretsManager-2024-09-16"];

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    if TRANSFORMS.iter().any(|t| cx.template.has_transform(t)) {
        return Vec::new();
    }
    cx.template
        .resources_of_type(ROTATION_SCHEDULE)
        .filter(|s| cx.template.property(s, "HostedRotationLambda").is_some())
        .map(|s| {
            Diagnostic::new(
                &META,
                cx.file,
                property_key_span(cx.template, s, "HostedRotationLambda"),
                format!(
                    "`{}` uses `HostedRotationLambda` but the template has no `Transform: AWS::SecretsManager-2024-09-16`",
                    s.logical_id
                ),
            )
            .resource(&s.logical_id)
            .label("needs the SecretsManager transform")
            .help("add `Transform: AWS::SecretsManager-2024-09-16` at the top level of the template")
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
