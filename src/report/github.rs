//! `--format github`: GitHub Actions workflow commands, which the runner turns into annotations.
//! (Placeholder wording; the full implementation with escaping tests lands with the SARIF work.)

use std::fmt::Write as _;

use super::{resolve, rule_name};
use crate::diagnostic::Level;
use crate::lint::Outcome;

pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for d in outcome.diagnostics.iter().filter(|d| d.suppressed.is_none()) {
        let at = resolve(outcome, &d.primary);
        let command = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&at.file),
            at.line,
            at.column,
            at.end_line,
            at.end_column,
            property(&format!("{} {}", d.rule, rule_name(d))),
            data(&d.message)
        );
    }
    out
}

/// Escaping of a command's data part.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping of a property value (also `:` and `,`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
