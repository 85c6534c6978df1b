//! Findings as plain data: rule id, level, byte spans and the explaining path. Rendering is the
//! report layer's job; nothing here knows about lines, columns or colours.

use std::borrow::Cow;

use crate::source::tree::Span;

/// Index of a file in the run (`lint::Outcome::files`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// Ordered so that `Error > Warning > Note`, which is what `--fail-level` compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

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
}

impl Diagnostic {
    /// A finding at `span` of `file`; `label` describes the primary location.
    pub fn new(rule: &'static str, level: Level, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: rule.into(),
            level,
            primary: Location { file, span, resource: None, message: String::new() },
            message: message.into(),
            related: Vec::new(),
            help: None,
            suppressed: None,
        }
    }

    pub fn resource(mut self, logical_id: impl Into<String>) -> Self {
        self.primary.resource = Some(logical_id.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.primary.message = label.into();
        self
    }

    pub fn related(mut self, location: Location) -> Self {
        self.related.push(location);
        self
    }

    pub fn related_all(mut self, locations: impl IntoIterator<Item = Location>) -> Self {
        self.related.extend(locations);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sort key for deterministic output: file, position, rule, then message.
    pub fn sort_key(&self) -> (FileId, u32, u32, &str, &str) {
        (self.primary.file, self.primary.span.start, self.primary.span.end, &self.rule, &self.message)
    }
}
