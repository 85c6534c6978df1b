//! `--format compact`: one line per finding, `path:line:col: level[RL101] message`, for editors'
//! problem matchers and grep. Suppressed findings are left out (they stay in JSON and SARIF);
//! [`suppressed_note`] counts them for standard error.

use std::fmt::Write as _;

use super::escape::human;
use super::resolve;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::LintResult;

pub fn render(outcome: &LintResult) -> String {
    render_failing(outcome, None)
}

/// With `failing`, only the unsuppressed findings at or above that level (`--quiet`).
pub fn render_failing(outcome: &LintResult, failing: Option<Level>) -> String {
    let mut out = String::new();
    for d in outcome.diagnostics.iter().filter(|d| shown(d, failing)) {
        let _ = writeln!(out, "{}", line(outcome, d));
    }
    out
}

/// Whether text and compact print a finding: suppressed findings stay in JSON and SARIF, and with
/// `failing` (`--quiet`) those that do not fail the run are left out too.
pub fn shown(d: &Diagnostic, failing: Option<Level>) -> bool {
    d.suppressed.is_none() && failing.is_none_or(|l| d.level >= l)
}

/// One finding on one line, `path:line:col: level[RULE] message`, escaped: names from the template
/// may hold line breaks or controls.
pub fn line(outcome: &LintResult, d: &Diagnostic) -> String {
    let at = resolve(outcome, &d.primary);
    format!(
        "{}:{}:{}: {}[{}] {}",
        human(&at.file),
        at.line,
        at.column,
        d.level.as_str(),
        human(&d.rule),
        human(&d.message)
    )
}

/// `N suppressed finding(s) not shown`, when there are any: compact output keeps one line per
/// finding, so this line goes to standard error.
pub fn suppressed_note(outcome: &LintResult) -> Option<String> {
    let n = outcome.diagnostics.iter().filter(|d| d.suppressed.is_some()).count();
    (n > 0).then(|| format!("{n} suppressed finding{} not shown; see --format json", if n == 1 { "" } else { "s" }))
}
