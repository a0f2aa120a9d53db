//! `tgw-missing-return-route`: the transit gateway route table associated with VPC A's
//! attachment routes to VPC B over B's attachment, but the table associated with B's
//! attachment has no route back towards A's blocks, so replies are dropped at the gateway.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::VpcCidrs;
use crate::model::analysis::routing::{TgwTable, TgwVia};
use crate::model::analysis::transit::AttachmentAssociation;
use crate::model::analysis::way_back::{Leads, WayBack};
use crate::model::{Network, Target, TgwAttachmentId, TgwAttachmentKind, TransitGatewayId, VpcId};
use ipnet::{IpNet, Ipv4Net};
use std::collections::BTreeSet;

pub struct TgwMissingReturnRoute;

static META: RuleMeta = RuleMeta {
    name: "tgw-missing-return-route",
    level: Level::Warning,
    summary: "A transit gateway routes from one VPC to another, but the other attachment's \
              route table has no route back.",
    doc: include_str!("../../rules/tgw-missing-return-route.md"),
};

impl Rule for TgwMissingReturnRoute {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        if network.tgw_attachments.is_empty() {
            return Vec::new();
        }
        let cidrs = VpcCidrs::new(network);
        let vpc_way_back = WayBack::new(network, &cidrs);
        let (routing, associations, vpc_attachments) = (
            &vpc_way_back.tgw_routing,
            &vpc_way_back.associations,
            &vpc_way_back.attachments,
        );
        let table_of = |attachment| match associations.of(network, routing, attachment) {
            AttachmentAssociation::Table(table) => Some(table),
            AttachmentAssociation::None | AttachmentAssociation::Unknown => None,
        };
        // The VPC of an attachment, when it is that VPC's only attachment to its gateway
        // (otherwise the VPC's routes may use another one).
        let sole_vpc_attachment = |attachment: TgwAttachmentId| -> Option<VpcId> {
            let entity = &network.tgw_attachments[attachment];
            let Some(TgwAttachmentKind::Vpc(vpc)) = entity.kind.copied() else {
                return None;
            };
            let gateway = entity.transit_gateway.copied()?;
            (vpc_attachments.of(gateway, vpc)? == [attachment]).then_some(vpc)
        };
        let mut findings = Vec::new();
        let mut reported = BTreeSet::new();
        for (a, _) in network.tgw_attachments.iter() {
            let Some(vpc_a) = sole_vpc_attachment(a) else {
                continue;
            };
            if !cidrs.is_complete(vpc_a) || cidrs.blocks(vpc_a).is_empty() {
                continue;
            }
            let Some(table_a) = table_of(a) else {
                continue;
            };
            for (prefix, via) in routing.table_routes(network, table_a) {
                let Some(b) = forwarding_attachment(network, via) else {
                    continue;
                };
                let Some(vpc_b) = sole_vpc_attachment(b) else {
                    continue;
                };
                if b == a
                    || vpc_b == vpc_a
                    || cidrs.overlapping(vpc_b, prefix).is_none()
                    || reported.contains(&(a, b))
                {
                    continue;
                }
                let Some(table_b) = table_of(b) else {
                    continue;
                };
                if !routing.is_complete(table_b) {
                    continue;
                }
                let way_back = routing.table_routes(network, table_b).any(|(back, via)| {
                    cidrs.overlapping(vpc_a, back).is_some() && !is_blackhole(network, via)
                });
                if way_back {
                    continue;
                }
                // The gateway sees the replies only when B's route tables send A's blocks
                // to it; they may take another way back (a peering connection).
                let gateway = network.tgw_attachments[b].transit_gateway.copied();
                if !replies_meet_gateway(&vpc_way_back, vpc_b, vpc_a, prefix, gateway) {
                    continue;
                }
                reported.insert((a, b));
                let case = Case {
                    a,
                    b,
                    vpc_a,
                    vpc_b,
                    table_a,
                    table_b,
                    prefix,
                    via,
                };
                findings.push(finding(network, &cidrs, &case));
            }
        }
        findings
    }
}

/// Whether every route table of `vpc_b` is known not to lead A's blocks back into `vpc_a`
/// and one sends them to `gateway`. True as well when no table of `vpc_b` is in the code.
fn replies_meet_gateway(
    way_back: &WayBack,
    vpc_b: VpcId,
    vpc_a: VpcId,
    prefix: Ipv4Net,
    gateway: Option<TransitGatewayId>,
) -> bool {
    let Some(tables) = way_back.tables(vpc_b, vpc_a, IpNet::V4(prefix)) else {
        return false;
    };
    if tables.is_empty() {
        return true;
    }
    let mut to_gateway = false;
    for (_, leads) in tables {
        match leads {
            Leads::Elsewhere { target, .. } => {
                to_gateway |= gateway.is_some_and(|g| target == Some(Target::TransitGateway(g)))
            }
            Leads::Into | Leads::Unknown => return false,
        }
    }
    to_gateway
}

/// The attachment a route forwards to: `None` for a blackhole or an unknown attachment.
fn forwarding_attachment(network: &Network, via: TgwVia) -> Option<TgwAttachmentId> {
    match via {
        TgwVia::Static(route) => {
            let route = &network.tgw_routes[route];
            if route.blackhole {
                return None;
            }
            route.attachment.as_ref()?.copied()
        }
        TgwVia::Propagated(propagated) => Some(propagated.attachment),
    }
}

fn is_blackhole(network: &Network, via: TgwVia) -> bool {
    matches!(via, TgwVia::Static(route) if network.tgw_routes[route].blackhole)
}

struct Case {
    a: TgwAttachmentId,
    b: TgwAttachmentId,
    vpc_a: VpcId,
    vpc_b: VpcId,
    table_a: TgwTable,
    table_b: TgwTable,
    prefix: Ipv4Net,
    via: TgwVia,
}

fn finding(network: &Network, cidrs: &VpcCidrs, case: &Case) -> Finding {
    let address = |attachment: TgwAttachmentId| &network.tgw_attachments[attachment].origin.address;
    let vpc = |id: VpcId| &network.vpcs[id].origin.address;
    let (table_a, table_b) = (
        case.table_a.describe(network),
        case.table_b.describe(network),
    );
    let blocks_a = cidrs.describe(case.vpc_a);
    let (how, primary) = match case.via {
        TgwVia::Static(route) => {
            let r = &network.tgw_routes[route];
            (
                format!(
                    "has the static route {} -> {}",
                    case.prefix,
                    address(case.b)
                ),
                Label::of(
                    r.destination.span,
                    &r.origin,
                    format!("{} -> {}", case.prefix, address(case.b)),
                ),
            )
        }
        TgwVia::Propagated(propagated) => {
            let label = match propagated.propagation {
                Some(id) => {
                    let origin = &network.tgw_propagations[id].origin;
                    Label::of(
                        origin.name_span,
                        origin,
                        format!("propagates {} into {table_a}", case.prefix),
                    )
                }
                None => {
                    let attachment = &network.tgw_attachments[case.b];
                    Label::of(
                        attachment.default_propagation.span,
                        &attachment.origin,
                        format!("propagates {} into {table_a} by default", case.prefix),
                    )
                }
            };
            (
                format!("has {} propagated from {}", case.prefix, address(case.b)),
                label,
            )
        }
    };
    let mut related = vec![Label::new(
        network.tgw_attachments[case.b].origin.name_span,
        address(case.b),
        format!("associated with {table_b}"),
    )];
    if let TgwTable::Declared(id) = case.table_b {
        let origin = &network.tgw_route_tables[id].origin;
        related.push(Label::of(
            origin.name_span,
            origin,
            format!("no route to {blocks_a}"),
        ));
    }
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "{table_a}, associated with {} (vpc {}), {how} (vpc {}), but {table_b}, associated \
             with {}, has no route to vpc {} ({blocks_a}): the transit gateway drops the replies",
            address(case.a),
            vpc(case.vpc_a),
            vpc(case.vpc_b),
            address(case.b),
            vpc(case.vpc_a),
        ),
        primary,
        related,
        help: format!(
            "give {table_b} a route back to {blocks_a}: propagate {} into it, add a static \
             route to it, or route it to an inspection attachment that forwards it",
            address(case.a)
        ),
    }
}
