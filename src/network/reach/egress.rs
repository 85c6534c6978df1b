//! Where a subnet's traffic for 0.0.0.0/0 goes: its route table's default route, followed
//! through a NAT gateway to an internet gateway (the path to every AWS API's public endpoint), or
//! to something a template cannot follow.

use crate::network::Network;
use crate::network::model::{Connectivity, Destination, Link, RouteTarget, Subnet, TableChoice, Unseen};
use crate::network::outcome::{Blocker, Hop, NatProblem, Outcome, Unverifiable, Via};
use crate::network::ranges::Range;
use crate::network::security_groups::{Side, Verdict, admits};
use crate::template::Value;

use super::acl::{Leg, check_legs};
use super::start::{FnSide, Runner};
use super::{Fail, egress_hops, finish};
use crate::network::nacl::EPHEMERAL;

/// What a subnet's route table does with 0.0.0.0/0.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultRoute {
    /// No association: the VPC's main table, local routes only.
    Main,
    /// The association names a table the template does not define.
    Unseen(Unseen),
    NoDefault {
        table: String,
    },
    /// No 0.0.0.0/0 route, but a route whose destination is not known might be one.
    Unknown {
        table: String,
        route: usize,
        value: Value,
    },
    /// `route` indexes [`Network::routes`].
    Route {
        table: String,
        route: usize,
    },
}

/// The route a subnet uses for 0.0.0.0/0 (`None` for a subnet the network does not hold).
pub fn route_default(net: &Network, subnet: &str) -> Option<DefaultRoute> {
    let subnet = net.subnets.get(subnet)?;
    let table = match &subnet.route_table {
        TableChoice::Main => return Some(DefaultRoute::Main),
        TableChoice::Unseen { unseen, .. } => return Some(DefaultRoute::Unseen(unseen.clone())),
        TableChoice::Table { table, .. } => table,
    };
    let routes = net.route_tables.get(table).map(|t| t.routes.as_slice()).unwrap_or_default();
    let mut unknown = None;
    for &index in routes {
        let Some(route) = net.routes.get(index) else {
            continue;
        };
        match &route.destination {
            Destination::V4(c) if c.prefix_len() == 0 => {
                return Some(DefaultRoute::Route { table: table.clone(), route: index });
            }
            Destination::Unknown(value) if unknown.is_none() => unknown = Some((index, value.clone())),
            _ => {}
        }
    }
    Some(match unknown {
        Some((route, value)) => DefaultRoute::Unknown { table: table.clone(), route, value },
        None => DefaultRoute::NoDefault { table: table.clone() },
    })
}

/// The subnet's route for 0.0.0.0/0, followed to the internet on `port`.
pub(super) fn route_path(side: &FnSide, port: u16) -> Outcome {
    let mut hops = side.hops();
    let result = route_checks(side, port, &mut hops);
    finish(result, hops)
}

pub(super) fn route_checks(side: &FnSide, port: u16, hops: &mut Vec<Hop>) -> Result<Via, Fail> {
    let net = side.net;
    let subnet = &side.subnet.meta;
    let Some(default) = route_default(net, &subnet.id) else {
        return Err(Fail::undecided(&subnet.id, subnet.key_span, "the subnet is not modelled"));
    };
    let (table, index) = match default {
        DefaultRoute::Main => {
            let note = format!(
                "subnet `{}` has no route table association: the main route table of `{}` routes only locally",
                subnet.id, side.vpc.meta.id
            );
            let blocker = Blocker::NoRoute { subnet: subnet.id.clone(), route_table: None };
            return Err(Fail::blocked(blocker, Hop::key(subnet, note)));
        }
        DefaultRoute::Unseen(unseen) => return Err(Fail::unseen(&unseen)),
        DefaultRoute::NoDefault { table } => {
            if let Some(fail) = ipv6_only_egress(net, &table) {
                hops.extend(table_hop(net, &table, format!("subnet `{}` uses route table `{table}`", subnet.id)));
                return Err(fail);
            }
            let hop = table_hop(net, &table, format!("route table `{table}` has no 0.0.0.0/0 route"));
            let blocker = Blocker::NoRoute { subnet: subnet.id.clone(), route_table: Some(table) };
            return Err(Fail::block(blocker, hop.into_iter().collect()));
        }
        DefaultRoute::Unknown { value, .. } => return Err(Fail::input(&value, "route destination")),
        DefaultRoute::Route { table, route } => (table, route),
    };
    let Some(route) = net.routes.get(index) else {
        return Err(Fail::undecided(&table, subnet.key_span, "route index out of range"));
    };
    hops.extend(table_hop(net, &table, format!("subnet `{}` uses route table `{table}`", subnet.id)));
    let note =
        format!("route `{}` sends 0.0.0.0/0 to {} `{}`", route.meta.id, route.target.kind(), route.target.name());
    hops.push(Hop::at(&route.meta, route.target_span, note));
    match &route.target {
        RouteTarget::NatGateway(nat) => {
            nat_checks(side, nat, port, hops)?;
            Ok(Via::Nat(nat.clone()))
        }
        RouteTarget::InternetGateway(igw) if side.runner == (Runner::Task { public_ip: true }) => {
            public_ip_checks(side, igw, &route.meta, port, hops)?;
            Ok(Via::InternetGateway(igw.clone()))
        }
        RouteTarget::InternetGateway(igw) if side.runner == (Runner::Task { public_ip: false }) => {
            let note =
                format!("the task's AssignPublicIp is DISABLED, so internet gateway `{igw}` gives it no way out");
            let hop = net.internet_gateways.get(igw).map(|m| Hop::key(m, note));
            let blocker = Blocker::TaskWithoutPublicIp { igw: igw.clone(), route: route.meta.id.clone() };
            Err(Fail::block(blocker, hop.into_iter().collect()))
        }
        RouteTarget::InternetGateway(igw) => {
            let note = format!(
                "Lambda network interfaces get no public IP, so internet gateway `{igw}` gives the function no way out"
            );
            let hop = net.internet_gateways.get(igw).map(|m| Hop::key(m, note));
            let blocker = Blocker::PublicSubnet { igw: igw.clone(), route: route.meta.id.clone() };
            Err(Fail::block(blocker, hop.into_iter().collect()))
        }
        RouteTarget::Unseen(unseen) => Err(Fail::unseen(unseen)),
        RouteTarget::Missing => Err(Fail::undecided(&route.meta.id, route.meta.key_span, "the route names no target")),
        target => Err(Fail::unknown(
            Unverifiable::Egress {
                route: route.meta.id.clone(),
                destination: route.destination.label(),
                target: target.clone(),
            },
            route.target_span,
            Vec::new(),
        )),
    }
}

/// A table without an IPv4 default route that sends `::/0` out (egress-only or internet
/// gateway): whether the function's SDK uses IPv6 depends on dual-stack settings and endpoints a
/// template cannot show, so the path is unverifiable, never "no route".
fn ipv6_only_egress(net: &Network, table: &str) -> Option<Fail> {
    let routes = net.route_tables.get(table)?.routes.iter().filter_map(|&i| net.routes.get(i));
    let route = routes
        .filter(|r| r.destination.is_v6_default())
        .find(|r| matches!(r.target, RouteTarget::EgressOnlyInternetGateway(_) | RouteTarget::InternetGateway(_)))?;
    let note = format!(
        "route `{}` sends ::/0 to {} `{}`; the table has no IPv4 default route",
        route.meta.id,
        route.target.kind(),
        route.target.name()
    );
    let reason = Unverifiable::Egress {
        route: route.meta.id.clone(),
        destination: route.destination.label(),
        target: route.target.clone(),
    };
    Some(Fail::unknown(reason, route.target_span, vec![Hop::at(&route.meta, route.target_span, note)]))
}

/// A task with a public IP address in a subnet routed to internet gateway `igw`: the gateway must
/// be attached to the subnet's VPC, and the task's groups and the subnet's ACL must let the port
/// out to the internet and the replies back in.
fn public_ip_checks(
    side: &FnSide,
    igw: &str,
    route: &crate::network::model::Meta,
    port: u16,
    hops: &mut Vec<Hop>,
) -> Result<(), Fail> {
    let net = side.net;
    let vpc = side.vpc.meta.id.as_str();
    match net.igw_attached_to(igw, vpc) {
        Some(attachment) => {
            let note = format!("the task has a public IP; internet gateway `{igw}` is attached to `{vpc}`");
            hops.push(igw_hop(net, igw, &attachment.meta, note));
        }
        None => {
            let note = format!("internet gateway `{igw}` is not attached to `{vpc}`");
            let hop = net
                .internet_gateways
                .get(igw)
                .map_or_else(|| Hop::key(route, note.clone()), |m| Hop::key(m, note.clone()));
            let blocker = Blocker::IgwNotAttached { igw: igw.to_owned(), vpc: vpc.to_owned(), route: route.id.clone() };
            return Err(Fail::blocked(blocker, hop));
        }
    }
    out_to_public_addresses(side, port, "0.0.0.0/0")
}

/// The internet gateway's own key (the attachment's when the gateway is not modelled).
fn igw_hop(net: &Network, igw: &str, attachment: &crate::network::model::Meta, note: String) -> Hop {
    Hop::key(net.internet_gateways.get(igw).unwrap_or(attachment), note)
}

pub(super) fn table_hop(net: &Network, table: &str, note: String) -> Option<Hop> {
    net.route_tables.get(table).map(|t| Hop::key(&t.meta, note))
}

fn nat_checks(side: &FnSide, nat_id: &str, port: u16, hops: &mut Vec<Hop>) -> Result<(), Fail> {
    let net = side.net;
    let Some(nat) = net.nat_gateways.get(nat_id) else {
        return Err(Fail::undecided(nat_id, side.subnet.meta.key_span, "the NAT gateway is not modelled"));
    };
    let problem =
        |why: NatProblem, hop: Hop| Fail::blocked(Blocker::NatNoInternet { nat: nat_id.to_owned(), why }, hop);
    match &nat.connectivity {
        Connectivity::Public => {}
        Connectivity::Unknown(v) => return Err(Fail::input(v, "NAT connectivity type")),
        Connectivity::Private => {
            let span = nat.connectivity_value.as_ref().map_or(nat.meta.key_span, |v| v.span);
            let hop = Hop::at(
                &nat.meta,
                span,
                format!("NAT gateway `{nat_id}` is private (ConnectivityType: private): it cannot reach the internet"),
            );
            return Err(problem(NatProblem::Private, hop));
        }
    }
    let nat_subnet = match nat.regional {
        None => {
            return Err(Fail::input(
                nat.mode_value.as_ref().unwrap_or(&Value::unknown("", nat.meta.key_span)),
                "NAT availability mode",
            ));
        }
        Some(true) => {
            regional_nat(net, nat, hops)?;
            None
        }
        Some(false) => Some(zonal_nat(net, nat, hops)?),
    };
    out_to_public_addresses(side, port, "0.0.0.0/0")?;
    let Some(ns) = nat_subnet.filter(|ns| ns.meta.id != side.subnet.meta.id) else { return Ok(()) };
    let internet = Range::internet();
    check_legs(
        net,
        &[
            Leg { subnet: ns, egress: false, ports: (port, port), peer: &side.range },
            Leg { subnet: ns, egress: true, ports: (port, port), peer: &internet },
            Leg { subnet: ns, egress: false, ports: EPHEMERAL, peer: &internet },
            Leg { subnet: ns, egress: true, ports: EPHEMERAL, peer: &side.range },
        ],
    )
}

/// The first leg of every path to public addresses (the internet through NAT or an internet
/// gateway, a gateway endpoint's prefix list): the workload's groups must let `port` out (`to`
/// names the destination in the blocker), and its subnet's ACL must pass the request out and the
/// reply back in.
pub(super) fn out_to_public_addresses(side: &FnSide, port: u16, to: &str) -> Result<(), Fail> {
    let internet = Range::internet();
    let other = Side { groups: &[], range: internet.clone() };
    match admits(side.net, side.groups, true, port, &other) {
        Verdict::Allowed(..) => {}
        Verdict::Maybe(reason, span) => return Err(Fail::unknown(reason, span, Vec::new())),
        Verdict::Denied => {
            let keys = side.known_groups();
            let hops = egress_hops(side, &keys, &format!("tcp/{port} to {to}"));
            let blocker = Blocker::FunctionEgressBlocks { groups: keys, to: to.to_owned(), port };
            return Err(Fail::block(blocker, hops));
        }
    }
    check_legs(
        side.net,
        &[
            Leg { subnet: side.subnet, egress: true, ports: (port, port), peer: &internet },
            Leg { subnet: side.subnet, egress: false, ports: EPHEMERAL, peer: &internet },
        ],
    )
}

fn regional_nat(net: &Network, nat: &crate::network::model::NatGateway, hops: &mut Vec<Hop>) -> Result<(), Fail> {
    let vpc = match &nat.vpc {
        Some(Link::Known(vpc)) => vpc,
        Some(Link::Unseen(unseen)) => return Err(Fail::unseen(unseen)),
        None => {
            return Err(Fail::undecided(&nat.meta.id, nat.meta.key_span, "the regional NAT gateway names no VpcId"));
        }
    };
    match net.igw_attached(vpc) {
        Some(attachment) => {
            let note = format!(
                "regional NAT gateway `{}` uses internet gateway `{}` attached to `{vpc}`",
                nat.meta.id, attachment.gateway
            );
            hops.push(igw_hop(net, &attachment.gateway, &attachment.meta, note));
            Ok(())
        }
        None => {
            let hop = Hop::key(
                &nat.meta,
                format!("regional NAT gateway `{}`: no internet gateway is attached to `{vpc}`", nat.meta.id),
            );
            Err(Fail::blocked(
                Blocker::NatNoInternet {
                    nat: nat.meta.id.clone(),
                    why: NatProblem::NoIgwAttached { vpc: vpc.clone() },
                },
                hop,
            ))
        }
    }
}

/// A zonal public NAT works iff its subnet sends 0.0.0.0/0 to an internet gateway attached to
/// that subnet's VPC. Returns the NAT's subnet for the ACL checks.
fn zonal_nat<'n>(
    net: &'n Network,
    nat: &crate::network::model::NatGateway,
    hops: &mut Vec<Hop>,
) -> Result<&'n Subnet, Fail> {
    let nat_id = nat.meta.id.as_str();
    let subnet_id = match &nat.subnet {
        Some(Link::Known(id)) => id,
        Some(Link::Unseen(unseen)) => return Err(Fail::unseen(unseen)),
        None => return Err(Fail::undecided(nat_id, nat.meta.key_span, "the NAT gateway names no SubnetId")),
    };
    let Some(subnet) = net.subnets.get(subnet_id) else {
        return Err(Fail::undecided(nat_id, nat.meta.key_span, "the NAT gateway's subnet is not modelled"));
    };
    hops.push(Hop::key(&nat.meta, format!("NAT gateway `{nat_id}` is in subnet `{subnet_id}`")));
    let no_route = |table: Option<String>, hop: Option<Hop>| {
        let why = NatProblem::NoIgwRoute { subnet: subnet_id.clone(), route_table: table };
        let hop = hop.unwrap_or_else(|| {
            Hop::key(
                &subnet.meta,
                format!("subnet `{subnet_id}` of NAT gateway `{nat_id}` has no route to an internet gateway"),
            )
        });
        Fail::blocked(Blocker::NatNoInternet { nat: nat_id.to_owned(), why }, hop)
    };
    let (table, index) = match route_default(net, subnet_id) {
        None | Some(DefaultRoute::Main) => return Err(no_route(None, None)),
        Some(DefaultRoute::Unseen(unseen)) => return Err(Fail::unseen(&unseen)),
        Some(DefaultRoute::Unknown { value, .. }) => return Err(Fail::input(&value, "route destination")),
        Some(DefaultRoute::NoDefault { table }) => {
            let hop = table_hop(
                net,
                &table,
                format!("route table `{table}` of NAT subnet `{subnet_id}` has no 0.0.0.0/0 route"),
            );
            return Err(no_route(Some(table), hop));
        }
        Some(DefaultRoute::Route { table, route }) => (table, route),
    };
    let Some(route) = net.routes.get(index) else {
        return Err(no_route(Some(table), None));
    };
    let note = format!(
        "route `{}` of NAT subnet `{subnet_id}` sends 0.0.0.0/0 to {} `{}`",
        route.meta.id,
        route.target.kind(),
        route.target.name()
    );
    let route_hop = Hop::at(&route.meta, route.target_span, note);
    let igw = match &route.target {
        RouteTarget::InternetGateway(igw) => igw,
        RouteTarget::Unseen(unseen) => return Err(Fail::unseen(unseen)),
        RouteTarget::NatGateway(_) | RouteTarget::Missing => return Err(no_route(Some(table), Some(route_hop))),
        target => {
            let reason = Unverifiable::Egress {
                route: route.meta.id.clone(),
                destination: route.destination.label(),
                target: target.clone(),
            };
            return Err(Fail::unknown(reason, route.target_span, vec![route_hop]));
        }
    };
    hops.push(route_hop);
    let vpc = subnet.vpc.known().cloned().unwrap_or_default();
    match net.igw_attached_to(igw, &vpc) {
        Some(attachment) => {
            let note = format!("internet gateway `{igw}` is attached to `{vpc}` by `{}`", attachment.meta.id);
            hops.push(igw_hop(net, igw, &attachment.meta, note));
            Ok(subnet)
        }
        None => {
            let note = format!("internet gateway `{igw}` is not attached to `{vpc}`");
            let hop = net
                .internet_gateways
                .get(igw)
                .map_or_else(|| Hop::key(&route.meta, note.clone()), |m| Hop::key(m, note.clone()));
            let why = NatProblem::IgwNotAttached { igw: igw.clone(), vpc };
            Err(Fail::blocked(Blocker::NatNoInternet { nat: nat_id.to_owned(), why }, hop))
        }
    }
}
