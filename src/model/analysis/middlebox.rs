//! Middleboxes: route targets that forward other hosts' traffic and keep per-flow state
//! (Gateway Load Balancer endpoints, whose appliances are stateful, firewall instances and
//! their network interfaces). A stateful middlebox must see both directions of a flow.

use super::routing::RoutingIndex;
use crate::model::{EndpointKind, Network, RouteId, RouteTableId, Target};

/// Whether a route target is a stateful middlebox: `None` when the kind of an endpoint
/// target is unknown.
pub fn is_stateful_middlebox(network: &Network, target: Target) -> Option<bool> {
    match target {
        Target::Instance(_) | Target::NetworkInterface(_) => Some(true),
        Target::VpcEndpoint(id) => network.vpc_endpoints[id]
            .kind
            .copied()
            .map(|kind| kind == EndpointKind::GatewayLoadBalancer),
        _ => Some(false),
    }
}

/// The first route of a table that sends traffic to a stateful middlebox.
pub fn route_to_middlebox(
    network: &Network,
    routing: &RoutingIndex<'_>,
    table: RouteTableId,
) -> Option<(RouteId, Target)> {
    routing.routes(table).iter().find_map(|&route| {
        let target = network.routes[route].target.copied()?;
        (is_stateful_middlebox(network, target) == Some(true)).then_some((route, target))
    })
}
