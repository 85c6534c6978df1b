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

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed lookup is a failed test")]
mod tests {
    use std::collections::BTreeMap;

    use crate::template::{Evaluator, parse};

    const TEMPLATE: &str = "
Parameters:
  Env: {Type: String, Default: prod}
  Free: {Type: String}
  Flag: {Type: String, Default: 'true'}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  FreeX: !Equals [!Ref Free, x]
  Both: !And [!Condition IsProd, !Condition FreeX]
  Either: !Or [!Condition IsProd, !Condition FreeX]
  DevAndFree: !And [!Condition IsDev, !Condition FreeX]
  FlagOn: !Equals [!Ref Flag, true]
  SameParam: !Equals [!Ref Free, !Ref Free]
  Loop1: !Condition Loop2
  Loop2: !Not [!Condition Loop1]
  SelfLoop: !And [!Condition SelfLoop, !Condition IsProd]
Resources:
  R: {Type: AWS::S3::Bucket, Condition: FreeX}
  S: {Type: AWS::S3::Bucket, Condition: IsProd}
  T: {Type: AWS::S3::Bucket}
";

    #[test]
    fn decides_over_defaults() {
        let t = parse(TEMPLATE);
        let ev = Evaluator::new(&t);
        assert_eq!(ev.condition("IsProd"), Some(true));
        assert_eq!(ev.condition("IsDev"), Some(false));
        assert_eq!(ev.condition("FreeX"), None);
        assert_eq!(ev.condition("Both"), None);
        assert_eq!(ev.condition("Either"), Some(true));
        assert_eq!(ev.condition("DevAndFree"), Some(false));
        assert_eq!(ev.condition("FlagOn"), Some(true));
        assert_eq!(ev.condition("SameParam"), Some(true));
        assert_eq!(ev.condition("Missing"), None);
    }

    #[test]
    fn override_changes_equals() {
        let t = parse(TEMPLATE);
        let overrides = BTreeMap::from([("Env".to_owned(), "dev".to_owned())]);
        let ev = Evaluator::new(&t).with_parameters(overrides);
        assert_eq!(ev.condition("IsProd"), Some(false));
        assert_eq!(ev.condition("IsDev"), Some(true));
        assert_eq!(ev.condition("Either"), None);
    }

    #[test]
    fn forced_conditions_propagate() {
        let t = parse(TEMPLATE);
        let fixed = BTreeMap::from([("FreeX".to_owned(), true)]);
        let ev = Evaluator::new(&t).with_conditions(fixed);
        assert_eq!(ev.condition("Both"), Some(true));
        assert_eq!(ev.resource_exists(t.resource("R").unwrap()), Some(true));
    }

    #[test]
    fn cycles_are_undecided() {
        let t = parse(TEMPLATE);
        let ev = Evaluator::new(&t);
        assert_eq!(ev.condition("Loop1"), None);
        assert_eq!(ev.condition("Loop2"), None);
        assert_eq!(ev.condition("SelfLoop"), None);
    }

    #[test]
    fn resource_existence() {
        let t = parse(TEMPLATE);
        let ev = Evaluator::new(&t);
        assert_eq!(ev.resource_exists(t.resource("R").unwrap()), None);
        assert_eq!(ev.resource_exists(t.resource("S").unwrap()), Some(true));
        assert_eq!(ev.resource_exists(t.resource("T").unwrap()), Some(true));
        assert_eq!(ev.resource_undecided_conditions(t.resource("R").unwrap()), ["FreeX"]);
    }
}
