//! The spanned document tree every loader produces: an arena of nodes with byte spans.
//!
//! YAML and JSON both land here, so everything downstream sees one shape. Nodes live in a flat
//! arena (`Vec<Node>`), children are index ranges, so dropping or cloning a tree never recurses
//! however deep the input was. Short-form YAML tags (`!Ref x`) are rewritten by the YAML builder to
//! the long form (`{"Ref": "x"}`): the synthetic map's single key carries the span of the tag token.
//!
//! The arena is compact because a hostile template can be little else than nodes (`[1,1,1,…]` is
//! one node per two bytes): a [`Node`] is 12 bytes and a [`Pair`] 16. What most nodes do not need
//! lives in side tables: a scalar's text is usually its own span (or the span without its
//! quotes), and only other texts (escapes processed, folded lines, alias copies) get an entry in
//! `texts`, their characters in one `strings` buffer; collections keep their item range in
//! `colls`; explicit tags are few, so their spans sit in `tags`, sorted by node id.

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
    /// The span without its first byte (the `!` of a short-form tag).
    pub(crate) fn tail(self) -> Span {
        if self.is_empty() { self } else { Span { start: self.start + 1, end: self.end } }
    }
    /// The span without its first and last byte (the quotes of a quoted scalar).
    pub(crate) fn inner(self) -> Span {
        if self.len() >= 2 { Span { start: self.start + 1, end: self.end - 1 } } else { self }
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

impl ScalarStyle {
    const ALL: [ScalarStyle; 5] = [
        ScalarStyle::Plain,
        ScalarStyle::SingleQuoted,
        ScalarStyle::DoubleQuoted,
        ScalarStyle::Literal,
        ScalarStyle::Folded,
    ];
}

/// The text of a scalar or key as a loader hands it to the tree: a slice of the source (no
/// escapes were processed) or owned.
#[derive(Clone, Debug)]
pub enum ScalarText {
    Source(Span),
    Owned(Box<str>),
}

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Scalar(ScalarStyle),
    /// Items are [`Tree::seq`].
    Seq,
    /// Entries are [`Tree::map`], in source order, duplicates kept.
    Map,
}

/// Where a text lives: `texts` entries for texts that are not their node's (or key's) span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextRef {
    /// A slice of the source.
    Source(Span),
    /// A slice of [`Tree::strings`].
    Owned(Span),
}

/// A text reference as stored in a node or pair: the span itself, the span without its quotes,
/// the span without its first byte (`!Ref` → `Ref`), or `texts[code - 3]`.
pub(crate) const TEXT_SPAN: u32 = 0;
pub(crate) const TEXT_INNER: u32 = 1;
pub(crate) const TEXT_TAIL: u32 = 2;
const TEXT_INDEXED: u32 = 3;

// Layout of `Node::data`: kind (2 bits), tagged, short form, then per kind a scalar's style (3
// bits) and text code (25 bits), or a collection's index into `colls` (28 bits).
const KIND_SHIFT: u32 = 30;
const KIND_SCALAR: u32 = 0;
const KIND_SEQ: u32 = 1;
const KIND_MAP: u32 = 2;
const TAGGED: u32 = 1 << 29;
const SHORT_FORM: u32 = 1 << 28;
const STYLE_SHIFT: u32 = 25;
/// Largest text code a scalar can hold.
pub(crate) const MAX_TEXT_CODE: u32 = (1 << STYLE_SHIFT) - 1;
/// Largest `colls` index a collection can hold.
pub(crate) const MAX_COLL: u32 = SHORT_FORM - 1;

/// One node: its span and a packed word (see the module comment).
#[derive(Clone, Copy, Debug)]
pub struct Node {
    pub span: Span,
    data: u32,
}

impl Node {
    pub(crate) fn scalar(span: Span, style: ScalarStyle, text_code: u32) -> Node {
        let style = ScalarStyle::ALL.iter().position(|&s| s == style).unwrap_or(0) as u32;
        Node { span, data: (KIND_SCALAR << KIND_SHIFT) | (style << STYLE_SHIFT) | (text_code & MAX_TEXT_CODE) }
    }

    pub(crate) fn collection(span: Span, map: bool, coll: u32) -> Node {
        let kind = if map { KIND_MAP } else { KIND_SEQ };
        Node { span, data: (kind << KIND_SHIFT) | (coll & MAX_COLL) }
    }

    pub fn kind(&self) -> NodeKind {
        match self.data >> KIND_SHIFT {
            KIND_SEQ => NodeKind::Seq,
            KIND_MAP => NodeKind::Map,
            _ => NodeKind::Scalar(ScalarStyle::ALL[((self.data >> STYLE_SHIFT) & 0b111) as usize % 5]),
        }
    }

    /// True for the synthetic `{ "Fn::X": … }` map made from a short-form tag.
    pub fn from_short_form(&self) -> bool {
        self.data & SHORT_FORM != 0
    }

    /// True when an explicit tag token (`!Sub`, `!!str`) is attached ([`Tree::tag_span`]).
    pub(crate) fn tagged(&self) -> bool {
        self.data & TAGGED != 0
    }

    pub(crate) fn set_tagged(&mut self) {
        self.data |= TAGGED;
    }

    pub(crate) fn clear_tagged(&mut self) {
        self.data &= !TAGGED;
    }

    pub(crate) fn set_short_form(&mut self) {
        self.data |= SHORT_FORM;
    }

    /// A scalar's text code.
    pub(crate) fn text_code(&self) -> Option<u32> {
        (self.data >> KIND_SHIFT == KIND_SCALAR).then_some(self.data & MAX_TEXT_CODE)
    }

    pub(crate) fn set_text_code(&mut self, code: u32) {
        self.data = (self.data & !MAX_TEXT_CODE) | (code & MAX_TEXT_CODE);
    }

    /// A collection's index into `colls`.
    pub(crate) fn coll(&self) -> Option<u32> {
        (self.data >> KIND_SHIFT != KIND_SCALAR).then_some(self.data & MAX_COLL)
    }

    pub(crate) fn set_coll(&mut self, coll: u32) {
        self.data = (self.data & !MAX_COLL) | (coll & MAX_COLL);
    }
}

/// One key/value entry of a mapping. Keys are always text (non-scalar YAML keys are rendered
/// as their source text and reported by the loader); read one with [`Tree::key`].
#[derive(Clone, Copy, Debug)]
pub struct Pair {
    /// For a rewritten short-form tag this is the span of the `!Tag` token.
    pub key_span: Span,
    /// Text code of the key, relative to `key_span`.
    pub(crate) key: u32,
    pub value: NodeId,
}

/// The text a code names, given the span it is relative to.
pub(crate) fn code_text<'a>(source: &'a str, texts: &[TextRef], strings: &'a str, span: Span, code: u32) -> &'a str {
    let range = match code {
        TEXT_SPAN => span,
        TEXT_INNER => span.inner(),
        TEXT_TAIL => span.tail(),
        _ => match texts.get((code - TEXT_INDEXED) as usize) {
            Some(TextRef::Source(s)) => *s,
            Some(TextRef::Owned(s)) => return strings.get(s.range()).unwrap_or(""),
            None => return "",
        },
    };
    source.get(range.range()).unwrap_or("")
}

/// The source span a code names, when the text is a slice of the source.
pub(crate) fn code_source_span(texts: &[TextRef], span: Span, code: u32) -> Option<Span> {
    match code {
        TEXT_SPAN => Some(span),
        TEXT_INNER => Some(span.inner()),
        TEXT_TAIL => Some(span.tail()),
        _ => match texts.get((code - TEXT_INDEXED) as usize) {
            Some(TextRef::Source(s)) => Some(*s),
            _ => None,
        },
    }
}

/// The code of `texts[index]`.
pub(crate) fn indexed_code(index: usize) -> Option<u32> {
    u32::try_from(index).ok()?.checked_add(TEXT_INDEXED)
}

/// A code's `texts` index, when it has one.
pub(crate) fn code_index(code: u32) -> Option<u32> {
    code.checked_sub(TEXT_INDEXED)
}

/// A parsed document. `root` is `None` for an empty file.
#[derive(Clone, Debug)]
pub struct Tree {
    pub source: Arc<str>,
    pub nodes: Vec<Node>,
    pub items: Vec<NodeId>,
    pub pairs: Vec<Pair>,
    /// `(first, len)` of each collection in `items` (sequences) or `pairs` (mappings).
    pub(crate) colls: Vec<(u32, u32)>,
    pub(crate) texts: Vec<TextRef>,
    pub(crate) strings: String,
    /// Explicit tag spans by node id, sorted by id (short forms excepted: see [`Tree::tag_span`]).
    pub(crate) tags: Vec<(NodeId, Span)>,
    pub root: Option<NodeId>,
}

impl Tree {
    pub fn empty(source: Arc<str>) -> Self {
        Tree {
            source,
            nodes: Vec::new(),
            items: Vec::new(),
            pairs: Vec::new(),
            colls: Vec::new(),
            texts: Vec::new(),
            strings: String::new(),
            tags: Vec::new(),
            root: None,
        }
    }

    /// Bytes of heap the tree's arena holds (capacities, not counting the source text). This is
    /// what a template costs beyond its text; hostile-input tests bound it against the input size.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.nodes.capacity() * size_of::<Node>()
            + self.items.capacity() * size_of::<NodeId>()
            + self.pairs.capacity() * size_of::<Pair>()
            + self.colls.capacity() * size_of::<(u32, u32)>()
            + self.texts.capacity() * size_of::<TextRef>()
            + self.strings.capacity()
            + self.tags.capacity() * size_of::<(NodeId, Span)>()
    }

    /// Appends `other`'s arena after this one's, every span shifted by `offset` (where the caller
    /// puts `other`'s text in this tree's source) and every index by this arena's lengths. Returns
    /// the node id shift; `None`, with nothing changed, when the result would not fit the arena's
    /// 32-bit indexes and offsets.
    pub(crate) fn append(&mut self, other: &Tree, offset: u32) -> Option<u32> {
        let base = |mine: usize, theirs: usize, max: usize| {
            let total = mine.checked_add(theirs)?;
            (total <= max).then(|| u32::try_from(mine).ok()).flatten()
        };
        let max = u32::MAX as usize;
        let node_base = base(self.nodes.len(), other.nodes.len(), max)?;
        let item_base = base(self.items.len(), other.items.len(), max)?;
        let pair_base = base(self.pairs.len(), other.pairs.len(), max)?;
        let coll_base = base(self.colls.len(), other.colls.len(), MAX_COLL as usize + 1)?;
        let text_base = base(self.texts.len(), other.texts.len(), (MAX_TEXT_CODE - TEXT_INDEXED) as usize + 1)?;
        let string_base = base(self.strings.len(), other.strings.len(), max)?;
        let shift = |s: Span| Span { start: s.start.saturating_add(offset), end: s.end.saturating_add(offset) };
        let shift_code = |code: u32| if code_index(code).is_some() { code + text_base } else { code };
        self.nodes.extend(other.nodes.iter().map(|n| {
            let mut node = Node { span: shift(n.span), data: n.data };
            if let Some(coll) = n.coll() {
                node.set_coll(coll + coll_base);
            } else if let Some(code) = n.text_code() {
                node.set_text_code(shift_code(code));
            }
            node
        }));
        self.items.extend(other.items.iter().map(|id| NodeId(id.0 + node_base)));
        self.pairs.extend(other.pairs.iter().map(|p| Pair {
            key_span: shift(p.key_span),
            key: shift_code(p.key),
            value: NodeId(p.value.0 + node_base),
        }));
        // A collection's block lies in `items` or `pairs` depending on the node that owns it.
        self.colls.extend_from_slice(&other.colls);
        for n in &other.nodes {
            let Some(coll) = n.coll() else { continue };
            let delta = if n.kind() == NodeKind::Map { pair_base } else { item_base };
            if let (Some(&(first, len)), Some(mine)) =
                (other.colls.get(coll as usize), self.colls.get_mut((coll + coll_base) as usize))
            {
                *mine = (first + delta, len);
            }
        }
        self.texts.extend(other.texts.iter().map(|t| match *t {
            TextRef::Source(s) => TextRef::Source(shift(s)),
            TextRef::Owned(s) => TextRef::Owned(Span { start: s.start + string_base, end: s.end + string_base }),
        }));
        self.strings.push_str(&other.strings);
        self.tags.extend(other.tags.iter().map(|&(id, span)| (NodeId(id.0 + node_base), shift(span))));
        Some(node_base)
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    pub fn span(&self, id: NodeId) -> Span {
        self.node(id).span
    }

    pub fn kind(&self, id: NodeId) -> NodeKind {
        self.node(id).kind()
    }

    /// Span of an explicit tag token (`!Sub`, `!!str`) attached to this node, when present.
    pub fn tag_span(&self, id: NodeId) -> Option<Span> {
        if self.node(id).from_short_form() {
            // The synthetic map's one key carries the tag's span.
            return self.map(id).first().map(|p| p.key_span);
        }
        if !self.node(id).tagged() {
            return None;
        }
        let at = self.tags.binary_search_by_key(&id, |&(n, _)| n).ok()?;
        Some(self.tags[at].1)
    }

    /// True for the synthetic `{ "Fn::X": … }` map made from a short-form tag.
    pub fn from_short_form(&self, id: NodeId) -> bool {
        self.node(id).from_short_form()
    }

    /// The scalar's value, or `None` for a sequence or mapping.
    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        let node = self.node(id);
        let code = node.text_code()?;
        Some(code_text(&self.source, &self.texts, &self.strings, node.span, code))
    }

    /// Where the scalar's value lies in the source when it is exactly a slice of it (no escapes
    /// or folding); `None` otherwise and for collections.
    pub fn scalar_source(&self, id: NodeId) -> Option<Span> {
        let node = self.node(id);
        code_source_span(&self.texts, node.span, node.text_code()?)
    }

    pub fn scalar_style(&self, id: NodeId) -> Option<ScalarStyle> {
        match self.kind(id) {
            NodeKind::Scalar(style) => Some(style),
            _ => None,
        }
    }

    fn range(&self, id: NodeId) -> Option<std::ops::Range<usize>> {
        let (first, len) = *self.colls.get(self.node(id).coll()? as usize)?;
        Some(first as usize..first as usize + len as usize)
    }

    /// Items of a sequence; empty for anything else.
    pub fn seq(&self, id: NodeId) -> &[NodeId] {
        match self.kind(id) {
            NodeKind::Seq => self.range(id).and_then(|r| self.items.get(r)).unwrap_or(&[]),
            _ => &[],
        }
    }

    pub fn is_seq(&self, id: NodeId) -> bool {
        self.kind(id) == NodeKind::Seq
    }

    pub fn is_map(&self, id: NodeId) -> bool {
        self.kind(id) == NodeKind::Map
    }

    /// Entries of a mapping in source order; empty for anything else.
    pub fn map(&self, id: NodeId) -> &[Pair] {
        match self.kind(id) {
            NodeKind::Map => self.range(id).and_then(|r| self.pairs.get(r)).unwrap_or(&[]),
            _ => &[],
        }
    }

    pub fn key<'a>(&'a self, pair: &Pair) -> &'a str {
        code_text(&self.source, &self.texts, &self.strings, pair.key_span, pair.key)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_and_pairs_stay_compact() {
        assert_eq!(std::mem::size_of::<Node>(), 12);
        assert_eq!(std::mem::size_of::<Pair>(), 16);
    }

    #[test]
    fn node_words_round_trip() {
        for style in ScalarStyle::ALL {
            let mut node = Node::scalar(Span::new(3, 9), style, MAX_TEXT_CODE);
            assert_eq!(node.kind(), NodeKind::Scalar(style));
            assert_eq!(node.text_code(), Some(MAX_TEXT_CODE));
            node.set_tagged();
            node.set_text_code(TEXT_INNER);
            assert!(node.tagged() && !node.from_short_form());
            assert_eq!((node.kind(), node.text_code(), node.coll()), (NodeKind::Scalar(style), Some(TEXT_INNER), None));
        }
        let mut map = Node::collection(Span::new(0, 1), true, MAX_COLL);
        map.set_short_form();
        assert_eq!(
            (map.kind(), map.coll(), map.from_short_form(), map.tagged()),
            (NodeKind::Map, Some(MAX_COLL), true, false)
        );
        map.set_coll(7);
        assert_eq!(map.coll(), Some(7));
        assert_eq!(Node::collection(Span::default(), false, 0).kind(), NodeKind::Seq);
    }
}
