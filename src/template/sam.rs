//! SAM `Globals.Function` merged into `AWS::Serverless::Function` properties.
//!
//! SAM merges the raw template before any intrinsic is resolved, so the merge looks at shapes in
//! the tree: plain maps merge key by key (the resource wins), plain lists concatenate with the
//! global entries first, and anything else — a scalar, or an intrinsic function, which SAM treats
//! as a primitive — is replaced by the resource's value.

use crate::source::tree::{NodeId, Tree};

use super::eval::{Evaluator, MAX_DEPTH, is_intrinsic};
use super::model::{Resource, Template, child};
use super::value::{Value, ValueKind};

pub(crate) const SERVERLESS_FUNCTION: &str = "AWS::Serverless::Function";

/// `Globals.Function` when it applies to the resource.
pub fn globals_for(template: &Template, res: &Resource) -> Option<NodeId> {
    (res.type_name == SERVERLESS_FUNCTION).then_some(template.globals_function).flatten()
}

/// A map or list written out in the template, as opposed to an intrinsic function.
fn is_plain(tree: &Tree, node: NodeId) -> bool {
    tree.is_seq(node) || (tree.is_map(node) && !is_plain_intrinsic(tree, node))
}

fn is_plain_intrinsic(tree: &Tree, node: NodeId) -> bool {
    tree.single_entry(node).is_some_and(|(key, _, _)| is_intrinsic(key))
}

fn is_plain_map(tree: &Tree, node: NodeId) -> bool {
    tree.is_map(node) && !is_plain_intrinsic(tree, node)
}

/// `segments` below the global and resource property nodes, merged, then evaluated.
pub(crate) fn lookup(
    ev: &Evaluator<'_>,
    mut global: Option<NodeId>,
    mut local: Option<NodeId>,
    segments: &[&str],
) -> Option<Value> {
    let tree = &ev.template().tree;
    for (i, segment) in segments.iter().enumerate() {
        let rest = &segments[i..];
        (global, local) = match (global, local) {
            (None, None) => return None,
            (Some(g), Some(l)) if is_plain_map(tree, g) && is_plain_map(tree, l) => {
                (tree.get(g, segment), tree.get(l, segment))
            }
            // Different shapes: the resource's value replaces the global one.
            (_, Some(l)) if is_plain(tree, l) => (None, child(tree, l, segment)),
            (_, Some(l)) => return descend(ev.eval(l), rest, 0),
            (Some(g), None) if is_plain(tree, g) => (child(tree, g, segment), None),
            (Some(g), None) => return descend(ev.eval(g), rest, 0),
        };
    }
    match (global, local) {
        (None, None) => None,
        (Some(g), None) => Some(ev.eval(g)),
        (None, Some(l)) => Some(ev.eval(l)),
        (Some(g), Some(l)) => Some(merge(ev, g, l, 0)),
    }
}

/// The merged value of a global and a resource node.
fn merge(ev: &Evaluator<'_>, global: NodeId, local: NodeId, depth: usize) -> Value {
    let tree = &ev.template().tree;
    let span = tree.span(local);
    if depth > MAX_DEPTH {
        return Value::unknown("nesting too deep", span);
    }
    if is_plain_map(tree, global) && is_plain_map(tree, local) {
        let mut entries = Vec::new();
        for pair in tree.map(global) {
            let key = tree.key(pair);
            let value = match tree.get_pair(local, key) {
                Some(mine) => merge(ev, pair.value, mine.value, depth + 1),
                None => ev.eval(pair.value),
            };
            entries.push((key.to_owned(), pair.key_span, value));
        }
        for pair in tree.map(local) {
            let key = tree.key(pair);
            if tree.get_pair(global, key).is_none() {
                entries.push((key.to_owned(), pair.key_span, ev.eval(pair.value)));
            }
        }
        entries.retain(|(_, _, v)| !v.is_no_value());
        return Value::new(ValueKind::Map(entries), span);
    }
    if tree.is_seq(global) && tree.is_seq(local) {
        let mut items = ev.eval(global).as_list().map(<[Value]>::to_vec).unwrap_or_default();
        items.extend(ev.eval(local).as_list().map(<[Value]>::to_vec).unwrap_or_default());
        return Value::new(ValueKind::List(items), span);
    }
    ev.eval(local)
}

/// Walks an evaluated value; an undecided choice is walked in both branches (a branch without
/// the key becomes `NoValue`).
fn descend(value: Value, segments: &[&str], depth: usize) -> Option<Value> {
    let Some((segment, rest)) = segments.split_first() else {
        return Some(value);
    };
    if depth > MAX_DEPTH {
        return None;
    }
    match value.kind {
        ValueKind::Map(_) => descend(value.get(segment)?.clone(), rest, depth + 1),
        ValueKind::List(items) => {
            let index: usize = segment.parse().ok()?;
            descend(items.into_iter().nth(index)?, rest, depth + 1)
        }
        ValueKind::Choice { condition, if_true, if_false } => {
            let a = descend(*if_true, segments, depth + 1);
            let b = descend(*if_false, segments, depth + 1);
            if a.is_none() && b.is_none() {
                return None;
            }
            let no_value = || Value::new(ValueKind::NoValue, value.span);
            let if_true = Box::new(a.unwrap_or_else(no_value));
            let if_false = Box::new(b.unwrap_or_else(no_value));
            Some(Value::new(ValueKind::Choice { condition, if_true, if_false }, value.span))
        }
        _ => None,
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed lookup is a failed test")]
mod tests {
    use crate::template::{Evaluator, ValueKind, parse};

    const TEMPLATE: &str = "
Transform: AWS::Serverless-2016-10-31
Parameters:
  Subnets: {Type: CommaDelimitedList, Default: 'subnet-p'}
  Free: {Type: String}
Conditions:
  InVpc: !Equals [!Ref Free, yes]
Globals:
  Function:
    Timeout: 10
    Runtime: python3.12
    VpcConfig:
      SubnetIds: [subnet-g1, subnet-g2]
      SecurityGroupIds: [sg-g]
    Environment:
      Variables: {A: global, B: global}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 30
      VpcConfig:
        SubnetIds: [subnet-l]
      Environment:
        Variables: {B: local}
  Bare:
    Type: AWS::Serverless::Function
    Properties: {Handler: x}
  ParamList:
    Type: AWS::Serverless::Function
    Properties:
      VpcConfig:
        SubnetIds: !Ref Subnets
  Conditional:
    Type: AWS::Serverless::Function
    Properties:
      VpcConfig: !If [InVpc, {SubnetIds: [subnet-c]}, !Ref AWS::NoValue]
  Plain:
    Type: AWS::Lambda::Function
    Properties: {Handler: x}
";

    fn texts(v: &crate::template::Value) -> Vec<&str> {
        v.as_list().unwrap().iter().map(|i| i.as_str().unwrap()).collect()
    }

    #[test]
    fn lists_prepend_globals_and_maps_merge() {
        let t = parse(TEMPLATE);
        let ev = Evaluator::new(&t);
        let fun = t.resource("Fn").unwrap();
        let subnets = ev.property(fun, "VpcConfig.SubnetIds").unwrap();
        assert_eq!(texts(&subnets), ["subnet-g1", "subnet-g2", "subnet-l"]);
        assert_eq!(texts(&ev.property(fun, "VpcConfig.SecurityGroupIds").unwrap()), ["sg-g"]);
        assert_eq!(ev.property(fun, "Timeout").unwrap().as_str(), Some("30"));
        assert_eq!(ev.property(fun, "Runtime").unwrap().as_str(), Some("python3.12"));
        let vars = ev.property(fun, "Environment.Variables").unwrap();
        assert_eq!(vars.get("A").and_then(|v| v.as_str()), Some("global"));
        assert_eq!(vars.get("B").and_then(|v| v.as_str()), Some("local"));
        let whole = ev.property(fun, "VpcConfig").unwrap();
        assert_eq!(texts(whole.get("SubnetIds").unwrap()).len(), 3);
    }

    #[test]
    fn inherited_vpc_and_intrinsics_replace() {
        let t = parse(TEMPLATE);
        let ev = Evaluator::new(&t);
        let bare = t.resource("Bare").unwrap();
        assert_eq!(texts(&ev.property(bare, "VpcConfig.SubnetIds").unwrap()), ["subnet-g1", "subnet-g2"]);
        // SAM treats an intrinsic as a primitive: the resource's `!Ref` replaces the global list.
        let param = t.resource("ParamList").unwrap();
        assert_eq!(texts(&ev.property(param, "VpcConfig.SubnetIds").unwrap()), ["subnet-p"]);
        let cond = t.resource("Conditional").unwrap();
        let subnets = ev.property(cond, "VpcConfig.SubnetIds").unwrap();
        let ValueKind::Choice { if_false, .. } = &subnets.kind else { panic!("{subnets:?}") };
        assert!(if_false.is_no_value());
        assert!(ev.property(t.resource("Plain").unwrap(), "VpcConfig").is_none());
        assert!(t.property(bare, "VpcConfig").is_none());
    }
}
