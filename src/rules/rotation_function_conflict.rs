//! RL302 `rotation-function-conflict`: a schedule sets both `HostedRotationLambda` and `RotationLambdaARN`.

use super::{Context, Rule, RuleMeta, property_key_span};
use crate::diagnostic::{Diagnostic, Level};
use crate::rotation::ROTATION_SCHEDULE;

pub struct RotationFunctionConflict;

static META: RuleMeta = RuleMeta {
    id: "RL302",
    name: "rotation-function-conflict",
    level: Level::Error,
    summary: "A RotationSchedule sets both HostedRotationLambda and RotationLambdaARN",
    docs: include_str!("../../rules/RL302.md"),
};

impl Rule for RotationFunctionConflict {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(template) = cx.template else { return Vec::new() };
        template
            .resources_of_type(ROTATION_SCHEDULE)
            .filter(|s| {
                template.property(s, "HostedRotationLambda").is_some()
                    && template.property(s, "RotationLambdaARN").is_some()
            })
            .map(|s| {
                Diagnostic::new(
                    META.id,
                    META.level,
                    cx.file,
                    property_key_span(template, s, "RotationLambdaARN"),
                    format!(
                        "`{}` sets both `HostedRotationLambda` and `RotationLambdaARN`; the transform rejects this",
                        s.logical_id
                    ),
                )
                .resource(&s.logical_id)
                .label("remove this or `HostedRotationLambda`")
                .related(crate::diagnostic::Location {
                    file: cx.file,
                    span: property_key_span(template, s, "HostedRotationLambda"),
                    resource: Some(s.logical_id.clone()),
                    message: "hosted rotation also requested here".to_owned(),
                })
                .help("keep exactly one way of choosing the rotation function")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RotationFunctionConflict);
    }
}
