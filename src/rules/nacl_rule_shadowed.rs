//! `nacl-rule-shadowed`: a NACL entry that never matches because a lower-numbered entry of
//! the same direction matches all of its traffic first.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::nacl::entry_covers;
use crate::model::{
    Direction, IcmpMessages, NaclAction, NaclEntry, NaclId, Network, PortRange, Protocol,
    Provenance,
};
use std::collections::HashMap;

pub struct NaclRuleShadowed;

static META: RuleMeta = RuleMeta {
    name: "nacl-rule-shadowed",
    level: Level::Warning,
    summary: "A NACL entry can never match: a lower-numbered entry matches all of its traffic.",
    doc: include_str!("../../rules/nacl-rule-shadowed.md"),
};

/// AWS allows at most 40 entries per direction; past this the pairwise scan is not worth it.
const MAX_ENTRIES_PER_DIRECTION: usize = 1000;

impl Rule for NaclRuleShadowed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        // Each NACL's entries of known number, by direction. Entries the model lacks (an
        // entry of unknown NACL or number) cannot make a known entry match first or not.
        let mut by_nacl: HashMap<(NaclId, bool), Vec<&NaclEntry>> = HashMap::new();
        for entry in network.nacl_entries.values() {
            if let (Some(nacl), Some(_)) = (entry.nacl.copied(), entry.rule_number.copied()) {
                let ingress = entry.direction == Direction::Ingress;
                by_nacl.entry((nacl, ingress)).or_default().push(entry);
            }
        }
        let mut lists: Vec<((NaclId, bool), Vec<&NaclEntry>)> = by_nacl.into_iter().collect();
        lists.sort_unstable_by_key(|&(key, _)| key);
        let mut findings = Vec::new();
        for (_, mut order) in lists {
            if order.len() > MAX_ENTRIES_PER_DIRECTION {
                continue;
            }
            order.sort_by_key(|entry| entry.rule_number.copied());
            for (position, later) in order.iter().enumerate() {
                let shadowing = order[..position].iter().find(|earlier| {
                    earlier.rule_number.copied() < later.rule_number.copied()
                        && entry_covers(earlier, later) == Some(true)
                });
                if let Some(earlier) = shadowing {
                    findings.push(finding(earlier, later));
                }
            }
        }
        findings
    }
}

/// `rule 100 (allow all traffic from 0.0.0.0/0)`.
fn describe(entry: &NaclEntry) -> String {
    let number = entry.rule_number.copied().unwrap_or_default();
    let action = match entry.action.copied() {
        Some(NaclAction::Allow) => "allow",
        Some(NaclAction::Deny) => "deny",
        None => "unknown action",
    };
    let preposition = match entry.direction {
        Direction::Ingress => "from",
        Direction::Egress => "to",
    };
    let traffic = match (entry.protocol.copied(), entry.ports.copied()) {
        (Some(p), Some(ports)) if p.has_ports() && ports != PortRange::ALL => {
            format!("{p} {ports}")
        }
        (Some(p @ Protocol::All), _) => p.to_string(),
        (Some(p), _) => match entry.icmp.copied() {
            Some(messages) if messages != IcmpMessages::ALL => format!("{p} {messages}"),
            Some(_) => format!("all {p}"),
            None => format!("{p} of unknown type"),
        },
        (None, _) => "unknown protocol".to_string(),
    };
    let cidr = entry
        .cidr
        .copied()
        .map(|c| c.to_string())
        .unwrap_or_default();
    format!("rule {number} ({action} {traffic} {preposition} {cidr})")
}

fn finding(earlier: &NaclEntry, later: &NaclEntry) -> Finding {
    let way = match later.direction {
        Direction::Ingress => "inbound",
        Direction::Egress => "outbound",
    };
    // AWS's own entry of a default NACL the code only references.
    let whose = if earlier.rule_number.provenance == Provenance::Default {
        ", the entry AWS gives every default NACL,"
    } else {
        ""
    };
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "{way} {} never matches: {}{whose} matches all of its traffic first",
            describe(later),
            describe(earlier)
        ),
        primary: Label::of(later.rule_number.span, &later.origin, "never matches"),
        related: vec![Label::of(
            earlier.rule_number.span,
            &earlier.origin,
            "matches all of its traffic first",
        )],
        help: "give the entry a lower rule number than the broader one if it should apply, or \
               remove it"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NaclFixture;
    use crate::model::Direction::{Egress, Ingress};
    use crate::model::NaclAction::{Allow, Deny};

    fn r(from: u16, to: u16) -> PortRange {
        PortRange { from, to }
    }

    #[test]
    fn flags_a_deny_after_a_broader_allow() {
        let mut acl = NaclFixture::new();
        acl.entry((100, Ingress, Protocol::All, Allow, "0.0.0.0/0", r(0, 0)));
        let deny = acl.entry((
            200,
            Ingress,
            Protocol::TCP,
            Deny,
            "198.51.100.0/24",
            r(22, 22),
        ));
        let network = acl.b.finish();
        let findings = NaclRuleShadowed.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "inbound rule 200 (deny tcp 22 from 198.51.100.0/24) never matches: rule 100 (allow \
             all traffic from 0.0.0.0/0) matches all of its traffic first"
        );
        assert_eq!(
            findings[0].primary.span,
            network.nacl_entries[deny].rule_number.span
        );
        assert_eq!(
            findings[0].related[0].address,
            "aws_network_acl_rule.ingress100"
        );
    }

    #[test]
    fn order_is_by_rule_number_not_declaration() {
        let mut acl = NaclFixture::new();
        acl.entry((
            300,
            Egress,
            Protocol::TCP,
            Allow,
            "10.0.0.0/16",
            r(443, 443),
        ));
        acl.entry((100, Egress, Protocol::TCP, Deny, "10.0.0.0/8", r(0, 65535)));
        let findings = NaclRuleShadowed.check(&acl.b.finish());
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.starts_with("outbound rule 300"));
    }

    #[test]
    fn passes_when_the_narrow_entry_comes_first() {
        let mut acl = NaclFixture::new();
        acl.entry((
            100,
            Ingress,
            Protocol::TCP,
            Deny,
            "198.51.100.0/24",
            r(22, 22),
        ));
        acl.entry((200, Ingress, Protocol::All, Allow, "0.0.0.0/0", r(0, 0)));
        assert!(NaclRuleShadowed.check(&acl.b.finish()).is_empty());
    }

    #[test]
    fn near_misses_pass() {
        let mut acl = NaclFixture::new();
        // Partial overlaps in addresses, ports or protocol.
        acl.entry((
            100,
            Ingress,
            Protocol::TCP,
            Allow,
            "10.0.0.0/16",
            r(0, 1023),
        ));
        acl.entry((110, Ingress, Protocol::TCP, Deny, "10.0.0.0/8", r(22, 22)));
        acl.entry((
            120,
            Ingress,
            Protocol::TCP,
            Allow,
            "10.0.0.0/16",
            r(1000, 2000),
        ));
        acl.entry((130, Ingress, Protocol::UDP, Allow, "10.0.0.0/16", r(53, 53)));
        // Another direction, another address family.
        acl.entry((140, Egress, Protocol::TCP, Allow, "10.0.0.0/16", r(22, 22)));
        acl.entry((150, Ingress, Protocol::TCP, Allow, "::/0", r(22, 22)));
        // ICMP entries whose type/code the model does not know.
        acl.entry((
            160,
            Ingress,
            Protocol::ICMP,
            Allow,
            "0.0.0.0/0",
            r(0, 65535),
        ));
        acl.entry((
            170,
            Ingress,
            Protocol::ICMP,
            Allow,
            "0.0.0.0/0",
            r(0, 65535),
        ));
        assert!(NaclRuleShadowed.check(&acl.b.finish()).is_empty());
    }

    #[test]
    fn unknown_values_stay_silent() {
        let mut acl = NaclFixture::new();
        let broad = acl.entry((100, Ingress, Protocol::All, Allow, "0.0.0.0/0", r(0, 0)));
        acl.entry((
            200,
            Ingress,
            Protocol::TCP,
            Deny,
            "198.51.100.0/24",
            r(22, 22),
        ));
        acl.b.network.nacl_entries[broad].cidr.value = None;
        assert!(NaclRuleShadowed.check(&acl.b.finish()).is_empty());

        let mut acl = NaclFixture::new();
        let broad = acl.entry((100, Ingress, Protocol::All, Allow, "0.0.0.0/0", r(0, 0)));
        acl.entry((
            200,
            Ingress,
            Protocol::TCP,
            Deny,
            "198.51.100.0/24",
            r(22, 22),
        ));
        acl.b.network.nacl_entries[broad].rule_number.value = None;
        assert!(NaclRuleShadowed.check(&acl.b.finish()).is_empty());
    }
}
