//! Can a workload call an AWS API? Through an interface endpoint whose private DNS answers the
//! host its SDK calls (or the endpoint it names), else along its subnet's default route.

use std::ops::ControlFlow;

use crate::network::Network;
use crate::network::endpoints::{InVpcDns, PolicyVerdict, policy_allows};
use crate::network::model::{Endpoint, EndpointKind, Items, Link, SgKey, TableChoice, Unseen};
use crate::network::outcome::{ApiReport, Blocker, EndpointIssue, Hop, Outcome, Overall, SubnetRef, Unverifiable, Via};
use crate::network::ranges::Range;
use crate::network::security_groups::{Side, Verdict, admits, describe_rule};
use crate::network::service::Service;
use crate::template::Value;

use super::egress::{out_to_public_addresses, route_path};
use super::start::{FnSide, Placement, Runner, start};
use super::{Fail, acl, egress_hops, finish, flatten, group_hops};

/// The host a workload's SDK calls for a service.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiHost {
    /// `<service>.<region>.amazonaws.com`: resolves to an endpoint only with private DNS.
    RegionalDefault,
    /// `<service>-fips.<region>.amazonaws.com`: resolves to a `<service>-fips` endpoint only
    /// with private DNS.
    Fips,
    /// An endpoint-specific DNS name of this endpoint (logical id): works without private DNS.
    NamesEndpoint(String),
    /// A value the caller could not classify; `what` names the setting it came from.
    Other { value: Value, what: &'static str },
}

/// One API a workload calls: the service, the host its SDK uses, and the actions an endpoint
/// policy must allow (`purpose` words them in findings: "the rotation actions").
#[derive(Clone, Debug, PartialEq)]
pub struct ApiCall {
    pub service: &'static Service,
    pub host: ApiHost,
    pub actions: &'static [&'static str],
    pub purpose: &'static str,
}

/// Can the workload call `call.service` from each of its subnets?
pub fn reach_api(net: &Network, p: &Placement, call: &ApiCall) -> ApiReport {
    let subnets = flatten(&p.subnets);
    if subnets.is_empty() {
        let outcome = Outcome::Reachable { via: Via::PublicEndpoint, hops: Vec::new() };
        return ApiReport {
            per_subnet: vec![(SubnetRef::OutsideVpc, outcome)],
            overall: Overall::All,
            endpoint_issues: Vec::new(),
        };
    }
    let groups: Vec<Link<SgKey>> = flatten(&p.security_groups).iter().map(|g| net.resolve_sg(g)).collect();
    let mut per_subnet = Vec::new();
    let mut endpoint_issues = Vec::new();
    for value in &subnets {
        let default_group;
        let groups = match default_group_of_task(net, p, value) {
            Some(group) => {
                default_group = [group];
                &default_group[..]
            }
            None => &groups[..],
        };
        match start(net, value, groups, p.runner) {
            Err(pair) => per_subnet.push(*pair),
            Ok(side) => {
                let outcome = api_subnet(&side, call, &mut endpoint_issues);
                per_subnet.push((SubnetRef::Subnet(side.subnet.meta.id.clone()), outcome));
            }
        }
    }
    let overall = Overall::of(per_subnet.iter().map(|(_, o)| o));
    ApiReport { per_subnet, overall, endpoint_issues }
}

/// A task that names no security groups gets its VPC's default group
/// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html); a
/// Lambda function without groups is undecided instead.
fn default_group_of_task(net: &Network, p: &Placement, subnet: &Value) -> Option<Link<SgKey>> {
    if !p.security_groups.is_empty() || !matches!(p.runner, Runner::Task { .. }) {
        return None;
    }
    let id = net.resolve_subnet(subnet).known().cloned()?;
    let vpc = net.vpc_of_subnet(&id)?;
    Some(Link::Known(SgKey::VpcDefault(vpc.to_owned())))
}

fn api_subnet(side: &FnSide, call: &ApiCall, issues: &mut Vec<EndpointIssue>) -> Outcome {
    if let Err(fail) = dns_support(side) {
        return fail.finish(side.hops());
    }
    match &call.host {
        ApiHost::NamesEndpoint(id) => match side.net.endpoints.get(id) {
            Some(endpoint) => endpoint_path(side, call, endpoint, true),
            None => Fail::undecided(
                id,
                side.subnet.meta.key_span,
                format!("endpoint `{id}` does not exist in this scenario"),
            )
            .finish(side.hops()),
        },
        ApiHost::Other { value, what } => Fail::input(value, what).finish(side.hops()),
        ApiHost::RegionalDefault => regional(side, call, issues, false),
        ApiHost::Fips => regional(side, call, issues, true),
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
/// With `fips`, the same for the FIPS host and `<service>-fips` endpoints: private DNS of an
/// endpoint answers only the name of the service it was created for.
fn regional(side: &FnSide, call: &ApiCall, issues: &mut Vec<EndpointIssue>, fips: bool) -> Outcome {
    let vpc = side.vpc.meta.id.as_str();
    let in_vpc: Vec<&Endpoint> =
        side.net.endpoints.values().filter(|e| e.vpc.known().is_some_and(|v| v == vpc)).collect();
    if !call.service.interface {
        // No PrivateLink endpoint exists for the service: a gateway endpoint on the subnet's
        // route table, or the route out.
        let (ControlFlow::Break(outcome) | ControlFlow::Continue(outcome)) =
            gateway(side, call, &in_vpc).or_route(side, call.service.port);
        return outcome;
    }
    // An interface endpoint with private DNS answers the regional name; otherwise a gateway
    // endpoint's prefix-list route is more specific than the default route and wins
    // (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html).
    let gateway = gateway(side, call, &in_vpc);
    let name = call.service.endpoint;
    // A gateway endpoint of a service that has both kinds is judged as a gateway above.
    let interface_kind = |e: &Endpoint| !(call.service.gateway && matches!(e.kind, EndpointKind::Gateway));
    // An endpoint whose private DNS answers on-premises resolvers only is no path from here.
    let sure: Vec<&Endpoint> = in_vpc
        .iter()
        .copied()
        .filter(|e| e.service_matches(name) == Some(true) && e.is_fips() == Some(fips) && interface_kind(e))
        .filter(|e| captures(e) != Some(true) || !matches!(e.in_vpc_dns(call.service.gateway), InVpcDns::InboundOnly))
        .collect();
    let capturing = sure.iter().find(|e| captures(e) == Some(true));
    if let Some(endpoint) = capturing
        && let InVpcDns::Answers = endpoint.in_vpc_dns(call.service.gateway)
    {
        return endpoint_path(side, call, endpoint, false);
    }
    let (route, gateway_answered) = match gateway.or_route(side, call.service.port) {
        ControlFlow::Break(answer) => (answer, true),
        ControlFlow::Continue(route) => (route, false),
    };
    if let Some(endpoint) = capturing
        && let InVpcDns::Undocumented(span) = endpoint.in_vpc_dns(call.service.gateway)
    {
        // Either reading of the omitted setting: the same answer, or undecided.
        let via_endpoint = endpoint_path(side, call, endpoint, false);
        return match (&via_endpoint, &route) {
            (Outcome::Reachable { .. }, Outcome::Reachable { .. }) | (Outcome::Blocked { .. }, Outcome::Blocked { .. }) => {
                via_endpoint
            }
            _ => Fail::undecided(
                &endpoint.meta.id,
                span,
                format!(
                    "whether its private DNS answers lookups from inside the VPC depends on `DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint`, which it omits and whose default AWS does not document (`OnlyInboundResolver` sends the VPC's {} traffic to the gateway endpoint or the route out; set `AllResolvers` or `OnlyInboundResolver`)",
                    call.service.label
                ),
            )
            .finish(side.hops()),
        };
    }
    if gateway_answered {
        return route;
    }
    if let Some(endpoint) = sure.iter().find(|e| captures(e).is_none()) {
        let via_endpoint = endpoint_path(side, call, endpoint, false);
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
        let via_endpoint = endpoint_path(side, call, endpoint, false);
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
        && let Some(maybe) = in_vpc.iter().find(|e| {
            let matches = e.service_matches(name);
            matches.is_none() || (matches == Some(true) && e.is_fips().is_none())
        })
        && let Some(service) = &maybe.service
    {
        let hop = Hop::at(&maybe.meta, service.span, format!("endpoint `{}` may be for {name}", maybe.meta.id));
        return Fail::unknown(
            Unverifiable::Input(Unseen { value: service.clone(), what: "endpoint service name" }),
            service.span,
            vec![hop],
        )
        .finish(side.hops());
    }
    route
}

/// What the gateway endpoints of the service in the workload's VPC offer one subnet.
enum Gateway {
    /// None exists (or the service has none).
    None,
    /// The answer: the path through the one on the subnet's route table (or why it is
    /// undecided).
    Answer(Outcome),
    /// Some exist, none on the subnet's route table: why, in case nothing else reaches the
    /// service.
    NotRouted(Fail),
}

/// Gateway endpoints route by destination address (the service's prefix list), whatever host
/// name the SDK resolved.
fn gateway(side: &FnSide, call: &ApiCall, in_vpc: &[&Endpoint]) -> Gateway {
    if !call.service.gateway {
        return Gateway::None;
    }
    let gateways: Vec<&Endpoint> = in_vpc
        .iter()
        .copied()
        .filter(|e| matches!(e.kind, EndpointKind::Gateway) && e.service_matches(call.service.endpoint) == Some(true))
        .collect();
    if gateways.is_empty() {
        return Gateway::None;
    }
    let table = match &side.subnet.route_table {
        TableChoice::Table { table, .. } => Some(table.as_str()),
        TableChoice::Main => None,
        TableChoice::Unseen { unseen, .. } => return Gateway::Answer(Fail::unseen(unseen).finish(side.hops())),
    };
    let mut unseen = None;
    for ep in &gateways {
        match &ep.route_tables {
            Items::Unseen(u) => unseen = unseen.or_else(|| Some(u.clone())),
            Items::Known(links) => {
                for link in links {
                    match link {
                        Link::Known(t) if Some(t.as_str()) == table => {
                            return Gateway::Answer(gateway_path(side, call, ep, table.unwrap_or_default()));
                        }
                        Link::Known(_) => {}
                        Link::Unseen(u) => unseen = unseen.or_else(|| Some(u.clone())),
                    }
                }
            }
        }
    }
    // A table the template cannot name may be the subnet's: undecided, never "not routed".
    if let Some(u) = unseen {
        return Gateway::NotRouted(Fail::unseen(&u));
    }
    let ep = gateways[0];
    let where_ = table.map_or_else(|| "the main route table".to_owned(), |t| format!("route table `{t}`"));
    let span = ep.route_tables_value.as_ref().map_or(ep.meta.key_span, |v| v.span);
    let note = format!(
        "{} gateway endpoint `{}` does not list {where_} of subnet `{}` in RouteTableIds",
        call.service.label, ep.meta.id, side.subnet.meta.id
    );
    let blocker = Blocker::GatewayNotRouted {
        endpoint: ep.meta.id.clone(),
        service: call.service.label,
        subnet: side.subnet.meta.id.clone(),
        route_table: table.map(str::to_owned),
    };
    Gateway::NotRouted(Fail::blocked(blocker, Hop::at(&ep.meta, span, note)))
}

impl Gateway {
    /// `Break` with the gateway endpoint's answer, else `Continue` with the route out. When the
    /// route out is blocked and a gateway endpoint misses the subnet's table, that endpoint is the
    /// better explanation (the fix is one table id); an undecided route stays undecided.
    fn or_route(self, side: &FnSide, port: u16) -> ControlFlow<Outcome, Outcome> {
        match self {
            Gateway::Answer(outcome) => ControlFlow::Break(outcome),
            Gateway::None => ControlFlow::Continue(route_path(side, port)),
            Gateway::NotRouted(fail) => ControlFlow::Continue(match route_path(side, port) {
                Outcome::Blocked { .. } => fail.finish(side.hops()),
                other => other,
            }),
        }
    }
}

/// Through a gateway endpoint on the subnet's route table: the workload's groups and the
/// subnet's ACL must let the port out to the service's public addresses (its prefix list), and
/// the endpoint policy must allow the calls.
fn gateway_path(side: &FnSide, call: &ApiCall, ep: &Endpoint, table: &str) -> Outcome {
    let mut hops = side.hops();
    hops.extend(super::egress::table_hop(
        side.net,
        table,
        format!("subnet `{}` uses route table `{table}`", side.subnet.meta.id),
    ));
    let label = call.service.label;
    hops.push(Hop::key(&ep.meta, format!("{label} gateway endpoint `{}` routes table `{table}`", ep.meta.id)));
    let port = call.service.port;
    let result = out_to_public_addresses(side, port, &format!("the {label} prefix list"))
        .and_then(|()| endpoint_policy(ep, call))
        .map(|()| Via::Endpoint(ep.meta.id.clone()));
    finish(result, hops)
}

fn endpoint_path(side: &FnSide, call: &ApiCall, endpoint: &Endpoint, named: bool) -> Outcome {
    let mut hops = side.hops();
    // The label states only what the model holds: "with private DNS" when the endpoint sets it,
    // so it never contradicts a later private-DNS check on the same path.
    let how = match (named, endpoint.private_dns.value) {
        (true, _) if side.runner == Runner::Function => " named by the function",
        (true, _) => " named by the task",
        (false, Some(true)) => " with private DNS",
        (false, _) => "",
    };
    let label = call.service.label;
    hops.push(Hop::key(&endpoint.meta, format!("{label} endpoint `{}`{how}", endpoint.meta.id)));
    let result =
        endpoint_checks(side, call, endpoint, named, &mut hops).map(|()| Via::Endpoint(endpoint.meta.id.clone()));
    finish(result, hops)
}

fn endpoint_checks(side: &FnSide, call: &ApiCall, ep: &Endpoint, named: bool, hops: &mut Vec<Hop>) -> Result<(), Fail> {
    let id = ep.meta.id.as_str();
    let service = call.service.endpoint;
    let port = call.service.port;
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
        match ep.service_matches(service) {
            Some(true) => {}
            Some(false) => {
                let span = ep.service.as_ref().map_or(ep.meta.key_span, |v| v.span);
                let hop = Hop::at(&ep.meta, span, format!("endpoint `{id}` is not for {service}"));
                let blocker = Blocker::EndpointWrongService { endpoint: id.to_owned(), service: call.service.label };
                return Err(Fail::blocked(blocker, hop));
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
        endpoint_dns(side, call, ep)?;
    }
    let groups = match side.net.endpoint_groups(ep) {
        Items::Known(groups) => groups,
        Items::Unseen(unseen) => return Err(Fail::unseen(&unseen)),
    };
    hops.push(endpoint_ingress(side, ep, &groups, port)?);
    endpoint_egress(side, ep, &groups, &subnets, port)?;
    endpoint_nacls(side, &subnets, port)?;
    endpoint_policy(ep, call)
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

fn endpoint_dns(side: &FnSide, call: &ApiCall, ep: &Endpoint) -> Result<(), Fail> {
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
            let set = ep.private_dns.written.is_some();
            let written = if set { "sets PrivateDnsEnabled: false" } else { "omits PrivateDnsEnabled (default false)" };
            let note = format!(
                "endpoint `{id}` {written}, so the regional {} name resolves to public addresses",
                call.service.label
            );
            let hop = Hop::at(&ep.meta, ep.private_dns.span_or(ep.meta.key_span), note);
            return Err(Fail::blocked(Blocker::PrivateDnsOff { endpoint: id.clone(), written: set }, hop));
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

/// The endpoint's groups must admit the service's port from the function.
fn endpoint_ingress(side: &FnSide, ep: &Endpoint, groups: &[Link<SgKey>], port: u16) -> Result<Hop, Fail> {
    let other = Side { groups: side.groups, range: side.range.clone() };
    match admits(side.net, groups, false, port, &other) {
        Verdict::Allowed(rule, key) => {
            let note =
                format!("security group `{key}` of endpoint `{}` admits {}", ep.meta.id, describe_rule(&rule, false));
            Ok(Hop { resource: rule.resource, span: rule.span, note, condition: rule.condition })
        }
        Verdict::Maybe(reason, span) => Err(Fail::unknown(reason, span, Vec::new())),
        Verdict::Denied => {
            let keys: Vec<SgKey> = groups.iter().filter_map(|g| g.known().cloned()).collect();
            let hops = group_hops(side.net, &keys, |k| {
                format!(
                    "security group `{k}` of endpoint `{}` admits no tcp/{port} from the {}",
                    ep.meta.id,
                    side.runner.noun()
                )
            });
            Err(Fail::block(Blocker::EndpointSgBlocks { endpoint: ep.meta.id.clone(), groups: keys, port }, hops))
        }
    }
}

/// The function's groups must let the port out to every endpoint interface.
fn endpoint_egress(
    side: &FnSide,
    ep: &Endpoint,
    groups: &[Link<SgKey>],
    subnets: &[Link<String>],
    port: u16,
) -> Result<(), Fail> {
    for subnet in subnets {
        let range = match subnet {
            Link::Known(id) => side.net.subnet_range(id),
            Link::Unseen(_) => Range::in_vpc(&side.vpc.meta.id),
        };
        let label = format!("endpoint `{}` in {}", ep.meta.id, range.label);
        let other = Side { groups, range };
        match admits(side.net, side.groups, true, port, &other) {
            Verdict::Allowed(..) => {}
            Verdict::Maybe(reason, span) => return Err(Fail::unknown(reason, span, Vec::new())),
            Verdict::Denied => {
                let keys = side.known_groups();
                let hops = egress_hops(side, &keys, &format!("tcp/{port} to {label}"));
                return Err(Fail::block(Blocker::FunctionEgressBlocks { groups: keys, to: label, port }, hops));
            }
        }
    }
    Ok(())
}

/// The ACLs between the workload's subnet and every subnet of the endpoint.
fn endpoint_nacls(side: &FnSide, subnets: &[Link<String>], port: u16) -> Result<(), Fail> {
    for link in subnets {
        match link {
            Link::Known(id) => acl::within_vpc(side, id, port, "endpoint subnet")?,
            Link::Unseen(unseen) => return Err(Fail::unseen(unseen)),
        }
    }
    Ok(())
}

fn endpoint_policy(ep: &Endpoint, call: &ApiCall) -> Result<(), Fail> {
    let Some(policy) = &ep.policy else {
        return Ok(());
    };
    match policy_allows(policy, call.actions) {
        PolicyVerdict::Allows => Ok(()),
        PolicyVerdict::Maybe(value) if !value.is_known() => Err(Fail::input(&value, "endpoint policy")),
        PolicyVerdict::Maybe(_) => Err(Fail::undecided(
            &ep.meta.id,
            policy.span,
            format!("the endpoint policy allows the {} actions only to specific principals", call.purpose),
        )),
        PolicyVerdict::Denies(actions) => {
            let note = format!("the policy of endpoint `{}` does not allow {}", ep.meta.id, actions.join(", "));
            let hop = Hop::at(&ep.meta, policy.span, note);
            Err(Fail::blocked(Blocker::EndpointPolicyDenies { endpoint: ep.meta.id.clone(), actions }, hop))
        }
    }
}
