//! CIDR sets and containment: the IPv4 blocks of every VPC (primary plus secondary
//! associations) and its IPv6 blocks, indexed by VPC once, and the questions rules ask of
//! them.

use crate::model::{CidrBlockId, Network, VpcId};
use crate::source::Span;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// One IPv4 block of a VPC, as AWS creates it (host bits cleared).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VpcBlock<'n> {
    pub net: Ipv4Net,
    /// The CIDR value as written (the VPC's `cidr_block` or the association's).
    pub span: Span,
    /// Address of the resource that declares the block.
    pub address: &'n str,
    /// `None` for the primary block.
    pub secondary: Option<CidrBlockId>,
}

/// One IPv6 block of a VPC (BYOIP or IPAM with a literal block; Amazon-provided blocks are
/// unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VpcIpv6Block<'n> {
    pub net: Ipv6Net,
    /// The CIDR value as written.
    pub span: Span,
    /// Address of the VPC (the block may be written in an association resource).
    pub address: &'n str,
}

/// A VPC block of either family, for rules that treat IPv4 and IPv6 alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnyBlock<'n> {
    pub net: IpNet,
    pub span: Span,
    pub address: &'n str,
}

impl<'n> From<VpcBlock<'n>> for AnyBlock<'n> {
    fn from(block: VpcBlock<'n>) -> Self {
        AnyBlock {
            net: IpNet::V4(block.net),
            span: block.span,
            address: block.address,
        }
    }
}

impl<'n> From<VpcIpv6Block<'n>> for AnyBlock<'n> {
    fn from(block: VpcIpv6Block<'n>) -> Self {
        AnyBlock {
            net: IpNet::V6(block.net),
            span: block.span,
            address: block.address,
        }
    }
}

/// Where a CIDR lies relative to a VPC's blocks (`B`: [`VpcBlock`], [`VpcIpv6Block`] or
/// [`AnyBlock`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Containment<B> {
    /// Equal to or inside this block.
    Inside(B),
    /// Outside every block, and every block is known.
    Outside,
    /// Outside the known blocks, but the VPC has a block whose value is unknown.
    Unknown,
}

/// The IPv4 blocks of every VPC, in declaration order (primary first).
#[derive(Debug)]
pub struct VpcCidrs<'n> {
    blocks: Vec<Vec<VpcBlock<'n>>>,
    /// The VPC has a block the analyzer cannot know (IPAM, unresolvable value, invalid text).
    incomplete: Vec<bool>,
    ipv6: Vec<Vec<VpcIpv6Block<'n>>>,
    /// The VPC has an IPv6 block the analyzer cannot know (Amazon-provided, IPAM pool).
    ipv6_incomplete: Vec<bool>,
}

impl<'n> VpcCidrs<'n> {
    pub fn new(network: &'n Network) -> Self {
        let mut blocks: Vec<Vec<VpcBlock<'n>>> = Vec::with_capacity(network.vpcs.len());
        let mut incomplete = Vec::with_capacity(network.vpcs.len());
        for vpc in network.vpcs.values() {
            match vpc.cidr.get() {
                Some(cidr) => blocks.push(vec![VpcBlock {
                    net: cidr.network(),
                    span: vpc.cidr.span,
                    address: &vpc.origin.address,
                    secondary: None,
                }]),
                None => blocks.push(Vec::new()),
            }
            incomplete.push(vpc.cidr.value.is_none());
        }
        for (id, block) in network.cidr_blocks.iter() {
            // A secondary block of a VPC outside the analyzed code cannot be attributed.
            let Some(vpc) = block.vpc.copied() else {
                continue;
            };
            let (Some(list), Some(flag)) =
                (blocks.get_mut(vpc.index()), incomplete.get_mut(vpc.index()))
            else {
                continue;
            };
            match block.cidr.get() {
                Some(cidr) => list.push(VpcBlock {
                    net: cidr.network(),
                    span: block.cidr.span,
                    address: &block.origin.address,
                    secondary: Some(id),
                }),
                None => *flag = true,
            }
        }
        let mut ipv6 = Vec::with_capacity(network.vpcs.len());
        let mut ipv6_incomplete = Vec::with_capacity(network.vpcs.len());
        for vpc in network.vpcs.values() {
            let address = vpc.origin.address.as_str();
            ipv6.push(
                vpc.ipv6_cidrs
                    .iter()
                    .filter_map(|field| {
                        Some(VpcIpv6Block {
                            net: field.copied()?.trunc(),
                            span: field.span,
                            address,
                        })
                    })
                    .collect(),
            );
            ipv6_incomplete.push(vpc.ipv6_cidrs.iter().any(|field| field.value.is_none()));
        }
        VpcCidrs {
            blocks,
            incomplete,
            ipv6,
            ipv6_incomplete,
        }
    }

    /// The known blocks of a VPC, primary first.
    pub fn blocks(&self, vpc: VpcId) -> &[VpcBlock<'n>] {
        self.blocks.get(vpc.index()).map_or(&[], Vec::as_slice)
    }

    /// Every block of the VPC is known.
    pub fn is_complete(&self, vpc: VpcId) -> bool {
        !self.incomplete.get(vpc.index()).copied().unwrap_or(true)
    }

    /// Whether `net` is equal to or inside one of the VPC's blocks.
    pub fn containment(&self, vpc: VpcId, net: Ipv4Net) -> Containment<VpcBlock<'n>> {
        match self.blocks(vpc).iter().find(|b| b.net.contains(&net)) {
            Some(block) => Containment::Inside(*block),
            None if self.is_complete(vpc) => Containment::Outside,
            None => Containment::Unknown,
        }
    }

    /// The first block of the VPC that overlaps `net`.
    pub fn overlapping(&self, vpc: VpcId, net: Ipv4Net) -> Option<&VpcBlock<'n>> {
        self.blocks(vpc).iter().find(|b| overlaps(b.net, net))
    }

    /// `10.0.0.0/16, 10.9.0.0/16`: the VPC's known blocks for a message.
    pub fn describe(&self, vpc: VpcId) -> String {
        join_nets(self.blocks(vpc).iter().map(|b| b.net))
    }

    /// The known IPv6 blocks of a VPC, in declaration order.
    pub fn ipv6_blocks(&self, vpc: VpcId) -> &[VpcIpv6Block<'n>] {
        self.ipv6.get(vpc.index()).map_or(&[], Vec::as_slice)
    }

    /// Every IPv6 block of the VPC is known, and it has one. A VPC with no IPv6 block in
    /// the code counts as unknown: IPv6 is often associated later, by other code.
    pub fn ipv6_is_complete(&self, vpc: VpcId) -> bool {
        !self
            .ipv6_incomplete
            .get(vpc.index())
            .copied()
            .unwrap_or(true)
            && !self.ipv6_blocks(vpc).is_empty()
    }

    /// Whether `net` is equal to or inside one of the VPC's IPv6 blocks.
    pub fn ipv6_containment(&self, vpc: VpcId, net: Ipv6Net) -> Containment<VpcIpv6Block<'n>> {
        match self.ipv6_blocks(vpc).iter().find(|b| b.net.contains(&net)) {
            Some(block) => Containment::Inside(*block),
            None if self.ipv6_is_complete(vpc) => Containment::Outside,
            None => Containment::Unknown,
        }
    }

    /// Whether an IPv4 or IPv6 `net` is equal to or inside one of the VPC's blocks of its
    /// family: the block's CIDR and span when inside.
    pub fn family_containment(&self, vpc: VpcId, net: IpNet) -> Containment<AnyBlock<'n>> {
        match net {
            IpNet::V4(net) => self.containment(vpc, net).map(AnyBlock::from),
            IpNet::V6(net) => self.ipv6_containment(vpc, net).map(AnyBlock::from),
        }
    }

    /// The VPC's known blocks of the family of `net`.
    pub fn family_blocks(&self, vpc: VpcId, net: IpNet) -> Vec<AnyBlock<'n>> {
        match net {
            IpNet::V4(_) => self.blocks(vpc).iter().map(|&b| b.into()).collect(),
            IpNet::V6(_) => self.ipv6_blocks(vpc).iter().map(|&b| b.into()).collect(),
        }
    }

    /// Every block of the VPC is known, in the family of `net`.
    pub fn family_is_complete(&self, vpc: VpcId, net: IpNet) -> bool {
        match net {
            IpNet::V4(_) => self.is_complete(vpc),
            IpNet::V6(_) => self.ipv6_is_complete(vpc),
        }
    }

    /// The VPC's known blocks of the family of `net`, for a message.
    pub fn describe_family(&self, vpc: VpcId, net: IpNet) -> String {
        match net {
            IpNet::V4(_) => self.describe(vpc),
            IpNet::V6(_) => join_nets(self.ipv6_blocks(vpc).iter().map(|b| b.net)),
        }
    }
}

impl<B> Containment<B> {
    pub fn map<C>(self, f: impl FnOnce(B) -> C) -> Containment<C> {
        match self {
            Containment::Inside(block) => Containment::Inside(f(block)),
            Containment::Outside => Containment::Outside,
            Containment::Unknown => Containment::Unknown,
        }
    }
}

/// Two CIDRs overlap exactly when one contains the other.
pub fn overlaps(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b) || b.contains(&a)
}

/// Comma-separated CIDRs for a message.
pub fn join_nets<N: std::fmt::Display>(nets: impl IntoIterator<Item = N>) -> String {
    nets.into_iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every overlapping pair among `items` (any order), found by a sweep over the
/// blocks sorted by first address: CIDRs either nest or are disjoint, so the blocks still
/// open at a given start form a chain, and the cost is O(n log n + pairs).
pub fn overlapping_pairs<T: Copy>(items: &[(Ipv4Net, T)]) -> Vec<(T, T)> {
    let mut sorted: Vec<&(Ipv4Net, T)> = items.iter().collect();
    sorted.sort_by_key(|(net, _)| (net.network(), net.prefix_len()));
    let mut open: Vec<&(Ipv4Net, T)> = Vec::new();
    let mut pairs = Vec::new();
    for item in sorted {
        while open
            .last()
            .is_some_and(|(net, _)| net.broadcast() < item.0.network())
        {
            open.pop();
        }
        pairs.extend(open.iter().map(|(_, other)| (*other, item.1)));
        open.push(item);
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{net, NetworkBuilder};

    #[test]
    fn vpc_blocks_are_primary_then_secondary_with_host_bits_cleared() {
        let mut b = NetworkBuilder::new();
        b.host_bits = crate::model::HostBitsHandling::Truncated;
        let vpc = b.vpc("Vpc", "10.0.1.0/16");
        b.secondary_cidr("Secondary", vpc, "10.9.0.0/16");
        let network = b.finish();
        let cidrs = VpcCidrs::new(&network);
        let nets: Vec<_> = cidrs.blocks(vpc).iter().map(|b| b.net).collect();
        assert_eq!(nets, vec![net("10.0.0.0/16"), net("10.9.0.0/16")]);
        assert_eq!(cidrs.blocks(vpc)[1].address, "Secondary");
        assert_eq!(cidrs.describe(vpc), "10.0.0.0/16, 10.9.0.0/16");
    }

    #[test]
    fn containment_uses_secondary_blocks() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        b.secondary_cidr("aws_vpc_ipv4_cidr_block_association.a", vpc, "10.9.0.0/16");
        let network = b.finish();
        let cidrs = VpcCidrs::new(&network);
        assert!(matches!(
            cidrs.containment(vpc, net("10.9.3.0/24")),
            Containment::Inside(block) if block.secondary.is_some()
        ));
        assert!(matches!(
            cidrs.containment(vpc, net("10.0.0.0/16")),
            Containment::Inside(block) if block.secondary.is_none()
        ));
        assert_eq!(
            cidrs.containment(vpc, net("10.1.0.0/24")),
            Containment::Outside
        );
        // A supernet of a block is not inside it.
        assert_eq!(
            cidrs.containment(vpc, net("10.0.0.0/8")),
            Containment::Outside
        );
    }

    #[test]
    fn an_unknown_block_makes_outside_unknown() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let secondary =
            b.secondary_cidr("aws_vpc_ipv4_cidr_block_association.a", vpc, "10.9.0.0/16");
        b.network.cidr_blocks[secondary].cidr.value = None;
        let ipam = b.vpc_unknown_cidr("aws_vpc.ipam");
        let network = b.finish();
        let cidrs = VpcCidrs::new(&network);
        assert!(!cidrs.is_complete(vpc));
        assert_eq!(
            cidrs.containment(vpc, net("10.9.0.0/24")),
            Containment::Unknown
        );
        assert!(matches!(
            cidrs.containment(vpc, net("10.0.0.0/24")),
            Containment::Inside(_)
        ));
        assert_eq!(
            cidrs.containment(ipam, net("10.0.0.0/24")),
            Containment::Unknown
        );
        assert!(cidrs.blocks(ipam).is_empty());
    }

    #[test]
    fn overlap_is_containment_either_way_and_adjacent_blocks_do_not_overlap() {
        assert!(overlaps(net("10.0.0.0/16"), net("10.0.5.0/24")));
        assert!(overlaps(net("10.0.5.0/24"), net("10.0.0.0/16")));
        assert!(overlaps(net("10.0.0.0/24"), net("10.0.0.0/24")));
        assert!(!overlaps(net("10.0.0.0/24"), net("10.0.1.0/24")));
        assert!(!overlaps(net("10.0.0.0/16"), net("10.1.0.0/16")));
    }

    #[test]
    fn overlapping_pairs_finds_every_pair_and_no_adjacent_one() {
        let items = [
            (net("10.0.1.0/24"), 'a'),
            (net("10.0.0.0/16"), 'b'),
            (net("10.0.2.0/24"), 'c'),
            (net("10.0.1.128/25"), 'd'),
            (net("10.1.0.0/16"), 'e'),
            (net("10.0.1.0/24"), 'f'),
        ];
        let mut pairs: Vec<(char, char)> = overlapping_pairs(&items)
            .into_iter()
            .map(|(x, y)| if x < y { (x, y) } else { (y, x) })
            .collect();
        pairs.sort();
        assert_eq!(
            pairs,
            vec![
                ('a', 'b'),
                ('a', 'd'),
                ('a', 'f'),
                ('b', 'c'),
                ('b', 'd'),
                ('b', 'f'),
                ('d', 'f'),
            ]
        );
    }

    #[test]
    fn ipv6_containment_needs_every_block_known_and_at_least_one() {
        let mut b = NetworkBuilder::new();
        let dual = b.vpc("aws_vpc.dual", "10.0.0.0/16");
        b.ipv6_block(dual, "2001:db8:a::/56");
        let v4_only = b.vpc("aws_vpc.v4", "10.1.0.0/16");
        let amazon = b.vpc("aws_vpc.amazon", "10.2.0.0/16");
        b.ipv6_block(amazon, "2001:db8:b::/56");
        let unknown = b.unknown();
        b.network.vpcs[amazon].ipv6_cidrs.push(unknown);
        let network = b.finish();
        let cidrs = VpcCidrs::new(&network);
        let v6 = |text: &str| -> Ipv6Net { text.parse().unwrap() };
        assert!(matches!(
            cidrs.ipv6_containment(dual, v6("2001:db8:a:1::/64")),
            Containment::Inside(block) if block.address == "aws_vpc.dual"
        ));
        assert_eq!(
            cidrs.ipv6_containment(dual, v6("2001:db8:c::/56")),
            Containment::Outside
        );
        assert_eq!(
            cidrs.ipv6_containment(v4_only, v6("2001:db8:c::/56")),
            Containment::Unknown
        );
        assert_eq!(
            cidrs.ipv6_containment(amazon, v6("2001:db8:c::/56")),
            Containment::Unknown
        );
        assert_eq!(
            cidrs.family_containment(dual, "10.0.4.0/24".parse().unwrap()),
            Containment::Inside(cidrs.blocks(dual)[0].into())
        );
    }
}
