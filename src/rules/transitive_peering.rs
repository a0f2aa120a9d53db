//! `transitive-peering`: a route over peering connection A↔B whose destination is not
//! inside B's blocks. Peering is not transitive and has no edge-to-edge routing, so the
//! peer drops everything not addressed to itself.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::VpcCidrs;
use crate::model::analysis::peering::{peering_forwarding, PeeringForwarding};
use crate::model::{Destination, Network, PeeringId, Route, Target, VpcId};
use ipnet::Ipv4Net;

pub struct TransitivePeering;

static META: RuleMeta = RuleMeta {
    name: "transitive-peering",
    level: Level::Error,
    summary: "A route over a peering connection to a destination outside the peer VPC.",
    doc: include_str!("../../rules/transitive-peering.md"),
};

impl Rule for TransitivePeering {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let cidrs = VpcCidrs::new(network);
        let mut findings = Vec::new();
        for route in network.routes.values() {
            let (Some(Target::Peering(peering)), Some(Destination::Ipv4(destination))) =
                (route.target.copied(), route.destination.copied())
            else {
                continue;
            };
            let Some(own_vpc) = route
                .route_table
                .copied()
                .and_then(|t| network.route_tables[t].vpc.copied())
            else {
                continue;
            };
            // The same forwarding decision `vpclint reach` takes for a packet.
            if let PeeringForwarding::OutsidePeer(peer) =
                peering_forwarding(network, &cidrs, peering, own_vpc, destination)
            {
                findings.push(finding(network, &cidrs, route, destination, peering, peer));
            }
        }
        findings
    }
}

fn finding(
    network: &Network,
    cidrs: &VpcCidrs,
    route: &Route,
    destination: Ipv4Net,
    peering: PeeringId,
    peer: VpcId,
) -> Finding {
    let connection = &network.peerings[peering];
    let peer_address = &network.vpcs[peer].origin.address;
    let blocks = cidrs.describe(peer);
    let covers_peer = cidrs
        .blocks(peer)
        .iter()
        .any(|b| destination.contains(&b.net));
    let why = if covers_peer {
        format!(
            "{destination} is wider than vpc {peer_address} ({blocks}): only {blocks} reaches \
             the peer, the rest is dropped (peering is not transitive and the peer's gateways \
             do not forward it)"
        )
    } else {
        format!("{destination} is outside vpc {peer_address} ({blocks}); peering is not transitive")
    };
    let mut related = vec![Label::new(
        connection.origin.name_span,
        &connection.origin.address,
        format!("peering with vpc {peer_address}"),
    )];
    related.extend(
        cidrs
            .blocks(peer)
            .iter()
            .map(|b| Label::new(b.span, b.address, format!("peer block {}", b.net))),
    );
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "route {destination} -> {}: {why}",
            connection.origin.address
        ),
        primary: Label::new(
            route.destination.span,
            &route.origin.address,
            format!("not inside vpc {peer_address}"),
        ),
        related,
        help: format!(
            "route only the peer's blocks ({blocks}) over this connection; reach other networks \
             through their own peering connection, a transit gateway or a VPN"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{PeeringId, RouteTableId};

    /// a (10.0.0.0/16) peered with b (10.1.0.0/16 + 10.9.0.0/16), b peered with c.
    fn estate() -> (NetworkBuilder, RouteTableId, PeeringId) {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let vpc_b = b.vpc("aws_vpc.b", "10.1.0.0/16");
        b.secondary_cidr(
            "aws_vpc_ipv4_cidr_block_association.b",
            vpc_b,
            "10.9.0.0/16",
        );
        let c = b.vpc("aws_vpc.c", "10.2.0.0/16");
        let ab = b.peering("aws_vpc_peering_connection.ab", a, vpc_b);
        b.peering("aws_vpc_peering_connection.bc", vpc_b, c);
        let rt = b.route_table("aws_route_table.a", a);
        (b, rt, ab)
    }

    #[test]
    fn flags_a_route_to_the_peers_peer() {
        let (mut b, rt, ab) = estate();
        let route = b.route("aws_route.to_c", rt, "10.2.0.0/16", Target::Peering(ab));
        let network = b.finish();
        let findings = TransitivePeering.check(&network);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            f.message,
            "route 10.2.0.0/16 -> aws_vpc_peering_connection.ab: 10.2.0.0/16 is outside vpc \
             aws_vpc.b (10.1.0.0/16, 10.9.0.0/16); peering is not transitive"
        );
        assert_eq!(f.primary.span, network.routes[route].destination.span);
        assert_eq!(f.primary.address, "aws_route.to_c");
        assert_eq!(f.related[0].address, "aws_vpc_peering_connection.ab");
        assert_eq!(f.related.len(), 3);
    }

    #[test]
    fn flags_a_default_route_over_peering() {
        let (mut b, rt, ab) = estate();
        b.route("aws_route.default", rt, "0.0.0.0/0", Target::Peering(ab));
        let findings = TransitivePeering.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.ends_with(
            "only 10.1.0.0/16, 10.9.0.0/16 reaches the peer, the rest is dropped \
                        (peering is not transitive and the peer's gateways do not forward it)"
        ));
    }

    #[test]
    fn routes_inside_the_peer_pass_including_secondary_blocks_and_from_the_accepter_side() {
        let (mut b, rt, ab) = estate();
        b.route("aws_route.b", rt, "10.1.0.0/16", Target::Peering(ab));
        b.route(
            "aws_route.b_secondary",
            rt,
            "10.9.0.0/16",
            Target::Peering(ab),
        );
        b.route("aws_route.b_subnet", rt, "10.1.4.0/24", Target::Peering(ab));
        let vpc_b = VpcId::new(1);
        let rt_b = b.route_table("aws_route_table.b", vpc_b);
        b.route("aws_route.back", rt_b, "10.0.0.0/16", Target::Peering(ab));
        assert!(TransitivePeering.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let (mut b, rt, ab) = estate();
        // Unknown destination.
        let r = b.route("aws_route.x", rt, "10.2.0.0/16", Target::Peering(ab));
        b.network.routes[r].destination.value = None;
        // Unknown target.
        let r = b.route("aws_route.y", rt, "10.2.0.0/16", Target::Peering(ab));
        b.network.routes[r].target.value = None;
        // Peer VPC unknown (a VPC outside the analyzed code).
        let a = VpcId::new(0);
        let outside = b.peering("aws_vpc_peering_connection.ax", a, a);
        b.network.peerings[outside].accepter_vpc.value = None;
        b.route("aws_route.z", rt, "172.16.0.0/12", Target::Peering(outside));
        // Peer with a block of unknown value.
        let ipam = b.vpc("aws_vpc.d", "10.3.0.0/16");
        let unknown_block =
            b.secondary_cidr("aws_vpc_ipv4_cidr_block_association.d", ipam, "10.4.0.0/16");
        b.network.cidr_blocks[unknown_block].cidr.value = None;
        let ad = b.peering("aws_vpc_peering_connection.ad", a, ipam);
        b.route("aws_route.d", rt, "10.4.0.0/16", Target::Peering(ad));
        // Route table of unknown VPC.
        let orphan = b.route_table("aws_route_table.orphan", a);
        b.network.route_tables[orphan].vpc.value = None;
        b.route("aws_route.w", orphan, "10.2.0.0/16", Target::Peering(ab));
        assert!(TransitivePeering.check(&b.finish()).is_empty());
    }
}
