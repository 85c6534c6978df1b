//! `--format json`: the documented contract in the README's "Output formats" (one document,
//! findings sorted).

use serde::Serialize;

use super::{resolve, rule_name};
use crate::diagnostic::{Applicability, Diagnostic, Location, SuppressionKind};
use crate::lint::LintResult;

#[derive(Serialize)]
struct Report<'a> {
    tool: Tool,
    files_scanned: usize,
    findings: Vec<Finding<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    name: &'static str,
    level: &'static str,
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    resource: Option<&'a str>,
    message: &'a str,
    help: Option<&'a str>,
    /// The rule's documentation; null for Guard findings.
    docs: Option<String>,
    related: Vec<Related<'a>>,
    suppressed: Option<Suppressed<'a>>,
    /// The change that resolves the finding; absent when the rule offers none.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixOut<'a>>,
}

#[derive(Serialize)]
struct FixOut<'a> {
    title: &'a str,
    /// `safe`, `unsafe` (applied only with `--unsafe-fixes`) or `display-only`.
    applicability: &'static str,
    edits: Vec<EditOut<'a>>,
}

/// Replace `line:column` to `end_line:end_column` (an empty range inserts) with `text`.
#[derive(Serialize)]
struct EditOut<'a> {
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    text: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    file: String,
    line: u32,
    column: u32,
    resource: Option<&'a str>,
    message: &'a str,
}

#[derive(Serialize)]
struct Suppressed<'a> {
    kind: &'static str,
    reason: &'a str,
}

pub fn render(outcome: &LintResult) -> String {
    let report = Report {
        tool: Tool { name: "rotlint", version: env!("CARGO_PKG_VERSION") },
        files_scanned: outcome.files.len(),
        findings: outcome.diagnostics.iter().map(|d| finding(outcome, d)).collect(),
    };
    let out = serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    let mut out = super::escape::json(out);
    out.push('\n');
    out
}

fn finding<'a>(outcome: &LintResult, d: &'a Diagnostic) -> Finding<'a> {
    let at = resolve(outcome, &d.primary);
    Finding {
        rule: &d.rule,
        name: rule_name(d),
        level: d.level.as_str(),
        file: at.file,
        line: at.line,
        column: at.column,
        end_line: at.end_line,
        end_column: at.end_column,
        resource: d.primary.resource.as_deref(),
        message: &d.message,
        help: d.help.as_deref(),
        docs: super::docs_url(d),
        related: d
            .related
            .iter()
            .map(|r| {
                let at = resolve(outcome, r);
                Related {
                    file: at.file,
                    line: at.line,
                    column: at.column,
                    resource: r.resource.as_deref(),
                    message: &r.message,
                }
            })
            .collect(),
        suppressed: d.suppressed.as_ref().map(|s| Suppressed {
            kind: match s.kind {
                SuppressionKind::Metadata => "metadata",
                SuppressionKind::Comment => "comment",
                SuppressionKind::Config => "config",
            },
            reason: &s.reason,
        }),
        fix: d.fix.as_ref().map(|f| FixOut {
            title: &f.title,
            applicability: match f.applicability {
                Applicability::Safe => "safe",
                Applicability::Unsafe => "unsafe",
                Applicability::DisplayOnly => "display-only",
            },
            edits: f
                .edits
                .iter()
                .map(|e| {
                    let location = Location { file: e.file, span: e.span, resource: None, message: String::new() };
                    let at = resolve(outcome, &location);
                    EditOut {
                        file: at.file,
                        line: at.line,
                        column: at.column,
                        end_line: at.end_line,
                        end_column: at.end_column,
                        text: &e.text,
                    }
                })
                .collect(),
        }),
    }
}
