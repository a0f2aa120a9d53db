//! Routing: the route table of a subnet, the routes a VGW propagates, and the
//! effective route of a destination in a route table, following AWS's route priority
//! (<https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html>):
//!
//! 1. longest prefix;
//! 2. for a destination inside the VPC's own blocks, the local route beats every
//!    propagated route, even a more specific one (a more specific *static* route wins);
//! 3. for equal prefixes, static routes beat propagated ones;
//! 4. among propagated routes: Direct Connect BGP, then VPN static, then VPN BGP.
//!
//! Transit gateway route tables follow the same shape (most specific, then static over
//! propagated, then VPC, Direct Connect gateway, Connect, VPN attachments):
//! <https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html>.
//!
//! Everything is indexed once per [`RoutingIndex::new`] (routes by table, VPN routes by
//! gateway), so a lookup costs the size of one table.

use super::cidr::{VpcBlock, VpcCidrs, VpcIpv6Block};
use super::grouped::Grouped;
use crate::model::{
    Destination, DxAssociated, EndpointKind, Id, Network, Origin, RouteId, RouteTableId, SubnetId,
    Target, TgwAttachmentId, TgwAttachmentKind, TgwPropagation, TgwRouteId, TgwRouteTableId,
    TransitGatewayId, UnitEntities, VgwPropagation, VpcId, VpnGatewayId, VpnRouteId,
};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::fmt::Debug;

pub type VgwPropagationId = Id<VgwPropagation>;
pub type TgwPropagationId = Id<TgwPropagation>;

/// Where a propagated VGW route comes from, in AWS's order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PropagatedSource {
    /// A prefix declared in the config (`[onprem] direct_connect`) on a VGW with a
    /// Direct Connect gateway association.
    DirectConnect,
    /// A static route of a VPN connection on the VGW.
    VpnStatic(VpnRouteId),
}

/// A route a VGW propagates into a route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropagatedRoute {
    pub prefix: Ipv4Net,
    pub vpn_gateway: VpnGatewayId,
    pub propagation: VgwPropagationId,
    pub source: PropagatedSource,
}

/// An address family [`RoutingIndex::effective_route`] looks destinations up in: IPv4
/// ([`Ipv4Net`]) or IPv6 ([`Ipv6Net`]).
pub trait AddressFamily: Copy + Eq + Debug + Into<IpNet> {
    /// A block of a VPC in this family (the prefix of its local route).
    type Block<'n>: Copy + Eq + Debug;
    /// Routes VGWs propagate in this family are in the model. IPv6 ones never are (a VGW
    /// learns them from Direct Connect by BGP), so an IPv6 lookup outside the VPC's blocks
    /// is never complete.
    const PROPAGATED_ROUTES_MODELLED: bool;
    /// The shortest prefix length a VPC block of this family can have (IPv4: /16): a
    /// destination with a shorter one (`0.0.0.0/0`) is outside every block of the VPC,
    /// known or not. 0 where no bound is relied on.
    const SHORTEST_BLOCK_PREFIX: u8;

    /// `net`, when it is of this family.
    fn of(net: IpNet) -> Option<Self>;
    /// The VPC's known blocks of this family, and whether every one is known.
    fn vpc_blocks<'c, 'n>(cidrs: &'c VpcCidrs<'n>, vpc: VpcId) -> (&'c [Self::Block<'n>], bool);
    fn block_net(block: &Self::Block<'_>) -> Self;

    fn covers(self, other: Self) -> bool {
        self.into().contains(&other.into())
    }
}

/// The families differ only in the variant, the VPC's blocks and whether VGW-propagated
/// routes are modelled.
macro_rules! address_family {
    ($net:ty, $variant:ident, $block:ident, $blocks:ident, $complete:ident, $modelled:expr, $shortest:expr) => {
        impl AddressFamily for $net {
            type Block<'n> = $block<'n>;
            const PROPAGATED_ROUTES_MODELLED: bool = $modelled;
            const SHORTEST_BLOCK_PREFIX: u8 = $shortest;

            fn of(net: IpNet) -> Option<Self> {
                match net {
                    IpNet::$variant(net) => Some(net),
                    _ => None,
                }
            }
            fn vpc_blocks<'c, 'n>(cidrs: &'c VpcCidrs<'n>, vpc: VpcId) -> (&'c [$block<'n>], bool) {
                (cidrs.$blocks(vpc), cidrs.$complete(vpc))
            }
            fn block_net(block: &$block<'_>) -> Self {
                block.net
            }
        }
    };
}

address_family!(Ipv4Net, V4, VpcBlock, blocks, is_complete, true, 16);
address_family!(
    Ipv6Net,
    V6,
    VpcIpv6Block,
    ipv6_blocks,
    ipv6_is_complete,
    false,
    0
);

/// How a matching route got into the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via<'n, N: AddressFamily = Ipv4Net> {
    /// The VPC's implicit local route for one of its blocks.
    Local(N::Block<'n>),
    Static(RouteId),
    Propagated(PropagatedRoute),
}

/// A route of the table that matches the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<'n, N: AddressFamily = Ipv4Net> {
    pub prefix: N,
    pub via: Via<'n, N>,
}

impl<N: AddressFamily> Candidate<'_, N> {
    /// Preference among routes with equal prefixes (lower wins): static routes, then
    /// prefix-list routes, then propagated ones.
    fn rank(&self, network: &Network) -> u8 {
        match self.via {
            Via::Static(route) if is_prefix_list_route(network, route) => 2,
            Via::Static(_) => 0,
            Via::Local(_) => 1,
            Via::Propagated(PropagatedRoute {
                source: PropagatedSource::DirectConnect,
                ..
            }) => 3,
            Via::Propagated(PropagatedRoute {
                source: PropagatedSource::VpnStatic(_),
                ..
            }) => 4,
        }
    }
}

fn is_prefix_list_route(network: &Network, route: RouteId) -> bool {
    matches!(
        network.routes[route].destination.copied(),
        Some(Destination::PrefixList(_))
    )
}

/// Why the effective route beat the runner-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No other known route matches.
    OnlyMatch,
    LongestPrefix,
    /// The destination is inside the VPC: the local route beats propagated routes, even
    /// more specific ones.
    LocalOverPropagated,
    /// Equal prefixes: a route to a CIDR beats a route to a prefix list.
    StaticOverPrefixList,
    /// Equal prefixes: a prefix list's entry beats a propagated route.
    PrefixListOverPropagated,
    /// Equal prefixes: a static route beats a propagated one.
    StaticOverPropagated,
    /// Equal prefixes: a static route replacing the local route's target.
    StaticReplacesLocal,
    /// Equal propagated prefixes: Direct Connect beats VPN.
    DirectConnectOverVpn,
    /// Two routes of the same kind and prefix (AWS rejects duplicate static routes; two
    /// VPN connections may propagate the same prefix).
    Tie,
}

/// The outcome of [`RoutingIndex::effective_route`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteLookup<'n, N: AddressFamily = Ipv4Net> {
    /// The route the traffic takes, when a known route matches.
    pub effective: Option<Candidate<'n, N>>,
    pub reason: Reason,
    /// The other matching routes, best first.
    pub beaten: Vec<Candidate<'n, N>>,
    /// False when a route of the table could match but its value is unknown (unknown
    /// destination, prefix list, BGP-learned prefixes, unknown VPC block): then the
    /// answer may be wrong and rules must stay silent.
    pub complete: bool,
}

#[derive(Debug, Default, Clone)]
struct VgwRoutes {
    vpn_routes: Vec<VpnRouteId>,
    has_direct_connect: bool,
    /// A BGP VPN connection (or one of unknown kind) or a VPN route of unknown prefix.
    has_unknown_prefixes: bool,
}

/// Route tables, their routes and propagations, indexed once.
pub struct RoutingIndex<'n> {
    network: &'n Network,
    routes_by_table: Grouped<RouteId>,
    propagations_by_table: Grouped<VgwPropagationId>,
    /// A propagation whose gateway is unknown.
    unknown_propagation: Vec<bool>,
    /// A route or propagation whose table is unknown may be in the table.
    unplaced: Vec<bool>,
    vgws: Vec<VgwRoutes>,
    explicit_table: Vec<Option<Option<RouteTableId>>>,
    main_table: Vec<Option<RouteTableId>>,
}

impl<'n> RoutingIndex<'n> {
    pub fn new(network: &'n Network) -> Self {
        let tables = network.route_tables.len();
        let routes_by_table = Grouped::new(
            tables,
            network
                .routes
                .iter()
                .filter_map(|(id, route)| Some((route.route_table.copied()?.index(), id))),
        );
        let mut unknown_propagation = vec![false; tables];
        for propagation in network.vgw_propagations.values() {
            if let (Some(table), None) = (
                propagation.route_table.copied(),
                &propagation.vpn_gateway.value,
            ) {
                if let Some(flag) = unknown_propagation.get_mut(table.index()) {
                    *flag = true;
                }
            }
        }
        let propagations_by_table = Grouped::new(
            tables,
            network
                .vgw_propagations
                .iter()
                .filter(|(_, propagation)| propagation.vpn_gateway.value.is_some())
                .filter_map(|(id, propagation)| {
                    Some((propagation.route_table.copied()?.index(), id))
                }),
        );
        let mut vgws = vec![VgwRoutes::default(); network.vpn_gateways.len()];
        for connection in network.vpn_connections.values() {
            let Some(vgw) = connection.vpn_gateway.as_ref().and_then(|f| f.copied()) else {
                continue;
            };
            if let Some(routes) = vgws.get_mut(vgw.index()) {
                if connection.static_routes_only.copied() != Some(true) {
                    routes.has_unknown_prefixes = true;
                }
            }
        }
        for (id, route) in network.vpn_routes.iter() {
            let vgw = route.vpn_connection.copied().and_then(|c| {
                network.vpn_connections[c]
                    .vpn_gateway
                    .as_ref()
                    .and_then(|f| f.copied())
            });
            if let Some(routes) = vgw.and_then(|v| vgws.get_mut(v.index())) {
                match route.destination.value {
                    Some(_) => routes.vpn_routes.push(id),
                    None => routes.has_unknown_prefixes = true,
                }
            }
        }
        for association in network.dx_associations.values() {
            if let Some(DxAssociated::VpnGateway(vgw)) = association.associated.copied() {
                if let Some(routes) = vgws.get_mut(vgw.index()) {
                    routes.has_direct_connect = true;
                    if network.declared.direct_connect.is_empty() {
                        routes.has_unknown_prefixes = true;
                    }
                }
            }
        }
        let mut explicit_table = vec![None; network.subnets.len()];
        // Associations whose subnet is unknown: by the VPC of their table (`None`: unknown)
        // and their unit's subnets.
        let mut unknown_subnet_in: Vec<Place> = Vec::new();
        for (id, association) in network.route_table_associations.iter() {
            let Some(subnet) = association.subnet.as_ref() else {
                continue;
            };
            let Some(subnet) = subnet.copied() else {
                let table = association.route_table.copied();
                let unit =
                    UnitEntities::of(&network.units, id.index(), |u| &u.route_table_associations);
                unknown_subnet_in.push((
                    table.and_then(|t| network.route_tables[t].vpc.copied()),
                    unit.and_then(|unit| {
                        UnitEntities::scope(&unit.subnets, unit.association_of_outside_subnet)
                    }),
                ));
                continue;
            };
            if let Some(slot @ None) = explicit_table.get_mut(subnet.index()) {
                *slot = Some(association.route_table.copied());
            }
        }
        // A subnet with no known association may be the unknown one's.
        let may_be_associated = placed(unknown_subnet_in, network.subnets.len(), |i| {
            network.subnets[SubnetId::new(i)].vpc.copied()
        });
        for (slot, may_be) in explicit_table.iter_mut().zip(may_be_associated) {
            if slot.is_none() && may_be {
                *slot = Some(None);
            }
        }
        let unplaced = unplaced_tables(network);
        let mut main_table = vec![None; network.vpcs.len()];
        for (id, table) in network.route_tables.iter() {
            if let (true, Some(vpc)) = (table.is_main, table.vpc.copied()) {
                if let Some(slot) = main_table.get_mut(vpc.index()) {
                    *slot = Some(id);
                }
            }
        }
        // A main route table association replaces the table AWS made main; one of unknown
        // table leaves the main table unknown.
        for (id, vpc) in network.vpcs.iter() {
            if let Some(table) = &vpc.main_route_table {
                if let Some(slot) = main_table.get_mut(id.index()) {
                    *slot = table.copied();
                }
            }
        }
        RoutingIndex {
            network,
            routes_by_table,
            propagations_by_table,
            unknown_propagation,
            unplaced,
            vgws,
            explicit_table,
            main_table,
        }
    }

    /// The static routes of a table, in declaration order.
    pub fn routes(&self, table: RouteTableId) -> &[RouteId] {
        self.routes_by_table.get(table.index())
    }

    /// Whether every static route and propagation of the table is in the model: false when
    /// one whose table is unknown (an unresolved reference, a resource whose `count`,
    /// `for_each` or condition is unknown) may be in it. What concludes from the absence of
    /// a route must then stay silent.
    pub fn routes_known(&self, table: RouteTableId) -> bool {
        !self.unplaced.get(table.index()).copied().unwrap_or(true)
    }

    /// The VGW propagations into a table whose gateway is known.
    pub fn propagations(&self, table: RouteTableId) -> &[VgwPropagationId] {
        self.propagations_by_table.get(table.index())
    }

    /// The VPC's main route table, when the code manages it.
    pub fn main_route_table(&self, vpc: VpcId) -> Option<RouteTableId> {
        self.main_table.get(vpc.index()).copied().flatten()
    }

    /// The route table a subnet uses: its explicit association, else its VPC's main route
    /// table. `None` when that table is not in the model (AWS's implicit main route table,
    /// or an unknown reference).
    pub fn subnet_route_table(&self, subnet: SubnetId) -> Option<RouteTableId> {
        match self.explicit_route_table(subnet) {
            Some(explicit) => explicit,
            None => self.main_route_table(self.network.subnets[subnet].vpc.copied()?),
        }
    }

    /// The subnet's explicit association (the first one wins): `None` when it has none,
    /// `Some(None)` when the associated table is unknown.
    pub fn explicit_route_table(&self, subnet: SubnetId) -> Option<Option<RouteTableId>> {
        self.explicit_table.get(subnet.index()).copied().flatten()
    }

    /// Whether every route the VGW propagates is known.
    pub fn vgw_prefixes_known(&self, vgw: VpnGatewayId) -> bool {
        self.vgws
            .get(vgw.index())
            .is_some_and(|routes| !routes.has_unknown_prefixes)
    }

    /// The static routes of the VPN connections on a VGW whose prefix is known.
    pub fn vgw_vpn_routes(&self, vgw: VpnGatewayId) -> &[VpnRouteId] {
        self.vgws
            .get(vgw.index())
            .map_or(&[], |routes| routes.vpn_routes.as_slice())
    }

    /// The VGW has a Direct Connect gateway association in the code.
    pub fn vgw_has_direct_connect(&self, vgw: VpnGatewayId) -> bool {
        self.vgws
            .get(vgw.index())
            .is_some_and(|routes| routes.has_direct_connect)
    }

    /// The known routes VGWs propagate into a table: VPN static routes, and the declared
    /// Direct Connect prefixes of VGWs with a Direct Connect gateway association.
    pub fn propagated_routes(&self, table: RouteTableId) -> Vec<PropagatedRoute> {
        let mut routes = Vec::new();
        for &propagation in self.propagations(table) {
            let Some(vpn_gateway) = self.network.vgw_propagations[propagation]
                .vpn_gateway
                .copied()
            else {
                continue;
            };
            let Some(vgw) = self.vgws.get(vpn_gateway.index()) else {
                continue;
            };
            if vgw.has_direct_connect {
                routes.extend(self.network.declared.direct_connect.iter().map(|&prefix| {
                    PropagatedRoute {
                        prefix,
                        vpn_gateway,
                        propagation,
                        source: PropagatedSource::DirectConnect,
                    }
                }));
            }
            for &route in &vgw.vpn_routes {
                if let Some(prefix) = self.network.vpn_routes[route].destination.copied() {
                    routes.push(PropagatedRoute {
                        prefix,
                        vpn_gateway,
                        propagation,
                        source: PropagatedSource::VpnStatic(route),
                    });
                }
            }
        }
        routes
    }

    /// Whether every propagated route of the table is known.
    pub fn propagated_routes_known(&self, table: RouteTableId) -> bool {
        self.routes_known(table)
            && !self
                .unknown_propagation
                .get(table.index())
                .copied()
                .unwrap_or(true)
            && self.propagations(table).iter().all(|&p| {
                self.network.vgw_propagations[p]
                    .vpn_gateway
                    .copied()
                    .is_some_and(|vgw| self.vgw_prefixes_known(vgw))
            })
    }

    /// A route to a gateway endpoint: it never takes an address of the VPC, since AWS
    /// accepts a route more specific than the local route only toward a network interface,
    /// a Gateway Load Balancer endpoint or a firewall endpoint.
    pub fn is_gateway_endpoint_route(&self, route: RouteId) -> bool {
        matches!(
            self.network.routes[route].target.copied(),
            Some(Target::VpcEndpoint(endpoint))
                if self.network.vpc_endpoints[endpoint].kind.copied() == Some(EndpointKind::Gateway)
        )
    }

    /// The route traffic from a subnet using `table` to `destination` (IPv4 or IPv6)
    /// takes (the whole destination block must be covered by the route), and why it wins.
    pub fn effective_route<N: AddressFamily>(
        &self,
        cidrs: &VpcCidrs<'n>,
        table: RouteTableId,
        destination: N,
    ) -> RouteLookup<'n, N> {
        let mut complete = self.routes_known(table);
        let mut matching: Vec<Candidate<'n, N>> = Vec::new();
        let vpc = self.network.route_tables[table].vpc.copied();
        let mut inside_vpc = false;
        match vpc {
            Some(vpc) => {
                let (blocks, blocks_complete) = N::vpc_blocks(cidrs, vpc);
                for block in blocks {
                    let prefix = N::block_net(block);
                    if prefix.covers(destination) {
                        inside_vpc = true;
                        matching.push(Candidate {
                            prefix,
                            via: Via::Local(*block),
                        });
                    }
                }
                let outside_every_block =
                    destination.into().prefix_len() < N::SHORTEST_BLOCK_PREFIX;
                complete &= inside_vpc || blocks_complete || outside_every_block;
            }
            None => complete = false,
        }
        for &route in self.routes(table) {
            match self.network.routes[route].destination.copied() {
                Some(Destination::PrefixList(list)) => {
                    match super::prefix_list::all_entries(self.network, list) {
                        Some(entries) => matching.extend(
                            entries
                                .into_iter()
                                .filter_map(|entry| N::of(entry.trunc()))
                                .filter(|prefix| prefix.covers(destination))
                                .map(|prefix| Candidate {
                                    prefix,
                                    via: Via::Static(route),
                                }),
                        ),
                        // A gateway endpoint's list holds its service's public ranges:
                        // never the VPC's own addresses, never the whole internet.
                        None if (inside_vpc || destination.into().prefix_len() == 0)
                            && self.is_gateway_endpoint_route(route) => {}
                        None => complete = false,
                    }
                }
                None => complete = false,
                Some(destination_of_route) => {
                    if let Some(prefix) = destination_of_route
                        .cidr()
                        .and_then(N::of)
                        .filter(|prefix| prefix.covers(destination))
                    {
                        matching.push(Candidate {
                            prefix,
                            via: Via::Static(route),
                        })
                    }
                }
            }
        }
        if !inside_vpc {
            if N::PROPAGATED_ROUTES_MODELLED {
                complete &= self.propagated_routes_known(table);
                matching.extend(self.propagated_routes(table).into_iter().filter_map(|p| {
                    let prefix =
                        N::of(p.prefix.into()).filter(|prefix| prefix.covers(destination))?;
                    Some(Candidate {
                        prefix,
                        via: Via::Propagated(p),
                    })
                }));
            } else {
                complete = false;
            }
        }
        matching.sort_by_key(|c| {
            (
                std::cmp::Reverse(c.prefix.into().prefix_len()),
                c.rank(self.network),
            )
        });
        let mut ranked = matching.into_iter();
        let effective = ranked.next();
        let beaten: Vec<Candidate<'n, N>> = ranked.collect();
        let reason = match (effective, beaten.first()) {
            (Some(winner), Some(runner_up)) => reason(self.network, &winner, runner_up),
            _ => Reason::OnlyMatch,
        };
        RouteLookup {
            effective,
            reason,
            beaten,
            complete,
        }
    }
}

/// Where something of unknown table or subnet may be: a VPC (`None`: unknown) and the
/// arena indexes of its unit's own tables or subnets (`None`: any).
pub(super) type Place = (Option<VpcId>, Option<std::ops::Range<usize>>);

/// Per entity of an arena of `len` (whose VPC `vpc_of` gives): whether something placed at
/// one of `places` may be it. Each distinct place marks its unit's range only, so the cost
/// is the size of the units with such things, not every entity times every place.
pub(super) fn placed(
    places: Vec<Place>,
    len: usize,
    vpc_of: impl Fn(usize) -> Option<VpcId>,
) -> Vec<bool> {
    let mut marked = vec![false; len];
    let distinct: std::collections::HashSet<Place> = places.into_iter().collect();
    for (vpc, unit) in distinct {
        for index in unit.unwrap_or(0..len) {
            let Some(slot) = marked.get_mut(index) else {
                break;
            };
            if !*slot && (vpc.is_none() || vpc_of(index).is_none_or(|v| Some(v) == vpc)) {
                *slot = true;
            }
        }
    }
    marked
}

/// Per route table: whether a route or VGW propagation whose table is unknown may be in
/// it. Such a route is in a table of its own unit (see [`UnitEntities`]), of its target's
/// VPC (both VPCs of a peering connection, the gateway's VPC for a propagation)
/// when that is known.
fn unplaced_tables(network: &Network) -> Vec<bool> {
    let unit_tables = |index: usize, range: fn(&UnitEntities) -> &std::ops::Range<usize>| {
        UnitEntities::of(&network.units, index, range)
            .and_then(|unit| UnitEntities::scope(&unit.route_tables, unit.route_in_outside_table))
    };
    let mut places: Vec<Place> = Vec::new();
    for (id, route) in network.routes.iter() {
        if route.route_table.value.is_some() {
            continue;
        }
        let unit = unit_tables(id.index(), |u| &u.routes);
        match route.target.copied() {
            Some(Target::Peering(peering)) => {
                let connection = &network.peerings[peering];
                places.push((connection.requester_vpc.copied(), unit.clone()));
                places.push((connection.accepter_vpc.copied(), unit));
            }
            Some(target) => places.push((target_vpc(network, target), unit)),
            None => places.push((None, unit)),
        }
    }
    for (id, propagation) in network.vgw_propagations.iter() {
        if propagation.route_table.value.is_none() {
            let vgw = propagation.vpn_gateway.copied();
            places.push((
                vgw.and_then(|v| target_vpc(network, Target::VpnGateway(v))),
                unit_tables(id.index(), |u| &u.vgw_propagations),
            ));
        }
    }
    placed(places, network.route_tables.len(), |i| {
        network.route_tables[RouteTableId::new(i)].vpc.copied()
    })
}

/// The resource a route targets (`None` for the local route and for targets the model
/// does not follow).
pub fn target_origin(network: &Network, target: Target) -> Option<&Origin> {
    Some(match target {
        Target::InternetGateway(id) => &network.internet_gateways[id].origin,
        Target::EgressOnlyIgw(id) => &network.egress_only_igws[id].origin,
        Target::NatGateway(id) => &network.nat_gateways[id].origin,
        Target::Instance(id) => &network.instances[id].origin,
        Target::NetworkInterface(id) => &network.network_interfaces[id].origin,
        Target::Peering(id) => &network.peerings[id].origin,
        Target::VpnGateway(id) => &network.vpn_gateways[id].origin,
        Target::TransitGateway(id) => &network.transit_gateways[id].origin,
        Target::VpcEndpoint(id) => &network.vpc_endpoints[id].origin,
        Target::FirewallEndpoint(id) => &network.network_firewalls[id].origin,
        Target::Local | Target::Other => return None,
    })
}

/// The address of the resource a route targets.
pub fn target_address(network: &Network, target: Target) -> Option<&str> {
    target_origin(network, target).map(|origin| origin.address.as_str())
}

/// The VPC a route target belongs to: the VPC an internet/egress-only/VPN gateway is
/// attached to, the VPC of a NAT gateway's, instance's or interface's subnet, or an
/// endpoint's VPC. `None` when unknown or not bound to one VPC (transit gateway, peering
/// connection: see [`super::peering::peer_of`]).
pub fn target_vpc(network: &Network, target: Target) -> Option<VpcId> {
    let subnet_vpc = |subnet: Option<SubnetId>| network.subnets[subnet?].vpc.copied();
    match target {
        Target::InternetGateway(id) => network.internet_gateways[id].vpc.as_ref()?.copied(),
        Target::VpnGateway(id) => network.vpn_gateways[id].vpc.as_ref()?.copied(),
        Target::EgressOnlyIgw(id) => network.egress_only_igws[id].vpc.copied(),
        Target::NatGateway(id) => subnet_vpc(network.nat_gateways[id].subnet.copied()),
        Target::Instance(id) => subnet_vpc(network.instances[id].subnet.copied()),
        Target::NetworkInterface(id) => subnet_vpc(network.network_interfaces[id].subnet.copied()),
        Target::VpcEndpoint(id) => network.vpc_endpoints[id].vpc.copied(),
        Target::FirewallEndpoint(id) => network.network_firewalls[id].vpc.copied(),
        Target::Peering(_) | Target::TransitGateway(_) | Target::Local | Target::Other => None,
    }
}

fn reason<N: AddressFamily>(
    network: &Network,
    winner: &Candidate<N>,
    runner_up: &Candidate<N>,
) -> Reason {
    if winner.prefix.into().prefix_len() > runner_up.prefix.into().prefix_len() {
        return Reason::LongestPrefix;
    }
    match (winner.via, runner_up.via) {
        (Via::Static(w), Via::Static(r))
            if !is_prefix_list_route(network, w) && is_prefix_list_route(network, r) =>
        {
            Reason::StaticOverPrefixList
        }
        (Via::Static(w), Via::Propagated(_)) if is_prefix_list_route(network, w) => {
            Reason::PrefixListOverPropagated
        }
        (Via::Static(_), Via::Propagated(_)) => Reason::StaticOverPropagated,
        (Via::Static(_), Via::Local(_)) => Reason::StaticReplacesLocal,
        (Via::Local(_), Via::Propagated(_)) => Reason::LocalOverPropagated,
        (Via::Propagated(w), Via::Propagated(r)) if w.source != r.source => match w.source {
            PropagatedSource::DirectConnect => Reason::DirectConnectOverVpn,
            PropagatedSource::VpnStatic(_) => Reason::Tie,
        },
        _ => Reason::Tie,
    }
}

// ---------------------------------------------------------------- transit gateway

/// Where a propagated transit gateway route comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TgwPropagatedSource {
    /// One of the attached VPC's blocks.
    Vpc(VpcId),
    /// A declared Direct Connect prefix, propagated by a Direct Connect gateway attachment.
    DirectConnect,
    /// A static route of the attached VPN connection.
    VpnStatic(VpnRouteId),
}

/// A route an attachment propagates into a transit gateway route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TgwPropagatedRoute {
    pub prefix: Ipv4Net,
    pub attachment: TgwAttachmentId,
    pub source: TgwPropagatedSource,
    /// The propagation resource; `None` for the gateway's default propagation.
    pub propagation: Option<TgwPropagationId>,
}

/// A transit gateway route table: one in the model (declared, or the gateway's default
/// route table when the code names it), or the default route table of a gateway whose
/// code never names it (it holds only default propagations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TgwTable {
    Declared(TgwRouteTableId),
    Default(TransitGatewayId),
}

impl TgwTable {
    /// The table's address, or `the default route table of <gateway>`.
    pub fn describe(self, network: &Network) -> String {
        match self {
            TgwTable::Declared(id) => network.tgw_route_tables[id].origin.address.clone(),
            TgwTable::Default(gateway) => format!(
                "the default route table of {}",
                network.transit_gateways[gateway].origin.address
            ),
        }
    }
}

/// How a matching route got into a transit gateway route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TgwVia {
    Static(TgwRouteId),
    Propagated(TgwPropagatedRoute),
}

/// The outcome of [`TgwRoutingIndex::effective_route`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TgwRouteLookup {
    /// The most specific matching route, a static one winning equal prefixes.
    pub effective: Option<(Ipv4Net, TgwVia)>,
    /// False when a route or propagation of the table is unknown (unknown destination or
    /// attachment, BGP-learned or undeclared prefixes, a VPC with an unknown block).
    pub complete: bool,
}

/// Transit gateway route tables with their static and propagated routes, indexed once.
pub struct TgwRoutingIndex {
    routes_by_table: Vec<Vec<TgwRouteId>>,
    /// Per slot: the declared tables, then one default route table per gateway.
    propagated_by_table: Vec<Vec<TgwPropagatedRoute>>,
    /// Per slot: the table has a propagation or static route whose prefixes are not all
    /// known.
    incomplete: Vec<bool>,
    /// The default route table of each gateway, when the code names it.
    named_default: Vec<Option<TgwRouteTableId>>,
    /// A route or propagation whose table is unknown may be in any table.
    unplaced: bool,
}

impl TgwRoutingIndex {
    pub fn new(network: &Network, cidrs: &VpcCidrs) -> Self {
        let tables = network.tgw_route_tables.len();
        let slots = tables + network.transit_gateways.len();
        let mut named_default = vec![None; network.transit_gateways.len()];
        for (id, table) in network.tgw_route_tables.iter() {
            if let (true, Some(gateway)) = (table.is_default, table.transit_gateway.copied()) {
                named_default[gateway.index()].get_or_insert(id);
            }
        }
        let default_slot = |gateway: TransitGatewayId| {
            named_default[gateway.index()].map_or(tables + gateway.index(), |t| t.index())
        };
        let mut routes_by_table = vec![Vec::new(); tables];
        let mut incomplete = vec![false; slots];
        let mut unplaced = false;
        for (id, route) in network.tgw_routes.iter() {
            let Some(table) = route.route_table.copied() else {
                unplaced = true;
                continue;
            };
            if let Some(list) = routes_by_table.get_mut(table.index()) {
                list.push(id);
            }
            if route.destination.value.is_none() {
                incomplete[table.index()] = true;
            }
        }
        let mut bgp_connections = vec![false; network.vpn_connections.len()];
        for (id, connection) in network.vpn_connections.iter() {
            bgp_connections[id.index()] = connection.static_routes_only.copied() != Some(true);
        }
        let mut vpn_routes_by_connection = vec![Vec::new(); network.vpn_connections.len()];
        for (id, route) in network.vpn_routes.iter() {
            if let (Some(connection), Some(prefix)) =
                (route.vpn_connection.copied(), route.destination.copied())
            {
                if let Some(list) = vpn_routes_by_connection.get_mut(connection.index()) {
                    list.push((id, prefix));
                }
            }
        }
        let mut propagated_by_table: Vec<Vec<TgwPropagatedRoute>> = vec![Vec::new(); slots];
        // What an attachment propagates into a slot, and whether all of it is known.
        let mut propagate = |slot: usize,
                             attachment: TgwAttachmentId,
                             propagation: Option<TgwPropagationId>| {
            let Some(list) = propagated_by_table.get_mut(slot) else {
                return;
            };
            let kind = network.tgw_attachments[attachment].kind.copied();
            incomplete[slot] |= match kind {
                Some(TgwAttachmentKind::Vpc(vpc)) => !cidrs.is_complete(vpc),
                Some(TgwAttachmentKind::DxGateway(_)) => network.declared.direct_connect.is_empty(),
                Some(TgwAttachmentKind::Vpn(connection)) => bgp_connections[connection.index()],
                _ => true,
            };
            let route = |prefix, source| TgwPropagatedRoute {
                prefix,
                attachment,
                source,
                propagation,
            };
            match kind {
                Some(TgwAttachmentKind::Vpc(vpc)) => list.extend(
                    cidrs
                        .blocks(vpc)
                        .iter()
                        .map(|b| route(b.net, TgwPropagatedSource::Vpc(vpc))),
                ),
                Some(TgwAttachmentKind::DxGateway(_)) => list.extend(
                    network
                        .declared
                        .direct_connect
                        .iter()
                        .map(|&prefix| route(prefix, TgwPropagatedSource::DirectConnect)),
                ),
                Some(TgwAttachmentKind::Vpn(connection)) => list.extend(
                    vpn_routes_by_connection
                        .get(connection.index())
                        .into_iter()
                        .flatten()
                        .map(|&(id, prefix)| route(prefix, TgwPropagatedSource::VpnStatic(id))),
                ),
                _ => {}
            }
        };
        let mut of_unknown_attachment = Vec::new();
        for (id, propagation) in network.tgw_propagations.iter() {
            let Some(table) = propagation.route_table.copied() else {
                unplaced = true;
                continue;
            };
            match propagation.attachment.copied() {
                Some(attachment) => propagate(table.index(), attachment, Some(id)),
                None => of_unknown_attachment.push(table.index()),
            }
        }
        // Default propagation: on when both the gateway's and the attachment's settings
        // are on (both default to on); unknown when either is.
        let mut any_default_incomplete = false;
        let mut default_incomplete = vec![false; network.transit_gateways.len()];
        for (id, attachment) in network.tgw_attachments.iter() {
            let on_attachment = attachment.default_propagation.copied();
            if on_attachment == Some(false) {
                continue;
            }
            let Some(gateway) = attachment.transit_gateway.copied() else {
                any_default_incomplete = true;
                continue;
            };
            match (
                on_attachment,
                network.transit_gateways[gateway].propagates_by_default(),
            ) {
                (_, Some(false)) => {}
                (Some(true), Some(true)) => propagate(default_slot(gateway), id, None),
                _ => default_incomplete[gateway.index()] = true,
            }
        }
        for slot in of_unknown_attachment {
            incomplete[slot] = true;
        }
        for (gateway, unknown) in default_incomplete.into_iter().enumerate() {
            if unknown || any_default_incomplete {
                incomplete[default_slot(TransitGatewayId::new(gateway))] = true;
            }
        }
        TgwRoutingIndex {
            routes_by_table,
            propagated_by_table,
            incomplete,
            named_default,
            unplaced,
        }
    }

    /// The gateway's default route table as the model holds it: the table the code names,
    /// else [`TgwTable::Default`].
    pub fn default_table(&self, gateway: TransitGatewayId) -> TgwTable {
        match self.named_default.get(gateway.index()).copied().flatten() {
            Some(table) => TgwTable::Declared(table),
            None => TgwTable::Default(gateway),
        }
    }

    fn slot(&self, table: TgwTable) -> usize {
        match self.default_table_of(table) {
            TgwTable::Declared(id) => id.index(),
            TgwTable::Default(gateway) => self.routes_by_table.len() + gateway.index(),
        }
    }

    fn default_table_of(&self, table: TgwTable) -> TgwTable {
        match table {
            TgwTable::Default(gateway) => self.default_table(gateway),
            declared => declared,
        }
    }

    /// The route a transit gateway route table uses for `destination` (the whole block
    /// must be covered): the most specific, a static route (or blackhole) winning over a
    /// propagated one of equal prefix.
    pub fn effective_route(
        &self,
        network: &Network,
        table: TgwTable,
        destination: Ipv4Net,
    ) -> TgwRouteLookup {
        let effective = self
            .table_routes(network, table)
            .filter(|(prefix, _)| prefix.contains(&destination))
            .min_by_key(|(prefix, via)| {
                let rank = u8::from(matches!(via, TgwVia::Propagated(_)));
                (std::cmp::Reverse(prefix.prefix_len()), rank)
            });
        TgwRouteLookup {
            effective,
            complete: self.is_complete(table),
        }
    }

    /// Every known route of a table, static (blackholes included) then propagated.
    pub fn table_routes<'a>(
        &'a self,
        network: &'a Network,
        table: TgwTable,
    ) -> impl Iterator<Item = (Ipv4Net, TgwVia)> + 'a {
        let statics = match self.default_table_of(table) {
            TgwTable::Declared(id) => self.routes(id),
            TgwTable::Default(_) => &[],
        };
        let statics = statics.iter().filter_map(|&id| {
            let prefix = network.tgw_routes[id].destination.copied()?;
            Some((prefix, TgwVia::Static(id)))
        });
        let propagated = self
            .propagated_by_table
            .get(self.slot(table))
            .into_iter()
            .flatten()
            .map(|p| (p.prefix, TgwVia::Propagated(*p)));
        statics.chain(propagated)
    }

    /// Whether every route and propagation of the table is known.
    pub fn is_complete(&self, table: TgwTable) -> bool {
        !self.unplaced
            && !self
                .incomplete
                .get(self.slot(table))
                .copied()
                .unwrap_or(true)
    }

    /// The static routes of a transit gateway route table.
    pub fn routes(&self, table: TgwRouteTableId) -> &[TgwRouteId] {
        self.routes_by_table
            .get(table.index())
            .map_or(&[], Vec::as_slice)
    }

    /// The known routes attachments propagate into the table (explicit propagations, and
    /// default propagations when it is its gateway's default route table).
    pub fn propagated_routes(&self, table: TgwRouteTableId) -> &[TgwPropagatedRoute] {
        self.propagated_by_table
            .get(table.index())
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{net, NetworkBuilder};
    use crate::model::EndpointKind;

    struct Estate {
        network: Network,
        table: RouteTableId,
        igw_route: RouteId,
        vpn_route: VpnRouteId,
    }

    /// VPC 10.0.0.0/16 (+ 10.9.0.0/16) with a VGW that has a static VPN to 192.168.0.0/16
    /// and a Direct Connect association (declared 172.16.0.0/12, 192.168.0.0/16).
    fn estate() -> Estate {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        b.secondary_cidr("aws_vpc_ipv4_cidr_block_association.a", vpc, "10.9.0.0/16");
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let vgw = b.vpn_gateway("aws_vpn_gateway.a", Some(vpc));
        let vpn = b.vpn_connection("aws_vpn_connection.a", vgw, true);
        let vpn_route = b.vpn_route("aws_vpn_connection_route.a", vpn, "192.168.0.0/16");
        b.direct_connect_on_vgw("a", vgw);
        b.declare_direct_connect("172.16.0.0/12");
        b.declare_direct_connect("192.168.0.0/16");
        let table = b.route_table("aws_route_table.a", vpc);
        let igw_route = b.route(
            "aws_route.igw",
            table,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        b.vgw_propagation("aws_vpn_gateway_route_propagation.a", table, vgw);
        Estate {
            network: b.finish(),
            table,
            igw_route,
            vpn_route,
        }
    }

    #[test]
    fn longest_prefix_wins() {
        let e = estate();
        let cidrs = VpcCidrs::new(&e.network);
        let index = RoutingIndex::new(&e.network);
        let lookup = index.effective_route(&cidrs, e.table, net("172.16.5.0/24"));
        assert!(lookup.complete);
        assert!(matches!(
            lookup.effective.map(|c| c.via),
            Some(Via::Propagated(PropagatedRoute {
                source: PropagatedSource::DirectConnect,
                ..
            }))
        ));
        assert_eq!(lookup.reason, Reason::LongestPrefix);
        assert_eq!(lookup.beaten.len(), 1);
        let internet = index.effective_route(&cidrs, e.table, net("8.8.8.8/32"));
        assert_eq!(
            internet.effective.map(|c| c.via),
            Some(Via::Static(e.igw_route))
        );
        assert_eq!(internet.reason, Reason::OnlyMatch);
    }

    #[test]
    fn direct_connect_beats_vpn_static_for_equal_prefixes() {
        let e = estate();
        let cidrs = VpcCidrs::new(&e.network);
        let index = RoutingIndex::new(&e.network);
        let lookup = index.effective_route(&cidrs, e.table, net("192.168.1.1/32"));
        assert_eq!(lookup.reason, Reason::DirectConnectOverVpn);
        assert!(lookup.beaten.iter().any(|c| matches!(
            c.via,
            Via::Propagated(PropagatedRoute { source: PropagatedSource::VpnStatic(r), .. }) if r == e.vpn_route
        )));
    }

    #[test]
    fn static_beats_propagated_for_equal_prefixes() {
        let mut e = estate();
        let vpc = VpcId::new(0);
        let pcx = {
            let mut b = NetworkBuilder::new();
            b.network = std::mem::take(&mut e.network);
            let other = b.vpc("aws_vpc.b", "10.1.0.0/16");
            let pcx = b.peering("aws_vpc_peering_connection.ab", vpc, other);
            let route = b.route(
                "aws_route.onprem",
                e.table,
                "192.168.0.0/16",
                Target::Peering(pcx),
            );
            e.network = b.finish();
            route
        };
        let cidrs = VpcCidrs::new(&e.network);
        let index = RoutingIndex::new(&e.network);
        let lookup = index.effective_route(&cidrs, e.table, net("192.168.7.0/24"));
        assert_eq!(lookup.effective.map(|c| c.via), Some(Via::Static(pcx)));
        assert_eq!(lookup.reason, Reason::StaticOverPropagated);
    }

    #[test]
    fn local_route_beats_more_specific_propagated_routes_but_not_static_ones() {
        let mut b = NetworkBuilder::new();
        b.declare_direct_connect("10.0.5.0/24");
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        b.ipv6_block(vpc, "2600:1f18:1:100::/56");
        let vgw = b.vpn_gateway("aws_vpn_gateway.a", Some(vpc));
        b.direct_connect_on_vgw("a", vgw);
        let table = b.route_table("aws_route_table.a", vpc);
        b.vgw_propagation("aws_vpn_gateway_route_propagation.a", table, vgw);
        let endpoint = b.vpc_endpoint(
            "aws_vpc_endpoint.fw",
            vpc,
            EndpointKind::GatewayLoadBalancer,
        );
        let middlebox = b.route(
            "aws_route.fw",
            table,
            "10.0.7.0/24",
            Target::VpcEndpoint(endpoint),
        );
        let ipv6_middlebox = b.route(
            "aws_route.fw6",
            table,
            "2600:1f18:1:107::/64",
            Target::VpcEndpoint(endpoint),
        );
        let network = b.finish();
        let cidrs = VpcCidrs::new(&network);
        let index = RoutingIndex::new(&network);
        let local = index.effective_route(&cidrs, table, net("10.0.5.9/32"));
        assert!(matches!(
            local.effective.map(|c| c.via),
            Some(Via::Local(_))
        ));
        assert!(local.beaten.is_empty());
        let inspected = index.effective_route(&cidrs, table, net("10.0.7.9/32"));
        assert_eq!(
            inspected.effective.map(|c| c.via),
            Some(Via::Static(middlebox))
        );
        assert_eq!(inspected.reason, Reason::LongestPrefix);
        // IPv6 takes the same lookup; outside the VPC's blocks it is never complete (VGWs
        // learn IPv6 prefixes by BGP).
        let v6 = |text: &str| -> Ipv6Net { text.parse().unwrap() };
        let inspected = index.effective_route(&cidrs, table, v6("2600:1f18:1:107::/64"));
        assert!(inspected.complete);
        assert_eq!(
            inspected.effective.map(|c| c.via),
            Some(Via::Static(ipv6_middlebox))
        );
        let local = index.effective_route(&cidrs, table, v6("2600:1f18:1:105::/64"));
        assert!(matches!(
            local.effective.map(|c| c.via),
            Some(Via::Local(_))
        ));
        assert!(
            !index
                .effective_route(&cidrs, table, v6("2001:db8::/64"))
                .complete
        );
    }

    #[test]
    fn unknown_routes_make_the_lookup_incomplete() {
        let mut e = estate();
        // A BGP VPN on the gateway: its prefixes are learned at run time.
        let vgw = VpnGatewayId::new(0);
        let mut b = NetworkBuilder::new();
        b.network = std::mem::take(&mut e.network);
        b.vpn_connection("aws_vpn_connection.bgp", vgw, false);
        let unknown = b.route("aws_route.x", e.table, "10.50.0.0/16", Target::Other);
        e.network = b.finish();
        let cidrs = VpcCidrs::new(&e.network);
        let index = RoutingIndex::new(&e.network);
        assert!(
            !index
                .effective_route(&cidrs, e.table, net("8.8.8.8/32"))
                .complete
        );
        // Inside the VPC, propagated routes cannot matter.
        assert!(
            index
                .effective_route(&cidrs, e.table, net("10.0.1.0/24"))
                .complete
        );
        e.network.routes[unknown].destination.value = None;
        let cidrs = VpcCidrs::new(&e.network);
        let index = RoutingIndex::new(&e.network);
        assert!(
            !index
                .effective_route(&cidrs, e.table, net("10.0.1.0/24"))
                .complete
        );
    }

    #[test]
    fn subnet_route_table_is_explicit_else_main_else_unknown() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let other_vpc = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let associated = b.subnet("aws_subnet.a", vpc, "10.0.1.0/24");
        let implicit = b.subnet("aws_subnet.b", vpc, "10.0.2.0/24");
        let unmanaged = b.subnet("aws_subnet.c", other_vpc, "10.1.2.0/24");
        let main = b.route_table("aws_default_route_table.a", vpc);
        b.make_main(main);
        let private = b.route_table("aws_route_table.private", vpc);
        b.associate("aws_route_table_association.a", private, associated);
        let network = b.finish();
        let index = RoutingIndex::new(&network);
        assert_eq!(index.subnet_route_table(associated), Some(private));
        assert_eq!(index.subnet_route_table(implicit), Some(main));
        assert_eq!(index.subnet_route_table(unmanaged), None);
        assert_eq!(index.routes(private), &[] as &[RouteId]);
    }

    #[test]
    fn tgw_tables_collect_vpc_dx_and_vpn_propagations() {
        let mut b = NetworkBuilder::new();
        b.declare_direct_connect("10.0.0.0/8");
        let vpc = b.vpc("aws_vpc.a", "10.1.0.0/16");
        let tgw = b.transit_gateway("aws_ec2_transit_gateway.t");
        let dx = b.dx_gateway("aws_dx_gateway.a");
        let vpc_att = b.tgw_attachment(
            "aws_ec2_transit_gateway_vpc_attachment.a",
            tgw,
            TgwAttachmentKind::Vpc(vpc),
        );
        let dx_att = b.tgw_attachment("dx", tgw, TgwAttachmentKind::DxGateway(dx));
        let table = b.tgw_route_table("aws_ec2_transit_gateway_route_table.t", tgw);
        b.tgw_propagation("p1", table, vpc_att);
        b.tgw_propagation("p2", table, dx_att);
        let route = b.tgw_route("r", table, "10.0.0.0/8", Some(vpc_att));
        let network = b.finish();
        let cidrs = VpcCidrs::new(&network);
        let index = TgwRoutingIndex::new(&network, &cidrs);
        let prefixes: Vec<_> = index
            .propagated_routes(table)
            .iter()
            .map(|p| p.prefix)
            .collect();
        assert_eq!(prefixes, vec![net("10.1.0.0/16"), net("10.0.0.0/8")]);
        assert_eq!(index.routes(table), &[route]);
    }

    #[test]
    fn routes_and_associations_of_unknown_table_or_subnet_make_lookups_unknown() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let other = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let table = b.route_table("aws_route_table.a", vpc);
        let other_table = b.route_table("aws_route_table.b", other);
        let subnet = b.subnet("aws_subnet.a", vpc, "10.0.1.0/24");
        let other_subnet = b.subnet("aws_subnet.b", other, "10.1.1.0/24");
        b.associate("aws_route_table_association.b", other_table, other_subnet);
        // A route to this VPC's internet gateway in a table that is not known.
        let route = b.route(
            "aws_route.x",
            table,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        b.network.routes[route].route_table.value = None;
        // An association of an unknown subnet with this VPC's table.
        b.associate("aws_route_table_association.x", table, subnet);
        let association = b.network.route_table_associations.len() - 1;
        b.network.route_table_associations[Id::new(association)]
            .subnet
            .as_mut()
            .unwrap()
            .value = None;
        let network = b.finish();
        let cidrs = VpcCidrs::new(&network);
        let routing = RoutingIndex::new(&network);
        assert!(!routing.routes_known(table));
        assert!(
            !routing
                .effective_route(&cidrs, table, net("0.0.0.0/0"))
                .complete
        );
        assert_eq!(routing.explicit_route_table(subnet), Some(None));
        assert_eq!(routing.subnet_route_table(subnet), None);
        // The other VPC's table and its subnet's known association are unaffected.
        assert!(routing.routes_known(other_table));
        assert_eq!(routing.subnet_route_table(other_subnet), Some(other_table));
    }

    #[test]
    fn a_route_of_unknown_table_and_target_stays_in_its_own_unit() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let other = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let table = b.route_table("aws_route_table.a", vpc);
        let other_table = b.route_table("aws_route_table.b", other);
        let igw = b.internet_gateway("aws_internet_gateway.b", other);
        // A route of the first unit whose count is unknown: table and target unknown.
        let route = b.route(
            "aws_route.x",
            table,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        b.network.routes[route].route_table.value = None;
        b.network.routes[route].target.value = None;
        b.route(
            "aws_route.b",
            other_table,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        // Units' ranges follow each other, in lowering order.
        b.network.units = vec![
            UnitEntities {
                route_tables: 0..1,
                routes: 0..1,
                ..Default::default()
            },
            UnitEntities {
                route_tables: 1..2,
                routes: 1..2,
                ..Default::default()
            },
        ];
        let network = b.finish();
        let routing = RoutingIndex::new(&network);
        assert!(!routing.routes_known(table));
        // Another unit's table cannot hold it: references do not cross units.
        assert!(routing.routes_known(other_table));
        // Unless its unit has no table of its own: then it names one from outside.
        let mut network = network;
        network.units[0].route_tables = 0..0;
        network.units[0].route_in_outside_table = true;
        network.units[1].route_tables = 0..2;
        let routing = RoutingIndex::new(&network);
        assert!(!routing.routes_known(table));
        assert!(!routing.routes_known(other_table));
    }
}
