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
        let message = format!(
            "not valid JSON ({} at line {}, column {}); parsed as YAML",
            error.reason, error.line, error.column
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    fn load(bytes: &[u8]) -> Loaded {
        load_bytes(FileId(1), Path::new("t.yaml"), bytes, &Limits::default())
    }

    fn only(loaded: &Loaded) -> &Diagnostic {
        assert_eq!(loaded.diagnostics.len(), 1, "{:#?}", loaded.diagnostics);
        &loaded.diagnostics[0]
    }

    #[test]
    fn utf8_bom_is_stripped_and_spans_follow_the_stripped_text() {
        let loaded = load(b"\xEF\xBB\xBFA: !Ref B\n");
        assert!(loaded.diagnostics.is_empty());
        let t = &loaded.tree;
        assert_eq!(&*t.source, "A: !Ref B\n");
        let pair = &t.map(t.root.expect("root"))[0];
        assert_eq!(t.key(pair), "A");
        assert_eq!(pair.key_span, Span::new(0, 1));
    }

    #[test]
    fn utf16_and_utf32_are_named() {
        for (bytes, name) in [
            (&b"\xFF\xFEA\0:\0"[..], "UTF-16"),
            (&b"\xFE\xFF\0A\0:"[..], "UTF-16"),
            (&b"\xFF\xFE\0\0A\0\0\0"[..], "UTF-32"),
        ] {
            let loaded = load(bytes);
            let d = only(&loaded);
            assert_eq!((d.rule.as_ref(), d.level), ("RL001", Level::Error));
            assert!(d.message.contains(name), "{}", d.message);
            assert!(loaded.tree.root.is_none());
        }
    }

    #[test]
    fn invalid_utf8_is_located_at_the_bad_byte() {
        let loaded = load(b"A: caf\xE9\nB: 1\n");
        let d = only(&loaded);
        assert_eq!(d.rule, "RL001");
        assert_eq!(d.primary.span, Span::new(6, 7));
        assert!(d.message.contains("byte 6"), "{}", d.message);
        assert!(loaded.tree.source.starts_with("A: caf\u{FFFD}"));
        assert!(loaded.tree.root.is_none());
    }

    #[test]
    fn binary_file() {
        let loaded = load(b"PK\x03\x04\0\0junk");
        let d = only(&loaded);
        assert!(d.message.starts_with("binary file"), "{}", d.message);
        assert_eq!(d.primary.span, Span::new(4, 5));
    }

    #[test]
    fn empty_whitespace_and_comment_only_files() {
        for text in ["", "   \n\n", "# just a comment\n  # another\n", "---\n", "\u{FEFF}"] {
            let loaded = load(text.as_bytes());
            let d = only(&loaded);
            assert_eq!((d.rule.as_ref(), d.level, d.message.as_str()), ("RL001", Level::Error, "empty template"));
            assert!(loaded.tree.root.is_none());
        }
        let loaded = load_bytes(FileId(0), Path::new("x.json"), b" \n", &Limits::default());
        assert_eq!(only(&loaded).message, "empty template");
    }

    #[test]
    fn size_cap_is_checked_before_parsing() {
        let limits = Limits { max_bytes: 10, ..Limits::default() };
        let loaded = load_bytes(FileId(0), Path::new("t.yaml"), b"a: [unclosed", &limits);
        let d = only(&loaded);
        assert_eq!(d.rule, "RL004");
        assert!(d.message.contains("12 bytes"), "{}", d.message);
        assert!(loaded.tree.source.is_empty());
    }

    #[test]
    fn format_choice() {
        assert_eq!(parse_str("a: 1").format, Format::Yaml);
        assert_eq!(parse_str("  {\"a\": 1}").format, Format::Json);
        let loaded = load_bytes(FileId(0), Path::new("T.JSON"), b"[1]", &Limits::default());
        assert_eq!(loaded.format, Format::Json);
    }
}
