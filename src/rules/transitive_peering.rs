//! `transitive-peering`: a route over peering connection A↔B whose destination (an IPv4
//! or IPv6 CIDR, or an entry of a customer-managed prefix list) is not inside B's blocks.
//! Peering is not transitive and has no edge-to-edge routing, so the peer drops everything
//! not addressed to itself.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::{join_nets, VpcCidrs};
use crate::model::analysis::peering::{peer_of, peering_forwarding, PeerSide, PeeringForwarding};
use crate::model::analysis::prefix_list::{describe, known_entries};
use crate::model::{Destination, Network, PeeringId, PrefixListEntry, Route, Target, VpcId};
use ipnet::IpNet;

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
            let (Some(Target::Peering(peering)), Some(destination)) =
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
            let PeerSide::Peer(peer) = peer_of(network, peering, own_vpc) else {
                continue;
            };
            // The same forwarding decision `vpclint reach` takes for a packet.
            let outside = |net: IpNet| {
                matches!(
                    peering_forwarding(network, &cidrs, peering, own_vpc, net),
                    PeeringForwarding::OutsidePeer(_)
                )
            };
            let context = Context {
                network,
                cidrs: &cidrs,
                route,
                peering,
                peer,
            };
            match destination {
                Destination::PrefixList(list) => {
                    let offending: Vec<(IpNet, &PrefixListEntry)> = known_entries(network, list)
                        .filter(|&(net, _)| outside(net))
                        .collect();
                    if !offending.is_empty() {
                        findings.push(
                            context.prefix_list_finding(&describe(network, list), &offending),
                        );
                    }
                }
                Destination::Ipv4(_) | Destination::Ipv6(_) => {
                    if let Some(net) = destination.cidr().filter(|&net| outside(net)) {
                        findings.push(context.cidr_finding(net));
                    }
                }
            }
        }
        findings
    }
}

/// A route over a peering connection, seen from its peer.
struct Context<'a> {
    network: &'a Network,
    cidrs: &'a VpcCidrs<'a>,
    route: &'a Route,
    peering: PeeringId,
    peer: VpcId,
}

impl Context<'_> {
    fn peer_address(&self) -> &str {
        &self.network.vpcs[self.peer].origin.address
    }

    /// The peer's blocks of the family of `net`, for a message.
    fn blocks(&self, net: IpNet) -> String {
        self.cidrs.describe_family(self.peer, net)
    }

    /// The peering connection and the peer's blocks of the families of `nets`.
    fn related(&self, nets: &[IpNet]) -> Vec<Label> {
        let connection = &self.network.peerings[self.peering];
        let mut related = vec![Label::of(
            connection.origin.name_span,
            &connection.origin,
            format!("peering with vpc {}", self.peer_address()),
        )];
        let mut families: Vec<IpNet> = Vec::new();
        for &net in nets {
            if !families.iter().any(|f| same_family(*f, net)) {
                families.push(net);
            }
        }
        for family in families {
            related.extend(
                self.cidrs
                    .family_blocks(self.peer, family)
                    .into_iter()
                    .map(|b| Label::new(b.span, b.address, format!("peer block {}", b.net))),
            );
        }
        related
    }

    fn cidr_finding(&self, destination: IpNet) -> Finding {
        let peer_address = self.peer_address();
        let blocks = self.blocks(destination);
        let covers_peer = self
            .cidrs
            .family_blocks(self.peer, destination)
            .iter()
            .any(|b| destination.contains(&b.net));
        let why = if covers_peer {
            format!(
                "{destination} is wider than vpc {peer_address} ({blocks}): only {blocks} reaches \
                 the peer, the rest is dropped (peering is not transitive and the peer's gateways \
                 do not forward it)"
            )
        } else {
            format!(
                "{destination} is outside vpc {peer_address} ({blocks}); peering is not transitive"
            )
        };
        Finding {
            rule: META.name,
            level: META.level,
            message: format!(
                "route {destination} -> {}: {why}",
                self.network.peerings[self.peering].origin.address
            ),
            primary: Label::of(
                self.route.destination.span,
                &self.route.origin,
                format!("not inside vpc {peer_address}"),
            ),
            related: self.related(&[destination]),
            help: format!(
                "route only the peer's blocks ({blocks}) over this connection; reach other networks \
                 through their own peering connection, a transit gateway or a VPN"
            ),
        }
    }

    /// A route to a prefix list with entries outside the peer: one finding naming them all.
    fn prefix_list_finding(&self, list: &str, offending: &[(IpNet, &PrefixListEntry)]) -> Finding {
        let peer_address = self.peer_address();
        let nets: Vec<IpNet> = offending.iter().map(|&(net, _)| net).collect();
        let mut described: Vec<String> = Vec::new();
        for &net in &nets {
            let family = self.blocks(net);
            if !described.contains(&family) {
                described.push(family);
            }
        }
        let blocks = described.join(", ");
        let (noun, verb) = if nets.len() == 1 {
            ("entry", "is")
        } else {
            ("entries", "are")
        };
        let mut related = self.related(&nets);
        related.extend(offending.iter().map(|&(net, entry)| {
            Label::of(
                entry.cidr.span,
                &entry.origin,
                format!("entry {net} is outside vpc {peer_address}"),
            )
        }));
        Finding {
            rule: META.name,
            level: META.level,
            message: format!(
                "route to {list} -> {}: {noun} {} {verb} outside vpc {peer_address} ({blocks}); \
                 peering is not transitive",
                self.network.peerings[self.peering].origin.address,
                join_nets(nets.iter()),
            ),
            primary: Label::of(
                self.route.destination.span,
                &self.route.origin,
                format!("{list} has {noun} outside vpc {peer_address}"),
            ),
            related,
            help: format!(
                "route over this connection only a list whose entries are inside the peer's \
                 blocks ({blocks}); reach the other networks through their own peering \
                 connection, a transit gateway or a VPN"
            ),
        }
    }
}

fn same_family(a: IpNet, b: IpNet) -> bool {
    matches!(
        (a, b),
        (IpNet::V4(_), IpNet::V4(_)) | (IpNet::V6(_), IpNet::V6(_))
    )
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

    #[test]
    fn flags_an_ipv6_route_to_the_peers_peer_and_passes_the_peers_own_block() {
        let (mut b, rt, ab) = estate();
        let vpc_b = VpcId::new(1);
        let c = VpcId::new(2);
        b.ipv6_block(vpc_b, "2001:db8:b::/56");
        b.ipv6_block(c, "2001:db8:c::/56");
        b.route("aws_route.b6", rt, "2001:db8:b:1::/64", Target::Peering(ab));
        b.route("aws_route.c6", rt, "2001:db8:c::/56", Target::Peering(ab));
        let findings = TransitivePeering.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "route 2001:db8:c::/56 -> aws_vpc_peering_connection.ab: 2001:db8:c::/56 is outside \
             vpc aws_vpc.b (2001:db8:b::/56); peering is not transitive"
        );
    }

    #[test]
    fn an_unknown_ipv6_block_of_the_peer_keeps_ipv6_routes_silent() {
        let (mut b, rt, ab) = estate();
        let vpc_b = VpcId::new(1);
        let amazon = b.unknown();
        b.network.vpcs[vpc_b].ipv6_cidrs.push(amazon);
        b.route("aws_route.c6", rt, "2001:db8:c::/56", Target::Peering(ab));
        assert!(TransitivePeering.check(&b.finish()).is_empty());
    }

    #[test]
    fn flags_prefix_list_entries_outside_the_peer_and_names_them() {
        let (mut b, rt, ab) = estate();
        let list = b.prefix_list(
            "aws_ec2_managed_prefix_list.shared",
            &["10.1.0.0/16", "192.168.0.0/16"],
        );
        let route = b.prefix_list_route("aws_route.shared", rt, Some(list), Target::Peering(ab));
        let inside = b.prefix_list("aws_ec2_managed_prefix_list.peer", &["10.9.1.0/24"]);
        b.prefix_list_route("aws_route.peer", rt, Some(inside), Target::Peering(ab));
        b.prefix_list_route("aws_route.managed", rt, None, Target::Peering(ab));
        let network = b.finish();
        let findings = TransitivePeering.check(&network);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            f.message,
            "route to prefix list aws_ec2_managed_prefix_list.shared -> \
             aws_vpc_peering_connection.ab: entry 192.168.0.0/16 is outside vpc aws_vpc.b \
             (10.1.0.0/16, 10.9.0.0/16); peering is not transitive"
        );
        assert_eq!(f.primary.span, network.routes[route].destination.span);
        assert_eq!(
            f.related.last().map(|l| l.span),
            Some(network.prefix_lists[list].entries[1].cidr.span)
        );
    }
}
