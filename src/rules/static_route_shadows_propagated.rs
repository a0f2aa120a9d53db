//! `static-route-shadows-propagated`: a static route equal to an on-premises prefix that a
//! VGW (or a transit gateway's VPN / Direct Connect attachment) propagates into the same
//! table. For equal prefixes the static route always wins, so the VPN or Direct Connect
//! path is silently bypassed.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::VpcCidrs;
use crate::model::analysis::middlebox::forwards_to_vgw;
use crate::model::analysis::routing::{
    target_address, PropagatedRoute, PropagatedSource, Reason, RoutingIndex, TgwPropagatedRoute,
    TgwPropagatedSource, TgwRoutingIndex, Via,
};
use crate::model::analysis::transit::{routes_to_when_back, TgwAssociations};
use crate::model::{Destination, Network, Route, Target, TgwAttachmentId, TgwRoute};

pub struct StaticRouteShadowsPropagated;

static META: RuleMeta = RuleMeta {
    name: "static-route-shadows-propagated",
    level: Level::Warning,
    summary:
        "A static route equal to a propagated VPN/Direct Connect prefix silently overrides it.",
    doc: include_str!("../../rules/static-route-shadows-propagated.md"),
};

impl Rule for StaticRouteShadowsPropagated {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let cidrs = VpcCidrs::new(network);
        let routing = RoutingIndex::new(network);
        let mut findings = Vec::new();
        for (table, _) in network.route_tables.iter() {
            let propagated = routing.propagated_routes(table);
            if propagated.is_empty() {
                continue;
            }
            for &route_id in routing.routes(table) {
                let route = &network.routes[route_id];
                let (Some(Destination::Ipv4(prefix)), Some(target)) =
                    (route.destination.copied(), route.target.copied())
                else {
                    continue;
                };
                if !propagated.iter().any(|p| p.prefix == prefix) {
                    continue;
                }
                let lookup = routing.effective_route(&cidrs, table, prefix);
                if lookup.effective.map(|c| c.via) != Some(Via::Static(route_id))
                    || lookup.reason != Reason::StaticOverPropagated
                {
                    continue;
                }
                let shadowed: Vec<PropagatedRoute> = lookup
                    .beaten
                    .iter()
                    .filter_map(|c| match c.via {
                        Via::Propagated(p) if p.prefix == prefix => Some(p),
                        _ => None,
                    })
                    .filter(|p| target != Target::VpnGateway(p.vpn_gateway))
                    .filter(|p| {
                        forwards_to_vgw(network, &routing, &cidrs, target, prefix, p.vpn_gateway)
                            == Some(false)
                    })
                    .collect();
                if !shadowed.is_empty() {
                    findings.push(vgw_finding(network, route, target, &shadowed));
                }
            }
        }
        let tgw_routing = TgwRoutingIndex::new(network, &cidrs);
        let associations = TgwAssociations::new(network);
        for (table, _) in network.tgw_route_tables.iter() {
            for &route_id in tgw_routing.routes(table) {
                let route = &network.tgw_routes[route_id];
                let (Some(prefix), Some(attachment)) = (
                    route.destination.copied(),
                    route.attachment.as_ref().and_then(|a| a.copied()),
                ) else {
                    continue;
                };
                let shadowed: Vec<&TgwPropagatedRoute> = tgw_routing
                    .propagated_routes(table)
                    .iter()
                    .filter(|p| p.prefix == prefix && p.attachment != attachment)
                    .filter(|p| !matches!(p.source, TgwPropagatedSource::Vpc(_)))
                    .filter(|p| {
                        routes_to_when_back(
                            network,
                            &tgw_routing,
                            &associations,
                            attachment,
                            prefix,
                            p.attachment,
                        ) == Some(false)
                    })
                    .collect();
                if !shadowed.is_empty() {
                    findings.push(tgw_finding(network, route, attachment, &shadowed));
                }
            }
        }
        findings
    }
}

fn describe_source(network: &Network, propagated: &PropagatedRoute) -> (String, Label) {
    let vgw = &network.vpn_gateways[propagated.vpn_gateway].origin.address;
    match propagated.source {
        PropagatedSource::DirectConnect => {
            let propagation = &network.vgw_propagations[propagated.propagation].origin;
            (
                format!(
                    "Direct Connect prefix {} (declared in the config) propagated by {vgw}",
                    propagated.prefix
                ),
                Label::of(
                    propagation.span,
                    propagation,
                    format!("propagates {vgw}'s routes"),
                ),
            )
        }
        PropagatedSource::VpnStatic(vpn_route) => {
            let vpn_route = &network.vpn_routes[vpn_route];
            (
                format!("VPN route {} propagated by {vgw}", propagated.prefix),
                Label::of(
                    vpn_route.destination.span,
                    &vpn_route.origin,
                    format!("on-premises prefix {} of the VPN", propagated.prefix),
                ),
            )
        }
    }
}

fn vgw_finding(
    network: &Network,
    route: &Route,
    target: Target,
    shadowed: &[PropagatedRoute],
) -> Finding {
    let mut descriptions = Vec::new();
    let mut related = Vec::new();
    for propagated in shadowed {
        let (description, label) = describe_source(network, propagated);
        descriptions.push(description);
        related.push(label);
    }
    let prefix = shadowed
        .first()
        .map(|p| p.prefix.to_string())
        .unwrap_or_default();
    let target = target_address(network, target).unwrap_or("another target");
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "route {prefix} -> {target} has the same prefix as the {}: for equal prefixes the static \
             route always wins, so traffic to {prefix} never takes the VPN/Direct Connect path",
            descriptions.join(" and the ")
        ),
        primary: Label::of(route.destination.span, &route.origin, "static route overrides the propagated one"),
        related,
        help: format!(
            "remove the static route to let the propagated route carry {prefix}, or make it more \
             specific only for the part that must go to {target}"
        ),
    }
}

fn tgw_finding(
    network: &Network,
    route: &TgwRoute,
    attachment: TgwAttachmentId,
    shadowed: &[&TgwPropagatedRoute],
) -> Finding {
    let prefix = route
        .destination
        .copied()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let target = &network.tgw_attachments[attachment].origin.address;
    let mut related = Vec::new();
    let mut descriptions = Vec::new();
    for propagated in shadowed {
        let from = &network.tgw_attachments[propagated.attachment].origin;
        match propagated.source {
            TgwPropagatedSource::DirectConnect => {
                descriptions.push(format!(
                    "Direct Connect prefix (declared in the config) propagated by {}",
                    from.address
                ));
                related.push(Label::of(
                    from.name_span,
                    from,
                    "Direct Connect gateway attachment",
                ));
            }
            TgwPropagatedSource::VpnStatic(vpn_route) => {
                let vpn_route = &network.vpn_routes[vpn_route];
                descriptions.push(format!("VPN prefix propagated by {}", from.address));
                related.push(Label::of(
                    vpn_route.destination.span,
                    &vpn_route.origin,
                    "on-premises prefix of the VPN",
                ));
            }
            TgwPropagatedSource::Vpc(_) => {}
        }
    }
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "transit gateway route {prefix} -> {target} has the same prefix as the {}: static routes \
             beat propagated ones, so traffic to {prefix} never takes that path",
            descriptions.join(" and the ")
        ),
        primary: Label::of(route.destination.span, &route.origin, "static route overrides the propagated one"),
        related,
        help: format!("remove the static route to let the propagated route carry {prefix}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{RouteTableId, TgwAttachmentKind, VpcId, VpnGatewayId};

    /// VPC 10.0.0.0/16, a VGW with a static VPN (192.168.0.0/16) propagating into `rt`.
    fn estate() -> (NetworkBuilder, VpcId, VpnGatewayId, RouteTableId) {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let vgw = b.vpn_gateway("aws_vpn_gateway.a", Some(vpc));
        let vpn = b.vpn_connection("aws_vpn_connection.office", vgw, true);
        b.vpn_route("aws_vpn_connection_route.office", vpn, "192.168.0.0/16");
        let rt = b.route_table("aws_route_table.private", vpc);
        b.vgw_propagation("aws_vpn_gateway_route_propagation.private", rt, vgw);
        (b, vpc, vgw, rt)
    }

    #[test]
    fn flags_a_static_route_equal_to_a_vpn_prefix() {
        let (mut b, vpc, _, rt) = estate();
        let subnet = b.subnet("aws_subnet.public", vpc, "10.0.0.0/24");
        let nat = b.nat_gateway("aws_nat_gateway.a", subnet);
        let route = b.route(
            "aws_route.office",
            rt,
            "192.168.0.0/16",
            Target::NatGateway(nat),
        );
        let network = b.finish();
        let findings = StaticRouteShadowsPropagated.check(&network);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(f.level, Level::Warning);
        assert_eq!(
            f.message,
            "route 192.168.0.0/16 -> aws_nat_gateway.a has the same prefix as the VPN route \
             192.168.0.0/16 propagated by aws_vpn_gateway.a: for equal prefixes the static route \
             always wins, so traffic to 192.168.0.0/16 never takes the VPN/Direct Connect path"
        );
        assert_eq!(f.primary.span, network.routes[route].destination.span);
        assert_eq!(f.related[0].address, "aws_vpn_connection_route.office");
    }

    #[test]
    fn flags_a_static_route_equal_to_a_declared_direct_connect_prefix() {
        let (mut b, _, vgw, rt) = estate();
        b.declare_direct_connect("172.16.0.0/12");
        b.direct_connect_on_vgw("a", vgw);
        let tgw = b.transit_gateway("aws_ec2_transit_gateway.t");
        b.route(
            "aws_route.corp",
            rt,
            "172.16.0.0/12",
            Target::TransitGateway(tgw),
        );
        let findings = StaticRouteShadowsPropagated.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .contains("Direct Connect prefix 172.16.0.0/12 (declared in the config)"));
        assert_eq!(
            findings[0].related[0].address,
            "aws_vpn_gateway_route_propagation.private"
        );
    }

    #[test]
    fn broader_routes_routes_to_the_vgw_and_tables_without_propagation_pass() {
        let (mut b, vpc, vgw, rt) = estate();
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        b.route(
            "aws_route.default",
            rt,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        b.route(
            "aws_route.more_specific",
            rt,
            "192.168.7.0/24",
            Target::InternetGateway(igw),
        );
        b.route(
            "aws_route.same_vgw",
            rt,
            "192.168.0.0/16",
            Target::VpnGateway(vgw),
        );
        let public = b.route_table("aws_route_table.public", vpc);
        b.route(
            "aws_route.public",
            public,
            "192.168.0.0/16",
            Target::InternetGateway(igw),
        );
        assert!(StaticRouteShadowsPropagated.check(&b.finish()).is_empty());
    }

    #[test]
    fn direct_connect_prefixes_need_a_dx_association() {
        let (mut b, vpc, _, rt) = estate();
        b.declare_direct_connect("172.16.0.0/12");
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        b.route(
            "aws_route.corp",
            rt,
            "172.16.0.0/12",
            Target::InternetGateway(igw),
        );
        assert!(StaticRouteShadowsPropagated.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let (mut b, vpc, _, rt) = estate();
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let unknown_target = b.route(
            "aws_route.x",
            rt,
            "192.168.0.0/16",
            Target::InternetGateway(igw),
        );
        b.network.routes[unknown_target].target.value = None;
        let unknown_destination = b.route(
            "aws_route.y",
            rt,
            "192.168.0.0/16",
            Target::InternetGateway(igw),
        );
        b.network.routes[unknown_destination].destination.value = None;
        let vpn_route = crate::model::VpnRouteId::new(0);
        let mut network = b.finish();
        assert!(StaticRouteShadowsPropagated.check(&network).is_empty());
        network.vpn_routes[vpn_route].destination.value = None;
        assert!(StaticRouteShadowsPropagated.check(&network).is_empty());
    }

    #[test]
    fn flags_a_tgw_static_route_equal_to_a_direct_connect_prefix() {
        let mut b = NetworkBuilder::new();
        b.declare_direct_connect("10.0.0.0/8");
        let tgw = b.transit_gateway("aws_ec2_transit_gateway.t");
        let dx = b.dx_gateway("aws_dx_gateway.a");
        let vpn = b.tgw_vpn_connection("aws_vpn_connection.backup", tgw, true);
        let dx_att = b.tgw_attachment("dx_attachment", tgw, TgwAttachmentKind::DxGateway(dx));
        let vpn_att = b.tgw_attachment("vpn_attachment", tgw, TgwAttachmentKind::Vpn(vpn));
        let table = b.tgw_route_table("aws_ec2_transit_gateway_route_table.t", tgw);
        b.tgw_propagation("p_dx", table, dx_att);
        b.tgw_route(
            "aws_ec2_transit_gateway_route.backup",
            table,
            "10.0.0.0/8",
            Some(vpn_att),
        );
        // Near misses: a more specific static route, a route to the propagating attachment.
        b.tgw_route(
            "aws_ec2_transit_gateway_route.specific",
            table,
            "10.1.0.0/16",
            Some(vpn_att),
        );
        b.tgw_route(
            "aws_ec2_transit_gateway_route.same",
            table,
            "10.0.0.0/8",
            Some(dx_att),
        );
        let findings = StaticRouteShadowsPropagated.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].primary.address,
            "aws_ec2_transit_gateway_route.backup"
        );
        assert!(findings[0].message.starts_with(
            "transit gateway route 10.0.0.0/8 -> vpn_attachment has the same prefix as the Direct \
             Connect prefix (declared in the config) propagated by dx_attachment"
        ));
    }

    #[test]
    fn a_tgw_route_through_an_inspection_vpc_that_sends_the_prefix_on_is_not_flagged() {
        // How the inspection VPC's own table routes the prefix.
        enum Onward {
            DirectConnect,
            Blackhole,
            Nowhere,
        }
        let inspection_design = |onward: Onward| {
            let mut b = NetworkBuilder::new();
            b.declare_direct_connect("10.0.0.0/8");
            let tgw = b.transit_gateway("aws_ec2_transit_gateway.t");
            b.network.transit_gateways[tgw].default_route_table_association = b.known(false);
            let dx = b.dx_gateway("aws_dx_gateway.a");
            let dx_att = b.tgw_attachment("dx_attachment", tgw, TgwAttachmentKind::DxGateway(dx));
            let vpc = b.vpc("aws_vpc.inspection", "100.64.0.0/16");
            let inspection = b.tgw_attachment("inspection", tgw, TgwAttachmentKind::Vpc(vpc));
            let spokes = b.tgw_route_table("aws_ec2_transit_gateway_route_table.spokes", tgw);
            let firewall = b.tgw_route_table("aws_ec2_transit_gateway_route_table.firewall", tgw);
            b.tgw_propagation("p_spokes", spokes, dx_att);
            b.tgw_association("a_inspection", firewall, inspection);
            match onward {
                Onward::DirectConnect => b.tgw_propagation("p_firewall", firewall, dx_att),
                Onward::Blackhole => {
                    b.tgw_propagation("p_firewall", firewall, dx_att);
                    b.tgw_route("drop", firewall, "10.0.0.0/8", None);
                }
                Onward::Nowhere => {}
            }
            b.tgw_route(
                "aws_ec2_transit_gateway_route.to_inspection",
                spokes,
                "10.0.0.0/8",
                Some(inspection),
            );
            b.finish()
        };
        // The inspection VPC's table sends the prefix back out through Direct Connect.
        assert!(StaticRouteShadowsPropagated
            .check(&inspection_design(Onward::DirectConnect))
            .is_empty());
        // Near misses: its table has no route to the prefix, or a blackhole for it that
        // beats the propagated route: what comes back goes nowhere.
        for onward in [Onward::Nowhere, Onward::Blackhole] {
            assert_eq!(
                StaticRouteShadowsPropagated
                    .check(&inspection_design(onward))
                    .len(),
                1
            );
        }
    }
}
