//! The CloudFormation table (`AWS::EC2::*` and friends, property names as in the
//! CloudFormation resource reference).

use super::*;

pub(super) static DIALECT: Dialect = Dialect {
    host_bits: HostBitsHandling::Truncated,
    lowering,
    identity,
    implicit,
    alias: |_| None,
    unknown_name,
    firewall_endpoint: |kind, attribute| {
        kind == "AWS::NetworkFirewall::Firewall"
            && attribute == crate::frontend::cloudformation::FIREWALL_ENDPOINT_ID
    },
};

/// A parameter without a value (one value wherever the template names it), or an import of
/// an export whose name is known (the evaluator's reason starts `import NAME:`).
fn unknown_name(reason: &str, _text: &str) -> Option<String> {
    if let Some(rest) = reason.strip_prefix("parameter ") {
        let name = rest.split(' ').next()?;
        let tail = rest[name.len()..].trim_start();
        let whole_parameter = [
            "has no value",
            "keeps its previous value",
            "is read from SSM Parameter Store at deploy time",
        ];
        return whole_parameter
            .contains(&tail)
            .then(|| format!("parameter {name}"));
    }
    let (export, _) = reason.strip_prefix("import ")?.split_once(": ")?;
    Some(format!("import {export}"))
}

/// `Ref` and the `Fn::GetAtt` attributes that return the resource's own id.
fn identity(kind: &str, attribute: &str) -> bool {
    matches!(attribute, "Ref" | "Id")
        || matches!(
            (kind, attribute),
            ("AWS::EC2::VPC", "VpcId")
                | ("AWS::EC2::Subnet", "SubnetId")
                | ("AWS::EC2::RouteTable", "RouteTableId")
                | ("AWS::EC2::InternetGateway", "InternetGatewayId")
                | ("AWS::EC2::NatGateway", "NatGatewayId")
                | ("AWS::EC2::SecurityGroup", "GroupId")
                | ("AWS::EC2::Instance", "InstanceId")
                | (
                    "AWS::EC2::TransitGatewayRouteTable",
                    "TransitGatewayRouteTableId"
                )
                | ("AWS::EC2::VPNGateway", "VPNGatewayId")
                | ("AWS::EC2::CustomerGateway", "CustomerGatewayId")
                | ("AWS::EC2::VPNConnection", "VpnConnectionId")
                | ("AWS::EC2::DHCPOptions", "DhcpOptionsId")
                | ("AWS::EC2::PrefixList", "PrefixListId")
                | (
                    "AWS::DirectConnect::DirectConnectGateway",
                    "DirectConnectGatewayId"
                )
                | (
                    "AWS::ElasticLoadBalancingV2::LoadBalancer",
                    "LoadBalancerArn"
                )
        )
}

fn implicit(kind: &str, attribute: &str) -> Option<Implicit> {
    match (kind, attribute) {
        ("AWS::EC2::VPC", "DefaultSecurityGroup") => Some(Implicit::DefaultSecurityGroup),
        ("AWS::EC2::VPC", "DefaultNetworkAcl") => Some(Implicit::DefaultNetworkAcl),
        _ => None,
    }
}

const ROUTE: RouteNames = RouteNames {
    route_table: Some("RouteTableId"),
    destination_v4: "DestinationCidrBlock",
    destination_v6: "DestinationIpv6CidrBlock",
    destination_prefix_list: "DestinationPrefixListId",
    targets: &[
        ("GatewayId", TargetSlot::Gateway),
        ("EgressOnlyInternetGatewayId", TargetSlot::EgressOnlyIgw),
        ("NatGatewayId", TargetSlot::NatGateway),
        ("NetworkInterfaceId", TargetSlot::NetworkInterface),
        ("InstanceId", TargetSlot::Instance),
        ("VpcPeeringConnectionId", TargetSlot::Peering),
        ("TransitGatewayId", TargetSlot::TransitGateway),
        ("VpcEndpointId", TargetSlot::VpcEndpoint),
        ("CarrierGatewayId", TargetSlot::Other),
        ("LocalGatewayId", TargetSlot::Other),
        ("CoreNetworkArn", TargetSlot::Other),
    ],
};

const INGRESS: SgRuleNames = SgRuleNames {
    protocol: "IpProtocol",
    from_port: "FromPort",
    to_port: "ToPort",
    cidrs: &["CidrIp", "CidrIpv6"],
    groups: &["SourceSecurityGroupId"],
    prefix_lists: &["SourcePrefixListId"],
    self_: None,
    // EC2 masks a rule's CIDR to its network (ansible/ansible#25403).
    host_bits: Some(HostBitsHandling::Truncated),
};

const EGRESS: SgRuleNames = SgRuleNames {
    groups: &["DestinationSecurityGroupId"],
    prefix_lists: &["DestinationPrefixListId"],
    ..INGRESS
};

const NACL_ENTRY: NaclEntryNames = NaclEntryNames {
    rule_number: "RuleNumber",
    protocol: "Protocol",
    action: "RuleAction",
    cidr: "CidrBlock",
    ipv6_cidr: "Ipv6CidrBlock",
    from_port: "",
    to_port: "",
    port_range: Some(("PortRange", "From", "To")),
    host_bits: None,
    icmp: IcmpNames::Object("Icmp", "Type", "Code"),
};

const TGW_VPC_ATTACHMENT: TgwVpcAttachmentNames = TgwVpcAttachmentNames {
    transit_gateway: "TransitGatewayId",
    vpc: "VpcId",
    subnets: "SubnetIds",
    sg_referencing: &["Options", "SecurityGroupReferencingSupport"],
    default_association: None,
    default_propagation: None,
    appliance_mode: &["Options", "ApplianceModeSupport"],
};

const TGW_LINK: TgwLinkNames = TgwLinkNames {
    route_table: "TransitGatewayRouteTableId",
    attachment: "TransitGatewayAttachmentId",
};

fn lowering(kind: &str) -> Option<Lowering> {
    Some(match kind {
        "AWS::EC2::VPC" => Lowering::Vpc(&VpcNames {
            cidr: "CidrBlock",
            ipam: &["Ipv4IpamPoolId"],
            ipv6_cidr: None,
            amazon_ipv6: None,
            ipv6_pools: &[],
            dns_support: "EnableDnsSupport",
            dns_hostnames: "EnableDnsHostnames",
            dns_hostnames_unset: Some(false),
            is_default: false,
        }),
        "AWS::EC2::VPCCidrBlock" => Lowering::CidrBlock(&CidrBlockNames {
            vpc: "VpcId",
            cidr: Some("CidrBlock"),
            ipam: &["Ipv4IpamPoolId"],
            ipv6_cidr: Some("Ipv6CidrBlock"),
            amazon_ipv6: Some("AmazonProvidedIpv6CidrBlock"),
            ipv6_pools: &["Ipv6IpamPoolId", "Ipv6Pool"],
        }),
        "AWS::EC2::Subnet" => Lowering::Subnet(&SubnetNames {
            vpc: "VpcId",
            cidr: "CidrBlock",
            ipv6_cidr: "Ipv6CidrBlock",
            az: &["AvailabilityZone", "AvailabilityZoneId"],
            map_public_ip: "MapPublicIpOnLaunch",
            map_public_ip_unset: Some(false),
        }),
        "AWS::EC2::RouteTable" => Lowering::RouteTable(&RouteTableNames {
            vpc: Some("VpcId"),
            adopts_main_of: None,
            routes: None,
            propagating_vgws: None,
        }),
        "AWS::EC2::Route" => Lowering::Route(&ROUTE),
        "AWS::EC2::SubnetRouteTableAssociation" => {
            Lowering::RouteTableAssociation(&RouteTableAssociationNames {
                route_table: "RouteTableId",
                subnet: Some("SubnetId"),
                gateway: None,
            })
        }
        "AWS::EC2::GatewayRouteTableAssociation" => {
            Lowering::RouteTableAssociation(&RouteTableAssociationNames {
                route_table: "RouteTableId",
                subnet: None,
                gateway: Some("GatewayId"),
            })
        }
        "AWS::EC2::VPNGatewayRoutePropagation" => Lowering::VgwPropagation {
            route_tables: "RouteTableIds",
            vpn_gateway: "VpnGatewayId",
        },
        "AWS::EC2::VPCPeeringConnection" => Lowering::Peering(&PeeringNames {
            vpc: "VpcId",
            peer_vpc: "PeerVpcId",
            peer_region: "PeerRegion",
        }),
        "AWS::EC2::InternetGateway" => Lowering::InternetGateway { vpc: None },
        "AWS::EC2::VPCGatewayAttachment" => Lowering::GatewayAttachment(&GatewayAttachmentNames {
            vpc: "VpcId",
            internet_gateway: Some("InternetGatewayId"),
            vpn_gateway: Some("VpnGatewayId"),
        }),
        "AWS::EC2::EgressOnlyInternetGateway" => Lowering::EgressOnlyIgw { vpc: "VpcId" },
        "AWS::EC2::NatGateway" => Lowering::NatGateway {
            subnet: "SubnetId",
            connectivity: "ConnectivityType",
            availability_mode: "AvailabilityMode",
        },
        "AWS::EC2::Instance" => Lowering::Instance(&InstanceNames {
            subnet: "SubnetId",
            source_dest_check: Some("SourceDestCheck"),
            security_groups: "SecurityGroupIds",
            group_names: GroupNameNames {
                list: "SecurityGroups",
                group_kind: "AWS::EC2::SecurityGroup",
                group_name: "GroupName",
                group_vpc: "VpcId",
            },
            interfaces: "NetworkInterfaces",
            interface: InterfaceSpecNames {
                device_index: "DeviceIndex",
                interface_id: "NetworkInterfaceId",
                subnet: Some("SubnetId"),
                groups: Some("GroupSet"),
                public_ip: Some("AssociatePublicIpAddress"),
            },
            eni_subnet: "SubnetId",
            public_ip: None,
            launch_template: Some("LaunchTemplate"),
            template: LaunchTemplateNames {
                kind: "AWS::EC2::LaunchTemplate",
                data: Some("LaunchTemplateData"),
                name: "LaunchTemplateName",
                security_groups: "SecurityGroupIds",
                group_names: GroupNameNames {
                    list: "SecurityGroups",
                    group_kind: "AWS::EC2::SecurityGroup",
                    group_name: "GroupName",
                    group_vpc: "VpcId",
                },
                interfaces: "NetworkInterfaces",
                interface: InterfaceSpecNames {
                    device_index: "DeviceIndex",
                    interface_id: "NetworkInterfaceId",
                    subnet: Some("SubnetId"),
                    groups: Some("Groups"),
                    public_ip: Some("AssociatePublicIpAddress"),
                },
                by_id: "LaunchTemplateId",
                by_name: "LaunchTemplateName",
                version: "Version",
                code_versions: &["LatestVersionNumber", "DefaultVersionNumber"],
            },
        }),
        "AWS::EC2::NetworkInterface" => Lowering::NetworkInterface(&NetworkInterfaceNames {
            subnet: "SubnetId",
            source_dest_check: "SourceDestCheck",
            security_groups: "GroupSet",
            attachments: None,
        }),
        "AWS::EC2::NetworkInterfaceAttachment" => Lowering::InterfaceAttachment {
            instance: "InstanceId",
            network_interface: "NetworkInterfaceId",
        },
        "AWS::EC2::SecurityGroup" => Lowering::SecurityGroup(&SecurityGroupNames {
            vpc: "VpcId",
            is_default: false,
            ingress: "SecurityGroupIngress",
            egress: "SecurityGroupEgress",
            ingress_rule: &INGRESS,
            egress_rule: &EGRESS,
            default_egress: true,
        }),
        "AWS::EC2::SecurityGroupIngress" => Lowering::SgRule(&SgRuleResourceNames {
            group: "GroupId",
            direction: DirectionSource::Fixed(Direction::Ingress),
            rule: &INGRESS,
        }),
        "AWS::EC2::SecurityGroupEgress" => Lowering::SgRule(&SgRuleResourceNames {
            group: "GroupId",
            direction: DirectionSource::Fixed(Direction::Egress),
            rule: &EGRESS,
        }),
        "AWS::EC2::NetworkAcl" => Lowering::NetworkAcl(&NetworkAclNames {
            vpc: Some("VpcId"),
            adopts_default_of: None,
            subnets: None,
            ingress: None,
            egress: None,
            entry: &NACL_ENTRY,
        }),
        "AWS::EC2::NetworkAclEntry" => Lowering::NaclEntry(&NaclEntryResourceNames {
            nacl: "NetworkAclId",
            direction: DirectionSource::EgressFlag("Egress"),
            entry: &NACL_ENTRY,
        }),
        "AWS::EC2::SubnetNetworkAclAssociation" => Lowering::NaclAssociation {
            nacl: "NetworkAclId",
            subnet: "SubnetId",
        },
        "AWS::EC2::VPNGateway" => Lowering::VpnGateway { vpc: None },
        "AWS::EC2::CustomerGateway" => Lowering::CustomerGateway { bgp_asn: "BgpAsn" },
        "AWS::EC2::VPNConnection" => Lowering::VpnConnection(&VpnConnectionNames {
            vpn_gateway: "VpnGatewayId",
            transit_gateway: "TransitGatewayId",
            customer_gateway: "CustomerGatewayId",
            static_routes_only: "StaticRoutesOnly",
            tgw_attachment: "TransitGatewayAttachment",
        }),
        "AWS::EC2::VPNConnectionRoute" => Lowering::VpnRoute {
            vpn_connection: "VpnConnectionId",
            destination: "DestinationCidrBlock",
        },
        "AWS::DirectConnect::DirectConnectGateway" => Lowering::DxGateway,
        "AWS::DirectConnect::DirectConnectGatewayAssociation" => {
            Lowering::DxAssociation(&DxAssociationNames {
                dx_gateway: "DirectConnectGatewayId",
                associated: &["AssociatedGatewayId"],
                allowed_prefixes: "AllowedPrefixesToDirectConnectGateway",
                tgw_attachment: "TransitGatewayAttachment",
                // The association names the gateway itself, also across accounts.
                proposal: None,
            })
        }
        "AWS::EC2::TransitGateway" => Lowering::TransitGateway(&TransitGatewayNames {
            default_association: "DefaultRouteTableAssociation",
            default_propagation: "DefaultRouteTablePropagation",
            sg_referencing: "SecurityGroupReferencingSupport",
            replaced_association_table: Some("AssociationDefaultRouteTableId"),
            replaced_propagation_table: Some("PropagationDefaultRouteTableId"),
        }),
        "AWS::EC2::TransitGatewayAttachment" | "AWS::EC2::TransitGatewayVpcAttachment" => {
            Lowering::TgwVpcAttachment(&TGW_VPC_ATTACHMENT)
        }
        "AWS::EC2::TransitGatewayPeeringAttachment" => Lowering::TgwPeeringAttachment {
            transit_gateway: "TransitGatewayId",
        },
        "AWS::EC2::TransitGatewayRouteTable" => Lowering::TgwRouteTable {
            transit_gateway: "TransitGatewayId",
        },
        "AWS::EC2::TransitGatewayRouteTableAssociation" => Lowering::TgwAssociation(&TGW_LINK),
        "AWS::EC2::TransitGatewayRouteTablePropagation" => Lowering::TgwPropagation(&TGW_LINK),
        "AWS::EC2::TransitGatewayRoute" => Lowering::TgwRoute(&TgwRouteNames {
            route_table: "TransitGatewayRouteTableId",
            destination: "DestinationCidrBlock",
            attachment: "TransitGatewayAttachmentId",
            blackhole: "Blackhole",
            host_bits: None,
        }),
        "AWS::NetworkFirewall::Firewall" => Lowering::NetworkFirewall {
            vpc: "VpcId",
            subnet_mappings: ("SubnetMappings", "SubnetId"),
        },
        "AWS::EC2::VPCEndpoint" => Lowering::VpcEndpoint(&VpcEndpointNames {
            vpc: "VpcId",
            kind: "VpcEndpointType",
            service_name: "ServiceName",
            private_dns: "PrivateDnsEnabled",
            subnets: "SubnetIds",
            security_groups: "SecurityGroupIds",
            route_tables: "RouteTableIds",
        }),
        "AWS::Route53::HostedZone" => Lowering::HostedZone {
            vpcs: "VPCs",
            vpc_id: "VPCId",
        },
        "AWS::EC2::DHCPOptions" => Lowering::DhcpOptions {
            name_servers: "DomainNameServers",
        },
        "AWS::EC2::VPCDHCPOptionsAssociation" => Lowering::DhcpAssociation {
            dhcp_options: "DhcpOptionsId",
            vpc: "VpcId",
        },
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => Lowering::LoadBalancer(&LoadBalancerNames {
            kind: Some("Type"),
            scheme: SchemeSource::Scheme("Scheme"),
            subnets: "Subnets",
            subnet_mappings: Some(("SubnetMappings", "SubnetId")),
            security_groups: "SecurityGroups",
        }),
        "AWS::EC2::EIP" => Lowering::ElasticIp(&ElasticIpNames {
            instance: "InstanceId",
            network_interface: None,
        }),
        "AWS::EC2::EIPAssociation" => Lowering::ElasticIp(&ElasticIpNames {
            instance: "InstanceId",
            network_interface: Some("NetworkInterfaceId"),
        }),
        "AWS::ElasticLoadBalancing::LoadBalancer" => Lowering::LoadBalancer(&LoadBalancerNames {
            kind: None,
            scheme: SchemeSource::Scheme("Scheme"),
            subnets: "Subnets",
            subnet_mappings: None,
            security_groups: "SecurityGroups",
        }),
        "AWS::EC2::PrefixList" => Lowering::PrefixList(&PrefixListNames {
            name: "PrefixListName",
            max_entries: "MaxEntries",
            entries: "Entries",
            entry_cidr: "Cidr",
        }),
        _ => return None,
    })
}
