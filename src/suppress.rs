//! Suppressions with a reason: template `Metadata`, resource `Metadata` and inline YAML comments.
//!
//! ```yaml
//! Metadata: { rotlint: { ignore: [{ rule: RL110, reason: "egress audited" }] } }
//! RotationFunction:  # rotlint-ignore RL110: egress audited
//! ```
//! A comment on a resource's key line covers that resource's findings; any other comment covers
//! findings that start on its line, or on the next line when the comment stands alone. Suppressed
//! findings stay in the output, marked; a suppression without a reason, or one that matches
//! nothing, is reported as RL904.

use crate::catalog::{UNUSED_SUPPRESSION as UNUSED, canonical_id as resolve};
use crate::diagnostic::{Diagnostic, FileId, Suppression, SuppressionKind};
use crate::source::tree::{NodeId, Span};
use crate::template::Template;

/// What one suppression covers.
#[derive(Clone, Debug, PartialEq)]
enum Scope {
    Template,
    Resource(String),
    /// Byte range of the covered line.
    Line(Span),
}

#[derive(Clone, Debug)]
struct Entry {
    /// Rule ids as written: `RL110`, a rule name (`nat-exposure`), or `GUARD:<rule>`.
    rules: Vec<String>,
    reason: String,
    kind: SuppressionKind,
    scope: Scope,
    /// Where the suppression is written (for RL904).
    span: Span,
    /// Per rule of `rules`: did it suppress a finding?
    used: Vec<bool>,
}

/// Mark suppressed findings and append RL904 findings for suppressions that are unusable or unused.
pub fn apply(file: FileId, template: &Template, diagnostics: &mut Vec<Diagnostic>) {
    let mut entries = metadata_entries(template);
    entries.extend(comment_entries(template));
    let mut extra = Vec::new();
    for entry in entries.iter().filter(|e| e.reason.is_empty()) {
        extra.push(
            Diagnostic::new(
                &UNUSED,
                file,
                entry.span,
                format!("suppression of {} has no reason, so it is ignored", entry.rules.join(", ")),
            )
            .label("add `: <reason>` (comment) or `reason:` (Metadata)")
            .help("suppressions must say why, e.g. `# rotlint-ignore RL110: egress audited by security team`"),
        );
    }
    entries.retain(|e| !e.reason.is_empty());
    let ids: Vec<Vec<Option<String>>> = entries.iter().map(|e| e.rules.iter().map(|r| resolve(r)).collect()).collect();
    for d in diagnostics.iter_mut().filter(|d| !d.is(&UNUSED)) {
        let matching = entries.iter().zip(&ids).enumerate().find_map(|(i, (e, ids))| {
            let r = ids.iter().position(|id| id.as_deref() == Some(d.rule.as_ref()))?;
            covers(&e.scope, d).then_some((i, r))
        });
        let Some((i, r)) = matching else { continue };
        let entry = &mut entries[i];
        entry.used[r] = true;
        d.suppressed = Some(Suppression { kind: entry.kind, reason: entry.reason.clone() });
    }
    for (entry, ids) in entries.iter().zip(&ids) {
        let unknown: Vec<&str> =
            entry.rules.iter().zip(ids).filter(|(_, id)| id.is_none()).map(|(r, _)| r.as_str()).collect();
        if !unknown.is_empty() {
            let names = unknown.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ");
            let (noun, pronoun) = if unknown.len() == 1 { ("rule", "it") } else { ("rules", "them") };
            extra.push(
                Diagnostic::new(
                    &UNUSED,
                    file,
                    entry.span,
                    format!("suppression names unknown {noun} {names}, so {pronoun} suppresses nothing"),
                )
                .label(format!("unknown {noun}"))
                .help("use a rule id or name from `rotlint rules` (e.g. `RL110` or `nat-exposure`), or `GUARD:<rule>`"),
            );
        }
        let unused: Vec<&str> = entry
            .rules
            .iter()
            .zip(ids)
            .zip(&entry.used)
            .filter(|((_, id), used)| id.is_some() && !**used)
            .map(|((r, _), _)| r.as_str())
            .collect();
        if unused.is_empty() {
            continue;
        }
        // Part of a list that matched something: say which part is stale.
        let partly = unused.len() < entry.rules.len() - unknown.len();
        let message = if partly {
            format!(
                "suppression of {}: {} matches no finding (the rest of it does)",
                entry.rules.join(", "),
                unused.join(", ")
            )
        } else {
            format!("suppression of {} matches no finding", unused.join(", "))
        };
        extra.push(
            Diagnostic::new(&UNUSED, file, entry.span, message)
                .label("unused suppression")
                .help("remove it, or fix its rule id or placement"),
        );
    }
    diagnostics.extend(extra);
}

fn covers(scope: &Scope, d: &Diagnostic) -> bool {
    match scope {
        Scope::Template => true,
        Scope::Resource(id) => d.primary.resource.as_deref() == Some(id),
        Scope::Line(line) => d.primary.span.start >= line.start && d.primary.span.start <= line.end,
    }
}

fn metadata_entries(template: &Template) -> Vec<Entry> {
    let tree = &template.tree;
    let mut out = Vec::new();
    if let Some(root) = tree.root
        && let Some(metadata) = tree.get(root, "Metadata")
    {
        out.extend(ignore_list(template, metadata, Scope::Template));
    }
    for res in &template.resources {
        if let Some(metadata) = res.metadata {
            out.extend(ignore_list(template, metadata, Scope::Resource(res.logical_id.clone())));
        }
    }
    out
}

fn ignore_list(template: &Template, metadata: NodeId, scope: Scope) -> Vec<Entry> {
    let tree = &template.tree;
    let Some(list) = tree.get(metadata, "rotlint").and_then(|r| tree.get(r, "ignore")) else { return Vec::new() };
    tree.seq(list)
        .iter()
        .filter_map(|&item| {
            let rule = tree.get(item, "rule").and_then(|n| tree.scalar(n))?;
            let reason = tree.get(item, "reason").and_then(|n| tree.scalar(n)).unwrap_or("").trim();
            Some(Entry {
                rules: vec![rule.to_owned()],
                reason: reason.to_owned(),
                kind: SuppressionKind::Metadata,
                scope: scope.clone(),
                span: tree.span(item),
                used: vec![false],
            })
        })
        .collect()
}

/// `# rotlint-ignore RL110[, RL101]: reason` comments, found line by line. Only a `#` at the start
/// of a line or after whitespace opens a comment, and the directive must open the comment.
fn comment_entries(template: &Template) -> Vec<Entry> {
    let text: &str = &template.tree.source;
    if memchr::memmem::find(text.as_bytes(), b"rotlint-ignore").is_none() {
        return Vec::new();
    }
    let lines = line_spans(text);
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let content = &text[line.range()];
        let Some((hash, directive)) = find_directive(content) else { continue };
        // The reason follows `: `; Guard ids (`GUARD:name`) contain a bare colon themselves.
        let (rules, reason) = match directive.split_once(": ") {
            Some((rules, reason)) => (rules, reason.trim()),
            None => (directive.strip_suffix(':').unwrap_or(directive), ""),
        };
        let rules: Vec<String> =
            rules.split([',', ' ']).map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned).collect();
        if rules.is_empty() {
            continue;
        }
        let standalone = content[..hash].trim().is_empty();
        let target = if standalone { lines.get(i + 1).copied().unwrap_or(*line) } else { *line };
        let scope = template
            .resources
            .iter()
            .find(|r| r.key_span.start >= target.start && r.key_span.start <= target.end)
            .map_or(Scope::Line(target), |r| Scope::Resource(r.logical_id.clone()));
        let start = line.start as usize + hash;
        out.push(Entry {
            used: vec![false; rules.len()],
            rules,
            reason: reason.to_owned(),
            kind: SuppressionKind::Comment,
            scope,
            span: Span::new(start, line.end as usize),
        });
    }
    out
}

/// Byte offset of the `#` and the text after `rotlint-ignore`.
fn find_directive(line: &str) -> Option<(usize, &str)> {
    let mut from = 0;
    while let Some(pos) = line[from..].find('#') {
        let hash = from + pos;
        let opens_comment = hash == 0 || line[..hash].ends_with([' ', '\t']);
        if opens_comment {
            let rest = line[hash + 1..].trim_start();
            return rest
                .strip_prefix("rotlint-ignore")
                .filter(|r| r.starts_with([' ', '\t']))
                .map(|r| (hash, r.trim()));
        }
        from = hash + 1;
    }
    None
}

/// Byte span of every line's content (without its line break).
fn line_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        out.push(Span::new(start, start + content.len()));
        start += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Level;

    #[test]
    fn directives() {
        assert_eq!(find_directive("  Fn:  # rotlint-ignore RL110: audited"), Some((7, "RL110: audited")));
        assert_eq!(find_directive("# rotlint-ignore RL110"), Some((0, "RL110")));
        assert_eq!(find_directive("# RL110 fires, see `# rotlint-ignore RL110: x`"), None);
        assert_eq!(find_directive("  Url: http://x#rotlint-ignore RL1: y"), None);
        assert_eq!(find_directive("# rotlint-ignored"), None);
        assert_eq!(
            find_directive("x: 1  # rotlint-ignore GUARD:no_nat: accepted"),
            Some((6, "GUARD:no_nat: accepted"))
        );
    }

    fn template(yaml: &str) -> Template {
        Template::from_tree(FileId(0), crate::source::parse_str(yaml).tree)
    }

    fn finding(t: &Template, rule: &'static str, resource: &str, at: &str) -> Diagnostic {
        let start = t.tree.source.find(at).unwrap_or(0);
        Diagnostic::with_rule(rule, Level::Warning, FileId(0), Span::new(start, start + at.len()), "m")
            .resource(resource)
    }

    #[test]
    fn every_form_suppresses_and_unused_or_reasonless_ones_are_reported() {
        let t = template(
            "Metadata:\n  rotlint:\n    ignore:\n      - {rule: RL307, reason: vendored code}\nResources:\n  Fn:  # rotlint-ignore RL110: audited\n    Type: AWS::Lambda::Function\n    Metadata:\n      rotlint:\n        ignore:\n          - {rule: RL304, reason: long-running init}\n          - {rule: RL303}\n    Properties:\n      # rotlint-ignore RL108\n      Timeout: 3\n      MemorySize: 128  # rotlint-ignore RL999: nothing here\n",
        );
        let mut ds = vec![
            finding(&t, "RL110", "Fn", "Fn:"),
            finding(&t, "RL304", "Fn", "Timeout: 3"),
            finding(&t, "RL307", "Fn", "Type: AWS::Lambda::Function"),
            finding(&t, "RL108", "Fn", "Timeout: 3"),
        ];
        apply(FileId(0), &t, &mut ds);
        let kinds: Vec<_> = ds[..4].iter().map(|d| d.suppressed.as_ref().map(|s| s.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                Some(SuppressionKind::Comment),
                Some(SuppressionKind::Metadata),
                Some(SuppressionKind::Metadata),
                None
            ],
            "a comment without a reason suppresses nothing"
        );
        let extra: Vec<_> = ds[4..].iter().map(|d| (d.rule.as_ref(), d.message.as_str())).collect();
        assert_eq!(
            extra,
            vec![
                ("RL904", "suppression of RL303 has no reason, so it is ignored"),
                ("RL904", "suppression of RL108 has no reason, so it is ignored"),
                ("RL904", "suppression names unknown rule `RL999`, so it suppresses nothing"),
            ]
        );
    }

    #[test]
    fn names_suppress_and_the_unmatched_part_of_a_list_is_reported() {
        let t = template(
            "Resources:\n  Fn:  # rotlint-ignore nat-exposure, RL304: audited\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 3  # rotlint-ignore rl307, RL31O: short on purpose\n",
        );
        let mut ds = vec![finding(&t, "RL110", "Fn", "Fn:"), finding(&t, "RL307", "Fn", "Timeout: 3")];
        apply(FileId(0), &t, &mut ds);
        assert!(ds[0].suppressed.is_some(), "a rule name suppresses");
        assert!(ds[1].suppressed.is_some(), "a lower-case id suppresses");
        let extra: Vec<_> = ds[2..].iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            extra,
            vec![
                "suppression of nat-exposure, RL304: RL304 matches no finding (the rest of it does)",
                "suppression names unknown rule `RL31O`, so it suppresses nothing",
            ]
        );
    }

    #[test]
    fn guard_ids_keep_their_colon() {
        let t = template(
            "Resources:\n  Fn:  # rotlint-ignore GUARD:no_nat, RL110: accepted risk\n    Type: AWS::Lambda::Function\n",
        );
        let entries = comment_entries(&t);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].rules, vec!["GUARD:no_nat".to_owned(), "RL110".to_owned()]);
        assert_eq!(entries[0].reason, "accepted risk");
    }

    #[test]
    fn line_spans_skip_crlf() {
        let spans = line_spans("a\r\nbc\n\nd");
        assert_eq!(spans, vec![Span::new(0, 1), Span::new(3, 5), Span::new(6, 6), Span::new(7, 8)]);
    }
}
