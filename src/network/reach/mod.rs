//! The reachability questions, answered per workload subnet with the path that explains the
//! answer. One module per question:
//!
//! - `start`: where the workload runs (its placement), resolved to one side per subnet;
//! - `api`: can it call an AWS service's API (interface endpoint, or the route out);
//! - `egress`: where the subnet's default route leads (NAT gateway, internet gateway, elsewhere);
//! - `target`: can it reach a database or service on its port;
//! - `acl`: the network ACL legs every path crosses, written once.

mod acl;
mod api;
mod egress;
mod start;
mod target;

use crate::source::tree::Span;
use crate::template::Value;

use super::Network;
use super::model::{SgKey, Unseen};
use super::outcome::{Blocker, Hop, Outcome, Unverifiable, Via};

pub use api::{ApiCall, ApiHost, reach_api};
pub use egress::{DefaultRoute, route_default};
pub use start::{Placement, Runner};
pub use target::{TargetPlacement, to_target};

/// A failed step: the outcome minus the hops gathered before it (boxed: it travels in `Err`).
pub(super) struct Fail(Box<FailKind>);

pub(super) enum FailKind {
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

pub(super) fn group_hops(net: &Network, keys: &[SgKey], note: impl Fn(&SgKey) -> String) -> Vec<Hop> {
    keys.iter().filter_map(|k| net.security_groups.get(k)).map(|g| Hop::key(&g.meta, note(&g.key))).collect()
}

fn egress_hops(side: &start::FnSide, keys: &[SgKey], what: &str) -> Vec<Hop> {
    let noun = side.runner.noun();
    keys.iter()
        .filter_map(|k| side.net.security_groups.get(k))
        .map(|g| {
            let span = g.egress_value.as_ref().map_or(g.meta.key_span, |v| v.span);
            Hop::at(&g.meta, span, format!("security group `{}` of the {noun} allows no {what}", g.key))
        })
        .collect()
}

/// Lists may arrive as one joined string or a parameter: expand what can be expanded.
fn flatten(values: &[Value]) -> Vec<Value> {
    values.iter().flat_map(|v| super::refs::list_items(v).unwrap_or_else(|whole| vec![whole])).collect()
}
