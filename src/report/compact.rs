//! `--format compact`: one line per finding, `path:line:col: level[RL101] message`, for editors'
//! problem matchers and grep.

use std::fmt::Write as _;

use super::escape::human;
use super::resolve;
use crate::lint::Outcome;

pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for d in &outcome.diagnostics {
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
