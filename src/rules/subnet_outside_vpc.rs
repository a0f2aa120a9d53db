//! `subnet-outside-vpc`: a subnet whose IPv4 block is not inside any of its VPC's blocks.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::{Containment, VpcCidrs};
use crate::model::{Network, Subnet, VpcId};
use ipnet::Ipv4Net;

pub struct SubnetOutsideVpc;

static META: RuleMeta = RuleMeta {
    name: "subnet-outside-vpc",
    level: Level::Error,
    summary: "A subnet IPv4 block not contained in any of its VPC's CIDR blocks.",
    doc: include_str!("../../rules/subnet-outside-vpc.md"),
};

impl Rule for SubnetOutsideVpc {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let cidrs = VpcCidrs::new(network);
        let mut findings = Vec::new();
        for subnet in network.subnets.values() {
            let (Some(vpc), Some(cidr)) = (
                subnet.vpc.copied(),
                subnet.cidr.as_ref().and_then(|c| c.copied()),
            ) else {
                continue;
            };
            if cidrs.blocks(vpc).is_empty() {
                continue;
            }
            if cidrs.containment(vpc, cidr.network()) == Containment::Outside {
                findings.push(finding(network, &cidrs, subnet, vpc, cidr.network()));
            }
        }
        findings
    }
}

/// The subnet's VPC reference when the VPC is declared in another file (imported from
/// another template): what ties the subnet to blocks written elsewhere.
fn vpc_of_another_file(network: &Network, subnet: &Subnet, vpc: VpcId) -> Option<Label> {
    let vpc_origin = &network.vpcs[vpc].origin;
    (subnet.vpc.span.file != vpc_origin.span.file).then(|| {
        Label::new(
            subnet.vpc.span,
            &subnet.origin.address,
            format!("vpc {} of another file", vpc_origin.address),
        )
    })
}

fn finding(
    network: &Network,
    cidrs: &VpcCidrs,
    subnet: &Subnet,
    vpc: VpcId,
    block: Ipv4Net,
) -> Finding {
    let vpc_address = &network.vpcs[vpc].origin.address;
    let span = subnet
        .cidr
        .as_ref()
        .map_or(subnet.origin.name_span, |c| c.span);
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "subnet {} has block {block}, which is outside vpc {vpc_address} ({})",
            subnet.origin.address,
            cidrs.describe(vpc)
        ),
        primary: Label::of(span, &subnet.origin, "not inside any block of the VPC"),
        related: cidrs
            .blocks(vpc)
            .iter()
            .map(|b| Label::new(b.span, b.address, format!("vpc block {}", b.net)))
            .chain(vpc_of_another_file(network, subnet, vpc))
            .collect(),
        help: format!(
            "choose a subnet block inside one of the VPC's blocks ({}), or associate a secondary \
             block that contains {block} with the VPC",
            cidrs.describe(vpc)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;

    #[test]
    fn flags_a_subnet_outside_every_block() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        let secondary =
            b.secondary_cidr("aws_vpc_ipv4_cidr_block_association.s", vpc, "10.9.0.0/16");
        let subnet = b.subnet("aws_subnet.app", vpc, "10.1.0.0/24");
        let network = b.finish();
        let findings = SubnetOutsideVpc.check(&network);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            f.message,
            "subnet aws_subnet.app has block 10.1.0.0/24, which is outside vpc aws_vpc.main \
             (10.0.0.0/16, 10.9.0.0/16)"
        );
        assert_eq!(
            Some(f.primary.span),
            network.subnets[subnet].cidr.as_ref().map(|c| c.span)
        );
        assert_eq!(f.related.len(), 2);
        assert_eq!(f.related[1].span, network.cidr_blocks[secondary].cidr.span);
        assert_eq!(
            f.related[1].address,
            "aws_vpc_ipv4_cidr_block_association.s"
        );
    }

    #[test]
    fn subnets_in_secondary_blocks_and_at_the_edges_pass() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        b.secondary_cidr(
            "aws_vpc_ipv4_cidr_block_association.s",
            vpc,
            "100.64.0.0/16",
        );
        b.subnet("aws_subnet.first", vpc, "10.0.0.0/28");
        b.subnet("aws_subnet.last", vpc, "10.0.255.240/28");
        b.subnet("aws_subnet.whole", vpc, "10.0.0.0/16");
        b.subnet("aws_subnet.pods", vpc, "100.64.128.0/17");
        assert!(SubnetOutsideVpc.check(&b.finish()).is_empty());
    }

    #[test]
    fn a_subnet_larger_than_its_vpc_is_flagged() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/24");
        b.subnet("aws_subnet.big", vpc, "10.0.0.0/23");
        assert_eq!(SubnetOutsideVpc.check(&b.finish()).len(), 1);
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let mut b = NetworkBuilder::new();
        // A secondary block whose value is unknown may contain the subnet.
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        let secondary =
            b.secondary_cidr("aws_vpc_ipv4_cidr_block_association.s", vpc, "10.9.0.0/16");
        b.network.cidr_blocks[secondary].cidr.value = None;
        b.subnet("aws_subnet.a", vpc, "10.1.0.0/24");
        // IPAM-allocated VPC.
        let ipam = b.vpc_unknown_cidr("aws_vpc.ipam");
        b.subnet("aws_subnet.b", ipam, "10.1.0.0/24");
        // Unknown subnet block and unknown VPC.
        let c = b.subnet("aws_subnet.c", vpc, "10.2.0.0/24");
        if let Some(cidr) = b.network.subnets[c].cidr.as_mut() {
            cidr.value = None;
        }
        let d = b.subnet("aws_subnet.d", vpc, "10.3.0.0/24");
        b.network.subnets[d].vpc.value = None;
        assert!(SubnetOutsideVpc.check(&b.finish()).is_empty());
    }
}
