//! Network ACL evaluation: entries per direction in rule-number order, the first matching
//! entry wins, anything unmatched hits the implicit final deny. An entry whose number,
//! protocol, CIDR, ports or action is unknown makes the answer unknown from that entry on.

use super::ports::{matched_ports, PortSet};
use super::routing::{placed, Place};
use crate::model::{
    Direction, NaclAction, NaclEntry, NaclEntryId, NaclId, Network, PortRange, Protocol, SubnetId,
    UnitEntities, VpcId,
};
use ipnet::IpNet;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

/// Bound on the pieces an address region is split into while evaluating one NACL: AWS
/// allows at most 40 entries per direction, so only hostile input comes near it.
const MAX_REGION_PIECES: usize = 4096;

/// What a NACL does with one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NaclVerdict {
    Allow(NaclEntryId),
    /// Denied by an entry, or by the implicit final `*` entry (`None`).
    Deny(Option<NaclEntryId>),
    Unknown,
}

/// Traffic a NACL allows, as evaluated by [`NaclIndex::allowed`].
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    /// Disjoint pieces of the queried traffic, each with the entry that allows it.
    pub regions: Vec<AllowedRegion>,
    /// False when evaluation stopped at an unknown entry: `regions` is then only part of
    /// what is allowed.
    pub complete: bool,
}

impl Allowed {
    /// Definitely nothing of the queried traffic is allowed.
    pub fn allows_none(&self) -> bool {
        self.complete && self.regions.is_empty()
    }
    /// Definitely some of the queried traffic is allowed.
    pub fn allows_some(&self) -> bool {
        !self.regions.is_empty()
    }
    /// Definitely all of the queried traffic (`peer` × `ports`) is allowed: the allowed
    /// regions are disjoint pieces of it, so it is enough that their sizes add up.
    pub fn allows_all(&self, peer: IpNet, ports: PortRange) -> bool {
        let size = |net: &IpNet| {
            1u128
                .checked_shl(u32::from(net.max_prefix_len() - net.prefix_len()))
                .unwrap_or(u128::MAX)
        };
        let allowed: u128 = self
            .regions
            .iter()
            .map(|r| {
                let ports: u128 = r.ports.ranges().iter().map(|p| u128::from(p.width())).sum();
                size(&r.peer).saturating_mul(ports)
            })
            .sum();
        allowed == size(&peer.trunc()).saturating_mul(u128::from(ports.width()))
    }
}

/// Which NACL filters a subnet, as AWS decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubnetNacl {
    /// An explicit association, or the VPC's default NACL managed in the code.
    Managed(NaclId),
    /// The VPC's default NACL as AWS creates it (not in the code): it allows everything.
    AwsDefault,
    /// A NACL association or the subnet's VPC is unknown.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedRegion {
    /// The peer addresses (source for inbound, destination for outbound).
    pub peer: IpNet,
    pub ports: PortSet,
    pub entry: NaclEntryId,
}

/// The entries of every NACL, per direction, in evaluation order; `None` when some rule
/// number is unknown (the order is then unknown).
#[derive(Debug, Default)]
struct OrderedEntries {
    ingress: Option<Vec<NaclEntryId>>,
    egress: Option<Vec<NaclEntryId>>,
}

/// NACL lookups over one network, built once in linear time.
#[derive(Debug)]
pub struct NaclIndex<'n> {
    network: &'n Network,
    entries: Vec<OrderedEntries>,
    explicit: HashMap<SubnetId, NaclId>,
    default_of_vpc: HashMap<VpcId, NaclId>,
    /// Subnets associated with a NACL that is unknown, or that an association of unknown
    /// subnet may be.
    unknown_nacl: HashSet<SubnetId>,
}

impl<'n> NaclIndex<'n> {
    pub fn new(network: &'n Network) -> Self {
        // A NACL that an entry of unknown NACL may belong to has no known order.
        let mut entries: Vec<OrderedEntries> = network
            .nacls
            .values()
            .map(|nacl| {
                let known = nacl.entries_known.then(Vec::new);
                OrderedEntries {
                    ingress: known.clone(),
                    egress: known,
                }
            })
            .collect();
        for (id, entry) in network.nacl_entries.iter() {
            let Some(nacl) = entry.nacl.copied() else {
                continue;
            };
            let Some(slot) = entries.get_mut(nacl.index()) else {
                continue;
            };
            let list = match entry.direction {
                Direction::Ingress => &mut slot.ingress,
                Direction::Egress => &mut slot.egress,
            };
            if entry.rule_number.value.is_none() {
                *list = None;
            } else if let Some(list) = list {
                list.push(id);
            }
        }
        for slot in &mut entries {
            for list in [&mut slot.ingress, &mut slot.egress].into_iter().flatten() {
                list.sort_by_key(|&id| network.nacl_entries[id].rule_number.copied());
            }
        }
        let mut explicit = HashMap::new();
        let mut default_of_vpc = HashMap::new();
        let mut unknown_nacl = HashSet::new();
        // Associations of unknown subnet: by the VPC of their NACL (`None`: unknown) and
        // their unit's subnets (`None`: any), as route table associations are placed.
        let mut unknown_subnet_in: Vec<Place> = Vec::new();
        for (index, subnet) in network.unplaced_nacl_associations.iter().enumerate() {
            match subnet.copied() {
                Some(subnet) => {
                    unknown_nacl.insert(subnet);
                }
                None => {
                    let unit =
                        UnitEntities::of(&network.units, index, |u| &u.unplaced_nacl_associations);
                    unknown_subnet_in.push((
                        None,
                        unit.and_then(|unit| {
                            UnitEntities::scope(
                                &unit.subnets,
                                unit.nacl_association_of_outside_subnet,
                            )
                        }),
                    ));
                }
            }
        }
        for (nacl_id, nacl) in network.nacls.iter() {
            if let (true, Some(vpc)) = (nacl.is_default, nacl.vpc.copied()) {
                default_of_vpc.entry(vpc).or_insert(nacl_id);
            }
            for subnet in &nacl.subnets {
                match subnet.copied() {
                    Some(subnet) => {
                        explicit.insert(subnet, nacl_id);
                    }
                    // AWS associates a NACL with subnets of its own VPC only.
                    None => unknown_subnet_in.push((nacl.vpc.copied(), None)),
                }
            }
        }
        let may_be_associated = placed(unknown_subnet_in, network.subnets.len(), |i| {
            network.subnets[SubnetId::new(i)].vpc.copied()
        });
        for (index, may_be) in may_be_associated.into_iter().enumerate() {
            if may_be {
                unknown_nacl.insert(SubnetId::new(index));
            }
        }
        NaclIndex {
            network,
            entries,
            explicit,
            default_of_vpc,
            unknown_nacl,
        }
    }

    /// The entries of `nacl` in `direction` in evaluation order, or `None` when the order
    /// is unknown.
    pub fn ordered(&self, nacl: NaclId, direction: Direction) -> Option<&[NaclEntryId]> {
        let slot = self.entries.get(nacl.index())?;
        match direction {
            Direction::Ingress => slot.ingress.as_deref(),
            Direction::Egress => slot.egress.as_deref(),
        }
    }

    /// The NACL that filters `subnet`: its explicit association, else its VPC's default
    /// NACL when the code manages it. `None` when that is unknown or not in the model.
    pub fn effective_nacl(&self, subnet: SubnetId) -> Option<NaclId> {
        if let Some(&nacl) = self.explicit.get(&subnet) {
            return Some(nacl);
        }
        if self.unknown_nacl.contains(&subnet) {
            return None;
        }
        let vpc = self.network.subnets[subnet].vpc.copied()?;
        self.default_of_vpc.get(&vpc).copied()
    }

    /// The NACL that filters `subnet`, telling AWS's untouched default NACL apart from an
    /// unknown association.
    pub fn subnet_nacl(&self, subnet: SubnetId) -> SubnetNacl {
        if let Some(&nacl) = self.explicit.get(&subnet) {
            return SubnetNacl::Managed(nacl);
        }
        let Some(vpc) = self.network.subnets[subnet].vpc.copied() else {
            return SubnetNacl::Unknown;
        };
        if self.unknown_nacl.contains(&subnet) {
            return SubnetNacl::Unknown;
        }
        match self.default_of_vpc.get(&vpc) {
            Some(&nacl) => SubnetNacl::Managed(nacl),
            None => SubnetNacl::AwsDefault,
        }
    }

    /// The verdict of `nacl` on one packet of `protocol` to/from `peer` on destination
    /// `port`, in `direction`.
    pub fn evaluate(
        &self,
        nacl: NaclId,
        direction: Direction,
        protocol: Protocol,
        peer: IpAddr,
        port: u16,
    ) -> NaclVerdict {
        let allowed = self.allowed(
            nacl,
            direction,
            protocol,
            IpNet::from(peer),
            PortRange::single(port),
        );
        if let Some(region) = allowed.regions.first() {
            return NaclVerdict::Allow(region.entry);
        }
        if !allowed.complete {
            return NaclVerdict::Unknown;
        }
        let denying = self.ordered(nacl, direction).and_then(|order| {
            order.iter().copied().find(|&id| {
                let entry = &self.network.nacl_entries[id];
                entry_rectangle(entry, protocol)
                    .is_some_and(|(cidr, ports)| cidr.contains(&peer) && ports.contains_port(port))
            })
        });
        NaclVerdict::Deny(denying)
    }

    /// Which of the traffic of `protocol` to/from the addresses of `peer` on destination
    /// ports `ports` the NACL allows in `direction`, taking earlier denies into account.
    pub fn allowed(
        &self,
        nacl: NaclId,
        direction: Direction,
        protocol: Protocol,
        peer: IpNet,
        ports: PortRange,
    ) -> Allowed {
        let mut result = Allowed::default();
        let Some(order) = self.ordered(nacl, direction) else {
            return result;
        };
        let mut remaining: Vec<(IpNet, PortSet)> = vec![(peer.trunc(), PortSet::of(ports))];
        for &id in order {
            if remaining.is_empty() {
                break;
            }
            let entry = &self.network.nacl_entries[id];
            let Some(action) = entry.action.copied() else {
                if may_match(entry, protocol, &remaining) {
                    return result;
                }
                continue;
            };
            let Some((cidr, entry_ports)) = known_rectangle(entry, protocol) else {
                if may_match(entry, protocol, &remaining) {
                    return result;
                }
                continue;
            };
            let Some(entry_ports) = entry_ports else {
                continue; // another protocol
            };
            let touches = |(region, region_ports): &(IpNet, PortSet)| {
                (cidr.contains(region) || region.contains(&cidr))
                    && region_ports.intersects(entry_ports)
            };
            if !remaining.iter().any(touches) {
                continue;
            }
            let mut next = Vec::with_capacity(remaining.len());
            for (region, region_ports) in remaining {
                let matched_net = if cidr.contains(&region) {
                    region
                } else if region.contains(&cidr) {
                    next.extend(
                        split_off(region, cidr)
                            .into_iter()
                            .map(|piece| (piece, region_ports.clone())),
                    );
                    cidr
                } else {
                    next.push((region, region_ports));
                    continue;
                };
                let hit = region_ports.intersection(entry_ports);
                if action == NaclAction::Allow && !hit.is_empty() {
                    result.regions.push(AllowedRegion {
                        peer: matched_net,
                        ports: hit,
                        entry: id,
                    });
                }
                let rest = region_ports.without(entry_ports);
                if !rest.is_empty() {
                    next.push((matched_net, rest));
                }
            }
            if next.len() > MAX_REGION_PIECES {
                return result;
            }
            remaining = next;
        }
        result.complete = true;
        result
    }
}

/// Whether `earlier` matches all the traffic `later` matches (same direction assumed);
/// `None` when a field of either is unknown. ICMP types and codes are not compared, so two
/// entries of one non-TCP/UDP protocol are never said to cover each other.
pub fn entry_covers(earlier: &NaclEntry, later: &NaclEntry) -> Option<bool> {
    let (earlier_protocol, later_protocol) = (earlier.protocol.copied()?, later.protocol.copied()?);
    let (earlier_cidr, later_cidr) = (earlier.cidr.copied()?.trunc(), later.cidr.copied()?.trunc());
    if !earlier_cidr.contains(&later_cidr) {
        return Some(false);
    }
    Some(match (earlier_protocol, later_protocol) {
        (Protocol::All, _) => true,
        (_, Protocol::All) => false,
        (a, b) if a != b => false,
        (p, _) if p.has_ports() => earlier.ports.copied()?.contains(later.ports.copied()?),
        _ => false,
    })
}

/// The CIDR and the ports (for `protocol` traffic) an entry matches, when both are known;
/// the inner `None` when the entry is for another protocol. `None` when unknown.
fn known_rectangle(entry: &NaclEntry, protocol: Protocol) -> Option<(IpNet, Option<PortRange>)> {
    let cidr = entry.cidr.copied()?.trunc();
    let entry_protocol = entry.protocol.copied()?;
    if !entry_protocol.matches(protocol) {
        return Some((cidr, None));
    }
    if entry_protocol != Protocol::All && protocol.has_icmp_messages() {
        return Some((cidr, Some(entry.icmp.copied()?.as_range())));
    }
    let ports = if entry_protocol == Protocol::All || !protocol.has_ports() {
        PortRange::ALL
    } else {
        entry.ports.copied()?
    };
    Some((cidr, matched_ports(entry_protocol, ports, protocol)))
}

fn entry_rectangle(entry: &NaclEntry, protocol: Protocol) -> Option<(IpNet, PortRange)> {
    match known_rectangle(entry, protocol)? {
        (cidr, Some(ports)) => Some((cidr, ports)),
        (_, None) => None,
    }
}

/// Whether an entry with unknown parts could match some of the remaining traffic.
fn may_match(entry: &NaclEntry, protocol: Protocol, remaining: &[(IpNet, PortSet)]) -> bool {
    if entry
        .protocol
        .copied()
        .is_some_and(|p| !p.matches(protocol))
    {
        return false;
    }
    let ports = match entry.protocol.copied() {
        Some(p) if p == Protocol::All || !protocol.has_ports() => Some(PortRange::ALL),
        _ => entry.ports.copied(),
    };
    let cidr = entry.cidr.copied().map(|c| c.trunc());
    remaining.iter().any(|(region, region_ports)| {
        cidr.is_none_or(|c| c.contains(region) || region.contains(&c))
            && ports.is_none_or(|p| region_ports.intersects(p))
    })
}

/// `outer` without `inner` (which it contains), as disjoint CIDRs.
fn split_off(outer: IpNet, inner: IpNet) -> Vec<IpNet> {
    let mut pieces = Vec::new();
    for len in outer.prefix_len() + 1..=inner.prefix_len() {
        let Ok(half) = IpNet::new(inner.addr(), len).map(|n| n.trunc()) else {
            continue;
        };
        let sibling = match half {
            IpNet::V4(net) => {
                let bit = 1u32 << (32 - u32::from(len));
                IpNet::new(
                    IpAddr::from((u32::from(net.network()) ^ bit).to_be_bytes()),
                    len,
                )
            }
            IpNet::V6(net) => {
                let bit = 1u128 << (128 - u32::from(len));
                IpNet::new(
                    IpAddr::from((u128::from(net.network()) ^ bit).to_be_bytes()),
                    len,
                )
            }
        };
        if let Ok(sibling) = sibling {
            pieces.push(sibling);
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{NaclFixture, NetworkBuilder};
    use crate::model::NaclAction::{Allow, Deny};
    use crate::model::{Direction::Egress, Direction::Ingress};

    fn r(from: u16, to: u16) -> PortRange {
        PortRange { from, to }
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|_| panic!("{text}"))
    }

    fn cidr(text: &str) -> IpNet {
        text.parse().unwrap_or_else(|_| panic!("{text}"))
    }

    #[test]
    fn first_matching_entry_wins_whatever_the_declaration_order() {
        let mut f = NaclFixture::new();
        let allow = f.entry((200, Ingress, Protocol::TCP, Allow, "0.0.0.0/0", r(22, 22)));
        let deny = f.entry((
            100,
            Ingress,
            Protocol::TCP,
            Deny,
            "203.0.113.0/24",
            r(0, 65535),
        ));
        let nacl = f.nacl;
        let network = f.b.finish();
        let index = NaclIndex::new(&network);
        let eval = |addr, port| index.evaluate(nacl, Ingress, Protocol::TCP, ip(addr), port);
        assert_eq!(eval("203.0.113.7", 22), NaclVerdict::Deny(Some(deny)));
        assert_eq!(eval("198.51.100.1", 22), NaclVerdict::Allow(allow));
        assert_eq!(eval("198.51.100.1", 23), NaclVerdict::Deny(None));
        assert_eq!(
            index.evaluate(nacl, Egress, Protocol::TCP, ip("198.51.100.1"), 22),
            NaclVerdict::Deny(None),
            "directions are separate lists"
        );
    }

    #[test]
    fn protocol_all_matches_any_port_and_other_protocols_do_not_match() {
        let mut f = NaclFixture::new();
        f.entry((100, Egress, Protocol::UDP, Allow, "0.0.0.0/0", r(0, 65535)));
        let all = f.entry((200, Egress, Protocol::All, Allow, "10.0.0.0/8", r(0, 0)));
        let nacl = f.nacl;
        let network = f.b.finish();
        let index = NaclIndex::new(&network);
        assert_eq!(
            index.evaluate(nacl, Egress, Protocol::TCP, ip("10.1.2.3"), 5000),
            NaclVerdict::Allow(all)
        );
        assert_eq!(
            index.evaluate(nacl, Egress, Protocol::TCP, ip("192.0.2.1"), 5000),
            NaclVerdict::Deny(None)
        );
    }

    #[test]
    fn allowed_subtracts_earlier_denies_by_address_and_port() {
        let mut f = NaclFixture::new();
        f.entry((
            90,
            Egress,
            Protocol::TCP,
            Deny,
            "10.0.0.0/9",
            r(1024, 65535),
        ));
        f.entry((100, Egress, Protocol::TCP, Deny, "0.0.0.0/0", r(1024, 2047)));
        let allow = f.entry((110, Egress, Protocol::TCP, Allow, "10.0.0.0/8", r(0, 65535)));
        let nacl = f.nacl;
        let network = f.b.finish();
        let index = NaclIndex::new(&network);
        let allowed = index.allowed(
            nacl,
            Egress,
            Protocol::TCP,
            cidr("0.0.0.0/0"),
            r(1024, 65535),
        );
        assert!(allowed.complete);
        assert_eq!(
            allowed.regions,
            vec![AllowedRegion {
                peer: cidr("10.128.0.0/9"),
                ports: PortSet::of(r(2048, 65535)),
                entry: allow,
            }]
        );
        let allowed = index.allowed(
            nacl,
            Egress,
            Protocol::TCP,
            cidr("10.0.0.0/9"),
            r(1024, 65535),
        );
        assert!(allowed.allows_none());
    }

    #[test]
    fn a_broader_later_allow_still_allows_what_a_narrow_deny_leaves() {
        let mut f = NaclFixture::new();
        f.entry((
            100,
            Ingress,
            Protocol::TCP,
            Deny,
            "10.0.0.0/24",
            r(1024, 65535),
        ));
        f.entry((
            200,
            Ingress,
            Protocol::TCP,
            Allow,
            "10.0.0.0/16",
            r(1024, 65535),
        ));
        let nacl = f.nacl;
        let network = f.b.finish();
        let index = NaclIndex::new(&network);
        let allowed = index.allowed(
            nacl,
            Ingress,
            Protocol::TCP,
            cidr("10.0.0.0/16"),
            r(1024, 65535),
        );
        assert!(allowed.allows_some());
        let peers: Vec<IpNet> = allowed.regions.iter().map(|r| r.peer).collect();
        assert!(!peers.iter().any(|p| p.contains(&ip("10.0.0.5"))));
        assert!(peers.iter().any(|p| p.contains(&ip("10.0.1.5"))));
        assert!(peers.iter().any(|p| p.contains(&ip("10.0.255.5"))));
    }

    #[test]
    fn ipv6_entries_never_match_ipv4_traffic() {
        let mut f = NaclFixture::new();
        f.entry((100, Ingress, Protocol::All, Allow, "::/0", r(0, 65535)));
        let nacl = f.nacl;
        let network = f.b.finish();
        let index = NaclIndex::new(&network);
        let allowed = index.allowed(nacl, Ingress, Protocol::TCP, cidr("0.0.0.0/0"), r(0, 65535));
        assert!(allowed.allows_none());
        let allowed = index.allowed(
            nacl,
            Ingress,
            Protocol::TCP,
            cidr("2001:db8::/32"),
            r(443, 443),
        );
        assert!(allowed.allows_some());
    }

    #[test]
    fn unknown_entries_make_the_rest_unknown_but_keep_what_came_before() {
        let mut f = NaclFixture::new();
        let unknown = f.entry((100, Ingress, Protocol::TCP, Deny, "0.0.0.0/0", r(22, 22)));
        f.entry((200, Ingress, Protocol::TCP, Allow, "0.0.0.0/0", r(0, 65535)));
        f.b.network.nacl_entries[unknown].cidr.value = None;
        let nacl = f.nacl;
        let network = f.b.finish();
        let index = NaclIndex::new(&network);
        let ssh = index.allowed(nacl, Ingress, Protocol::TCP, cidr("0.0.0.0/0"), r(22, 22));
        assert!(!ssh.allows_some() && !ssh.allows_none());
        assert_eq!(
            index.evaluate(nacl, Ingress, Protocol::TCP, ip("1.2.3.4"), 22),
            NaclVerdict::Unknown
        );
        let https = index.allowed(nacl, Ingress, Protocol::TCP, cidr("0.0.0.0/0"), r(443, 443));
        assert!(
            https.allows_some(),
            "the unknown entry cannot match port 443"
        );
        let udp = index.allowed(nacl, Ingress, Protocol::UDP, cidr("0.0.0.0/0"), r(53, 53));
        assert!(udp.allows_none(), "the unknown entry is TCP only");
    }

    #[test]
    fn an_unknown_rule_number_makes_the_order_unknown() {
        let mut f = NaclFixture::new();
        let entry = f.entry((100, Egress, Protocol::All, Allow, "0.0.0.0/0", r(0, 65535)));
        f.b.network.nacl_entries[entry].rule_number.value = None;
        let nacl = f.nacl;
        let network = f.b.finish();
        let index = NaclIndex::new(&network);
        assert_eq!(index.ordered(nacl, Egress), None);
        assert_eq!(index.ordered(nacl, Ingress), Some(&[][..]));
        let allowed = index.allowed(nacl, Egress, Protocol::TCP, cidr("0.0.0.0/0"), r(0, 65535));
        assert!(!allowed.allows_some() && !allowed.allows_none());
    }

    #[test]
    fn effective_nacl_is_the_association_else_the_managed_default() {
        for with_default in [false, true] {
            let mut b = NetworkBuilder::new();
            let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
            let associated = b.subnet("aws_subnet.a", vpc, "10.0.1.0/24");
            let other = b.subnet("aws_subnet.b", vpc, "10.0.2.0/24");
            let custom = b.nacl("aws_network_acl.custom", vpc);
            let field = b.known(associated);
            b.network.nacls[custom].subnets.push(field);
            let default = with_default.then(|| {
                let default = b.nacl("aws_default_network_acl.d", vpc);
                b.network.nacls[default].is_default = true;
                default
            });
            let network = b.finish();
            let index = NaclIndex::new(&network);
            assert_eq!(index.effective_nacl(associated), Some(custom));
            // Without a managed default NACL, AWS's implicit one is not in the model.
            assert_eq!(index.effective_nacl(other), default);
        }
    }

    #[test]
    fn entry_covers_needs_the_protocol_addresses_and_ports() {
        let mut f = NaclFixture::new();
        let all = f.entry((100, Ingress, Protocol::All, Allow, "0.0.0.0/0", r(0, 0)));
        let ssh = f.entry((110, Ingress, Protocol::TCP, Deny, "10.0.0.0/8", r(22, 22)));
        let tcp_low = f.entry((
            120,
            Ingress,
            Protocol::TCP,
            Allow,
            "10.0.0.0/16",
            r(0, 1023),
        ));
        let icmp_a = f.entry((
            130,
            Ingress,
            Protocol::ICMP,
            Allow,
            "0.0.0.0/0",
            r(0, 65535),
        ));
        let icmp_b = f.entry((140, Ingress, Protocol::ICMP, Deny, "0.0.0.0/0", r(0, 65535)));
        let v6 = f.entry((150, Ingress, Protocol::TCP, Allow, "::/0", r(22, 22)));
        let network = f.b.finish();
        let e = |id: NaclEntryId| &network.nacl_entries[id];
        assert_eq!(entry_covers(e(all), e(ssh)), Some(true));
        assert_eq!(entry_covers(e(ssh), e(all)), Some(false));
        assert_eq!(
            entry_covers(e(tcp_low), e(ssh)),
            Some(false),
            "10.0.0.0/16 < 10.0.0.0/8"
        );
        assert_eq!(
            entry_covers(e(ssh), e(tcp_low)),
            Some(false),
            "port 22 < 0-1023"
        );
        assert_eq!(
            entry_covers(e(icmp_a), e(icmp_b)),
            Some(false),
            "ICMP types unknown"
        );
        assert_eq!(
            entry_covers(e(all), e(v6)),
            Some(false),
            "IPv4 entry, IPv6 traffic"
        );
    }

    #[test]
    fn split_off_covers_the_rest_of_the_outer_block() {
        let pieces = split_off(cidr("10.0.0.0/8"), cidr("10.1.0.0/16"));
        assert_eq!(pieces.len(), 8);
        let total: u64 = pieces
            .iter()
            .map(|p| 1u64 << (32 - u32::from(p.prefix_len())))
            .sum();
        assert_eq!(total, (1 << 24) - (1 << 16));
        assert!(pieces.iter().all(|p| !p.contains(&ip("10.1.2.3"))));
        assert!(pieces.iter().any(|p| p.contains(&ip("10.0.2.3"))));
        assert!(pieces.iter().any(|p| p.contains(&ip("10.255.0.1"))));
        assert_eq!(
            split_off(cidr("::/0"), cidr("8000::/1")),
            vec![cidr("::/1")]
        );
    }

    /// A subnet associated with a NACL that is unknown (an unresolved reference, an
    /// association of unknown count) may not use its VPC's default NACL; one association of
    /// unknown subnet may be any subnet's.
    #[test]
    fn an_association_with_an_unknown_nacl_makes_the_subnets_nacl_unknown() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let app = b.subnet("aws_subnet.app", vpc, "10.0.1.0/24");
        let db = b.subnet("aws_subnet.db", vpc, "10.0.2.0/24");
        let default = b.nacl("aws_default_network_acl.a", vpc);
        b.network.nacls[default].is_default = true;
        let managed = |index: &NaclIndex, subnet| matches!(index.subnet_nacl(subnet), SubnetNacl::Managed(n) if n == default);
        assert!(managed(&NaclIndex::new(&b.network), app));
        let unplaced = b.known(app);
        b.network.unplaced_nacl_associations.push(unplaced);
        let index = NaclIndex::new(&b.network);
        assert!(matches!(index.subnet_nacl(app), SubnetNacl::Unknown));
        assert_eq!(index.effective_nacl(app), None);
        assert!(managed(&index, db));
        b.network.unplaced_nacl_associations[0].value = None;
        let index = NaclIndex::new(&b.network);
        assert!(matches!(index.subnet_nacl(db), SubnetNacl::Unknown));
    }

    /// An association of unknown subnet is one of its own unit's subnets (references do
    /// not cross units); a NACL's subnet that is unknown is one of the NACL's VPC.
    #[test]
    fn an_association_of_unknown_subnet_stays_in_its_unit_and_vpc() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let app = b.subnet("aws_subnet.app", vpc, "10.0.1.0/24");
        let other_vpc = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let other = b.subnet("OtherSubnet", other_vpc, "10.1.1.0/24");
        let default = b.nacl("aws_default_network_acl.a", vpc);
        b.network.nacls[default].is_default = true;
        let other_default = b.nacl("OtherDefault", other_vpc);
        b.network.nacls[other_default].is_default = true;
        let unplaced = b.unknown();
        b.network.unplaced_nacl_associations.push(unplaced);
        b.network.units = vec![
            UnitEntities {
                subnets: 0..1,
                unplaced_nacl_associations: 0..1,
                ..Default::default()
            },
            UnitEntities {
                subnets: 1..2,
                unplaced_nacl_associations: 1..1,
                ..Default::default()
            },
        ];
        let index = NaclIndex::new(&b.network);
        assert!(matches!(index.subnet_nacl(app), SubnetNacl::Unknown));
        assert!(matches!(index.subnet_nacl(other), SubnetNacl::Managed(n) if n == other_default));
        b.network.unplaced_nacl_associations.clear();
        let acl = b.nacl("aws_network_acl.a", vpc);
        let unknown_subnet = b.unknown();
        b.network.nacls[acl].subnets.push(unknown_subnet);
        let index = NaclIndex::new(&b.network);
        assert!(matches!(index.subnet_nacl(app), SubnetNacl::Unknown));
        assert!(matches!(index.subnet_nacl(other), SubnetNacl::Managed(n) if n == other_default));
    }
}
