//! Cross-stack linting: every template of one run belongs to one world. Templates that
//! `Fn::ImportValue` what another template `Export`s are linted with that stack grafted in (see
//! `Template::graft`), so a network stack and an application stack linted together get real
//! verdicts instead of RL901 notes.

use std::collections::BTreeSet;

use crate::source::tree::{NodeId, Tree};
use crate::template::{Evaluator, Template, eval_names_match};

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
    let ev = Evaluator::new(template);
    let mut out = BTreeSet::new();
    for arg in import_arguments(&template.tree) {
        let Some(pattern) = ev.eval(arg).wildcard_text() else { continue };
        let mut hits = world.iter().filter(|e| e.file != file && eval_names_match(&e.pattern, &pattern));
        if let (Some(hit), None) = (hits.next(), hits.next()) {
            out.insert(hit.file);
        }
    }
    out
}

/// After grafting `exporter` (whose node ids moved by `shift`), the import table entries it adds.
pub fn import_table(
    exporter: &Template,
    exports: &[Export],
    shift: crate::template::NodeShift,
) -> Vec<(String, NodeId)> {
    exports
        .iter()
        .filter_map(|e| {
            let output = exporter.outputs.iter().find(|o| o.name == e.output)?;
            Some((e.pattern.clone(), shift.apply(output.value?)))
        })
        .collect()
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
