//! Security-group reasoning: the rules of each group, peer identity, what a rule opens.

use crate::model::{
    Direction, Network, PortRange, Protocol, SecurityGroupId, SgPeer, SgRule, SgRuleId,
};

/// The rules of every group whose group is known, built once in linear time.
#[derive(Debug)]
pub struct SgIndex {
    by_group: Vec<Vec<SgRuleId>>,
}

impl SgIndex {
    pub fn new(network: &Network) -> Self {
        let mut by_group = vec![Vec::new(); network.security_groups.len()];
        for (id, rule) in network.sg_rules.iter() {
            if let Some(list) = rule
                .group
                .copied()
                .and_then(|group| by_group.get_mut(group.index()))
            {
                list.push(id);
            }
        }
        SgIndex { by_group }
    }

    /// The rules of `group` (inline and separate resources), in model order.
    pub fn rules(&self, group: SecurityGroupId) -> &[SgRuleId] {
        self.by_group
            .get(group.index())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The rules of `group` in `direction`.
    pub fn rules_in<'a>(
        &'a self,
        network: &'a Network,
        group: SecurityGroupId,
        direction: Direction,
    ) -> impl Iterator<Item = (SgRuleId, &'a SgRule)> + 'a {
        self.rules(group)
            .iter()
            .map(move |&id| (id, &network.sg_rules[id]))
            .filter(move |(_, rule)| rule.direction == direction)
    }
}

/// Whether two peers are the same: the same network (`10.0.0.0/8` and `10.0.0.1/8` are
/// one network to EC2), the same group or the same prefix list of the code.
pub fn same_peer(a: SgPeer, b: SgPeer) -> bool {
    match (a, b) {
        (SgPeer::Cidr(a), SgPeer::Cidr(b)) => a.trunc() == b.trunc(),
        (SgPeer::Group(a), SgPeer::Group(b)) => a == b,
        (SgPeer::PrefixList(Some(a)), SgPeer::PrefixList(Some(b))) => a == b,
        _ => false,
    }
}

/// The ports a rule opens for `protocol` traffic (TCP/UDP), `Some(None)` when it does not
/// match that protocol, `None` when unknown. Protocol `-1` opens every port.
pub fn opened_ports(rule: &SgRule, protocol: Protocol) -> Option<Option<PortRange>> {
    let rule_protocol = rule.protocol.copied()?;
    if rule_protocol == Protocol::All {
        return Some(Some(PortRange::ALL));
    }
    if rule_protocol != protocol {
        return Some(None);
    }
    rule.ports.copied().map(Some)
}

/// A peer for display: `10.0.0.0/16`, `group aws_security_group.web`, `a prefix list`.
pub fn describe_peer(network: &Network, peer: SgPeer) -> String {
    match peer {
        SgPeer::Cidr(net) => net.to_string(),
        SgPeer::Group(group) => format!("group {}", network.security_groups[group].origin.address),
        SgPeer::PrefixList(list) => super::prefix_list::describe(network, list),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::sg_cidr as cidr;
    use crate::model::testing::NetworkBuilder;
    use crate::model::Direction::{Egress, Ingress};

    #[test]
    fn index_groups_rules_by_group_and_direction() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let web = b.security_group("aws_security_group.web", vpc);
        let db = b.security_group("aws_security_group.db", vpc);
        let https = PortRange::single(443);
        let ingress = b.sg_rule("r1", web, Ingress, Protocol::TCP, https, cidr("0.0.0.0/0"));
        let egress = b.sg_rule(
            "r2",
            web,
            Egress,
            Protocol::All,
            PortRange::ALL,
            SgPeer::Group(db),
        );
        let orphan = b.sg_rule("r3", db, Ingress, Protocol::TCP, https, SgPeer::Group(web));
        b.network.sg_rules[orphan].group.value = None;
        let network = b.finish();
        let index = SgIndex::new(&network);
        assert_eq!(index.rules(web), &[ingress, egress]);
        assert!(index.rules(db).is_empty());
        let egress_ids: Vec<SgRuleId> = index
            .rules_in(&network, web, Egress)
            .map(|(id, _)| id)
            .collect();
        assert_eq!(egress_ids, vec![egress]);
        assert_eq!(
            opened_ports(&network.sg_rules[egress], Protocol::UDP),
            Some(Some(PortRange::ALL))
        );
        assert_eq!(
            opened_ports(&network.sg_rules[ingress], Protocol::UDP),
            Some(None)
        );
        assert_eq!(
            opened_ports(&network.sg_rules[ingress], Protocol::TCP),
            Some(Some(https))
        );
        assert_eq!(
            describe_peer(&network, SgPeer::Group(db)),
            "group aws_security_group.db"
        );
    }

    #[test]
    fn peers_are_the_same_network_or_the_same_group() {
        let a = SgPeer::Group(SecurityGroupId::new(0));
        let b = SgPeer::Group(SecurityGroupId::new(1));
        assert!(same_peer(cidr("10.0.0.0/8"), cidr("10.0.0.0/8")));
        assert!(same_peer(cidr("10.0.0.1/8"), cidr("10.0.0.0/8")));
        assert!(!same_peer(cidr("10.0.0.0/8"), cidr("10.0.0.0/16")));
        assert!(same_peer(a, a));
        assert!(!same_peer(a, b));
        assert!(!same_peer(
            SgPeer::PrefixList(None),
            SgPeer::PrefixList(None)
        ));
    }
}
