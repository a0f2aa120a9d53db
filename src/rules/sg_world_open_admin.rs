//! `sg-world-open-admin`: SSH or RDP open to the whole internet.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::prefix_list::{describe, known_entries};
use crate::model::analysis::sg::opened_ports;
use crate::model::{
    Direction, Field, LoadBalancerKind, Network, Protocol, SecurityGroupId, SgPeer, SgRule,
};
use std::collections::HashSet;

pub struct SgWorldOpenAdmin;

static META: RuleMeta = RuleMeta {
    name: "sg-world-open-admin",
    level: Level::Warning,
    summary: "A security group allows SSH or RDP from 0.0.0.0/0 or ::/0.",
    doc: include_str!("../../rules/sg-world-open-admin.md"),
};

const SSH: u16 = 22;
const RDP: u16 = 3389;

impl Rule for SgWorldOpenAdmin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let behind_albs = groups_only_on_application_load_balancers(network);
        network
            .sg_rules
            .values()
            .filter(|rule| rule.direction == Direction::Ingress)
            .filter(|rule| {
                rule.group
                    .copied()
                    .is_none_or(|group| !behind_albs.contains(&group))
            })
            .filter_map(|rule| {
                // The whole internet, written as a CIDR or as an entry of a prefix list.
                let world = match rule.peer.copied()? {
                    SgPeer::Cidr(net) if net.prefix_len() == 0 => net.to_string(),
                    SgPeer::PrefixList(list) => {
                        let (net, _) =
                            known_entries(network, list).find(|(net, _)| net.prefix_len() == 0)?;
                        format!("{} (entry {net})", describe(network, list))
                    }
                    _ => return None,
                };
                let opens = |protocol, port| {
                    opened_ports(rule, protocol)
                        .map(|ports| ports.is_some_and(|p| p.contains_port(port)))
                };
                let ssh = opens(Protocol::TCP, SSH)?;
                let rdp = opens(Protocol::TCP, RDP)? || opens(Protocol::UDP, RDP)?;
                let services = match (ssh, rdp) {
                    (true, true) => "SSH (tcp 22) and RDP (3389)",
                    (true, false) => "SSH (tcp 22)",
                    (false, true) => "RDP (3389)",
                    (false, false) => return None,
                };
                Some(finding(rule, &world, services))
            })
            .collect()
    }
}

/// The groups whose only users in the model are application load balancers: an ALB
/// accepts connections on its HTTP/HTTPS listener ports only and forwards nothing else, so
/// its group cannot open SSH or RDP to anything.
fn groups_only_on_application_load_balancers(network: &Network) -> HashSet<SecurityGroupId> {
    let groups = |list: &[Field<SecurityGroupId>]| -> Vec<SecurityGroupId> {
        list.iter().filter_map(Field::copied).collect()
    };
    let mut on_albs = HashSet::new();
    let mut elsewhere = HashSet::new();
    for lb in network.load_balancers.values() {
        let users = if lb.kind.copied() == Some(LoadBalancerKind::Application) {
            &mut on_albs
        } else {
            &mut elsewhere
        };
        users.extend(groups(&lb.security_groups));
    }
    for instance in network.instances.values() {
        elsewhere.extend(groups(&instance.security_groups));
    }
    for eni in network.network_interfaces.values() {
        elsewhere.extend(groups(&eni.security_groups));
    }
    for endpoint in network.vpc_endpoints.values() {
        elsewhere.extend(groups(&endpoint.security_groups));
    }
    on_albs.retain(|group| !elsewhere.contains(group));
    on_albs
}

fn finding(rule: &SgRule, world: &str, services: &str) -> Finding {
    let traffic = match (rule.protocol.copied(), rule.ports.copied()) {
        (Some(Protocol::All), _) | (_, None) => "all traffic".to_string(),
        (Some(protocol), Some(ports)) => format!("{protocol} {ports}"),
        (None, Some(ports)) => format!("ports {ports}"),
    };
    Finding {
        rule: META.name,
        level: META.level,
        message: format!("ingress {traffic} from {world} opens {services} to the whole internet"),
        primary: Label::of(
            rule.peer.span,
            &rule.origin,
            format!("{world} is every address"),
        ),
        related: vec![Label::of(
            rule.ports.span,
            &rule.origin,
            format!("includes {services}"),
        )],
        help: "allow administration only from known networks (a VPN or office CIDR, a bastion's \
               security group), or use SSM Session Manager or EC2 Instance Connect Endpoint and \
               close the port"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::sg_cidr as cidr;
    use crate::model::testing::NetworkBuilder;
    use crate::model::Direction::{Egress, Ingress};
    use crate::model::{PortRange, Scheme, SecurityGroupId, SubnetId};

    fn setup() -> (NetworkBuilder, SecurityGroupId) {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let sg = b.security_group("aws_security_group.admin", vpc);
        (b, sg)
    }

    fn r(from: u16, to: u16) -> PortRange {
        PortRange { from, to }
    }

    #[test]
    fn flags_ssh_from_anywhere() {
        let (mut b, sg) = setup();
        let rule = b.sg_rule(
            "aws_vpc_security_group_ingress_rule.ssh",
            sg,
            Ingress,
            Protocol::TCP,
            r(22, 22),
            cidr("0.0.0.0/0"),
        );
        let network = b.finish();
        let findings = SgWorldOpenAdmin.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "ingress tcp 22 from 0.0.0.0/0 opens SSH (tcp 22) to the whole internet"
        );
        assert_eq!(findings[0].primary.span, network.sg_rules[rule].peer.span);
    }

    #[test]
    fn flags_ranges_protocol_all_ipv6_and_udp_rdp() {
        let (mut b, sg) = setup();
        b.sg_rule(
            "all",
            sg,
            Ingress,
            Protocol::All,
            PortRange::ALL,
            cidr("::/0"),
        );
        b.sg_rule(
            "range",
            sg,
            Ingress,
            Protocol::TCP,
            r(0, 1024),
            cidr("0.0.0.0/0"),
        );
        b.sg_rule(
            "rdp",
            sg,
            Ingress,
            Protocol::UDP,
            r(3389, 3389),
            cidr("0.0.0.0/0"),
        );
        let findings = SgWorldOpenAdmin.check(&b.finish());
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "ingress all traffic from ::/0 opens SSH (tcp 22) and RDP (3389) to the whole internet",
                "ingress tcp 0-1024 from 0.0.0.0/0 opens SSH (tcp 22) to the whole internet",
                "ingress udp 3389 from 0.0.0.0/0 opens RDP (3389) to the whole internet",
            ]
        );
    }

    #[test]
    fn passes_for_ssh_from_a_known_network() {
        let (mut b, sg) = setup();
        b.sg_rule(
            "ssh",
            sg,
            Ingress,
            Protocol::TCP,
            r(22, 22),
            cidr("203.0.113.0/24"),
        );
        assert!(SgWorldOpenAdmin.check(&b.finish()).is_empty());
    }

    #[test]
    fn near_misses_pass() {
        let (mut b, sg) = setup();
        b.sg_rule(
            "https",
            sg,
            Ingress,
            Protocol::TCP,
            r(443, 443),
            cidr("0.0.0.0/0"),
        );
        b.sg_rule(
            "udp22",
            sg,
            Ingress,
            Protocol::UDP,
            r(22, 22),
            cidr("0.0.0.0/0"),
        );
        b.sg_rule(
            "egress",
            sg,
            Egress,
            Protocol::TCP,
            r(22, 22),
            cidr("0.0.0.0/0"),
        );
        b.sg_rule(
            "half",
            sg,
            Ingress,
            Protocol::TCP,
            r(22, 22),
            cidr("0.0.0.0/1"),
        );
        b.sg_rule(
            "icmp",
            sg,
            Ingress,
            Protocol::ICMP,
            PortRange::ALL,
            cidr("0.0.0.0/0"),
        );
        assert!(SgWorldOpenAdmin.check(&b.finish()).is_empty());
    }

    /// A group open to the world on all traffic, on an internet-facing ALB: the builder,
    /// the group and the ALB's subnet.
    fn group_open_to_the_world_on_an_alb() -> (NetworkBuilder, SecurityGroupId, SubnetId) {
        let (mut b, sg) = setup();
        let vpc = b.network.security_groups[sg].vpc.copied().unwrap();
        let subnet = b.subnet("aws_subnet.a", vpc, "10.0.0.0/24");
        b.sg_rule(
            "all",
            sg,
            Ingress,
            Protocol::All,
            PortRange::ALL,
            cidr("0.0.0.0/0"),
        );
        let alb = b.load_balancer(
            "aws_lb.web",
            LoadBalancerKind::Application,
            Scheme::InternetFacing,
            &[subnet],
        );
        let group = b.known(sg);
        b.network.load_balancers[alb].security_groups.push(group);
        (b, sg, subnet)
    }

    #[test]
    fn a_group_used_only_by_application_load_balancers_passes() {
        let (b, _, _) = group_open_to_the_world_on_an_alb();
        assert!(SgWorldOpenAdmin.check(&b.finish()).is_empty());

        // The same group on a network load balancer (which forwards any TCP listener
        // port) or on an instance opens SSH.
        for other in ["nlb", "instance"] {
            let (mut b, sg, subnet) = group_open_to_the_world_on_an_alb();
            let group = b.known(sg);
            if other == "nlb" {
                let nlb = b.load_balancer(
                    "aws_lb.tcp",
                    LoadBalancerKind::Network,
                    Scheme::InternetFacing,
                    &[subnet],
                );
                b.network.load_balancers[nlb].security_groups.push(group);
            } else {
                let instance = b.instance("aws_instance.web", subnet);
                b.network.instances[instance].security_groups.push(group);
            }
            assert_eq!(SgWorldOpenAdmin.check(&b.finish()).len(), 1, "{other}");
        }
    }

    #[test]
    fn unknown_values_stay_silent() {
        let (mut b, sg) = setup();
        let ports = b.sg_rule(
            "a",
            sg,
            Ingress,
            Protocol::TCP,
            r(22, 22),
            cidr("0.0.0.0/0"),
        );
        b.network.sg_rules[ports].ports.value = None;
        let protocol = b.sg_rule(
            "b",
            sg,
            Ingress,
            Protocol::TCP,
            r(22, 22),
            cidr("0.0.0.0/0"),
        );
        b.network.sg_rules[protocol].protocol.value = None;
        let peer = b.sg_rule(
            "c",
            sg,
            Ingress,
            Protocol::TCP,
            r(22, 22),
            cidr("0.0.0.0/0"),
        );
        b.network.sg_rules[peer].peer.value = None;
        assert!(SgWorldOpenAdmin.check(&b.finish()).is_empty());
    }
}
