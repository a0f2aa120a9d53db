//! `sg-redundant-return-rule`: an egress rule that opens ephemeral ports back to an
//! ingress peer "for return traffic", which security groups never need.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::VpcCidrs;
use crate::model::analysis::ports::matched_ports;
use crate::model::analysis::sg::{describe_peer, same_peer, SgIndex};
use crate::model::{
    Direction, Network, PortRange, Protocol, SecurityGroupId, SgPeer, SgRule, VpcId,
};
use ipnet::IpNet;

pub struct SgRedundantReturnRule;

static META: RuleMeta = RuleMeta {
    name: "sg-redundant-return-rule",
    level: Level::Warning,
    summary: "A security group egress rule opens ephemeral ports to an ingress peer for replies.",
    doc: include_str!("../../rules/sg-redundant-return-rule.md"),
};

impl Rule for SgRedundantReturnRule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let index = SgIndex::new(network);
        let servers = Servers {
            network,
            index: &index,
            cidrs: VpcCidrs::new(network),
        };
        let mut findings = Vec::new();
        for (group, _) in network.security_groups.iter() {
            for (_, egress) in index.rules_in(network, group, Direction::Egress) {
                let (Some(protocol), Some(ports), Some(peer)) = (
                    egress.protocol.copied(),
                    egress.ports.copied(),
                    egress.peer.copied(),
                ) else {
                    continue;
                };
                if !protocol.has_ports() || !ports.is_ephemeral() {
                    continue;
                }
                let ingress =
                    index
                        .rules_in(network, group, Direction::Ingress)
                        .find(|(_, ingress)| {
                            ingress.peer.copied().is_some_and(|p| same_peer(p, peer))
                                && ingress
                                    .protocol
                                    .copied()
                                    .is_some_and(|p| p.matches(protocol))
                        });
                if let Some((_, ingress)) = ingress {
                    if !carries_connections(&servers, group, protocol, ports, peer) {
                        findings.push(finding(network, egress, ingress));
                    }
                }
            }
        }
        findings
    }
}

/// The groups of the model as servers that the egress rule may let the group reach.
struct Servers<'n> {
    network: &'n Network,
    index: &'n SgIndex,
    cidrs: VpcCidrs<'n>,
}

/// Whether a group of the model accepts (or may: an unknown value, rules not all in the
/// model) some of `ports` from the members of `group`, behind `peer`: the egress rule then
/// carries new connections, not replies. A database tier accepting 5432 from the web tier,
/// an EKS cluster's nodes accepting the control plane on 10250 and webhook ports, members
/// of a cluster talking to each other.
fn carries_connections(
    servers: &Servers,
    group: SecurityGroupId,
    protocol: Protocol,
    ports: PortRange,
    peer: SgPeer,
) -> bool {
    let network = servers.network;
    let members = network.security_groups[group].vpc.copied();
    let behind_peer = |server: SecurityGroupId| match peer {
        SgPeer::Group(target) => server == target,
        SgPeer::Cidr(net) => servers.may_overlap(network.security_groups[server].vpc.copied(), net),
        SgPeer::PrefixList(_) => true,
    };
    network.security_groups.iter().any(|(server, g)| {
        if !behind_peer(server) {
            return false;
        }
        if !g.rules_known {
            return true;
        }
        servers
            .index
            .rules_in(network, server, Direction::Ingress)
            .any(|(_, ingress)| {
                let from_members = match ingress.peer.copied() {
                    None | Some(SgPeer::PrefixList(_)) => true,
                    Some(SgPeer::Group(source)) => source == group,
                    Some(SgPeer::Cidr(net)) => servers.may_overlap(members, net),
                };
                from_members && accepts(ingress, protocol, ports)
            })
    })
}

impl Servers<'_> {
    /// Whether `net` may hold addresses of the VPC (unknown VPC or blocks: it may).
    fn may_overlap(&self, vpc: Option<VpcId>, net: IpNet) -> bool {
        let Some(vpc) = vpc else {
            return true;
        };
        let overlaps =
            |block: IpNet| block.contains(&net.network()) || net.contains(&block.network());
        self.cidrs
            .family_blocks(vpc, net)
            .iter()
            .any(|block| overlaps(block.net))
            || !self.cidrs.family_is_complete(vpc, net)
    }
}

/// Whether an ingress rule accepts some of `ports` for `protocol` (or may: unknown).
fn accepts(ingress: &SgRule, protocol: Protocol, ports: PortRange) -> bool {
    match (ingress.protocol.copied(), ingress.ports.copied()) {
        (Some(rule_protocol), Some(rule_ports)) => {
            matched_ports(rule_protocol, rule_ports, protocol)
                .is_some_and(|opened| opened.intersects(ports))
        }
        (Some(rule_protocol), None) => rule_protocol.matches(protocol),
        (None, _) => true,
    }
}

fn finding(network: &Network, egress: &SgRule, ingress: &SgRule) -> Finding {
    let describe = |rule: &SgRule| match (rule.protocol.copied(), rule.ports.copied()) {
        (Some(Protocol::All), _) | (_, None) => "all traffic".to_string(),
        (Some(protocol), Some(ports)) => format!("{protocol} {ports}"),
        (None, Some(ports)) => format!("ports {ports}"),
    };
    let peer = egress
        .peer
        .copied()
        .map(|p| describe_peer(network, p))
        .unwrap_or_default();
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "egress {} to {peer} only repeats the reply path of ingress {} from {peer}: \
             security groups are stateful and always allow replies, so this rule just widens \
             egress",
            describe(egress),
            describe(ingress),
        ),
        primary: Label::of(
            egress.ports.span,
            &egress.origin,
            "ephemeral ports opened for replies",
        ),
        related: vec![Label::of(
            ingress.peer.span,
            &ingress.origin,
            "the ingress rule whose replies are already allowed",
        )],
        help: "remove the egress rule: replies to allowed inbound connections leave whatever the \
               egress rules say"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::sg_cidr as cidr;
    use crate::model::testing::NetworkBuilder;
    use crate::model::Direction::{Egress, Ingress};
    use crate::model::{PortRange, SecurityGroupId, SgPeer};

    fn setup() -> (NetworkBuilder, SecurityGroupId) {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let web = b.security_group("aws_security_group.web", vpc);
        let https = PortRange::single(443);
        b.sg_rule(
            "aws_vpc_security_group_ingress_rule.https",
            web,
            Ingress,
            Protocol::TCP,
            https,
            cidr("0.0.0.0/0"),
        );
        (b, web)
    }

    const EPHEMERAL: PortRange = PortRange {
        from: 1024,
        to: 65535,
    };

    #[test]
    fn flags_ephemeral_egress_to_an_ingress_peer() {
        let (mut b, web) = setup();
        let rule = b.sg_rule(
            "aws_vpc_security_group_egress_rule.replies",
            web,
            Egress,
            Protocol::TCP,
            EPHEMERAL,
            cidr("0.0.0.0/0"),
        );
        let network = b.finish();
        let findings = SgRedundantReturnRule.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "egress tcp 1024-65535 to 0.0.0.0/0 only repeats the reply path of ingress tcp 443 \
             from 0.0.0.0/0: security groups are stateful and always allow replies, so this rule \
             just widens egress"
        );
        assert_eq!(findings[0].primary.span, network.sg_rules[rule].ports.span);
        assert_eq!(
            findings[0].related[0].address,
            "aws_vpc_security_group_ingress_rule.https"
        );
    }

    #[test]
    fn flags_a_group_peer_too() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let app = b.security_group("aws_security_group.app", vpc);
        let lb = b.security_group("aws_security_group.lb", vpc);
        b.sg_rule(
            "in",
            app,
            Ingress,
            Protocol::All,
            PortRange::ALL,
            SgPeer::Group(lb),
        );
        b.sg_rule(
            "out",
            app,
            Egress,
            Protocol::TCP,
            PortRange {
                from: 32768,
                to: 60999,
            },
            SgPeer::Group(lb),
        );
        let findings = SgRedundantReturnRule.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .contains("to group aws_security_group.lb"));
    }

    #[test]
    fn passes_egress_to_a_group_that_accepts_those_ports_from_it() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let cluster = b.security_group("aws_security_group.cluster", vpc);
        let node = b.security_group("aws_security_group.node", vpc);
        let high = PortRange {
            from: 1025,
            to: 65535,
        };
        let https = PortRange::single(443);
        b.sg_rule(
            "in",
            cluster,
            Ingress,
            Protocol::TCP,
            https,
            SgPeer::Group(node),
        );
        b.sg_rule(
            "out",
            cluster,
            Egress,
            Protocol::TCP,
            high,
            SgPeer::Group(node),
        );
        let kubelet = PortRange::single(10250);
        let accept = b.sg_rule(
            "node-in",
            node,
            Ingress,
            Protocol::TCP,
            kubelet,
            SgPeer::Group(cluster),
        );
        assert!(SgRedundantReturnRule.check(&b.network).is_empty());
        // From another group only: the control plane's members are not its sources.
        let other = b.security_group("aws_security_group.other", vpc);
        b.network.sg_rules[accept].peer.value = Some(SgPeer::Group(other));
        assert_eq!(SgRedundantReturnRule.check(&b.network).len(), 1);
        // The node group's rules are not all in the model: it may accept them.
        b.network.security_groups[node].rules_known = false;
        assert!(SgRedundantReturnRule.check(&b.finish()).is_empty());
    }

    #[test]
    fn flags_egress_to_itself_when_its_members_accept_none_of_those_ports() {
        let (mut b, web) = setup();
        b.sg_rule(
            "in-self",
            web,
            Ingress,
            Protocol::TCP,
            PortRange::single(443),
            SgPeer::Group(web),
        );
        b.sg_rule(
            "out-self",
            web,
            Egress,
            Protocol::TCP,
            EPHEMERAL,
            SgPeer::Group(web),
        );
        assert_eq!(SgRedundantReturnRule.check(&b.finish()).len(), 1);
    }

    #[test]
    fn passes_for_ephemeral_egress_to_a_peer_that_is_not_an_ingress_peer() {
        let (mut b, web) = setup();
        b.sg_rule(
            "out",
            web,
            Egress,
            Protocol::TCP,
            EPHEMERAL,
            cidr("10.0.0.0/16"),
        );
        assert!(SgRedundantReturnRule.check(&b.finish()).is_empty());
    }

    #[test]
    fn near_misses_pass() {
        let (mut b, web) = setup();
        // Allow-all egress is the AWS default, not a return rule.
        b.sg_rule(
            "all",
            web,
            Egress,
            Protocol::All,
            PortRange::ALL,
            cidr("0.0.0.0/0"),
        );
        // A narrow service range is a real outbound service.
        b.sg_rule(
            "kafka",
            web,
            Egress,
            Protocol::TCP,
            PortRange {
                from: 9092,
                to: 9094,
            },
            cidr("0.0.0.0/0"),
        );
        // UDP replies are not what a TCP ingress rule needs.
        b.sg_rule(
            "udp",
            web,
            Egress,
            Protocol::UDP,
            EPHEMERAL,
            cidr("0.0.0.0/0"),
        );
        // Egress to the group itself is member-to-member traffic its ingress accepts.
        b.sg_rule(
            "in-self",
            web,
            Ingress,
            Protocol::TCP,
            EPHEMERAL,
            SgPeer::Group(web),
        );
        b.sg_rule(
            "out-self",
            web,
            Egress,
            Protocol::TCP,
            EPHEMERAL,
            SgPeer::Group(web),
        );
        // A different, broader network is not the same peer.
        b.sg_rule(
            "wider",
            web,
            Egress,
            Protocol::TCP,
            EPHEMERAL,
            cidr("0.0.0.0/1"),
        );
        assert!(SgRedundantReturnRule.check(&b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_stay_silent() {
        let (mut b, web) = setup();
        let ports = b.sg_rule(
            "a",
            web,
            Egress,
            Protocol::TCP,
            EPHEMERAL,
            cidr("0.0.0.0/0"),
        );
        b.network.sg_rules[ports].ports.value = None;
        let peer = b.sg_rule(
            "b",
            web,
            Egress,
            Protocol::TCP,
            EPHEMERAL,
            cidr("0.0.0.0/0"),
        );
        b.network.sg_rules[peer].peer.value = None;
        let group = b.sg_rule(
            "c",
            web,
            Egress,
            Protocol::TCP,
            EPHEMERAL,
            cidr("0.0.0.0/0"),
        );
        b.network.sg_rules[group].group.value = None;
        assert!(SgRedundantReturnRule.check(&b.finish()).is_empty());
    }
}
