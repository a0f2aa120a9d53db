//! `tgw-appliance-mode-disabled`: a transit gateway VPC attachment with appliance mode off
//! in an inspection VPC (the attachment spans two or more zones and its subnets' route
//! table sends traffic on to a stateful middlebox). Without appliance mode each direction
//! of a cross-zone flow enters the VPC in its source's zone and meets a different
//! appliance, which drops it.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::middlebox::route_to_middlebox;
use crate::model::analysis::routing::{target_address, target_vpc, RoutingIndex};
use crate::model::analysis::transit::attachment_zones;
use crate::model::{Network, RouteId, Target, TgwAttachment, TgwAttachmentKind};

pub struct TgwApplianceModeDisabled;

static META: RuleMeta = RuleMeta {
    name: "tgw-appliance-mode-disabled",
    level: Level::Warning,
    summary: "A multi-AZ transit gateway attachment of an inspection VPC has appliance mode off.",
    doc: include_str!("../../rules/tgw-appliance-mode-disabled.md"),
};

impl Rule for TgwApplianceModeDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        if network.tgw_attachments.is_empty() {
            return Vec::new();
        }
        let routing = RoutingIndex::new(network);
        network
            .tgw_attachments
            .iter()
            .filter_map(|(id, attachment)| {
                if attachment.appliance_mode.copied() != Some(false) {
                    return None;
                }
                let Some(TgwAttachmentKind::Vpc(vpc)) = attachment.kind.copied() else {
                    return None;
                };
                let zones = attachment_zones(network, id)?;
                if zones.zones.len() < 2 {
                    return None;
                }
                // The middlebox each attachment subnet's table forwards to, if any.
                let middleboxes: Vec<Option<(RouteId, Target)>> = attachment
                    .subnets
                    .iter()
                    .map(|subnet| {
                        let table = routing.subnet_route_table(subnet.copied()?)?;
                        let (route, target) = route_to_middlebox(network, &routing, table)?;
                        (target_vpc(network, target) == Some(vpc)).then_some((route, target))
                    })
                    .collect();
                // The first (in list order) that forwards to a middlebox of this VPC.
                let (route, target) = middleboxes.iter().find_map(|m| *m)?;
                // A route to a Network Firewall names the firewall, not which of its
                // endpoints (one per zone) the route's endpoint ID is.
                let spread = if middleboxes.iter().any(Option::is_none)
                    || matches!(target, Target::FirewallEndpoint(_))
                {
                    Spread::Unknown
                } else if middleboxes.iter().flatten().all(|&(_, t)| t == target) {
                    Spread::One
                } else {
                    Spread::PerZone
                };
                let zone_names: Vec<&str> = zones.zones.keys().copied().collect();
                Some(finding(
                    network,
                    attachment,
                    &zone_names,
                    route,
                    target,
                    spread,
                ))
            })
            .collect()
    }
}

/// Where the attachment subnets' route tables send traffic on.
#[derive(Clone, Copy)]
enum Spread {
    /// Every subnet's table to the same middlebox.
    One,
    /// Every subnet's table to a middlebox, not all the same.
    PerZone,
    /// A subnet whose table is unknown or sends to no middlebox of the VPC.
    Unknown,
}

fn finding(
    network: &Network,
    attachment: &TgwAttachment,
    zones: &[&str],
    route: RouteId,
    target: Target,
    spread: Spread,
) -> Finding {
    let r = &network.routes[route];
    let middlebox = target_address(network, target).unwrap_or("?");
    let table = r
        .route_table
        .copied()
        .map_or("?", |t| network.route_tables[t].origin.address.as_str());
    let consequence = match spread {
        Spread::One => format!(
            "each direction of a cross-zone flow enters the VPC in its source's zone; \
             every attachment subnet forwards to the same {middlebox}, so both directions \
             still meet it, but once a middlebox per zone serves them the two directions \
             reach different ones (AWS requires appliance mode for stateful inspection \
             behind a transit gateway)"
        ),
        Spread::PerZone => {
            "the two directions of a cross-zone flow reach different appliances".to_string()
        }
        Spread::Unknown => {
            "the two directions of a cross-zone flow may reach different appliances".to_string()
        }
    };
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "transit gateway attachment {} spans {} Availability Zones ({}) and its subnets' \
             route table {table} \
             sends traffic to the stateful middlebox {middlebox}, but appliance mode is off: \
             {consequence}",
            attachment.origin.address,
            zones.len(),
            zones.join(", "),
        ),
        primary: Label::of(
            attachment.appliance_mode.span,
            &attachment.origin,
            "appliance mode off",
        ),
        related: vec![Label::of(
            r.target.span,
            &r.origin,
            format!("to {middlebox}"),
        )],
        help: "set `appliance_mode_support = \"enable\"` on the attachment (CloudFormation \
               `Options: {ApplianceModeSupport: enable}`)"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{EndpointKind, Id, RouteTableAssociation, SubnetId, TgwAttachmentId, VpcId};

    /// An inspection VPC: attachment subnets in `zones`, their table sending 0.0.0.0/0 to
    /// an endpoint of `kind`.
    fn estate(zones: &[&str], kind: EndpointKind) -> NetworkBuilder {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.inspection", "10.9.0.0/16");
        let tgw = b.transit_gateway("aws_ec2_transit_gateway.t");
        let endpoint = b.vpc_endpoint("aws_vpc_endpoint.gwlb", vpc, kind);
        let table = b.route_table("aws_route_table.tgw", vpc);
        b.route(
            "aws_route.inspect",
            table,
            "0.0.0.0/0",
            Target::VpcEndpoint(endpoint),
        );
        let attachment = b.tgw_attachment("att", tgw, TgwAttachmentKind::Vpc(vpc));
        for (i, zone) in zones.iter().enumerate() {
            let s = b.subnet(
                &format!("aws_subnet.tgw{i}"),
                vpc,
                &format!("10.9.{i}.0/28"),
            );
            b.network.subnets[s].az = b.known(zone.to_string());
            b.associate(&format!("assoc{i}"), table, s);
            let field = b.known(s);
            b.network.tgw_attachments[attachment].subnets.push(field);
        }
        b
    }

    #[test]
    fn flags_a_multi_zone_inspection_attachment() {
        let b = estate(
            &["us-east-1a", "us-east-1b"],
            EndpointKind::GatewayLoadBalancer,
        );
        let findings = TgwApplianceModeDisabled.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "transit gateway attachment att spans 2 Availability Zones (us-east-1a, us-east-1b) \
             and its subnets' route table aws_route_table.tgw sends traffic to the stateful middlebox \
             aws_vpc_endpoint.gwlb, but appliance mode is off: each direction of a \
             cross-zone flow enters the VPC in its source's zone; every attachment subnet \
             forwards to the same aws_vpc_endpoint.gwlb, so both directions still meet it, \
             but once a middlebox per zone serves them the two directions reach different \
             ones (AWS requires appliance mode for stateful inspection behind a transit \
             gateway)"
        );
    }

    #[test]
    fn says_the_directions_split_with_a_middlebox_per_zone() {
        let mut b = estate(
            &["us-east-1a", "us-east-1b"],
            EndpointKind::GatewayLoadBalancer,
        );
        let vpc = VpcId::new(0);
        let second = b.vpc_endpoint(
            "aws_vpc_endpoint.gwlb_b",
            vpc,
            EndpointKind::GatewayLoadBalancer,
        );
        let table = b.route_table("aws_route_table.tgw_b", vpc);
        b.route(
            "aws_route.inspect_b",
            table,
            "0.0.0.0/0",
            Target::VpcEndpoint(second),
        );
        // The second zone's attachment subnet uses the second table.
        b.network.route_table_associations[Id::<RouteTableAssociation>::new(1)].route_table =
            b.known(table);
        let findings = TgwApplianceModeDisabled.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .ends_with("the two directions of a cross-zone flow reach different appliances"));
    }

    #[test]
    fn passes_with_appliance_mode_one_zone_or_no_middlebox() {
        let mut b = estate(
            &["us-east-1a", "us-east-1b"],
            EndpointKind::GatewayLoadBalancer,
        );
        b.network.tgw_attachments[TgwAttachmentId::new(0)].appliance_mode = b.known(true);
        assert!(TgwApplianceModeDisabled.check(&b.finish()).is_empty());
        let b = estate(
            &["us-east-1a", "us-east-1a"],
            EndpointKind::GatewayLoadBalancer,
        );
        assert!(TgwApplianceModeDisabled.check(&b.finish()).is_empty());
        let b = estate(&["us-east-1a", "us-east-1b"], EndpointKind::Interface);
        assert!(TgwApplianceModeDisabled.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_stay_silent() {
        let mut b = estate(
            &["us-east-1a", "us-east-1b"],
            EndpointKind::GatewayLoadBalancer,
        );
        b.network.tgw_attachments[TgwAttachmentId::new(0)]
            .appliance_mode
            .value = None;
        assert!(TgwApplianceModeDisabled.check(&b.finish()).is_empty());
        let mut b = estate(
            &["us-east-1a", "us-east-1b"],
            EndpointKind::GatewayLoadBalancer,
        );
        b.network.subnets[SubnetId::new(1)].az.value = None;
        assert!(TgwApplianceModeDisabled.check(&b.finish()).is_empty());
    }
}
