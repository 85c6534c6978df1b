//! Bytes → [`Tree`] plus load findings: size cap, encoding checks, format choice, and the
//! JSON-then-YAML fallback. Never panics; every problem becomes a diagnostic.
//!
//! Spans are byte offsets into the text *after* a UTF-8 byte-order mark is stripped, and
//! `Tree::source` holds that stripped text, so slicing it with any span just works.

use std::path::Path;
use std::sync::Arc;

use crate::catalog;
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
    let stripped = bytes.strip_prefix(UTF8_BOM);
    // Messages give offsets in the file as read (BOM included); spans index the kept text.
    let skipped = if stripped.is_some() { UTF8_BOM.len() } else { 0 };
    let bytes = stripped.unwrap_or(bytes);
    if let Some(message) = foreign_encoding(bytes) {
        return failed(Arc::from(""), guessed, rl001(file, Span::empty_at(0), message));
    }
    let nul = bytes.iter().position(|&b| b == 0);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => return not_utf8(file, guessed, bytes, nul, error.valid_up_to(), skipped),
    };
    if let Some(nul) = nul {
        return failed(Arc::from(text), guessed, binary(file, Span::new(nul, nul + 1), nul + skipped));
    }
    let json_first = is_json_path || first_non_space(text) == Some(b'{');
    load_text(file, Arc::from(text), json_first, is_json_path, limits)
}

/// Test convenience: `FileId(0)`, format sniffed from the first non-space byte, default limits.
pub fn parse_str(text: &str) -> Loaded {
    load_bytes(FileId(0), Path::new("template"), text.as_bytes(), &Limits::default())
}

/// A file that is not UTF-8 keeps a lossy copy of its text, so the finding's input offsets are
/// moved into that copy.
fn not_utf8(file: FileId, format: Format, bytes: &[u8], nul: Option<usize>, bad: usize, skipped: usize) -> Loaded {
    let lossy = Lossy::new(bytes);
    let diagnostic = match nul {
        Some(nul) => binary(file, lossy.span(nul, nul + 1), nul + skipped),
        None => {
            let message = format!("invalid UTF-8 at byte {}; save the file as UTF-8", bad + skipped);
            rl001(file, lossy.span(bad, bad + 1), message)
        }
    };
    failed(Arc::from(lossy.text), format, diagnostic)
}

fn binary(file: FileId, span: Span, offset: usize) -> Diagnostic {
    rl001(file, span, format!("binary file (NUL byte at offset {offset}); a template is text"))
}

/// The text kept for bytes that are not UTF-8: each invalid sequence becomes one U+FFFD (3
/// bytes), exactly as `String::from_utf8_lossy` does, so offsets after it shift.
struct Lossy {
    text: String,
    /// Every invalid sequence, in input order.
    replaced: Vec<Replaced>,
}

struct Replaced {
    /// Where the sequence starts and ends in the input.
    input_start: usize,
    input_end: usize,
    /// Where its U+FFFD starts in `text`.
    text_start: usize,
}

impl Lossy {
    fn new(bytes: &[u8]) -> Self {
        let mut text = String::with_capacity(bytes.len() + 16);
        let mut replaced = Vec::new();
        let mut input = 0;
        for chunk in bytes.utf8_chunks() {
            text.push_str(chunk.valid());
            input += chunk.valid().len();
            if chunk.invalid().is_empty() {
                continue;
            }
            let input_end = input + chunk.invalid().len();
            replaced.push(Replaced { input_start: input, input_end, text_start: text.len() });
            text.push(char::REPLACEMENT_CHARACTER);
            input = input_end;
        }
        Lossy { text, replaced }
    }

    /// The input range `start..end` in `text`, widened to whole replacement characters.
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.offset(start, false), self.offset(end, true))
    }

    /// Input offset → `text` offset. An offset inside an invalid sequence moves to the start of
    /// its U+FFFD, or past it when `round_up`.
    fn offset(&self, at: usize, round_up: bool) -> usize {
        let before = self.replaced.partition_point(|r| r.input_start <= at);
        let Some(r) = before.checked_sub(1).and_then(|i| self.replaced.get(i)) else { return at };
        let replacement_end = r.text_start + char::REPLACEMENT_CHARACTER.len_utf8();
        if at >= r.input_end {
            return replacement_end + (at - r.input_end);
        }
        if round_up && at > r.input_start { replacement_end } else { r.text_start }
    }
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
    if crate::discover::looks_like_utf16(bytes) {
        return Some("file looks like UTF-16 without a byte-order mark; save it as UTF-8");
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
        let warning = Diagnostic::new(&catalog::PARSE_ERROR, file, error.span, message).at_level(Level::Warning);
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
    match tree.kind(root) {
        NodeKind::Scalar(ScalarStyle::Plain) => tree.scalar(root).is_some_and(str::is_empty),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::LineIndex;

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
        // The bad byte is one U+FFFD (3 bytes) in the kept text, and the span covers all of it.
        assert_eq!(d.primary.span, Span::new(6, 9));
        assert_eq!(&loaded.tree.source[d.primary.span.range()], "\u{FFFD}");
        assert!(d.message.contains("byte 6"), "{}", d.message);
        assert!(loaded.tree.source.starts_with("A: caf\u{FFFD}"));
        assert!(loaded.tree.root.is_none());
    }

    /// Where a span points, as a reader of the report sees it.
    fn located(loaded: &Loaded) -> (u32, u32, &str) {
        let text = &loaded.tree.source;
        let span = only(loaded).primary.span;
        let (line, column) = LineIndex::new(text).line_col(text, span.start);
        (line, column, &text[span.range()])
    }

    #[test]
    fn nul_after_invalid_sequences_is_located_in_the_kept_text() {
        // Two bad bytes before the NUL (`\xC3` lacks its continuation byte): in the kept text each
        // is a 3-byte U+FFFD, so the NUL's input offset 13 is offset 17 there.
        let loaded = load(b"A: \xFF\xC3\x28\n  B: x\0y\n");
        assert_eq!(&*loaded.tree.source, "A: \u{FFFD}\u{FFFD}(\n  B: x\0y\n");
        assert_eq!(located(&loaded), (2, 7, "\0"));
        assert_eq!(only(&loaded).primary.span, Span::new(17, 18));
        assert!(only(&loaded).message.contains("offset 13"), "{}", only(&loaded).message);
    }

    #[test]
    fn invalid_sequence_after_a_bom_and_at_the_end() {
        let loaded = load(b"\xEF\xBB\xBFA: \xE2\x82");
        assert_eq!(&*loaded.tree.source, "A: \u{FFFD}");
        assert_eq!(located(&loaded), (1, 4, "\u{FFFD}"));
        // The message counts bytes of the file as read, BOM included.
        assert!(only(&loaded).message.contains("byte 6"), "{}", only(&loaded).message);
    }

    fn input_boundaries(bytes: &[u8]) -> Vec<usize> {
        let mut offsets = Vec::new();
        let mut input = 0;
        for chunk in bytes.utf8_chunks() {
            offsets.extend(chunk.valid().char_indices().map(|(i, _)| input + i));
            input += chunk.valid().len();
            offsets.extend(input..input + chunk.invalid().len());
            input += chunk.invalid().len();
        }
        offsets.push(input);
        offsets
    }

    #[test]
    fn lossy_offsets_land_on_char_boundaries_of_the_lossy_text() {
        let inputs: [&[u8]; 5] = [
            b"\xFF",
            b"a\xF0\x9F\x98b\xED\xA0\x80c\xC0\xAF\xF4\x90",
            b"\xE2\x82\xACx\x80\x80\xE2\x82\xAC",
            b"caf\xE9 \xE9\n",
            b"ok",
        ];
        for bytes in inputs {
            let lossy = Lossy::new(bytes);
            assert_eq!(lossy.text, String::from_utf8_lossy(bytes));
            // The loader maps only offsets of input characters (a NUL, an invalid sequence):
            // every offset except those inside a valid multi-byte character.
            let starts = input_boundaries(bytes);
            for &at in &starts {
                for &end in starts.iter().filter(|&&end| end >= at) {
                    let range = lossy.span(at, end).range();
                    assert!(lossy.text.get(range.clone()).is_some(), "{bytes:?} {at}..{end} → {range:?}");
                }
            }
        }
        // Valid bytes around the bad ones keep their characters.
        let bytes = b"a\xFFb\xE2\x82c";
        let lossy = Lossy::new(bytes);
        let text_at = |at: usize| &lossy.text[lossy.span(at, at + 1).range()];
        assert_eq!(
            [text_at(0), text_at(1), text_at(2), text_at(3), text_at(4), text_at(5)],
            ["a", "\u{FFFD}", "b", "\u{FFFD}", "\u{FFFD}", "c"]
        );
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
