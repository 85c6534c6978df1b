//! Hovers: on a rule id of a `# rotlint-ignore` comment, the rule's catalog entry; on a resource
//! with findings (its logical id or anywhere in its body), the `rotlint paths` text of every
//! rotation function, VPC function and Fargate task whose verdict involves it.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Range, TextDocumentPositionParams};

use super::documents::Documents;
use super::position::{self, Encoding};
use crate::diagnostic::FileId;
use crate::lint::{LintResult, SourceFile};
use crate::report::paths::model::{Function, Verdict, Workload};
use crate::source::load::load_bytes;
use crate::source::tree::Span;
use crate::template::Template;

pub fn hover(
    result: Option<&LintResult>,
    docs: &Documents,
    at: &TextDocumentPositionParams,
    encoding: Encoding,
) -> Option<Hover> {
    let doc = docs.get(&at.text_document.uri)?;
    let result = result?;
    let index = result.files.iter().position(|f| f.path == doc.path)?;
    let file = result.files.get(index)?;
    let offset = position::offset(&file.text, at.position, encoding);
    suppressed_rule(file, offset, encoding)
        .or_else(|| resource_paths(result, FileId(index as u32), file, offset, encoding))
}

fn markdown(value: String, range: Range) -> Hover {
    Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }), range: Some(range) }
}

/// The rule id (or name) under `offset` in a `# rotlint-ignore RULE[, RULE…]: reason` comment.
fn suppressed_rule(file: &SourceFile, offset: usize, encoding: Encoding) -> Option<Hover> {
    let text: &str = &file.text;
    let start = text[..offset.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..end];
    let (from, to) = directive_rules(line)?;
    let cursor = offset - start;
    if cursor < from || cursor > to {
        return None;
    }
    // The token around the cursor: ids are separated by commas and spaces.
    let rules = &line[from..to];
    let mut at = from;
    for token in rules.split([',', ' ', '\t']) {
        let (a, b) = (at, at + token.len());
        at = b + 1;
        if token.is_empty() || cursor < a || cursor > b {
            continue;
        }
        let meta = crate::catalog::lookup(token)?;
        let level = meta.level.as_str();
        let url = crate::report::rule_docs_url(meta.id);
        let value = format!(
            "**{}** `{}` ({level})\n\n{}\n\n[Rule documentation]({url})",
            meta.id,
            meta.name,
            crate::report::escape::human(meta.summary)
        );
        let range = position::range(file, Span::new(start + a, start + b), encoding);
        return Some(markdown(value, range));
    }
    None
}

/// Byte range, within `line`, of the rule list of a `# rotlint-ignore` comment (as the
/// suppression layer reads it: `#` opening a comment, the list up to `: ` or the end).
fn directive_rules(line: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(pos) = line[from..].find('#') {
        let hash = from + pos;
        if hash == 0 || line[..hash].ends_with([' ', '\t']) {
            let after = &line[hash + 1..];
            let rest = after.trim_start();
            let word = rest.strip_prefix("rotlint-ignore").filter(|r| r.starts_with([' ', '\t']))?;
            let list_start = line.len() - word.len();
            let list = line[list_start..].trim_end_matches(['\r']);
            let list_end = list.find(": ").map_or(list_start + list.len(), |i| list_start + i);
            let list_end =
                if list_end == list_start + list.len() && list.ends_with(':') { list_end - 1 } else { list_end };
            return Some((list_start, list_end));
        }
        from = hash + 1;
    }
    None
}

/// The paths of the functions whose verdicts involve the resource under `offset`, when that
/// resource has findings in this file.
fn resource_paths(
    result: &LintResult,
    id: FileId,
    file: &SourceFile,
    offset: usize,
    encoding: Encoding,
) -> Option<Hover> {
    let loaded = load_bytes(id, &file.path, file.text.as_bytes(), &crate::source::Limits::default());
    let template = Template::from_tree(id, loaded.tree);
    let offset = u32::try_from(offset).ok()?;
    let resource = template.resources.iter().find(|r| {
        let body = template.tree.span(r.node);
        let end = body.end.max(r.key_span.end);
        r.key_span.start <= offset && offset <= end
    })?;
    let body = Span::new(
        resource.key_span.start as usize,
        template.tree.span(resource.node).end.max(resource.key_span.end) as usize,
    );
    let name = resource.logical_id.as_str();
    let has_findings = result.diagnostics.iter().filter(|d| d.suppressed.is_none() && d.primary.file == id).any(|d| {
        d.primary.resource.as_deref() == Some(name)
            || (body.start <= d.primary.span.start && d.primary.span.end <= body.end)
    });
    if !has_findings {
        return None;
    }
    let shown_path = file.display_path();
    let involves = |f: &Function| {
        let here = f.file == shown_path;
        let in_verdict = |v: &Verdict| {
            v.subnets
                .iter()
                .flat_map(|s| &s.hops)
                .chain(v.endpoint_issues.iter().flat_map(|e| &e.hops))
                .any(|h| h.file == shown_path && h.resource == name)
        };
        (here && (f.function == name || f.target.as_ref().is_some_and(|t| t.id == name)))
            || in_verdict(&f.secrets_manager)
            || f.target.as_ref().is_some_and(|t| in_verdict(&t.verdict))
    };
    // VPC Lambda functions and Fargate tasks: the workload itself, or a hop of a service path.
    let involves_workload = |w: &Workload| {
        (w.file == shown_path && w.workload == name)
            || w.services
                .iter()
                .flat_map(|s| &s.verdict.subnets)
                .flat_map(|s| &s.hops)
                .any(|h| h.file == shown_path && h.resource == name)
    };
    let text = crate::report::paths::text_for(result, involves, involves_workload)?;
    let value = format!("**rotlint paths** for `{}`\n\n```text\n{}```", crate::report::escape::human(name), text);
    let range =
        position::range(file, Span::new(resource.key_span.start as usize, resource.key_span.end as usize), encoding);
    Some(markdown(value, range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_lists_of_suppression_comments() {
        let line = "  Fn:  # rotlint-ignore RL110, RL105: audited";
        let (a, b) = directive_rules(line).expect("a directive");
        assert_eq!(&line[a..b], " RL110, RL105");
        let (a, b) = directive_rules("# rotlint-ignore RL110:").expect("a directive");
        assert_eq!(&"# rotlint-ignore RL110:"[a..b], " RL110");
        assert_eq!(directive_rules("a: b#rotlint-ignore RL110: x"), None);
        assert_eq!(directive_rules("# rotlint-ignored RL110: x"), None);
    }
}
