//! `tgw-attachment-missing-az`: a subnet whose route table sends traffic to a transit
//! gateway, in an Availability Zone where its VPC's attachment to that gateway has no
//! subnet. AWS forwards to a transit gateway only from zones that hold an attachment subnet.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::routing::{target_address, RoutingIndex};
use crate::model::analysis::transit::{
    attachment_zones, routes_to_transit_gateways, subnets_by_route_table, zone_notation,
    VpcAttachments,
};
use crate::model::{Network, RouteId, SubnetId, Target, TgwAttachmentId, TransitGatewayId, VpcId};
use std::collections::BTreeMap;

pub struct TgwAttachmentMissingAz;

static META: RuleMeta = RuleMeta {
    name: "tgw-attachment-missing-az",
    level: Level::Error,
    summary: "A subnet routes to a transit gateway from an Availability Zone its VPC's attachment does not cover.",
    doc: include_str!("../../rules/tgw-attachment-missing-az.md"),
};

impl Rule for TgwAttachmentMissingAz {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let routes = routes_to_transit_gateways(network);
        if routes.is_empty() {
            return Vec::new();
        }
        let routing = RoutingIndex::new(network);
        let users = subnets_by_route_table(network, &routing);
        let attachments = VpcAttachments::new(network);
        // Per (gateway, VPC): each stranded subnet with the first route that strands it.
        let mut stranded: BTreeMap<(TransitGatewayId, VpcId), BTreeMap<SubnetId, RouteId>> =
            BTreeMap::new();
        for to_gateway in routes {
            let Some(subnets) = users.get(&to_gateway.table) else {
                continue;
            };
            let Some(&[attachment, ..]) = attachments.of(to_gateway.gateway, to_gateway.vpc) else {
                continue;
            };
            let Some(covered) = attachment_zones(network, attachment) else {
                continue;
            };
            for &subnet in subnets {
                let Some(zone) = network.subnets[subnet].az.get() else {
                    continue;
                };
                if zone_notation(zone) == covered.notation
                    && !covered.zones.contains_key(zone.as_str())
                {
                    stranded
                        .entry((to_gateway.gateway, to_gateway.vpc))
                        .or_default()
                        .entry(subnet)
                        .or_insert(to_gateway.route);
                }
            }
        }
        stranded
            .into_iter()
            .filter_map(|((gateway, vpc), subnets)| {
                let &[attachment, ..] = attachments.of(gateway, vpc)? else {
                    return None;
                };
                Some(finding(network, gateway, attachment, &subnets))
            })
            .collect()
    }
}

fn finding(
    network: &Network,
    gateway: TransitGatewayId,
    attachment: TgwAttachmentId,
    stranded: &BTreeMap<SubnetId, RouteId>,
) -> Finding {
    let a = &network.tgw_attachments[attachment];
    let covered: Vec<&str> = attachment_zones(network, attachment)
        .map(|z| z.zones.into_keys().collect())
        .unwrap_or_default();
    let gateway_name = target_address(network, Target::TransitGateway(gateway)).unwrap_or("?");
    let zone_of = |subnet: SubnetId| network.subnets[subnet].az.get().map_or("?", String::as_str);
    let listed: Vec<String> = stranded
        .keys()
        .map(|&s| format!("{} ({})", network.subnets[s].origin.address, zone_of(s)))
        .collect();
    let mut missing: Vec<&str> = stranded.keys().map(|&s| zone_of(s)).collect();
    missing.sort_unstable();
    missing.dedup();
    let mut related = Vec::new();
    for (&subnet, &route) in stranded {
        let s = &network.subnets[subnet];
        related.push(Label::of(
            s.az.span,
            &s.origin,
            format!("in {}, not covered by the attachment", zone_of(subnet)),
        ));
        let r = &network.routes[route];
        related.push(Label::of(
            r.target.span,
            &r.origin,
            format!("route to {gateway_name}"),
        ));
    }
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "transit gateway attachment {} has subnets only in {}, but {} route(s) to {gateway_name} \
             from {}: traffic from a zone without an attachment subnet cannot reach the transit gateway",
            a.origin.address,
            covered.join(", "),
            listed.join(", "),
            missing.join(", "),
        ),
        primary: Label::of(
            a.subnets.first().map_or(a.origin.name_span, |s| s.span),
            &a.origin,
            format!("no subnet in {}", missing.join(", ")),
        ),
        related,
        help: format!(
            "add a subnet in {} to the attachment's `subnet_ids` (CloudFormation `SubnetIds`): \
             one attachment subnet in every Availability Zone that routes to the transit gateway",
            missing.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::TgwAttachmentKind;

    /// A VPC with subnets in `zones`, all using one route table that sends 10.0.0.0/8 to
    /// a transit gateway whose attachment has subnets in `attached` (indexes into zones).
    fn estate(zones: &[&str], attached: &[usize]) -> NetworkBuilder {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.1.0.0/16");
        let tgw = b.transit_gateway("aws_ec2_transit_gateway.t");
        let table = b.route_table("aws_route_table.private", vpc);
        b.route(
            "aws_route.tgw",
            table,
            "10.0.0.0/8",
            Target::TransitGateway(tgw),
        );
        let mut subnets = Vec::new();
        for (i, zone) in zones.iter().enumerate() {
            let s = b.subnet(&format!("aws_subnet.s{i}"), vpc, &format!("10.1.{i}.0/24"));
            b.network.subnets[s].az = b.known(zone.to_string());
            b.associate(&format!("aws_route_table_association.s{i}"), table, s);
            subnets.push(s);
        }
        let attachment = b.tgw_attachment("att", tgw, TgwAttachmentKind::Vpc(vpc));
        for &i in attached {
            let field = b.known(subnets[i]);
            b.network.tgw_attachments[attachment].subnets.push(field);
        }
        b
    }

    #[test]
    fn flags_subnets_in_zones_without_an_attachment_subnet() {
        let b = estate(&["us-east-1a", "us-east-1b", "us-east-1c"], &[0]);
        let findings = TgwAttachmentMissingAz.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "transit gateway attachment att has subnets only in us-east-1a, but \
             aws_subnet.s1 (us-east-1b), aws_subnet.s2 (us-east-1c) route(s) to \
             aws_ec2_transit_gateway.t from us-east-1b, us-east-1c: traffic from a zone \
             without an attachment subnet cannot reach the transit gateway"
        );
        assert_eq!(findings[0].related.len(), 4);
    }

    #[test]
    fn passes_when_every_zone_is_covered() {
        let b = estate(&["us-east-1a", "us-east-1b", "us-east-1a"], &[0, 1]);
        assert!(TgwAttachmentMissingAz.check(&b.finish()).is_empty());
    }

    #[test]
    fn names_and_zone_ids_are_not_compared() {
        let b = estate(&["use1-az1", "us-east-1b"], &[0]);
        assert!(TgwAttachmentMissingAz.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_stay_silent() {
        let mut b = estate(&["us-east-1a", "us-east-1b"], &[0]);
        b.network.subnets[SubnetId::new(0)].az.value = None;
        assert!(TgwAttachmentMissingAz.check(&b.finish()).is_empty());
        let mut b = estate(&["us-east-1a", "us-east-1b"], &[0]);
        let unknown = b.unknown();
        b.network.tgw_attachments[TgwAttachmentId::new(0)]
            .subnets
            .push(unknown);
        assert!(TgwAttachmentMissingAz.check(&b.finish()).is_empty());
    }
}
