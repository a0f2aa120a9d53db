//! `lb-single-az`: an application load balancer with subnets in fewer than two
//! Availability Zones.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::{LoadBalancer, LoadBalancerKind, Network, Subnet};
use std::collections::BTreeSet;

pub struct LbSingleAz;

static META: RuleMeta = RuleMeta {
    name: "lb-single-az",
    level: Level::Error,
    summary: "An application load balancer has subnets in fewer than two Availability Zones.",
    doc: include_str!("../../rules/lb-single-az.md"),
};

impl Rule for LbSingleAz {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        network
            .load_balancers
            .values()
            .filter(|lb| lb.kind.copied() == Some(LoadBalancerKind::Application))
            .filter_map(|lb| {
                // Every subnet and its zone must be known; an empty list is unknown too
                // (subnets from a data source or a variable).
                let subnets: Vec<&Subnet> = lb
                    .subnets
                    .iter()
                    .map(|s| s.copied().map(|id| &network.subnets[id]))
                    .collect::<Option<_>>()?;
                let zones: BTreeSet<&str> = subnets
                    .iter()
                    .map(|s| s.az.get().map(String::as_str))
                    .collect::<Option<_>>()?;
                (zones.len() == 1).then(|| finding(lb, &subnets, &zones))
            })
            .collect()
    }
}

fn finding(lb: &LoadBalancer, subnets: &[&Subnet], zones: &BTreeSet<&str>) -> Finding {
    let zone = zones.iter().next().copied().unwrap_or_default();
    let primary_span = lb.subnets.first().map_or(lb.origin.name_span, |s| s.span);
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "application load balancer {} has its {} subnet(s) in one Availability Zone \
             ({zone}): an ALB needs subnets in at least two",
            lb.origin.address,
            subnets.len()
        ),
        primary: Label::of(primary_span, &lb.origin, format!("subnets only in {zone}")),
        related: subnets
            .iter()
            .map(|s| Label::of(s.az.span, &s.origin, format!("in {zone}")))
            .collect(),
        help: "add a subnet in a second Availability Zone to the load balancer's `subnets` \
               (CloudFormation `Subnets`)"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{Scheme, SubnetId};

    fn subnets(b: &mut NetworkBuilder, zones: &[&str]) -> Vec<SubnetId> {
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        zones
            .iter()
            .enumerate()
            .map(|(i, zone)| {
                let s = b.subnet(&format!("aws_subnet.s{i}"), vpc, &format!("10.0.{i}.0/24"));
                b.network.subnets[s].az = b.known(zone.to_string());
                s
            })
            .collect()
    }

    #[test]
    fn flags_an_alb_in_one_zone() {
        let mut b = NetworkBuilder::new();
        let ids = subnets(&mut b, &["us-east-1a", "us-east-1a"]);
        b.load_balancer(
            "aws_lb.web",
            LoadBalancerKind::Application,
            Scheme::InternetFacing,
            &ids,
        );
        let findings = LbSingleAz.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "application load balancer aws_lb.web has its 2 subnet(s) in one Availability Zone \
             (us-east-1a): an ALB needs subnets in at least two"
        );
        assert_eq!(findings[0].related.len(), 2);
    }

    #[test]
    fn passes_with_two_zones() {
        let mut b = NetworkBuilder::new();
        let ids = subnets(&mut b, &["us-east-1a", "us-east-1b"]);
        b.load_balancer(
            "aws_lb.web",
            LoadBalancerKind::Application,
            Scheme::Internal,
            &ids,
        );
        assert!(LbSingleAz.check(&b.finish()).is_empty());
    }

    #[test]
    fn network_load_balancers_may_use_one_zone() {
        let mut b = NetworkBuilder::new();
        let ids = subnets(&mut b, &["us-east-1a"]);
        b.load_balancer(
            "aws_lb.nlb",
            LoadBalancerKind::Network,
            Scheme::Internal,
            &ids,
        );
        b.load_balancer(
            "aws_lb.gwlb",
            LoadBalancerKind::Gateway,
            Scheme::Internal,
            &ids,
        );
        assert!(LbSingleAz.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_stay_silent() {
        let mut b = NetworkBuilder::new();
        let ids = subnets(&mut b, &["us-east-1a", "us-east-1b"]);
        b.network.subnets[ids[1]].az.value = None;
        b.load_balancer(
            "aws_lb.a",
            LoadBalancerKind::Application,
            Scheme::Internal,
            &ids,
        );
        let lb = b.load_balancer(
            "aws_lb.b",
            LoadBalancerKind::Application,
            Scheme::Internal,
            &ids[..1],
        );
        let unknown = b.unknown();
        b.network.load_balancers[lb].subnets.push(unknown);
        b.load_balancer(
            "aws_lb.c",
            LoadBalancerKind::Application,
            Scheme::Internal,
            &[],
        );
        let kind = b.load_balancer(
            "aws_lb.d",
            LoadBalancerKind::Application,
            Scheme::Internal,
            &ids[..1],
        );
        b.network.load_balancers[kind].kind.value = None;
        assert!(LbSingleAz.check(&b.finish()).is_empty());
    }
}
