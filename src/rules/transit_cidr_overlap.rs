//! `transit-cidr-overlap`: overlapping address space where a hub joins networks: VPCs with
//! overlapping blocks behind one Direct Connect gateway (AWS refuses the association) or
//! propagating into one transit gateway route table (one of the routes is not propagated or
//! takes the range), and a VPN static route for an on-premises prefix inside the VPC's own
//! blocks (the local route always wins, so the prefix is unreachable).

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::{overlapping_pairs, Containment, VpcBlock, VpcCidrs};
use crate::model::{
    DxAssociated, DxAssociationId, DxGatewayId, Network, Origin, TgwAttachmentKind,
    TgwRouteTableId, TransitGatewayId, VpcId,
};
use crate::source::Span;
use std::collections::{BTreeMap, HashMap};

pub struct TransitCidrOverlap;

static META: RuleMeta = RuleMeta {
    name: "transit-cidr-overlap",
    level: Level::Error,
    summary: "Overlapping VPC blocks behind one Direct Connect gateway or transit gateway route \
              table, or a VPN prefix inside the VPC.",
    doc: include_str!("../../rules/transit-cidr-overlap.md"),
};

impl Rule for TransitCidrOverlap {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let cidrs = VpcCidrs::new(network);
        let mut findings = Vec::new();
        direct_connect_overlaps(network, &cidrs, &mut findings);
        tgw_table_overlaps(network, &cidrs, &mut findings);
        vpn_routes_inside_vpc(network, &cidrs, &mut findings);
        findings
    }
}

/// A VPC joined to a hub, and the resource that joins it (what a finding points at).
#[derive(Clone, Copy)]
struct Member<'n> {
    vpc: VpcId,
    origin: &'n Origin,
    span: Span,
}

/// Pairs of members (earlier, later) with overlapping blocks of different VPCs, with the
/// first overlapping blocks of each pair; one entry per pair of members.
fn overlapping_members<'n>(
    cidrs: &VpcCidrs<'n>,
    members: &[Member<'n>],
) -> BTreeMap<(usize, usize), (VpcBlock<'n>, VpcBlock<'n>)> {
    let mut items = Vec::new();
    for (index, member) in members.iter().enumerate() {
        for block in cidrs.blocks(member.vpc) {
            items.push((block.net, (index, *block)));
        }
    }
    let mut pairs = BTreeMap::new();
    for ((a, block_a), (b, block_b)) in overlapping_pairs(&items) {
        if a == b || members[a].vpc == members[b].vpc {
            continue;
        }
        let (first, second) = if a < b {
            ((a, block_a), (b, block_b))
        } else {
            ((b, block_b), (a, block_a))
        };
        pairs
            .entry((first.0, second.0))
            .or_insert((first.1, second.1));
    }
    pairs
}

fn vpc_address(network: &Network, vpc: VpcId) -> &str {
    &network.vpcs[vpc].origin.address
}

fn direct_connect_overlaps(network: &Network, cidrs: &VpcCidrs, findings: &mut Vec<Finding>) {
    let mut by_gateway: BTreeMap<DxGatewayId, Vec<(DxAssociationId, Member)>> = BTreeMap::new();
    for (id, association) in network.dx_associations.iter() {
        let (Some(gateway), Some(DxAssociated::VpnGateway(vgw))) = (
            association.dx_gateway.copied(),
            association.associated.copied(),
        ) else {
            continue;
        };
        let Some(vpc) = network.vpn_gateways[vgw]
            .vpc
            .as_ref()
            .and_then(|f| f.copied())
        else {
            continue;
        };
        by_gateway.entry(gateway).or_default().push((
            id,
            Member {
                vpc,
                origin: &association.origin,
                span: association.associated.span,
            },
        ));
    }
    for (gateway, associations) in by_gateway {
        let members: Vec<Member> = associations.iter().map(|(_, m)| *m).collect();
        for ((earlier, later), (earlier_block, later_block)) in overlapping_members(cidrs, &members)
        {
            let (earlier, later) = (members[earlier], members[later]);
            let dx = &network.dx_gateways[gateway].origin.address;
            findings.push(Finding {
                rule: META.name,
                level: META.level,
                message: format!(
                    "vpc {} ({}) and vpc {} ({}) are both associated with Direct Connect gateway \
                     {dx} (through {} and {}) and their blocks overlap: AWS refuses to associate \
                     VPCs with overlapping CIDR blocks with one Direct Connect gateway",
                    vpc_address(network, later.vpc),
                    later_block.net,
                    vpc_address(network, earlier.vpc),
                    earlier_block.net,
                    later.origin.address,
                    earlier.origin.address,
                ),
                primary: Label::of(
                    later.span,
                    later.origin,
                    format!("associates {} with {dx}", vpc_address(network, later.vpc)),
                ),
                related: vec![
                    Label::of(
                        earlier.span,
                        earlier.origin,
                        format!("associates {} with {dx}", vpc_address(network, earlier.vpc)),
                    ),
                    Label::new(
                        later_block.span,
                        later_block.address,
                        format!("{}", later_block.net),
                    ),
                    Label::new(
                        earlier_block.span,
                        earlier_block.address,
                        format!("overlaps {}", later_block.net),
                    ),
                ],
                help: "re-address one of the VPCs (or use a separate Direct Connect gateway for \
                       it); VPCs behind one Direct Connect gateway need disjoint CIDR blocks"
                    .to_string(),
            });
        }
    }
}

/// A transit gateway route table: one in the code, or the gateway's default propagation
/// route table (which the code may not name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TgwTable {
    Explicit(TgwRouteTableId),
    Default(TransitGatewayId),
}

fn tgw_table_overlaps(network: &Network, cidrs: &VpcCidrs, findings: &mut Vec<Finding>) {
    let mut by_table: BTreeMap<TgwTable, Vec<Member>> = BTreeMap::new();
    for propagation in network.tgw_propagations.values() {
        let (Some(table), Some(attachment)) = (
            propagation.route_table.copied(),
            propagation.attachment.copied(),
        ) else {
            continue;
        };
        if let Some(TgwAttachmentKind::Vpc(vpc)) = network.tgw_attachments[attachment].kind.copied()
        {
            by_table
                .entry(TgwTable::Explicit(table))
                .or_default()
                .push(Member {
                    vpc,
                    origin: &propagation.origin,
                    span: propagation.origin.name_span,
                });
        }
    }
    // Default propagation: both the gateway's and the attachment's setting must be known
    // to be on (both default to on).
    for attachment in network.tgw_attachments.values() {
        let (Some(tgw), Some(TgwAttachmentKind::Vpc(vpc)), Some(true)) = (
            attachment.transit_gateway.copied(),
            attachment.kind.copied(),
            attachment.default_propagation.copied(),
        ) else {
            continue;
        };
        if network.transit_gateways[tgw].propagates_by_default() != Some(true) {
            continue;
        }
        by_table
            .entry(TgwTable::Default(tgw))
            .or_default()
            .push(Member {
                vpc,
                origin: &attachment.origin,
                span: attachment.origin.name_span,
            });
    }
    for (table, members) in by_table {
        let table_name = match table {
            TgwTable::Explicit(id) => {
                format!(
                    "transit gateway route table {}",
                    network.tgw_route_tables[id].origin.address
                )
            }
            TgwTable::Default(tgw) => format!(
                "the default propagation route table of {}",
                network.transit_gateways[tgw].origin.address
            ),
        };
        for ((earlier, later), (earlier_block, later_block)) in overlapping_members(cidrs, &members)
        {
            let (earlier, later) = (members[earlier], members[later]);
            let narrower = if later_block.net.prefix_len() >= earlier_block.net.prefix_len() {
                later_block.net
            } else {
                earlier_block.net
            };
            let why = match table {
                TgwTable::Default(_) => {
                    "AWS does not propagate a block that overlaps an already attached VPC's into \
                     the default propagation route table, and where both routes exist the more \
                     specific one wins"
                }
                TgwTable::Explicit(_) if later_block.net == earlier_block.net => {
                    "the route table sends a destination to one attachment, so only one of the \
                     two equal propagated routes is used"
                }
                TgwTable::Explicit(_) => "the more specific propagated route wins",
            };
            let effect = format!("traffic to {narrower} reaches only one of the two VPCs ({why})");
            findings.push(Finding {
                rule: META.name,
                level: META.level,
                message: format!(
                    "vpc {} ({}) and vpc {} ({}) both propagate into {table_name} and their \
                     blocks overlap: {effect}",
                    vpc_address(network, later.vpc),
                    later_block.net,
                    vpc_address(network, earlier.vpc),
                    earlier_block.net,
                ),
                primary: Label::of(
                    later.span,
                    later.origin,
                    format!(
                        "propagates {} ({})",
                        vpc_address(network, later.vpc),
                        later_block.net
                    ),
                ),
                related: vec![
                    Label::of(
                        earlier.span,
                        earlier.origin,
                        format!(
                            "propagates {} ({})",
                            vpc_address(network, earlier.vpc),
                            earlier_block.net
                        ),
                    ),
                    Label::new(
                        earlier_block.span,
                        earlier_block.address,
                        format!("overlaps {}", later_block.net),
                    ),
                ],
                help: format!(
                    "re-address one of the VPCs, or propagate them into separate transit gateway \
                     route tables ({}) so that no table holds overlapping VPC routes",
                    match table {
                        TgwTable::Default(_) =>
                            "disable default propagation on one of the attachments",
                        TgwTable::Explicit(_) => "remove one of the two propagations",
                    }
                ),
            });
        }
    }
}

fn vpn_routes_inside_vpc(network: &Network, cidrs: &VpcCidrs, findings: &mut Vec<Finding>) {
    let mut vpc_of_vgw = HashMap::new();
    for (id, vgw) in network.vpn_gateways.iter() {
        if let Some(vpc) = vgw.vpc.as_ref().and_then(|f| f.copied()) {
            vpc_of_vgw.insert(id, vpc);
        }
    }
    for route in network.vpn_routes.values() {
        let (Some(prefix), Some(connection)) =
            (route.destination.copied(), route.vpn_connection.copied())
        else {
            continue;
        };
        let connection = &network.vpn_connections[connection];
        let Some(vpc) = connection
            .vpn_gateway
            .as_ref()
            .and_then(|f| f.copied())
            .and_then(|vgw| vpc_of_vgw.get(&vgw).copied())
        else {
            continue;
        };
        let Containment::Inside(block) = cidrs.containment(vpc, prefix) else {
            continue;
        };
        findings.push(Finding {
            rule: META.name,
            level: META.level,
            message: format!(
                "VPN route {prefix} on {} is inside block {} of vpc {}: the VPC's local route \
                 always wins for its own addresses, so the on-premises range {prefix} is \
                 unreachable from the VPC",
                connection.origin.address,
                block.net,
                vpc_address(network, vpc)
            ),
            primary: Label::of(
                route.destination.span,
                &route.origin,
                format!("inside {}", block.net),
            ),
            related: vec![Label::new(
                block.span,
                block.address,
                format!("block {} of the VPC", block.net),
            )],
            help: format!(
                "re-address the on-premises network or the VPC so that {prefix} does not overlap \
                 {}; a covering summary such as 10.0.0.0/8 is fine, the local route takes only \
                 the VPC's part",
                block.net
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{TgwAttachmentId, VpnRouteId};

    #[test]
    fn flags_overlapping_vpcs_behind_one_direct_connect_gateway() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let c = b.vpc("aws_vpc.c", "10.0.128.0/17");
        let d = b.vpc("aws_vpc.d", "10.1.0.0/16");
        let dx = b.dx_gateway("aws_dx_gateway.corp");
        for (name, vpc) in [("a", a), ("c", c), ("d", d)] {
            let vgw = b.vpn_gateway(&format!("aws_vpn_gateway.{name}"), Some(vpc));
            b.dx_association(
                &format!("aws_dx_gateway_association.{name}"),
                dx,
                DxAssociated::VpnGateway(vgw),
            );
        }
        let findings = TransitCidrOverlap.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].primary.address, "aws_dx_gateway_association.c");
        assert_eq!(
            findings[0].message,
            "vpc aws_vpc.c (10.0.128.0/17) and vpc aws_vpc.a (10.0.0.0/16) are both associated \
             with Direct Connect gateway aws_dx_gateway.corp (through \
             aws_dx_gateway_association.c and aws_dx_gateway_association.a) and their blocks \
             overlap: AWS refuses to associate VPCs with overlapping CIDR blocks with one Direct \
             Connect gateway"
        );
    }

    fn tgw_estate() -> (
        NetworkBuilder,
        TransitGatewayId,
        TgwAttachmentId,
        TgwAttachmentId,
    ) {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let c = b.vpc("aws_vpc.c", "10.0.0.0/16");
        let tgw = b.transit_gateway("aws_ec2_transit_gateway.hub");
        let att_a = b.tgw_attachment("att_a", tgw, TgwAttachmentKind::Vpc(a));
        let att_c = b.tgw_attachment("att_c", tgw, TgwAttachmentKind::Vpc(c));
        (b, tgw, att_a, att_c)
    }

    #[test]
    fn flags_overlapping_vpcs_in_the_default_propagation_table() {
        let (b, _, _, _) = tgw_estate();
        let findings = TransitCidrOverlap.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].primary.address, "att_c");
        assert!(findings[0].message.contains(
            "both propagate into the default propagation route table of aws_ec2_transit_gateway.hub"
        ));
    }

    #[test]
    fn separate_tables_and_disabled_default_propagation_pass() {
        let (mut b, tgw, att_a, att_c) = tgw_estate();
        b.network.tgw_attachments[att_c].default_propagation = b.known(false);
        let first = b.tgw_route_table("rt_a", tgw);
        let second = b.tgw_route_table("rt_c", tgw);
        b.tgw_propagation("p_a", first, att_a);
        b.tgw_propagation("p_c", second, att_c);
        assert!(TransitCidrOverlap.check(&b.finish()).is_empty());
        let (mut b, tgw, _, _) = tgw_estate();
        b.network.transit_gateways[tgw].default_route_table_propagation = b.known(false);
        assert!(TransitCidrOverlap.check(&b.finish()).is_empty());
    }

    #[test]
    fn flags_explicit_propagations_into_one_table() {
        let (mut b, tgw, att_a, att_c) = tgw_estate();
        b.network.transit_gateways[tgw].default_route_table_propagation = b.known(false);
        let table = b.tgw_route_table("aws_ec2_transit_gateway_route_table.shared", tgw);
        b.tgw_propagation("p_a", table, att_a);
        b.tgw_propagation("p_c", table, att_c);
        let findings = TransitCidrOverlap.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].primary.address, "p_c");
    }

    #[test]
    fn flags_a_vpn_prefix_inside_the_vpc_but_not_a_summary() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let vgw = b.vpn_gateway("aws_vpn_gateway.a", Some(vpc));
        let vpn = b.vpn_connection("aws_vpn_connection.office", vgw, true);
        b.vpn_route("aws_vpn_connection_route.lab", vpn, "10.0.5.0/24");
        b.vpn_route("aws_vpn_connection_route.summary", vpn, "10.0.0.0/8");
        b.vpn_route("aws_vpn_connection_route.office", vpn, "192.168.0.0/16");
        let findings = TransitCidrOverlap.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "VPN route 10.0.5.0/24 on aws_vpn_connection.office is inside block 10.0.0.0/16 of \
             vpc aws_vpc.a: the VPC's local route always wins for its own addresses, so the \
             on-premises range 10.0.5.0/24 is unreachable from the VPC"
        );
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let (mut b, tgw, att_a, _) = tgw_estate();
        b.network.transit_gateways[tgw]
            .default_route_table_propagation
            .value = None;
        let vpc = VpcId::new(0);
        let vgw = b.vpn_gateway("aws_vpn_gateway.a", Some(vpc));
        let vpn = b.vpn_connection("aws_vpn_connection.office", vgw, true);
        b.vpn_route("aws_vpn_connection_route.lab", vpn, "10.0.5.0/24");
        let mut network = b.finish();
        network.vpn_routes[VpnRouteId::new(0)].destination.value = None;
        assert!(TransitCidrOverlap.check(&network).is_empty());
        network.transit_gateways[tgw]
            .default_route_table_propagation
            .value = Some(true);
        network.tgw_attachments[att_a].kind.value = None;
        network.vpn_routes[VpnRouteId::new(0)].destination.value = "10.0.5.0/24".parse().ok();
        network.vpcs[vpc].cidr.value = None;
        assert!(TransitCidrOverlap.check(&network).is_empty());
    }
}
