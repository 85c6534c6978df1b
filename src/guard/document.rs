//! The document Guard evaluates: the template as JSON plus the `Rotlint` section of reachability
//! facts (schema in `rules/guard/README.md`).

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value, json};

use crate::aws::calls::Evidence;
use crate::facts::{Facts, FunctionFacts};
use crate::network::{ApiReport, EndpointKind, Network, Outcome, Overall, Runner, Via};
use crate::rotation::{RotationFunction, VpcAttachment};
use crate::source::tree::{NodeId, NodeKind, ScalarStyle, Span, Tree};
use crate::template::ValueKind;
use crate::workload::ecs::{Purpose, TaskFacts};
use crate::workload::lambda::FunctionCalls;

/// Top-level key of the computed section.
pub const SECTION: &str = "Rotlint";

/// What Guard sees, and where the functions of the `Rotlint` section are declared.
pub struct Document {
    /// The document as compact JSON text, which is what cfn-guard reads.
    pub json: String,
    /// Logical id of each function in `Rotlint.RotationFunctions` → its resource key.
    pub functions: BTreeMap<String, Span>,
}

/// How much of a document Guard is given. cfn-guard keeps every node with its full path, copies
/// the document once per rule file and once more per run (a generated 1 MB template of 35,000
/// values takes it about 200 MiB), and its loader moves a mapping's entries one by one to the
/// front (time grows with the square of a mapping's width). A document over any of these is not
/// evaluated at all. The largest template of the 2,859 in the corpus has 3,540 values;
/// CloudFormation itself accepts at most 1 MB and 500 resources.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Bytes of JSON text.
    pub bytes: usize,
    /// Nodes: scalars, sequences and mappings.
    pub nodes: usize,
    /// Sum over mappings of their entry count squared.
    pub width_squares: u64,
    /// Sum over nodes of their path's length (the path grows with depth and key length).
    pub path_bytes: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { bytes: 2 * 1024 * 1024, nodes: 40_000, width_squares: 100_000_000, path_bytes: 16 * 1024 * 1024 }
    }
}

/// Why a document was not built: what went over the budget, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverBudget {
    pub what: String,
    pub span: Span,
}

/// The template (only the part reachable from the root, so grafted stacks stay out) with the
/// `Rotlint` section added at the top level (in place of a `Rotlint` key of the template's own).
/// The facts are the engine's own for the template (built once for rules, Guard and `paths`), so
/// a template too large for Guard costs no extra fact building.
pub fn build(tree: &Tree, facts: &Facts<'_>, budget: &Budget) -> Result<Document, OverBudget> {
    let Some(root) = tree.root else {
        return Ok(Document { json: "null".to_owned(), functions: BTreeMap::new() });
    };
    let mut writer =
        Writer { tree, budget, out: Vec::new(), nodes: 0, width_squares: 0, path_bytes: 0, section_at: None };
    writer.document(root)?;
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
    let mut tasks = Map::new();
    for tf in &facts.tasks {
        if tf.task.key_span.start < own.start || tf.task.key_span.end > own.end {
            continue;
        }
        tasks.entry(tf.task.id.clone()).or_insert_with(|| task_entry(tf));
    }
    let mut calls = Map::new();
    for fc in &facts.calls {
        if fc.key_span.start < own.start || fc.key_span.end > own.end {
            continue;
        }
        let rotation = facts.rotations.function(&fc.id).is_some();
        calls.entry(fc.id.clone()).or_insert_with(|| calls_entry(fc, rotation, &facts.network));
    }
    let mut out = writer.out;
    if let Some(at) = writer.section_at {
        let section = json!({ "RotationFunctions": entries, "Tasks": tasks, "Functions": calls }).to_string();
        out.splice(at..at, section.into_bytes());
    }
    // Every piece written is valid UTF-8: `{`, `[`, `,`, `:` and serde_json's own output.
    let json = String::from_utf8(out).unwrap_or_default();
    Ok(Document { json, functions })
}

/// Writes the tree as JSON text, pre-order with an explicit stack: nesting depth costs heap, not
/// stack. Of duplicate keys the first wins, as in [`Tree::get`], so a failing path maps back to
/// the value Guard saw.
struct Writer<'a> {
    tree: &'a Tree,
    budget: &'a Budget,
    out: Vec<u8>,
    nodes: usize,
    width_squares: u64,
    path_bytes: usize,
    /// Where the `Rotlint` section's value goes, once the facts are known.
    section_at: Option<usize>,
}

enum Step<'t> {
    /// A value, and the length of its path (`/Resources/Q/Type`: cfn-guard keeps one per node).
    Value(NodeId, usize),
    /// A mapping entry: separator needed, key, value, the length of the mapping's path.
    Entry(bool, &'t str, NodeId, usize),
    /// The `Rotlint` section, in place of (or after) the root's entries.
    Section(bool),
    Text(&'static str),
}

impl<'a> Writer<'a> {
    fn document(&mut self, root: NodeId) -> Result<(), OverBudget> {
        let tree = self.tree;
        let mut steps: Vec<Step<'a>> = Vec::new();
        if tree.is_map(root) {
            self.count(root, 0)?;
            self.out.push(b'{');
            steps.push(Step::Text("}"));
            let pairs = self.unique_pairs(root);
            if !pairs.iter().any(|(key, _)| *key == SECTION) {
                steps.push(Step::Section(!pairs.is_empty()));
            }
            for (i, (key, value)) in pairs.into_iter().enumerate().rev() {
                if key == SECTION {
                    steps.push(Step::Section(i > 0));
                } else {
                    steps.push(Step::Entry(i > 0, key, value, 0));
                }
            }
        } else {
            steps.push(Step::Value(root, 0));
        }
        while let Some(step) = steps.pop() {
            match step {
                Step::Text(text) => self.out.extend_from_slice(text.as_bytes()),
                Step::Section(comma) => {
                    if comma {
                        self.out.push(b',');
                    }
                    self.string(SECTION);
                    self.out.push(b':');
                    self.section_at = Some(self.out.len());
                }
                Step::Entry(comma, key, value, path) => {
                    if comma {
                        self.out.push(b',');
                    }
                    self.string(key);
                    self.out.push(b':');
                    steps.push(Step::Value(value, path + 1 + key.len()));
                }
                Step::Value(id, path) => self.value(id, path, &mut steps)?,
            }
            if self.out.len() > self.budget.bytes {
                let span = tree.span(root);
                let what = format!("more than {} KiB as JSON", self.budget.bytes / 1024);
                return Err(OverBudget { what, span: Span::new(span.start as usize, span.start as usize) });
            }
        }
        Ok(())
    }

    fn value(&mut self, id: NodeId, path: usize, steps: &mut Vec<Step<'a>>) -> Result<(), OverBudget> {
        let tree = self.tree;
        self.count(id, path)?;
        match tree.kind(id) {
            NodeKind::Scalar(_) => {
                let value = scalar(tree, id);
                match &value {
                    Value::String(text) => self.string(text),
                    other => self.out.extend_from_slice(other.to_string().as_bytes()),
                }
            }
            NodeKind::Seq => {
                self.out.push(b'[');
                steps.push(Step::Text("]"));
                for (i, &item) in tree.seq(id).iter().enumerate().rev() {
                    steps.push(Step::Value(item, path + 1 + i.to_string().len()));
                    if i > 0 {
                        steps.push(Step::Text(","));
                    }
                }
            }
            NodeKind::Map => {
                self.out.push(b'{');
                steps.push(Step::Text("}"));
                for (i, (key, value)) in self.unique_pairs(id).into_iter().enumerate().rev() {
                    steps.push(Step::Entry(i > 0, key, value, path));
                }
            }
        }
        Ok(())
    }

    /// A mapping's entries, the first of duplicate keys only, in source order.
    fn unique_pairs(&self, id: NodeId) -> Vec<(&'a str, NodeId)> {
        let tree = self.tree;
        let pairs = tree.map(id);
        let mut seen = std::collections::HashSet::with_capacity(pairs.len());
        pairs.iter().map(|p| (tree.key(p), p.value)).filter(|(key, _)| seen.insert(*key)).collect()
    }

    /// Counts one node against the budget (a mapping by its width too).
    fn count(&mut self, id: NodeId, path: usize) -> Result<(), OverBudget> {
        let tree = self.tree;
        self.nodes += 1;
        if self.nodes > self.budget.nodes {
            let what = format!("more than {} values", self.budget.nodes);
            return Err(OverBudget { what, span: key_or_node(tree, id) });
        }
        self.path_bytes += path;
        if self.path_bytes > self.budget.path_bytes {
            let what = format!(
                "more than {} KiB of property paths (deep nesting under long keys)",
                self.budget.path_bytes / 1024
            );
            return Err(OverBudget { what, span: key_or_node(tree, id) });
        }
        if tree.is_map(id) {
            let width = tree.map(id).len() as u64;
            self.width_squares += width * width;
            if self.width_squares > self.budget.width_squares {
                let what = format!("a mapping of {width} keys");
                return Err(OverBudget { what, span: key_or_node(tree, id) });
            }
        }
        Ok(())
    }

    fn string(&mut self, text: &str) {
        // serde_json's escaping, so the text is exactly what a `Value` would print. Writing to a
        // `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut self.out, text);
    }
}

/// The start of a node, as an empty span (the finding goes at its key when it has one).
fn key_or_node(tree: &Tree, id: NodeId) -> Span {
    let start = tree.span(id).start as usize;
    Span::new(start, start)
}

/// Plain scalars are typed the way CloudFormation's YAML reads them (booleans, null, JSON-style
/// numbers); anything quoted, tagged `!!str` or unusual (`0755`, `yes`, `1_000`) stays a string.
fn scalar(tree: &Tree, id: NodeId) -> Value {
    let text = tree.scalar(id).unwrap_or_default();
    let str_tag = tree.tag_span(id).is_some_and(|t| tree.slice(t) == "!!str");
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

/// A Fargate task: where it runs, what it needs before its containers start, and how each
/// service it needs is reached.
fn task_entry(tf: &TaskFacts) -> Value {
    let names = |values: &[crate::template::Value]| -> Vec<String> {
        values
            .iter()
            .map(|v| match &v.kind {
                ValueKind::Ref(id) | ValueKind::GetAtt { resource: id, .. } => id.clone(),
                _ => v.display(),
            })
            .collect()
    };
    let placement = tf.workload.placement.as_ref();
    let mut needs: Vec<&str> = Vec::new();
    let services: Vec<Value> = tf
        .answers
        .iter()
        .map(|(purpose, service, report)| {
            let purpose = purpose_word(*purpose);
            if !needs.contains(&purpose) {
                needs.push(purpose);
            }
            let path = task_path(report.per_subnet.iter().map(|(_, o)| o));
            json!({
                "Service": if service.endpoint.is_empty() { "registry" } else { service.endpoint },
                "Purpose": purpose,
                "Path": path.name,
                "Endpoint": path.endpoint,
                "Nat": path.nat,
                "InternetGateway": path.internet_gateway,
            })
        })
        .collect();
    json!({
        "Type": tf.task.type_name,
        "TaskDefinition": tf.task.task_definition,
        "Subnets": placement.map(|p| names(&p.subnets)).unwrap_or_default(),
        "SecurityGroups": placement.map(|p| names(&p.security_groups)).unwrap_or_default(),
        "AssignPublicIp": placement.is_some_and(|p| p.runner == Runner::Task { public_ip: true }),
        "Needs": needs,
        "Services": services,
    })
}

fn purpose_word(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Image => "image",
        Purpose::Secrets => "secrets",
        Purpose::Logs => "logs",
    }
}

struct TaskPath {
    name: &'static str,
    endpoint: Option<String>,
    nat: Option<String>,
    internet_gateway: Option<String>,
}

/// A Lambda function in a VPC: the AWS services it calls, by IAM prefix, with the evidence and
/// how each is reached.
fn calls_entry(fc: &FunctionCalls, rotation: bool, network: &Network) -> Value {
    let mut services = Map::new();
    for (index, need) in fc.needs.services.iter().enumerate() {
        let reports: Vec<&ApiReport> = fc.answers.iter().filter(|a| a.need == index).map(|a| &a.report).collect();
        if reports.is_empty() {
            // Answered elsewhere (a rotation function's Secrets Manager) or not from the
            // function's network (a Kafka event source).
            continue;
        }
        let outcomes = || reports.iter().flat_map(|r| r.per_subnet.iter().map(|(_, o)| o));
        let path = task_path(outcomes());
        let status = if outcomes().all(Outcome::is_reachable) {
            "reachable"
        } else if outcomes().any(|o| matches!(o, Outcome::Blocked { .. })) {
            "blocked"
        } else {
            "undecided"
        };
        let endpoint_type = path.endpoint.as_ref().and_then(|id| network.endpoints.get(id)).map(|e| match e.kind {
            EndpointKind::Gateway => "gateway",
            _ => "interface",
        });
        let entry = json!({
            "Service": need.service.prefix,
            "Evidence": match need.evidence {
                Evidence::Strong => "strong",
                Evidence::Weak => "weak",
            },
            "Status": status,
            "Path": path.name,
            "Endpoint": path.endpoint,
            "EndpointType": endpoint_type,
            "Nat": path.nat,
            "InternetGateway": path.internet_gateway,
        });
        services.entry(need.service.prefix.to_owned()).or_insert(entry);
    }
    json!({
        "Type": fc.type_name,
        "Rotation": rotation,
        "CallsKnown": fc.needs.unknown.is_empty() && fc.needs.unlisted.is_empty(),
        "Services": services,
    })
}

/// One word for how a workload reaches a service, across its subnets: a way out to the internet
/// (NAT, then an internet gateway) wins over an endpoint, a known path over an unverifiable
/// subnet, and `none` means every subnet is blocked.
fn task_path<'r>(outcomes: impl Iterator<Item = &'r Outcome>) -> TaskPath {
    let mut path = TaskPath { name: "unknown", endpoint: None, nat: None, internet_gateway: None };
    let (mut other, mut unknown) = (false, false);
    for outcome in outcomes {
        match outcome {
            Outcome::Reachable { via: Via::Endpoint(id), .. } => {
                path.endpoint.get_or_insert_with(|| id.clone());
            }
            Outcome::Reachable { via: Via::Nat(id), .. } => {
                path.nat.get_or_insert_with(|| id.clone());
            }
            Outcome::Reachable { via: Via::InternetGateway(id), .. } => {
                path.internet_gateway.get_or_insert_with(|| id.clone());
            }
            Outcome::Reachable { .. } => other = true,
            Outcome::Unverifiable { .. } => unknown = true,
            Outcome::Blocked { .. } => {}
        }
    }
    path.name = if path.nat.is_some() {
        "nat"
    } else if path.internet_gateway.is_some() {
        "internet-gateway"
    } else if path.endpoint.is_some() {
        "endpoint"
    } else if other {
        "internet"
    } else if unknown {
        "unknown"
    } else {
        "none"
    };
    path
}

struct SmPath {
    name: &'static str,
    endpoint: Option<String>,
    nat: Option<String>,
}

/// One word for how the function reaches Secrets Manager. Across subnets NAT wins over an
/// endpoint (a policy against NAT must see any subnet that uses it), a known path wins over an
/// unverifiable subnet, and `none` means every subnet is blocked.
fn secrets_manager_path(f: &RotationFunction, report: Option<&ApiReport>) -> SmPath {
    let mut path = SmPath { name: "unknown", endpoint: None, nat: None };
    match (&f.vpc, report) {
        (VpcAttachment::NotInVpc, _) => path.name = "internet",
        (VpcAttachment::InVpc { .. }, Some(report)) => classify(report, &mut path),
        _ => {}
    }
    path
}

fn classify(report: &ApiReport, path: &mut SmPath) {
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

    fn text(source: &str, name: &str, budget: &Budget) -> Result<String, OverBudget> {
        let loaded = load_bytes(FileId(0), Path::new(name), source.as_bytes(), &Limits::default());
        let template = Template::from_tree(FileId(0), loaded.tree);
        let facts = Facts::build(&template, &BTreeMap::new(), &BTreeMap::new());
        build(&template.tree, &facts, budget).map(|d| d.json)
    }

    fn document(source: &str, name: &str) -> Value {
        let json = text(source, name, &Budget::default()).unwrap_or_default();
        serde_json::from_str(&json).unwrap_or_default()
    }

    /// The document as the earlier code built it: a `serde_json::Value`, printed. The text
    /// written directly must be the same, byte for byte.
    fn reference(source: &str, name: &str) -> String {
        fn to_json(tree: &Tree, id: NodeId) -> Value {
            match tree.kind(id) {
                NodeKind::Scalar(_) => scalar(tree, id),
                NodeKind::Seq => Value::Array(tree.seq(id).iter().map(|&i| to_json(tree, i)).collect()),
                NodeKind::Map => {
                    let mut map = Map::new();
                    for pair in tree.map(id) {
                        map.entry(tree.key(pair).to_owned()).or_insert_with(|| to_json(tree, pair.value));
                    }
                    Value::Object(map)
                }
            }
        }
        let loaded = load_bytes(FileId(0), Path::new(name), source.as_bytes(), &Limits::default());
        let template = Template::from_tree(FileId(0), loaded.tree);
        let facts = Facts::build(&template, &BTreeMap::new(), &BTreeMap::new());
        let tree = &template.tree;
        let Some(root) = tree.root else { return "null".to_owned() };
        let mut json = to_json(tree, root);
        let mut entries = Map::new();
        for (f, ff) in facts.functions() {
            entries.entry(f.id.clone()).or_insert_with(|| function_entry(f, ff));
        }
        let mut tasks = Map::new();
        for tf in &facts.tasks {
            tasks.entry(tf.task.id.clone()).or_insert_with(|| task_entry(tf));
        }
        let mut calls = Map::new();
        for fc in &facts.calls {
            let rotation = facts.rotations.function(&fc.id).is_some();
            calls.entry(fc.id.clone()).or_insert_with(|| calls_entry(fc, rotation, &facts.network));
        }
        if let Value::Object(map) = &mut json {
            map.insert(SECTION.to_owned(), json!({ "RotationFunctions": entries, "Tasks": tasks, "Functions": calls }));
        }
        json.to_string()
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
        assert_eq!(doc[SECTION], json!({ "RotationFunctions": {}, "Tasks": {}, "Functions": {} }));
    }

    #[test]
    fn fargate_tasks_get_placement_needs_and_paths() {
        let source =
            std::fs::read_to_string("testdata/RL502/pass/private-fargate-all-endpoints.yaml").unwrap_or_default();
        let doc = document(&source, "t.yaml");
        let task = &doc[SECTION]["Tasks"]["Service"];
        assert_eq!(task["Type"], json!("AWS::ECS::Service"));
        assert_eq!(task["TaskDefinition"], json!("TaskDef"));
        assert_eq!(task["Subnets"], json!(["PrivateA", "PrivateB"]));
        assert_eq!(task["SecurityGroups"], json!(["TaskSg"]));
        assert_eq!(task["AssignPublicIp"], json!(false));
        assert_eq!(task["Needs"], json!(["image", "secrets", "logs"]));
        let services = task["Services"].as_array().cloned().unwrap_or_default();
        let path = |name: &str| services.iter().find(|s| s["Service"] == json!(name)).map(|s| s["Path"].clone());
        assert_eq!(path("ecr.api"), Some(json!("endpoint")));
        assert_eq!(path("s3"), Some(json!("endpoint")));
        assert_eq!(path("secretsmanager"), Some(json!("endpoint")));
        assert_eq!(path("logs"), Some(json!("endpoint")));
        let blocked = std::fs::read_to_string("testdata/RL503/fail/no-logs-endpoint.yaml").unwrap_or_default();
        let doc = document(&blocked, "t.yaml");
        let services = doc[SECTION]["Tasks"]["Service"]["Services"].as_array().cloned().unwrap_or_default();
        let logs = services.iter().find(|s| s["Service"] == json!("logs")).map(|s| s["Path"].clone());
        assert_eq!(logs, Some(json!("none")));
    }

    #[test]
    fn vpc_functions_get_their_services_by_iam_prefix() {
        let source = std::fs::read_to_string("testdata/paths/lambda-endpoints.yaml").unwrap_or_default();
        let doc = document(&source, "t.yaml");
        let worker = &doc[SECTION]["Functions"]["Worker"];
        assert_eq!(worker["Type"], json!("AWS::Lambda::Function"));
        assert_eq!(worker["Rotation"], json!(false));
        assert_eq!(worker["CallsKnown"], json!(true));
        assert_eq!(
            worker["Services"]["s3"],
            json!({
                "Service": "s3", "Evidence": "strong", "Status": "reachable", "Path": "endpoint",
                "Endpoint": "S3Gateway", "EndpointType": "gateway", "Nat": null, "InternetGateway": null,
            })
        );
        assert_eq!(worker["Services"]["sqs"]["EndpointType"], json!("interface"));
        assert_eq!(worker["Services"]["sqs"]["Endpoint"], json!("SqsEndpoint"));
        let blocked = std::fs::read_to_string("testdata/paths/lambda-unreachable.yaml").unwrap_or_default();
        let doc = document(&blocked, "t.yaml");
        let dynamodb = &doc[SECTION]["Functions"]["Worker"]["Services"]["dynamodb"];
        assert_eq!(dynamodb["Status"], json!("blocked"));
        assert_eq!(dynamodb["Path"], json!("none"));
        // A function whose role is a parameter: what it calls cannot all be told.
        let outside = "Parameters:\n  RoleArn: {Type: String}\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: !Ref RoleArn\n      VpcConfig: {SubnetIds: [subnet-1], SecurityGroupIds: [sg-1]}\n";
        let doc = document(outside, "t.yaml");
        assert_eq!(doc[SECTION]["Functions"]["Fn"]["CallsKnown"], json!(false));
        assert_eq!(doc[SECTION]["Functions"]["Fn"]["Services"], json!({}));
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
    fn the_text_is_what_a_json_value_would_print() {
        let cases = [
            ("A: 1\nRotlint: x\nB: [1.50, -0, 1e3, \"\\u00e9\\n\", {}]\nA: 2\nC: {x: ~, y: 'q\"'}\n", "t.yaml"),
            ("Resources: {}\n", "t.yaml"),
            ("{}", "t.json"),
            (r#"{"B": [], "A": {"k": [[], {}]}, "Rotlint": 1, "Z": 1}"#, "t.json"),
        ];
        for (source, name) in cases {
            assert_eq!(text(source, name, &Budget::default()).ok(), Some(reference(source, name)), "{source}");
        }
        for entry in std::fs::read_dir("testdata/guard/templates").into_iter().flatten().flatten() {
            let path = entry.path();
            let Ok(source) = std::fs::read_to_string(&path) else { continue };
            let name = path.display().to_string();
            assert_eq!(text(&source, &name, &Budget::default()).ok(), Some(reference(&source, &name)), "{name}");
        }
    }

    #[test]
    fn deep_nesting_converts_without_recursion() {
        let depth = 400;
        let source = format!("{{\"A\": {}1{}}}", "[".repeat(depth), "]".repeat(depth));
        let json = text(&source, "t.json", &Budget::default()).unwrap_or_default();
        let want = format!("{{\"A\":{}1{},\"Rotlint\":", "[".repeat(depth), "]".repeat(depth));
        assert!(json.starts_with(&want), "{json}");
    }

    #[test]
    fn documents_over_the_budget_are_not_built() {
        let wide: String = (0..300).map(|i| format!("  K{i}: {i}\n")).collect();
        let source = format!("Resources: {{}}\nMetadata:\n{wide}");
        let small = Budget { width_squares: 200 * 200, ..Budget::default() };
        let over = text(&source, "t.yaml", &small).err();
        assert_eq!(over.as_ref().map(|o| o.what.as_str()), Some("a mapping of 300 keys"));
        assert!(text(&source, "t.yaml", &Budget { nodes: 100, ..Budget::default() }).is_err());
        assert!(text(&source, "t.yaml", &Budget { bytes: 1000, ..Budget::default() }).is_err());
        assert!(text(&source, "t.yaml", &Budget { path_bytes: 1000, ..Budget::default() }).is_err());
        assert!(text(&source, "t.yaml", &Budget::default()).is_ok());
    }
}
