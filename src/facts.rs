//! The facts rules read about one template under one condition scenario: the evaluator, the
//! rotation functions, the network graph, and for each function its Secrets Manager verdict and
//! its database with the verdict of the path to it.

use std::collections::BTreeMap;

use crate::network::{
    self, ApiCall, ApiHost, ApiReport, Network, Placement, ROTATION_ACTIONS, TargetPlacement, TargetReport, service,
};
use crate::rotation::{self, Host, RotationFunction, Rotations, SecretLinks, Target, VpcAttachment};
use crate::template::{Evaluator, Template, Value};

/// What is known about one rotation function beyond its declaration.
pub struct FunctionFacts {
    /// `None` when the function is not in a VPC (it uses the public endpoint) or its VPC
    /// attachment is undecided.
    pub secrets_manager: Option<ApiReport>,
    /// The database its secret belongs to, when the template links them.
    pub target: Option<Target>,
    /// The path from the function to that database on its port.
    pub target_path: Option<TargetReport>,
    /// The database named by a SecretTargetAttachment that this template does not define.
    pub unseen_target: Option<Value>,
    /// The master secret of an AWS alternating-users rotation that calls (or may call) another
    /// AWS API (RL114, RL901).
    pub master: Option<rotation::Master>,
    /// The path to that API, when the function is in a VPC.
    pub extra_api: Option<ApiReport>,
}

pub struct Facts<'t> {
    pub template: &'t Template,
    pub evaluator: Evaluator<'t>,
    pub rotations: Rotations,
    pub network: Network,
    /// Aligned with `rotations.functions`.
    pub functions: Vec<FunctionFacts>,
}

impl<'t> Facts<'t> {
    /// Facts under one scenario: the user's parameter values and forced condition values.
    pub fn build(
        template: &'t Template,
        parameters: &BTreeMap<String, String>,
        conditions: &BTreeMap<String, bool>,
    ) -> Self {
        let evaluator = Evaluator::configured(template, parameters.clone(), conditions.clone());
        let rotations = rotation::discover(&evaluator);
        // Rules read the network through rotation functions' paths and through VPC endpoints'
        // settings; a template with neither (most templates) needs no graph.
        let has_endpoints = template.resources.iter().any(|r| r.type_name == "AWS::EC2::VPCEndpoint");
        let network = if rotations.functions.is_empty() && !has_endpoints {
            Network::default()
        } else {
            Network::build(&evaluator)
        };
        let links =
            if rotations.functions.is_empty() { SecretLinks::default() } else { SecretLinks::build(&evaluator) };
        let functions =
            rotations.functions.iter().map(|f| function_facts(&evaluator, &rotations, &links, &network, f)).collect();
        Facts { template, evaluator, rotations, network, functions }
    }

    /// Each rotation function with its facts.
    pub fn functions(&self) -> impl Iterator<Item = (&RotationFunction, &FunctionFacts)> {
        self.rotations.functions.iter().zip(&self.functions)
    }
}

fn function_facts(
    ev: &Evaluator<'_>,
    rotations: &Rotations,
    links: &SecretLinks,
    net: &Network,
    f: &RotationFunction,
) -> FunctionFacts {
    let placement = placement(f);
    let secrets_manager = match (&placement, &f.vpc) {
        (Some(p), VpcAttachment::InVpc { .. }) => Some(network::reach_api(net, p, &secrets_manager_call(f))),
        _ => None,
    };
    let schedules: Vec<_> =
        rotations.schedules.iter().filter(|s| s.function.as_deref() == Some(f.id.as_str())).collect();
    // A managed master password concerns the master secret only: other secrets attached to the
    // database still target it
    // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html).
    let target = schedules.iter().find_map(|s| rotation::target_of(ev, links, s));
    let target_path = match (&placement, &target) {
        (Some(p), Some(t)) => t.port.map(|port| network::to_target(net, p, &target_placement(net, t), port)),
        _ => None,
    };
    let unseen_target = schedules.iter().find_map(|s| rotation::unseen_target(ev, links, s));
    let master = rotation::master_secret(ev, f);
    let extra_api = match (&master, &placement, &f.vpc) {
        (Some(m), Some(p), VpcAttachment::InVpc { .. }) => Some(network::reach_api(net, p, &extra_api_call(m))),
        _ => None,
    };
    FunctionFacts { secrets_manager, target, target_path, unseen_target, master, extra_api }
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
        VpcAttachment::NotInVpc => Some(Placement { subnets: Vec::new(), security_groups: Vec::new() }),
        VpcAttachment::InVpc { subnets, security_groups, .. } => {
            Some(Placement { subnets: subnets.clone(), security_groups: security_groups.clone() })
        }
        VpcAttachment::Undecided(_) => None,
    }
}

/// Effective `PubliclyAccessible` with CloudFormation's hidden defaults (the property's pages for
/// AWS::RDS::DBInstance, AWS::Redshift::Cluster and AWS::DocDB::DBCluster): explicit value; DocumentDB never; Redshift false; RDS public iff the subnets' VPC has an
/// internet gateway attached (unknown without a subnet group, which means the default VPC).
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
