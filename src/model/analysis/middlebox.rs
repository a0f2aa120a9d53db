//! Middleboxes: route targets that forward other hosts' traffic and keep per-flow state
//! (Gateway Load Balancer endpoints, whose appliances are stateful, AWS Network Firewall
//! endpoints, firewall instances and their network interfaces). A stateful middlebox must
//! see both directions of a flow.

use super::cidr::VpcCidrs;
use super::routing::{RoutingIndex, Via};
use crate::model::{
    EndpointKind, Field, Network, RouteId, RouteTableId, SubnetId, Target, VpcId, VpnGatewayId,
};
use ipnet::Ipv4Net;
use std::collections::HashSet;

/// Whether a route target is a stateful middlebox: `None` when the kind of an endpoint
/// target is unknown.
pub fn is_stateful_middlebox(network: &Network, target: Target) -> Option<bool> {
    match target {
        Target::Instance(_) | Target::NetworkInterface(_) | Target::FirewallEndpoint(_) => {
            Some(true)
        }
        Target::VpcEndpoint(id) => network.vpc_endpoints[id]
            .kind
            .copied()
            .map(|kind| kind == EndpointKind::GatewayLoadBalancer),
        _ => Some(false),
    }
}

/// Whether traffic a route sends to `target` for `prefix` still reaches `vgw`: `target` is a
/// middlebox (an appliance instance or interface, a Gateway Load Balancer or Network
/// Firewall endpoint) whose subnets route `prefix` on to that gateway, so the route only
/// puts an inspection on the VPN path.
/// `Some(false)` for any other target or onward route; `None` when a host subnet, its table
/// or its route for the prefix is unknown.
pub fn forwards_to_vgw(
    network: &Network,
    routing: &RoutingIndex,
    cidrs: &VpcCidrs,
    target: Target,
    prefix: Ipv4Net,
    vgw: VpnGatewayId,
) -> Option<bool> {
    let hosts: &[Field<SubnetId>] = match target {
        Target::Instance(id) => std::slice::from_ref(&network.instances[id].subnet),
        Target::NetworkInterface(id) => {
            std::slice::from_ref(&network.network_interfaces[id].subnet)
        }
        Target::VpcEndpoint(id) => match is_stateful_middlebox(network, target)? {
            true => &network.vpc_endpoints[id].subnets,
            false => return Some(false),
        },
        // Which of the firewall's endpoints is not known: every one must route on.
        Target::FirewallEndpoint(id) => &network.network_firewalls[id].subnets,
        _ => return Some(false),
    };
    if hosts.is_empty() {
        return None;
    }
    let mut onward = Some(true);
    for subnet in hosts {
        let table = routing.subnet_route_table(subnet.copied()?)?;
        let lookup = routing.effective_route(cidrs, table, prefix);
        if !lookup.complete {
            return None;
        }
        let to_vgw = match lookup.effective.map(|c| c.via) {
            Some(Via::Propagated(p)) => p.vpn_gateway == vgw,
            Some(Via::Static(route)) => {
                network.routes[route].target.copied()? == Target::VpnGateway(vgw)
            }
            _ => false,
        };
        if !to_vgw {
            onward = Some(false);
        }
    }
    onward
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

/// The subnets that host middleboxes: Gateway Load Balancer and Network Firewall endpoints
/// (their whole subnet is the appliance side: its default route to the gateway is the
/// designed path), and the instances and interfaces that routes send traffic to.
pub struct MiddleboxHosts {
    subnets: HashSet<SubnetId>,
    /// VPCs with a middlebox of unknown subnet (or an endpoint of unknown kind).
    unknown_in: HashSet<VpcId>,
    /// A middlebox of unknown subnet and VPC.
    unknown_anywhere: bool,
}

impl MiddleboxHosts {
    pub fn new(network: &Network) -> Self {
        let mut hosts = MiddleboxHosts {
            subnets: HashSet::new(),
            unknown_in: HashSet::new(),
            unknown_anywhere: false,
        };
        for endpoint in network.vpc_endpoints.values() {
            match endpoint.kind.copied() {
                Some(EndpointKind::GatewayLoadBalancer) => {
                    hosts.add(endpoint.vpc.copied(), &endpoint.subnets)
                }
                Some(_) => {}
                None => hosts.add_unknown(endpoint.vpc.copied()),
            }
        }
        for firewall in network.network_firewalls.values() {
            hosts.add(firewall.vpc.copied(), &firewall.subnets);
        }
        for route in network.routes.values() {
            let subnet = match route.target.copied() {
                Some(Target::Instance(id)) => &network.instances[id].subnet,
                Some(Target::NetworkInterface(id)) => &network.network_interfaces[id].subnet,
                _ => continue,
            };
            let vpc = route
                .route_table
                .copied()
                .and_then(|t| network.route_tables[t].vpc.copied());
            hosts.add(vpc, std::slice::from_ref(subnet));
        }
        hosts
    }

    fn add(&mut self, vpc: Option<VpcId>, subnets: &[Field<SubnetId>]) {
        for subnet in subnets {
            match subnet.copied() {
                Some(id) => {
                    self.subnets.insert(id);
                }
                None => self.add_unknown(vpc),
            }
        }
    }

    fn add_unknown(&mut self, vpc: Option<VpcId>) {
        match vpc {
            Some(vpc) => {
                self.unknown_in.insert(vpc);
            }
            None => self.unknown_anywhere = true,
        }
    }

    /// Whether a subnet hosts a middlebox; `None` when a middlebox of its VPC has an
    /// unknown subnet.
    pub fn hosts_middlebox(&self, network: &Network, subnet: SubnetId) -> Option<bool> {
        if self.subnets.contains(&subnet) {
            return Some(true);
        }
        let vpc = network.subnets[subnet].vpc.copied()?;
        (!self.unknown_anywhere && !self.unknown_in.contains(&vpc)).then_some(false)
    }
}
