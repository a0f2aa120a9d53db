//! `backup-vpn-more-specific`: a VPN static route strictly inside a declared Direct Connect
//! prefix on a gateway (VGW or transit gateway) that also has a Direct Connect path. The
//! longest prefix wins before any Direct Connect preference applies, so the "backup" VPN
//! becomes the primary path for that range.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::{
    DxAssociated, DxAssociationId, Network, Origin, TgwAttachmentKind, TransitGatewayId,
    VpnConnectionId, VpnGatewayId,
};
use crate::source::Span;
use ipnet::Ipv4Net;
use std::collections::HashMap;

pub struct BackupVpnMoreSpecific;

static META: RuleMeta = RuleMeta {
    name: "backup-vpn-more-specific",
    level: Level::Warning,
    summary: "A VPN static route more specific than a Direct Connect prefix makes the backup \
              VPN the primary path.",
    doc: include_str!("../../rules/backup-vpn-more-specific.md"),
};

/// A gateway that can carry both Direct Connect and VPN routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Gateway {
    Vgw(VpnGatewayId),
    Tgw(TransitGatewayId),
}

impl Rule for BackupVpnMoreSpecific {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        if network.declared.direct_connect.is_empty() || network.dx_associations.is_empty() {
            return Vec::new();
        }
        let mut direct_connect: HashMap<Gateway, DxAssociationId> = HashMap::new();
        for (id, association) in network.dx_associations.iter() {
            let gateway = match association.associated.copied() {
                Some(DxAssociated::VpnGateway(vgw)) => Gateway::Vgw(vgw),
                Some(DxAssociated::TransitGateway(tgw)) => Gateway::Tgw(tgw),
                None => continue,
            };
            direct_connect.entry(gateway).or_insert(id);
        }
        // The narrowest covering Direct Connect prefix names the range that is taken.
        let covering = |prefix: Ipv4Net| {
            network
                .declared
                .direct_connect
                .iter()
                .filter(|dx| dx.prefix_len() < prefix.prefix_len() && dx.contains(&prefix))
                .max_by_key(|dx| dx.prefix_len())
                .copied()
        };
        let mut findings = Vec::new();
        for route in network.vpn_routes.values() {
            let (Some(prefix), Some(connection)) =
                (route.destination.copied(), route.vpn_connection.copied())
            else {
                continue;
            };
            let connection = &network.vpn_connections[connection];
            let vgw = connection.vpn_gateway.as_ref().and_then(|f| f.copied());
            let tgw = connection.transit_gateway.as_ref().and_then(|f| f.copied());
            let Some((gateway, association)) = vgw
                .map(Gateway::Vgw)
                .into_iter()
                .chain(tgw.map(Gateway::Tgw))
                .find_map(|g| direct_connect.get(&g).map(|&a| (g, a)))
            else {
                continue;
            };
            if let Some(dx_prefix) = covering(prefix) {
                let route = VpnRoute {
                    origin: &route.origin,
                    destination: route.destination.span,
                    connection: route.vpn_connection.copied(),
                    in_transit_gateway_table: false,
                };
                findings.push(finding(
                    network,
                    route,
                    prefix,
                    dx_prefix,
                    gateway,
                    association,
                ));
            }
        }
        // A VPN on a transit gateway has its static routes in the gateway's route tables.
        for route in network.tgw_routes.values() {
            let attachment = route.attachment.as_ref().and_then(|a| a.copied());
            let (Some(prefix), Some(attachment)) = (route.destination.copied(), attachment) else {
                continue;
            };
            let attachment = &network.tgw_attachments[attachment];
            let (Some(TgwAttachmentKind::Vpn(connection)), Some(tgw)) = (
                attachment.kind.copied(),
                attachment.transit_gateway.copied(),
            ) else {
                continue;
            };
            let Some(&association) = direct_connect.get(&Gateway::Tgw(tgw)) else {
                continue;
            };
            if let Some(dx_prefix) = covering(prefix) {
                let route = VpnRoute {
                    origin: &route.origin,
                    destination: route.destination.span,
                    connection: Some(connection),
                    in_transit_gateway_table: true,
                };
                findings.push(finding(
                    network,
                    route,
                    prefix,
                    dx_prefix,
                    Gateway::Tgw(tgw),
                    association,
                ));
            }
        }
        findings
    }
}

/// A static route to a VPN: a VPN connection route (VGW) or a transit gateway route to a
/// VPN attachment.
struct VpnRoute<'n> {
    origin: &'n Origin,
    destination: Span,
    connection: Option<VpnConnectionId>,
    /// A route of a transit gateway route table: static, it beats a propagated Direct
    /// Connect route of the same prefix too.
    in_transit_gateway_table: bool,
}

fn finding(
    network: &Network,
    route: VpnRoute<'_>,
    prefix: Ipv4Net,
    dx_prefix: Ipv4Net,
    gateway: Gateway,
    association: DxAssociationId,
) -> Finding {
    let gateway = match gateway {
        Gateway::Vgw(vgw) => &network.vpn_gateways[vgw].origin.address,
        Gateway::Tgw(tgw) => &network.transit_gateways[tgw].origin.address,
    };
    let association = &network.dx_associations[association].origin;
    let connection = route
        .connection
        .map(|c| network.vpn_connections[c].origin.address.as_str())
        .unwrap_or_default();
    let (what, help) = if route.in_transit_gateway_table {
        (
            format!("transit gateway static route {prefix} to the VPN attachment of {connection}"),
            format!(
                "a static route beats a propagated Direct Connect route of the same prefix too: \
                 give the VPN a static route less specific than {dx_prefix}, which carries traffic \
                 only while Direct Connect does not advertise it, or use a BGP VPN advertising \
                 {dx_prefix} (Direct Connect wins among propagated routes); or advertise {prefix} \
                 over Direct Connect too and declare it in [onprem] direct_connect"
            ),
        )
    } else {
        (
            format!("VPN route {prefix} on {connection}"),
            format!(
                "advertise the same prefix over the VPN as over Direct Connect ({dx_prefix}; for \
                 equal prefixes Direct Connect wins), or advertise {prefix} over Direct Connect \
                 too and declare it in [onprem] direct_connect"
            ),
        )
    };
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "{what} is more specific than the Direct Connect prefix {dx_prefix} (declared in the \
             config) of {gateway}: the longest prefix wins before Direct Connect is preferred, so \
             traffic to {prefix} takes the backup VPN instead of Direct Connect"
        ),
        primary: Label::of(
            route.destination,
            route.origin,
            format!("more specific than Direct Connect prefix {dx_prefix}"),
        ),
        related: vec![Label::of(
            association.name_span,
            association,
            format!("Direct Connect path of {gateway}"),
        )],
        help,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{VpnConnectionId, VpnRouteId};

    /// A VGW with a Direct Connect association (declared 10.0.0.0/8) and a static VPN.
    fn estate() -> (NetworkBuilder, VpnGatewayId, VpnConnectionId) {
        let mut b = NetworkBuilder::new();
        b.declare_direct_connect("10.0.0.0/8");
        let vpc = b.vpc("aws_vpc.a", "172.31.0.0/16");
        let vgw = b.vpn_gateway("aws_vpn_gateway.a", Some(vpc));
        b.direct_connect_on_vgw("corp", vgw);
        let vpn = b.vpn_connection("aws_vpn_connection.backup", vgw, true);
        (b, vgw, vpn)
    }

    #[test]
    fn flags_a_vpn_route_inside_a_direct_connect_prefix() {
        let (mut b, _, vpn) = estate();
        let route = b.vpn_route("aws_vpn_connection_route.dc1", vpn, "10.1.0.0/16");
        let network = b.finish();
        let findings = BackupVpnMoreSpecific.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "VPN route 10.1.0.0/16 on aws_vpn_connection.backup is more specific than the Direct \
             Connect prefix 10.0.0.0/8 (declared in the config) of aws_vpn_gateway.a: the longest \
             prefix wins before Direct Connect is preferred, so traffic to 10.1.0.0/16 takes the \
             backup VPN instead of Direct Connect"
        );
        assert_eq!(
            findings[0].primary.span,
            network.vpn_routes[route].destination.span
        );
        assert_eq!(
            findings[0].related[0].address,
            "aws_dx_gateway_association.corp"
        );
    }

    #[test]
    fn flags_a_transit_gateway_vpn() {
        let mut b = NetworkBuilder::new();
        b.declare_direct_connect("10.0.0.0/8");
        let tgw = b.transit_gateway("aws_ec2_transit_gateway.hub");
        let dx = b.dx_gateway("aws_dx_gateway.corp");
        b.dx_association(
            "aws_dx_gateway_association.hub",
            dx,
            DxAssociated::TransitGateway(tgw),
        );
        let vpn = b.tgw_vpn_connection("aws_vpn_connection.backup", tgw, true);
        b.vpn_route("aws_vpn_connection_route.dc1", vpn, "10.20.30.0/24");
        assert_eq!(BackupVpnMoreSpecific.check(&b.finish()).len(), 1);
    }

    #[test]
    fn equal_broader_and_unrelated_prefixes_pass() {
        let (mut b, _, vpn) = estate();
        b.vpn_route("aws_vpn_connection_route.equal", vpn, "10.0.0.0/8");
        b.vpn_route("aws_vpn_connection_route.summary", vpn, "0.0.0.0/0");
        b.vpn_route("aws_vpn_connection_route.other", vpn, "192.168.0.0/16");
        // A VGW without a Direct Connect path.
        let vpc = b.vpc("aws_vpc.b", "172.30.0.0/16");
        let lone = b.vpn_gateway("aws_vpn_gateway.b", Some(vpc));
        let lone_vpn = b.vpn_connection("aws_vpn_connection.only", lone, true);
        b.vpn_route("aws_vpn_connection_route.only", lone_vpn, "10.1.0.0/16");
        assert!(BackupVpnMoreSpecific.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let (mut b, _, vpn) = estate();
        b.vpn_route("aws_vpn_connection_route.dc1", vpn, "10.1.0.0/16");
        let mut network = b.finish();
        assert_eq!(BackupVpnMoreSpecific.check(&network).len(), 1);
        let route = VpnRouteId::new(0);
        network.vpn_routes[route].destination.value = None;
        assert!(BackupVpnMoreSpecific.check(&network).is_empty());
        network.vpn_routes[route].destination.value = "10.1.0.0/16".parse().ok();
        network.vpn_routes[route].vpn_connection.value = None;
        assert!(BackupVpnMoreSpecific.check(&network).is_empty());
        network.vpn_routes[route].vpn_connection.value = Some(vpn);
        network.dx_associations[DxAssociationId::new(0)]
            .associated
            .value = None;
        assert!(BackupVpnMoreSpecific.check(&network).is_empty());
        network.dx_associations[DxAssociationId::new(0)]
            .associated
            .value = Some(DxAssociated::VpnGateway(VpnGatewayId::new(0)));
        network.vpn_connections[vpn].vpn_gateway = None;
        assert!(BackupVpnMoreSpecific.check(&network).is_empty());
        network.declared.direct_connect.clear();
        assert!(BackupVpnMoreSpecific.check(&network).is_empty());
    }
}
