//! RL301 `hosted-rotation-missing-transform`: `HostedRotationLambda` needs the SecretsManager transform.

use super::{Context, Rule, RuleMeta, property_key_span};
use crate::diagnostic::{Diagnostic, Level};
use crate::rotation::ROTATION_SCHEDULE;

pub struct HostedRotationMissingTransform;

static META: RuleMeta = RuleMeta {
    id: "RL301",
    name: "hosted-rotation-missing-transform",
    level: Level::Error,
    summary: "HostedRotationLambda without the literal AWS::SecretsManager transform",
    docs: include_str!("../../rules/RL301.md"),
};

/// The transform must be written literally (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-secretsmanager.html).
const TRANSFORMS: &[&str] = &["AWS::SecretsManager-2020-07-23", "AWS::SecretsManager-2024-09-16"];

impl Rule for HostedRotationMissingTransform {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(template) = cx.template else { return Vec::new() };
        if TRANSFORMS.iter().any(|t| template.has_transform(t)) {
            return Vec::new();
        }
        template
            .resources_of_type(ROTATION_SCHEDULE)
            .filter(|s| template.property(s, "HostedRotationLambda").is_some())
            .map(|s| {
                Diagnostic::new(
                    META.id,
                    META.level,
                    cx.file,
                    property_key_span(template, s, "HostedRotationLambda"),
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
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::HostedRotationMissingTransform);
    }
}
