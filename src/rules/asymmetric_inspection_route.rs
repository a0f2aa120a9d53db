//! `asymmetric-inspection-route`: a route table associated with an internet gateway or a
//! virtual private gateway sends a subnet's inbound traffic through a middlebox, while the
//! subnet's own route table sends the return traffic straight to that gateway. The
//! stateful middlebox sees half of each flow and drops or misses it.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::VpcCidrs;
use crate::model::analysis::edge::{
    direct_return, edge_tables, gateway_target, inspected_ingress, subnets_by_vpc, DirectReturn,
    EdgeTable,
};
use crate::model::analysis::middlebox::MiddleboxHosts;
use crate::model::analysis::routing::{target_address, RoutingIndex};
use crate::model::{EdgeGateway, Field, Network, RouteId, RouteTableId, SubnetId, Target};
use ipnet::IpNet;

pub struct AsymmetricInspectionRoute;

static META: RuleMeta = RuleMeta {
    name: "asymmetric-inspection-route",
    level: Level::Error,
    summary: "A gateway's edge route table inspects a subnet's inbound traffic, but the subnet returns traffic straight to the gateway.",
    doc: include_str!("../../rules/asymmetric-inspection-route.md"),
};

impl Rule for AsymmetricInspectionRoute {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let edges = edge_tables(network);
        if edges.is_empty() {
            return Vec::new();
        }
        let routing = RoutingIndex::new(network);
        let cidrs = VpcCidrs::new(network);
        let hosts = MiddleboxHosts::new(network);
        let by_vpc = subnets_by_vpc(network);
        let mut findings = Vec::new();
        for edge in &edges {
            for &subnet in &by_vpc[edge.vpc.index()] {
                let s = &network.subnets[subnet];
                let v4 = s.cidr.as_ref().and_then(Field::copied).map(|c| c.network());
                let v6 = s.ipv6_cidr.as_ref().and_then(Field::copied);
                let blocks = [v4.map(IpNet::V4), v6.map(IpNet::V6)];
                for block in blocks.into_iter().flatten() {
                    let Some(ingress) =
                        inspected_ingress(network, &routing, &cidrs, edge.table, block)
                    else {
                        continue;
                    };
                    // The appliance side (the endpoints' own subnets) rightly routes
                    // straight to the gateway.
                    if hosts.hosts_middlebox(network, subnet) != Some(false) {
                        continue;
                    }
                    let Some(table) = routing.subnet_route_table(subnet) else {
                        continue;
                    };
                    let Some(back) =
                        direct_return(network, &routing, &cidrs, table, edge.gateway, block)
                    else {
                        continue;
                    };
                    let path = Asymmetry {
                        edge,
                        ingress,
                        subnet,
                        block,
                        table,
                        back,
                    };
                    findings.push(finding(network, &path));
                }
            }
        }
        findings
    }
}

struct Asymmetry<'e> {
    edge: &'e EdgeTable,
    ingress: RouteId,
    subnet: SubnetId,
    block: IpNet,
    table: RouteTableId,
    back: DirectReturn,
}

fn finding(network: &Network, path: &Asymmetry) -> Finding {
    let gateway = target_address(network, gateway_target(path.edge.gateway)).unwrap_or("?");
    let gateway_kind = match path.edge.gateway {
        EdgeGateway::InternetGateway(_) => "internet gateway",
        EdgeGateway::VpnGateway(_) => "virtual private gateway",
    };
    let ingress = &network.routes[path.ingress];
    let destination = ingress
        .destination
        .copied()
        .and_then(|d| d.cidr())
        .map_or("?".to_string(), |d| d.to_string());
    let middlebox = ingress
        .target
        .copied()
        .map_or("?".to_string(), |t| describe_middlebox(network, t));
    let subnet = &network.subnets[path.subnet];
    let table = &network.route_tables[path.table].origin.address;
    let edge_table = &network.route_tables[path.edge.table].origin.address;
    let (primary, back, prefix) = match path.back {
        DirectReturn::Route(route) => {
            let r = &network.routes[route];
            let prefix = r
                .destination
                .copied()
                .and_then(|d| d.cidr())
                .map_or("?".to_string(), |d| d.to_string());
            (
                Label::of(
                    r.target.span,
                    &r.origin,
                    format!("{prefix} straight to {gateway}"),
                ),
                match r.origin.address == *table {
                    true => format!("route {prefix} -> {gateway}"),
                    false => format!("route {prefix} -> {gateway} ({})", r.origin.address),
                },
                prefix,
            )
        }
        DirectReturn::Propagated(propagation, prefix) => {
            let p = &network.vgw_propagations[propagation];
            (
                Label::of(
                    p.vpn_gateway.span,
                    &p.origin,
                    format!("propagates {prefix} straight to {gateway}"),
                ),
                format!(
                    "route {prefix} -> {gateway} propagated by {}",
                    p.origin.address
                ),
                prefix.to_string(),
            )
        }
    };
    let association = &network.route_table_associations[path.edge.association];
    let mut related = vec![Label::of(
        ingress.target.span,
        &ingress.origin,
        format!("{destination} to {middlebox}"),
    )];
    if let Some(field) = &association.gateway {
        related.push(Label::of(
            field.span,
            &association.origin,
            format!("edge association with {gateway}"),
        ));
    }
    let zone = subnet
        .az
        .get()
        .map_or(String::new(), |az| format!(" ({az})"));
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "route table {edge_table}, associated with {gateway_kind} {gateway}, sends \
             {destination} to {middlebox}, but subnet {} ({}) in that range uses route table \
             {table}, whose {back} returns traffic straight to the gateway: the two \
             directions of each flow take different paths and the stateful inspection sees \
             only one of them",
            subnet.origin.address, path.block,
        ),
        primary,
        related,
        help: match path.back {
            DirectReturn::Route(_) => format!(
                "route {prefix} of subnet {} to the middlebox endpoint in its Availability \
                 Zone{zone} instead of the gateway, so that replies pass the same inspection \
                 as the traffic that reaches the subnet",
                subnet.origin.address
            ),
            DirectReturn::Propagated(..) => format!(
                "add a static route {prefix} to the middlebox endpoint in the Availability \
                 Zone{zone} of subnet {} to route table {table} (a static route beats a \
                 propagated one of the same prefix), so that replies pass the same inspection \
                 as the traffic that reaches the subnet",
                subnet.origin.address
            ),
        },
    }
}

fn describe_middlebox(network: &Network, target: Target) -> String {
    let address = target_address(network, target).unwrap_or("?");
    match target {
        Target::FirewallEndpoint(_) => format!("an endpoint of the Network Firewall {address}"),
        Target::VpcEndpoint(_) => format!("the Gateway Load Balancer endpoint {address}"),
        _ => format!("the appliance {address}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{EndpointKind, RouteTableId, SubnetId, VpcEndpointId};

    struct Estate {
        b: NetworkBuilder,
        endpoint: VpcEndpointId,
        igw: Target,
        app_table: RouteTableId,
        app: SubnetId,
    }

    /// VPC 10.0.0.0/16: a Gateway Load Balancer endpoint in its own subnet, an internet
    /// gateway whose edge table sends the app subnet's block to the endpoint, and the app
    /// subnet's table with no route yet.
    fn estate() -> Estate {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let igw_id = b.internet_gateway("aws_internet_gateway.a", vpc);
        let igw = Target::InternetGateway(igw_id);
        let endpoint_subnet = b.subnet("aws_subnet.endpoint", vpc, "10.0.0.0/28");
        let app = b.subnet("aws_subnet.app", vpc, "10.0.1.0/24");
        let endpoint = b.vpc_endpoint(
            "aws_vpc_endpoint.gwlb",
            vpc,
            EndpointKind::GatewayLoadBalancer,
        );
        let field = b.known(endpoint_subnet);
        b.network.vpc_endpoints[endpoint].subnets.push(field);
        let edge = b.route_table("aws_route_table.edge", vpc);
        b.associate_edge(
            "aws_route_table_association.edge",
            edge,
            EdgeGateway::InternetGateway(igw_id),
        );
        b.route(
            "aws_route.edge",
            edge,
            "10.0.1.0/24",
            Target::VpcEndpoint(endpoint),
        );
        let endpoint_table = b.route_table("aws_route_table.endpoint", vpc);
        b.route("aws_route.endpoint", endpoint_table, "0.0.0.0/0", igw);
        b.associate("assoc_endpoint", endpoint_table, endpoint_subnet);
        let app_table = b.route_table("aws_route_table.app", vpc);
        b.associate("assoc_app", app_table, app);
        Estate {
            b,
            endpoint,
            igw,
            app_table,
            app,
        }
    }

    #[test]
    fn flags_a_direct_return_to_the_internet_gateway() {
        let mut e = estate();
        e.b.route("aws_route.app", e.app_table, "0.0.0.0/0", e.igw);
        let findings = AsymmetricInspectionRoute.check(&e.b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].primary.address, "aws_route.app");
        assert!(findings[0].message.contains(
            "sends 10.0.1.0/24 to the Gateway Load Balancer endpoint aws_vpc_endpoint.gwlb, \
             but subnet aws_subnet.app (10.0.1.0/24)"
        ));
    }

    #[test]
    fn east_west_inspection_routes_do_not_hide_the_internet_return() {
        let mut e = estate();
        e.b.route("aws_route.app", e.app_table, "0.0.0.0/0", e.igw);
        let endpoint = Target::VpcEndpoint(e.endpoint);
        e.b.route("aws_route.east_west", e.app_table, "10.0.2.0/24", endpoint);
        assert_eq!(AsymmetricInspectionRoute.check(&e.b.finish()).len(), 1);
    }

    #[test]
    fn passes_a_return_through_the_middlebox() {
        let mut e = estate();
        let endpoint = Target::VpcEndpoint(e.endpoint);
        e.b.route("aws_route.app", e.app_table, "0.0.0.0/0", endpoint);
        assert!(AsymmetricInspectionRoute.check(&e.b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_stay_silent() {
        let mut e = estate();
        let r = e.b.route("aws_route.app", e.app_table, "0.0.0.0/0", e.igw);
        e.b.route("aws_route.x", e.app_table, "10.9.0.0/16", Target::Other);
        e.b.network.routes[r].target.value = None;
        assert!(AsymmetricInspectionRoute.check(&e.b.finish()).is_empty());
        // An endpoint of unknown subnet may sit in the app subnet.
        let mut e = estate();
        e.b.route("aws_route.app", e.app_table, "0.0.0.0/0", e.igw);
        let unknown = e.b.unknown();
        e.b.network.vpc_endpoints[e.endpoint].subnets = vec![unknown];
        assert!(AsymmetricInspectionRoute.check(&e.b.finish()).is_empty());
        // The app subnet's block is unknown.
        let mut e = estate();
        e.b.route("aws_route.app", e.app_table, "0.0.0.0/0", e.igw);
        if let Some(cidr) = e.b.network.subnets[e.app].cidr.as_mut() {
            cidr.value = None;
        }
        assert!(AsymmetricInspectionRoute.check(&e.b.finish()).is_empty());
    }
}
