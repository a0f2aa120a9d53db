//! `internet-facing-lb-private-subnet`: an internet-facing load balancer placed in a subnet
//! whose route table has no default route to an internet gateway: clients on the internet
//! cannot reach that load balancer node, and its replies have no way out.

use super::no_internet_route::{self, NoInternetRoute};
use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::VpcCidrs;
use crate::model::analysis::internet::{has_ipv6_internet_route, without_internet_gateway_route};
use crate::model::analysis::routing::RoutingIndex;
use crate::model::{
    Field, LoadBalancer, LoadBalancerKind, Network, RouteId, RouteTableId, Scheme, SubnetId, Target,
};

pub struct InternetFacingLbPrivateSubnet;

static META: RuleMeta = RuleMeta {
    name: "internet-facing-lb-private-subnet",
    level: Level::Error,
    summary: "An internet-facing load balancer in a subnet without a default route to an \
              internet gateway.",
    doc: include_str!("../../rules/internet-facing-lb-private-subnet.md"),
};

impl Rule for InternetFacingLbPrivateSubnet {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        if network.load_balancers.is_empty() {
            return Vec::new();
        }
        let routing = RoutingIndex::new(network);
        let cidrs = VpcCidrs::new(network);
        let mut findings = Vec::new();
        for lb in network.load_balancers.values() {
            let public_kind = matches!(
                lb.kind.copied(),
                Some(
                    LoadBalancerKind::Application
                        | LoadBalancerKind::Network
                        | LoadBalancerKind::Classic
                )
            );
            if !public_kind || lb.scheme.copied() != Some(Scheme::InternetFacing) {
                continue;
            }
            for entry in &lb.subnets {
                let Some(subnet) = entry.copied() else {
                    continue;
                };
                let Some((table, default)) =
                    without_internet_gateway_route(network, &routing, &cidrs, subnet)
                else {
                    continue;
                };
                if has_ipv6_internet_route(network, &routing, table) {
                    continue;
                }
                findings.push(finding(network, lb, entry, subnet, table, default));
            }
        }
        findings
    }
}

fn kind_name(kind: Option<LoadBalancerKind>) -> &'static str {
    match kind {
        Some(LoadBalancerKind::Network) => "network load balancer",
        Some(LoadBalancerKind::Classic) => "classic load balancer",
        _ => "application load balancer",
    }
}

fn finding(
    network: &Network,
    lb: &LoadBalancer,
    entry: &Field<SubnetId>,
    subnet: SubnetId,
    table: RouteTableId,
    default: Option<(RouteId, Target)>,
) -> Finding {
    let NoInternetRoute {
        cidr,
        related,
        what,
    } = no_internet_route::explain(network, subnet, table, default, "an internet gateway");
    let subnet = &network.subnets[subnet];
    let table = &network.route_tables[table].origin;
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "internet-facing {} {} uses subnet {}{cidr}: route table {} {what}, so internet clients cannot reach the load balancer there",
            kind_name(lb.kind.copied()),
            lb.origin.address,
            subnet.origin.address,
            table.address
        ),
        primary: Label::of(
            entry.span,
            &lb.origin,
            format!("{} is a private subnet", subnet.origin.address),
        ),
        related,
        help: format!(
            "give the load balancer public subnets (route table with 0.0.0.0/0 -> the VPC's \
             internet gateway), add that route to {}, or make the load balancer internal",
            table.address
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{Destination, VpcId};

    struct Estate {
        b: NetworkBuilder,
        vpc: VpcId,
        public: SubnetId,
        private: SubnetId,
        private_table: RouteTableId,
    }

    /// A public subnet (0.0.0.0/0 -> IGW) and a private one (0.0.0.0/0 -> NAT gateway).
    fn estate() -> Estate {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let public = b.subnet("aws_subnet.public", vpc, "10.0.1.0/24");
        let private = b.subnet("aws_subnet.private", vpc, "10.0.2.0/24");
        let public_table = b.route_table("aws_route_table.public", vpc);
        b.route(
            "aws_route.igw",
            public_table,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        b.associate("aws_route_table_association.public", public_table, public);
        let nat = b.nat_gateway("aws_nat_gateway.a", public);
        let private_table = b.route_table("aws_route_table.private", vpc);
        b.route(
            "aws_route.nat",
            private_table,
            "0.0.0.0/0",
            Target::NatGateway(nat),
        );
        b.associate(
            "aws_route_table_association.private",
            private_table,
            private,
        );
        Estate {
            b,
            vpc,
            public,
            private,
            private_table,
        }
    }

    #[test]
    fn flags_an_internet_facing_alb_in_a_private_subnet() {
        let mut e = estate();
        e.b.load_balancer(
            "aws_lb.web",
            LoadBalancerKind::Application,
            Scheme::InternetFacing,
            &[e.public, e.private],
        );
        let network = e.b.finish();
        let findings = InternetFacingLbPrivateSubnet.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "internet-facing application load balancer aws_lb.web uses subnet aws_subnet.private \
             (10.0.2.0/24): route table aws_route_table.private sends 0.0.0.0/0 to \
             aws_nat_gateway.a, not to an internet gateway, so internet clients cannot reach \
             the load balancer there"
        );
        let lb = &network.load_balancers[crate::model::LoadBalancerId::new(0)];
        assert_eq!(findings[0].primary.span, lb.subnets[1].span);
        assert_eq!(findings[0].related[1].address, "aws_route.nat");
    }

    #[test]
    fn flags_a_subnet_without_default_route() {
        let mut e = estate();
        let isolated = e.b.subnet("aws_subnet.isolated", e.vpc, "10.0.3.0/24");
        let table = e.b.route_table("aws_route_table.isolated", e.vpc);
        e.b.associate("aws_route_table_association.isolated", table, isolated);
        e.b.load_balancer(
            "aws_elb.legacy",
            LoadBalancerKind::Classic,
            Scheme::InternetFacing,
            &[isolated],
        );
        let findings = InternetFacingLbPrivateSubnet.check(&e.b.finish());
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .contains("has no 0.0.0.0/0 route to an internet gateway"));
    }

    #[test]
    fn internal_gateway_public_and_ipv6_only_placements_pass() {
        let mut e = estate();
        e.b.load_balancer(
            "aws_lb.internal",
            LoadBalancerKind::Application,
            Scheme::Internal,
            &[e.private],
        );
        e.b.load_balancer(
            "aws_lb.gwlb",
            LoadBalancerKind::Gateway,
            Scheme::InternetFacing,
            &[e.private],
        );
        e.b.load_balancer(
            "aws_lb.public",
            LoadBalancerKind::Network,
            Scheme::InternetFacing,
            &[e.public],
        );
        let v6 = e.b.subnet("aws_subnet.v6", e.vpc, "10.0.4.0/24");
        let v6_table = e.b.route_table("aws_route_table.v6", e.vpc);
        let igw = crate::model::InternetGatewayId::new(0);
        e.b.route(
            "aws_route.v6",
            v6_table,
            "::/0",
            Target::InternetGateway(igw),
        );
        e.b.associate("aws_route_table_association.v6", v6_table, v6);
        e.b.load_balancer(
            "aws_lb.v6",
            LoadBalancerKind::Application,
            Scheme::InternetFacing,
            &[v6],
        );
        // No association, AWS's implicit main route table: unknown.
        let implicit = e.b.subnet("aws_subnet.implicit", e.vpc, "10.0.5.0/24");
        e.b.load_balancer(
            "aws_lb.implicit",
            LoadBalancerKind::Application,
            Scheme::InternetFacing,
            &[implicit],
        );
        assert!(InternetFacingLbPrivateSubnet
            .check(&e.b.finish())
            .is_empty());
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let mut e = estate();
        let lb = e.b.load_balancer(
            "aws_lb.web",
            LoadBalancerKind::Application,
            Scheme::InternetFacing,
            &[e.private],
        );
        let nat_route = crate::model::RouteId::new(1);
        let mut network = e.b.finish();
        assert_eq!(InternetFacingLbPrivateSubnet.check(&network).len(), 1);
        network.load_balancers[lb].scheme.value = None;
        assert!(InternetFacingLbPrivateSubnet.check(&network).is_empty());
        network.load_balancers[lb].scheme.value = Some(Scheme::InternetFacing);
        network.load_balancers[lb].kind.value = None;
        assert!(InternetFacingLbPrivateSubnet.check(&network).is_empty());
        network.load_balancers[lb].kind.value = Some(LoadBalancerKind::Application);
        network.routes[nat_route].target.value = None;
        assert!(InternetFacingLbPrivateSubnet.check(&network).is_empty());
        network.routes[nat_route].target.value =
            Some(Target::NatGateway(crate::model::NatGatewayId::new(0)));
        network.routes[nat_route].destination.value = Some(Destination::PrefixList(None));
        assert!(InternetFacingLbPrivateSubnet.check(&network).is_empty());
        network.load_balancers[lb].subnets[0].value = None;
        assert!(InternetFacingLbPrivateSubnet.check(&network).is_empty());
        assert_eq!(
            network.routes[nat_route].route_table.copied(),
            Some(e.private_table)
        );
    }
}
