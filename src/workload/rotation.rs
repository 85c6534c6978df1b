//! Rotation functions as workloads: each needs the Secrets Manager API (from the host its code
//! calls), the database its secret belongs to on the database's port, and, for an AWS
//! alternating-users rotation, the database service's API to look up the master secret.

use crate::network::{
    ApiCall, ApiHost, ApiReport, Network, Placement, ROTATION_ACTIONS, TargetPlacement, TargetReport, service,
};
use crate::rotation::{self, Host, RotationFunction, Rotations, SecretLinks, Target, VpcAttachment};
use crate::template::{Evaluator, Value};

use super::{Answer, Need, Workload};

/// A rotation function as a workload, with what its rules need beyond the answers.
pub struct RotationWorkload {
    pub workload: Workload,
    /// The database its secret belongs to, when the template links them.
    pub target: Option<Target>,
    /// The database named by a SecretTargetAttachment that this template does not define.
    pub unseen_target: Option<Value>,
    /// The master secret of an AWS alternating-users rotation that calls (or may call) another
    /// AWS API.
    pub master: Option<rotation::Master>,
    /// Which of `workload.needs` is which (indices), so answers can be told apart.
    secrets_manager: Option<usize>,
    target_need: Option<usize>,
    extra_api: Option<usize>,
}

/// The answers of a rotation workload, by what they are about.
pub struct RotationAnswers {
    /// `None` when the function is not in a VPC (it uses the public endpoint) or its VPC
    /// attachment is undecided.
    pub secrets_manager: Option<ApiReport>,
    /// The path from the function to its database on the database's port.
    pub target_path: Option<TargetReport>,
    /// The path to the master secret's database API, when the function is in a VPC.
    pub extra_api: Option<ApiReport>,
}

/// One workload per rotation function, aligned with `rotations.functions`.
pub fn workloads(
    ev: &Evaluator<'_>,
    rotations: &Rotations,
    links: &SecretLinks,
    net: &Network,
) -> Vec<RotationWorkload> {
    rotations.functions.iter().map(|f| workload(ev, rotations, links, net, f)).collect()
}

fn workload(
    ev: &Evaluator<'_>,
    rotations: &Rotations,
    links: &SecretLinks,
    net: &Network,
    f: &RotationFunction,
) -> RotationWorkload {
    let placement = placement(f);
    let in_vpc = matches!(f.vpc, VpcAttachment::InVpc { .. });
    let schedules: Vec<_> =
        rotations.schedules.iter().filter(|s| s.function.as_deref() == Some(f.id.as_str())).collect();
    // A managed master password concerns the master secret only: other secrets attached to the
    // database still target it
    // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html).
    let target = schedules.iter().find_map(|s| rotation::target_of(ev, links, s));
    let unseen_target = schedules.iter().find_map(|s| rotation::unseen_target(ev, links, s));
    let master = rotation::master_secret(ev, f);

    let mut needs = Vec::new();
    let mut push = |need: Need| {
        needs.push(need);
        Some(needs.len() - 1)
    };
    // Outside a VPC the function calls the public endpoint: there is no path to check.
    let secrets_manager = if in_vpc { push(Need::Api(secrets_manager_call(f))) } else { None };
    let target_need = match &target {
        Some(t) => t.port.and_then(|port| push(Need::Target { placement: target_placement(net, t), port })),
        None => None,
    };
    let extra_api = match &master {
        Some(m) if in_vpc => push(Need::Api(extra_api_call(m))),
        _ => None,
    };
    let workload =
        Workload { id: f.id.clone(), type_name: f.type_name.clone(), key_span: f.key_span, placement, needs };
    RotationWorkload { workload, target, unseen_target, master, secrets_manager, target_need, extra_api }
}

impl RotationWorkload {
    /// Sort `answers` (from [`super::answer`] on this workload) by what they are about.
    pub fn sort(&self, answers: Vec<Answer>) -> RotationAnswers {
        let mut answers: Vec<Option<Answer>> = answers.into_iter().map(Some).collect();
        let mut take = |index: Option<usize>| index.and_then(|i| answers.get_mut(i)?.take());
        RotationAnswers {
            secrets_manager: take(self.secrets_manager).and_then(Answer::into_api),
            target_path: take(self.target_need).and_then(Answer::into_target),
            extra_api: take(self.extra_api).and_then(Answer::into_api),
        }
    }
}

/// The Secrets Manager calls of a rotation, to the host its function's SDK uses.
fn secrets_manager_call(f: &RotationFunction) -> ApiCall {
    let host = match &f.host {
        Host::RegionalDefault => ApiHost::RegionalDefault,
        Host::Fips => ApiHost::Fips,
        Host::Endpoint(id) => ApiHost::NamesEndpoint(id.clone()),
        Host::Other(v) => ApiHost::Other { value: v.clone(), what: "Secrets Manager endpoint URL" },
    };
    ApiCall { service: &service::SECRETS_MANAGER, host, actions: &ROTATION_ACTIONS, purpose: "rotation" }
}

/// The lookup an alternating-users rotation makes in the database service's API, through the SDK's
/// default regional host. The exact actions are not modelled, so endpoint policies on these
/// endpoints are not checked (no action is required of them).
fn extra_api_call(master: &rotation::Master) -> ApiCall {
    ApiCall { service: master.service(), host: ApiHost::RegionalDefault, actions: &[], purpose: "rotation" }
}

/// The network layer's view of where the function runs; `None` when undecided.
fn placement(f: &RotationFunction) -> Option<Placement> {
    match &f.vpc {
        VpcAttachment::NotInVpc => Some(Placement::function(Vec::new(), Vec::new())),
        VpcAttachment::InVpc { subnets, security_groups, .. } => {
            Some(Placement::function(subnets.clone(), security_groups.clone()))
        }
        VpcAttachment::Undecided(_) => None,
    }
}

/// Effective `PubliclyAccessible` with CloudFormation's hidden defaults (the property's pages for
/// AWS::RDS::DBInstance, AWS::Redshift::Cluster and AWS::DocDB::DBCluster): explicit value;
/// DocumentDB never; Redshift false; RDS public iff the subnets' VPC has an internet gateway
/// attached (unknown without a subnet group, which means the default VPC).
fn target_placement(net: &Network, t: &Target) -> TargetPlacement {
    let publicly_accessible = if t.family.never_public() {
        Some(false)
    } else if let Some(explicit) = t.publicly_accessible {
        Some(explicit)
    } else if t.family.private_by_default() {
        Some(false)
    } else {
        t.subnets
            .iter()
            .find_map(|s| net.resolve_subnet(s).known().cloned())
            .and_then(|subnet| net.vpc_of_subnet(&subnet).map(|vpc| net.igw_attached(vpc).is_some()))
    };
    TargetPlacement { subnets: t.subnets.clone(), security_groups: t.security_groups.clone(), publicly_accessible }
}
