//! `quota-exceeded`: a resource over an Amazon VPC quota (AWS's default, or the account's
//! value from `[quotas]`), counted the way AWS counts. Every count is a lower bound: what is
//! unknown (a rule's peer, a prefix list's maximum entries) adds nothing, so a finding
//! means the deployment will hit the quota.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::{
    Destination, Direction, Network, Origin, PrefixListId, Quotas, SecurityGroupId, SgPeer,
};
use crate::source::Span;
use std::collections::{BTreeMap, BTreeSet, HashSet};

pub struct QuotaExceeded;

static META: RuleMeta = RuleMeta {
    name: "quota-exceeded",
    level: Level::Warning,
    summary: "A resource is over an Amazon VPC quota (rules per security group or network ACL, groups per interface, blocks per VPC, routes per table).",
    doc: include_str!("../../rules/quota-exceeded.md"),
};

impl Rule for QuotaExceeded {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let quotas = &network.declared.quotas;
        let mut findings = Vec::new();
        security_group_rules(network, quotas, &mut findings);
        groups_per_interface(network, quotas, &mut findings);
        nacl_rules(network, quotas, &mut findings);
        vpc_blocks(network, quotas, &mut findings);
        routes_per_table(network, quotas, &mut findings);
        findings
    }
}

fn over(
    origin: &Origin,
    span: Span,
    what: String,
    count: usize,
    quota: u32,
    key: &str,
    help: &str,
) -> Finding {
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "{} has {what}: {count}, over the quota of {quota}",
            origin.address
        ),
        primary: Label::of(span, origin, format!("{count} > {quota}")),
        related: Vec::new(),
        help: format!(
            "{help}, or request a quota increase and declare it as `{key}` under [quotas] in vpclint.toml"
        ),
    }
}

/// Rules per group, per direction, IPv4 and IPv6 counted separately. A rule referencing a
/// group or a prefix list counts for both (a prefix list counts its maximum entries, at
/// least one). Identical permissions count once.
fn security_group_rules(network: &Network, quotas: &Quotas, findings: &mut Vec<Finding>) {
    #[derive(PartialEq, Eq, Hash)]
    enum Peer {
        Cidr(ipnet::IpNet),
        Group(SecurityGroupId),
        PrefixList(usize),
        /// A reference with no identity in the model.
        Rule(usize),
    }
    let mut seen = HashSet::new();
    // (group, direction) -> (IPv4, IPv6) counts
    let mut counts: BTreeMap<(SecurityGroupId, Direction), (usize, usize)> = BTreeMap::new();
    for (id, rule) in network.sg_rules.iter() {
        let (Some(group), Some(protocol), Some(ports), Some(peer)) = (
            rule.group.copied(),
            rule.protocol.copied(),
            rule.ports.copied(),
            rule.peer.copied(),
        ) else {
            continue;
        };
        let (peer, v4, v6, weight) = match peer {
            SgPeer::Cidr(net) => (
                Peer::Cidr(net.trunc()),
                net.addr().is_ipv4(),
                net.addr().is_ipv6(),
                1,
            ),
            SgPeer::Group(other) => (Peer::Group(other), true, true, 1),
            SgPeer::PrefixList(Some(list)) => {
                let (v4, v6, weight) = prefix_list_weight(network, list);
                (Peer::PrefixList(list.index()), v4, v6, weight)
            }
            // A list not in the code (AWS-managed, a literal ID): its family and size are
            // unknown, so it adds nothing (counts stay lower bounds).
            SgPeer::PrefixList(None) => (Peer::Rule(id.index()), false, false, 0),
        };
        if !seen.insert((group, rule.direction, protocol, ports, peer)) {
            continue;
        }
        let entry = counts.entry((group, rule.direction)).or_default();
        entry.0 += if v4 { weight } else { 0 };
        entry.1 += if v6 { weight } else { 0 };
    }
    let quota = quotas.security_group_rules;
    for ((group, direction), (v4, v6)) in counts {
        let g = &network.security_groups[group];
        let way = match direction {
            Direction::Ingress => "inbound",
            Direction::Egress => "outbound",
        };
        for (family, count) in [("IPv4", v4), ("IPv6", v6)] {
            if count > quota as usize {
                findings.push(over(
                    &g.origin,
                    g.origin.name_span,
                    format!("{way} {family} rules"),
                    count,
                    quota,
                    "security_group_rules",
                    "merge rules (wider port ranges, a prefix list or a referenced group) or split them over several groups",
                ));
            }
        }
    }
}

/// How a reference to a customer-managed prefix list counts: its maximum entries, in the
/// family of its entries (AWS: "the maximum number of entries ... counts against the quota
/// for the number of rules"). Where the family or the maximum is not known it adds nothing,
/// which keeps every count a lower bound.
fn prefix_list_weight(network: &Network, list: PrefixListId) -> (bool, bool, usize) {
    let list = &network.prefix_lists[list];
    let families: Option<Vec<bool>> = list
        .entries
        .iter()
        .map(|e| e.cidr.copied().map(|net| net.addr().is_ipv4()))
        .collect();
    match (list.max_entries.copied(), families) {
        (Some(max), Some(v4s)) if list.entries_complete && !v4s.is_empty() => {
            if v4s.iter().all(|&v4| v4) {
                (true, false, max as usize)
            } else if v4s.iter().all(|&v4| !v4) {
                (false, true, max as usize)
            } else {
                (false, false, 0)
            }
        }
        _ => (false, false, 0),
    }
}

/// Distinct known security groups of each instance's primary interface and of each network
/// interface.
fn groups_per_interface(network: &Network, quotas: &Quotas, findings: &mut Vec<Finding>) {
    let quota = quotas.security_groups_per_interface;
    let interfaces = network
        .instances
        .values()
        .map(|i| (&i.origin, &i.security_groups))
        .chain(
            network
                .network_interfaces
                .values()
                .map(|e| (&e.origin, &e.security_groups)),
        );
    for (origin, groups) in interfaces {
        let distinct: BTreeSet<SecurityGroupId> =
            groups.iter().filter_map(|g| g.copied()).collect();
        if distinct.len() > quota as usize {
            let span = groups.first().map_or(origin.name_span, |g| g.span);
            findings.push(over(
                origin,
                span,
                "security groups on one network interface".to_string(),
                distinct.len(),
                quota,
                "security_groups_per_interface",
                "combine the groups' rules into fewer groups",
            ));
        }
    }
}

/// Entries per network ACL and direction: those the code declares, and the allow-all
/// entries AWS gave a default NACL the code only references (the final deny entries AWS
/// adds to every NACL are not counted).
fn nacl_rules(network: &Network, quotas: &Quotas, findings: &mut Vec<Finding>) {
    let quota = quotas.nacl_rules;
    let mut counts: BTreeMap<_, BTreeSet<(u32, bool)>> = BTreeMap::new();
    for entry in network.nacl_entries.values() {
        let (Some(nacl), Some(number), Some(cidr)) = (
            entry.nacl.copied(),
            entry.rule_number.copied(),
            entry.cidr.copied(),
        ) else {
            continue;
        };
        counts
            .entry((nacl, entry.direction))
            .or_default()
            .insert((number, cidr.addr().is_ipv4()));
    }
    for ((nacl, direction), entries) in counts {
        if entries.len() > quota as usize {
            let n = &network.nacls[nacl];
            let way = match direction {
                Direction::Ingress => "inbound",
                Direction::Egress => "outbound",
            };
            findings.push(over(
                &n.origin,
                n.origin.name_span,
                format!("{way} rules"),
                entries.len(),
                quota,
                "nacl_rules",
                "merge entries (wider CIDRs or port ranges) or filter with security groups",
            ));
        }
    }
}

/// The primary block and the secondary IPv4 associations of each VPC.
fn vpc_blocks(network: &Network, quotas: &Quotas, findings: &mut Vec<Finding>) {
    let quota = quotas.vpc_ipv4_blocks;
    let mut counts = vec![1usize; network.vpcs.len()];
    for block in network.cidr_blocks.values() {
        if let Some(count) = block.vpc.copied().and_then(|v| counts.get_mut(v.index())) {
            *count += 1;
        }
    }
    for ((_, vpc), count) in network.vpcs.iter().zip(counts) {
        if count > quota as usize {
            findings.push(over(
                &vpc.origin,
                vpc.origin.name_span,
                "IPv4 CIDR blocks (primary and secondary)".to_string(),
                count,
                quota,
                "vpc_ipv4_blocks",
                "use fewer, larger blocks",
            ));
        }
    }
}

/// Static routes per table, IPv4 and IPv6 counted separately (prefix-list routes, whose
/// maximum entries are unknown, are not counted).
fn routes_per_table(network: &Network, quotas: &Quotas, findings: &mut Vec<Finding>) {
    let quota = quotas.routes_per_table;
    let mut counts: BTreeMap<_, (BTreeSet<_>, BTreeSet<_>)> = BTreeMap::new();
    for route in network.routes.values() {
        let Some(table) = route.route_table.copied() else {
            continue;
        };
        let entry = counts.entry(table).or_default();
        match route.destination.copied() {
            Some(Destination::Ipv4(net)) => {
                entry.0.insert(net);
            }
            Some(Destination::Ipv6(net)) => {
                entry.1.insert(net);
            }
            _ => {}
        }
    }
    for (table, (v4, v6)) in counts {
        let t = &network.route_tables[table];
        for (family, count) in [("IPv4", v4.len()), ("IPv6", v6.len())] {
            if count > quota as usize {
                findings.push(over(
                    &t.origin,
                    t.origin.name_span,
                    format!("static {family} routes"),
                    count,
                    quota,
                    "routes_per_table",
                    "summarize routes into fewer, wider prefixes, or use a prefix list",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{sg_cidr, NetworkBuilder};
    use crate::model::{PortRange, Protocol, Target};

    #[test]
    fn counts_security_group_rules_per_family_and_direction() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let group = b.security_group("aws_security_group.big", vpc);
        let other = b.security_group("aws_security_group.peer", vpc);
        for i in 0..60u16 {
            let port = PortRange {
                from: 1000 + i,
                to: 1000 + i,
            };
            b.sg_rule(
                "r",
                group,
                Direction::Ingress,
                Protocol::TCP,
                port,
                sg_cidr("10.0.0.0/8"),
            );
        }
        // A duplicate counts once; 60 IPv4 rules are at the quota, not over it.
        let port = PortRange {
            from: 1000,
            to: 1000,
        };
        b.sg_rule(
            "dup",
            group,
            Direction::Ingress,
            Protocol::TCP,
            port,
            sg_cidr("10.0.0.0/8"),
        );
        let network = b.finish();
        assert!(QuotaExceeded.check(&network).is_empty());
        let mut b = NetworkBuilder::new();
        b.network = network;
        b.sg_rule(
            "g",
            group,
            Direction::Ingress,
            Protocol::TCP,
            port,
            SgPeer::Group(other),
        );
        let findings = QuotaExceeded.check(&b.finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "aws_security_group.big has inbound IPv4 rules: 61, over the quota of 60"
        );
    }

    #[test]
    fn counts_blocks_routes_and_declared_quotas() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        for i in 1..5 {
            b.secondary_cidr("assoc", vpc, &format!("10.{i}.0.0/16"));
        }
        let table = b.route_table("aws_route_table.a", vpc);
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        for i in 0..3 {
            b.route(
                "r",
                table,
                &format!("192.168.{i}.0/24"),
                Target::InternetGateway(igw),
            );
        }
        let network = b.finish();
        assert!(QuotaExceeded.check(&network).is_empty());
        let mut b = NetworkBuilder::new();
        b.network = network;
        b.secondary_cidr("assoc", vpc, "10.9.0.0/16");
        b.network.declared.quotas.routes_per_table = 2;
        let findings = QuotaExceeded.check(&b.finish());
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "aws_vpc.a has IPv4 CIDR blocks (primary and secondary): 6, over the quota of 5",
                "aws_route_table.a has static IPv4 routes: 3, over the quota of 2",
            ]
        );
    }

    #[test]
    fn unknown_values_add_nothing() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let subnet = b.subnet("aws_subnet.a", vpc, "10.0.0.0/24");
        let instance = b.instance("aws_instance.a", subnet);
        for _ in 0..6 {
            let unknown = b.unknown();
            b.network.instances[instance].security_groups.push(unknown);
        }
        assert!(QuotaExceeded.check(&b.finish()).is_empty());
    }
}
