//! Helpers for reading symbolic values the way rotation properties use them.

use crate::template::{Template, Value, ValueKind};

/// Split a comma-joined string (`HostedRotationLambda.VpcSubnetIds`, SAR `vpcSubnetIds`) into its
/// items. Works on literal strings and on `Fn::Join`/`Fn::Sub` results whose literal pieces hold
/// the commas; a YAML list (wrong for these properties, see RL305) is returned item by item.
pub fn split_comma_list(value: &Value) -> Vec<Value> {
    match &value.kind {
        ValueKind::List(items) => items.iter().filter(|v| !v.is_no_value()).cloned().collect(),
        ValueKind::Str(s) => {
            s.split(',').map(str::trim).filter(|p| !p.is_empty()).map(|p| Value::str(p, value.span)).collect()
        }
        ValueKind::Concat(parts) => split_concat(parts, value),
        ValueKind::NoValue => Vec::new(),
        _ => vec![value.clone()],
    }
}

fn split_concat(parts: &[Value], whole: &Value) -> Vec<Value> {
    let mut items = Vec::new();
    let mut current: Vec<Value> = Vec::new();
    let flush = |current: &mut Vec<Value>, items: &mut Vec<Value>| {
        let piece = std::mem::take(current);
        match piece.len() {
            0 => {}
            1 => items.extend(piece),
            _ => items.push(Value::new(ValueKind::Concat(piece), whole.span)),
        }
    };
    for part in parts {
        let ValueKind::Str(text) = &part.kind else {
            current.push(part.clone());
            continue;
        };
        let mut pieces = text.split(',').peekable();
        while let Some(piece) = pieces.next() {
            let piece = piece.trim();
            if !piece.is_empty() {
                current.push(Value::str(piece, part.span));
            }
            if pieces.peek().is_some() {
                flush(&mut current, &mut items);
            }
        }
    }
    flush(&mut current, &mut items);
    items
}

/// Logical ids of resources of `type_name` that the value refers to (`Ref`, `GetAtt`), anywhere
/// inside it.
pub fn references_of_type(template: &Template, value: &Value, type_name: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match &v.kind {
            ValueKind::Ref(id) | ValueKind::GetAtt { resource: id, .. }
                if template.resource(id).is_some_and(|r| r.type_name == type_name) && !found.contains(id) =>
            {
                found.push(id.clone());
            }
            ValueKind::List(items) | ValueKind::Concat(items) => stack.extend(items),
            ValueKind::Map(entries) => stack.extend(entries.iter().map(|(_, _, v)| v)),
            ValueKind::Import(inner) => stack.push(inner),
            ValueKind::Choice { if_true, if_false, .. } => {
                stack.push(if_true);
                stack.push(if_false);
            }
            _ => {}
        }
    }
    found
}
