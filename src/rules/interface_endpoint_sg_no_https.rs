//! `interface-endpoint-sg-no-https`: an interface endpoint for an AWS service reached over
//! HTTPS whose security groups, all known, allow no inbound TCP 443 from anywhere: no
//! client can use the endpoint.

use super::{Finding, Label, Level, Rule, RuleMeta};
use crate::model::analysis::sg::{opened_ports, SgIndex};
use crate::model::{
    Direction, EndpointKind, Network, Protocol, SecurityGroupId, VpcEndpoint, VpcId,
};

pub struct InterfaceEndpointSgNoHttps;

static META: RuleMeta = RuleMeta {
    name: "interface-endpoint-sg-no-https",
    level: Level::Error,
    summary: "An interface endpoint's security groups allow no inbound HTTPS (TCP 443).",
    doc: include_str!("../../rules/interface-endpoint-sg-no-https.md"),
};

const HTTPS: u16 = 443;

/// Services of `com.amazonaws.<region>.<service>` whose clients may use other ports than
/// 443, by the service part's name or, where AWS appends an ID, its prefix: Amazon SES SMTP
/// (25, 587, 465, 2465, 2587), Amazon Keyspaces (9142), AWS Transfer Family servers (SFTP
/// on 22, FTP and FTPS on 21 and 8192-8200), AWS IoT Core data and Device Advisor test
/// endpoints (MQTT over TLS on 8883), CodeCommit Git (SSH on 22), Aurora DSQL cluster
/// connections (`dsql-<id>`, PostgreSQL on 5432), Amazon Managed Blockchain Hyperledger
/// Fabric networks (`managedblockchain.<network id>`, ports 30001 and up).
enum OtherPorts {
    Named(&'static str),
    Prefixed(&'static str),
}

const OTHER_PORT_SERVICES: &[OtherPorts] = &[
    OtherPorts::Prefixed("email-smtp"),
    OtherPorts::Named("cassandra"),
    OtherPorts::Named("cassandra-fips"),
    OtherPorts::Prefixed("transfer.server"),
    OtherPorts::Named("iot.data"),
    OtherPorts::Named("deviceadvisor.iot"),
    OtherPorts::Named("git-codecommit"),
    OtherPorts::Named("git-codecommit-fips"),
    OtherPorts::Prefixed("dsql-"),
    OtherPorts::Prefixed("managedblockchain."),
];

impl Rule for InterfaceEndpointSgNoHttps {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, network: &Network) -> Vec<Finding> {
        if network.vpc_endpoints.is_empty() {
            return Vec::new();
        }
        let index = SgIndex::new(network);
        // A rule resource whose group is unknown (`var.sg_id`, a data source) may belong to
        // any group, also one of another file or module of the analyzed code.
        if network
            .sg_rules
            .values()
            .any(|r| r.direction == Direction::Ingress && r.group.value.is_none())
        {
            return Vec::new();
        }
        network
            .vpc_endpoints
            .values()
            .filter(|e| e.kind.copied() == Some(EndpointKind::Interface))
            .filter(|e| {
                e.service_name
                    .get()
                    .is_some_and(|name| is_https_service(name))
            })
            .filter_map(|endpoint| {
                let groups = endpoint_groups(network, endpoint)?;
                let judged = groups
                    .iter()
                    .all(|&g| network.security_groups[g].rules_known);
                if !judged || allows_https(network, &index, &groups)? {
                    return None;
                }
                Some(finding(network, endpoint, &groups))
            })
            .collect()
    }
}

/// `com.amazonaws.<region>.<service>` for a service reached over HTTPS.
fn is_https_service(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("com.amazonaws.") else {
        return false;
    };
    let Some((region, service)) = rest.split_once('.') else {
        return false;
    };
    region != "vpce"
        && !service.is_empty()
        && !OTHER_PORT_SERVICES.iter().any(|other| match other {
            OtherPorts::Named(name) => service == *name,
            OtherPorts::Prefixed(prefix) => service.starts_with(prefix),
        })
}

/// The endpoint's groups: its own, or the VPC's default group when it names none and the
/// code manages that group. `None` when one is unknown.
fn endpoint_groups(network: &Network, endpoint: &VpcEndpoint) -> Option<Vec<SecurityGroupId>> {
    if endpoint.security_groups.is_empty() {
        let vpc: VpcId = endpoint.vpc.copied()?;
        return network
            .security_groups
            .iter()
            .find(|(_, g)| g.is_default && g.vpc.copied() == Some(vpc))
            .map(|(id, _)| vec![id]);
    }
    endpoint
        .security_groups
        .iter()
        .map(|g| g.copied())
        .collect()
}

/// Whether an ingress rule of the groups opens TCP 443 to some source; `None` when a rule
/// that could is unknown.
fn allows_https(network: &Network, index: &SgIndex, groups: &[SecurityGroupId]) -> Option<bool> {
    let mut unknown = false;
    for &group in groups {
        for (_, rule) in index.rules_in(network, group, Direction::Ingress) {
            match opened_ports(rule, Protocol::TCP) {
                Some(Some(ports)) if ports.from <= HTTPS && HTTPS <= ports.to => return Some(true),
                Some(_) => {}
                None => unknown = true,
            }
        }
    }
    (!unknown).then_some(false)
}

fn finding(network: &Network, endpoint: &VpcEndpoint, groups: &[SecurityGroupId]) -> Finding {
    let service = endpoint.service_name.get().map_or("?", String::as_str);
    let names: Vec<&str> = groups
        .iter()
        .map(|&g| network.security_groups[g].origin.address.as_str())
        .collect();
    let (span, which) = match endpoint.security_groups.first() {
        Some(first) => (first.span, "its security groups"),
        None => (
            endpoint.origin.name_span,
            "the VPC's default security group",
        ),
    };
    Finding {
        rule: META.name,
        level: META.level,
        message: format!(
            "interface endpoint {} for {service} uses {which} ({}), which allow no inbound \
             TCP 443: no client can reach the service through the endpoint",
            endpoint.origin.address,
            names.join(", ")
        ),
        primary: Label::of(span, &endpoint.origin, "no inbound TCP 443"),
        related: groups
            .iter()
            .map(|&g| {
                let group = &network.security_groups[g];
                Label::of(
                    group.origin.name_span,
                    &group.origin,
                    "no ingress on TCP 443",
                )
            })
            .collect(),
        help: "allow inbound TCP 443 from the clients' subnets or security groups on a group \
               of the endpoint (`security_group_ids`, CloudFormation `SecurityGroupIds`)"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{sg_cidr, NetworkBuilder};
    use crate::model::PortRange;

    fn estate(service: &str, port: u16) -> NetworkBuilder {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let group = b.security_group("aws_security_group.endpoints", vpc);
        b.sg_rule(
            "aws_security_group_rule.in",
            group,
            Direction::Ingress,
            Protocol::TCP,
            PortRange {
                from: port,
                to: port,
            },
            sg_cidr("10.0.0.0/16"),
        );
        let endpoint = b.vpc_endpoint("aws_vpc_endpoint.ssm", vpc, EndpointKind::Interface);
        b.network.vpc_endpoints[endpoint].service_name = b.known(service.to_string());
        let field = b.known(group);
        b.network.vpc_endpoints[endpoint]
            .security_groups
            .push(field);
        b
    }

    #[test]
    fn flags_an_endpoint_without_https_ingress() {
        let findings =
            InterfaceEndpointSgNoHttps.check(&estate("com.amazonaws.us-east-1.ssm", 80).finish());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "interface endpoint aws_vpc_endpoint.ssm for com.amazonaws.us-east-1.ssm uses its \
             security groups (aws_security_group.endpoints), which allow no inbound TCP 443: \
             no client can reach the service through the endpoint"
        );
    }

    #[test]
    fn passes_https_ingress_and_other_port_services() {
        assert!(InterfaceEndpointSgNoHttps
            .check(&estate("com.amazonaws.us-east-1.ssm", 443).finish())
            .is_empty());
        for service in [
            "com.amazonaws.us-east-1.email-smtp",
            "com.amazonaws.us-east-1.cassandra",
            "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
            "com.amazonaws.eu-west-1.dsql-a1b2c3",
            "com.amazonaws.us-east-1.managedblockchain.n-abcdefghijklmnopqrstuvwxyz",
        ] {
            assert!(InterfaceEndpointSgNoHttps
                .check(&estate(service, 587).finish())
                .is_empty());
        }
    }

    #[test]
    fn other_port_services_match_by_name_or_id_prefix() {
        assert!(!is_https_service("com.amazonaws.eu-west-1.dsql-a1b2c3"));
        assert!(!is_https_service("com.amazonaws.us-east-1.transfer.server"));
        assert!(!is_https_service(
            "com.amazonaws.us-east-1.deviceadvisor.iot"
        ));
        // The management API of Aurora DSQL, Transfer Family and Managed Blockchain
        // queries are HTTPS.
        assert!(is_https_service("com.amazonaws.eu-west-1.dsql"));
        assert!(is_https_service("com.amazonaws.us-east-1.transfer"));
        assert!(is_https_service(
            "com.amazonaws.us-east-1.managedblockchain-query"
        ));
        assert!(is_https_service("com.amazonaws.us-east-1.iot.credentials"));
    }

    #[test]
    fn unknown_values_stay_silent() {
        let mut b = estate("com.amazonaws.us-east-1.ssm", 80);
        b.network.security_groups[SecurityGroupId::new(0)].rules_known = false;
        assert!(InterfaceEndpointSgNoHttps.check(&b.finish()).is_empty());
        let mut b = estate("com.amazonaws.us-east-1.ssm", 80);
        let unknown = b.unknown();
        b.network.vpc_endpoints[crate::model::VpcEndpointId::new(0)]
            .security_groups
            .push(unknown);
        assert!(InterfaceEndpointSgNoHttps.check(&b.finish()).is_empty());
        let mut b = estate("com.amazonaws.us-east-1.ssm", 80);
        b.network.sg_rules[crate::model::SgRuleId::new(0)]
            .ports
            .value = None;
        assert!(InterfaceEndpointSgNoHttps.check(&b.finish()).is_empty());
        // A rule resource for a group from a variable may be the endpoint group's.
        let mut b = estate("com.amazonaws.us-east-1.ssm", 80);
        let elsewhere = b.security_group("aws_security_group.other", VpcId::new(0));
        let rule = b.sg_rule(
            "aws_vpc_security_group_ingress_rule.https",
            elsewhere,
            Direction::Ingress,
            Protocol::TCP,
            PortRange { from: 443, to: 443 },
            sg_cidr("10.0.0.0/16"),
        );
        b.network.sg_rules[rule].group.value = None;
        assert!(InterfaceEndpointSgNoHttps.check(&b.finish()).is_empty());
    }
}
