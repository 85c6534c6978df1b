//! The reachability questions the rules ask — can a function reach Secrets Manager, can it reach
//! its database — answered per function subnet with the path that explains the answer.

use crate::source::tree::Span;
use crate::template::Value;

use super::Network;
use super::endpoints::{PolicyVerdict, policy_allows_rotation};
use super::model::{
    AclChoice, CidrSpec, Connectivity, Destination, Endpoint, EndpointKind, Items, Link, NaclKey, Peer, Ports,
    Protocol, RouteTarget, SgKey, Subnet, TableChoice, Unseen, Vpc,
};
use super::nacl::{self, EPHEMERAL, NaclVerdict};
use super::outcome::{
    Blocker, EndpointIssue, Fragile, Hop, NatProblem, Outcome, Overall, PrivateWhy, SmReport, SubnetRef, TargetReport,
    Unverifiable, Via,
};
use super::ranges::Range;
use super::refs::list_items;
use super::security_groups::{Side, Verdict, admits, describe_rule};

const HTTPS: u16 = 443;

/// Where the rotation function runs and which Secrets Manager host it calls.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    /// `VpcConfig.SubnetIds` items (or the whole value when it is not a list); empty = not in a VPC.
    pub subnets: Vec<Value>,
    pub security_groups: Vec<Value>,
    pub host: SmHost,
}

/// The Secrets Manager host the function's SDK calls.
#[derive(Clone, Debug, PartialEq)]
pub enum SmHost {
    /// `secretsmanager.<region>.amazonaws.com`: resolves to an endpoint only with private DNS.
    RegionalDefault,
    /// `secretsmanager-fips.<region>.amazonaws.com`: resolves to a `secretsmanager-fips`
    /// endpoint only with private DNS.
    Fips,
    /// An endpoint-specific DNS name of this endpoint (logical id): works without private DNS.
    NamesEndpoint(String),
    /// A value the caller could not classify.
    Other(Value),
}

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

/// A failed step: the outcome minus the hops gathered before it (boxed: it travels in `Err`).
struct Fail(Box<FailKind>);

enum FailKind {
    Blocked(Blocker, Vec<Hop>),
    Unknown(Unverifiable, Span, Vec<Hop>),
}

impl Fail {
    fn block(blocker: Blocker, hops: Vec<Hop>) -> Fail {
        Fail(Box::new(FailKind::Blocked(blocker, hops)))
    }

    fn unknown(reason: Unverifiable, span: Span, hops: Vec<Hop>) -> Fail {
        Fail(Box::new(FailKind::Unknown(reason, span, hops)))
    }

    fn unseen(unseen: &Unseen) -> Fail {
        Fail::unknown(Unverifiable::Input(unseen.clone()), unseen.value.span, Vec::new())
    }

    fn input(value: &Value, what: &'static str) -> Fail {
        Fail::unseen(&Unseen { value: value.clone(), what })
    }

    fn undecided(resource: &str, span: Span, why: impl Into<String>) -> Fail {
        Fail::unknown(Unverifiable::Undecided { resource: resource.to_owned(), why: why.into() }, span, Vec::new())
    }

    fn blocked(blocker: Blocker, hop: Hop) -> Fail {
        Fail::block(blocker, vec![hop])
    }

    /// The same failure, explained with `hop` first (the place the failing check is about).
    fn after(mut self, hop: Hop) -> Fail {
        match &mut *self.0 {
            FailKind::Blocked(_, extra) | FailKind::Unknown(_, _, extra) => extra.insert(0, hop),
        }
        self
    }

    fn finish(self, mut hops: Vec<Hop>) -> Outcome {
        match *self.0 {
            FailKind::Blocked(blocker, extra) => {
                hops.extend(extra);
                Outcome::Blocked { blocker, hops }
            }
            FailKind::Unknown(reason, span, extra) => {
                hops.extend(extra);
                Outcome::Unverifiable { reason, span, hops }
            }
        }
    }
}

fn finish(result: Result<Via, Fail>, hops: Vec<Hop>) -> Outcome {
    match result {
        Ok(via) => Outcome::Reachable { via, hops },
        Err(fail) => fail.finish(hops),
    }
}

/// The function in one of its subnets.
struct FnSide<'n> {
    net: &'n Network,
    subnet: &'n Subnet,
    vpc: &'n Vpc,
    groups: &'n [Link<SgKey>],
    range: Range,
    /// The subnet hop every path starts with.
    start: Hop,
}

impl FnSide<'_> {
    fn hops(&self) -> Vec<Hop> {
        vec![self.start.clone()]
    }

    fn known_groups(&self) -> Vec<SgKey> {
        self.groups.iter().filter_map(|g| g.known().cloned()).collect()
    }
}

/// Lists may arrive as one joined string or a parameter: expand what can be expanded.
fn flatten(values: &[Value]) -> Vec<Value> {
    values.iter().flat_map(|v| list_items(v).unwrap_or_else(|whole| vec![whole])).collect()
}

fn start<'n>(
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

/// Can the function reach Secrets Manager from each of its subnets?
pub fn secrets_manager(net: &Network, p: &Placement) -> SmReport {
    let subnets = flatten(&p.subnets);
    if subnets.is_empty() {
        let outcome = Outcome::Reachable { via: Via::PublicEndpoint, hops: Vec::new() };
        return SmReport {
            per_subnet: vec![(SubnetRef::OutsideVpc, outcome)],
            overall: Overall::All,
            endpoint_issues: Vec::new(),
        };
    }
    let groups: Vec<Link<SgKey>> = flatten(&p.security_groups).iter().map(|g| net.resolve_sg(g)).collect();
    let mut per_subnet = Vec::new();
    let mut endpoint_issues = Vec::new();
    for value in &subnets {
        match start(net, value, &groups) {
            Err(pair) => per_subnet.push(*pair),
            Ok(side) => {
                let outcome = sm_subnet(&side, &p.host, &mut endpoint_issues);
                per_subnet.push((SubnetRef::Subnet(side.subnet.meta.id.clone()), outcome));
            }
        }
    }
    let overall = Overall::of(per_subnet.iter().map(|(_, o)| o));
    SmReport { per_subnet, overall, endpoint_issues }
}

fn sm_subnet(side: &FnSide, host: &SmHost, issues: &mut Vec<EndpointIssue>) -> Outcome {
    if let Err(fail) = dns_support(side) {
        return fail.finish(side.hops());
    }
    match host {
        SmHost::NamesEndpoint(id) => match side.net.endpoints.get(id) {
            Some(endpoint) => endpoint_path(side, endpoint, true),
            None => Fail::undecided(
                id,
                side.subnet.meta.key_span,
                format!("endpoint `{id}` does not exist in this scenario"),
            )
            .finish(side.hops()),
        },
        SmHost::Other(value) => Fail::input(value, "Secrets Manager endpoint URL").finish(side.hops()),
        SmHost::RegionalDefault => regional(side, issues, false),
        SmHost::Fips => regional(side, issues, true),
    }
}

/// Without Amazon DNS no name resolves, whatever the path.
fn dns_support(side: &FnSide) -> Result<(), Fail> {
    let vpc = side.vpc;
    match vpc.dns_support.value {
        Some(true) => Ok(()),
        None => Err(Fail::input(
            vpc.dns_support.written.as_ref().unwrap_or(&Value::unknown("", vpc.meta.key_span)),
            "VPC setting",
        )),
        Some(false) => match &vpc.custom_dhcp {
            Some(dhcp) => {
                Err(Fail::undecided(dhcp, vpc.meta.key_span, "the VPC resolves names through custom DHCP options"))
            }
            None => {
                let span = vpc.dns_support.span_or(vpc.meta.key_span);
                let hop = Hop::at(
                    &vpc.meta,
                    span,
                    format!("VPC `{}` sets EnableDnsSupport: false, so no name resolves", vpc.meta.id),
                );
                let blocker =
                    Blocker::VpcDnsOff { endpoint: None, vpc: vpc.meta.id.clone(), attribute: "EnableDnsSupport" };
                Err(Fail::blocked(blocker, hop))
            }
        },
    }
}

/// Does the regional host resolve to this endpoint? (Interface with private DNS on.)
fn captures(endpoint: &Endpoint) -> Option<bool> {
    let dns = endpoint.private_dns.value;
    match (&endpoint.kind, dns) {
        (_, Some(false)) => Some(false),
        (EndpointKind::Interface, dns) => dns,
        (EndpointKind::Unknown(_), _) => None,
        _ => Some(false),
    }
}

/// The regional host: a private-DNS endpoint captures it (NAT is then irrelevant); otherwise the
/// route table decides, and an unusable endpoint explains a failure.
/// With `fips`, the same for the FIPS host and `secretsmanager-fips` endpoints: private DNS of an
/// endpoint answers only the name of the service it was created for.
fn regional(side: &FnSide, issues: &mut Vec<EndpointIssue>, fips: bool) -> Outcome {
    let vpc = side.vpc.meta.id.as_str();
    let in_vpc: Vec<&Endpoint> =
        side.net.endpoints.values().filter(|e| e.vpc.known().is_some_and(|v| v == vpc)).collect();
    let sure: Vec<&Endpoint> =
        in_vpc.iter().copied().filter(|e| e.is_secretsmanager() == Some(true) && e.is_fips() == Some(fips)).collect();
    if let Some(endpoint) = sure.iter().find(|e| captures(e) == Some(true)) {
        return endpoint_path(side, endpoint, false);
    }
    let route = route_path(side);
    if let Some(endpoint) = sure.iter().find(|e| captures(e).is_none()) {
        let via_endpoint = endpoint_path(side, endpoint, false);
        return match (&via_endpoint, &route) {
            (Outcome::Reachable { .. }, Outcome::Reachable { .. })
            | (Outcome::Blocked { .. }, Outcome::Blocked { .. }) => via_endpoint,
            _ => {
                let value = endpoint.private_dns.written.as_ref().or(endpoint.kind_value.as_ref());
                let value = value.cloned().unwrap_or_else(|| Value::unknown("", endpoint.meta.key_span));
                Fail::input(&value, "endpoint setting").finish(side.hops())
            }
        };
    }
    if let Some(endpoint) = sure.first() {
        let via_endpoint = endpoint_path(side, endpoint, false);
        if let Outcome::Blocked { blocker, hops } = &via_endpoint {
            if matches!(route, Outcome::Blocked { .. }) {
                return via_endpoint;
            }
            issues.push(EndpointIssue {
                subnet: side.subnet.meta.id.clone(),
                endpoint: endpoint.meta.id.clone(),
                blocker: blocker.clone(),
                hops: hops.clone(),
            });
        }
    }
    if matches!(route, Outcome::Blocked { .. })
        && let Some(maybe) = in_vpc
            .iter()
            .find(|e| e.is_secretsmanager().is_none() || (e.is_secretsmanager() == Some(true) && e.is_fips().is_none()))
        && let Some(service) = &maybe.service
    {
        let hop = Hop::at(&maybe.meta, service.span, format!("endpoint `{}` may be for secretsmanager", maybe.meta.id));
        return Fail::unknown(
            Unverifiable::Input(Unseen { value: service.clone(), what: "endpoint service name" }),
            service.span,
            vec![hop],
        )
        .finish(side.hops());
    }
    route
}

fn endpoint_path(side: &FnSide, endpoint: &Endpoint, named: bool) -> Outcome {
    let mut hops = side.hops();
    // The label states only what the model holds: "with private DNS" when the endpoint sets it,
    // so it never contradicts a later private-DNS check on the same path.
    let how = match (named, endpoint.private_dns.value) {
        (true, _) => " named by the function",
        (false, Some(true)) => " with private DNS",
        (false, _) => "",
    };
    hops.push(Hop::key(&endpoint.meta, format!("Secrets Manager endpoint `{}`{how}", endpoint.meta.id)));
    let result = endpoint_checks(side, endpoint, named, &mut hops).map(|()| Via::Endpoint(endpoint.meta.id.clone()));
    finish(result, hops)
}

fn endpoint_checks(side: &FnSide, ep: &Endpoint, named: bool, hops: &mut Vec<Hop>) -> Result<(), Fail> {
    let id = ep.meta.id.as_str();
    match &ep.vpc {
        Link::Known(v) if *v == side.vpc.meta.id => {}
        Link::Known(v) => {
            let hop = Hop::key(&ep.meta, format!("endpoint `{id}` is in VPC `{v}`, not `{}`", side.vpc.meta.id));
            let blocker = Blocker::EndpointInOtherVpc {
                endpoint: id.to_owned(),
                endpoint_vpc: Some(v.clone()),
                function_vpc: side.vpc.meta.id.clone(),
            };
            return Err(Fail::blocked(blocker, hop));
        }
        Link::Unseen(unseen) => return Err(Fail::unseen(unseen)),
    }
    if named {
        match ep.is_secretsmanager() {
            Some(true) => {}
            Some(false) => {
                let span = ep.service.as_ref().map_or(ep.meta.key_span, |v| v.span);
                let hop = Hop::at(&ep.meta, span, format!("endpoint `{id}` is not for secretsmanager"));
                return Err(Fail::blocked(Blocker::EndpointWrongService(id.to_owned()), hop));
            }
            None => {
                return Err(Fail::input(
                    ep.service.as_ref().unwrap_or(&Value::unknown("", ep.meta.key_span)),
                    "endpoint service name",
                ));
            }
        }
    }
    endpoint_kind(ep)?;
    let subnets = endpoint_subnets(ep)?;
    if !named {
        endpoint_dns(side, ep)?;
    }
    let groups = match side.net.endpoint_groups(ep) {
        Items::Known(groups) => groups,
        Items::Unseen(unseen) => return Err(Fail::unseen(&unseen)),
    };
    hops.push(endpoint_ingress(side, ep, &groups)?);
    endpoint_egress(side, ep, &groups, &subnets)?;
    endpoint_nacls(side, &subnets)?;
    endpoint_policy(ep)
}

fn endpoint_kind(ep: &Endpoint) -> Result<(), Fail> {
    match &ep.kind {
        EndpointKind::Interface => Ok(()),
        EndpointKind::Unknown(v) => Err(Fail::input(v, "endpoint type")),
        kind => {
            let written = match kind {
                EndpointKind::Gateway if ep.kind_value.is_none() => {
                    "omits VpcEndpointType (default Gateway)".to_owned()
                }
                _ => format!("has VpcEndpointType {}", ep.kind_value.as_ref().map(Value::display).unwrap_or_default()),
            };
            let span = ep.kind_value.as_ref().map_or(ep.meta.key_span, |v| v.span);
            let hop = Hop::at(&ep.meta, span, format!("endpoint `{}` {written}, not Interface", ep.meta.id));
            Err(Fail::blocked(Blocker::EndpointNotInterface(ep.meta.id.clone()), hop))
        }
    }
}

fn endpoint_subnets(ep: &Endpoint) -> Result<Vec<Link<String>>, Fail> {
    match &ep.subnets {
        Items::Unseen(unseen) => Err(Fail::unseen(unseen)),
        Items::Known(list) if list.is_empty() => {
            let span = ep.subnets_value.as_ref().map_or(ep.meta.key_span, |v| v.span);
            let hop =
                Hop::at(&ep.meta, span, format!("endpoint `{}` has no SubnetIds, so no network interface", ep.meta.id));
            Err(Fail::blocked(Blocker::EndpointNoSubnets(ep.meta.id.clone()), hop))
        }
        Items::Known(list) => Ok(list.clone()),
    }
}

fn endpoint_dns(side: &FnSide, ep: &Endpoint) -> Result<(), Fail> {
    let id = &ep.meta.id;
    match ep.private_dns.value {
        Some(true) => {}
        None => {
            return Err(Fail::input(
                ep.private_dns.written.as_ref().unwrap_or(&Value::unknown("", ep.meta.key_span)),
                "PrivateDnsEnabled",
            ));
        }
        Some(false) => {
            let written = if ep.private_dns.written.is_some() {
                "sets PrivateDnsEnabled: false"
            } else {
                "omits PrivateDnsEnabled (default false)"
            };
            let note =
                format!("endpoint `{id}` {written}, so the regional Secrets Manager name resolves to public addresses");
            let hop = Hop::at(&ep.meta, ep.private_dns.span_or(ep.meta.key_span), note);
            return Err(Fail::blocked(Blocker::PrivateDnsOff(id.clone()), hop));
        }
    }
    let vpc = side.vpc;
    match vpc.dns_hostnames.value {
        Some(true) => Ok(()),
        None => Err(Fail::input(
            vpc.dns_hostnames.written.as_ref().unwrap_or(&Value::unknown("", vpc.meta.key_span)),
            "EnableDnsHostnames",
        )),
        Some(false) => {
            let written = if vpc.dns_hostnames.written.is_some() {
                "sets EnableDnsHostnames: false"
            } else {
                "omits EnableDnsHostnames (default false)"
            };
            let note = format!("VPC `{}` {written}; private DNS for endpoint `{id}` needs it", vpc.meta.id);
            let hop = Hop::at(&vpc.meta, vpc.dns_hostnames.span_or(vpc.meta.key_span), note);
            let blocker = Blocker::VpcDnsOff {
                endpoint: Some(id.clone()),
                vpc: vpc.meta.id.clone(),
                attribute: "EnableDnsHostnames",
            };
            Err(Fail::blocked(blocker, hop))
        }
    }
}

/// The endpoint's groups must admit tcp/443 from the function.
fn endpoint_ingress(side: &FnSide, ep: &Endpoint, groups: &[Link<SgKey>]) -> Result<Hop, Fail> {
    let other = Side { groups: side.groups, range: side.range.clone() };
    match admits(side.net, groups, false, HTTPS, &other) {
        Verdict::Allowed(rule, key) => {
            let note =
                format!("security group `{key}` of endpoint `{}` admits {}", ep.meta.id, describe_rule(&rule, false));
            Ok(Hop { resource: rule.resource, span: rule.span, note, condition: rule.condition })
        }
        Verdict::Maybe(reason, span) => Err(Fail::unknown(reason, span, Vec::new())),
        Verdict::Denied => {
            let keys: Vec<SgKey> = groups.iter().filter_map(|g| g.known().cloned()).collect();
            let hops = group_hops(side.net, &keys, |k| {
                format!("security group `{k}` of endpoint `{}` admits no tcp/443 from the function", ep.meta.id)
            });
            Err(Fail::block(Blocker::EndpointSgBlocks { endpoint: ep.meta.id.clone(), groups: keys }, hops))
        }
    }
}

fn group_hops(net: &Network, keys: &[SgKey], note: impl Fn(&SgKey) -> String) -> Vec<Hop> {
    keys.iter().filter_map(|k| net.security_groups.get(k)).map(|g| Hop::key(&g.meta, note(&g.key))).collect()
}

fn egress_hops(net: &Network, keys: &[SgKey], what: &str) -> Vec<Hop> {
    keys.iter()
        .filter_map(|k| net.security_groups.get(k))
        .map(|g| {
            let span = g.egress_value.as_ref().map_or(g.meta.key_span, |v| v.span);
            Hop::at(&g.meta, span, format!("security group `{}` of the function allows no {what}", g.key))
        })
        .collect()
}

/// The function's groups must let tcp/443 out to every endpoint interface.
fn endpoint_egress(side: &FnSide, ep: &Endpoint, groups: &[Link<SgKey>], subnets: &[Link<String>]) -> Result<(), Fail> {
    for subnet in subnets {
        let range = match subnet {
            Link::Known(id) => side.net.subnet_range(id),
            Link::Unseen(_) => Range::in_vpc(&side.vpc.meta.id),
        };
        let label = format!("endpoint `{}` in {}", ep.meta.id, range.label);
        let other = Side { groups, range };
        match admits(side.net, side.groups, true, HTTPS, &other) {
            Verdict::Allowed(..) => {}
            Verdict::Maybe(reason, span) => return Err(Fail::unknown(reason, span, Vec::new())),
            Verdict::Denied => {
                let keys = side.known_groups();
                let hops = egress_hops(side.net, &keys, &format!("tcp/443 to {label}"));
                return Err(Fail::block(Blocker::FunctionEgressBlocks { groups: keys, to: label }, hops));
            }
        }
    }
    Ok(())
}

/// One direction of one subnet's ACL.
struct Leg<'a> {
    subnet: &'a Subnet,
    egress: bool,
    ports: (u16, u16),
    peer: &'a Range,
}

/// ACLs are stateless: both directions of both subnets must pass, replies on ephemeral ports.
fn endpoint_nacls(side: &FnSide, subnets: &[Link<String>]) -> Result<(), Fail> {
    for link in subnets {
        let id = match link {
            Link::Known(id) => id,
            Link::Unseen(unseen) => return Err(Fail::unseen(unseen)),
        };
        if *id == side.subnet.meta.id {
            continue;
        }
        let Some(other) = side.net.subnets.get(id) else {
            continue;
        };
        let other_range = side.net.subnet_range(id);
        let legs = [
            Leg { subnet: side.subnet, egress: true, ports: (HTTPS, HTTPS), peer: &other_range },
            Leg { subnet: other, egress: false, ports: (HTTPS, HTTPS), peer: &side.range },
            Leg { subnet: other, egress: true, ports: EPHEMERAL, peer: &side.range },
            Leg { subnet: side.subnet, egress: false, ports: EPHEMERAL, peer: &other_range },
        ];
        check_legs(side.net, &legs).map_err(|f| f.after(Hop::key(&other.meta, format!("endpoint subnet `{id}`"))))?;
    }
    Ok(())
}

fn check_legs(net: &Network, legs: &[Leg]) -> Result<(), Fail> {
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
    association: Option<&super::model::Meta>,
    entry: Option<String>,
    ports: (u16, u16),
) -> Fail {
    let subnet = leg.subnet.meta.id.clone();
    let direction = if leg.egress { "outbound to" } else { "inbound from" };
    let range = if ports.0 == ports.1 { format!("tcp/{}", ports.0) } else { format!("tcp/{}-{}", ports.0, ports.1) };
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

fn endpoint_policy(ep: &Endpoint) -> Result<(), Fail> {
    let Some(policy) = &ep.policy else {
        return Ok(());
    };
    match policy_allows_rotation(policy) {
        PolicyVerdict::Allows => Ok(()),
        PolicyVerdict::Maybe(value) if !value.is_known() => Err(Fail::input(&value, "endpoint policy")),
        PolicyVerdict::Maybe(_) => Err(Fail::undecided(
            &ep.meta.id,
            policy.span,
            "the endpoint policy allows the rotation actions only to specific principals",
        )),
        PolicyVerdict::Denies(actions) => {
            let note = format!("the policy of endpoint `{}` does not allow {}", ep.meta.id, actions.join(", "));
            let hop = Hop::at(&ep.meta, policy.span, note);
            Err(Fail::blocked(Blocker::EndpointPolicyDenies { endpoint: ep.meta.id.clone(), actions }, hop))
        }
    }
}

/// The subnet's route for 0.0.0.0/0, followed to the internet.
fn route_path(side: &FnSide) -> Outcome {
    let mut hops = side.hops();
    let result = route_checks(side, &mut hops);
    finish(result, hops)
}

fn route_checks(side: &FnSide, hops: &mut Vec<Hop>) -> Result<Via, Fail> {
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
            nat_checks(side, nat, hops)?;
            Ok(Via::Nat(nat.clone()))
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

/// The internet gateway's own key (the attachment's when the gateway is not modelled).
fn igw_hop(net: &Network, igw: &str, attachment: &super::model::Meta, note: String) -> Hop {
    Hop::key(net.internet_gateways.get(igw).unwrap_or(attachment), note)
}

fn table_hop(net: &Network, table: &str, note: String) -> Option<Hop> {
    net.route_tables.get(table).map(|t| Hop::key(&t.meta, note))
}

fn nat_checks(side: &FnSide, nat_id: &str, hops: &mut Vec<Hop>) -> Result<(), Fail> {
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
    let internet = Range::internet();
    let other = Side { groups: &[], range: internet.clone() };
    match admits(net, side.groups, true, HTTPS, &other) {
        Verdict::Allowed(..) => {}
        Verdict::Maybe(reason, span) => return Err(Fail::unknown(reason, span, Vec::new())),
        Verdict::Denied => {
            let keys = side.known_groups();
            let hops = egress_hops(net, &keys, "tcp/443 to 0.0.0.0/0");
            return Err(Fail::block(Blocker::FunctionEgressBlocks { groups: keys, to: "0.0.0.0/0".to_owned() }, hops));
        }
    }
    let mut legs = vec![
        Leg { subnet: side.subnet, egress: true, ports: (HTTPS, HTTPS), peer: &internet },
        Leg { subnet: side.subnet, egress: false, ports: EPHEMERAL, peer: &internet },
    ];
    if let Some(ns) = nat_subnet.filter(|ns| ns.meta.id != side.subnet.meta.id) {
        legs.extend([
            Leg { subnet: ns, egress: false, ports: (HTTPS, HTTPS), peer: &side.range },
            Leg { subnet: ns, egress: true, ports: (HTTPS, HTTPS), peer: &internet },
            Leg { subnet: ns, egress: false, ports: EPHEMERAL, peer: &internet },
            Leg { subnet: ns, egress: true, ports: EPHEMERAL, peer: &side.range },
        ]);
    }
    check_legs(net, &legs)
}

fn regional_nat(net: &Network, nat: &super::model::NatGateway, hops: &mut Vec<Hop>) -> Result<(), Fail> {
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
fn zonal_nat<'n>(net: &'n Network, nat: &super::model::NatGateway, hops: &mut Vec<Hop>) -> Result<&'n Subnet, Fail> {
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
        match start(net, value, &groups) {
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
                let hops = egress_hops(net, &keys, &format!("tcp/{port} to the target in {label}"));
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
    let Ok(Via::Nat(nat)) = route_checks(side, &mut path) else {
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
            let hops = egress_hops(net, &keys, &format!("tcp/{port} to the internet"));
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

fn covers_port(rule: &super::model::SgRule, port: u16) -> bool {
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
                    net.relate(&super::model::CidrSpec::Known(*c), &target_range) != super::ranges::Rel::Disjoint
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
        if *id == side.subnet.meta.id {
            continue;
        }
        let Some(other) = side.net.subnets.get(id) else {
            continue;
        };
        let other_range = side.net.subnet_range(id);
        let legs = [
            Leg { subnet: side.subnet, egress: true, ports: (port, port), peer: &other_range },
            Leg { subnet: other, egress: false, ports: (port, port), peer: &side.range },
            Leg { subnet: other, egress: true, ports: EPHEMERAL, peer: &side.range },
            Leg { subnet: side.subnet, egress: false, ports: EPHEMERAL, peer: &other_range },
        ];
        check_legs(side.net, &legs).map_err(|f| f.after(Hop::key(&other.meta, format!("database subnet `{id}`"))))?;
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
