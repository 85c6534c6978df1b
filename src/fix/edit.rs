//! Edits on the spanned tree: each operation returns the [`Replacement`]s that make it, an empty
//! list when there is nothing to do (the value is already there), or `None` when the edit cannot
//! be made safely.
//!
//! Places are named by a path of keys and indexes from the document root. An edit is refused when
//! anything on the path, or the edited node, is tagged (`!If`, `!Ref`, `!!str`), an intrinsic
//! function (`Fn::If`, `Ref`: the value then comes from a condition or a parameter), an alias or
//! an anchored node (the edit would change other places), or a mapping with a merge key (`<<`), and
//! when the spans do not nest as the source does (a node copied by an alias or a merge).
//!
//! New text follows the file: its line ending (CRLF stays CRLF), its indentation unit (two or four
//! spaces, a tab in JSON), the indentation of the siblings, block or flow style as the
//! collection is written, and JSON punctuation in JSON.

use memchr::memchr;

use super::apply::Replacement;
use crate::source::load::Format;
use crate::source::tree::{NodeId, ScalarStyle, Span, Tree};

/// A value to write, rendered in the style of the place it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    /// A number, written as given (`30`, `0.5`).
    Number(String),
    String(String),
    Map(Vec<(String, Value)>),
    Seq(Vec<Value>),
    /// A `Ref` to a logical id: `!Ref Name` in YAML, `{"Ref": "Name"}` in JSON (and in YAML
    /// flow collections written with JSON quoting).
    Ref(String),
    /// An `Fn::Sub` of a string: `!Sub text` in YAML, `{"Fn::Sub": "text"}` in JSON.
    Sub(String),
}

impl Value {
    pub fn str(text: impl Into<String>) -> Value {
        Value::String(text.into())
    }

    pub fn num(n: impl ToString) -> Value {
        Value::Number(n.to_string())
    }

    pub fn reference(name: impl Into<String>) -> Value {
        Value::Ref(name.into())
    }

    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A scalar or a `Ref`: what a short JSON collection may hold and stay on one line.
    fn one_line(&self) -> bool {
        self.scalar_text().is_some() || matches!(self, Value::Ref(_) | Value::Sub(_))
    }

    fn scalar_text(&self) -> Option<&str> {
        match self {
            Value::Bool(true) => Some("true"),
            Value::Bool(false) => Some("false"),
            Value::Number(n) => Some(n),
            Value::String(s) => Some(s),
            Value::Map(_) | Value::Seq(_) | Value::Ref(_) | Value::Sub(_) => None,
        }
    }
}

/// One step of a path from the document root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path of mapping keys `keys`.
pub fn keys<'a>(keys: &[&'a str]) -> Vec<Step<'a>> {
    keys.iter().map(|k| Step::Key(k)).collect()
}

/// A parsed file and the conventions its new text follows.
pub struct Doc<'t> {
    tree: &'t Tree,
    json: bool,
    nl: &'static str,
    unit: String,
    /// [`Doc::check_map`] results: a rule derives one fix per finding, each through `Resources`,
    /// whose whole text the check scans.
    maps_checked: std::cell::RefCell<std::collections::HashMap<NodeId, bool>>,
}

impl<'t> Doc<'t> {
    pub fn new(tree: &'t Tree, format: Format) -> Self {
        let json = format == Format::Json;
        let src: &str = &tree.source;
        let nl = match memchr(b'\n', src.as_bytes()) {
            Some(i) if i > 0 && src.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        Doc { tree, json, nl, unit: indent_unit(src, json), maps_checked: Default::default() }
    }

    fn src(&self) -> &'t str {
        &self.tree.source
    }

    /// The line ending new lines get.
    pub fn newline(&self) -> &'static str {
        self.nl
    }

    /// One level of indentation in this file.
    pub fn indent(&self) -> &str {
        &self.unit
    }

    /// Sets the scalar at `path` to `value` (a scalar). A quoted string stays quoted the same way.
    pub fn set(&self, path: &[Step], value: &Value) -> Option<Vec<Replacement>> {
        let id = self.resolve(path)?;
        let style = self.tree.scalar_style(id)?;
        let text = value.scalar_text()?;
        if self.same(id, value) {
            return Some(Vec::new());
        }
        let span = self.tree.span(id);
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) || span.is_empty() {
            return None;
        }
        let rendered = if self.json {
            match (style, value) {
                (ScalarStyle::DoubleQuoted, _) | (_, Value::String(_)) => json_string(text),
                _ => text.to_owned(),
            }
        } else {
            match style {
                ScalarStyle::SingleQuoted if !text.contains(|c: char| c.is_control()) => single_quoted(text),
                ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted => json_string(text),
                _ => yaml_scalar(value),
            }
        };
        Some(vec![Replacement::new(span, rendered)])
    }

    /// Sets `key` of the mapping at `map` when it is there, adds it otherwise.
    pub fn set_or_add(&self, map: &[Step], key: &str, value: &Value) -> Option<Vec<Replacement>> {
        let id = self.resolve(map)?;
        if self.tree.get_pair(id, key).is_some() {
            let mut path = map.to_vec();
            path.push(Step::Key(key));
            return self.set(&path, value);
        }
        self.add_entry(map, key, value)
    }

    /// Adds `key: value` at the end of the mapping at `map`; nothing when the key is there.
    pub fn add_entry(&self, map: &[Step], key: &str, value: &Value) -> Option<Vec<Replacement>> {
        let id = self.resolve(map)?;
        if self.tree.get_pair(id, key).is_some() {
            return self.tree.is_map(id).then(Vec::new);
        }
        self.insert_entry(id, key, value, false)
    }

    /// Adds `value` at the end of the sequence at `seq`; nothing when an equal item is there.
    pub fn add_item(&self, seq: &[Step], value: &Value) -> Option<Vec<Replacement>> {
        let id = self.resolve(seq)?;
        if !self.tree.is_seq(id) {
            return None;
        }
        self.check_seq(id)?;
        let items = self.tree.seq(id);
        if items.iter().any(|&item| self.equals(item, value)) {
            return Some(Vec::new());
        }
        let span = self.tree.span(id);
        let src = self.src();
        if src.as_bytes().get(span.start as usize) == Some(&b'[') {
            let close = (span.end as usize).checked_sub(1)?;
            if src.as_bytes().get(close) != Some(&b']') {
                return None;
            }
            let json_like =
                self.json || items.first().is_some_and(|&i| src.as_bytes().get(self.start(i)) == Some(&b'"'));
            let Some(&last) = items.last() else {
                return Some(vec![Replacement::insert(span.start as usize + 1, self.inline(value, json_like))]);
            };
            let text = match self.line_prefix(self.start(last)).filter(|p| is_blank(p)) {
                Some(indent) if self.json => format!(",{}{indent}{}", self.nl, self.json_value(value, indent)),
                Some(indent) => format!(",{}{indent}{}", self.nl, self.inline(value, json_like)),
                None => format!(", {}", self.inline(value, json_like)),
            };
            return Some(vec![Replacement::insert(self.content_end(self.tree.span(last)), text)]);
        }
        if self.json {
            return None;
        }
        let &last = items.last()?;
        let prefix = self.line_prefix(self.start(last))?;
        // `  -   x`: the new item copies both the dash's indentation and the spaces after it.
        let spaced = prefix.trim_end_matches(' ');
        let dash = spaced.strip_suffix('-')?;
        if !dash.bytes().all(|b| b == b' ') || spaced.len() == prefix.len() {
            return None;
        }
        let (at, lead) = self.after_line(self.content_end(self.tree.span(last)));
        let mut text = String::from(lead);
        self.yaml_item(&mut text, dash, &prefix[spaced.len()..], value);
        Some(vec![self.trimmed_insert(at, text, !lead.is_empty())])
    }

    /// Adds the resource `logical_id` at the end of `Resources`; `None` when the id is taken.
    pub fn add_resource(&self, logical_id: &str, body: &Value) -> Option<Vec<Replacement>> {
        let resources = self.resolve(&[Step::Key("Resources")])?;
        if self.taken(logical_id) {
            return None;
        }
        self.insert_entry(resources, logical_id, body, true)
    }

    /// `base`, or `base2`, `base3`… : the first name no parameter, resource or output uses.
    pub fn fresh_logical_id(&self, base: &str) -> String {
        (1..)
            .map(|n| if n == 1 { base.to_owned() } else { format!("{base}{n}") })
            .find(|id| !self.taken(id))
            .unwrap_or_default()
    }

    fn taken(&self, id: &str) -> bool {
        let Some(root) = self.tree.root else { return false };
        ["Parameters", "Resources", "Outputs", "Conditions", "Mappings"]
            .iter()
            .filter_map(|section| self.tree.get(root, section))
            .any(|section| self.tree.get_pair(section, id).is_some())
    }

    /// The path from the root to `target` (a node a rule points at), through mappings and
    /// sequences whose spans contain it; `None` when it is not reachable that way (a node copied
    /// by an alias or a merge key is not where its span says).
    pub fn path_to(&self, target: NodeId) -> Option<Vec<Step<'t>>> {
        let tree = self.tree;
        let want = tree.span(target);
        let contains = |id: NodeId| {
            let span = tree.span(id);
            span.start <= want.start && want.end <= span.end
        };
        let mut id = tree.root?;
        let mut path = Vec::new();
        // Each step goes one level deeper, so the walk ends within the tree's depth.
        while id != target {
            let next =
                tree.map(id).iter().find(|p| contains(p.value)).map(|p| (Step::Key(tree.key(p)), p.value)).or_else(
                    || tree.seq(id).iter().enumerate().find(|&(_, &n)| contains(n)).map(|(i, &n)| (Step::Index(i), n)),
                );
            let (step, child) = next?;
            path.push(step);
            id = child;
        }
        Some(path)
    }

    // ---- finding and checking the place ------------------------------------------------------

    /// The node at `path`, when it and every node on the way may be edited.
    fn resolve(&self, path: &[Step]) -> Option<NodeId> {
        let tree = self.tree;
        let mut id = tree.root?;
        self.check_node(id, None)?;
        for step in path {
            let parent = id;
            match *step {
                Step::Key(key) => {
                    if is_intrinsic_key(key) {
                        return None;
                    }
                    self.check_map(parent)?;
                    let pair = tree.get_pair(parent, key)?;
                    id = pair.value;
                    let gap = self.src().get(pair.key_span.end as usize..self.start(id))?;
                    // `-` starts a sequence written at the key's own indentation.
                    if !self.clean_gap(gap, &[':', '-']) {
                        return None;
                    }
                }
                Step::Index(index) => {
                    self.check_seq(parent)?;
                    id = *tree.seq(parent).get(index)?;
                }
            }
            self.check_node(id, Some(parent))?;
        }
        Some(id)
    }

    fn start(&self, id: NodeId) -> usize {
        self.tree.span(id).start as usize
    }

    /// Not tagged, not an intrinsic function, not an alias, and inside its parent.
    fn check_node(&self, id: NodeId, parent: Option<NodeId>) -> Option<()> {
        let tree = self.tree;
        if tree.tag_span(id).is_some() || tree.from_short_form(id) {
            return None;
        }
        // A `Fn::ForEach::Name` entry is a loop among resources or outputs, not a value.
        if let Some((key, _, _)) = tree.single_entry(id)
            && (key == "Ref" || key == "Condition" || (is_intrinsic_key(key) && !key.starts_with("Fn::ForEach::")))
        {
            return None;
        }
        let span = tree.span(id);
        if self.src().as_bytes().get(span.start as usize) == Some(&b'*') {
            return None;
        }
        if let Some(parent) = parent {
            let outer = tree.span(parent);
            if span.start < outer.start || span.end > outer.end {
                return None;
            }
        }
        Some(())
    }

    /// A mapping whose entries are its own, in source order, without a merge key.
    fn check_map(&self, id: NodeId) -> Option<()> {
        if let Some(&ok) = self.maps_checked.borrow().get(&id) {
            return ok.then_some(());
        }
        let ok = self.check_map_uncached(id).is_some();
        self.maps_checked.borrow_mut().insert(id, ok);
        ok.then_some(())
    }

    fn check_map_uncached(&self, id: NodeId) -> Option<()> {
        let tree = self.tree;
        if !tree.is_map(id) {
            return None;
        }
        let span = tree.span(id);
        let mut after = span.start;
        for pair in tree.map(id) {
            let value = tree.span(pair.value);
            let inside = pair.key_span.start >= after && value.start >= pair.key_span.end && value.end <= span.end;
            if !inside {
                return None;
            }
            after = value.end.max(pair.key_span.end);
        }
        if !self.json && has_merge_key(tree.slice(span)) {
            return None;
        }
        Some(())
    }

    /// A sequence whose items are its own, in source order, with no anchor or alias between.
    fn check_seq(&self, id: NodeId) -> Option<()> {
        let tree = self.tree;
        if !tree.is_seq(id) {
            return None;
        }
        let span = tree.span(id);
        let mut after = span.start;
        for &item in tree.seq(id) {
            let item_span = tree.span(item);
            if item_span.start < after || item_span.end > span.end {
                return None;
            }
            let gap = self.src().get(after as usize..item_span.start as usize)?;
            if !self.clean_gap(gap, &['-', ',', '[']) {
                return None;
            }
            after = item_span.end;
        }
        Some(())
    }

    /// Only whitespace, the given punctuation and (in YAML) comments: no anchor, tag or alias.
    fn clean_gap(&self, gap: &str, punctuation: &[char]) -> bool {
        let mut comment = false;
        for c in gap.chars() {
            match c {
                '\n' => comment = false,
                _ if comment => {}
                '#' if !self.json => comment = true,
                c if c.is_whitespace() || punctuation.contains(&c) => {}
                _ => return false,
            }
        }
        true
    }

    /// Node equality with a value: same scalars, same keys, same items.
    fn equals(&self, id: NodeId, value: &Value) -> bool {
        let tree = self.tree;
        match value {
            Value::Map(entries) => {
                tree.is_map(id)
                    && tree.map(id).len() == entries.len()
                    && entries.iter().all(|(k, v)| tree.get(id, k).is_some_and(|n| self.equals(n, v)))
            }
            Value::Seq(items) => {
                let nodes = tree.seq(id);
                tree.is_seq(id)
                    && nodes.len() == items.len()
                    && nodes.iter().zip(items).all(|(&n, v)| self.equals(n, v))
            }
            Value::Ref(name) => tree
                .single_entry(id)
                .is_some_and(|(key, target, _)| key == "Ref" && tree.scalar(target) == Some(name.as_str())),
            Value::Sub(text) => tree
                .single_entry(id)
                .is_some_and(|(key, target, _)| key == "Fn::Sub" && tree.scalar(target) == Some(text.as_str())),
            _ => self.same(id, value),
        }
    }

    /// The scalar at `id` already says `value`.
    fn same(&self, id: NodeId, value: &Value) -> bool {
        let Some(text) = self.tree.scalar(id) else { return false };
        match value {
            Value::Bool(_) => value.scalar_text().is_some_and(|v| text.eq_ignore_ascii_case(v)),
            _ => value.scalar_text() == Some(text),
        }
    }

    // ---- inserting -----------------------------------------------------------------------------

    fn insert_entry(&self, map: NodeId, key: &str, value: &Value, separate: bool) -> Option<Vec<Replacement>> {
        self.check_map(map)?;
        let tree = self.tree;
        let src = self.src();
        let span = tree.span(map);
        let pairs = tree.map(map);
        if src.as_bytes().get(span.start as usize) == Some(&b'{') {
            let close = (span.end as usize).checked_sub(1)?;
            if src.as_bytes().get(close) != Some(&b'}') {
                return None;
            }
            let json_like = self.json
                || pairs.first().is_some_and(|p| src.as_bytes().get(p.key_span.start as usize) == Some(&b'"'));
            let entry = |value: String| format!("{}: {value}", self.key_text(key, json_like));
            let Some(last) = pairs.last() else {
                return Some(vec![Replacement::insert(span.start as usize + 1, entry(self.inline(value, json_like)))]);
            };
            let text = match self.line_prefix(last.key_span.start as usize).filter(|p| is_blank(p)) {
                Some(indent) if self.json => format!(",{}{indent}{}", self.nl, entry(self.json_value(value, indent))),
                Some(indent) => format!(",{}{indent}{}", self.nl, entry(self.inline(value, json_like))),
                None => format!(", {}", entry(self.inline(value, json_like))),
            };
            let end = self.content_end(tree.span(last.value)).max(last.key_span.end as usize);
            return Some(vec![Replacement::insert(end, text)]);
        }
        if self.json {
            return None;
        }
        let last = pairs.last()?;
        let prefix = self.line_prefix(last.key_span.start as usize)?;
        let indent = if is_blank(prefix) {
            prefix.to_owned()
        } else if prefix.bytes().all(|b| b == b' ' || b == b'-') {
            " ".repeat(prefix.len())
        } else {
            return None;
        };
        let end = self.content_end(tree.span(last.value)).max(last.key_span.end as usize);
        let (at, lead) = self.after_line(end);
        let mut text = String::from(lead);
        if separate && self.blank_line_before(last.key_span.start as usize) {
            text.push_str(self.nl);
        }
        self.yaml_entry(&mut text, &indent, key, value);
        Some(vec![self.trimmed_insert(at, text, !lead.is_empty())])
    }

    /// An insertion at `at`; at the end of a file without a final newline, the new text's own
    /// final newline is dropped so the file still ends as it did.
    fn trimmed_insert(&self, at: usize, mut text: String, at_eof: bool) -> Replacement {
        if at_eof && text.ends_with(self.nl) {
            text.truncate(text.len() - self.nl.len());
        }
        Replacement::insert(at, text)
    }

    /// Where the node's text really ends: a block scalar's span runs on over the blank lines and
    /// indentation that follow it.
    fn content_end(&self, span: Span) -> usize {
        let text = self.tree.slice(span);
        span.start as usize + text.trim_end().len()
    }

    /// The text of the line before `offset`, from the line start.
    fn line_prefix(&self, offset: usize) -> Option<&'t str> {
        let src = self.src();
        let before = src.get(..offset)?;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        before.get(start..)
    }

    /// Where the line holding `offset - 1` ends (past its newline), and the newline to write
    /// first when that line is the last and has none.
    fn after_line(&self, offset: usize) -> (usize, &'static str) {
        let bytes = self.src().as_bytes();
        if offset > 0 && bytes.get(offset - 1) == Some(&b'\n') {
            return (offset, "");
        }
        match bytes.get(offset..).and_then(|rest| memchr(b'\n', rest)) {
            Some(i) => (offset + i + 1, ""),
            None => (bytes.len(), self.nl),
        }
    }

    /// The line before the one holding `offset` is blank.
    fn blank_line_before(&self, offset: usize) -> bool {
        let src = self.src();
        let line_start = src.get(..offset).and_then(|b| b.rfind('\n')).map_or(0, |i| i + 1);
        let Some(before) = src.get(..line_start.saturating_sub(1)) else { return false };
        let previous = before.rfind('\n').map_or(0, |i| i + 1);
        line_start > 0 && before.get(previous..).is_some_and(|l| l.trim().is_empty())
    }

    // ---- rendering -------------------------------------------------------------------------------

    fn key_text(&self, key: &str, json_like: bool) -> String {
        if json_like { json_string(key) } else { yaml_scalar(&Value::str(key)) }
    }

    /// `key: value` lines at `indent`, nested collections in block style.
    fn yaml_entry(&self, out: &mut String, indent: &str, key: &str, value: &Value) {
        let key = self.key_text(key, false);
        match value {
            Value::Map(entries) if !entries.is_empty() => {
                out.push_str(&format!("{indent}{key}:{}", self.nl));
                let inner = format!("{indent}{}", self.unit);
                for (k, v) in entries {
                    self.yaml_entry(out, &inner, k, v);
                }
            }
            Value::Seq(items) if !items.is_empty() => {
                out.push_str(&format!("{indent}{key}:{}", self.nl));
                let inner = format!("{indent}{}", self.unit);
                for item in items {
                    self.yaml_item(out, &inner, " ", item);
                }
            }
            _ => out.push_str(&format!("{indent}{key}: {}{}", self.inline(value, false), self.nl)),
        }
    }

    /// A `- item` at `indent`, `gap` after the dash; a collection item's first line follows it.
    fn yaml_item(&self, out: &mut String, indent: &str, gap: &str, value: &Value) {
        let inner = format!("{indent} {}", " ".repeat(gap.len()));
        let mut body = String::new();
        match value {
            Value::Map(entries) if !entries.is_empty() => {
                for (k, v) in entries {
                    self.yaml_entry(&mut body, &inner, k, v);
                }
            }
            Value::Seq(items) if !items.is_empty() => {
                for item in items {
                    self.yaml_item(&mut body, &inner, " ", item);
                }
            }
            _ => {
                out.push_str(&format!("{indent}-{gap}{}{}", self.inline(value, false), self.nl));
                return;
            }
        }
        out.push_str(indent);
        out.push('-');
        out.push_str(gap);
        out.push_str(body.get(inner.len()..).unwrap_or_default());
    }

    /// A value on one line: YAML flow style, or JSON.
    fn inline(&self, value: &Value, json_like: bool) -> String {
        match value {
            Value::Map(entries) => {
                let parts: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.key_text(k, json_like), self.inline(v, json_like)))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            Value::Seq(items) => {
                let parts: Vec<String> = items.iter().map(|v| self.inline(v, json_like)).collect();
                format!("[{}]", parts.join(", "))
            }
            Value::Ref(name) if json_like => format!("{{\"Ref\": {}}}", json_string(name)),
            Value::Sub(text) if json_like => format!("{{\"Fn::Sub\": {}}}", json_string(text)),
            Value::String(s) if json_like => json_string(s),
            _ if json_like => value.scalar_text().unwrap_or_default().to_owned(),
            _ => yaml_scalar(value),
        }
    }

    /// A JSON value whose first line is already at `indent`: one entry or item per line, except
    /// a short collection of scalars (`{"Ref": "Subnet"}`), which stays on one line.
    fn json_value(&self, value: &Value, indent: &str) -> String {
        let children_scalar = match value {
            Value::Map(entries) => entries.iter().all(|(_, v)| v.one_line()),
            Value::Seq(items) => items.iter().all(Value::one_line),
            _ => true,
        };
        let inline = self.inline(value, true);
        if children_scalar && inline.len() <= SHORT_JSON {
            return inline;
        }
        let inner = format!("{indent}{}", self.unit);
        let lines: Vec<String> = match value {
            Value::Map(entries) if !entries.is_empty() => entries
                .iter()
                .map(|(k, v)| format!("{inner}{}: {}", json_string(k), self.json_value(v, &inner)))
                .collect(),
            Value::Seq(items) if !items.is_empty() => {
                items.iter().map(|v| format!("{inner}{}", self.json_value(v, &inner))).collect()
            }
            _ => return inline,
        };
        let (open, close) = if matches!(value, Value::Map(_)) { ('{', '}') } else { ('[', ']') };
        let sep = format!(",{}", self.nl);
        format!("{open}{}{}{}{indent}{close}", self.nl, lines.join(&sep), self.nl)
    }
}

/// Longest collection of scalars a JSON edit writes on one line.
const SHORT_JSON: usize = 60;

fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| b == b' ' || b == b'\t')
}

fn is_intrinsic_key(key: &str) -> bool {
    key.starts_with("Fn::")
}

/// A `<<` in a key position anywhere in this YAML text.
fn has_merge_key(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|t| t.find("<<")).map(|i| i + from) {
        from = i + 2;
        let before = bytes[..i].iter().rev().find(|b| **b != b' ' && **b != b'\t');
        let after = bytes[i + 2..].iter().find(|b| **b != b' ' && **b != b'\t');
        let key_start = matches!(before, None | Some(b'\n' | b'{' | b',' | b'-' | b'?'));
        if key_start && after == Some(&b':') {
            return true;
        }
    }
    false
}

/// A double-quoted string: valid JSON and valid YAML.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A YAML scalar: plain when that reads back as the same string (or the bool/number it is),
/// double-quoted otherwise.
fn yaml_scalar(value: &Value) -> String {
    match value {
        Value::Bool(_) | Value::Number(_) => value.scalar_text().unwrap_or_default().to_owned(),
        Value::String(s) if plain_safe(s) => s.clone(),
        Value::String(s) => json_string(s),
        Value::Ref(name) => format!("!Ref {}", yaml_scalar(&Value::str(name.as_str()))),
        Value::Sub(text) => format!("!Sub {}", yaml_scalar(&Value::str(text.as_str()))),
        Value::Map(_) | Value::Seq(_) => String::new(),
    }
}

/// A string that YAML reads back, plain, as the same string (in block and flow context).
fn plain_safe(text: &str) -> bool {
    const RESERVED: &[&str] = &["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];
    let Some(first) = text.chars().next() else { return false };
    if !(first.is_ascii_alphabetic() || first == '/' || first == '_' || first == '$') {
        return false;
    }
    if RESERVED.iter().any(|r| text.eq_ignore_ascii_case(r)) || text.parse::<f64>().is_ok() {
        return false;
    }
    let bytes = text.as_bytes();
    text.char_indices().all(|(i, c)| match c {
        ':' => bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace()),
        '#' | ',' | '[' | ']' | '{' | '}' | '"' | '\'' | '`' | '|' | '>' | '&' | '*' | '!' | '%' | '@' => false,
        ' ' => bytes.get(i + 1).is_some_and(|b| *b != b'#' && *b != b' '),
        c => !c.is_control() && !c.is_whitespace(),
    })
}

/// One level of indentation: a tab in a tab-indented JSON file, else the smallest indentation of a
/// key line (YAML) or of any line (JSON), two spaces when there is none.
fn indent_unit(src: &str, json: bool) -> String {
    let mut smallest = usize::MAX;
    for line in src.lines() {
        let content = line.trim_start_matches([' ', '\t']);
        let lead = &line[..line.len() - content.len()];
        if lead.is_empty() || content.is_empty() || content.starts_with('#') {
            continue;
        }
        if json && lead.starts_with('\t') {
            return "\t".to_owned();
        }
        if !lead.bytes().all(|b| b == b' ') {
            continue;
        }
        let looks_like_key = json
            || content.starts_with("- ")
            || content.split_once(':').is_some_and(|(k, _)| !k.contains(' ') || k.starts_with('"'));
        if looks_like_key {
            smallest = smallest.min(lead.len());
        }
    }
    if (1..=8).contains(&smallest) { " ".repeat(smallest) } else { "  ".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_str;

    fn with_doc<T>(text: &str, f: impl FnOnce(&Doc) -> T) -> T {
        let loaded = parse_str(text);
        assert!(loaded.diagnostics.iter().all(|d| d.rule != "RL001"), "{:?}", loaded.diagnostics);
        f(&Doc::new(&loaded.tree, loaded.format))
    }

    const PROPS: &[&str] = &["Resources", "E", "Properties"];

    fn set_or_add(text: &str, key: &str) -> Option<Vec<Replacement>> {
        with_doc(text, |doc| doc.set_or_add(&keys(PROPS), key, &Value::Bool(true)))
    }

    #[test]
    fn conditional_parameter_alias_merge_and_tagged_places_are_refused() {
        let refused = [
            "Resources:\n  E:\n    Properties: !If [C, {A: 1}, {A: 2}]\n",
            "Resources:\n  E:\n    Properties:\n      Fn::If: [C, {A: 1}, {A: 2}]\n",
            "{\"Resources\": {\"E\": {\"Properties\": {\"Fn::If\": [\"C\", {}, {}]}}}}",
            "Resources:\n  E:\n    Properties:\n      X: !Ref Param\n",
            "Resources:\n  E:\n    Properties:\n      X: {\"Ref\": \"Param\"}\n",
            "Resources:\n  E:\n    Properties:\n      X: !!str false\n",
            "Resources:\n  E:\n    Properties:\n      X: !If [C, true, false]\n",
            "Base: &base\n  A: 1\nResources:\n  E:\n    Properties: *base\n",
            "Resources:\n  E:\n    Properties: &props\n      A: 1\n  F:\n    Properties: *props\n",
            "Base: &base\n  A: 1\nResources:\n  E:\n    Properties:\n      <<: *base\n      B: 2\n",
            "Resources:\n  E:\n    Properties:\n      X: &x false\n",
            "Resources:\n  E:\n    Properties: !Sub\n      A: 1\n",
        ];
        for text in refused {
            assert_eq!(set_or_add(text, "X"), None, "{text}");
        }
        // Only the nodes on the path matter: a conditional sibling does not stop the edit.
        let text = "Resources:\n  E:\n    Properties:\n      Y: !If [C, 1, 2]\n      X: false\n";
        assert_eq!(set_or_add(text, "X").expect("edit").len(), 1);
    }

    #[test]
    fn setting_needs_a_scalar_and_adding_a_mapping() {
        with_doc("Resources:\n  E:\n    Properties:\n      X: [1]\n      S: |\n        text\n", |doc| {
            let at = |key| vec![Step::Key("Resources"), Step::Key("E"), Step::Key("Properties"), Step::Key(key)];
            assert_eq!(doc.set(&at("X"), &Value::Bool(true)), None);
            assert_eq!(doc.set(&at("S"), &Value::str("x")), None, "block scalars are not rewritten");
            assert_eq!(doc.set(&at("Absent"), &Value::Bool(true)), None);
            assert_eq!(doc.add_entry(&at("X"), "K", &Value::Bool(true)), None);
            assert_eq!(doc.add_item(&at("S"), &Value::Bool(true)), None);
            assert_eq!(doc.add_item(&at("X"), &Value::num(1)), Some(Vec::new()), "already there");
            assert_eq!(doc.add_entry(&keys(PROPS), "X", &Value::num(2)), Some(Vec::new()), "key already there");
        });
    }

    #[test]
    fn set_keeps_the_quoting_and_knows_when_nothing_changes() {
        let text = "A: 'x'\nB: \"y\"\nC: z\nD: True\nE: \"false\"\n";
        with_doc(text, |doc| {
            let set = |key, value: Value| {
                let reps = doc.set(&[Step::Key(key)], &value).expect("settable");
                crate::fix::apply(text, &reps).expect("applies")
            };
            assert!(set("A", Value::str("it's")).contains("A: 'it''s'\n"));
            assert!(set("B", Value::str("a\"b")).contains("B: \"a\\\"b\"\n"));
            assert!(set("C", Value::str("yes")).contains("C: \"yes\"\n"));
            assert!(set("C", Value::str("w")).contains("C: w\n"));
            assert!(set("E", Value::Bool(true)).contains("E: \"true\"\n"));
            assert_eq!(doc.set(&[Step::Key("D")], &Value::Bool(true)), Some(Vec::new()));
            assert_eq!(doc.set(&[Step::Key("C")], &Value::str("z")), Some(Vec::new()));
        });
    }

    #[test]
    fn plain_scalars_only_when_they_read_back_the_same() {
        for plain in
            ["Interface", "lambda:InvokeFunction", "AWS::Lambda::Permission", "arn:aws:iam::aws:policy/x", "a b", "/"]
        {
            assert!(plain_safe(plain), "{plain}");
        }
        for quoted in [
            "",
            "true",
            "No",
            "null",
            "~",
            "30",
            "1e3",
            "0x1F",
            "2012-10-17",
            "a: b",
            "a #b",
            "x:",
            "*",
            "{a}",
            "a,b",
            " a",
            "a ",
            "-1",
            "'q'",
            "@x",
            "a\tb",
        ] {
            assert!(!plain_safe(quoted), "{quoted}");
        }
    }

    #[test]
    fn indentation_unit_is_read_from_the_file() {
        assert_eq!(indent_unit("A:\n  B: 1\n  C:\n    - x\n", false), "  ");
        assert_eq!(indent_unit("A:\n    B: 1\n    C:\n        D: 1\n", false), "    ");
        assert_eq!(indent_unit("A:\n    B: |\n      text here\n", false), "    ");
        assert_eq!(indent_unit("{\n\t\"A\": 1\n}\n", true), "\t");
        assert_eq!(indent_unit("{\n   \"A\": {\n      \"B\": 1\n   }\n}\n", true), "   ");
        assert_eq!(indent_unit("A: 1\n", false), "  ");
    }

    #[test]
    fn paths_lead_back_to_the_nodes_rules_point_at() {
        let text = "Resources:\n  E:\n    Properties:\n      SubnetIds: [a, b]\n      X: {Y: 1}\n";
        let loaded = parse_str(text);
        let doc = Doc::new(&loaded.tree, loaded.format);
        let tree = &loaded.tree;
        let props = tree
            .root
            .and_then(|r| tree.get(r, "Resources"))
            .and_then(|r| tree.get(r, "E"))
            .and_then(|e| tree.get(e, "Properties"))
            .expect("props");
        let b = tree.seq(tree.get(props, "SubnetIds").expect("subnets"))[1];
        let path = doc.path_to(b).expect("path");
        assert_eq!(
            path,
            [Step::Key("Resources"), Step::Key("E"), Step::Key("Properties"), Step::Key("SubnetIds"), Step::Index(1)]
        );
        assert_eq!(doc.set(&path, &Value::str("c")).map(|r| r.len()), Some(1));
        let y = tree.get(tree.get(props, "X").expect("X"), "Y").expect("Y");
        assert_eq!(doc.path_to(y).expect("path").last(), Some(&Step::Key("Y")));
        assert_eq!(doc.path_to(tree.root.expect("root")), Some(Vec::new()));
        // An alias copy is not where its span says: no path.
        let loaded = parse_str("A: &a {K: 1}\nB: *a\n");
        let tree = &loaded.tree;
        let copy = tree.get(tree.root.expect("root"), "B").expect("B");
        let k = tree.get(copy, "K").expect("K");
        let doc = Doc::new(tree, loaded.format);
        assert_eq!(doc.path_to(k), None);
    }

    #[test]
    fn fresh_logical_ids_avoid_every_section() {
        with_doc("Parameters:\n  P: {Type: String}\nResources:\n  P2: {Type: X}\n  R: {Type: X}\n", |doc| {
            assert_eq!(doc.fresh_logical_id("P"), "P3");
            assert_eq!(doc.fresh_logical_id("Q"), "Q");
            assert_eq!(doc.add_resource("R", &Value::map([("Type", Value::str("Y"))])), None);
        });
    }
}
