//! `--format sarif`: SARIF 2.1.0 (being replaced by the typed implementation of issue 5).

use crate::lint::Outcome;

pub fn render(outcome: &Outcome) -> String {
    super::json::render(outcome)
}
