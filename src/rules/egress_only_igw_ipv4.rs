//! `egress-only-igw-ipv4`: an IPv4 destination routed to an egress-only internet gateway,
//! which carries IPv6 only.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::{Destination, Network, Target};

pub struct EgressOnlyIgwIpv4;

static META: RuleMeta = RuleMeta {
    name: "egress-only-igw-ipv4",
    level: Level::Error,
    summary: "An IPv4 destination routed to an egress-only internet gateway (IPv6 only).",
    doc: include_str!("../../rules/egress-only-igw-ipv4.md"),
};

impl Rule for EgressOnlyIgwIpv4 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let mut findings = Vec::new();
        for route in network.routes.values() {
            let (Some(Destination::Ipv4(destination)), Some(Target::EgressOnlyIgw(gateway))) =
                (route.destination.copied(), route.target.copied())
            else {
                continue;
            };
            let gateway = &network.egress_only_igws[gateway].origin;
            findings.push(Finding {
                rule: META.name,
                level: META.level,
                message: format!(
                    "route {destination} -> {}: an egress-only internet gateway carries IPv6 \
                     traffic only, so AWS rejects an IPv4 destination",
                    gateway.address
                ),
                primary: Label::of(route.destination.span, &route.origin, "IPv4 destination"),
                related: vec![Label::of(
                    gateway.name_span,
                    gateway,
                    "egress-only internet gateway (IPv6 only)",
                )],
                help: "route IPv6 (`::/0`) to the egress-only internet gateway, and IPv4 \
                       egress to a NAT gateway"
                    .to_string(),
            });
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;

    #[test]
    fn flags_ipv4_routes_to_an_egress_only_gateway_and_passes_ipv6_ones() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let eigw = b.egress_only_igw("aws_egress_only_internet_gateway.a", vpc);
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let rt = b.route_table("aws_route_table.private", vpc);
        let bad = b.route("aws_route.v4", rt, "0.0.0.0/0", Target::EgressOnlyIgw(eigw));
        b.route("aws_route.v6", rt, "::/0", Target::EgressOnlyIgw(eigw));
        b.route(
            "aws_route.igw",
            rt,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        let network = b.finish();
        let findings = EgressOnlyIgwIpv4.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "route 0.0.0.0/0 -> aws_egress_only_internet_gateway.a: an egress-only internet \
             gateway carries IPv6 traffic only, so AWS rejects an IPv4 destination"
        );
        assert_eq!(
            findings[0].primary.span,
            network.routes[bad].destination.span
        );
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let eigw = b.egress_only_igw("aws_egress_only_internet_gateway.a", vpc);
        let rt = b.route_table("aws_route_table.private", vpc);
        let r = b.route("aws_route.x", rt, "0.0.0.0/0", Target::EgressOnlyIgw(eigw));
        b.network.routes[r].destination.value = None;
        let r = b.route("aws_route.y", rt, "0.0.0.0/0", Target::EgressOnlyIgw(eigw));
        b.network.routes[r].target.value = None;
        assert!(EgressOnlyIgwIpv4.check(&b.finish()).is_empty());
    }
}
