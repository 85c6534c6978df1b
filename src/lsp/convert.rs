//! Findings to LSP diagnostics and code actions, per open document.

use std::collections::{BTreeMap, HashMap};

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
    TextEdit, Uri, WorkspaceEdit,
};

use super::documents::Documents;
use super::position::{self, Encoding};
use crate::diagnostic::{Applicability, Diagnostic, Level};
use crate::lint::LintResult;
use crate::report::escape;

/// One shown finding of a document, with what a code action on it can do.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub diagnostic: lsp_types::Diagnostic,
    /// The rule's fix as a workspace edit, unless it is only a suggestion (`DisplayOnly`).
    pub fix: Option<(String, Applicability, WorkspaceEdit)>,
    /// Insert `# rotlint-ignore RULE: ` above the finding's line (YAML documents only).
    pub suppress: Option<TextEdit>,
}

/// The shown findings of every linted file, by URI text. Suppressed findings are left out: the
/// suppression comment that hides them is in the same buffer, and an unused one is RL904.
pub fn by_document(result: &LintResult, docs: &Documents, encoding: Encoding) -> BTreeMap<String, Vec<Shown>> {
    let mut out: BTreeMap<String, Vec<Shown>> = BTreeMap::new();
    let uris: Vec<Option<Uri>> = result.files.iter().map(|f| docs.uri_of(&f.path)).collect();
    for d in result.diagnostics.iter().filter(|d| d.suppressed.is_none()) {
        let Some(Some(uri)) = uris.get(d.primary.file.0 as usize) else { continue };
        if let Some(shown) = show(result, &uris, d, encoding) {
            out.entry(uri.as_str().to_owned()).or_default().push(shown);
        }
    }
    out
}

fn location(
    result: &LintResult,
    uris: &[Option<Uri>],
    loc: &crate::diagnostic::Location,
    e: Encoding,
) -> Option<Location> {
    let file = result.file(loc.file)?;
    let uri = uris.get(loc.file.0 as usize)?.clone()?;
    Some(Location { uri, range: position::range(file, loc.span, e) })
}

// lsp-types' `Uri` hashes and compares by its text; clippy sees a cache cell inside it.
#[allow(clippy::mutable_key_type)]
fn show(result: &LintResult, uris: &[Option<Uri>], d: &Diagnostic, encoding: Encoding) -> Option<Shown> {
    let file = result.file(d.primary.file)?;
    let range = position::range(file, d.primary.span, encoding);
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|hop| {
            let location = location(result, uris, hop, encoding)?;
            let message = match (&hop.resource, hop.message.is_empty()) {
                (Some(r), true) => r.clone(),
                (Some(r), false) => format!("{r}: {}", hop.message),
                (None, _) => hop.message.clone(),
            };
            Some(DiagnosticRelatedInformation { location, message: escape::human(&message).into_owned() })
        })
        .collect();
    let href = crate::report::docs_url(d).and_then(|u| u.parse::<Uri>().ok());
    let diagnostic = lsp_types::Diagnostic {
        range,
        severity: Some(match d.level {
            Level::Error => DiagnosticSeverity::ERROR,
            Level::Warning => DiagnosticSeverity::WARNING,
            Level::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some("rotlint".to_owned()),
        message: escape::human(&d.message).into_owned(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    };
    let fix = d.fix.as_ref().filter(|f| f.applicability != Applicability::DisplayOnly).and_then(|f| {
        let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
        for edit in &f.edits {
            let target = result.file(edit.file)?;
            let uri = uris.get(edit.file.0 as usize)?.clone()?;
            let range = position::range(target, edit.span, encoding);
            changes.entry(uri).or_default().push(TextEdit { range, new_text: edit.text.clone() });
        }
        let edit = WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() };
        Some((escape::human(&f.title).into_owned(), f.applicability, edit))
    });
    let suppress = suppression(&file.text, &d.rule, range.start.line);
    Some(Shown { diagnostic, fix, suppress })
}

/// A standalone `# rotlint-ignore RULE: ` comment above `line`, indented as it is. The reason is
/// left for the user to write: until they do, the suppression is ignored (and reported as RL904),
/// so the action never hides a finding without a reason.
fn suppression(text: &str, rule: &str, line: u32) -> Option<TextEdit> {
    if crate::catalog::canonical_id(rule).is_none() || text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let start = position::line_start(text, line);
    let rest = &text[start..];
    let indent: String = rest.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let at = Position { line, character: 0 };
    Some(TextEdit { range: Range { start: at, end: at }, new_text: format!("{indent}# rotlint-ignore {rule}: \n") })
}

/// Whether two ranges share a position (touching counts, so a cursor at a finding's end finds it).
pub fn overlaps(a: &Range, b: &Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_comments_keep_the_line_indentation_and_skip_json() {
        let text = "Resources:\n  Fn:\n    Type: X\n";
        let edit = suppression(text, "RL110", 2).expect("an edit");
        assert_eq!(edit.new_text, "    # rotlint-ignore RL110: \n");
        assert_eq!(edit.range.start, Position { line: 2, character: 0 });
        assert_eq!(suppression("{\"Resources\": {}}", "RL110", 0), None);
        assert_eq!(suppression(text, "RL999", 0), None);
    }

    #[test]
    fn ranges_overlap_when_they_touch() {
        let r = |a: u32, b: u32| Range {
            start: Position { line: 0, character: a },
            end: Position { line: 0, character: b },
        };
        assert!(overlaps(&r(0, 5), &r(5, 5)));
        assert!(overlaps(&r(2, 3), &r(0, 9)));
        assert!(!overlaps(&r(0, 2), &r(3, 4)));
    }
}
