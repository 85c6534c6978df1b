//! RL903 `function-outside-template`: the rotation function is defined outside every linted template.

use super::wording::how_to_supply;
use super::{Context, Rule, RuleMeta, property_key_span};
use crate::diagnostic::{Diagnostic, Level};
use crate::template::ValueKind;

pub struct FunctionOutsideTemplate;

static META: RuleMeta = RuleMeta {
    id: "RL903",
    name: "function-outside-template",
    level: Level::Note,
    summary: "The rotation function is a literal ARN, parameter or import that no linted template defines",
    docs: include_str!("../../rules/RL903.md"),
};

impl Rule for FunctionOutsideTemplate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        facts
            .rotations
            .external
            .iter()
            .map(|e| {
                let how = match &e.value.kind {
                    ValueKind::Parameter(_) | ValueKind::Import(_) => {
                        format!(
                            "`{}`, which no linted template defines; {}",
                            e.value.display(),
                            how_to_supply(&e.value)
                        )
                    }
                    _ => format!("`{}`, which no linted template defines", e.value.display()),
                };
                let span = if e.value.span.is_empty() {
                    facts
                        .template
                        .resource(&e.schedule)
                        .map_or(e.value.span, |s| property_key_span(facts.template, s, "RotationLambdaARN"))
                } else {
                    e.value.span
                };
                Diagnostic::new(
                    META.id,
                    META.level,
                    cx.file,
                    span,
                    format!("the rotation function of `{}` is {how}; its network cannot be checked", e.schedule),
                )
                .resource(&e.schedule)
                .label("function defined elsewhere")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::FunctionOutsideTemplate);
    }
}
