//! `peering-cidr-overlap`: a VPC peering connection between VPCs with overlapping IPv4
//! blocks, which AWS refuses to create.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::{VpcBlock, VpcCidrs};
use crate::model::analysis::peering::overlapping_blocks;
use crate::model::{Network, PeeringConnection};

pub struct PeeringCidrOverlap;

static META: RuleMeta = RuleMeta {
    name: "peering-cidr-overlap",
    level: Level::Error,
    summary: "A VPC peering connection between VPCs with overlapping IPv4 blocks.",
    doc: include_str!("../../rules/peering-cidr-overlap.md"),
};

impl Rule for PeeringCidrOverlap {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let cidrs = VpcCidrs::new(network);
        let mut findings = Vec::new();
        for (id, peering) in network.peerings.iter() {
            let overlapping = overlapping_blocks(network, &cidrs, id);
            if !overlapping.is_empty() {
                findings.push(finding(network, &cidrs, peering, &overlapping));
            }
        }
        findings
    }
}

fn finding(
    network: &Network,
    cidrs: &VpcCidrs,
    peering: &PeeringConnection,
    overlapping: &[(&VpcBlock, &VpcBlock)],
) -> Finding {
    let describe = |vpc: Option<crate::model::VpcId>| {
        vpc.map(|v| {
            format!(
                "vpc {} ({})",
                network.vpcs[v].origin.address,
                cidrs.describe(v)
            )
        })
        .unwrap_or_default()
    };
    let pairs: Vec<String> = overlapping
        .iter()
        .map(|(r, a)| format!("{} and {}", r.net, a.net))
        .collect();
    let mut related = Vec::new();
    for (r, a) in overlapping {
        for block in [r, a] {
            let label = Label::new(block.span, block.address, format!("block {}", block.net));
            if !related.contains(&label) {
                related.push(label);
            }
        }
    }
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "peering {} joins {} and {}, whose blocks overlap ({}): AWS refuses to peer them",
            peering.origin.address,
            describe(peering.requester_vpc.copied()),
            describe(peering.accepter_vpc.copied()),
            pairs.join("; "),
        ),
        primary: Label::of(
            peering.accepter_vpc.span,
            &peering.origin,
            "peer VPC's blocks overlap this VPC's",
        ),
        related,
        help: "peer only VPCs with disjoint IPv4 blocks: re-address one VPC, or connect them \
               through a transit gateway or PrivateLink with NAT"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;

    #[test]
    fn flags_a_peering_whose_secondary_blocks_overlap() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let peer = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let secondary = b.secondary_cidr(
            "aws_vpc_ipv4_cidr_block_association.b",
            peer,
            "10.0.128.0/17",
        );
        let pcx = b.peering("aws_vpc_peering_connection.ab", a, peer);
        let network = b.finish();
        let findings = PeeringCidrOverlap.check(&network);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            f.message,
            "peering aws_vpc_peering_connection.ab joins vpc aws_vpc.a (10.0.0.0/16) and vpc \
             aws_vpc.b (10.1.0.0/16, 10.0.128.0/17), whose blocks overlap (10.0.0.0/16 and \
             10.0.128.0/17): AWS refuses to peer them"
        );
        assert_eq!(f.primary.span, network.peerings[pcx].accepter_vpc.span);
        assert_eq!(f.related.len(), 2);
        assert_eq!(f.related[1].span, network.cidr_blocks[secondary].cidr.span);
    }

    #[test]
    fn identical_vpc_blocks_are_flagged() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let peer = b.vpc("aws_vpc.b", "10.0.0.0/16");
        b.peering("aws_vpc_peering_connection.ab", a, peer);
        assert_eq!(PeeringCidrOverlap.check(&b.finish()).len(), 1);
    }

    #[test]
    fn adjacent_vpcs_pass() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let peer = b.vpc("aws_vpc.b", "10.1.0.0/16");
        b.secondary_cidr("aws_vpc_ipv4_cidr_block_association.b", peer, "10.2.0.0/16");
        b.peering("aws_vpc_peering_connection.ab", a, peer);
        assert!(PeeringCidrOverlap.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let ipam = b.vpc_unknown_cidr("aws_vpc.ipam");
        b.peering("aws_vpc_peering_connection.a_ipam", a, ipam);
        let outside = b.peering("aws_vpc_peering_connection.a_x", a, a);
        b.network.peerings[outside].accepter_vpc.value = None;
        assert!(PeeringCidrOverlap.check(&b.finish()).is_empty());
    }
}
