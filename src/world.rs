//! Cross-stack linting: every template of one run belongs to one world. Templates that
//! `Fn::ImportValue` what another template `Export`s are linted with that stack grafted in (see
//! `Template::graft`), so a network stack and an application stack linted together get real
//! verdicts instead of RL901 notes.

use std::collections::BTreeSet;
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

/// The files whose exports `template` imports: each import must match exactly one export of
/// another file, else it stays an import (and RL901 says so).
pub fn exporters_for(file: usize, template: &Template, world: &[Export]) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for pattern in import_patterns(template) {
        let mut hits = world.iter().filter(|e| e.file != file && eval_names_match(&e.pattern, &pattern));
        if let (Some(hit), None) = (hits.next(), hits.next()) {
            out.insert(hit.file);
        }
    }
    out
}

/// The export names `template` imports, unknown parts as `*`.
pub fn import_patterns(template: &Template) -> Vec<String> {
    let ev = Evaluator::new(template);
    import_arguments(&template.tree).into_iter().filter_map(|arg| ev.eval(arg).wildcard_text()).collect()
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
    let ev = Evaluator::new(template);
    let dir = parent.parent().unwrap_or_else(|| Path::new(""));
    let mut out = Vec::new();
    for res in &template.resources {
        let property = match res.type_name.as_str() {
            "AWS::CloudFormation::Stack" => "TemplateURL",
            "AWS::Serverless::Application" => "Location",
            _ => continue,
        };
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
        assert_eq!(exporters_for(0, &app, &exports), BTreeSet::from([1]));
        let unrelated = template("Resources:\n  X: {Type: T, Properties: {A: !ImportValue other}}\n");
        assert!(exporters_for(0, &unrelated, &exports).is_empty());
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
