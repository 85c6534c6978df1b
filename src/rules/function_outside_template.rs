//! RL903 `function-outside-template`: the rotation function is defined outside every linted template.

use super::wording::how_to_supply;
use super::{Check, Rule, TemplateContext, property_key_span};
use crate::catalog::FUNCTION_OUTSIDE_TEMPLATE as META;
use crate::diagnostic::Diagnostic;
use crate::template::ValueKind;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    cx.facts
        .rotations
        .external
        .iter()
        .map(|e| {
            let how = match &e.value.kind {
                ValueKind::Parameter(_) | ValueKind::Import(_) => {
                    format!("`{}`, which no linted template defines; {}", e.value.display(), how_to_supply(&e.value))
                }
                _ => format!("`{}`, which no linted template defines", e.value.display()),
            };
            let span = if e.value.span.is_empty() {
                cx.facts
                    .template
                    .resource(&e.schedule)
                    .map_or(e.value.span, |s| property_key_span(cx.facts.template, s, "RotationLambdaARN"))
            } else {
                e.value.span
            };
            Diagnostic::new(
                &META,
                cx.file,
                span,
                format!("the rotation function of `{}` is {how}; its network cannot be checked", e.schedule),
            )
            .resource(&e.schedule)
            .label("function defined elsewhere")
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
