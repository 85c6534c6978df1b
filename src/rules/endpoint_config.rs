//! Shared reading of Secrets Manager endpoints for the configuration rules (RL104, RL106,
//! RL112, RL113): these hold for an endpoint whether or not a function uses it, because they
//! fail the deployment itself.

use crate::network::{Endpoint, Network};

/// Endpoints whose service name is certainly Secrets Manager, in logical-id order.
pub fn secrets_manager_endpoints(net: &Network) -> impl Iterator<Item = (&String, &Endpoint)> {
    net.endpoints.iter().filter(|(_, e)| e.is_secretsmanager() == Some(true))
}
