//! RL004 `input-limit`: A safety limit was hit: file size, nesting depth or alias expansion.
//!
//! Found by the loader while reading text (see `crate::source`), which this rule forwards, and
//! by the evaluator when a value would take too much work to build (see `crate::template::eval`).

use super::{Context, Rule, RuleMeta, forward_load_findings};
use crate::diagnostic::{Diagnostic, Level};

pub struct InputLimit;

static META: RuleMeta = RuleMeta {
    id: "RL004",
    name: "input-limit",
    level: Level::Error,
    summary: "A safety limit was hit: file size, nesting depth, alias expansion or evaluation",
    docs: include_str!("../../rules/RL004.md"),
};

impl Rule for InputLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let mut found = forward_load_findings(cx, META.id);
        if let Some((span, what)) = cx.template.and_then(|t| t.eval_budget_hit.get()) {
            let message = format!(
                "evaluation stopped at this value: {what}; rotlint treats it, and values built from it, as unknown"
            );
            found.push(
                Diagnostic::new(META.id, META.level, cx.file, *span, message)
                    .help("write the value without repeated `Fn::Sub`/`Fn::Join` expansion"),
            );
        }
        found
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::InputLimit);
    }
}
