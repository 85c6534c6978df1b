//! The format-neutral tree builder: open/scalar/close calls in, arena [`Tree`] out, with the
//! checks every format shares (duplicate keys, nesting cap, non-scalar keys, YAML merge keys).
//!
//! Nodes are allocated when they are complete (post-order), and a collection's children are
//! appended to `items`/`pairs` as one block when it closes. So everything a subtree allocates lies
//! in the arena between the lengths recorded when it opened and when it closed ([`Mark`]); YAML
//! alias expansion copies exactly those ranges.

use std::collections::HashMap;
use std::sync::Arc;

use crate::catalog;
use crate::diagnostic::bounds::Earliest;
use crate::diagnostic::{Diagnostic, FileId, Location};
use crate::source::tree::{
    MAX_COLL, MAX_TEXT_CODE, Node, NodeId, NodeKind, Pair, ScalarStyle, ScalarText, Span, TEXT_INNER, TEXT_SPAN,
    TEXT_TAIL, TextRef, Tree, code_index, code_source_span, code_text, indexed_code,
};

/// Arena lengths at one moment; two marks bracket everything a subtree allocated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mark {
    nodes: u32,
    items: u32,
    pairs: u32,
}

impl Mark {
    /// Number of nodes allocated between `self` and a later mark.
    pub(crate) fn nodes_until(self, later: Mark) -> usize {
        later.nodes.saturating_sub(self.nodes) as usize
    }
}

/// A short-form intrinsic (`!Sub …`) waiting to wrap its value in `{ "Fn::Sub": … }`.
#[derive(Clone, Debug)]
pub(crate) struct Wrap {
    pub key: ScalarText,
    pub tag_span: Span,
}

#[derive(Debug)]
struct PendingKey {
    text: ScalarText,
    span: Span,
    /// A plain `<<` key in YAML: its value is merged rather than stored.
    merge: bool,
}

#[derive(Debug)]
struct Frame {
    map: bool,
    flow: bool,
    start: u32,
    /// End of the last content seen: block collections end there, not at the next token.
    last_end: u32,
    items: Vec<NodeId>,
    pairs: Vec<Pair>,
    key: Option<PendingKey>,
    merges: Vec<(NodeId, Span)>,
    tag_span: Option<Span>,
    wrap: Option<Wrap>,
}

pub(crate) struct Builder<'s> {
    src: &'s str,
    file: FileId,
    nodes: Vec<Node>,
    items: Vec<NodeId>,
    pairs: Vec<Pair>,
    colls: Vec<(u32, u32)>,
    texts: Vec<TextRef>,
    strings: String,
    tags: Vec<(NodeId, Span)>,
    /// Codes of the long names of short forms (`Fn::Sub`) stored so far.
    wrap_keys: Vec<(Box<str>, u32)>,
    stack: Vec<Frame>,
    root: Option<NodeId>,
    diagnostics: Vec<Diagnostic>,
    /// Repeated keys (RL002) the per-file cap can show: (key, first definition).
    duplicates: Earliest<(String, Span)>,
    max_depth: usize,
    fatal: bool,
    merge_warned: bool,
}

/// What a builder hands back: the tree parts, findings, and whether a fatal problem stopped it.
pub(crate) struct Built {
    pub tree: Tree,
    pub diagnostics: Vec<Diagnostic>,
    pub fatal: bool,
}

pub(crate) fn rl001(file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(&catalog::PARSE_ERROR, file, span, message)
}

pub(crate) fn rl004(file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(&catalog::INPUT_LIMIT, file, span, message)
}

impl<'s> Builder<'s> {
    pub(crate) fn new(src: &'s str, file: FileId, max_depth: usize) -> Self {
        Builder {
            src,
            file,
            nodes: Vec::new(),
            items: Vec::new(),
            pairs: Vec::new(),
            colls: Vec::new(),
            texts: Vec::new(),
            strings: String::new(),
            tags: Vec::new(),
            wrap_keys: Vec::new(),
            stack: Vec::new(),
            root: None,
            diagnostics: Vec::new(),
            duplicates: Earliest::default(),
            max_depth,
            fatal: false,
            merge_warned: false,
        }
    }

    pub(crate) fn file(&self) -> FileId {
        self.file
    }

    pub(crate) fn src(&self) -> &'s str {
        self.src
    }

    pub(crate) fn is_fatal(&self) -> bool {
        self.fatal
    }

    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Records a problem after which the tree cannot be trusted; callers stop feeding events.
    pub(crate) fn report_fatal(&mut self, diagnostic: Diagnostic) {
        self.fatal = true;
        self.diagnostics.push(diagnostic);
    }

    pub(crate) fn mark(&self) -> Mark {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Mark { nodes: clamp(self.nodes.len()), items: clamp(self.items.len()), pairs: clamp(self.pairs.len()) }
    }

    pub(crate) fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.0 as usize)
    }

    pub(crate) fn text<'a>(&'a self, text: &'a ScalarText) -> &'a str {
        match text {
            ScalarText::Source(span) => self.src.get(span.range()).unwrap_or(""),
            ScalarText::Owned(s) => s,
        }
    }

    /// The text a stored code names, relative to `span`.
    fn code_text(&self, span: Span, code: u32) -> &str {
        code_text(self.src, &self.texts, &self.strings, span, code)
    }

    /// The text of a scalar node, for an alias used as a mapping key.
    pub(crate) fn scalar_text_of(&self, id: NodeId) -> Option<ScalarText> {
        let node = self.node(id)?;
        let code = node.text_code()?;
        Some(match code_source_span(&self.texts, node.span, code) {
            Some(span) => ScalarText::Source(span),
            None => ScalarText::Owned(self.code_text(node.span, code).into()),
        })
    }

    /// Stores a text for a node or key at `span`: as a code relative to the span when it is the
    /// span's own text (with or without quotes), else in the side table.
    fn encode(&mut self, text: ScalarText, span: Span) -> u32 {
        let entry = match text {
            ScalarText::Source(s) if s == span => return TEXT_SPAN,
            ScalarText::Source(s) if span.len() >= 2 && s == span.inner() => return TEXT_INNER,
            ScalarText::Source(s) if !span.is_empty() && s == span.tail() => return TEXT_TAIL,
            ScalarText::Source(s) => TextRef::Source(s),
            ScalarText::Owned(owned) => {
                let start = self.strings.len();
                self.strings.push_str(&owned);
                TextRef::Owned(Span::new(start, self.strings.len()))
            }
        };
        match indexed_code(self.texts.len()).filter(|&code| code <= MAX_TEXT_CODE) {
            Some(code) => {
                self.texts.push(entry);
                code
            }
            None => {
                self.too_many(span, "strings");
                TEXT_SPAN
            }
        }
    }

    /// Records a collection's block of `items` or `pairs`; its index goes into the node.
    fn push_coll(&mut self, first: u32, len: u32, span: Span) -> u32 {
        match u32::try_from(self.colls.len()).ok().filter(|&index| index <= MAX_COLL) {
            Some(index) => {
                self.colls.push((first, len));
                index
            }
            None => {
                self.too_many(span, "collections");
                0
            }
        }
    }

    /// Past what a node can index (far beyond any file under the size cap): the tree is dropped.
    fn too_many(&mut self, span: Span, what: &str) {
        if !self.fatal {
            self.report_fatal(rl004(self.file, span, format!("document holds too many {what}")));
        }
    }

    /// True when the next node completes a key position of the innermost mapping.
    pub(crate) fn expects_key(&self) -> bool {
        self.stack.last().is_some_and(|f| f.map && f.key.is_none())
    }

    pub(crate) fn key(&mut self, text: ScalarText, span: Span, merge: bool) {
        let Some(frame) = self.stack.last_mut() else { return };
        frame.last_end = frame.last_end.max(span.end);
        frame.key = Some(PendingKey { text, span, merge });
    }

    fn push_node(&mut self, node: Node, tag_span: Option<Span>) -> NodeId {
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX));
        let mut node = node;
        if let Some(tag) = tag_span {
            node.set_tagged();
            self.tags.push((id, tag));
        }
        self.nodes.push(node);
        id
    }

    pub(crate) fn scalar(
        &mut self,
        text: ScalarText,
        style: ScalarStyle,
        span: Span,
        tag_span: Option<Span>,
    ) -> NodeId {
        let code = self.encode(text, span);
        self.push_node(Node::scalar(span, style, code), tag_span)
    }

    /// A sequence node over already-built items (used for the `!GetAtt a.b` split).
    pub(crate) fn seq_of(&mut self, children: &[NodeId], span: Span) -> NodeId {
        let first = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
        self.items.extend_from_slice(children);
        let len = u32::try_from(children.len()).unwrap_or(0);
        let coll = self.push_coll(first, len, span);
        self.push_node(Node::collection(span, false, coll), None)
    }

    /// Wraps `inner` in the synthetic single-pair map of a short-form intrinsic.
    pub(crate) fn wrap(&mut self, inner: NodeId, wrap: Wrap) -> NodeId {
        let inner_span = self.node(inner).map(|n| n.span).unwrap_or_default();
        let span =
            Span { start: wrap.tag_span.start.min(inner_span.start), end: inner_span.end.max(wrap.tag_span.end) };
        let first = u32::try_from(self.pairs.len()).unwrap_or(u32::MAX);
        let key = match &wrap.key {
            // A long name (`Fn::Sub`) is stored once and shared by every use.
            ScalarText::Owned(name) => match self.wrap_keys.iter().find(|(known, _)| known == name) {
                Some(&(_, code)) => code,
                None => {
                    let name = name.clone();
                    let code = self.encode(wrap.key, wrap.tag_span);
                    if code_index(code).is_some() {
                        self.wrap_keys.push((name, code));
                    }
                    code
                }
            },
            ScalarText::Source(_) => self.encode(wrap.key, wrap.tag_span),
        };
        self.pairs.push(Pair { key_span: wrap.tag_span, key, value: inner });
        let coll = self.push_coll(first, 1, span);
        let mut node = Node::collection(span, true, coll);
        // Its tag span is its key's span (see `Tree::tag_span`): no `tags` entry.
        node.set_short_form();
        self.push_node(node, None)
    }

    /// Opens a collection; returns false (after a fatal RL004) when it would be too deep.
    pub(crate) fn open(
        &mut self,
        map: bool,
        flow: bool,
        start: usize,
        tag_span: Option<Span>,
        wrap: Option<Wrap>,
    ) -> bool {
        let start_span = Span::empty_at(start);
        if self.stack.len() >= self.max_depth {
            let message = format!("nesting is deeper than {} levels", self.max_depth);
            self.report_fatal(rl004(self.file, start_span, message));
            return false;
        }
        self.stack.push(Frame {
            map,
            flow,
            start: start_span.start,
            last_end: start_span.start,
            items: Vec::new(),
            pairs: Vec::new(),
            key: None,
            merges: Vec::new(),
            tag_span,
            wrap,
        });
        true
    }

    /// Closes the innermost collection at byte `end` (used for flow collections; block ones end
    /// with their last content) and attaches it to its parent. Returns the attached node.
    pub(crate) fn close(&mut self, end: usize) -> Option<NodeId> {
        let frame = self.stack.pop()?;
        let end = if frame.flow { Span::empty_at(end).start } else { frame.last_end };
        let span = Span { start: frame.start, end: end.max(frame.start) };
        let (first, len) = if frame.map {
            let pairs = self.finish_pairs(frame.pairs, frame.merges);
            let first = u32::try_from(self.pairs.len()).unwrap_or(u32::MAX);
            let len = u32::try_from(pairs.len()).unwrap_or(0);
            self.pairs.extend(pairs);
            (first, len)
        } else {
            let first = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
            let len = u32::try_from(frame.items.len()).unwrap_or(0);
            self.items.extend(frame.items);
            (first, len)
        };
        let coll = self.push_coll(first, len, span);
        let mut id = self.push_node(Node::collection(span, frame.map, coll), frame.tag_span);
        if let Some(wrap) = frame.wrap {
            id = self.wrap(id, wrap);
        }
        self.attach(id);
        Some(id)
    }

    /// Places a finished node: as the root, a sequence item, a mapping value, or (reported) a
    /// mapping key that is not a scalar.
    pub(crate) fn attach(&mut self, id: NodeId) {
        let span = self.node(id).map(|n| n.span).unwrap_or_default();
        let Some(frame) = self.stack.last_mut() else {
            self.root.get_or_insert(id);
            return;
        };
        frame.last_end = frame.last_end.max(span.end);
        if !frame.map {
            frame.items.push(id);
            return;
        }
        match frame.key.take() {
            Some(key) if key.merge => frame.merges.push((id, key.span)),
            Some(key) => {
                let code = self.encode(key.text, key.span);
                if let Some(frame) = self.stack.last_mut() {
                    frame.pairs.push(Pair { key_span: key.span, key: code, value: id });
                }
            }
            None => {
                let text = self.src.get(span.range()).unwrap_or("").trim();
                frame.key = Some(PendingKey { text: ScalarText::Owned(text.into()), span, merge: false });
                let message = "mapping key is not a scalar; CloudFormation keys are plain text";
                self.diagnostics.push(rl001(self.file, span, message));
            }
        }
    }

    /// Copies the subtree `root` allocated between `from` and `to` (an anchored node) to the end of
    /// the arena, for an alias at `span`. Ids inside the range are shifted; the copy's root takes
    /// the alias span so findings on it point at the use.
    pub(crate) fn copy(&mut self, root: NodeId, from: Mark, to: Mark, span: Span) -> NodeId {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        let dn = clamp(self.nodes.len()).wrapping_sub(from.nodes);
        let di = clamp(self.items.len()).wrapping_sub(from.items);
        let dp = clamp(self.pairs.len()).wrapping_sub(from.pairs);
        let shift = |id: NodeId| {
            if (from.nodes..to.nodes).contains(&id.0) { NodeId(id.0.wrapping_add(dn)) } else { id }
        };
        // The tags of the copied range (sorted by id, like the nodes).
        let tags_from = self.tags.partition_point(|&(id, _)| id.0 < from.nodes);
        let tags_to = self.tags.partition_point(|&(id, _)| id.0 < to.nodes);
        let mut tags = self.tags.get(tags_from..tags_to).unwrap_or_default().to_vec().into_iter();
        for k in from.nodes..to.nodes {
            let Some(mut node) = self.nodes.get(k as usize).copied() else { break };
            if let Some(coll) = node.coll() {
                let (first, len) = self.colls.get(coll as usize).copied().unwrap_or_default();
                let delta = if node.kind() == NodeKind::Map { dp } else { di };
                node.set_coll(self.push_coll(first.wrapping_add(delta), len, span));
            }
            let tag = if node.tagged() { tags.find(|&(id, _)| id.0 == k).map(|(_, tag)| tag) } else { None };
            let mut plain = node;
            plain.clear_tagged();
            self.push_node(plain, tag);
        }
        for k in from.items..to.items {
            let Some(&id) = self.items.get(k as usize) else { break };
            self.items.push(shift(id));
        }
        for k in from.pairs..to.pairs {
            let Some(&pair) = self.pairs.get(k as usize) else { break };
            self.pairs.push(Pair { value: shift(pair.value), ..pair });
        }
        let copy = shift(root);
        let Some(&node) = self.nodes.get(copy.0 as usize) else { return copy };
        // The root's text stays what it was: a text relative to the old span moves to the table.
        let code = node.text_code().filter(|&c| code_index(c).is_none());
        let text = code.and_then(|code| code_source_span(&self.texts, node.span, code));
        let code = text.map(|text| self.encode(ScalarText::Source(text), span));
        if let Some(node) = self.nodes.get_mut(copy.0 as usize) {
            node.span = span;
            if let Some(code) = code {
                node.set_text_code(code);
            }
        }
        copy
    }

    /// Reports duplicate keys among the explicit entries, then applies YAML merge keys: merged
    /// entries come first and never override (or duplicate) an explicit key.
    fn finish_pairs(&mut self, explicit: Vec<Pair>, merges: Vec<(NodeId, Span)>) -> Vec<Pair> {
        self.report_duplicates(&explicit);
        if merges.is_empty() {
            return explicit;
        }
        let mut seen: std::collections::HashSet<String> = explicit.iter().map(|p| self.key_str(p).to_owned()).collect();
        let mut merged = Vec::new();
        for (value, key_span) in merges {
            self.warn_merge(key_span);
            for source in self.merge_sources(value, key_span) {
                for pair in self.map_pairs(source) {
                    if seen.insert(self.key_str(&pair).to_owned()) {
                        merged.push(pair);
                    }
                }
            }
        }
        merged.extend(explicit);
        merged
    }

    fn key_str(&self, pair: &Pair) -> &str {
        self.code_text(pair.key_span, pair.key)
    }

    /// The `items` or `pairs` range of a collection node.
    fn coll_range(&self, id: NodeId) -> Option<std::ops::Range<usize>> {
        let (first, len) = *self.colls.get(self.node(id)?.coll()? as usize)?;
        Some(first as usize..first as usize + len as usize)
    }

    fn map_pairs(&self, id: NodeId) -> Vec<Pair> {
        match self.node(id).map(Node::kind) {
            Some(NodeKind::Map) => {
                self.coll_range(id).and_then(|r| self.pairs.get(r)).map(<[Pair]>::to_vec).unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }

    /// The maps a `<<` value names: one map, or a list of maps (earlier ones win).
    fn merge_sources(&mut self, value: NodeId, key_span: Span) -> Vec<NodeId> {
        let sources = match self.node(value).map(Node::kind) {
            Some(NodeKind::Map) => vec![value],
            Some(NodeKind::Seq) => {
                self.coll_range(value).and_then(|r| self.items.get(r)).map(<[NodeId]>::to_vec).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let all_maps = sources.iter().all(|&id| self.node(id).map(Node::kind) == Some(NodeKind::Map));
        if sources.is_empty() || !all_maps {
            let message = "merge key `<<` needs a mapping or a list of mappings";
            self.report(rl001(self.file, key_span, message));
        }
        sources
    }

    fn warn_merge(&mut self, key_span: Span) {
        if std::mem::replace(&mut self.merge_warned, true) {
            return;
        }
        let message = "template uses the YAML merge key `<<`; the AWS CLI and SAM CLI expand it \
                       when packaging, but CloudFormation itself rejects it";
        self.report(Diagnostic::new(&catalog::YAML_ALIAS, self.file, key_span, message));
    }

    fn report_duplicates(&mut self, pairs: &[Pair]) {
        if pairs.len() < 2 {
            return;
        }
        let mut first_at: HashMap<&str, Span> = HashMap::with_capacity(pairs.len());
        let mut repeats = Vec::new();
        for (index, pair) in pairs.iter().enumerate() {
            let key = self.key_str(pair);
            match first_at.get(key) {
                Some(&first) => repeats.push((index, first)),
                None => {
                    first_at.insert(key, pair.key_span);
                }
            }
        }
        drop(first_at);
        for (index, first) in repeats {
            let pair = &pairs[index];
            let key = self.key_str(pair).to_owned();
            self.duplicates.offer(pair.key_span, || (key, first));
        }
    }

    /// Hands back the tree, its arena trimmed to size. After a fatal problem the root is dropped:
    /// a half-built tree would only produce misleading findings.
    pub(crate) fn finish(mut self, source: Arc<str>) -> Built {
        let root = if self.fatal { None } else { self.root };
        let file = self.file;
        self.diagnostics.extend(self.duplicates.finish(
            |span, (key, first)| {
                let related = Location { file, span: first, resource: None, message: "first defined here".to_owned() };
                let message = format!("duplicate key `{key}`; CloudFormation rejects repeated keys");
                Diagnostic::new(&catalog::DUPLICATE_KEY, file, span, message).label("repeated here").related(related)
            },
            |first| Diagnostic::new(&catalog::DUPLICATE_KEY, file, first, "more duplicate keys"),
        ));
        self.nodes.shrink_to_fit();
        self.items.shrink_to_fit();
        self.pairs.shrink_to_fit();
        self.colls.shrink_to_fit();
        self.texts.shrink_to_fit();
        self.strings.shrink_to_fit();
        self.tags.shrink_to_fit();
        let tree = Tree {
            source,
            nodes: self.nodes,
            items: self.items,
            pairs: self.pairs,
            colls: self.colls,
            texts: self.texts,
            strings: self.strings,
            tags: self.tags,
            root,
        };
        Built { tree, diagnostics: self.diagnostics, fatal: self.fatal }
    }
}
