//! Cross-stack linting: every template of one run belongs to one world. Templates that
//! `Fn::ImportValue` what another template `Export`s are linted with that stack grafted in (see
//! `Template::graft`), so a network stack and an application stack linted together get real
//! verdicts instead of RL901 notes.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::source::tree::{NodeId, Tree};
use crate::template::{Evaluator, Graft, NodeShift, Template, eval_names_match};

/// One `Outputs` entry with `Export.Name`, found in the first pass over the run's files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// Index of the exporting file in the run.
    pub file: usize,
    /// Export name, unknown parts as `*` (e.g. `*-PrivateSubnet1ID` for `${AWS::StackName}-…`).
    pub pattern: String,
    /// The `Outputs` key, to find the value again when the exporter is grafted.
    pub output: String,
}

/// The exports of one template.
pub fn exports_of(file: usize, template: &Template) -> Vec<Export> {
    if template.outputs.iter().all(|o| o.export_name.is_none()) {
        return Vec::new();
    }
    let ev = Evaluator::new(template);
    template
        .outputs
        .iter()
        .filter_map(|o| {
            let pattern = ev.eval(o.export_name?).wildcard_text()?;
            (o.value.is_some() && pattern != "*").then(|| Export { file, pattern, output: o.name.clone() })
        })
        .collect()
}

/// Export or import names of a run's files, indexed so a name is compared only with names
/// that end the same way: a monorepo of many stacks costs one lookup per name, not a glob
/// against every name of the run.
#[derive(Debug, Default)]
pub struct NameIndex {
    /// (file, name with unknown parts as `*`).
    entries: Vec<(usize, String)>,
    /// Entries whose names end in `TAIL` literal bytes, by those bytes.
    by_tail: HashMap<[u8; TAIL], Vec<usize>>,
    /// The rest (short names, or a wildcard near the end): compared with every name.
    open_ended: Vec<usize>,
}

/// Bytes of a name's literal ending used as the index key: short, because export names end in
/// short words (`-VPC`, `-SubnetA`) after a wildcard stack name.
const TAIL: usize = 3;

/// The last `TAIL` bytes of a name, when none of them is a wildcard. Two names that match
/// (equal, or one a glob matching the other's literal text) and both have a literal tail have
/// the same tail, which is what makes the index exact.
fn literal_tail(name: &str) -> Option<[u8; TAIL]> {
    let bytes = name.as_bytes();
    let tail: [u8; TAIL] = bytes.get(bytes.len().checked_sub(TAIL)?..)?.try_into().ok()?;
    (!tail.iter().any(|b| matches!(b, b'*' | b'?'))).then_some(tail)
}

impl NameIndex {
    pub fn new(entries: Vec<(usize, String)>) -> Self {
        let mut by_tail: HashMap<[u8; TAIL], Vec<usize>> = HashMap::new();
        let mut open_ended = Vec::new();
        for (i, (_, name)) in entries.iter().enumerate() {
            match literal_tail(name) {
                Some(tail) => by_tail.entry(tail).or_default().push(i),
                None => open_ended.push(i),
            }
        }
        NameIndex { entries, by_tail, open_ended }
    }

    /// Indices of the entries of files other than `file` whose names match `name`. Matching is
    /// symmetric, so the index can hold export names (queried with an import) or import names
    /// (queried with an export).
    pub fn matching<'a>(&'a self, file: usize, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        let candidates: Box<dyn Iterator<Item = usize> + 'a> = match literal_tail(name) {
            Some(tail) => Box::new(self.by_tail.get(&tail).into_iter().flatten().chain(&self.open_ended).copied()),
            None => Box::new(0..self.entries.len()),
        };
        candidates
            .filter(move |&i| self.entries.get(i).is_some_and(|(f, entry)| *f != file && eval_names_match(entry, name)))
    }
}

/// Every export of a run.
#[derive(Debug, Default)]
pub struct Exports {
    /// Sorted by file.
    all: Vec<Export>,
    /// The names of `all`, entry for entry.
    names: NameIndex,
}

impl Exports {
    pub fn new(mut all: Vec<Export>) -> Self {
        all.sort_by_key(|e| e.file);
        let names = NameIndex::new(all.iter().map(|e| (e.file, e.pattern.clone())).collect());
        Exports { all, names }
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// The exports of file `file`.
    pub fn of_file(&self, file: usize) -> &[Export] {
        let start = self.all.partition_point(|e| e.file < file);
        let end = self.all.partition_point(|e| e.file <= file);
        &self.all[start..end]
    }

    /// The files whose exports `template` (file `file`) imports: each import must match exactly
    /// one export of another file, else it stays an import (and RL901 says so).
    pub fn exporters_for(&self, file: usize, template: &Template) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        for pattern in import_patterns(template) {
            let mut hits = self.names.matching(file, &pattern).filter_map(|i| self.all.get(i));
            if let (Some(hit), None) = (hits.next(), hits.next()) {
                out.insert(hit.file);
            }
        }
        out
    }
}

/// The export names `template` imports, unknown parts as `*`.
pub fn import_patterns(template: &Template) -> Vec<String> {
    let arguments = import_arguments(&template.tree);
    if arguments.is_empty() {
        return Vec::new();
    }
    let ev = Evaluator::new(template);
    arguments.into_iter().filter_map(|arg| ev.eval(arg).wildcard_text()).collect()
}

/// After grafting `exporter` (whose node ids moved by `shift`), the import table entries it adds.
pub fn import_table(exporter: &Template, exports: &[Export], shift: NodeShift) -> Vec<(String, NodeId)> {
    exports
        .iter()
        .filter_map(|e| {
            let output = exporter.outputs.iter().find(|o| o.name == e.output)?;
            Some((e.pattern.clone(), shift.apply(output.value?)))
        })
        .collect()
}

/// A nested stack whose template is a local file (`aws cloudformation package` style):
/// `AWS::CloudFormation::Stack` `TemplateURL`, or `AWS::Serverless::Application` `Location`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NestedStack {
    /// Logical id of the stack resource in the parent.
    pub stack: String,
    /// The child template, relative paths resolved against the parent's directory.
    pub path: PathBuf,
}

/// Nested stacks of `template` that point at local files. URLs (`https://`, `s3://`) and
/// computed locations are left alone: their templates are not on disk.
pub fn nested_stacks(template: &Template, parent: &Path) -> Vec<NestedStack> {
    let location_property = |type_name: &str| match type_name {
        "AWS::CloudFormation::Stack" => Some("TemplateURL"),
        "AWS::Serverless::Application" => Some("Location"),
        _ => None,
    };
    if !template.resources.iter().any(|r| location_property(&r.type_name).is_some()) {
        return Vec::new();
    }
    let ev = Evaluator::new(template);
    let dir = parent.parent().unwrap_or_else(|| Path::new(""));
    let mut out = Vec::new();
    for res in &template.resources {
        let Some(property) = location_property(&res.type_name) else { continue };
        let Some(location) = ev.property(res, property) else { continue };
        let Some(text) = location.as_str() else { continue };
        if text.contains("://") || text.is_empty() {
            continue;
        }
        out.push(NestedStack { stack: res.logical_id.clone(), path: dir.join(text) });
    }
    out
}

/// After grafting a nested stack's template, bind what the parent passes in and what it reads
/// back: the stack resource's `Parameters` become the child's parameter values (unless the
/// parent has a parameter of the same name, which then serves both), and `GetAtt
/// <Stack>.Outputs.<Name>` evaluates to the child's output.
pub fn bind_nested(template: &mut Template, nested: &NestedStack, child: &Template, graft: Graft, shift: NodeShift) {
    let tree = &template.tree;
    let bindings: Vec<(String, NodeId)> = template
        .resource(&nested.stack)
        .and_then(|stack| template.property(stack, "Parameters"))
        .map(|params| {
            tree.map(params)
                .iter()
                .map(|p| (tree.key(p).to_owned(), p.value))
                .filter(|(name, _)| child.parameter(name).is_some())
                .collect()
        })
        .unwrap_or_default();
    for (name, node) in bindings {
        // Grafted text starts at `graft.offset`: a parameter declared before it is the parent's.
        let parent_has_own = template.parameter(&name).is_some_and(|p| p.key_span.start < graft.offset);
        if !parent_has_own {
            template.parameter_bindings.insert(name, node);
        }
    }
    for output in &child.outputs {
        if let Some(value) = output.value {
            template.nested_outputs.insert((nested.stack.clone(), output.name.clone()), shift.apply(value));
        }
    }
}

/// Arguments of every `Fn::ImportValue` in the tree (iterative walk).
fn import_arguments(tree: &Tree) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut stack: Vec<NodeId> = tree.root.into_iter().collect();
    while let Some(node) = stack.pop() {
        if let Some(("Fn::ImportValue", arg, _)) = tree.single_entry(node) {
            out.push(arg);
            continue;
        }
        stack.extend(tree.seq(node));
        stack.extend(tree.map(node).iter().map(|p| p.value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::FileId;
    use crate::source::parse_str;

    fn template(yaml: &str) -> Template {
        Template::from_tree(FileId(0), parse_str(yaml).tree)
    }

    const NETWORK: &str = "Resources:\n  SubnetA: {Type: AWS::EC2::Subnet}\nOutputs:\n  A:\n    Value: !Ref SubnetA\n    Export: {Name: !Sub '${AWS::StackName}-SubnetA'}\n  B:\n    Value: x\n    Export: {Name: literal-b}\n";

    #[test]
    fn exports_and_matching_imports() {
        let exports = exports_of(1, &template(NETWORK));
        let patterns: Vec<_> = exports.iter().map(|e| e.pattern.as_str()).collect();
        assert_eq!(patterns, vec!["*-SubnetA", "literal-b"]);
        let app = template(
            "Parameters:\n  Net: {Type: String, Default: network}\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      VpcConfig: {SubnetIds: [!ImportValue {'Fn::Sub': '${Net}-SubnetA'}]}\n",
        );
        let exports = Exports::new(exports);
        assert_eq!(exports.exporters_for(0, &app), BTreeSet::from([1]));
        assert_eq!(exports.exporters_for(1, &app), BTreeSet::new(), "a stack does not import from itself");
        let unrelated = template("Resources:\n  X: {Type: T, Properties: {A: !ImportValue other}}\n");
        assert!(exports.exporters_for(0, &unrelated).is_empty());
    }

    #[test]
    fn indexed_matching_finds_what_globbing_every_name_finds() {
        let names = [
            "network-SubnetA",
            "*-SubnetA",
            "prod-*",
            "*",
            "a",
            "*-VpcId",
            "net-VpcId",
            "x?z-VpcId",
            "*-Subnet*",
            "network-subneta",
            "ab",
            "*b",
            "network-SubnetA-Arn",
            "*SubnetA",
        ];
        let entries: Vec<(usize, String)> = names.iter().enumerate().map(|(f, n)| (f, (*n).to_owned())).collect();
        let index = NameIndex::new(entries.clone());
        for query in names.iter().chain(&["network-SubnetB", "prod-VpcId", "*-VpcId", "b", ""]) {
            let brute: BTreeSet<usize> =
                (0..entries.len()).filter(|&i| i != 3 && eval_names_match(&entries[i].1, query)).collect();
            let indexed: BTreeSet<usize> = index.matching(3, query).collect();
            assert_eq!(indexed, brute, "query {query}");
        }
        let exports = Exports::new(
            entries
                .iter()
                .rev()
                .map(|(file, n)| Export { file: *file, pattern: n.clone(), output: String::new() })
                .collect(),
        );
        assert_eq!(exports.of_file(1).len(), 1);
        assert!(exports.of_file(99).is_empty());
    }

    #[test]
    fn nested_stack_parameters_and_outputs_bind_through_the_graft() {
        let mut parent = template(
            "Resources:\n  Network:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./network.yaml\n      Parameters: {Cidr: 10.9.0.0/24}\n  Remote:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: https://s3.amazonaws.com/b/t.yaml}\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      VpcConfig: {SubnetIds: [!GetAtt Network.Outputs.SubnetA]}\n",
        );
        let nested = nested_stacks(&parent, Path::new("stacks/app.yaml"));
        assert_eq!(nested, vec![NestedStack { stack: "Network".into(), path: PathBuf::from("stacks/./network.yaml") }]);
        let child = template(
            "Parameters:\n  Cidr: {Type: String, Default: 10.0.0.0/24}\nResources:\n  SubnetA:\n    Type: AWS::EC2::Subnet\n    Properties: {CidrBlock: !Ref Cidr}\nOutputs:\n  SubnetA: {Value: !Ref SubnetA}\n",
        );
        let (graft, shift) = parent.graft(&child).expect("graft");
        bind_nested(&mut parent, &nested[0], &child, graft, shift);
        let ev = Evaluator::new(&parent);
        let subnets = parent.resource("Fn").and_then(|f| ev.property(f, "VpcConfig.SubnetIds")).expect("subnets");
        assert_eq!(
            subnets.as_list().map(|l| l[0].kind.clone()),
            Some(crate::template::ValueKind::Ref("SubnetA".into()))
        );
        let cidr = parent
            .resource("SubnetA")
            .and_then(|r| ev.property(r, "CidrBlock"))
            .and_then(|v| v.as_str().map(str::to_owned));
        assert_eq!(cidr.as_deref(), Some("10.9.0.0/24"), "the parent's value replaces the child's default");
    }

    #[test]
    fn grafted_import_evaluates_to_the_exported_resource() {
        let network = template(NETWORK);
        let exports = exports_of(1, &network);
        let mut app = template(
            "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Role: !ImportValue prod-SubnetA}\n",
        );
        let (_, shift) = app.graft(&network).expect("graft");
        app.imports = import_table(&network, &exports, shift);
        let fn_ = app.resource("Fn").expect("Fn");
        let role = Evaluator::new(&app).property(fn_, "Role").map(|v| v.kind);
        assert_eq!(role, Some(crate::template::ValueKind::Ref("SubnetA".into())));
    }
}
