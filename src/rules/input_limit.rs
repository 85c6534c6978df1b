//! RL004 `input-limit`: A safety limit was hit: file size, nesting depth or alias expansion.
//!
//! Found by the loader while reading text (see `crate::source`), which this rule forwards, and
//! by the evaluator when a value would take too much work to build (see `crate::template::eval`).

use super::{Check, Context, Rule, forward_load_findings};
use crate::catalog::INPUT_LIMIT as META;
use crate::diagnostic::Diagnostic;

pub static RULE: Rule = Rule { meta: &META, check: Check::File(check) };

fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut found = forward_load_findings(cx, &META);
    if let Some((span, what)) = cx.template.and_then(|t| t.eval_budget_hit.get()) {
        let message = format!(
            "evaluation stopped at this value: {what}; rotlint treats it, and values built from it, as unknown"
        );
        found.push(
            Diagnostic::new(&META, cx.file, *span, message)
                .help("write the value without repeated `Fn::Sub`/`Fn::Join` expansion"),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
