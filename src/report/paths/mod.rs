//! `rotlint paths`: every rotation function's verdicts for Secrets Manager and its database, with
//! the hops that explain them, as text, JSON (schema in [`model`]) or a diagram (Mermaid, DOT).

pub mod collect;
mod dot;
mod graph;
mod json;
mod mermaid;
pub mod model;
mod text;

use crate::lint::LintResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Mermaid,
    Dot,
}

pub use model::unparsable;

/// The files that did not parse, one escaped `file:line:col: error[RL001] parse-error: message`
/// line each (diagrams have no place for them; the caller writes them to standard error).
pub fn errors_text(outcome: &LintResult) -> String {
    let mut report = model::build(outcome);
    report.escape_for_humans();
    text::errors(&report)
}

/// Render the paths the engine collected (`lint::Options::collect_paths`).
pub fn render(outcome: &LintResult, format: Format) -> String {
    let mut report = model::build(outcome);
    if format != Format::Json {
        report.escape_for_humans();
    }
    match format {
        Format::Text => text::render(&report),
        Format::Json => json::render(&report),
        Format::Mermaid => mermaid::render(&graph::build(&report)),
        Format::Dot => dot::render(&graph::build(&report)),
    }
}

/// `rotlint paths --format text` for the functions `keep` selects, without the parse-error
/// lines; `None` when it selects none (the language server's hover on a resource).
pub fn text_for(
    outcome: &LintResult,
    keep: impl Fn(&model::Function) -> bool,
    keep_workload: impl Fn(&model::Workload) -> bool,
) -> Option<String> {
    let mut report = model::build(outcome);
    report.functions.retain(|f| keep(f));
    report.workloads.retain(|w| keep_workload(w));
    if report.functions.is_empty() && report.workloads.is_empty() {
        return None;
    }
    report.errors.clear();
    report.escape_for_humans();
    Some(text::render(&report))
}
