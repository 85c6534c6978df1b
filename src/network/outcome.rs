//! Answers to reachability questions: reachable, blocked (naming the exact check and resource),
//! or unverifiable (naming the input the template cannot show), always with the explaining path.

use crate::source::tree::Span;

use super::Network;
use super::model::{Meta, NaclKey, RouteTarget, SgKey, Unseen};

/// A TCP port or port range as every message writes it: `tcp/443`, `tcp/1024-65535`.
pub fn tcp_ports((from, to): (u16, u16)) -> String {
    if from == to { format!("tcp/{from}") } else { format!("tcp/{from}-{to}") }
}

/// One step of an explaining path, in path order.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    /// Logical id of the resource the step is about.
    pub resource: String,
    /// Its key, or the exact property value that decides the step.
    pub span: Span,
    /// e.g. "subnet `PrivateSubnetA` routes 0.0.0.0/0 to NAT gateway `NatA`".
    pub note: String,
    /// Set when the resource exists only under a condition the evaluator could not decide.
    pub condition: Option<String>,
}

impl Hop {
    pub fn at(meta: &Meta, span: Span, note: impl Into<String>) -> Hop {
        Hop { resource: meta.id.clone(), span, note: note.into(), condition: meta.condition.clone() }
    }

    pub fn key(meta: &Meta, note: impl Into<String>) -> Hop {
        Hop::at(meta, meta.key_span, note)
    }
}

/// How a reachable path gets there.
#[derive(Clone, Debug, PartialEq)]
pub enum Via {
    /// An interface VPC endpoint (logical id).
    Endpoint(String),
    /// A NAT gateway (logical id) and then the internet.
    Nat(String),
    /// The function is not in a VPC: the public regional endpoint.
    PublicEndpoint,
    /// The local route of the shared VPC.
    Local,
    /// From outside any VPC to a public target.
    Internet,
    /// A task's public IP address through an internet gateway (logical id).
    InternetGateway(String),
}

/// Which function subnet an outcome is about.
#[derive(Clone, Debug, PartialEq)]
pub enum SubnetRef {
    Subnet(String),
    Unseen(Unseen),
    /// The function is not in a VPC.
    OutsideVpc,
}

/// Why a NAT gateway gives no internet access.
#[derive(Clone, Debug, PartialEq)]
pub enum NatProblem {
    /// `ConnectivityType: private`: traffic sent to an internet gateway is dropped.
    Private,
    /// A zonal NAT's subnet does not send 0.0.0.0/0 to an internet gateway.
    NoIgwRoute { subnet: String, route_table: Option<String> },
    /// The route goes to an internet gateway that is not attached to the VPC.
    IgwNotAttached { igw: String, vpc: String },
    /// A regional NAT gateway's VPC has no internet gateway attached.
    NoIgwAttached { vpc: String },
}

/// Why a target outside the function's reach is private.
#[derive(Clone, Debug, PartialEq)]
pub enum PrivateWhy {
    /// `PubliclyAccessible` false (explicitly or by default).
    NotPublic,
    /// A target subnet does not send 0.0.0.0/0 to an attached internet gateway.
    NoIgwRoute { subnet: String },
}

/// The exact check that fails, and the resources that decide it.
#[derive(Clone, Debug, PartialEq)]
pub enum Blocker {
    EndpointNotInterface(String),
    EndpointNoSubnets(String),
    /// `written`: the template sets `PrivateDnsEnabled: false` (else it omits it: false too).
    PrivateDnsOff {
        endpoint: String,
        written: bool,
    },
    /// `attribute` is `EnableDnsHostnames` or `EnableDnsSupport`; `endpoint` is the endpoint that
    /// needs it (`None`: the VPC cannot resolve any name).
    VpcDnsOff {
        endpoint: Option<String>,
        vpc: String,
        attribute: &'static str,
    },
    /// The function names an endpoint that is in another VPC.
    EndpointInOtherVpc {
        endpoint: String,
        endpoint_vpc: Option<String>,
        function_vpc: String,
    },
    /// The workload names an endpoint that is not for the service it calls (`service`: its label).
    EndpointWrongService {
        endpoint: String,
        service: &'static str,
    },
    EndpointSgBlocks {
        endpoint: String,
        groups: Vec<SgKey>,
        port: u16,
    },
    FunctionEgressBlocks {
        groups: Vec<SgKey>,
        to: String,
        port: u16,
    },
    NaclBlocks {
        nacl: NaclKey,
        subnet: String,
        egress: bool,
        ports: (u16, u16),
        entry: Option<String>,
    },
    EndpointPolicyDenies {
        endpoint: String,
        actions: Vec<&'static str>,
    },
    NatNoInternet {
        nat: String,
        why: NatProblem,
    },
    PublicSubnet {
        igw: String,
        route: String,
    },
    /// A gateway endpoint for the service is in the VPC, but not on the route table the
    /// workload's subnet uses (`None`: the VPC's main table), and no other path reaches it.
    GatewayNotRouted {
        endpoint: String,
        service: &'static str,
        subnet: String,
        route_table: Option<String>,
    },
    /// A Fargate task without a public IP address in a subnet routed to an internet gateway.
    TaskWithoutPublicIp {
        igw: String,
        route: String,
    },
    /// The subnet routes 0.0.0.0/0 to an internet gateway that is not attached to its VPC.
    IgwNotAttached {
        igw: String,
        vpc: String,
        route: String,
    },
    /// No 0.0.0.0/0 route: `route_table` is `None` for the main table (local only).
    NoRoute {
        subnet: String,
        route_table: Option<String>,
    },
    DifferentVpc {
        function_vpc: String,
        target_vpc: Option<String>,
    },
    /// `shared`: a custom group of both function and target that has no self-referencing
    /// ingress for the port (membership in it admits nothing).
    TargetSgBlocks {
        groups: Vec<SgKey>,
        port: u16,
        shared: Option<String>,
    },
    FunctionEgressBlocksTarget {
        groups: Vec<SgKey>,
        port: u16,
    },
    PrivateTarget(PrivateWhy),
    PublicTargetSgClosed {
        groups: Vec<SgKey>,
        port: u16,
    },
    /// The public target admits the port only from specific public CIDRs; a function outside a
    /// VPC connects from AWS-owned addresses, so it passes only if those are AWS's own (RL208).
    /// `rule` is the resource holding the first such rule, `span` the rule.
    PublicTargetAllowlist {
        group: SgKey,
        port: u16,
        rule: String,
        span: Span,
    },
}

/// What the template cannot show.
#[derive(Clone, Debug, PartialEq)]
pub enum Unverifiable {
    /// An input the template does not define: parameter, import, literal id (RL901).
    Input(Unseen),
    /// The route leaves through something a template cannot follow (RL902). `destination` is
    /// the route's destination as written ("0.0.0.0/0", "10.1.0.0/16", "::/0").
    Egress { route: String, destination: String, target: RouteTarget },
    /// Everything is in the template, but the answer needs a fact it does not give.
    Undecided { resource: String, why: String },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Reachable { via: Via, hops: Vec<Hop> },
    Blocked { blocker: Blocker, hops: Vec<Hop> },
    Unverifiable { reason: Unverifiable, span: Span, hops: Vec<Hop> },
}

impl Outcome {
    pub fn hops(&self) -> &[Hop] {
        match self {
            Outcome::Reachable { hops, .. } | Outcome::Blocked { hops, .. } | Outcome::Unverifiable { hops, .. } => {
                hops
            }
        }
    }

    pub fn is_reachable(&self) -> bool {
        matches!(self, Outcome::Reachable { .. })
    }

    pub fn blocker(&self) -> Option<&Blocker> {
        match self {
            Outcome::Blocked { blocker, .. } => Some(blocker),
            _ => None,
        }
    }

    pub(crate) fn unseen(unseen: &Unseen, hops: Vec<Hop>) -> Outcome {
        Outcome::Unverifiable { reason: Unverifiable::Input(unseen.clone()), span: unseen.value.span, hops }
    }
}

/// All subnets of the function, some, none, or not decidable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overall {
    All,
    Some,
    None,
    Unknown,
}

impl Overall {
    pub(crate) fn of<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> Overall {
        let (mut reachable, mut blocked, mut unknown) = (0usize, 0usize, 0usize);
        for outcome in outcomes {
            match outcome {
                Outcome::Reachable { .. } => reachable += 1,
                Outcome::Blocked { .. } => blocked += 1,
                Outcome::Unverifiable { .. } => unknown += 1,
            }
        }
        match (reachable, blocked, unknown) {
            (_, 0, 0) => Overall::All,
            (0, _, 0) => Overall::None,
            (r, b, _) if r > 0 && b > 0 => Overall::Some,
            _ => Overall::Unknown,
        }
    }
}

/// An endpoint for the service that exists in the workload's VPC but that it cannot use.
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointIssue {
    pub subnet: String,
    pub endpoint: String,
    pub blocker: Blocker,
    pub hops: Vec<Hop>,
}

/// Can the workload call an AWS API, per subnet?
#[derive(Clone, Debug, PartialEq)]
pub struct ApiReport {
    pub per_subnet: Vec<(SubnetRef, Outcome)>,
    pub overall: Overall,
    /// For subnets that do not go through an endpoint: why the VPC's endpoints for the service
    /// are not used.
    pub endpoint_issues: Vec<EndpointIssue>,
}

impl ApiReport {
    pub fn reachable_subnets(&self) -> impl Iterator<Item = &SubnetRef> {
        self.per_subnet.iter().filter(|(_, o)| o.is_reachable()).map(|(s, _)| s)
    }

    /// The NAT gateways the subnets use (each once, in subnet order) and the first NAT path,
    /// when some subnet reaches the API and none does so otherwise (RL110, RL405).
    pub fn only_via_nat(&self) -> Option<(Vec<&str>, &[Hop])> {
        let mut nats: Vec<&str> = Vec::new();
        let mut first = None;
        for (_, outcome) in &self.per_subnet {
            match outcome {
                Outcome::Reachable { via: Via::Nat(nat), hops } => {
                    first.get_or_insert(hops.as_slice());
                    if !nats.contains(&nat.as_str()) {
                        nats.push(nat);
                    }
                }
                Outcome::Reachable { .. } => return None,
                _ => {}
            }
        }
        first.map(|hops| (nats, hops))
    }

    pub fn first_blocker(&self) -> Option<(&Blocker, &[Hop])> {
        self.per_subnet.iter().find_map(|(_, o)| match o {
            Outcome::Blocked { blocker, hops } => Some((blocker, hops.as_slice())),
            _ => None,
        })
    }

    pub fn first_unverifiable(&self) -> Option<(&Unverifiable, Span, &[Hop])> {
        self.per_subnet.iter().find_map(|(_, o)| match o {
            Outcome::Unverifiable { reason, span, hops } => Some((reason, *span, hops.as_slice())),
            _ => None,
        })
    }
}

/// Can the function reach its database or service, per function subnet?
#[derive(Clone, Debug, PartialEq)]
pub struct TargetReport {
    pub per_subnet: Vec<(SubnetRef, Outcome)>,
    pub overall: Overall,
    /// Reachable paths that rely on something other than a shared group (RL206).
    pub fragile: Vec<Fragile>,
}

/// The function and the target share custom security group `group`, which has no
/// self-referencing ingress for `port`; the target admits the function today through another
/// rule (`hops` ends with it), so removing that rule breaks rotation.
#[derive(Clone, Debug, PartialEq)]
pub struct Fragile {
    pub group: String,
    pub port: u16,
    pub hops: Vec<Hop>,
}

impl TargetReport {
    pub fn first_blocker(&self) -> Option<(&Blocker, &[Hop])> {
        self.per_subnet.iter().find_map(|(_, o)| match o {
            Outcome::Blocked { blocker, hops } => Some((blocker, hops.as_slice())),
            _ => None,
        })
    }
}

impl Blocker {
    /// The resource and value a user must change (the "primary location" of every finding): the written
    /// property when there is one, else the resource key.
    pub fn primary(&self, net: &Network) -> Option<(String, Span)> {
        match self {
            Blocker::EndpointNotInterface(e) => {
                let ep = net.endpoints.get(e)?;
                Some((e.clone(), ep.kind_value.as_ref().map_or(ep.meta.key_span, |v| v.span)))
            }
            Blocker::EndpointNoSubnets(e) => {
                let ep = net.endpoints.get(e)?;
                Some((e.clone(), ep.subnets_value.as_ref().map_or(ep.meta.key_span, |v| v.span)))
            }
            Blocker::PrivateDnsOff { endpoint: e, .. }
            | Blocker::EndpointWrongService { endpoint: e, .. }
            | Blocker::EndpointInOtherVpc { endpoint: e, .. } => {
                let ep = net.endpoints.get(e)?;
                let span = match self {
                    Blocker::PrivateDnsOff { .. } => ep.private_dns.span_or(ep.meta.key_span),
                    _ => ep.service.as_ref().map_or(ep.meta.key_span, |v| v.span),
                };
                Some((e.clone(), span))
            }
            Blocker::VpcDnsOff { vpc, attribute, .. } => {
                let v = net.vpcs.get(vpc)?;
                let setting = if *attribute == "EnableDnsSupport" { &v.dns_support } else { &v.dns_hostnames };
                Some((vpc.clone(), setting.span_or(v.meta.key_span)))
            }
            Blocker::EndpointSgBlocks { endpoint, groups, .. } => {
                let ep = net.endpoints.get(endpoint)?;
                match (groups.first(), &ep.security_groups_value) {
                    (Some(SgKey::Group(g)), _) => {
                        Some((g.clone(), net.security_groups.get(groups.first()?)?.meta.key_span))
                    }
                    (_, Some(v)) => Some((endpoint.clone(), v.span)),
                    _ => Some((endpoint.clone(), ep.meta.key_span)),
                }
            }
            Blocker::FunctionEgressBlocks { groups, .. } | Blocker::FunctionEgressBlocksTarget { groups, .. } => {
                let group = net.security_groups.get(groups.first()?)?;
                Some((group.meta.id.clone(), group.egress_value.as_ref().map_or(group.meta.key_span, |v| v.span)))
            }
            Blocker::TargetSgBlocks { shared: Some(group), .. } => {
                let g = net.security_groups.get(&SgKey::Group(group.clone()))?;
                Some((group.clone(), g.meta.key_span))
            }
            Blocker::TargetSgBlocks { groups, .. } | Blocker::PublicTargetSgClosed { groups, .. } => {
                let group = net.security_groups.get(groups.first()?)?;
                Some((group.meta.id.clone(), group.meta.key_span))
            }
            Blocker::NaclBlocks { nacl, entry, .. } => {
                let acl = net.nacls.get(nacl)?;
                let hit = entry.as_ref().and_then(|e| acl.entries.iter().find(|x| &x.meta.id == e && !x.implicit));
                Some(
                    hit.map_or_else(
                        || (acl.meta.id.clone(), acl.meta.key_span),
                        |x| (x.meta.id.clone(), x.meta.key_span),
                    ),
                )
            }
            Blocker::EndpointPolicyDenies { endpoint, .. } => {
                let ep = net.endpoints.get(endpoint)?;
                Some((endpoint.clone(), ep.policy.as_ref().map_or(ep.meta.key_span, |v| v.span)))
            }
            Blocker::NatNoInternet { nat, why } => nat_primary(net, nat, why),
            Blocker::PublicSubnet { route, .. }
            | Blocker::TaskWithoutPublicIp { route, .. }
            | Blocker::IgwNotAttached { route, .. } => {
                let r = net.routes.iter().find(|r| &r.meta.id == route)?;
                Some((route.clone(), r.target_span))
            }
            Blocker::GatewayNotRouted { endpoint, .. } => {
                let ep = net.endpoints.get(endpoint)?;
                Some((endpoint.clone(), ep.route_tables_value.as_ref().map_or(ep.meta.key_span, |v| v.span)))
            }
            Blocker::NoRoute { subnet, route_table } => match route_table {
                Some(t) => Some((t.clone(), net.route_tables.get(t)?.meta.key_span)),
                None => Some((subnet.clone(), net.subnets.get(subnet)?.meta.key_span)),
            },
            Blocker::DifferentVpc { function_vpc, .. } => {
                Some((function_vpc.clone(), net.vpcs.get(function_vpc)?.meta.key_span))
            }
            Blocker::PrivateTarget(PrivateWhy::NoIgwRoute { subnet }) => {
                Some((subnet.clone(), net.subnets.get(subnet)?.meta.key_span))
            }
            Blocker::PrivateTarget(PrivateWhy::NotPublic) => None,
            Blocker::PublicTargetAllowlist { rule, span, .. } => Some((rule.clone(), *span)),
        }
    }
}

/// RL103 names the NAT gateway whose placement or type must change: at its `ConnectivityType`
/// when private, else at its key (the route table, subnet or gateway to fix are on the path).
fn nat_primary(net: &Network, nat: &str, why: &NatProblem) -> Option<(String, Span)> {
    let n = net.nat_gateways.get(nat)?;
    let span = match why {
        NatProblem::Private => n.connectivity_value.as_ref().map_or(n.meta.key_span, |v| v.span),
        NatProblem::NoIgwRoute { .. } | NatProblem::IgwNotAttached { .. } | NatProblem::NoIgwAttached { .. } => {
            n.meta.key_span
        }
    };
    Some((nat.to_owned(), span))
}
