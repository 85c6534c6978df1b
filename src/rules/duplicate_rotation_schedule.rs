//! RL308 `duplicate-rotation-schedule`: two RotationSchedules for one secret.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level, Location};
use crate::template::ValueKind;

pub struct DuplicateRotationSchedule;

static META: RuleMeta = RuleMeta {
    id: "RL308",
    name: "duplicate-rotation-schedule",
    level: Level::Error,
    summary: "Two RotationSchedules for one secret",
    docs: include_str!("../../rules/RL308.md"),
};

impl Rule for DuplicateRotationSchedule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        let schedules = &facts.rotations.schedules;
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
                    META.id,
                    META.level,
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
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::DuplicateRotationSchedule);
    }
}
