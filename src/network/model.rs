//! The VPC graph's items as plain data: every item keeps its logical id, the span of its key and
//! the values (with spans) that decide reachability, so answers can point at what to change.

use std::fmt;

use crate::source::tree::Span;
use crate::template::{Value, ValueKind};

use super::cidr::Cidr;

/// What every modelled resource carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Meta {
    pub id: String,
    pub key_span: Span,
    /// The resource's `Condition` when the evaluator could not decide it; the item is modelled
    /// as present, and every hop through it says so.
    pub condition: Option<String>,
}

/// A reference the template does not define: a parameter, an import, a literal `subnet-…` id,
/// a resource of the wrong type, or an undecided `Fn::If`.
#[derive(Clone, Debug, PartialEq)]
pub struct Unseen {
    pub value: Value,
    /// What the value should have named, e.g. "subnet", "security group".
    pub what: &'static str,
}

/// A resolved reference: an item of this template or an input the template cannot show.
#[derive(Clone, Debug, PartialEq)]
pub enum Link<K> {
    Known(K),
    Unseen(Unseen),
}

impl<K> Link<K> {
    pub fn known(&self) -> Option<&K> {
        match self {
            Link::Known(k) => Some(k),
            Link::Unseen(_) => None,
        }
    }
}

/// A list property: its items, or the whole value when the list itself is not known.
#[derive(Clone, Debug, PartialEq)]
pub enum Items<T> {
    Known(Vec<T>),
    Unseen(Unseen),
}

/// A boolean property with its CloudFormation default.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    /// `None` when the value cannot be known (parameter without default, undecided `Fn::If`).
    pub value: Option<bool>,
    /// The value as written; `None` means the default applies.
    pub written: Option<Value>,
}

impl Setting {
    /// The span to point at: the written value, else the resource key.
    pub fn span_or(&self, key_span: Span) -> Span {
        self.written.as_ref().map_or(key_span, |v| v.span)
    }
}

/// An IPv4 block as written in a property.
#[derive(Clone, Debug, PartialEq)]
pub enum CidrSpec {
    Known(Cidr),
    /// `GetAtt Vpc.CidrBlock` whose VPC block is itself not known.
    VpcPrimary(String),
    /// IPv6; never carries the IPv4 traffic rotation uses.
    V6(String),
    Unknown(Value),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Vpc {
    pub meta: Meta,
    /// `CidrBlock`; `None` when omitted (IPAM pool) or unknown.
    pub cidr: Option<Cidr>,
    pub cidr_value: Option<Value>,
    /// `AWS::EC2::VPCCidrBlock` additions (IPv4 ones; `None` when unknown).
    pub extra_cidrs: Vec<(String, Option<Cidr>)>,
    /// Default true.
    pub dns_support: Setting,
    /// Default false for a template-created VPC.
    pub dns_hostnames: Setting,
    pub tenancy: Option<Value>,
    /// A `VPCDHCPOptionsAssociation` points the VPC at other resolvers, so DNS answers are unknown.
    pub custom_dhcp: Option<String>,
}

impl Vpc {
    /// Every IPv4 block of the VPC, or `None` when one of them is unknown.
    pub fn known_cidrs(&self) -> Option<Vec<Cidr>> {
        let mut all = vec![self.cidr?];
        for (_, extra) in &self.extra_cidrs {
            all.push((*extra)?);
        }
        Some(all)
    }
}

/// Which route table a subnet uses.
#[derive(Clone, Debug, PartialEq)]
pub enum TableChoice {
    /// No association: the VPC's main table, which plain CloudFormation cannot change (local only).
    Main,
    Table {
        table: String,
        association: Meta,
    },
    Unseen {
        association: Meta,
        unseen: Unseen,
    },
}

/// Which network ACL a subnet uses.
#[derive(Clone, Debug, PartialEq)]
pub enum AclChoice {
    /// No association: the VPC's default ACL.
    Default,
    Acl {
        acl: NaclKey,
        association: Meta,
    },
    Unseen {
        association: Meta,
        unseen: Unseen,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Subnet {
    pub meta: Meta,
    pub vpc: Link<String>,
    pub cidr: Option<CidrSpec>,
    pub route_table: TableChoice,
    pub acl: AclChoice,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RouteTable {
    pub meta: Meta,
    pub vpc: Link<String>,
    /// Indexes into [`super::Network::routes`], in declaration order.
    pub routes: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Destination {
    V4(Cidr),
    V6(String),
    PrefixList(Value),
    Unknown(Value),
}

impl Destination {
    /// The destination as written, for messages ("10.1.0.0/16", "::/0").
    pub fn label(&self) -> String {
        match self {
            Destination::V4(c) => c.to_string(),
            Destination::V6(s) => s.clone(),
            Destination::PrefixList(v) => format!("prefix list {}", v.display()),
            Destination::Unknown(v) => v.display(),
        }
    }

    /// `::/0`: the IPv6 default route.
    pub fn is_v6_default(&self) -> bool {
        matches!(self, Destination::V6(s) if s.trim().ends_with("/0"))
    }
}

/// Where a route sends traffic; one variant per `AWS::EC2::Route` target property.
#[derive(Clone, Debug, PartialEq)]
pub enum RouteTarget {
    InternetGateway(String),
    VpnGateway(String),
    NatGateway(String),
    /// `NatGatewayId`/`GatewayId` naming something the template does not define.
    Unseen(Unseen),
    NatInstance(Value),
    TransitGateway(Value),
    VpcPeering(Value),
    NetworkInterface(Value),
    GatewayLoadBalancerEndpoint(Value),
    EgressOnlyInternetGateway(Value),
    CarrierGateway(Value),
    LocalGateway(Value),
    CoreNetwork(Value),
    /// No target property at all (the stack would fail).
    Missing,
}

impl RouteTarget {
    /// Words for messages, e.g. "transit gateway".
    pub fn kind(&self) -> &'static str {
        match self {
            RouteTarget::InternetGateway(_) => "internet gateway",
            RouteTarget::VpnGateway(_) => "virtual private gateway",
            RouteTarget::NatGateway(_) => "NAT gateway",
            RouteTarget::Unseen(u) => u.what,
            RouteTarget::NatInstance(_) => "NAT instance",
            RouteTarget::TransitGateway(_) => "transit gateway",
            RouteTarget::VpcPeering(_) => "VPC peering connection",
            RouteTarget::NetworkInterface(_) => "network interface",
            RouteTarget::GatewayLoadBalancerEndpoint(_) => "Gateway Load Balancer endpoint",
            RouteTarget::EgressOnlyInternetGateway(_) => "egress-only internet gateway",
            RouteTarget::CarrierGateway(_) => "carrier gateway",
            RouteTarget::LocalGateway(_) => "local gateway",
            RouteTarget::CoreNetwork(_) => "Cloud WAN core network",
            RouteTarget::Missing => "nothing",
        }
    }

    /// The target as written or its logical id, for messages.
    pub fn name(&self) -> String {
        match self {
            RouteTarget::InternetGateway(id) | RouteTarget::VpnGateway(id) | RouteTarget::NatGateway(id) => id.clone(),
            RouteTarget::Unseen(u) => u.value.display(),
            RouteTarget::NatInstance(v)
            | RouteTarget::TransitGateway(v)
            | RouteTarget::VpcPeering(v)
            | RouteTarget::NetworkInterface(v)
            | RouteTarget::GatewayLoadBalancerEndpoint(v)
            | RouteTarget::EgressOnlyInternetGateway(v)
            | RouteTarget::CarrierGateway(v)
            | RouteTarget::LocalGateway(v)
            | RouteTarget::CoreNetwork(v) => match &v.kind {
                // A resource of the template: its logical id, not `${Id}`.
                ValueKind::Ref(id) | ValueKind::GetAtt { resource: id, .. } => id.clone(),
                _ => v.display(),
            },
            RouteTarget::Missing => String::new(),
        }
    }

    /// Does the route lead towards another VPC or network (peering, transit, VPN, Cloud WAN)?
    pub fn crosses_networks(&self) -> bool {
        matches!(
            self,
            RouteTarget::TransitGateway(_)
                | RouteTarget::VpcPeering(_)
                | RouteTarget::VpnGateway(_)
                | RouteTarget::CoreNetwork(_)
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub meta: Meta,
    pub table: String,
    pub destination: Destination,
    pub destination_span: Span,
    pub target: RouteTarget,
    pub target_span: Span,
}

/// An `InternetGateway` or `VPNGateway` attached by `VPCGatewayAttachment`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    pub meta: Meta,
    pub gateway: String,
    pub vpc: Link<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Connectivity {
    Public,
    Private,
    Unknown(Value),
}

#[derive(Clone, Debug, PartialEq)]
pub struct NatGateway {
    pub meta: Meta,
    /// Default public.
    pub connectivity: Connectivity,
    pub connectivity_value: Option<Value>,
    /// `AvailabilityMode: regional` (default zonal); `None` when unknown.
    pub regional: Option<bool>,
    pub mode_value: Option<Value>,
    pub subnet: Option<Link<String>>,
    pub vpc: Option<Link<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EndpointKind {
    Interface,
    Gateway,
    GatewayLoadBalancer,
    Other(String),
    Unknown(Value),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    pub meta: Meta,
    pub service: Option<Value>,
    pub vpc: Link<String>,
    /// Default Gateway.
    pub kind: EndpointKind,
    pub kind_value: Option<Value>,
    /// Default false in CloudFormation.
    pub private_dns: Setting,
    /// `DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint` as written (S3: `OnlyInboundResolver`
    /// sends the VPC's own traffic to the gateway endpoint).
    pub inbound_only: Option<Value>,
    pub subnets: Items<Link<String>>,
    pub subnets_value: Option<Value>,
    /// `None`: omitted, so the VPC's default security group.
    pub security_groups: Option<Items<Link<SgKey>>>,
    pub security_groups_value: Option<Value>,
    pub policy: Option<Value>,
    /// `RouteTableIds` of a gateway endpoint: the tables that get the service's prefix-list
    /// route (omitted: none).
    pub route_tables: Items<Link<String>>,
    pub route_tables_value: Option<Value>,
}

/// A security group: one the template declares, or the default group every VPC has.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SgKey {
    Group(String),
    VpcDefault(String),
}

impl SgKey {
    /// The logical id the group belongs to (the VPC for a default group).
    pub fn resource(&self) -> &str {
        match self {
            SgKey::Group(id) | SgKey::VpcDefault(id) => id,
        }
    }
}

impl fmt::Display for SgKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SgKey::Group(id) => f.write_str(id),
            SgKey::VpcDefault(vpc) => write!(f, "{vpc}.DefaultSecurityGroup"),
        }
    }
}

/// A network ACL: one the template declares, or the default ACL every VPC has.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NaclKey {
    Acl(String),
    VpcDefault(String),
}

impl NaclKey {
    pub fn resource(&self) -> &str {
        match self {
            NaclKey::Acl(id) | NaclKey::VpcDefault(id) => id,
        }
    }
}

impl fmt::Display for NaclKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NaclKey::Acl(id) => f.write_str(id),
            NaclKey::VpcDefault(vpc) => write!(f, "{vpc}.DefaultNetworkAcl"),
        }
    }
}

/// `IpProtocol` / `Protocol`.
#[derive(Clone, Debug, PartialEq)]
pub enum Protocol {
    All,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    /// Another IP protocol number: all its ports, but never TCP.
    Number(u8),
    Unknown(Value),
}

/// A port range; `All` for `-1` or a protocol without ports.
#[derive(Clone, Debug, PartialEq)]
pub enum Ports {
    All,
    Range(u16, u16),
    Unknown(Value),
}

/// The other side of a security group rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Peer {
    Cidr(CidrSpec),
    Group(Link<SgKey>),
    PrefixList(Value),
    Unknown(Value),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SgRule {
    /// The security group's logical id for inline rules, the rule resource's for standalone ones.
    pub resource: String,
    /// The rule item, the standalone resource's key, or the group key for implicit rules.
    pub span: Span,
    pub protocol: Protocol,
    pub ports: Ports,
    pub peer: Peer,
    /// Added by AWS, not written: default egress, the default group's self rule.
    pub implicit: bool,
    pub condition: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SecurityGroup {
    pub key: SgKey,
    /// For a default group: the VPC's meta.
    pub meta: Meta,
    pub vpc: Option<Link<String>>,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
    /// The inline `SecurityGroupEgress` value; its absence keeps the allow-all default.
    pub egress_value: Option<Value>,
}

impl SecurityGroup {
    pub fn is_default(&self) -> bool {
        matches!(self.key, SgKey::VpcDefault(_))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NaclEntry {
    pub meta: Meta,
    /// `None` when unknown: the entry's place in the order is then unknown too.
    pub rule_number: Option<u32>,
    /// Default false (ingress); `None` when unknown.
    pub egress: Option<bool>,
    pub protocol: Protocol,
    pub ports: Ports,
    /// `None` when unknown.
    pub allow: Option<bool>,
    pub cidr: CidrSpec,
    pub implicit: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Nacl {
    pub key: NaclKey,
    pub meta: Meta,
    pub vpc: Option<Link<String>>,
    /// Sorted by rule number, unknown numbers first.
    pub entries: Vec<NaclEntry>,
}
