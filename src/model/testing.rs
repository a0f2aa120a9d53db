//! A small builder for hand-made [`Network`]s in unit tests and benchmarks.
//!
//! Every entity gets a distinct synthetic span in file 0 (each field its own span), so
//! tests can tell which label points where. Values are written as strings
//! (`"10.0.0.0/16"`); a malformed literal in a test panics with the literal in the message.
//! To make a field unknown, set `.value = None` on the returned entity
//! (`b.network.routes[r].destination.value = None`).
//!
//! ```ignore
//! let mut b = NetworkBuilder::new();
//! let a = b.vpc("aws_vpc.a", "10.0.0.0/16");
//! let peer = b.vpc("aws_vpc.b", "10.1.0.0/16");
//! let pcx = b.peering("aws_vpc_peering_connection.ab", a, peer);
//! let rt = b.route_table("aws_route_table.a", a);
//! b.route("aws_route.to_b", rt, "10.1.0.0/16", Target::Peering(pcx));
//! let network = b.finish();
//! ```

use super::*;
use crate::source::{FileId, Span};

/// Builds a [`Network`] entity by entity. Fields not taken as arguments get the
/// provider/service default; change them on `builder.network` directly.
pub struct NetworkBuilder {
    pub network: Network,
    /// How host bits in CIDRs created from now on are treated (Terraform by default).
    pub host_bits: HostBitsHandling,
    next_offset: usize,
}

impl Default for NetworkBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// Parses an IPv4 CIDR literal of a test.
pub fn net(text: &str) -> Ipv4Net {
    text.parse()
        .unwrap_or_else(|_| panic!("test CIDR literal {text:?} does not parse"))
}

impl NetworkBuilder {
    pub fn new() -> Self {
        NetworkBuilder {
            network: Network::default(),
            host_bits: HostBitsHandling::Rejected,
            next_offset: 0,
        }
    }

    pub fn finish(self) -> Network {
        self.network
    }

    /// A fresh span of 10 bytes in file 0, distinct from every other one.
    pub fn span(&mut self) -> Span {
        let start = self.next_offset;
        self.next_offset += 10;
        Span::new(FileId(0), start, start + 10)
    }

    pub fn origin(&mut self, address: &str) -> Origin {
        let span = self.span();
        let name_span = self.span();
        Origin {
            address: address.to_string(),
            kind: address.split('.').next().unwrap_or_default().into(),
            span,
            name_span,
            called_from: Default::default(),
        }
    }

    pub fn known<T>(&mut self, value: T) -> Field<T> {
        Field::known(value, self.span())
    }

    pub fn unknown<T>(&mut self) -> Field<T> {
        Field::unknown(self.span())
    }

    fn defaulted<T>(value: T, origin: &Origin) -> Field<T> {
        Field::default(value, origin.name_span)
    }

    pub fn cidr(&mut self, text: &str) -> Field<CidrValue> {
        let value = CidrValue {
            net: net(text),
            host_bits: self.host_bits,
        };
        self.known(value)
    }

    /// A VPC with a primary IPv4 block.
    pub fn vpc(&mut self, address: &str, cidr: &str) -> VpcId {
        let origin = self.origin(address);
        let cidr = self.cidr(cidr);
        let vpc = Vpc {
            enable_dns_support: Self::defaulted(true, &origin),
            enable_dns_hostnames: Self::defaulted(false, &origin),
            origin,
            cidr,
            invalid_cidr: None,
            ipv6_cidrs: Vec::new(),
            region: None,
            main_route_table: None,
            dhcp_options: None,
        };
        self.network.vpcs.push(vpc)
    }

    /// A VPC whose primary block is unknown (IPAM, a data source).
    pub fn vpc_unknown_cidr(&mut self, address: &str) -> VpcId {
        let vpc = self.vpc(address, "0.0.0.0/0");
        self.network.vpcs[vpc].cidr.value = None;
        vpc
    }

    /// A secondary IPv4 block of a VPC.
    pub fn secondary_cidr(&mut self, address: &str, vpc: VpcId, cidr: &str) -> CidrBlockId {
        let origin = self.origin(address);
        let vpc = self.known(vpc);
        let cidr = self.cidr(cidr);
        self.network.cidr_blocks.push(CidrBlock {
            origin,
            vpc,
            cidr,
            invalid_cidr: None,
        })
    }

    /// An IPv6 block of a VPC (inline or associated).
    pub fn ipv6_block(&mut self, vpc: VpcId, cidr: &str) {
        let net: Ipv6Net = cidr
            .parse()
            .unwrap_or_else(|_| panic!("test CIDR literal {cidr:?} does not parse"));
        let field = self.known(net);
        self.network.vpcs[vpc].ipv6_cidrs.push(field);
    }

    /// A customer-managed prefix list with inline entries (IPv4 or IPv6), all known.
    pub fn prefix_list(&mut self, address: &str, entries: &[&str]) -> PrefixListId {
        let origin = self.origin(address);
        let name = self.known(address.to_string());
        let max_entries = self.known(entries.len().max(1) as u32);
        let entries = entries
            .iter()
            .map(|cidr| {
                let net: IpNet = cidr
                    .parse()
                    .unwrap_or_else(|_| panic!("test CIDR literal {cidr:?} does not parse"));
                PrefixListEntry {
                    origin: origin.clone(),
                    cidr: self.known(net),
                }
            })
            .collect();
        self.network.prefix_lists.push(PrefixList {
            origin,
            name,
            max_entries,
            entries,
            entries_complete: true,
        })
    }

    /// A static route to a prefix list (`None`: a list not in the code).
    pub fn prefix_list_route(
        &mut self,
        address: &str,
        route_table: RouteTableId,
        list: Option<PrefixListId>,
        target: Target,
    ) -> RouteId {
        let origin = self.origin(address);
        let route_table = self.known(route_table);
        let destination = self.known(Destination::PrefixList(list));
        let target = self.known(target);
        self.network.routes.push(Route {
            origin,
            route_table,
            destination,
            invalid_destination: None,
            target,
            inline: false,
            host_bits: self.host_bits,
        })
    }

    pub fn subnet(&mut self, address: &str, vpc: VpcId, cidr: &str) -> SubnetId {
        let origin = self.origin(address);
        let vpc = self.known(vpc);
        let cidr = Some(self.cidr(cidr));
        let az = self.known("us-east-1a".to_string());
        let subnet = Subnet {
            map_public_ip_on_launch: Self::defaulted(false, &origin),
            origin,
            vpc,
            cidr,
            invalid_cidr: None,
            ipv6_cidr: None,
            external_vpc: None,
            az,
        };
        self.network.subnets.push(subnet)
    }

    pub fn route_table(&mut self, address: &str, vpc: VpcId) -> RouteTableId {
        let origin = self.origin(address);
        let vpc = self.known(vpc);
        self.network.route_tables.push(RouteTable {
            origin,
            vpc,
            is_main: false,
        })
    }

    /// Makes `route_table` the main route table of its VPC (`aws_default_route_table`).
    pub fn make_main(&mut self, route_table: RouteTableId) {
        let table = &mut self.network.route_tables[route_table];
        table.is_main = true;
        if let Some(vpc) = table.vpc.copied() {
            let field = Field::known(route_table, table.origin.span);
            self.network.vpcs[vpc].main_route_table = Some(field);
        }
    }

    pub fn associate(&mut self, address: &str, route_table: RouteTableId, subnet: SubnetId) {
        let origin = self.origin(address);
        let route_table = self.known(route_table);
        let subnet = Some(self.known(subnet));
        self.network
            .route_table_associations
            .push(RouteTableAssociation {
                origin,
                route_table,
                subnet,
                gateway: None,
            });
    }

    /// An edge association of `route_table` with an internet or virtual private gateway.
    pub fn associate_edge(
        &mut self,
        address: &str,
        route_table: RouteTableId,
        gateway: EdgeGateway,
    ) {
        let origin = self.origin(address);
        let route_table = self.known(route_table);
        let gateway = Some(self.known(gateway));
        self.network
            .route_table_associations
            .push(RouteTableAssociation {
                origin,
                route_table,
                subnet: None,
                gateway,
            });
    }

    /// A Network Firewall with an endpoint in each of `subnets`.
    pub fn network_firewall(
        &mut self,
        address: &str,
        vpc: VpcId,
        subnets: &[SubnetId],
    ) -> FirewallId {
        let origin = self.origin(address);
        let vpc = self.known(vpc);
        let subnets = subnets.iter().map(|&s| self.known(s)).collect();
        self.network.network_firewalls.push(NetworkFirewall {
            origin,
            vpc,
            subnets,
        })
    }

    /// A static route (a separate resource) to an IPv4 or IPv6 CIDR.
    pub fn route(
        &mut self,
        address: &str,
        route_table: RouteTableId,
        destination: &str,
        target: Target,
    ) -> RouteId {
        let destination =
            match destination.parse::<Ipv4Net>() {
                Ok(v4) => Destination::Ipv4(v4),
                Err(_) => Destination::Ipv6(destination.parse().unwrap_or_else(|_| {
                    panic!("test CIDR literal {destination:?} does not parse")
                })),
            };
        let origin = self.origin(address);
        let route_table = self.known(route_table);
        let destination = self.known(destination);
        let target = self.known(target);
        self.network.routes.push(Route {
            origin,
            route_table,
            destination,
            invalid_destination: None,
            target,
            inline: false,
            host_bits: self.host_bits,
        })
    }

    pub fn peering(&mut self, address: &str, requester: VpcId, accepter: VpcId) -> PeeringId {
        let origin = self.origin(address);
        let requester_vpc = self.known(requester);
        let accepter_vpc = self.known(accepter);
        let accepter_region = Self::defaulted("us-east-1".to_string(), &origin);
        self.network.peerings.push(PeeringConnection {
            origin,
            requester_vpc,
            accepter_vpc,
            requester_region: None,
            accepter_region,
        })
    }

    pub fn internet_gateway(&mut self, address: &str, vpc: VpcId) -> InternetGatewayId {
        let origin = self.origin(address);
        let vpc = Some(self.known(vpc));
        self.network
            .internet_gateways
            .push(InternetGateway { origin, vpc })
    }

    pub fn egress_only_igw(&mut self, address: &str, vpc: VpcId) -> EgressOnlyIgwId {
        let origin = self.origin(address);
        let vpc = self.known(vpc);
        self.network
            .egress_only_igws
            .push(EgressOnlyIgw { origin, vpc })
    }

    pub fn nat_gateway(&mut self, address: &str, subnet: SubnetId) -> NatGatewayId {
        let origin = self.origin(address);
        let subnet = self.known(subnet);
        let connectivity = Self::defaulted(Connectivity::Public, &origin);
        self.network.nat_gateways.push(NatGateway {
            origin,
            subnet,
            connectivity,
        })
    }

    pub fn instance(&mut self, address: &str, subnet: SubnetId) -> InstanceId {
        let origin = self.origin(address);
        let subnet = self.known(subnet);
        let source_dest_check = Self::defaulted(true, &origin);
        let primary_interface_precreated = Self::defaulted(false, &origin);
        self.network.instances.push(Instance {
            origin,
            subnet,
            source_dest_check,
            security_groups: Vec::new(),
            associate_public_ip: None,
            primary_interface_precreated,
            primary_interface: None,
        })
    }

    pub fn network_interface(&mut self, address: &str, subnet: SubnetId) -> NetworkInterfaceId {
        let origin = self.origin(address);
        let subnet = self.known(subnet);
        let source_dest_check = Self::defaulted(true, &origin);
        self.network.network_interfaces.push(NetworkInterface {
            origin,
            subnet,
            source_dest_check,
            attached_instance: None,
            security_groups: Vec::new(),
        })
    }

    pub fn vpc_endpoint(&mut self, address: &str, vpc: VpcId, kind: EndpointKind) -> VpcEndpointId {
        let origin = self.origin(address);
        let vpc = self.known(vpc);
        let kind = self.known(kind);
        let service_name = self.known("com.amazonaws.us-east-1.s3".to_string());
        let private_dns_enabled = Self::defaulted(false, &origin);
        self.network.vpc_endpoints.push(VpcEndpoint {
            origin,
            vpc,
            kind,
            service_name,
            private_dns_enabled,
            subnets: Vec::new(),
            security_groups: Vec::new(),
        })
    }

    pub fn security_group(&mut self, address: &str, vpc: VpcId) -> SecurityGroupId {
        let origin = self.origin(address);
        let vpc = self.known(vpc);
        self.network.security_groups.push(SecurityGroup {
            origin,
            vpc,
            is_default: false,
            rules_known: true,
        })
    }

    /// A security group rule as its own resource (`protocol` -1 is `All`).
    pub fn sg_rule(
        &mut self,
        address: &str,
        group: SecurityGroupId,
        direction: Direction,
        protocol: Protocol,
        ports: PortRange,
        peer: SgPeer,
    ) -> SgRuleId {
        let origin = self.origin(address);
        let group = self.known(group);
        let protocol = self.known(protocol);
        let ports = self.known(ports);
        let icmp = self.known(IcmpMessages::ALL);
        let peer = self.known(peer);
        self.network.sg_rules.push(SgRule {
            origin,
            group,
            direction,
            protocol,
            ports,
            icmp,
            peer,
            inline: false,
        })
    }

    pub fn nacl(&mut self, address: &str, vpc: VpcId) -> NaclId {
        let origin = self.origin(address);
        let vpc = self.known(vpc);
        self.network.nacls.push(NetworkAcl {
            origin,
            vpc,
            is_default: false,
            subnets: Vec::new(),
            entries_known: true,
        })
    }

    /// A NACL entry as its own resource.
    #[allow(clippy::too_many_arguments)]
    pub fn nacl_entry(
        &mut self,
        address: &str,
        nacl: NaclId,
        rule_number: u32,
        direction: Direction,
        protocol: Protocol,
        action: NaclAction,
        cidr: &str,
        ports: PortRange,
    ) -> NaclEntryId {
        let cidr: IpNet = cidr
            .parse()
            .unwrap_or_else(|_| panic!("test CIDR literal {cidr:?} does not parse"));
        let origin = self.origin(address);
        let nacl = self.known(nacl);
        let rule_number = self.known(rule_number);
        let protocol = self.known(protocol);
        let action = self.known(action);
        let cidr = self.known(cidr);
        let ports = self.known(ports);
        let icmp = self.known(IcmpMessages::ALL);
        self.network.nacl_entries.push(NaclEntry {
            origin,
            nacl,
            rule_number,
            direction,
            protocol,
            action,
            cidr,
            ports,
            icmp,
            inline: false,
        })
    }

    /// A virtual private gateway attached to `vpc` (or detached with `None`).
    pub fn vpn_gateway(&mut self, address: &str, vpc: Option<VpcId>) -> VpnGatewayId {
        let origin = self.origin(address);
        let vpc = vpc.map(|v| self.known(v));
        self.network.vpn_gateways.push(VpnGateway { origin, vpc })
    }

    pub fn vgw_propagation(&mut self, address: &str, route_table: RouteTableId, vgw: VpnGatewayId) {
        let origin = self.origin(address);
        let route_table = self.known(route_table);
        let vpn_gateway = self.known(vgw);
        self.network.vgw_propagations.push(VgwPropagation {
            origin,
            route_table,
            vpn_gateway,
        });
    }

    pub fn customer_gateway(&mut self, address: &str, bgp_asn: u64) -> CustomerGatewayId {
        let origin = self.origin(address);
        let bgp_asn = self.known(bgp_asn);
        self.network
            .customer_gateways
            .push(CustomerGateway { origin, bgp_asn })
    }

    /// A VPN connection to a VGW (with its own customer gateway).
    pub fn vpn_connection(
        &mut self,
        address: &str,
        vgw: VpnGatewayId,
        static_routes_only: bool,
    ) -> VpnConnectionId {
        let cgw = self.customer_gateway(&format!("{address}_cgw"), 65000);
        let origin = self.origin(address);
        let vpn_gateway = Some(self.known(vgw));
        let customer_gateway = self.known(cgw);
        let static_routes_only = self.known(static_routes_only);
        self.network.vpn_connections.push(VpnConnection {
            origin,
            vpn_gateway,
            transit_gateway: None,
            customer_gateway,
            static_routes_only,
        })
    }

    /// A VPN connection to a transit gateway (with its own customer gateway).
    pub fn tgw_vpn_connection(
        &mut self,
        address: &str,
        tgw: TransitGatewayId,
        static_routes_only: bool,
    ) -> VpnConnectionId {
        let cgw = self.customer_gateway(&format!("{address}_cgw"), 65000);
        let origin = self.origin(address);
        let transit_gateway = Some(self.known(tgw));
        let customer_gateway = self.known(cgw);
        let static_routes_only = self.known(static_routes_only);
        self.network.vpn_connections.push(VpnConnection {
            origin,
            vpn_gateway: None,
            transit_gateway,
            customer_gateway,
            static_routes_only,
        })
    }

    pub fn vpn_route(&mut self, address: &str, vpn: VpnConnectionId, prefix: &str) -> VpnRouteId {
        let origin = self.origin(address);
        let vpn_connection = self.known(vpn);
        let destination = self.known(net(prefix));
        self.network.vpn_routes.push(VpnConnectionRoute {
            origin,
            vpn_connection,
            destination,
        })
    }

    pub fn dx_gateway(&mut self, address: &str) -> DxGatewayId {
        let origin = self.origin(address);
        self.network.dx_gateways.push(DxGateway { origin })
    }

    pub fn dx_association(
        &mut self,
        address: &str,
        dx_gateway: DxGatewayId,
        associated: DxAssociated,
    ) -> DxAssociationId {
        let origin = self.origin(address);
        let dx_gateway = self.known(dx_gateway);
        let associated = self.known(associated);
        self.network.dx_associations.push(DxGatewayAssociation {
            origin,
            dx_gateway,
            associated,
            allowed_prefixes: Vec::new(),
        })
    }

    /// A Direct Connect gateway (`aws_dx_gateway.<name>`) associated with a VGW
    /// (`aws_dx_gateway_association.<name>`): the VGW propagates the declared Direct
    /// Connect prefixes.
    pub fn direct_connect_on_vgw(&mut self, name: &str, vgw: VpnGatewayId) -> DxAssociationId {
        let dx = self.dx_gateway(&format!("aws_dx_gateway.{name}"));
        self.dx_association(
            &format!("aws_dx_gateway_association.{name}"),
            dx,
            DxAssociated::VpnGateway(vgw),
        )
    }

    /// Declares an on-premises prefix advertised over Direct Connect (`[onprem]`).
    pub fn declare_direct_connect(&mut self, prefix: &str) {
        self.network.declared.direct_connect.push(net(prefix));
    }

    pub fn transit_gateway(&mut self, address: &str) -> TransitGatewayId {
        let origin = self.origin(address);
        let transit_gateway = TransitGateway {
            default_route_table_association: Self::defaulted(true, &origin),
            default_route_table_propagation: Self::defaulted(true, &origin),
            security_group_referencing: Self::defaulted(false, &origin),
            origin,
            region: None,
            association_table_replaced: false,
            propagation_table_replaced: false,
        };
        self.network.transit_gateways.push(transit_gateway)
    }

    pub fn tgw_attachment(
        &mut self,
        address: &str,
        tgw: TransitGatewayId,
        kind: TgwAttachmentKind,
    ) -> TgwAttachmentId {
        let origin = self.origin(address);
        let transit_gateway = self.known(tgw);
        let kind = self.known(kind);
        let attachment = TgwAttachment {
            security_group_referencing: Self::defaulted(true, &origin),
            default_association: Self::defaulted(true, &origin),
            default_propagation: Self::defaulted(true, &origin),
            appliance_mode: Self::defaulted(false, &origin),
            origin,
            transit_gateway,
            kind,
            subnets: Vec::new(),
        };
        self.network.tgw_attachments.push(attachment)
    }

    pub fn tgw_route_table(&mut self, address: &str, tgw: TransitGatewayId) -> TgwRouteTableId {
        let origin = self.origin(address);
        let transit_gateway = self.known(tgw);
        self.network.tgw_route_tables.push(TgwRouteTable {
            origin,
            transit_gateway,
            is_default: false,
        })
    }

    pub fn tgw_association(
        &mut self,
        address: &str,
        route_table: TgwRouteTableId,
        attachment: TgwAttachmentId,
    ) {
        let origin = self.origin(address);
        let route_table = self.known(route_table);
        let attachment = self.known(attachment);
        self.network.tgw_associations.push(TgwAssociation {
            origin,
            route_table,
            attachment,
        });
    }

    pub fn tgw_propagation(
        &mut self,
        address: &str,
        route_table: TgwRouteTableId,
        attachment: TgwAttachmentId,
    ) {
        let origin = self.origin(address);
        let route_table = self.known(route_table);
        let attachment = self.known(attachment);
        self.network.tgw_propagations.push(TgwPropagation {
            origin,
            route_table,
            attachment,
        });
    }

    /// A static transit gateway route to an attachment, or a blackhole with `None`.
    pub fn tgw_route(
        &mut self,
        address: &str,
        route_table: TgwRouteTableId,
        destination: &str,
        attachment: Option<TgwAttachmentId>,
    ) -> TgwRouteId {
        let origin = self.origin(address);
        let route_table = self.known(route_table);
        let destination = self.known(net(destination));
        let blackhole = attachment.is_none();
        let attachment = attachment.map(|a| self.known(a));
        self.network.tgw_routes.push(TgwRoute {
            origin,
            route_table,
            destination,
            attachment,
            blackhole,
        })
    }

    pub fn load_balancer(
        &mut self,
        address: &str,
        kind: LoadBalancerKind,
        scheme: Scheme,
        subnets: &[SubnetId],
    ) -> LoadBalancerId {
        let origin = self.origin(address);
        let kind = self.known(kind);
        let scheme = self.known(scheme);
        let subnets = subnets.iter().map(|s| self.known(*s)).collect();
        self.network.load_balancers.push(LoadBalancer {
            origin,
            kind,
            scheme,
            subnets,
            security_groups: Vec::new(),
        })
    }
}

/// A security group rule peer for a CIDR written in a test (panics on a typo).
pub fn sg_cidr(text: &str) -> SgPeer {
    SgPeer::Cidr(
        text.parse()
            .unwrap_or_else(|_| panic!("not a CIDR: {text}")),
    )
}

/// A network with one VPC (`10.0.0.0/16`) and one network ACL (`aws_network_acl.a`), for
/// tests of NACL evaluation: each entry is its own resource
/// (`aws_network_acl_rule.ingress100`).
pub struct NaclFixture {
    pub b: NetworkBuilder,
    pub nacl: NaclId,
}

impl Default for NaclFixture {
    fn default() -> Self {
        Self::new()
    }
}

impl NaclFixture {
    pub fn new() -> Self {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let nacl = b.nacl("aws_network_acl.a", vpc);
        NaclFixture { b, nacl }
    }

    pub fn entry(&mut self, spec: NaclEntrySpec) -> NaclEntryId {
        let (number, direction, protocol, action, cidr, ports) = spec;
        let address = format!("aws_network_acl_rule.{direction:?}{number}").to_lowercase();
        self.b.nacl_entry(
            &address, self.nacl, number, direction, protocol, action, cidr, ports,
        )
    }

    /// A fixture with these entries.
    pub fn with(entries: &[NaclEntrySpec]) -> Self {
        let mut fixture = Self::new();
        for &spec in entries {
            fixture.entry(spec);
        }
        fixture
    }
}

/// An entry of a [`NaclFixture`]: rule number, direction, protocol, action, CIDR, ports.
pub type NaclEntrySpec<'a> = (u32, Direction, Protocol, NaclAction, &'a str, PortRange);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_get_distinct_spans_and_known_fields() {
        let mut b = NetworkBuilder::new();
        let vpc = b.vpc("aws_vpc.a", "10.0.0.0/16");
        let subnet = b.subnet("aws_subnet.a", vpc, "10.0.1.0/24");
        let rt = b.route_table("aws_route_table.a", vpc);
        b.make_main(rt);
        let network = b.finish();
        let v = &network.vpcs[vpc];
        let s = &network.subnets[subnet];
        assert_ne!(v.cidr.span, s.origin.span);
        assert_eq!(s.vpc.copied(), Some(vpc));
        assert_eq!(
            v.main_route_table.as_ref().and_then(|f| f.copied()),
            Some(rt)
        );
        assert_eq!(v.enable_dns_hostnames.provenance, Provenance::Default);
        assert_eq!(&*s.origin.kind, "aws_subnet");
    }

    #[test]
    fn cidrs_keep_host_bits_as_written() {
        let mut b = NetworkBuilder::new();
        b.host_bits = HostBitsHandling::Truncated;
        let vpc = b.vpc("Vpc", "10.0.1.0/16");
        let cidr = b.network.vpcs[vpc].cidr.copied();
        assert_eq!(cidr.map(|c| c.has_host_bits()), Some(true));
        assert_eq!(cidr.map(|c| c.host_bits), Some(HostBitsHandling::Truncated));
    }
}
