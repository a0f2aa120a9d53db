//! `local-route-conflict`: a static route to the VPC's own address space that AWS refuses:
//! inside a VPC block but not exactly a subnet's block sent to a middlebox (NAT gateway,
//! network interface, Gateway Load Balancer endpoint), nor a replacement of the local
//! route's target.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::{AnyBlock, Containment, VpcCidrs};
use crate::model::analysis::peering::overlapping_blocks;
use crate::model::analysis::routing::target_address;
use crate::model::{EndpointKind, Network, Route, Target, VpcId};
use ipnet::IpNet;
use std::collections::HashSet;

pub struct LocalRouteConflict;

static META: RuleMeta = RuleMeta {
    name: "local-route-conflict",
    level: Level::Error,
    summary: "A static route inside the VPC's own blocks that AWS refuses next to the local route.",
    doc: include_str!("../../rules/local-route-conflict.md"),
};

/// What the VPC's subnets tell about a destination inside the VPC (IPv4 and IPv6 blocks).
struct SubnetBlocks {
    known: HashSet<(VpcId, IpNet)>,
    /// VPCs with a subnet whose block of that IP version (4 or 6) is unknown.
    incomplete: HashSet<(VpcId, u8)>,
}

fn version(net: IpNet) -> u8 {
    match net {
        IpNet::V4(_) => 4,
        IpNet::V6(_) => 6,
    }
}

impl Rule for LocalRouteConflict {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let cidrs = VpcCidrs::new(network);
        let subnets = subnet_blocks(network);
        let mut findings = Vec::new();
        for route in network.routes.values() {
            let (Some(destination), Some(target)) = (
                route.destination.copied().and_then(|d| d.cidr()),
                route.target.copied(),
            ) else {
                continue;
            };
            let Some(vpc) = route
                .route_table
                .copied()
                .and_then(|t| network.route_tables[t].vpc.copied())
            else {
                continue;
            };
            let Containment::Inside(block) = cidrs.family_containment(vpc, destination) else {
                continue;
            };
            // A peering connection between overlapping VPCs cannot exist: that is
            // `peering-cidr-overlap`'s finding, not one per route over it.
            if let Target::Peering(peering) = target {
                if !overlapping_blocks(network, &cidrs, peering).is_empty() {
                    continue;
                }
            }
            let problem = match middlebox(network, target) {
                None => continue,
                Some(false) if destination == block.net => {
                    "only a NAT gateway, network interface or Gateway Load Balancer endpoint can \
                     replace the local route's target"
                }
                Some(false) => {
                    "more specific routes inside the VPC may only target a NAT gateway, network \
                     interface or Gateway Load Balancer endpoint"
                }
                Some(true) if destination == block.net => continue,
                Some(true) if subnets.known.contains(&(vpc, destination)) => continue,
                Some(true) if subnets.incomplete.contains(&(vpc, version(destination))) => continue,
                Some(true) => {
                    "a route more specific than the local route must match exactly the block of \
                     one of the VPC's subnets"
                }
            };
            findings.push(finding(
                network,
                route,
                destination,
                target,
                &block,
                problem,
            ));
        }
        findings
    }
}

/// Whether the target may take routes inside the VPC; `None` when unknown.
fn middlebox(network: &Network, target: Target) -> Option<bool> {
    match target {
        Target::NatGateway(_) | Target::NetworkInterface(_) | Target::FirewallEndpoint(_) => {
            Some(true)
        }
        Target::VpcEndpoint(id) => network.vpc_endpoints[id]
            .kind
            .copied()
            .map(|kind| kind == EndpointKind::GatewayLoadBalancer),
        // An instance target resolves to its primary network interface.
        Target::Local | Target::Other | Target::Instance(_) => None,
        Target::InternetGateway(_)
        | Target::EgressOnlyIgw(_)
        | Target::Peering(_)
        | Target::VpnGateway(_)
        | Target::TransitGateway(_) => Some(false),
    }
}

fn subnet_blocks(network: &Network) -> SubnetBlocks {
    let mut known = HashSet::new();
    let mut incomplete = HashSet::new();
    for subnet in network.subnets.values() {
        let Some(vpc) = subnet.vpc.copied() else {
            continue;
        };
        match subnet.cidr.as_ref().map(|c| c.copied()) {
            Some(Some(cidr)) => {
                known.insert((vpc, IpNet::V4(cidr.network())));
            }
            Some(None) => {
                incomplete.insert((vpc, 4));
            }
            None => {}
        }
        match subnet.ipv6_cidr.as_ref().map(|c| c.copied()) {
            Some(Some(cidr)) => {
                known.insert((vpc, IpNet::V6(cidr.trunc())));
            }
            Some(None) => {
                incomplete.insert((vpc, 6));
            }
            None => {}
        }
    }
    SubnetBlocks { known, incomplete }
}

fn finding(
    network: &Network,
    route: &Route,
    destination: IpNet,
    target: Target,
    block: &AnyBlock,
    problem: &str,
) -> Finding {
    let target = target_address(network, target).unwrap_or("its target");
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "route {destination} -> {target}: {destination} is inside the VPC's own block {} \
             (local route); {problem}",
            block.net
        ),
        primary: Label::of(
            route.destination.span,
            &route.origin,
            format!("inside local block {}", block.net),
        ),
        related: vec![Label::new(
            block.span,
            block.address,
            format!("VPC block {} (local route)", block.net),
        )],
        help: "remove the route (the local route already delivers traffic inside the VPC), or \
               route exactly a subnet's block to a NAT gateway, network interface or Gateway \
               Load Balancer endpoint"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{RouteTableId, SubnetId};

    fn estate() -> (NetworkBuilder, VpcId, SubnetId, RouteTableId) {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        b.secondary_cidr("aws_vpc_ipv4_cidr_block_association.a", vpc, "10.9.0.0/16");
        let subnet = b.subnet("aws_subnet.app", vpc, "10.0.1.0/24");
        let rt = b.route_table("aws_route_table.a", vpc);
        (b, vpc, subnet, rt)
    }

    #[test]
    fn flags_routes_inside_the_vpc_to_other_targets() {
        let (mut b, vpc, _, rt) = estate();
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let route = b.route(
            "aws_route.x",
            rt,
            "10.9.4.0/24",
            Target::InternetGateway(igw),
        );
        let network = b.finish();
        let findings = LocalRouteConflict.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "route 10.9.4.0/24 -> aws_internet_gateway.a: 10.9.4.0/24 is inside the VPC's own \
             block 10.9.0.0/16 (local route); more specific routes inside the VPC may only \
             target a NAT gateway, network interface or Gateway Load Balancer endpoint"
        );
        assert_eq!(
            findings[0].primary.span,
            network.routes[route].destination.span
        );
        assert_eq!(
            findings[0].related[0].address,
            "aws_vpc_ipv4_cidr_block_association.a"
        );
    }

    #[test]
    fn flags_a_middlebox_route_that_is_not_a_subnet_block() {
        let (mut b, _, subnet, rt) = estate();
        let eni = b.network_interface("aws_network_interface.fw", subnet);
        b.route(
            "aws_route.x",
            rt,
            "10.0.0.0/20",
            Target::NetworkInterface(eni),
        );
        let findings = LocalRouteConflict.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .ends_with("must match exactly the block of one of the VPC's subnets"));
    }

    #[test]
    fn middlebox_routes_to_subnets_local_replacements_and_broader_routes_pass() {
        let (mut b, vpc, subnet, rt) = estate();
        let eni = b.network_interface("aws_network_interface.fw", subnet);
        let gwlbe = b.vpc_endpoint(
            "aws_vpc_endpoint.fw",
            vpc,
            EndpointKind::GatewayLoadBalancer,
        );
        let nat = b.nat_gateway("aws_nat_gateway.a", subnet);
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        b.route(
            "aws_route.inspect",
            rt,
            "10.0.1.0/24",
            Target::VpcEndpoint(gwlbe),
        );
        b.route("aws_route.nat", rt, "10.0.1.0/24", Target::NatGateway(nat));
        b.route(
            "aws_route.replace",
            rt,
            "10.0.0.0/16",
            Target::NetworkInterface(eni),
        );
        b.route("aws_route.local", rt, "10.9.0.0/16", Target::Local);
        b.route(
            "aws_route.summary",
            rt,
            "10.0.0.0/8",
            Target::InternetGateway(igw),
        );
        b.route(
            "aws_route.default",
            rt,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        assert!(LocalRouteConflict.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let (mut b, vpc, subnet, rt) = estate();
        // A subnet of unknown block could be the middlebox route's destination.
        let unknown = b.subnet("aws_subnet.unknown", vpc, "10.0.2.0/24");
        if let Some(cidr) = b.network.subnets[unknown].cidr.as_mut() {
            cidr.value = None;
        }
        let eni = b.network_interface("aws_network_interface.fw", subnet);
        b.route(
            "aws_route.a",
            rt,
            "10.0.3.0/24",
            Target::NetworkInterface(eni),
        );
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let r = b.route(
            "aws_route.b",
            rt,
            "10.0.4.0/24",
            Target::InternetGateway(igw),
        );
        b.network.routes[r].target.value = None;
        let r = b.route(
            "aws_route.c",
            rt,
            "10.0.4.0/24",
            Target::InternetGateway(igw),
        );
        b.network.routes[r].destination.value = None;
        let endpoint = b.vpc_endpoint("aws_vpc_endpoint.x", vpc, EndpointKind::Gateway);
        b.network.vpc_endpoints[endpoint].kind.value = None;
        b.route(
            "aws_route.d",
            rt,
            "10.0.5.0/24",
            Target::VpcEndpoint(endpoint),
        );
        assert!(LocalRouteConflict.check(&b.finish()).is_empty());
    }

    #[test]
    fn ipv6_routes_inside_the_vpc_follow_the_same_rules() {
        let (mut b, vpc, subnet, rt) = estate();
        b.ipv6_block(vpc, "2001:db8:a::/56");
        let block = b.known("2001:db8:a:1::/64".parse().unwrap());
        b.network.subnets[subnet].ipv6_cidr = Some(block);
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let nat = b.nat_gateway("aws_nat_gateway.a", subnet);
        b.route(
            "aws_route.igw6",
            rt,
            "2001:db8:a:4::/64",
            Target::InternetGateway(igw),
        );
        b.route(
            "aws_route.subnet6",
            rt,
            "2001:db8:a:1::/64",
            Target::NatGateway(nat),
        );
        b.route(
            "aws_route.wide6",
            rt,
            "2001:db8::/32",
            Target::InternetGateway(igw),
        );
        let findings = LocalRouteConflict.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .starts_with("route 2001:db8:a:4::/64 -> aws_internet_gateway.a: 2001:db8:a:4::/64 is inside the VPC's own block 2001:db8:a::/56"));
    }
}
