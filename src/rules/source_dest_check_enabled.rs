//! `source-dest-check-enabled`: an instance or ENI that routes send traffic through while
//! its source/destination check is on, so the VPC drops what it forwards.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::prefix_list::describe;
use crate::model::{
    Destination, Field, InstanceId, Network, NetworkInterfaceId, Origin, Provenance, RouteId,
    Target,
};
use std::collections::BTreeMap;

pub struct SourceDestCheckEnabled;

static META: RuleMeta = RuleMeta {
    name: "source-dest-check-enabled",
    level: Level::Error,
    summary: "An instance or ENI used as a route target still has source/destination checking on.",
    doc: include_str!("../../rules/source-dest-check-enabled.md"),
};

impl Rule for SourceDestCheckEnabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let mut instances: BTreeMap<InstanceId, Vec<RouteId>> = BTreeMap::new();
        let mut interfaces: BTreeMap<NetworkInterfaceId, Vec<RouteId>> = BTreeMap::new();
        for (id, route) in network.routes.iter() {
            match route.target.copied() {
                Some(Target::Instance(i)) => instances.entry(i).or_default().push(id),
                Some(Target::NetworkInterface(e)) => interfaces.entry(e).or_default().push(id),
                _ => {}
            }
        }
        let mut findings = Vec::new();
        for (instance, routes) in instances {
            let instance = &network.instances[instance];
            if instance.source_dest_check.copied() == Some(true) {
                let check = &instance.source_dest_check;
                findings.push(finding(
                    network,
                    "instance",
                    &instance.origin,
                    check,
                    &routes,
                ));
            }
        }
        for (interface, routes) in interfaces {
            let interface = &network.network_interfaces[interface];
            let check = &interface.source_dest_check;
            // A defaulted ENI attached to an instance whose check is off may be that
            // instance's primary ENI, which the instance attribute governs.
            let maybe_primary_of_unchecked_instance = check.provenance == Provenance::Default
                && interface
                    .attached_instance
                    .as_ref()
                    .and_then(Field::copied)
                    .is_some_and(|i| network.instances[i].source_dest_check.copied() != Some(true));
            if check.copied() == Some(true) && !maybe_primary_of_unchecked_instance {
                findings.push(finding(
                    network,
                    "network interface",
                    &interface.origin,
                    check,
                    &routes,
                ));
            }
        }
        findings
    }
}

fn finding(
    network: &Network,
    what: &str,
    origin: &Origin,
    check: &Field<bool>,
    routes: &[RouteId],
) -> Finding {
    let destinations: Vec<String> = routes
        .iter()
        .map(|&r| describe_destination(network, network.routes[r].destination.get()))
        .collect();
    let how = match check.provenance {
        Provenance::Default => "on (the default)",
        Provenance::Set => "on",
    };
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "{what} {} is the target of route {} but its source/destination check is {how}: \
             the VPC drops the traffic it forwards",
            origin.address,
            destinations.join(", "),
        ),
        primary: Label::of(check.span, origin, "source/destination check is on"),
        related: routes
            .iter()
            .map(|&r| {
                let route = &network.routes[r];
                Label::of(
                    route.target.span,
                    &route.origin,
                    format!("route {} targets it", describe_destination(network, route.destination.get())),
                )
            })
            .collect(),
        help: format!(
            "set `source_dest_check = false` (CloudFormation `SourceDestCheck: false`) on the {what}"
        ),
    }
}

fn describe_destination(network: &Network, destination: Option<&Destination>) -> String {
    match destination {
        Some(Destination::Ipv4(net)) => net.to_string(),
        Some(Destination::Ipv6(net)) => net.to_string(),
        Some(Destination::PrefixList(list)) => format!("to {}", describe(network, *list)),
        None => "to an unknown destination".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::{RouteTableId, SubnetId};

    fn setup() -> (NetworkBuilder, SubnetId, RouteTableId) {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let subnet = b.subnet("aws_subnet.public", vpc, "10.0.0.0/24");
        let rt = b.route_table("aws_route_table.private", vpc);
        (b, subnet, rt)
    }

    #[test]
    fn flags_a_nat_instance_with_the_default_check() {
        let (mut b, subnet, rt) = setup();
        let nat = b.instance("aws_instance.nat", subnet);
        let route = b.route("aws_route.egress", rt, "0.0.0.0/0", Target::Instance(nat));
        let network = b.finish();
        let findings = SourceDestCheckEnabled.check(&network);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(
            f.message,
            "instance aws_instance.nat is the target of route 0.0.0.0/0 but its \
             source/destination check is on (the default): the VPC drops the traffic it forwards"
        );
        assert_eq!(f.primary.span, network.instances[nat].origin.name_span);
        assert_eq!(f.related[0].span, network.routes[route].target.span);
        assert_eq!(f.related[0].address, "aws_route.egress");
    }

    #[test]
    fn one_finding_per_target_with_every_route() {
        let (mut b, subnet, rt) = setup();
        let eni = b.network_interface("aws_network_interface.fw", subnet);
        b.route(
            "aws_route.a",
            rt,
            "0.0.0.0/0",
            Target::NetworkInterface(eni),
        );
        b.route(
            "aws_route.b",
            rt,
            "192.168.0.0/16",
            Target::NetworkInterface(eni),
        );
        let network = b.finish();
        let findings = SourceDestCheckEnabled.check(&network);
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .contains("route 0.0.0.0/0, 192.168.0.0/16"));
        assert_eq!(findings[0].related.len(), 2);
    }

    #[test]
    fn passes_when_the_check_is_off() {
        let (mut b, subnet, rt) = setup();
        let nat = b.instance("aws_instance.nat", subnet);
        b.network.instances[nat].source_dest_check = b.known(false);
        b.route("aws_route.egress", rt, "0.0.0.0/0", Target::Instance(nat));
        assert!(SourceDestCheckEnabled.check(&b.finish()).is_empty());
    }

    #[test]
    fn instances_that_are_not_route_targets_are_fine() {
        let (mut b, subnet, _) = setup();
        b.instance("aws_instance.web", subnet);
        b.network_interface("aws_network_interface.extra", subnet);
        assert!(SourceDestCheckEnabled.check(&b.finish()).is_empty());
    }

    #[test]
    fn a_secondary_eni_is_judged_by_its_own_attribute() {
        let (mut b, subnet, rt) = setup();
        let appliance = b.instance("aws_instance.fw", subnet);
        let eni = b.network_interface("aws_network_interface.inside", subnet);
        b.network.network_interfaces[eni].source_dest_check = b.known(false);
        b.network.network_interfaces[eni].attached_instance = Some(b.known(appliance));
        b.route(
            "aws_route.via_fw",
            rt,
            "0.0.0.0/0",
            Target::NetworkInterface(eni),
        );
        assert!(
            SourceDestCheckEnabled.check(&b.finish()).is_empty(),
            "the instance's own check (on) governs only its primary ENI"
        );

        let (mut b, subnet, rt) = setup();
        let appliance = b.instance("aws_instance.fw", subnet);
        b.network.instances[appliance].source_dest_check = b.known(false);
        let eni = b.network_interface("aws_network_interface.inside", subnet);
        b.network.network_interfaces[eni].source_dest_check = b.known(true);
        b.network.network_interfaces[eni].attached_instance = Some(b.known(appliance));
        b.route(
            "aws_route.via_fw",
            rt,
            "0.0.0.0/0",
            Target::NetworkInterface(eni),
        );
        let findings = SourceDestCheckEnabled.check(&b.finish());
        assert_eq!(
            findings.len(),
            1,
            "the instance attribute does not cover a secondary ENI"
        );
        assert!(findings[0]
            .message
            .starts_with("network interface aws_network_interface.inside"));
    }

    #[test]
    fn unknown_check_or_target_stays_silent() {
        let (mut b, subnet, rt) = setup();
        let nat = b.instance("aws_instance.nat", subnet);
        b.network.instances[nat].source_dest_check = b.unknown();
        b.route("aws_route.egress", rt, "0.0.0.0/0", Target::Instance(nat));
        let other = b.instance("aws_instance.other", subnet);
        let route = b.route(
            "aws_route.other",
            rt,
            "10.9.0.0/16",
            Target::Instance(other),
        );
        b.network.routes[route].target.value = None;
        assert!(SourceDestCheckEnabled.check(&b.finish()).is_empty());
    }
}
