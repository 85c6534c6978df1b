//! YAML text → [`Tree`]: granit-parser's pull events fed to the shared [`Builder`], with the
//! CloudFormation short forms (`!Ref`, `!GetAtt a.b`, `!Sub`, …) rewritten to their long forms.
//!
//! The event loop is iterative, so input nesting never reaches the call stack; granit's own
//! nesting limits and the builder's depth cap both stop at `limits.max_depth`. Aliases are
//! expanded by copying the anchored subtree's arena range, under a total-node budget.

use std::collections::HashMap;
use std::sync::Arc;

use granit_parser::{ErrorKind, Event, Parser, ScanError, StructureStyle, Tag};

use crate::catalog;
use crate::diagnostic::{Diagnostic, FileId, Location};
use crate::source::builder::{Builder, Built, Mark, Wrap, rl001, rl004};
use crate::source::load::Limits;
use crate::source::tree::{NodeId, ScalarStyle, ScalarText, Span};

/// Short-form tags CloudFormation accepts, with the long-form key each becomes. The last six are
/// the `Rules`-section functions, which real templates (AWS Quick Starts) write in short form.
const INTRINSICS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("Sub", "Fn::Sub"),
    ("GetAtt", "Fn::GetAtt"),
    ("If", "Fn::If"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("FindInMap", "Fn::FindInMap"),
    ("ImportValue", "Fn::ImportValue"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("GetAZs", "Fn::GetAZs"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("Transform", "Fn::Transform"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Contains", "Fn::Contains"),
    ("EachMemberEquals", "Fn::EachMemberEquals"),
    ("EachMemberIn", "Fn::EachMemberIn"),
    ("RefAll", "Fn::RefAll"),
    ("ValueOf", "Fn::ValueOf"),
    ("ValueOfAll", "Fn::ValueOfAll"),
];

const CORE_PREFIX: &str = "tag:yaml.org,2002:";

enum TagKind {
    /// No tag, or a YAML core tag (`!!str`), which changes nothing here: scalars stay raw.
    Transparent,
    Intrinsic(&'static str),
    Unknown,
}

fn classify(tag: Option<&Tag>) -> TagKind {
    let Some(tag) = tag else { return TagKind::Transparent };
    if tag.handle().starts_with(CORE_PREFIX) || tag.handle() == "!!" {
        return TagKind::Transparent;
    }
    // The non-specific tag `! x` only says "not resolved by content": a string, which we keep
    // raw anyway. granit reports it as an empty handle with suffix `!`.
    if tag.handle().is_empty() && tag.suffix() == "!" {
        return TagKind::Transparent;
    }
    if tag.handle() != "!" {
        return TagKind::Unknown;
    }
    INTRINSICS
        .iter()
        .find(|(short, _)| *short == tag.suffix())
        .map_or(TagKind::Unknown, |&(_, long)| TagKind::Intrinsic(long))
}

/// What an anchor names, for later aliases.
#[derive(Clone)]
enum Anchored {
    /// A node, with the arena range it occupies.
    Node { root: NodeId, from: Mark, to: Mark, anchor_span: Span },
    /// A scalar used as a mapping key (it has no node of its own).
    Key { text: ScalarText, anchor_span: Span },
    /// A collection that is still open: an alias to it would be infinite.
    Open { anchor_span: Span },
}

/// An anchored collection still being built.
struct OpenAnchor {
    id: usize,
    from: Mark,
}

struct YamlLoader<'s> {
    b: Builder<'s>,
    limits: &'s Limits,
    anchors: HashMap<usize, Anchored>,
    /// One entry per open collection (`None` when not anchored), parallel to the builder stack.
    open: Vec<Option<OpenAnchor>>,
    expanded: usize,
    documents: usize,
    alias_warned: bool,
    /// Set at a second document: the first one is kept, the rest is not read.
    stop: bool,
}

/// Parses `source` (already BOM-stripped UTF-8) as one YAML document.
pub(crate) fn parse(file: FileId, source: Arc<str>, limits: &Limits) -> Built {
    let mut loader = YamlLoader {
        b: Builder::new(&source, file, limits.max_depth),
        limits,
        anchors: HashMap::new(),
        open: Vec::new(),
        expanded: 0,
        documents: 0,
        alias_warned: false,
        stop: false,
    };
    let mut options = granit_parser::options! {
        emit_anchor_events: true,
        flow_nesting_limit: limits.max_depth,
        block_nesting_limit: limits.max_depth,
    };
    options.set_emit_comments(false);
    let mut parser = Parser::new_from_str_with_options(&source, options);
    while let Some(result) = parser.next_event() {
        match result {
            Ok((event, span)) => loader.event(event, &span),
            Err(error) => loader.scan_error(&error),
        }
        if loader.b.is_fatal() || loader.stop {
            break;
        }
    }
    let built = loader.b.finish(Arc::clone(&source));
    drop(parser);
    built
}

/// Byte range of a granit span; `new_from_str` always provides byte offsets.
fn byte_span(span: &granit_parser::Span) -> Span {
    span.byte_range().map_or_else(Span::default, |r| Span::new(r.start, r.end))
}

/// One whole character at `offset` (empty at the end of the text), for point-like findings.
pub(crate) fn char_span(src: &str, offset: usize) -> Span {
    let mut start = offset.min(src.len());
    while !src.is_char_boundary(start) {
        start -= 1;
    }
    let len = src.get(start..).and_then(|s| s.chars().next()).map_or(0, char::len_utf8);
    Span::new(start, start + len)
}

/// The `!Tag` token's span. granit records it for single-line ASCII tags; otherwise the token
/// runs from its start to the next whitespace.
fn tag_token_span(src: &str, span: &granit_parser::Span) -> Option<Span> {
    if let Some(range) = span.tag_span().and_then(|t| t.byte_range()) {
        return Some(Span::new(range.start, range.end));
    }
    let start = span.tag_start()?.byte_offset()?;
    let rest = src.get(start..)?;
    let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    Some(Span::new(start, start + len))
}

/// The scalar's text: a slice of the source when the value is written literally there (plain, or
/// quoted without escapes), else an owned copy. An empty plain scalar is the empty slice.
fn scalar_text(src: &str, value: &str, style: ScalarStyle, span: Span) -> ScalarText {
    if src.get(span.range()) == Some(value) {
        return ScalarText::Source(span);
    }
    let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
    if quoted && span.len() >= 2 {
        let inner = Span { start: span.start + 1, end: span.end - 1 };
        if src.get(inner.range()) == Some(value) {
            return ScalarText::Source(inner);
        }
    }
    if style == ScalarStyle::Plain && span.is_empty() {
        return ScalarText::Source(span);
    }
    ScalarText::Owned(value.into())
}

fn style_of(style: granit_parser::ScalarStyle) -> ScalarStyle {
    match style {
        granit_parser::ScalarStyle::Plain => ScalarStyle::Plain,
        granit_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        granit_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        granit_parser::ScalarStyle::Literal => ScalarStyle::Literal,
        granit_parser::ScalarStyle::Folded => ScalarStyle::Folded,
    }
}

impl<'s> YamlLoader<'s> {
    fn event(&mut self, event: Event<'_>, span: &granit_parser::Span) {
        match event {
            Event::DocumentStart(..) => self.document_start(span),
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(&value, style_of(style), anchor, tag.as_deref(), span);
            }
            Event::SequenceStart(style, anchor, tag) => {
                self.open(false, style, anchor, tag.as_deref(), span);
            }
            Event::MappingStart(style, anchor, tag) => {
                self.open(true, style, anchor, tag.as_deref(), span);
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
            Event::Alias(id) => self.alias(id, byte_span(span)),
            Event::Anchor(id, _) => self.anchor_token(id, byte_span(span)),
            _ => {}
        }
    }

    fn document_start(&mut self, span: &granit_parser::Span) {
        self.documents += 1;
        if self.documents < 2 {
            return;
        }
        let mut at = byte_span(span);
        if at.is_empty() {
            at = char_span(self.b.src(), at.start as usize);
        }
        let message = "file holds more than one YAML document; CloudFormation reads exactly one";
        // The first document stays usable; nothing after the second start is read.
        self.b.report(rl001(self.b.file(), at, message));
        self.stop = true;
    }

    fn scan_error(&mut self, error: &ScanError) {
        let offset = error.marker().byte_offset().unwrap_or(0);
        let span = char_span(self.b.src(), offset);
        let file = self.b.file();
        let diagnostic = if matches!(error.kind(), ErrorKind::RecursionLimitExceeded) {
            let message = format!("nesting is deeper than {} levels", self.limits.max_depth);
            rl004(file, span, message)
        } else {
            rl001(file, span, format!("YAML syntax error: {}", error.info()))
        };
        self.b.report_fatal(diagnostic);
    }

    fn tag_check(&mut self, tag: Option<&Tag>, span: &granit_parser::Span) -> (TagKind, Option<Span>) {
        let tag_span = tag.and_then(|_| tag_token_span(self.b.src(), span));
        let kind = classify(tag);
        if let (TagKind::Unknown, Some(tag)) = (&kind, tag) {
            let at = tag_span.unwrap_or_else(|| byte_span(span));
            let message = format!(
                "unknown tag `{}`; CloudFormation knows only its intrinsic short forms (`!Ref`, \
                 `!Sub`, `!GetAtt`, …)",
                tag.original()
            );
            self.b.report(rl001(self.b.file(), at, message));
        }
        (kind, tag_span)
    }

    fn wrap_for(&self, long: &'static str, tag_span: Span) -> Wrap {
        let token = self.b.src().get(tag_span.range()).unwrap_or("");
        // `!Ref` and `!Condition` keep their name: point the key text at the token itself.
        let key = if token.strip_prefix('!') == Some(long) {
            ScalarText::Source(Span { start: tag_span.start + 1, end: tag_span.end })
        } else {
            ScalarText::Owned(long.into())
        };
        Wrap { key, tag_span }
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: &granit_parser::Span,
    ) {
        let at = byte_span(span);
        let text = scalar_text(self.b.src(), value, style, at);
        if self.b.expects_key() {
            self.key(text, style, anchor, tag, span);
            return;
        }
        let from = self.b.mark();
        let (kind, tag_span) = self.tag_check(tag, span);
        let id = match (kind, tag_span) {
            (TagKind::Intrinsic(long), Some(tag_span)) => {
                let inner = if long == "Fn::GetAtt" {
                    self.split_getatt(text, style, at)
                } else {
                    self.b.scalar(text, style, at, None)
                };
                let wrap = self.wrap_for(long, tag_span);
                self.b.wrap(inner, wrap)
            }
            (_, tag_span) => self.b.scalar(text, style, at, tag_span),
        };
        self.b.attach(id);
        if anchor != 0 {
            let anchored = Anchored::Node { root: id, from, to: self.b.mark(), anchor_span: at };
            self.anchors.insert(anchor, anchored);
        }
    }

    fn key(
        &mut self,
        text: ScalarText,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: &granit_parser::Span,
    ) {
        let at = byte_span(span);
        if let (TagKind::Intrinsic(_), Some(tag_span)) = self.tag_check(tag, span) {
            let message = "a short-form intrinsic cannot be a mapping key";
            self.b.report(rl001(self.b.file(), tag_span, message));
        }
        let merge = style == ScalarStyle::Plain && self.b.text(&text) == "<<";
        if anchor != 0 {
            let anchored = Anchored::Key { text: text.clone(), anchor_span: at };
            self.anchors.insert(anchor, anchored);
        }
        self.b.key(text, at, merge);
    }

    /// `!GetAtt Res.Attr.Sub` → `[Res, "Attr.Sub"]`, split at the first dot like cfn-lint, each
    /// half with its own span when the value is a slice of the source.
    fn split_getatt(&mut self, text: ScalarText, style: ScalarStyle, at: Span) -> NodeId {
        let Some(dot) = self.b.text(&text).find('.') else {
            let message = format!("GetAtt needs Resource.Attribute, got `{}`", self.b.text(&text));
            self.b.report(rl001(self.b.file(), at, message));
            return self.b.scalar(text, style, at, None);
        };
        let (left, right) = match &text {
            ScalarText::Source(span) => {
                let dot = span.start + dot as u32;
                let left = Span { start: span.start, end: dot };
                let right = Span { start: dot + 1, end: span.end };
                ((ScalarText::Source(left), left), (ScalarText::Source(right), right))
            }
            ScalarText::Owned(s) => {
                let (l, r) = (&s[..dot], &s[dot + 1..]);
                ((ScalarText::Owned(l.into()), at), (ScalarText::Owned(r.into()), at))
            }
        };
        let left = self.b.scalar(left.0, style, left.1, None);
        let right = self.b.scalar(right.0, style, right.1, None);
        self.b.seq_of(&[left, right], at)
    }

    fn open(&mut self, map: bool, style: StructureStyle, anchor: usize, tag: Option<&Tag>, span: &granit_parser::Span) {
        let from = self.b.mark();
        let in_key = self.b.expects_key();
        let (kind, tag_span) = self.tag_check(tag, span);
        let wrap = match (kind, tag_span) {
            (TagKind::Intrinsic(long), Some(tag_span)) if !in_key => Some(self.wrap_for(long, tag_span)),
            _ => None,
        };
        let node_tag = if wrap.is_some() { None } else { tag_span };
        let flow = style == StructureStyle::Flow;
        if !self.b.open(map, flow, byte_span(span).start as usize, node_tag, wrap) {
            return;
        }
        let open = (anchor != 0).then_some(OpenAnchor { id: anchor, from });
        if anchor != 0 {
            self.anchors.insert(anchor, Anchored::Open { anchor_span: byte_span(span) });
        }
        self.open.push(open);
    }

    fn close(&mut self, span: &granit_parser::Span) {
        let Some(id) = self.b.close(byte_span(span).end as usize) else { return };
        let Some(Some(open)) = self.open.pop() else { return };
        let anchor_span = match self.anchors.get(&open.id) {
            Some(Anchored::Open { anchor_span }) => *anchor_span,
            _ => Span::default(),
        };
        let anchored = Anchored::Node { root: id, from: open.from, to: self.b.mark(), anchor_span };
        self.anchors.insert(open.id, anchored);
    }

    /// Remembers where the `&name` token was, for the alias warning's related location.
    fn anchor_token(&mut self, id: usize, span: Span) {
        match self.anchors.get_mut(&id) {
            Some(
                Anchored::Node { anchor_span, .. } | Anchored::Key { anchor_span, .. } | Anchored::Open { anchor_span },
            ) => *anchor_span = span,
            None => {}
        }
    }

    fn alias(&mut self, id: usize, at: Span) {
        let Some(anchored) = self.anchors.get(&id).cloned() else { return };
        self.warn_alias(at, &anchored);
        match anchored {
            Anchored::Open { .. } => {
                let message = "alias refers to the collection that contains it (infinite data)";
                self.b.report_fatal(rl004(self.b.file(), at, message));
            }
            Anchored::Key { text, .. } => {
                if self.b.expects_key() {
                    self.b.key(text, at, false);
                } else {
                    let id = self.b.scalar(text, ScalarStyle::Plain, at, None);
                    self.b.attach(id);
                }
            }
            Anchored::Node { root, from, to, .. } => self.expand(root, from, to, at),
        }
    }

    fn expand(&mut self, root: NodeId, from: Mark, to: Mark, at: Span) {
        if self.b.expects_key()
            && let Some(text) = self.b.scalar_text_of(root)
        {
            self.b.key(text, at, false);
            return;
        }
        self.expanded = self.expanded.saturating_add(from.nodes_until(to));
        if self.expanded > self.limits.max_alias_nodes {
            let message =
                format!("YAML aliases expand to more than {} nodes (alias bomb?)", self.limits.max_alias_nodes);
            self.b.report_fatal(rl004(self.b.file(), at, message));
            return;
        }
        let copy = self.b.copy(root, from, to, at);
        self.b.attach(copy);
    }

    fn warn_alias(&mut self, at: Span, anchored: &Anchored) {
        if std::mem::replace(&mut self.alias_warned, true) {
            return;
        }
        let anchor_span = match anchored {
            Anchored::Node { anchor_span, .. } | Anchored::Key { anchor_span, .. } | Anchored::Open { anchor_span } => {
                *anchor_span
            }
        };
        let name = self.b.src().get(at.range()).unwrap_or("*");
        let message = format!(
            "template uses YAML aliases (`{name}`); CloudFormation rejects them unless the \
             template is packaged by the AWS CLI or SAM CLI"
        );
        let related = Location {
            file: self.b.file(),
            span: anchor_span,
            resource: None,
            message: "anchor defined here".to_owned(),
        };
        let diagnostic =
            Diagnostic::new(&catalog::YAML_ALIAS, self.b.file(), at, message).label("alias").related(related);
        self.b.report(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::{Diagnostic, Level};
    use crate::source::tree::{NodeId, ScalarStyle, Span, Tree};
    use crate::source::{LineIndex, Loaded, parse_str};

    /// Compact rendering of a subtree: `{k: v}`, `[a, b]`, and `!{Fn::X: …}` for short forms.
    fn show(tree: &Tree, id: NodeId) -> String {
        if let Some(s) = tree.scalar(id) {
            return s.to_owned();
        }
        if tree.is_seq(id) {
            let items: Vec<String> = tree.seq(id).iter().map(|&i| show(tree, i)).collect();
            return format!("[{}]", items.join(", "));
        }
        let pairs: Vec<String> =
            tree.map(id).iter().map(|p| format!("{}: {}", tree.key(p), show(tree, p.value))).collect();
        let bang = if tree.from_short_form(id) { "!" } else { "" };
        format!("{bang}{{{}}}", pairs.join(", "))
    }

    fn load_ok(src: &str) -> (Tree, NodeId) {
        let loaded = parse_str(src);
        let errors: Vec<&Diagnostic> = loaded.diagnostics.iter().filter(|d| d.level == Level::Error).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let root = loaded.tree.root.expect("root");
        (loaded.tree, root)
    }

    fn rules(loaded: &Loaded) -> Vec<(&str, Level)> {
        loaded.diagnostics.iter().map(|d| (d.rule.as_ref(), d.level)).collect()
    }

    fn at(tree: &Tree, span: Span) -> &str {
        tree.slice(span)
    }

    fn get(tree: &Tree, id: NodeId, key: &str) -> NodeId {
        tree.get(id, key).unwrap_or_else(|| panic!("no key {key}"))
    }

    #[test]
    fn ref_short_form_has_tag_token_as_key_span() {
        let (t, root) = load_ok("A: !Ref X\nB: !Condition IsProd\n");
        let a = get(&t, root, "A");
        let (key, value, pair) = t.single_entry(a).expect("single entry");
        assert_eq!(key, "Ref");
        assert_eq!(at(&t, pair.key_span), "!Ref");
        assert!(t.from_short_form(a));
        assert_eq!(at(&t, t.span(a)), "!Ref X");
        assert_eq!(t.scalar(value), Some("X"));
        assert_eq!(at(&t, t.span(value)), "X");
        let b = get(&t, root, "B");
        let (key, _, pair) = t.single_entry(b).expect("single entry");
        assert_eq!(key, "Condition");
        assert_eq!(at(&t, pair.key_span), "!Condition");
    }

    #[test]
    fn getatt_scalar_splits_at_first_dot_with_exact_spans() {
        let (t, root) = load_ok("A: !GetAtt Db.Endpoint.Address\nB: !GetAtt \"Fn.Arn\"\n");
        let a = get(&t, root, "A");
        let (key, value, pair) = t.single_entry(a).expect("single entry");
        assert_eq!(key, "Fn::GetAtt");
        assert_eq!(at(&t, pair.key_span), "!GetAtt");
        let halves = t.seq(value);
        assert_eq!(halves.len(), 2);
        assert_eq!(t.scalar(halves[0]), Some("Db"));
        assert_eq!(at(&t, t.span(halves[0])), "Db");
        assert_eq!(t.scalar(halves[1]), Some("Endpoint.Address"));
        assert_eq!(at(&t, t.span(halves[1])), "Endpoint.Address");
        assert_eq!(at(&t, t.span(value)), "Db.Endpoint.Address");
        let b = t.single_entry(get(&t, root, "B")).expect("entry").1;
        let halves = t.seq(b);
        assert_eq!(at(&t, t.span(halves[0])), "Fn");
        assert_eq!(at(&t, t.span(halves[1])), "Arn");
        assert_eq!(t.scalar_style(halves[1]), Some(ScalarStyle::DoubleQuoted));
    }

    #[test]
    fn getatt_sequence_form_is_kept() {
        let (t, root) = load_ok("A: !GetAtt [Db, Endpoint.Address]\n");
        assert_eq!(show(&t, root), "{A: !{Fn::GetAtt: [Db, Endpoint.Address]}}");
    }

    #[test]
    fn getatt_without_dot_is_reported() {
        let loaded = parse_str("A: !GetAtt Db\n");
        let d = &loaded.diagnostics[0];
        assert_eq!((d.rule.as_ref(), d.level), ("RL001", Level::Error));
        assert!(d.message.contains("GetAtt needs Resource.Attribute"), "{}", d.message);
        assert_eq!(loaded.tree.slice(d.primary.span), "Db");
        let root = loaded.tree.root.expect("tree kept");
        assert_eq!(show(&loaded.tree, root), "{A: !{Fn::GetAtt: Db}}");
    }

    #[test]
    fn long_forms_flow_and_block() {
        let src = "A: {\"Fn::GetAtt\": [R, Arn]}\nB:\n  Fn::Sub: \"x-${AWS::Region}\"\nC: { Ref: P }\n";
        let (t, root) = load_ok(src);
        assert_eq!(show(&t, root), "{A: {Fn::GetAtt: [R, Arn]}, B: {Fn::Sub: x-${AWS::Region}}, C: {Ref: P}}");
        let a = get(&t, root, "A");
        assert!(!t.from_short_form(a));
        assert_eq!(at(&t, t.span(a)), "{\"Fn::GetAtt\": [R, Arn]}");
        let (_, _, pair) = t.single_entry(a).expect("entry");
        assert_eq!(at(&t, pair.key_span), "\"Fn::GetAtt\"");
        let b = get(&t, root, "B");
        assert_eq!(at(&t, t.span(b)), "Fn::Sub: \"x-${AWS::Region}\"");
        let sub = get(&t, b, "Fn::Sub");
        assert_eq!(at(&t, t.span(sub)), "\"x-${AWS::Region}\"");
    }

    #[test]
    fn sub_scalar_and_list() {
        let src = "A: !Sub \"arn:${AWS::Partition}:s3\"\nB: !Sub\n  - \"${Name}-x\"\n  - Name: !Ref N\n";
        let (t, root) = load_ok(src);
        assert_eq!(
            show(&t, root),
            "{A: !{Fn::Sub: arn:${AWS::Partition}:s3}, B: !{Fn::Sub: [${Name}-x, {Name: !{Ref: N}}]}}"
        );
        let b = get(&t, root, "B");
        let (_, list, pair) = t.single_entry(b).expect("entry");
        assert_eq!(at(&t, pair.key_span), "!Sub");
        assert_eq!(at(&t, t.span(b)), "!Sub\n  - \"${Name}-x\"\n  - Name: !Ref N");
        assert_eq!(at(&t, t.span(list)), "- \"${Name}-x\"\n  - Name: !Ref N");
        let a = t.single_entry(get(&t, root, "A")).expect("entry").1;
        assert_eq!(at(&t, t.span(a)), "\"arn:${AWS::Partition}:s3\"");
    }

    #[test]
    fn if_with_implicit_map_in_flow_sequence() {
        let (t, root) = load_ok("V: !If [c, \"Fn::GetAtt\": [a, b], x]\n");
        assert_eq!(show(&t, root), "{V: !{Fn::If: [c, {Fn::GetAtt: [a, b]}, x]}}");
        let list = t.single_entry(get(&t, root, "V")).expect("entry").1;
        let inner = t.seq(list)[1];
        assert_eq!(at(&t, t.span(inner)), "\"Fn::GetAtt\": [a, b]");
    }

    #[test]
    fn nested_short_forms() {
        let (t, root) = load_ok("V: !Join [\"\", [!Ref A, !GetAtt B.C, !Select [0, !GetAZs \"\"]]]\n");
        assert_eq!(
            show(&t, root),
            "{V: !{Fn::Join: [, [!{Ref: A}, !{Fn::GetAtt: [B, C]}, !{Fn::Select: [0, !{Fn::GetAZs: }]}]]}}"
        );
    }

    #[test]
    fn empty_ref_is_empty_string() {
        let (t, root) = load_ok("A: !Ref\nB: x\n");
        let a = t.single_entry(get(&t, root, "A")).expect("entry").1;
        assert_eq!(t.scalar(a), Some(""));
    }

    #[test]
    fn duplicate_keys_reported_with_both_positions_and_kept() {
        let loaded = parse_str("a: 1\nb: 2\n\"a\": 3\n");
        assert_eq!(rules(&loaded), vec![("RL002", Level::Error)]);
        let d = &loaded.diagnostics[0];
        let t = &loaded.tree;
        assert_eq!(t.slice(d.primary.span), "\"a\"");
        assert_eq!(d.related.len(), 1);
        assert_eq!(d.related[0].span, Span::new(0, 1));
        let root = t.root.expect("tree kept");
        assert_eq!(t.map(root).len(), 3);
        assert_eq!(t.scalar(get(t, root, "a")), Some("1"));
    }

    #[test]
    fn unknown_tag_is_kept_and_reported() {
        let loaded = parse_str("A: !Foo bar\nB: !!str 123\n");
        assert_eq!(rules(&loaded), vec![("RL001", Level::Error)]);
        let t = &loaded.tree;
        assert_eq!(t.slice(loaded.diagnostics[0].primary.span), "!Foo");
        let root = t.root.expect("tree kept");
        let a = get(t, root, "A");
        assert_eq!(t.scalar(a), Some("bar"));
        assert_eq!(t.tag_span(a).map(|s| t.slice(s)), Some("!Foo"));
        let b = get(t, root, "B");
        assert_eq!(t.scalar(b), Some("123"));
        assert_eq!(t.tag_span(b).map(|s| t.slice(s)), Some("!!str"));
    }

    #[test]
    fn rules_functions_and_non_specific_tag() {
        let (t, root) = load_ok("A: !Contains [[a], !Ref B]\nC: !ValueOf [P, Q]\nD: [! \"Ref\": X]\n");
        assert_eq!(show(&t, root), "{A: !{Fn::Contains: [[a], !{Ref: B}]}, C: !{Fn::ValueOf: [P, Q]}, D: [{Ref: X}]}");
    }

    #[test]
    fn yaml_1_1_scalars_stay_raw() {
        let src = "a: yes\nb: 0755\nc: 1.0\nd: 123456789012345678901234567890\ne: ~\nf: 'no'\ng: 1e400\nh:\n";
        let (t, root) = load_ok(src);
        assert_eq!(
            show(&t, root),
            "{a: yes, b: 0755, c: 1.0, d: 123456789012345678901234567890, e: ~, f: no, g: 1e400, h: }"
        );
        assert_eq!(t.scalar_style(get(&t, root, "f")), Some(ScalarStyle::SingleQuoted));
        assert_eq!(t.scalar_style(get(&t, root, "a")), Some(ScalarStyle::Plain));
    }

    #[test]
    fn scalars_point_into_source_when_unescaped() {
        let (t, root) = load_ok("a: plain\nb: \"dq\"\nc: 'it''s'\nd: \"t\\tab\"\n");
        let text = |k: &str| {
            let id = get(&t, root, k);
            (t.scalar(id).expect("a scalar"), t.scalar_source(id).map(|s| t.slice(s)))
        };
        assert_eq!(text("a"), ("plain", Some("plain")));
        assert_eq!(text("b"), ("dq", Some("dq")));
        assert_eq!(text("c"), ("it's", None));
        assert_eq!(text("d"), ("t\tab", None));
        assert_eq!(t.slice(t.span(get(&t, root, "c"))), "'it''s'");
    }

    #[test]
    fn alias_copies_keep_texts_tags_and_short_forms() {
        let src = "a: &x !!str \"5\"\nb: *x\nc: &z [!!str t, !Ref r, !Sub s]\nd: *z\n";
        let loaded = parse_str(src);
        let t = &loaded.tree;
        let root = t.root.expect("root");
        let b = get(t, root, "b");
        assert_eq!((t.scalar(b), t.slice(t.span(b))), (Some("5"), "*x"));
        assert_eq!(t.tag_span(b).map(|s| t.slice(s)), Some("!!str"));
        let d = get(t, root, "d");
        assert_eq!(t.slice(t.span(d)), "*z");
        assert_eq!(show(t, d), "[t, !{Ref: r}, !{Fn::Sub: s}]");
        let items = t.seq(d);
        assert_eq!(t.tag_span(items[0]).map(|s| t.slice(s)), Some("!!str"));
        assert_eq!(t.tag_span(items[1]).map(|s| t.slice(s)), Some("!Ref"));
        assert_eq!(t.tag_span(items[2]).map(|s| t.slice(s)), Some("!Sub"));
        assert_eq!(items.iter().map(|&i| t.from_short_form(i)).collect::<Vec<_>>(), [false, true, true]);
        assert_ne!(items[0], t.seq(get(t, root, "c"))[0], "a copy, not the anchored node");
    }

    #[test]
    fn block_collection_spans_end_at_last_content() {
        let (t, root) = load_ok("a:\n  b: 1\n  c: [x]   # note\n\nd: 3\n");
        assert_eq!(at(&t, t.span(get(&t, root, "a"))), "b: 1\n  c: [x]");
        assert_eq!(at(&t, t.span(root)), "a:\n  b: 1\n  c: [x]   # note\n\nd: 3");
    }

    #[test]
    fn second_document_is_reported_first_kept() {
        let loaded = parse_str("a: 1\n---\nb: 2\n");
        assert_eq!(rules(&loaded), vec![("RL001", Level::Error)]);
        assert_eq!(loaded.tree.slice(loaded.diagnostics[0].primary.span), "---");
        let root = loaded.tree.root.expect("first document kept");
        assert_eq!(show(&loaded.tree, root), "{a: 1}");
    }

    #[test]
    fn syntax_error_points_at_parser_position() {
        let loaded = parse_str("a: [1, 2\nb: 3\n");
        assert_eq!(rules(&loaded), vec![("RL001", Level::Error)]);
        let d = &loaded.diagnostics[0];
        assert_eq!(d.primary.span, Span::new(10, 11));
        assert!(loaded.tree.root.is_none());
    }

    #[test]
    fn tab_indentation_is_a_syntax_error() {
        let loaded = parse_str("a:\n\tb: 1\n");
        assert_eq!(rules(&loaded), vec![("RL001", Level::Error)]);
        // granit reports the position just after the tab.
        assert_eq!(loaded.diagnostics[0].primary.span, Span::new(4, 5));
    }

    #[test]
    fn non_scalar_key_is_reported_with_source_text() {
        let loaded = parse_str("? [a, b]\n: c\n");
        assert_eq!(rules(&loaded), vec![("RL001", Level::Error)]);
        let t = &loaded.tree;
        let root = t.root.expect("tree kept");
        assert_eq!(t.key(&t.map(root)[0]), "[a, b]");
    }

    #[test]
    fn alias_is_expanded_and_warned_once() {
        let loaded = parse_str("a: &x [1, {k: v}]\nb: *x\nc: *x\n");
        assert_eq!(rules(&loaded), vec![("RL005", Level::Warning)]);
        let t = &loaded.tree;
        let d = &loaded.diagnostics[0];
        assert_eq!(t.slice(d.primary.span), "*x");
        assert_eq!(t.slice(d.related[0].span), "&x");
        let root = t.root.expect("root");
        assert_eq!(show(t, root), "{a: [1, {k: v}], b: [1, {k: v}], c: [1, {k: v}]}");
        assert_eq!(t.slice(t.span(get(t, root, "c"))), "*x");
    }

    #[test]
    fn aliased_scalar_and_key() {
        let loaded = parse_str("&k name: &v value\nother: *v\n*k : again\n");
        // The aliased key repeats `name`: that is a duplicate like any other.
        assert_eq!(rules(&loaded), vec![("RL005", Level::Warning), ("RL002", Level::Error)]);
        let t = &loaded.tree;
        assert_eq!(t.slice(loaded.diagnostics[1].primary.span), "*k");
        let root = t.root.expect("root");
        assert_eq!(show(t, root), "{name: value, other: value, name: again}");
    }

    #[test]
    fn anchored_short_form_keeps_its_wrapper() {
        let (t, root) = load_ok("a: &r !Ref X\nb: *r\n");
        assert_eq!(show(&t, root), "{a: !{Ref: X}, b: !{Ref: X}}");
    }

    #[test]
    fn self_referencing_alias_is_a_limit() {
        let loaded = parse_str("a: &x [1, *x]\n");
        assert!(rules(&loaded).contains(&("RL004", Level::Error)));
        assert!(loaded.tree.root.is_none());
    }

    #[test]
    fn merge_key_is_applied_without_duplicate_findings() {
        let src = "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\nd:\n  <<: [{p: 1}, {p: 2, q: 3}]\n";
        let loaded = parse_str(src);
        assert_eq!(rules(&loaded), vec![("RL005", Level::Warning), ("RL005", Level::Warning)]);
        let t = &loaded.tree;
        let root = t.root.expect("root");
        assert_eq!(show(t, get(t, root, "c")), "{x: 1, y: 3}");
        assert_eq!(show(t, get(t, root, "d")), "{p: 1, q: 3}");
    }

    #[test]
    fn non_ascii_spans_and_columns() {
        let src = "Description: \"Données ✓ — café 😀\"\nX: !Ref Y\n";
        let (t, root) = load_ok(src);
        let d = get(&t, root, "Description");
        assert_eq!(t.scalar(d), Some("Données ✓ — café 😀"));
        let y = t.single_entry(get(&t, root, "X")).expect("entry").1;
        assert_eq!(at(&t, t.span(y)), "Y");
        let index = LineIndex::new(&t.source);
        assert_eq!(index.line_col(&t.source, t.span(y).start), (2, 9));
        // The closing quote follows `Description: "` (14) and 18 characters of text.
        assert_eq!(index.line_col(&t.source, t.span(d).end - 1), (1, 33));
    }

    #[test]
    fn crlf_spans_and_columns() {
        let src = "A: !Ref B\r\nC: !GetAtt D.E\r\nF:\r\n  - g\r\n";
        let (t, root) = load_ok(src);
        let c = get(&t, root, "C");
        let (_, v, pair) = t.single_entry(c).expect("entry");
        assert_eq!(at(&t, pair.key_span), "!GetAtt");
        assert_eq!(at(&t, t.span(t.seq(v)[1])), "E");
        assert_eq!(at(&t, t.span(get(&t, root, "F"))), "- g");
        let index = LineIndex::new(&t.source);
        assert_eq!(index.line_col(&t.source, pair.key_span.start), (2, 4));
        assert_eq!(index.line_col(&t.source, t.span(t.seq(v)[1]).start), (2, 14));
    }
}
