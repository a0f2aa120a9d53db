//! `nacl-missing-return-traffic`: a NACL that lets a TCP/UDP flow in (or out) but lets
//! none of its replies back: NACLs are stateless.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::nacl::NaclIndex;
use crate::model::analysis::ports::EPHEMERAL_PORTS;
use crate::model::{
    Direction, NaclAction, NaclEntry, NaclEntryId, NaclId, Network, PortRange, Protocol,
};
use ipnet::IpNet;
use std::collections::HashMap;

pub struct NaclMissingReturnTraffic;

static META: RuleMeta = RuleMeta {
    name: "nacl-missing-return-traffic",
    level: Level::Error,
    summary: "A network ACL allows a flow in one direction but none of its replies in the other.",
    doc: include_str!("../../rules/nacl-missing-return-traffic.md"),
};

/// AWS allows at most 40 entries per direction; past this the input is not a real NACL and
/// the pairwise evaluation is not worth its cost.
const MAX_ENTRIES_PER_DIRECTION: usize = 1000;

/// A TCP/UDP flow an allow entry opens, as (protocol, destination ports, peer).
struct Flow {
    entry: NaclEntryId,
    direction: Direction,
    protocol: Protocol,
    ports: PortRange,
    peer: IpNet,
}

impl Rule for NaclMissingReturnTraffic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let index = NaclIndex::new(network);
        let mut findings = Vec::new();
        for (nacl, _) in network.nacls.iter() {
            let mut without_return = Vec::new();
            for direction in [Direction::Ingress, Direction::Egress] {
                let Some(order) = index.ordered(nacl, direction) else {
                    continue;
                };
                if order.len() > MAX_ENTRIES_PER_DIRECTION {
                    continue;
                }
                let mut no_return: HashMap<(Protocol, IpNet), bool> = HashMap::new();
                for &entry in order {
                    let Some(flow) = service_flow(entry, &network.nacl_entries[entry]) else {
                        continue;
                    };
                    let returnless =
                        *no_return
                            .entry((flow.protocol, flow.peer))
                            .or_insert_with(|| {
                                index
                                    .allowed(
                                        nacl,
                                        opposite(direction),
                                        flow.protocol,
                                        flow.peer,
                                        EPHEMERAL_PORTS,
                                    )
                                    .allows_none()
                            });
                    // Only a flow the entry itself lets through needs a return path.
                    let reached = returnless
                        && index
                            .allowed(nacl, direction, flow.protocol, flow.peer, flow.ports)
                            .regions
                            .iter()
                            .any(|region| region.entry == entry);
                    if reached {
                        without_return.push(flow);
                    }
                }
            }
            if !without_return.is_empty() {
                findings.push(finding(network, nacl, &without_return));
            }
        }
        findings
    }
}

/// The flow an entry opens when it is a known TCP/UDP allow entry for a service, not an
/// ephemeral (return) range.
fn service_flow(id: NaclEntryId, entry: &NaclEntry) -> Option<Flow> {
    let protocol = entry.protocol.copied().filter(|p| p.has_ports())?;
    let ports = entry.ports.copied()?;
    let is_return_range = ports.is_ephemeral() || ports.contains(EPHEMERAL_PORTS);
    (entry.action.copied()? == NaclAction::Allow && !is_return_range).then_some(Flow {
        entry: id,
        direction: entry.direction,
        protocol,
        ports,
        peer: entry.cidr.copied()?.trunc(),
    })
}

fn opposite(direction: Direction) -> Direction {
    match direction {
        Direction::Ingress => Direction::Egress,
        Direction::Egress => Direction::Ingress,
    }
}

/// `inbound ... from`, `outbound ... to`.
fn words(direction: Direction) -> (&'static str, &'static str) {
    match direction {
        Direction::Ingress => ("inbound", "from"),
        Direction::Egress => ("outbound", "to"),
    }
}

fn finding(network: &Network, nacl: NaclId, flows: &[Flow]) -> Finding {
    let nacl = &network.nacls[nacl];
    let describe = |flow: &Flow| {
        let (way, preposition) = words(flow.direction);
        let (back, back_preposition) = words(opposite(flow.direction));
        let number = network.nacl_entries[flow.entry]
            .rule_number
            .copied()
            .unwrap_or_default();
        format!(
            "{way} {} {} {preposition} {} is allowed by rule {number}, but no {back} rule \
             allows {} {EPHEMERAL_PORTS} {back_preposition} {}",
            flow.protocol, flow.ports, flow.peer, flow.protocol, flow.peer
        )
    };
    let descriptions: Vec<String> = flows.iter().map(describe).collect();
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "{}: NACLs are stateless, so the replies are dropped",
            descriptions.join("; ")
        ),
        primary: Label::of(
            nacl.origin.name_span,
            &nacl.origin,
            "no return path for these flows",
        ),
        related: flows
            .iter()
            .map(|flow| {
                let entry = &network.nacl_entries[flow.entry];
                let (way, preposition) = words(flow.direction);
                Label::of(
                    entry.rule_number.span,
                    &entry.origin,
                    format!(
                        "allows {way} {} {} {preposition} {}",
                        flow.protocol, flow.ports, flow.peer
                    ),
                )
            })
            .collect(),
        help: format!(
            "add an allow entry in the other direction for the ephemeral ports \
             ({EPHEMERAL_PORTS}, or the range your clients use) to each peer, numbered before \
             any deny entry that covers it"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{NaclEntrySpec, NaclFixture};
    use crate::model::Direction::{Egress, Ingress};
    use crate::model::NaclAction::{Allow, Deny};

    fn r(from: u16, to: u16) -> PortRange {
        PortRange { from, to }
    }

    fn check(entries: &[NaclEntrySpec]) -> Vec<Finding> {
        NaclMissingReturnTraffic.check(&NaclFixture::with(entries).b.finish())
    }

    /// Inbound HTTPS from anywhere, and the outbound ephemeral ports of its replies.
    fn https_with_return() -> [NaclEntrySpec<'static>; 2] {
        [
            (100, Ingress, Protocol::TCP, Allow, "0.0.0.0/0", r(443, 443)),
            (
                100,
                Egress,
                Protocol::TCP,
                Allow,
                "0.0.0.0/0",
                r(1024, 65535),
            ),
        ]
    }

    #[test]
    fn flags_inbound_https_without_outbound_ephemeral() {
        let findings = check(&[
            (100, Ingress, Protocol::TCP, Allow, "0.0.0.0/0", r(443, 443)),
            (100, Egress, Protocol::TCP, Allow, "0.0.0.0/0", r(443, 443)),
        ]);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "inbound tcp 443 from 0.0.0.0/0 is allowed by rule 100, but no outbound rule allows \
             tcp 1024-65535 to 0.0.0.0/0; outbound tcp 443 to 0.0.0.0/0 is allowed by rule 100, \
             but no inbound rule allows tcp 1024-65535 from 0.0.0.0/0: NACLs are stateless, so \
             the replies are dropped"
        );
        assert_eq!(findings[0].primary.address, "aws_network_acl.a");
        assert_eq!(findings[0].related.len(), 2);
    }

    #[test]
    fn flags_when_an_earlier_deny_removes_every_return_port() {
        let findings = check(&[
            (100, Ingress, Protocol::UDP, Allow, "10.1.0.0/16", r(53, 53)),
            (90, Egress, Protocol::All, Deny, "10.0.0.0/8", r(0, 65535)),
            (
                100,
                Egress,
                Protocol::UDP,
                Allow,
                "10.1.0.0/16",
                r(1024, 65535),
            ),
        ]);
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .starts_with("inbound udp 53 from 10.1.0.0/16"));
    }

    #[test]
    fn passes_with_an_ephemeral_return_entry() {
        let findings = check(&https_with_return());
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn near_misses_pass() {
        // Return allowed by a broader entry of another protocol number (-1).
        let broader = check(&[
            (
                100,
                Ingress,
                Protocol::TCP,
                Allow,
                "10.1.0.0/16",
                r(443, 443),
            ),
            (100, Egress, Protocol::All, Allow, "10.0.0.0/8", r(0, 0)),
        ]);
        assert!(broader.is_empty());
        // Some return path exists to part of the peer: not "none".
        let partial = check(&[
            (100, Ingress, Protocol::TCP, Allow, "0.0.0.0/0", r(22, 22)),
            (
                100,
                Egress,
                Protocol::TCP,
                Allow,
                "192.168.0.0/16",
                r(32768, 60999),
            ),
        ]);
        assert!(partial.is_empty());
        // An ephemeral allow entry is a return entry, not a flow needing a return.
        let ephemeral_only = check(&[(
            100,
            Ingress,
            Protocol::TCP,
            Allow,
            "0.0.0.0/0",
            r(1024, 65535),
        )]);
        assert!(ephemeral_only.is_empty());
        // A flow entry shadowed by an earlier deny opens nothing.
        let shadowed = check(&[
            (50, Ingress, Protocol::All, Deny, "0.0.0.0/0", r(0, 0)),
            (100, Ingress, Protocol::TCP, Allow, "0.0.0.0/0", r(443, 443)),
        ]);
        assert!(shadowed.is_empty());
        // A deny entry is not a flow.
        let deny = check(&[(100, Ingress, Protocol::TCP, Deny, "0.0.0.0/0", r(22, 22))]);
        assert!(deny.is_empty());
    }

    #[test]
    fn unknown_values_stay_silent() {
        // Silent when the last of `entries` has an unknown value.
        let silent = |entries: &[NaclEntrySpec], unknown: fn(&mut NaclEntry)| {
            let mut acl = NaclFixture::with(entries);
            unknown(&mut acl.b.network.nacl_entries[NaclEntryId::new(entries.len() - 1)]);
            NaclMissingReturnTraffic.check(&acl.b.finish()).is_empty()
        };
        let https = https_with_return();
        assert!(
            silent(&https, |e| e.cidr.value = None),
            "the return entry may cover the peer"
        );
        assert!(
            silent(&https, |e| e.rule_number.value = None),
            "the order of the return entries is unknown"
        );
        assert!(
            silent(&https[..1], |e| e.ports.value = None),
            "the flow itself is unknown"
        );
    }
}
