//! `--format sarif`: SARIF 2.1.0 for code scanning and IDEs, built from serde-sarif's typed model.
//!
//! One run: the rule registry as `tool.driver.rules` (followed by the AWS CloudFormation Guard
//! rules that have findings, `GUARD:<rule>`), every finding as a result with a 1-based
//! region and snippet, the explaining path as related locations (linked from the message) and as
//! one code flow, a fingerprint that survives edits elsewhere in the file, suppressions, and
//! the fixes rules give (`Diagnostic::fix`). Output is deterministic: no timestamps, registry and file
//! order throughout, maps sorted.

pub mod uri;
mod vcs;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;
use serde_sarif::sarif as s;

use super::fingerprint;
use super::resolve;
use crate::catalog::{self, Category, RuleMeta};
use crate::diagnostic::{Diagnostic, FileId, Level, Location, Suppression, SuppressionKind};
use crate::lint::LintResult;

pub use vcs::Provenance;

const INFORMATION_URI: &str = super::REPOSITORY;
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Characters of a span copied into a region's snippet.
const MAX_SNIPPET_CHARS: usize = 1000;
/// Bytes of a span a clipped context region shows.
const MAX_SNIPPET_BYTES: usize = 200;
/// Longest context region of whole lines; past it the context is clipped to one line.
const MAX_CONTEXT_BYTES: usize = 2000;
/// Bytes a clipped context region keeps on each side of the span.
const CLIPPED_CONTEXT_BYTES: usize = 80;

/// The report for the current directory (relative URIs, `%SRCROOT%`, git provenance).
pub fn render(outcome: &LintResult) -> String {
    let cwd = uri::current_dir();
    let provenance = cwd.as_deref().and_then(vcs::provenance);
    let log = build(outcome, cwd.as_deref(), provenance.as_ref());
    let out = serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    let mut out = super::escape::json(out);
    out.push('\n');
    out
}

/// The SARIF log of `outcome` as seen from `cwd`.
pub fn build(outcome: &LintResult, cwd: Option<&Path>, provenance: Option<&Provenance>) -> s::Sarif {
    let uris: Vec<uri::FileUri> = outcome.files.iter().map(|f| uri::file_uri(&f.path, cwd)).collect();
    let policies = policy_rules(&outcome.diagnostics);
    let cx = Cx { outcome, uris: &uris, policies: &policies };
    // Files are named from the repository root, not the working directory: the same finding
    // keeps its fingerprint whichever directory the run starts in and however paths are spelled.
    let keys = fingerprint::file_keys(outcome, cwd);
    let fingerprints = fingerprint::partial_fingerprints(&outcome.diagnostics, |file| {
        keys.get(file.0 as usize).map_or("", String::as_str)
    });
    let results = outcome.diagnostics.iter().zip(fingerprints).map(|(d, print)| cx.result(d, print)).collect();
    // Types with required fields have no `Default`: their builders fill the rest with `None`.
    let mut run = s::Run::builder().tool(s::Tool::builder().driver(driver(&policies)).build()).build();
    run.invocations = Some(vec![cx.invocation()]);
    run.original_uri_base_ids = cwd.map(original_uri_base_ids);
    run.artifacts = Some(cx.artifacts());
    run.results = Some(results);
    run.column_kind = Some(json!("unicodeCodePoints"));
    run.version_control_provenance = provenance.map(|p| vec![version_control(p)]);
    s::Sarif::builder().schema(SCHEMA_URI).version(json!("2.1.0")).runs(vec![run]).build()
}

fn driver(policies: &[(String, Level)]) -> s::ToolComponent {
    let registry = catalog::ALL.iter().map(|m| descriptor(m));
    let policies = policies.iter().map(|(id, level)| policy_descriptor(id, *level));
    s::ToolComponent::builder()
        .name("rotlint")
        .full_name(format!("rotlint {}", env!("CARGO_PKG_VERSION")))
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(registry.chain(policies).collect::<Vec<_>>())
        .build()
}

fn descriptor(meta: &RuleMeta) -> s::ReportingDescriptor {
    let what = doc_section(meta.docs, "What it does");
    let mut properties = BTreeMap::new();
    properties.insert("precision".to_owned(), json!(meta.precision.as_str()));
    let tags = tags(meta.category);
    if tags.contains(&"security") {
        properties.insert("security-severity".to_owned(), json!(security_severity(meta.level)));
    }
    s::ReportingDescriptor::builder()
        .id(meta.id)
        .name(meta.name)
        .short_description(multiformat(meta.summary, None))
        .full_description(multiformat(&plain(&what), Some(&what)))
        .help(multiformat(meta.docs, Some(meta.docs)))
        .help_uri(super::rule_docs_url(meta.id))
        .default_configuration(s::ReportingConfiguration {
            level: Some(json!(meta.level.as_str())),
            ..Default::default()
        })
        .properties(s::PropertyBag {
            tags: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
            additional_properties: properties,
        })
        .build()
}

/// Rules that are not in the registry but have findings (Guard policies), sorted by id, each with
/// the level of its first finding. They follow the registry in `tool.driver.rules`.
fn policy_rules(diagnostics: &[Diagnostic]) -> Vec<(String, Level)> {
    let mut found: BTreeMap<&str, Level> = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| catalog::by_id(&d.rule).is_none() && super::is_guard(&d.rule)) {
        found.entry(&d.rule).or_insert(d.level);
    }
    found.into_iter().map(|(id, level)| (id.to_owned(), level)).collect()
}

/// A Guard rule is known only by its id (the policy file is the user's): name, level, tags.
fn policy_descriptor(id: &str, level: Level) -> s::ReportingDescriptor {
    let (name, summary) = match id.strip_prefix("GUARD:") {
        Some(name) => (name.to_owned(), format!("AWS CloudFormation Guard rule `{name}`")),
        None => {
            ("guard-not-evaluated".to_owned(), "AWS CloudFormation Guard could not evaluate a rule file".to_owned())
        }
    };
    let properties = BTreeMap::from([("precision".to_owned(), json!("high"))]);
    let help = "Reported by an AWS CloudFormation Guard policy given with `--guard-rules` or `guard-rules` in \
                .rotlint.toml; the rule file says what it checks.";
    s::ReportingDescriptor::builder()
        .id(id)
        .name(name)
        .short_description(multiformat(&summary, None))
        .full_description(multiformat(&summary, None))
        .help(multiformat(&help.replace('`', ""), Some(help)))
        .default_configuration(s::ReportingConfiguration { level: Some(json!(level.as_str())), ..Default::default() })
        .properties(s::PropertyBag {
            tags: Some(vec!["policy".to_owned(), "guard".to_owned()]),
            additional_properties: properties,
        })
        .build()
}

/// GitHub sorts alerts tagged `security` by this CVSS-like score: a rotation that will fail is
/// medium (credentials stop rotating, nothing is exposed), a fragile setup low.
fn security_severity(level: Level) -> &'static str {
    match level {
        Level::Error => "5.5",
        Level::Warning => "3.0",
        Level::Note => "1.0",
    }
}

/// Tags by rule category.
fn tags(category: Category) -> &'static [&'static str] {
    match category {
        Category::Loading => &["correctness", "cloudformation"],
        Category::SecretsManager => &["security", "rotation", "network", "secrets-manager"],
        Category::Database => &["security", "rotation", "network", "database"],
        Category::Configuration => &["security", "rotation", "configuration"],
        Category::Services => &["reliability", "network", "aws-api"],
        Category::Tasks => &["reliability", "network", "ecs"],
        Category::Notes => &["rotation", "analysis"],
        Category::Suppressions => &["maintainability", "suppression"],
    }
}

/// The body of `## heading` in a rule document.
fn doc_section(docs: &str, heading: &str) -> String {
    let marker = format!("## {heading}");
    let mut lines = docs.lines().skip_while(|l| l.trim_end() != marker);
    lines.next();
    let body: Vec<&str> = lines.take_while(|l| !l.starts_with("## ")).collect();
    body.join("\n").trim().to_owned()
}

/// Markdown lightly turned into text: paragraphs unwrapped, code spans unquoted.
fn plain(markdown: &str) -> String {
    let mut out = String::new();
    for line in markdown.lines() {
        let trimmed = line.trim();
        let starts_block = trimmed.is_empty() || trimmed.starts_with("- ") || out.is_empty() || out.ends_with('\n');
        if !starts_block {
            out.push(' ');
        } else if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(trimmed);
        if trimmed.is_empty() {
            out.push('\n');
        }
    }
    out.replace('`', "")
}

fn multiformat(text: &str, markdown: Option<&str>) -> s::MultiformatMessageString {
    let mut out = s::MultiformatMessageString::builder().text(text).build();
    out.markdown = markdown.map(str::to_owned);
    out
}

fn message(text: impl Into<String>) -> s::Message {
    s::Message { text: Some(text.into()), ..Default::default() }
}

fn original_uri_base_ids(cwd: &Path) -> BTreeMap<String, s::ArtifactLocation> {
    let root = s::ArtifactLocation {
        uri: Some(uri::directory_uri(cwd)),
        description: Some(message("The directory rotlint ran in; file paths on the command line are relative to it.")),
        ..Default::default()
    };
    BTreeMap::from([(uri::SRCROOT.to_owned(), root)])
}

fn version_control(p: &Provenance) -> s::VersionControlDetails {
    let mut out = s::VersionControlDetails::builder()
        .repository_uri(p.repository_uri.as_str())
        .revision_id(p.revision_id.as_str())
        .build();
    out.mapped_to = p
        .srcroot_is_top_level
        .then(|| s::ArtifactLocation { uri_base_id: Some(uri::SRCROOT.to_owned()), ..Default::default() });
    out
}

fn level(level: Level) -> s::ResultLevel {
    match level {
        Level::Error => s::ResultLevel::Error,
        Level::Warning => s::ResultLevel::Warning,
        Level::Note => s::ResultLevel::Note,
    }
}

fn index(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

/// Position in `tool.driver.rules`: the registry, then `policies`.
fn rule_index(id: &str, policies: &[(String, Level)]) -> Option<i64> {
    let registry = catalog::ALL.iter().position(|m| m.id == id);
    let policy = || policies.iter().position(|(p, _)| p == id).map(|i| catalog::ALL.len() + i);
    registry.or_else(policy).map(index)
}

/// SARIF message text treats `[text](id)` as a link: brackets of our own text are escaped.
fn escape(text: &str) -> String {
    text.replace('[', "\\[").replace(']', "\\]")
}

/// Everything a result needs to find its files.
struct Cx<'a> {
    outcome: &'a LintResult,
    uris: &'a [uri::FileUri],
    /// Guard rules listed after the registry.
    policies: &'a [(String, Level)],
}

impl Cx<'_> {
    fn artifact_location(&self, file: FileId) -> s::ArtifactLocation {
        let found = self.uris.get(file.0 as usize);
        s::ArtifactLocation {
            uri: found.map(|u| u.uri.clone()),
            uri_base_id: found.and_then(|u| u.base).map(str::to_owned),
            index: found.map(|_| i64::from(file.0)),
            ..Default::default()
        }
    }

    fn artifacts(&self) -> Vec<s::Artifact> {
        self.uris
            .iter()
            .map(|u| s::Artifact {
                location: Some(s::ArtifactLocation {
                    uri: Some(u.uri.clone()),
                    uri_base_id: u.base.map(str::to_owned),
                    ..Default::default()
                }),
                roles: Some(vec![json!("analysisTarget")]),
                ..Default::default()
            })
            .collect()
    }

    fn region(&self, location: &Location) -> s::Region {
        let at = resolve(self.outcome, location);
        // A long span (a whole resource, a megabyte-long key) is not copied whole into every
        // result that points at it: its snippet is clipped, and ends in `…` when it was.
        let snippet = self
            .outcome
            .file(location.file)
            .and_then(|f| f.text.get(location.span.start as usize..location.span.end as usize))
            .map(|text| crate::diagnostic::bounds::clip(text, MAX_SNIPPET_CHARS).into_owned())
            .map(|text| s::ArtifactContent { text: Some(text), ..Default::default() });
        s::Region {
            start_line: Some(i64::from(at.line)),
            start_column: Some(i64::from(at.column)),
            end_line: Some(i64::from(at.end_line)),
            end_column: Some(i64::from(at.end_column)),
            snippet,
            ..Default::default()
        }
    }

    /// Whole lines around `location`, one more on each side, so a viewer without the sources
    /// still sees the context of the finding. When those lines are long (minified JSON, a
    /// generated key), only part of the location's own line: its first bytes with some on
    /// each side, as an exact region of columns.
    fn context_region(&self, location: &Location) -> Option<s::Region> {
        let file = self.outcome.file(location.file)?;
        let at = resolve(self.outcome, location);
        let count = u32::try_from(file.line_index().line_count()).unwrap_or(u32::MAX);
        let (first, last) = (at.line.saturating_sub(1).max(1), at.end_line.saturating_add(1).min(count));
        let start = file.line_index().line_start(first)? as usize;
        let end = file.line_index().line_start(last.saturating_add(1)).map_or(file.text.len(), |next| next as usize);
        let text = file.text.get(start..end)?;
        let text = text.strip_suffix('\n').map_or(text, |t| t.strip_suffix('\r').unwrap_or(t));
        if text.len() > MAX_CONTEXT_BYTES {
            return Some(self.clipped_context(file, location));
        }
        Some(s::Region {
            start_line: Some(i64::from(first)),
            end_line: Some(i64::from(last)),
            snippet: Some(s::ArtifactContent { text: Some(text.to_owned()), ..Default::default() }),
            ..Default::default()
        })
    }

    /// Up to [`MAX_SNIPPET_BYTES`] of the location's first line from its start, with
    /// [`CLIPPED_CONTEXT_BYTES`] on each side, within that line.
    fn clipped_context(&self, file: &crate::lint::SourceFile, location: &Location) -> s::Region {
        let text = &*file.text;
        // `floor_char_boundary` clamps to the text's length, too.
        let floor = |i: usize| text.floor_char_boundary(i);
        let span_start = floor(location.span.start as usize);
        let line_start = text[..span_start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[span_start..].find(['\r', '\n']).map_or(text.len(), |i| span_start + i);
        let start = floor(span_start.saturating_sub(CLIPPED_CONTEXT_BYTES).max(line_start));
        let span_end = (location.span.end as usize).clamp(span_start, line_end).min(span_start + MAX_SNIPPET_BYTES);
        let end = floor(span_end.saturating_add(CLIPPED_CONTEXT_BYTES).min(line_end));
        let (line, start_column) = file.line_col(u32::try_from(start).unwrap_or(u32::MAX));
        let (_, end_column) = file.line_col(u32::try_from(end).unwrap_or(u32::MAX));
        s::Region {
            start_line: Some(i64::from(line)),
            start_column: Some(i64::from(start_column)),
            end_line: Some(i64::from(line)),
            end_column: Some(i64::from(end_column)),
            snippet: Some(s::ArtifactContent { text: Some(text[start..end].to_owned()), ..Default::default() }),
            ..Default::default()
        }
    }

    fn location(&self, location: &Location, label: Option<&str>) -> s::Location {
        s::Location {
            physical_location: Some(s::PhysicalLocation {
                artifact_location: Some(self.artifact_location(location.file)),
                region: Some(self.region(location)),
                ..Default::default()
            }),
            logical_locations: location.resource.as_ref().map(|id| {
                vec![s::LogicalLocation {
                    name: Some(id.clone()),
                    fully_qualified_name: Some(format!("Resources.{id}")),
                    kind: Some("resource".to_owned()),
                    ..Default::default()
                }]
            }),
            message: label.filter(|l| !l.is_empty()).map(message),
            ..Default::default()
        }
    }

    fn result(&self, d: &Diagnostic, fingerprint: String) -> s::Result {
        let related: Vec<s::Location> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, hop)| s::Location { id: Some(index(i + 1)), ..self.location(hop, Some(&hop.message)) })
            .collect();
        let mut primary = self.location(&d.primary, Some(&d.primary.message));
        if let Some(physical) = primary.physical_location.as_mut() {
            physical.context_region = self.context_region(&d.primary);
        }
        let mut result = s::Result::builder()
            .rule_id(d.rule.to_string())
            .level(level(d.level))
            .message(message(result_text(d)))
            .locations(vec![primary])
            .partial_fingerprints(BTreeMap::from([(fingerprint::KEY.to_owned(), fingerprint)]))
            .build();
        result.rule_index = rule_index(&d.rule, self.policies);
        result.related_locations = (!related.is_empty()).then_some(related);
        result.code_flows = self.code_flow(d).map(|flow| vec![flow]);
        result.suppressions = d.suppressed.as_ref().map(|s| vec![suppression(s)]);
        result.fixes = self.fix(d).map(|f| vec![f]);
        result
    }

    /// The hops in path order, ending with the primary location unless the path already
    /// contains it; the primary is marked essential.
    fn code_flow(&self, d: &Diagnostic) -> Option<s::CodeFlow> {
        if d.related.is_empty() {
            return None;
        }
        let is_primary = |l: &Location| l.file == d.primary.file && l.span == d.primary.span;
        let mut hops: Vec<(&Location, &str)> = d.related.iter().map(|l| (l, l.message.as_str())).collect();
        if !d.related.iter().any(is_primary) {
            let label = if d.primary.message.is_empty() { "the value to change" } else { &d.primary.message };
            hops.push((&d.primary, label));
        }
        let locations: Vec<s::ThreadFlowLocation> = hops
            .into_iter()
            .enumerate()
            .map(|(i, (hop, label))| s::ThreadFlowLocation {
                location: Some(self.location(hop, Some(label))),
                execution_order: Some(index(i + 1)),
                importance: Some(json!(if is_primary(hop) { "essential" } else { "important" })),
                ..Default::default()
            })
            .collect();
        Some(
            s::CodeFlow::builder()
                .message(message("The path rotlint followed, from the rotation function to the problem."))
                .thread_flows(vec![s::ThreadFlow::builder().locations(locations).build()])
                .build(),
        )
    }

    /// The finding's fix, when its rule gave one: one artifact change per file it edits, in the
    /// order of its edits. A display-only suggestion is left out: a SARIF `fix` is a proposed
    /// change a viewer may apply as it is (SARIF 2.1.0, 3.55), with no way to say "show only",
    /// and a suggestion can hold a placeholder to fill in first.
    fn fix(&self, d: &Diagnostic) -> Option<s::Fix> {
        let fix = d
            .fix
            .as_ref()
            .filter(|f| !f.edits.is_empty() && f.applicability != crate::diagnostic::Applicability::DisplayOnly)?;
        let mut files: Vec<FileId> = Vec::new();
        for edit in &fix.edits {
            if !files.contains(&edit.file) {
                files.push(edit.file);
            }
        }
        let changes = files
            .into_iter()
            .map(|file| {
                let replacements = fix
                    .edits
                    .iter()
                    .filter(|e| e.file == file)
                    .map(|e| {
                        let at = Location { file, span: e.span, resource: None, message: String::new() };
                        let mut deleted = self.region(&at);
                        deleted.snippet = None;
                        s::Replacement::builder()
                            .deleted_region(deleted)
                            .inserted_content(s::ArtifactContent { text: Some(e.text.clone()), ..Default::default() })
                            .build()
                    })
                    .collect::<Vec<_>>();
                s::ArtifactChange::builder()
                    .artifact_location(self.artifact_location(file))
                    .replacements(replacements)
                    .build()
            })
            .collect::<Vec<_>>();
        Some(s::Fix::builder().description(message(&fix.title)).artifact_changes(changes).build())
    }

    fn invocation(&self) -> s::Invocation {
        let notifications: Vec<s::Notification> = self
            .outcome
            .diagnostics
            .iter()
            // The finding that says why a file could not be analysed (unreadable, too large).
            .filter(|d| self.outcome.file(d.primary.file).is_some_and(|f| f.not_analysed))
            .map(|d| {
                let file = s::Location {
                    physical_location: Some(s::PhysicalLocation {
                        artifact_location: Some(self.artifact_location(d.primary.file)),
                        ..Default::default()
                    }),
                    ..Default::default()
                };
                let rule = s::ReportingDescriptorReference {
                    id: Some(d.rule.to_string()),
                    index: rule_index(&d.rule, self.policies),
                    ..Default::default()
                };
                s::Notification::builder()
                    .level(json!("error"))
                    .message(message(d.message.clone()))
                    .locations(vec![file])
                    .associated_rule(rule)
                    .build()
            })
            .collect();
        let mut invocation = s::Invocation::builder().execution_successful(true).build();
        invocation.tool_execution_notifications = (!notifications.is_empty()).then_some(notifications);
        invocation
    }
}

/// The message, then the explaining path as links to the related locations (`[text](id)`), then
/// the finding's own advice. The first sentence alone still reads as the whole problem.
fn result_text(d: &Diagnostic) -> String {
    let mut text = escape(&d.message);
    if !d.related.is_empty() {
        let hops: Vec<String> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, hop)| {
                let label =
                    if hop.message.is_empty() { hop.resource.as_deref().unwrap_or("here") } else { &hop.message };
                format!("[{}]({})", escape(label), i + 1)
            })
            .collect();
        text.push_str(". Path: ");
        text.push_str(&hops.join(" → "));
    }
    if let Some(help) = &d.help {
        text.push_str(". Fix: ");
        text.push_str(&escape(help));
    }
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

fn suppression(s: &Suppression) -> s::Suppression {
    let kind = match s.kind {
        SuppressionKind::Metadata | SuppressionKind::Comment => "inSource",
        SuppressionKind::Config => "external",
    };
    s::Suppression::builder().kind(json!(kind)).status(json!("accepted")).justification(s.reason.as_str()).build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::tree::Span;

    #[test]
    fn what_it_does_is_cut_from_the_rule_doc() {
        let docs = "# RL1 x\n\n## What it does\nFlags `A`\nwhen B.\n\n- one\n  more\n- two\n\n## Why it matters\nno";
        assert_eq!(doc_section(docs, "What it does"), "Flags `A`\nwhen B.\n\n- one\n  more\n- two");
        assert_eq!(plain(&doc_section(docs, "What it does")), "Flags A when B.\n\n- one more\n- two");
    }

    #[test]
    fn every_rule_has_a_what_it_does_section_and_tags() {
        for meta in catalog::ALL {
            assert!(!doc_section(meta.docs, "What it does").is_empty(), "{}", meta.id);
            assert!(!tags(meta.category).is_empty());
        }
    }

    /// A rule's fix is rendered as it is given: one artifact change per edited file, in the
    /// order of the edits, each edit a replacement of its region.
    #[test]
    fn a_fix_is_rendered_file_by_file() {
        use crate::diagnostic::{Applicability, Edit, Fix};
        let paths = ["testdata/RL105/fail/private-dns-omitted.yaml", "testdata/RL104/fail/endpoint-type-omitted.yaml"]
            .map(std::path::PathBuf::from);
        let options = crate::lint::Options { threads: Some(1), ..Default::default() };
        let Ok(mut outcome) = crate::lint::lint_paths(&paths, &options) else { panic!("lint") };
        let edit = |file: u32, start: usize, text: &str| Edit {
            file: FileId(file),
            span: Span::new(start, start + 1),
            text: text.to_owned(),
        };
        let Some(d) = outcome.diagnostics.iter_mut().find(|d| d.is(&catalog::ENDPOINT_PRIVATE_DNS_OFF)) else {
            panic!("an RL105 finding")
        };
        d.fix = Some(Fix {
            title: "two files".to_owned(),
            applicability: Applicability::Unsafe,
            edits: vec![edit(0, 0, "a"), edit(1, 0, "b"), edit(0, 1, "c")],
        });
        let log = serde_json::to_value(build(&outcome, None, None)).unwrap_or_default();
        let Some(results) = log["runs"][0]["results"].as_array() else { panic!("results") };
        let with_fix: Vec<_> = results.iter().filter(|r| r.get("fixes").is_some()).collect();
        assert_eq!(with_fix.len(), 2, "the RL104 fix and the one set here");
        let fix = with_fix
            .iter()
            .find(|r| r["ruleId"] == "RL105")
            .map(|r| &r["fixes"][0])
            .unwrap_or(&serde_json::Value::Null);
        assert_eq!(fix["description"]["text"], "two files");
        let changes = fix["artifactChanges"].as_array().map(Vec::as_slice).unwrap_or_default();
        let texts = |change: &serde_json::Value| -> Vec<String> {
            change["replacements"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| r["insertedContent"]["text"].to_string())
                .collect()
        };
        assert_eq!(changes.len(), 2);
        assert_eq!(texts(&changes[0]), ["\"a\"", "\"c\""]);
        assert_eq!(texts(&changes[1]), ["\"b\""]);
        assert_eq!(changes[0]["replacements"][1]["deletedRegion"]["startColumn"], 2);
        assert!(changes[0]["replacements"][0]["deletedRegion"].get("snippet").is_none());
        assert_ne!(changes[0]["artifactLocation"], changes[1]["artifactLocation"]);
    }

    #[test]
    fn message_links_every_hop_and_escapes_brackets() {
        let hop = |msg: &str| Location {
            file: FileId(0),
            span: Span::new(0, 1),
            resource: Some("R".into()),
            message: msg.into(),
        };
        let d =
            Diagnostic::new(&catalog::ENDPOINT_PRIVATE_DNS_OFF, FileId(0), Span::new(0, 1), "value is !If [C, a, b]")
                .related(hop("function `F`"))
                .related(hop("endpoint [odd]"))
                .help("set it");
        assert_eq!(
            result_text(&d),
            "value is !If \\[C, a, b\\]. Path: [function `F`](1) → [endpoint \\[odd\\]](2). Fix: set it."
        );
    }
}
