//! `rotlint paths`: every rotation function's verdicts with their hops (text for now; JSON,
//! Mermaid and DOT land with issue 9).

use std::fmt::Write as _;

use crate::lint::Outcome;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Mermaid,
    Dot,
}

pub fn render(outcome: &Outcome, _format: Format) -> String {
    let mut out = String::new();
    for p in &outcome.paths {
        let file = outcome.file(p.file).map(|f| f.display_path()).unwrap_or_default();
        let _ = writeln!(out, "{file}: rotation function `{}`", p.function.id);
        if let Some(report) = &p.secrets_manager {
            for (subnet, outcome) in &report.per_subnet {
                let _ = writeln!(
                    out,
                    "  {subnet:?}: {}",
                    if outcome.is_reachable() { "reachable" } else { "not reachable" }
                );
            }
        }
    }
    out
}
