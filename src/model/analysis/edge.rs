//! Edge associations (VPC ingress routing): a route table associated with an internet
//! gateway or a virtual private gateway decides where traffic entering the VPC through
//! that gateway goes. A route of it for a subnet's block (or a block covering it, or the
//! VPC's block in place of the local route's target) that targets a middlebox sends the
//! inbound half of every flow of that subnet through inspection
//! (<https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html>).

use super::cidr::VpcCidrs;
use super::internet::{default_route, ipv6_default_routes, DefaultRoute};
use super::middlebox::is_stateful_middlebox;
use super::routing::{
    target_vpc, AddressFamily, PropagatedRoute, PropagatedSource, RouteLookup, RoutingIndex,
    VgwPropagationId, Via,
};
use crate::model::{
    Destination, EdgeGateway, Id, Network, RouteId, RouteTableAssociation, RouteTableId, SubnetId,
    Target, VpcId,
};
use ipnet::{IpNet, Ipv4Net};

/// A route table associated with a gateway of the table's VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeTable {
    pub association: Id<RouteTableAssociation>,
    pub table: RouteTableId,
    pub gateway: EdgeGateway,
    pub vpc: VpcId,
}

/// An edge association that cannot be placed: its gateway, its route table or the table's
/// VPC is unknown (or the table is in another VPC than the gateway). Traffic entering the
/// VPC through such a gateway may be routed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnresolvedEdge {
    pub association: Id<RouteTableAssociation>,
    /// `None`: any gateway.
    pub gateway: Option<EdgeGateway>,
    /// `None`: any VPC.
    pub vpc: Option<VpcId>,
}

impl UnresolvedEdge {
    /// Whether the association may be the edge association of `gateway` in `vpc`.
    pub fn may_be(&self, gateway: EdgeGateway, vpc: VpcId) -> bool {
        self.gateway.is_none_or(|g| g == gateway) && self.vpc.is_none_or(|v| v == vpc)
    }
}

/// Every edge association whose table and gateway are known and in one VPC.
pub fn edge_tables(network: &Network) -> Vec<EdgeTable> {
    edge_associations(network).0
}

/// The edge associations that resolve to a table and gateway of one VPC, and those that
/// do not.
pub fn edge_associations(network: &Network) -> (Vec<EdgeTable>, Vec<UnresolvedEdge>) {
    let mut tables = Vec::new();
    let mut unresolved = Vec::new();
    for (association, a) in network.route_table_associations.iter() {
        let Some(gateway_field) = &a.gateway else {
            continue;
        };
        let gateway = gateway_field.copied();
        let table = a.route_table.copied();
        let gateway_vpc = gateway.and_then(|g| target_vpc(network, gateway_target(g)));
        let table_vpc = table.and_then(|t| network.route_tables[t].vpc.copied());
        match (gateway, table, gateway_vpc) {
            (Some(gateway), Some(table), Some(vpc)) if table_vpc == Some(vpc) => {
                tables.push(EdgeTable {
                    association,
                    table,
                    gateway,
                    vpc,
                })
            }
            _ => unresolved.push(UnresolvedEdge {
                association,
                gateway,
                vpc: gateway_vpc.or(table_vpc),
            }),
        }
    }
    (tables, unresolved)
}

/// The gateway as a route target.
pub fn gateway_target(gateway: EdgeGateway) -> Target {
    match gateway {
        EdgeGateway::InternetGateway(id) => Target::InternetGateway(id),
        EdgeGateway::VpnGateway(id) => Target::VpnGateway(id),
    }
}

/// The route of an edge table that takes the gateway's inbound traffic for `block` (a
/// subnet's block) when it goes to a stateful middlebox; `None` when it goes elsewhere
/// (the local route) or a route of the table is unknown.
pub fn inspected_ingress<'n>(
    network: &'n Network,
    routing: &RoutingIndex<'n>,
    cidrs: &VpcCidrs<'n>,
    table: RouteTableId,
    block: IpNet,
) -> Option<RouteId> {
    let route = match block {
        IpNet::V4(block) => known_static_route(routing.effective_route(cidrs, table, block)),
        IpNet::V6(block) => known_static_route(routing.effective_route(cidrs, table, block)),
    }?;
    let target = network.routes[route].target.copied()?;
    (is_stateful_middlebox(network, target) == Some(true)).then_some(route)
}

/// The static route a complete lookup found.
fn known_static_route<N: AddressFamily>(lookup: RouteLookup<'_, N>) -> Option<RouteId> {
    match (lookup.complete, lookup.effective?.via) {
        (true, Via::Static(route)) => Some(route),
        _ => None,
    }
}

/// How a subnet's route table sends return traffic straight to a gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectReturn {
    /// A static route: the default route to the internet gateway, or a route to the VGW.
    Route(RouteId),
    /// A route the VGW propagates into the table.
    Propagated(VgwPropagationId, Ipv4Net),
}

/// How `table` sends traffic of the `family` of a subnet's block back to `gateway` without
/// passing a middlebox: for an internet gateway, the default route (`0.0.0.0/0`, `::/0`);
/// for a virtual private gateway, the route of a known on-premises prefix (a VPN static
/// route, a declared Direct Connect prefix, or the table's own static route to the
/// gateway). `None` when the return goes elsewhere or is unknown.
pub fn direct_return<'n>(
    network: &'n Network,
    routing: &RoutingIndex<'n>,
    cidrs: &VpcCidrs<'n>,
    table: RouteTableId,
    gateway: EdgeGateway,
    family: IpNet,
) -> Option<DirectReturn> {
    if let EdgeGateway::InternetGateway(_) = gateway {
        // Routes more specific than the default route (`0.0.0.0/1` + `128.0.0.0/1` to the
        // middlebox) may take the replies to every internet client elsewhere after all.
        if default_route_may_carry_no_reply(network, routing, cidrs, table, family) {
            return None;
        }
    }
    match (gateway, family) {
        (EdgeGateway::InternetGateway(igw), IpNet::V4(_)) => {
            match default_route(network, routing, cidrs, table) {
                DefaultRoute::InternetGateway(route)
                    if network.routes[route].target.copied()
                        == Some(Target::InternetGateway(igw)) =>
                {
                    Some(DirectReturn::Route(route))
                }
                _ => None,
            }
        }
        (EdgeGateway::InternetGateway(igw), IpNet::V6(_)) => {
            // Any unknown route (destination, target, prefix list, table) may be the one
            // that matters.
            let unknown = !routing.routes_known(table)
                || routing.routes(table).iter().any(|&route| {
                    let r = &network.routes[route];
                    r.target.value.is_none()
                        || matches!(
                            r.destination.copied(),
                            None | Some(Destination::PrefixList(_))
                        )
                });
            if unknown {
                return None;
            }
            let (route, target) = ipv6_default_routes(network, routing, table).last()?;
            (target == Some(Target::InternetGateway(igw))).then_some(DirectReturn::Route(route))
        }
        (EdgeGateway::VpnGateway(vgw), IpNet::V4(_)) => {
            vgw_return(network, routing, cidrs, table, vgw)
        }
        // VGWs carry IPv4 only.
        (EdgeGateway::VpnGateway(_), IpNet::V6(_)) => None,
    }
}

/// Whether no reply to an internet client may leave `table` by its default route: the
/// routes more specific than it, outside the VPC, with the VPC's own blocks, cover every
/// address of the `family`, or one of them is unknown (its table's routes, its
/// destination, or a prefix list to what may be a middlebox). A more specific route that
/// covers part of the internet (a partner's range to the middlebox) leaves the replies to
/// every other client on the default route.
fn default_route_may_carry_no_reply(
    network: &Network,
    routing: &RoutingIndex<'_>,
    cidrs: &VpcCidrs<'_>,
    table: RouteTableId,
    family: IpNet,
) -> bool {
    let Some(vpc) = network.route_tables[table].vpc.copied() else {
        return true;
    };
    if !routing.routes_known(table) {
        return true;
    }
    let mut covered: Vec<(u128, u128)> = cidrs
        .family_blocks(vpc, family)
        .iter()
        .map(|block| address_range(block.net))
        .collect();
    for &route in routing.routes(table) {
        let r = &network.routes[route];
        let destination = match (r.destination.copied(), family) {
            (Some(Destination::Ipv4(net)), IpNet::V4(_)) => IpNet::V4(net),
            (Some(Destination::Ipv6(net)), IpNet::V6(_)) => IpNet::V6(net),
            (Some(Destination::PrefixList(_)) | None, _) => {
                if r.target
                    .copied()
                    .is_none_or(|t| is_stateful_middlebox(network, t) != Some(false))
                {
                    return true;
                }
                continue;
            }
            _ => continue,
        };
        if destination.prefix_len() > 0 {
            covered.push(address_range(destination));
        }
    }
    let last = match family {
        IpNet::V4(_) => u128::from(u32::MAX),
        IpNet::V6(_) => u128::MAX,
    };
    covers(covered, last)
}

/// The first and last address of `net`, as numbers.
fn address_range(net: IpNet) -> (u128, u128) {
    match net {
        IpNet::V4(net) => (
            u128::from(u32::from(net.network())),
            u128::from(u32::from(net.broadcast())),
        ),
        IpNet::V6(net) => (u128::from(net.network()), u128::from(net.broadcast())),
    }
}

/// Whether the ranges together cover every number from 0 to `last`.
fn covers(mut ranges: Vec<(u128, u128)>, last: u128) -> bool {
    ranges.sort_unstable();
    let mut next = 0u128;
    for (start, end) in ranges {
        if start > next {
            return false;
        }
        if end >= last {
            return true;
        }
        next = next.max(end + 1);
    }
    false
}

/// The first known on-premises prefix behind `vgw` that `table` routes straight to it:
/// the table's static routes to the gateway, then the VPN static routes and the declared
/// Direct Connect prefixes the gateway propagates into the table.
fn vgw_return<'n>(
    network: &'n Network,
    routing: &RoutingIndex<'n>,
    cidrs: &VpcCidrs<'n>,
    table: RouteTableId,
    vgw: crate::model::VpnGatewayId,
) -> Option<DirectReturn> {
    let target = Target::VpnGateway(vgw);
    let static_prefixes = routing.routes(table).iter().filter_map(|&route| {
        let r = &network.routes[route];
        match (r.destination.copied()?, r.target.copied()?) {
            (Destination::Ipv4(prefix), t) if t == target => Some(prefix),
            _ => None,
        }
    });
    let mut propagated: Vec<PropagatedRoute> = routing
        .propagated_routes(table)
        .into_iter()
        .filter(|p| p.vpn_gateway == vgw)
        .collect();
    // A VPN static route is named before a Direct Connect prefix when both return
    // straight to the gateway.
    propagated.sort_by_key(|p| p.source == PropagatedSource::DirectConnect);
    static_prefixes
        .chain(propagated.iter().map(|p| p.prefix))
        .find_map(|prefix| {
            let lookup = routing.effective_route(cidrs, table, prefix);
            if !lookup.complete {
                return None;
            }
            match lookup.effective?.via {
                Via::Static(route) if network.routes[route].target.copied() == Some(target) => {
                    Some(DirectReturn::Route(route))
                }
                Via::Propagated(p) if p.vpn_gateway == vgw => {
                    Some(DirectReturn::Propagated(p.propagation, prefix))
                }
                _ => None,
            }
        })
}

/// The subnets of each VPC, in arena order.
pub fn subnets_by_vpc(network: &Network) -> Vec<Vec<SubnetId>> {
    let mut by_vpc = vec![Vec::new(); network.vpcs.len()];
    for (id, subnet) in network.subnets.iter() {
        if let Some(list) = subnet.vpc.copied().and_then(|v| by_vpc.get_mut(v.index())) {
            list.push(id);
        }
    }
    by_vpc
}
