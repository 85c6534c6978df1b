//! The CloudFormation model: parameters, conditions, resources and outputs indexed from a tree.
//!
//! Building never fails and never panics: sections with an unexpected shape are simply empty, so a
//! half-written template still yields whatever can be read from it.

use std::collections::BTreeMap;

use crate::catalog;
use crate::diagnostic::{Diagnostic, FileId};
use crate::source::tree::{NodeId, Span, Tree};

/// The SAM transform; its presence turns on `Globals` merging and lenient reference checks.
pub const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// Every pseudo parameter `Ref` accepts.
pub const PSEUDO_PARAMETERS: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

pub fn is_pseudo_parameter(name: &str) -> bool {
    PSEUDO_PARAMETERS.contains(&name)
}

#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: String,
    pub key_span: Span,
    pub type_name: Option<String>,
    pub default: Option<NodeId>,
    pub allowed_values: Vec<NodeId>,
    pub node: NodeId,
}

impl Parameter {
    /// `CommaDelimitedList` and `List<...>` parameters hold lists; SSM-typed lists do not expand.
    pub fn is_list(&self) -> bool {
        self.type_name.as_deref().is_some_and(|t| t == "CommaDelimitedList" || t.starts_with("List<"))
    }

    /// SSM-typed parameters: the default (and any override) is a parameter-store key, not the value.
    pub fn is_ssm(&self) -> bool {
        self.type_name.as_deref().is_some_and(|t| t.starts_with("AWS::SSM::Parameter::Value<"))
    }
}

#[derive(Clone, Debug)]
pub struct ConditionDef {
    pub name: String,
    pub key_span: Span,
    pub node: NodeId,
}

#[derive(Clone, Debug)]
pub struct Resource {
    pub logical_id: String,
    pub key_span: Span,
    pub node: NodeId,
    /// Empty when `Type` is missing or not a scalar.
    pub type_name: String,
    /// The `Type` value's span, or the key span when `Type` is missing.
    pub type_span: Span,
    pub properties: Option<NodeId>,
    pub condition: Option<(String, Span)>,
    pub depends_on: Vec<(String, Span)>,
    pub metadata: Option<NodeId>,
}

#[derive(Clone, Debug)]
pub struct Output {
    pub name: String,
    pub key_span: Span,
    pub value: Option<NodeId>,
    pub export_name: Option<NodeId>,
    pub condition: Option<String>,
}

/// Function names that link this template's rotation to another template of the run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RotationLinks {
    /// Names of this template's functions that another template's RotationSchedule names by
    /// literal ARN: they are rotation functions here.
    pub scheduled_elsewhere: std::collections::BTreeSet<String>,
    /// Names this template's schedules give by literal ARN that another template defines.
    pub defined_elsewhere: std::collections::BTreeSet<String>,
}

#[derive(Clone, Debug)]
pub struct Template {
    pub file: FileId,
    pub tree: Tree,
    pub transforms: Vec<(String, Span)>,
    pub parameters: Vec<Parameter>,
    pub conditions: Vec<ConditionDef>,
    pub resources: Vec<Resource>,
    pub outputs: Vec<Output>,
    pub mappings: Option<NodeId>,
    pub globals_function: Option<NodeId>,
    /// RL003 unresolved-reference findings, and RL001 when the root is not a mapping.
    pub diagnostics: Vec<Diagnostic>,
    /// Exports of grafted stacks this template may import: export-name pattern (unknown parts
    /// as `*`) and the exported value's node. Empty unless the engine grafted stacks.
    pub imports: Vec<(String, NodeId)>,
    /// Nested stacks grafted in (see `Template::graft`): a nested template's parameter names
    /// bound to the parent's expressions from the stack resource's `Parameters`.
    pub parameter_bindings: BTreeMap<String, NodeId>,
    /// `GetAtt <Stack>.Outputs.<Name>` of a grafted nested stack → the output's value node.
    pub nested_outputs: BTreeMap<(String, String), NodeId>,
    /// Stacks grafted in (`Template::graft`), in grafting order: which ranges of `tree.source`
    /// are other files' text. Empty for a template as its file holds it.
    pub grafts: Vec<super::graft::Graft>,
    /// Rotation functions linked across templates of one run by a literal ARN
    /// (`arn:…:function:NAME` in one template, `FunctionName: NAME` in another); set by the engine.
    pub rotation_links: RotationLinks,
    /// Where evaluating this template first hit an evaluation budget (see
    /// `Evaluator::budget_hit`), whichever evaluator hit it; reported as RL004.
    pub eval_budget_hit: std::sync::OnceLock<(Span, String)>,
    resource_index: BTreeMap<String, usize>,
    parameter_index: BTreeMap<String, usize>,
    condition_index: BTreeMap<String, usize>,
    sam: bool,
}

impl Template {
    pub fn from_tree(file: FileId, tree: Tree) -> Template {
        let mut template = Template {
            file,
            tree,
            transforms: Vec::new(),
            parameters: Vec::new(),
            conditions: Vec::new(),
            resources: Vec::new(),
            outputs: Vec::new(),
            mappings: None,
            globals_function: None,
            diagnostics: Vec::new(),
            imports: Vec::new(),
            parameter_bindings: BTreeMap::new(),
            nested_outputs: BTreeMap::new(),
            eval_budget_hit: std::sync::OnceLock::new(),
            grafts: Vec::new(),
            rotation_links: RotationLinks::default(),
            resource_index: BTreeMap::new(),
            parameter_index: BTreeMap::new(),
            condition_index: BTreeMap::new(),
            sam: false,
        };
        let Some(root) = template.tree.root else {
            return template;
        };
        if !template.tree.is_map(root) {
            let span = Span::empty_at(template.tree.span(root).start as usize);
            let message = "the template is not a mapping of sections";
            template.diagnostics.push(Diagnostic::new(&catalog::PARSE_ERROR, file, span, message));
            return template;
        }
        template.read_sections(root);
        template.build_indexes();
        template.sam = template.has_transform(SAM_TRANSFORM)
            || template.resources.iter().any(|r| r.type_name.starts_with("AWS::Serverless::"));
        let findings = super::refs::check(&template);
        template.diagnostics.extend(findings);
        template
    }

    fn read_sections(&mut self, root: NodeId) {
        let tree = &self.tree;
        let transforms = tree.get(root, "Transform").map(|n| read_transforms(tree, n));
        let parameters = tree.get(root, "Parameters").map(|n| read_parameters(tree, n));
        let conditions = tree.get(root, "Conditions").map(|n| read_conditions(tree, n));
        let resources = tree.get(root, "Resources").map(|n| read_resources(tree, n));
        let outputs = tree.get(root, "Outputs").map(|n| read_outputs(tree, n));
        let mappings = tree.get(root, "Mappings");
        let globals_function = tree.get(root, "Globals").and_then(|g| tree.get(g, "Function"));
        self.transforms = transforms.unwrap_or_default();
        self.parameters = parameters.unwrap_or_default();
        self.conditions = conditions.unwrap_or_default();
        self.resources = resources.unwrap_or_default();
        self.outputs = outputs.unwrap_or_default();
        self.mappings = mappings;
        self.globals_function = globals_function;
    }

    /// First definition wins, like [`Tree::get`]; the loader reports the duplicate.
    pub(super) fn build_indexes(&mut self) {
        for (i, r) in self.resources.iter().enumerate() {
            self.resource_index.entry(r.logical_id.clone()).or_insert(i);
        }
        for (i, p) in self.parameters.iter().enumerate() {
            self.parameter_index.entry(p.name.clone()).or_insert(i);
        }
        for (i, c) in self.conditions.iter().enumerate() {
            self.condition_index.entry(c.name.clone()).or_insert(i);
        }
    }

    pub fn resource(&self, logical_id: &str) -> Option<&Resource> {
        self.resource_index.get(logical_id).and_then(|&i| self.resources.get(i))
    }

    /// The resource whose entry (from its logical id to the end of its definition) holds `span`.
    pub fn resource_at(&self, span: Span) -> Option<&Resource> {
        self.resources.iter().find(|r| {
            let end = self.tree.span(r.node).end.max(r.key_span.end);
            r.key_span.start <= span.start && span.start < end
        })
    }

    pub fn resources_of_type<'a>(&'a self, type_name: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources.iter().filter(move |r| r.type_name == type_name)
    }

    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameter_index.get(name).and_then(|&i| self.parameters.get(i))
    }

    pub fn condition_def(&self, name: &str) -> Option<&ConditionDef> {
        self.condition_index.get(name).and_then(|&i| self.conditions.get(i))
    }

    pub fn has_transform(&self, name: &str) -> bool {
        self.transforms.iter().any(|(t, _)| t == name)
    }

    /// The SAM transform is declared, or (for fragments and SAM's own test inputs that omit it)
    /// some resource has an `AWS::Serverless::` type.
    pub fn is_sam(&self) -> bool {
        self.sam
    }

    /// Property node by dotted path under Properties, e.g. "VpcConfig.SubnetIds" (raw tree, no
    /// evaluation). A numeric segment indexes a sequence. Stops (None) at anything else, including
    /// an intrinsic function on the way.
    pub fn property(&self, res: &Resource, path: &str) -> Option<NodeId> {
        let mut node = res.properties?;
        for segment in path.split('.').filter(|s| !s.is_empty()) {
            node = child(&self.tree, node, segment)?;
        }
        Some(node)
    }
}

/// A map entry by key, or a sequence item by decimal index.
pub(crate) fn child(tree: &Tree, node: NodeId, segment: &str) -> Option<NodeId> {
    if tree.is_seq(node) {
        let index: usize = segment.parse().ok()?;
        return tree.seq(node).get(index).copied();
    }
    tree.get(node, segment)
}

fn read_transforms(tree: &Tree, node: NodeId) -> Vec<(String, Span)> {
    let items: Vec<NodeId> = if tree.is_seq(node) { tree.seq(node).to_vec() } else { vec![node] };
    items.into_iter().filter_map(|item| tree.scalar(item).map(|s| (s.to_owned(), tree.span(item)))).collect()
}

fn read_parameters(tree: &Tree, section: NodeId) -> Vec<Parameter> {
    tree.map(section)
        .iter()
        .map(|pair| {
            let node = pair.value;
            Parameter {
                name: tree.key(pair).to_owned(),
                key_span: pair.key_span,
                type_name: tree.get(node, "Type").and_then(|t| tree.scalar(t)).map(str::to_owned),
                default: tree.get(node, "Default"),
                allowed_values: tree.get(node, "AllowedValues").map(|a| tree.seq(a).to_vec()).unwrap_or_default(),
                node,
            }
        })
        .collect()
}

fn read_conditions(tree: &Tree, section: NodeId) -> Vec<ConditionDef> {
    tree.map(section)
        .iter()
        .map(|pair| ConditionDef { name: tree.key(pair).to_owned(), key_span: pair.key_span, node: pair.value })
        .collect()
}

fn read_resources(tree: &Tree, section: NodeId) -> Vec<Resource> {
    tree.map(section)
        .iter()
        .map(|pair| {
            let node = pair.value;
            let type_node = tree.get(node, "Type");
            let type_name = type_node.and_then(|t| tree.scalar(t)).unwrap_or("");
            Resource {
                logical_id: tree.key(pair).to_owned(),
                key_span: pair.key_span,
                node,
                type_name: type_name.to_owned(),
                type_span: type_node.map_or(pair.key_span, |t| tree.span(t)),
                properties: tree.get(node, "Properties"),
                condition: tree.get(node, "Condition").and_then(|c| named(tree, c)),
                depends_on: tree.get(node, "DependsOn").map(|d| names(tree, d)).unwrap_or_default(),
                metadata: tree.get(node, "Metadata"),
            }
        })
        .collect()
}

fn read_outputs(tree: &Tree, section: NodeId) -> Vec<Output> {
    tree.map(section)
        .iter()
        .map(|pair| {
            let node = pair.value;
            Output {
                name: tree.key(pair).to_owned(),
                key_span: pair.key_span,
                value: tree.get(node, "Value"),
                export_name: tree.get(node, "Export").and_then(|e| tree.get(e, "Name")),
                condition: tree.get(node, "Condition").and_then(|c| tree.scalar(c)).map(str::to_owned),
            }
        })
        .collect()
}

fn named(tree: &Tree, node: NodeId) -> Option<(String, Span)> {
    tree.scalar(node).map(|s| (s.to_owned(), tree.span(node)))
}

/// A scalar or a sequence of scalars (the two shapes `DependsOn` accepts).
fn names(tree: &Tree, node: NodeId) -> Vec<(String, Span)> {
    if tree.is_seq(node) {
        return tree.seq(node).iter().filter_map(|&n| named(tree, n)).collect();
    }
    named(tree, node).into_iter().collect()
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed lookup is a failed test")]
mod tests {
    use super::Template;
    use crate::template::parse;

    #[test]
    fn reads_sections() {
        let parse = parse;
        let t = parse(
            "
Transform: [AWS::Serverless-2016-10-31, {Name: AWS::Include}]
Parameters:
  B: {Type: CommaDelimitedList, Default: 'x', AllowedValues: [x, y]}
  A: {Type: String}
Mappings: {M: {k: {v: 1}}}
Conditions:
  C: !Equals [a, a]
Globals:
  Function: {Timeout: 3}
Resources:
  R:
    Type: AWS::EC2::Subnet
    Condition: C
    DependsOn: S
    Metadata: {x: 1}
    Properties: {VpcConfig: {SubnetIds: [a, b]}, Tags: !If [C, [], []]}
  S:
    Type: AWS::EC2::Subnet
    DependsOn: [R, R]
  Broken: 5
Outputs:
  O: {Value: x, Export: {Name: e}, Condition: C}
",
        );
        assert_eq!(t.transforms.len(), 1);
        assert!(t.is_sam());
        assert_eq!(t.parameters.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["B", "A"]);
        assert!(t.parameter("B").unwrap().is_list());
        assert_eq!(t.parameter("B").unwrap().allowed_values.len(), 2);
        assert!(t.mappings.is_some() && t.globals_function.is_some());
        let r = t.resource("R").unwrap();
        assert_eq!(r.condition.as_ref().map(|c| c.0.as_str()), Some("C"));
        assert_eq!(r.depends_on.len(), 1);
        assert!(r.metadata.is_some());
        assert_eq!(t.resource("S").unwrap().depends_on.len(), 2);
        assert_eq!(t.resource("Broken").unwrap().type_name, "");
        assert_eq!(t.resources_of_type("AWS::EC2::Subnet").count(), 2);
        let subnets = t.property(r, "VpcConfig.SubnetIds").unwrap();
        assert_eq!(t.tree.seq(subnets).len(), 2);
        assert!(t.property(r, "VpcConfig.SubnetIds.1").is_some());
        assert!(t.property(r, "Tags.0").is_none());
        let o = &t.outputs[0];
        assert!(o.value.is_some() && o.export_name.is_some());
        assert_eq!(o.condition.as_deref(), Some("C"));
    }

    #[test]
    fn tolerates_odd_shapes() {
        let parse = |text: &str| {
            let loaded = crate::source::parse_str(text);
            Template::from_tree(crate::diagnostic::FileId(0), loaded.tree)
        };
        for text in
            ["", "- a\n- b\n", "Resources: 5\n", "Resources: [a]\nParameters: x\n", "Resources: {A: {Type: [x]}}\n"]
        {
            let t = parse(text);
            assert!(t.resources.len() <= 1);
        }
        assert_eq!(parse("- a\n").diagnostics[0].rule, "RL001");
    }
}
