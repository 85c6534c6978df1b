//! Fuzz target: arbitrary bytes through the loader as a `.yaml` and as a `.json` file.
//!
//! Besides "never panics", it checks the loader's promise that every span slices its text: a span
//! past the end or inside a UTF-8 sequence would make a report point at the wrong place. It also
//! reads every node back through the compact arena (texts, tags, children, keys).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rotlint::diagnostic::FileId;
use rotlint::source::tree::NodeId;
use rotlint::source::{Limits, Loaded, load_bytes};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    for name in ["fuzz.yaml", "fuzz.json"] {
        let loaded = load_bytes(FileId(0), Path::new(name), data, &limits);
        check_spans(&loaded);
        check_nodes(&loaded);
    }
});

/// Every node reads back: a scalar's text that is a slice of the source is that slice, tags and
/// keys slice the text, children are nodes of the tree.
fn check_nodes(loaded: &Loaded) {
    let tree = &loaded.tree;
    for k in 0..tree.nodes.len() {
        let id = NodeId(k as u32);
        if let Some(text) = tree.scalar(id)
            && let Some(span) = tree.scalar_source(id)
        {
            assert_eq!(tree.source.get(span.range()), Some(text), "scalar {k} is not its source slice");
        }
        if let Some(tag) = tree.tag_span(id) {
            assert!(tree.source.get(tag.range()).is_some_and(|t| t.starts_with('!')), "tag {tag:?} of node {k}");
        }
        assert!(tree.seq(id).iter().all(|c| (c.0 as usize) < tree.nodes.len()));
        for pair in tree.map(id) {
            assert!((pair.value.0 as usize) < tree.nodes.len());
            assert!(tree.source.get(pair.key_span.range()).is_some(), "key span {:?}", pair.key_span);
            let _ = tree.key(pair);
        }
    }
}

fn check_spans(loaded: &Loaded) {
    let text: &str = &loaded.tree.source;
    let node_spans = loaded.tree.nodes.iter().map(|n| n.span);
    // Also on input that is not UTF-8: the text is then a lossy copy, and spans index that copy.
    let diagnostic_spans =
        loaded.diagnostics.iter().flat_map(|d| std::iter::once(&d.primary).chain(&d.related)).map(|l| l.span);
    for span in node_spans.chain(diagnostic_spans) {
        let range = span.range();
        assert!(range.start <= range.end && range.end <= text.len(), "span {range:?} outside {} bytes", text.len());
        assert!(
            text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
            "span {range:?} splits a character"
        );
    }
    // The offset is found in the input; the span must still land on that byte of the text.
    for d in loaded.diagnostics.iter().filter(|d| d.message.contains("NUL byte")) {
        assert!(text[d.primary.span.range()].starts_with('\0'), "NUL span {:?} is not at a NUL", d.primary.span);
    }
}
