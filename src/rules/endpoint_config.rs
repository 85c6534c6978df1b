//! Shared reading of VPC endpoints for the configuration rules (RL104, RL106, RL112, RL113):
//! these hold for an endpoint of any service rotlint's catalog knows, whether or not a workload
//! uses it, because they fail the deployment itself (or leave an endpoint nothing can use).

use crate::aws::catalog;
use crate::network::{Endpoint, EndpointKind, Network, Service};

/// Endpoints whose service name certainly names a service of the catalog, with that service, in
/// logical-id order.
pub fn known_endpoints(net: &Network) -> impl Iterator<Item = (&String, &Endpoint, &'static Service)> {
    net.endpoints.iter().filter_map(|(id, e)| Some((id, e, catalog::endpoint_service(e)?)))
}

/// A gateway endpoint (type omitted or `Gateway`) of a service that has gateway endpoints (S3,
/// DynamoDB): judged by its `RouteTableIds` (RL403), never as an interface endpoint.
pub fn is_gateway_of_gateway_service(e: &Endpoint, service: &Service) -> bool {
    service.gateway && e.kind == EndpointKind::Gateway
}

/// How the configuration rules name an endpoint's service in messages: Secrets Manager findings
/// keep the wording they had before other services were checked.
pub fn is_secrets_manager(service: &Service) -> bool {
    service.endpoint == crate::network::service::SECRETS_MANAGER.endpoint
}
