//! Whether a VPC's route tables lead traffic for another VPC's blocks into that VPC: over
//! a peering connection into it, or to a transit gateway whose route table sends it to
//! its attachment. Rules asking whether replies find their way back use it whatever
//! connection the requests took: each direction follows its own route table (longest
//! prefix match, <https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html>),
//! and a path that is asymmetric matters only to stateful middleboxes
//! (<https://docs.aws.amazon.com/network-firewall/latest/developerguide/asymmetric-routing.html>).

use super::cidr::VpcCidrs;
use super::peering::{peering_forwarding, PeeringForwarding};
use super::routing::{target_address, AddressFamily, RoutingIndex, TgwRoutingIndex, TgwVia, Via};
use super::transit::{AttachmentAssociation, TgwAssociations, VpcAttachments};
use crate::model::{
    Destination, Network, RouteTableId, Target, TgwAttachmentKind, TransitGatewayId, VpcId,
};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// Where a route table sends traffic for a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leads {
    /// Into the wanted VPC.
    Into,
    /// Not into it: `target` is the effective route's target (`None`: no route matches, or
    /// a local or propagated route), `why` says where the traffic goes instead.
    Elsewhere { target: Option<Target>, why: String },
    /// Not known: a route or association is unknown, or the traffic meets something that
    /// may forward it on (an appliance, another VPC or attachment of a transit gateway).
    Unknown,
}

/// The indexes the question needs, built once per network; the rules that ask it use
/// them too.
pub struct WayBack<'c, 'n> {
    network: &'n Network,
    cidrs: &'c VpcCidrs<'n>,
    pub routing: RoutingIndex<'n>,
    pub tgw_routing: TgwRoutingIndex,
    pub associations: TgwAssociations<'n>,
    pub attachments: VpcAttachments,
    /// Each VPC's route tables, by VPC index.
    tables_of_vpc: Vec<Vec<RouteTableId>>,
}

impl<'c, 'n> WayBack<'c, 'n> {
    pub fn new(network: &'n Network, cidrs: &'c VpcCidrs<'n>) -> Self {
        let mut tables_of_vpc = vec![Vec::new(); network.vpcs.len()];
        for (id, table) in network.route_tables.iter() {
            if let Some(tables) = table
                .vpc
                .copied()
                .and_then(|v| tables_of_vpc.get_mut(v.index()))
            {
                tables.push(id);
            }
        }
        WayBack {
            network,
            cidrs,
            routing: RoutingIndex::new(network),
            tgw_routing: TgwRoutingIndex::new(network, cidrs),
            associations: TgwAssociations::new(network),
            attachments: VpcAttachments::new(network),
            tables_of_vpc,
        }
    }

    /// How each route table of VPC `from` sends `to`'s blocks of the family of `family`:
    /// [`Leads::Into`] when some table leads them (or a part of them it routes on its
    /// own) into `to`. `None` when `to` has an unknown block of that family.
    pub fn tables(
        &self,
        from: VpcId,
        to: VpcId,
        family: IpNet,
    ) -> Option<Vec<(RouteTableId, Leads)>> {
        if !self.cidrs.family_is_complete(to, family) {
            return None;
        }
        let blocks: Vec<IpNet> = self
            .cidrs
            .family_blocks(to, family)
            .iter()
            .map(|b| b.net)
            .collect();
        let tables = self
            .tables_of_vpc
            .get(from.index())
            .map_or(&[][..], Vec::as_slice);
        Some(
            tables
                .iter()
                .map(|&table| (table, self.table_leads(table, from, to, &blocks)))
                .collect(),
        )
    }

    /// The best of what the table does with each of `blocks` and with each part of them
    /// a static route of the table covers on its own.
    fn table_leads(&self, table: RouteTableId, from: VpcId, to: VpcId, blocks: &[IpNet]) -> Leads {
        let parts = self.routing.routes(table).iter().filter_map(|&route| {
            let net = self.network.routes[route]
                .destination
                .copied()
                .and_then(Destination::cidr)?;
            blocks
                .iter()
                .any(|block| block.contains(&net) && *block != net)
                .then_some(net)
        });
        let mut worst: Option<Leads> = None;
        for destination in blocks.iter().copied().chain(parts) {
            match self.destination_leads(table, from, to, destination) {
                Leads::Into => return Leads::Into,
                Leads::Unknown => worst = Some(Leads::Unknown),
                elsewhere => {
                    worst.get_or_insert(elsewhere);
                }
            }
        }
        worst.unwrap_or(Leads::Unknown)
    }

    fn destination_leads(
        &self,
        table: RouteTableId,
        from: VpcId,
        to: VpcId,
        destination: IpNet,
    ) -> Leads {
        match destination {
            IpNet::V4(net) => self.effective_leads::<Ipv4Net>(table, from, to, net),
            IpNet::V6(net) => self.effective_leads::<Ipv6Net>(table, from, to, net),
        }
    }

    fn effective_leads<N: AddressFamily>(
        &self,
        table: RouteTableId,
        from: VpcId,
        to: VpcId,
        destination: N,
    ) -> Leads {
        let lookup = self.routing.effective_route(self.cidrs, table, destination);
        let destination: IpNet = destination.into();
        if !lookup.complete && !self.ipv6_complete(table, from, destination) {
            return Leads::Unknown;
        }
        match lookup.effective.map(|c| c.via) {
            None => Leads::Elsewhere {
                target: None,
                why: format!("has no route to {destination}"),
            },
            Some(Via::Local(_)) => Leads::Elsewhere {
                target: None,
                why: format!("keeps {destination} inside its own VPC"),
            },
            Some(Via::Propagated(p)) => Leads::Elsewhere {
                target: None,
                why: format!(
                    "sends {destination} to {} (propagated)",
                    self.network.vpn_gateways[p.vpn_gateway].origin.address
                ),
            },
            Some(Via::Static(route)) => match self.network.routes[route].target.copied() {
                None => Leads::Unknown,
                Some(target) => self.target_leads(target, from, to, destination),
            },
        }
    }

    /// An IPv6 lookup is never complete in [`RoutingIndex::effective_route`], for
    /// propagated IPv6 routes are not modelled; a table that propagates from no virtual
    /// private gateway has none, so its lookup is complete when its routes and `from`'s
    /// IPv6 blocks are known.
    fn ipv6_complete(&self, table: RouteTableId, from: VpcId, destination: IpNet) -> bool {
        destination.addr().is_ipv6()
            && self.routing.propagated_routes_known(table)
            && self.routing.propagations(table).is_empty()
            && self.cidrs.ipv6_is_complete(from)
            && self.routing.routes(table).iter().all(|&route| {
                matches!(
                    self.network.routes[route].destination.copied(),
                    Some(Destination::Ipv4(_) | Destination::Ipv6(_))
                )
            })
    }

    fn target_leads(&self, target: Target, from: VpcId, to: VpcId, destination: IpNet) -> Leads {
        let network = self.network;
        let sends = || {
            format!(
                "sends {destination} to {}",
                target_address(network, target).unwrap_or("its local route")
            )
        };
        match target {
            Target::Peering(peering) => {
                match peering_forwarding(network, self.cidrs, peering, from, destination) {
                    PeeringForwarding::ToPeer(peer, _) if peer == to => Leads::Into,
                    PeeringForwarding::Unknown => Leads::Unknown,
                    _ => Leads::Elsewhere {
                        target: Some(target),
                        why: format!("{}, which does not lead into that VPC", sends()),
                    },
                }
            }
            Target::TransitGateway(gateway) => match destination {
                IpNet::V4(net) => self.transit_leads(gateway, from, to, net, sends()),
                IpNet::V6(_) => Leads::Unknown,
            },
            Target::InternetGateway(_)
            | Target::EgressOnlyIgw(_)
            | Target::VpnGateway(_)
            | Target::Local => Leads::Elsewhere {
                target: Some(target),
                why: sends(),
            },
            Target::NatGateway(_)
            | Target::Instance(_)
            | Target::NetworkInterface(_)
            | Target::VpcEndpoint(_)
            | Target::FirewallEndpoint(_)
            | Target::Other => Leads::Unknown,
        }
    }

    /// The gateway forwards what `from` sends it by the route table associated with
    /// `from`'s attachment
    /// (<https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html>).
    fn transit_leads(
        &self,
        gateway: TransitGatewayId,
        from: VpcId,
        to: VpcId,
        destination: Ipv4Net,
        sends: String,
    ) -> Leads {
        let network = self.network;
        let target = Some(Target::TransitGateway(gateway));
        let Some(&[attachment]) = self.attachments.of(gateway, from) else {
            return Leads::Unknown;
        };
        let table = match self.associations.of(network, &self.tgw_routing, attachment) {
            AttachmentAssociation::Table(table) => table,
            AttachmentAssociation::None => {
                return Leads::Elsewhere {
                    target,
                    why: format!(
                        "{sends}, where {} is associated with no route table",
                        network.tgw_attachments[attachment].origin.address
                    ),
                }
            }
            AttachmentAssociation::Unknown => return Leads::Unknown,
        };
        let lookup = self
            .tgw_routing
            .effective_route(network, table, destination);
        if !lookup.complete {
            return Leads::Unknown;
        }
        let table_name = table.describe(network);
        let next = match lookup.effective {
            None => {
                return Leads::Elsewhere {
                    target,
                    why: format!("{sends}, whose {table_name} has no route to {destination}"),
                }
            }
            Some((_, TgwVia::Propagated(propagated))) => propagated.attachment,
            Some((prefix, TgwVia::Static(route))) => {
                let route = &network.tgw_routes[route];
                if route.blackhole {
                    return Leads::Elsewhere {
                        target,
                        why: format!("{sends}, whose {table_name} blackholes {prefix}"),
                    };
                }
                let Some(next) = route.attachment.as_ref().and_then(|a| a.copied()) else {
                    return Leads::Unknown;
                };
                next
            }
        };
        match network.tgw_attachments[next].kind.copied() {
            Some(TgwAttachmentKind::Vpc(vpc)) if vpc == to => Leads::Into,
            // Another VPC (an inspection VPC), a VPN or a peered gateway may send it on.
            _ => Leads::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;

    fn ipv4(text: &str) -> IpNet {
        text.parse().unwrap()
    }

    #[test]
    fn a_transit_gateway_that_routes_to_the_vpc_leads_into_it() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let peer = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let tgw = b.transit_gateway("aws_ec2_transit_gateway.t");
        b.tgw_attachment(
            "aws_ec2_transit_gateway_vpc_attachment.a",
            tgw,
            TgwAttachmentKind::Vpc(a),
        );
        b.tgw_attachment(
            "aws_ec2_transit_gateway_vpc_attachment.b",
            tgw,
            TgwAttachmentKind::Vpc(peer),
        );
        let rt_b = b.route_table("aws_route_table.b", peer);
        b.route(
            "aws_route.b_to_a",
            rt_b,
            "10.0.0.0/16",
            Target::TransitGateway(tgw),
        );
        let network = b.finish();
        let cidrs = VpcCidrs::new(&network);
        let way_back = WayBack::new(&network, &cidrs);
        assert_eq!(
            way_back.tables(peer, a, ipv4("10.0.0.0/16")),
            Some(vec![(rt_b, Leads::Into)])
        );
    }

    #[test]
    fn a_table_without_a_route_leads_elsewhere_and_a_part_route_counts() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let peer = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let ab = b.peering("aws_vpc_peering_connection.ab", a, peer);
        let rt_b = b.route_table("aws_route_table.b", peer);
        let rt_b2 = b.route_table("aws_route_table.b2", peer);
        b.route(
            "aws_route.b2_to_a",
            rt_b2,
            "10.0.4.0/24",
            Target::Peering(ab),
        );
        let network = b.finish();
        let cidrs = VpcCidrs::new(&network);
        let way_back = WayBack::new(&network, &cidrs);
        assert_eq!(
            way_back.tables(peer, a, ipv4("10.0.0.0/16")),
            Some(vec![
                (
                    rt_b,
                    Leads::Elsewhere {
                        target: None,
                        why: "has no route to 10.0.0.0/16".to_string()
                    }
                ),
                (rt_b2, Leads::Into)
            ])
        );
    }
}
