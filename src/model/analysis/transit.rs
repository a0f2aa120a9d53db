//! Transit gateways seen from the VPCs: the Availability Zones a VPC attachment covers,
//! the subnets whose route tables send traffic to a gateway, the VPC attachments of each
//! (gateway, VPC) pair, and the route table that serves each attachment.
//!
//! AWS forwards from a VPC to a transit gateway only in the zones that hold a subnet of
//! the attachment, and a flow's zone decides which attachment interface, and so which
//! appliance, it meets:
//! <https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html#tgw-az-overview>.

use super::routing::{RoutingIndex, TgwRoutingIndex, TgwTable, TgwVia};
use crate::model::{
    Network, RouteId, RouteTableId, SubnetId, Target, TgwAssociation, TgwAttachmentId,
    TgwAttachmentKind, TransitGatewayId, VpcId,
};
use ipnet::Ipv4Net;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Whether a zone is written as a name (`us-east-1a`), as a zone ID (`use1-az1`) or as a
/// position of a `!GetAZs` list (`GetAZs(us-east-1)[0]`): AWS maps names to IDs per account
/// and `!GetAZs` depends on the account's default subnets, so only like compares with like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneNotation {
    Name,
    Id,
    Position,
}

pub fn zone_notation(zone: &str) -> ZoneNotation {
    if zone.starts_with("GetAZs(") {
        return ZoneNotation::Position;
    }
    match zone.rsplit_once("-az") {
        Some((_, digits)) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            ZoneNotation::Id
        }
        _ => ZoneNotation::Name,
    }
}

/// Whether the zones are all written alike, so that equal and different strings are the
/// same and different zones.
pub fn one_notation<'z>(zones: impl IntoIterator<Item = &'z str>) -> bool {
    let mut notations = zones.into_iter().map(zone_notation);
    match notations.next() {
        Some(first) => notations.all(|n| n == first),
        None => true,
    }
}

/// The zones of a VPC attachment, each with the first subnet that covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentZones<'n> {
    pub zones: BTreeMap<&'n str, SubnetId>,
    pub notation: ZoneNotation,
}

/// The zones an attachment's subnets cover: `None` when its subnet list is empty, a
/// subnet or its zone is unknown, or names and zone IDs are mixed.
pub fn attachment_zones(
    network: &Network,
    attachment: TgwAttachmentId,
) -> Option<AttachmentZones<'_>> {
    let subnets = &network.tgw_attachments[attachment].subnets;
    if subnets.is_empty() {
        return None;
    }
    let mut zones = BTreeMap::new();
    let mut notation = None;
    for field in subnets {
        let subnet = field.copied()?;
        let zone = network.subnets[subnet].az.get()?.as_str();
        let this = zone_notation(zone);
        if *notation.get_or_insert(this) != this {
            return None;
        }
        zones.entry(zone).or_insert(subnet);
    }
    Some(AttachmentZones {
        zones,
        notation: notation?,
    })
}

/// The subnets that use each route table (explicit association, else the VPC's main
/// route table when the code manages it).
pub fn subnets_by_route_table(
    network: &Network,
    routing: &RoutingIndex<'_>,
) -> HashMap<RouteTableId, Vec<SubnetId>> {
    let mut by_table: HashMap<RouteTableId, Vec<SubnetId>> = HashMap::new();
    for (subnet, _) in network.subnets.iter() {
        if let Some(table) = routing.subnet_route_table(subnet) {
            by_table.entry(table).or_default().push(subnet);
        }
    }
    by_table
}

/// A route of a VPC route table to a transit gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteToGateway {
    pub route: RouteId,
    pub table: RouteTableId,
    pub vpc: VpcId,
    pub gateway: TransitGatewayId,
}

/// Every route to a transit gateway whose table and VPC are known, in declaration order.
pub fn routes_to_transit_gateways(network: &Network) -> Vec<RouteToGateway> {
    network
        .routes
        .iter()
        .filter_map(|(route, r)| {
            let Some(Target::TransitGateway(gateway)) = r.target.copied() else {
                return None;
            };
            let table = r.route_table.copied()?;
            let vpc = network.route_tables[table].vpc.copied()?;
            Some(RouteToGateway {
                route,
                table,
                vpc,
                gateway,
            })
        })
        .collect()
}

/// The VPC attachments of each (transit gateway, VPC) pair, and the gateways whose
/// attachments are not all known (an attachment of unknown VPC may be any VPC's).
pub struct VpcAttachments {
    by_pair: HashMap<(TransitGatewayId, VpcId), Vec<TgwAttachmentId>>,
    incomplete: HashSet<TransitGatewayId>,
    /// An attachment whose gateway is unknown may be any gateway's.
    any_incomplete: bool,
}

impl VpcAttachments {
    pub fn new(network: &Network) -> Self {
        let mut by_pair: HashMap<_, Vec<_>> = HashMap::new();
        let mut incomplete = HashSet::new();
        let mut any_incomplete = false;
        for (id, attachment) in network.tgw_attachments.iter() {
            match (
                attachment.transit_gateway.copied(),
                attachment.kind.copied(),
            ) {
                (Some(gateway), Some(TgwAttachmentKind::Vpc(vpc))) => {
                    by_pair.entry((gateway, vpc)).or_default().push(id)
                }
                (Some(_), Some(_)) => {}
                (Some(gateway), None) => {
                    incomplete.insert(gateway);
                }
                (None, Some(TgwAttachmentKind::Vpc(_)) | None) => any_incomplete = true,
                (None, Some(_)) => {}
            }
        }
        VpcAttachments {
            by_pair,
            incomplete,
            any_incomplete,
        }
    }

    /// The VPC's attachments to the gateway, when every attachment that could be one of
    /// them is known; `None` otherwise, and when there is none in the code.
    pub fn of(&self, gateway: TransitGatewayId, vpc: VpcId) -> Option<&[TgwAttachmentId]> {
        if self.any_incomplete || self.incomplete.contains(&gateway) {
            return None;
        }
        self.by_pair.get(&(gateway, vpc)).map(Vec::as_slice)
    }
}

/// The route table a transit gateway uses for traffic that comes in on an attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentAssociation {
    Table(TgwTable),
    /// Known to be associated with no table: the gateway drops what it sends.
    None,
    /// An association, the default settings or the gateway are unknown, or several
    /// associations conflict (AWS allows one).
    Unknown,
}

/// Which transit gateway route table serves each attachment: its explicit association
/// (`aws_ec2_transit_gateway_route_table_association`,
/// `AWS::EC2::TransitGatewayRouteTableAssociation`), else the gateway's default
/// association route table when both the gateway (`default_route_table_association`,
/// `DefaultRouteTableAssociation`) and the attachment
/// (`transit_gateway_default_route_table_association`) leave default association on:
/// <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html>.
pub struct TgwAssociations<'n> {
    explicit: HashMap<TgwAttachmentId, Vec<&'n TgwAssociation>>,
    /// Gateways with an association of unknown attachment (it may be any attachment's).
    unknown_on: HashSet<TransitGatewayId>,
    /// An association whose attachment and table are both unknown.
    any_unknown: bool,
}

impl<'n> TgwAssociations<'n> {
    pub fn new(network: &'n Network) -> Self {
        let mut explicit: HashMap<_, Vec<_>> = HashMap::new();
        let mut unknown_on = HashSet::new();
        let mut any_unknown = false;
        for association in network.tgw_associations.values() {
            match association.attachment.copied() {
                Some(attachment) => explicit.entry(attachment).or_default().push(association),
                None => match association
                    .route_table
                    .copied()
                    .and_then(|t| network.tgw_route_tables[t].transit_gateway.copied())
                {
                    Some(gateway) => {
                        unknown_on.insert(gateway);
                    }
                    None => any_unknown = true,
                },
            }
        }
        TgwAssociations {
            explicit,
            unknown_on,
            any_unknown,
        }
    }

    pub fn of(
        &self,
        network: &'n Network,
        routing: &TgwRoutingIndex,
        attachment: TgwAttachmentId,
    ) -> AttachmentAssociation {
        let entity = &network.tgw_attachments[attachment];
        let Some(gateway) = entity.transit_gateway.copied() else {
            return AttachmentAssociation::Unknown;
        };
        if self.any_unknown || self.unknown_on.contains(&gateway) {
            return AttachmentAssociation::Unknown;
        }
        let by_default = match (
            entity.default_association.copied(),
            network.transit_gateways[gateway].associates_by_default(),
        ) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        };
        let explicit = self
            .explicit
            .get(&attachment)
            .map_or(&[][..], Vec::as_slice);
        match (explicit, by_default) {
            ([], Some(true)) => AttachmentAssociation::Table(routing.default_table(gateway)),
            ([], Some(false)) => AttachmentAssociation::None,
            ([only], Some(false)) => match only.route_table.copied() {
                Some(table) => AttachmentAssociation::Table(TgwTable::Declared(table)),
                None => AttachmentAssociation::Unknown,
            },
            _ => AttachmentAssociation::Unknown,
        }
    }
}

/// Whether traffic a transit gateway static route sends to a VPC `attachment` goes on to
/// `onward` (the VPN or Direct Connect attachment whose prefix the route shadows) when the
/// VPC sends it back: the attachment's own route table routes `prefix` to `onward`, the
/// design of an inspection VPC. `Some(false)` for other attachments and onward routes;
/// `None` when the attachment's association or its table's route is unknown.
pub fn routes_to_when_back(
    network: &Network,
    routing: &TgwRoutingIndex,
    associations: &TgwAssociations,
    attachment: TgwAttachmentId,
    prefix: Ipv4Net,
    onward: TgwAttachmentId,
) -> Option<bool> {
    if !matches!(
        network.tgw_attachments[attachment].kind.copied()?,
        TgwAttachmentKind::Vpc(_)
    ) {
        return Some(false);
    }
    let table = match associations.of(network, routing, attachment) {
        AttachmentAssociation::Table(table) => table,
        AttachmentAssociation::None => return Some(false),
        AttachmentAssociation::Unknown => return None,
    };
    let lookup = routing.effective_route(network, table, prefix);
    if !lookup.complete {
        return None;
    }
    Some(match lookup.effective {
        Some((_, TgwVia::Propagated(p))) => p.attachment == onward,
        Some((_, TgwVia::Static(route))) => {
            let route = &network.tgw_routes[route];
            // A blackhole drops it.
            !route.blackhole && route.attachment.as_ref()?.copied()? == onward
        }
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;

    #[test]
    fn zone_names_and_ids_are_told_apart() {
        assert_eq!(zone_notation("us-east-1a"), ZoneNotation::Name);
        assert_eq!(zone_notation("use1-az1"), ZoneNotation::Id);
        assert_eq!(zone_notation("usw2-az12"), ZoneNotation::Id);
        assert_eq!(zone_notation("us-west-2-lax-1a"), ZoneNotation::Name);
        assert_eq!(
            zone_notation("GetAZs(us-east-1)[0]"),
            ZoneNotation::Position
        );
        assert!(one_notation([
            "GetAZs(us-east-1)[0]",
            "GetAZs(us-east-1)[1]"
        ]));
        assert!(!one_notation(["GetAZs(us-east-1)[0]", "us-east-1a"]));
        assert!(!one_notation(["use1-az1", "us-east-1a"]));
    }

    #[test]
    fn attachment_zones_need_every_subnet_zone() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let tgw = b.transit_gateway("aws_ec2_transit_gateway.t");
        let a = b.subnet("aws_subnet.a", vpc, "10.0.0.0/24");
        let c = b.subnet("aws_subnet.c", vpc, "10.0.1.0/24");
        b.network.subnets[c].az.value = None;
        let attachment = b.tgw_attachment("att", tgw, TgwAttachmentKind::Vpc(vpc));
        let first = b.known(a);
        b.network.tgw_attachments[attachment].subnets.push(first);
        let network = b.finish();
        let zones = attachment_zones(&network, attachment).unwrap();
        assert_eq!(
            zones.zones.keys().copied().collect::<Vec<_>>(),
            ["us-east-1a"]
        );
        let mut b = NetworkBuilder::new();
        b.network = network;
        let second = b.known(c);
        b.network.tgw_attachments[attachment].subnets.push(second);
        let network = b.finish();
        assert_eq!(attachment_zones(&network, attachment), None);
    }

    #[test]
    fn attachments_of_unknown_vpc_make_the_gateway_incomplete() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let tgw = b.transit_gateway("aws_ec2_transit_gateway.t");
        let other = b.transit_gateway("aws_ec2_transit_gateway.u");
        let attachment = b.tgw_attachment("att", tgw, TgwAttachmentKind::Vpc(vpc));
        let unknown = b.tgw_attachment("att2", other, TgwAttachmentKind::Vpc(vpc));
        b.network.tgw_attachments[unknown].kind.value = None;
        let network = b.finish();
        let attachments = VpcAttachments::new(&network);
        assert_eq!(attachments.of(tgw, vpc), Some(&[attachment][..]));
        assert_eq!(attachments.of(other, vpc), None);
    }
    #[test]
    fn attachments_are_served_by_their_explicit_or_default_table() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let other_vpc = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let third_vpc = b.vpc("aws_vpc.c", "10.2.0.0/16");
        let tgw = b.transit_gateway("aws_ec2_transit_gateway.t");
        let defaulted = b.tgw_attachment("a", tgw, TgwAttachmentKind::Vpc(vpc));
        let explicit = b.tgw_attachment("b", tgw, TgwAttachmentKind::Vpc(other_vpc));
        let conflicting = b.tgw_attachment("c", tgw, TgwAttachmentKind::Vpc(third_vpc));
        b.network.tgw_attachments[explicit].default_association = b.known(false);
        let table = b.tgw_route_table("aws_ec2_transit_gateway_route_table.t", tgw);
        b.tgw_association("assoc_b", table, explicit);
        b.tgw_association("assoc_c", table, conflicting);
        let network = b.finish();
        let cidrs = super::super::cidr::VpcCidrs::new(&network);
        let routing = TgwRoutingIndex::new(&network, &cidrs);
        let associations = TgwAssociations::new(&network);
        assert_eq!(
            associations.of(&network, &routing, defaulted),
            AttachmentAssociation::Table(TgwTable::Default(tgw))
        );
        assert_eq!(
            associations.of(&network, &routing, explicit),
            AttachmentAssociation::Table(TgwTable::Declared(table))
        );
        // Associated by default and explicitly: AWS rejects the second association.
        assert_eq!(
            associations.of(&network, &routing, conflicting),
            AttachmentAssociation::Unknown
        );
        // The default table holds the default propagations of the other two VPCs.
        let mut prefixes: Vec<_> = routing
            .table_routes(&network, TgwTable::Default(tgw))
            .map(|(prefix, _)| prefix.to_string())
            .collect();
        prefixes.sort();
        assert_eq!(prefixes, ["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"]);
        assert!(routing.is_complete(TgwTable::Default(tgw)));
    }
}
