//! Can a workload reach its database or service on its port: in its own VPC (security groups,
//! egress, ACLs), in another VPC (peering or transit a template cannot follow), through a NAT
//! gateway to a public target, or from outside any VPC.

use crate::network::Network;
use crate::network::model::{
    CidrSpec, Destination, Link, Peer, Ports, Protocol, RouteTarget, SgKey, Subnet, TableChoice, Unseen,
};
use crate::network::nacl::EPHEMERAL;
use crate::network::outcome::{
    Blocker, Fragile, Hop, Outcome, Overall, PrivateWhy, SubnetRef, TargetReport, Unverifiable, Via,
};
use crate::network::ranges::Range;
use crate::network::security_groups::{Side, Verdict, admits, describe_rule};
use crate::source::tree::Span;
use crate::template::Value;

use super::acl::{self, Leg, check_legs};
use super::egress::{DefaultRoute, route_checks, route_default};
use super::start::{FnSide, Placement, start};
use super::{Fail, egress_hops, finish, flatten, group_hops};

/// The port the NAT leg of a path to a public target is checked on (see `nat_to_public`). Known
/// gap: it should be the target's port; a function whose egress opens only that port would then
/// reach the target instead of falling back to "different VPC". Fixing it changes verdicts, so it
/// waits for a unit test with a public database in another VPC.
const HTTPS: u16 = 443;

/// Where the database or service runs.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetPlacement {
    /// Empty: not in a template VPC (e.g. an RDS instance without a subnet group).
    pub subnets: Vec<Value>,
    /// Empty: the VPC's default security group.
    pub security_groups: Vec<Value>,
    /// Effective `PubliclyAccessible` (`None` when unknown).
    pub publicly_accessible: Option<bool>,
}

/// The target's subnets, groups and VPC, resolved once.
struct TargetSide {
    subnets: Vec<Link<String>>,
    groups: Vec<Link<SgKey>>,
    /// `Ok(None)`: not in a VPC of this template.
    vpc: Result<Option<String>, Unseen>,
}

fn target_side(net: &Network, target: &TargetPlacement) -> TargetSide {
    let subnets: Vec<Link<String>> = flatten(&target.subnets).iter().map(|s| net.resolve_subnet(s)).collect();
    let vpc = subnets
        .iter()
        .find_map(|s| s.known().and_then(|id| net.subnets.get(id)).map(|s| s.vpc.clone()))
        .map(|link| match link {
            Link::Known(vpc) => Ok(Some(vpc)),
            Link::Unseen(unseen) => Err(unseen),
        })
        .unwrap_or_else(|| match subnets.first() {
            Some(Link::Unseen(unseen)) => Err(unseen.clone()),
            _ => Ok(None),
        });
    let mut groups: Vec<Link<SgKey>> = flatten(&target.security_groups).iter().map(|g| net.resolve_sg(g)).collect();
    if groups.is_empty()
        && let Ok(Some(vpc)) = &vpc
    {
        groups.push(Link::Known(SgKey::VpcDefault(vpc.clone())));
    }
    TargetSide { subnets, groups, vpc }
}

/// Can the function reach the target on `port`, from each of its subnets?
pub fn to_target(net: &Network, p: &Placement, target: &TargetPlacement, port: u16) -> TargetReport {
    let t = target_side(net, target);
    let subnets = flatten(&p.subnets);
    if subnets.is_empty() {
        let outcome = from_outside(net, target, &t, port);
        return TargetReport {
            overall: Overall::of(std::iter::once(&outcome)),
            per_subnet: vec![(SubnetRef::OutsideVpc, outcome)],
            fragile: Vec::new(),
        };
    }
    let groups: Vec<Link<SgKey>> = flatten(&p.security_groups).iter().map(|g| net.resolve_sg(g)).collect();
    let mut per_subnet = Vec::new();
    for value in &subnets {
        match start(net, value, &groups, p.runner) {
            Err(pair) => per_subnet.push(*pair),
            Ok(side) => {
                let mut hops = side.hops();
                let result = target_checks(&side, target, &t, port, &mut hops);
                per_subnet.push((SubnetRef::Subnet(side.subnet.meta.id.clone()), finish(result, hops)));
            }
        }
    }
    let overall = Overall::of(per_subnet.iter().map(|(_, o)| o));
    let fragile = per_subnet
        .iter()
        .filter_map(|(_, o)| match o {
            Outcome::Reachable { via: Via::Local, hops } => fragile(net, &groups, &t, port, hops),
            _ => None,
        })
        .take(1)
        .collect();
    TargetReport { per_subnet, overall, fragile }
}

fn target_checks(
    side: &FnSide,
    target: &TargetPlacement,
    t: &TargetSide,
    port: u16,
    hops: &mut Vec<Hop>,
) -> Result<Via, Fail> {
    let net = side.net;
    let fn_vpc = &side.vpc.meta.id;
    let target_vpc = t.vpc.as_ref().map_err(Fail::unseen)?;
    if target_vpc.as_ref() != Some(fn_vpc) {
        if target.publicly_accessible == Some(true)
            && let Some(result) = nat_to_public(side, t, port, hops)
        {
            return result;
        }
        return Err(other_vpc(side, t, target_vpc.clone()));
    }
    hops.push(Hop::key(&side.vpc.meta, format!("function and target share VPC `{fn_vpc}` (local route)")));
    let fn_side = Side { groups: side.groups, range: side.range.clone() };
    match admits(net, &t.groups, false, port, &fn_side) {
        Verdict::Allowed(rule, key) => {
            let note = format!("security group `{key}` of the target admits {}", describe_rule(&rule, false));
            hops.push(Hop { resource: rule.resource, span: rule.span, note, condition: rule.condition });
        }
        Verdict::Maybe(reason, span) => return Err(Fail::unknown(reason, span, Vec::new())),
        Verdict::Denied => return Err(target_sg_denied(side, t, port)),
    }
    for link in &t.subnets {
        let range = match link {
            Link::Known(id) => net.subnet_range(id),
            Link::Unseen(_) => Range::in_vpc(fn_vpc),
        };
        let label = range.label.clone();
        match admits(net, side.groups, true, port, &Side { groups: &t.groups, range }) {
            Verdict::Allowed(..) => {}
            Verdict::Maybe(reason, span) => return Err(Fail::unknown(reason, span, Vec::new())),
            Verdict::Denied => {
                let keys = side.known_groups();
                let hops = egress_hops(side, &keys, &format!("tcp/{port} to the target in {label}"));
                return Err(Fail::block(Blocker::FunctionEgressBlocksTarget { groups: keys, port }, hops));
            }
        }
    }
    target_nacls(side, t, port)?;
    Ok(Via::Local)
}

/// A public target in another VPC, reached through the function's NAT gateway and the target's
/// public address: the NAT path must work, the target's subnets must be public, and its groups
/// must admit the port from the internet (where the NAT's address is). `None` when some part of
/// that path is missing, so the VPCs' separation stays the explanation.
fn nat_to_public(side: &FnSide, t: &TargetSide, port: u16, hops: &mut Vec<Hop>) -> Option<Result<Via, Fail>> {
    let net = side.net;
    let mut path = Vec::new();
    let Ok(Via::Nat(nat)) = route_checks(side, HTTPS, &mut path) else {
        return None;
    };
    for id in t.subnets.iter().filter_map(|s| s.known()) {
        public_subnet(net, id, &mut path).ok()?;
    }
    let internet = Range::internet();
    let from_internet = Side { groups: &[], range: internet.clone() };
    match admits(net, &t.groups, false, port, &from_internet) {
        Verdict::Allowed(rule, key) => {
            let note = format!("security group `{key}` of the target admits {}", describe_rule(&rule, false));
            path.push(Hop { resource: rule.resource, span: rule.span, note, condition: rule.condition });
        }
        Verdict::Maybe(reason, span) => return Some(Err(Fail::unknown(reason, span, path))),
        Verdict::Denied => return None,
    }
    hops.append(&mut path);
    let egress = match admits(net, side.groups, true, port, &Side { groups: &[], range: internet.clone() }) {
        Verdict::Allowed(..) => Ok(()),
        Verdict::Maybe(reason, span) => Err(Fail::unknown(reason, span, Vec::new())),
        Verdict::Denied => {
            let keys = side.known_groups();
            let hops = egress_hops(side, &keys, &format!("tcp/{port} to the internet"));
            Err(Fail::block(Blocker::FunctionEgressBlocksTarget { groups: keys, port }, hops))
        }
    };
    if let Err(fail) = egress {
        return Some(Err(fail));
    }
    let mut legs = vec![
        Leg { subnet: side.subnet, egress: true, ports: (port, port), peer: &internet },
        Leg { subnet: side.subnet, egress: false, ports: EPHEMERAL, peer: &internet },
    ];
    let subnets: Vec<&Subnet> =
        t.subnets.iter().filter_map(|s| s.known()).filter_map(|id| net.subnets.get(id)).collect();
    for subnet in &subnets {
        legs.push(Leg { subnet, egress: false, ports: (port, port), peer: &internet });
        legs.push(Leg { subnet, egress: true, ports: EPHEMERAL, peer: &internet });
    }
    Some(check_legs(net, &legs).map(|()| Via::Nat(nat)))
}

/// A custom group of both the function and the target without a self-referencing ingress rule
/// for `port`: membership in it admits nothing.
fn shared_without_self_rule(net: &Network, fn_groups: &[Link<SgKey>], t: &TargetSide, port: u16) -> Option<String> {
    t.groups.iter().filter_map(|g| g.known()).find_map(|key| {
        let SgKey::Group(id) = key else { return None };
        if !fn_groups.iter().any(|f| f.known() == Some(key)) {
            return None;
        }
        let group = net.security_groups.get(key)?;
        let self_rule = group
            .ingress
            .iter()
            .any(|r| matches!(&r.peer, Peer::Group(Link::Known(k)) if k == key) && covers_port(r, port));
        (!self_rule).then(|| id.clone())
    })
}

/// A reachable local path while the shared group has no self rule and no rule of the target's
/// groups names one of the function's groups: an address rule (a CIDR) admits the function, and
/// changing it breaks rotation (RL206). A rule naming the function's group is deliberate, not
/// fragile.
fn fragile(net: &Network, fn_groups: &[Link<SgKey>], t: &TargetSide, port: u16, hops: &[Hop]) -> Option<Fragile> {
    let group = shared_without_self_rule(net, fn_groups, t, port)?;
    let by_group = t.groups.iter().filter_map(|g| net.security_groups.get(g.known()?)).any(|g| {
        g.ingress.iter().any(|r| {
            matches!(&r.peer, Peer::Group(Link::Known(k)) if fn_groups.iter().any(|f| f.known() == Some(k)))
                && covers_port(r, port)
        })
    });
    (!by_group).then(|| Fragile { group, port, hops: hops.to_vec() })
}

fn covers_port(rule: &crate::network::model::SgRule, port: u16) -> bool {
    match (&rule.protocol, &rule.ports) {
        (Protocol::All, _) | (Protocol::Tcp, Ports::All) => true,
        (Protocol::Tcp, Ports::Range(a, b)) => *a <= port && port <= *b,
        _ => false,
    }
}

fn target_sg_denied(side: &FnSide, t: &TargetSide, port: u16) -> Fail {
    let net = side.net;
    let keys: Vec<SgKey> = t.groups.iter().filter_map(|g| g.known().cloned()).collect();
    let shared = shared_without_self_rule(net, side.groups, t, port);
    let hops = group_hops(net, &keys, |k| match &shared {
        Some(g) if matches!(k, SgKey::Group(id) if id == g) => format!(
            "function and target share security group `{g}`, which has no self-referencing ingress for tcp/{port}, and nothing else admits the function"
        ),
        _ => format!("security group `{k}` of the target admits no tcp/{port} from the function"),
    });
    Fail::block(Blocker::TargetSgBlocks { groups: keys, port, shared }, hops)
}

/// A target in another VPC: reachable only through peering/transit, which a template cannot
/// follow.
fn other_vpc(side: &FnSide, t: &TargetSide, target_vpc: Option<String>) -> Fail {
    let net = side.net;
    let target_range = t
        .subnets
        .iter()
        .find_map(|s| s.known())
        .map(|id| net.subnet_range(id))
        .unwrap_or_else(|| target_vpc.as_deref().map_or_else(|| Range::unknown("the target"), Range::in_vpc));
    if let TableChoice::Table { table, .. } = &side.subnet.route_table
        && let Some(t) = net.route_tables.get(table)
    {
        for route in t.routes.iter().filter_map(|&i| net.routes.get(i)) {
            let towards = match &route.destination {
                Destination::V4(c) => {
                    net.relate(&crate::network::model::CidrSpec::Known(*c), &target_range)
                        != crate::network::ranges::Rel::Disjoint
                }
                Destination::Unknown(_) | Destination::PrefixList(_) => true,
                Destination::V6(_) => false,
            };
            if towards && route.target.crosses_networks() {
                let reason = Unverifiable::Egress {
                    route: route.meta.id.clone(),
                    destination: route.destination.label(),
                    target: route.target.clone(),
                };
                let note = format!(
                    "route `{}` sends {} towards the target through {} `{}`",
                    route.meta.id,
                    route.destination.label(),
                    route.target.kind(),
                    route.target.name()
                );
                return Fail::unknown(reason, route.target_span, vec![Hop::at(&route.meta, route.target_span, note)]);
            }
        }
    }
    let where_ =
        target_vpc.as_ref().map_or_else(|| "outside the template's VPCs".to_owned(), |v| format!("in VPC `{v}`"));
    let note =
        format!("the target is {where_}, the function in VPC `{}`, with no peering or transit route", side.vpc.meta.id);
    let blocker = Blocker::DifferentVpc { function_vpc: side.vpc.meta.id.clone(), target_vpc };
    Fail::blocked(blocker, Hop::key(&side.vpc.meta, note))
}

fn target_nacls(side: &FnSide, t: &TargetSide, port: u16) -> Result<(), Fail> {
    for id in t.subnets.iter().filter_map(|s| s.known()) {
        acl::within_vpc(side, id, port, "database subnet")?;
    }
    Ok(())
}

/// A function outside any VPC reaches only a public target, from an unpredictable public address.
fn from_outside(net: &Network, target: &TargetPlacement, t: &TargetSide, port: u16) -> Outcome {
    let mut hops = Vec::new();
    let result = outside_checks(net, target, t, port, &mut hops);
    finish(result, hops)
}

fn outside_checks(
    net: &Network,
    target: &TargetPlacement,
    t: &TargetSide,
    port: u16,
    hops: &mut Vec<Hop>,
) -> Result<Via, Fail> {
    match target.publicly_accessible {
        Some(true) => {}
        Some(false) => return Err(Fail::block(Blocker::PrivateTarget(PrivateWhy::NotPublic), Vec::new())),
        None => {
            let span = t
                .subnets
                .iter()
                .find_map(|s| s.known())
                .and_then(|id| net.subnets.get(id))
                .map_or_else(Span::default, |s| s.meta.key_span);
            return Err(Fail::undecided("", span, "cannot tell whether the target is publicly accessible"));
        }
    }
    let internet = Range::internet();
    for link in &t.subnets {
        let id = match link {
            Link::Known(id) => id,
            Link::Unseen(unseen) => return Err(Fail::unseen(unseen)),
        };
        public_subnet(net, id, hops)?;
    }
    match admits(net, &t.groups, false, port, &Side { groups: &[], range: internet.clone() }) {
        Verdict::Allowed(rule, key) => {
            let note = format!("security group `{key}` of the target admits {}", describe_rule(&rule, false));
            hops.push(Hop { resource: rule.resource, span: rule.span, note, condition: rule.condition });
        }
        Verdict::Maybe(reason @ Unverifiable::Undecided { .. }, span) => {
            return Err(
                public_allowlist(net, &t.groups, port).unwrap_or_else(|| Fail::unknown(reason, span, Vec::new()))
            );
        }
        Verdict::Maybe(reason, span) => return Err(Fail::unknown(reason, span, Vec::new())),
        Verdict::Denied => {
            let keys: Vec<SgKey> = t.groups.iter().filter_map(|g| g.known().cloned()).collect();
            let hops = group_hops(net, &keys, |k| {
                format!("security group `{k}` of the target admits no tcp/{port} from the internet")
            });
            return Err(Fail::block(Blocker::PublicTargetSgClosed { groups: keys, port }, hops));
        }
    }
    for id in t.subnets.iter().filter_map(|s| s.known()) {
        let Some(subnet) = net.subnets.get(id) else {
            continue;
        };
        let legs = [
            Leg { subnet, egress: false, ports: (port, port), peer: &internet },
            Leg { subnet, egress: true, ports: EPHEMERAL, peer: &internet },
        ];
        check_legs(net, &legs).map_err(|f| f.after(Hop::key(&subnet.meta, format!("database subnet `{id}`"))))?;
    }
    Ok(Via::Internet)
}

/// The first ingress rule of the target's groups that admits `port` from a specific public CIDR:
/// it matches a function outside any VPC only if the range is AWS's own (RL208).
fn public_allowlist(net: &Network, groups: &[Link<SgKey>], port: u16) -> Option<Fail> {
    groups.iter().filter_map(|g| net.security_groups.get(g.known()?)).find_map(|group| {
        let rule = group.ingress.iter().find(|r| {
            covers_port(r, port) && matches!(&r.peer, Peer::Cidr(CidrSpec::Known(c)) if c.prefix_len() > 0 && !c.is_non_public())
        })?;
        let note = format!(
            "security group `{}` of the target admits tcp/{port} only from {}, which matches the function only if it is an AWS range",
            group.key,
            describe_rule(rule, false)
        );
        let hop = Hop { resource: rule.resource.clone(), span: rule.span, note, condition: rule.condition.clone() };
        let blocker =
            Blocker::PublicTargetAllowlist { group: group.key.clone(), port, rule: rule.resource.clone(), span: rule.span };
        Some(Fail::blocked(blocker, hop))
    })
}

/// A target subnet must send 0.0.0.0/0 to an internet gateway attached to its VPC.
fn public_subnet(net: &Network, id: &str, hops: &mut Vec<Hop>) -> Result<(), Fail> {
    let Some(subnet) = net.subnets.get(id) else {
        return Ok(());
    };
    let private = |note: String| {
        Fail::blocked(
            Blocker::PrivateTarget(PrivateWhy::NoIgwRoute { subnet: id.to_owned() }),
            Hop::key(&subnet.meta, note),
        )
    };
    let route = match route_default(net, id) {
        Some(DefaultRoute::Route { route, .. }) => net.routes.get(route),
        Some(DefaultRoute::Unseen(unseen)) => return Err(Fail::unseen(&unseen)),
        Some(DefaultRoute::Unknown { value, .. }) => return Err(Fail::input(&value, "route destination")),
        _ => None,
    };
    let Some(route) = route else {
        return Err(private(format!("target subnet `{id}` has no 0.0.0.0/0 route")));
    };
    let RouteTarget::InternetGateway(igw) = &route.target else {
        return Err(private(format!(
            "target subnet `{id}` sends 0.0.0.0/0 to {} `{}`, not an internet gateway",
            route.target.kind(),
            route.target.name()
        )));
    };
    let vpc = subnet.vpc.known().cloned().unwrap_or_default();
    if net.igw_attached_to(igw, &vpc).is_none() {
        return Err(private(format!("internet gateway `{igw}` is not attached to `{vpc}`")));
    }
    let note = format!("target subnet `{id}` routes 0.0.0.0/0 to internet gateway `{igw}`");
    hops.push(Hop::at(&route.meta, route.target_span, note));
    Ok(())
}
