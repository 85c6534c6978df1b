//! The symbolic evaluator: intrinsic functions over a template, with parameter overrides and
//! forced condition values.
//!
//! Evaluation never dereferences a resource (a `Ref` stays `Ref(id)`), so the only cycles a
//! template can express are between conditions; those are cut in [`super::conditions`]. Recursion
//! follows the tree and is additionally capped at [`MAX_DEPTH`].
//!
//! A small template can still describe an exponential value: each level of
//! `{"Fn::Sub": ["${a}${a}", {"a": <previous level>}]}` doubles the string and names the level
//! below twice. So intrinsic functions are evaluated once per node ([`Evaluator`] memoises them),
//! a string or concatenation stops growing at [`MAX_STRING_BYTES`], and every evaluator has a
//! work budget; past either limit the value is unknown and the template records where
//! ([`Template::eval_budget_hit`], reported as RL004).

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::source::tree::{NodeId, NodeKind, ScalarStyle, Span};

use super::attributes;
use super::conditions::Solver;
use super::model::{Parameter, Resource, Template, is_pseudo_parameter};
use super::sam;
use super::value::{Value, ValueKind};

/// Deeper than the loader's nesting cap (512), so only reached through repeated indirection.
pub(crate) const MAX_DEPTH: usize = 600;

/// Candidate entries `Fn::FindInMap` compares when a key is unknown; beyond that it gives up.
const MAX_MAP_CANDIDATES: usize = 256;

/// Longest string (or parts of a concatenation, counted as bytes) evaluation builds. A template
/// body is at most 1 MB, so a longer value can only come from repeated expansion.
pub(crate) const MAX_STRING_BYTES: usize = 1024 * 1024;

/// Evaluation steps an evaluator may take: a fixed allowance plus a multiple of the template's
/// size, far above what rules need on real templates (they evaluate a few properties of each
/// resource), far below what an exponential expansion would take.
const WORK_BASE: u64 = 2_000_000;
const WORK_PER_NODE: u64 = 16;

pub struct Evaluator<'t> {
    template: &'t Template,
    overrides: BTreeMap<String, String>,
    fixed: BTreeMap<String, bool>,
    /// Every condition's value, decided once per configuration (`None` = undecided).
    decided: BTreeMap<String, Option<bool>>,
    /// True while `decided` is being filled (see `Solver::nested`).
    deciding: bool,
    /// Values of intrinsic-function nodes already evaluated under this configuration.
    memo: RefCell<HashMap<NodeId, Value>>,
    /// Evaluation steps left (see [`WORK_BASE`]).
    work_left: Cell<u64>,
}

impl<'t> Evaluator<'t> {
    pub fn new(template: &'t Template) -> Self {
        Self::configured(template, BTreeMap::new(), BTreeMap::new())
    }

    /// With parameter values (replacing `Default`s) and forced condition values at once:
    /// conditions are decided once, not once per setting.
    pub fn configured(
        template: &'t Template,
        overrides: BTreeMap<String, String>,
        fixed: BTreeMap<String, bool>,
    ) -> Self {
        let work = WORK_BASE.saturating_add(WORK_PER_NODE.saturating_mul(template.tree.nodes.len() as u64));
        let mut ev = Evaluator {
            template,
            overrides,
            fixed,
            decided: BTreeMap::new(),
            deciding: false,
            memo: RefCell::new(HashMap::new()),
            work_left: Cell::new(work),
        };
        ev.decide_conditions();
        ev
    }

    /// Parameter values as given by the user; an override replaces the `Default`.
    pub fn with_parameters(mut self, overrides: BTreeMap<String, String>) -> Self {
        self.overrides = overrides;
        self.decide_conditions();
        self
    }

    /// A scenario: force condition values (others are derived from them where possible).
    pub fn with_conditions(mut self, fixed: BTreeMap<String, bool>) -> Self {
        self.fixed = fixed;
        self.decide_conditions();
        self
    }

    fn decide_conditions(&mut self) {
        self.decided.clear();
        self.memo.get_mut().clear();
        self.deciding = true;
        let decided = Solver::decide_all(self);
        self.decided = decided;
        self.deciding = false;
    }

    /// Where evaluation of this evaluator's template first hit a budget, and which, if it did.
    pub fn budget_hit(&self) -> Option<&(Span, String)> {
        self.template.eval_budget_hit.get()
    }

    /// Records the first budget hit of the template and gives the unknown value that stands for
    /// the value that was not built.
    fn over_budget(&self, span: Span, what: &str) -> Value {
        let _ = self.template.eval_budget_hit.set((span, what.to_owned()));
        Value::unknown(what.to_owned(), span)
    }

    pub fn template(&self) -> &'t Template {
        self.template
    }

    pub fn eval(&self, node: NodeId) -> Value {
        self.eval_at(node, 0)
    }

    /// Condition value when decidable (Fn::Equals/And/Or/Not/Condition over known inputs, or
    /// fixed), else None.
    pub fn condition(&self, name: &str) -> Option<bool> {
        if let Some(&forced) = self.fixed.get(name) {
            return Some(forced);
        }
        self.decided.get(name).copied().flatten()
    }

    pub(crate) fn is_deciding(&self) -> bool {
        self.deciding
    }

    /// Was the condition forced by [`Evaluator::with_conditions`] or decided already?
    pub(crate) fn known_condition(&self, name: &str) -> Option<Option<bool>> {
        if let Some(&forced) = self.fixed.get(name) {
            return Some(Some(forced));
        }
        self.decided.get(name).copied()
    }

    /// Names of conditions whose value is undecided and that influence `node` (for scenario
    /// enumeration): every `Fn::If` reached, following only the chosen branch of decided ones.
    pub fn undecided_conditions(&self, node: NodeId) -> Vec<String> {
        let mut found = BTreeSet::new();
        self.collect_undecided(node, &mut found);
        found.into_iter().collect()
    }

    /// Undecided conditions that influence a resource: its own `Condition` and its properties,
    /// including SAM `Globals.Function` for a serverless function.
    pub fn resource_undecided_conditions(&self, res: &Resource) -> Vec<String> {
        let mut found = BTreeSet::new();
        if let Some((name, _)) = &res.condition
            && self.condition(name).is_none()
        {
            found.insert(name.clone());
        }
        let globals = sam::globals_for(self.template, res);
        for node in [res.properties, globals].into_iter().flatten() {
            self.collect_undecided(node, &mut found);
        }
        found.into_iter().collect()
    }

    fn collect_undecided(&self, node: NodeId, found: &mut BTreeSet<String>) {
        let tree = &self.template.tree;
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            if let Some(("Fn::If", args, _)) = tree.single_entry(node)
                && let [cond, if_true, if_false] = tree.seq(args)
                && let Some(name) = tree.scalar(*cond)
            {
                match self.condition(name) {
                    Some(true) => stack.push(*if_true),
                    Some(false) => stack.push(*if_false),
                    None => {
                        found.insert(name.to_owned());
                        stack.extend([*if_true, *if_false]);
                    }
                }
                continue;
            }
            stack.extend(tree.seq(node));
            stack.extend(tree.map(node).iter().map(|p| p.value));
        }
    }

    /// Resource.Properties.<path> evaluated, with SAM Globals.Function merged for
    /// AWS::Serverless::Function. A dotted path walks maps (and numbered list items); `None` when
    /// the property is absent or evaluates to `AWS::NoValue`. An undecided `Fn::If` on the way
    /// yields a `Choice` whose missing branch is `NoValue`.
    pub fn property(&self, res: &Resource, path: &str) -> Option<Value> {
        let segments: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
        let globals = sam::globals_for(self.template, res);
        let value = sam::lookup(self, globals, res.properties, &segments)?;
        (!value.is_no_value()).then_some(value)
    }

    /// Is the resource present (its `Condition` true)? None when undecided.
    pub fn resource_exists(&self, res: &Resource) -> Option<bool> {
        match &res.condition {
            None => Some(true),
            Some((name, _)) => self.condition(name),
        }
    }

    pub(crate) fn eval_at(&self, node: NodeId, depth: usize) -> Value {
        let tree = &self.template.tree;
        let span = tree.span(node);
        if depth > MAX_DEPTH {
            return Value::unknown("nesting too deep", span);
        }
        let left = self.work_left.get();
        if left == 0 {
            return self.over_budget(span, "evaluation stopped: the template needs too many evaluation steps");
        }
        self.work_left.set(left - 1);
        match tree.kind(node) {
            NodeKind::Scalar(style) => scalar_value(tree.scalar(node).unwrap_or(""), style, span),
            NodeKind::Seq => {
                let items = tree.seq(node).iter().map(|&n| self.eval_at(n, depth + 1));
                Value::new(ValueKind::List(items.filter(|v| !v.is_no_value()).collect()), span)
            }
            NodeKind::Map => {
                if let Some((key, arg, _)) = tree.single_entry(node)
                    && is_intrinsic(key)
                {
                    return self.memoised(node, || self.intrinsic(key, node, arg, depth + 1));
                }
                let entries = tree.map(node).iter().filter_map(|pair| {
                    let value = self.eval_at(pair.value, depth + 1);
                    (!value.is_no_value()).then(|| (tree.key(pair).to_owned(), pair.key_span, value))
                });
                Value::new(ValueKind::Map(entries.collect()), span)
            }
        }
    }

    /// An intrinsic function's value, computed once per node (while conditions are being
    /// decided, values may still change, so nothing is kept then). A value served again costs
    /// work in proportion to its size.
    fn memoised(&self, node: NodeId, compute: impl FnOnce() -> Value) -> Value {
        if self.deciding {
            return compute();
        }
        if let Some(value) = self.memo.borrow().get(&node) {
            let cost = (value.text_len() / 64) as u64;
            self.work_left.set(self.work_left.get().saturating_sub(cost));
            return value.clone();
        }
        let value = compute();
        self.memo.borrow_mut().insert(node, value.clone());
        value
    }

    fn intrinsic(&self, key: &str, node: NodeId, arg: NodeId, depth: usize) -> Value {
        let span = self.template.tree.span(node);
        match key {
            "Ref" => self.ref_(arg, span, depth),
            "Fn::GetAtt" => self.get_att(arg, span, depth),
            "Fn::Sub" => self.sub(arg, span, depth),
            "Fn::Join" => self.join(arg, span, depth),
            "Fn::Select" => self.select(arg, span, depth),
            "Fn::Split" => self.split(arg, span, depth),
            "Fn::FindInMap" => self.find_in_map(arg, span, depth),
            "Fn::If" => self.if_(arg, span, depth),
            "Fn::Base64" => self.eval_at(arg, depth),
            "Fn::ImportValue" => self.import_value(arg, span, depth),
            "Fn::GetAZs" => Value::unknown("Fn::GetAZs", span),
            "Fn::Cidr" => Value::unknown("Fn::Cidr", span),
            "Fn::ToJsonString" => to_json_string(self.eval_at(arg, depth), span),
            "Fn::Length" => match self.eval_at(arg, depth).kind {
                ValueKind::List(items) => Value::new(ValueKind::Number(items.len().to_string()), span),
                _ => Value::unknown("Fn::Length of an unknown list", span),
            },
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => match Solver::new(self).expr(node, depth) {
                Some(b) => Value::new(ValueKind::Bool(b), span),
                None => Value::unknown(format!("undecided `{key}`"), span),
            },
            _ => Value::unknown(format!("unsupported function `{key}`"), span),
        }
    }

    fn ref_(&self, arg: NodeId, span: Span, depth: usize) -> Value {
        match self.template.tree.scalar(arg) {
            Some(name) => self.resolve_name(name, span, depth),
            None => Value::unknown("`Ref` to a non-literal name", span),
        }
    }

    /// What `Ref name` (or `${name}` in `Fn::Sub`) stands for.
    pub(crate) fn resolve_name(&self, name: &str, span: Span, depth: usize) -> Value {
        if name == "AWS::NoValue" {
            return Value::new(ValueKind::NoValue, span);
        }
        if is_pseudo_parameter(name) {
            return Value::new(ValueKind::Pseudo(name.to_owned()), span);
        }
        if let Some(&bound) = self.template.parameter_bindings.get(name) {
            return self.eval_at(bound, depth + 1);
        }
        if let Some(param) = self.template.parameter(name) {
            return self.parameter_value(param, span, depth);
        }
        if self.template.resource(name).is_some() || self.template.is_sam() {
            return Value::new(ValueKind::Ref(name.to_owned()), span);
        }
        Value::unknown(format!("unresolved reference `{name}`"), span)
    }

    fn parameter_value(&self, param: &Parameter, span: Span, depth: usize) -> Value {
        let unknown = Value::new(ValueKind::Parameter(param.name.clone()), span);
        if param.is_ssm() {
            return unknown;
        }
        if let Some(text) = self.overrides.get(&param.name) {
            return typed_parameter(param, text, span);
        }
        let Some(default) = param.default else {
            return unknown;
        };
        let tree = &self.template.tree;
        if let Some(text) = tree.scalar(default) {
            return typed_parameter(param, text, tree.span(default));
        }
        // A list default is not valid CloudFormation, but its meaning is clear; a map default
        // (an intrinsic) is not allowed at all, so the value stays unknown.
        if tree.is_seq(default) {
            return self.eval_at(default, depth + 1);
        }
        unknown
    }

    fn get_att(&self, arg: NodeId, span: Span, depth: usize) -> Value {
        let tree = &self.template.tree;
        let (resource, attribute) = if let Some(text) = tree.scalar(arg) {
            match text.split_once('.') {
                Some((r, a)) => (r.to_owned(), a.to_owned()),
                None => return Value::unknown("`Fn::GetAtt` without an attribute", span),
            }
        } else if let [res, attr, ..] = tree.seq(arg)
            && let Some(resource) = tree.scalar(*res)
        {
            let attr = self.eval_at(*attr, depth);
            let Some(attribute) = attr.as_str() else {
                return Value::unknown("`Fn::GetAtt` with an unknown attribute name", span);
            };
            (resource.to_owned(), attribute.to_owned())
        } else {
            return Value::unknown("malformed `Fn::GetAtt`", span);
        };
        if self.template.resource(&resource).is_none() && !self.template.is_sam() {
            return Value::unknown(format!("unresolved reference `{resource}`"), span);
        }
        self.attribute(resource, attribute, span, depth)
    }

    /// A resource attribute: statically known ones (a database's port, a grafted nested stack's
    /// output) evaluate to their value, the rest stay symbolic.
    fn attribute(&self, resource: String, attribute: String, span: Span, depth: usize) -> Value {
        if let Some(port) = self.database_port(&resource, &attribute, span, depth) {
            return port;
        }
        if let Some(output) = attribute.strip_prefix("Outputs.")
            && let Some(&node) = self.template.nested_outputs.get(&(resource.clone(), output.to_owned()))
        {
            return Value { span, ..self.eval_at(node, depth + 1) };
        }
        Value::new(ValueKind::GetAtt { resource, attribute }, span)
    }

    /// `Fn::ImportValue`: the exported value when exactly one grafted stack exports the name
    /// (see [`Template::graft`]), else a symbolic import.
    fn import_value(&self, arg: NodeId, span: Span, depth: usize) -> Value {
        let name = self.eval_at(arg, depth);
        let exported = name.wildcard_text().and_then(|pattern| {
            let mut hits = self.template.imports.iter().filter(|(export, _)| names_match(export, &pattern));
            match (hits.next(), hits.next()) {
                (Some((_, node)), None) => Some(*node),
                _ => None,
            }
        });
        match exported {
            // The value keeps the span of the import: it is what this template's reader sees.
            Some(node) => Value { span, ..self.eval_at(node, depth + 1) },
            None => Value::new(ValueKind::Import(Box::new(name)), span),
        }
    }

    /// `GetAtt Db.Endpoint.Port` of a database in this template: its `Port`, or the engine's
    /// default port (see [`attributes`]).
    fn database_port(&self, resource: &str, attribute: &str, span: Span, depth: usize) -> Option<Value> {
        let res = self.template.resource(resource)?;
        if !attributes::is_db_port_attribute(&res.type_name, attribute) {
            return None;
        }
        if let Some(port) = self.template.property(res, "Port").map(|n| self.eval_at(n, depth + 1)) {
            return port.as_str().is_some().then_some(Value::new(port.kind, span));
        }
        let engine = self.template.property(res, "Engine").map(|n| self.eval_at(n, depth + 1));
        let default = attributes::default_db_port(&res.type_name, engine.as_ref().and_then(Value::as_str))?;
        Some(Value::new(ValueKind::Number(default.to_string()), span))
    }

    fn sub(&self, arg: NodeId, span: Span, depth: usize) -> Value {
        let tree = &self.template.tree;
        let (text_node, vars) = match tree.seq(arg) {
            [] => (arg, None),
            [text, vars, ..] => (*text, Some(*vars)),
            [text] => (*text, None),
        };
        let Some(text) = tree.scalar(text_node) else {
            return Value::unknown("`Fn::Sub` of a non-literal string", span);
        };
        let mut out = ConcatBuilder::new(span);
        for piece in sub_pieces(text) {
            match piece {
                SubPiece::Text(t) => out.push_text(t),
                SubPiece::Var { name, .. } => {
                    out.push(self.sub_var(name, vars, span, depth));
                }
            }
            if out.overflowed {
                break;
            }
        }
        self.finish_concat(out)
    }

    fn finish_concat(&self, out: ConcatBuilder) -> Value {
        if out.overflowed {
            return self.over_budget(out.span, &format!("a string longer than {MAX_STRING_BYTES} bytes"));
        }
        out.finish()
    }

    fn sub_var(&self, name: &str, vars: Option<NodeId>, span: Span, depth: usize) -> Value {
        let tree = &self.template.tree;
        if let Some(node) = vars.and_then(|v| tree.get(v, name)) {
            return self.eval_at(node, depth + 1);
        }
        match name.split_once('.') {
            Some((resource, attribute)) if !is_pseudo_parameter(name) => {
                if self.template.resource(resource).is_none() && !self.template.is_sam() {
                    return Value::unknown(format!("unresolved reference `{resource}`"), span);
                }
                self.attribute(resource.to_owned(), attribute.to_owned(), span, depth)
            }
            _ => self.resolve_name(name, span, depth + 1),
        }
    }

    fn join(&self, arg: NodeId, span: Span, depth: usize) -> Value {
        let tree = &self.template.tree;
        let [delim, list] = tree.seq(arg) else {
            return Value::unknown("malformed `Fn::Join`", span);
        };
        let delim = self.eval_at(*delim, depth);
        let Some(delim) = delim.as_str() else {
            return Value::unknown("`Fn::Join` with an unknown delimiter", span);
        };
        let list = self.eval_at(*list, depth);
        let overflow = Cell::new(false);
        let joined = join_values(delim, list, span, depth, &overflow);
        if overflow.get() {
            return self.over_budget(span, &format!("a string longer than {MAX_STRING_BYTES} bytes"));
        }
        joined
    }

    fn select(&self, arg: NodeId, span: Span, depth: usize) -> Value {
        let tree = &self.template.tree;
        let [index, list] = tree.seq(arg) else {
            return Value::unknown("malformed `Fn::Select`", span);
        };
        let index = self.eval_at(*index, depth);
        let Some(index) = index.as_str().and_then(|s| s.trim().parse::<usize>().ok()) else {
            return Value::unknown("`Fn::Select` with an unknown index", span);
        };
        map_choice(self.eval_at(*list, depth), span, depth, &|list| match &list.kind {
            ValueKind::List(items) => match items.get(index) {
                Some(item) => item.clone(),
                None => Value::unknown("Fn::Select index out of range", span),
            },
            _ => Value::unknown("`Fn::Select` over an unknown list", span),
        })
    }

    fn split(&self, arg: NodeId, span: Span, depth: usize) -> Value {
        let tree = &self.template.tree;
        let [delim, source] = tree.seq(arg) else {
            return Value::unknown("malformed `Fn::Split`", span);
        };
        let delim = self.eval_at(*delim, depth);
        let Some(delim) = delim.as_str().filter(|d| !d.is_empty()) else {
            return Value::unknown("`Fn::Split` with an unknown delimiter", span);
        };
        map_choice(self.eval_at(*source, depth), span, depth, &|source| match source.as_str() {
            Some(text) => {
                let items = text.split(delim).map(|s| Value::str(s, source.span)).collect();
                Value::new(ValueKind::List(items), span)
            }
            None => Value::unknown("`Fn::Split` of an unknown string", span),
        })
    }

    fn find_in_map(&self, arg: NodeId, span: Span, depth: usize) -> Value {
        let tree = &self.template.tree;
        let args = tree.seq(arg);
        let [map_name, top, second, rest @ ..] = args else {
            return Value::unknown("malformed `Fn::FindInMap`", span);
        };
        let keys: Vec<Value> = [map_name, top, second].iter().map(|&&n| self.eval_at(n, depth)).collect();
        let Some(mapping) = keys[0].as_str().and_then(|m| self.template.mappings.and_then(|ms| tree.get(ms, m))) else {
            return Value::unknown("`Fn::FindInMap` names an unknown mapping", span);
        };
        let candidates = map_candidates(tree, mapping, keys[1].as_str(), keys[2].as_str());
        let default = rest.first().and_then(|d| tree.get(*d, "DefaultValue"));
        let values: Vec<Value> = candidates.iter().map(|&n| self.eval_at(n, depth)).collect();
        let all_keys_known = keys[1].as_str().is_some() && keys[2].as_str().is_some();
        match values.split_first() {
            None if all_keys_known => match default {
                Some(d) => self.eval_at(d, depth),
                None => Value::unknown("Fn::FindInMap key not found", span),
            },
            Some((first, others))
                if others.iter().all(|v| same_value(v, first)) && candidates.len() <= MAX_MAP_CANDIDATES =>
            {
                first.clone()
            }
            _ => Value::unknown("`Fn::FindInMap` with an unknown key", span),
        }
    }

    fn if_(&self, arg: NodeId, span: Span, depth: usize) -> Value {
        let tree = &self.template.tree;
        let [cond, if_true, if_false] = tree.seq(arg) else {
            return Value::unknown("malformed `Fn::If`", span);
        };
        let Some(name) = tree.scalar(*cond) else {
            return Value::unknown("`Fn::If` with a non-literal condition", span);
        };
        match self.condition(name) {
            Some(true) => self.eval_at(*if_true, depth),
            Some(false) => self.eval_at(*if_false, depth),
            None => Value::new(
                ValueKind::Choice {
                    condition: name.to_owned(),
                    if_true: Box::new(self.eval_at(*if_true, depth)),
                    if_false: Box::new(self.eval_at(*if_false, depth)),
                },
                span,
            ),
        }
    }
}

/// `Ref` and every `Fn::` function; `Condition` only means something inside `Conditions`.
pub(crate) fn is_intrinsic(key: &str) -> bool {
    key == "Ref" || key.starts_with("Fn::")
}

/// Plain YAML scalars are typed the way YAML 1.2's core schema types them; quoted ones are text.
fn scalar_value(text: &str, style: ScalarStyle, span: Span) -> Value {
    if style == ScalarStyle::Plain {
        match text {
            "true" | "True" | "TRUE" => return Value::new(ValueKind::Bool(true), span),
            "false" | "False" | "FALSE" => return Value::new(ValueKind::Bool(false), span),
            "null" | "Null" | "NULL" | "~" | "" => return Value::new(ValueKind::Null, span),
            _ if is_number(text) => return Value::new(ValueKind::Number(text.to_owned()), span),
            _ => {}
        }
    }
    text_value(text.to_owned(), span)
}

/// A string, recognising `{{resolve:...}}` dynamic references.
fn text_value(text: String, span: Span) -> Value {
    if text.contains("{{resolve:") {
        return Value::new(ValueKind::Dynamic(text), span);
    }
    Value::new(ValueKind::Str(text), span)
}

/// YAML 1.2 core-schema numbers: decimal integers and floats, `0x`/`0o` integers, `.inf`, `.nan`.
fn is_number(text: &str) -> bool {
    if let Some(hex) = text.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return !oct.is_empty() && oct.chars().all(|c| ('0'..='7').contains(&c));
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = !(int.is_empty() && frac.is_empty()) && digits(int) && digits(frac);
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// A parameter's text as its `Type` reads it: lists split on commas (members trimmed, as
/// CloudFormation does), numbers kept as their text.
fn typed_parameter(param: &Parameter, text: &str, span: Span) -> Value {
    if param.is_list() {
        let items = text.split(',').map(|s| text_value(s.trim().to_owned(), span)).collect();
        return Value::new(ValueKind::List(items), span);
    }
    if param.type_name.as_deref() == Some("Number") {
        return Value::new(ValueKind::Number(text.to_owned()), span);
    }
    text_value(text.to_owned(), span)
}

/// Applies `f` to each branch of an undecided choice (and to anything else directly).
fn map_choice(value: Value, span: Span, depth: usize, f: &dyn Fn(&Value) -> Value) -> Value {
    match value.kind {
        ValueKind::Choice { condition, if_true, if_false } if depth <= MAX_DEPTH => {
            let if_true = Box::new(map_choice(*if_true, span, depth + 1, f));
            let if_false = Box::new(map_choice(*if_false, span, depth + 1, f));
            Value::new(ValueKind::Choice { condition, if_true, if_false }, span)
        }
        _ => f(&value),
    }
}

/// `overflow` is set when a joined string would pass [`MAX_STRING_BYTES`].
fn join_values(delim: &str, list: Value, span: Span, depth: usize, overflow: &Cell<bool>) -> Value {
    map_choice(list, span, depth, &|list| match &list.kind {
        ValueKind::List(items) => {
            let mut out = ConcatBuilder::new(span);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_text(delim);
                }
                out.push(item.clone());
                if out.overflowed {
                    overflow.set(true);
                    return Value::unknown("string too long", span);
                }
            }
            out.finish()
        }
        ValueKind::Unknown(_) => list.clone(),
        // A list parameter without a default, an import, ...: a string made from unknown parts.
        _ => Value::new(ValueKind::Concat(vec![list.clone()]), span),
    })
}

/// Entries of a mapping for a known or unknown (any entry) pair of keys.
fn map_candidates(
    tree: &crate::source::tree::Tree,
    mapping: NodeId,
    top: Option<&str>,
    second: Option<&str>,
) -> Vec<NodeId> {
    let tops: Vec<NodeId> = match top {
        Some(k) => tree.get(mapping, k).into_iter().collect(),
        None => tree.map(mapping).iter().map(|p| p.value).collect(),
    };
    tops.into_iter()
        .flat_map(|t| match second {
            Some(k) => tree.get(t, k).into_iter().collect::<Vec<_>>(),
            None => tree.map(t).iter().map(|p| p.value).collect(),
        })
        .take(MAX_MAP_CANDIDATES + 1)
        .collect()
}

/// Equal ignoring where in the source each part came from.
pub(crate) fn same_value(a: &Value, b: &Value) -> bool {
    strip_spans(a) == strip_spans(b)
}

fn strip_spans(v: &Value) -> Value {
    let mut v = v.clone();
    let mut stack = vec![&mut v];
    while let Some(v) = stack.pop() {
        v.span = Span::default();
        match &mut v.kind {
            ValueKind::List(items) | ValueKind::Concat(items) => stack.extend(items.iter_mut()),
            ValueKind::Map(entries) => {
                for (_, span, item) in entries.iter_mut() {
                    *span = Span::default();
                    stack.push(item);
                }
            }
            ValueKind::Import(inner) => stack.push(inner),
            ValueKind::Choice { if_true, if_false, .. } => {
                stack.push(if_true);
                stack.push(if_false);
            }
            _ => {}
        }
    }
    v
}

fn to_json_string(value: Value, span: Span) -> Value {
    if !value.is_known() {
        return Value::unknown("Fn::ToJsonString of an unknown value", span);
    }
    match to_json(&value, 0) {
        Some(json) => Value::str(json.to_string(), span),
        None => Value::unknown("Fn::ToJsonString", span),
    }
}

fn to_json(value: &Value, depth: usize) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match &value.kind {
        ValueKind::Str(s) => J::String(s.clone()),
        ValueKind::Number(n) => {
            serde_json::from_str::<serde_json::Number>(n).map_or_else(|_| J::String(n.clone()), J::Number)
        }
        ValueKind::Bool(b) => J::Bool(*b),
        ValueKind::Null => J::Null,
        ValueKind::List(items) => J::Array(items.iter().map(|i| to_json(i, depth + 1)).collect::<Option<_>>()?),
        ValueKind::Map(entries) => {
            J::Object(entries.iter().map(|(k, _, v)| Some((k.clone(), to_json(v, depth + 1)?))).collect::<Option<_>>()?)
        }
        _ => return None,
    })
}

/// Builds a string from literal text and values, merging adjacent literal text; `Str` when every
/// part is known, `Concat` otherwise.
/// Past [`MAX_STRING_BYTES`] (text bytes plus 64 per unknown part) it stops growing and says so
/// in `overflowed`.
struct ConcatBuilder {
    span: Span,
    text: String,
    parts: Vec<Value>,
    known: bool,
    size: usize,
    overflowed: bool,
}

impl ConcatBuilder {
    fn new(span: Span) -> Self {
        ConcatBuilder { span, text: String::new(), parts: Vec::new(), known: true, size: 0, overflowed: false }
    }

    /// Would `bytes` more pass the cap? Then the builder is marked and takes nothing more.
    fn over(&mut self, bytes: usize) -> bool {
        self.size = self.size.saturating_add(bytes);
        self.overflowed |= self.size > MAX_STRING_BYTES;
        self.overflowed
    }

    fn push_text(&mut self, text: &str) {
        if !self.over(text.len()) {
            self.text.push_str(text);
        }
    }

    fn push(&mut self, value: Value) {
        if self.overflowed {
            return;
        }
        match value.kind {
            ValueKind::Str(s) | ValueKind::Number(s) => self.push_text(&s),
            ValueKind::Bool(b) => self.push_text(if b { "true" } else { "false" }),
            ValueKind::NoValue | ValueKind::Null => {}
            ValueKind::Concat(parts) => parts.into_iter().for_each(|p| self.push(p)),
            _ => {
                if self.over(64) {
                    return;
                }
                self.flush();
                self.known = false;
                self.parts.push(value);
            }
        }
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            let text = std::mem::take(&mut self.text);
            self.parts.push(Value::str(text, self.span));
        }
    }

    fn finish(mut self) -> Value {
        if self.known {
            return text_value(self.text, self.span);
        }
        self.flush();
        Value::new(ValueKind::Concat(self.parts), self.span)
    }
}

/// One piece of an `Fn::Sub` template string.
#[derive(Debug, PartialEq)]
pub(crate) enum SubPiece<'a> {
    Text(&'a str),
    /// `${name}`; `offset` is the byte offset of the name within the string.
    Var {
        name: &'a str,
        offset: usize,
    },
}

/// Cuts an `Fn::Sub` string into text and `${name}` variables; `${!x}` is the literal `${x}`, and
/// an unclosed `${` is literal text.
pub(crate) fn sub_pieces(text: &str) -> Vec<SubPiece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = 0;
    while let Some(found) = text[rest..].find("${") {
        let open = rest + found;
        if text[open + 2..].starts_with('!') {
            pieces.push(SubPiece::Text(&text[rest..open + 2]));
            rest = open + 3;
            continue;
        }
        let Some(close) = text[open + 2..].find('}') else {
            break;
        };
        if open > rest {
            pieces.push(SubPiece::Text(&text[rest..open]));
        }
        let raw = &text[open + 2..open + 2 + close];
        let name = raw.trim();
        let offset = open + 2 + (raw.len() - raw.trim_start().len());
        pieces.push(SubPiece::Var { name, offset });
        rest = open + 3 + close;
    }
    if rest < text.len() {
        pieces.push(SubPiece::Text(&text[rest..]));
    }
    pieces
}

/// Do an export name and an import name (unknown parts as `*`) denote the same export? Equal
/// patterns, or one matches the other's literal text.
pub fn names_match(export: &str, import: &str) -> bool {
    export == import
        || (!import.contains('*') && super::glob::glob_case_sensitive(export, import))
        || (!export.contains('*') && super::glob::glob_case_sensitive(import, export))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed lookup is a failed test")]
mod tests {

    #[test]
    fn database_port_attribute_resolves_to_port_or_engine_default() {
        let yaml = "Resources:\n  Pg: {Type: AWS::RDS::DBInstance, Properties: {Engine: postgres}}\n  My: {Type: AWS::RDS::DBCluster, Properties: {Engine: aurora-mysql, Port: 3307}}\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      A: !GetAtt Pg.Endpoint.Port\n      B: !GetAtt My.Endpoint.Port\n      C: !GetAtt Pg.Endpoint.Address\n";
        let template = Template::from_tree(crate::diagnostic::FileId(0), crate::source::parse_str(yaml).tree);
        let ev = Evaluator::new(&template);
        let sg = template.resource("Sg").expect("Sg");
        let get = |p: &str| ev.property(sg, p).map(|v| v.kind);
        assert_eq!(get("A"), Some(ValueKind::Number("5432".into())));
        assert_eq!(
            get("B").and_then(|k| match k {
                ValueKind::Number(n) | ValueKind::Str(n) => Some(n),
                _ => None,
            }),
            Some("3307".into())
        );
        assert!(matches!(get("C"), Some(ValueKind::GetAtt { .. })));
    }
    use super::*;
    use crate::template::parse;

    /// Evaluates `Outputs.<name>.Value` of the template.
    fn out(t: &Template, name: &str) -> Value {
        let ev = Evaluator::new(t);
        let node = t.outputs.iter().find(|o| o.name == name).and_then(|o| o.value).unwrap();
        ev.eval(node)
    }

    fn kind(t: &Template, name: &str) -> ValueKind {
        out(t, name).kind
    }

    fn s(text: &str) -> ValueKind {
        ValueKind::Str(text.to_owned())
    }

    const BASE: &str = "
Parameters:
  Env: {Type: String, Default: prod}
  NoDefault: {Type: String}
  Subnets: {Type: CommaDelimitedList, Default: 'subnet-1, subnet-2'}
  Ids: {Type: 'List<AWS::EC2::Subnet::Id>', Default: 'a,b'}
  Count: {Type: Number, Default: 3}
  Ssm: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /my/key}
Mappings:
  M:
    us-east-1: {Ami: ami-1, Same: x}
    eu-west-1: {Ami: ami-2, Same: x}
Resources:
  Bucket: {Type: AWS::S3::Bucket}
Outputs:
";

    fn with_outputs(outputs: &str) -> Template {
        parse(&format!("{BASE}{outputs}"))
    }

    #[test]
    fn scalars_are_typed_by_style() {
        let t = with_outputs(
            "  A: {Value: true}\n  B: {Value: 'true'}\n  C: {Value: 012}\n  D: {Value: ~}\n  E: {Value: abc}\n  F: {Value: 1.5e3}\n",
        );
        assert_eq!(kind(&t, "A"), ValueKind::Bool(true));
        assert_eq!(kind(&t, "B"), s("true"));
        assert_eq!(out(&t, "B").as_bool(), Some(true));
        assert_eq!(kind(&t, "C"), ValueKind::Number("012".into()));
        assert_eq!(kind(&t, "D"), ValueKind::Null);
        assert_eq!(kind(&t, "E"), s("abc"));
        assert_eq!(kind(&t, "F"), ValueKind::Number("1.5e3".into()));
    }

    #[test]
    fn ref_resolves_parameters_resources_and_pseudos() {
        let t = with_outputs(
            "  A: {Value: !Ref Env}\n  B: {Value: !Ref NoDefault}\n  C: {Value: !Ref Bucket}\n  D: {Value: !Ref AWS::Region}\n  E: {Value: !Ref Subnets}\n  F: {Value: !Ref Ids}\n  G: {Value: !Ref Count}\n  H: {Value: !Ref Ssm}\n  I: {Value: [a, !Ref AWS::NoValue, b]}\n",
        );
        assert_eq!(kind(&t, "A"), s("prod"));
        assert_eq!(kind(&t, "B"), ValueKind::Parameter("NoDefault".into()));
        assert_eq!(kind(&t, "C"), ValueKind::Ref("Bucket".into()));
        assert_eq!(kind(&t, "D"), ValueKind::Pseudo("AWS::Region".into()));
        let subnets = out(&t, "E");
        let items: Vec<_> = subnets.as_list().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(items, ["subnet-1", "subnet-2"]);
        assert_eq!(out(&t, "F").as_list().unwrap().len(), 2);
        assert_eq!(kind(&t, "G"), ValueKind::Number("3".into()));
        assert_eq!(kind(&t, "H"), ValueKind::Parameter("Ssm".into()));
        assert_eq!(out(&t, "I").as_list().unwrap().len(), 2);
    }

    #[test]
    fn override_replaces_default() {
        let t = with_outputs("  A: {Value: !Ref Env}\n  B: {Value: !Ref NoDefault}\n");
        let overrides =
            BTreeMap::from([("Env".to_owned(), "dev".to_owned()), ("NoDefault".to_owned(), "x".to_owned())]);
        let ev = Evaluator::new(&t).with_parameters(overrides);
        let value = |name: &str| ev.eval(t.outputs.iter().find(|o| o.name == name).unwrap().value.unwrap());
        assert_eq!(value("A").kind, s("dev"));
        assert_eq!(value("B").kind, s("x"));
    }

    #[test]
    fn get_att_both_forms() {
        let t = with_outputs(
            "  A: {Value: !GetAtt Bucket.Arn}\n  B: {Value: {'Fn::GetAtt': [Bucket, Arn]}}\n  C: {Value: {'Fn::GetAtt': Bucket.DomainName}}\n  D: {Value: !GetAtt Bucket.Outputs.X}\n",
        );
        let att = |a: &str| ValueKind::GetAtt { resource: "Bucket".into(), attribute: a.into() };
        assert_eq!(kind(&t, "A"), att("Arn"));
        assert_eq!(kind(&t, "B"), att("Arn"));
        assert_eq!(kind(&t, "C"), att("DomainName"));
        assert_eq!(kind(&t, "D"), att("Outputs.X"));
    }

    #[test]
    fn sub_both_forms() {
        let t = with_outputs(
            "  A: {Value: !Sub 'env-${Env}'}\n  B: {Value: !Sub ['${X}-${Env}', {X: !Ref Env}]}\n  C: {Value: !Sub 'arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}'}\n  D: {Value: !Sub '${Bucket.Arn}/*'}\n  E: {Value: !Sub 'no vars ${!x}'}\n",
        );
        assert_eq!(kind(&t, "A"), s("env-prod"));
        assert_eq!(kind(&t, "B"), s("prod-prod"));
        let c = out(&t, "C");
        assert_eq!(c.display(), "arn:${AWS::Partition}:s3:::${Bucket}/${Literal}");
        let ValueKind::Concat(parts) = &c.kind else { panic!("{c:?}") };
        assert_eq!(parts.len(), 5);
        assert_eq!(out(&t, "D").display(), "${Bucket.Arn}/*");
        assert_eq!(kind(&t, "E"), s("no vars ${x}"));
    }

    #[test]
    fn join_with_list_parameter_and_symbolic_parts() {
        let t = with_outputs(
            "  A: {Value: !Join [',', !Ref Subnets]}\n  B: {Value: !Join ['', ['com.amazonaws.', !Ref AWS::Region, '.secretsmanager']]}\n  C: {Value: !Join ['-', [a, b]]}\n",
        );
        assert_eq!(kind(&t, "A"), s("subnet-1,subnet-2"));
        assert_eq!(out(&t, "B").display(), "com.amazonaws.${AWS::Region}.secretsmanager");
        assert_eq!(kind(&t, "C"), s("a-b"));
    }

    #[test]
    fn select_split_find_in_map_and_others() {
        let t = with_outputs(
            "  A: {Value: !Select [1, !Ref Subnets]}\n  B: {Value: !Select [5, [a]]}\n  C: {Value: !Split [',', 'a,b,c']}\n  D: {Value: !FindInMap [M, eu-west-1, Ami]}\n  E: {Value: !FindInMap [M, !Ref AWS::Region, Ami]}\n  F: {Value: !FindInMap [M, !Ref AWS::Region, Same]}\n  G: {Value: !GetAZs ''}\n  H: {Value: !Base64 abc}\n  I: {Value: !ImportValue shared-vpc}\n  J: {Value: !Cidr [10.0.0.0/16, 2, 8]}\n  K: {Value: '{{resolve:secretsmanager:s:SecretString:password}}'}\n  L: {Value: !Select [0, !GetAZs '']}\n  N: {Value: {'Fn::Length': [a, b]}}\n  O: {Value: {'Fn::ToJsonString': {a: [1, 'x']}}}\n  P: {Value: {'Fn::Nope': 1}}\n  Q: {Value: !FindInMap [M, nowhere, Ami]}\n",
        );
        assert_eq!(kind(&t, "A"), s("subnet-2"));
        assert_eq!(kind(&t, "B"), ValueKind::Unknown("Fn::Select index out of range".into()));
        assert_eq!(out(&t, "C").as_list().unwrap().len(), 3);
        assert_eq!(kind(&t, "D"), s("ami-2"));
        assert!(matches!(kind(&t, "E"), ValueKind::Unknown(_)));
        assert_eq!(kind(&t, "F"), s("x"));
        assert!(matches!(kind(&t, "G"), ValueKind::Unknown(_)));
        assert_eq!(kind(&t, "H"), s("abc"));
        assert!(matches!(kind(&t, "I"), ValueKind::Import(v) if v.as_str() == Some("shared-vpc")));
        assert_eq!(kind(&t, "J"), ValueKind::Unknown("Fn::Cidr".into()));
        assert!(matches!(kind(&t, "K"), ValueKind::Dynamic(_)));
        assert!(matches!(kind(&t, "L"), ValueKind::Unknown(_)));
        assert_eq!(kind(&t, "N"), ValueKind::Number("2".into()));
        assert_eq!(kind(&t, "O"), s(r#"{"a":[1,"x"]}"#));
        assert!(matches!(kind(&t, "P"), ValueKind::Unknown(_)));
        assert_eq!(kind(&t, "Q"), ValueKind::Unknown("Fn::FindInMap key not found".into()));
    }

    #[test]
    fn if_decided_and_undecided() {
        let t = parse(
            "
Parameters:
  Env: {Type: String, Default: prod}
  Free: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsFree: !Equals [!Ref Free, x]
Resources: {}
Outputs:
  A: {Value: !If [IsProd, yes-prod, no-prod]}
  B: {Value: !If [IsFree, a, !Ref AWS::NoValue]}
  C: {Value: [!If [IsProd, !Ref AWS::NoValue, b], c]}
",
        );
        let ev = Evaluator::new(&t);
        assert_eq!(kind(&t, "A"), s("yes-prod"));
        let b = out(&t, "B");
        let ValueKind::Choice { condition, if_false, .. } = &b.kind else { panic!("{b:?}") };
        assert_eq!(condition, "IsFree");
        assert!(if_false.is_no_value());
        assert_eq!(out(&t, "C").as_list().unwrap().len(), 1);
        let node = t.outputs[1].value.unwrap();
        assert_eq!(ev.undecided_conditions(node), ["IsFree"]);
        assert!(ev.undecided_conditions(t.outputs[0].value.unwrap()).is_empty());
        let forced = Evaluator::new(&t).with_conditions(BTreeMap::from([("IsFree".to_owned(), true)]));
        assert_eq!(forced.eval(node).kind, s("a"));
    }

    #[test]
    fn self_referencing_sub_terminates() {
        let t = parse(
            "
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Description: !Sub '${Fn.Arn} ${Fn}'
      Environment: {Variables: {SELF: !GetAtt Fn.Arn}}
",
        );
        let ev = Evaluator::new(&t);
        let fun = t.resource("Fn").unwrap();
        assert_eq!(ev.property(fun, "Description").unwrap().display(), "${Fn.Arn} ${Fn}");
        assert!(ev.property(fun, "Environment.Variables.SELF").is_some());
    }

    #[test]
    fn depth_guard_on_parameter_list_default() {
        let t = parse("Parameters:\n  P: {Type: String, Default: [!Ref P]}\nOutputs:\n  A: {Value: !Ref P}\n");
        // Terminates; the exact shape of a self-referencing default does not matter.
        let _ = out(&t, "A");
    }

    #[test]
    fn sub_pieces_cut_variables_and_escapes() {
        let pieces = sub_pieces("a${B}c${!D}${ E }${unclosed");
        assert_eq!(
            pieces,
            [
                SubPiece::Text("a"),
                SubPiece::Var { name: "B", offset: 3 },
                SubPiece::Text("c${"),
                SubPiece::Text("D}"),
                SubPiece::Var { name: "E", offset: 14 },
                SubPiece::Text("${unclosed"),
            ]
        );
    }

    #[test]
    fn numbers() {
        for n in ["1", "-2", "0.5", ".5", "1e5", "1.5E-3", "0x1F", "0o17", ".inf", "-.inf", ".nan"] {
            assert!(is_number(n), "{n}");
        }
        for n in ["", "abc", "1.2.3", "e5", "1e", "0x", "-", "1_000", "subnet-1"] {
            assert!(!is_number(n), "{n}");
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed lookup is a failed test")]
mod stress_tests {
    use super::*;
    use crate::template::parse;

    /// `depth` levels of `wrap` around `leaf`, as JSON.
    fn nested(wrap: &str, leaf: &str, depth: usize) -> String {
        let (open, close) = wrap.split_once('X').unwrap();
        format!("{}{leaf}{}", open.repeat(depth), close.repeat(depth))
    }

    #[test]
    fn deep_nesting_evaluates_within_the_default_stack() {
        let leaf = r#"{"Ref": "AWS::Region"}"#;
        for wrap in [
            r#"{"Fn::Base64": X}"#,
            r#"{"Fn::If": ["C", X, "b"]}"#,
            r#"{"Fn::Join": ["", [X, "a"]]}"#,
            r#"{"Fn::Sub": ["${V}", {"V": X}]}"#,
            r#"[X]"#,
            r#"{"k": X}"#,
        ] {
            let template = |depth: usize| {
                let value = nested(wrap, leaf, depth);
                format!(
                    r#"{{"Parameters": {{"P": {{"Type": "String"}}}}, "Conditions": {{"C": {{"Fn::Equals": [{{"Ref": "P"}}, "x"]}}}}, "Resources": {{"R": {{"Type": "T", "Properties": {{"V": {value}}}}}}}}}"#
                )
            };
            // As deep as the loader lets through (its cap is about 512 levels).
            let levels = wrap.split('X').next().unwrap().matches(['{', '[']).count();
            let accepted = (1..=520 / levels).rev().find(|&d| {
                let loaded = crate::source::parse_str(&template(d));
                loaded.diagnostics.iter().all(|d| d.rule != "RL004")
            });
            let depth = accepted.unwrap();
            assert!(depth * levels > 200, "{wrap}: {depth}");
            let t = parse(&template(depth));
            let ev = Evaluator::new(&t);
            let res = t.resource("R").unwrap();
            assert!(ev.property(res, "V").is_some(), "{wrap}");
            assert!(!ev.undecided_conditions(res.properties.unwrap()).is_empty() || !wrap.contains("If"));
        }
    }

    /// Block-style YAML nests deeper than JSON gets through the loader.
    #[test]
    fn deep_block_yaml_evaluates() {
        let template = |depth: usize| {
            let mut text = String::from(
                "Parameters: {P: {Type: String}}\nConditions: {C: !Equals [!Ref P, x]}\nResources:\n R:\n  Type: T\n  Properties:\n   V:\n",
            );
            for level in 0..depth {
                let indent = " ".repeat(4 + 2 * level);
                let step = if level % 2 == 0 { "Fn::If:" } else { "- C\n{indent}- b\n{indent}-" };
                text.push_str(&format!("{indent}{}\n", step.replace("{indent}", &indent)));
            }
            text.push_str(&format!("{}leaf\n", " ".repeat(4 + 2 * depth)));
            text
        };
        let accepted = (1..=520).rev().step_by(2).find(|&d| {
            let loaded = crate::source::parse_str(&template(d));
            loaded.diagnostics.is_empty()
        });
        let depth = accepted.unwrap();
        assert!(depth > 400, "{depth}");
        let t = parse(&template(depth));
        let value = Evaluator::new(&t).property(t.resource("R").unwrap(), "V").unwrap();
        assert!(matches!(value.kind, ValueKind::Choice { .. }));
    }

    #[test]
    fn condition_diamonds_stay_linear() {
        let mut conditions = String::from("  C0: !Equals [!Ref P, x]\n");
        for i in 1..400 {
            let p = i - 1;
            conditions
                .push_str(&format!("  C{i}: !And [!Condition C{p}, !Or [!Condition C{p}, !Not [!Condition C{p}]]]\n"));
        }
        let text =
            format!("Parameters:\n  P: {{Type: String, Default: x}}\nConditions:\n{conditions}Resources: {{}}\n");
        let t = parse(&text);
        let started = std::time::Instant::now();
        let ev = Evaluator::new(&t);
        assert_eq!(ev.condition("C399"), Some(true));
        assert!(started.elapsed().as_secs() < 5);
    }
}
