//! Findings as plain data: rule id, level, byte spans and the explaining path. Rendering is the
//! report layer's job; nothing here knows about lines, columns or colours.

use std::borrow::Cow;

pub use crate::catalog::Level;
use crate::catalog::RuleMeta;
use crate::source::tree::Span;

/// Index of a file in the run (`lint::LintResult::files`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A position in some file of the run, with what happens there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
    /// Logical id of the resource this location belongs to, when there is one.
    pub resource: Option<String>,
    pub message: String,
}

/// Why a finding is suppressed (filled by the suppression layer, never by rules).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressionKind {
    Metadata,
    Comment,
    Config,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Rule id: one of the registry's (`RL101`), or `GUARD:<rule>` for a policy-as-code rule.
    pub rule: Cow<'static, str>,
    pub level: Level,
    /// The value to change (or the resource key when the problem is an absence).
    pub primary: Location,
    pub message: String,
    /// Every other hop of the explaining path, in path order.
    pub related: Vec<Location>,
    pub help: Option<String>,
    pub suppressed: Option<Suppression>,
    /// How many findings this one stands for: 1, or the number a producer left unbuilt because
    /// the per-file cap would drop them anyway (a tally placed after the findings it keeps). The
    /// cap's RL004 summary counts it; no output shows it otherwise.
    pub stands_for: usize,
    /// The change that resolves the finding, when the rule knows it exactly.
    pub fix: Option<Fix>,
}

/// A change that resolves a finding, built by the rule that knows it (see `RuleMeta::has_fix`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the change does, e.g. "set `PrivateDnsEnabled: true`".
    pub title: String,
    pub applicability: Applicability,
    /// Applied together; no two overlap.
    pub edits: Vec<Edit>,
}

/// Whether a fix may be applied without a person looking at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    /// Changes exactly the value the finding is about, to the value it must have.
    Safe,
    /// Resolves the finding but may change more than it (review before applying).
    Unsafe,
    /// A suggestion to show, never to apply.
    DisplayOnly,
}

/// Replace the bytes `span` of `file` with `text` (an empty span inserts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub file: FileId,
    /// Byte offsets into the file's text, as every span.
    pub span: Span,
    pub text: String,
}

impl Diagnostic {
    /// A finding of `rule`, at its level, at `span` of `file`; `label` describes the primary
    /// location.
    pub fn new(rule: &'static RuleMeta, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Self::with_rule(rule.id, rule.level, file, span, message)
    }

    /// A finding of a rule that is not in the catalog (`GUARD:<rule>`), or a test's.
    pub fn with_rule(
        rule: impl Into<Cow<'static, str>>,
        level: Level,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule: rule.into(),
            level,
            primary: Location { file, span, resource: None, message: String::new() },
            message: bounds::clipped_message(message.into()),
            related: Vec::new(),
            help: None,
            suppressed: None,
            stands_for: 1,
            fix: None,
        }
    }

    /// Whether this is a finding of `rule`.
    pub fn is(&self, rule: &RuleMeta) -> bool {
        self.rule == rule.id
    }

    /// The finding at another level than its rule's.
    pub fn at_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    pub fn resource(mut self, logical_id: impl Into<String>) -> Self {
        self.primary.resource = Some(logical_id.into());
        bounds::clip_name(&mut self.primary.resource);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.primary.message = bounds::clipped_message(label.into());
        self
    }

    pub fn related(mut self, location: Location) -> Self {
        self.related.push(bounds::clipped_location(location));
        self
    }

    pub fn related_all(mut self, locations: impl IntoIterator<Item = Location>) -> Self {
        self.related.extend(locations.into_iter().map(bounds::clipped_location));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(bounds::clipped_message(help.into()));
        self
    }

    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// Sort key for deterministic output: file, position, rule, then message.
    pub fn sort_key(&self) -> (FileId, u32, u32, &str, &str) {
        (self.primary.file, self.primary.span.start, self.primary.span.end, &self.rule, &self.message)
    }
}

/// Bounds on what one run reports, so that no input can make the report huge: a template can
/// name a resource with a megabyte-long id, or repeat one key twenty thousand times.
pub mod bounds {
    use std::borrow::Cow;
    use std::collections::BTreeMap;

    use super::{Diagnostic, Level};
    use crate::catalog;
    use crate::source::tree::Span;

    /// Findings reported per file; the rest are counted in one RL004 finding.
    pub const MAX_FINDINGS_PER_FILE: usize = 1000;
    /// Characters of a name quoted in a message (between backticks) or of a `resource` field.
    pub const MAX_NAME_CHARS: usize = 200;
    /// Characters of a message, a label, a hop note or a help text.
    pub const MAX_MESSAGE_CHARS: usize = 2000;

    /// What a producer that can find one problem per node (a duplicate key, a broken reference)
    /// keeps for the per-file cap: the earliest [`MAX_FINDINGS_PER_FILE`] by position, built
    /// lazily, and a count of the rest. A file can hold a million of them; only the ones a report
    /// can show are built.
    pub struct Earliest<T> {
        /// A max-heap by position: the latest kept is the one to let go.
        heap: std::collections::BinaryHeap<Entry<T>>,
        seq: u64,
        /// How many were let go, and the earliest of them.
        past: Option<(usize, Span)>,
    }

    struct Entry<T> {
        span: Span,
        seq: u64,
        item: T,
    }

    impl<T> Entry<T> {
        fn key(&self) -> (u32, u32, u64) {
            (self.span.start, self.span.end, self.seq)
        }
    }

    impl<T> PartialEq for Entry<T> {
        fn eq(&self, other: &Self) -> bool {
            self.key() == other.key()
        }
    }

    impl<T> Eq for Entry<T> {}

    impl<T> PartialOrd for Entry<T> {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }

    impl<T> Ord for Entry<T> {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            self.key().cmp(&other.key())
        }
    }

    impl<T> Default for Earliest<T> {
        fn default() -> Self {
            Earliest { heap: std::collections::BinaryHeap::new(), seq: 0, past: None }
        }
    }

    impl<T> Earliest<T> {
        /// A finding at `span`; `make` runs only if it is kept.
        pub fn offer(&mut self, span: Span, make: impl FnOnce() -> T) {
            if self.heap.len() == MAX_FINDINGS_PER_FILE && self.heap.peek().is_some_and(|l| l.span.start <= span.start)
            {
                self.let_go(span);
                return;
            }
            self.seq += 1;
            self.heap.push(Entry { span, seq: self.seq, item: make() });
            if self.heap.len() > MAX_FINDINGS_PER_FILE
                && let Some(latest) = self.heap.pop()
            {
                self.let_go(latest.span);
            }
        }

        fn let_go(&mut self, span: Span) {
            let (n, first) = self.past.get_or_insert((0, span));
            *n += 1;
            if span.start < first.start {
                *first = span;
            }
        }

        /// The kept findings in position order, then one `tally` at the earliest let go, standing
        /// for all of them: it sorts after every kept one, so the cap drops it and counts them.
        pub fn finish(
            self,
            build: impl Fn(Span, T) -> Diagnostic,
            tally: impl FnOnce(Span) -> Diagnostic,
        ) -> Vec<Diagnostic> {
            let mut out: Vec<Diagnostic> =
                self.heap.into_sorted_vec().into_iter().map(|e| build(e.span, e.item)).collect();
            if let Some((n, first)) = self.past {
                let mut t = tally(first);
                t.stands_for = n;
                out.push(t);
            }
            out
        }
    }

    /// Clip every finding's texts and collapse the findings past the per-file cap. `diagnostics`
    /// must be sorted by file (as `Diagnostic::sort_key` sorts); the result stays sorted.
    pub fn apply(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut out = Vec::with_capacity(diagnostics.len().min(MAX_FINDINGS_PER_FILE));
        let mut dropped: Vec<Diagnostic> = Vec::new();
        let mut kept_in_file = 0;
        let mut iter = diagnostics.into_iter().peekable();
        while let Some(mut d) = iter.next() {
            let file = d.primary.file;
            if kept_in_file < MAX_FINDINGS_PER_FILE {
                clip_texts(&mut d);
                out.push(d);
                kept_in_file += 1;
            } else {
                dropped.push(d);
            }
            if iter.peek().is_none_or(|next| next.primary.file != file) {
                if let Some(summary) = summary(&dropped) {
                    out.push(summary);
                }
                dropped.clear();
                kept_in_file = 0;
            }
        }
        out
    }

    /// One RL004 finding, at the first dropped finding, counting the dropped ones by rule. Its
    /// level is the highest of the dropped unsuppressed findings, so the exit code is the one
    /// the whole list would give.
    fn summary(dropped: &[Diagnostic]) -> Option<Diagnostic> {
        let first = dropped.first()?;
        let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for d in dropped {
            *by_rule.entry(&d.rule).or_default() += d.stands_for;
        }
        let total: usize = dropped.iter().map(|d| d.stands_for).sum();
        let counts: Vec<String> = by_rule.iter().map(|(rule, n)| format!("{rule} ×{n}")).collect();
        let level = dropped.iter().filter(|d| d.suppressed.is_none()).map(|d| d.level).max().unwrap_or(Level::Note);
        let message = format!(
            "{total} more findings in this file are not reported (at most {MAX_FINDINGS_PER_FILE} per file): {}",
            counts.join(", ")
        );
        let mut summary =
            Diagnostic::new(&catalog::INPUT_LIMIT, first.primary.file, first.primary.span, message).at_level(level);
        summary.help = Some("fix the findings reported first; the rest appear as they go".to_owned());
        Some(summary)
    }

    /// At most `max` characters of `text`; a longer text keeps its first `max - 1` and ends in `…`.
    pub fn clip(text: &str, max: usize) -> Cow<'_, str> {
        match text.char_indices().nth(max) {
            None => Cow::Borrowed(text),
            Some(_) => {
                let keep = text.char_indices().nth(max.saturating_sub(1)).map_or(text.len(), |(i, _)| i);
                Cow::Owned(format!("{}…", &text[..keep]))
            }
        }
    }

    fn clip_texts(d: &mut Diagnostic) {
        clip_message(&mut d.message);
        clip_message(&mut d.primary.message);
        clip_name(&mut d.primary.resource);
        if let Some(help) = &mut d.help {
            clip_message(help);
        }
        if let Some(s) = &mut d.suppressed {
            clip_message(&mut s.reason);
        }
        for hop in &mut d.related {
            clip_message(&mut hop.message);
            clip_name(&mut hop.resource);
        }
    }

    /// Texts are clipped as findings are made, so that a megabyte-long name quoted by many
    /// findings is not held many times, and again in [`apply`] for fields set directly.
    pub(super) fn clipped_message(mut text: String) -> String {
        clip_message(&mut text);
        text
    }

    pub(super) fn clipped_location(mut location: super::Location) -> super::Location {
        clip_message(&mut location.message);
        clip_name(&mut location.resource);
        location
    }

    pub(super) fn clip_name(name: &mut Option<String>) {
        if let Some(n) = name
            && let Cow::Owned(clipped) = clip(n, MAX_NAME_CHARS)
        {
            *n = clipped;
        }
    }

    /// Names between backticks are clipped to [`MAX_NAME_CHARS`], then the whole text to
    /// [`MAX_MESSAGE_CHARS`].
    fn clip_message(text: &mut String) {
        if text.len() <= MAX_NAME_CHARS {
            return;
        }
        let mut out = String::with_capacity(text.len().min(4 * MAX_MESSAGE_CHARS));
        for (i, part) in text.split('`').enumerate() {
            if i > 0 {
                out.push('`');
            }
            // Odd parts are quoted (a message without a closing backtick clips its tail, too).
            if i % 2 == 1 { out.push_str(&clip(part, MAX_NAME_CHARS)) } else { out.push_str(part) }
        }
        *text = clip(&out, MAX_MESSAGE_CHARS).into_owned();
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::diagnostic::FileId;
        use crate::source::tree::Span;

        /// A mapping repeating one key past the cap: only the earliest duplicates are built, and
        /// the cap's summary counts all of them.
        #[test]
        fn duplicate_keys_past_the_cap_are_counted_not_built() {
            let extra = 300;
            let keys: String = (0..=MAX_FINDINGS_PER_FILE + extra).map(|_| "  k: 1\n").collect();
            let loaded = crate::source::parse_str(&format!("Metadata:\n{keys}"));
            let dups: Vec<&Diagnostic> = loaded.diagnostics.iter().filter(|d| d.is(&catalog::DUPLICATE_KEY)).collect();
            assert_eq!(dups.len(), MAX_FINDINGS_PER_FILE + 1);
            assert_eq!(dups[MAX_FINDINGS_PER_FILE].stands_for, extra);
            let reported = apply(loaded.diagnostics.clone());
            let summary = reported.last().expect("a summary");
            assert_eq!(summary.rule, "RL004");
            assert!(summary.message.starts_with(&format!("{extra} more findings")), "{}", summary.message);
            assert!(summary.message.ends_with(&format!("RL002 ×{extra}")), "{}", summary.message);
        }

        fn finding(file: u32, at: usize, rule: &'static str, level: Level) -> Diagnostic {
            Diagnostic::with_rule(rule, level, FileId(file), Span::empty_at(at), "m")
        }

        #[test]
        fn clip_keeps_short_text_and_marks_the_cut() {
            assert_eq!(clip("short", 10), "short");
            assert_eq!(clip("exactly10!", 10), "exactly10!");
            assert_eq!(clip("0123456789abc", 10), "012345678…");
            assert_eq!(clip("ééééé", 3), "éé…");
        }

        #[test]
        fn findings_past_the_cap_collapse_into_one_per_file() {
            let mut all: Vec<Diagnostic> =
                (0..MAX_FINDINGS_PER_FILE + 5).map(|i| finding(0, i, "RL002", Level::Warning)).collect();
            all.push(finding(0, 5000, "RL003", Level::Error));
            all.push(finding(1, 0, "RL002", Level::Error));
            let out = apply(all);
            assert_eq!(out.len(), MAX_FINDINGS_PER_FILE + 2);
            let summary = &out[MAX_FINDINGS_PER_FILE];
            assert_eq!((summary.rule.as_ref(), summary.level), ("RL004", Level::Error));
            assert_eq!(summary.primary.span, Span::empty_at(MAX_FINDINGS_PER_FILE));
            assert!(summary.message.starts_with("6 more findings"), "{}", summary.message);
            assert!(summary.message.ends_with("RL002 ×5, RL003 ×1"), "{}", summary.message);
            assert_eq!(out[MAX_FINDINGS_PER_FILE + 1].primary.file, FileId(1));
        }

        #[test]
        fn long_names_are_clipped_in_messages_and_resources() {
            let id = "R".repeat(10_000);
            let mut d = finding(0, 0, "RL003", Level::Error).resource(id.clone());
            d.message = format!("`{id}` names `Nope`, and `{id}` again");
            let out = apply(vec![d]);
            let d = &out[0];
            assert_eq!(d.primary.resource.as_ref().map(|r| r.chars().count()), Some(MAX_NAME_CHARS));
            assert!(d.message.len() < 3 * MAX_NAME_CHARS * 2, "{}", d.message.len());
            assert!(d.message.contains("` names `Nope`, and `"), "{}", d.message);
            assert!(d.message.ends_with("…` again"), "{}", d.message);
        }
    }
}
