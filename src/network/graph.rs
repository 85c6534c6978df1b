//! [`Network`]: the VPC graph of one template, built in two linear passes over the resources
//! (first the items, then everything that attaches to them), with every reference resolved to a
//! logical id of this template or kept as an [`Unseen`] input.

use std::collections::BTreeMap;

use crate::source::tree::Span;
use crate::template::{Evaluator, Resource, Value, ValueKind};

use super::cidr::Cidr;
use super::model::{
    AclChoice, Attachment, CidrSpec, Connectivity, Destination, Endpoint, Items, Link, Meta, Nacl, NaclKey, NatGateway,
    Route, RouteTable, RouteTarget, SecurityGroup, Setting, SgKey, Subnet, TableChoice, Unseen, Vpc,
};
use super::refs::{Kind, Kinds};
use super::{endpoints, nacl, security_groups};

/// The network resources of one template (one evaluation scenario), keyed by logical id.
#[derive(Clone, Debug, Default)]
pub struct Network {
    pub vpcs: BTreeMap<String, Vpc>,
    pub subnets: BTreeMap<String, Subnet>,
    pub route_tables: BTreeMap<String, RouteTable>,
    /// Every route whose table is in [`Network::route_tables`]; tables index into this.
    pub routes: Vec<Route>,
    pub internet_gateways: BTreeMap<String, Meta>,
    pub vpn_gateways: BTreeMap<String, Meta>,
    /// `VPCGatewayAttachment`s of internet and VPN gateways.
    pub attachments: Vec<Attachment>,
    pub nat_gateways: BTreeMap<String, NatGateway>,
    pub endpoints: BTreeMap<String, Endpoint>,
    /// Declared groups and one default group per VPC.
    pub security_groups: BTreeMap<SgKey, SecurityGroup>,
    /// Declared ACLs and one default ACL per VPC.
    pub nacls: BTreeMap<NaclKey, Nacl>,
    pub(crate) kinds: Kinds,
}

/// A resource that exists in this scenario, with its undecided condition if any.
pub(crate) struct Present<'t> {
    pub res: &'t Resource,
    pub meta: Meta,
}

/// Shared state of one build.
pub(crate) struct Ctx<'e, 't> {
    pub ev: &'e Evaluator<'t>,
    pub kinds: Kinds,
}

impl Ctx<'_, '_> {
    /// The evaluated property, `None` when absent or `AWS::NoValue`.
    pub fn prop(&self, res: &Resource, path: &str) -> Option<Value> {
        self.ev.property(res, path).filter(|v| !v.is_no_value())
    }

    pub fn link(&self, res: &Resource, path: &str, kind: Kind, what: &'static str) -> Option<Link<String>> {
        self.prop(res, path).map(|v| self.kinds.link(&v, kind, what))
    }

    pub fn setting(&self, res: &Resource, path: &str, default: bool) -> Setting {
        match self.prop(res, path) {
            None => Setting { value: Some(default), written: None },
            Some(v) => Setting { value: v.as_bool(), written: Some(v) },
        }
    }
}

impl Network {
    /// Reads every network resource through the evaluator, so parameters, conditions and SAM
    /// are applied. Resources whose condition is false are left out; undecided ones are kept
    /// and marked ([`Meta::condition`]).
    pub fn build(ev: &Evaluator) -> Network {
        let template = ev.template();
        let present: Vec<Present> = template
            .resources
            .iter()
            .filter_map(|res| {
                let condition = match ev.resource_exists(res) {
                    Some(false) => return None,
                    Some(true) => None,
                    None => res.condition.as_ref().map(|(name, _)| name.clone()),
                };
                let meta = Meta { id: res.logical_id.clone(), key_span: res.key_span, condition };
                Some(Present { res, meta })
            })
            .collect();
        let mut kinds = Kinds::default();
        for p in &present {
            match Kind::of(&p.res.type_name) {
                Kind::Other => {}
                kind => kinds.insert(&p.meta.id, kind),
            }
        }
        let ctx = Ctx { ev, kinds };
        let mut net = Network::default();
        for readers in [ITEMS, ATTACHMENTS] {
            for p in &present {
                if let Some((_, read)) = readers.iter().find(|(t, _)| *t == p.res.type_name) {
                    read(&mut net, &ctx, p);
                }
            }
        }
        nacl::sort_entries(&mut net);
        net.kinds = ctx.kinds;
        net
    }

    /// Every resource type the graph reads. Condition scenarios vary exactly the conditions of
    /// these (and of the rotation resources), so nothing the graph reads escapes them.
    pub fn read_types() -> impl Iterator<Item = &'static str> {
        ITEMS.iter().chain(ATTACHMENTS).map(|(t, _)| *t)
    }

    fn add_route_table(&mut self, ctx: &Ctx, p: &Present) {
        let meta = p.meta.clone();
        let vpc = ctx.link(p.res, "VpcId", Kind::Vpc, "VPC").unwrap_or_else(|| missing(p.res, "VPC"));
        self.route_tables.insert(meta.id.clone(), RouteTable { meta, vpc, routes: Vec::new() });
    }

    fn add_nacl(&mut self, ctx: &Ctx, p: &Present) {
        let meta = p.meta.clone();
        let vpc = ctx.link(p.res, "VpcId", Kind::Vpc, "VPC");
        let key = NaclKey::Acl(meta.id.clone());
        self.nacls.insert(key.clone(), Nacl { key, meta, vpc, entries: Vec::new() });
    }

    fn add_dhcp_association(&mut self, ctx: &Ctx, p: &Present) {
        if let Some(Link::Known(vpc)) = ctx.link(p.res, "VpcId", Kind::Vpc, "VPC")
            && let Some(v) = self.vpcs.get_mut(&vpc)
        {
            v.custom_dhcp.get_or_insert(p.meta.id.clone());
        }
    }

    fn add_vpc(&mut self, ctx: &Ctx, res: &Resource, meta: Meta) {
        let cidr_value = ctx.prop(res, "CidrBlock");
        let vpc = Vpc {
            cidr: cidr_value.as_ref().and_then(|v| v.as_str()).and_then(Cidr::parse),
            cidr_value,
            extra_cidrs: Vec::new(),
            dns_support: ctx.setting(res, "EnableDnsSupport", true),
            dns_hostnames: ctx.setting(res, "EnableDnsHostnames", false),
            tenancy: ctx.prop(res, "InstanceTenancy"),
            custom_dhcp: None,
            meta,
        };
        let id = vpc.meta.id.clone();
        self.security_groups.insert(SgKey::VpcDefault(id.clone()), security_groups::vpc_default(&vpc.meta));
        self.nacls.insert(NaclKey::VpcDefault(id.clone()), nacl::vpc_default(&vpc.meta));
        self.vpcs.insert(id, vpc);
    }

    fn add_subnet(&mut self, ctx: &Ctx, res: &Resource, meta: Meta) {
        let vpc = ctx.link(res, "VpcId", Kind::Vpc, "VPC").unwrap_or_else(|| missing(res, "VPC"));
        let cidr = ctx.prop(res, "CidrBlock").map(|v| cidr_spec(&v));
        let subnet = Subnet { meta, vpc, cidr, route_table: TableChoice::Main, acl: AclChoice::Default };
        self.subnets.insert(subnet.meta.id.clone(), subnet);
    }

    fn add_nat(&mut self, ctx: &Ctx, res: &Resource, meta: Meta) {
        let connectivity_value = ctx.prop(res, "ConnectivityType");
        let connectivity = match &connectivity_value {
            None => Connectivity::Public,
            Some(v) => match v.as_str().map(str::to_ascii_lowercase).as_deref() {
                Some("public") => Connectivity::Public,
                Some("private") => Connectivity::Private,
                _ => Connectivity::Unknown(v.clone()),
            },
        };
        let mode_value = ctx.prop(res, "AvailabilityMode");
        let regional = match &mode_value {
            None => Some(false),
            Some(v) => match v.as_str().map(str::to_ascii_lowercase).as_deref() {
                Some("regional") => Some(true),
                Some("zonal") => Some(false),
                _ => None,
            },
        };
        let nat = NatGateway {
            connectivity,
            connectivity_value,
            regional,
            mode_value,
            subnet: ctx.link(res, "SubnetId", Kind::Subnet, "subnet"),
            vpc: ctx.link(res, "VpcId", Kind::Vpc, "VPC"),
            meta,
        };
        self.nat_gateways.insert(nat.meta.id.clone(), nat);
    }

    fn add_vpc_cidr(&mut self, ctx: &Ctx, res: &Resource, meta: Meta) {
        let Some(Link::Known(vpc)) = ctx.link(res, "VpcId", Kind::Vpc, "VPC") else {
            return;
        };
        // IPv6 blocks (`AmazonProvidedIpv6CidrBlock`, `Ipv6CidrBlock`) do not carry IPv4 traffic.
        let Some(value) = ctx.prop(res, "CidrBlock").or_else(|| ctx.prop(res, "Ipv4IpamPoolId")) else {
            return;
        };
        if let Some(v) = self.vpcs.get_mut(&vpc) {
            v.extra_cidrs.push((meta.id, value.as_str().and_then(Cidr::parse)));
        }
    }

    fn add_table_association(&mut self, ctx: &Ctx, res: &Resource, meta: Meta) {
        let Some(Link::Known(subnet)) = ctx.link(res, "SubnetId", Kind::Subnet, "subnet") else {
            return;
        };
        let table = ctx
            .link(res, "RouteTableId", Kind::RouteTable, "route table")
            .unwrap_or_else(|| missing(res, "route table"));
        let Some(s) = self.subnets.get_mut(&subnet) else {
            return;
        };
        // A second association for one subnet fails to deploy; the first one is what a reader sees.
        if !matches!(s.route_table, TableChoice::Main) {
            return;
        }
        s.route_table = match table {
            Link::Known(table) => TableChoice::Table { table, association: meta },
            Link::Unseen(unseen) => TableChoice::Unseen { association: meta, unseen },
        };
    }

    fn add_acl_association(&mut self, ctx: &Ctx, res: &Resource, meta: Meta) {
        let Some(Link::Known(subnet)) = ctx.link(res, "SubnetId", Kind::Subnet, "subnet") else {
            return;
        };
        let acl = match ctx.prop(res, "NetworkAclId") {
            Some(v) => ctx.kinds.nacl(&v),
            None => missing(res, "network ACL"),
        };
        let Some(s) = self.subnets.get_mut(&subnet) else {
            return;
        };
        if !matches!(s.acl, AclChoice::Default) {
            return;
        }
        s.acl = match acl {
            Link::Known(acl) => AclChoice::Acl { acl, association: meta },
            Link::Unseen(unseen) => AclChoice::Unseen { association: meta, unseen },
        };
    }

    fn add_route(&mut self, ctx: &Ctx, res: &Resource, meta: Meta) {
        let Some(Link::Known(table)) = ctx.link(res, "RouteTableId", Kind::RouteTable, "route table") else {
            return;
        };
        let Some((destination, destination_span)) = route_destination(ctx, res) else {
            return;
        };
        let (target, target_span) = route_target(ctx, res).unwrap_or((RouteTarget::Missing, meta.key_span));
        let index = self.routes.len();
        let Some(t) = self.route_tables.get_mut(&table) else {
            return;
        };
        t.routes.push(index);
        self.routes.push(Route { meta, table, destination, destination_span, target, target_span });
    }

    fn add_gateway_attachment(&mut self, ctx: &Ctx, res: &Resource, meta: Meta) {
        let vpc = ctx.link(res, "VpcId", Kind::Vpc, "VPC").unwrap_or_else(|| missing(res, "VPC"));
        let gateway = ctx
            .link(res, "InternetGatewayId", Kind::InternetGateway, "internet gateway")
            .or_else(|| ctx.link(res, "VpnGatewayId", Kind::VpnGateway, "VPN gateway"));
        if let Some(Link::Known(gateway)) = gateway {
            self.attachments.push(Attachment { meta, gateway, vpc });
        }
    }

    /// The logical id → kind index of the present network resources.
    pub fn kind_of(&self, id: &str) -> Option<Kind> {
        self.kinds.get(id)
    }

    /// Resolves a subnet reference (`Ref`, `GetAtt X.SubnetId`).
    pub fn resolve_subnet(&self, value: &Value) -> Link<String> {
        self.kinds.link(value, Kind::Subnet, "subnet")
    }

    /// Resolves a security group reference (`Ref`, `GetAtt X.GroupId`,
    /// `GetAtt Vpc.DefaultSecurityGroup`).
    pub fn resolve_sg(&self, value: &Value) -> Link<SgKey> {
        self.kinds.sg(value)
    }

    pub fn resolve_vpc(&self, value: &Value) -> Link<String> {
        self.kinds.link(value, Kind::Vpc, "VPC")
    }

    /// The VPC a reference to `VPC.DefaultSecurityGroup` names, if it is one.
    pub fn is_default_sg(&self, value: &Value) -> Option<String> {
        match self.resolve_sg(value) {
            Link::Known(SgKey::VpcDefault(vpc)) => Some(vpc),
            _ => None,
        }
    }

    pub fn vpc_of_subnet(&self, subnet: &str) -> Option<&str> {
        self.subnets.get(subnet)?.vpc.known().map(String::as_str)
    }

    /// The subnet's IPv4 block when written literally (or `GetAtt Vpc.CidrBlock` of a known VPC).
    pub fn subnet_cidr(&self, subnet: &str) -> Option<Cidr> {
        match self.subnets.get(subnet)?.cidr.as_ref()? {
            CidrSpec::Known(c) => Some(*c),
            CidrSpec::VpcPrimary(vpc) => self.vpcs.get(vpc)?.cidr,
            CidrSpec::V6(_) | CidrSpec::Unknown(_) => None,
        }
    }

    /// The first internet gateway attached to the VPC, with its attachment.
    pub fn igw_attached(&self, vpc: &str) -> Option<&Attachment> {
        self.attachments
            .iter()
            .find(|a| self.internet_gateways.contains_key(&a.gateway) && a.vpc.known().is_some_and(|v| v == vpc))
    }

    /// Is this internet gateway attached to this VPC?
    pub fn igw_attached_to(&self, igw: &str, vpc: &str) -> Option<&Attachment> {
        self.attachments.iter().find(|a| a.gateway == igw && a.vpc.known().is_some_and(|v| v == vpc))
    }

    /// Endpoints in the VPC whose service name matches `service` (e.g. "secretsmanager") for
    /// sure (see [`Endpoint::service_matches`]).
    pub fn endpoints_for_service<'n>(
        &'n self,
        vpc: &'n str,
        service: &'n str,
    ) -> impl Iterator<Item = &'n Endpoint> + 'n {
        self.endpoints
            .values()
            .filter(move |e| e.vpc.known().is_some_and(|v| v == vpc) && e.service_matches(service) == Some(true))
    }

    /// The security groups of an endpoint: declared, or the VPC default group when omitted.
    pub fn endpoint_groups(&self, endpoint: &Endpoint) -> Items<Link<SgKey>> {
        match (&endpoint.security_groups, &endpoint.vpc) {
            (Some(groups), _) => groups.clone(),
            (None, Link::Known(vpc)) => Items::Known(vec![Link::Known(SgKey::VpcDefault(vpc.clone()))]),
            (None, Link::Unseen(unseen)) => Items::Unseen(unseen.clone()),
        }
    }
}

/// An unresolvable stand-in for a required property that is absent (the stack would fail).
/// How the graph reads one resource of a given type.
type Reader = fn(&mut Network, &Ctx, &Present);

/// First pass: the items everything else attaches to.
const ITEMS: &[(&str, Reader)] = &[
    ("AWS::EC2::VPC", |n, c, p| n.add_vpc(c, p.res, p.meta.clone())),
    ("AWS::EC2::Subnet", |n, c, p| n.add_subnet(c, p.res, p.meta.clone())),
    ("AWS::EC2::RouteTable", Network::add_route_table),
    ("AWS::EC2::InternetGateway", |n, _, p| {
        n.internet_gateways.insert(p.meta.id.clone(), p.meta.clone());
    }),
    ("AWS::EC2::VPNGateway", |n, _, p| {
        n.vpn_gateways.insert(p.meta.id.clone(), p.meta.clone());
    }),
    ("AWS::EC2::NatGateway", |n, c, p| n.add_nat(c, p.res, p.meta.clone())),
    ("AWS::EC2::VPCEndpoint", |n, c, p| {
        let endpoint = endpoints::build(c, p.res, p.meta.clone());
        n.endpoints.insert(endpoint.meta.id.clone(), endpoint);
    }),
    ("AWS::EC2::SecurityGroup", |n, c, p| {
        let group = security_groups::build(c, p.res, p.meta.clone());
        n.security_groups.insert(group.key.clone(), group);
    }),
    ("AWS::EC2::NetworkAcl", Network::add_nacl),
];

/// Second pass: what attaches to the items.
const ATTACHMENTS: &[(&str, Reader)] = &[
    ("AWS::EC2::VPCCidrBlock", |n, c, p| n.add_vpc_cidr(c, p.res, p.meta.clone())),
    ("AWS::EC2::SubnetRouteTableAssociation", |n, c, p| n.add_table_association(c, p.res, p.meta.clone())),
    ("AWS::EC2::SubnetNetworkAclAssociation", |n, c, p| n.add_acl_association(c, p.res, p.meta.clone())),
    ("AWS::EC2::Route", |n, c, p| n.add_route(c, p.res, p.meta.clone())),
    ("AWS::EC2::VPCGatewayAttachment", |n, c, p| n.add_gateway_attachment(c, p.res, p.meta.clone())),
    ("AWS::EC2::VPCDHCPOptionsAssociation", Network::add_dhcp_association),
    ("AWS::EC2::SecurityGroupIngress", |n, c, p| security_groups::add_standalone(n, c, p.res, p.meta.clone(), false)),
    ("AWS::EC2::SecurityGroupEgress", |n, c, p| security_groups::add_standalone(n, c, p.res, p.meta.clone(), true)),
    ("AWS::EC2::NetworkAclEntry", |n, c, p| nacl::add_entry(n, c, p.res, p.meta.clone())),
];

fn missing<K>(res: &Resource, what: &'static str) -> Link<K> {
    let value = Value::unknown(format!("`{}` does not say which {what}", res.logical_id), res.key_span);
    Link::Unseen(Unseen { value, what })
}

pub(crate) fn cidr_spec(value: &Value) -> CidrSpec {
    if let ValueKind::GetAtt { resource, attribute } = &value.kind
        && attribute == "CidrBlock"
    {
        return CidrSpec::VpcPrimary(resource.clone());
    }
    match value.as_str() {
        Some(text) if text.contains(':') => CidrSpec::V6(text.to_owned()),
        Some(text) => Cidr::parse(text).map_or_else(|| CidrSpec::Unknown(value.clone()), CidrSpec::Known),
        None => CidrSpec::Unknown(value.clone()),
    }
}

fn route_destination(ctx: &Ctx, res: &Resource) -> Option<(Destination, Span)> {
    if let Some(v) = ctx.prop(res, "DestinationCidrBlock") {
        let dest = match v.as_str().and_then(Cidr::parse) {
            Some(c) => Destination::V4(c),
            None => Destination::Unknown(v.clone()),
        };
        return Some((dest, v.span));
    }
    if let Some(v) = ctx.prop(res, "DestinationIpv6CidrBlock") {
        return Some((Destination::V6(v.display()), v.span));
    }
    ctx.prop(res, "DestinationPrefixListId").map(|v| (Destination::PrefixList(v.clone()), v.span))
}

type MakeTarget = fn(Value) -> RouteTarget;

/// The first target property present (a route has exactly one).
fn route_target(ctx: &Ctx, res: &Resource) -> Option<(RouteTarget, Span)> {
    if let Some(v) = ctx.prop(res, "GatewayId") {
        let target = if let Link::Known(id) = ctx.kinds.link(&v, Kind::InternetGateway, "internet gateway") {
            RouteTarget::InternetGateway(id)
        } else if let Link::Known(id) = ctx.kinds.link(&v, Kind::VpnGateway, "VPN gateway") {
            RouteTarget::VpnGateway(id)
        } else {
            RouteTarget::Unseen(Unseen { value: v.clone(), what: "gateway" })
        };
        return Some((target, v.span));
    }
    if let Some(v) = ctx.prop(res, "NatGatewayId") {
        let target = match ctx.kinds.link(&v, Kind::NatGateway, "NAT gateway") {
            Link::Known(id) => RouteTarget::NatGateway(id),
            Link::Unseen(unseen) => RouteTarget::Unseen(unseen),
        };
        return Some((target, v.span));
    }
    let others: [(&str, MakeTarget); 9] = [
        ("TransitGatewayId", RouteTarget::TransitGateway),
        ("VpcPeeringConnectionId", RouteTarget::VpcPeering),
        ("InstanceId", RouteTarget::NatInstance),
        ("NetworkInterfaceId", RouteTarget::NetworkInterface),
        ("VpcEndpointId", RouteTarget::GatewayLoadBalancerEndpoint),
        ("EgressOnlyInternetGatewayId", RouteTarget::EgressOnlyInternetGateway),
        ("CarrierGatewayId", RouteTarget::CarrierGateway),
        ("LocalGatewayId", RouteTarget::LocalGateway),
        ("CoreNetworkArn", RouteTarget::CoreNetwork),
    ];
    others.into_iter().find_map(|(name, make)| ctx.prop(res, name).map(|v| (make(v.clone()), v.span)))
}
