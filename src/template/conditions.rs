//! Deciding `Conditions`: `Fn::Equals/And/Or/Not/Condition` over known inputs, with cycle guards.
//!
//! Conditions may name other conditions, so a template can write a cycle (CloudFormation rejects
//! it; we must merely terminate). Each condition is decided at most once per configuration:
//! a memo marks a condition as in progress, and meeting it again answers "undecided".

use std::collections::BTreeMap;

use crate::source::tree::NodeId;

use super::eval::{Evaluator, MAX_DEPTH, same_value};
use super::value::{Value, ValueKind};

#[derive(Clone, Copy)]
enum State {
    InProgress,
    Done(Option<bool>),
}

pub(crate) struct Solver<'e, 't> {
    ev: &'e Evaluator<'t>,
    memo: BTreeMap<String, State>,
    /// Created for an `Fn::Equals` nested in a condition argument while conditions are being
    /// decided: it sees only forced values, which keeps deciding linear in the template size.
    nested: bool,
}

impl<'e, 't> Solver<'e, 't> {
    pub(crate) fn new(ev: &'e Evaluator<'t>) -> Self {
        Solver { ev, memo: BTreeMap::new(), nested: ev.is_deciding() }
    }

    /// Every defined condition's value (`None` = undecided).
    pub(crate) fn decide_all(ev: &'e Evaluator<'t>) -> BTreeMap<String, Option<bool>> {
        let mut solver = Solver { ev, memo: BTreeMap::new(), nested: false };
        let template = ev.template();
        let mut decided = BTreeMap::new();
        for def in &template.conditions {
            let value = solver.condition(&def.name, 0);
            decided.insert(def.name.clone(), value);
        }
        decided
    }

    fn condition(&mut self, name: &str, depth: usize) -> Option<bool> {
        if let Some(known) = self.ev.known_condition(name) {
            return known;
        }
        if self.nested {
            return None;
        }
        match self.memo.get(name) {
            Some(State::Done(value)) => return *value,
            Some(State::InProgress) => return None,
            None => {}
        }
        self.memo.insert(name.to_owned(), State::InProgress);
        let node = self.ev.template().condition_def(name).map(|d| d.node);
        let value = node.and_then(|n| self.expr(n, depth + 1));
        self.memo.insert(name.to_owned(), State::Done(value));
        value
    }

    /// A condition expression's value when decidable.
    pub(crate) fn expr(&mut self, node: NodeId, depth: usize) -> Option<bool> {
        if depth > MAX_DEPTH {
            return None;
        }
        let tree = &self.ev.template().tree;
        let (key, arg, _) = tree.single_entry(node)?;
        let args = tree.seq(arg);
        match key {
            "Condition" => {
                let name = tree.scalar(arg)?;
                self.condition(name, depth + 1)
            }
            "Fn::Not" => match args {
                [inner] => self.expr(*inner, depth + 1).map(|b| !b),
                _ => None,
            },
            "Fn::And" => self.fold(args, false, depth),
            "Fn::Or" => self.fold(args, true, depth),
            "Fn::Equals" => match args {
                [a, b] => {
                    let a = self.ev.eval_at(*a, depth + 1);
                    let b = self.ev.eval_at(*b, depth + 1);
                    equals(&a, &b, depth)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// `Fn::Or` (`short = true`) or `Fn::And` (`short = false`): one operand equal to `short`
    /// decides, otherwise every operand must be known.
    fn fold(&mut self, args: &[NodeId], short: bool, depth: usize) -> Option<bool> {
        if args.is_empty() {
            return None;
        }
        let mut all_known = true;
        for &arg in args {
            match self.expr(arg, depth + 1) {
                Some(b) if b == short => return Some(short),
                Some(_) => {}
                None => all_known = false,
            }
        }
        all_known.then_some(!short)
    }
}

/// `Fn::Equals` compares the string forms CloudFormation sees (`true` and `"true"` are equal).
fn equals(a: &Value, b: &Value, depth: usize) -> Option<bool> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let ValueKind::Choice { if_true, if_false, .. } = &a.kind {
        let (x, y) = (equals(if_true, b, depth + 1)?, equals(if_false, b, depth + 1)?);
        return (x == y).then_some(x);
    }
    if let ValueKind::Choice { .. } = &b.kind {
        return equals(b, a, depth + 1);
    }
    if let (Some(x), Some(y)) = (text_of(a), text_of(b)) {
        return Some(x == y);
    }
    if a.is_known() && b.is_known() {
        return Some(same_value(a, b));
    }
    // The same symbolic value (the same `Ref`, the same unknown parameter) equals itself.
    same_value(a, b).then_some(true)
}

fn text_of(v: &Value) -> Option<&str> {
    match &v.kind {
        ValueKind::Str(s) | ValueKind::Number(s) => Some(s),
        ValueKind::Bool(true) => Some("true"),
        ValueKind::Bool(false) => Some("false"),
        _ => None,
    }
}
