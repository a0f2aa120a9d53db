//! Network ACL evaluation: entries per direction in rule-number order, the first matching
//! entry wins, anything unmatched hits the implicit final deny. An entry whose number,
//! protocol, CIDR, ports or action is unknown makes the answer unknown from that entry on.

use super::ports::{matched_ports, PortSet};
use crate::model::{
    Direction, NaclAction, NaclEntry, NaclEntryId, NaclId, Network, PortRange, Protocol, SubnetId,
};
use ipnet::IpNet;
use std::collections::HashMap;
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
    /// Some NACL has a subnet association whose subnet is unknown.
    unknown_association: bool,
}

impl<'n> NaclIndex<'n> {
    pub fn new(network: &'n Network) -> Self {
        let mut entries: Vec<OrderedEntries> = (0..network.nacls.len())
            .map(|_| OrderedEntries {
                ingress: Some(Vec::new()),
                egress: Some(Vec::new()),
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
        let mut unknown_association = false;
        for (nacl_id, nacl) in network.nacls.iter() {
            for subnet in &nacl.subnets {
                match subnet.copied() {
                    Some(subnet) => {
                        explicit.insert(subnet, nacl_id);
                    }
                    None => unknown_association = true,
                }
            }
        }
        NaclIndex {
            network,
            entries,
            explicit,
            unknown_association,
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
        if self.unknown_association {
            return None;
        }
        let vpc = self.network.subnets[subnet].vpc.copied()?;
        self.network
            .nacls
            .iter()
            .find(|(_, nacl)| nacl.is_default && nacl.vpc.copied() == Some(vpc))
            .map(|(id, _)| id)
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

/// The CIDR and the ports (for `protocol` traffic) an entry matches, when both are known;
/// the inner `None` when the entry is for another protocol. `None` when unknown.
fn known_rectangle(entry: &NaclEntry, protocol: Protocol) -> Option<(IpNet, Option<PortRange>)> {
    let cidr = entry.cidr.copied()?.trunc();
    let entry_protocol = entry.protocol.copied()?;
    if !entry_protocol.matches(protocol) {
        return Some((cidr, None));
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
        cidr.map_or(true, |c| c.contains(region) || region.contains(&c))
            && ports.map_or(true, |p| region_ports.intersects(p))
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
