//! `--format text`: each finding rendered by miette (source snippet around the exact value, with
//! [`CONTEXT_LINES`] of context and labels on the related locations just next to it), then the
//! explaining path in order, one `file:line:col `resource`: note` line per hop, then a summary line.
//! Hops further away are only in that list: one snippet spanning every line between far-apart
//! labels made one finding a hundred lines long.
//!
//! Two things keep this linear and safe on any input. miette reads snippets through
//! [`IndexedSource`], which finds lines with the file's line index instead of scanning the file
//! from its start for every finding. And a finding whose snippet would show a line longer than
//! [`MAX_SNIPPET_LINE`] bytes, or a character that must not reach a terminal raw, is shown as a
//! clipped, escaped excerpt instead of a miette snippet.

use std::collections::HashMap;
use std::fmt::Write as _;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, Severity, SourceCode,
    SourceSpan, SpanContents,
};

use super::escape::{human, is_unsafe};
use super::{resolve, rule_name};
use crate::diagnostic::{Diagnostic, FileId, Level};
use crate::lint::{LintResult, SourceFile};
use crate::source::tree::Span;

/// Longest line a miette snippet shows; a finding on a longer line gets a clipped excerpt.
const MAX_SNIPPET_LINE: usize = 512;
/// Characters of an excerpt on each side of the span it shows.
const EXCERPT_CONTEXT: usize = 40;
/// Characters of the span itself an excerpt shows.
const EXCERPT_SPAN: usize = 80;
/// Lines of source shown before and after the labelled lines of a snippet.
const CONTEXT_LINES: usize = 2;
/// A related location in the finding's file gets a label in the snippet when it is at most this
/// many lines from the primary location; the path list names it in any case.
const NEAR_LINES: u32 = 3;
/// A labelled span over more lines than this is shown as its first line.
const MAX_SPAN_LINES: u32 = 6;

#[derive(Clone, Copy, Debug)]
pub struct TextOptions {
    pub color: bool,
    /// Terminal width used for wrapping; fixed in snapshots so they do not depend on the terminal.
    pub width: usize,
    /// `--quiet`: show only the unsuppressed findings at or above this level (the summary still
    /// counts every finding).
    pub failing: Option<Level>,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions { color: false, width: 100, failing: None }
    }
}

pub fn render(outcome: &LintResult, options: TextOptions) -> String {
    let theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = handler(theme, options.width);
    let mut out = String::new();
    let mut snippets = Snippets::default();
    // Suppressed findings stay in JSON and SARIF; here the summary only counts them. `--quiet`
    // also leaves out the findings that do not fail the run.
    for diagnostic in outcome.diagnostics.iter().filter(|d| super::compact::shown(d, options.failing)) {
        render_one(&handler, outcome, diagnostic, &mut snippets, &mut out);
    }
    out.push_str(&summary(outcome));
    out
}

/// Rendering of the findings only (no summary), for fixture snapshots.
pub fn render_findings(outcome: &LintResult, diagnostics: &[&Diagnostic]) -> String {
    let handler = handler(GraphicalTheme::unicode_nocolor(), 100);
    let mut out = String::new();
    let mut snippets = Snippets::default();
    for diagnostic in diagnostics {
        render_one(&handler, outcome, diagnostic, &mut snippets, &mut out);
    }
    out
}

fn handler(theme: GraphicalTheme, width: usize) -> GraphicalReportHandler {
    GraphicalReportHandler::new_themed(theme).with_width(width).with_links(false).with_context_lines(CONTEXT_LINES)
}

/// A label of a snippet: a span in the finding's file and its note, escaped.
struct Label {
    span: Span,
    message: String,
}

/// What a finding's snippet labels: the primary location, and the related ones in its file within
/// [`NEAR_LINES`] lines of it. A span over more than [`MAX_SPAN_LINES`] lines is cut to its first
/// line, and its note says where it ends (a `!Sub` script would otherwise fill the screen).
fn labels(file: &SourceFile, d: &Diagnostic) -> Vec<Label> {
    let label = |location: &crate::diagnostic::Location| {
        let (first, _) = file.line_col(location.span.start);
        let (last, _) = file.line_col(location.span.end);
        let mut message = human(&location.message).into_owned();
        let mut span = location.span;
        if last - first >= MAX_SPAN_LINES {
            let text = &*file.text;
            let start = text.floor_char_boundary(span.start as usize);
            let line_end = text[start..].find(['\r', '\n']).map_or(text.len(), |i| start + i);
            span.end = to_u32(line_end);
            let to = format!("continues to line {last}");
            message = if message.is_empty() { to } else { format!("{message} ({to})") };
        }
        Label { span, message }
    };
    let primary = label(&d.primary);
    let first = file.line_col(primary.span.start).0;
    let last = file.line_col(primary.span.end).0;
    let near = |span: Span| {
        file.line_col(span.end).0.saturating_add(NEAR_LINES) >= first
            && file.line_col(span.start).0 <= last.saturating_add(NEAR_LINES)
    };
    let related = d.related.iter().filter(|r| r.file == d.primary.file).map(label).filter(|l| near(l.span));
    std::iter::once(primary).chain(related).collect()
}

fn render_one(
    handler: &GraphicalReportHandler,
    outcome: &LintResult,
    d: &Diagnostic,
    snippets: &mut Snippets,
    out: &mut String,
) {
    let at = resolve(outcome, &d.primary);
    let suppressed = d.suppressed.as_ref().map(|s| format!(" (suppressed: {})", human(&s.reason))).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}:{}:{}: {}[{}] {}{}",
        human(&at.file),
        at.line,
        at.column,
        d.level.as_str(),
        human(&d.rule),
        rule_name(d),
        suppressed
    );
    match outcome.file(d.primary.file) {
        Some(file) if snippets.fits(d.primary.file, file, d) => {
            let source = IndexedSource { name: human(&file.display_path()).into_owned(), file };
            let _ = handler.render_report(out, &Rendered::new(d, Some(source)));
        }
        Some(file) => {
            let _ = handler.render_report(out, &Rendered::new(d, None));
            excerpts(file, d, out);
        }
        None => {
            let _ = writeln!(out, "  {}", human(&d.message));
        }
    }
    if let Some(fix) = &d.fix {
        let kind = match fix.applicability {
            crate::diagnostic::Applicability::Safe => "fix available (safe)",
            crate::diagnostic::Applicability::Unsafe => "fix available (unsafe)",
            crate::diagnostic::Applicability::DisplayOnly => "suggested change",
        };
        let _ = writeln!(out, "  {kind}: {}", human(&fix.title));
        // A change that is never applied is shown whole, to copy by hand.
        if fix.applicability == crate::diagnostic::Applicability::DisplayOnly {
            for edit in &fix.edits {
                for line in edit.text.trim_matches(['\r', '\n', ',']).lines() {
                    let _ = writeln!(out, "    | {}", human(line.trim_end_matches('\r')));
                }
            }
        }
    }
    if let Some(url) = super::docs_url(d) {
        let _ = writeln!(out, "  docs: {url}");
    }
    if !d.related.is_empty() {
        out.push_str("  path:\n");
        for (n, hop) in d.related.iter().enumerate() {
            let at = resolve(outcome, hop);
            let resource = hop.resource.as_deref().map(|r| format!(" `{}`", human(r))).unwrap_or_default();
            let _ = writeln!(
                out,
                "    {}. {}:{}:{}{}: {}",
                n + 1,
                human(&at.file),
                at.line,
                at.column,
                resource,
                human(&hop.message)
            );
        }
    }
    out.push('\n');
}

/// For a finding miette cannot show safely: each location its snippet would label as one clipped,
/// escaped line of source.
fn excerpts(file: &SourceFile, d: &Diagnostic, out: &mut String) {
    for label in labels(file, d) {
        let (line, column) = file.line_col(label.span.start);
        let _ = writeln!(out, "   {line}:{column}: {}", excerpt(file, label.span));
        if !label.message.is_empty() {
            let _ = writeln!(out, "     ╰── {}", label.message);
        }
    }
}

/// The span's line, clipped to the span (at most [`EXCERPT_SPAN`] characters) with
/// [`EXCERPT_CONTEXT`] characters on each side, escaped, the span between `»` and `«`.
fn excerpt(file: &SourceFile, span: Span) -> String {
    let text = &*file.text;
    // `floor_char_boundary` clamps to the text's length, too.
    let floor = |i: usize| text.floor_char_boundary(i);
    let start = floor(span.start as usize);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = floor(span.end as usize).clamp(start, line_end);
    let before: String = text[line_start..start].chars().rev().take(EXCERPT_CONTEXT).collect();
    let before: String = before.chars().rev().collect();
    let inside = crate::diagnostic::bounds::clip(&text[start..end], EXCERPT_SPAN);
    let after: String = text[end..line_end].chars().take(EXCERPT_CONTEXT).collect();
    let lead = if before.len() < start - line_start { "…" } else { "" };
    let tail = if after.len() < line_end - end { "…" } else { "" };
    format!("{lead}{}»{}«{}{tail}", human(&before), human(&inside), human(&after))
}

fn summary(outcome: &LintResult) -> String {
    let count = |level| outcome.diagnostics.iter().filter(|d| d.level == level && d.suppressed.is_none()).count();
    let suppressed = outcome.diagnostics.iter().filter(|d| d.suppressed.is_some()).count();
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    let mut line = format!(
        "{}, {}, {} in {}",
        plural(count(Level::Error), "error"),
        plural(count(Level::Warning), "warning"),
        plural(count(Level::Note), "note"),
        plural(outcome.files.len(), "file"),
    );
    if suppressed > 0 {
        let _ = write!(line, " ({suppressed} suppressed, not shown; see --format json)");
    }
    line.push('\n');
    line
}

/// Adapter from our plain data to miette's trait.
#[derive(Debug)]
struct Rendered<'a> {
    message: String,
    severity: Severity,
    source: Option<IndexedSource<'a>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
}

impl<'a> Rendered<'a> {
    /// With `source`, labels on the primary location and the related ones near it (see
    /// [`labels`]); without, message and help.
    fn new(d: &Diagnostic, source: Option<IndexedSource<'a>>) -> Self {
        let mut labels = Vec::new();
        if let Some(source) = &source {
            let len = source.file.text.len();
            let clamp = |s: Span| {
                let start = (s.start as usize).min(len);
                (start, (s.end as usize).min(len).saturating_sub(start))
            };
            // Hop notes already name their resource.
            for (n, label) in self::labels(source.file, d).into_iter().enumerate() {
                let message = if label.message.is_empty() { None } else { Some(label.message) };
                labels.push(if n == 0 {
                    LabeledSpan::new_primary_with_span(message, clamp(label.span))
                } else {
                    LabeledSpan::new_with_span(message, clamp(label.span))
                });
            }
        }
        Rendered {
            message: human(&d.message).into_owned(),
            severity: match d.level {
                Level::Error => Severity::Error,
                Level::Warning => Severity::Warning,
                Level::Note => Severity::Advice,
            },
            source,
            labels,
            help: d.help.as_deref().map(|h| human(h).into_owned()),
        }
    }
}

/// A file's text as miette reads it, with lines found through the file's line index: miette's
/// own reader scans from the start of the text for every snippet, which is quadratic in a file
/// with thousands of findings. It hands miette's reader only the lines around the span, and
/// shifts the line numbers back, so the output is the same.
struct IndexedSource<'a> {
    name: String,
    file: &'a SourceFile,
}

impl std::fmt::Debug for IndexedSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexedSource").field("name", &self.name).finish_non_exhaustive()
    }
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let text = self.file.text.as_bytes();
        let index = self.file.line_index();
        let to_u32 = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        let (first_line, _) = self.file.line_col(to_u32(span.offset()));
        let (last_line, _) = self.file.line_col(to_u32(span.offset() + span.len()));
        // One line more than miette keeps before the span, so it sees the same line starts.
        let skipped_lines = (first_line as usize - 1).saturating_sub(before + 1);
        let start = index.line_start(to_u32(skipped_lines + 1)).map_or(0, |s| s as usize);
        let end_line = (last_line as usize).saturating_add(after + 2);
        let end = index.line_start(to_u32(end_line)).map_or(text.len(), |s| s as usize);
        let local = SourceSpan::new((span.offset() - start).into(), span.len());
        let inner = text[start..end].read_span(&local, before, after)?;
        let contents = MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + start).into(), inner.span().len()),
            inner.line() + skipped_lines,
            inner.column(),
            inner.line_count() + skipped_lines,
        )
        .with_language("yaml");
        Ok(Box::new(contents))
    }
}

/// Which lines of each file miette may show: none longer than [`MAX_SNIPPET_LINE`] bytes, none
/// with a character that must be escaped. Worked out once per file that has findings.
#[derive(Default)]
struct Snippets {
    /// Per file: how many unshowable lines come before each line (one entry per line, plus one).
    unshowable_before: HashMap<FileId, Vec<u32>>,
}

impl Snippets {
    /// Can miette show every line the finding's snippet may contain ([`CONTEXT_LINES`] of
    /// context around the locations it labels)?
    fn fits(&mut self, id: FileId, file: &SourceFile, d: &Diagnostic) -> bool {
        let counts = self.unshowable_before.entry(id).or_insert_with(|| unshowable_before(file));
        let (mut first, mut last) = (u32::MAX, 0);
        for span in labels(file, d).into_iter().map(|l| l.span) {
            first = first.min(file.line_col(span.start).0);
            last = last.max(file.line_col(span.end).0);
        }
        let first = (first as usize).saturating_sub(CONTEXT_LINES).max(1);
        let last = (last as usize).saturating_add(CONTEXT_LINES).min(counts.len() - 1);
        first > last || counts[last] == counts[first - 1]
    }
}

fn unshowable_before(file: &SourceFile) -> Vec<u32> {
    let text = &*file.text;
    let index = file.line_index();
    let mut counts = Vec::with_capacity(index.line_count() + 1);
    let mut total = 0u32;
    counts.push(0);
    for line in 1..=index.line_count() {
        let start = index.line_start(to_u32(line)).map_or(text.len(), |s| s as usize);
        let end = index.line_start(to_u32(line + 1)).map_or(text.len(), |s| s as usize);
        let content = text.get(start..end).unwrap_or("");
        let content = content.strip_suffix('\n').map_or(content, |c| c.strip_suffix('\r').unwrap_or(c));
        if content.len() > MAX_SNIPPET_LINE || content.chars().any(is_unsafe) {
            total += 1;
        }
        counts.push(total);
    }
    counts
}

fn to_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl std::fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() { None } else { Some(Box::new(self.labels.iter().cloned())) }
    }
}
