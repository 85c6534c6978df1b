//! Cross-stack composition: graft another template (the stack that exports what this one imports)
//! into this one, so imported subnets, security groups and endpoints become ordinary resources
//! of one network.
//!
//! The other template's arena is appended to this tree with every node id and span shifted; its
//! text is appended to this source after a newline. The template keeps a table of what it
//! grafted ([`Template::grafts`]): each range of the combined text with the file it came from,
//! so a span is located in its own file by [`Template::locate`] (or [`Template::graft_at`] and
//! [`Graft::local`]) wherever a location is built, without knowing the run's other files.
//! Grafting is refused when resource ids collide, because references would then bind to the
//! wrong resource; parameters and conditions of the same name keep this template's.

use std::sync::Arc;

use super::model::{Resource, Template};
use crate::diagnostic::FileId;
use crate::source::tree::{NodeId, Span};

/// Where a grafted template's text starts in the combined source, how long it is, and the file
/// it is the text of (the grafted template's own [`Template::file`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Graft {
    pub offset: u32,
    pub len: u32,
    pub file: FileId,
}

impl Graft {
    /// Does `span` (of the combined text) start in this graft's text (its end included)?
    pub fn contains(&self, span: Span) -> bool {
        span.start >= self.offset && span.start <= self.offset + self.len
    }

    /// `span` (of the combined text, inside this graft) as a span of the grafted file's text.
    pub fn local(&self, span: Span) -> Span {
        Span { start: span.start - self.offset, end: span.end.saturating_sub(self.offset) }
    }
}

impl Template {
    /// The graft whose text `span` starts in, if any (the first, in grafting order).
    pub fn graft_at(&self, span: Span) -> Option<&Graft> {
        self.grafts.iter().find(|g| g.contains(span))
    }

    /// Is `span` in the text of a stack grafted into this template (not the template's own)?
    pub fn is_grafted(&self, span: Span) -> bool {
        self.graft_at(span).is_some()
    }

    /// The file `span` lies in and its span in that file's own text.
    pub fn locate(&self, span: Span) -> (FileId, Span) {
        match self.graft_at(span) {
            Some(graft) => (graft.file, graft.local(span)),
            None => (self.file, span),
        }
    }
}

/// Node id shift of a graft, for translating the other template's node ids.
#[derive(Clone, Copy, Debug)]
pub struct NodeShift(u32);

impl NodeShift {
    pub fn apply(self, id: NodeId) -> NodeId {
        NodeId(id.0 + self.0)
    }
}

impl Template {
    /// Append `other` to this template. `None` (and nothing changed) when a resource id of
    /// `other` already exists here or the combined text would not fit 32-bit offsets.
    pub fn graft(&mut self, other: &Template) -> Option<(Graft, NodeShift)> {
        if other.resources.iter().any(|r| self.resource(&r.logical_id).is_some()) {
            return None;
        }
        let offset = u32::try_from(self.tree.source.len() + 1).ok()?;
        let len = u32::try_from(other.tree.source.len()).ok()?;
        offset.checked_add(len)?;
        let shift_span = |s: Span| Span { start: s.start + offset, end: s.end + offset };
        let tree = &mut self.tree;
        let node_base = tree.append(&other.tree, offset)?;
        tree.source = Arc::from(format!("{}\n{}", tree.source, other.tree.source));
        let node = |id: NodeId| NodeId(id.0 + node_base);
        let named = |(name, span): &(String, Span)| (name.clone(), shift_span(*span));
        self.resources.extend(other.resources.iter().map(|r| Resource {
            logical_id: r.logical_id.clone(),
            key_span: shift_span(r.key_span),
            node: node(r.node),
            type_name: r.type_name.clone(),
            type_span: shift_span(r.type_span),
            properties: r.properties.map(node),
            condition: r.condition.as_ref().map(named),
            depends_on: r.depends_on.iter().map(named).collect(),
            metadata: r.metadata.map(node),
        }));
        let new_parameters: Vec<_> =
            other.parameters.iter().filter(|p| self.parameter(&p.name).is_none()).cloned().collect();
        for mut p in new_parameters {
            p.key_span = shift_span(p.key_span);
            p.default = p.default.map(node);
            p.allowed_values = p.allowed_values.iter().copied().map(node).collect();
            p.node = node(p.node);
            self.parameters.push(p);
        }
        let new_conditions: Vec<_> =
            other.conditions.iter().filter(|c| self.condition_def(&c.name).is_none()).cloned().collect();
        for mut c in new_conditions {
            c.key_span = shift_span(c.key_span);
            c.node = node(c.node);
            self.conditions.push(c);
        }
        self.build_indexes();
        let graft = Graft { offset, len, file: other.file };
        self.grafts.push(graft);
        Some((graft, NodeShift(node_base)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::FileId;
    use crate::source::parse_str;
    use crate::template::{Evaluator, ValueKind};

    fn template(yaml: &str) -> Template {
        Template::from_tree(FileId(0), parse_str(yaml).tree)
    }

    #[test]
    fn grafted_resources_evaluate_with_their_own_spans() {
        let mut app = template("Resources:\n  Fn: {Type: AWS::Lambda::Function}\n");
        let mut net = template(
            "Parameters:\n  Cidr: {Type: String, Default: 10.0.1.0/24}\nResources:\n  SubnetA:\n    Type: AWS::EC2::Subnet\n    Properties: {CidrBlock: !Ref Cidr}\n",
        );
        net.file = FileId(1);
        let (graft, _) = app.graft(&net).expect("no collision");
        let subnet = app.resource("SubnetA").expect("grafted");
        assert_eq!(app.tree.slice(subnet.key_span), "SubnetA");
        assert!(subnet.key_span.start >= graft.offset);
        let local = subnet.key_span.start - graft.offset;
        assert_eq!(&net.tree.source[local as usize..local as usize + 7], "SubnetA");
        let local = local as usize;
        assert_eq!(app.locate(subnet.key_span), (FileId(1), Span::new(local, local + 7)));
        let own = app.resource("Fn").expect("own").key_span;
        assert_eq!(app.locate(own), (FileId(0), own));
        let cidr = Evaluator::new(&app).property(subnet, "CidrBlock").map(|v| v.kind);
        assert_eq!(cidr, Some(ValueKind::Str("10.0.1.0/24".into())));
    }

    #[test]
    fn colliding_resource_ids_refuse_the_graft() {
        let mut app = template("Resources:\n  Vpc: {Type: AWS::EC2::VPC}\n");
        let before = app.tree.source.len();
        assert!(app.graft(&template("Resources:\n  Vpc: {Type: AWS::EC2::VPC}\n")).is_none());
        assert_eq!(app.tree.source.len(), before);
    }
}
