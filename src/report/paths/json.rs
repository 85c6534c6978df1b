//! `rotlint paths --format json`: the [`super::model::Report`] as one pretty-printed document
//! (schema in the `model` module docs and testdata/paths/README.md).

use super::model::Report;

pub fn render(report: &Report) -> String {
    let out = serde_json::to_string_pretty(report)
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }).to_string());
    let mut out = crate::report::escape::json(out);
    out.push('\n');
    out
}
