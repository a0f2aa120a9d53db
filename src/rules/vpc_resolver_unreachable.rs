//! `vpc-resolver-unreachable`: a DHCP options set that points a VPC at another VPC's Amazon
//! resolver (that VPC's base + 2), which only answers inside its own VPC.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::cidr::{Containment, VpcCidrs};
use crate::model::{DhcpOptions, DhcpOptionsId, Field, Network, Vpc, VpcId};
use ipnet::Ipv4Net;
use std::collections::{BTreeSet, HashMap};
use std::net::Ipv4Addr;

pub struct VpcResolverUnreachable;

static META: RuleMeta = RuleMeta {
    name: "vpc-resolver-unreachable",
    level: Level::Error,
    summary: "A DHCP options set uses another VPC's Amazon resolver (base + 2) as name server.",
    doc: include_str!("../../rules/vpc-resolver-unreachable.md"),
};

impl Rule for VpcResolverUnreachable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let mut resolver_of: HashMap<Ipv4Addr, Vec<VpcId>> = HashMap::new();
        for (id, vpc) in network.vpcs.iter() {
            if let Some(resolver) = vpc.cidr.copied().and_then(|c| amazon_resolver(c.network())) {
                resolver_of.entry(resolver).or_default().push(id);
            }
        }
        let mut users: HashMap<DhcpOptionsId, BTreeSet<VpcId>> = HashMap::new();
        for (id, options) in network.dhcp_options.iter() {
            users
                .entry(id)
                .or_default()
                .extend(options.vpcs.iter().filter_map(Field::copied));
        }
        for (id, vpc) in network.vpcs.iter() {
            if let Some(options) = vpc.dhcp_options.as_ref().and_then(Field::copied) {
                users.entry(options).or_default().insert(id);
            }
        }
        let cidrs = VpcCidrs::new(network);
        let mut findings = Vec::new();
        for (id, options) in network.dhcp_options.iter() {
            let Some(users) = users.get(&id).filter(|u| !u.is_empty()) else {
                continue;
            };
            for server in &options.domain_name_servers {
                let Some(address) = server.get().and_then(|s| s.trim().parse::<Ipv4Addr>().ok())
                else {
                    continue;
                };
                let Some(owners) = resolver_of.get(&address) else {
                    continue;
                };
                // An address inside one of the VPC's own blocks stays in that VPC (the
                // local route), whoever else's resolver it is; so may one of a VPC with a
                // block not known.
                let strangers: Vec<VpcId> = users
                    .iter()
                    .copied()
                    .filter(|u| {
                        !owners.contains(u)
                            && cidrs.containment(*u, Ipv4Net::from(address)) == Containment::Outside
                    })
                    .collect();
                if let (Some(&owner), false) = (owners.first(), strangers.is_empty()) {
                    findings.push(finding(
                        network,
                        options,
                        server,
                        address,
                        &network.vpcs[owner],
                        &strangers,
                    ));
                }
            }
        }
        findings
    }
}

/// The Amazon DNS server of a VPC: the base of its primary IPv4 block plus two.
fn amazon_resolver(primary: ipnet::Ipv4Net) -> Option<Ipv4Addr> {
    u32::from(primary.network())
        .checked_add(2)
        .map(Ipv4Addr::from)
}

fn finding(
    network: &Network,
    options: &DhcpOptions,
    server: &Field<String>,
    address: Ipv4Addr,
    owner: &Vpc,
    users: &[VpcId],
) -> Finding {
    let owner_block = owner
        .cidr
        .copied()
        .map(|c| c.network().to_string())
        .unwrap_or_default();
    let user_names: Vec<&str> = users
        .iter()
        .map(|&u| network.vpcs[u].origin.address.as_str())
        .collect();
    let mut related = vec![Label::of(
        owner.cidr.span,
        &owner.origin,
        format!("{address} is this VPC's Amazon resolver"),
    )];
    related.extend(users.iter().map(|&u| {
        let vpc = &network.vpcs[u];
        Label::of(vpc.origin.name_span, &vpc.origin, "uses these DHCP options")
    }));
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "DHCP options {} give vpc {} the name server {address}, the Amazon resolver of vpc {} \
             ({owner_block}): a VPC resolver answers only inside its own VPC, never across \
             peering, transit gateway, VPN or Direct Connect",
            options.origin.address,
            user_names.join(", "),
            owner.origin.address,
        ),
        primary: Label::of(server.span, &options.origin, "another VPC's resolver"),
        related,
        help: "use `AmazonProvidedDNS` (each VPC's own resolver) and share zones by associating \
               them with every VPC, or forward to a Route 53 Resolver inbound endpoint's \
               addresses"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;

    fn options(b: &mut NetworkBuilder, servers: &[&str], vpcs: &[VpcId]) -> DhcpOptionsId {
        let origin = b.origin("aws_vpc_dhcp_options.corp");
        let domain_name_servers = servers.iter().map(|s| b.known(s.to_string())).collect();
        let vpcs = vpcs.iter().map(|&v| b.known(v)).collect();
        b.network.dhcp_options.push(DhcpOptions {
            origin,
            domain_name_servers,
            vpcs,
        })
    }

    fn two_vpcs() -> (NetworkBuilder, VpcId, VpcId) {
        let mut b = NetworkBuilder::new();
        let shared = b.vpc("aws_vpc.shared", "10.1.0.0/16");
        let app = b.vpc("aws_vpc.app", "10.2.0.0/16");
        (b, shared, app)
    }

    #[test]
    fn flags_another_vpcs_resolver() {
        let (mut b, shared, app) = two_vpcs();
        options(&mut b, &["10.1.0.2"], &[app]);
        let network = b.finish();
        let findings = VpcResolverUnreachable.check(&network);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "DHCP options aws_vpc_dhcp_options.corp give vpc aws_vpc.app the name server \
             10.1.0.2, the Amazon resolver of vpc aws_vpc.shared (10.1.0.0/16): a VPC resolver \
             answers only inside its own VPC, never across peering, transit gateway, VPN or \
             Direct Connect"
        );
        assert_eq!(findings[0].related[0].span, network.vpcs[shared].cidr.span);
    }

    #[test]
    fn association_on_the_vpc_side_counts_too() {
        let (mut b, _, app) = two_vpcs();
        let id = options(&mut b, &["AmazonProvidedDNS", "10.1.0.2"], &[]);
        b.network.vpcs[app].dhcp_options = Some(b.known(id));
        assert_eq!(VpcResolverUnreachable.check(&b.finish()).len(), 1);
    }

    #[test]
    fn passes_for_the_vpcs_own_resolver_and_other_servers() {
        let (mut b, shared, _) = two_vpcs();
        options(
            &mut b,
            &["10.1.0.2", "AmazonProvidedDNS", "10.1.0.10", "192.168.0.2"],
            &[shared],
        );
        assert!(VpcResolverUnreachable.check(&b.finish()).is_empty());
    }

    #[test]
    fn unassociated_options_and_unknown_values_stay_silent() {
        let (mut b, shared, app) = two_vpcs();
        options(&mut b, &["10.1.0.2"], &[]);
        let id = options(&mut b, &["10.1.0.2"], &[app]);
        b.network.dhcp_options[id].domain_name_servers[0].value = None;
        b.network.vpcs[shared].cidr.value = None;
        options(&mut b, &["10.1.0.2"], &[app]);
        assert!(VpcResolverUnreachable.check(&b.finish()).is_empty());
    }
}
