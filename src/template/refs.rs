//! RL003 unresolved-reference: `Ref`, `Fn::GetAtt`, `DependsOn`, `${}` in `Fn::Sub` and condition
//! names that point at nothing the template defines.
//!
//! Templates run through a macro (any transform other than SAM and the Secrets Manager one) are
//! not checked: the macro may define the names. SAM templates are checked leniently, because SAM
//! generates resources whose ids start with the id of the resource that caused them
//! (`MyFunctionRole`, `MyApiProdStage`) or are fixed (`ServerlessRestApi`); modules likewise
//! generate resources prefixed with the module's id.

use crate::catalog::UNRESOLVED_REFERENCE;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::bounds::Earliest;
use crate::source::tree::{NodeId, Span, Tree};

use super::eval::{SubPiece, is_intrinsic, sub_pieces};
use super::model::{Resource, SAM_TRANSFORM, Template, is_pseudo_parameter};

/// Ids SAM creates without a resource of that name or prefix in the template.
const SAM_IMPLICIT_PREFIXES: &[&str] =
    &["ServerlessRestApi", "ServerlessHttpApi", "ServerlessDeploymentApplication", "CodeDeployServiceRole"];

pub(crate) fn check(template: &Template) -> Vec<Diagnostic> {
    if !checkable(template) {
        return Vec::new();
    }
    let mut checker = Checker { template, tree: &template.tree, found: Earliest::default() };
    checker.resources();
    checker.conditions();
    checker.outputs();
    if template.is_sam()
        && let Some(globals) = template.tree.root.and_then(|r| template.tree.get(r, "Globals"))
    {
        checker.walk(globals, None, false);
    }
    checker.finish()
}

/// False when a macro transform (or a transform written as a map) may rewrite the template.
fn checkable(template: &Template) -> bool {
    let tree = &template.tree;
    let Some(node) = tree.root.and_then(|r| tree.get(r, "Transform")) else {
        return true;
    };
    let items: Vec<NodeId> = if tree.is_seq(node) { tree.seq(node).to_vec() } else { vec![node] };
    items.iter().all(|&item| {
        tree.scalar(item).is_some_and(|name| name == SAM_TRANSFORM || name.starts_with("AWS::SecretsManager-"))
    })
}

struct Checker<'a> {
    template: &'a Template,
    tree: &'a Tree,
    /// The findings the per-file cap can show: (message, resource) of the earliest ones.
    found: Earliest<(String, Option<String>)>,
}

/// What a name has to be for the reference to resolve.
#[derive(Clone, Copy)]
enum Want {
    /// `Ref` or `${X}`: a parameter, resource or pseudo parameter.
    Value,
    /// `Fn::GetAtt`, `${X.Attr}`, `DependsOn`: a resource.
    Resource,
    Condition,
}

impl Checker<'_> {
    fn resources(&mut self) {
        for res in &self.template.resources {
            let id = Some(res.logical_id.as_str());
            if let Some((name, span)) = &res.condition {
                self.expect(name, *span, Want::Condition, "Condition", id);
            }
            for (name, span) in &res.depends_on {
                self.expect(name, *span, Want::Resource, "DependsOn", id);
            }
            if let Some(props) = res.properties {
                self.walk(props, id, false);
            }
        }
    }

    fn conditions(&mut self) {
        for def in &self.template.conditions {
            self.walk(def.node, None, true);
        }
    }

    fn outputs(&mut self) {
        let tree = self.tree;
        let Some(section) = tree.root.and_then(|r| tree.get(r, "Outputs")) else {
            return;
        };
        for pair in tree.map(section) {
            if let Some(cond) = tree.get(pair.value, "Condition")
                && let Some(name) = tree.scalar(cond)
            {
                self.expect(name, tree.span(cond), Want::Condition, "Condition", None);
            }
            for key in ["Value", "Export"] {
                if let Some(node) = tree.get(pair.value, key) {
                    self.walk(node, None, false);
                }
            }
        }
    }

    /// Every intrinsic under `node`; `{"Condition": name}` counts only inside `Conditions`,
    /// where it is a function rather than a property name.
    fn walk(&mut self, node: NodeId, resource: Option<&str>, in_conditions: bool) {
        let tree = self.tree;
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            stack.extend(tree.seq(node).iter().rev());
            stack.extend(tree.map(node).iter().rev().map(|p| p.value));
            let Some((key, arg, _)) = tree.single_entry(node) else {
                continue;
            };
            let is_function = is_intrinsic(key) || (in_conditions && key == "Condition");
            if !is_function {
                continue;
            }
            self.intrinsic(key, arg, resource);
        }
    }

    fn intrinsic(&mut self, key: &str, arg: NodeId, resource: Option<&str>) {
        let tree = self.tree;
        match key {
            "Ref" => {
                if let Some(name) = tree.scalar(arg) {
                    self.expect(name, tree.span(arg), Want::Value, "Ref", resource);
                }
            }
            "Fn::GetAtt" => self.get_att(arg, resource),
            "Fn::Sub" => self.sub(arg, resource),
            "Fn::If" | "Condition" => {
                let cond = tree.seq(arg).first().copied().unwrap_or(arg);
                if let Some(name) = tree.scalar(cond) {
                    self.expect(name, tree.span(cond), Want::Condition, key, resource);
                }
            }
            _ => {}
        }
    }

    fn get_att(&mut self, arg: NodeId, resource: Option<&str>) {
        let tree = self.tree;
        if let Some(&first) = tree.seq(arg).first()
            && let Some(name) = tree.scalar(first)
        {
            self.expect(name, tree.span(first), Want::Resource, "Fn::GetAtt", resource);
            return;
        }
        let Some(text) = tree.scalar(arg) else {
            return;
        };
        let name = text.split_once('.').map_or(text, |(r, _)| r);
        let span = sub_span(tree, arg, 0, name.len());
        self.expect(name, span, Want::Resource, "Fn::GetAtt", resource);
    }

    fn sub(&mut self, arg: NodeId, resource: Option<&str>) {
        let tree = self.tree;
        let (text_node, vars) = match tree.seq(arg) {
            [] => (arg, None),
            [text, rest @ ..] => (*text, rest.first().copied()),
        };
        let Some(text) = tree.scalar(text_node) else {
            return;
        };
        for piece in sub_pieces(text) {
            let SubPiece::Var { name, offset } = piece else {
                continue;
            };
            if vars.is_some_and(|v| tree.get(v, name).is_some()) {
                continue;
            }
            let (target, want) = match name.split_once('.') {
                Some((res, _)) if !is_pseudo_parameter(name) => (res, Want::Resource),
                _ => (name, Want::Value),
            };
            let span = sub_span(tree, text_node, offset, target.len());
            self.expect(target, span, want, "Fn::Sub", resource);
        }
    }

    fn resolves(&self, name: &str, want: Want) -> bool {
        let t = self.template;
        match want {
            Want::Condition => t.condition_def(name).is_some(),
            Want::Resource => t.resource(name).is_some() || self.generated(name),
            Want::Value => {
                is_pseudo_parameter(name)
                    || t.parameter(name).is_some()
                    || t.resource(name).is_some()
                    || self.generated(name)
            }
        }
    }

    /// Conservative: a name that extends the id of a resource that generates others (anything in
    /// a SAM template, a module elsewhere) may be one of the generated resources.
    fn generated(&self, name: &str) -> bool {
        let t = self.template;
        let sam = t.is_sam();
        if sam && SAM_IMPLICIT_PREFIXES.iter().any(|p| name.starts_with(p)) {
            return true;
        }
        t.resources
            .iter()
            .any(|r| !r.logical_id.is_empty() && name.starts_with(&r.logical_id) && (sam || is_module(self.tree, r)))
    }

    fn expect(&mut self, name: &str, span: Span, want: Want, via: &str, resource: Option<&str>) {
        if self.resolves(name, want) {
            return;
        }
        let what = match want {
            Want::Value => "a parameter, resource or pseudo parameter",
            Want::Resource => "a resource",
            Want::Condition => "a condition",
        };
        self.found
            .offer(span, || (format!("`{via}` names `{name}`, which is not {what}"), resource.map(str::to_owned)));
    }

    /// The kept findings, and one tally for the rest (see [`Earliest`]).
    fn finish(self) -> Vec<Diagnostic> {
        let file = self.template.file;
        self.found.finish(
            |span, (message, resource)| {
                let d = Diagnostic::new(&UNRESOLVED_REFERENCE, file, span, message).label("unresolved name");
                match resource {
                    Some(id) => d.resource(id),
                    None => d,
                }
            },
            |first| Diagnostic::new(&UNRESOLVED_REFERENCE, file, first, "more unresolved names"),
        )
    }
}

/// A CloudFormation module (`Org::Service::Name::MODULE`) or a packaging-tool module (a tagged
/// `Type` such as rain's `!Rain::Module`): it expands into resources prefixed with its id.
fn is_module(tree: &Tree, res: &Resource) -> bool {
    if res.type_name.ends_with("::MODULE") {
        return true;
    }
    tree.get(res.node, "Type").is_some_and(|t| tree.tag_span(t).is_some() || tree.scalar(t).is_none())
}

/// The span of `len` bytes at `offset` inside a scalar, when the scalar's text is exactly its
/// source slice (no escapes or folding); otherwise the whole scalar.
fn sub_span(tree: &Tree, node: NodeId, offset: usize, len: usize) -> Span {
    let whole = tree.span(node);
    let Some(src) = tree.scalar_source(node) else {
        return whole;
    };
    let start = src.start as usize + offset;
    Span::new(start, start + len)
}

#[cfg(test)]
mod tests {
    use crate::template::parse;

    fn messages(text: &str) -> Vec<String> {
        parse(text).diagnostics.into_iter().map(|d| d.message).collect()
    }

    /// Past the per-file cap only a tally is kept, placed after every kept finding; the cap's
    /// RL004 summary counts what it stands for, as if each finding had been built.
    #[test]
    fn references_past_the_cap_are_counted_not_built() {
        use crate::diagnostic::bounds::{self, MAX_FINDINGS_PER_FILE};
        let extra = 250;
        let refs: String = (0..MAX_FINDINGS_PER_FILE + extra).map(|i| format!("        - !Ref Missing{i}\n")).collect();
        let text = format!("Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      Tags:\n{refs}");
        let found = parse(&text).diagnostics;
        assert_eq!(found.len(), MAX_FINDINGS_PER_FILE + 1);
        assert!(found.windows(2).all(|w| w[0].primary.span.start < w[1].primary.span.start));
        let tally = &found[MAX_FINDINGS_PER_FILE];
        assert_eq!(tally.stands_for, extra);
        assert!(found[MAX_FINDINGS_PER_FILE - 1].message.contains(&format!("`Missing{}`", MAX_FINDINGS_PER_FILE - 1)));
        let reported = bounds::apply(found);
        assert_eq!(reported.len(), MAX_FINDINGS_PER_FILE + 1);
        let summary = &reported[MAX_FINDINGS_PER_FILE];
        assert_eq!(summary.rule, "RL004");
        assert!(summary.message.starts_with(&format!("{extra} more findings")), "{}", summary.message);
        assert!(summary.message.ends_with(&format!("RL003 ×{extra}")), "{}", summary.message);
    }

    #[test]
    fn reports_unresolved_names() {
        let text = "
Parameters:
  P: {Type: String}
Conditions:
  C: !Equals [!Ref Nope1, x]
  D: !Condition Nope2
Resources:
  A:
    Type: AWS::S3::Bucket
    Condition: Nope3
    DependsOn: [Nope4]
    Properties:
      X: !Ref Nope5
      Y: !GetAtt Nope6.Arn
      Z: !Sub '${Nope7}-${Nope8.Arn}-${P}'
      W: !If [Nope9, a, b]
      V: {'Fn::GetAtt': [P, Arn]}
Outputs:
  O: {Value: !Ref Nope10, Condition: Nope11}
";
        let found = messages(text);
        assert_eq!(found.len(), 12, "{found:#?}");
        assert!(
            found.contains(&"`Ref` names `Nope5`, which is not a parameter, resource or pseudo parameter".to_owned())
        );
        assert!(found.contains(&"`Fn::GetAtt` names `Nope6`, which is not a resource".to_owned()));
        assert!(found.contains(&"`Fn::GetAtt` names `P`, which is not a resource".to_owned()));
        assert!(found.contains(&"`Fn::If` names `Nope9`, which is not a condition".to_owned()));
        assert!(found.contains(&"`DependsOn` names `Nope4`, which is not a resource".to_owned()));
    }

    #[test]
    fn spans_point_at_the_name() {
        let text =
            "Resources:\n  A:\n    Type: X\n    Properties:\n      Z: !Sub 'a-${Nope}'\n      Y: !GetAtt Other.Arn\n";
        let t = parse(text);
        let slices: Vec<&str> = t.diagnostics.iter().map(|d| t.tree.slice(d.primary.span)).collect();
        assert!(slices.contains(&"Nope"), "{slices:?}");
        assert!(slices.contains(&"Other"), "{slices:?}");
        assert!(t.diagnostics.iter().all(|d| d.primary.resource.as_deref() == Some("A")));
    }

    #[test]
    fn accepts_resolved_names() {
        let text = "
Parameters:
  P: {Type: String}
Conditions:
  C: !Equals [!Ref P, x]
  D: !And [!Condition C, !Not [!Condition C]]
Resources:
  A:
    Type: AWS::S3::Bucket
    Condition: C
  App:
    Type: AWS::CloudFormation::Stack
    DependsOn: A
    Properties:
      X: !Ref AWS::Region
      Y: !Sub ['${Local}-${A.Arn}-${AWS::AccountId}-${!NotAVar}', {Local: !Ref P}]
      Z: !GetAtt App.Outputs.RotationLambdaARN
      W: !If [D, !Ref AWS::NoValue, !Ref A]
      Policy: {Condition: {StringEquals: {a: b}}}
Outputs:
  O: {Value: !GetAtt A.Arn, Condition: C}
";
        assert!(messages(text).is_empty(), "{:?}", messages(text));
    }

    #[test]
    fn sam_generated_names_are_not_reported() {
        let text = "
Transform: AWS::Serverless-2016-10-31
Resources:
  MyFunction:
    Type: AWS::Serverless::Function
    Properties:
      Role: !GetAtt MyFunctionRole.Arn
      Api: !Ref ServerlessRestApi
      Alias: !Ref MyFunction.Alias
      Bad: !Ref Elsewhere
";
        let found = messages(text);
        assert_eq!(found, ["`Ref` names `Elsewhere`, which is not a parameter, resource or pseudo parameter"]);
    }

    #[test]
    fn macro_templates_are_not_checked() {
        let text = "Transform: [AWS::LanguageExtensions]\nResources:\n  A: {Type: X, Properties: {Y: !Ref Nope}}\n";
        assert!(messages(text).is_empty());
    }

    #[test]
    fn json_templates_are_checked() {
        let text = r#"{"Resources": {"A": {"Type": "X", "Properties": {"Y": {"Fn::Sub": "${Nope}"}}}}}"#;
        let t = parse(text);
        assert_eq!(t.diagnostics.len(), 1);
        assert_eq!(t.tree.slice(t.diagnostics[0].primary.span), "Nope");
    }
}
