//! `duplicate-route`: two static routes with the same destination in one route table.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::grouped::Grouped;
use crate::model::analysis::prefix_list::describe;
use crate::model::analysis::source_order::source_order;
use crate::model::{Destination, Network, Route, RouteId};

pub struct DuplicateRoute;

static META: RuleMeta = RuleMeta {
    name: "duplicate-route",
    level: Level::Error,
    summary: "Two static routes with the same destination in one route table.",
    doc: include_str!("../../rules/duplicate-route.md"),
};

impl Rule for DuplicateRoute {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        // The routes of each table: an estate has hundreds of thousands of routes, and a key
        // per route would be most of the rule's memory.
        let by_table = Grouped::new(
            network.route_tables.len(),
            network
                .routes
                .iter()
                .filter_map(|(id, route)| Some((route.route_table.copied()?.index(), id))),
        );
        let mut findings = Vec::new();
        for routes in by_table.groups() {
            duplicates_in_table(network, routes, &mut findings);
        }
        findings
    }
}

/// The duplicate destinations among the routes of one table.
fn duplicates_in_table(network: &Network, routes: &[RouteId], findings: &mut Vec<Finding>) {
    // (IP version, address, prefix length) of every known destination, sorted so that
    // duplicates are adjacent.
    let mut keyed: Vec<((u8, u128, u8), RouteId)> = routes
        .iter()
        .filter_map(|&id| {
            let key = match network.routes[id].destination.copied()? {
                Destination::Ipv4(net) => (4, u32::from(net.addr()).into(), net.prefix_len()),
                Destination::Ipv6(net) => (6, u128::from(net.addr()), net.prefix_len()),
                // The same customer-managed list twice; lists not in the code have no identity.
                Destination::PrefixList(list) => (0, list?.index() as u128, 0),
            };
            Some((key, id))
        })
        .collect();
    keyed.sort_unstable();
    for group in keyed.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        let mut routes: Vec<RouteId> = group.iter().map(|&(_, id)| id).collect();
        routes.sort_by(|&a, &b| {
            source_order(
                network,
                &network.routes[a].origin,
                &network.routes[b].origin,
            )
        });
        let first = &network.routes[routes[0]];
        let destination = match first.destination.copied() {
            Some(Destination::Ipv4(net)) => net.to_string(),
            Some(Destination::Ipv6(net)) => net.to_string(),
            Some(Destination::PrefixList(list)) => describe(network, list),
            None => continue,
        };
        for &later in &routes[1..] {
            findings.push(finding(
                network,
                &destination,
                first,
                &network.routes[later],
            ));
        }
    }
}

fn finding(network: &Network, destination: &str, first: &Route, duplicate: &Route) -> Finding {
    let table = duplicate
        .route_table
        .copied()
        .map(|t| network.route_tables[t].origin.address.as_str())
        .unwrap_or_default();
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "route table {table} has two routes to {destination} ({} and {}): AWS rejects the \
             second (RouteAlreadyExists)",
            first.origin.address, duplicate.origin.address
        ),
        primary: Label::of(
            duplicate.destination.span,
            &duplicate.origin,
            format!("second route to {destination}"),
        ),
        related: vec![Label::of(
            first.destination.span,
            &first.origin,
            format!("first route to {destination}"),
        )],
        help: "keep one route per destination in a route table; do not mix inline `route` \
               blocks and separate route resources for the same destination"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::Target;

    #[test]
    fn flags_the_second_route_to_the_same_destination() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let subnet = b.subnet("aws_subnet.a", vpc, "10.0.0.0/24");
        let nat = b.nat_gateway("aws_nat_gateway.a", subnet);
        let rt = b.route_table("aws_route_table.a", vpc);
        let first = b.route(
            "aws_route.igw",
            rt,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        let second = b.route("aws_route.nat", rt, "0.0.0.0/0", Target::NatGateway(nat));
        let network = b.finish();
        let findings = DuplicateRoute.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "route table aws_route_table.a has two routes to 0.0.0.0/0 (aws_route.igw and \
             aws_route.nat): AWS rejects the second (RouteAlreadyExists)"
        );
        assert_eq!(
            findings[0].primary.span,
            network.routes[second].destination.span
        );
        assert_eq!(
            findings[0].related[0].span,
            network.routes[first].destination.span
        );
    }

    #[test]
    fn same_destination_in_other_tables_and_other_prefixes_pass() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let public = b.route_table("aws_route_table.public", vpc);
        let other = b.route_table("aws_route_table.other", vpc);
        b.route(
            "aws_route.a",
            public,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        b.route(
            "aws_route.b",
            other,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        b.route(
            "aws_route.c",
            public,
            "0.0.0.0/1",
            Target::InternetGateway(igw),
        );
        b.route("aws_route.d", public, "::/0", Target::InternetGateway(igw));
        assert!(DuplicateRoute.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let rt = b.route_table("aws_route_table.a", vpc);
        b.route("aws_route.a", rt, "0.0.0.0/0", Target::InternetGateway(igw));
        let r = b.route("aws_route.b", rt, "0.0.0.0/0", Target::InternetGateway(igw));
        b.network.routes[r].destination.value = None;
        let r = b.route("aws_route.c", rt, "0.0.0.0/0", Target::InternetGateway(igw));
        b.network.routes[r].route_table.value = None;
        assert!(DuplicateRoute.check(&b.finish()).is_empty());
    }
}
