//! Fixes that add what a path lacks: an ingress rule admitting the function's security group
//! (RL107, RL203), a route table on a gateway endpoint (RL403), both unsafe (they grant access:
//! review before applying); and, for a function with no Secrets Manager path at all (RL101), the
//! interface endpoint to paste, shown and never applied.
//!
//! Each is offered only when every place it names is a resource of the template, written without
//! a condition, an `Fn::If` or a parameter; anything else gets no fix.

use super::TemplateContext;
use super::value_fix::{Fixer, set_property};
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::fix::{Step, Value};
use crate::network::{Blocker, SgKey};
use crate::rotation::{RotationFunction, VpcAttachment};
use crate::source::tree::NodeId;
use crate::template::{Template, ValueKind};

const SECURITY_GROUP: &str = "AWS::EC2::SecurityGroup";
const INGRESS: &str = "AWS::EC2::SecurityGroupIngress";

/// RL107: each finding on an endpoint's security group gets the rule admitting tcp/443 (the
/// endpoint's port) from the function's security group.
pub(crate) fn endpoint_ingress(cx: &TemplateContext<'_>, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    attach(cx, found, |f, ff| {
        let report = ff.secrets_manager.as_ref()?;
        Some(report.per_subnet.iter().filter_map(|(_, o)| o.blocker()).collect::<Vec<_>>()).map(|b| (f, b))
    })
}

/// RL203: each finding on a database's security group gets the rule admitting the database port
/// from the function's security group.
pub(crate) fn target_ingress(cx: &TemplateContext<'_>, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    attach(cx, found, |f, ff| {
        let report = ff.target_path.as_ref()?;
        Some(report.per_subnet.iter().filter_map(|(_, o)| o.blocker()).collect::<Vec<_>>()).map(|b| (f, b))
    })
}

/// The blockers of each function, from `blockers`; a finding whose place and function match one
/// that a security group blocks gets the ingress fix.
fn attach<'f>(
    cx: &'f TemplateContext<'_>,
    mut found: Vec<Diagnostic>,
    blockers: impl Fn(
        &'f RotationFunction,
        &'f crate::facts::FunctionFacts,
    ) -> Option<(&'f RotationFunction, Vec<&'f Blocker>)>,
) -> Vec<Diagnostic> {
    let fixer = Fixer::new(cx.template, cx.file);
    let net = &cx.facts.network;
    let candidates: Vec<_> = cx.facts.functions().filter_map(|(f, ff)| blockers(f, ff)).collect();
    for d in found.iter_mut().filter(|d| d.fix.is_none()) {
        let at = (d.primary.resource.clone().unwrap_or_default(), d.primary.span);
        let hit = candidates.iter().find_map(|(f, list)| {
            if !d.message.contains(&format!("`{}`", f.id)) {
                return None;
            }
            list.iter().find(|b| b.primary(net).as_ref() == Some(&at)).map(|b| (*f, *b))
        });
        let Some((f, blocker)) = hit else { continue };
        // A group the function and the target share admits the function by a rule naming itself.
        let (group, port, shared) = match blocker {
            Blocker::EndpointSgBlocks { groups, port, .. } => (groups.first(), *port, None),
            Blocker::TargetSgBlocks { groups, port, shared } => (groups.first(), *port, shared.as_deref()),
            _ => continue,
        };
        let group = match (shared, group) {
            (Some(shared), _) => shared,
            (None, Some(SgKey::Group(group))) => group.as_str(),
            _ => continue,
        };
        d.fix = ingress(cx.template, &fixer, group, port, f, shared.is_some());
    }
    found
}

/// A template resource of type `type_name` written without a `Condition`.
fn plain_resource(template: &Template, id: &str, type_name: &str) -> bool {
    template.resource(id).is_some_and(|r| r.type_name == type_name && r.condition.is_none())
}

/// The logical id a security-group reference names: `Ref X` or `Fn::GetAtt X.GroupId` (either
/// spelling), nothing else.
fn group_reference(template: &Template, node: NodeId) -> Option<String> {
    let tree = &template.tree;
    let (key, value, _) = tree.single_entry(node)?;
    let id = match key {
        "Ref" => tree.scalar(value)?.to_owned(),
        "Fn::GetAtt" => match tree.scalar(value) {
            Some(dotted) => dotted.strip_suffix(".GroupId")?.to_owned(),
            None => match tree.seq(value) {
                &[r, a] if tree.scalar(a) == Some("GroupId") => tree.scalar(r)?.to_owned(),
                _ => return None,
            },
        },
        _ => return None,
    };
    Some(id)
}

/// The function's security groups, when its own `VpcConfig.SecurityGroupIds` is a list of
/// references to security groups of the template (no `Fn::If`, no parameter, not from SAM
/// `Globals`).
fn function_groups(template: &Template, f: &RotationFunction) -> Option<Vec<String>> {
    if !f.is_custom() || f.vpc_condition.is_some() || !matches!(f.vpc, VpcAttachment::InVpc { .. }) {
        return None;
    }
    let tree = &template.tree;
    let resource = template.resource(&f.id).filter(|r| r.condition.is_none())?;
    let vpc_config = tree.get(resource.properties?, "VpcConfig")?;
    let list = tree.get(vpc_config, "SecurityGroupIds")?;
    if !tree.is_seq(list) || tree.tag_span(list).is_some() {
        return None;
    }
    let ids: Vec<String> = tree.seq(list).iter().map(|&n| group_reference(template, n)).collect::<Option<_>>()?;
    if ids.is_empty() || !ids.iter().all(|id| plain_resource(template, id, SECURITY_GROUP)) {
        return None;
    }
    Some(ids)
}

/// Unsafe: admit tcp/`port` on `group` from the function's security group: an item of the
/// group's inline `SecurityGroupIngress`; when it has none and the template writes its rules as
/// `AWS::EC2::SecurityGroupIngress` resources, such a resource (AWS advises against mixing both
/// on one group); otherwise a new `SecurityGroupIngress` list.
fn ingress(
    template: &Template,
    fixer: &Fixer<'_>,
    group: &str,
    port: u16,
    f: &RotationFunction,
    shared: bool,
) -> Option<Fix> {
    if !plain_resource(template, group, SECURITY_GROUP) {
        return None;
    }
    let groups = function_groups(template, f)?;
    let source = match shared {
        true => groups.into_iter().find(|g| g == group)?,
        false => groups.into_iter().next()?,
    };
    let rule = |extra: Option<(&str, Value)>| {
        let mut entries: Vec<(String, Value)> = extra.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        entries.extend([
            ("IpProtocol".to_owned(), Value::str("tcp")),
            ("FromPort".to_owned(), Value::num(port)),
            ("ToPort".to_owned(), Value::num(port)),
            ("SourceSecurityGroupId".to_owned(), Value::reference(source.as_str())),
        ]);
        Value::Map(entries)
    };
    let tree = &template.tree;
    let inline = template.resource(group)?.properties.and_then(|p| tree.get(p, "SecurityGroupIngress"));
    let standalone = template.resources_of_type(INGRESS).next().is_some();
    let what = format!("tcp/{port} from `{source}`");
    if inline.is_none() && standalone {
        let mut id = String::new();
        let body = Value::map([
            ("Type", Value::str(INGRESS)),
            ("Properties", rule(Some(("GroupId", Value::reference(group))))),
        ]);
        let added = fixer.fix(String::new(), Applicability::Unsafe, |doc| {
            id = doc.fresh_logical_id(&format!("{group}From{source}"));
            doc.add_resource(&id, &body)
        })?;
        return Some(Fix { title: format!("add `{id}`, an ingress rule of `{group}` admitting {what}"), ..added });
    }
    let title = format!("add an ingress rule to `{group}` admitting {what}");
    fixer.fix(title, Applicability::Unsafe, |doc| match inline {
        Some(_) => {
            let path =
                [Step::Key("Resources"), Step::Key(group), Step::Key("Properties"), Step::Key("SecurityGroupIngress")];
            doc.add_item(&path, &rule(None))
        }
        None => set_property(template, doc, group, "SecurityGroupIngress", &Value::Seq(vec![rule(None)])),
    })
}

/// RL403, unsafe: each finding on a gateway endpoint gets the subnet's route table added to its
/// `RouteTableIds` (the finding names the table; one endpoint can miss several).
pub(crate) fn gateway_routes(cx: &TemplateContext<'_>, mut found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let fixer = Fixer::new(cx.template, cx.file);
    let net = &cx.facts.network;
    let mut blockers: Vec<&Blocker> = Vec::new();
    for f in &cx.facts.calls {
        for (_, answer) in super::service_reach::answers(f) {
            for (_, outcome) in &answer.report.per_subnet {
                if let Some(b @ Blocker::GatewayNotRouted { route_table: Some(_), .. }) = outcome.blocker()
                    && !blockers.contains(&b)
                {
                    blockers.push(b);
                }
            }
        }
    }
    for d in found.iter_mut().filter(|d| d.fix.is_none()) {
        let at = (d.primary.resource.clone().unwrap_or_default(), d.primary.span);
        let hit = blockers.iter().find(|b| match b {
            Blocker::GatewayNotRouted { route_table: Some(table), .. } => {
                d.message.contains(&format!("`{table}`")) && b.primary(net).as_ref() == Some(&at)
            }
            _ => false,
        });
        if let Some(Blocker::GatewayNotRouted { endpoint, route_table: Some(table), .. }) = hit {
            d.fix = gateway_route(cx.template, &fixer, endpoint, table);
        }
    }
    found
}

pub(crate) fn gateway_route(template: &Template, fixer: &Fixer<'_>, endpoint: &str, table: &str) -> Option<Fix> {
    if !plain_resource(template, endpoint, "AWS::EC2::VPCEndpoint")
        || !plain_resource(template, table, "AWS::EC2::RouteTable")
    {
        return None;
    }
    let title = format!("add `!Ref {table}` to the RouteTableIds of `{endpoint}`");
    let listed = template.resource(endpoint)?.properties.and_then(|p| template.tree.get(p, "RouteTableIds"));
    fixer.fix(title, Applicability::Unsafe, |doc| match listed {
        Some(_) => {
            let path =
                [Step::Key("Resources"), Step::Key(endpoint), Step::Key("Properties"), Step::Key("RouteTableIds")];
            doc.add_item(&path, &Value::reference(table))
        }
        None => set_property(template, doc, endpoint, "RouteTableIds", &Value::Seq(vec![Value::reference(table)])),
    })
}

/// The placeholder for the endpoint's security groups: the group must admit tcp/443 from the
/// function, and which group that is (a new one, an existing one) is the author's choice.
const SECURITY_GROUPS_NOTE: &str = "a security group admitting tcp/443 from the function's security groups";

/// RL101, display only: the interface endpoint for Secrets Manager to paste into `Resources`,
/// when the function's VPC has no endpoint that is (or may be) for Secrets Manager. Its subnets
/// are the function's, which must all be template subnets of one VPC.
pub(crate) fn endpoint_suggestions(cx: &TemplateContext<'_>, mut found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let fixer = Fixer::new(cx.template, cx.file);
    // Per VPC: whether it may have a Secrets Manager endpoint already, worked out once.
    let mut served: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
    for d in found.iter_mut().filter(|d| d.fix.is_none()) {
        let Some(f) =
            cx.facts.rotations.functions.iter().find(|f| d.primary.resource.as_deref() == Some(f.id.as_str()))
        else {
            continue;
        };
        d.fix = secrets_manager_endpoint(cx, &fixer, &mut served, f);
    }
    found
}

fn secrets_manager_endpoint(
    cx: &TemplateContext<'_>,
    fixer: &Fixer<'_>,
    served: &mut std::collections::HashMap<String, bool>,
    f: &RotationFunction,
) -> Option<Fix> {
    let VpcAttachment::InVpc { subnets, .. } = &f.vpc else { return None };
    if f.vpc_condition.is_some() {
        return None;
    }
    let net = &cx.facts.network;
    let ids: Vec<&str> = subnets
        .iter()
        .map(|v| match &v.kind {
            ValueKind::Ref(id) => Some(id.as_str()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let vpcs: Vec<&String> = ids.iter().map(|id| net.subnets.get(*id)?.vpc.known()).collect::<Option<_>>()?;
    let vpc = *vpcs.first()?;
    if vpcs.iter().any(|v| *v != vpc) || !plain_resource(cx.template, vpc, "AWS::EC2::VPC") {
        return None;
    }
    let has_endpoint = *served.entry(vpc.clone()).or_insert_with(|| {
        let in_vpc = |e: &&crate::network::Endpoint| e.vpc.known().is_none_or(|v| v == vpc);
        // One written but left out of this scenario (its condition is false here) is the
        // author's to turn on, not a reason for a second.
        let tree = &cx.template.tree;
        let conditional = cx.template.resources_of_type("AWS::EC2::VPCEndpoint").filter(|r| r.condition.is_some());
        net.endpoints.values().filter(in_vpc).any(|e| e.is_secretsmanager() != Some(false))
            || conditional.into_iter().any(|r| {
                let service = r.properties.and_then(|p| tree.get(p, "ServiceName"));
                service.is_none_or(|s| tree.slice(tree.span(s)).to_ascii_lowercase().contains("secretsmanager"))
            })
    });
    if has_endpoint {
        return None;
    }
    let json = cx.template.tree.source.trim_start().starts_with('{');
    let mut properties = vec![
        ("ServiceName", Value::Sub("com.amazonaws.${AWS::Region}.secretsmanager".into())),
        ("VpcEndpointType", Value::str("Interface")),
        ("PrivateDnsEnabled", Value::Bool(true)),
        ("VpcId", Value::reference(vpc.as_str())),
        ("SubnetIds", Value::Seq(ids.iter().map(|id| Value::reference(*id)).collect())),
    ];
    if json {
        properties.push(("SecurityGroupIds", Value::Seq(vec![Value::str(format!("<{SECURITY_GROUPS_NOTE}>"))])));
    }
    let body = Value::map([("Type", Value::str("AWS::EC2::VPCEndpoint")), ("Properties", Value::map(properties))]);
    let mut id = String::new();
    let mut fix = fixer.fix(String::new(), Applicability::DisplayOnly, |doc| {
        id = doc.fresh_logical_id("SecretsManagerEndpoint");
        let mut added = doc.add_resource(&id, &body)?;
        if !json {
            // In YAML the security groups are a comment under the other properties.
            let edit = added.first_mut()?;
            let nl = doc.newline();
            let indent: String = edit
                .text
                .lines()
                .find(|l| l.trim_start().starts_with("VpcId:"))?
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let note = format!("{indent}# SecurityGroupIds: [{SECURITY_GROUPS_NOTE}]");
            match edit.text.strip_suffix(nl) {
                Some(_) => edit.text.push_str(&format!("{note}{nl}")),
                None => edit.text.push_str(&format!("{nl}{note}")),
            }
        }
        Some(added)
    })?;
    fix.title = format!("add `{id}`, an interface VPC endpoint for Secrets Manager in `{vpc}`");
    Some(fix)
}
