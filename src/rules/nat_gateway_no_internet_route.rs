//! `nat-gateway-no-internet-route`: a public NAT gateway whose subnet's route table does
//! not send `0.0.0.0/0` to an internet gateway of the VPC: the gateway has no way out.

use super::no_internet_route::{self, NoInternetRoute};
use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::VpcCidrs;
use crate::model::analysis::internet::without_internet_gateway_route;
use crate::model::analysis::routing::RoutingIndex;
use crate::model::{Connectivity, NatGateway, Network, RouteTableId, SubnetId, Target};

pub struct NatGatewayNoInternetRoute;

static META: RuleMeta = RuleMeta {
    name: "nat-gateway-no-internet-route",
    level: Level::Error,
    summary: "A public NAT gateway in a subnet without a default route to an internet gateway.",
    doc: include_str!("../../rules/nat-gateway-no-internet-route.md"),
};

impl Rule for NatGatewayNoInternetRoute {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        if network.nat_gateways.is_empty() {
            return Vec::new();
        }
        let routing = RoutingIndex::new(network);
        let cidrs = VpcCidrs::new(network);
        network
            .nat_gateways
            .values()
            .filter(|nat| nat.connectivity.copied() == Some(Connectivity::Public))
            .filter_map(|nat| {
                let subnet = nat.subnet.copied()?;
                let (table, default) =
                    without_internet_gateway_route(network, &routing, &cidrs, subnet)?;
                Some(finding(network, nat, subnet, table, default))
            })
            .collect()
    }
}

fn finding(
    network: &Network,
    nat: &NatGateway,
    subnet: SubnetId,
    table: RouteTableId,
    default: Option<(crate::model::RouteId, Target)>,
) -> Finding {
    let NoInternetRoute {
        cidr,
        related,
        what,
    } = no_internet_route::explain(
        network,
        subnet,
        table,
        default,
        "an internet gateway of the VPC",
    );
    let subnet = &network.subnets[subnet];
    let table = &network.route_tables[table].origin;
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "nat gateway {} in subnet {}{cidr}: route table {} {what}, so the NAT gateway cannot reach the internet",
            nat.origin.address, subnet.origin.address, table.address
        ),
        primary: Label::of(
            nat.subnet.span,
            &nat.origin,
            "public NAT gateway in a subnet without internet access",
        ),
        related,
        help: format!(
            "place the NAT gateway in a public subnet (one whose route table sends 0.0.0.0/0 to \
             the VPC's internet gateway), add that route to {}, or set connectivity_type = \
             \"private\" (CloudFormation `ConnectivityType: private`) if it is meant for private \
             NAT",
            table.address
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{net, NetworkBuilder};
    use crate::model::{Destination, EndpointKind, Id, VpcId};

    struct Estate {
        b: NetworkBuilder,
        vpc: VpcId,
        nat_subnet: SubnetId,
        table: RouteTableId,
    }

    /// A VPC with an IGW, a NAT gateway subnet associated with `aws_route_table.nat`.
    fn estate() -> Estate {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let nat_subnet = b.subnet("aws_subnet.public_a", vpc, "10.0.1.0/24");
        let table = b.route_table("aws_route_table.nat", vpc);
        b.associate("aws_route_table_association.a", table, nat_subnet);
        b.nat_gateway("aws_nat_gateway.a", nat_subnet);
        Estate {
            b,
            vpc,
            nat_subnet,
            table,
        }
    }

    #[test]
    fn flags_a_nat_gateway_in_a_subnet_without_default_route() {
        let e = estate();
        let network = e.b.finish();
        let findings = NatGatewayNoInternetRoute.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "nat gateway aws_nat_gateway.a in subnet aws_subnet.public_a (10.0.1.0/24): route \
             table aws_route_table.nat has no 0.0.0.0/0 route to an internet gateway of the VPC, \
             so the NAT gateway cannot reach the internet"
        );
        assert_eq!(
            findings[0].primary.span,
            network.nat_gateways[crate::model::NatGatewayId::new(0)]
                .subnet
                .span
        );
        assert_eq!(findings[0].related[0].address, "aws_route_table.nat");
    }

    #[test]
    fn flags_a_default_route_to_another_nat_gateway() {
        let mut e = estate();
        let other = e.b.subnet("aws_subnet.public_b", e.vpc, "10.0.2.0/24");
        let nat_b = e.b.nat_gateway("aws_nat_gateway.b", other);
        e.b.route(
            "aws_route.x",
            e.table,
            "0.0.0.0/0",
            Target::NatGateway(nat_b),
        );
        let findings = NatGatewayNoInternetRoute.check(&e.b.finish());
        // aws_nat_gateway.b is in a subnet with AWS's implicit main table: silent.
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .contains("sends 0.0.0.0/0 to aws_nat_gateway.b, not to an internet gateway"));
    }

    #[test]
    fn passes_with_a_default_route_to_the_igw_or_a_firewall_endpoint() {
        let mut e = estate();
        let igw = e.b.internet_gateway("aws_internet_gateway.a", e.vpc);
        e.b.route(
            "aws_route.igw",
            e.table,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        let inspected = e.b.subnet("aws_subnet.public_b", e.vpc, "10.0.2.0/24");
        let firewall_table = e.b.route_table("aws_route_table.fw", e.vpc);
        e.b.associate("aws_route_table_association.b", firewall_table, inspected);
        let endpoint = e.b.vpc_endpoint(
            "aws_vpc_endpoint.fw",
            e.vpc,
            EndpointKind::GatewayLoadBalancer,
        );
        e.b.route(
            "aws_route.fw",
            firewall_table,
            "0.0.0.0/0",
            Target::VpcEndpoint(endpoint),
        );
        e.b.nat_gateway("aws_nat_gateway.b", inspected);
        assert!(NatGatewayNoInternetRoute.check(&e.b.finish()).is_empty());
    }

    #[test]
    fn private_nat_gateways_and_implicit_main_tables_pass() {
        let mut e = estate();
        let nat = crate::model::NatGatewayId::new(0);
        e.b.network.nat_gateways[nat].connectivity = e.b.known(Connectivity::Private);
        let unassociated = e.b.subnet("aws_subnet.c", e.vpc, "10.0.3.0/24");
        e.b.nat_gateway("aws_nat_gateway.c", unassociated);
        assert!(NatGatewayNoInternetRoute.check(&e.b.finish()).is_empty());
    }

    #[test]
    fn a_managed_main_table_without_default_route_is_flagged() {
        let mut e = estate();
        let main = e.b.route_table("aws_default_route_table.a", e.vpc);
        e.b.make_main(main);
        let unassociated = e.b.subnet("aws_subnet.c", e.vpc, "10.0.3.0/24");
        e.b.nat_gateway("aws_nat_gateway.c", unassociated);
        let findings = NatGatewayNoInternetRoute.check(&e.b.finish());
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[1].related[0].address, "aws_default_route_table.a");
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let mut e = estate();
        let nat = crate::model::NatGatewayId::new(0);
        let route = e.b.route(
            "aws_route.x",
            e.table,
            "172.16.0.0/12",
            Target::NatGateway(nat),
        );
        let mut network = e.b.finish();
        assert_eq!(NatGatewayNoInternetRoute.check(&network).len(), 1);
        network.routes[route].target.value = None;
        assert!(NatGatewayNoInternetRoute.check(&network).is_empty());
        network.routes[route].target.value = Some(Target::NatGateway(nat));
        network.routes[route].destination.value = None;
        assert!(NatGatewayNoInternetRoute.check(&network).is_empty());
        network.routes[route].destination.value = Some(Destination::PrefixList(None));
        assert!(NatGatewayNoInternetRoute.check(&network).is_empty());
        network.routes[route].destination.value = Some(Destination::Ipv4(net("172.16.0.0/12")));
        network.nat_gateways[nat].connectivity.value = None;
        assert!(NatGatewayNoInternetRoute.check(&network).is_empty());
        network.nat_gateways[nat].connectivity.value = Some(Connectivity::Public);
        network.nat_gateways[nat].subnet.value = None;
        assert!(NatGatewayNoInternetRoute.check(&network).is_empty());
        network.nat_gateways[nat].subnet.value = Some(e.nat_subnet);
        network.route_table_associations[Id::new(0)]
            .route_table
            .value = None;
        assert!(NatGatewayNoInternetRoute.check(&network).is_empty());
    }
}
