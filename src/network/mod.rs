//! The VPC network graph of one template and the reachability questions the rules ask of it,
//! each answered with the explaining path.
//!
//! [`Network::build`] reads the network resources through the evaluator; [`reach_api`] (can a
//! workload call an AWS [`Service`]) and [`to_target`] (can it reach its database) answer per
//! workload subnet with an [`Outcome`]: reachable (and how), blocked (the exact check and
//! resource), or unverifiable (the input a template cannot show).

pub mod cidr;
mod endpoints;
mod graph;
mod model;
mod nacl;
mod outcome;
mod ranges;
mod reach;
mod refs;
mod security_groups;
pub mod service;

#[cfg(test)]
mod tests;

pub use cidr::Cidr;
pub use endpoints::{InVpcDns, PolicyVerdict, ROTATION_ACTIONS, policy_allows, service_regex};
pub use graph::Network;
pub use model::{
    AclChoice, Attachment, CidrSpec, Connectivity, Destination, Endpoint, EndpointKind, Items, Link, Meta, Nacl,
    NaclEntry, NaclKey, NatGateway, Peer, Ports, Protocol, Route, RouteTable, RouteTarget, SecurityGroup, Setting,
    SgKey, SgRule, Subnet, TableChoice, Unseen, Vpc,
};
pub use nacl::EPHEMERAL;
pub use outcome::{
    ApiReport, Blocker, EndpointIssue, Fragile, Hop, NatProblem, Outcome, Overall, PrivateWhy, SubnetRef, TargetReport,
    Unverifiable, Via, tcp_ports,
};
pub use ranges::{Range, Rel};
pub use reach::{
    ApiCall, ApiHost, DefaultRoute, Placement, Runner, TargetPlacement, reach_api, route_default, to_target,
};
pub use refs::{Kind, list_items};
pub use service::Service;
