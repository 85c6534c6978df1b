//! The spanned document tree every loader produces: an arena of nodes with byte spans.
//!
//! YAML and JSON both land here, so everything downstream sees one shape. Nodes live in a flat
//! arena (`Vec<Node>`), children are index ranges, so dropping or cloning a tree never recurses
//! however deep the input was. Short-form YAML tags (`!Ref x`) are rewritten by the YAML builder to
//! the long form (`{"Ref": "x"}`): the synthetic map's single key carries the span of the tag token.

use std::sync::Arc;

/// Half-open byte range `start..end` into the file's text (after BOM stripping).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Span { start: clamp(start), end: clamp(end.max(start)) }
    }
    pub fn empty_at(offset: usize) -> Self {
        Span::new(offset, offset)
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.end == self.start
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Index of a node in its tree's arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

/// How a scalar was written. Typing (`"true"` vs `true`, `0755`) is left to the reader of the
/// value: the tree never coerces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// YAML plain scalar, or a JSON number / `true` / `false` / `null` literal.
    Plain,
    SingleQuoted,
    /// YAML double-quoted, or any JSON string.
    DoubleQuoted,
    Literal,
    Folded,
}

/// The text of a scalar: either a slice of the source (no escapes were processed) or owned.
#[derive(Clone, Debug)]
pub enum ScalarText {
    Source(Span),
    Owned(Box<str>),
}

/// One key/value entry of a mapping. Keys are always text (non-scalar YAML keys are rendered
/// as their source text and reported by the loader).
#[derive(Clone, Debug)]
pub struct Pair {
    pub key: ScalarText,
    /// For a rewritten short-form tag this is the span of the `!Tag` token.
    pub key_span: Span,
    pub value: NodeId,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Scalar {
        text: ScalarText,
        style: ScalarStyle,
    },
    /// Children are `tree.items[range]`.
    Seq {
        first: u32,
        len: u32,
    },
    /// Entries are `tree.pairs[range]`, in source order, duplicates kept.
    Map {
        first: u32,
        len: u32,
    },
}

#[derive(Clone, Debug)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
    /// Span of an explicit tag token (`!Sub`, `!!str`) attached to this node, when present.
    pub tag_span: Option<Span>,
    /// True for the synthetic `{ "Fn::X": … }` map made from a short-form tag.
    pub from_short_form: bool,
}

/// A parsed document. `root` is `None` for an empty file.
#[derive(Clone, Debug)]
pub struct Tree {
    pub source: Arc<str>,
    pub nodes: Vec<Node>,
    pub items: Vec<NodeId>,
    pub pairs: Vec<Pair>,
    pub root: Option<NodeId>,
}

impl Tree {
    pub fn empty(source: Arc<str>) -> Self {
        Tree { source, nodes: Vec::new(), items: Vec::new(), pairs: Vec::new(), root: None }
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    pub fn span(&self, id: NodeId) -> Span {
        self.node(id).span
    }

    pub fn text<'a>(&'a self, text: &'a ScalarText) -> &'a str {
        match text {
            ScalarText::Source(span) => self.source.get(span.range()).unwrap_or(""),
            ScalarText::Owned(s) => s,
        }
    }

    /// The scalar's value, or `None` for a sequence or mapping.
    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        match &self.node(id).kind {
            NodeKind::Scalar { text, .. } => Some(self.text(text)),
            _ => None,
        }
    }

    pub fn scalar_style(&self, id: NodeId) -> Option<ScalarStyle> {
        match &self.node(id).kind {
            NodeKind::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    /// Items of a sequence; empty for anything else.
    pub fn seq(&self, id: NodeId) -> &[NodeId] {
        match self.node(id).kind {
            NodeKind::Seq { first, len } => &self.items[first as usize..(first + len) as usize],
            _ => &[],
        }
    }

    pub fn is_seq(&self, id: NodeId) -> bool {
        matches!(self.node(id).kind, NodeKind::Seq { .. })
    }

    pub fn is_map(&self, id: NodeId) -> bool {
        matches!(self.node(id).kind, NodeKind::Map { .. })
    }

    /// Entries of a mapping in source order; empty for anything else.
    pub fn map(&self, id: NodeId) -> &[Pair] {
        match self.node(id).kind {
            NodeKind::Map { first, len } => &self.pairs[first as usize..(first + len) as usize],
            _ => &[],
        }
    }

    pub fn key<'a>(&'a self, pair: &'a Pair) -> &'a str {
        self.text(&pair.key)
    }

    /// First entry with this key. (Duplicates are reported by the loader; the first wins here,
    /// which matches what a reader of the source sees first.)
    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.get_pair(id, key).map(|p| p.value)
    }

    pub fn get_pair(&self, id: NodeId, key: &str) -> Option<&Pair> {
        self.map(id).iter().find(|p| self.key(p) == key)
    }

    /// If the node is a single-key map (the shape of every intrinsic function), its key and value.
    pub fn single_entry(&self, id: NodeId) -> Option<(&str, NodeId, &Pair)> {
        match self.map(id) {
            [pair] => Some((self.key(pair), pair.value, pair)),
            _ => None,
        }
    }

    /// Source text covered by a span (empty on a bad span rather than panicking).
    pub fn slice(&self, span: Span) -> &str {
        self.source.get(span.range()).unwrap_or("")
    }
}
