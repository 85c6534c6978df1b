//! Maps a property path Guard reports (`/Resources/X/Properties/Y/0/Z`) onto the spanned tree,
//! so a policy finding points at the value in the source, never at Guard's own line numbers.

use std::collections::BTreeMap;

use super::document::SECTION;
use crate::source::tree::{NodeId, Span, Tree};

/// Where a finding goes, and the resource it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub span: Span,
    pub resource: Option<String>,
}

/// The deepest node of `path` that exists: a scalar (or short-form function) value itself,
/// otherwise the key that leads to the node. Paths into the `Rotlint` section go to the rotation
/// function's (or VPC function's) resource key; a failure without a path goes to the `Resources`
/// key.
pub fn locate(tree: &Tree, functions: &BTreeMap<String, Span>, path: Option<&str>) -> Located {
    let segments: Vec<&str> = path.unwrap_or_default().split('/').filter(|s| !s.is_empty()).collect();
    if let [SECTION, "RotationFunctions", id, ..] = segments.as_slice()
        && let Some(span) = functions.get(*id)
    {
        return Located { span: *span, resource: Some((*id).to_owned()) };
    }
    let Some(root) = tree.root else {
        return Located { span: Span::default(), resource: None };
    };
    // A VPC function's facts are about the function resource itself.
    if let [SECTION, "Functions", id, ..] = segments.as_slice()
        && let Some(pair) = tree.get(root, "Resources").and_then(|r| tree.get_pair(r, id))
    {
        return Located { span: pair.key_span, resource: Some((*id).to_owned()) };
    }
    if segments.is_empty() || segments[0] == SECTION {
        let span =
            tree.get_pair(root, "Resources").map_or(Span::empty_at(tree.span(root).start as usize), |p| p.key_span);
        return Located { span, resource: None };
    }
    let resource = match segments.as_slice() {
        ["Resources", id, ..] => tree.get(root, "Resources").and_then(|r| tree.get(r, id)).map(|_| (*id).to_owned()),
        _ => None,
    };
    Located { span: walk(tree, root, &segments), resource }
}

fn walk(tree: &Tree, root: NodeId, segments: &[&str]) -> Span {
    let mut node = root;
    let mut key: Option<Span> = None;
    for segment in segments {
        let next = if tree.is_map(node) {
            tree.get_pair(node, segment).map(|p| (p.value, Some(p.key_span)))
        } else {
            segment.parse::<usize>().ok().and_then(|i| tree.seq(node).get(i)).map(|&item| (item, None))
        };
        let Some((child, child_key)) = next else { break };
        node = child;
        key = child_key;
    }
    let span = tree.span(node);
    let is_value = tree.scalar(node).is_some() || tree.from_short_form(node);
    match key {
        Some(k) if !is_value || span.is_empty() => k,
        _ => span,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::diagnostic::FileId;
    use crate::source::{Limits, load_bytes};

    const YAML: &str = "Resources:\n  Ep:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      PrivateDnsEnabled: false\n      SubnetIds:\n        - !Ref A\n        - b\n      Empty:\n";

    fn at(path: &str) -> (String, Option<String>) {
        let loaded = load_bytes(FileId(0), Path::new("t.yaml"), YAML.as_bytes(), &Limits::default());
        let functions = BTreeMap::from([("Fn".to_owned(), Span::new(2, 4))]);
        let found = locate(&loaded.tree, &functions, Some(path));
        (loaded.tree.slice(found.span).to_owned(), found.resource)
    }

    #[test]
    fn scalars_point_at_the_value_containers_at_their_key() {
        assert_eq!(at("/Resources/Ep/Properties/PrivateDnsEnabled").0, "false");
        assert_eq!(at("/Resources/Ep/Properties").0, "Properties");
        assert_eq!(at("/Resources/Ep/Properties/SubnetIds/1").0, "b");
        assert_eq!(at("/Resources/Ep/Properties/SubnetIds/0").0, "!Ref A");
        assert_eq!(at("/Resources/Ep/Properties/Empty").0, "Empty");
        assert_eq!(at("/Resources/Ep").1.as_deref(), Some("Ep"));
    }

    #[test]
    fn partial_paths_stop_at_the_deepest_existing_node() {
        assert_eq!(at("/Resources/Ep/Properties/VpcId/Ref").0, "Properties");
        assert_eq!(at("/Resources/Ep/Properties/SubnetIds/7").0, "SubnetIds");
        assert_eq!(at("/Resources/Nope/Properties"), ("Resources".to_owned(), None));
    }

    #[test]
    fn rotlint_paths_go_to_the_function_and_no_path_to_resources() {
        assert_eq!(at("/Rotlint/RotationFunctions/Fn/SecretsManagerPath"), ("so".to_owned(), Some("Fn".to_owned())));
        assert_eq!(at("/Rotlint/RotationFunctions").0, "Resources");
        assert_eq!(at("/Rotlint/Functions/Ep/Services/s3/Status"), ("Ep".to_owned(), Some("Ep".to_owned())));
        assert_eq!(at("/Rotlint/Functions/Nope/Services").0, "Resources");
        assert_eq!(at("").0, "Resources");
    }
}
