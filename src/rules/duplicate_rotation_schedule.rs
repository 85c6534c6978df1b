//! RL308 `duplicate-rotation-schedule`: two RotationSchedules for one secret.

use super::{Check, Rule, TemplateContext};
use crate::catalog::DUPLICATE_ROTATION_SCHEDULE as META;
use crate::diagnostic::{Diagnostic, Location};
use crate::template::ValueKind;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let schedules = &cx.facts.rotations.schedules;
    let mut out = Vec::new();
    for (i, later) in schedules.iter().enumerate() {
        let Some(secret) = &later.secret else { continue };
        // Only comparable when the secret is a known string or a reference to a resource.
        if !matches!(secret.kind, ValueKind::Str(_) | ValueKind::Ref(_)) {
            continue;
        }
        let Some(first) = schedules[..i].iter().find(|s| s.secret.as_ref().is_some_and(|v| v.kind == secret.kind))
        else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &META,
                cx.file,
                secret.span,
                format!(
                    "`{}` and `{}` both schedule rotation of `{}`; a secret has one rotation schedule",
                    first.id,
                    later.id,
                    secret.display()
                ),
            )
            .resource(&later.id)
            .label("second schedule for this secret")
            .related(Location {
                file: cx.file,
                span: first.key_span,
                resource: Some(first.id.clone()),
                message: "first schedule".to_owned(),
            })
            .help("remove one of the schedules"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
