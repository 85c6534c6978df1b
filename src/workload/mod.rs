//! Workloads: anything with a network placement that needs to reach things.
//!
//! A workload kind (a rotation function today; any VPC Lambda function or an ECS task next) is
//! one module that reads the template and produces [`Workload`]s: where each runs and what it
//! needs (AWS APIs, databases). The engine answers every need the same way, whatever the kind:
//! [`answer`] asks the network's reachability questions and returns one [`Answer`] per need, in
//! order. Kinds never call the network's questions themselves.

pub mod ecs;
pub mod lambda;
pub mod rotation;

use crate::network::{self, ApiCall, ApiReport, Network, Placement, TargetPlacement, TargetReport};
use crate::source::tree::Span;

/// One thing that runs somewhere in the network and needs to reach things.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// Logical id of its primary resource.
    pub id: String,
    pub type_name: String,
    pub key_span: Span,
    /// `None` while the placement is undecided (an `Fn::If` on an undecided condition, a whole
    /// `VpcConfig` from a parameter): nothing can be answered for it then. No subnets: it runs
    /// outside any VPC.
    pub placement: Option<Placement>,
    pub needs: Vec<Need>,
}

/// Something a workload must reach for its job to succeed.
#[derive(Clone, Debug, PartialEq)]
pub enum Need {
    /// An AWS API, from the host its SDK calls.
    Api(ApiCall),
    /// A database or service in (or outside) a VPC, on its port.
    Target { placement: TargetPlacement, port: u16 },
}

/// The answer to one [`Need`], with the paths that explain it.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Api(ApiReport),
    Target(TargetReport),
}

/// Every need of `workload`, answered in order; empty while its placement is undecided.
pub fn answer(net: &Network, workload: &Workload) -> Vec<Answer> {
    let Some(placement) = &workload.placement else { return Vec::new() };
    workload
        .needs
        .iter()
        .map(|need| match need {
            Need::Api(call) => Answer::Api(network::reach_api(net, placement, call)),
            Need::Target { placement: target, port } => {
                Answer::Target(network::to_target(net, placement, target, *port))
            }
        })
        .collect()
}

impl Answer {
    pub fn into_api(self) -> Option<ApiReport> {
        match self {
            Answer::Api(report) => Some(report),
            Answer::Target(_) => None,
        }
    }

    pub fn into_target(self) -> Option<TargetReport> {
        match self {
            Answer::Target(report) => Some(report),
            Answer::Api(_) => None,
        }
    }
}

#[cfg(test)]
mod tests;
