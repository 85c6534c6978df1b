//! `--format github`: GitHub Actions workflow commands, which the runner turns into annotations
//! on the pull request's diff. One command per unsuppressed finding:
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=RL101 no-secrets-manager-path::…`.
//!
//! The runner parses `::command props::data` line by line, so line breaks, `%`, and (in property
//! values) `:` and `,` must be percent-escaped or they end the command or a property early.

use std::fmt::Write as _;

use super::sarif::uri;
use super::{resolve, rule_name};
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::LintResult;

pub fn render(outcome: &LintResult) -> String {
    let cwd = uri::current_dir();
    let mut out = String::new();
    for d in outcome.diagnostics.iter().filter(|d| d.suppressed.is_none()) {
        let at = resolve(outcome, &d.primary);
        let file =
            outcome.file(d.primary.file).map_or(at.file.clone(), |f| uri::relative_display(&f.path, cwd.as_deref()));
        let command = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&file),
            at.line,
            at.column,
            at.end_line,
            at.end_column,
            property(&format!("{} {}", d.rule, rule_name(d))),
            data(&annotation_text(outcome, d))
        );
    }
    out
}

/// The message, then the advice and the explaining path on lines of their own (the annotation
/// shows them below the message).
fn annotation_text(outcome: &LintResult, d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        let _ = write!(text, "\nhelp: {help}");
    }
    if !d.related.is_empty() {
        text.push_str("\npath:");
    }
    for (i, hop) in d.related.iter().enumerate() {
        let at = resolve(outcome, hop);
        let _ = write!(text, "\n  {}. line {}", i + 1, at.line);
        if let Some(resource) = &hop.resource {
            let _ = write!(text, " `{resource}`");
        }
        if !hop.message.is_empty() {
            let _ = write!(text, ": {}", hop.message);
        }
    }
    text
}

/// Escaping of a command's data part: `%` first, so the escapes it introduces stay intact.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping of a property value: also `:` and `,`, which would end the property.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(data("100% of a:b, c\r\nnext"), "100%25 of a:b, c%0D%0Anext");
        assert_eq!(data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(property("RL101 no-secrets-manager-path"), "RL101 no-secrets-manager-path");
        assert_eq!(property("dir,with:odd%name\n.yaml"), "dir%2Cwith%3Aodd%25name%0A.yaml");
    }

    #[test]
    fn escaping_round_trips() {
        let original = "a%b:c,d\r\ne %3A";
        let unescaped = property(original)
            .replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%");
        assert_eq!(unescaped, original);
    }
}
