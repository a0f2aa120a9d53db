//! Which VPCs a peering connection joins, and what it does with traffic.

use super::cidr::{overlaps, Containment, VpcBlock, VpcCidrs};
use crate::model::{Network, PeeringId, Provenance, VpcId};
use ipnet::IpNet;

/// The VPC on the other side of a peering connection, seen from one VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerSide {
    Peer(VpcId),
    /// The connection joins two known VPCs, neither of which is this one.
    NotInvolved,
    /// One side is unknown (a VPC outside the analyzed code), so the peer cannot be named.
    Unknown,
}

/// The requester and accepter VPCs, when both are known.
pub fn peering_vpcs(network: &Network, peering: PeeringId) -> Option<(VpcId, VpcId)> {
    let connection = &network.peerings[peering];
    Some((
        connection.requester_vpc.copied()?,
        connection.accepter_vpc.copied()?,
    ))
}

/// The overlapping IPv4 blocks (requester's, accepter's) of the two VPCs a peering
/// connection joins, when both are known: AWS refuses to create a connection that has any,
/// so nothing routed over it is worth a finding of its own.
pub fn overlapping_blocks<'c, 'n>(
    network: &Network,
    cidrs: &'c VpcCidrs<'n>,
    peering: PeeringId,
) -> Vec<(&'c VpcBlock<'n>, &'c VpcBlock<'n>)> {
    let Some((requester, accepter)) = peering_vpcs(network, peering) else {
        return Vec::new();
    };
    if requester == accepter {
        return Vec::new();
    }
    cidrs
        .blocks(requester)
        .iter()
        .flat_map(|r| {
            cidrs
                .blocks(accepter)
                .iter()
                .filter(|a| overlaps(r.net, a.net))
                .map(move |a| (r, a))
        })
        .collect()
}

/// The Regions (requester's, accepter's) of a peering connection that joins two Regions;
/// `Some(None)` for a connection within one Region, `None` when a Region is unknown. A
/// security group reference never matches across Regions.
pub fn inter_region(network: &Network, peering: PeeringId) -> Option<Option<(&str, &str)>> {
    let connection = &network.peerings[peering];
    let accepter = &connection.accepter_region;
    match (
        accepter.provenance,
        accepter.get(),
        connection.requester_region.as_deref(),
    ) {
        (Provenance::Default, Some(_), _) => Some(None),
        (_, Some(a), Some(r)) if a == r => Some(None),
        (_, Some(a), Some(r)) => Some(Some((r, a))),
        _ => None,
    }
}

/// The VPC that `from` reaches over `peering`.
pub fn peer_of(network: &Network, peering: PeeringId, from: VpcId) -> PeerSide {
    let connection = &network.peerings[peering];
    match (
        connection.requester_vpc.copied(),
        connection.accepter_vpc.copied(),
    ) {
        (Some(requester), Some(accepter)) if requester == from => PeerSide::Peer(accepter),
        (Some(requester), Some(accepter)) if accepter == from => PeerSide::Peer(requester),
        (Some(_), Some(_)) => PeerSide::NotInvolved,
        _ => PeerSide::Unknown,
    }
}

/// What a peering connection does with traffic from `from` to `destination`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeeringForwarding {
    /// Delivered into the peer VPC: the destination is inside this block of it.
    ToPeer(VpcId, IpNet),
    /// Dropped: the destination is not (wholly) inside the peer's blocks. Peering is not
    /// transitive and has no edge-to-edge routing through the peer's gateways.
    OutsidePeer(VpcId),
    /// The connection does not involve `from`.
    NotInvolved,
    /// The peer or one of its blocks is unknown.
    Unknown,
}

/// How `peering` forwards traffic from VPC `from` to `destination` (the whole block, IPv4
/// or IPv6: only the peer's blocks of that family count).
pub fn peering_forwarding(
    network: &Network,
    cidrs: &VpcCidrs,
    peering: PeeringId,
    from: VpcId,
    destination: IpNet,
) -> PeeringForwarding {
    match peer_of(network, peering, from) {
        PeerSide::Peer(peer) => match cidrs.family_containment(peer, destination) {
            Containment::Inside(block) => PeeringForwarding::ToPeer(peer, block.net),
            Containment::Outside => PeeringForwarding::OutsidePeer(peer),
            Containment::Unknown => PeeringForwarding::Unknown,
        },
        PeerSide::NotInvolved => PeeringForwarding::NotInvolved,
        PeerSide::Unknown => PeeringForwarding::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;

    #[test]
    fn peer_is_the_other_side_and_unknown_sides_stay_unknown() {
        let mut b = NetworkBuilder::new();
        let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let peer = b.vpc("aws_vpc.b", "10.1.0.0/16");
        let c = b.vpc("aws_vpc.c", "10.2.0.0/16");
        let ab = b.peering("aws_vpc_peering_connection.ab", a, peer);
        let a_unknown = b.peering("aws_vpc_peering_connection.ax", a, peer);
        b.network.peerings[a_unknown].accepter_vpc.value = None;
        let network = b.finish();
        assert_eq!(peer_of(&network, ab, a), PeerSide::Peer(peer));
        assert_eq!(peer_of(&network, ab, peer), PeerSide::Peer(a));
        assert_eq!(peer_of(&network, ab, c), PeerSide::NotInvolved);
        assert_eq!(peer_of(&network, a_unknown, a), PeerSide::Unknown);
        assert_eq!(peering_vpcs(&network, ab), Some((a, peer)));
        assert_eq!(peering_vpcs(&network, a_unknown), None);
    }
}
