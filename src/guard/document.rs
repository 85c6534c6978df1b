//! The document Guard evaluates: the template as JSON plus the `Rotlint` section of reachability
//! facts (schema in `rules/guard/README.md`).

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value, json};

use crate::facts::{Facts, FunctionFacts};
use crate::network::{Outcome, Overall, SmReport, Via};
use crate::rotation::{RotationFunction, VpcAttachment};
use crate::source::tree::{NodeId, NodeKind, ScalarStyle, Span, Tree};

/// Top-level key of the computed section.
pub const SECTION: &str = "Rotlint";

/// What Guard sees, and where the functions of the `Rotlint` section are declared.
pub struct Document {
    pub json: Value,
    /// Logical id of each function in `Rotlint.RotationFunctions` → its resource key.
    pub functions: BTreeMap<String, Span>,
}

/// The template (only the part reachable from the root, so grafted stacks stay out) with the
/// `Rotlint` section added at the top level.
pub fn build(tree: &Tree, facts: &Facts<'_>) -> Document {
    let Some(root) = tree.root else {
        return Document { json: Value::Null, functions: BTreeMap::new() };
    };
    let mut json = to_json(tree, root);
    let own = tree.span(root);
    let mut functions = BTreeMap::new();
    let mut entries = Map::new();
    for (f, ff) in facts.functions() {
        if f.key_span.start < own.start || f.key_span.end > own.end {
            continue;
        }
        functions.entry(f.id.clone()).or_insert(f.key_span);
        entries.entry(f.id.clone()).or_insert_with(|| function_entry(f, ff));
    }
    if let Value::Object(map) = &mut json {
        map.insert(SECTION.to_owned(), json!({ "RotationFunctions": entries }));
    }
    Document { json, functions }
}

/// Post-order over the arena with an explicit stack: nesting depth costs heap, not stack.
fn to_json(tree: &Tree, root: NodeId) -> Value {
    enum Step {
        Enter(NodeId),
        Exit(NodeId),
    }
    let mut steps = vec![Step::Enter(root)];
    let mut done: Vec<Value> = Vec::new();
    while let Some(step) = steps.pop() {
        match step {
            Step::Enter(id) => match tree.node(id).kind {
                NodeKind::Scalar { .. } => done.push(scalar(tree, id)),
                NodeKind::Seq { .. } => {
                    steps.push(Step::Exit(id));
                    steps.extend(tree.seq(id).iter().rev().map(|&item| Step::Enter(item)));
                }
                NodeKind::Map { .. } => {
                    steps.push(Step::Exit(id));
                    steps.extend(tree.map(id).iter().rev().map(|pair| Step::Enter(pair.value)));
                }
            },
            Step::Exit(id) => {
                let children = done.split_off(done.len().saturating_sub(child_count(tree, id)));
                done.push(container(tree, id, children));
            }
        }
    }
    done.pop().unwrap_or(Value::Null)
}

fn child_count(tree: &Tree, id: NodeId) -> usize {
    if tree.is_seq(id) { tree.seq(id).len() } else { tree.map(id).len() }
}

/// A sequence or mapping from its already converted children. Of duplicate keys the first wins,
/// as in [`Tree::get`], so a failing path maps back to the value Guard saw.
fn container(tree: &Tree, id: NodeId, children: Vec<Value>) -> Value {
    if tree.is_seq(id) {
        return Value::Array(children);
    }
    let mut map = Map::new();
    for (pair, value) in tree.map(id).iter().zip(children) {
        map.entry(tree.key(pair).to_owned()).or_insert(value);
    }
    Value::Object(map)
}

/// Plain scalars are typed the way CloudFormation's YAML reads them (booleans, null, JSON-style
/// numbers); anything quoted, tagged `!!str` or unusual (`0755`, `yes`, `1_000`) stays a string.
fn scalar(tree: &Tree, id: NodeId) -> Value {
    let text = tree.scalar(id).unwrap_or_default();
    let node = tree.node(id);
    let str_tag = node.tag_span.is_some_and(|t| tree.slice(t) == "!!str");
    if tree.scalar_style(id) != Some(ScalarStyle::Plain) || str_tag {
        return Value::String(text.to_owned());
    }
    match text {
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        _ => serde_json::from_str::<Number>(text).map_or_else(|_| Value::String(text.to_owned()), Value::Number),
    }
}

fn function_entry(f: &RotationFunction, ff: &FunctionFacts) -> Value {
    let path = secrets_manager_path(f, ff.secrets_manager.as_ref());
    json!({
        "Type": f.type_name,
        "Kind": f.kind.word(),
        "InVpc": match f.vpc {
            VpcAttachment::NotInVpc => Some(false),
            VpcAttachment::InVpc { .. } => Some(true),
            VpcAttachment::Undecided(_) => None,
        },
        "SecretsManagerPath": path.name,
        "Endpoint": path.endpoint,
        "Nat": path.nat,
        "Target": ff.target.as_ref().map(|t| t.id.clone()),
        "TargetReachable": ff.target_path.as_ref().and_then(|t| match t.overall {
            Overall::All => Some(true),
            Overall::None | Overall::Some => Some(false),
            Overall::Unknown => None,
        }),
        "Schedules": f.schedules,
    })
}

struct SmPath {
    name: &'static str,
    endpoint: Option<String>,
    nat: Option<String>,
}

/// One word for how the function reaches Secrets Manager. Across subnets NAT wins over an
/// endpoint (a policy against NAT must see any subnet that uses it), a known path wins over an
/// unverifiable subnet, and `none` means every subnet is blocked.
fn secrets_manager_path(f: &RotationFunction, report: Option<&SmReport>) -> SmPath {
    let mut path = SmPath { name: "unknown", endpoint: None, nat: None };
    match (&f.vpc, report) {
        (VpcAttachment::NotInVpc, _) => path.name = "internet",
        (VpcAttachment::InVpc { .. }, Some(report)) => classify(report, &mut path),
        _ => {}
    }
    path
}

fn classify(report: &SmReport, path: &mut SmPath) {
    let (mut other, mut unknown) = (false, false);
    for (_, outcome) in &report.per_subnet {
        match outcome {
            Outcome::Reachable { via: Via::Endpoint(id), .. } => {
                path.endpoint.get_or_insert_with(|| id.clone());
            }
            Outcome::Reachable { via: Via::Nat(id), .. } => {
                path.nat.get_or_insert_with(|| id.clone());
            }
            Outcome::Reachable { .. } => other = true,
            Outcome::Unverifiable { .. } => unknown = true,
            Outcome::Blocked { .. } => {}
        }
    }
    path.name = if path.nat.is_some() {
        "nat"
    } else if path.endpoint.is_some() {
        "endpoint"
    } else if other {
        "internet"
    } else if unknown {
        "unknown"
    } else {
        "none"
    };
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::diagnostic::FileId;
    use crate::source::{Limits, load_bytes};
    use crate::template::Template;

    fn document(text: &str, name: &str) -> Value {
        let loaded = load_bytes(FileId(0), Path::new(name), text.as_bytes(), &Limits::default());
        let template = Template::from_tree(FileId(0), loaded.tree);
        let facts = Facts::build(&template, &BTreeMap::new(), &BTreeMap::new());
        build(&template.tree, &facts).json
    }

    #[test]
    fn scalars_are_typed_like_cloudformation_yaml() {
        let doc = document(
            "A: true\nB: 'true'\nC: 30\nD: \"30\"\nE: 0755\nF: 1.5\nG:\nH: yes\nI: !!str 12\nJ: !Ref X\nK: [1, two]\nA: 2\n",
            "t.yaml",
        );
        assert_eq!(doc["A"], json!(true));
        assert_eq!(doc["B"], json!("true"));
        assert_eq!(doc["C"], json!(30));
        assert_eq!(doc["D"], json!("30"));
        assert_eq!(doc["E"], json!("0755"));
        assert_eq!(doc["F"], json!(1.5));
        assert_eq!(doc["G"], Value::Null);
        assert_eq!(doc["H"], json!("yes"));
        assert_eq!(doc["I"], json!("12"));
        assert_eq!(doc["J"], json!({ "Ref": "X" }));
        assert_eq!(doc["K"], json!([1, "two"]));
        assert_eq!(doc[SECTION], json!({ "RotationFunctions": {} }));
    }

    #[test]
    fn json_literals_keep_their_types_and_integer_keys_become_strings() {
        let doc = document(r#"{"Mappings": {"M": {"1": {"v": 2}}}, "B": false, "S": "x"}"#, "t.json");
        assert_eq!(doc["Mappings"]["M"]["1"]["v"], json!(2));
        assert_eq!(doc["B"], json!(false));
        let yaml = document("Mappings:\n  M:\n    123:\n      v: 1\n", "t.yaml");
        assert_eq!(yaml["Mappings"]["M"]["123"]["v"], json!(1));
    }

    #[test]
    fn deep_nesting_converts_without_recursion() {
        let depth = 400;
        let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let loaded = load_bytes(FileId(0), Path::new("t.json"), text.as_bytes(), &Limits::default());
        let tree = loaded.tree;
        let Some(root) = tree.root else { panic!("no root") };
        let mut value = &to_json(&tree, root);
        let mut seen = 0;
        while let Value::Array(items) = value {
            seen += 1;
            value = &items[0];
        }
        assert_eq!((seen, value), (depth, &json!(1)));
    }
}
