//! `--format compact`: one line per finding, `path:line:col: level[RL101] message`, for editors'
//! problem matchers and grep.

use std::fmt::Write as _;

use super::escape::human;
use super::resolve;
use crate::diagnostic::Level;
use crate::lint::Outcome;

pub fn render(outcome: &Outcome) -> String {
    render_failing(outcome, None)
}

/// With `failing`, only the unsuppressed findings at or above that level (`--quiet`).
pub fn render_failing(outcome: &Outcome, failing: Option<Level>) -> String {
    let mut out = String::new();
    let shown = |d: &&crate::diagnostic::Diagnostic| failing.is_none_or(|l| d.suppressed.is_none() && d.level >= l);
    for d in outcome.diagnostics.iter().filter(shown) {
        let at = resolve(outcome, &d.primary);
        let suppressed = if d.suppressed.is_some() { " (suppressed)" } else { "" };
        // One finding, one line: names from the template may hold line breaks or controls.
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}{}",
            human(&at.file),
            at.line,
            at.column,
            d.level.as_str(),
            human(&d.rule),
            human(&d.message),
            suppressed
        );
    }
    out
}
