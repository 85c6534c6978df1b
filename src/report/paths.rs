//! temp debug
use crate::lint::Outcome;
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Mermaid,
    Dot,
}
pub fn render(outcome: &Outcome, _format: Format) -> String {
    format!("{:#?}", outcome.paths)
}
