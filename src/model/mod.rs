//! The normalized AWS network model. Source-agnostic: entities live in arenas with typed
//! ids, references are resolved to ids once while lowering, and every field a rule may
//! point at carries its span. Rules read this and nothing else.

pub mod analysis;
pub mod dump;
pub mod lower;
#[doc(hidden)]
pub mod testing;

pub use crate::frontend::{CallChain, CallSite};
use crate::source::Span;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::Serialize;
use std::marker::PhantomData;

/// A typed index into one of the [`Network`]'s arenas.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Id<T> {
    index: u32,
    #[serde(skip)]
    kind: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    pub fn new(index: usize) -> Self {
        Id {
            index: index as u32,
            kind: PhantomData,
        }
    }
    pub fn index(self) -> usize {
        self.index as usize
    }
}
impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Id<T> {}
impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}
impl<T> Eq for Id<T> {}
impl<T> std::hash::Hash for Id<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.index.hash(state)
    }
}
impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.index.cmp(&other.index)
    }
}
impl<T> std::fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.index)
    }
}

/// An append-only arena of one entity type. Items are stored in chunks of [`CHUNK`]: the
/// first grows like a `Vec`, the others are allocated whole. A large estate's arenas then
/// waste at most one chunk each, where a `Vec` wastes up to half its capacity and, while
/// growing, holds its old and new buffers at once (200,000 routes are 43 MB).
pub struct Arena<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

const CHUNK_BITS: u32 = 12;
const CHUNK: usize = 1 << CHUNK_BITS;

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Arena<T> {
    pub fn push(&mut self, item: T) -> Id<T> {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(item),
            Some(_) => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(item);
                self.chunks.push(chunk);
            }
            None => self.chunks.push(vec![item]),
        }
        self.len += 1;
        Id::new(self.len - 1)
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn iter(&self) -> impl Iterator<Item = (Id<T>, &T)> + Clone + '_ {
        self.values().enumerate().map(|(i, t)| (Id::new(i), t))
    }
    pub fn values(&self) -> impl Iterator<Item = &T> + Clone + '_ {
        self.chunks.iter().flatten()
    }
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> + '_ {
        self.chunks.iter_mut().flatten()
    }
    pub fn get(&self, id: Id<T>) -> Option<&T> {
        let i = id.index();
        self.chunks.get(i >> CHUNK_BITS)?.get(i & (CHUNK - 1))
    }
}

impl<T> std::ops::Index<Id<T>> for Arena<T> {
    type Output = T;
    fn index(&self, id: Id<T>) -> &T {
        let i = id.index();
        &self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
    }
}
impl<T> std::ops::IndexMut<Id<T>> for Arena<T> {
    fn index_mut(&mut self, id: Id<T>) -> &mut T {
        let i = id.index();
        &mut self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Arena<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.values()).finish()
    }
}

impl<T: Serialize> Serialize for Arena<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.values())
    }
}

/// Where an entity was declared.
#[derive(Debug, Clone, Serialize)]
pub struct Origin {
    /// `module.net.aws_route.to_c[0]` or a CloudFormation logical ID. Entities AWS creates
    /// along with another resource are addressed by the expression that names them:
    /// `aws_vpc.main.default_security_group_id`, `Vpc.DefaultNetworkAcl`,
    /// `aws_vpn_connection.x.transit_gateway_attachment_id`.
    pub address: String,
    /// Provider type as written (`aws_route`, `AWS::EC2::Route`), for display only: rules
    /// must not branch on it. Shared with the resource it was lowered from.
    pub kind: std::sync::Arc<str>,
    /// The whole resource (or inline block, for entities lowered from one).
    #[serde(skip)]
    pub span: Span,
    /// The block header or logical-ID key.
    #[serde(skip)]
    pub name_span: Span,
    /// The module calls the resource is created through, outermost first: which root
    /// supplied the values of a resource in a module several roots use.
    #[serde(skip)]
    pub called_from: CallChain,
}

impl Origin {
    /// The entity stands for what a module call whose module vpclint could not read may
    /// create (it is addressed as the call itself, `module.eks`): its unknown fields name
    /// what the call passes, or the module's own resources, never another unit's directly.
    pub fn stands_for_an_unread_module(&self) -> bool {
        self.called_from
            .last()
            .is_some_and(|call| call.address == self.address)
    }
}

/// Whether a field was written in the source or filled in with the provider/service default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provenance {
    Set,
    Default,
}

/// A field of an entity: its value (`None` when unknown) and the span to point at. For a
/// defaulted field the span is the resource's name span (where the argument would go).
#[derive(Debug, Clone, Serialize)]
pub struct Field<T> {
    pub value: Option<T>,
    #[serde(skip)]
    pub span: Span,
    pub provenance: Provenance,
}

impl<T> Field<T> {
    pub fn known(value: T, span: Span) -> Self {
        Field {
            value: Some(value),
            span,
            provenance: Provenance::Set,
        }
    }
    pub fn unknown(span: Span) -> Self {
        Field {
            value: None,
            span,
            provenance: Provenance::Set,
        }
    }
    pub fn default(value: T, span: Span) -> Self {
        Field {
            value: Some(value),
            span,
            provenance: Provenance::Default,
        }
    }
    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }
}

impl<T: Copy> Field<T> {
    pub fn copied(&self) -> Option<T> {
        self.value
    }
}

pub type VpcId = Id<Vpc>;
pub type CidrBlockId = Id<CidrBlock>;
pub type SubnetId = Id<Subnet>;
pub type RouteTableId = Id<RouteTable>;
pub type RouteId = Id<Route>;
pub type PeeringId = Id<PeeringConnection>;
pub type InternetGatewayId = Id<InternetGateway>;
pub type EgressOnlyIgwId = Id<EgressOnlyIgw>;
pub type NatGatewayId = Id<NatGateway>;
pub type InstanceId = Id<Instance>;
pub type NetworkInterfaceId = Id<NetworkInterface>;
pub type SecurityGroupId = Id<SecurityGroup>;
pub type SgRuleId = Id<SgRule>;
pub type NaclId = Id<NetworkAcl>;
pub type NaclEntryId = Id<NaclEntry>;
pub type VpnGatewayId = Id<VpnGateway>;
pub type CustomerGatewayId = Id<CustomerGateway>;
pub type VpnConnectionId = Id<VpnConnection>;
pub type VpnRouteId = Id<VpnConnectionRoute>;
pub type DxGatewayId = Id<DxGateway>;
pub type DxAssociationId = Id<DxGatewayAssociation>;
pub type TransitGatewayId = Id<TransitGateway>;
pub type TgwAttachmentId = Id<TgwAttachment>;
pub type TgwRouteTableId = Id<TgwRouteTable>;
pub type TgwRouteId = Id<TgwRoute>;
pub type VpcEndpointId = Id<VpcEndpoint>;
pub type HostedZoneId = Id<PrivateHostedZone>;
pub type DhcpOptionsId = Id<DhcpOptions>;
pub type LoadBalancerId = Id<LoadBalancer>;
pub type PrefixListId = Id<PrefixList>;
pub type ElasticIpAssociationId = Id<ElasticIpAssociation>;
pub type FirewallId = Id<NetworkFirewall>;

/// The whole analyzed network: every unit lowered into one set of arenas.
#[derive(Debug, Default, Serialize)]
pub struct Network {
    pub vpcs: Arena<Vpc>,
    pub cidr_blocks: Arena<CidrBlock>,
    pub subnets: Arena<Subnet>,
    pub route_tables: Arena<RouteTable>,
    pub route_table_associations: Arena<RouteTableAssociation>,
    pub routes: Arena<Route>,
    pub peerings: Arena<PeeringConnection>,
    pub internet_gateways: Arena<InternetGateway>,
    pub egress_only_igws: Arena<EgressOnlyIgw>,
    pub nat_gateways: Arena<NatGateway>,
    pub instances: Arena<Instance>,
    pub network_interfaces: Arena<NetworkInterface>,
    pub security_groups: Arena<SecurityGroup>,
    pub sg_rules: Arena<SgRule>,
    pub nacls: Arena<NetworkAcl>,
    pub nacl_entries: Arena<NaclEntry>,
    pub vpn_gateways: Arena<VpnGateway>,
    pub vgw_propagations: Arena<VgwPropagation>,
    pub customer_gateways: Arena<CustomerGateway>,
    pub vpn_connections: Arena<VpnConnection>,
    pub vpn_routes: Arena<VpnConnectionRoute>,
    pub dx_gateways: Arena<DxGateway>,
    pub dx_associations: Arena<DxGatewayAssociation>,
    pub transit_gateways: Arena<TransitGateway>,
    pub tgw_attachments: Arena<TgwAttachment>,
    pub tgw_route_tables: Arena<TgwRouteTable>,
    pub tgw_associations: Arena<TgwAssociation>,
    pub tgw_propagations: Arena<TgwPropagation>,
    pub tgw_routes: Arena<TgwRoute>,
    pub vpc_endpoints: Arena<VpcEndpoint>,
    pub network_firewalls: Arena<NetworkFirewall>,
    pub hosted_zones: Arena<PrivateHostedZone>,
    pub dhcp_options: Arena<DhcpOptions>,
    pub load_balancers: Arena<LoadBalancer>,
    pub prefix_lists: Arena<PrefixList>,
    pub elastic_ip_associations: Arena<ElasticIpAssociation>,
    /// CIDR literals AWS rejects or changes, outside VPC, subnet and route blocks (those
    /// keep theirs in `invalid_cidr` / `invalid_destination` and their own value).
    pub flawed_cidrs: Vec<FlawedCidr>,
    /// The subnets of NACL associations whose NACL is unknown (an unresolved reference, a
    /// resource whose `count`, `for_each` or condition is unknown): such a subnet's NACL is
    /// unknown, and an association of unknown subnet may be any subnet of its unit.
    pub unplaced_nacl_associations: Vec<Field<SubnetId>>,
    /// Facts the code cannot contain, declared in the config file.
    pub declared: Declared,
    /// What each unit's lowering added, in lowering order: a route table or subnet that a
    /// unit names but that is unknown can only be one of that unit's own.
    #[serde(skip)]
    pub units: Vec<UnitEntities>,
    /// The rank of each source file (by id) in path order, for [`source_order`]; empty in
    /// networks built without sources (then file ids order files).
    ///
    /// [`source_order`]: analysis::source_order::source_order
    #[serde(skip)]
    pub file_ranks: Vec<u32>,
}

/// The arena index ranges of one unit's route tables, routes, VGW propagations, route
/// table associations, subnets and unplaced NACL associations (see [`Network::units`]).
/// Something of unknown table, subnet, group or NACL that a unit names is one of the unit's
/// own (references do not reach other units' resources), unless the unit has none of its
/// own.
#[derive(Debug, Default, Clone)]
pub struct UnitEntities {
    pub route_tables: std::ops::Range<usize>,
    pub routes: std::ops::Range<usize>,
    pub vgw_propagations: std::ops::Range<usize>,
    pub route_table_associations: std::ops::Range<usize>,
    pub subnets: std::ops::Range<usize>,
    pub unplaced_nacl_associations: std::ops::Range<usize>,
    /// A route or VGW propagation of the unit has an unknown table, and the unit has no
    /// table of its own: the unit names it from outside (an import, a parameter, a
    /// variable, a data source), and it may be any other unit's.
    pub route_in_outside_table: bool,
    /// The same for a route table association of unknown subnet.
    pub association_of_outside_subnet: bool,
    /// The same for a security group rule of unknown group.
    pub rule_of_outside_group: bool,
    /// The same for a NACL entry of unknown NACL.
    pub entry_of_outside_nacl: bool,
    /// The same for a NACL association of unknown subnet.
    pub nacl_association_of_outside_subnet: bool,
}

impl UnitEntities {
    /// The unit of the `index`-th item of an arena, given that arena's range per unit. The
    /// ranges follow each other in lowering order: a binary search.
    pub fn of(
        units: &[UnitEntities],
        index: usize,
        range: impl Fn(&UnitEntities) -> &std::ops::Range<usize>,
    ) -> Option<&UnitEntities> {
        let at = units.partition_point(|unit| range(unit).end <= index);
        units.get(at).filter(|unit| range(unit).contains(&index))
    }

    /// Where an unknown table, subnet, group or NACL the unit names may be: one of its own
    /// (`own`), or any unit's (`None`) when it names one from outside.
    pub fn scope(
        own: &std::ops::Range<usize>,
        named_from_outside: bool,
    ) -> Option<std::ops::Range<usize>> {
        (!named_from_outside).then(|| own.clone())
    }
}

/// On-premises prefixes declared in `vpclint.toml` (`[onprem]`).
#[derive(Debug, Default, Clone, Serialize)]
pub struct Declared {
    /// Prefixes advertised to AWS over Direct Connect.
    pub direct_connect: Vec<Ipv4Net>,
    /// The account's quotas (`[quotas]`), AWS's defaults where not declared.
    pub quotas: Quotas,
}

/// Amazon VPC quotas the code can exceed, at AWS's defaults unless `[quotas]` says
/// otherwise (<https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Quotas {
    /// Inbound or outbound rules per security group, IPv4 and IPv6 counted separately.
    pub security_group_rules: u32,
    /// Security groups per network interface.
    pub security_groups_per_interface: u32,
    /// Inbound or outbound rules per network ACL.
    pub nacl_rules: u32,
    /// IPv4 CIDR blocks per VPC (primary and secondary).
    pub vpc_ipv4_blocks: u32,
    /// Non-propagated routes per route table.
    pub routes_per_table: u32,
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            security_group_rules: 60,
            security_groups_per_interface: 5,
            nacl_rules: 20,
            vpc_ipv4_blocks: 5,
            routes_per_table: 500,
        }
    }
}

// ---------------------------------------------------------------- addressing

#[derive(Debug, Serialize)]
pub struct Vpc {
    pub origin: Origin,
    /// Primary IPv4 block; unknown with IPAM allocation or an unresolvable value.
    pub cidr: Field<CidrValue>,
    /// Set when the primary block did not parse as an IPv4 CIDR.
    pub invalid_cidr: Option<Box<InvalidCidr>>,
    /// Amazon-provided or BYOIP IPv6 blocks (usually unknown: Amazon assigns them).
    pub ipv6_cidrs: Vec<Field<Ipv6Net>>,
    /// `enableDnsSupport`, default true.
    pub enable_dns_support: Field<bool>,
    /// `enableDnsHostnames`, default false.
    pub enable_dns_hostnames: Field<bool>,
    pub region: Option<String>,
    /// The VPC's main route table when the code manages it (`aws_default_route_table`,
    /// `aws_main_route_table_association`); otherwise AWS's implicit one, not in the model.
    /// An unknown field: an association of unknown table, VPC or count may set it.
    pub main_route_table: Option<Field<RouteTableId>>,
    pub dhcp_options: Option<Field<DhcpOptionsId>>,
}

/// An IPv4 CIDR as written, and the network it denotes (`net` keeps the address as
/// written: `10.0.1.0/16` stays so; `net.trunc()` is what EC2 would use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CidrValue {
    pub net: Ipv4Net,
    /// How the deploying tool treats host bits set in `net`.
    pub host_bits: HostBitsHandling,
}

impl CidrValue {
    pub fn has_host_bits(&self) -> bool {
        self.net != self.net.trunc()
    }
    /// The network AWS would create.
    pub fn network(&self) -> Ipv4Net {
        self.net.trunc()
    }
}

/// What happens to `10.0.1.0/16`: the Terraform provider rejects it at plan time, while
/// CloudFormation passes it to EC2, which silently truncates it to `10.0.0.0/16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostBitsHandling {
    Rejected,
    Truncated,
}

/// A secondary IPv4 block associated with a VPC.
#[derive(Debug, Serialize)]
pub struct CidrBlock {
    pub origin: Origin,
    pub vpc: Field<VpcId>,
    pub cidr: Field<CidrValue>,
    pub invalid_cidr: Option<Box<InvalidCidr>>,
}

/// A CIDR string that failed to parse, kept so `invalid-cidr` can report it.
#[derive(Debug, Clone, Serialize)]
pub struct InvalidCidr {
    pub text: String,
    #[serde(skip)]
    pub span: Span,
}

/// A CIDR literal of a security group rule, NACL entry, transit gateway route, VPN route,
/// prefix list entry, Direct Connect allowed prefix or IPv6 block that AWS rejects or
/// changes.
#[derive(Debug, Clone, Serialize)]
pub struct FlawedCidr {
    pub origin: Origin,
    /// What holds the literal: "security group rule", "network ACL entry", ...
    pub what: &'static str,
    pub text: String,
    pub flaw: CidrFlaw,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CidrFlaw {
    /// Not a CIDR block: AWS rejects it; its field is unknown.
    Unparsable,
    /// Host bits set where it is established what the deploying tool does with them; its
    /// field keeps the value as written.
    HostBits {
        network: IpNet,
        handling: HostBitsHandling,
    },
}

#[derive(Debug, Serialize)]
pub struct Subnet {
    pub origin: Origin,
    pub vpc: Field<VpcId>,
    /// Absent for IPv6-only subnets.
    pub cidr: Option<Field<CidrValue>>,
    pub invalid_cidr: Option<Box<InvalidCidr>>,
    pub ipv6_cidr: Option<Field<Ipv6Net>>,
    /// When `vpc` is unknown: the VPC outside the code it names, if another resource naming
    /// it alike is surely in the same VPC.
    pub external_vpc: Option<ExternalVpc>,
    /// Availability Zone name or ID; a position of CloudFormation's `!GetAZs` list is
    /// `GetAZs(<region>)[<index>]`, which zone that is being known only at deploy time.
    pub az: Field<String>,
    pub map_public_ip_on_launch: Field<bool>,
}

/// A VPC that is not in the analyzed code, named alike by several resources of one unit:
/// the same literal VPC id, or the same unknown expression (an unset variable, a data
/// source attribute, a module output, a parameter) in one module instance. Two different
/// expressions, even if both unknown, are never taken for one VPC.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ExternalVpc {
    /// The unit, and for an expression the module instance, it is written in.
    pub scope: String,
    /// `vpc-0abc…`, `var.vpc_id`, `data.aws_vpc.shared.id`, `parameter VpcId`.
    pub name: String,
}

// ---------------------------------------------------------------- routing

#[derive(Debug, Serialize)]
pub struct RouteTable {
    pub origin: Origin,
    pub vpc: Field<VpcId>,
    /// True for `aws_default_route_table`: it is the VPC's main route table.
    pub is_main: bool,
}

#[derive(Debug, Serialize)]
pub struct RouteTableAssociation {
    pub origin: Origin,
    pub route_table: Field<RouteTableId>,
    /// A subnet association, or `None` for a gateway (edge) association.
    pub subnet: Option<Field<SubnetId>>,
    /// The gateway of an edge association (`gateway_id`, `GatewayId`); unknown when it
    /// names no internet or virtual private gateway of the code.
    pub gateway: Option<Field<EdgeGateway>>,
}

/// The gateway an edge-associated route table routes the inbound traffic of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum EdgeGateway {
    InternetGateway(InternetGatewayId),
    VpnGateway(VpnGatewayId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "cidr")]
pub enum Destination {
    Ipv4(Ipv4Net),
    Ipv6(Ipv6Net),
    /// A managed prefix list: the customer-managed list of the code it names, or `None`
    /// for a list whose entries are not in the code (AWS-managed, an existing list's id).
    PrefixList(Option<PrefixListId>),
}

impl Destination {
    /// The destination CIDR of either family; `None` for a prefix list.
    pub fn cidr(self) -> Option<IpNet> {
        match self {
            Destination::Ipv4(net) => Some(IpNet::V4(net)),
            Destination::Ipv6(net) => Some(IpNet::V6(net)),
            Destination::PrefixList(_) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum Target {
    InternetGateway(InternetGatewayId),
    EgressOnlyIgw(EgressOnlyIgwId),
    NatGateway(NatGatewayId),
    Instance(InstanceId),
    NetworkInterface(NetworkInterfaceId),
    Peering(PeeringId),
    VpnGateway(VpnGatewayId),
    TransitGateway(TransitGatewayId),
    /// Gateway Load Balancer endpoint (or another endpoint used as a route target).
    VpcEndpoint(VpcEndpointId),
    /// An endpoint of an AWS Network Firewall, named through the firewall's endpoint list
    /// (`sync_states`, `EndpointIds`): which one, and so its zone, is not known.
    FirewallEndpoint(FirewallId),
    /// The VPC's local route (only when a route explicitly names `local`).
    Local,
    /// A target kind the model does not follow (carrier/local gateway, core network).
    Other,
}

/// A static route in a route table (inline block or separate resource).
#[derive(Debug, Serialize)]
pub struct Route {
    pub origin: Origin,
    pub route_table: Field<RouteTableId>,
    pub destination: Field<Destination>,
    /// Set when the destination did not parse as a CIDR.
    pub invalid_destination: Option<Box<InvalidCidr>>,
    pub target: Field<Target>,
    /// The route is an inline block of its route table (the primary span is then in the
    /// route table resource).
    pub inline: bool,
    /// How host bits set in a CIDR destination are treated (the provider rejects
    /// `172.16.0.1/12`; EC2 accepts it and stores `172.16.0.0/12`).
    pub host_bits: HostBitsHandling,
}

/// Route propagation from a virtual private gateway into a route table.
#[derive(Debug, Serialize)]
pub struct VgwPropagation {
    pub origin: Origin,
    pub route_table: Field<RouteTableId>,
    pub vpn_gateway: Field<VpnGatewayId>,
}

#[derive(Debug, Serialize)]
pub struct PeeringConnection {
    pub origin: Origin,
    pub requester_vpc: Field<VpcId>,
    pub accepter_vpc: Field<VpcId>,
    pub requester_region: Option<String>,
    /// `peer_region` / `PeerRegion`; defaults to the requester's region.
    pub accepter_region: Field<String>,
}

#[derive(Debug, Serialize)]
pub struct InternetGateway {
    pub origin: Origin,
    /// Inline `vpc_id`, or an attachment resource.
    pub vpc: Option<Field<VpcId>>,
}

#[derive(Debug, Serialize)]
pub struct EgressOnlyIgw {
    pub origin: Origin,
    pub vpc: Field<VpcId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Connectivity {
    Public,
    Private,
}

#[derive(Debug, Serialize)]
pub struct NatGateway {
    pub origin: Origin,
    pub subnet: Field<SubnetId>,
    /// Default public.
    pub connectivity: Field<Connectivity>,
}

#[derive(Debug, Serialize)]
pub struct Instance {
    pub origin: Origin,
    pub subnet: Field<SubnetId>,
    /// Governs the primary ENI only. Default true.
    pub source_dest_check: Field<bool>,
    pub security_groups: Vec<Field<SecurityGroupId>>,
    /// Whether AWS gives the new primary interface a public IPv4 address at launch
    /// (`associate_public_ip_address`, CloudFormation `AssociatePublicIpAddress` of device
    /// 0); `None` when unset, so the subnet's `map_public_ip_on_launch` decides. Unknown
    /// when a launch template may set it.
    pub associate_public_ip: Option<Field<bool>>,
    /// The primary interface (device 0) is a network interface created beforehand: AWS
    /// assigns a public IPv4 address only to a new one. Unknown when the interface list is.
    pub primary_interface_precreated: Field<bool>,
    /// That pre-created primary interface: the instance's security groups are its groups.
    pub primary_interface: Option<Field<NetworkInterfaceId>>,
}

/// What an Elastic IP address is associated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum ElasticIpTarget {
    Instance(InstanceId),
    NetworkInterface(NetworkInterfaceId),
}

/// An Elastic IP address associated with an instance or interface (`aws_eip` with
/// `instance`/`network_interface`, `aws_eip_association`, `AWS::EC2::EIP` with
/// `InstanceId`, `AWS::EC2::EIPAssociation`). Unknown target: it may be any instance's.
#[derive(Debug, Serialize)]
pub struct ElasticIpAssociation {
    pub origin: Origin,
    pub target: Field<ElasticIpTarget>,
}

#[derive(Debug, Serialize)]
pub struct NetworkInterface {
    pub origin: Origin,
    pub subnet: Field<SubnetId>,
    /// Default true.
    pub source_dest_check: Field<bool>,
    pub attached_instance: Option<Field<InstanceId>>,
    pub security_groups: Vec<Field<SecurityGroupId>>,
}

// ---------------------------------------------------------------- filtering

#[derive(Debug, Serialize)]
pub struct SecurityGroup {
    pub origin: Origin,
    /// Unknown when omitted (the account's default VPC).
    pub vpc: Field<VpcId>,
    /// The VPC's default security group (`aws_default_security_group`).
    pub is_default: bool,
    /// Every rule of the group is in the model. False for a VPC's default group that the
    /// code only references (`aws_vpc.x.default_security_group_id`,
    /// `!GetAtt Vpc.DefaultSecurityGroup`: AWS made its rules), and for a group whose inline
    /// rules are not all known (a `dynamic` block over an unknown collection), and for
    /// every group of a unit where a rule of unknown group may be one of its.
    pub rules_known: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ingress,
    Egress,
}

/// IP protocol: `-1`/`all` is `All`; others by number (tcp 6, udp 17, icmp 1, icmpv6 58).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    All,
    Number(u8),
}

impl Protocol {
    pub const TCP: Protocol = Protocol::Number(6);
    pub const UDP: Protocol = Protocol::Number(17);
    pub const ICMP: Protocol = Protocol::Number(1);
    pub const ICMPV6: Protocol = Protocol::Number(58);
}

/// An inclusive port range. All ports is `0..=65535`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

impl PortRange {
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };
}

/// The ICMP (or ICMPv6) messages an entry or rule of that protocol matches: one type or all
/// (`-1`), and of that type one code or all (`-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct IcmpMessages {
    /// `None`: every type (and then every code).
    pub icmp_type: Option<u8>,
    /// `None`: every code of the type.
    pub code: Option<u8>,
}

impl IcmpMessages {
    pub const ALL: IcmpMessages = IcmpMessages {
        icmp_type: None,
        code: None,
    };
    pub const ECHO_REQUEST: IcmpMessages = IcmpMessages {
        icmp_type: Some(8),
        code: Some(0),
    };
    pub const ECHO_REPLY: IcmpMessages = IcmpMessages {
        icmp_type: Some(0),
        code: Some(0),
    };

    /// The messages as a range of `type × 256 + code`: the analyses match ICMP messages as
    /// they match ports, one message being one number.
    pub fn as_range(self) -> PortRange {
        match (self.icmp_type, self.code) {
            (None, _) => PortRange::ALL,
            (Some(t), None) => PortRange {
                from: u16::from(t) << 8,
                to: (u16::from(t) << 8) | 0xff,
            },
            (Some(t), Some(c)) => {
                let message = (u16::from(t) << 8) | u16::from(c);
                PortRange {
                    from: message,
                    to: message,
                }
            }
        }
    }

    /// The messages a range numbered as [`Self::as_range`] does stands for (a range that
    /// is not one message or one type's codes stands for every message).
    pub fn of_range(range: PortRange) -> IcmpMessages {
        let (icmp_type, code) = ((range.from >> 8) as u8, (range.from & 0xff) as u8);
        match (range.to - range.from, code) {
            (0, _) => IcmpMessages {
                icmp_type: Some(icmp_type),
                code: Some(code),
            },
            (0xff, 0) => IcmpMessages {
                icmp_type: Some(icmp_type),
                code: None,
            },
            _ => IcmpMessages::ALL,
        }
    }
}

impl std::fmt::Display for IcmpMessages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.icmp_type, self.code) {
            (None, _) => f.write_str("every ICMP type"),
            (Some(8), Some(0)) => f.write_str("echo request"),
            (Some(0), Some(0)) => f.write_str("echo reply"),
            (Some(t), None) => write!(f, "ICMP type {t}"),
            (Some(t), Some(c)) => write!(f, "ICMP type {t} code {c}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum SgPeer {
    Cidr(IpNet),
    Group(SecurityGroupId),
    /// A managed prefix list, as for [`Destination::PrefixList`].
    PrefixList(Option<PrefixListId>),
}

/// One (protocol, ports, peer) permission of a security group. A rule with several CIDRs
/// is lowered to one `SgRule` per CIDR, each with the span of its CIDR.
#[derive(Debug, Serialize)]
pub struct SgRule {
    pub origin: Origin,
    pub group: Field<SecurityGroupId>,
    pub direction: Direction,
    pub protocol: Field<Protocol>,
    /// For TCP/UDP; `ALL` for protocol `-1`. ICMP type/code are in `icmp`.
    pub ports: Field<PortRange>,
    /// For ICMP and ICMPv6: `from_port`/`FromPort` is the type, `to_port`/`ToPort` the
    /// code. `ALL` for other protocols.
    pub icmp: Field<IcmpMessages>,
    pub peer: Field<SgPeer>,
    /// Part of the group resource (inline `ingress`/`egress` block or property).
    pub inline: bool,
}

#[derive(Debug, Serialize)]
pub struct NetworkAcl {
    pub origin: Origin,
    pub vpc: Field<VpcId>,
    /// The VPC's default NACL (`aws_default_network_acl`).
    pub is_default: bool,
    pub subnets: Vec<Field<SubnetId>>,
    /// Every entry of the NACL is in the model. False when an entry of unknown NACL (an
    /// unresolved reference, a resource whose `count`, `for_each` or condition is unknown)
    /// may be one of its.
    pub entries_known: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NaclAction {
    Allow,
    Deny,
}

#[derive(Debug, Serialize)]
pub struct NaclEntry {
    pub origin: Origin,
    pub nacl: Field<NaclId>,
    pub rule_number: Field<u32>,
    pub direction: Direction,
    pub protocol: Field<Protocol>,
    pub action: Field<NaclAction>,
    pub cidr: Field<IpNet>,
    /// For TCP/UDP; `ALL` for other protocols.
    pub ports: Field<PortRange>,
    /// For ICMP and ICMPv6 (`icmp_type`/`icmp_code`, `Icmp {Type, Code}`); `ALL` for other
    /// protocols.
    pub icmp: Field<IcmpMessages>,
    pub inline: bool,
}

/// A customer-managed prefix list: a set of CIDRs that routes and security group rules
/// reference as one (AWS-managed lists are not in the code and stay unknown).
#[derive(Debug, Serialize)]
pub struct PrefixList {
    pub origin: Origin,
    /// `name` / `PrefixListName`.
    pub name: Field<String>,
    /// Counts against the security group rule quota in place of the entries, whatever
    /// their number (`max_entries` / `MaxEntries`).
    pub max_entries: Field<u32>,
    /// Inline entries, then entry resources of the same unit.
    pub entries: Vec<PrefixListEntry>,
    /// The entries above are all the list's entries: the code declares them in the list
    /// itself (Terraform then removes any other) and every one is known. False when the
    /// list leaves its entries to separate entry resources, which other code may add to.
    pub entries_complete: bool,
}

#[derive(Debug, Serialize)]
pub struct PrefixListEntry {
    pub origin: Origin,
    pub cidr: Field<IpNet>,
}

// ---------------------------------------------------------------- hybrid

#[derive(Debug, Serialize)]
pub struct VpnGateway {
    pub origin: Origin,
    /// Inline `vpc_id`, or an attachment resource.
    pub vpc: Option<Field<VpcId>>,
}

#[derive(Debug, Serialize)]
pub struct CustomerGateway {
    pub origin: Origin,
    pub bgp_asn: Field<u64>,
}

#[derive(Debug, Serialize)]
pub struct VpnConnection {
    pub origin: Origin,
    pub vpn_gateway: Option<Field<VpnGatewayId>>,
    pub transit_gateway: Option<Field<TransitGatewayId>>,
    pub customer_gateway: Field<CustomerGatewayId>,
    /// Default false (BGP).
    pub static_routes_only: Field<bool>,
}

/// A static route of a VPN connection: an on-premises prefix.
#[derive(Debug, Serialize)]
pub struct VpnConnectionRoute {
    pub origin: Origin,
    pub vpn_connection: Field<VpnConnectionId>,
    pub destination: Field<Ipv4Net>,
}

#[derive(Debug, Serialize)]
pub struct DxGateway {
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum DxAssociated {
    VpnGateway(VpnGatewayId),
    TransitGateway(TransitGatewayId),
}

#[derive(Debug, Serialize)]
pub struct DxGatewayAssociation {
    pub origin: Origin,
    pub dx_gateway: Field<DxGatewayId>,
    pub associated: Field<DxAssociated>,
    pub allowed_prefixes: Vec<Field<Ipv4Net>>,
}

#[derive(Debug, Serialize)]
pub struct TransitGateway {
    pub origin: Origin,
    /// Default true: attachments are associated with the default route table.
    pub default_route_table_association: Field<bool>,
    /// Default true: attachments propagate into the default route table.
    pub default_route_table_propagation: Field<bool>,
    /// Security group referencing support; default false.
    pub security_group_referencing: Field<bool>,
    pub region: Option<String>,
    /// The code makes another route table the default association / propagation table
    /// (`aws_ec2_transit_gateway_default_route_table_association`,
    /// `AssociationDefaultRouteTableId`, and the propagation twins).
    pub association_table_replaced: bool,
    pub propagation_table_replaced: bool,
}

impl TransitGateway {
    /// Whether attachments are associated with the gateway's own default route table by
    /// default; unknown when the code makes another table the default.
    pub fn associates_by_default(&self) -> Option<bool> {
        match self.association_table_replaced {
            true => None,
            false => self.default_route_table_association.copied(),
        }
    }

    /// Whether attachments propagate into the gateway's own default route table by
    /// default; unknown when the code makes another table the default.
    pub fn propagates_by_default(&self) -> Option<bool> {
        match self.propagation_table_replaced {
            true => None,
            false => self.default_route_table_propagation.copied(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum TgwAttachmentKind {
    Vpc(VpcId),
    Vpn(VpnConnectionId),
    DxGateway(DxGatewayId),
    Peering,
    Connect,
}

#[derive(Debug, Serialize)]
pub struct TgwAttachment {
    pub origin: Origin,
    pub transit_gateway: Field<TransitGatewayId>,
    pub kind: Field<TgwAttachmentKind>,
    /// VPC attachments: subnets.
    pub subnets: Vec<Field<SubnetId>>,
    /// VPC attachments: security group referencing support on the attachment (default
    /// true on the attachment since 2024; it only works when the gateway enables it too).
    pub security_group_referencing: Field<bool>,
    /// `transit_gateway_default_route_table_association` (default true).
    pub default_association: Field<bool>,
    /// `transit_gateway_default_route_table_propagation` (default true).
    pub default_propagation: Field<bool>,
    /// VPC attachments: appliance mode (default off): a flow keeps one Availability Zone of
    /// the attachment in both directions.
    pub appliance_mode: Field<bool>,
}

#[derive(Debug, Serialize)]
pub struct TgwRouteTable {
    pub origin: Origin,
    pub transit_gateway: Field<TransitGatewayId>,
    /// The gateway's default route table, which the code names through the gateway
    /// (`association_default_route_table_id`) rather than declares.
    pub is_default: bool,
}

#[derive(Debug, Serialize)]
pub struct TgwAssociation {
    pub origin: Origin,
    pub route_table: Field<TgwRouteTableId>,
    pub attachment: Field<TgwAttachmentId>,
}

#[derive(Debug, Serialize)]
pub struct TgwPropagation {
    pub origin: Origin,
    pub route_table: Field<TgwRouteTableId>,
    pub attachment: Field<TgwAttachmentId>,
}

#[derive(Debug, Serialize)]
pub struct TgwRoute {
    pub origin: Origin,
    pub route_table: Field<TgwRouteTableId>,
    pub destination: Field<Ipv4Net>,
    /// `None` value with `blackhole = true`.
    pub attachment: Option<Field<TgwAttachmentId>>,
    pub blackhole: bool,
}

// ---------------------------------------------------------------- endpoints, DNS, LB

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointKind {
    Gateway,
    Interface,
    GatewayLoadBalancer,
}

#[derive(Debug, Serialize)]
pub struct VpcEndpoint {
    pub origin: Origin,
    pub vpc: Field<VpcId>,
    /// Default `Gateway`.
    pub kind: Field<EndpointKind>,
    pub service_name: Field<String>,
    /// Default false in Terraform and CloudFormation.
    pub private_dns_enabled: Field<bool>,
    pub subnets: Vec<Field<SubnetId>>,
    /// Interface endpoints: their security groups (none written: the VPC's default group).
    pub security_groups: Vec<Field<SecurityGroupId>>,
}

/// An AWS Network Firewall (`aws_networkfirewall_firewall`, `AWS::NetworkFirewall::Firewall`):
/// AWS creates one firewall endpoint in each of its subnets, a stateful middlebox that
/// route tables send traffic through.
#[derive(Debug, Serialize)]
pub struct NetworkFirewall {
    pub origin: Origin,
    pub vpc: Field<VpcId>,
    /// `subnet_mapping` / `SubnetMappings`: one endpoint each.
    pub subnets: Vec<Field<SubnetId>>,
}

#[derive(Debug, Serialize)]
pub struct PrivateHostedZone {
    pub origin: Origin,
    /// Inline `vpc` blocks and separate association resources.
    pub vpcs: Vec<Field<VpcId>>,
}

#[derive(Debug, Serialize)]
pub struct DhcpOptions {
    pub origin: Origin,
    /// `AmazonProvidedDNS` or IP addresses, as written.
    pub domain_name_servers: Vec<Field<String>>,
    pub vpcs: Vec<Field<VpcId>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoadBalancerKind {
    Application,
    Network,
    Gateway,
    Classic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    InternetFacing,
    Internal,
}

#[derive(Debug, Serialize)]
pub struct LoadBalancer {
    pub origin: Origin,
    /// Default `Application` (Terraform `aws_lb`, CloudFormation `AWS::ElasticLoadBalancingV2::LoadBalancer`).
    pub kind: Field<LoadBalancerKind>,
    /// Default internet-facing.
    pub scheme: Field<Scheme>,
    /// `subnets` and `subnet_mapping` blocks.
    pub subnets: Vec<Field<SubnetId>>,
    /// `security_groups` / `SecurityGroups` as written (none: the VPC's default group for
    /// an application or classic load balancer, no group for a network load balancer).
    pub security_groups: Vec<Field<SecurityGroupId>>,
}
