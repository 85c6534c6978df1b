//! The start of every path: the workload's placement (subnets and security groups), resolved to
//! one side per subnet with the VPC it is in.

use crate::template::Value;

use super::super::Network;
use super::super::model::{Link, SgKey, Subnet, Unseen, Vpc};
use super::super::outcome::{Hop, Outcome, SubnetRef};
use super::super::ranges::Range;
use super::Fail;

/// Where a workload runs: `VpcConfig.SubnetIds` items (or the whole value when it is not a
/// list) and its security groups. No subnets: not in a VPC.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub subnets: Vec<Value>,
    pub security_groups: Vec<Value>,
    pub runner: Runner,
}

/// What owns the network interface in the subnet: it decides whether an internet gateway route
/// is a way out, and how the explaining path names the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runner {
    /// A Lambda function: its network interfaces never get a public IP address, so only NAT
    /// leads out (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html).
    Function,
    /// A Fargate task: with `AssignPublicIp: ENABLED` in a subnet routed to an internet gateway
    /// it reaches the internet directly
    /// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html).
    Task { public_ip: bool },
    /// Lambda's pollers of an Amazon MSK event source, in the cluster's subnets: Lambda network
    /// interfaces, so only NAT leads out, as for a function
    /// (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html).
    Pollers,
}

impl Runner {
    /// How paths name the workload: "function", "task".
    pub fn noun(self) -> &'static str {
        match self {
            Runner::Function => "function",
            Runner::Task { .. } => "task",
            Runner::Pollers => "MSK cluster",
        }
    }
}

impl Placement {
    /// A Lambda function's placement.
    pub fn function(subnets: Vec<Value>, security_groups: Vec<Value>) -> Placement {
        Placement { subnets, security_groups, runner: Runner::Function }
    }
}

/// The function in one of its subnets.
pub(super) struct FnSide<'n> {
    pub(super) net: &'n Network,
    pub(super) subnet: &'n Subnet,
    pub(super) vpc: &'n Vpc,
    pub(super) groups: &'n [Link<SgKey>],
    pub(super) range: Range,
    /// The subnet hop every path starts with.
    pub(super) start: Hop,
    pub(super) runner: Runner,
}

impl FnSide<'_> {
    pub(super) fn hops(&self) -> Vec<Hop> {
        vec![self.start.clone()]
    }

    pub(super) fn known_groups(&self) -> Vec<SgKey> {
        self.groups.iter().filter_map(|g| g.known().cloned()).collect()
    }
}

pub(super) fn start<'n>(
    net: &'n Network,
    value: &Value,
    groups: &'n [Link<SgKey>],
    runner: Runner,
) -> Result<FnSide<'n>, Box<(SubnetRef, Outcome)>> {
    let id = match net.resolve_subnet(value) {
        Link::Known(id) => id,
        Link::Unseen(unseen) => {
            return Err(Box::new((SubnetRef::Unseen(unseen.clone()), Outcome::unseen(&unseen, Vec::new()))));
        }
    };
    let subnet_ref = SubnetRef::Subnet(id.clone());
    let Some(subnet) = net.subnets.get(&id) else {
        let unseen = Unseen { value: value.clone(), what: "subnet" };
        return Err(Box::new((subnet_ref, Outcome::unseen(&unseen, Vec::new()))));
    };
    let vpc = match &subnet.vpc {
        Link::Known(vpc) => net.vpcs.get(vpc),
        Link::Unseen(unseen) => {
            let hop = Hop::key(
                &subnet.meta,
                format!("{} subnet `{id}` is in a VPC the template does not define", runner.noun()),
            );
            return Err(Box::new((subnet_ref, Outcome::unseen(unseen, vec![hop]))));
        }
    };
    let Some(vpc) = vpc else {
        return Err(Box::new((subnet_ref, Outcome::unseen(&Unseen { value: value.clone(), what: "VPC" }, Vec::new()))));
    };
    let start = Hop::key(&subnet.meta, format!("{} subnet `{id}` in VPC `{}`", runner.noun(), vpc.meta.id));
    if groups.is_empty() {
        let fail =
            Fail::undecided(&id, subnet.meta.key_span, format!("the {} names no security groups", runner.noun()));
        return Err(Box::new((subnet_ref, fail.finish(vec![start]))));
    }
    let range = net.subnet_range(&id);
    Ok(FnSide { net, subnet, vpc, groups, range, start, runner })
}
