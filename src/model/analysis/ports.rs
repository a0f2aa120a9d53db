//! Port-range algebra and protocol matching, shared by the NACL and security-group
//! analyses. Ports are destination ports; only TCP and UDP have them.

use crate::model::{PortRange, Protocol};
use std::fmt;

/// The port range every client OS and AWS service picks its source ports from, at most
/// (Linux 32768–60999, Windows 49152–65535, NAT gateways and ELB 1024–65535).
pub const EPHEMERAL_PORTS: PortRange = PortRange {
    from: 1024,
    to: 65535,
};

/// A range this wide inside [`EPHEMERAL_PORTS`] is opened for replies, not for a service.
const EPHEMERAL_MIN_WIDTH: u32 = 1000;

impl PortRange {
    /// The range `from..=to`, or `None` when `from > to`.
    pub fn new(from: u16, to: u16) -> Option<PortRange> {
        (from <= to).then_some(PortRange { from, to })
    }

    pub fn single(port: u16) -> PortRange {
        PortRange {
            from: port,
            to: port,
        }
    }

    /// Number of ports in the range.
    pub fn width(self) -> u32 {
        u32::from(self.to) - u32::from(self.from) + 1
    }

    pub fn contains_port(self, port: u16) -> bool {
        self.from <= port && port <= self.to
    }

    /// Whether every port of `other` is in `self`.
    pub fn contains(self, other: PortRange) -> bool {
        self.from <= other.from && other.to <= self.to
    }

    pub fn intersects(self, other: PortRange) -> bool {
        self.from <= other.to && other.from <= self.to
    }

    pub fn intersection(self, other: PortRange) -> Option<PortRange> {
        PortRange::new(self.from.max(other.from), self.to.min(other.to))
    }

    /// Within 1024–65535 and at least 1000 ports wide: a range opened for return traffic.
    pub fn is_ephemeral(self) -> bool {
        EPHEMERAL_PORTS.contains(self) && self.width() >= EPHEMERAL_MIN_WIDTH
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

impl Protocol {
    /// Whether the protocol has ports (TCP and UDP); port ranges of other protocols are
    /// ignored by AWS.
    pub fn has_ports(self) -> bool {
        self == Protocol::TCP || self == Protocol::UDP
    }

    /// Whether the protocol's entries and rules name ICMP messages (ICMP and ICMPv6), which
    /// the analyses match as ports (see [`IcmpMessages::as_range`]).
    ///
    /// [`IcmpMessages::as_range`]: crate::model::IcmpMessages::as_range
    pub fn has_icmp_messages(self) -> bool {
        self == Protocol::ICMP || self == Protocol::ICMPV6
    }

    /// Whether a rule for `self` matches traffic of protocol `traffic`: `All` matches
    /// everything, otherwise the numbers must be equal.
    pub fn matches(self, traffic: Protocol) -> bool {
        self == Protocol::All || self == traffic
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Protocol::All => f.write_str("all traffic"),
            Protocol::TCP => f.write_str("tcp"),
            Protocol::UDP => f.write_str("udp"),
            Protocol::ICMP => f.write_str("icmp"),
            Protocol::ICMPV6 => f.write_str("icmpv6"),
            Protocol::Number(n) => write!(f, "protocol {n}"),
        }
    }
}

/// The ports a rule of protocol `rule_protocol` with port range `rule_ports` opens for
/// traffic of protocol `traffic` (TCP or UDP), or `None` when the rule does not match it.
/// Protocol `All` opens every port whatever range is written.
pub fn matched_ports(
    rule_protocol: Protocol,
    rule_ports: PortRange,
    traffic: Protocol,
) -> Option<PortRange> {
    if rule_protocol == Protocol::All {
        Some(PortRange::ALL)
    } else if rule_protocol == traffic {
        Some(if traffic.has_ports() {
            rule_ports
        } else {
            PortRange::ALL
        })
    } else {
        None
    }
}

/// A set of ports: sorted, disjoint, non-adjacent ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortSet {
    ranges: Vec<PortRange>,
}

impl PortSet {
    pub fn empty() -> PortSet {
        PortSet::default()
    }

    pub fn of(range: PortRange) -> PortSet {
        PortSet {
            ranges: vec![range],
        }
    }

    /// The union of `ranges`.
    pub fn union_of(ranges: impl IntoIterator<Item = PortRange>) -> PortSet {
        let mut sorted: Vec<PortRange> = ranges.into_iter().collect();
        sorted.sort_unstable();
        let mut merged: Vec<PortRange> = Vec::with_capacity(sorted.len());
        for range in sorted {
            match merged.last_mut() {
                Some(last) if u32::from(range.from) <= u32::from(last.to) + 1 => {
                    last.to = last.to.max(range.to);
                }
                _ => merged.push(range),
            }
        }
        PortSet { ranges: merged }
    }

    pub fn ranges(&self) -> &[PortRange] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether every port of `range` is in the set.
    pub fn covers(&self, range: PortRange) -> bool {
        self.ranges.iter().any(|r| r.contains(range))
    }

    pub fn intersects(&self, range: PortRange) -> bool {
        self.ranges.iter().any(|r| r.intersects(range))
    }

    pub fn insert(&mut self, range: PortRange) {
        let ranges = std::mem::take(&mut self.ranges);
        *self = PortSet::union_of(ranges.into_iter().chain([range]));
    }

    /// The set without the ports of `range`.
    pub fn without(&self, range: PortRange) -> PortSet {
        let mut ranges = Vec::with_capacity(self.ranges.len() + 1);
        for &r in &self.ranges {
            if !r.intersects(range) {
                ranges.push(r);
                continue;
            }
            if r.from < range.from {
                ranges.push(PortRange {
                    from: r.from,
                    to: range.from - 1,
                });
            }
            if range.to < r.to {
                ranges.push(PortRange {
                    from: range.to + 1,
                    to: r.to,
                });
            }
        }
        PortSet { ranges }
    }

    /// The ports of the set that are also in `range`.
    pub fn intersection(&self, range: PortRange) -> PortSet {
        PortSet {
            ranges: self
                .ranges
                .iter()
                .filter_map(|r| r.intersection(range))
                .collect(),
        }
    }
}

impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, range) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{range}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(from: u16, to: u16) -> PortRange {
        PortRange { from, to }
    }

    #[test]
    fn range_containment_and_intersection() {
        assert!(r(0, 65535).contains(r(22, 22)));
        assert!(!r(23, 100).contains(r(22, 30)));
        assert!(r(20, 22).intersects(r(22, 80)));
        assert!(!r(20, 21).intersects(r(22, 80)));
        assert_eq!(r(20, 30).intersection(r(25, 80)), Some(r(25, 30)));
        assert_eq!(r(20, 24).intersection(r(25, 80)), None);
        assert_eq!(PortRange::new(5, 4), None);
        assert_eq!(r(0, 65535).width(), 65536);
    }

    #[test]
    fn ephemeral_means_inside_1024_65535_and_1000_wide() {
        assert!(r(1024, 65535).is_ephemeral());
        assert!(r(32768, 60999).is_ephemeral());
        assert!(r(49152, 65535).is_ephemeral());
        assert!(
            !r(0, 65535).is_ephemeral(),
            "all ports is not a return range"
        );
        assert!(!r(1000, 2000).is_ephemeral(), "starts below 1024");
        assert!(!r(8000, 8998).is_ephemeral(), "999 ports wide");
        assert!(r(8000, 8999).is_ephemeral());
        assert!(!r(443, 443).is_ephemeral());
    }

    #[test]
    fn union_merges_overlapping_and_adjacent_ranges() {
        let set = PortSet::union_of([r(100, 200), r(50, 60), r(201, 300), r(55, 99)]);
        assert_eq!(set.ranges(), &[r(50, 300)]);
        let set = PortSet::union_of([r(0, 10), r(12, 20)]);
        assert_eq!(set.ranges(), &[r(0, 10), r(12, 20)]);
        assert!(!set.covers(r(5, 15)));
        assert!(set.covers(r(12, 20)));
        assert!(set.intersects(r(11, 12)));
        assert!(!set.intersects(r(11, 11)));
    }

    #[test]
    fn without_splits_and_trims() {
        let set = PortSet::of(r(0, 65535)).without(r(22, 22));
        assert_eq!(set.ranges(), &[r(0, 21), r(23, 65535)]);
        assert!(PortSet::of(r(22, 22)).without(r(0, 65535)).is_empty());
        let set = PortSet::of(r(0, 65535)).without(r(0, 1023));
        assert_eq!(set.ranges(), &[EPHEMERAL_PORTS]);
        let mut set = PortSet::empty();
        set.insert(r(10, 20));
        set.insert(r(21, 30));
        assert_eq!(set.ranges(), &[r(10, 30)]);
        assert_eq!(set.intersection(r(15, 100)).ranges(), &[r(15, 30)]);
        assert_eq!(set.to_string(), "10-30");
    }

    #[test]
    fn protocol_all_matches_everything_and_opens_all_ports() {
        assert!(Protocol::All.matches(Protocol::TCP));
        assert!(Protocol::TCP.matches(Protocol::TCP));
        assert!(!Protocol::UDP.matches(Protocol::TCP));
        assert!(!Protocol::TCP.matches(Protocol::All));
        assert_eq!(
            matched_ports(Protocol::All, r(0, 0), Protocol::TCP),
            Some(PortRange::ALL)
        );
        assert_eq!(
            matched_ports(Protocol::TCP, r(443, 443), Protocol::TCP),
            Some(r(443, 443))
        );
        assert_eq!(matched_ports(Protocol::UDP, r(53, 53), Protocol::TCP), None);
        assert_eq!(
            matched_ports(Protocol::ICMP, r(3, 4), Protocol::ICMP),
            Some(PortRange::ALL)
        );
        assert_eq!(Protocol::TCP.to_string(), "tcp");
        assert_eq!(r(1024, 65535).to_string(), "1024-65535");
    }
}
