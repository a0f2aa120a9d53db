//! `route-target-wrong-vpc`: a route (or VGW propagation) whose target belongs to another
//! VPC than the route table.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::peering::{peer_of, PeerSide};
use crate::model::analysis::prefix_list::describe;
use crate::model::analysis::routing::{target_origin, target_vpc};
use crate::model::{Destination, Network, Origin, Target, VpcId};

pub struct RouteTargetWrongVpc;

static META: RuleMeta = RuleMeta {
    name: "route-target-wrong-vpc",
    level: Level::Error,
    summary: "A route or VGW propagation whose target belongs to another VPC.",
    doc: include_str!("../../rules/route-target-wrong-vpc.md"),
};

impl Rule for RouteTargetWrongVpc {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let table_vpc = |table: Option<crate::model::RouteTableId>| {
            table.and_then(|t| network.route_tables[t].vpc.copied())
        };
        let mut findings = Vec::new();
        for route in network.routes.values() {
            let (Some(vpc), Some(target)) =
                (table_vpc(route.route_table.copied()), route.target.copied())
            else {
                continue;
            };
            let what = || {
                let destination = match route.destination.copied() {
                    Some(Destination::Ipv4(net)) => net.to_string(),
                    Some(Destination::Ipv6(net)) => net.to_string(),
                    Some(Destination::PrefixList(list)) => describe(network, list),
                    None => "an unknown destination".to_string(),
                };
                format!("route {destination}")
            };
            if let Target::Peering(peering) = target {
                if peer_of(network, peering, vpc) == PeerSide::NotInvolved {
                    let connection = &network.peerings[peering].origin;
                    findings.push(finding(
                        network,
                        &what(),
                        (&route.origin, route.target.span),
                        connection,
                        "does not involve",
                        vpc,
                    ));
                }
            } else if let Some(owner) = target_vpc(network, target) {
                if owner != vpc {
                    if let Some(origin) = target_origin(network, target) {
                        let relation = format!(
                            "belongs to vpc {}, not to",
                            network.vpcs[owner].origin.address
                        );
                        findings.push(finding(
                            network,
                            &what(),
                            (&route.origin, route.target.span),
                            origin,
                            &relation,
                            vpc,
                        ));
                    }
                }
            }
        }
        for propagation in network.vgw_propagations.values() {
            let (Some(vpc), Some(vgw)) = (
                table_vpc(propagation.route_table.copied()),
                propagation.vpn_gateway.copied(),
            ) else {
                continue;
            };
            if let Some(owner) = target_vpc(network, Target::VpnGateway(vgw)) {
                if owner != vpc {
                    let relation = format!(
                        "belongs to vpc {}, not to",
                        network.vpcs[owner].origin.address
                    );
                    findings.push(finding(
                        network,
                        "route propagation",
                        (&propagation.origin, propagation.vpn_gateway.span),
                        &network.vpn_gateways[vgw].origin,
                        &relation,
                        vpc,
                    ));
                }
            }
        }
        findings
    }
}

fn finding(
    network: &Network,
    what: &str,
    (route, target_span): (&Origin, crate::source::Span),
    target: &Origin,
    relation: &str,
    vpc: VpcId,
) -> Finding {
    let vpc_address = &network.vpcs[vpc].origin.address;
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "{what} -> {}: the target {relation} vpc {vpc_address} (the route table's VPC); \
             AWS only routes to targets in the table's own VPC",
            target.address
        ),
        primary: Label::of(target_span, route, format!("target outside vpc {vpc_address}")),
        related: vec![Label::of(target.name_span, target, "declared here")],
        help: format!("use a target of vpc {vpc_address}, or put the route in a route table of the target's VPC"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;

    #[test]
    fn flags_an_internet_gateway_of_another_vpc() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let other = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let igw = b.internet_gateway("aws_internet_gateway.b", other);
        let rt = b.route_table("aws_route_table.a", a);
        let route = b.route(
            "aws_route.default",
            rt,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        let network = b.finish();
        let findings = RouteTargetWrongVpc.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "route 0.0.0.0/0 -> aws_internet_gateway.b: the target belongs to vpc aws_vpc.b, not to \
             vpc aws_vpc.a (the route table's VPC); AWS only routes to targets in the table's \
             own VPC"
        );
        assert_eq!(findings[0].primary.span, network.routes[route].target.span);
    }

    #[test]
    fn flags_nat_gateways_peerings_and_propagations_of_other_vpcs() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let other = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let third = b.vpc("aws_vpc.c", "10.2.0.0/16");
        let subnet_b = b.subnet("aws_subnet.b", other, "10.1.0.0/24");
        let nat = b.nat_gateway("aws_nat_gateway.b", subnet_b);
        let bc = b.peering("aws_vpc_peering_connection.bc", other, third);
        let vgw = b.vpn_gateway("aws_vpn_gateway.b", Some(other));
        let rt = b.route_table("aws_route_table.a", a);
        b.route("aws_route.nat", rt, "0.0.0.0/0", Target::NatGateway(nat));
        b.route("aws_route.pcx", rt, "10.2.0.0/16", Target::Peering(bc));
        b.vgw_propagation("aws_vpn_gateway_route_propagation.a", rt, vgw);
        let findings = RouteTargetWrongVpc.check(&b.finish());
        let addresses: Vec<&str> = findings
            .iter()
            .map(|f| f.primary.address.as_str())
            .collect();
        assert_eq!(
            addresses,
            vec![
                "aws_route.nat",
                "aws_route.pcx",
                "aws_vpn_gateway_route_propagation.a"
            ]
        );
        assert!(findings[1]
            .message
            .contains("the target does not involve vpc aws_vpc.a"));
    }

    #[test]
    fn targets_of_the_same_vpc_and_transit_gateways_pass() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let other = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let subnet = b.subnet("aws_subnet.a", a, "10.0.0.0/24");
        let nat = b.nat_gateway("aws_nat_gateway.a", subnet);
        let igw = b.internet_gateway("aws_internet_gateway.a", a);
        let ab = b.peering("aws_vpc_peering_connection.ab", other, a);
        let tgw = b.transit_gateway("aws_ec2_transit_gateway.t");
        let rt = b.route_table("aws_route_table.a", a);
        b.route("aws_route.nat", rt, "0.0.0.0/0", Target::NatGateway(nat));
        b.route("aws_route.igw", rt, "::/0", Target::InternetGateway(igw));
        b.route("aws_route.pcx", rt, "10.1.0.0/16", Target::Peering(ab));
        b.route(
            "aws_route.tgw",
            rt,
            "10.0.0.0/8",
            Target::TransitGateway(tgw),
        );
        assert!(RouteTargetWrongVpc.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let other = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let detached = b.internet_gateway("aws_internet_gateway.detached", other);
        b.network.internet_gateways[detached].vpc = None;
        let unknown_vpc = b.vpn_gateway("aws_vpn_gateway.x", Some(other));
        if let Some(vpc) = b.network.vpn_gateways[unknown_vpc].vpc.as_mut() {
            vpc.value = None;
        }
        let outside = b.peering("aws_vpc_peering_connection.x", other, other);
        b.network.peerings[outside].requester_vpc.value = None;
        let rt = b.route_table("aws_route_table.a", a);
        b.route(
            "aws_route.igw",
            rt,
            "0.0.0.0/0",
            Target::InternetGateway(detached),
        );
        b.route(
            "aws_route.vgw",
            rt,
            "192.168.0.0/16",
            Target::VpnGateway(unknown_vpc),
        );
        b.route("aws_route.pcx", rt, "10.5.0.0/16", Target::Peering(outside));
        let orphan = b.route_table("aws_route_table.orphan", a);
        b.network.route_tables[orphan].vpc.value = None;
        let igw_b = b.internet_gateway("aws_internet_gateway.b", other);
        b.route(
            "aws_route.orphan",
            orphan,
            "0.0.0.0/0",
            Target::InternetGateway(igw_b),
        );
        assert!(RouteTargetWrongVpc.check(&b.finish()).is_empty());
    }
}
