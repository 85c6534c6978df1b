//! Fixes the rules can offer: exact replacements of the one written value a finding points at.
//! Anything else (a missing property, a value inside `Fn::If`, a `Ref` to a parameter, an alias,
//! a value spelled some other way) gets no fix.

use crate::diagnostic::{Applicability, Edit, FileId, Fix};
use crate::fix::{Doc, Step, Value};
use crate::source::load::Format;
use crate::source::tree::{NodeKind, Span};
use crate::template::Template;

/// Replace a property's written value: `key` directly under the resource's `Properties`.
pub(crate) struct ValueFix {
    pub key: &'static str,
    /// Values (unquoted) the fix replaces; anything else is left alone.
    pub from: &'static [&'static str],
    pub to: &'static str,
    /// Whether a quoted value keeps its quotes (a string enum) or loses them (a boolean).
    pub keep_quotes: bool,
    pub title: &'static str,
}

impl ValueFix {
    /// The fix when `at` is exactly the written value of the property `key` of `resource`: a
    /// plain scalar under `Properties` (not an intrinsic function, not an alias), one of `from`.
    pub(crate) fn at(&self, template: &Template, file: FileId, resource: &str, at: Span) -> Option<Fix> {
        let tree = &template.tree;
        let properties = template.resource(resource)?.properties?;
        let pair = tree.get_pair(properties, self.key)?;
        // The property's own value, written as a plain or quoted scalar: not an intrinsic
        // function (`Fn::If`, `Ref`: their maps, or a value inside them, have other spans), not a
        // tagged value.
        let scalar = matches!(tree.kind(pair.value), NodeKind::Scalar(_)) && tree.tag_span(pair.value).is_none();
        if tree.span(pair.value) != at || !scalar {
            return None;
        }
        // The written text, not the scalar's value: an alias (`*off`) has a value it does not spell.
        let (quote, bare) = unquote(tree.slice(at));
        if !self.from.contains(&bare) {
            return None;
        }
        let text = match quote {
            Some(q) if self.keep_quotes => format!("{q}{}{q}", self.to),
            _ => self.to.to_owned(),
        };
        Some(Fix {
            title: self.title.to_owned(),
            applicability: Applicability::Safe,
            edits: vec![Edit { file, span: at, text }],
        })
    }
}

/// The file's format as the loader guesses it: JSON when the text starts with `{`.
fn format_of(template: &Template) -> Format {
    match template.tree.source.trim_start().starts_with('{') {
        true => Format::Json,
        false => Format::Yaml,
    }
}

/// Fixes derived on one template's own text, sharing one [`Doc`] (built on the first fix: it
/// scans the whole text for its conventions, once per rule run rather than once per finding).
pub(crate) struct Fixer<'t> {
    template: &'t Template,
    file: FileId,
    doc: std::cell::OnceCell<Option<Doc<'t>>>,
}

impl<'t> Fixer<'t> {
    pub(crate) fn new(template: &'t Template, file: FileId) -> Self {
        Fixer { template, file, doc: std::cell::OnceCell::new() }
    }

    /// A fix made of the replacements `edit` derives; `None` when the template has other stacks
    /// grafted in (their text is not this file's), when `edit` refuses, or when there is nothing
    /// to change.
    pub(crate) fn fix(
        &self,
        title: impl Into<String>,
        applicability: Applicability,
        edit: impl FnOnce(&Doc<'t>) -> Option<Vec<crate::fix::Replacement>>,
    ) -> Option<Fix> {
        let doc = self.doc.get_or_init(|| {
            let template = self.template;
            template.grafts.is_empty().then(|| Doc::new(&template.tree, format_of(template)))
        });
        let replacements = edit(doc.as_ref()?)?;
        if replacements.is_empty() {
            return None;
        }
        let edits = replacements.into_iter().map(|r| Edit { file: self.file, span: r.span, text: r.text }).collect();
        Some(Fix { title: title.into(), applicability, edits })
    }
}

/// Set (or add) `key` under the resource's `Properties`, adding `Properties` when the resource
/// has none.
pub(crate) fn set_property(
    template: &Template,
    doc: &Doc<'_>,
    resource: &str,
    key: &str,
    value: &Value,
) -> Option<Vec<crate::fix::Replacement>> {
    if template.resource(resource)?.properties.is_some() {
        let properties = [Step::Key("Resources"), Step::Key(resource), Step::Key("Properties")];
        doc.set_or_add(&properties, key, value)
    } else {
        let at = [Step::Key("Resources"), Step::Key(resource)];
        doc.add_entry(&at, "Properties", &Value::map([(key, value.clone())]))
    }
}

fn unquote(value: &str) -> (Option<char>, &str) {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return (Some(q), inner);
        }
    }
    (None, value)
}

#[cfg(test)]
mod tests {
    use super::super::{endpoint_not_interface, endpoint_private_dns_off};
    use super::*;

    /// The fix of `fix` for `value`, the first text equal to it after the `Properties:` of
    /// resource `E` in `template`.
    fn fix_at(fix: &ValueFix, template: &str, value: &str) -> Option<String> {
        let t = Template::from_tree(FileId(0), crate::source::parse_str(template).tree);
        let after = template.find("Properties").unwrap_or(0);
        let start = template[after..].find(value).map_or(0, |i| after + i);
        let found = fix.at(&t, FileId(0), "E", Span::new(start, start + value.len()))?;
        assert_eq!(found.applicability, Applicability::Safe);
        assert_eq!(found.edits.len(), 1);
        Some(found.edits[0].text.clone())
    }

    fn yaml(property: &str) -> String {
        format!("Resources:\n  E:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      {property}\n")
    }

    fn json(property: &str) -> String {
        format!(
            "{{\"Resources\": {{\"E\": {{\"Type\": \"AWS::EC2::VPCEndpoint\", \"Properties\": {{\n  {property}\n}}}}}}}}"
        )
    }

    #[test]
    fn private_dns_false_becomes_true() {
        let fix = &endpoint_private_dns_off::FIX;
        assert_eq!(fix_at(fix, &yaml("PrivateDnsEnabled: false"), "false").as_deref(), Some("true"));
        assert_eq!(fix_at(fix, &yaml("PrivateDnsEnabled: \"false\""), "\"false\"").as_deref(), Some("true"));
        assert_eq!(fix_at(fix, &yaml("PrivateDnsEnabled: False"), "False").as_deref(), Some("true"));
        assert_eq!(fix_at(fix, &json("\"PrivateDnsEnabled\": false"), "false").as_deref(), Some("true"));
    }

    #[test]
    fn gateway_becomes_interface_keeping_quotes() {
        let fix = &endpoint_not_interface::FIX;
        assert_eq!(fix_at(fix, &yaml("VpcEndpointType: Gateway"), "Gateway").as_deref(), Some("Interface"));
        assert_eq!(fix_at(fix, &yaml("VpcEndpointType: 'Gateway'"), "'Gateway'").as_deref(), Some("'Interface'"));
        let json = json("\"VpcEndpointType\": \"Gateway\"");
        assert_eq!(fix_at(fix, &json, "\"Gateway\"").as_deref(), Some("\"Interface\""));
    }

    #[test]
    fn no_fix_unless_the_span_is_the_written_value() {
        let fix = &endpoint_private_dns_off::FIX;
        // Inside Fn::If: changing one branch is not the whole answer.
        assert_eq!(fix_at(fix, &yaml("PrivateDnsEnabled: !If [C, true, false]"), "false"), None);
        assert_eq!(fix_at(fix, &yaml("PrivateDnsEnabled: {\"Fn::If\": [C, true, false]}"), "false"), None);
        // From a parameter: the value to change is elsewhere.
        assert_eq!(fix_at(fix, &yaml("PrivateDnsEnabled: !Ref Dns"), "!Ref Dns"), None);
        // An alias has the value without spelling it.
        let aliased = "Metadata:\n  Off: &off false\n".to_owned() + &yaml("PrivateDnsEnabled: *off");
        assert_eq!(fix_at(fix, &aliased, "*off"), None);
        // A tagged value, another spelling, another property, another resource.
        assert_eq!(fix_at(fix, &yaml("PrivateDnsEnabled: !!bool false"), "false"), None);
        assert_eq!(fix_at(fix, &yaml("PrivateDnsEnabled: no"), "no"), None);
        assert_eq!(fix_at(fix, &yaml("NotPrivateDnsEnabled: false"), "false"), None);
        assert_eq!(fix_at(fix, &yaml("Tags: [{Key: PrivateDnsEnabled, Value: false}]"), "false"), None);
        // The property is missing: the finding points at the resource key.
        let missing = yaml("VpcId: v");
        let t = Template::from_tree(FileId(0), crate::source::parse_str(&missing).tree);
        let key = t.resource("E").map(|r| r.key_span).unwrap_or_default();
        assert_eq!(missing.get(key.range()), Some("E"));
        assert_eq!(fix.at(&t, FileId(0), "E", key), None);
    }
}
