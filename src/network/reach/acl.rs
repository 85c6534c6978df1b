//! Network ACLs on a path. ACLs are stateless: a connection passes only if the request leg and
//! the reply leg (on ephemeral ports) pass both ways, in every subnet it crosses
//! (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html).

use crate::network::Network;
use crate::network::model::{AclChoice, Meta, NaclKey, Subnet};
use crate::network::nacl::{self, EPHEMERAL, NaclVerdict};
use crate::network::outcome::{Blocker, Hop, tcp_ports};
use crate::network::ranges::Range;

use super::Fail;
use super::start::FnSide;

/// A connection from the workload's subnet to subnet `far` of the same VPC on `port`: out and in
/// on the port, replies back on ephemeral ports, in both subnets. Nothing to check when `far` is
/// the workload's own subnet (traffic inside a subnet does not cross its ACL) or not modelled.
/// `what` names the far subnet in the explaining path ("endpoint subnet", "database subnet").
pub(super) fn within_vpc(side: &FnSide, far: &str, port: u16, what: &str) -> Result<(), Fail> {
    if far == side.subnet.meta.id {
        return Ok(());
    }
    let Some(other) = side.net.subnets.get(far) else {
        return Ok(());
    };
    let other_range = side.net.subnet_range(far);
    let legs = [
        Leg { subnet: side.subnet, egress: true, ports: (port, port), peer: &other_range },
        Leg { subnet: other, egress: false, ports: (port, port), peer: &side.range },
        Leg { subnet: other, egress: true, ports: EPHEMERAL, peer: &side.range },
        Leg { subnet: side.subnet, egress: false, ports: EPHEMERAL, peer: &other_range },
    ];
    check_legs(side.net, &legs).map_err(|f| f.after(Hop::key(&other.meta, format!("{what} `{far}`"))))
}

/// One direction of one subnet's ACL.
pub(super) struct Leg<'a> {
    pub(super) subnet: &'a Subnet,
    pub(super) egress: bool,
    pub(super) ports: (u16, u16),
    pub(super) peer: &'a Range,
}

pub(super) fn check_legs(net: &Network, legs: &[Leg]) -> Result<(), Fail> {
    for leg in legs {
        let (key, association) = match &leg.subnet.acl {
            AclChoice::Default => match leg.subnet.vpc.known() {
                Some(vpc) => (NaclKey::VpcDefault(vpc.clone()), None),
                None => continue,
            },
            AclChoice::Acl { acl, association } => (acl.clone(), Some(association)),
            AclChoice::Unseen { unseen, .. } => return Err(Fail::unseen(unseen)),
        };
        match nacl::allows(net, &key, leg.egress, leg.ports, leg.peer) {
            NaclVerdict::Allowed => {}
            NaclVerdict::Maybe(reason, span) => return Err(Fail::unknown(reason, span, Vec::new())),
            NaclVerdict::Denied { entry, ports } => {
                return Err(nacl_denied(net, leg, key, association, entry, ports));
            }
        }
    }
    Ok(())
}

fn nacl_denied(
    net: &Network,
    leg: &Leg,
    key: NaclKey,
    association: Option<&Meta>,
    entry: Option<String>,
    ports: (u16, u16),
) -> Fail {
    let subnet = leg.subnet.meta.id.clone();
    let direction = if leg.egress { "outbound to" } else { "inbound from" };
    let range = tcp_ports(ports);
    let by = entry.as_ref().map_or_else(|| "no entry allows".to_owned(), |e| format!("entry `{e}` denies"));
    let note = format!("network ACL `{key}` of subnet `{subnet}`: {by} {range} {direction} {}", leg.peer.label);
    let acl = net.nacls.get(&key);
    let entry_meta =
        entry.as_ref().and_then(|e| acl?.entries.iter().find(|x| &x.meta.id == e && !x.implicit)).map(|x| &x.meta);
    let mut hops = Vec::new();
    if let Some(association) = association {
        hops.push(Hop::key(association, format!("subnet `{subnet}` uses network ACL `{key}`")));
    }
    hops.push(match (entry_meta, acl) {
        (Some(meta), _) => Hop::key(meta, note),
        (None, Some(acl)) => Hop::key(&acl.meta, note),
        (None, None) => Hop::key(&leg.subnet.meta, note),
    });
    let blocker = Blocker::NaclBlocks { nacl: key, subnet, egress: leg.egress, ports, entry };
    Fail::block(blocker, hops)
}
