//! Network ACLs: entries in rule-number order, the default ACL's allow-all, and first-match
//! evaluation of one direction for a port range, stateless as AWS evaluates them.

use crate::source::tree::Span;
use crate::template::{Resource, Value};

use super::Network;
use super::cidr::Cidr;
use super::graph::{Ctx, cidr_spec};
use super::model::{CidrSpec, Link, Meta, Nacl, NaclEntry, NaclKey, Ports, Protocol, Unseen};
use super::outcome::Unverifiable;
use super::ranges::{Range, Rel};
use super::security_groups::{ports_of, protocol_of};

/// Ephemeral ports Lambda and NAT gateways use for return traffic.
pub const EPHEMERAL: (u16, u16) = (1024, 65535);

/// The default ACL of a VPC: rule 100 allows everything both ways.
pub(crate) fn vpc_default(vpc: &Meta) -> Nacl {
    let entry = |egress| NaclEntry {
        meta: vpc.clone(),
        rule_number: Some(100),
        egress: Some(egress),
        protocol: Protocol::All,
        ports: Ports::All,
        allow: Some(true),
        cidr: CidrSpec::Known(Cidr::ANY),
        implicit: true,
    };
    let key = NaclKey::VpcDefault(vpc.id.clone());
    Nacl { key, meta: vpc.clone(), vpc: Some(Link::Known(vpc.id.clone())), entries: vec![entry(false), entry(true)] }
}

pub(crate) fn add_entry(net: &mut Network, ctx: &Ctx, res: &Resource, meta: Meta) {
    let Some(Link::Known(key)) = ctx.prop(res, "NetworkAclId").map(|v| ctx.kinds.nacl(&v)) else {
        return;
    };
    let Some(acl) = net.nacls.get_mut(&key) else {
        return;
    };
    let whole = ctx.prop(res, "").unwrap_or_else(|| Value::unknown("no properties", meta.key_span));
    let protocol = ctx.prop(res, "Protocol").map_or_else(|| Protocol::Unknown(whole.clone()), |v| protocol_of(&v));
    let ports =
        ports_of(&protocol, ctx.prop(res, "PortRange.From").as_ref(), ctx.prop(res, "PortRange.To").as_ref(), &whole);
    let cidr = match (ctx.prop(res, "CidrBlock"), ctx.prop(res, "Ipv6CidrBlock")) {
        (Some(v), _) => cidr_spec(&v),
        (None, Some(v)) => CidrSpec::V6(v.display()),
        (None, None) => CidrSpec::Unknown(whole.clone()),
    };
    let rule_number = ctx.prop(res, "RuleNumber").and_then(|v| v.as_str().and_then(|s| s.trim().parse().ok()));
    let allow = ctx.prop(res, "RuleAction").and_then(|v| match v.as_str()?.to_ascii_lowercase().as_str() {
        "allow" => Some(true),
        "deny" => Some(false),
        _ => None,
    });
    let egress = ctx.setting(res, "Egress", false).value;
    acl.entries.push(NaclEntry { meta, rule_number, egress, protocol, ports, allow, cidr, implicit: false });
}

/// Unknown rule numbers sort first: their place is unknown, so they are treated as possibly
/// deciding before every known entry.
pub(crate) fn sort_entries(net: &mut Network) {
    for acl in net.nacls.values_mut() {
        acl.entries.sort_by_key(|e| e.rule_number.map_or((0, 0), |n| (1, n)));
    }
}

#[derive(Clone, Debug)]
pub(crate) enum NaclVerdict {
    Allowed,
    /// `entry` is the denying entry's logical id; `None` for the final implicit deny. `ports`
    /// is the part of the asked range that is denied (all of it, or e.g. 1024–32767 when only
    /// 32768–65535 is allowed back).
    Denied {
        entry: Option<String>,
        ports: (u16, u16),
    },
    Maybe(Unverifiable, Span),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Match {
    Full,
    Partial,
    No,
}

impl Match {
    fn and(self, other: Match) -> Match {
        match (self, other) {
            (Match::No, _) | (_, Match::No) => Match::No,
            (Match::Full, Match::Full) => Match::Full,
            _ => Match::Partial,
        }
    }
}

/// Does the ACL let tcp traffic to every port of `ports` pass in `egress` direction to/from
/// `peer`? Return traffic may use any ephemeral port (Lambda and NAT gateways use the whole of
/// 1024–65535), so a range is allowed only when each of its ports is: the range is cut where
/// entries start or end and each piece is decided on its own. A piece that is certainly denied
/// decides, before any piece that cannot be told.
pub(crate) fn allows(net: &Network, acl: &NaclKey, egress: bool, ports: (u16, u16), peer: &Range) -> NaclVerdict {
    let Some(acl) = net.nacls.get(acl) else {
        return NaclVerdict::Allowed;
    };
    let mut verdict = NaclVerdict::Allowed;
    for piece in pieces(acl, egress, ports) {
        match allows_piece(net, acl, egress, piece, peer) {
            NaclVerdict::Allowed => {}
            denied @ NaclVerdict::Denied { .. } => return denied,
            maybe @ NaclVerdict::Maybe(..) => {
                if matches!(verdict, NaclVerdict::Allowed) {
                    verdict = maybe;
                }
            }
        }
    }
    verdict
}

/// `ports` cut at every boundary, inside it, of the port range of a tcp entry that may apply in
/// this direction, in ascending order.
fn pieces(acl: &Nacl, egress: bool, (lo, hi): (u16, u16)) -> Vec<(u16, u16)> {
    let mut cuts: Vec<u32> = vec![u32::from(lo), u32::from(hi) + 1];
    for entry in acl.entries.iter().filter(|e| e.egress.is_none_or(|e| e == egress)) {
        if let (Protocol::Tcp, Ports::Range(a, b)) = (&entry.protocol, &entry.ports) {
            for cut in [u32::from(*a), u32::from(*b) + 1] {
                if cut > u32::from(lo) && cut <= u32::from(hi) {
                    cuts.push(cut);
                }
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2).filter_map(|w| Some((u16::try_from(w[0]).ok()?, u16::try_from(w[1] - 1).ok()?))).collect()
}

fn allows_piece(net: &Network, acl: &Nacl, egress: bool, ports: (u16, u16), peer: &Range) -> NaclVerdict {
    let mut uncertain: Vec<&NaclEntry> = Vec::new();
    for entry in &acl.entries {
        match entry_matches(net, entry, egress, ports, peer) {
            Match::No => {}
            Match::Partial => uncertain.push(entry),
            Match::Full => return decide(entry.allow, Some(entry), &uncertain, ports),
        }
    }
    decide(Some(false), None, &uncertain, ports)
}

/// The decision of the first fully matching entry (or the implicit deny), unless an earlier
/// entry that may match acts differently.
fn decide(action: Option<bool>, entry: Option<&NaclEntry>, uncertain: &[&NaclEntry], ports: (u16, u16)) -> NaclVerdict {
    let Some(action) = action else {
        return entry.map_or(NaclVerdict::Denied { entry: None, ports }, undecided);
    };
    if let Some(other) = uncertain.iter().find(|e| e.allow != Some(action)) {
        return undecided(other);
    }
    if action { NaclVerdict::Allowed } else { NaclVerdict::Denied { entry: entry.map(|e| e.meta.id.clone()), ports } }
}

fn undecided(entry: &NaclEntry) -> NaclVerdict {
    if let Some(value) = unknown_part(entry) {
        return NaclVerdict::Maybe(
            Unverifiable::Input(Unseen { value: value.clone(), what: "network ACL entry" }),
            value.span,
        );
    }
    let why = "cannot tell whether the network ACL entry matches this traffic".to_owned();
    NaclVerdict::Maybe(Unverifiable::Undecided { resource: entry.meta.id.clone(), why }, entry.meta.key_span)
}

fn unknown_part(entry: &NaclEntry) -> Option<&Value> {
    match (&entry.protocol, &entry.ports, &entry.cidr) {
        (Protocol::Unknown(v), _, _) | (_, Ports::Unknown(v), _) | (_, _, CidrSpec::Unknown(v)) => Some(v),
        _ => None,
    }
}

fn entry_matches(net: &Network, entry: &NaclEntry, egress: bool, (lo, hi): (u16, u16), peer: &Range) -> Match {
    let direction = match entry.egress {
        Some(e) if e == egress => Match::Full,
        Some(_) => Match::No,
        None => Match::Partial,
    };
    let protocol = match (&entry.protocol, &entry.ports) {
        (Protocol::All, _) | (Protocol::Tcp, Ports::All) => Match::Full,
        (Protocol::Tcp, Ports::Range(a, b)) if *a <= lo && hi <= *b => Match::Full,
        (Protocol::Tcp, Ports::Range(a, b)) if *b < lo || hi < *a => Match::No,
        (Protocol::Tcp, _) | (Protocol::Unknown(_), _) => Match::Partial,
        _ => Match::No,
    };
    let address = match net.relate(&entry.cidr, peer) {
        Rel::Covers => Match::Full,
        Rel::Disjoint => Match::No,
        Rel::Partial => Match::Partial,
    };
    let rule_number = if entry.rule_number.is_some() { Match::Full } else { Match::Partial };
    direction.and(protocol).and(address).and(rule_number)
}
