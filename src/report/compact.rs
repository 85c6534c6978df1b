//! `--format compact`: one line per finding, `path:line:col: level[RL101] message`, for editors'
//! problem matchers and grep. Suppressed findings are left out (they stay in JSON and SARIF);
//! [`suppressed_note`] counts them for standard error.

use std::fmt::Write as _;

use super::escape::human;
use super::resolve;
use crate::diagnostic::Level;
use crate::lint::LintResult;

pub fn render(outcome: &LintResult) -> String {
    render_failing(outcome, None)
}

/// With `failing`, only the unsuppressed findings at or above that level (`--quiet`).
pub fn render_failing(outcome: &LintResult, failing: Option<Level>) -> String {
    let mut out = String::new();
    // Suppressed findings stay in JSON and SARIF; `--quiet` also leaves out those that pass.
    let shown = |d: &&crate::diagnostic::Diagnostic| d.suppressed.is_none() && failing.is_none_or(|l| d.level >= l);
    for d in outcome.diagnostics.iter().filter(shown) {
        let at = resolve(outcome, &d.primary);
        // One finding, one line: names from the template may hold line breaks or controls.
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            human(&at.file),
            at.line,
            at.column,
            d.level.as_str(),
            human(&d.rule),
            human(&d.message),
        );
    }
    out
}

/// `N suppressed finding(s) not shown`, when there are any: compact output keeps one line per
/// finding, so this line goes to standard error.
pub fn suppressed_note(outcome: &LintResult) -> Option<String> {
    let n = outcome.diagnostics.iter().filter(|d| d.suppressed.is_some()).count();
    (n > 0).then(|| format!("{n} suppressed finding{} not shown; see --format json", if n == 1 { "" } else { "s" }))
}
