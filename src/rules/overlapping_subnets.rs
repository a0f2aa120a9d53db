//! `overlapping-subnets`: two subnets of one VPC whose IPv4 blocks overlap, reported on
//! the second of the pair in source order. A VPC outside the code counts as one VPC for
//! the subnets that name it alike (the same variable, data source attribute, parameter or
//! VPC id of one unit and module instance).

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::overlapping_pairs;
use crate::model::analysis::source_order::source_order;
use crate::model::{ExternalVpc, Network, Subnet, SubnetId};
use ipnet::Ipv4Net;
use std::collections::BTreeMap;

pub struct OverlappingSubnets;

static META: RuleMeta = RuleMeta {
    name: "overlapping-subnets",
    level: Level::Error,
    summary: "Two subnets of one VPC whose IPv4 blocks overlap.",
    doc: include_str!("../../rules/overlapping-subnets.md"),
};

impl Rule for OverlappingSubnets {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let mut by_vpc: Vec<Vec<(Ipv4Net, SubnetId)>> = vec![Vec::new(); network.vpcs.len()];
        let mut by_external: BTreeMap<&ExternalVpc, Vec<(Ipv4Net, SubnetId)>> = BTreeMap::new();
        for (id, subnet) in network.subnets.iter() {
            let Some(cidr) = subnet.cidr.as_ref().and_then(|c| c.copied()) else {
                continue;
            };
            let list = match (subnet.vpc.copied(), &subnet.external_vpc) {
                (Some(vpc), _) => by_vpc.get_mut(vpc.index()),
                (None, Some(external)) => Some(by_external.entry(external).or_default()),
                (None, None) => None,
            };
            if let Some(list) = list {
                list.push((cidr.network(), id));
            }
        }
        let mut findings = Vec::new();
        for subnets in by_vpc.iter().chain(by_external.values()) {
            for (a, b) in overlapping_pairs(subnets) {
                let (a, b) = (&network.subnets[a], &network.subnets[b]);
                let (first, second) = match source_order(network, &a.origin, &b.origin) {
                    std::cmp::Ordering::Greater => (b, a),
                    _ => (a, b),
                };
                findings.push(finding(network, first, second));
            }
        }
        findings
    }
}

fn finding(network: &Network, first: &Subnet, second: &Subnet) -> Finding {
    let block = |s: &Subnet| {
        s.cidr
            .as_ref()
            .and_then(|c| c.copied())
            .map(|c| c.network())
    };
    let span = |s: &Subnet| s.cidr.as_ref().map_or(s.origin.name_span, |c| c.span);
    let (first_block, second_block) = (block(first), block(second));
    let describe = |b: Option<Ipv4Net>| b.map(|b| b.to_string()).unwrap_or_default();
    let vpc = match (second.vpc.copied(), &second.external_vpc) {
        (Some(v), _) => network.vpcs[v].origin.address.as_str(),
        (None, Some(external)) => external.name.as_str(),
        (None, None) => "",
    };
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "subnet {} ({}) overlaps subnet {} ({}) in vpc {vpc}",
            second.origin.address,
            describe(second_block),
            first.origin.address,
            describe(first_block),
        ),
        primary: Label::of(span(second), &second.origin, "overlaps another subnet"),
        related: vec![Label::of(
            span(first),
            &first.origin,
            format!("subnet {} declared here", describe(first_block)),
        )],
        help: "give each subnet of the VPC its own, non-overlapping block (for example with \
               cidrsubnet() / !Cidr over distinct indices)"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;

    #[test]
    fn flags_the_second_subnet_of_an_overlapping_pair() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        let first = b.subnet("aws_subnet.a", vpc, "10.0.0.0/23");
        let second = b.subnet("aws_subnet.b", vpc, "10.0.1.0/24");
        let network = b.finish();
        let findings = OverlappingSubnets.check(&network);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            f.message,
            "subnet aws_subnet.b (10.0.1.0/24) overlaps subnet aws_subnet.a (10.0.0.0/23) in vpc aws_vpc.main"
        );
        let cidr_span = |s: SubnetId| network.subnets[s].cidr.as_ref().map(|c| c.span);
        assert_eq!(Some(f.primary.span), cidr_span(second));
        assert_eq!(Some(f.related[0].span), cidr_span(first));
    }

    #[test]
    fn count_instances_share_a_span_and_the_higher_index_is_reported_once() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        let shared = b.subnet("aws_subnet.a[10]", vpc, "10.0.1.0/24");
        let other = b.subnet("aws_subnet.a[2]", vpc, "10.0.1.0/24");
        let span = b.network.subnets[shared].origin.span;
        b.network.subnets[other].origin.span = span;
        let findings = OverlappingSubnets.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].primary.address, "aws_subnet.a[10]");
        assert_eq!(findings[0].related[0].address, "aws_subnet.a[2]");
    }

    #[test]
    fn adjacent_subnets_and_subnets_of_other_vpcs_pass() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        let other = b.vpc("aws_vpc.copy", "10.0.0.0/16");
        b.subnet("aws_subnet.a", vpc, "10.0.0.0/24");
        b.subnet("aws_subnet.b", vpc, "10.0.1.0/24");
        b.subnet("aws_subnet.c", vpc, "10.0.2.0/23");
        b.subnet("aws_subnet.d", other, "10.0.0.0/24");
        assert!(OverlappingSubnets.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        b.subnet("aws_subnet.a", vpc, "10.0.0.0/24");
        let unknown_block = b.subnet("aws_subnet.b", vpc, "10.0.0.0/24");
        if let Some(cidr) = b.network.subnets[unknown_block].cidr.as_mut() {
            cidr.value = None;
        }
        let unknown_vpc = b.subnet("aws_subnet.c", vpc, "10.0.0.0/24");
        b.network.subnets[unknown_vpc].vpc.value = None;
        assert!(OverlappingSubnets.check(&b.finish()).is_empty());
    }

    #[test]
    fn subnets_naming_one_vpc_outside_the_code_alike_are_compared() {
        let mut b = NetworkBuilder::new();
        let placeholder = b.vpc("aws_vpc.placeholder", "10.0.0.0/16");
        let external = |name: &str, scope: &str| ExternalVpc {
            scope: scope.to_string(),
            name: name.to_string(),
        };
        let subnet = |b: &mut NetworkBuilder, address: &str, cidr: &str, vpc: ExternalVpc| {
            let id = b.subnet(address, placeholder, cidr);
            b.network.subnets[id].vpc.value = None;
            b.network.subnets[id].external_vpc = Some(vpc);
        };
        subnet(
            &mut b,
            "aws_subnet.a",
            "10.1.0.0/24",
            external("var.vpc_id", "root "),
        );
        subnet(
            &mut b,
            "aws_subnet.b",
            "10.1.0.0/25",
            external("var.vpc_id", "root "),
        );
        // Another variable, or the same text in another module instance: not the same VPC.
        subnet(
            &mut b,
            "aws_subnet.c",
            "10.1.0.0/24",
            external("var.other", "root "),
        );
        subnet(
            &mut b,
            "module.x.aws_subnet.d",
            "10.1.0.0/24",
            external("var.vpc_id", "root module.x."),
        );
        // Unknown VPC with no name: never compared.
        let e = b.subnet("aws_subnet.e", placeholder, "10.9.0.0/24");
        b.network.subnets[e].vpc.value = None;
        let f = b.subnet("aws_subnet.f", placeholder, "10.9.0.0/24");
        b.network.subnets[f].vpc.value = None;
        let findings = OverlappingSubnets.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "subnet aws_subnet.b (10.1.0.0/25) overlaps subnet aws_subnet.a (10.1.0.0/24) in vpc var.vpc_id"
        );
    }
}
