//! `nat-gateway-single-az`: in a VPC, subnets in two or more Availability Zones whose
//! default routes all lead to NAT gateways in fewer zones. An outage of a NAT gateway's
//! zone cuts internet egress for the subnets of the other zones, and their traffic to it
//! is billed as cross-AZ data.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::VpcCidrs;
use crate::model::analysis::internet::{default_route, DefaultRoute};
use crate::model::analysis::routing::RoutingIndex;
use crate::model::analysis::transit::one_notation;
use crate::model::{Connectivity, NatGatewayId, Network, RouteId, SubnetId, Target, VpcId};
use std::collections::{BTreeMap, BTreeSet};

pub struct NatGatewaySingleAz;

static META: RuleMeta = RuleMeta {
    name: "nat-gateway-single-az",
    level: Level::Warning,
    summary: "Subnets in several Availability Zones depend on NAT gateways in fewer zones.",
    doc: include_str!("../../rules/nat-gateway-single-az.md"),
};

/// A subnet whose `0.0.0.0/0` goes to a NAT gateway of its VPC.
struct NatUser {
    subnet: SubnetId,
    route: RouteId,
    nat: NatGatewayId,
}

impl Rule for NatGatewaySingleAz {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        if network.nat_gateways.is_empty() {
            return Vec::new();
        }
        let routing = RoutingIndex::new(network);
        let cidrs = VpcCidrs::new(network);
        // Tables are shared by many subnets: classify each once.
        let mut by_table: Vec<Option<DefaultRoute>> = vec![None; network.route_tables.len()];
        let mut users: BTreeMap<VpcId, Vec<NatUser>> = BTreeMap::new();
        for (subnet, s) in network.subnets.iter() {
            let (Some(vpc), Some(table)) = (s.vpc.copied(), routing.subnet_route_table(subnet))
            else {
                continue;
            };
            let Some(slot) = by_table.get_mut(table.index()) else {
                continue;
            };
            let verdict =
                *slot.get_or_insert_with(|| default_route(network, &routing, &cidrs, table));
            if let DefaultRoute::Elsewhere(route, Target::NatGateway(nat)) = verdict {
                users
                    .entry(vpc)
                    .or_default()
                    .push(NatUser { subnet, route, nat });
            }
        }
        users
            .into_iter()
            .flat_map(|(vpc, users)| check_vpc(network, vpc, &users))
            .collect()
    }
}

fn nat_zone(network: &Network, nat: NatGatewayId, vpc: VpcId) -> Option<&str> {
    let subnet = &network.subnets[network.nat_gateways[nat].subnet.copied()?];
    // A NAT gateway of another VPC is `route-target-wrong-vpc`'s concern.
    (subnet.vpc.copied()? == vpc).then_some(())?;
    subnet.az.get().map(String::as_str)
}

/// What a NAT gateway carries: a private one gives no internet access, only a way to other
/// networks (<https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html>).
fn egress(network: &Network, nat: NatGatewayId) -> &'static str {
    match network.nat_gateways[nat].connectivity.copied() {
        Some(Connectivity::Public) => "the internet egress",
        Some(Connectivity::Private) => "the private egress (to other networks, not the internet)",
        None => "the egress",
    }
}

fn check_vpc(network: &Network, vpc: VpcId, users: &[NatUser]) -> Vec<Finding> {
    let mut subnet_zones = BTreeSet::new();
    let mut nat_zones = BTreeSet::new();
    // Every zone involved must be known; otherwise stay silent for the VPC.
    for user in users {
        let Some(zone) = network.subnets[user.subnet].az.get() else {
            return Vec::new();
        };
        let Some(nat_zone) = nat_zone(network, user.nat, vpc) else {
            return Vec::new();
        };
        subnet_zones.insert(zone.as_str());
        nat_zones.insert(nat_zone);
    }
    // Zones written differently (a name, a zone ID, a `!GetAZs` position) may be one.
    if subnet_zones.len() < 2
        || nat_zones.len() >= subnet_zones.len()
        || !one_notation(subnet_zones.iter().chain(&nat_zones).copied())
    {
        return Vec::new();
    }
    // Report each NAT gateway that serves subnets of another zone.
    let mut cross_zone: BTreeMap<NatGatewayId, Vec<&NatUser>> = BTreeMap::new();
    for user in users {
        let zone = network.subnets[user.subnet].az.get().map(String::as_str);
        if zone != nat_zone(network, user.nat, vpc) {
            cross_zone.entry(user.nat).or_default().push(user);
        }
    }
    let zones = Zones {
        subnets: &subnet_zones,
        nats: &nat_zones,
        all_public: users.iter().all(|u| {
            network.nat_gateways[u.nat].connectivity.copied() == Some(Connectivity::Public)
        }),
    };
    cross_zone
        .into_iter()
        .map(|(nat, served)| finding(network, vpc, nat, &served, &zones))
        .collect()
}

/// The zones of a VPC's NAT users and of their NAT gateways.
struct Zones<'a, 'z> {
    subnets: &'a BTreeSet<&'z str>,
    nats: &'a BTreeSet<&'z str>,
    /// Every NAT gateway the VPC's subnets use is public: they reach the internet.
    all_public: bool,
}

fn finding(
    network: &Network,
    vpc: VpcId,
    nat: NatGatewayId,
    served: &[&NatUser],
    zones: &Zones,
) -> Finding {
    let (subnet_zones, nat_zones) = (zones.subnets, zones.nats);
    let reach = if zones.all_public {
        "reach the internet through"
    } else {
        "send 0.0.0.0/0 to"
    };
    let gateway = &network.nat_gateways[nat];
    let own_zone = nat_zone(network, nat, vpc).unwrap_or_default();
    let other_zones: BTreeSet<&str> = served
        .iter()
        .filter_map(|u| network.subnets[u.subnet].az.get().map(String::as_str))
        .collect();
    let join = |zones: &BTreeSet<&str>| zones.iter().copied().collect::<Vec<_>>().join(", ");
    let related = served
        .iter()
        .map(|user| {
            let subnet = &network.subnets[user.subnet];
            let route = &network.routes[user.route];
            Label::of(
                route.target.span,
                &route.origin,
                format!(
                    "0.0.0.0/0 of {} ({}) goes to {}",
                    subnet.origin.address,
                    subnet.az.get().map_or("", String::as_str),
                    gateway.origin.address
                ),
            )
        })
        .collect();
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "nat gateway {} ({own_zone}) carries {} of subnets in {}: the subnets of vpc {} in \
             {} Availability Zones ({}) {reach} NAT gateways in only {} ({}), so an outage of \
             {own_zone} cuts egress for {} and that traffic is billed as cross-AZ data",
            gateway.origin.address,
            egress(network, nat),
            join(&other_zones),
            network.vpcs[vpc].origin.address,
            subnet_zones.len(),
            join(subnet_zones),
            nat_zones.len(),
            join(nat_zones),
            join(&other_zones),
        ),
        primary: Label::of(
            gateway.subnet.span,
            &gateway.origin,
            format!("NAT gateway in {own_zone} only"),
        ),
        related,
        help: format!(
            "create a {} of each of {} and route each zone's \
             subnets to the NAT gateway of their own zone (terraform-aws-modules/vpc: \
             `one_nat_gateway_per_az = true`); a single NAT gateway is a cost trade-off you can \
             suppress deliberately",
            match gateway.connectivity.copied() {
                Some(Connectivity::Private) => "private NAT gateway in a subnet",
                _ => "NAT gateway in a public subnet",
            },
            join(&other_zones)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::RouteTableId;

    struct Estate {
        b: NetworkBuilder,
        vpc: VpcId,
    }

    fn zone_subnet(
        b: &mut NetworkBuilder,
        vpc: VpcId,
        name: &str,
        cidr: &str,
        zone: &str,
    ) -> SubnetId {
        let subnet = b.subnet(name, vpc, cidr);
        b.network.subnets[subnet].az = b.known(zone.to_string());
        subnet
    }

    fn nat_in(e: &mut Estate, zone: &str, octet: u8) -> NatGatewayId {
        let subnet = zone_subnet(
            &mut e.b,
            e.vpc,
            &format!("aws_subnet.public_{zone}"),
            &format!("10.0.{octet}.0/24"),
            zone,
        );
        e.b.nat_gateway(&format!("aws_nat_gateway.{zone}"), subnet)
    }

    /// A private subnet in `zone` whose own table sends 0.0.0.0/0 to `nat`.
    fn private_in(e: &mut Estate, zone: &str, octet: u8, nat: NatGatewayId) -> RouteTableId {
        let subnet = zone_subnet(
            &mut e.b,
            e.vpc,
            &format!("aws_subnet.private_{zone}"),
            &format!("10.0.{octet}.0/24"),
            zone,
        );
        let table =
            e.b.route_table(&format!("aws_route_table.private_{zone}"), e.vpc);
        e.b.route(
            &format!("aws_route.private_{zone}"),
            table,
            "0.0.0.0/0",
            Target::NatGateway(nat),
        );
        e.b.associate(
            &format!("aws_route_table_association.{zone}"),
            table,
            subnet,
        );
        table
    }

    fn estate() -> Estate {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.main", "10.0.0.0/16");
        Estate { b, vpc }
    }

    #[test]
    fn flags_one_nat_gateway_for_three_zones() {
        let mut e = estate();
        let nat = nat_in(&mut e, "us-east-1a", 0);
        private_in(&mut e, "us-east-1a", 10, nat);
        private_in(&mut e, "us-east-1b", 11, nat);
        private_in(&mut e, "us-east-1c", 12, nat);
        let network = e.b.finish();
        let findings = NatGatewaySingleAz.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "nat gateway aws_nat_gateway.us-east-1a (us-east-1a) carries the internet egress of \
             subnets in us-east-1b, us-east-1c: the subnets of vpc aws_vpc.main in 3 \
             Availability Zones (us-east-1a, us-east-1b, us-east-1c) reach the internet through \
             NAT gateways in only 1 (us-east-1a), so an outage of us-east-1a cuts egress for \
             us-east-1b, us-east-1c and that traffic is billed as cross-AZ data"
        );
        assert_eq!(findings[0].related.len(), 2);
        assert_eq!(
            findings[0].primary.span,
            network.nat_gateways[nat].subnet.span
        );
    }

    #[test]
    fn flags_the_nat_gateway_serving_a_zone_without_its_own() {
        let mut e = estate();
        let nat_a = nat_in(&mut e, "us-east-1a", 0);
        let nat_b = nat_in(&mut e, "us-east-1b", 1);
        private_in(&mut e, "us-east-1a", 10, nat_a);
        private_in(&mut e, "us-east-1b", 11, nat_b);
        private_in(&mut e, "us-east-1c", 12, nat_b);
        let findings = NatGatewaySingleAz.check(&e.b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].primary.address, "aws_nat_gateway.us-east-1b");
    }

    #[test]
    fn one_nat_gateway_per_zone_and_single_zone_vpcs_pass() {
        let mut e = estate();
        let nat_a = nat_in(&mut e, "us-east-1a", 0);
        let nat_b = nat_in(&mut e, "us-east-1b", 1);
        private_in(&mut e, "us-east-1a", 10, nat_a);
        private_in(&mut e, "us-east-1b", 11, nat_b);
        // Two subnets in one zone sharing its NAT gateway.
        let other = zone_subnet(
            &mut e.b,
            e.vpc,
            "aws_subnet.db_a",
            "10.0.20.0/24",
            "us-east-1a",
        );
        let table = RouteTableId::new(0);
        e.b.associate("aws_route_table_association.db_a", table, other);
        assert!(NatGatewaySingleAz.check(&e.b.finish()).is_empty());

        let mut single = estate();
        let nat = nat_in(&mut single, "us-east-1a", 0);
        private_in(&mut single, "us-east-1a", 10, nat);
        assert!(NatGatewaySingleAz.check(&single.b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let mut e = estate();
        let nat = nat_in(&mut e, "us-east-1a", 0);
        private_in(&mut e, "us-east-1a", 10, nat);
        let table_b = private_in(&mut e, "us-east-1b", 11, nat);
        let mut network = e.b.finish();
        assert_eq!(NatGatewaySingleAz.check(&network).len(), 1);
        let private_b = SubnetId::new(2);
        network.subnets[private_b].az.value = None;
        assert!(NatGatewaySingleAz.check(&network).is_empty());
        network.subnets[private_b].az.value = Some("us-east-1b".to_string());
        let nat_subnet = SubnetId::new(0);
        network.subnets[nat_subnet].az.value = None;
        assert!(NatGatewaySingleAz.check(&network).is_empty());
        network.subnets[nat_subnet].az.value = Some("us-east-1a".to_string());
        network.nat_gateways[nat].subnet.value = None;
        assert!(NatGatewaySingleAz.check(&network).is_empty());
        network.nat_gateways[nat].subnet.value = Some(nat_subnet);
        let route_b = RouteId::new(1);
        network.routes[route_b].target.value = None;
        assert!(NatGatewaySingleAz.check(&network).is_empty());
        assert_eq!(network.routes[route_b].route_table.copied(), Some(table_b));
    }
}
