//! `--format text`: each finding rendered by miette (source snippet, a label on the exact value,
//! related locations in the same file), then the explaining path in order, then a summary line.

use std::fmt::Write as _;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity};

use super::{resolve, rule_name};
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::Outcome;

#[derive(Clone, Copy, Debug)]
pub struct TextOptions {
    pub color: bool,
    /// Terminal width used for wrapping; fixed in snapshots so they do not depend on the terminal.
    pub width: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions { color: false, width: 100 }
    }
}

pub fn render(outcome: &Outcome, options: TextOptions) -> String {
    let theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(options.width).with_links(false);
    let mut out = String::new();
    for diagnostic in &outcome.diagnostics {
        render_one(&handler, outcome, diagnostic, &mut out);
    }
    out.push_str(&summary(outcome));
    out
}

/// Rendering of the findings only (no summary), for fixture snapshots.
pub fn render_findings(outcome: &Outcome, diagnostics: &[&Diagnostic]) -> String {
    let handler =
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100).with_links(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        render_one(&handler, outcome, diagnostic, &mut out);
    }
    out
}

fn render_one(handler: &GraphicalReportHandler, outcome: &Outcome, d: &Diagnostic, out: &mut String) {
    let at = resolve(outcome, &d.primary);
    let suppressed = d.suppressed.as_ref().map(|s| format!(" (suppressed: {})", s.reason)).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}:{}:{}: {}[{}] {}{}",
        at.file,
        at.line,
        at.column,
        d.level.as_str(),
        d.rule,
        rule_name(d),
        suppressed
    );
    if let Some(file) = outcome.file(d.primary.file) {
        let report = Rendered::new(d, file.display_path(), file.text.clone());
        let _ = handler.render_report(out, &report);
    } else {
        let _ = writeln!(out, "  {}", d.message);
    }
    if !d.related.is_empty() {
        out.push_str("  path:\n");
        for (n, hop) in d.related.iter().enumerate() {
            let at = resolve(outcome, hop);
            let resource = hop.resource.as_deref().map(|r| format!(" `{r}`")).unwrap_or_default();
            let _ = writeln!(out, "    {}. {}:{}:{}{}: {}", n + 1, at.file, at.line, at.column, resource, hop.message);
        }
    }
    out.push('\n');
}

fn summary(outcome: &Outcome) -> String {
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
        let _ = write!(line, " ({suppressed} suppressed)");
    }
    line.push('\n');
    line
}

/// Adapter from our plain data to miette's trait.
#[derive(Debug)]
struct Rendered {
    message: String,
    severity: Severity,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
}

impl Rendered {
    fn new(d: &Diagnostic, name: String, text: Arc<str>) -> Self {
        let len = text.len();
        let clamp = |s: crate::source::tree::Span| {
            let start = (s.start as usize).min(len);
            (start, (s.end as usize).min(len).saturating_sub(start))
        };
        let primary_label = if d.primary.message.is_empty() { None } else { Some(d.primary.message.clone()) };
        let mut labels = vec![LabeledSpan::new_primary_with_span(primary_label, clamp(d.primary.span))];
        for hop in d.related.iter().filter(|r| r.file == d.primary.file) {
            // Hop notes already name their resource.
            labels.push(LabeledSpan::new_with_span(Some(hop.message.clone()), clamp(hop.span)));
        }
        Rendered {
            message: d.message.clone(),
            severity: match d.level {
                Level::Error => Severity::Error,
                Level::Warning => Severity::Warning,
                Level::Note => Severity::Advice,
            },
            source: NamedSource::new(name, text).with_language("yaml"),
            labels,
            help: d.help.clone(),
        }
    }
}

impl std::fmt::Display for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}
