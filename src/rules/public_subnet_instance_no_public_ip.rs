//! `public-subnet-instance-no-public-ip`: an instance in a subnet whose IPv4 default route
//! goes to an internet gateway, without a public IPv4 address, an Elastic IP or an IPv6
//! path: it can neither reach nor be reached from the internet.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::VpcCidrs;
use crate::model::analysis::internet::{public_path, PublicPath};
use crate::model::analysis::public_ip::{launch_ipv4, ElasticIps, LaunchIpv4, NoLaunchIpv4};
use crate::model::analysis::routing::RoutingIndex;
use crate::model::{Instance, Network, RouteId};

pub struct PublicSubnetInstanceNoPublicIp;

static META: RuleMeta = RuleMeta {
    name: "public-subnet-instance-no-public-ip",
    level: Level::Warning,
    summary: "An instance in a public subnet gets no public IPv4 address and has no other way out.",
    doc: include_str!("../../rules/public-subnet-instance-no-public-ip.md"),
};

impl Rule for PublicSubnetInstanceNoPublicIp {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        if network.instances.is_empty() {
            return Vec::new();
        }
        let elastic = ElasticIps::new(network);
        let routing = RoutingIndex::new(network);
        let cidrs = VpcCidrs::new(network);
        network
            .instances
            .iter()
            // An Elastic IP of unknown target may be any instance's.
            .filter(|(id, _)| elastic.instance_has_one(*id) == Some(false))
            .filter_map(|(_, instance)| {
                let subnet = instance.subnet.copied()?;
                let PublicPath::Ipv4Only(route) = public_path(network, &routing, &cidrs, subnet)?
                else {
                    return None;
                };
                let LaunchIpv4::Private(why) = launch_ipv4(network, instance)? else {
                    return None;
                };
                Some(finding(network, instance, route, why))
            })
            .collect()
    }
}

fn finding(
    network: &Network,
    instance: &Instance,
    route: RouteId,
    NoLaunchIpv4 {
        why,
        setting,
        owner,
    }: NoLaunchIpv4,
) -> Finding {
    let r = &network.routes[route];
    let mut related = vec![Label::of(
        r.target.span,
        &r.origin,
        "0.0.0.0/0 to the internet gateway",
    )];
    if setting.span != instance.origin.name_span {
        related.push(Label::of(setting.span, owner, "no public IPv4"));
    }
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "instance {} is in a public subnet (0.0.0.0/0 to an internet gateway) but gets no \
             public IPv4 address: {why}, and no Elastic IP is associated; it can neither reach \
             nor be reached from the internet",
            instance.origin.address
        ),
        primary: Label::of(
            instance.origin.name_span,
            &instance.origin,
            "no public IPv4 address",
        ),
        related,
        help:
            "set `associate_public_ip_address = true` (CloudFormation `AssociatePublicIpAddress` \
               on the device 0 interface) or associate an Elastic IP; or place the instance in a \
               private subnet that routes to a NAT gateway"
                .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{ElasticIpAssociation, ElasticIpTarget, InstanceId, SubnetId, Target};

    fn estate(map_public: bool) -> NetworkBuilder {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        let subnet = b.subnet("aws_subnet.public", vpc, "10.0.0.0/24");
        b.network.subnets[subnet].map_public_ip_on_launch = b.known(map_public);
        let table = b.route_table("aws_route_table.public", vpc);
        b.route(
            "aws_route.igw",
            table,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        b.associate("assoc", table, subnet);
        b.instance("aws_instance.web", subnet);
        b
    }

    #[test]
    fn flags_an_instance_without_public_ipv4() {
        let findings = PublicSubnetInstanceNoPublicIp.check(&estate(false).finish());
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .contains("its subnet aws_subnet.public does not map"));
    }

    #[test]
    fn passes_with_a_public_ip_or_an_elastic_ip() {
        assert!(PublicSubnetInstanceNoPublicIp
            .check(&estate(true).finish())
            .is_empty());
        let mut b = estate(false);
        let field = b.known(true);
        b.network.instances[InstanceId::new(0)].associate_public_ip = Some(field);
        assert!(PublicSubnetInstanceNoPublicIp.check(&b.finish()).is_empty());
        let mut b = estate(false);
        let origin = b.origin("aws_eip.web");
        let target = b.known(ElasticIpTarget::Instance(InstanceId::new(0)));
        b.network
            .elastic_ip_associations
            .push(ElasticIpAssociation { origin, target });
        assert!(PublicSubnetInstanceNoPublicIp.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_stay_silent() {
        let mut b = estate(false);
        b.network.subnets[SubnetId::new(0)]
            .map_public_ip_on_launch
            .value = None;
        assert!(PublicSubnetInstanceNoPublicIp.check(&b.finish()).is_empty());
        let mut b = estate(false);
        let origin = b.origin("aws_eip_association.x");
        let target = b.unknown();
        b.network
            .elastic_ip_associations
            .push(ElasticIpAssociation { origin, target });
        assert!(PublicSubnetInstanceNoPublicIp.check(&b.finish()).is_empty());
    }
}
