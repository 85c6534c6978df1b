//! Security groups: inline and standalone rules with AWS's implicit ones (default egress, the
//! default group's self rule), and the one question asked of them: is tcp/<port> admitted
//! between these groups and addresses?

use crate::source::tree::Span;
use crate::template::{Resource, Value};

use super::Network;
use super::graph::{Ctx, cidr_spec};
use super::model::{CidrSpec, Link, Meta, Peer, Ports, Protocol, SecurityGroup, SgKey, SgRule, Unseen};
use super::outcome::Unverifiable;
use super::ranges::{Range, Rel};
use super::refs::{Kind, list_items};

pub(crate) fn build(ctx: &Ctx, res: &Resource, meta: Meta) -> SecurityGroup {
    let key = SgKey::Group(meta.id.clone());
    let mut group = SecurityGroup {
        key,
        vpc: ctx.link(res, "VpcId", Kind::Vpc, "VPC"),
        ingress: Vec::new(),
        egress: Vec::new(),
        egress_value: ctx.prop(res, "SecurityGroupEgress"),
        meta,
    };
    if let Some(value) = ctx.prop(res, "SecurityGroupIngress") {
        group.ingress = inline_rules(ctx, &group.meta, &value, false);
    }
    group.egress = match &group.egress_value {
        Some(value) => inline_rules(ctx, &group.meta, value, true),
        None => Vec::new(),
    };
    // AWS adds allow-all egress only when no egress rule is given at creation.
    let has_inline_egress = group.egress_value.is_some() && !group.egress.is_empty();
    if !has_inline_egress {
        group.egress.push(allow_all(&group.meta, Peer::Cidr(CidrSpec::Known(super::cidr::Cidr::ANY))));
    }
    group
}

/// The default group of a VPC: all traffic from its own members, all traffic out.
pub(crate) fn vpc_default(vpc: &Meta) -> SecurityGroup {
    let key = SgKey::VpcDefault(vpc.id.clone());
    let self_rule = allow_all(vpc, Peer::Group(Link::Known(key.clone())));
    let egress = allow_all(vpc, Peer::Cidr(CidrSpec::Known(super::cidr::Cidr::ANY)));
    SecurityGroup {
        key,
        meta: vpc.clone(),
        vpc: Some(Link::Known(vpc.id.clone())),
        ingress: vec![self_rule],
        egress: vec![egress],
        egress_value: None,
    }
}

fn allow_all(meta: &Meta, peer: Peer) -> SgRule {
    SgRule {
        resource: meta.id.clone(),
        span: meta.key_span,
        protocol: Protocol::All,
        ports: Ports::All,
        peer,
        implicit: true,
        condition: meta.condition.clone(),
    }
}

/// A standalone `SecurityGroupIngress`/`SecurityGroupEgress`: additive, so it never removes the
/// group's default egress.
pub(crate) fn add_standalone(net: &mut Network, ctx: &Ctx, res: &Resource, meta: Meta, egress: bool) {
    let group = ctx.prop(res, "GroupId").or_else(|| ctx.prop(res, "GroupName"));
    let Some(Link::Known(key)) = group.map(|v| ctx.kinds.sg(&v)) else {
        return;
    };
    let Some(properties) = ctx.prop(res, "") else {
        return;
    };
    let Some(rule) = parse_rule(ctx, &meta.id, meta.key_span, meta.condition.clone(), &properties, egress) else {
        return;
    };
    let Some(group) = net.security_groups.get_mut(&key) else {
        return;
    };
    if egress { group.egress.push(rule) } else { group.ingress.push(rule) }
}

fn inline_rules(ctx: &Ctx, meta: &Meta, value: &Value, egress: bool) -> Vec<SgRule> {
    let items = match list_items(value) {
        Ok(items) => items,
        Err(whole) => return vec![unknown_rule(meta, &whole)],
    };
    items
        .iter()
        .filter_map(|item| match item.as_map() {
            Some(_) => parse_rule(ctx, &meta.id, item.span, meta.condition.clone(), item, egress),
            None => Some(unknown_rule(meta, item)),
        })
        .collect()
}

/// A rule whose content is not known (a parameter, an undecided `Fn::If`): every check through
/// it is unverifiable.
fn unknown_rule(meta: &Meta, value: &Value) -> SgRule {
    SgRule {
        resource: meta.id.clone(),
        span: value.span,
        protocol: Protocol::Unknown(value.clone()),
        ports: Ports::Unknown(value.clone()),
        peer: Peer::Unknown(value.clone()),
        implicit: false,
        condition: meta.condition.clone(),
    }
}

fn field<'v>(item: &'v Value, key: &str) -> Option<&'v Value> {
    item.get(key).filter(|v| !v.is_no_value())
}

/// `None` when the rule names no peer: CloudFormation then creates nothing.
fn parse_rule(
    ctx: &Ctx,
    resource: &str,
    span: Span,
    condition: Option<String>,
    item: &Value,
    egress: bool,
) -> Option<SgRule> {
    let (group_key, prefix_key) = if egress {
        ("DestinationSecurityGroupId", "DestinationPrefixListId")
    } else {
        ("SourceSecurityGroupId", "SourcePrefixListId")
    };
    let peer = if let Some(v) = field(item, "CidrIp") {
        Peer::Cidr(cidr_spec(v))
    } else if let Some(v) = field(item, "CidrIpv6") {
        Peer::Cidr(CidrSpec::V6(v.display()))
    } else if let Some(v) =
        field(item, group_key).or_else(|| field(item, "SourceSecurityGroupName").filter(|_| !egress))
    {
        Peer::Group(ctx.kinds.sg(v))
    } else {
        Peer::PrefixList(field(item, prefix_key)?.clone())
    };
    let protocol = field(item, "IpProtocol").map_or_else(|| Protocol::Unknown(item.clone()), protocol_of);
    let ports = ports_of(&protocol, field(item, "FromPort"), field(item, "ToPort"), item);
    Some(SgRule { resource: resource.to_owned(), span, protocol, ports, peer, implicit: false, condition })
}

/// `IpProtocol` / NACL `Protocol`: names or numbers, `-1` for all.
pub(crate) fn protocol_of(value: &Value) -> Protocol {
    let Some(text) = value.as_str() else {
        return Protocol::Unknown(value.clone());
    };
    match text.trim().to_ascii_lowercase().as_str() {
        "-1" | "all" => Protocol::All,
        "tcp" | "6" => Protocol::Tcp,
        "udp" | "17" => Protocol::Udp,
        "icmp" | "1" => Protocol::Icmp,
        "icmpv6" | "58" => Protocol::Icmpv6,
        other => other.parse::<u8>().map_or_else(|_| Protocol::Unknown(value.clone()), Protocol::Number),
    }
}

/// Ports of a rule: `All` for all-protocol and port-less protocols or `-1`; a missing bound
/// for TCP/UDP is unknown (CloudFormation rejects it).
pub(crate) fn ports_of(protocol: &Protocol, from: Option<&Value>, to: Option<&Value>, whole: &Value) -> Ports {
    if matches!(protocol, Protocol::All | Protocol::Number(_)) {
        return Ports::All;
    }
    let number = |v: Option<&Value>| v.and_then(|v| v.as_str()).and_then(|s| s.trim().parse::<i64>().ok());
    match (number(from), number(to)) {
        (Some(-1), _) | (_, Some(-1)) => Ports::All,
        (Some(a), Some(b)) => Ports::Range(clamp_port(a), clamp_port(b)),
        _ => Ports::Unknown(from.or(to).unwrap_or(whole).clone()),
    }
}

fn clamp_port(n: i64) -> u16 {
    u16::try_from(n.clamp(0, i64::from(u16::MAX))).unwrap_or(u16::MAX)
}

/// Three-valued answer of a single rule.
#[derive(Clone, Debug)]
pub(crate) enum Tri {
    Yes,
    No,
    Maybe(Unverifiable, Span),
}

impl Tri {
    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Maybe(r, s), _) | (_, Tri::Maybe(r, s)) => Tri::Maybe(r, s),
            (Tri::Yes, Tri::Yes) => Tri::Yes,
        }
    }
}

pub(crate) fn maybe_input(value: &Value, what: &'static str) -> Tri {
    Tri::Maybe(Unverifiable::Input(Unseen { value: value.clone(), what }), value.span)
}

/// The other side of a connection: its security groups and addresses.
pub(crate) struct Side<'a> {
    pub groups: &'a [Link<SgKey>],
    pub range: Range,
}

/// The answer for a set of groups.
#[derive(Clone, Debug)]
pub(crate) enum Verdict {
    Allowed(SgRule, SgKey),
    Denied,
    Maybe(Unverifiable, Span),
}

/// Do `groups` let tcp/`port` in from (or, with `egress`, out to) `other`? Security groups are
/// allow-lists, so one matching rule of any group decides.
pub(crate) fn admits(net: &Network, groups: &[Link<SgKey>], egress: bool, port: u16, other: &Side) -> Verdict {
    let mut maybe: Option<(Unverifiable, Span)> = None;
    for link in groups {
        let group = match link {
            Link::Known(key) => net.security_groups.get(key),
            Link::Unseen(unseen) => {
                keep_first(&mut maybe, Unverifiable::Input(unseen.clone()), unseen.value.span);
                None
            }
        };
        let Some(group) = group else {
            continue;
        };
        let rules = if egress { &group.egress } else { &group.ingress };
        for rule in rules {
            match rule_matches(net, rule, port, other) {
                Tri::Yes => return Verdict::Allowed(rule.clone(), group.key.clone()),
                Tri::No => {}
                Tri::Maybe(reason, span) => keep_first(&mut maybe, reason, span),
            }
        }
    }
    maybe.map_or(Verdict::Denied, |(reason, span)| Verdict::Maybe(reason, span))
}

/// Inputs the user can supply (RL901) beat undecidable details as the reason given.
fn keep_first(slot: &mut Option<(Unverifiable, Span)>, reason: Unverifiable, span: Span) {
    let better = matches!(reason, Unverifiable::Input(_)) && !matches!(slot, Some((Unverifiable::Input(_), _)));
    if slot.is_none() || better {
        *slot = Some((reason, span));
    }
}

fn rule_matches(net: &Network, rule: &SgRule, port: u16, other: &Side) -> Tri {
    let protocol = match &rule.protocol {
        Protocol::All => Tri::Yes,
        Protocol::Tcp => port_in(&rule.ports, port),
        Protocol::Unknown(v) => maybe_input(v, "security group rule protocol"),
        Protocol::Udp | Protocol::Icmp | Protocol::Icmpv6 | Protocol::Number(_) => Tri::No,
    };
    if matches!(protocol, Tri::No) {
        return Tri::No;
    }
    let peer = match &rule.peer {
        Peer::Group(Link::Known(key)) => {
            if other.groups.iter().any(|g| g.known() == Some(key)) {
                Tri::Yes
            } else {
                Tri::No
            }
        }
        // A group this stack creates is never one it does not define.
        Peer::Group(Link::Unseen(unseen)) => {
            if other.groups.iter().any(|g| matches!(g, Link::Unseen(_))) {
                Tri::Maybe(Unverifiable::Input(unseen.clone()), unseen.value.span)
            } else {
                Tri::No
            }
        }
        Peer::Cidr(spec) => cidr_matches(net, spec, rule, other),
        Peer::PrefixList(v) => maybe_input(v, "prefix list"),
        Peer::Unknown(v) => maybe_input(v, "security group rules"),
    };
    protocol.and(peer)
}

fn cidr_matches(net: &Network, spec: &CidrSpec, rule: &SgRule, other: &Side) -> Tri {
    match net.relate(spec, &other.range) {
        Rel::Covers => Tri::Yes,
        Rel::Disjoint => Tri::No,
        Rel::Partial => match spec {
            CidrSpec::Unknown(v) => maybe_input(v, "CIDR block"),
            _ => {
                let why = format!("cannot tell whether the rule's CIDR covers {}", other.range.label);
                Tri::Maybe(Unverifiable::Undecided { resource: rule.resource.clone(), why }, rule.span)
            }
        },
    }
}

fn port_in(ports: &Ports, port: u16) -> Tri {
    match ports {
        Ports::All => Tri::Yes,
        Ports::Range(a, b) if (*a..=*b).contains(&port) => Tri::Yes,
        Ports::Range(..) => Tri::No,
        Ports::Unknown(v) => maybe_input(v, "port range"),
    }
}

/// Human text of a rule for hop notes, e.g. "tcp/443 from `LambdaSg`".
pub(crate) fn describe_rule(rule: &SgRule, egress: bool) -> String {
    let protocol = match &rule.protocol {
        Protocol::All => "all traffic".to_owned(),
        Protocol::Tcp => match &rule.ports {
            Ports::All => "all tcp".to_owned(),
            Ports::Range(a, b) => super::outcome::tcp_ports((*a, *b)),
            Ports::Unknown(_) => "tcp".to_owned(),
        },
        _ => "traffic".to_owned(),
    };
    let peer = match &rule.peer {
        Peer::Cidr(CidrSpec::Known(c)) => c.to_string(),
        Peer::Cidr(CidrSpec::VpcPrimary(v)) => format!("the CIDR of `{v}`"),
        Peer::Cidr(CidrSpec::V6(text)) => text.clone(),
        Peer::Cidr(CidrSpec::Unknown(v)) | Peer::PrefixList(v) | Peer::Unknown(v) => v.display(),
        Peer::Group(Link::Known(key)) => format!("`{key}`"),
        Peer::Group(Link::Unseen(u)) => u.value.display(),
    };
    let direction = if egress { "to" } else { "from" };
    let implicit = if rule.implicit { " (implicit)" } else { "" };
    format!("{protocol} {direction} {peer}{implicit}")
}
