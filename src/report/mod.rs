//! Output formats. This is the only layer that turns byte spans into lines and columns, and the
//! only code that formats text for users.

pub mod compact;
pub mod escape;
pub mod fingerprint;
pub mod github;
pub mod json;
pub mod junit;
pub mod paths;
pub mod sarif;
pub mod text;

use crate::diagnostic::{Diagnostic, Location};
use crate::lint::LintResult;

/// A location resolved to 1-based line/column (columns in Unicode scalar values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

pub fn resolve(outcome: &LintResult, location: &Location) -> Resolved {
    let Some(file) = outcome.file(location.file) else {
        return Resolved { file: String::new(), line: 1, column: 1, end_line: 1, end_column: 1 };
    };
    let (line, column) = file.line_col(location.span.start);
    let (end_line, end_column) = file.line_col(location.span.end);
    Resolved { file: file.display_path(), line, column, end_line, end_column }
}

/// The registry name of a finding's rule; `guard` for an AWS CloudFormation Guard policy
/// (`GUARD:<rule>`, whose id already names the rule); empty for an unknown id, which a test forbids.
pub fn rule_name(diagnostic: &Diagnostic) -> &'static str {
    match crate::catalog::by_id(&diagnostic.rule) {
        Some(rule) => rule.name,
        None if is_guard(&diagnostic.rule) => "guard",
        None => "",
    }
}

/// The repository (Cargo.toml's `repository`): SARIF's `informationUri`, and the root of the rule
/// documentation links.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Where a rule's document (`rules/<ID>.md`, also `rotlint explain <ID>`) is published. The same
/// link is SARIF's `helpUri`, the `docs` of JSON findings and `rotlint rules`, and the `docs:`
/// line of text findings.
pub fn rule_docs_url(id: &str) -> String {
    format!("{REPOSITORY}/blob/main/rules/{id}.md")
}

/// The documentation link of a finding's rule; `None` for Guard findings, whose rules are the
/// user's own.
pub fn docs_url(diagnostic: &Diagnostic) -> Option<String> {
    crate::catalog::by_id(&diagnostic.rule).map(|rule| rule_docs_url(rule.id))
}

/// `GUARD` (Guard could not run) or `GUARD:<rule>`: ids that come from policy files, not from
/// the registry.
pub fn is_guard(id: &str) -> bool {
    id == "GUARD" || id.starts_with("GUARD:")
}
