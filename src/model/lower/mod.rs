//! Lowering: frontend resources → model entities. Source-agnostic: each language gives a
//! small table ([`Dialect`]) mapping its resource kinds and attribute names onto the
//! lowerings below. Two passes per unit: create the entities that can be referenced, then
//! fill every entity, resolving references (`V::Ref`) to typed ids within the unit (and to
//! the ids of resources an earlier unit exports, for CloudFormation imports).
//!
//! Resolution never guesses: a reference to nothing in the unit, to an entity of the wrong
//! type, or a literal AWS id (`vpc-0abc…`, existing infrastructure) gives an unknown field.
//! The exception is a transit gateway ID (`tgw-0abc…`, typically shared from a network
//! account): one gateway wherever the same ID appears, whose settings stay unknown.

mod cloudformation;
mod failures;
mod launch_template;
mod terraform;

use super::*;
use crate::frontend::{Diagnostic, GapCause, Lang, Ref, Resource, Unit, Val, V};
use crate::source::SourceMap;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use launch_template::Placement;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// How many references a chain (`aws_subnet.a.vpc_id` → `aws_vpc.x.id`) may follow.
const MAX_REF_DEPTH: usize = 8;

/// Lowers every unit into one network. Units are taken in path order so the arenas (and
/// therefore every output) are deterministic, exporters before the units that import from
/// them.
pub fn lower(units: &mut [Unit], declared: Declared, sources: &SourceMap) -> Network {
    let mut ordered: Vec<usize> = (0..units.len()).collect();
    ordered.sort_by(|&a, &b| units[a].path.cmp(&units[b].path));
    let exporters: HashSet<PathBuf> = units
        .iter()
        .flat_map(|u| &u.imports)
        .filter_map(|i| i.exporter.clone())
        .collect();
    if !exporters.is_empty() {
        ordered = exporters_first(units, ordered);
    }
    let mut lowerer = Lowerer::new(declared);
    lowerer.exporters = exporters;
    for index in ordered {
        drop(lowerer.add(&mut units[index], sources));
    }
    lowerer.finish(sources)
}

/// Builds one network from units lowered one at a time, in the order they are added: the
/// pipeline lowers each Terraform unit as soon as it is evaluated, while the next ones are
/// still evaluating. The order must be deterministic (path order) for the outputs to be.
pub struct Lowerer {
    network: Network,
    /// The units whose exports other units import.
    exporters: HashSet<PathBuf>,
    /// The entities of the exporters lowered so far.
    exported: Exported,
    /// The transit gateways named by a literal ID so far, in any unit.
    literal_gateways: HashMap<String, TransitGatewayId>,
}

impl Lowerer {
    /// A lowerer for units that import nothing from one another (see [`lower`] for those
    /// that do).
    pub fn new(declared: Declared) -> Self {
        Lowerer {
            network: Network {
                declared,
                ..Network::default()
            },
            exporters: HashSet::new(),
            exported: HashMap::new(),
            literal_gateways: HashMap::new(),
        }
    }

    /// Lowers `unit` into the network and takes its resources out, for the caller to free:
    /// nothing reads them afterwards (rules and reports see the model, the units'
    /// diagnostics and suppressions), and on a large estate they are the largest structure
    /// of the run.
    pub fn add(&mut self, unit: &mut Unit, sources: &SourceMap) -> Vec<Resource> {
        let resources = std::mem::take(&mut unit.resources);
        let dialect = match unit.lang {
            Lang::Terraform | Lang::TerraformPlan => &terraform::DIALECT,
            Lang::CloudFormation => &cloudformation::DIALECT,
        };
        let (primary, gaps) = UnitLowering::new(
            unit,
            &resources,
            dialect,
            &mut self.network,
            sources,
            &self.exported,
            &mut self.literal_gateways,
        )
        .run();
        failures::drop_superseded_notes(unit, &gaps);
        unit.diagnostics.extend(gaps);
        if self.exporters.contains(&unit.path) {
            let entities = resources
                .iter()
                .zip(primary)
                .filter_map(|(res, entity)| {
                    Some((res.address.clone(), (entity?, res.kind.clone())))
                })
                .collect();
            self.exported.insert(unit.path.clone(), entities);
        }
        resources
    }

    pub fn finish(mut self, sources: &SourceMap) -> Network {
        let network = &mut self.network;
        if network.units.iter().any(|unit| unit.rule_of_outside_group) {
            for group in network.security_groups.values_mut() {
                group.rules_known = false;
            }
        }
        if network.units.iter().any(|unit| unit.entry_of_outside_nacl) {
            for nacl in network.nacls.values_mut() {
                nacl.entries_known = false;
            }
        }
        network.file_ranks = sources.path_ranks();
        self.network
    }
}

/// Of the unit's entities whose table, subnet, group or NACL is unknown (`unplaced`), given
/// the unit's own entities of that kind: `None` when there are none; else whether one
/// names it from outside the unit (the unit has none of its own, and the entity is not a
/// stand-in for an unread module, whose unknowns are its own resources or what its call
/// passes).
fn named_from_outside<'e, T: 'e>(
    mut unplaced: impl Iterator<Item = &'e T>,
    own: &std::ops::Range<usize>,
    origin: impl Fn(&T) -> &Origin,
) -> Option<bool> {
    let first = unplaced.next()?;
    Some(
        own.is_empty()
            && std::iter::once(first)
                .chain(unplaced)
                .any(|e| !origin(e).stands_for_an_unread_module()),
    )
}

/// The entities of the units whose exports other units import: by unit, by resource
/// address, with the resource's kind.
type Exported = HashMap<PathBuf, HashMap<String, (Entity, std::sync::Arc<str>)>>;

/// Units (indexes into `units`) in an order where each comes after the units it imports
/// resource ids from (path order otherwise; a cycle of imports is broken at the first unit
/// in path order, whose references into the cycle stay unknown).
fn exporters_first(units: &[Unit], mut pending: Vec<usize>) -> Vec<usize> {
    let mut ordered: Vec<usize> = Vec::with_capacity(pending.len());
    let mut done: HashSet<&Path> = HashSet::new();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|&index| {
                let unit = &units[index];
                unit.imports
                    .iter()
                    .filter_map(|i| i.exporter.as_deref())
                    .all(|exporter| exporter == unit.path || done.contains(exporter))
            })
            .unwrap_or(0);
        let index = pending.remove(ready);
        done.insert(&units[index].path);
        ordered.push(index);
    }
    ordered
}

/// One source language's table.
struct Dialect {
    host_bits: HostBitsHandling,
    /// The lowering of a resource kind; `None` for kinds the model does not represent.
    lowering: fn(kind: &str) -> Option<Lowering>,
    /// Whether `attribute` of a resource of `kind` is the id of the entity lowered from it
    /// (`id`, `Ref`, `GroupId`).
    identity: fn(kind: &str, attribute: &str) -> bool,
    /// Attributes that name an entity AWS creates implicitly with the resource
    /// (`aws_vpc.x.default_security_group_id`, `!GetAtt Vpc.DefaultNetworkAcl`).
    implicit: fn(kind: &str, attribute: &str) -> Option<Implicit>,
    /// Resource kinds whose id is another resource's id (a peering accepter), and the
    /// attribute that names that resource.
    alias: fn(kind: &str) -> Option<&'static str>,
    /// How an unknown value names one value of its scope (module instance, template), from
    /// its unknown reason and its expression as written: `var.vpc_id`, `parameter VpcId`.
    /// `None` when equal text may stand for different values (indexes, loops, functions).
    unknown_name: fn(reason: &str, text: &str) -> Option<String>,
    /// Whether `attribute` of a resource of `kind` is an endpoint of the Network Firewall
    /// lowered from it (which endpoint is not known).
    firewall_endpoint: fn(kind: &str, attribute: &str) -> bool,
}

/// Entities AWS creates along with a resource, which the code can reference without
/// declaring them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Implicit {
    DefaultSecurityGroup,
    DefaultNetworkAcl,
    MainRouteTable,
    TgwDefaultRouteTable,
    /// The transit gateway attachment of a VPN connection that terminates on a TGW.
    VpnTgwAttachment,
}

macro_rules! entities {
    ($($variant:ident => $ty:ident;)*) => {
        /// Any entity a reference can resolve to.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum Entity { $($variant(Id<$ty>)),* }

        /// An entity type that references can name.
        trait Linkable: Sized {
            fn pick(entity: Entity) -> Option<Id<Self>>;
        }
        $(impl Linkable for $ty {
            fn pick(entity: Entity) -> Option<Id<Self>> {
                match entity {
                    Entity::$variant(id) => Some(id),
                    _ => None,
                }
            }
        })*
    };
}

entities! {
    Vpc => Vpc;
    Subnet => Subnet;
    RouteTable => RouteTable;
    Peering => PeeringConnection;
    InternetGateway => InternetGateway;
    EgressOnlyIgw => EgressOnlyIgw;
    NatGateway => NatGateway;
    Instance => Instance;
    NetworkInterface => NetworkInterface;
    SecurityGroup => SecurityGroup;
    NetworkAcl => NetworkAcl;
    VpnGateway => VpnGateway;
    CustomerGateway => CustomerGateway;
    VpnConnection => VpnConnection;
    DxGateway => DxGateway;
    TransitGateway => TransitGateway;
    TgwAttachment => TgwAttachment;
    TgwRouteTable => TgwRouteTable;
    VpcEndpoint => VpcEndpoint;
    Firewall => NetworkFirewall;
    HostedZone => PrivateHostedZone;
    DhcpOptions => DhcpOptions;
    LoadBalancer => LoadBalancer;
    PrefixList => PrefixList;
}

// ------------------------------------------------------------------ the tables' vocabulary

/// What a resource kind lowers to, with the attribute names of its language.
enum Lowering {
    Vpc(&'static VpcNames),
    CidrBlock(&'static CidrBlockNames),
    Subnet(&'static SubnetNames),
    RouteTable(&'static RouteTableNames),
    Route(&'static RouteNames),
    RouteTableAssociation(&'static RouteTableAssociationNames),
    MainRouteTableAssociation {
        vpc: &'static str,
        route_table: &'static str,
    },
    VgwPropagation {
        /// One route table id or a list of them.
        route_tables: &'static str,
        vpn_gateway: &'static str,
    },
    Peering(&'static PeeringNames),
    /// A resource whose id is its peering connection's (the accepter side).
    PeeringAccepter,
    InternetGateway {
        vpc: Option<&'static str>,
    },
    GatewayAttachment(&'static GatewayAttachmentNames),
    EgressOnlyIgw {
        vpc: &'static str,
    },
    NatGateway {
        subnet: &'static str,
        connectivity: &'static str,
        availability_mode: &'static str,
    },
    Instance(&'static InstanceNames),
    NetworkInterface(&'static NetworkInterfaceNames),
    InterfaceAttachment {
        instance: &'static str,
        network_interface: &'static str,
    },
    SecurityGroup(&'static SecurityGroupNames),
    SgRule(&'static SgRuleResourceNames),
    NetworkAcl(&'static NetworkAclNames),
    NaclEntry(&'static NaclEntryResourceNames),
    NaclAssociation {
        nacl: &'static str,
        subnet: &'static str,
    },
    VpnGateway {
        vpc: Option<&'static str>,
    },
    CustomerGateway {
        bgp_asn: &'static str,
    },
    VpnConnection(&'static VpnConnectionNames),
    VpnRoute {
        vpn_connection: &'static str,
        destination: &'static str,
    },
    DxGateway,
    DxAssociation(&'static DxAssociationNames),
    TransitGateway(&'static TransitGatewayNames),
    TgwVpcAttachment(&'static TgwVpcAttachmentNames),
    TgwPeeringAttachment {
        transit_gateway: &'static str,
    },
    TgwRouteTable {
        transit_gateway: &'static str,
    },
    TgwAssociation(&'static TgwLinkNames),
    TgwPropagation(&'static TgwLinkNames),
    TgwRoute(&'static TgwRouteNames),
    VpcEndpoint(&'static VpcEndpointNames),
    EndpointSubnetAssociation {
        endpoint: &'static str,
        subnet: &'static str,
    },
    /// A gateway endpoint's route table (`aws_vpc_endpoint_route_table_association`): a
    /// route to the service's prefix list.
    EndpointRouteTableAssociation {
        endpoint: &'static str,
        route_table: &'static str,
    },
    NetworkFirewall {
        vpc: &'static str,
        /// The subnet mapping objects and their subnet attribute.
        subnet_mappings: (&'static str, &'static str),
    },
    HostedZone {
        /// The list of VPC blocks/objects; the zone is private only when it has some.
        vpcs: &'static str,
        vpc_id: &'static str,
    },
    HostedZoneAssociation {
        zone: &'static str,
        vpc: &'static str,
    },
    DhcpOptions {
        name_servers: &'static str,
    },
    DhcpAssociation {
        dhcp_options: &'static str,
        vpc: &'static str,
    },
    LoadBalancer(&'static LoadBalancerNames),
    PrefixList(&'static PrefixListNames),
    /// One entry added to a prefix list by a resource of its own.
    PrefixListEntry {
        list: &'static str,
        cidr: &'static str,
    },
    ElasticIp(&'static ElasticIpNames),
    /// A resource that makes another route table the transit gateway's default association
    /// (`association: true`) or propagation table: which table that is, and so what the
    /// gateway's defaults mean, is left unknown.
    TgwDefaultTableReplaced {
        transit_gateway: &'static str,
        association: bool,
    },
}

struct VpcNames {
    cidr: &'static str,
    /// The IPAM pool the IPv4 block is allocated from when the block is not written.
    ipam: &'static [&'static str],
    ipv6_cidr: Option<&'static str>,
    /// A boolean asking Amazon for an IPv6 block (unknown until created).
    amazon_ipv6: Option<&'static str>,
    /// Pools an IPv6 block is allocated from (IPAM, BYOIP): unknown unless written.
    ipv6_pools: &'static [&'static str],
    dns_support: &'static str,
    dns_hostnames: &'static str,
    /// `enableDnsHostnames` when not written: false for a new VPC; unknown for the default
    /// VPC, which AWS creates with it on and the code adopts as it is.
    dns_hostnames_unset: Option<bool>,
    /// The region's default VPC (`aws_default_vpc`).
    is_default: bool,
}

struct CidrBlockNames {
    vpc: &'static str,
    cidr: Option<&'static str>,
    ipam: &'static [&'static str],
    ipv6_cidr: Option<&'static str>,
    amazon_ipv6: Option<&'static str>,
    ipv6_pools: &'static [&'static str],
}

struct SubnetNames {
    vpc: &'static str,
    cidr: &'static str,
    ipv6_cidr: &'static str,
    /// First one present wins (AZ name, then AZ id).
    az: &'static [&'static str],
    map_public_ip: &'static str,
    /// `mapPublicIpOnLaunch` when not written: false for a new subnet; unknown for a default
    /// subnet, adopted as it is.
    map_public_ip_unset: Option<bool>,
}

struct RouteTableNames {
    vpc: Option<&'static str>,
    /// The attribute by which a default route table adopts its VPC's main route table.
    adopts_main_of: Option<&'static str>,
    /// Inline route blocks.
    routes: Option<(&'static str, &'static RouteNames)>,
    propagating_vgws: Option<&'static str>,
}

struct RouteNames {
    /// Separate route resources only.
    route_table: Option<&'static str>,
    destination_v4: &'static str,
    destination_v6: &'static str,
    destination_prefix_list: &'static str,
    /// Target attributes, in the order they are tried, with what each may name.
    targets: &'static [(&'static str, TargetSlot)],
}

/// What a route target attribute may name.
#[derive(Clone, Copy)]
enum TargetSlot {
    /// Internet gateway or virtual private gateway (`gateway_id`; EC2 also accepts a NAT
    /// gateway, egress-only internet gateway or transit gateway there); `local` is the
    /// local route.
    Gateway,
    EgressOnlyIgw,
    NatGateway,
    Instance,
    /// A network interface, or an instance's primary one.
    NetworkInterface,
    Peering,
    TransitGateway,
    VpcEndpoint,
    /// Carrier/local gateways, core networks: not followed.
    Other,
}

struct RouteTableAssociationNames {
    route_table: &'static str,
    subnet: Option<&'static str>,
    gateway: Option<&'static str>,
}

struct PeeringNames {
    vpc: &'static str,
    peer_vpc: &'static str,
    peer_region: &'static str,
}

struct GatewayAttachmentNames {
    vpc: &'static str,
    internet_gateway: Option<&'static str>,
    vpn_gateway: Option<&'static str>,
}

struct InstanceNames {
    subnet: &'static str,
    /// `None` where the check cannot be set at launch: it is on, as EC2 creates it.
    source_dest_check: Option<&'static str>,
    security_groups: &'static str,
    /// The groups named by name (default VPC): `security_groups`, `SecurityGroups`.
    group_names: GroupNameNames,
    /// Inline network interface specs.
    interfaces: &'static str,
    interface: InterfaceSpecNames,
    /// The subnet attribute of a network interface resource (for an instance whose primary
    /// interface is a separate resource).
    eni_subnet: &'static str,
    /// The instance's own public IPv4 switch (Terraform; CloudFormation has it on the
    /// device 0 interface spec only).
    public_ip: Option<&'static str>,
    /// The launch template the instance names (`launch_template` block, `LaunchTemplate`).
    launch_template: Option<&'static str>,
    template: LaunchTemplateNames,
}

/// The fields of a network interface spec, inline in an instance or in a launch template.
struct InterfaceSpecNames {
    device_index: &'static str,
    interface_id: &'static str,
    subnet: Option<&'static str>,
    groups: Option<&'static str>,
    public_ip: Option<&'static str>,
}

/// A launch template resource, and how an instance names it.
struct LaunchTemplateNames {
    kind: &'static str,
    /// Where the launch settings sit in the resource (CloudFormation's `LaunchTemplateData`).
    data: Option<&'static str>,
    /// The template's name argument (top level in both languages).
    name: &'static str,
    security_groups: &'static str,
    group_names: GroupNameNames,
    interfaces: &'static str,
    interface: InterfaceSpecNames,
    /// In the instance's reference: the template by id, by name, and its version.
    by_id: &'static str,
    by_name: &'static str,
    version: &'static str,
    /// The template's attributes that name the version its code describes.
    code_versions: &'static [&'static str],
}

/// Security groups named by their names, as EC2 takes them for the default VPC.
struct GroupNameNames {
    /// The instance's or template's list of names.
    list: &'static str,
    /// The security group resource and its name argument.
    group_kind: &'static str,
    group_name: &'static str,
    /// The group's VPC argument: a group without it is in the default VPC.
    group_vpc: &'static str,
}

/// A security group an instance names by a literal name: a group name is unique per VPC
/// only, so it is resolved once every subnet and group has its VPC.
struct NamedGroup<'a> {
    instance: InstanceId,
    address: &'a str,
    name: &'a str,
    span: Span,
    /// The unit's groups of that name, each with whether its VPC argument is written.
    candidates: Vec<(SecurityGroupId, bool)>,
    /// The instance names a subnet (without one, it is in the default VPC).
    subnet_written: bool,
}

struct ElasticIpNames {
    instance: &'static str,
    network_interface: Option<&'static str>,
}

struct NetworkInterfaceNames {
    subnet: &'static str,
    source_dest_check: &'static str,
    security_groups: &'static str,
    /// Inline attachment blocks and their instance attribute.
    attachments: Option<(&'static str, &'static str)>,
}

struct SecurityGroupNames {
    vpc: &'static str,
    is_default: bool,
    ingress: &'static str,
    egress: &'static str,
    ingress_rule: &'static SgRuleNames,
    egress_rule: &'static SgRuleNames,
    /// AWS gives a group created without outbound rules ones that allow all IPv4 and IPv6
    /// traffic out; CloudFormation keeps them, Terraform removes them.
    default_egress: bool,
}

/// The attributes of one security group permission (inline block or separate resource).
struct SgRuleNames {
    protocol: &'static str,
    from_port: &'static str,
    to_port: &'static str,
    /// Each attribute holds one CIDR or a list.
    cidrs: &'static [&'static str],
    groups: &'static [&'static str],
    prefix_lists: &'static [&'static str],
    self_: Option<&'static str>,
    /// What the deploying tool does with a CIDR with host bits set, where established.
    host_bits: Option<HostBitsHandling>,
}

struct SgRuleResourceNames {
    group: &'static str,
    direction: DirectionSource,
    rule: &'static SgRuleNames,
}

enum DirectionSource {
    Fixed(Direction),
    /// An attribute holding `ingress` or `egress`.
    Attr(&'static str),
    /// A boolean attribute, true for egress, default false.
    EgressFlag(&'static str),
}

/// The directions a rule or entry whose direction is read from `source` may have.
fn possible_directions(source: &DirectionSource) -> Vec<Direction> {
    match source {
        DirectionSource::Fixed(direction) => vec![*direction],
        DirectionSource::Attr(_) | DirectionSource::EgressFlag(_) => {
            vec![Direction::Ingress, Direction::Egress]
        }
    }
}

struct NetworkAclNames {
    vpc: Option<&'static str>,
    adopts_default_of: Option<&'static str>,
    subnets: Option<&'static str>,
    /// Inline entry blocks.
    ingress: Option<&'static str>,
    egress: Option<&'static str>,
    entry: &'static NaclEntryNames,
}

struct NaclEntryNames {
    rule_number: &'static str,
    protocol: &'static str,
    action: &'static str,
    cidr: &'static str,
    ipv6_cidr: &'static str,
    from_port: &'static str,
    to_port: &'static str,
    /// A `{From, To}` object instead of two attributes.
    port_range: Option<(&'static str, &'static str, &'static str)>,
    /// What the deploying tool does with a CIDR with host bits set, where established.
    host_bits: Option<HostBitsHandling>,
    icmp: IcmpNames,
}

/// Where an ICMP entry or rule writes its type and code.
enum IcmpNames {
    /// The port attributes: from is the type, to the code (security group rules).
    Ports,
    /// Two attributes (`icmp_type`, `icmp_code`).
    Attributes(&'static str, &'static str),
    /// A `{Type, Code}` object.
    Object(&'static str, &'static str, &'static str),
}

struct NaclEntryResourceNames {
    nacl: &'static str,
    direction: DirectionSource,
    entry: &'static NaclEntryNames,
}

struct VpnConnectionNames {
    vpn_gateway: &'static str,
    transit_gateway: &'static str,
    customer_gateway: &'static str,
    static_routes_only: &'static str,
    /// How the implicit TGW attachment is named (`<address>.<this>`).
    tgw_attachment: &'static str,
}

struct DxAssociationNames {
    dx_gateway: &'static str,
    associated: &'static [&'static str],
    allowed_prefixes: &'static str,
    /// How the transit gateway attachment AWS creates is named (`<address>.<this>`).
    tgw_attachment: &'static str,
    /// An association that accepts another account's proposal (Terraform).
    proposal: Option<&'static DxProposalNames>,
}

/// A proposal to associate a gateway with a Direct Connect gateway, and how the association
/// that accepts it names it.
struct DxProposalNames {
    /// The association's proposal argument.
    proposal: &'static str,
    /// Set with the proposal when the association accepts it (the AWS provider accepts a
    /// proposal only then).
    owner_account: &'static str,
    kind: &'static str,
    associated: &'static str,
    allowed_prefixes: &'static str,
}

struct TransitGatewayNames {
    default_association: &'static str,
    default_propagation: &'static str,
    sg_referencing: &'static str,
    /// Properties that name another table as the default association / propagation
    /// table (CloudFormation); when set, the default is not the gateway's own table.
    replaced_association_table: Option<&'static str>,
    replaced_propagation_table: Option<&'static str>,
}

struct TgwVpcAttachmentNames {
    transit_gateway: &'static str,
    vpc: &'static str,
    subnets: &'static str,
    /// Path to the `enable`/`disable` option.
    sg_referencing: &'static [&'static str],
    /// Booleans on the attachment (Terraform only).
    default_association: Option<&'static str>,
    default_propagation: Option<&'static str>,
    /// Path to the `enable`/`disable` appliance mode option.
    appliance_mode: &'static [&'static str],
}

struct TgwLinkNames {
    route_table: &'static str,
    attachment: &'static str,
}

struct TgwRouteNames {
    route_table: &'static str,
    destination: &'static str,
    attachment: &'static str,
    blackhole: &'static str,
    /// What the deploying tool does with a destination with host bits set, where
    /// established.
    host_bits: Option<HostBitsHandling>,
}

struct VpcEndpointNames {
    vpc: &'static str,
    kind: &'static str,
    service_name: &'static str,
    private_dns: &'static str,
    subnets: &'static str,
    security_groups: &'static str,
    /// A gateway endpoint's route tables: each gets a route to the service's prefix list.
    route_tables: &'static str,
}

struct LoadBalancerNames {
    /// `None` for classic load balancers.
    kind: Option<&'static str>,
    scheme: SchemeSource,
    subnets: &'static str,
    /// Subnet mapping objects and their subnet attribute.
    subnet_mappings: Option<(&'static str, &'static str)>,
    security_groups: &'static str,
}

struct PrefixListNames {
    name: &'static str,
    max_entries: &'static str,
    /// The inline entry blocks (objects) and their CIDR attribute.
    entries: &'static str,
    entry_cidr: &'static str,
}

enum SchemeSource {
    /// Terraform: `internal = true`, default false.
    InternalFlag(&'static str),
    /// CloudFormation: `Scheme: internal | internet-facing`, default internet-facing.
    Scheme(&'static str),
}

// ------------------------------------------------------------------ lowering one unit

struct UnitLowering<'a> {
    unit: &'a Unit,
    /// The unit's resources, taken out of it.
    resources: &'a [Resource],
    dialect: &'static Dialect,
    net: &'a mut Network,
    sources: &'a SourceMap,
    by_address: HashMap<&'a str, usize>,
    /// The entity lowered from each resource, by resource index.
    primary: Vec<Option<Entity>>,
    implicit: HashMap<(usize, Implicit), Entity>,
    /// The default NACLs the unit only references (none of its resources adopts them).
    referenced_default_nacls: Vec<NaclId>,
    /// The entities of units lowered before whose resources this unit imports.
    others: &'a Exported,
    literal_gateways: &'a mut HashMap<String, TransitGatewayId>,
    /// What lowering leaves out of the analysis (a block AWS allocates from an IPAM pool),
    /// and what AWS rejects (an instance that overrides its template's interfaces).
    diagnostics: Vec<Diagnostic>,
    named_groups: Vec<NamedGroup<'a>>,
    /// A main route table association of unknown VPC (or unknown count) may be any VPC's
    /// of the unit: where it is, every VPC's main route table is unknown.
    unplaced_main_association: Option<Span>,
    /// The VPCs that are the region's default VPC.
    default_vpcs: HashSet<VpcId>,
}

/// A parsed scalar: its value, unknown, or text that does not parse.
enum Parsed<T> {
    Known(T),
    Unknown,
    Invalid(String),
}

/// Where a CIDR literal is, for [`RejectedCidr`].
struct CidrAt<'r> {
    res: &'r Resource,
    /// The inline block holding it, if any.
    block: Option<&'r Val>,
    what: &'static str,
    /// What the deploying tool does with host bits in this attribute, where established
    /// (elsewhere they pass).
    host_bits: Option<HostBitsHandling>,
}

/// A present attribute. Null and the empty string count as absent: the AWS provider treats
/// `""` as unset, and plans write unset nested-block arguments as `""`.
fn attr<'r>(res: &'r Resource, name: &str) -> Option<&'r Val> {
    get(&res.attrs, name)
}

fn get<'v>(val: &'v Val, name: &str) -> Option<&'v Val> {
    val.get(name)
        .filter(|v| !v.is_null() && v.as_str() != Some(""))
}

/// `tgw-` and 8 or 17 lowercase hexadecimal digits, as EC2 writes transit gateway IDs.
fn is_transit_gateway_id(text: &str) -> bool {
    text.strip_prefix("tgw-").is_some_and(|hex| {
        matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

fn origin(res: &Resource) -> Origin {
    Origin {
        address: res.address.clone(),
        kind: res.kind.clone(),
        span: res.span,
        name_span: res.name_span,
        called_from: res.called_from.clone(),
    }
}

/// The origin of an entity lowered from an inline block of `res`.
fn inline_origin(res: &Resource, block: &Val) -> Origin {
    Origin {
        span: block.span,
        ..origin(res)
    }
}

/// The module instance part of a Terraform address (`module.net["a"].` of
/// `module.net["a"].aws_subnet.x[0]`); empty for a root resource or a CloudFormation ID.
fn module_instance(address: &str) -> &str {
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let name_end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        let mut tail = &after[name_end..];
        if let Some(key) = tail.strip_prefix('[') {
            let Some(key_end) = instance_key_end(key) else {
                return address;
            };
            tail = &key[key_end..];
        }
        match tail.strip_prefix('.') {
            Some(next) => rest = next,
            None => return address,
        }
    }
    &address[..address.len() - rest.len()]
}

/// The length of an instance key up to and including its `]`: a number or a quoted string
/// with backslash escapes.
fn instance_key_end(key: &str) -> Option<usize> {
    if let Some(quoted) = key.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in quoted.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => return quoted[i + 1..].starts_with(']').then_some(i + 3),
                _ => {}
            }
        }
        None
    } else {
        key.find(']').map(|i| i + 1)
    }
}

/// A span covering two spans of one file (a port range written as two attributes).
fn cover(a: Span, b: Span) -> Span {
    if a.file == b.file {
        Span::new(
            a.file,
            a.start.min(b.start) as usize,
            a.end.max(b.end) as usize,
        )
    } else {
        a
    }
}

fn enable_flag(text: &str) -> Option<bool> {
    match text {
        "enable" => Some(true),
        "disable" => Some(false),
        _ => None,
    }
}

/// IP protocol names and numbers as both languages accept them.
fn parse_protocol(val: &Val) -> Option<Protocol> {
    fn by_number(n: f64) -> Option<Protocol> {
        if n == -1.0 {
            Some(Protocol::All)
        } else if n.fract() == 0.0 && (0.0..=255.0).contains(&n) {
            Some(Protocol::Number(n as u8))
        } else {
            None
        }
    }
    match &val.v {
        V::Number(n) => by_number(*n),
        V::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "all" => Some(Protocol::All),
            "tcp" => Some(Protocol::TCP),
            "udp" => Some(Protocol::UDP),
            "icmp" => Some(Protocol::ICMP),
            "icmpv6" | "icmp6" => Some(Protocol::ICMPV6),
            other => other.parse().ok().and_then(by_number),
        },
        _ => None,
    }
}

/// A port number; `-1` is returned as `-1` (all ports / all ICMP types).
fn parse_port(val: &Val) -> Option<i32> {
    let n = val.as_f64()?;
    (n.fract() == 0.0 && (-1.0..=65535.0).contains(&n)).then_some(n as i32)
}

fn has_ports(protocol: Protocol) -> bool {
    protocol == Protocol::TCP || protocol == Protocol::UDP
}

impl<'a> UnitLowering<'a> {
    fn new(
        unit: &'a Unit,
        resources: &'a [Resource],
        dialect: &'static Dialect,
        net: &'a mut Network,
        sources: &'a SourceMap,
        others: &'a Exported,
        literal_gateways: &'a mut HashMap<String, TransitGatewayId>,
    ) -> Self {
        let mut by_address = HashMap::with_capacity(resources.len());
        // A resource of unknown instances names nothing a reference could resolve to.
        for (index, res) in resources.iter().enumerate() {
            if !matches!(res.attrs.v, V::Unknown(_)) {
                by_address.entry(res.address.as_str()).or_insert(index);
            }
        }
        UnitLowering {
            unit,
            dialect,
            net,
            sources,
            by_address,
            resources,
            primary: vec![None; resources.len()],
            implicit: HashMap::new(),
            referenced_default_nacls: Vec::new(),
            others,
            literal_gateways,
            diagnostics: Vec::new(),
            named_groups: Vec::new(),
            unplaced_main_association: None,
            default_vpcs: HashSet::new(),
        }
    }

    /// Lowers the unit; the entity lowered from each resource, by resource index, and the
    /// parts of the unit left out of the analysis.
    fn run(mut self) -> (Vec<Option<Entity>>, Vec<Diagnostic>) {
        let start = (
            self.net.route_tables.len(),
            self.net.routes.len(),
            self.net.vgw_propagations.len(),
            self.net.route_table_associations.len(),
            self.net.subnets.len(),
            self.net.unplaced_nacl_associations.len(),
        );
        let vpcs_start = self.net.vpcs.len();
        let filters_start = (
            self.net.security_groups.len(),
            self.net.sg_rules.len(),
            self.net.nacls.len(),
            self.net.nacl_entries.len(),
        );
        let resources = self.resources;
        let mut lowerings: Vec<Option<Lowering>> = resources
            .iter()
            .map(|res| (self.dialect.lowering)(&res.kind))
            .collect();
        for (res, lowering) in resources.iter().zip(&mut lowerings) {
            if matches!(res.attrs.v, V::Unknown(_)) {
                if let Some(lowering) = lowering.take() {
                    self.left_out(res, &lowering);
                }
            }
        }
        self.failed_evaluation_gaps(&lowerings);
        for (index, (res, lowering)) in resources.iter().zip(&lowerings).enumerate() {
            if let Some(lowering) = lowering {
                self.primary[index] = self.create(res, lowering);
            }
        }
        for (index, (res, lowering)) in resources.iter().zip(&lowerings).enumerate() {
            if let Some(lowering) = lowering {
                self.adopt_default(index, res, lowering);
            }
        }
        for (index, (res, lowering)) in resources.iter().zip(&lowerings).enumerate() {
            if let Some(lowering) = lowering {
                self.fill(index, res, lowering);
            }
        }
        self.resolve_named_groups();
        if let Some(span) = self.unplaced_main_association {
            for index in vpcs_start..self.net.vpcs.len() {
                self.net.vpcs[VpcId::new(index)].main_route_table = Some(Field::unknown(span));
            }
        }
        // After every VPC block is filled, whatever the resources' order: the default
        // egress and NACL entries AWS adds depend on the VPC's IPv6 blocks.
        for (index, (res, lowering)) in resources.iter().zip(&lowerings).enumerate() {
            if let (Some(Lowering::SecurityGroup(names)), Some(id)) =
                (lowering, self.primary[index].and_then(SecurityGroup::pick))
            {
                self.default_ipv6_egress(id, res, names);
            }
        }
        self.default_nacl_entries();
        let (rule_of_outside_group, entry_of_outside_nacl) =
            self.unplaced_filter_rules(filters_start);
        // After every gateway is filled, whatever the resources' order.
        for (res, lowering) in resources.iter().zip(&lowerings) {
            if let Some(Lowering::TgwDefaultTableReplaced {
                transit_gateway,
                association,
            }) = lowering
            {
                let tgw: Field<TransitGatewayId> = self.link(res, transit_gateway);
                if let Some(tgw) = tgw.copied() {
                    let tgw = &mut self.net.transit_gateways[tgw];
                    if *association {
                        tgw.association_table_replaced = true;
                    } else {
                        tgw.propagation_table_replaced = true;
                    }
                }
            }
        }
        let net = &*self.net;
        let route_tables = start.0..net.route_tables.len();
        let routes = start.1..net.routes.len();
        let vgw_propagations = start.2..net.vgw_propagations.len();
        let route_table_associations = start.3..net.route_table_associations.len();
        let subnets = start.4..net.subnets.len();
        let unplaced_routes = (routes.clone())
            .map(|i| &net.routes[RouteId::new(i)])
            .filter(|route| route.route_table.value.is_none())
            .map(|route| &route.origin);
        let unplaced_propagations = (vgw_propagations.clone())
            .map(|i| &net.vgw_propagations[Id::<VgwPropagation>::new(i)])
            .filter(|propagation| propagation.route_table.value.is_none())
            .map(|propagation| &propagation.origin);
        let route_in_outside_table = named_from_outside(
            unplaced_routes.chain(unplaced_propagations),
            &route_tables,
            |origin| origin,
        ) == Some(true);
        let unplaced_associations = (route_table_associations.clone())
            .map(|i| &net.route_table_associations[Id::<RouteTableAssociation>::new(i)])
            .filter(|a| {
                a.subnet
                    .as_ref()
                    .is_some_and(|subnet| subnet.value.is_none())
            });
        let association_of_outside_subnet =
            named_from_outside(unplaced_associations, &subnets, |a| &a.origin) == Some(true);
        let unplaced_nacl_associations = start.5..net.unplaced_nacl_associations.len();
        let nacl_association_of_outside_subnet = subnets.is_empty()
            && unplaced_nacl_associations
                .clone()
                .any(|i| net.unplaced_nacl_associations[i].value.is_none());
        self.net.units.push(UnitEntities {
            route_tables,
            routes,
            vgw_propagations,
            route_table_associations,
            subnets,
            unplaced_nacl_associations,
            route_in_outside_table,
            association_of_outside_subnet,
            rule_of_outside_group,
            entry_of_outside_nacl,
            nacl_association_of_outside_subnet,
        });
        (self.primary, self.diagnostics)
    }

    /// A resource none of whose instances is known (`count`, `for_each` or condition
    /// unknown). Its routes, associations and propagations are entities with every field
    /// unknown, so that what concludes from the absence of a route stays silent; other
    /// kinds are left out of the model.
    fn left_out(&mut self, res: &'a Resource, lowering: &Lowering) {
        let span = res.name_span;
        match lowering {
            Lowering::Route(_) | Lowering::EndpointRouteTableAssociation { .. } => {
                self.net.routes.push(Route {
                    origin: origin(res),
                    route_table: Field::unknown(span),
                    destination: Field::unknown(span),
                    invalid_destination: None,
                    target: Field::unknown(span),
                    inline: false,
                    host_bits: self.dialect.host_bits,
                });
            }
            Lowering::RouteTableAssociation(_) => {
                self.net
                    .route_table_associations
                    .push(RouteTableAssociation {
                        origin: origin(res),
                        route_table: Field::unknown(span),
                        subnet: Some(Field::unknown(span)),
                        gateway: None,
                    });
            }
            Lowering::VgwPropagation { .. } => {
                self.net.vgw_propagations.push(VgwPropagation {
                    origin: origin(res),
                    route_table: Field::unknown(span),
                    vpn_gateway: Field::unknown(span),
                });
            }
            Lowering::TgwAssociation(_) => {
                self.net.tgw_associations.push(TgwAssociation {
                    origin: origin(res),
                    route_table: Field::unknown(span),
                    attachment: Field::unknown(span),
                });
            }
            Lowering::TgwPropagation(_) => {
                self.net.tgw_propagations.push(TgwPropagation {
                    origin: origin(res),
                    route_table: Field::unknown(span),
                    attachment: Field::unknown(span),
                });
            }
            Lowering::TgwRoute(_) => {
                self.net.tgw_routes.push(TgwRoute {
                    origin: origin(res),
                    route_table: Field::unknown(span),
                    destination: Field::unknown(span),
                    attachment: Some(Field::unknown(span)),
                    blackhole: false,
                });
            }
            Lowering::SgRule(names) => {
                self.unknown_sg_rules(res, Field::unknown(span), &names.direction);
            }
            Lowering::NaclAssociation { .. } => {
                self.net
                    .unplaced_nacl_associations
                    .push(Field::unknown(span));
            }
            Lowering::NaclEntry(names) => {
                self.unknown_nacl_entries(res, Field::unknown(span), &names.direction);
            }
            Lowering::MainRouteTableAssociation { .. } => {
                self.unplaced_main_association = Some(span);
            }
            _ => {}
        }
    }

    /// A security group rule resource whose values are unknown: a rule of every direction
    /// it may have, every field unknown, so that no group it may belong to looks complete.
    fn unknown_sg_rules(
        &mut self,
        res: &'a Resource,
        group: Field<SecurityGroupId>,
        direction: &DirectionSource,
    ) {
        let span = res.name_span;
        for direction in possible_directions(direction) {
            self.net.sg_rules.push(SgRule {
                origin: origin(res),
                group: group.clone(),
                direction,
                protocol: Field::unknown(span),
                ports: Field::unknown(span),
                icmp: Field::unknown(span),
                peer: Field::unknown(span),
                inline: false,
            });
        }
    }

    /// A NACL entry resource whose values are unknown: an entry of every direction it may
    /// have, every field unknown (its place in the evaluation order too).
    fn unknown_nacl_entries(
        &mut self,
        res: &'a Resource,
        nacl: Field<NaclId>,
        direction: &DirectionSource,
    ) {
        let span = res.name_span;
        for direction in possible_directions(direction) {
            self.net.nacl_entries.push(NaclEntry {
                origin: origin(res),
                nacl: nacl.clone(),
                rule_number: Field::unknown(span),
                direction,
                protocol: Field::unknown(span),
                action: Field::unknown(span),
                cidr: Field::unknown(span),
                ports: Field::unknown(span),
                icmp: Field::unknown(span),
                inline: false,
            });
        }
    }

    /// A rule or entry of unknown group or NACL may be one of any group or NACL of the unit:
    /// none of them has all its rules in the model. Whether the unit names one from outside
    /// (see [`UnitEntities`]): then any unit's may hold it ([`Lowerer::finish`]).
    fn unplaced_filter_rules(
        &mut self,
        (groups, rules, nacls, entries): (usize, usize, usize, usize),
    ) -> (bool, bool) {
        let net = &mut *self.net;
        let own_groups = groups..net.security_groups.len();
        let unplaced_rules = (rules..net.sg_rules.len())
            .map(|i| &net.sg_rules[SgRuleId::new(i)])
            .filter(|rule| rule.group.value.is_none());
        let rule_of_outside_group = named_from_outside(unplaced_rules, &own_groups, |r| &r.origin);
        if rule_of_outside_group.is_some() {
            for i in own_groups {
                net.security_groups[SecurityGroupId::new(i)].rules_known = false;
            }
        }
        let own_nacls = nacls..net.nacls.len();
        let unplaced_entries = (entries..net.nacl_entries.len())
            .map(|i| &net.nacl_entries[NaclEntryId::new(i)])
            .filter(|entry| entry.nacl.value.is_none());
        let entry_of_outside_nacl = named_from_outside(unplaced_entries, &own_nacls, |e| &e.origin);
        if entry_of_outside_nacl.is_some() {
            for i in own_nacls {
                net.nacls[NaclId::new(i)].entries_known = false;
            }
        }
        (
            rule_of_outside_group == Some(true),
            entry_of_outside_nacl == Some(true),
        )
    }

    /// A VPC block AWS allocates from an IPAM pool when it creates it: unknown, and said so,
    /// since every check that compares addresses skips the VPC.
    fn ipam_block_gap(&mut self, res: &Resource, pool: &Val, which: &str) {
        self.diagnostics.push(Diagnostic::gap(
            pool.span,
            GapCause::UnknownDataSource,
            format!(
                "{}: the {which} IPv4 block is allocated from an IPAM pool when AWS creates it, so \
                 it is unknown and the checks that compare this VPC's addresses skip it",
                res.address
            ),
        ));
    }

    // -------------------------------------------------------------- resolution

    /// Follows a reference to an attribute that echoes an argument of its resource
    /// (`aws_vpc.a.cidr_block`, `!GetAtt Subnet.VpcId`) to that argument's value.
    fn follow(&self, val: &'a Val) -> &'a Val {
        let mut current = val;
        for _ in 0..MAX_REF_DEPTH {
            let Some(r) = current.as_ref() else {
                return current;
            };
            let Some(target) = self.local_index(r).and_then(|i| self.resources.get(i)) else {
                return current;
            };
            if (self.dialect.identity)(&target.kind, &r.attribute)
                || (self.dialect.implicit)(&target.kind, &r.attribute).is_some()
            {
                return current;
            }
            match attr(target, &r.attribute) {
                Some(echoed) => current = echoed,
                None => return current,
            }
        }
        current
    }

    /// The index of the resource a reference names in this unit.
    fn local_index(&self, r: &Ref) -> Option<usize> {
        self.by_address.get(&*r.address).copied()
    }

    /// The entity of another unit's resource that a reference names by its id (an import
    /// of the id another template exports); other attributes are not followed across units.
    fn exported_entity(&self, r: &Ref) -> Option<Entity> {
        let (unit, address) = r.other_unit()?;
        let (entity, kind) = self.others.get(unit)?.get(address)?;
        ((self.dialect.identity)(kind, &r.attribute) && (self.dialect.alias)(kind).is_none())
            .then_some(*entity)
    }

    /// The entity a value names, if it is a reference to one in this unit.
    fn entity(&mut self, val: &'a Val) -> Option<Entity> {
        let mut current = val;
        for _ in 0..MAX_REF_DEPTH {
            let Some(r) = current.as_ref() else {
                return self.literal_transit_gateway(current);
            };
            let Some(index) = self.local_index(r) else {
                return self.exported_entity(r);
            };
            let target = self.resources.get(index)?;
            if let Some(which) = (self.dialect.implicit)(&target.kind, &r.attribute) {
                return self.implicit_entity(index, which, &r.attribute);
            }
            if (self.dialect.identity)(&target.kind, &r.attribute) {
                match (self.dialect.alias)(&target.kind) {
                    Some(aliased) => current = attr(target, aliased)?,
                    None => return self.primary.get(index).copied().flatten(),
                }
            } else {
                current = attr(target, &r.attribute)?;
            }
        }
        None
    }

    /// A transit gateway named by a literal ID: shared from another account or created
    /// outside the code, it is one gateway wherever the same ID appears, in any unit; what
    /// the code does not say about it (its options, route tables, other attachments) is
    /// unknown. Not in plans, where the IDs of the gateways the configuration creates are
    /// literal too.
    fn literal_transit_gateway(&mut self, val: &'a Val) -> Option<Entity> {
        let id = val.as_str().filter(|s| is_transit_gateway_id(s))?;
        if self.unit.lang == Lang::TerraformPlan {
            return None;
        }
        if let Some(&tgw) = self.literal_gateways.get(id) {
            return Some(Entity::TransitGateway(tgw));
        }
        let tgw = self.net.transit_gateways.push(TransitGateway {
            origin: Origin {
                address: id.to_string(),
                kind: "transit gateway ID".into(),
                span: val.span,
                name_span: val.span,
                called_from: Vec::new().into(),
            },
            default_route_table_association: Field::unknown(val.span),
            default_route_table_propagation: Field::unknown(val.span),
            security_group_referencing: Field::unknown(val.span),
            region: None,
            association_table_replaced: false,
            propagation_table_replaced: false,
        });
        self.literal_gateways.insert(id.to_string(), tgw);
        Some(Entity::TransitGateway(tgw))
    }

    fn link<T: Linkable>(&mut self, res: &'a Resource, name: &str) -> Field<Id<T>> {
        match attr(res, name) {
            Some(val) => self.link_val(val),
            None => Field::unknown(res.name_span),
        }
    }

    fn link_val<T: Linkable>(&mut self, val: &'a Val) -> Field<Id<T>> {
        match self.entity(val).and_then(T::pick) {
            Some(id) => Field::known(id, val.span),
            None => Field::unknown(val.span),
        }
    }

    fn opt_link<T: Linkable>(&mut self, res: &'a Resource, name: &str) -> Option<Field<Id<T>>> {
        attr(res, name).map(|val| self.link_val(val))
    }

    fn links<T: Linkable>(&mut self, val: Option<&'a Val>) -> Vec<Field<Id<T>>> {
        self.elements(val)
            .into_iter()
            .map(|element| self.link_val(element))
            .collect()
    }

    /// The elements of a list-valued attribute: an unknown list is one unknown element.
    fn elements(&self, val: Option<&'a Val>) -> Vec<&'a Val> {
        let Some(val) = val else {
            return Vec::new();
        };
        match &self.follow(val).v {
            V::Null => Vec::new(),
            V::List(items) => items.iter().filter(|item| !item.is_null()).collect(),
            _ => vec![val],
        }
    }

    // -------------------------------------------------------------- scalars

    fn text(&self, val: &'a Val) -> Parsed<&'a str> {
        match &self.follow(val).v {
            V::String(s) => Parsed::Known(s.as_str()),
            V::Number(n) => Parsed::Invalid(n.to_string()),
            V::Bool(b) => Parsed::Invalid(b.to_string()),
            _ => Parsed::Unknown,
        }
    }

    fn parse<T: FromStr>(&self, val: &'a Val) -> Parsed<T> {
        match self.text(val) {
            Parsed::Known(s) => match s.trim().parse() {
                Ok(v) => Parsed::Known(v),
                Err(_) => Parsed::Invalid(s.to_string()),
            },
            Parsed::Unknown => Parsed::Unknown,
            Parsed::Invalid(s) => Parsed::Invalid(s),
        }
    }

    /// An IPv4 CIDR field: `None` when the attribute is absent.
    fn cidr4(&self, val: Option<&'a Val>) -> Option<(Field<CidrValue>, Option<Box<InvalidCidr>>)> {
        let val = val?;
        Some(match self.parse::<Ipv4Net>(val) {
            Parsed::Known(net) => (
                Field::known(
                    CidrValue {
                        net,
                        host_bits: self.dialect.host_bits,
                    },
                    val.span,
                ),
                None,
            ),
            Parsed::Unknown => (Field::unknown(val.span), None),
            Parsed::Invalid(text) => (
                Field::unknown(val.span),
                Some(Box::new(InvalidCidr {
                    text,
                    span: val.span,
                })),
            ),
        })
    }

    /// A CIDR literal; one AWS rejects or changes (see [`CidrAt`]) is recorded for
    /// `invalid-cidr`.
    fn cidr_literal<T>(&mut self, val: &'a Val, at: &CidrAt) -> Field<T>
    where
        T: FromStr + Copy + Into<IpNet>,
    {
        let (field, text, flaw) = match self.parse::<T>(val) {
            Parsed::Known(net) => {
                let written: IpNet = net.into();
                let field = Field::known(net, val.span);
                match at.host_bits {
                    Some(handling) if written.trunc() != written => {
                        let network = written.trunc();
                        let flaw = CidrFlaw::HostBits { network, handling };
                        (field, written.to_string(), flaw)
                    }
                    _ => return field,
                }
            }
            Parsed::Unknown => return Field::unknown(val.span),
            Parsed::Invalid(text) => (Field::unknown(val.span), text, CidrFlaw::Unparsable),
        };
        let origin = match at.block {
            Some(block) => inline_origin(at.res, block),
            None => origin(at.res),
        };
        self.net.flawed_cidrs.push(FlawedCidr {
            origin,
            what: at.what,
            text,
            flaw,
            span: val.span,
        });
        field
    }

    fn boolean(&self, res: &'a Resource, name: &str, default: Option<bool>) -> Field<bool> {
        match attr(res, name) {
            Some(val) => match self.follow(val).as_bool() {
                Some(b) => Field::known(b, val.span),
                None => Field::unknown(val.span),
            },
            None => match default {
                Some(b) => Field::default(b, res.name_span),
                None => Field::unknown(res.name_span),
            },
        }
    }

    /// An `enable`/`disable` string option.
    fn enable_option(&self, res: &Resource, val: Option<&'a Val>, default: bool) -> Field<bool> {
        match val {
            Some(val) => match self.text(val) {
                Parsed::Known(s) => match enable_flag(s) {
                    Some(b) => Field::known(b, val.span),
                    None => Field::unknown(val.span),
                },
                _ => Field::unknown(val.span),
            },
            None => Field::default(default, res.name_span),
        }
    }

    fn string(&self, res: &'a Resource, name: &str) -> Field<String> {
        match attr(res, name) {
            Some(val) => match self.text(val) {
                Parsed::Known(s) => Field::known(s.to_string(), val.span),
                _ => Field::unknown(val.span),
            },
            None => Field::unknown(res.name_span),
        }
    }

    fn number(&self, val: &'a Val) -> Option<f64> {
        self.follow(val).as_f64()
    }

    // -------------------------------------------------------------- pass 1: create

    /// Creates the entity other resources can reference, with every field unknown until
    /// [`Self::fill`].
    fn create(&mut self, res: &'a Resource, lowering: &Lowering) -> Option<Entity> {
        let unknown = res.name_span;
        let net = &mut *self.net;
        Some(match lowering {
            Lowering::Vpc(_) => Entity::Vpc(net.vpcs.push(Vpc {
                origin: origin(res),
                cidr: Field::unknown(unknown),
                invalid_cidr: None,
                ipv6_cidrs: Vec::new(),
                enable_dns_support: Field::unknown(unknown),
                enable_dns_hostnames: Field::unknown(unknown),
                region: res.region.clone(),
                main_route_table: None,
                dhcp_options: None,
            })),
            Lowering::Subnet(_) => Entity::Subnet(net.subnets.push(Subnet {
                origin: origin(res),
                vpc: Field::unknown(unknown),
                cidr: None,
                invalid_cidr: None,
                ipv6_cidr: None,
                external_vpc: None,
                az: Field::unknown(unknown),
                map_public_ip_on_launch: Field::unknown(unknown),
            })),
            Lowering::RouteTable(names) => Entity::RouteTable(net.route_tables.push(RouteTable {
                origin: origin(res),
                vpc: Field::unknown(unknown),
                is_main: names.adopts_main_of.is_some(),
            })),
            Lowering::Peering(_) => Entity::Peering(net.peerings.push(PeeringConnection {
                origin: origin(res),
                requester_vpc: Field::unknown(unknown),
                accepter_vpc: Field::unknown(unknown),
                requester_region: res.region.clone(),
                accepter_region: Field::unknown(unknown),
            })),
            Lowering::InternetGateway { .. } => {
                Entity::InternetGateway(net.internet_gateways.push(InternetGateway {
                    origin: origin(res),
                    vpc: None,
                }))
            }
            Lowering::EgressOnlyIgw { .. } => {
                Entity::EgressOnlyIgw(net.egress_only_igws.push(EgressOnlyIgw {
                    origin: origin(res),
                    vpc: Field::unknown(unknown),
                }))
            }
            Lowering::NatGateway { .. } => Entity::NatGateway(net.nat_gateways.push(NatGateway {
                origin: origin(res),
                subnet: Field::unknown(unknown),
                connectivity: Field::unknown(unknown),
            })),
            Lowering::Instance(_) => Entity::Instance(net.instances.push(Instance {
                origin: origin(res),
                subnet: Field::unknown(unknown),
                source_dest_check: Field::unknown(unknown),
                security_groups: Vec::new(),
                associate_public_ip: None,
                primary_interface_precreated: Field::unknown(unknown),
                primary_interface: None,
            })),
            Lowering::NetworkInterface(_) => {
                Entity::NetworkInterface(net.network_interfaces.push(NetworkInterface {
                    origin: origin(res),
                    subnet: Field::unknown(unknown),
                    source_dest_check: Field::unknown(unknown),
                    attached_instance: None,
                    security_groups: Vec::new(),
                }))
            }
            Lowering::SecurityGroup(names) => {
                Entity::SecurityGroup(net.security_groups.push(SecurityGroup {
                    origin: origin(res),
                    vpc: Field::unknown(unknown),
                    is_default: names.is_default,
                    rules_known: true,
                }))
            }
            Lowering::NetworkAcl(names) => Entity::NetworkAcl(net.nacls.push(NetworkAcl {
                origin: origin(res),
                vpc: Field::unknown(unknown),
                is_default: names.adopts_default_of.is_some(),
                subnets: Vec::new(),
                entries_known: true,
            })),
            Lowering::VpnGateway { .. } => Entity::VpnGateway(net.vpn_gateways.push(VpnGateway {
                origin: origin(res),
                vpc: None,
            })),
            Lowering::CustomerGateway { .. } => {
                Entity::CustomerGateway(net.customer_gateways.push(CustomerGateway {
                    origin: origin(res),
                    bgp_asn: Field::unknown(unknown),
                }))
            }
            Lowering::VpnConnection(_) => {
                Entity::VpnConnection(net.vpn_connections.push(VpnConnection {
                    origin: origin(res),
                    vpn_gateway: None,
                    transit_gateway: None,
                    customer_gateway: Field::unknown(unknown),
                    static_routes_only: Field::unknown(unknown),
                }))
            }
            Lowering::DxGateway => Entity::DxGateway(net.dx_gateways.push(DxGateway {
                origin: origin(res),
            })),
            Lowering::TransitGateway(_) => {
                Entity::TransitGateway(net.transit_gateways.push(TransitGateway {
                    origin: origin(res),
                    default_route_table_association: Field::unknown(unknown),
                    default_route_table_propagation: Field::unknown(unknown),
                    security_group_referencing: Field::unknown(unknown),
                    region: res.region.clone(),
                    association_table_replaced: false,
                    propagation_table_replaced: false,
                }))
            }
            Lowering::TgwVpcAttachment(_) | Lowering::TgwPeeringAttachment { .. } => {
                Entity::TgwAttachment(net.tgw_attachments.push(TgwAttachment {
                    origin: origin(res),
                    transit_gateway: Field::unknown(unknown),
                    kind: Field::unknown(unknown),
                    subnets: Vec::new(),
                    security_group_referencing: Field::unknown(unknown),
                    default_association: Field::unknown(unknown),
                    default_propagation: Field::unknown(unknown),
                    appliance_mode: Field::unknown(unknown),
                }))
            }
            Lowering::TgwRouteTable { .. } => {
                Entity::TgwRouteTable(net.tgw_route_tables.push(TgwRouteTable {
                    origin: origin(res),
                    transit_gateway: Field::unknown(unknown),
                    is_default: false,
                }))
            }
            Lowering::VpcEndpoint(_) => Entity::VpcEndpoint(net.vpc_endpoints.push(VpcEndpoint {
                origin: origin(res),
                vpc: Field::unknown(unknown),
                kind: Field::unknown(unknown),
                service_name: Field::unknown(unknown),
                private_dns_enabled: Field::unknown(unknown),
                subnets: Vec::new(),
                security_groups: Vec::new(),
            })),
            Lowering::NetworkFirewall { .. } => {
                Entity::Firewall(net.network_firewalls.push(NetworkFirewall {
                    origin: origin(res),
                    vpc: Field::unknown(unknown),
                    subnets: Vec::new(),
                }))
            }
            Lowering::HostedZone { vpcs, .. } => {
                // A zone without VPCs is public: not part of the network.
                let private = match attr(res, vpcs).map(|v| &v.v) {
                    None => false,
                    Some(V::List(items)) => !items.is_empty(),
                    Some(_) => true,
                };
                if !private {
                    return None;
                }
                Entity::HostedZone(net.hosted_zones.push(PrivateHostedZone {
                    origin: origin(res),
                    vpcs: Vec::new(),
                }))
            }
            Lowering::DhcpOptions { .. } => {
                Entity::DhcpOptions(net.dhcp_options.push(DhcpOptions {
                    origin: origin(res),
                    domain_name_servers: Vec::new(),
                    vpcs: Vec::new(),
                }))
            }
            Lowering::LoadBalancer(_) => {
                Entity::LoadBalancer(net.load_balancers.push(LoadBalancer {
                    origin: origin(res),
                    kind: Field::unknown(unknown),
                    scheme: Field::unknown(unknown),
                    subnets: Vec::new(),
                    security_groups: Vec::new(),
                }))
            }
            Lowering::PrefixList(_) => Entity::PrefixList(net.prefix_lists.push(PrefixList {
                origin: origin(res),
                name: Field::unknown(unknown),
                max_entries: Field::unknown(unknown),
                entries: Vec::new(),
                entries_complete: false,
            })),
            _ => return None,
        })
    }

    /// A default route table / NACL / security group resource takes the place of the one
    /// AWS created with its VPC, so references to that one resolve to it.
    fn adopt_default(&mut self, index: usize, res: &'a Resource, lowering: &Lowering) {
        let (name, which) = match lowering {
            Lowering::RouteTable(RouteTableNames {
                adopts_main_of: Some(name),
                ..
            }) => (*name, Implicit::MainRouteTable),
            Lowering::NetworkAcl(NetworkAclNames {
                adopts_default_of: Some(name),
                ..
            }) => (*name, Implicit::DefaultNetworkAcl),
            Lowering::SecurityGroup(names) if names.is_default => {
                (names.vpc, Implicit::DefaultSecurityGroup)
            }
            _ => return,
        };
        let Some(entity) = self.primary.get(index).copied().flatten() else {
            return;
        };
        if let Some(vpc_index) = self.vpc_resource_of(attr(res, name)) {
            self.implicit.entry((vpc_index, which)).or_insert(entity);
        }
    }

    /// The index of the VPC resource a reference names (`aws_vpc.x.id`,
    /// `aws_vpc.x.default_network_acl_id`).
    fn vpc_resource_of(&self, val: Option<&'a Val>) -> Option<usize> {
        let index = self.local_index(val?.as_ref()?)?;
        matches!(self.primary.get(index), Some(Some(Entity::Vpc(_)))).then_some(index)
    }

    fn implicit_entity(
        &mut self,
        index: usize,
        which: Implicit,
        attribute: &str,
    ) -> Option<Entity> {
        if let Some(entity) = self.implicit.get(&(index, which)) {
            return Some(*entity);
        }
        let owner = self.resources.get(index)?;
        let owner_entity = self.primary.get(index).copied().flatten()?;
        let o = Origin {
            address: format!("{}.{}", owner.address, attribute),
            ..origin(owner)
        };
        let span = owner.name_span;
        let net = &mut *self.net;
        let entity = match which {
            Implicit::DefaultSecurityGroup => {
                let vpc = Vpc::pick(owner_entity)?;
                Entity::SecurityGroup(net.security_groups.push(SecurityGroup {
                    origin: o,
                    vpc: Field::known(vpc, span),
                    is_default: true,
                    rules_known: false,
                }))
            }
            Implicit::DefaultNetworkAcl => {
                let vpc = Vpc::pick(owner_entity)?;
                let nacl = net.nacls.push(NetworkAcl {
                    origin: o,
                    vpc: Field::known(vpc, span),
                    is_default: true,
                    subnets: Vec::new(),
                    entries_known: true,
                });
                self.referenced_default_nacls.push(nacl);
                Entity::NetworkAcl(nacl)
            }
            Implicit::MainRouteTable => {
                let vpc = Vpc::pick(owner_entity)?;
                let table = net.route_tables.push(RouteTable {
                    origin: o,
                    vpc: Field::known(vpc, span),
                    is_main: true,
                });
                if net.vpcs[vpc].main_route_table.is_none() {
                    net.vpcs[vpc].main_route_table = Some(Field::default(table, span));
                }
                Entity::RouteTable(table)
            }
            Implicit::TgwDefaultRouteTable => {
                let tgw = TransitGateway::pick(owner_entity)?;
                Entity::TgwRouteTable(net.tgw_route_tables.push(TgwRouteTable {
                    origin: o,
                    transit_gateway: Field::known(tgw, span),
                    is_default: true,
                }))
            }
            Implicit::VpnTgwAttachment => {
                let vpn = VpnConnection::pick(owner_entity)?;
                Entity::TgwAttachment(net.tgw_attachments.push(TgwAttachment {
                    origin: o,
                    transit_gateway: Field::unknown(span),
                    kind: Field::known(TgwAttachmentKind::Vpn(vpn), span),
                    subnets: Vec::new(),
                    security_group_referencing: Field::default(false, span),
                    default_association: Field::default(true, span),
                    default_propagation: Field::default(true, span),
                    appliance_mode: Field::default(false, span),
                }))
            }
        };
        self.implicit.insert((index, which), entity);
        Some(entity)
    }

    // -------------------------------------------------------------- pass 2: fill

    fn fill(&mut self, index: usize, res: &'a Resource, lowering: &Lowering) {
        let me = self.primary.get(index).copied().flatten();
        match lowering {
            Lowering::Vpc(names) => {
                if let Some(id) = me.and_then(Vpc::pick) {
                    self.fill_vpc(id, res, names);
                }
            }
            Lowering::CidrBlock(names) => self.cidr_block(res, names),
            Lowering::Subnet(names) => {
                if let Some(id) = me.and_then(Subnet::pick) {
                    self.fill_subnet(id, res, names);
                }
            }
            Lowering::RouteTable(names) => {
                if let Some(id) = me.and_then(RouteTable::pick) {
                    self.fill_route_table(id, res, names);
                }
            }
            Lowering::Route(names) => {
                let table = match names.route_table {
                    Some(name) => self.link(res, name),
                    None => Field::unknown(res.name_span),
                };
                self.route(origin(res), table, res, &res.attrs, names, false);
            }
            Lowering::RouteTableAssociation(names) => {
                let route_table = self.link(res, names.route_table);
                let subnet = match (names.subnet, names.gateway) {
                    (Some(subnet), _) if attr(res, subnet).is_some() => {
                        Some(self.link(res, subnet))
                    }
                    (_, Some(gateway)) if attr(res, gateway).is_some() => None,
                    (Some(subnet), _) => Some(self.link(res, subnet)),
                    _ => None,
                };
                let gateway = match (&subnet, names.gateway.and_then(|name| attr(res, name))) {
                    (None, Some(val)) => Some(self.edge_gateway(val)),
                    _ => None,
                };
                self.net
                    .route_table_associations
                    .push(RouteTableAssociation {
                        origin: origin(res),
                        route_table,
                        subnet,
                        gateway,
                    });
            }
            Lowering::MainRouteTableAssociation { vpc, route_table } => {
                let vpc: Field<VpcId> = self.link(res, vpc);
                let table = self.link(res, route_table);
                match vpc.copied() {
                    Some(vpc) => self.net.vpcs[vpc].main_route_table = Some(table),
                    None => self.unplaced_main_association = Some(vpc.span),
                }
            }
            Lowering::VgwPropagation {
                route_tables,
                vpn_gateway,
            } => {
                let vgw: Field<VpnGatewayId> = self.link(res, vpn_gateway);
                let tables = self.links::<RouteTable>(attr(res, route_tables));
                for route_table in tables {
                    self.net.vgw_propagations.push(VgwPropagation {
                        origin: origin(res),
                        route_table,
                        vpn_gateway: vgw.clone(),
                    });
                }
            }
            Lowering::Peering(names) => {
                if let Some(id) = me.and_then(PeeringConnection::pick) {
                    self.fill_peering(id, res, names);
                }
            }
            Lowering::PeeringAccepter | Lowering::DxGateway => {}
            Lowering::InternetGateway { vpc } => {
                if let (Some(id), Some(vpc)) = (me.and_then(InternetGateway::pick), vpc) {
                    if let Some(vpc) = self.opt_link(res, vpc) {
                        self.net.internet_gateways[id].vpc = Some(vpc);
                    }
                }
            }
            Lowering::VpnGateway { vpc } => {
                if let (Some(id), Some(vpc)) = (me.and_then(VpnGateway::pick), vpc) {
                    if let Some(vpc) = self.opt_link(res, vpc) {
                        self.net.vpn_gateways[id].vpc = Some(vpc);
                    }
                }
            }
            Lowering::GatewayAttachment(names) => self.gateway_attachment(res, names),
            Lowering::EgressOnlyIgw { vpc } => {
                if let Some(id) = me.and_then(EgressOnlyIgw::pick) {
                    let vpc = self.link(res, vpc);
                    self.net.egress_only_igws[id].vpc = vpc;
                }
            }
            Lowering::NatGateway {
                subnet,
                connectivity,
                availability_mode,
            } => {
                if let Some(mode) = attr(res, availability_mode)
                    .filter(|mode| matches!(self.text(mode), Parsed::Known("regional")))
                {
                    self.diagnostics.push(Diagnostic::gap(
                        mode.span,
                        GapCause::UnsupportedConstruct,
                        format!(
                            "{}: a regional NAT gateway (no subnet: AWS places it in the \
                             VPC's zones) is not modelled: it stands as a zonal NAT gateway \
                             whose subnet is unknown, so the checks and reach paths through \
                             it stop there",
                            res.address
                        ),
                    ));
                }
                if let Some(id) = me.and_then(NatGateway::pick) {
                    let subnet = self.link(res, subnet);
                    let connectivity = match attr(res, connectivity) {
                        Some(val) => match self.text(val) {
                            Parsed::Known("public") => Field::known(Connectivity::Public, val.span),
                            Parsed::Known("private") => {
                                Field::known(Connectivity::Private, val.span)
                            }
                            _ => Field::unknown(val.span),
                        },
                        None => Field::default(Connectivity::Public, res.name_span),
                    };
                    let nat = &mut self.net.nat_gateways[id];
                    nat.subnet = subnet;
                    nat.connectivity = connectivity;
                }
            }
            Lowering::Instance(names) => {
                if let Some(id) = me.and_then(Instance::pick) {
                    self.fill_instance(id, res, names);
                }
            }
            Lowering::NetworkInterface(names) => {
                if let Some(id) = me.and_then(NetworkInterface::pick) {
                    self.fill_network_interface(id, res, names);
                }
            }
            Lowering::InterfaceAttachment {
                instance,
                network_interface,
            } => {
                let instance = self.link(res, instance);
                let eni: Field<NetworkInterfaceId> = self.link(res, network_interface);
                if let Some(eni) = eni.copied() {
                    self.net.network_interfaces[eni].attached_instance = Some(instance);
                }
            }
            Lowering::SecurityGroup(names) => {
                if let Some(id) = me.and_then(SecurityGroup::pick) {
                    self.fill_security_group(id, res, names);
                }
            }
            Lowering::SgRule(names) => {
                let group = self.link(res, names.group);
                match self.direction(res, &names.direction) {
                    Some(direction) => {
                        self.sg_rules(res, &res.attrs, group, direction, names.rule, false)
                    }
                    None => self.unknown_sg_rules(res, group, &names.direction),
                }
            }
            Lowering::NetworkAcl(names) => {
                if let Some(id) = me.and_then(NetworkAcl::pick) {
                    self.fill_nacl(id, res, names);
                }
            }
            Lowering::NaclEntry(names) => {
                let nacl = self.link(res, names.nacl);
                let Some(direction) = self.direction(res, &names.direction) else {
                    self.unknown_nacl_entries(res, nacl, &names.direction);
                    return;
                };
                self.nacl_entry(
                    origin(res),
                    nacl,
                    res,
                    &res.attrs,
                    direction,
                    names.entry,
                    false,
                );
            }
            Lowering::NaclAssociation { nacl, subnet } => {
                let nacl: Field<NaclId> = self.link(res, nacl);
                let subnet = self.link(res, subnet);
                match nacl.copied() {
                    Some(nacl) => self.net.nacls[nacl].subnets.push(subnet),
                    None => self.net.unplaced_nacl_associations.push(subnet),
                }
            }
            Lowering::CustomerGateway { bgp_asn } => {
                if let Some(id) = me.and_then(CustomerGateway::pick) {
                    let asn = match attr(res, bgp_asn) {
                        Some(val) => match self.number(val) {
                            Some(n) if n.fract() == 0.0 && (0.0..=4_294_967_295.0).contains(&n) => {
                                Field::known(n as u64, val.span)
                            }
                            _ => Field::unknown(val.span),
                        },
                        None => Field::unknown(res.name_span),
                    };
                    self.net.customer_gateways[id].bgp_asn = asn;
                }
            }
            Lowering::VpnConnection(names) => {
                if let Some(id) = me.and_then(VpnConnection::pick) {
                    self.fill_vpn_connection(index, id, res, names);
                }
            }
            Lowering::VpnRoute {
                vpn_connection,
                destination,
            } => {
                let vpn_connection = self.link(res, vpn_connection);
                let at = CidrAt {
                    res,
                    block: None,
                    what: "VPN connection route",
                    host_bits: None,
                };
                let destination = match attr(res, destination) {
                    Some(val) => self.cidr_literal(val, &at),
                    None => Field::unknown(res.name_span),
                };
                self.net.vpn_routes.push(VpnConnectionRoute {
                    origin: origin(res),
                    vpn_connection,
                    destination,
                });
            }
            Lowering::DxAssociation(names) => self.dx_association(res, names),
            Lowering::TransitGateway(names) => {
                if let Some(id) = me.and_then(TransitGateway::pick) {
                    let association =
                        self.enable_option(res, attr(res, names.default_association), true);
                    let propagation =
                        self.enable_option(res, attr(res, names.default_propagation), true);
                    let referencing =
                        self.enable_option(res, attr(res, names.sg_referencing), false);
                    let replaced = |name: Option<&str>| {
                        name.and_then(|n| attr(res, n))
                            .is_some_and(|v| !v.is_null())
                    };
                    let association_replaced = replaced(names.replaced_association_table);
                    let propagation_replaced = replaced(names.replaced_propagation_table);
                    let tgw = &mut self.net.transit_gateways[id];
                    tgw.default_route_table_association = association;
                    tgw.default_route_table_propagation = propagation;
                    tgw.security_group_referencing = referencing;
                    tgw.association_table_replaced |= association_replaced;
                    tgw.propagation_table_replaced |= propagation_replaced;
                }
            }
            Lowering::TgwVpcAttachment(names) => {
                if let Some(id) = me.and_then(TgwAttachment::pick) {
                    self.fill_tgw_vpc_attachment(id, res, names);
                }
            }
            Lowering::TgwPeeringAttachment { transit_gateway } => {
                if let Some(id) = me.and_then(TgwAttachment::pick) {
                    let tgw = self.link(res, transit_gateway);
                    let span = res.name_span;
                    let attachment = &mut self.net.tgw_attachments[id];
                    attachment.transit_gateway = tgw;
                    attachment.kind = Field::known(TgwAttachmentKind::Peering, span);
                    // Peering attachments are never associated or propagated by default.
                    attachment.security_group_referencing = Field::default(false, span);
                    attachment.default_association = Field::default(false, span);
                    attachment.default_propagation = Field::default(false, span);
                    attachment.appliance_mode = Field::default(false, span);
                }
            }
            Lowering::TgwRouteTable { transit_gateway } => {
                if let Some(id) = me.and_then(TgwRouteTable::pick) {
                    let tgw = self.link(res, transit_gateway);
                    self.net.tgw_route_tables[id].transit_gateway = tgw;
                }
            }
            Lowering::TgwAssociation(names) => {
                let route_table = self.link(res, names.route_table);
                let attachment = self.link(res, names.attachment);
                self.net.tgw_associations.push(TgwAssociation {
                    origin: origin(res),
                    route_table,
                    attachment,
                });
            }
            Lowering::TgwPropagation(names) => {
                let route_table = self.link(res, names.route_table);
                let attachment = self.link(res, names.attachment);
                self.net.tgw_propagations.push(TgwPropagation {
                    origin: origin(res),
                    route_table,
                    attachment,
                });
            }
            Lowering::TgwRoute(names) => {
                let route_table = self.link(res, names.route_table);
                let at = CidrAt {
                    res,
                    block: None,
                    what: "transit gateway route",
                    host_bits: names.host_bits,
                };
                let destination = match attr(res, names.destination) {
                    Some(val) => self.cidr_literal(val, &at),
                    None => Field::unknown(res.name_span),
                };
                let blackhole = self
                    .boolean(res, names.blackhole, Some(false))
                    .copied()
                    .unwrap_or(false);
                let attachment = self.opt_link(res, names.attachment);
                self.net.tgw_routes.push(TgwRoute {
                    origin: origin(res),
                    route_table,
                    destination,
                    attachment,
                    blackhole,
                });
            }
            Lowering::VpcEndpoint(names) => {
                if let Some(id) = me.and_then(VpcEndpoint::pick) {
                    self.fill_endpoint(id, res, names);
                }
            }
            Lowering::NetworkFirewall {
                vpc,
                subnet_mappings: (mappings, subnet),
            } => {
                if let Some(id) = me.and_then(NetworkFirewall::pick) {
                    let vpc = self.link(res, vpc);
                    let mut subnets = Vec::new();
                    for mapping in self.elements(attr(res, mappings)) {
                        subnets.push(match get(mapping, subnet) {
                            Some(val) => self.link_val(val),
                            None => Field::unknown(mapping.span),
                        });
                    }
                    let firewall = &mut self.net.network_firewalls[id];
                    firewall.vpc = vpc;
                    firewall.subnets = subnets;
                }
            }
            Lowering::EndpointSubnetAssociation { endpoint, subnet } => {
                let endpoint: Field<VpcEndpointId> = self.link(res, endpoint);
                let subnet = self.link(res, subnet);
                if let Some(endpoint) = endpoint.copied() {
                    self.net.vpc_endpoints[endpoint].subnets.push(subnet);
                }
            }
            Lowering::EndpointRouteTableAssociation {
                endpoint,
                route_table,
            } => {
                let endpoint: Field<VpcEndpointId> = self.link(res, endpoint);
                let route_table = self.link(res, route_table);
                self.push_endpoint_route(origin(res), route_table, endpoint);
            }
            Lowering::HostedZone { vpcs, vpc_id } => {
                if let Some(id) = me.and_then(PrivateHostedZone::pick) {
                    for block in self.elements(attr(res, vpcs)) {
                        let vpc = match get(block, vpc_id) {
                            Some(val) => self.link_val(val),
                            None => Field::unknown(block.span),
                        };
                        self.net.hosted_zones[id].vpcs.push(vpc);
                    }
                }
            }
            Lowering::HostedZoneAssociation { zone, vpc } => {
                let zone: Field<HostedZoneId> = self.link(res, zone);
                let vpc = self.link(res, vpc);
                if let Some(zone) = zone.copied() {
                    self.net.hosted_zones[zone].vpcs.push(vpc);
                }
            }
            Lowering::DhcpOptions { name_servers } => {
                if let Some(id) = me.and_then(DhcpOptions::pick) {
                    let servers = self
                        .elements(attr(res, name_servers))
                        .into_iter()
                        .map(|val| match self.text(val) {
                            Parsed::Known(s) => Field::known(s.to_string(), val.span),
                            _ => Field::unknown(val.span),
                        })
                        .collect();
                    self.net.dhcp_options[id].domain_name_servers = servers;
                }
            }
            Lowering::DhcpAssociation { dhcp_options, vpc } => {
                let options: Field<DhcpOptionsId> = self.link(res, dhcp_options);
                let vpc: Field<VpcId> = self.link(res, vpc);
                if let Some(options_id) = options.copied() {
                    self.net.dhcp_options[options_id].vpcs.push(vpc.clone());
                }
                if let Some(vpc) = vpc.copied() {
                    self.net.vpcs[vpc].dhcp_options = Some(options);
                }
            }
            Lowering::LoadBalancer(names) => {
                if let Some(id) = me.and_then(LoadBalancer::pick) {
                    self.fill_load_balancer(id, res, names);
                }
            }
            Lowering::PrefixList(names) => {
                if let Some(id) = me.and_then(PrefixList::pick) {
                    self.fill_prefix_list(id, res, names);
                }
            }
            Lowering::PrefixListEntry { list, cidr } => {
                let list: Field<PrefixListId> = self.link(res, list);
                let Some(list) = list.copied() else {
                    return;
                };
                let at = CidrAt {
                    res,
                    block: None,
                    what: "prefix list entry",
                    host_bits: None,
                };
                let cidr = match attr(res, cidr) {
                    Some(val) => self.cidr_literal(val, &at),
                    None => Field::unknown(res.name_span),
                };
                let list = &mut self.net.prefix_lists[list];
                list.entries.push(PrefixListEntry {
                    origin: origin(res),
                    cidr,
                });
                list.entries_complete = false;
            }
            Lowering::ElasticIp(names) => self.elastic_ip(res, names),
            // Applied once every gateway is filled (`run`).
            Lowering::TgwDefaultTableReplaced { .. } => {}
        }
    }

    /// A customer-managed prefix list and its inline entries. Its entries are complete
    /// only when the list declares them itself, each one known, and no entry resource adds
    /// to them.
    fn fill_prefix_list(&mut self, id: PrefixListId, res: &'a Resource, names: &PrefixListNames) {
        let name = self.string(res, names.name);
        let max_entries = match attr(res, names.max_entries) {
            Some(val) => match self.number(val) {
                Some(n) if n.fract() == 0.0 && (1.0..=u32::MAX as f64).contains(&n) => {
                    Field::known(n as u32, val.span)
                }
                _ => Field::unknown(val.span),
            },
            None => Field::unknown(res.name_span),
        };
        let mut entries = Vec::new();
        for block in self.elements(attr(res, names.entries)) {
            let at = CidrAt {
                res,
                block: Some(block),
                what: "prefix list entry",
                host_bits: None,
            };
            let cidr = match get(block, names.entry_cidr) {
                Some(val) => self.cidr_literal(val, &at),
                None => Field::unknown(block.span),
            };
            entries.push(PrefixListEntry {
                origin: inline_origin(res, block),
                cidr,
            });
        }
        let inline_complete =
            !entries.is_empty() && entries.iter().all(|entry| entry.cidr.value.is_some());
        let list = &mut self.net.prefix_lists[id];
        list.name = name;
        list.max_entries = max_entries;
        list.entries_complete = inline_complete && list.entries.is_empty();
        list.entries.splice(0..0, entries);
    }

    /// An IPv6 block of a VPC or subnet: the AWS provider rejects host bits in each
    /// (`aws_vpc`, `aws_vpc_ipv6_cidr_block_association`, `aws_subnet`); what EC2 does with
    /// them is not established, so CloudFormation's pass.
    fn ipv6_block_at<'r>(&self, res: &'r Resource, what: &'static str) -> CidrAt<'r> {
        CidrAt {
            res,
            block: None,
            what,
            host_bits: (self.dialect.host_bits == HostBitsHandling::Rejected)
                .then_some(HostBitsHandling::Rejected),
        }
    }

    fn fill_vpc(&mut self, id: VpcId, res: &'a Resource, names: &VpcNames) {
        let (cidr, invalid) = match self.cidr4(attr(res, names.cidr)) {
            Some(parsed) => parsed,
            None => (Field::unknown(res.name_span), None),
        };
        if cidr.value.is_none() && invalid.is_none() {
            if let Some(pool) = names.ipam.iter().find_map(|name| attr(res, name)) {
                self.ipam_block_gap(res, pool, "primary");
            }
        }
        let mut ipv6 = Vec::new();
        if let Some(val) = names.ipv6_cidr.and_then(|name| attr(res, name)) {
            let at = self.ipv6_block_at(res, "vpc");
            ipv6.push(self.cidr_literal(val, &at));
        } else if let Some(val) = names.amazon_ipv6.and_then(|name| attr(res, name)) {
            if self.follow(val).as_bool() != Some(false) {
                ipv6.push(Field::unknown(val.span));
            }
        } else if let Some(val) = names.ipv6_pools.iter().find_map(|name| attr(res, name)) {
            ipv6.push(Field::unknown(val.span));
        }
        let dns_support = self.boolean(res, names.dns_support, Some(true));
        let dns_hostnames = self.boolean(res, names.dns_hostnames, names.dns_hostnames_unset);
        if names.is_default {
            self.default_vpcs.insert(id);
        }
        let vpc = &mut self.net.vpcs[id];
        vpc.cidr = cidr;
        vpc.invalid_cidr = invalid;
        vpc.ipv6_cidrs.extend(ipv6);
        vpc.enable_dns_support = dns_support;
        vpc.enable_dns_hostnames = dns_hostnames;
    }

    /// The VPC outside the code that a VPC reference of `res` names (see [`ExternalVpc`]).
    fn external_vpc(&self, res: &'a Resource, val: &'a Val) -> Option<ExternalVpc> {
        let unit = || self.unit.path.display().to_string();
        match &self.follow(val).v {
            // VPC ids are unique: the same id is the same VPC.
            V::String(id) if id.starts_with("vpc-") => Some(ExternalVpc {
                scope: unit(),
                name: id.clone(),
            }),
            // A plan's unknown values have no expression to compare.
            V::Unknown(reason) if self.unit.lang != Lang::TerraformPlan => {
                if val.span.file.0 as usize >= self.sources.len() {
                    return None;
                }
                let file = self.sources.get(val.span.file);
                let text = file
                    .text()
                    .get(val.span.start as usize..val.span.end as usize)?;
                let name = (self.dialect.unknown_name)(reason, text.trim())?;
                Some(ExternalVpc {
                    scope: format!("{} {}", unit(), module_instance(&res.address)),
                    name,
                })
            }
            _ => None,
        }
    }

    fn cidr_block(&mut self, res: &'a Resource, names: &CidrBlockNames) {
        let vpc: Field<VpcId> = self.link(res, names.vpc);
        let ipv4 = names.cidr.and_then(|name| self.cidr4(attr(res, name)));
        let ipam = names.ipam.iter().find_map(|name| attr(res, name));
        if let Some((cidr, invalid_cidr)) = ipv4 {
            self.net.cidr_blocks.push(CidrBlock {
                origin: origin(res),
                vpc,
                cidr,
                invalid_cidr,
            });
            return;
        }
        if let Some(pool) = ipam {
            self.ipam_block_gap(res, pool, "secondary");
            self.net.cidr_blocks.push(CidrBlock {
                origin: origin(res),
                vpc,
                cidr: Field::unknown(res.name_span),
                invalid_cidr: None,
            });
            return;
        }
        let ipv6 = if let Some(val) = names.ipv6_cidr.and_then(|name| attr(res, name)) {
            let at = self.ipv6_block_at(res, "secondary vpc block");
            Some(self.cidr_literal(val, &at))
        } else {
            names
                .amazon_ipv6
                .and_then(|name| attr(res, name))
                .filter(|val| self.follow(val).as_bool() != Some(false))
                .or_else(|| names.ipv6_pools.iter().find_map(|name| attr(res, name)))
                .map(|val| Field::unknown(val.span))
        };
        if let (Some(ipv6), Some(vpc)) = (ipv6, vpc.copied()) {
            self.net.vpcs[vpc].ipv6_cidrs.push(ipv6);
        }
    }

    fn fill_subnet(&mut self, id: SubnetId, res: &'a Resource, names: &SubnetNames) {
        let vpc = self.link(res, names.vpc);
        let external_vpc = match (vpc.value, attr(res, names.vpc)) {
            (None, Some(val)) => self.external_vpc(res, val),
            _ => None,
        };
        let ipv4 = self.cidr4(attr(res, names.cidr));
        let at = self.ipv6_block_at(res, "subnet");
        let ipv6 = attr(res, names.ipv6_cidr).map(|val| self.cidr_literal(val, &at));
        let az = names
            .az
            .iter()
            .find(|name| attr(res, name).is_some())
            .map(|name| self.string(res, name))
            .unwrap_or_else(|| Field::unknown(res.name_span));
        let public = self.boolean(res, names.map_public_ip, names.map_public_ip_unset);
        let subnet = &mut self.net.subnets[id];
        subnet.vpc = vpc;
        subnet.external_vpc = external_vpc;
        if let Some((cidr, invalid)) = ipv4 {
            subnet.cidr = Some(cidr);
            subnet.invalid_cidr = invalid;
        }
        subnet.ipv6_cidr = ipv6;
        subnet.az = az;
        subnet.map_public_ip_on_launch = public;
    }

    fn fill_route_table(&mut self, id: RouteTableId, res: &'a Resource, names: &RouteTableNames) {
        let vpc = match (names.vpc, names.adopts_main_of) {
            (Some(vpc), _) => self.link(res, vpc),
            (None, Some(adopts)) => self.vpc_of_default(res, adopts),
            (None, None) => Field::unknown(res.name_span),
        };
        if names.adopts_main_of.is_some() {
            if let Some(vpc) = vpc.copied() {
                if self.net.vpcs[vpc].main_route_table.is_none() {
                    self.net.vpcs[vpc].main_route_table = Some(Field::known(id, res.name_span));
                }
            }
        }
        self.net.route_tables[id].vpc = vpc;
        if let Some((block_name, route_names)) = names.routes {
            for block in self.elements(attr(res, block_name)) {
                let table = Field::known(id, block.span);
                self.route(
                    inline_origin(res, block),
                    table,
                    res,
                    block,
                    route_names,
                    true,
                );
            }
        }
        if let Some(name) = names.propagating_vgws {
            for val in self.elements(attr(res, name)) {
                let vpn_gateway = self.link_val(val);
                self.net.vgw_propagations.push(VgwPropagation {
                    origin: inline_origin(res, val),
                    route_table: Field::known(id, val.span),
                    vpn_gateway,
                });
            }
        }
    }

    /// The VPC of a default route table / NACL: the VPC whose implicit one it adopts.
    fn vpc_of_default(&mut self, res: &'a Resource, name: &str) -> Field<VpcId> {
        match attr(res, name) {
            Some(val) => match self
                .vpc_resource_of(Some(val))
                .and_then(|index| self.primary.get(index).copied().flatten())
                .and_then(Vpc::pick)
            {
                Some(vpc) => Field::known(vpc, val.span),
                None => Field::unknown(val.span),
            },
            None => Field::unknown(res.name_span),
        }
    }

    /// One route from `body` (the route resource's attributes or an inline block).
    fn route(
        &mut self,
        origin: Origin,
        route_table: Field<RouteTableId>,
        res: &'a Resource,
        body: &'a Val,
        names: &RouteNames,
        inline: bool,
    ) {
        let fallback = if inline { body.span } else { res.name_span };
        let mut invalid_destination = None;
        let destination = if let Some(val) = get(body, names.destination_v4) {
            match self.parse::<Ipv4Net>(val) {
                Parsed::Known(net) => Field::known(Destination::Ipv4(net), val.span),
                Parsed::Unknown => Field::unknown(val.span),
                Parsed::Invalid(text) => {
                    invalid_destination = Some(Box::new(InvalidCidr {
                        text,
                        span: val.span,
                    }));
                    Field::unknown(val.span)
                }
            }
        } else if let Some(val) = get(body, names.destination_v6) {
            match self.parse::<Ipv6Net>(val) {
                Parsed::Known(net) => Field::known(Destination::Ipv6(net), val.span),
                Parsed::Unknown => Field::unknown(val.span),
                Parsed::Invalid(text) => {
                    invalid_destination = Some(Box::new(InvalidCidr {
                        text,
                        span: val.span,
                    }));
                    Field::unknown(val.span)
                }
            }
        } else if let Some(val) = get(body, names.destination_prefix_list) {
            let list = self.entity(val).and_then(PrefixList::pick);
            Field::known(Destination::PrefixList(list), val.span)
        } else {
            Field::unknown(fallback)
        };
        let target = names
            .targets
            .iter()
            .find_map(|(name, slot)| get(body, name).map(|val| (val, *slot)))
            .map(|(val, slot)| self.target(val, slot))
            .unwrap_or_else(|| Field::unknown(fallback));
        self.net.routes.push(Route {
            origin,
            route_table,
            destination,
            invalid_destination,
            target,
            inline,
            host_bits: self.dialect.host_bits,
        });
    }

    fn target(&mut self, val: &'a Val, slot: TargetSlot) -> Field<Target> {
        if let (TargetSlot::Gateway, Parsed::Known("local")) = (slot, self.text(val)) {
            return Field::known(Target::Local, val.span);
        }
        if let TargetSlot::Other = slot {
            return Field::known(Target::Other, val.span);
        }
        if let (TargetSlot::VpcEndpoint, Some(firewall)) = (slot, self.firewall_of_endpoint(val)) {
            return Field::known(Target::FirewallEndpoint(firewall), val.span);
        }
        let target = self.entity(val).and_then(|entity| match (slot, entity) {
            (TargetSlot::Gateway, Entity::InternetGateway(id)) => Some(Target::InternetGateway(id)),
            (TargetSlot::Gateway, Entity::VpnGateway(id)) => Some(Target::VpnGateway(id)),
            // EC2 also takes a NAT gateway's, egress-only internet gateway's or transit
            // gateway's ID here and routes to it; it reads the route back under the target's
            // own attribute (the permanent diff the AWS provider documents).
            (TargetSlot::Gateway, Entity::NatGateway(id)) => Some(Target::NatGateway(id)),
            (TargetSlot::Gateway, Entity::EgressOnlyIgw(id)) => Some(Target::EgressOnlyIgw(id)),
            (TargetSlot::Gateway, Entity::TransitGateway(id)) => Some(Target::TransitGateway(id)),
            (TargetSlot::EgressOnlyIgw, Entity::EgressOnlyIgw(id)) => {
                Some(Target::EgressOnlyIgw(id))
            }
            (TargetSlot::NatGateway, Entity::NatGateway(id)) => Some(Target::NatGateway(id)),
            (TargetSlot::Instance | TargetSlot::NetworkInterface, Entity::Instance(id)) => {
                Some(Target::Instance(id))
            }
            (TargetSlot::NetworkInterface, Entity::NetworkInterface(id)) => {
                Some(Target::NetworkInterface(id))
            }
            (TargetSlot::Peering, Entity::Peering(id)) => Some(Target::Peering(id)),
            (TargetSlot::TransitGateway, Entity::TransitGateway(id)) => {
                Some(Target::TransitGateway(id))
            }
            (TargetSlot::VpcEndpoint, Entity::VpcEndpoint(id)) => Some(Target::VpcEndpoint(id)),
            _ => None,
        });
        match target {
            Some(target) => Field::known(target, val.span),
            None => Field::unknown(val.span),
        }
    }

    /// The firewall whose endpoint a value names (`sync_states[*].attachment[0].endpoint_id`,
    /// an `EndpointIds` entry's id).
    fn firewall_of_endpoint(&self, val: &'a Val) -> Option<FirewallId> {
        let r = val.as_ref()?;
        let index = *self.by_address.get(&*r.address)?;
        let kind = &self.resources.get(index)?.kind;
        if !(self.dialect.firewall_endpoint)(kind, &r.attribute) {
            return None;
        }
        NetworkFirewall::pick(self.primary.get(index).copied().flatten()?)
    }

    /// The internet or virtual private gateway of an edge association.
    fn edge_gateway(&mut self, val: &'a Val) -> Field<EdgeGateway> {
        match self.entity(val) {
            Some(Entity::InternetGateway(id)) => {
                Field::known(EdgeGateway::InternetGateway(id), val.span)
            }
            Some(Entity::VpnGateway(id)) => Field::known(EdgeGateway::VpnGateway(id), val.span),
            _ => Field::unknown(val.span),
        }
    }

    fn fill_peering(&mut self, id: PeeringId, res: &'a Resource, names: &PeeringNames) {
        let requester = self.link(res, names.vpc);
        let accepter = self.link(res, names.peer_vpc);
        let region = match attr(res, names.peer_region) {
            Some(_) => self.string(res, names.peer_region),
            None => match &res.region {
                Some(region) => Field::default(region.clone(), res.name_span),
                None => Field::unknown(res.name_span),
            },
        };
        let peering = &mut self.net.peerings[id];
        peering.requester_vpc = requester;
        peering.accepter_vpc = accepter;
        peering.accepter_region = region;
    }

    fn gateway_attachment(&mut self, res: &'a Resource, names: &GatewayAttachmentNames) {
        let vpc: Field<VpcId> = self.link(res, names.vpc);
        if let Some(igw) = names
            .internet_gateway
            .and_then(|name| self.opt_link::<InternetGateway>(res, name))
            .and_then(|field| field.copied())
        {
            self.net.internet_gateways[igw].vpc = Some(vpc.clone());
        }
        if let Some(vgw) = names
            .vpn_gateway
            .and_then(|name| self.opt_link::<VpnGateway>(res, name))
            .and_then(|field| field.copied())
        {
            self.net.vpn_gateways[vgw].vpc = Some(vpc);
        }
    }

    fn fill_instance(&mut self, id: InstanceId, res: &'a Resource, names: &InstanceNames) {
        let own_interfaces = self.elements(attr(res, names.interfaces));
        let named_from = self.named_groups.len();
        let mut groups = self.links(attr(res, names.security_groups));
        groups.extend(self.groups_by_name(
            id,
            res,
            attr(res, names.group_names.list),
            &names.group_names,
        ));
        let mut placement = Placement {
            subnet: self.opt_link(res, names.subnet),
            groups,
            public_ip: names.public_ip.and_then(|name| {
                attr(res, name)?;
                Some(self.boolean(res, name, None))
            }),
            precreated: Field::default(false, res.name_span),
            primary_interface: None,
        };
        let has_own_interfaces = !own_interfaces.is_empty();
        self.merge_interfaces(
            id,
            own_interfaces,
            &names.interface,
            names.eni_subnet,
            &mut placement,
        );
        let template = names.launch_template.and_then(|name| attr(res, name));
        if let Some(spec) = self.elements(template).first() {
            self.merge_launch_template(id, res, spec, names, has_own_interfaces, &mut placement);
        }
        for named in &mut self.named_groups[named_from..] {
            named.subnet_written = placement.subnet.is_some();
        }
        let source_dest_check = match names.source_dest_check {
            Some(name) => self.boolean(res, name, Some(true)),
            None => Field::default(true, res.name_span),
        };
        let instance = &mut self.net.instances[id];
        instance.subnet = placement
            .subnet
            .unwrap_or_else(|| Field::unknown(res.name_span));
        instance.source_dest_check = source_dest_check;
        instance.security_groups = placement.groups;
        instance.associate_public_ip = placement.public_ip;
        instance.primary_interface_precreated = placement.precreated;
        instance.primary_interface = placement.primary_interface;
    }

    /// The security groups a list of names gives: a reference to a group's name, or to its
    /// ID (the AWS provider passes the list as IDs when the instance names a subnet, and a
    /// CloudFormation `Ref` to a group in a VPC is its ID), or a literal name, unknown until
    /// [`Self::resolve_named_groups`]. A literal ID is unknown as in a list of IDs.
    fn groups_by_name(
        &mut self,
        instance: InstanceId,
        res: &'a Resource,
        list: Option<&'a Val>,
        names: &GroupNameNames,
    ) -> Vec<Field<SecurityGroupId>> {
        let mut groups = Vec::new();
        for val in self.elements(list) {
            let by_reference = self.entity(val).or_else(|| {
                let r = val.as_ref()?;
                let index = self.local_index(r)?;
                let group = self.resources.get(index)?;
                (*group.kind == *names.group_kind && r.attribute == names.group_name)
                    .then(|| self.primary.get(index).copied().flatten())
                    .flatten()
            });
            if let Some(id) = by_reference.and_then(SecurityGroup::pick) {
                groups.push(Field::known(id, val.span));
                continue;
            }
            let Parsed::Known(name) = self.text(val) else {
                groups.push(Field::unknown(val.span));
                continue;
            };
            groups.push(Field::unknown(val.span));
            if name.starts_with("sg-") {
                continue;
            }
            let candidates = self
                .resources
                .iter()
                .enumerate()
                .filter(|(_, group)| {
                    *group.kind == *names.group_kind
                        && attr(group, names.group_name)
                            .is_some_and(|v| matches!(self.text(v), Parsed::Known(n) if n == name))
                })
                .filter_map(|(index, group)| {
                    let id = self.primary.get(index).copied().flatten()?;
                    let id = SecurityGroup::pick(id)?;
                    Some((id, attr(group, names.group_vpc).is_some()))
                })
                .collect();
            self.named_groups.push(NamedGroup {
                instance,
                address: &res.address,
                name,
                span: val.span,
                candidates,
                subnet_written: false,
            });
        }
        groups
    }

    /// The group each literal name of an instance names: the one group of the instance's
    /// VPC with that name (an instance without a subnet, and a group without a VPC, are in
    /// the default VPC). No such group, several, one whose VPC is unknown, or an instance
    /// whose VPC is unknown leave the group unknown, and that is said.
    fn resolve_named_groups(&mut self) {
        for named in std::mem::take(&mut self.named_groups) {
            let instance = &self.net.instances[named.instance];
            // `Some(None)`: the default VPC.
            let scope: Option<Option<VpcId>> = if named.subnet_written {
                instance
                    .subnet
                    .copied()
                    .and_then(|subnet| self.net.subnets[subnet].vpc.copied())
                    .map(Some)
            } else {
                Some(None)
            };
            // A group name is unique per VPC. `None` is the default VPC of the instance's or
            // the group's provider, which may be the code's `aws_default_vpc`.
            let is_default =
                |vpc: Option<VpcId>| vpc.is_none_or(|v| self.default_vpcs.contains(&v));
            let same_vpc = |a: Option<VpcId>, b: Option<VpcId>| {
                a == b || ((a.is_none() || b.is_none()) && is_default(a) && is_default(b))
            };
            let why = match scope {
                None => "the instance's VPC is unknown, and a group name is unique per VPC only",
                Some(scope) => {
                    let mut matched = Vec::new();
                    let mut maybe = false;
                    for &(group, vpc_written) in &named.candidates {
                        match (self.net.security_groups[group].vpc.copied(), vpc_written) {
                            (None, true) => maybe = true,
                            (vpc, _) if same_vpc(vpc, scope) => matched.push(group),
                            _ => {}
                        }
                    }
                    match (&matched[..], maybe) {
                        (&[group], false) => {
                            let slot = self.net.instances[named.instance]
                                .security_groups
                                .iter_mut()
                                .find(|slot| slot.value.is_none() && slot.span == named.span);
                            if let Some(slot) = slot {
                                *slot = Field::known(group, named.span);
                            }
                            continue;
                        }
                        ([], false) => {
                            "no security group of this code in the instance's VPC has it"
                        }
                        ([], true) => "a security group of this code has it whose VPC is unknown",
                        _ => {
                            "several security groups of this code in the instance's VPC may have it"
                        }
                    }
                }
            };
            self.diagnostics.push(Diagnostic::gap(
                named.span,
                GapCause::UnresolvedName,
                format!(
                    "{}: it names security group \"{}\" by name; {why}, so the group is \
                     unknown and the checks of this instance's security groups skip it",
                    named.address, named.name
                ),
            ));
        }
    }

    /// Merges what interface specs say about the instance's primary interface (device 0)
    /// into what the instance says itself, which wins, and attaches the pre-created
    /// network interfaces they name to the instance.
    fn merge_interfaces(
        &mut self,
        id: InstanceId,
        specs: Vec<&'a Val>,
        names: &InterfaceSpecNames,
        eni_subnet: &str,
        placement: &mut Placement,
    ) {
        for block in specs {
            if !matches!(self.follow(block).v, V::Map(_)) {
                placement.precreated = Field::unknown(block.span);
                continue;
            }
            // Terraform's provider sends an unset index as 0.
            let primary =
                get(block, names.device_index).map_or(Some(0.0), |v| self.number(v)) == Some(0.0);
            if let Some(val) = names
                .public_ip
                .and_then(|name| get(block, name))
                .filter(|_| primary)
            {
                placement.public_ip = Some(match self.follow(val).as_bool() {
                    Some(b) => Field::known(b, val.span),
                    None => Field::unknown(val.span),
                });
            }
            if let Some(eni_val) = get(block, names.interface_id) {
                if primary {
                    placement.precreated = Field::known(true, eni_val.span);
                }
                let eni: Field<NetworkInterfaceId> = self.link_val(eni_val);
                if let Some(eni) = eni.copied() {
                    self.net.network_interfaces[eni].attached_instance =
                        Some(Field::known(id, block.span));
                }
                if primary {
                    placement.primary_interface = Some(eni);
                }
                if primary && placement.subnet.is_none() {
                    placement.subnet = Some(self.subnet_of_interface(eni_val, eni_subnet));
                }
            } else if let Some(val) = names.subnet.and_then(|name| get(block, name)) {
                if primary && placement.subnet.is_none() {
                    placement.subnet = Some(self.link_val(val));
                }
            }
            if let Some(name) = names
                .groups
                .filter(|_| primary && placement.groups.is_empty())
            {
                placement.groups = self.links(get(block, name));
            }
        }
    }

    fn elastic_ip(&mut self, res: &'a Resource, names: &ElasticIpNames) {
        let val = attr(res, names.instance)
            .or_else(|| names.network_interface.and_then(|name| attr(res, name)));
        // Not associated here (an address for a NAT gateway, or associated elsewhere).
        let Some(val) = val else { return };
        let target = match self.entity(val) {
            Some(Entity::Instance(id)) => Field::known(ElasticIpTarget::Instance(id), val.span),
            Some(Entity::NetworkInterface(id)) => {
                Field::known(ElasticIpTarget::NetworkInterface(id), val.span)
            }
            _ => Field::unknown(val.span),
        };
        self.net.elastic_ip_associations.push(ElasticIpAssociation {
            origin: origin(res),
            target,
        });
    }

    /// The subnet of the network interface a value references, through that interface's
    /// own subnet attribute.
    fn subnet_of_interface(&mut self, eni_val: &'a Val, subnet_attr: &str) -> Field<SubnetId> {
        let eni_resource = eni_val
            .as_ref()
            .and_then(|r| self.local_index(r))
            .and_then(|i| self.resources.get(i))
            .filter(|eni| {
                matches!(
                    self.dialect_lowering(eni),
                    Some(Lowering::NetworkInterface(_))
                )
            });
        match eni_resource.and_then(|eni| attr(eni, subnet_attr)) {
            Some(val) => match self.entity(val).and_then(Subnet::pick) {
                Some(subnet) => Field::known(subnet, eni_val.span),
                None => Field::unknown(eni_val.span),
            },
            None => Field::unknown(eni_val.span),
        }
    }

    fn dialect_lowering(&self, res: &Resource) -> Option<Lowering> {
        (self.dialect.lowering)(&res.kind)
    }

    fn fill_network_interface(
        &mut self,
        id: NetworkInterfaceId,
        res: &'a Resource,
        names: &NetworkInterfaceNames,
    ) {
        let subnet = self.link(res, names.subnet);
        let source_dest_check = self.boolean(res, names.source_dest_check, Some(true));
        let groups = self.links(attr(res, names.security_groups));
        let mut attached = None;
        if let Some((blocks, instance)) = names.attachments {
            for block in self.elements(attr(res, blocks)) {
                if let Some(val) = get(block, instance) {
                    attached = Some(self.link_val(val));
                }
            }
        }
        let eni = &mut self.net.network_interfaces[id];
        eni.subnet = subnet;
        eni.source_dest_check = source_dest_check;
        eni.security_groups = groups;
        if attached.is_some() {
            eni.attached_instance = attached;
        }
    }

    fn direction(&self, res: &'a Resource, source: &DirectionSource) -> Option<Direction> {
        match source {
            DirectionSource::Fixed(direction) => Some(*direction),
            DirectionSource::Attr(name) => match self.text(attr(res, name)?) {
                Parsed::Known("ingress") => Some(Direction::Ingress),
                Parsed::Known("egress") => Some(Direction::Egress),
                _ => None,
            },
            DirectionSource::EgressFlag(name) => match attr(res, name) {
                None => Some(Direction::Ingress),
                Some(val) => match self.follow(val).as_bool()? {
                    true => Some(Direction::Egress),
                    false => Some(Direction::Ingress),
                },
            },
        }
    }

    fn fill_security_group(
        &mut self,
        id: SecurityGroupId,
        res: &'a Resource,
        names: &SecurityGroupNames,
    ) {
        let vpc = self.link(res, names.vpc);
        self.net.security_groups[id].vpc = vpc;
        for (blocks, direction, rule) in [
            (names.ingress, Direction::Ingress, names.ingress_rule),
            (names.egress, Direction::Egress, names.egress_rule),
        ] {
            for block in self.elements(attr(res, blocks)) {
                if !matches!(self.follow(block).v, V::Map(_)) {
                    self.net.security_groups[id].rules_known = false;
                    continue;
                }
                let group = Field::known(id, block.span);
                self.sg_rules(res, block, group, direction, rule, true);
            }
        }
        if names.default_egress && self.no_egress_rules(res, names) {
            let span = res.name_span;
            self.net.sg_rules.push(SgRule {
                origin: origin(res),
                group: Field::known(id, span),
                direction: Direction::Egress,
                protocol: Field::default(Protocol::All, span),
                ports: Field::default(PortRange::ALL, span),
                icmp: Field::default(IcmpMessages::ALL, span),
                peer: Field::default(SgPeer::Cidr(IpNet::V4(Ipv4Net::default())), span),
                inline: true,
            });
        }
    }

    /// The group is created with no egress rules: none written, or an empty list (which is
    /// why CDK writes a rule that matches no traffic to keep AWS from adding allow-all).
    fn no_egress_rules(&self, res: &'a Resource, names: &SecurityGroupNames) -> bool {
        match attr(res, names.egress) {
            None => true,
            Some(val) => matches!(&self.follow(val).v, V::List(rules) if rules.is_empty()),
        }
    }

    /// The `::/0` allow-all egress rule EC2 adds, with the IPv4 one, to a group created
    /// without egress rules (CloudFormation: "we add egress rules that allow all outbound
    /// IPv4 and IPv6 traffic"). Modelled only where the group's VPC has an IPv6 block in the
    /// code: without one there is no IPv6 traffic, and the rule would only inflate counts.
    fn default_ipv6_egress(
        &mut self,
        id: SecurityGroupId,
        res: &'a Resource,
        names: &SecurityGroupNames,
    ) {
        if !names.default_egress || !self.no_egress_rules(res, names) {
            return;
        }
        let Some(vpc) = self.net.security_groups[id].vpc.copied() else {
            return;
        };
        if self.net.vpcs[vpc].ipv6_cidrs.is_empty() {
            return;
        }
        let span = res.name_span;
        self.net.sg_rules.push(SgRule {
            origin: origin(res),
            group: Field::known(id, span),
            direction: Direction::Egress,
            protocol: Field::default(Protocol::All, span),
            ports: Field::default(PortRange::ALL, span),
            icmp: Field::default(IcmpMessages::ALL, span),
            peer: Field::default(SgPeer::Cidr(IpNet::V6(Ipv6Net::default())), span),
            inline: true,
        });
    }

    /// The entries AWS gives a VPC's default NACL, for one the code only references
    /// (`aws_vpc.x.default_network_acl_id`, `!GetAtt Vpc.DefaultNetworkAcl`): rule 100
    /// allows all IPv4 traffic in and out, rule 101 all IPv6 traffic once the VPC has an
    /// IPv6 block. A NACL the code adopts (`aws_default_network_acl`) has only its own.
    fn default_nacl_entries(&mut self) {
        for id in std::mem::take(&mut self.referenced_default_nacls) {
            let nacl = &self.net.nacls[id];
            let origin = nacl.origin.clone();
            let span = origin.name_span;
            let ipv6 = nacl
                .vpc
                .copied()
                .is_some_and(|vpc| !self.net.vpcs[vpc].ipv6_cidrs.is_empty());
            let mut blocks = vec![(100, IpNet::V4(Ipv4Net::default()))];
            if ipv6 {
                blocks.push((101, IpNet::V6(Ipv6Net::default())));
            }
            for direction in [Direction::Ingress, Direction::Egress] {
                for &(number, cidr) in &blocks {
                    self.net.nacl_entries.push(NaclEntry {
                        origin: origin.clone(),
                        nacl: Field::known(id, span),
                        rule_number: Field::default(number, span),
                        direction,
                        protocol: Field::default(Protocol::All, span),
                        action: Field::default(NaclAction::Allow, span),
                        cidr: Field::default(cidr, span),
                        ports: Field::default(PortRange::ALL, span),
                        icmp: Field::default(IcmpMessages::ALL, span),
                        inline: true,
                    });
                }
            }
        }
    }

    /// The permissions of one rule body: one `SgRule` per CIDR, group or prefix list.
    fn sg_rules(
        &mut self,
        res: &'a Resource,
        body: &'a Val,
        group: Field<SecurityGroupId>,
        direction: Direction,
        names: &SgRuleNames,
        inline: bool,
    ) {
        let fallback = if inline { body.span } else { res.name_span };
        let (protocol, ports, icmp) = self.protocol_and_ports(
            body,
            names.protocol,
            names.from_port,
            names.to_port,
            None,
            &IcmpNames::Ports,
            fallback,
        );
        let mut peers: Vec<Field<SgPeer>> = Vec::new();
        let at = CidrAt {
            res,
            block: inline.then_some(body),
            what: "security group rule",
            host_bits: names.host_bits,
        };
        for name in names.cidrs {
            for val in self.elements(get(body, name)) {
                let cidr: Field<IpNet> = self.cidr_literal(val, &at);
                peers.push(match cidr.copied() {
                    Some(net) => Field::known(SgPeer::Cidr(net), val.span),
                    None => Field::unknown(val.span),
                });
            }
        }
        for name in names.groups {
            for val in self.elements(get(body, name)) {
                peers.push(match self.entity(val).and_then(SecurityGroup::pick) {
                    Some(other) => Field::known(SgPeer::Group(other), val.span),
                    None => Field::unknown(val.span),
                });
            }
        }
        for name in names.prefix_lists {
            for val in self.elements(get(body, name)) {
                let list = self.entity(val).and_then(PrefixList::pick);
                peers.push(Field::known(SgPeer::PrefixList(list), val.span));
            }
        }
        if let Some(val) = names.self_.and_then(|name| get(body, name)) {
            match (self.follow(val).as_bool(), group.copied()) {
                (Some(false), _) => {}
                (Some(true), Some(own)) => peers.push(Field::known(SgPeer::Group(own), val.span)),
                _ => peers.push(Field::unknown(val.span)),
            }
        }
        let rule_origin = if inline {
            inline_origin(res, body)
        } else {
            origin(res)
        };
        for peer in peers {
            self.net.sg_rules.push(SgRule {
                origin: rule_origin.clone(),
                group: group.clone(),
                direction,
                protocol: protocol.clone(),
                ports: ports.clone(),
                icmp: icmp.clone(),
                peer,
                inline,
            });
        }
    }

    /// Protocol, port range and ICMP messages of a rule. Protocols without ports (all,
    /// ICMP, others) get `PortRange::ALL`; `-1` ports mean all. Protocols other than ICMP
    /// and ICMPv6 get `IcmpMessages::ALL`.
    #[allow(clippy::too_many_arguments)]
    fn protocol_and_ports(
        &self,
        body: &'a Val,
        protocol_name: &str,
        from_name: &str,
        to_name: &str,
        port_range: Option<(&str, &str, &str)>,
        icmp_names: &IcmpNames,
        fallback: Span,
    ) -> (Field<Protocol>, Field<PortRange>, Field<IcmpMessages>) {
        let protocol = match get(body, protocol_name) {
            Some(val) => match parse_protocol(self.follow(val)) {
                Some(p) => Field::known(p, val.span),
                None => Field::unknown(val.span),
            },
            None => Field::unknown(fallback),
        };
        let (from, to) = match port_range {
            Some((object, from, to)) => match get(body, object) {
                Some(range) => (get(range, from), get(range, to)),
                None => (None, None),
            },
            None => (get(body, from_name), get(body, to_name)),
        };
        let ports = match protocol.copied() {
            Some(p) if !has_ports(p) => Field::known(PortRange::ALL, protocol.span),
            _ => match (from, to) {
                (Some(from), Some(to)) => {
                    let span = cover(from.span, to.span);
                    match (parse_port(self.follow(from)), parse_port(self.follow(to))) {
                        (Some(-1), _) | (_, Some(-1)) => Field::known(PortRange::ALL, span),
                        (Some(a), Some(b)) if a <= b => Field::known(
                            PortRange {
                                from: a as u16,
                                to: b as u16,
                            },
                            span,
                        ),
                        _ => Field::unknown(span),
                    }
                }
                _ => Field::unknown(protocol.span),
            },
        };
        let icmp = match protocol.copied() {
            Some(p) if p == Protocol::ICMP || p == Protocol::ICMPV6 => {
                let (icmp_type, code) = match *icmp_names {
                    IcmpNames::Ports => (from, to),
                    IcmpNames::Attributes(icmp_type, code) => {
                        (get(body, icmp_type), get(body, code))
                    }
                    IcmpNames::Object(object, icmp_type, code) => match get(body, object) {
                        Some(icmp) => (get(icmp, icmp_type), get(icmp, code)),
                        None => (None, None),
                    },
                };
                self.icmp_messages(icmp_type, code, protocol.span)
            }
            _ => Field::known(IcmpMessages::ALL, protocol.span),
        };
        (protocol, ports, icmp)
    }

    /// An ICMP type and code, `-1` meaning all; unknown when either is missing (AWS
    /// requires both for an ICMP entry) or not a number in range.
    fn icmp_messages(
        &self,
        icmp_type: Option<&'a Val>,
        code: Option<&'a Val>,
        fallback: Span,
    ) -> Field<IcmpMessages> {
        let number = |val: &'a Val| {
            let n = self.follow(val).as_f64()?;
            (n.fract() == 0.0 && (-1.0..=255.0).contains(&n)).then_some(n as i32)
        };
        match (icmp_type, code) {
            (Some(icmp_type), Some(code)) => {
                let span = cover(icmp_type.span, code.span);
                let messages = match (number(icmp_type), number(code)) {
                    (Some(-1), Some(_)) => Some(IcmpMessages::ALL),
                    (Some(t), Some(-1)) => Some(IcmpMessages {
                        icmp_type: Some(t as u8),
                        code: None,
                    }),
                    (Some(t), Some(c)) => Some(IcmpMessages {
                        icmp_type: Some(t as u8),
                        code: Some(c as u8),
                    }),
                    _ => None,
                };
                match messages {
                    Some(messages) => Field::known(messages, span),
                    None => Field::unknown(span),
                }
            }
            (Some(val), None) | (None, Some(val)) => Field::unknown(val.span),
            (None, None) => Field::unknown(fallback),
        }
    }

    fn fill_nacl(&mut self, id: NaclId, res: &'a Resource, names: &NetworkAclNames) {
        let vpc = match (names.vpc, names.adopts_default_of) {
            (Some(vpc), _) => self.link(res, vpc),
            (None, Some(adopts)) => self.vpc_of_default(res, adopts),
            (None, None) => Field::unknown(res.name_span),
        };
        let subnets = match names.subnets {
            Some(name) => self.links(attr(res, name)),
            None => Vec::new(),
        };
        let nacl = &mut self.net.nacls[id];
        nacl.vpc = vpc;
        nacl.subnets.extend(subnets);
        for (blocks, direction) in [
            (names.ingress, Direction::Ingress),
            (names.egress, Direction::Egress),
        ] {
            let Some(blocks) = blocks else { continue };
            for block in self.elements(attr(res, blocks)) {
                let nacl = Field::known(id, block.span);
                self.nacl_entry(
                    inline_origin(res, block),
                    nacl,
                    res,
                    block,
                    direction,
                    names.entry,
                    true,
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn nacl_entry(
        &mut self,
        origin: Origin,
        nacl: Field<NaclId>,
        res: &'a Resource,
        body: &'a Val,
        direction: Direction,
        names: &NaclEntryNames,
        inline: bool,
    ) {
        let fallback = if inline { body.span } else { res.name_span };
        let rule_number = match get(body, names.rule_number) {
            Some(val) => match self.number(val) {
                Some(n) if n.fract() == 0.0 && (1.0..=32766.0).contains(&n) => {
                    Field::known(n as u32, val.span)
                }
                _ => Field::unknown(val.span),
            },
            None => Field::unknown(fallback),
        };
        let action = match get(body, names.action) {
            Some(val) => match self.text(val) {
                Parsed::Known(s) if s.eq_ignore_ascii_case("allow") => {
                    Field::known(NaclAction::Allow, val.span)
                }
                Parsed::Known(s) if s.eq_ignore_ascii_case("deny") => {
                    Field::known(NaclAction::Deny, val.span)
                }
                _ => Field::unknown(val.span),
            },
            None => Field::unknown(fallback),
        };
        let at = CidrAt {
            res,
            block: inline.then_some(body),
            what: "network ACL entry",
            host_bits: names.host_bits,
        };
        let cidr = if let Some(val) = get(body, names.cidr) {
            let cidr: Field<Ipv4Net> = self.cidr_literal(val, &at);
            match cidr.copied() {
                Some(net) => Field::known(IpNet::V4(net), val.span),
                None => Field::unknown(val.span),
            }
        } else if let Some(val) = get(body, names.ipv6_cidr) {
            let cidr: Field<Ipv6Net> = self.cidr_literal(val, &at);
            match cidr.copied() {
                Some(net) => Field::known(IpNet::V6(net), val.span),
                None => Field::unknown(val.span),
            }
        } else {
            Field::unknown(fallback)
        };
        let (protocol, ports, icmp) = self.protocol_and_ports(
            body,
            names.protocol,
            names.from_port,
            names.to_port,
            names.port_range,
            &names.icmp,
            fallback,
        );
        self.net.nacl_entries.push(NaclEntry {
            origin,
            nacl,
            rule_number,
            direction,
            protocol,
            action,
            cidr,
            ports,
            icmp,
            inline,
        });
    }

    fn fill_vpn_connection(
        &mut self,
        index: usize,
        id: VpnConnectionId,
        res: &'a Resource,
        names: &VpnConnectionNames,
    ) {
        let vpn_gateway = self.opt_link(res, names.vpn_gateway);
        let transit_gateway: Option<Field<TransitGatewayId>> =
            self.opt_link(res, names.transit_gateway);
        let customer_gateway = self.link(res, names.customer_gateway);
        let static_routes_only = self.boolean(res, names.static_routes_only, Some(false));
        if let Some(tgw) = &transit_gateway {
            if let Some(Entity::TgwAttachment(attachment)) =
                self.implicit_entity(index, Implicit::VpnTgwAttachment, names.tgw_attachment)
            {
                self.net.tgw_attachments[attachment].transit_gateway = tgw.clone();
            }
        }
        let vpn = &mut self.net.vpn_connections[id];
        vpn.vpn_gateway = vpn_gateway;
        vpn.transit_gateway = transit_gateway;
        vpn.customer_gateway = customer_gateway;
        vpn.static_routes_only = static_routes_only;
    }

    fn dx_association(&mut self, res: &'a Resource, names: &DxAssociationNames) {
        let dx_gateway = self.link(res, names.dx_gateway);
        let mut prefixes = attr(res, names.allowed_prefixes);
        let associated = match names.associated.iter().find_map(|name| attr(res, name)) {
            Some(val) => self.dx_associated(val),
            None => match names
                .proposal
                .and_then(|proposal| self.accepted(res, proposal))
            {
                Some((accepted, proposal, names)) => {
                    // AWS keeps the proposal's prefixes unless the acceptance overrides them.
                    prefixes = prefixes.or_else(|| attr(proposal, names.allowed_prefixes));
                    // Shown at the association's own argument, which names the proposal.
                    let value = attr(proposal, names.associated)
                        .and_then(|val| self.dx_associated(val).copied());
                    match value {
                        Some(value) => Field::known(value, accepted.span),
                        None => Field::unknown(accepted.span),
                    }
                }
                None => Field::unknown(res.name_span),
            },
        };
        let at = CidrAt {
            res,
            block: None,
            what: "Direct Connect gateway association",
            host_bits: None,
        };
        let allowed_prefixes = self
            .elements(prefixes)
            .into_iter()
            .map(|val| self.cidr_literal(val, &at))
            .collect();
        // AWS attaches the Direct Connect gateway to the transit gateway.
        if let (Some(DxAssociated::TransitGateway(tgw)), Some(dx)) =
            (associated.copied(), dx_gateway.copied())
        {
            let span = res.name_span;
            self.net.tgw_attachments.push(TgwAttachment {
                origin: Origin {
                    address: format!("{}.{}", res.address, names.tgw_attachment),
                    ..origin(res)
                },
                transit_gateway: Field::known(tgw, associated.span),
                kind: Field::known(TgwAttachmentKind::DxGateway(dx), dx_gateway.span),
                subnets: Vec::new(),
                security_group_referencing: Field::default(false, span),
                default_association: Field::default(true, span),
                default_propagation: Field::default(true, span),
                appliance_mode: Field::default(false, span),
            });
        }
        self.net.dx_associations.push(DxGatewayAssociation {
            origin: origin(res),
            dx_gateway,
            associated,
            allowed_prefixes,
        });
    }

    /// The virtual private or transit gateway a Direct Connect gateway association names.
    fn dx_associated(&mut self, val: &'a Val) -> Field<DxAssociated> {
        match self.entity(val) {
            Some(Entity::VpnGateway(id)) => Field::known(DxAssociated::VpnGateway(id), val.span),
            Some(Entity::TransitGateway(id)) => {
                Field::known(DxAssociated::TransitGateway(id), val.span)
            }
            _ => Field::unknown(val.span),
        }
    }

    /// The proposal a Direct Connect gateway association accepts, when the code creates it,
    /// with the argument that names it. A proposal made elsewhere (in another account's
    /// configuration) leaves the associated gateway unknown, and that is said.
    fn accepted(
        &mut self,
        res: &'a Resource,
        names: &'static DxProposalNames,
    ) -> Option<(&'a Val, &'a Resource, &'static DxProposalNames)> {
        let val = attr(res, names.proposal)?;
        attr(res, names.owner_account)?;
        let proposal = val.as_ref().and_then(|r| {
            let proposal = self.resources.get(self.local_index(r)?)?;
            ((self.dialect.identity)(&proposal.kind, &r.attribute) && *proposal.kind == *names.kind)
                .then_some(proposal)
        });
        if proposal.is_none() {
            self.diagnostics.push(Diagnostic::gap(
                val.span,
                GapCause::UnresolvedName,
                format!(
                    "{}: the gateway it associates is named by a proposal that vpclint does not \
                     find in this code (another configuration makes it, or it is unknown), so \
                     it is unknown and the checks of the Direct Connect gateway's \
                     associations skip it",
                    res.address
                ),
            ));
        }
        proposal.map(|proposal| (val, proposal, names))
    }

    fn fill_tgw_vpc_attachment(
        &mut self,
        id: TgwAttachmentId,
        res: &'a Resource,
        names: &TgwVpcAttachmentNames,
    ) {
        let tgw = self.link(res, names.transit_gateway);
        let vpc: Field<VpcId> = self.link(res, names.vpc);
        let kind = match vpc.copied() {
            Some(vpc_id) => Field::known(TgwAttachmentKind::Vpc(vpc_id), vpc.span),
            None => Field::unknown(vpc.span),
        };
        let subnets = self.links(attr(res, names.subnets));
        let mut option = Some(&res.attrs);
        for key in names.sg_referencing {
            option = option.and_then(|val| get(self.follow(val), key));
        }
        let referencing = self.enable_option(res, option, true);
        let mut option = Some(&res.attrs);
        for key in names.appliance_mode {
            option = option.and_then(|val| get(self.follow(val), key));
        }
        let appliance_mode = self.enable_option(res, option, false);
        let association = match names.default_association {
            Some(name) => self.boolean(res, name, Some(true)),
            None => Field::default(true, res.name_span),
        };
        let propagation = match names.default_propagation {
            Some(name) => self.boolean(res, name, Some(true)),
            None => Field::default(true, res.name_span),
        };
        let attachment = &mut self.net.tgw_attachments[id];
        attachment.transit_gateway = tgw;
        attachment.kind = kind;
        attachment.subnets = subnets;
        attachment.security_group_referencing = referencing;
        attachment.default_association = association;
        attachment.default_propagation = propagation;
        attachment.appliance_mode = appliance_mode;
    }

    fn fill_endpoint(&mut self, id: VpcEndpointId, res: &'a Resource, names: &VpcEndpointNames) {
        let vpc = self.link(res, names.vpc);
        let kind = match attr(res, names.kind) {
            Some(val) => match self.text(val) {
                Parsed::Known(s) => match s.to_ascii_lowercase().as_str() {
                    "gateway" => Field::known(EndpointKind::Gateway, val.span),
                    "interface" => Field::known(EndpointKind::Interface, val.span),
                    "gatewayloadbalancer" => {
                        Field::known(EndpointKind::GatewayLoadBalancer, val.span)
                    }
                    _ => Field::unknown(val.span),
                },
                _ => Field::unknown(val.span),
            },
            None => Field::default(EndpointKind::Gateway, res.name_span),
        };
        let service_name = self.string(res, names.service_name);
        let private_dns = self.boolean(res, names.private_dns, Some(false));
        let subnets = self.links(attr(res, names.subnets));
        let security_groups = self.links(attr(res, names.security_groups));
        for route_table in self.links(attr(res, names.route_tables)) {
            let span = route_table.span;
            self.push_endpoint_route(origin(res), route_table, Field::known(id, span));
        }
        let endpoint = &mut self.net.vpc_endpoints[id];
        endpoint.vpc = vpc;
        endpoint.kind = kind;
        endpoint.service_name = service_name;
        endpoint.private_dns_enabled = private_dns;
        endpoint.subnets = subnets;
        endpoint.security_groups = security_groups;
    }

    /// The route AWS adds to a gateway endpoint's route table: to the AWS-managed prefix list
    /// of the endpoint's service, whose entries are not in the code.
    fn push_endpoint_route(
        &mut self,
        origin: Origin,
        route_table: Field<RouteTableId>,
        endpoint: Field<VpcEndpointId>,
    ) {
        let span = route_table.span;
        self.net.routes.push(Route {
            origin,
            route_table,
            destination: Field::known(Destination::PrefixList(None), span),
            invalid_destination: None,
            target: Field {
                value: endpoint.value.map(Target::VpcEndpoint),
                span: endpoint.span,
                provenance: endpoint.provenance,
            },
            inline: false,
            host_bits: self.dialect.host_bits,
        });
    }

    fn fill_load_balancer(
        &mut self,
        id: LoadBalancerId,
        res: &'a Resource,
        names: &LoadBalancerNames,
    ) {
        let kind = match names.kind {
            None => Field::known(LoadBalancerKind::Classic, res.name_span),
            Some(name) => match attr(res, name) {
                Some(val) => match self.text(val) {
                    Parsed::Known(s) => match s.to_ascii_lowercase().as_str() {
                        "application" => Field::known(LoadBalancerKind::Application, val.span),
                        "network" => Field::known(LoadBalancerKind::Network, val.span),
                        "gateway" => Field::known(LoadBalancerKind::Gateway, val.span),
                        _ => Field::unknown(val.span),
                    },
                    _ => Field::unknown(val.span),
                },
                None => Field::default(LoadBalancerKind::Application, res.name_span),
            },
        };
        let scheme = match names.scheme {
            SchemeSource::InternalFlag(name) => match attr(res, name) {
                Some(val) => match self.follow(val).as_bool() {
                    Some(true) => Field::known(Scheme::Internal, val.span),
                    Some(false) => Field::known(Scheme::InternetFacing, val.span),
                    None => Field::unknown(val.span),
                },
                None => Field::default(Scheme::InternetFacing, res.name_span),
            },
            SchemeSource::Scheme(name) => match attr(res, name) {
                Some(val) => match self.text(val) {
                    Parsed::Known("internal") => Field::known(Scheme::Internal, val.span),
                    Parsed::Known("internet-facing") => {
                        Field::known(Scheme::InternetFacing, val.span)
                    }
                    _ => Field::unknown(val.span),
                },
                None => Field::default(Scheme::InternetFacing, res.name_span),
            },
        };
        let mut subnets = self.links(attr(res, names.subnets));
        if let Some((mappings, subnet)) = names.subnet_mappings {
            for mapping in self.elements(attr(res, mappings)) {
                subnets.push(match get(mapping, subnet) {
                    Some(val) => self.link_val(val),
                    None => Field::unknown(mapping.span),
                });
            }
        }
        let security_groups = self.links(attr(res, names.security_groups));
        let lb = &mut self.net.load_balancers[id];
        lb.kind = kind;
        lb.scheme = scheme;
        lb.subnets = subnets;
        lb.security_groups = security_groups;
    }
}

#[cfg(test)]
mod tests;
