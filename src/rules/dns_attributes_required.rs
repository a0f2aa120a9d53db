//! `dns-attributes-required`: a private hosted zone or a private-DNS interface endpoint in
//! a VPC whose DNS support or DNS hostnames attribute is off.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::{EndpointKind, Field, Network, Origin, Provenance, Vpc, VpcId};
use std::collections::BTreeMap;

pub struct DnsAttributesRequired;

static META: RuleMeta = RuleMeta {
    name: "dns-attributes-required",
    level: Level::Error,
    summary:
        "A private hosted zone or private-DNS endpoint needs DNS support and DNS hostnames on.",
    doc: include_str!("../../rules/dns-attributes-required.md"),
};

impl Rule for DnsAttributesRequired {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        // Per VPC, the resources that need its DNS attributes, with what they are.
        let mut dependents: BTreeMap<VpcId, Vec<(&Origin, Label)>> = BTreeMap::new();
        for zone in network.hosted_zones.values() {
            for vpc in &zone.vpcs {
                if let Some(id) = vpc.copied() {
                    let label = Label::of(
                        vpc.span,
                        &zone.origin,
                        "private hosted zone associated here",
                    );
                    dependents
                        .entry(id)
                        .or_default()
                        .push((&zone.origin, label));
                }
            }
        }
        for endpoint in network.vpc_endpoints.values() {
            let private_dns_interface = endpoint.kind.copied() == Some(EndpointKind::Interface)
                && endpoint.private_dns_enabled.copied() == Some(true);
            if let (true, Some(id)) = (private_dns_interface, endpoint.vpc.copied()) {
                let span = endpoint.private_dns_enabled.span;
                let label = Label::of(
                    span,
                    &endpoint.origin,
                    "interface endpoint with private DNS",
                );
                dependents
                    .entry(id)
                    .or_default()
                    .push((&endpoint.origin, label));
            }
        }
        dependents
            .into_iter()
            .filter_map(|(id, dependents)| {
                let vpc = &network.vpcs[id];
                let off: Vec<(&str, &Field<bool>)> = [
                    ("DNS hostnames", &vpc.enable_dns_hostnames),
                    ("DNS support", &vpc.enable_dns_support),
                ]
                .into_iter()
                .filter(|(_, field)| field.copied() == Some(false))
                .collect();
                (!off.is_empty()).then(|| finding(vpc, &off, dependents))
            })
            .collect()
    }
}

fn finding(vpc: &Vpc, off: &[(&str, &Field<bool>)], dependents: Vec<(&Origin, Label)>) -> Finding {
    let describe = |(name, field): &(&str, &Field<bool>)| match field.provenance {
        Provenance::Default => format!("{name} off (the default)"),
        Provenance::Set => format!("{name} off"),
    };
    let attributes: Vec<String> = off.iter().map(describe).collect();
    let needing: Vec<&str> = dependents.iter().map(|(o, _)| o.address.as_str()).collect();
    let (first_name, first_field) = off[0];
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "vpc {} has {}, but {} need{} both DNS support and DNS hostnames on",
            vpc.origin.address,
            attributes.join(" and "),
            needing.join(", "),
            if needing.len() == 1 { "s" } else { "" },
        ),
        primary: Label::of(
            first_field.span,
            &vpc.origin,
            format!("{first_name} is off"),
        ),
        related: dependents.into_iter().map(|(_, label)| label).collect(),
        help: "set `enable_dns_support = true` and `enable_dns_hostnames = true` on the VPC \
               (CloudFormation `EnableDnsSupport: true`, `EnableDnsHostnames: true`)"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::PrivateHostedZone;

    fn zone(b: &mut NetworkBuilder, vpc: VpcId) {
        let origin = b.origin("aws_route53_zone.internal");
        let vpcs = vec![b.known(vpc)];
        b.network
            .hosted_zones
            .push(PrivateHostedZone { origin, vpcs });
    }

    #[test]
    fn flags_a_private_zone_in_a_vpc_with_default_hostnames() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        zone(&mut b, vpc);
        let network = b.finish();
        let findings = DnsAttributesRequired.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "vpc aws_vpc.main has DNS hostnames off (the default), but aws_route53_zone.internal \
             needs both DNS support and DNS hostnames on"
        );
        assert_eq!(findings[0].primary.span, network.vpcs[vpc].origin.name_span);
    }

    #[test]
    fn flags_a_private_dns_endpoint_and_lists_both_attributes() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        b.network.vpcs[vpc].enable_dns_support = b.known(false);
        let ep = b.vpc_endpoint("aws_vpc_endpoint.ssm", vpc, EndpointKind::Interface);
        b.network.vpc_endpoints[ep].private_dns_enabled = b.known(true);
        zone(&mut b, vpc);
        let findings = DnsAttributesRequired.check(&b.finish());
        assert_eq!(findings.len(), 1, "one finding per VPC");
        assert_eq!(
            findings[0].message,
            "vpc aws_vpc.main has DNS hostnames off (the default) and DNS support off, but \
             aws_route53_zone.internal, aws_vpc_endpoint.ssm need both DNS support and DNS \
             hostnames on"
        );
        assert_eq!(findings[0].related.len(), 2);
    }

    #[test]
    fn passes_with_both_attributes_on() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        b.network.vpcs[vpc].enable_dns_hostnames = b.known(true);
        zone(&mut b, vpc);
        assert!(DnsAttributesRequired.check(&b.finish()).is_empty());
    }

    #[test]
    fn endpoints_without_private_dns_and_gateway_endpoints_pass() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        b.vpc_endpoint("aws_vpc_endpoint.ssm", vpc, EndpointKind::Interface);
        let s3 = b.vpc_endpoint("aws_vpc_endpoint.s3", vpc, EndpointKind::Gateway);
        b.network.vpc_endpoints[s3].private_dns_enabled = b.known(true);
        assert!(DnsAttributesRequired.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_stay_silent() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        b.network.vpcs[vpc].enable_dns_hostnames = b.unknown();
        zone(&mut b, vpc);
        let ep = b.vpc_endpoint("aws_vpc_endpoint.ssm", vpc, EndpointKind::Interface);
        b.network.vpc_endpoints[ep].private_dns_enabled = b.unknown();
        assert!(DnsAttributesRequired.check(&b.finish()).is_empty());
    }
}
