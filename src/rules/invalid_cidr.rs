//! `invalid-cidr`: a CIDR block that AWS rejects or changes (does not parse, a VPC or
//! subnet prefix outside /16–/28, host bits set, a route into 169.254.168.0/22).

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::{
    self, CidrFlaw, CidrValue, Destination, Field, HostBitsHandling, Network, Origin,
};
use crate::source::Span;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub struct InvalidCidr;

static META: RuleMeta = RuleMeta {
    name: "invalid-cidr",
    level: Level::Error,
    summary: "A CIDR block that AWS rejects or silently changes.",
    doc: include_str!("../../rules/invalid-cidr.md"),
};

/// Reserved for Amazon services (IMDS, Amazon DNS): routes to it or inside it are refused.
const RESERVED_V4: Ipv4Net = match Ipv4Net::new(Ipv4Addr::new(169, 254, 168, 0), 22) {
    Ok(net) => net,
    Err(_) => panic!("169.254.168.0/22 is a valid CIDR"),
};
const RESERVED_V6: Ipv6Net = match Ipv6Net::new(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0), 32)
{
    Ok(net) => net,
    Err(_) => panic!("fd00:ec2::/32 is a valid CIDR"),
};

impl Rule for InvalidCidr {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut block = |what: &str,
                         origin: &Origin,
                         cidr: Option<&Field<CidrValue>>,
                         invalid: Option<&model::InvalidCidr>| {
            if let Some(invalid) = invalid {
                findings.push(unparsable(what, origin, &invalid.text, invalid.span));
            }
            if let Some(cidr) = cidr {
                findings.extend(check_block(what, origin, cidr));
            }
        };
        for vpc in network.vpcs.values() {
            block(
                "vpc",
                &vpc.origin,
                Some(&vpc.cidr),
                vpc.invalid_cidr.as_deref(),
            );
        }
        for secondary in network.cidr_blocks.values() {
            block(
                "secondary vpc block",
                &secondary.origin,
                Some(&secondary.cidr),
                secondary.invalid_cidr.as_deref(),
            );
        }
        for subnet in network.subnets.values() {
            block(
                "subnet",
                &subnet.origin,
                subnet.cidr.as_ref(),
                subnet.invalid_cidr.as_deref(),
            );
        }
        for route in network.routes.values() {
            if let Some(invalid) = &route.invalid_destination {
                findings.push(unparsable(
                    "route",
                    &route.origin,
                    &invalid.text,
                    invalid.span,
                ));
            }
            findings.extend(route_host_bits(route));
            let reserved = match route.destination.copied() {
                Some(Destination::Ipv4(net)) if RESERVED_V4.contains(&net) => {
                    RESERVED_V4.to_string()
                }
                Some(Destination::Ipv6(net)) if RESERVED_V6.contains(&net) => {
                    RESERVED_V6.to_string()
                }
                _ => continue,
            };
            findings.push(reserved_route(route, &reserved));
        }
        for flawed in &network.flawed_cidrs {
            findings.push(match flawed.flaw {
                CidrFlaw::HostBits { network, handling } => {
                    literal_host_bits(flawed, network, handling)
                }
                CidrFlaw::Unparsable => {
                    unparsable(flawed.what, &flawed.origin, &flawed.text, flawed.span)
                }
            });
        }
        findings
    }
}

/// Prefix and host-bit checks of a VPC or subnet IPv4 block.
fn check_block(what: &str, origin: &Origin, cidr: &Field<CidrValue>) -> Vec<Finding> {
    let Some(value) = cidr.copied() else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    let prefix = value.net.prefix_len();
    if !(16..=28).contains(&prefix) {
        findings.push(Finding {
            rule: META.name,
            level: META.level,
            message: format!(
                "{what} {} has block {}: a /{prefix} prefix is outside the /16–/28 AWS allows",
                origin.address, value.net
            ),
            primary: Label::of(
                cidr.span,
                origin,
                format!("/{prefix} is not between /16 and /28"),
            ),
            related: Vec::new(),
            help: "choose a block between /16 (65,536 addresses) and /28 (16 addresses)"
                .to_string(),
        });
    }
    if value.has_host_bits() {
        let network = value.network();
        findings.push(host_bits(
            format!("{what} {} has block {}", origin.address, value.net),
            origin,
            cidr.span,
            IpNet::V4(network),
            value.host_bits,
            format!("EC2 silently truncates it to {network}"),
        ));
    }
    findings
}

/// A route destination with host bits set (`172.16.0.1/12`).
fn route_host_bits(route: &model::Route) -> Option<Finding> {
    let written = route.destination.copied()?.cidr()?;
    let network = written.trunc();
    if written == network {
        return None;
    }
    Some(host_bits(
        format!("route {} has destination {written}", route.origin.address),
        &route.origin,
        route.destination.span,
        network,
        route.host_bits,
        format!("EC2 accepts it and stores the route as {network}"),
    ))
}

/// A CIDR of a rule, entry or route that is rejected or changed for its host bits.
fn literal_host_bits(
    flawed: &model::FlawedCidr,
    network: IpNet,
    handling: HostBitsHandling,
) -> Finding {
    host_bits(
        format!(
            "{} {} has CIDR {}",
            flawed.what, flawed.origin.address, flawed.text
        ),
        &flawed.origin,
        flawed.span,
        network,
        handling,
        format!("EC2 accepts it and stores {network}"),
    )
}

/// `{subject} with host bits set`: an error where the provider rejects it, a warning where
/// EC2 stores the network (`truncated` says how).
fn host_bits(
    subject: String,
    origin: &Origin,
    span: Span,
    network: IpNet,
    handling: HostBitsHandling,
    truncated: String,
) -> Finding {
    let (level, consequence) = match handling {
        HostBitsHandling::Rejected => (
            Level::Error,
            format!("the AWS provider rejects it (the network is {network})"),
        ),
        HostBitsHandling::Truncated => (Level::Warning, truncated),
    };
    Finding {
        rule: META.name,
        level,
        message: format!("{subject} with host bits set: {consequence}"),
        primary: Label::of(
            span,
            origin,
            format!("host bits set; the network is {network}"),
        ),
        related: Vec::new(),
        help: format!("write the network address: {network}"),
    }
}

fn unparsable(what: &str, origin: &Origin, text: &str, span: Span) -> Finding {
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "{what} {} has CIDR {text:?}, which is not a valid CIDR block: AWS rejects it",
            origin.address
        ),
        primary: Label::of(span, origin, why_unparsable(text)),
        related: Vec::new(),
        help: "write an address and a prefix length, such as 10.0.0.0/16 (IPv4 prefixes are \
               /0–/32, IPv6 ones /0–/128)"
            .to_string(),
    }
}

/// What is wrong with a CIDR that does not parse, in the terms of its parts.
fn why_unparsable(text: &str) -> String {
    let text = text.trim();
    let Some((address, prefix)) = text.split_once('/') else {
        return match text.parse::<IpAddr>() {
            Ok(IpAddr::V4(_)) => format!("no prefix length (a single address is {text}/32)"),
            Ok(IpAddr::V6(_)) => format!("no prefix length (a single address is {text}/128)"),
            Err(_) => "not a CIDR block (address/prefix length)".to_string(),
        };
    };
    let (family, max) = match address.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => ("IPv4", 32),
        Ok(IpAddr::V6(_)) => ("IPv6", 128),
        Err(_) if address.contains(':') => {
            return format!("{address} is not an IPv6 address");
        }
        Err(_) => {
            return format!("{address} is not an IPv4 address (four numbers 0–255)");
        }
    };
    match prefix.parse::<u32>() {
        Ok(length) if length > max => {
            format!("/{length} is longer than an {family} address (at most /{max})")
        }
        _ => format!("{prefix:?} is not a prefix length (0–{max})"),
    }
}

fn reserved_route(route: &model::Route, reserved: &str) -> Finding {
    let destination = match route.destination.copied() {
        Some(Destination::Ipv4(net)) => net.to_string(),
        Some(Destination::Ipv6(net)) => net.to_string(),
        _ => String::new(),
    };
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "route {} to {destination} is inside {reserved}, which is reserved for Amazon services \
             (instance metadata, Amazon DNS); AWS refuses the route",
            route.origin.address
        ),
        primary: Label::of(
            route.destination.span,
            &route.origin,
            format!("inside reserved {reserved}"),
        ),
        related: Vec::new(),
        help: format!(
            "remove the route: Amazon serves {reserved} on the instance's host and never forwards it"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;
    use crate::model::Target;

    fn check(b: NetworkBuilder) -> Vec<Finding> {
        InvalidCidr.check(&b.finish())
    }

    #[test]
    fn host_bits_are_an_error_in_terraform_and_a_warning_in_cloudformation() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.1.0/16");
        b.host_bits = HostBitsHandling::Truncated;
        b.subnet("Subnet", vpc, "10.0.1.7/24");
        let network = b.finish();
        let findings = InvalidCidr.check(&network);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].level, Level::Error);
        assert_eq!(
            findings[0].message,
            "vpc aws_vpc.a has block 10.0.1.0/16 with host bits set: the AWS provider rejects it \
             (the network is 10.0.0.0/16)"
        );
        assert_eq!(findings[0].primary.span, network.vpcs[vpc].cidr.span);
        assert_eq!(findings[1].level, Level::Warning);
        assert!(findings[1]
            .message
            .contains("EC2 silently truncates it to 10.0.1.0/24"));
        assert_eq!(findings[1].help, "write the network address: 10.0.1.0/24");
    }

    #[test]
    fn prefixes_outside_16_to_28_are_flagged_and_the_bounds_pass() {
        let mut b = NetworkBuilder::new();
        let big = b.vpc("aws_vpc.big", "10.0.0.0/8");
        b.subnet("aws_subnet.tiny", big, "10.0.0.0/29");
        let ok = b.vpc("aws_vpc.ok", "10.1.0.0/16");
        b.subnet("aws_subnet.smallest", ok, "10.1.0.0/28");
        b.secondary_cidr("aws_vpc_ipv4_cidr_block_association.s", ok, "100.64.0.0/10");
        let findings = check(b);
        let flagged: Vec<&str> = findings
            .iter()
            .map(|f| f.primary.address.as_str())
            .collect();
        assert_eq!(
            flagged,
            vec![
                "aws_vpc.big",
                "aws_vpc_ipv4_cidr_block_association.s",
                "aws_subnet.tiny"
            ]
        );
        assert!(findings[0]
            .message
            .contains("a /8 prefix is outside the /16–/28 AWS allows"));
    }

    #[test]
    fn unparsable_cidrs_are_reported_with_their_text() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc_unknown_cidr("aws_vpc.a");
        let span = b.span();
        b.network.vpcs[vpc].invalid_cidr = Some(Box::new(crate::model::InvalidCidr {
            text: "10.0.0.0/33".to_string(),
            span,
        }));
        let findings = check(b);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "vpc aws_vpc.a has CIDR \"10.0.0.0/33\", which is not a valid CIDR block: AWS rejects it"
        );
        assert_eq!(findings[0].primary.span, span);
    }

    #[test]
    fn routes_into_the_reserved_range_are_flagged_but_covering_routes_are_not() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let rt = b.route_table("aws_route_table.a", vpc);
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        b.route(
            "aws_route.dns",
            rt,
            "169.254.169.253/32",
            Target::InternetGateway(igw),
        );
        b.route(
            "aws_route.exact",
            rt,
            "169.254.168.0/22",
            Target::InternetGateway(igw),
        );
        b.route(
            "aws_route.v6",
            rt,
            "fd00:ec2::254/128",
            Target::InternetGateway(igw),
        );
        // Near misses: a covering block, an adjacent one, the default route.
        b.route(
            "aws_route.cover",
            rt,
            "169.254.0.0/16",
            Target::InternetGateway(igw),
        );
        b.route(
            "aws_route.next",
            rt,
            "169.254.172.0/22",
            Target::InternetGateway(igw),
        );
        b.route(
            "aws_route.default",
            rt,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        let findings = check(b);
        let flagged: Vec<&str> = findings
            .iter()
            .map(|f| f.primary.address.as_str())
            .collect();
        assert_eq!(
            flagged,
            vec!["aws_route.dns", "aws_route.exact", "aws_route.v6"]
        );
        assert!(findings[0]
            .message
            .starts_with("route aws_route.dns to 169.254.169.253/32 is inside 169.254.168.0/22"));
    }

    #[test]
    fn unknown_values_never_produce_a_finding() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc_unknown_cidr("aws_vpc.ipam");
        let subnet = b.subnet("aws_subnet.a", vpc, "10.0.0.0/24");
        b.network.subnets[subnet].cidr = None;
        let rt = b.route_table("aws_route_table.a", vpc);
        let route = b.route("aws_route.a", rt, "169.254.169.254/32", Target::Other);
        b.network.routes[route].destination.value = None;
        assert!(check(b).is_empty());
    }

    #[test]
    fn unparsable_labels_say_which_part_is_wrong() {
        assert_eq!(
            why_unparsable("10.0.300.0/24"),
            "10.0.300.0 is not an IPv4 address (four numbers 0–255)"
        );
        assert_eq!(
            why_unparsable("0.0.0.0/33"),
            "/33 is longer than an IPv4 address (at most /32)"
        );
        assert_eq!(
            why_unparsable("2001:db8::/200"),
            "/200 is longer than an IPv6 address (at most /128)"
        );
        assert_eq!(
            why_unparsable("10.0.0.1"),
            "no prefix length (a single address is 10.0.0.1/32)"
        );
        assert_eq!(
            why_unparsable("10.0.0.0/8x"),
            "\"8x\" is not a prefix length (0–32)"
        );
        assert_eq!(
            why_unparsable("any"),
            "not a CIDR block (address/prefix length)"
        );
    }

    #[test]
    fn valid_blocks_pass() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        b.subnet("aws_subnet.a", vpc, "10.0.0.0/24");
        b.subnet("aws_subnet.b", vpc, "10.0.255.240/28");
        assert!(check(b).is_empty());
    }

    #[test]
    fn route_destinations_with_host_bits_by_dialect() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let rt = b.route_table("aws_route_table.a", vpc);
        let igw = b.internet_gateway("aws_internet_gateway.a", vpc);
        b.route(
            "aws_route.v4",
            rt,
            "172.16.0.1/12",
            Target::InternetGateway(igw),
        );
        b.route(
            "aws_route.ok",
            rt,
            "192.168.7.9/32",
            Target::InternetGateway(igw),
        );
        b.host_bits = HostBitsHandling::Truncated;
        b.route("Route6", rt, "2001:db8::1/56", Target::InternetGateway(igw));
        let findings = check(b);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].level, Level::Error);
        assert_eq!(
            findings[0].message,
            "route aws_route.v4 has destination 172.16.0.1/12 with host bits set: the AWS \
             provider rejects it (the network is 172.16.0.0/12)"
        );
        assert_eq!(findings[1].level, Level::Warning);
        assert!(findings[1]
            .message
            .ends_with("EC2 accepts it and stores the route as 2001:db8::/56"));
    }
}
