//! Linking a rotated secret to its database (AWS::SecretsManager::SecretTargetAttachment: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-secrettargetattachment.html) and reading where that database sits
//! on the network (§2.2–2.4): subnets through its subnet group, security groups, port and the
//! explicit `PubliclyAccessible`.

use std::collections::BTreeMap;

use super::functions::Schedule;
use crate::source::tree::Span;
use crate::template::{Evaluator, Resource, Template, Value, ValueKind, attributes};

const ATTACHMENT: &str = "AWS::SecretsManager::SecretTargetAttachment";

/// Database families rotlint knows the network shape of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetFamily {
    RdsInstance,
    RdsCluster,
    Redshift,
    /// A Redshift Serverless workgroup (a namespace is reached through its workgroup).
    RedshiftServerless,
    DocDbCluster,
    DocDbInstance,
    DocDbElastic,
    /// An RDS Proxy, when the secret's `host` is the proxy's endpoint.
    RdsProxy,
}

/// Every resource type a target can be, with its family.
const FAMILIES: &[(&str, TargetFamily)] = &[
    ("AWS::RDS::DBInstance", TargetFamily::RdsInstance),
    ("AWS::RDS::DBCluster", TargetFamily::RdsCluster),
    ("AWS::Redshift::Cluster", TargetFamily::Redshift),
    ("AWS::DocDB::DBCluster", TargetFamily::DocDbCluster),
    ("AWS::DocDB::DBInstance", TargetFamily::DocDbInstance),
    ("AWS::RedshiftServerless::Workgroup", TargetFamily::RedshiftServerless),
    ("AWS::RedshiftServerless::Namespace", TargetFamily::RedshiftServerless),
    ("AWS::DocDBElastic::Cluster", TargetFamily::DocDbElastic),
    ("AWS::RDS::DBProxy", TargetFamily::RdsProxy),
];

/// Subnet groups, read for the subnets of a target that names one.
const SUBNET_GROUPS: &[&str] =
    &["AWS::RDS::DBSubnetGroup", "AWS::Redshift::ClusterSubnetGroup", "AWS::DocDB::DBSubnetGroup"];

/// Every resource type the target model reads (condition scenarios vary their conditions).
pub fn read_types() -> impl Iterator<Item = &'static str> {
    FAMILIES.iter().map(|(t, _)| *t).chain(SUBNET_GROUPS.iter().copied()).chain([ATTACHMENT])
}

impl TargetFamily {
    fn of(type_name: &str) -> Option<TargetFamily> {
        FAMILIES.iter().find(|(t, _)| *t == type_name).map(|(_, f)| *f)
    }

    /// DocumentDB (elastic clusters too) has no public endpoint, and an RDS Proxy cannot be
    /// publicly accessible.
    pub fn never_public(self) -> bool {
        matches!(
            self,
            TargetFamily::DocDbCluster
                | TargetFamily::DocDbInstance
                | TargetFamily::DocDbElastic
                | TargetFamily::RdsProxy
        )
    }

    /// `PubliclyAccessible` when omitted, if it does not depend on the VPC: false for Redshift
    /// clusters and Redshift Serverless workgroups.
    pub fn private_by_default(self) -> bool {
        matches!(self, TargetFamily::Redshift | TargetFamily::RedshiftServerless)
    }
}

/// How the secret was tied to the database, most reliable first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Attachment,
    DynamicReference,
    HostInSecret,
}

#[derive(Clone, Debug)]
pub struct Target {
    /// The database resource whose network settings apply (for an Aurora/DocumentDB instance,
    /// its cluster's subnet group and security groups are used).
    pub id: String,
    pub type_name: String,
    pub family: TargetFamily,
    pub key_span: Span,
    pub link: Link,
    pub engine: Option<String>,
    /// Explicit or the engine default; `None` when it cannot be known.
    pub port: Option<u16>,
    /// The subnet group's subnets; empty when the database names no subnet group.
    pub subnets: Vec<Value>,
    pub subnet_group: Option<String>,
    pub security_groups: Vec<Value>,
    /// The property to change for security-group findings (or the resource key).
    pub security_groups_span: Span,
    /// `PubliclyAccessible` as written; the effective value also depends on the VPC's internet
    /// gateway, which the network layer knows.
    pub publicly_accessible: Option<bool>,
    /// True when the master password is managed by RDS/Redshift (no Lambda rotation needed).
    pub managed_password: bool,
}

/// Which resources name each secret, read once per template: evaluating every attachment and
/// database for every schedule made linking quadratic in template size.
#[derive(Debug, Default)]
pub struct SecretLinks {
    /// Secret logical id → `TargetId` values of the attachments naming it, in source order.
    attachments: BTreeMap<String, Vec<Value>>,
    /// Secret logical id → the first database whose master username or password resolves it.
    dynamic: BTreeMap<String, String>,
}

impl SecretLinks {
    pub fn build(ev: &Evaluator<'_>) -> SecretLinks {
        let template = ev.template();
        let mut links = SecretLinks::default();
        for a in template.resources_of_type(ATTACHMENT) {
            let (Some(secret), Some(target)) = (ev.property(a, "SecretId"), ev.property(a, "TargetId")) else {
                continue;
            };
            for id in mentioned(&secret) {
                links.attachments.entry(id).or_default().push(target.clone());
            }
        }
        for db in template.resources.iter().filter(|r| TargetFamily::of(&r.type_name).is_some()) {
            for property in
                ["MasterUserPassword", "MasterUsername", "AdminUserPassword", "AdminUsername", "AdminUserName"]
            {
                let Some(v) = ev.property(db, property) else { continue };
                if !v.display().contains("{{resolve:secretsmanager:") {
                    continue;
                }
                for id in mentioned(&v) {
                    links.dynamic.entry(id).or_insert_with(|| db.logical_id.clone());
                }
            }
        }
        links
    }

    fn targets(&self, secret: &str) -> &[Value] {
        self.attachments.get(secret).map_or(&[], Vec::as_slice)
    }
}

/// The database a schedule's secret belongs to, if the template says.
pub fn target_of(ev: &Evaluator<'_>, links: &SecretLinks, schedule: &Schedule) -> Option<Target> {
    let template = ev.template();
    let secret = secret_id(template, ev, schedule.secret.as_ref()?)?;
    let attached = links.targets(&secret).iter().find_map(|t| match &t.kind {
        ValueKind::Ref(db) => template.resource(db),
        _ => None,
    });
    if let Some(db) = attached {
        return read_target(ev, db, Link::Attachment);
    }
    // The rotation code connects to the secret's `host` (an attachment overwrites it, a dynamic
    // reference does not): a proxy endpoint there is what the function reaches.
    let secret_res = template.resource(&secret);
    let text =
        secret_res.and_then(|r| ev.property(r, "SecretString").or_else(|| ev.property(r, "GenerateSecretString")));
    if let Some(host) = text.and_then(|t| first_database_reference(template, &t))
        && let Some(target) = template.resource(&host).and_then(|r| read_target(ev, r, Link::HostInSecret))
    {
        return Some(target);
    }
    let db = links.dynamic.get(&secret).and_then(|id| template.resource(id))?;
    read_target(ev, db, Link::DynamicReference)
}

/// The `TargetId` of the schedule's SecretTargetAttachment when it names no resource of this
/// template (a parameter, an import, a literal identifier): the database exists but cannot be
/// seen, which RL901 says.
pub fn unseen_target(ev: &Evaluator<'_>, links: &SecretLinks, schedule: &Schedule) -> Option<Value> {
    let template = ev.template();
    let secret = secret_id(template, ev, schedule.secret.as_ref()?)?;
    let target = links.targets(&secret).first()?;
    match &target.kind {
        ValueKind::Ref(id) if template.resource(id).is_some() => None,
        _ => Some(target.clone()),
    }
}

/// The logical id of the secret: a `Ref` to the secret, or to a SecretTargetAttachment (whose
/// `Ref` returns the secret's ARN, as CDK writes it).
fn secret_id(template: &Template, ev: &Evaluator<'_>, value: &Value) -> Option<String> {
    let ValueKind::Ref(id) = &value.kind else { return None };
    let res = template.resource(id)?;
    if res.type_name == ATTACHMENT
        && let Some(ValueKind::Ref(inner)) = ev.property(res, "SecretId").map(|v| v.kind)
    {
        return Some(inner);
    }
    Some(id.clone())
}

/// Logical ids a value refers to (`Ref`, `GetAtt`), anywhere inside it.
fn mentioned(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match &v.kind {
            ValueKind::Ref(r) | ValueKind::GetAtt { resource: r, .. } if !out.contains(r) => out.push(r.clone()),
            ValueKind::List(items) | ValueKind::Concat(items) => stack.extend(items),
            ValueKind::Map(entries) => stack.extend(entries.iter().map(|(_, _, v)| v)),
            _ => {}
        }
    }
    out
}

fn first_database_reference(template: &Template, value: &Value) -> Option<String> {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match &v.kind {
            ValueKind::GetAtt { resource, attribute }
                if attribute.contains("Endpoint")
                    && template.resource(resource).is_some_and(|r| TargetFamily::of(&r.type_name).is_some()) =>
            {
                return Some(resource.clone());
            }
            ValueKind::List(items) | ValueKind::Concat(items) => stack.extend(items),
            ValueKind::Map(entries) => stack.extend(entries.iter().map(|(_, _, v)| v)),
            _ => {}
        }
    }
    None
}

fn read_target(ev: &Evaluator<'_>, db: &Resource, link: Link) -> Option<Target> {
    let template = ev.template();
    let family = TargetFamily::of(&db.type_name)?;
    // Aurora and DocumentDB instances take their network from the cluster.
    let cluster = ev
        .property(db, "DBClusterIdentifier")
        .and_then(|v| match v.kind {
            ValueKind::Ref(id) => template.resource(&id),
            _ => None,
        })
        .filter(|c| {
            matches!(TargetFamily::of(&c.type_name), Some(TargetFamily::RdsCluster | TargetFamily::DocDbCluster))
        });
    let net = cluster.or_else(|| serverless_workgroup(ev, db)).unwrap_or(db);
    let engine = ["Engine", "EngineFamily"]
        .iter()
        .find_map(|p| ev.property(db, p).or_else(|| ev.property(net, p)))
        .and_then(|v| v.as_str().map(str::to_owned));
    let port = ev
        .property(net, "Port")
        .and_then(|v| v.as_str().and_then(|s| s.parse().ok()))
        .or_else(|| attributes::default_db_port(&net.type_name, engine.as_deref()));
    let (subnets_property, sg_property) = match TargetFamily::of(&net.type_name).unwrap_or(family) {
        TargetFamily::RdsInstance => ("DBSubnetGroupName", "VPCSecurityGroups"),
        TargetFamily::Redshift => ("ClusterSubnetGroupName", "VpcSecurityGroupIds"),
        TargetFamily::RedshiftServerless => ("SubnetIds", "SecurityGroupIds"),
        TargetFamily::DocDbElastic => ("SubnetIds", "VpcSecurityGroupIds"),
        TargetFamily::RdsProxy => ("VpcSubnetIds", "VpcSecurityGroupIds"),
        _ => ("DBSubnetGroupName", "VpcSecurityGroupIds"),
    };
    let subnets_value = ev.property(net, subnets_property);
    let (subnet_group, subnets) = if subnets_property.ends_with("SubnetIds") {
        (None, subnets_value.as_ref().and_then(|v| v.as_list()).map(<[Value]>::to_vec).unwrap_or_default())
    } else {
        let group = subnets_value.and_then(|v| match v.kind {
            ValueKind::Ref(id) => Some(id),
            _ => None,
        });
        let subnets = group
            .as_deref()
            .and_then(|g| template.resource(g))
            .and_then(|g| ev.property(g, "SubnetIds"))
            .and_then(|v| v.as_list().map(<[Value]>::to_vec))
            .unwrap_or_default();
        (group, subnets)
    };
    let family = TargetFamily::of(&net.type_name).unwrap_or(family);
    let sg_value = ev.property(net, sg_property);
    let security_groups = sg_value.as_ref().and_then(|v| v.as_list()).map(<[Value]>::to_vec).unwrap_or_default();
    let security_groups_span = sg_value.map_or(net.key_span, |v| v.span);
    let aurora = net.type_name == "AWS::RDS::DBCluster"
        && ev
            .property(net, "Engine")
            .and_then(|v| v.as_str().map(str::to_ascii_lowercase))
            .is_some_and(|e| e.starts_with("aurora"));
    let publicly_accessible = if aurora {
        aurora_public(ev, &net.logical_id)
    } else {
        ev.property(net, "PubliclyAccessible")
            .or_else(|| ev.property(db, "PubliclyAccessible"))
            .and_then(|v| v.as_bool())
    };
    let managed_password = ["ManageMasterUserPassword", "ManageMasterPassword"]
        .iter()
        .any(|p| ev.property(net, p).and_then(|v| v.as_bool()) == Some(true));
    Some(Target {
        id: net.logical_id.clone(),
        type_name: net.type_name.clone(),
        family,
        key_span: net.key_span,
        link,
        engine,
        port,
        subnets,
        subnet_group,
        security_groups,
        security_groups_span,
        publicly_accessible,
        managed_password,
    })
}

/// The workgroup of a Redshift Serverless namespace: the one whose `NamespaceName` is the
/// namespace's (by `Ref` or the same literal name). The workgroup holds the network settings.
fn serverless_workgroup<'t>(ev: &Evaluator<'t>, namespace: &Resource) -> Option<&'t Resource> {
    if namespace.type_name != "AWS::RedshiftServerless::Namespace" {
        return None;
    }
    let name = ev.property(namespace, "NamespaceName").map(|v| v.display());
    ev.template().resources_of_type("AWS::RedshiftServerless::Workgroup").find(|w| {
        ev.property(w, "NamespaceName").is_some_and(|v| match &v.kind {
            ValueKind::Ref(id) => *id == namespace.logical_id,
            _ => name.as_deref() == Some(v.display().as_str()),
        })
    })
}

/// An Aurora cluster is public only through its instances: `PubliclyAccessible` belongs to each
/// `AWS::RDS::DBInstance`, the cluster's own property applies only to Multi-AZ DB clusters (RDS
/// API, `DBCluster.PubliclyAccessible`). `Some(true)` when an instance says true, `Some(false)`
/// when every instance says false, `None` (the VPC default decides) otherwise.
fn aurora_public(ev: &Evaluator<'_>, cluster: &str) -> Option<bool> {
    let template = ev.template();
    let values: Vec<Option<bool>> = template
        .resources_of_type("AWS::RDS::DBInstance")
        .filter(|i| {
            ev.property(i, "DBClusterIdentifier")
                .is_some_and(|v| matches!(&v.kind, ValueKind::Ref(id) if id == cluster))
        })
        .map(|i| ev.property(i, "PubliclyAccessible").and_then(|v| v.as_bool()))
        .collect();
    if values.contains(&Some(true)) {
        Some(true)
    } else if !values.is_empty() && values.iter().all(|v| *v == Some(false)) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::FileId;
    use crate::rotation::discover;
    use crate::source::parse_str;

    fn target(yaml: &str) -> Option<Target> {
        let template = Template::from_tree(FileId(0), parse_str(yaml).tree);
        let ev = Evaluator::new(&template);
        let rotations = discover(&ev);
        target_of(&ev, &SecretLinks::build(&ev), rotations.schedules.first()?)
    }

    const BASE: &str = "Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
  Group:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      SubnetIds: [!Ref A, !Ref B]
  A: {Type: AWS::EC2::Subnet}
  B: {Type: AWS::EC2::Subnet}
  Sg: {Type: AWS::EC2::SecurityGroup}
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBSubnetGroupName: !Ref Group
      VPCSecurityGroups: [!GetAtt Sg.GroupId]
      MasterUserPassword: !Sub '{{resolve:secretsmanager:${Secret}::password}}'
  Schedule:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref Secret
      RotationLambdaARN: arn:aws:lambda:us-east-1:1:function:f
";

    #[test]
    fn dynamic_reference_links_the_database() {
        let t = target(BASE).expect("target");
        assert_eq!((t.id.as_str(), t.link, t.port), ("Db", Link::DynamicReference, Some(5432)));
        assert_eq!((t.subnets.len(), t.security_groups.len()), (2, 1));
        assert_eq!(t.subnet_group.as_deref(), Some("Group"));
        assert_eq!(t.publicly_accessible, None);
    }

    #[test]
    fn attachment_wins_and_explicit_port_and_public_flag_are_read() {
        let yaml = BASE.replace(
            "      Engine: postgres\n",
            "      Engine: mysql\n      Port: '3307'\n      PubliclyAccessible: true\n",
        ) + "  Att:\n    Type: AWS::SecretsManager::SecretTargetAttachment\n    Properties:\n      SecretId: !Ref Secret\n      TargetId: !Ref Db\n      TargetType: AWS::RDS::DBInstance\n";
        let t = target(&yaml).expect("target");
        assert_eq!((t.link, t.port, t.publicly_accessible), (Link::Attachment, Some(3307), Some(true)));
    }

    #[test]
    fn unrelated_secret_has_no_target() {
        let yaml = BASE
            .replace("${Secret}", "${Other}")
            .replace("  Sg:", "  Other: {Type: AWS::SecretsManager::Secret}\n  Sg:");
        assert!(target(&yaml).is_none());
    }
}
