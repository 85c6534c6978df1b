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
            let hop =
                Hop::key(&subnet.meta, format!("function subnet `{id}` is in a VPC the template does not define"));
            return Err(Box::new((subnet_ref, Outcome::unseen(unseen, vec![hop]))));
        }
    };
    let Some(vpc) = vpc else {
        return Err(Box::new((subnet_ref, Outcome::unseen(&Unseen { value: value.clone(), what: "VPC" }, Vec::new()))));
    };
    let start = Hop::key(&subnet.meta, format!("function subnet `{id}` in VPC `{}`", vpc.meta.id));
    if groups.is_empty() {
        let fail = Fail::undecided(&id, subnet.meta.key_span, "the function names no security groups");
        return Err(Box::new((subnet_ref, fail.finish(vec![start]))));
    }
    let range = net.subnet_range(&id);
    Ok(FnSide { net, subnet, vpc, groups, range, start })
}
