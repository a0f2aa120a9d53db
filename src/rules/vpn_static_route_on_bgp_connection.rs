//! `vpn-static-route-on-bgp-connection`: a VPN connection static route on a connection that
//! uses BGP (dynamic routing).

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::{Network, Provenance, VpnConnection, VpnConnectionRoute};

pub struct VpnStaticRouteOnBgpConnection;

static META: RuleMeta = RuleMeta {
    name: "vpn-static-route-on-bgp-connection",
    level: Level::Error,
    summary: "A VPN connection route on a VPN connection that uses BGP, not static routes.",
    doc: include_str!("../../rules/vpn-static-route-on-bgp-connection.md"),
};

impl Rule for VpnStaticRouteOnBgpConnection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        network
            .vpn_routes
            .values()
            .filter_map(|route| {
                let connection = &network.vpn_connections[route.vpn_connection.copied()?];
                (!connection.static_routes_only.copied()?).then(|| finding(route, connection))
            })
            .collect()
    }
}

fn finding(route: &VpnConnectionRoute, connection: &VpnConnection) -> Finding {
    let prefix = route
        .destination
        .copied()
        .map(|d| d.to_string())
        .unwrap_or_else(|| "with an unknown prefix".to_string());
    let (default, default_in_parentheses) = match connection.static_routes_only.provenance {
        Provenance::Default => (" (the default)", ", the default"),
        Provenance::Set => ("", ""),
    };
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "static route {prefix} on VPN connection {}, which uses BGP (static routes only is \
             false{default_in_parentheses}): static routes need a static-routing connection; with BGP the \
             customer gateway advertises its prefixes",
            connection.origin.address
        ),
        primary: Label::of(
            route.destination.span,
            &route.origin,
            "static route on a BGP connection",
        ),
        related: vec![Label::of(
            connection.static_routes_only.span,
            &connection.origin,
            format!("static routes only is false{default}"),
        )],
        help: "either set `static_routes_only = true` (CloudFormation `StaticRoutesOnly: true`) \
               on the VPN connection, or remove the route and advertise the prefix over BGP from \
               the customer gateway"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;

    fn build(static_routes_only: bool) -> (NetworkBuilder, crate::model::VpnConnectionId) {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let vgw = b.vpn_gateway("aws_vpn_gateway.a", Some(vpc));
        let vpn = b.vpn_connection("aws_vpn_connection.office", vgw, static_routes_only);
        b.vpn_route("aws_vpn_connection_route.office", vpn, "192.168.0.0/16");
        (b, vpn)
    }

    #[test]
    fn flags_a_static_route_on_a_bgp_connection() {
        let (mut b, vpn) = build(false);
        b.network.vpn_connections[vpn].static_routes_only.provenance = Provenance::Default;
        let network = b.finish();
        let findings = VpnStaticRouteOnBgpConnection.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "static route 192.168.0.0/16 on VPN connection aws_vpn_connection.office, which uses \
             BGP (static routes only is false, the default): static routes need a \
             static-routing connection; with BGP the customer gateway advertises its prefixes"
        );
        assert_eq!(
            findings[0].primary.address,
            "aws_vpn_connection_route.office"
        );
        assert_eq!(
            findings[0].related[0].span,
            network.vpn_connections[vpn].static_routes_only.span
        );
    }

    #[test]
    fn passes_on_a_static_connection() {
        let (b, _) = build(true);
        assert!(VpnStaticRouteOnBgpConnection.check(&b.finish()).is_empty());
    }

    #[test]
    fn a_bgp_connection_without_static_routes_passes() {
        let mut b = NetworkBuilder::new();
        let vgw = b.vpn_gateway("aws_vpn_gateway.a", None);
        b.vpn_connection("aws_vpn_connection.office", vgw, false);
        assert!(VpnStaticRouteOnBgpConnection.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_stay_silent() {
        let (mut b, vpn) = build(false);
        b.network.vpn_connections[vpn].static_routes_only.value = None;
        assert!(VpnStaticRouteOnBgpConnection.check(&b.finish()).is_empty());

        let (mut b, _) = build(false);
        let route = crate::model::VpnRouteId::new(0);
        b.network.vpn_routes[route].vpn_connection.value = None;
        assert!(VpnStaticRouteOnBgpConnection.check(&b.finish()).is_empty());
    }
}
