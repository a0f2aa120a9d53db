//! `public-subnet-instance-no-public-ip`: an instance in a subnet whose IPv4 default route
//! goes to an internet gateway, without a public IPv4 address, an Elastic IP or an IPv6
//! path: it can neither reach nor be reached from the internet.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::VpcCidrs;
use crate::model::analysis::internet::{public_path, PublicPath};
use crate::model::analysis::routing::RoutingIndex;
use crate::model::{ElasticIpTarget, Field, Instance, InstanceId, Network, Origin, RouteId};
use std::collections::HashSet;

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
        // An Elastic IP of unknown target may be any instance's.
        let Some(with_eip) = instances_with_elastic_ip(network) else {
            return Vec::new();
        };
        let routing = RoutingIndex::new(network);
        let cidrs = VpcCidrs::new(network);
        network
            .instances
            .iter()
            .filter(|(id, _)| !with_eip.contains(id))
            .filter_map(|(_, instance)| {
                let subnet = instance.subnet.copied()?;
                let PublicPath::Ipv4Only(route) = public_path(network, &routing, &cidrs, subnet)?
                else {
                    return None;
                };
                let why = no_public_ipv4(network, instance)?;
                Some(finding(network, instance, route, why))
            })
            .collect()
    }
}

/// The instances an Elastic IP is associated with (directly or through one of their
/// interfaces); `None` when an association's target is unknown.
fn instances_with_elastic_ip(network: &Network) -> Option<HashSet<InstanceId>> {
    let mut instances = HashSet::new();
    for association in network.elastic_ip_associations.values() {
        match association.target.copied()? {
            ElasticIpTarget::Instance(id) => {
                instances.insert(id);
            }
            ElasticIpTarget::NetworkInterface(eni) => {
                let attached = network.network_interfaces[eni].attached_instance.as_ref();
                if let Some(field) = attached {
                    instances.insert(field.copied()?);
                }
            }
        }
    }
    Some(instances)
}

/// Why an instance gets no public IPv4 address, and the setting that decides it.
struct NoPublicIpv4<'n> {
    why: String,
    setting: &'n Field<bool>,
    owner: &'n Origin,
}

/// Why the instance gets no public IPv4 address; `None` when it gets one or that is
/// unknown.
fn no_public_ipv4<'n>(network: &'n Network, instance: &'n Instance) -> Option<NoPublicIpv4<'n>> {
    if instance.primary_interface_precreated.copied()? {
        return Some(NoPublicIpv4 {
            why: "its primary interface is a network interface created beforehand (AWS \
                  assigns a public IPv4 address only to a new one)"
                .to_string(),
            setting: &instance.primary_interface_precreated,
            owner: &instance.origin,
        });
    }
    match &instance.associate_public_ip {
        Some(field) => (!field.copied()?).then(|| NoPublicIpv4 {
            why: "it asks for none".to_string(),
            setting: field,
            owner: &instance.origin,
        }),
        None => {
            let subnet = &network.subnets[instance.subnet.copied()?];
            let map = &subnet.map_public_ip_on_launch;
            (!map.copied()?).then(|| NoPublicIpv4 {
                why: format!(
                    "it does not ask for one and its subnet {} does not map public IPv4 \
                     addresses on launch",
                    subnet.origin.address
                ),
                setting: map,
                owner: &subnet.origin,
            })
        }
    }
}

fn finding(
    network: &Network,
    instance: &Instance,
    route: RouteId,
    NoPublicIpv4 {
        why,
        setting,
        owner,
    }: NoPublicIpv4,
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
    use crate::model::{ElasticIpAssociation, SubnetId, Target};

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
