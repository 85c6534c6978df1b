//! Bytes → [`Tree`] plus load findings: size cap, encoding checks, format choice, and the
//! JSON-then-YAML fallback. Never panics; every problem becomes a diagnostic.
//!
//! Spans are byte offsets into the text *after* a UTF-8 byte-order mark is stripped, and
//! `Tree::source` holds that stripped text, so slicing it with any span just works.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, FileId, Level};
use crate::source::builder::{Built, rl001, rl004};
use crate::source::tree::{NodeKind, ScalarStyle, Span, Tree};
use crate::source::yaml::char_span;
use crate::source::{json, yaml};

/// Hard safety limits, checked before or while parsing (RL004 when hit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read at all (CloudFormation itself takes at most 1 MB from S3).
    pub max_bytes: usize,
    /// Deepest nesting of collections (real templates stay under 30).
    pub max_depth: usize,
    /// Total nodes that YAML alias expansion may create in one file.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 16 * 1024 * 1024, max_depth: 512, max_alias_nodes: 100_000 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

/// A loaded file: its tree (root `None` when nothing usable was read) and what loading found.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub tree: Tree,
    pub format: Format,
    pub diagnostics: Vec<Diagnostic>,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Never panics; every problem becomes a diagnostic. `path` is used only to pick the format
/// (`.json` → JSON first).
pub fn load_bytes(file: FileId, path: &Path, bytes: &[u8], limits: &Limits) -> Loaded {
    let is_json_path = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let guessed = if is_json_path { Format::Json } else { Format::Yaml };
    if bytes.len() > limits.max_bytes {
        let message =
            format!("file is {} bytes, over the {}-byte limit; it was not parsed", bytes.len(), limits.max_bytes);
        return failed(Arc::from(""), guessed, rl004(file, Span::empty_at(0), message));
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if let Some(message) = foreign_encoding(bytes) {
        return failed(Arc::from(""), guessed, rl001(file, Span::empty_at(0), message));
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        let source: Arc<str> = Arc::from(String::from_utf8_lossy(bytes));
        let message = format!("binary file (NUL byte at offset {nul}); a template is text");
        return failed(source, guessed, rl001(file, Span::new(nul, nul + 1), message));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let at = error.valid_up_to();
            let len = error.error_len().unwrap_or(1);
            let source: Arc<str> = Arc::from(String::from_utf8_lossy(bytes));
            let message = format!("invalid UTF-8 at byte {at}; save the file as UTF-8");
            return failed(source, guessed, rl001(file, Span::new(at, at + len), message));
        }
    };
    let json_first = is_json_path || first_non_space(text) == Some(b'{');
    load_text(file, Arc::from(text), json_first, is_json_path, limits)
}

/// Test convenience: `FileId(0)`, format sniffed from the first non-space byte, default limits.
pub fn parse_str(text: &str) -> Loaded {
    load_bytes(FileId(0), Path::new("template"), text.as_bytes(), &Limits::default())
}

fn failed(source: Arc<str>, format: Format, diagnostic: Diagnostic) -> Loaded {
    Loaded { tree: Tree::empty(source), format, diagnostics: vec![diagnostic] }
}

/// UTF-16/32 byte-order marks: say what the file is rather than reporting garbage.
fn foreign_encoding(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xFF\xFE\0\0") || bytes.starts_with(b"\0\0\xFE\xFF") {
        return Some("file is UTF-32; save it as UTF-8");
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some("file is UTF-16; save it as UTF-8");
    }
    None
}

fn first_non_space(text: &str) -> Option<u8> {
    text.bytes().find(|b| !b.is_ascii_whitespace())
}

fn load_text(file: FileId, source: Arc<str>, json_first: bool, is_json_path: bool, limits: &Limits) -> Loaded {
    if !json_first {
        let built = yaml::parse(file, Arc::clone(&source), limits);
        return finish(file, built, Format::Yaml);
    }
    let error = match json::parse(file, Arc::clone(&source), limits) {
        Ok(built) => return finish(file, built, Format::Json),
        Err(error) => error,
    };
    if error.too_deep {
        let diagnostic = json::too_deep(file, error.span, limits);
        return failed(source, Format::Json, diagnostic);
    }
    // cfn-lint reads `.json` through YAML first, so YAML-isms in a `.json` file do deploy with
    // some tools: accept them, but say so.
    let built = yaml::parse(file, Arc::clone(&source), limits);
    if built.fatal || built.tree.root.is_none() {
        let message = format!("invalid JSON: {}", error.reason);
        return failed(source, Format::Json, rl001(file, error.span, message));
    }
    let mut loaded = finish(file, built, Format::Yaml);
    if is_json_path {
        let message = format!("not valid JSON ({}); parsed as YAML", error.reason);
        let warning = Diagnostic::new("RL001", Level::Warning, file, error.span, message);
        loaded.diagnostics.insert(0, warning);
    }
    loaded
}

/// Final checks shared by both formats: an empty document is a finding, not a tree.
fn finish(file: FileId, built: Built, format: Format) -> Loaded {
    let Built { mut tree, mut diagnostics, fatal } = built;
    if !fatal && is_empty_document(&tree) {
        tree.root = None;
        let span = char_span(&tree.source, 0);
        diagnostics.push(rl001(file, Span::empty_at(span.start as usize), "empty template"));
    }
    Loaded { tree, format, diagnostics }
}

/// No document at all (blank or comment-only file), or a document that is an empty scalar.
fn is_empty_document(tree: &Tree) -> bool {
    let Some(root) = tree.root else { return true };
    match &tree.node(root).kind {
        NodeKind::Scalar { text, style: ScalarStyle::Plain } => tree.text(text).is_empty(),
        _ => false,
    }
}
