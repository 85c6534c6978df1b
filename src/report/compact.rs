//! `--format compact`: one line per finding, `path:line:col: level[RL101] message`, for editors'
//! problem matchers and grep.

use std::fmt::Write as _;

use super::resolve;
use crate::lint::Outcome;

pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let at = resolve(outcome, &d.primary);
        let suppressed = if d.suppressed.is_some() { " (suppressed)" } else { "" };
        // One finding, one line: messages never contain line breaks, but be safe.
        let message = d.message.replace(['\n', '\r'], " ");
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}{}",
            at.file,
            at.line,
            at.column,
            d.level.as_str(),
            d.rule,
            message,
            suppressed
        );
    }
    out
}
