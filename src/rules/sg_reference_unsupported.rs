//! `sg-reference-unsupported`: a security group rule that references a group in another
//! VPC that no same-Region peering connection, nor (for inbound rules) a transit gateway
//! with security group referencing, joins to its own.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::peering::inter_region;
use crate::model::{
    Direction, Network, PeeringId, Provenance, SgPeer, SgRule, TgwAttachmentId, TgwAttachmentKind,
    VpcId,
};
use std::collections::HashMap;

pub struct SgReferenceUnsupported;

static META: RuleMeta = RuleMeta {
    name: "sg-reference-unsupported",
    level: Level::Error,
    summary: "A security group rule references a group in a VPC it cannot reference.",
    doc: include_str!("../../rules/sg-reference-unsupported.md"),
};

/// Why a reference from one VPC to another does or does not work.
enum Support {
    Supported,
    Unknown,
    /// Reasons, each with the label of the resource it is about.
    Unsupported(Vec<(String, Option<Label>)>),
}

impl Rule for SgReferenceUnsupported {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let connections = Connections::new(network);
        let mut findings = Vec::new();
        for rule in network.sg_rules.values() {
            let (Some(group), Some(SgPeer::Group(referenced))) =
                (rule.group.copied(), rule.peer.copied())
            else {
                continue;
            };
            let own_vpc = network.security_groups[group].vpc.copied();
            let other_vpc = network.security_groups[referenced].vpc.copied();
            let (Some(own_vpc), Some(other_vpc)) = (own_vpc, other_vpc) else {
                continue;
            };
            if own_vpc == other_vpc {
                continue;
            }
            if let Support::Unsupported(reasons) =
                connections.support(own_vpc, other_vpc, rule.direction)
            {
                findings.push(finding(network, rule, own_vpc, other_vpc, reasons));
            }
        }
        findings
    }
}

/// The peering connections and transit gateway VPC attachments of every VPC.
struct Connections<'n> {
    network: &'n Network,
    peerings: HashMap<(VpcId, VpcId), Vec<PeeringId>>,
    attachments: HashMap<VpcId, Vec<TgwAttachmentId>>,
    /// A peering connection or VPC attachment whose VPC is unknown may join any two VPCs.
    unknown_peering: bool,
    unknown_attachment: bool,
}

impl<'n> Connections<'n> {
    fn new(network: &'n Network) -> Self {
        let mut peerings: HashMap<(VpcId, VpcId), Vec<PeeringId>> = HashMap::new();
        let mut unknown_peering = false;
        for (id, peering) in network.peerings.iter() {
            match (
                peering.requester_vpc.copied(),
                peering.accepter_vpc.copied(),
            ) {
                (Some(a), Some(b)) => peerings.entry((a.min(b), a.max(b))).or_default().push(id),
                _ => unknown_peering = true,
            }
        }
        let mut attachments: HashMap<VpcId, Vec<TgwAttachmentId>> = HashMap::new();
        let mut unknown_attachment = false;
        for (id, attachment) in network.tgw_attachments.iter() {
            match attachment.kind.copied() {
                Some(TgwAttachmentKind::Vpc(vpc)) => attachments.entry(vpc).or_default().push(id),
                Some(_) => {}
                None => unknown_attachment = true,
            }
        }
        Connections {
            network,
            peerings,
            attachments,
            unknown_peering,
            unknown_attachment,
        }
    }

    fn support(&self, own: VpcId, other: VpcId, direction: Direction) -> Support {
        let network = self.network;
        let mut reasons = Vec::new();
        let mut unknown = self.unknown_peering;
        let pair = self
            .peerings
            .get(&(own.min(other), own.max(other)))
            .map(Vec::as_slice)
            .unwrap_or_default();
        for &id in pair {
            let peering = &network.peerings[id];
            match inter_region(network, id) {
                Some(None) => return Support::Supported,
                Some(Some((r, a))) => reasons.push((
                    format!("peering connection {} is inter-Region ({r} to {a}), which never supports references", peering.origin.address),
                    Some(Label::of(peering.accepter_region.span, &peering.origin, format!("peer Region {a}"))),
                )),
                None => unknown = true,
            }
        }
        if pair.is_empty() {
            reasons.push(("no peering connection joins the two VPCs".to_string(), None));
        }
        let common = self.common_transit_gateways(own, other);
        if direction == Direction::Ingress
            && (self.unknown_attachment || self.may_share_unknown_gateway(own, other))
        {
            unknown = true;
        }
        match direction {
            Direction::Egress if !common.is_empty() => reasons.push((
                "transit gateways support security group references in inbound rules only"
                    .to_string(),
                None,
            )),
            Direction::Egress => {}
            Direction::Ingress if common.is_empty() => {
                reasons.push(("no transit gateway connects them".to_string(), None));
            }
            Direction::Ingress => {
                for (own_attachment, other_attachment) in common {
                    match self.transit_gateway_reason(own_attachment, other_attachment) {
                        None => unknown = true,
                        Some(None) => return Support::Supported,
                        Some(Some(reason)) => reasons.push(reason),
                    }
                }
            }
        }
        if unknown {
            Support::Unknown
        } else {
            Support::Unsupported(reasons)
        }
    }

    /// Pairs of attachments of the two VPCs to the same transit gateway.
    fn common_transit_gateways(
        &self,
        own: VpcId,
        other: VpcId,
    ) -> Vec<(TgwAttachmentId, TgwAttachmentId)> {
        let tgw = |id: TgwAttachmentId| self.network.tgw_attachments[id].transit_gateway.copied();
        let of = |vpc| {
            self.attachments
                .get(&vpc)
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        let mut pairs = Vec::new();
        for &a in of(own) {
            for &b in of(other) {
                if tgw(a).is_some() && tgw(a) == tgw(b) {
                    pairs.push((a, b));
                }
            }
        }
        pairs
    }

    /// Whether the two VPCs have attachments one of whose transit gateway is unknown (a
    /// variable with no value, a shared gateway's ID): they may be the same gateway.
    fn may_share_unknown_gateway(&self, own: VpcId, other: VpcId) -> bool {
        let of = |vpc| {
            self.attachments
                .get(&vpc)
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        let unknown = |id: &TgwAttachmentId| {
            self.network.tgw_attachments[*id]
                .transit_gateway
                .get()
                .is_none()
        };
        !of(own).is_empty()
            && !of(other).is_empty()
            && (of(own).iter().any(unknown) || of(other).iter().any(unknown))
    }

    /// `Some(None)` when referencing is on everywhere, `Some(Some(reason))` when it is off
    /// somewhere, `None` when unknown.
    fn transit_gateway_reason(
        &self,
        own: TgwAttachmentId,
        other: TgwAttachmentId,
    ) -> Option<Option<(String, Option<Label>)>> {
        let network = self.network;
        let tgw_id = network.tgw_attachments[own].transit_gateway.copied()?;
        let tgw = &network.transit_gateways[tgw_id];
        let switches = [
            (
                &tgw.security_group_referencing,
                &tgw.origin.address,
                "transit gateway",
            ),
            (
                &network.tgw_attachments[own].security_group_referencing,
                &network.tgw_attachments[own].origin.address,
                "attachment",
            ),
            (
                &network.tgw_attachments[other].security_group_referencing,
                &network.tgw_attachments[other].origin.address,
                "attachment",
            ),
        ];
        for (switch, address, what) in switches {
            if switch.copied()? {
                continue;
            }
            let default = if switch.provenance == Provenance::Default {
                " (the default)"
            } else {
                ""
            };
            return Some(Some((
                format!("security group referencing is off on {what} {address}{default}"),
                Some(Label::new(
                    switch.span,
                    address.as_str(),
                    format!("security group referencing off{default}"),
                )),
            )));
        }
        Some(None)
    }
}

fn finding(
    network: &Network,
    rule: &SgRule,
    own: VpcId,
    other: VpcId,
    reasons: Vec<(String, Option<Label>)>,
) -> Finding {
    let vpc_name = |id: VpcId| network.vpcs[id].origin.address.as_str();
    let referenced = match rule.peer.copied() {
        Some(SgPeer::Group(group)) => network.security_groups[group].origin.address.as_str(),
        _ => "",
    };
    let direction = match rule.direction {
        Direction::Ingress => "inbound",
        Direction::Egress => "outbound",
    };
    let (texts, labels): (Vec<String>, Vec<Option<Label>>) = reasons.into_iter().unzip();
    let own_group = rule
        .group
        .copied()
        .map(|g| network.security_groups[g].origin.address.as_str())
        .unwrap_or_default();
    let mut related: Vec<Label> = labels.into_iter().flatten().collect();
    if let Some(group) = rule.peer.copied().and_then(|p| match p {
        SgPeer::Group(g) => Some(g),
        _ => None,
    }) {
        let origin = &network.security_groups[group].origin;
        related.insert(
            0,
            Label::of(
                origin.name_span,
                origin,
                format!("in vpc {}", vpc_name(other)),
            ),
        );
    }
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "{direction} rule of {own_group} (vpc {}) references group {referenced} in vpc {}: {}",
            vpc_name(own),
            vpc_name(other),
            texts.join("; "),
        ),
        primary: Label::of(rule.peer.span, &rule.origin, "group in another VPC"),
        related,
        help: "reference the other VPC's CIDR block (or a prefix list) instead, or join the VPCs \
               with a same-Region peering connection, or (inbound rules) a transit gateway with \
               security group referencing enabled on it and on both VPC attachments"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{PortRange, Protocol, SecurityGroupId};

    struct World {
        b: NetworkBuilder,
        a: VpcId,
        b_vpc: VpcId,
        app: SecurityGroupId,
        db: SecurityGroupId,
    }

    fn world() -> World {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let b_vpc = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let app = b.security_group("aws_security_group.app", a);
        let db = b.security_group("aws_security_group.db", b_vpc);
        World {
            b,
            a,
            b_vpc,
            app,
            db,
        }
    }

    impl World {
        fn reference(&mut self, direction: Direction) {
            let (db, app) = (self.db, self.app);
            self.b.sg_rule(
                "aws_vpc_security_group_ingress_rule.from_app",
                db,
                direction,
                Protocol::TCP,
                PortRange::single(5432),
                SgPeer::Group(app),
            );
        }
        fn tgw(&mut self, on_tgw: bool) -> (TgwAttachmentId, TgwAttachmentId) {
            let tgw = self.b.transit_gateway("aws_ec2_transit_gateway.hub");
            self.b.network.transit_gateways[tgw].security_group_referencing = self.b.known(on_tgw);
            let a = self.b.tgw_attachment(
                "aws_ec2_transit_gateway_vpc_attachment.a",
                tgw,
                TgwAttachmentKind::Vpc(self.a),
            );
            let b = self.b.tgw_attachment(
                "aws_ec2_transit_gateway_vpc_attachment.b",
                tgw,
                TgwAttachmentKind::Vpc(self.b_vpc),
            );
            (a, b)
        }
        fn check(self) -> Vec<Finding> {
            SgReferenceUnsupported.check(&self.b.finish())
        }
    }

    #[test]
    fn flags_a_reference_between_unconnected_vpcs() {
        let mut w = world();
        w.reference(Direction::Ingress);
        let findings = w.check();
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "inbound rule of aws_security_group.db (vpc aws_vpc.b) references group \
             aws_security_group.app in vpc aws_vpc.a: no peering connection joins the two VPCs; \
             no transit gateway connects them"
        );
    }

    #[test]
    fn flags_inter_region_peering() {
        let mut w = world();
        let (a, b_vpc) = (w.a, w.b_vpc);
        let pcx = w.b.peering("aws_vpc_peering_connection.ab", a, b_vpc);
        w.b.network.peerings[pcx].requester_region = Some("us-east-1".to_string());
        w.b.network.peerings[pcx].accepter_region = w.b.known("eu-west-1".to_string());
        w.reference(Direction::Egress);
        let findings = w.check();
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains(
            "peering connection aws_vpc_peering_connection.ab is inter-Region (us-east-1 to eu-west-1)"
        ));
    }

    #[test]
    fn passes_with_same_region_peering() {
        let mut w = world();
        let (a, b_vpc) = (w.a, w.b_vpc);
        w.b.peering("aws_vpc_peering_connection.ab", b_vpc, a);
        w.reference(Direction::Egress);
        assert!(w.check().is_empty());
    }

    #[test]
    fn transit_gateway_references_need_all_three_switches_and_inbound_rules() {
        let mut w = world();
        w.tgw(true);
        w.reference(Direction::Ingress);
        assert!(w.check().is_empty(), "attachments default to enabled");

        let mut w = world();
        w.tgw(false);
        w.reference(Direction::Ingress);
        let findings = w.check();
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.ends_with(
            "security group referencing is off on transit gateway aws_ec2_transit_gateway.hub"
        ));

        let mut w = world();
        let (_, b_attachment) = w.tgw(true);
        w.b.network.tgw_attachments[b_attachment].security_group_referencing = w.b.known(false);
        w.reference(Direction::Ingress);
        assert_eq!(w.check().len(), 1);

        let mut w = world();
        w.tgw(true);
        w.reference(Direction::Egress);
        let findings = w.check();
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains("inbound rules only"));
    }

    #[test]
    fn same_vpc_references_pass() {
        let mut w = world();
        let (a, app) = (w.a, w.app);
        let web = w.b.security_group("aws_security_group.web", a);
        w.b.sg_rule(
            "r",
            web,
            Direction::Ingress,
            Protocol::TCP,
            PortRange::single(80),
            SgPeer::Group(app),
        );
        assert!(w.check().is_empty());
    }

    #[test]
    fn unknown_values_stay_silent() {
        let mut w = world();
        let (a, b_vpc) = (w.a, w.b_vpc);
        let pcx = w.b.peering("aws_vpc_peering_connection.ab", a, b_vpc);
        w.b.network.peerings[pcx].accepter_region = w.b.unknown();
        w.reference(Direction::Ingress);
        assert!(w.check().is_empty(), "peering region unknown");

        let mut w = world();
        let (a, b_vpc) = (w.a, w.b_vpc);
        let pcx = w.b.peering("aws_vpc_peering_connection.ax", a, b_vpc);
        w.b.network.peerings[pcx].accepter_vpc.value = None;
        w.reference(Direction::Ingress);
        assert!(
            w.check().is_empty(),
            "a peering to an unknown VPC may join them"
        );

        let mut w = world();
        let (_, b_attachment) = w.tgw(true);
        w.b.network.tgw_attachments[b_attachment]
            .security_group_referencing
            .value = None;
        w.reference(Direction::Ingress);
        assert!(w.check().is_empty(), "attachment switch unknown");

        let mut w = world();
        let db = w.db;
        w.b.network.security_groups[db].vpc.value = None;
        w.reference(Direction::Ingress);
        assert!(w.check().is_empty(), "group VPC unknown");
    }
}
