//! The Terraform table (AWS provider 5.x resource and attribute names; also used for
//! `terraform show -json` plans, whose attributes are the same).

use super::*;

pub(super) static DIALECT: Dialect = Dialect {
    host_bits: HostBitsHandling::Rejected,
    lowering,
    identity,
    implicit,
    alias,
    unknown_name,
    firewall_endpoint: |kind, attribute| {
        kind == "aws_networkfirewall_firewall"
            && attribute == crate::frontend::terraform::FIREWALL_ENDPOINT_ID
    },
};

/// A bare reference to a variable, local value, module output or data source attribute
/// (`var.vpc_id`, `data.aws_vpc.shared.id`): one value per module instance. Indexes, splats,
/// function calls and `count`/`each`/`self` references may differ between uses.
fn unknown_name(_reason: &str, text: &str) -> Option<String> {
    let mut parts = text.split('.');
    let min_rest = match parts.next()? {
        "var" | "local" => 1,
        "module" => 2,
        "data" => 3,
        _ => return None,
    };
    let rest: Vec<&str> = parts.collect();
    let identifier = |part: &&str| {
        part.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    (rest.len() >= min_rest && rest.iter().all(identifier)).then(|| text.to_string())
}

fn identity(kind: &str, attribute: &str) -> bool {
    // A spot instance request's `id` is the request's (`sir-`), not its instance's.
    (attribute == "id" && kind != "aws_spot_instance_request")
        || matches!(
            (kind, attribute),
            ("aws_instance", "primary_network_interface_id")
                | (
                    "aws_spot_instance_request",
                    "spot_instance_id" | "primary_network_interface_id"
                )
                | ("aws_route53_zone", "zone_id")
                | ("aws_lb" | "aws_alb", "arn")
        )
}

fn implicit(kind: &str, attribute: &str) -> Option<Implicit> {
    Some(match (kind, attribute) {
        ("aws_vpc", "default_security_group_id") => Implicit::DefaultSecurityGroup,
        ("aws_vpc", "default_network_acl_id") => Implicit::DefaultNetworkAcl,
        ("aws_vpc", "default_route_table_id" | "main_route_table_id") => Implicit::MainRouteTable,
        (
            "aws_ec2_transit_gateway",
            "association_default_route_table_id" | "propagation_default_route_table_id",
        ) => Implicit::TgwDefaultRouteTable,
        ("aws_vpn_connection", "transit_gateway_attachment_id") => Implicit::VpnTgwAttachment,
        _ => return None,
    })
}

fn alias(kind: &str) -> Option<&'static str> {
    match kind {
        "aws_vpc_peering_connection_accepter" => Some("vpc_peering_connection_id"),
        "aws_ec2_transit_gateway_vpc_attachment_accepter"
        | "aws_ec2_transit_gateway_peering_attachment_accepter" => {
            Some("transit_gateway_attachment_id")
        }
        _ => None,
    }
}

const ROUTE_TARGETS: &[(&str, TargetSlot)] = &[
    ("gateway_id", TargetSlot::Gateway),
    ("egress_only_gateway_id", TargetSlot::EgressOnlyIgw),
    ("nat_gateway_id", TargetSlot::NatGateway),
    ("network_interface_id", TargetSlot::NetworkInterface),
    ("instance_id", TargetSlot::Instance),
    ("vpc_peering_connection_id", TargetSlot::Peering),
    ("transit_gateway_id", TargetSlot::TransitGateway),
    ("vpc_endpoint_id", TargetSlot::VpcEndpoint),
    ("carrier_gateway_id", TargetSlot::Other),
    ("local_gateway_id", TargetSlot::Other),
    ("core_network_arn", TargetSlot::Other),
];

const ROUTE: RouteNames = RouteNames {
    route_table: Some("route_table_id"),
    destination_v4: "destination_cidr_block",
    destination_v6: "destination_ipv6_cidr_block",
    destination_prefix_list: "destination_prefix_list_id",
    targets: ROUTE_TARGETS,
};

const INLINE_ROUTE: RouteNames = RouteNames {
    route_table: None,
    destination_v4: "cidr_block",
    destination_v6: "ipv6_cidr_block",
    destination_prefix_list: "destination_prefix_list_id",
    targets: ROUTE_TARGETS,
};

const INLINE_SG_RULE: SgRuleNames = SgRuleNames {
    protocol: "protocol",
    from_port: "from_port",
    to_port: "to_port",
    cidrs: &["cidr_blocks", "ipv6_cidr_blocks"],
    groups: &["security_groups"],
    prefix_lists: &["prefix_list_ids"],
    self_: Some("self"),
    host_bits: Some(HostBitsHandling::Rejected),
};

const SECURITY_GROUP_RULE: SgRuleNames = SgRuleNames {
    groups: &["source_security_group_id"],
    ..INLINE_SG_RULE
};

const VPC_SG_RULE: SgRuleNames = SgRuleNames {
    protocol: "ip_protocol",
    from_port: "from_port",
    to_port: "to_port",
    cidrs: &["cidr_ipv4", "cidr_ipv6"],
    groups: &["referenced_security_group_id"],
    prefix_lists: &["prefix_list_id"],
    self_: None,
    host_bits: Some(HostBitsHandling::Rejected),
};

const INLINE_NACL_ENTRY: NaclEntryNames = NaclEntryNames {
    rule_number: "rule_no",
    protocol: "protocol",
    action: "action",
    cidr: "cidr_block",
    ipv6_cidr: "ipv6_cidr_block",
    from_port: "from_port",
    to_port: "to_port",
    port_range: None,
    host_bits: Some(HostBitsHandling::Rejected),
    icmp: IcmpNames::Attributes("icmp_type", "icmp_code"),
};

const NACL_RULE: NaclEntryNames = NaclEntryNames {
    rule_number: "rule_number",
    action: "rule_action",
    // `aws_network_acl_rule` passes `10.0.0.1/16` to EC2 (the inline blocks reject it).
    host_bits: None,
    ..INLINE_NACL_ENTRY
};

const INSTANCE: InstanceNames = InstanceNames {
    subnet: "subnet_id",
    source_dest_check: Some("source_dest_check"),
    security_groups: "vpc_security_group_ids",
    group_names: GroupNameNames {
        list: "security_groups",
        group_kind: "aws_security_group",
        group_name: "name",
        group_vpc: "vpc_id",
    },
    interfaces: "network_interface",
    interface: InterfaceSpecNames {
        device_index: "device_index",
        interface_id: "network_interface_id",
        subnet: None,
        groups: None,
        public_ip: None,
    },
    eni_subnet: "subnet_id",
    public_ip: Some("associate_public_ip_address"),
    launch_template: Some("launch_template"),
    template: LaunchTemplateNames {
        kind: "aws_launch_template",
        data: None,
        name: "name",
        security_groups: "vpc_security_group_ids",
        group_names: GroupNameNames {
            list: "security_group_names",
            group_kind: "aws_security_group",
            group_name: "name",
            group_vpc: "vpc_id",
        },
        interfaces: "network_interfaces",
        interface: InterfaceSpecNames {
            device_index: "device_index",
            interface_id: "network_interface_id",
            subnet: Some("subnet_id"),
            groups: Some("security_groups"),
            public_ip: Some("associate_public_ip_address"),
        },
        by_id: "id",
        by_name: "name",
        version: "version",
        code_versions: &["latest_version", "default_version"],
    },
};

/// A spot instance request is an instance of the same schema, but the provider requests it
/// with a launch specification that has no launch template and no source/destination check
/// (hashicorp/terraform-provider-aws#2751): the instance keeps the check on, whatever the
/// code says, and takes nothing from a template.
const SPOT_INSTANCE_REQUEST: InstanceNames = InstanceNames {
    source_dest_check: None,
    launch_template: None,
    ..INSTANCE
};

fn security_group(is_default: bool) -> &'static SecurityGroupNames {
    const GROUP: SecurityGroupNames = SecurityGroupNames {
        vpc: "vpc_id",
        is_default: false,
        ingress: "ingress",
        egress: "egress",
        ingress_rule: &INLINE_SG_RULE,
        egress_rule: &INLINE_SG_RULE,
        default_egress: false,
    };
    const DEFAULT_GROUP: SecurityGroupNames = SecurityGroupNames {
        is_default: true,
        ..GROUP
    };
    if is_default {
        &DEFAULT_GROUP
    } else {
        &GROUP
    }
}

fn network_acl(is_default: bool) -> &'static NetworkAclNames {
    const ACL: NetworkAclNames = NetworkAclNames {
        vpc: Some("vpc_id"),
        adopts_default_of: None,
        subnets: Some("subnet_ids"),
        ingress: Some("ingress"),
        egress: Some("egress"),
        entry: &INLINE_NACL_ENTRY,
    };
    const DEFAULT_ACL: NetworkAclNames = NetworkAclNames {
        vpc: None,
        adopts_default_of: Some("default_network_acl_id"),
        ..ACL
    };
    if is_default {
        &DEFAULT_ACL
    } else {
        &ACL
    }
}

fn lowering(kind: &str) -> Option<Lowering> {
    Some(match kind {
        "aws_vpc" => Lowering::Vpc(&VpcNames {
            cidr: "cidr_block",
            ipam: &["ipv4_ipam_pool_id"],
            ipv6_cidr: Some("ipv6_cidr_block"),
            amazon_ipv6: Some("assign_generated_ipv6_cidr_block"),
            ipv6_pools: &["ipv6_ipam_pool_id"],
            dns_support: "enable_dns_support",
            dns_hostnames: "enable_dns_hostnames",
            dns_hostnames_unset: Some(false),
            is_default: false,
        }),
        // The region's default VPC, adopted (or created) as AWS made it: its blocks are not
        // in the code, nor, unless written, its DNS hostnames attribute.
        "aws_default_vpc" => Lowering::Vpc(&VpcNames {
            cidr: "cidr_block",
            ipam: &[],
            ipv6_cidr: Some("ipv6_cidr_block"),
            amazon_ipv6: Some("assign_generated_ipv6_cidr_block"),
            ipv6_pools: &["ipv6_ipam_pool_id"],
            dns_support: "enable_dns_support",
            dns_hostnames: "enable_dns_hostnames",
            dns_hostnames_unset: None,
            is_default: true,
        }),
        "aws_vpc_ipv4_cidr_block_association" => Lowering::CidrBlock(&CidrBlockNames {
            vpc: "vpc_id",
            cidr: Some("cidr_block"),
            ipam: &["ipv4_ipam_pool_id"],
            ipv6_cidr: None,
            amazon_ipv6: None,
            ipv6_pools: &[],
        }),
        "aws_vpc_ipv6_cidr_block_association" => Lowering::CidrBlock(&CidrBlockNames {
            vpc: "vpc_id",
            cidr: None,
            ipam: &[],
            ipv6_cidr: Some("ipv6_cidr_block"),
            amazon_ipv6: Some("assign_generated_ipv6_cidr_block"),
            ipv6_pools: &["ipv6_ipam_pool_id", "ipv6_pool"],
        }),
        "aws_subnet" => Lowering::Subnet(&SubnetNames {
            vpc: "vpc_id",
            cidr: "cidr_block",
            ipv6_cidr: "ipv6_cidr_block",
            az: &["availability_zone", "availability_zone_id"],
            map_public_ip: "map_public_ip_on_launch",
            map_public_ip_unset: Some(false),
        }),
        // A zone's default subnet, adopted as it is: its block is not in the code and its
        // VPC (the default one) is named by no argument.
        "aws_default_subnet" => Lowering::Subnet(&SubnetNames {
            vpc: "vpc_id",
            cidr: "cidr_block",
            ipv6_cidr: "ipv6_cidr_block",
            az: &["availability_zone"],
            map_public_ip: "map_public_ip_on_launch",
            map_public_ip_unset: None,
        }),
        "aws_route_table" => Lowering::RouteTable(&RouteTableNames {
            vpc: Some("vpc_id"),
            adopts_main_of: None,
            routes: Some(("route", &INLINE_ROUTE)),
            propagating_vgws: Some("propagating_vgws"),
        }),
        "aws_default_route_table" => Lowering::RouteTable(&RouteTableNames {
            vpc: None,
            adopts_main_of: Some("default_route_table_id"),
            routes: Some(("route", &INLINE_ROUTE)),
            propagating_vgws: Some("propagating_vgws"),
        }),
        "aws_route" => Lowering::Route(&ROUTE),
        "aws_route_table_association" => {
            Lowering::RouteTableAssociation(&RouteTableAssociationNames {
                route_table: "route_table_id",
                subnet: Some("subnet_id"),
                gateway: Some("gateway_id"),
            })
        }
        "aws_main_route_table_association" => Lowering::MainRouteTableAssociation {
            vpc: "vpc_id",
            route_table: "route_table_id",
        },
        "aws_vpn_gateway_route_propagation" => Lowering::VgwPropagation {
            route_tables: "route_table_id",
            vpn_gateway: "vpn_gateway_id",
        },
        "aws_vpc_peering_connection" => Lowering::Peering(&PeeringNames {
            vpc: "vpc_id",
            peer_vpc: "peer_vpc_id",
            peer_region: "peer_region",
        }),
        "aws_vpc_peering_connection_accepter" => Lowering::PeeringAccepter,
        "aws_internet_gateway" => Lowering::InternetGateway {
            vpc: Some("vpc_id"),
        },
        "aws_internet_gateway_attachment" => Lowering::GatewayAttachment(&GatewayAttachmentNames {
            vpc: "vpc_id",
            internet_gateway: Some("internet_gateway_id"),
            vpn_gateway: None,
        }),
        "aws_egress_only_internet_gateway" => Lowering::EgressOnlyIgw { vpc: "vpc_id" },
        "aws_nat_gateway" => Lowering::NatGateway {
            subnet: "subnet_id",
            connectivity: "connectivity_type",
            availability_mode: "availability_mode",
        },
        "aws_instance" => Lowering::Instance(&INSTANCE),
        "aws_spot_instance_request" => Lowering::Instance(&SPOT_INSTANCE_REQUEST),
        "aws_network_interface" => Lowering::NetworkInterface(&NetworkInterfaceNames {
            subnet: "subnet_id",
            source_dest_check: "source_dest_check",
            security_groups: "security_groups",
            attachments: Some(("attachment", "instance")),
        }),
        "aws_network_interface_attachment" => Lowering::InterfaceAttachment {
            instance: "instance_id",
            network_interface: "network_interface_id",
        },
        "aws_security_group" => Lowering::SecurityGroup(security_group(false)),
        "aws_default_security_group" => Lowering::SecurityGroup(security_group(true)),
        "aws_security_group_rule" => Lowering::SgRule(&SgRuleResourceNames {
            group: "security_group_id",
            direction: DirectionSource::Attr("type"),
            rule: &SECURITY_GROUP_RULE,
        }),
        "aws_vpc_security_group_ingress_rule" => Lowering::SgRule(&SgRuleResourceNames {
            group: "security_group_id",
            direction: DirectionSource::Fixed(Direction::Ingress),
            rule: &VPC_SG_RULE,
        }),
        "aws_vpc_security_group_egress_rule" => Lowering::SgRule(&SgRuleResourceNames {
            group: "security_group_id",
            direction: DirectionSource::Fixed(Direction::Egress),
            rule: &VPC_SG_RULE,
        }),
        "aws_network_acl" => Lowering::NetworkAcl(network_acl(false)),
        "aws_default_network_acl" => Lowering::NetworkAcl(network_acl(true)),
        "aws_network_acl_rule" => Lowering::NaclEntry(&NaclEntryResourceNames {
            nacl: "network_acl_id",
            direction: DirectionSource::EgressFlag("egress"),
            entry: &NACL_RULE,
        }),
        "aws_network_acl_association" => Lowering::NaclAssociation {
            nacl: "network_acl_id",
            subnet: "subnet_id",
        },
        "aws_vpn_gateway" => Lowering::VpnGateway {
            vpc: Some("vpc_id"),
        },
        "aws_vpn_gateway_attachment" => Lowering::GatewayAttachment(&GatewayAttachmentNames {
            vpc: "vpc_id",
            internet_gateway: None,
            vpn_gateway: Some("vpn_gateway_id"),
        }),
        "aws_customer_gateway" => Lowering::CustomerGateway { bgp_asn: "bgp_asn" },
        "aws_vpn_connection" => Lowering::VpnConnection(&VpnConnectionNames {
            vpn_gateway: "vpn_gateway_id",
            transit_gateway: "transit_gateway_id",
            customer_gateway: "customer_gateway_id",
            static_routes_only: "static_routes_only",
            tgw_attachment: "transit_gateway_attachment_id",
        }),
        "aws_vpn_connection_route" => Lowering::VpnRoute {
            vpn_connection: "vpn_connection_id",
            destination: "destination_cidr_block",
        },
        "aws_dx_gateway" => Lowering::DxGateway,
        "aws_dx_gateway_association" => Lowering::DxAssociation(&DxAssociationNames {
            dx_gateway: "dx_gateway_id",
            associated: &["associated_gateway_id", "vpn_gateway_id"],
            allowed_prefixes: "allowed_prefixes",
            tgw_attachment: "transit_gateway_attachment",
            proposal: Some(&DxProposalNames {
                proposal: "proposal_id",
                owner_account: "associated_gateway_owner_account_id",
                kind: "aws_dx_gateway_association_proposal",
                associated: "associated_gateway_id",
                allowed_prefixes: "allowed_prefixes",
            }),
        }),
        "aws_ec2_transit_gateway" => Lowering::TransitGateway(&TransitGatewayNames {
            default_association: "default_route_table_association",
            default_propagation: "default_route_table_propagation",
            sg_referencing: "security_group_referencing_support",
            replaced_association_table: None,
            replaced_propagation_table: None,
        }),
        "aws_ec2_transit_gateway_default_route_table_association" => {
            Lowering::TgwDefaultTableReplaced {
                transit_gateway: "transit_gateway_id",
                association: true,
            }
        }
        "aws_ec2_transit_gateway_default_route_table_propagation" => {
            Lowering::TgwDefaultTableReplaced {
                transit_gateway: "transit_gateway_id",
                association: false,
            }
        }
        "aws_ec2_transit_gateway_vpc_attachment" => {
            Lowering::TgwVpcAttachment(&TgwVpcAttachmentNames {
                transit_gateway: "transit_gateway_id",
                vpc: "vpc_id",
                subnets: "subnet_ids",
                sg_referencing: &["security_group_referencing_support"],
                default_association: Some("transit_gateway_default_route_table_association"),
                default_propagation: Some("transit_gateway_default_route_table_propagation"),
                appliance_mode: &["appliance_mode_support"],
            })
        }
        "aws_ec2_transit_gateway_peering_attachment" => Lowering::TgwPeeringAttachment {
            transit_gateway: "transit_gateway_id",
        },
        "aws_ec2_transit_gateway_route_table" => Lowering::TgwRouteTable {
            transit_gateway: "transit_gateway_id",
        },
        "aws_ec2_transit_gateway_route_table_association" => {
            Lowering::TgwAssociation(&TgwLinkNames {
                route_table: "transit_gateway_route_table_id",
                attachment: "transit_gateway_attachment_id",
            })
        }
        "aws_ec2_transit_gateway_route_table_propagation" => {
            Lowering::TgwPropagation(&TgwLinkNames {
                route_table: "transit_gateway_route_table_id",
                attachment: "transit_gateway_attachment_id",
            })
        }
        "aws_ec2_transit_gateway_route" => Lowering::TgwRoute(&TgwRouteNames {
            route_table: "transit_gateway_route_table_id",
            destination: "destination_cidr_block",
            attachment: "transit_gateway_attachment_id",
            blackhole: "blackhole",
            host_bits: Some(HostBitsHandling::Rejected),
        }),
        "aws_vpc_endpoint" => Lowering::VpcEndpoint(&VpcEndpointNames {
            vpc: "vpc_id",
            kind: "vpc_endpoint_type",
            service_name: "service_name",
            private_dns: "private_dns_enabled",
            subnets: "subnet_ids",
            security_groups: "security_group_ids",
            route_tables: "route_table_ids",
        }),
        "aws_networkfirewall_firewall" => Lowering::NetworkFirewall {
            vpc: "vpc_id",
            subnet_mappings: ("subnet_mapping", "subnet_id"),
        },
        "aws_vpc_endpoint_subnet_association" => Lowering::EndpointSubnetAssociation {
            endpoint: "vpc_endpoint_id",
            subnet: "subnet_id",
        },
        "aws_vpc_endpoint_route_table_association" => Lowering::EndpointRouteTableAssociation {
            endpoint: "vpc_endpoint_id",
            route_table: "route_table_id",
        },
        "aws_route53_zone" => Lowering::HostedZone {
            vpcs: "vpc",
            vpc_id: "vpc_id",
        },
        "aws_route53_zone_association" => Lowering::HostedZoneAssociation {
            zone: "zone_id",
            vpc: "vpc_id",
        },
        "aws_vpc_dhcp_options" => Lowering::DhcpOptions {
            name_servers: "domain_name_servers",
        },
        "aws_vpc_dhcp_options_association" => Lowering::DhcpAssociation {
            dhcp_options: "dhcp_options_id",
            vpc: "vpc_id",
        },
        "aws_lb" | "aws_alb" => Lowering::LoadBalancer(&LoadBalancerNames {
            kind: Some("load_balancer_type"),
            scheme: SchemeSource::InternalFlag("internal"),
            subnets: "subnets",
            subnet_mappings: Some(("subnet_mapping", "subnet_id")),
            security_groups: "security_groups",
        }),
        "aws_eip" => Lowering::ElasticIp(&ElasticIpNames {
            instance: "instance",
            network_interface: Some("network_interface"),
        }),
        "aws_eip_association" => Lowering::ElasticIp(&ElasticIpNames {
            instance: "instance_id",
            network_interface: Some("network_interface_id"),
        }),
        "aws_elb" => Lowering::LoadBalancer(&LoadBalancerNames {
            kind: None,
            scheme: SchemeSource::InternalFlag("internal"),
            subnets: "subnets",
            subnet_mappings: None,
            security_groups: "security_groups",
        }),
        "aws_ec2_managed_prefix_list" => Lowering::PrefixList(&PrefixListNames {
            name: "name",
            max_entries: "max_entries",
            entries: "entry",
            entry_cidr: "cidr",
        }),
        "aws_ec2_managed_prefix_list_entry" => Lowering::PrefixListEntry {
            list: "prefix_list_id",
            cidr: "cidr",
        },
        _ => return None,
    })
}
