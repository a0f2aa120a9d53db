//! `peering-missing-return-route`: VPC A routes to B over a peering connection, but no
//! route table of B leads A's blocks back into A, over the same connection or another way
//! (another peering connection, a transit gateway), so replies do not reach A.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::{Containment, VpcCidrs};
use crate::model::analysis::peering::{peer_of, PeerSide};
use crate::model::analysis::way_back::{Leads, WayBack};
use crate::model::{Destination, Network, PeeringId, Route, RouteId, RouteTableId, Target, VpcId};
use ipnet::IpNet;
use std::collections::{BTreeMap, HashSet};

pub struct PeeringMissingReturnRoute;

static META: RuleMeta = RuleMeta {
    name: "peering-missing-return-route",
    level: Level::Warning,
    summary: "A route over a peering connection with no route back from the peer VPC.",
    doc: include_str!("../../rules/peering-missing-return-route.md"),
};

/// The routes of every peering connection, by the VPC of their route table.
#[derive(Default)]
struct PeeringRoutes {
    by_vpc: BTreeMap<VpcId, Vec<RouteId>>,
    /// A route over the connection whose table, VPC or destination is unknown.
    uncertain: bool,
}

impl Rule for PeeringMissingReturnRoute {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let cidrs = VpcCidrs::new(network);
        let mut vpcs_with_tables: HashSet<VpcId> = HashSet::new();
        for table in network.route_tables.values() {
            vpcs_with_tables.extend(table.vpc.copied());
        }
        // VPCs with a route of unknown target might route back over any connection, and so
        // might those whose tables may hold a route of unknown table (within its unit).
        let way_back = WayBack::new(network, &cidrs);
        let routing = &way_back.routing;
        let mut unknown_targets: HashSet<VpcId> = network
            .route_tables
            .iter()
            .filter(|&(table, _)| !routing.routes_known(table))
            .filter_map(|(_, table)| table.vpc.copied())
            .collect();
        let mut by_peering: BTreeMap<PeeringId, PeeringRoutes> = BTreeMap::new();
        for (id, route) in network.routes.iter() {
            let vpc = route
                .route_table
                .copied()
                .and_then(|t| network.route_tables[t].vpc.copied());
            match route.target.copied() {
                Some(Target::Peering(peering)) => {
                    let entry = by_peering.entry(peering).or_default();
                    match (vpc, route.destination.copied()) {
                        (Some(vpc), Some(Destination::Ipv4(_) | Destination::Ipv6(_))) => {
                            entry.by_vpc.entry(vpc).or_default().push(id)
                        }
                        _ => entry.uncertain = true,
                    }
                }
                None => unknown_targets.extend(vpc),
                Some(_) => {}
            }
        }
        let mut findings = Vec::new();
        for (&peering, routes) in &by_peering {
            if routes.uncertain {
                continue;
            }
            for (&from, route_ids) in &routes.by_vpc {
                let PeerSide::Peer(peer) = peer_of(network, peering, from) else {
                    continue;
                };
                if !vpcs_with_tables.contains(&peer) || unknown_targets.contains(&peer) {
                    continue;
                }
                // Replies need a route of their own IP version back to `from`'s blocks.
                let returns = |family: IpNet| {
                    let blocks = cidrs.family_blocks(from, family);
                    routes.by_vpc.get(&peer).into_iter().flatten().any(|&r| {
                        network.routes[r]
                            .destination
                            .copied()
                            .and_then(Destination::cidr)
                            .is_some_and(|net| blocks.iter().any(|b| overlaps(b.net, net)))
                    })
                };
                for &id in route_ids {
                    let route = &network.routes[id];
                    let Some(destination) = route.destination.copied().and_then(Destination::cidr)
                    else {
                        continue;
                    };
                    if !cidrs.family_is_complete(from, destination)
                        || cidrs.family_blocks(from, destination).is_empty()
                        || returns(destination)
                    {
                        continue;
                    }
                    if !matches!(
                        cidrs.family_containment(peer, destination),
                        Containment::Inside(_)
                    ) {
                        continue;
                    }
                    // Replies may come back another way (another connection, a transit
                    // gateway): each table of the peer must be known to lead elsewhere.
                    let Some(tables) = way_back.tables(peer, from, destination) else {
                        continue;
                    };
                    let elsewhere: Option<Vec<(RouteTableId, String)>> = tables
                        .into_iter()
                        .map(|(table, leads)| match leads {
                            Leads::Elsewhere { why, .. } => Some((table, why)),
                            Leads::Into | Leads::Unknown => None,
                        })
                        .collect();
                    if let Some(elsewhere) = elsewhere {
                        let case = Case {
                            route,
                            destination,
                            peering,
                            from,
                            peer,
                            elsewhere,
                        };
                        findings.push(finding(network, &cidrs, &case));
                    }
                }
            }
        }
        findings
    }
}

struct Case<'n> {
    route: &'n Route,
    destination: IpNet,
    peering: PeeringId,
    from: VpcId,
    peer: VpcId,
    /// Each route table of the peer, and where it sends `from`'s blocks instead.
    elsewhere: Vec<(RouteTableId, String)>,
}

fn finding(network: &Network, cidrs: &VpcCidrs, case: &Case) -> Finding {
    let connection = &network.peerings[case.peering].origin;
    let from_address = &network.vpcs[case.from].origin.address;
    let peer_address = &network.vpcs[case.peer].origin.address;
    let blocks = cidrs.describe_family(case.from, case.destination);
    let mut related = vec![Label::of(
        connection.name_span,
        connection,
        "peering connection",
    )];
    related.extend(case.elsewhere.iter().take(3).map(|(table, why)| {
        let table = &network.route_tables[*table].origin;
        Label::of(table.name_span, table, why.clone())
    }));
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "route {} -> {}: no route table of vpc {peer_address} leads {blocks} back into \
             vpc {from_address}, over this connection or another way, so replies do not \
             reach it",
            case.destination, connection.address
        ),
        primary: Label::of(case.route.target.span, &case.route.origin, "one-way route"),
        related,
        help: format!(
            "add a route to {blocks} via {} in the route tables of vpc {peer_address}'s subnets",
            connection.address
        ),
    }
}

/// Two CIDRs of one IP version overlap exactly when one contains the other.
fn overlaps(a: IpNet, b: IpNet) -> bool {
    a.contains(&b) || b.contains(&a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{PeeringId, RouteTableId, UnitEntities};

    fn estate() -> (NetworkBuilder, RouteTableId, RouteTableId, PeeringId) {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let peer = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let ab = b.peering("aws_vpc_peering_connection.ab", a, peer);
        let rt_a = b.route_table("aws_route_table.a", a);
        let rt_b = b.route_table("aws_route_table.b", peer);
        b.route("aws_route.a_to_b", rt_a, "10.1.0.0/16", Target::Peering(ab));
        (b, rt_a, rt_b, ab)
    }

    #[test]
    fn flags_a_one_way_route() {
        let (b, _, _, _) = estate();
        let network = b.finish();
        let findings = PeeringMissingReturnRoute.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "route 10.1.0.0/16 -> aws_vpc_peering_connection.ab: no route table of vpc aws_vpc.b \
             leads 10.0.0.0/16 back into vpc aws_vpc.a, over this connection or another way, so \
             replies do not reach it"
        );
        assert_eq!(findings[0].primary.address, "aws_route.a_to_b");
        assert_eq!(findings[0].related[1].address, "aws_route_table.b");
        assert_eq!(
            findings[0].related[1].message,
            "has no route to 10.0.0.0/16"
        );
    }

    #[test]
    fn a_return_route_to_part_of_the_vpc_passes() {
        let (mut b, _, rt_b, ab) = estate();
        b.route("aws_route.b_to_a", rt_b, "10.0.4.0/24", Target::Peering(ab));
        assert!(PeeringMissingReturnRoute.check(&b.finish()).is_empty());
    }

    #[test]
    fn a_return_route_over_another_connection_counts() {
        let (mut b, _, rt_b, _) = estate();
        let a = VpcId::new(0);
        let peer = VpcId::new(1);
        let other = b.peering("aws_vpc_peering_connection.ab2", a, peer);
        b.route(
            "aws_route.b_to_a",
            rt_b,
            "10.0.0.0/16",
            Target::Peering(other),
        );
        // Each direction takes its own connection: replies still arrive.
        assert!(PeeringMissingReturnRoute.check(&b.finish()).is_empty());
    }

    #[test]
    fn a_return_route_into_another_vpc_does_not_count() {
        let (mut b, _, rt_b, _) = estate();
        let peer = VpcId::new(1);
        let other = b.vpc("aws_vpc.c", "10.2.0.0/16");
        let bc = b.peering("aws_vpc_peering_connection.bc", peer, other);
        b.route("aws_route.b_to_a", rt_b, "10.0.0.0/16", Target::Peering(bc));
        let findings = PeeringMissingReturnRoute.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].related[1].message,
            "sends 10.0.0.0/16 to aws_vpc_peering_connection.bc, which does not lead into that VPC"
        );
    }

    #[test]
    fn silent_without_a_route_table_of_the_peer_or_with_unknowns() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let peer = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let ab = b.peering("aws_vpc_peering_connection.ab", a, peer);
        let rt_a = b.route_table("aws_route_table.a", a);
        b.route("aws_route.a_to_b", rt_a, "10.1.0.0/16", Target::Peering(ab));
        let without_peer_tables = b.finish();
        assert!(PeeringMissingReturnRoute
            .check(&without_peer_tables)
            .is_empty());

        let (mut b, _, rt_b, ab) = estate();
        let r = b.route("aws_route.b_to_a", rt_b, "10.0.0.0/16", Target::Peering(ab));
        b.network.routes[r].destination.value = None;
        assert!(PeeringMissingReturnRoute.check(&b.finish()).is_empty());

        let (mut b, _, rt_b, ab) = estate();
        let r = b.route("aws_route.b_to_a", rt_b, "10.0.0.0/16", Target::Peering(ab));
        b.network.routes[r].target.value = None;
        assert!(PeeringMissingReturnRoute.check(&b.finish()).is_empty());
    }

    #[test]
    fn a_route_of_unknown_table_and_target_silences_only_its_own_unit() {
        // The peering estate is one unit; a second unit has a route of unknown table and
        // target (an unknown `count`): it may be a way back only within that unit.
        let (mut b, _, _, _) = estate();
        let other = b.vpc("aws_vpc.c", "10.2.0.0/16");
        let rt_c = b.route_table("aws_route_table.c", other);
        let igw = b.internet_gateway("aws_internet_gateway.c", other);
        let r = b.route(
            "aws_route.c",
            rt_c,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        b.network.routes[r].route_table.value = None;
        b.network.routes[r].target.value = None;
        // Units' ranges follow each other, in lowering order.
        b.network.units = vec![
            UnitEntities {
                route_tables: 0..2,
                routes: 0..1,
                ..Default::default()
            },
            UnitEntities {
                route_tables: 2..3,
                routes: 1..2,
                ..Default::default()
            },
        ];
        assert_eq!(PeeringMissingReturnRoute.check(&b.network).len(), 1);
        // In the estate's own unit (one unit holding everything) it may be the peer's way
        // back: silent.
        b.network.units = vec![UnitEntities {
            route_tables: 0..3,
            routes: 0..2,
            ..Default::default()
        }];
        assert!(PeeringMissingReturnRoute.check(&b.finish()).is_empty());
    }

    #[test]
    fn ipv6_routes_need_an_ipv6_return_route() {
        let (mut b, _, rt_b, ab) = estate();
        let (a, peer) = (VpcId::new(0), VpcId::new(1));
        b.ipv6_block(a, "2001:db8:a::/56");
        b.ipv6_block(peer, "2001:db8:b::/56");
        let rt_a = RouteTableId::new(0);
        // IPv4 has its way back; IPv6 does not.
        b.route("aws_route.b_to_a", rt_b, "10.0.0.0/16", Target::Peering(ab));
        b.route(
            "aws_route.a_to_b6",
            rt_a,
            "2001:db8:b::/56",
            Target::Peering(ab),
        );
        let findings = PeeringMissingReturnRoute.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.starts_with("route 2001:db8:b::/56 ->"));
        assert!(findings[0].message.contains("leads 2001:db8:a::/56 back"));
    }
}
