//! An IAM policy document as plain data: written in the template as YAML/JSON, or as a JSON
//! string. Anything symbolic (a parameter, an import, an unresolved `Fn::Sub`) stays `Opaque`, so
//! the evaluator can say "unknown" instead of guessing.

use crate::template::{Value, ValueKind};

/// Nesting a policy needs (`Statement[].Condition.<op>.<key>[]` is five levels).
const DEPTH: usize = 16;

#[derive(Clone, Debug)]
pub(super) enum Pv {
    Str(String),
    List(Vec<Pv>),
    Map(Vec<(String, Pv)>),
    Opaque,
}

impl Pv {
    /// The document `value` holds: parsed JSON when it is a string, the value's own structure
    /// otherwise; `None` for a string that is not JSON.
    pub(super) fn parse(value: &Value) -> Option<Pv> {
        match &value.kind {
            ValueKind::Str(text) => serde_json::from_str::<serde_json::Value>(text).ok().map(|j| Pv::from_json(&j, 0)),
            _ => Some(Pv::from_value(value, 0)),
        }
    }

    fn from_value(value: &Value, depth: usize) -> Pv {
        if depth > DEPTH {
            return Pv::Opaque;
        }
        match &value.kind {
            ValueKind::Str(s) | ValueKind::Number(s) => Pv::Str(s.clone()),
            ValueKind::Bool(b) => Pv::Str(b.to_string()),
            ValueKind::List(items) => {
                Pv::List(items.iter().filter(|v| !v.is_no_value()).map(|v| Pv::from_value(v, depth + 1)).collect())
            }
            ValueKind::Map(entries) => Pv::Map(
                entries
                    .iter()
                    .filter(|(_, _, v)| !v.is_no_value())
                    .map(|(k, _, v)| (k.clone(), Pv::from_value(v, depth + 1)))
                    .collect(),
            ),
            _ => Pv::Opaque,
        }
    }

    fn from_json(value: &serde_json::Value, depth: usize) -> Pv {
        if depth > DEPTH {
            return Pv::Opaque;
        }
        match value {
            serde_json::Value::String(s) => Pv::Str(s.clone()),
            serde_json::Value::Bool(b) => Pv::Str(b.to_string()),
            serde_json::Value::Number(n) => Pv::Str(n.to_string()),
            serde_json::Value::Array(items) => Pv::List(items.iter().map(|v| Pv::from_json(v, depth + 1)).collect()),
            serde_json::Value::Object(map) => {
                Pv::Map(map.iter().map(|(k, v)| (k.clone(), Pv::from_json(v, depth + 1))).collect())
            }
            serde_json::Value::Null => Pv::Opaque,
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&Pv> {
        match self {
            Pv::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A string or list of strings; `None` if anything is symbolic.
    pub(super) fn strings(&self) -> Option<Vec<&str>> {
        match self {
            Pv::Str(s) => Some(vec![s.as_str()]),
            Pv::List(items) => items.iter().map(|i| if let Pv::Str(s) = i { Some(s.as_str()) } else { None }).collect(),
            _ => None,
        }
    }

    /// The items of a list, or the value itself (IAM allows one statement without a list).
    pub(super) fn as_list(&self) -> Vec<&Pv> {
        match self {
            Pv::List(items) => items.iter().collect(),
            other => vec![other],
        }
    }
}
