//! The two ends of a `reach` query: what an endpoint text names in the model.
//!
//! An endpoint is a resource address (`aws_instance.web`, `module.app.aws_subnet.a["x"]`,
//! a CloudFormation logical ID, `FILE#LogicalId` when several templates define it), an
//! IPv4 address or CIDR (a host in a modelled subnet, or an outside network), or
//! `internet`. Subnets, instances, ENIs, load balancers and interface endpoints are
//! endpoints; their security groups apply.

use crate::model::{
    EndpointKind, Field, Instance, LoadBalancer, LoadBalancerKind, Network, Origin, Scheme,
    SecurityGroupId, SubnetId, VpcId,
};
use crate::source::Span;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

use super::HopKind;
use crate::model::analysis::public_ip::{ElasticIps, PublicIpv4};

/// One end of a query.
#[derive(Debug, Clone)]
pub enum Endpoint<'n> {
    /// Any address on the internet.
    Internet,
    /// A network outside every modelled subnet (on premises, another cloud, the internet).
    Outside(Ipv4Net),
    Host(Host<'n>),
}

/// Something with addresses in modelled subnets.
#[derive(Debug, Clone)]
pub struct Host<'n> {
    pub kind: HopKind,
    /// The resource; `None` for an address given as an IP.
    pub origin: Option<&'n Origin>,
    /// The subnets it has addresses in (several for a load balancer or endpoint).
    pub subnets: Vec<SubnetId>,
    /// The address given on the command line, when it was an IP or CIDR.
    pub address: Option<Ipv4Net>,
    pub groups: HostGroups,
    /// Whether it has a public IPv4 address.
    pub public_ipv4: PublicIpv4,
}

/// The security groups that filter a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostGroups {
    /// A subnet or an address: a host with no security group restriction.
    Unrestricted,
    Groups(Vec<SecurityGroupId>),
    /// Why they are not known.
    Unknown(String),
}

impl Endpoint<'_> {
    /// How the endpoint is shown in answers: the address, the CIDR or `internet`.
    pub fn describe(&self) -> String {
        match self {
            Endpoint::Internet => "internet".to_string(),
            Endpoint::Outside(net) => net.to_string(),
            Endpoint::Host(host) => match (host.origin, host.address) {
                (_, Some(address)) => address.to_string(),
                (Some(origin), None) => origin.address.clone(),
                (None, None) => "?".to_string(),
            },
        }
    }
}

/// Resolves an endpoint text. `file_of` gives the path of a span's file, for the
/// `FILE#LogicalId` form. The error says what the text matched: nothing, or several
/// resources (listed).
pub fn resolve<'n>(
    network: &'n Network,
    text: &str,
    file_of: &dyn Fn(Span) -> String,
) -> Result<Endpoint<'n>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("internet") {
        return Ok(Endpoint::Internet);
    }
    if let Some(net) = parse_ipv4(text) {
        return Ok(by_address(network, net));
    }
    let (file, address) = match text.rsplit_once('#') {
        Some((file, address)) if !file.is_empty() => (Some(file), address),
        _ => (None, text),
    };
    let in_file = |origin: &Origin| {
        file.is_none_or(|file| {
            let path = file_of(origin.span);
            path == file || path.ends_with(&format!("/{file}"))
        })
    };
    let elastic = ElasticIps::new(network);
    let mut found: Vec<Endpoint<'n>> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut add = |origin: &'n Origin, endpoint: Endpoint<'n>| {
        if origin.address == address && in_file(origin) {
            names.push(format!("{} ({})", origin.address, file_of(origin.span)));
            found.push(endpoint);
        }
    };
    for (id, subnet) in network.subnets.iter() {
        add(
            &subnet.origin,
            Endpoint::Host(Host {
                kind: HopKind::Subnet,
                origin: Some(&subnet.origin),
                subnets: vec![id],
                address: None,
                groups: HostGroups::Unrestricted,
                public_ipv4: match subnet.map_public_ip_on_launch.copied() {
                    Some(true) => PublicIpv4::Yes,
                    Some(false) => PublicIpv4::No(format!(
                        "{} does not map public IPv4 addresses on launch",
                        subnet.origin.address
                    )),
                    None => PublicIpv4::Unknown,
                },
            }),
        );
    }
    for (id, instance) in network.instances.iter() {
        add(
            &instance.origin,
            Endpoint::Host(Host {
                kind: HopKind::Instance,
                origin: Some(&instance.origin),
                subnets: instance.subnet.copied().into_iter().collect(),
                address: None,
                groups: instance_groups(network, instance),
                public_ipv4: elastic.instance(network, id),
            }),
        );
    }
    for (id, eni) in network.network_interfaces.iter() {
        add(
            &eni.origin,
            Endpoint::Host(Host {
                kind: HopKind::NetworkInterface,
                origin: Some(&eni.origin),
                subnets: eni.subnet.copied().into_iter().collect(),
                address: None,
                groups: groups(
                    network,
                    &eni.security_groups,
                    subnet_vpc(network, eni.subnet.copied()),
                ),
                public_ipv4: elastic.interface(network, id),
            }),
        );
    }
    for lb in network.load_balancers.values() {
        add(
            &lb.origin,
            Endpoint::Host(Host {
                kind: HopKind::LoadBalancer,
                origin: Some(&lb.origin),
                subnets: lb.subnets.iter().filter_map(Field::copied).collect(),
                address: None,
                groups: load_balancer_groups(network, lb),
                public_ipv4: match lb.scheme.copied() {
                    Some(Scheme::InternetFacing) => PublicIpv4::Yes,
                    Some(Scheme::Internal) => {
                        PublicIpv4::No(format!("{} is internal", lb.origin.address))
                    }
                    None => PublicIpv4::Unknown,
                },
            }),
        );
    }
    for endpoint in network.vpc_endpoints.values() {
        if endpoint.kind.copied() != Some(EndpointKind::Interface) {
            continue;
        }
        add(
            &endpoint.origin,
            Endpoint::Host(Host {
                kind: HopKind::Endpoint,
                origin: Some(&endpoint.origin),
                subnets: endpoint.subnets.iter().filter_map(Field::copied).collect(),
                address: None,
                groups: groups(network, &endpoint.security_groups, endpoint.vpc.copied()),
                public_ipv4: PublicIpv4::No(format!(
                    "{} is an interface endpoint, with private addresses only",
                    endpoint.origin.address
                )),
            }),
        );
    }
    match found.len() {
        1 => {
            let endpoint = found.remove(0);
            if let Endpoint::Host(host) = &endpoint {
                if host.subnets.is_empty() {
                    return Err(format!("`{text}` is in no known subnet"));
                }
            }
            Ok(endpoint)
        }
        0 => Err(format!(
            "`{text}` names no subnet, instance, network interface, load balancer or interface endpoint (nor an IPv4 address, a CIDR or `internet`)"
        )),
        _ => Err(format!(
            "`{text}` is ambiguous: {} (write FILE#{address})",
            names.join(", ")
        )),
    }
}

/// `10.0.1.5` or `10.0.1.0/24`.
fn parse_ipv4(text: &str) -> Option<Ipv4Net> {
    if let Ok(net) = text.parse::<Ipv4Net>() {
        return Some(net.trunc());
    }
    text.parse::<Ipv4Addr>().ok().map(Ipv4Net::from)
}

/// An address or CIDR: a host of the (most specific) modelled subnet that contains it, or
/// an outside network.
fn by_address(network: &Network, net: Ipv4Net) -> Endpoint<'_> {
    let subnet = network
        .subnets
        .iter()
        .filter_map(|(id, s)| Some((id, s.cidr.as_ref()?.get()?.network())))
        .filter(|(_, cidr)| cidr.contains(&net))
        .max_by_key(|(_, cidr)| cidr.prefix_len());
    match subnet {
        Some((id, _)) => Endpoint::Host(Host {
            kind: HopKind::Subnet,
            origin: None,
            subnets: vec![id],
            address: Some(net),
            groups: HostGroups::Unrestricted,
            public_ipv4: PublicIpv4::Unknown,
        }),
        None => Endpoint::Outside(net),
    }
}

fn subnet_vpc(network: &Network, subnet: Option<SubnetId>) -> Option<VpcId> {
    network.subnets[subnet?].vpc.copied()
}

/// A load balancer's security groups: those listed; none listed, the VPC's default group
/// for an application or classic load balancer, and no filtering for a network load
/// balancer created without security groups or a gateway load balancer (which has none).
fn load_balancer_groups(network: &Network, lb: &LoadBalancer) -> HostGroups {
    let vpc = subnet_vpc(network, lb.subnets.first().and_then(Field::copied));
    match lb.kind.copied() {
        _ if !lb.security_groups.is_empty() => groups(network, &lb.security_groups, vpc),
        Some(LoadBalancerKind::Application | LoadBalancerKind::Classic) => {
            groups(network, &[], vpc)
        }
        Some(LoadBalancerKind::Network | LoadBalancerKind::Gateway) => HostGroups::Unrestricted,
        None => HostGroups::Unknown(format!(
            "the type of {}, which decides its security groups, is unknown",
            lb.origin.address
        )),
    }
}

/// An instance's security groups: those of its primary interface when that interface was
/// created beforehand (the instance takes the interface's groups), else its own.
fn instance_groups(network: &Network, instance: &Instance) -> HostGroups {
    let vpc = subnet_vpc(network, instance.subnet.copied());
    match &instance.primary_interface {
        Some(eni) if instance.security_groups.is_empty() => match eni.copied() {
            Some(eni) => groups(
                network,
                &network.network_interfaces[eni].security_groups,
                vpc,
            ),
            None => HostGroups::Unknown(
                "its primary network interface, whose security groups it has, is unknown"
                    .to_string(),
            ),
        },
        _ => groups(network, &instance.security_groups, vpc),
    }
}

/// The groups of an instance or ENI: those listed, else its VPC's default group when the
/// code manages it (AWS attaches the default group when none is given).
fn groups(network: &Network, listed: &[Field<SecurityGroupId>], vpc: Option<VpcId>) -> HostGroups {
    if listed.is_empty() {
        let default = vpc.and_then(|vpc| {
            network
                .security_groups
                .iter()
                .find(|(_, g)| g.is_default && g.vpc.copied() == Some(vpc))
        });
        return match default {
            Some((id, _)) => HostGroups::Groups(vec![id]),
            None => HostGroups::Unknown(
                "no security group is listed, so the VPC's default group applies, and it is not in the code"
                    .to_string(),
            ),
        };
    }
    match listed.iter().map(Field::copied).collect::<Option<Vec<_>>>() {
        Some(ids) => HostGroups::Groups(ids),
        None => HostGroups::Unknown("one of its security groups is unknown".to_string()),
    }
}
