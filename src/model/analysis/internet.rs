//! Internet egress of a route table: where its IPv4 default route (`0.0.0.0/0`) leads,
//! decided by [`RoutingIndex::effective_route`] so that AWS's route priority applies, and
//! whether a subnet has a public path.

use super::cidr::VpcCidrs;
use super::routing::{target_vpc, RoutingIndex, Via};
use crate::model::{Destination, Network, RouteId, RouteTableId, SubnetId, Target};
use ipnet::Ipv4Net;

/// Where a route table sends `0.0.0.0/0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultRoute {
    /// To an internet gateway attached to the table's VPC.
    InternetGateway(RouteId),
    /// Through a middlebox of the VPC (Gateway Load Balancer or firewall endpoint, ENI,
    /// instance) that may forward to the internet gateway: nothing can be concluded.
    Middlebox(RouteId),
    /// To a known target that does not reach the internet directly (NAT gateway, peering,
    /// VGW, transit gateway, an internet gateway of another VPC).
    Elsewhere(RouteId, Target),
    /// No route covers `0.0.0.0/0` and no IPv4 route of the table goes to an internet
    /// gateway.
    Missing,
    /// A route of the table is unknown (destination, target, prefix list, BGP-learned
    /// routes) or the target's VPC is unknown: rules must stay silent.
    Unknown,
}

/// `0.0.0.0/0`.
pub fn ipv4_default() -> Ipv4Net {
    Ipv4Net::default()
}

/// Where `table` sends IPv4 internet traffic. Unknown whenever any route of the table
/// has an unknown target, since its destination could then be the one that matters.
pub fn default_route<'n>(
    network: &'n Network,
    routing: &RoutingIndex<'n>,
    cidrs: &VpcCidrs<'n>,
    table: RouteTableId,
) -> DefaultRoute {
    if routing
        .routes(table)
        .iter()
        .any(|&r| network.routes[r].target.value.is_none())
    {
        return DefaultRoute::Unknown;
    }
    let lookup = routing.effective_route(cidrs, table, ipv4_default());
    if !lookup.complete {
        return DefaultRoute::Unknown;
    }
    let route = match lookup.effective.map(|c| c.via) {
        // Narrower routes to an internet gateway (`0.0.0.0/1` + `128.0.0.0/1`) may cover
        // the internet just as well.
        None if has_ipv4_internet_route(network, routing, table) => return DefaultRoute::Unknown,
        None => return DefaultRoute::Missing,
        Some(Via::Static(route)) => route,
        // A propagated default route (a VPN static 0.0.0.0/0) goes to the VGW.
        Some(Via::Propagated(_) | Via::Local(_)) => return DefaultRoute::Unknown,
    };
    let Some(target) = network.routes[route].target.copied() else {
        return DefaultRoute::Unknown;
    };
    let table_vpc = network.route_tables[table].vpc.copied();
    match target {
        Target::InternetGateway(_) => match (target_vpc(network, target), table_vpc) {
            (Some(igw_vpc), Some(vpc)) if igw_vpc == vpc => DefaultRoute::InternetGateway(route),
            (Some(_), Some(_)) => DefaultRoute::Elsewhere(route, target),
            _ => DefaultRoute::Unknown,
        },
        Target::VpcEndpoint(_)
        | Target::FirewallEndpoint(_)
        | Target::NetworkInterface(_)
        | Target::Instance(_) => DefaultRoute::Middlebox(route),
        Target::Other => DefaultRoute::Unknown,
        Target::NatGateway(_)
        | Target::EgressOnlyIgw(_)
        | Target::Peering(_)
        | Target::VpnGateway(_)
        | Target::TransitGateway(_)
        | Target::Local => DefaultRoute::Elsewhere(route, target),
    }
}

/// Whether a subnet is public: where its route table sends the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicPath {
    /// IPv4 default route to an internet gateway of the VPC, and no IPv6 path (the subnet
    /// has no IPv6 block, or its table no `::/0` to an internet gateway).
    Ipv4Only(RouteId),
    /// IPv4 default route to an internet gateway, and `::/0` to one for the subnet's IPv6
    /// block.
    DualStack(RouteId),
    /// No IPv4 default route to an internet gateway.
    NotPublic,
}

/// Whether a subnet has a public path through an internet gateway; `None` when its route
/// table or that table's default route is unknown.
pub fn public_path<'n>(
    network: &'n Network,
    routing: &RoutingIndex<'n>,
    cidrs: &VpcCidrs<'n>,
    subnet: SubnetId,
) -> Option<PublicPath> {
    let table = routing.subnet_route_table(subnet)?;
    match default_route(network, routing, cidrs, table) {
        DefaultRoute::InternetGateway(route) => Some(
            if network.subnets[subnet].ipv6_cidr.is_some()
                && has_ipv6_internet_route(network, routing, table)
            {
                PublicPath::DualStack(route)
            } else {
                PublicPath::Ipv4Only(route)
            },
        ),
        DefaultRoute::Unknown => None,
        DefaultRoute::Middlebox(_) | DefaultRoute::Elsewhere(..) | DefaultRoute::Missing => {
            Some(PublicPath::NotPublic)
        }
    }
}

/// The route table of a subnet that certainly has no IPv4 default route to an internet
/// gateway of its VPC, with the route that sends `0.0.0.0/0` elsewhere (`None`: no route
/// covers it). `None` when the subnet's table is unknown, reaches an internet gateway, or
/// may (through a middlebox or an unknown route).
pub fn without_internet_gateway_route<'n>(
    network: &'n Network,
    routing: &RoutingIndex<'n>,
    cidrs: &VpcCidrs<'n>,
    subnet: SubnetId,
) -> Option<(RouteTableId, Option<(RouteId, Target)>)> {
    let table = routing.subnet_route_table(subnet)?;
    match default_route(network, routing, cidrs, table) {
        DefaultRoute::Missing => Some((table, None)),
        DefaultRoute::Elsewhere(route, target) => Some((table, Some((route, target)))),
        DefaultRoute::InternetGateway(_) | DefaultRoute::Middlebox(_) | DefaultRoute::Unknown => {
            None
        }
    }
}

fn has_ipv4_internet_route(
    network: &Network,
    routing: &RoutingIndex<'_>,
    table: RouteTableId,
) -> bool {
    routing.routes(table).iter().any(|&r| {
        let route = &network.routes[r];
        matches!(
            (route.destination.copied(), route.target.copied()),
            (Some(Destination::Ipv4(_)), Some(Target::InternetGateway(_)))
        )
    })
}

/// Whether the table routes `::/0` to an internet gateway: an IPv6-only (or
/// `dualstack-without-public-ipv4`) load balancer needs no IPv4 default route.
pub fn has_ipv6_internet_route(
    network: &Network,
    routing: &RoutingIndex<'_>,
    table: RouteTableId,
) -> bool {
    ipv6_default_routes(network, routing, table)
        .any(|(_, target)| matches!(target, Some(Target::InternetGateway(_))))
}

/// The table's IPv6 default routes (`::/0`) and their targets, in declaration order.
pub fn ipv6_default_routes<'a>(
    network: &'a Network,
    routing: &'a RoutingIndex<'_>,
    table: RouteTableId,
) -> impl Iterator<Item = (RouteId, Option<Target>)> + 'a {
    routing.routes(table).iter().filter_map(|&r| {
        let route = &network.routes[r];
        match route.destination.copied()? {
            Destination::Ipv6(net) if net.prefix_len() == 0 => Some((r, route.target.copied())),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;

    #[test]
    fn classifies_the_default_route() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let other = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let foreign_igw = b.internet_gateway("aws_internet_gateway.b", other);
        let subnet = b.subnet("aws_subnet.a", vpc, "10.0.0.0/24");
        let nat = b.nat_gateway("aws_nat_gateway.a", subnet);
        let public = b.route_table("aws_route_table.public", vpc);
        let to_igw = b.route("r1", public, "0.0.0.0/0", Target::InternetGateway(igw));
        let private = b.route_table("aws_route_table.private", vpc);
        let to_nat = b.route("r2", private, "0.0.0.0/0", Target::NatGateway(nat));
        let wrong = b.route_table("aws_route_table.wrong", vpc);
        b.route(
            "r3",
            wrong,
            "0.0.0.0/0",
            Target::InternetGateway(foreign_igw),
        );
        let split = b.route_table("aws_route_table.split", vpc);
        b.route("r4", split, "0.0.0.0/1", Target::InternetGateway(igw));
        let empty = b.route_table("aws_route_table.empty", vpc);
        b.route("r7", empty, "10.1.0.0/16", Target::NatGateway(nat));
        let unknown = b.route_table("aws_route_table.unknown", vpc);
        b.route("r5", unknown, "0.0.0.0/0", Target::InternetGateway(igw));
        let unknown_target = b.route("r6", unknown, "10.9.0.0/16", Target::Other);
        b.network.routes[unknown_target].target.value = None;
        let network = b.finish();
        let routing = RoutingIndex::new(&network);
        let cidrs = VpcCidrs::new(&network);
        let verdict = |t| default_route(&network, &routing, &cidrs, t);
        assert_eq!(verdict(public), DefaultRoute::InternetGateway(to_igw));
        assert_eq!(
            verdict(private),
            DefaultRoute::Elsewhere(to_nat, Target::NatGateway(nat))
        );
        assert!(matches!(verdict(wrong), DefaultRoute::Elsewhere(..)));
        assert_eq!(verdict(split), DefaultRoute::Unknown);
        assert_eq!(verdict(empty), DefaultRoute::Missing);
        assert_eq!(verdict(unknown), DefaultRoute::Unknown);
    }
}
