//! Reachability: follows a packet from one endpoint to another the way AWS forwards it,
//! and the reply back, naming at every hop the resource that decided it and why.
//!
//! Forward: the source's security groups (egress), the source subnet's NACL (outbound),
//! its route table ([`RoutingIndex::effective_route`]: longest prefix, local route,
//! static before propagated), then each hop the route leads to (peering, transit
//! gateway and, for a destination outside the VPC it sends the packet into, the route
//! table of the attachment subnet it arrives in, internet gateway, NAT gateway,
//! VGW/VPN/Direct Connect, middleboxes, Gateway Load Balancer endpoints, the endpoint of
//! a one-subnet Network Firewall), and at the destination its subnet's NACL (inbound) and
//! security groups (ingress). Traffic entering a VPC through its internet gateway or VGW
//! follows the gateway's edge route table first, when the code associates one. Return: the reply from the destination's ephemeral-port
//! view: NACLs are stateless and return routes may differ; security groups are stateful.
//!
//! Never a guess: an unknown value on the path makes the hop `unknown`, naming the value,
//! and the verdict is `unknown`.

pub mod endpoint;

pub use endpoint::{resolve, Endpoint, Host, HostGroups};

use super::cidr::{Containment, VpcCidrs};
use super::edge::{edge_associations, UnresolvedEdge};
use super::middlebox::is_stateful_middlebox;
use super::nacl::{NaclIndex, SubnetNacl};
use super::peering::{inter_region, peering_forwarding, PeeringForwarding};
use super::ports::{matched_ports, EPHEMERAL_PORTS};
use super::prefix_list;
use super::public_ip::PublicIpv4;
use super::routing::{
    target_origin, target_vpc, Reason, RouteLookup, RoutingIndex, TgwRoutingIndex, TgwTable,
    TgwVia, Via,
};
use super::sg::{describe_peer, SgIndex};
use super::transit::{one_notation, AttachmentAssociation, TgwAssociations};
use crate::model::{
    Connectivity, Direction, DxAssociated, EdgeGateway, EndpointKind, Field, IcmpMessages,
    InternetGatewayId, NaclAction, NatGatewayId, Network, Origin, PeeringId, PortRange, Protocol,
    Provenance, RouteId, RouteTableId, SgPeer, SubnetId, Target, TgwAttachmentId,
    TgwAttachmentKind, TransitGatewayId, VpcId, VpnGatewayId,
};
use crate::source::Span;
use ipnet::{IpNet, Ipv4Net};
use serde::Serialize;
use std::collections::HashMap;

/// Route lookups one query may make before it is called a loop.
const MAX_ROUTE_LOOKUPS: usize = 16;

/// What decided a hop (the JSON `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HopKind {
    SecurityGroup,
    NetworkAcl,
    RouteTable,
    Peering,
    TransitGateway,
    InternetGateway,
    NatGateway,
    VpnGateway,
    DirectConnect,
    Endpoint,
    Instance,
    NetworkInterface,
    LoadBalancer,
    Subnet,
    Outside,
}

impl HopKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HopKind::SecurityGroup => "security-group",
            HopKind::NetworkAcl => "network-acl",
            HopKind::RouteTable => "route-table",
            HopKind::Peering => "peering",
            HopKind::TransitGateway => "transit-gateway",
            HopKind::InternetGateway => "internet-gateway",
            HopKind::NatGateway => "nat-gateway",
            HopKind::VpnGateway => "vpn-gateway",
            HopKind::DirectConnect => "direct-connect",
            HopKind::Endpoint => "endpoint",
            HopKind::Instance => "instance",
            HopKind::NetworkInterface => "network-interface",
            HopKind::LoadBalancer => "load-balancer",
            HopKind::Subnet => "subnet",
            HopKind::Outside => "outside",
        }
    }
}

/// What a hop did with the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Allow,
    Deny,
    Forward,
    Drop,
    Unknown,
}

impl Decision {
    fn passes(self) -> bool {
        matches!(self, Decision::Allow | Decision::Forward)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Deny => "deny",
            Decision::Forward => "forward",
            Decision::Drop => "drop",
            Decision::Unknown => "unknown",
        }
    }
}

/// One step of a path: the resource that decided it (address and span; `None` for the
/// outside world), the decision and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub kind: HopKind,
    pub address: Option<String>,
    pub span: Option<Span>,
    pub decision: Decision,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Reachable,
    Unknown,
    Unreachable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Reachable => "reachable",
            Verdict::Unknown => "unknown",
            Verdict::Unreachable => "unreachable",
        }
    }
}

/// The traffic a query asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traffic {
    pub protocol: Protocol,
    /// The destination port (TCP and UDP only).
    pub port: Option<u16>,
}

impl Traffic {
    /// The destination port; for ICMP, the message (a ping: echo request), numbered as
    /// [`IcmpMessages::as_range`] does.
    fn forward_ports(self) -> PortRange {
        match self.port {
            Some(port) if self.protocol.has_ports() => PortRange::single(port),
            _ if self.protocol.has_icmp_messages() => IcmpMessages::ECHO_REQUEST.as_range(),
            _ => PortRange::ALL,
        }
    }
    /// Replies go to the client's source port: an ephemeral port. A ping's reply is an
    /// echo reply.
    fn return_ports(self) -> PortRange {
        if self.protocol.has_ports() {
            EPHEMERAL_PORTS
        } else if self.protocol.has_icmp_messages() {
            IcmpMessages::ECHO_REPLY.as_range()
        } else {
            PortRange::ALL
        }
    }
    fn describe(self, ports: PortRange) -> String {
        if self.protocol.has_ports() {
            format!("{} {ports}", self.protocol)
        } else if self.protocol.has_icmp_messages() {
            format!("{} {}", self.protocol, IcmpMessages::of_range(ports))
        } else {
            self.protocol.to_string()
        }
    }
}

/// The answer to one query.
#[derive(Debug, Clone)]
pub struct Answer {
    pub verdict: Verdict,
    pub forward: Vec<Hop>,
    pub ret: Vec<Hop>,
    /// The hop that stopped the packet (or made the answer unknown).
    pub blocked_by: Option<Hop>,
    /// What the verdict does not cover (the IPv6 path of a dual-stack host).
    pub notes: Vec<String>,
}

/// A packet in flight.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Packet {
    src: Ipv4Net,
    dst: Ipv4Net,
    ports: PortRange,
    /// Whether the source has a public IPv4 address (needed at an internet gateway).
    public_source: Option<bool>,
    /// The instance or network interface that last forwarded the packet: it may have
    /// translated the source to its own address (a NAT instance), which the code does not say.
    via_appliance: Option<Target>,
}

/// Where a packet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Internet,
    Outside(Ipv4Net),
    Subnet(SubnetId, Ipv4Net),
}

impl Place {
    fn net(self) -> Ipv4Net {
        match self {
            Place::Internet => Ipv4Net::default(),
            Place::Outside(net) | Place::Subnet(_, net) => net,
        }
    }
}

/// Where routing delivered a packet.
#[derive(Debug, Clone, Copy)]
enum Landing {
    Vpc(VpcId),
    Internet,
    OnPremises,
}

/// The packet stopped: the hop says why.
struct Stopped;

type Step<T> = Result<T, Stopped>;

/// The model's indexes for path following, built once and shared by every query.
pub struct Reach<'n> {
    network: &'n Network,
    cidrs: VpcCidrs<'n>,
    routing: RoutingIndex<'n>,
    tgw_routing: TgwRoutingIndex,
    nacls: NaclIndex<'n>,
    sgs: SgIndex,
    igw_of_vpc: HashMap<VpcId, InternetGatewayId>,
    vgw_of_vpc: HashMap<VpcId, VpnGatewayId>,
    /// The edge route table of each gateway that has one (ingress routing).
    edge_tables: HashMap<EdgeGateway, RouteTableId>,
    /// Edge associations that may route a gateway's inbound traffic but cannot be placed
    /// (unknown gateway or table, or a gateway's second table, which AWS refuses).
    unresolved_edges: Vec<UnresolvedEdge>,
    /// Transit gateway attachments by gateway and VPC, in model order.
    tgw_vpc_attachments: HashMap<(TransitGatewayId, VpcId), Vec<TgwAttachmentId>>,
    /// Which route table serves each attachment (explicit or default association).
    tgw_associations: TgwAssociations<'n>,
}

impl<'n> Reach<'n> {
    pub fn new(network: &'n Network) -> Self {
        let cidrs = VpcCidrs::new(network);
        let tgw_routing = TgwRoutingIndex::new(network, &cidrs);
        let mut igw_of_vpc = HashMap::new();
        for (id, igw) in network.internet_gateways.iter() {
            if let Some(vpc) = igw.vpc.as_ref().and_then(Field::copied) {
                igw_of_vpc.entry(vpc).or_insert(id);
            }
        }
        let mut vgw_of_vpc = HashMap::new();
        for (id, vgw) in network.vpn_gateways.iter() {
            if let Some(vpc) = vgw.vpc.as_ref().and_then(Field::copied) {
                vgw_of_vpc.entry(vpc).or_insert(id);
            }
        }
        let mut tgw_vpc_attachments: HashMap<_, Vec<_>> = HashMap::new();
        for (id, attachment) in network.tgw_attachments.iter() {
            if let (Some(tgw), Some(TgwAttachmentKind::Vpc(vpc))) = (
                attachment.transit_gateway.copied(),
                attachment.kind.copied(),
            ) {
                tgw_vpc_attachments.entry((tgw, vpc)).or_default().push(id);
            }
        }
        let tgw_associations = TgwAssociations::new(network);
        let (resolved, mut unresolved_edges) = edge_associations(network);
        let mut edge_tables = HashMap::new();
        for edge in resolved {
            if edge_tables.insert(edge.gateway, edge.table).is_some() {
                unresolved_edges.push(UnresolvedEdge {
                    association: edge.association,
                    gateway: Some(edge.gateway),
                    vpc: Some(edge.vpc),
                });
            }
        }
        Reach {
            network,
            routing: RoutingIndex::new(network),
            tgw_routing,
            cidrs,
            nacls: NaclIndex::new(network),
            sgs: SgIndex::new(network),
            igw_of_vpc,
            vgw_of_vpc,
            edge_tables,
            unresolved_edges,
            tgw_vpc_attachments,
            tgw_associations,
        }
    }

    /// Whether `from` can reach `to` with `traffic`. An endpoint with addresses in several
    /// subnets (a load balancer in two AZs) is asked from each: the worst answer wins.
    pub fn answer(&self, from: &Endpoint<'n>, to: &Endpoint<'n>, traffic: Traffic) -> Answer {
        let mut worst: Option<Answer> = None;
        for from_place in places(self.network, from) {
            for to_place in places(self.network, to) {
                let answer = self.answer_pair(from, from_place, to, to_place, traffic);
                if worst.as_ref().is_none_or(|w| answer.verdict > w.verdict) {
                    worst = Some(answer);
                }
            }
        }
        let mut answer = worst.unwrap_or_else(|| {
            let why = [from, to]
                .into_iter()
                .find_map(|endpoint| no_ipv4_place(self.network, endpoint));
            Answer {
                verdict: Verdict::Unknown,
                forward: why.iter().cloned().collect(),
                ret: Vec::new(),
                blocked_by: why,
                notes: Vec::new(),
            }
        });
        answer.notes.extend(
            [from, to]
                .into_iter()
                .filter_map(|endpoint| ipv6_path_not_followed(self.network, endpoint)),
        );
        answer
    }

    fn answer_pair(
        &self,
        from: &Endpoint<'n>,
        from_place: Place,
        to: &Endpoint<'n>,
        to_place: Place,
        traffic: Traffic,
    ) -> Answer {
        let mut forward = Walk::new(self, traffic, from);
        let packet = Packet {
            src: from_place.net(),
            dst: to_place.net(),
            ports: traffic.forward_ports(),
            public_source: public_ipv4(from),
            via_appliance: None,
        };
        let forward_ok = forward
            .forward(from, from_place, to, to_place, packet)
            .is_ok();
        let mut ret = Walk::new(self, traffic, to);
        if forward_ok {
            let reply = Packet {
                src: to_place.net(),
                dst: from_place.net(),
                ports: traffic.return_ports(),
                public_source: public_ipv4(to),
                via_appliance: None,
            };
            if ret
                .reply(from, from_place, to_place, reply, forward.nat)
                .is_ok()
            {
                let _ = ret.one_way_middleboxes(&forward.middleboxes);
            }
        }
        // A hop that surely blocks decides over an earlier unknown filter.
        let hops = || forward.hops.iter().chain(&ret.hops);
        let blocked_by = hops()
            .find(|h| matches!(h.decision, Decision::Deny | Decision::Drop))
            .or_else(|| hops().find(|h| !h.decision.passes()))
            .cloned();
        let verdict = match &blocked_by {
            None => Verdict::Reachable,
            Some(hop) if hop.decision == Decision::Unknown => Verdict::Unknown,
            Some(_) => Verdict::Unreachable,
        };
        Answer {
            verdict,
            forward: forward.hops,
            ret: ret.hops,
            blocked_by,
            notes: Vec::new(),
        }
    }
}

/// The places an endpoint stands for.
fn places(network: &Network, endpoint: &Endpoint) -> Vec<Place> {
    match endpoint {
        Endpoint::Internet => vec![Place::Internet],
        Endpoint::Outside(net) => vec![Place::Outside(*net)],
        Endpoint::Host(host) => host
            .subnets
            .iter()
            .filter_map(|&subnet| {
                let net = host
                    .address
                    .or_else(|| Some(network.subnets[subnet].cidr.as_ref()?.get()?.network()))?;
                Some(Place::Subnet(subnet, net))
            })
            .collect(),
    }
}

/// A host with IPv4 and IPv6 addresses: the verdict is about its IPv4 packets, and its
/// IPv6 packets take other routes, entries and rules, which reach does not follow.
fn ipv6_path_not_followed(network: &Network, endpoint: &Endpoint) -> Option<String> {
    let Endpoint::Host(host) = endpoint else {
        return None;
    };
    if host.address.is_some() {
        return None;
    }
    let subnet = host
        .subnets
        .iter()
        .map(|&id| &network.subnets[id])
        .find(|subnet| subnet.cidr.is_some() && subnet.ipv6_cidr.is_some())?;
    Some(format!(
        "{} is in the dual-stack subnet {}: reach followed IPv4 packets only, so its IPv6 path (IPv6 routes, network ACL entries and security group rules) was not evaluated",
        endpoint.describe(),
        subnet.origin.address
    ))
}

/// Why a host has no place to follow a packet from: its subnets have no known IPv4 block
/// (the walk follows IPv4 packets only).
fn no_ipv4_place(network: &Network, endpoint: &Endpoint) -> Option<Hop> {
    let Endpoint::Host(host) = endpoint else {
        return None;
    };
    let subnet = &network.subnets[*host.subnets.first()?];
    let subnet_name = &subnet.origin.address;
    let (span, why) = match &subnet.cidr {
        None => (
            subnet.origin.span,
            format!("{subnet_name} has no IPv4 block (an IPv6-only subnet), and reach follows IPv4 packets only"),
        ),
        Some(cidr) => (cidr.span, format!("the IPv4 block of {subnet_name} is unknown")),
    };
    Some(Hop {
        kind: HopKind::Subnet,
        address: Some(subnet_name.clone()),
        span: Some(span),
        decision: Decision::Unknown,
        detail: format!("{} has no known IPv4 address: {why}", endpoint.describe()),
    })
}

fn public_ipv4(endpoint: &Endpoint) -> Option<bool> {
    match endpoint {
        Endpoint::Host(host) => match host.public_ipv4 {
            PublicIpv4::Yes => Some(true),
            PublicIpv4::No(_) => Some(false),
            PublicIpv4::Unknown => None,
        },
        Endpoint::Internet | Endpoint::Outside(_) => Some(true),
    }
}

/// Why the endpoint has no public IPv4 address, when it has none.
fn no_public_ipv4<'e>(endpoint: &'e Endpoint) -> Option<&'e str> {
    match endpoint {
        Endpoint::Host(Host {
            public_ipv4: PublicIpv4::No(why),
            ..
        }) => Some(why),
        _ => None,
    }
}

/// One direction of a path, hop by hop.
struct Walk<'a, 'n> {
    reach: &'a Reach<'n>,
    network: &'n Network,
    traffic: Traffic,
    hops: Vec<Hop>,
    lookups: usize,
    /// Each subnet whose route table was looked up, with the packet it routed: the same
    /// packet in the same subnet again is a routing loop.
    routed: Vec<(SubnetId, Packet)>,
    /// The NAT gateway the forward path went through (the reply comes back through it).
    nat: Option<NatGatewayId>,
    /// Where the packet comes from: the peer of the destination's ingress rules.
    source: Endpoint<'n>,
    /// The walk carries the reply of a connection, not a new one.
    replying: bool,
    /// Why a security group reference may not match the packet where it is delivered.
    reference_barrier: Option<ReferenceBarrier>,
    /// The middleboxes the packet went through, each with the number of route lookups
    /// (`routed`) made before it.
    middleboxes: Vec<(Target, usize)>,
}

/// Something on the path that keeps a security group reference from matching the packet at
/// its destination: an inter-Region peering connection, a middlebox that forwarded it (the
/// packet then arrives from the middlebox's interface, not from the source's).
#[derive(Debug, Clone)]
struct ReferenceBarrier {
    /// Surely no reference matches; else one may not.
    sure: bool,
    why: String,
}

impl<'a, 'n> Walk<'a, 'n> {
    fn new(reach: &'a Reach<'n>, traffic: Traffic, source: &Endpoint<'n>) -> Self {
        Walk {
            reach,
            network: reach.network,
            traffic,
            hops: Vec::new(),
            lookups: 0,
            routed: Vec::new(),
            nat: None,
            source: source.clone(),
            replying: false,
            reference_barrier: None,
            middleboxes: Vec::new(),
        }
    }

    /// A stateful middlebox that one direction of the connection went through and the other
    /// did not: it drops what it sees of a connection whose start it did not see. Whether a
    /// middlebox keeps state is not in the code (a firewall does), so this is unknown.
    fn one_way_middleboxes(&mut self, request: &[(Target, usize)]) -> Step<()> {
        let network = self.network;
        let stateful = |target: Target| is_stateful_middlebox(network, target) != Some(false);
        let targets = |walk: &[(Target, usize)]| -> Vec<Target> {
            walk.iter()
                .map(|&(target, _)| target)
                .filter(|&target| stateful(target))
                .collect()
        };
        let (request, reply) = (targets(request), targets(&self.middleboxes));
        let name = |target: Target| {
            target_origin(network, target).map_or("a middlebox", |o| o.address.as_str())
        };
        let request_only = request.iter().copied().find(|t| !reply.contains(t));
        let reply_only = reply.iter().copied().find(|t| !request.contains(t));
        let (at, detail) = match (request_only, reply_only) {
            (None, None) => return Ok(()),
            (Some(asked), Some(answered)) => (
                answered,
                format!(
                    "the request went through {}, the reply goes through {}",
                    name(asked),
                    name(answered)
                ),
            ),
            (Some(asked), None) => (
                asked,
                format!(
                    "the request went through {}, the reply does not",
                    name(asked)
                ),
            ),
            (None, Some(answered)) => (
                answered,
                format!(
                    "the reply goes through {}, the request did not",
                    name(answered)
                ),
            ),
        };
        let kind = match at {
            Target::Instance(_) => HopKind::Instance,
            Target::NetworkInterface(_) => HopKind::NetworkInterface,
            _ => HopKind::Endpoint,
        };
        let transit = if self
            .hops
            .iter()
            .any(|hop| hop.kind == HopKind::TransitGateway)
        {
            " (appliance mode on the transit gateway attachment keeps both directions on one)"
        } else {
            ""
        };
        self.hop(
            kind,
            target_origin(network, at),
            Decision::Unknown,
            format!("{detail}: a stateful appliance (a firewall) drops the packets of a connection whose other direction it does not see, a stateless one passes them, and the code does not say which this is{transit}"),
        )
    }

    /// Notes a barrier to security group references; a sure one wins over an unsure one.
    fn reference_barrier(&mut self, sure: bool, why: String) {
        if self
            .reference_barrier
            .as_ref()
            .is_none_or(|b| sure && !b.sure)
        {
            self.reference_barrier = Some(ReferenceBarrier { sure, why });
        }
    }

    /// Records a hop; stops the walk unless it lets the packet through.
    fn hop(
        &mut self,
        kind: HopKind,
        origin: Option<&Origin>,
        decision: Decision,
        detail: String,
    ) -> Step<()> {
        self.hop_at(
            kind,
            origin.map(|o| (o.address.clone(), o.span)),
            decision,
            detail,
        )
    }

    fn hop_at(
        &mut self,
        kind: HopKind,
        at: Option<(String, Span)>,
        decision: Decision,
        detail: String,
    ) -> Step<()> {
        let (address, span) = match at {
            Some((address, span)) => (Some(address), Some(span)),
            None => (None, None),
        };
        self.hops.push(Hop {
            kind,
            address,
            span,
            decision,
            detail,
        });
        if decision.passes() {
            Ok(())
        } else {
            Err(Stopped)
        }
    }

    /// A filter whose decision is unknown: the answer cannot be "reachable", but the packet
    /// is followed on, since its path does not depend on the filter, and a later hop that
    /// surely blocks it makes the answer "unreachable".
    fn unknown_filter(
        &mut self,
        kind: HopKind,
        origin: Option<&Origin>,
        detail: String,
    ) -> Step<()> {
        let _ = self.hop(kind, origin, Decision::Unknown, detail);
        Ok(())
    }

    fn subnet_origin(&self, subnet: SubnetId) -> &'n Origin {
        &self.network.subnets[subnet].origin
    }

    // ------------------------------------------------------------ forward

    fn forward(
        &mut self,
        from: &Endpoint<'n>,
        from_place: Place,
        to: &Endpoint<'n>,
        to_place: Place,
        packet: Packet,
    ) -> Step<()> {
        match from_place {
            Place::Subnet(subnet, _) => {
                if let Endpoint::Host(host) = from {
                    self.security_groups(host, Direction::Egress, to, packet.dst, packet.ports)?;
                }
                if let Place::Subnet(to_subnet, _) = to_place {
                    if to_subnet == subnet {
                        return self.same_subnet(subnet, to, packet, true);
                    }
                }
                self.nacl(subnet, Direction::Egress, packet.dst, packet.ports)?;
                let landing = self.route(subnet, packet)?;
                self.arrive(landing, Some(subnet), to, to_place, packet)
            }
            Place::Internet | Place::Outside(_) => {
                if let Place::Outside(net) = from_place {
                    self.inside_a_vpc_without_subnet(net)?;
                }
                let Place::Subnet(to_subnet, _) = to_place else {
                    return self.hop(
                        HopKind::Outside,
                        None,
                        Decision::Unknown,
                        "both endpoints are outside the modelled VPCs".to_string(),
                    );
                };
                let vpc = self.subnet_vpc(to_subnet)?;
                self.enter(vpc, from_place, to, packet)?;
                let landing = self.ingress(vpc, from_place, packet)?;
                self.arrive(landing, None, to, to_place, packet)
            }
        }
    }

    /// A source inside a modelled VPC's block but in none of its subnets in the code: a
    /// host there is in a subnet vpclint does not see, not a network outside the VPC.
    fn inside_a_vpc_without_subnet(&mut self, net: Ipv4Net) -> Step<()> {
        let network = self.network;
        let inside =
            network
                .vpcs
                .iter()
                .find_map(|(vpc, _)| match self.reach.cidrs.containment(vpc, net) {
                    Containment::Inside(block) => Some((vpc, block.net)),
                    _ => None,
                });
        let Some((vpc, block)) = inside else {
            return Ok(());
        };
        let vpc_origin = &network.vpcs[vpc].origin;
        self.hop(
            HopKind::Subnet,
            Some(vpc_origin),
            Decision::Unknown,
            format!(
                "{net} is inside {} ({block}) but in none of its subnets in the code: the host \
                 is in a subnet vpclint does not see, so its route table, network ACL and \
                 security groups are unknown",
                vpc_origin.address
            ),
        )
    }

    /// Traffic between two hosts of one subnet: no route table, no NACL.
    fn same_subnet(
        &mut self,
        subnet: SubnetId,
        to: &Endpoint<'n>,
        packet: Packet,
        forward: bool,
    ) -> Step<()> {
        let origin = self.subnet_origin(subnet);
        self.hop(
            HopKind::Subnet,
            Some(origin),
            Decision::Forward,
            "same subnet: delivered by the local route; network ACLs do not filter traffic within a subnet".to_string(),
        )?;
        match (forward, to) {
            (true, Endpoint::Host(host)) => {
                let source = self.source.clone();
                self.security_groups(host, Direction::Ingress, &source, packet.src, packet.ports)
            }
            _ => Ok(()),
        }
    }

    fn subnet_vpc(&mut self, subnet: SubnetId) -> Step<VpcId> {
        match self.network.subnets[subnet].vpc.copied() {
            Some(vpc) => Ok(vpc),
            None => {
                let origin = self.subnet_origin(subnet);
                self.hop(
                    HopKind::Subnet,
                    Some(origin),
                    Decision::Unknown,
                    "the subnet's VPC is unknown".to_string(),
                )?;
                Err(Stopped)
            }
        }
    }

    /// Traffic from outside entering `vpc`: through its internet gateway (to a public
    /// address) or its VGW / a transit gateway (from on premises).
    fn enter(&mut self, vpc: VpcId, from: Place, host: &Endpoint, packet: Packet) -> Step<()> {
        let network = self.network;
        let vpc_origin = &network.vpcs[vpc].origin;
        match from {
            _ if is_internet(from) => {
                let Some(&igw) = self.reach.igw_of_vpc.get(&vpc) else {
                    return self.hop(
                        HopKind::InternetGateway,
                        Some(vpc_origin),
                        Decision::Drop,
                        format!("{} has no internet gateway", vpc_origin.address),
                    );
                };
                let igw_origin = &network.internet_gateways[igw].origin;
                match public_ipv4(host) {
                    Some(true) => {}
                    Some(false) => self.hop(
                        HopKind::InternetGateway,
                        Some(igw_origin),
                        Decision::Drop,
                        format!(
                            "{} has no public IPv4 address{}: the internet gateway translates only public addresses, so the internet cannot reach it",
                            packet.dst,
                            because(no_public_ipv4(host))
                        ),
                    )?,
                    None => self.hop(
                        HopKind::InternetGateway,
                        Some(igw_origin),
                        Decision::Unknown,
                        format!("whether {} has a public IPv4 address is not known from the code (associate_public_ip_address, Elastic IP)", packet.dst),
                    )?,
                }
                self.hop(
                    HopKind::InternetGateway,
                    Some(igw_origin),
                    Decision::Forward,
                    "enters the VPC through its internet gateway, which translates the host's public IPv4 address".to_string(),
                )
            }
            _ => {
                if let Some(&vgw) = self.reach.vgw_of_vpc.get(&vpc) {
                    let origin = &network.vpn_gateways[vgw].origin;
                    return self.hop(
                        HopKind::VpnGateway,
                        Some(origin),
                        Decision::Forward,
                        format!(
                            "enters {} from on premises through its virtual private gateway (on-premises routing is not in the code)",
                            vpc_origin.address
                        ),
                    );
                }
                self.enter_through_transit_gateway(vpc, packet)
            }
        }
    }

    /// Where a packet that entered `vpc` through its internet gateway (from the internet)
    /// or its VGW goes: the gateway's edge route table, when the code associates one
    /// (ingress routing), may send it through a middlebox; otherwise the local route
    /// delivers it.
    fn ingress(&mut self, vpc: VpcId, from: Place, packet: Packet) -> Step<Landing> {
        let network = self.network;
        let Some(gateway) = self.entry_gateway(vpc, from) else {
            return Ok(Landing::Vpc(vpc));
        };
        if let Some(edge) = self
            .reach
            .unresolved_edges
            .iter()
            .find(|edge| edge.may_be(gateway, vpc))
        {
            let association = &network.route_table_associations[edge.association].origin;
            self.hop(
                HopKind::RouteTable,
                Some(association),
                Decision::Unknown,
                format!(
                    "{}: which gateway or route table this edge association joins is not known (or it gives a gateway a second table): traffic entering through the gateway may be routed by it",
                    association.address
                ),
            )?;
            return Err(Stopped);
        }
        let Some(table) = self.reach.edge_tables.get(&gateway).copied() else {
            return Ok(Landing::Vpc(vpc));
        };
        let table_origin = &network.route_tables[table].origin;
        let lookup = self.lookup_route(table, vpc, packet)?;
        let Some(candidate) = lookup.effective else {
            return Ok(Landing::Vpc(vpc));
        };
        let route_id = match candidate.via {
            Via::Static(route_id) => route_id,
            Via::Local(_) => {
                self.hop(
                    HopKind::RouteTable,
                    Some(table_origin),
                    Decision::Forward,
                    format!(
                        "{} (the gateway's edge route table): {} matches the local route {}",
                        table_origin.address, packet.dst, candidate.prefix
                    ),
                )?;
                return Ok(Landing::Vpc(vpc));
            }
            // Gateway route tables hold the local route and routes to middleboxes: where a
            // propagated route would take inbound traffic is not modelled.
            Via::Propagated(_) => {
                self.hop(
                    HopKind::RouteTable,
                    Some(table_origin),
                    Decision::Unknown,
                    format!(
                        "{} (the gateway's edge route table): {} matches the propagated route {}, which vpclint does not follow for inbound traffic",
                        table_origin.address, packet.dst, candidate.prefix
                    ),
                )?;
                return Err(Stopped);
            }
        };
        let table_label = format!("{} (the gateway's edge route table)", table_origin.address);
        let target = self.static_route_hop(&table_label, route_id, candidate.prefix, packet, "")?;
        match target {
            Target::Local => Ok(Landing::Vpc(vpc)),
            _ => self.through_middlebox(target, vpc, packet),
        }
    }

    /// The gateway traffic from `from` enters `vpc` through: its internet gateway from the
    /// internet, else its virtual private gateway.
    fn entry_gateway(&self, vpc: VpcId, from: Place) -> Option<EdgeGateway> {
        if is_internet(from) {
            self.reach
                .igw_of_vpc
                .get(&vpc)
                .map(|&igw| EdgeGateway::InternetGateway(igw))
        } else {
            self.reach
                .vgw_of_vpc
                .get(&vpc)
                .map(|&vgw| EdgeGateway::VpnGateway(vgw))
        }
    }

    /// Whether the gateway traffic from `from` enters `vpc` through has (or may have) an
    /// edge route table.
    fn has_edge_table(&self, vpc: VpcId, from: Place) -> bool {
        self.entry_gateway(vpc, from).is_some_and(|gateway| {
            self.reach.edge_tables.contains_key(&gateway)
                || self
                    .reach
                    .unresolved_edges
                    .iter()
                    .any(|edge| edge.may_be(gateway, vpc))
        })
    }

    /// On-premises traffic arriving over a VPN or Direct Connect attachment of a transit
    /// gateway the VPC is attached to: the route table of that attachment decides.
    fn enter_through_transit_gateway(&mut self, vpc: VpcId, packet: Packet) -> Step<()> {
        let network = self.network;
        let mut candidates: Vec<(TransitGatewayId, TgwAttachmentId)> = Vec::new();
        for (id, attachment) in network.tgw_attachments.iter() {
            if matches!(
                attachment.kind.copied(),
                Some(TgwAttachmentKind::Vpn(_) | TgwAttachmentKind::DxGateway(_))
            ) {
                if let Some(tgw) = attachment.transit_gateway.copied() {
                    if self.reach.tgw_vpc_attachments.contains_key(&(tgw, vpc)) {
                        candidates.push((tgw, id));
                    }
                }
            }
        }
        let vpc_origin = &network.vpcs[vpc].origin;
        let Some(&(_, attachment)) = candidates.first() else {
            return self.hop(
                HopKind::Outside,
                None,
                Decision::Unknown,
                format!(
                    "how traffic from {} enters {} is not in the code (no virtual private gateway, no transit gateway with a VPN or Direct Connect attachment)",
                    packet.src, vpc_origin.address
                ),
            );
        };
        let landing = self.transit_gateway_from(attachment, None, packet)?;
        match landing {
            Landing::Vpc(reached) if reached == vpc => Ok(()),
            _ => self.hop(
                HopKind::TransitGateway,
                Some(&network.tgw_attachments[attachment].origin),
                Decision::Drop,
                format!(
                    "the transit gateway does not send {} to {}",
                    packet.dst, vpc_origin.address
                ),
            ),
        }
    }

    /// Where routing delivered the packet, checked against the destination.
    fn arrive(
        &mut self,
        landing: Landing,
        from_subnet: Option<SubnetId>,
        to: &Endpoint<'n>,
        to_place: Place,
        packet: Packet,
    ) -> Step<()> {
        match (landing, to_place) {
            (Landing::Vpc(vpc), _) => self.deliver(vpc, from_subnet, to, to_place, packet),
            (Landing::Internet, Place::Internet) => self.hop(
                HopKind::Outside,
                None,
                Decision::Forward,
                "reaches the internet".to_string(),
            ),
            (Landing::Internet, Place::Outside(net)) if is_private(net) => self.hop(
                HopKind::Outside,
                None,
                Decision::Drop,
                format!("{net} is a private address range: the internet does not route it"),
            ),
            (Landing::Internet, Place::Outside(net)) => self.hop(
                HopKind::Outside,
                None,
                Decision::Forward,
                format!("reaches {net} on the internet"),
            ),
            (Landing::OnPremises, Place::Outside(net)) => self.hop(
                HopKind::Outside,
                None,
                Decision::Forward,
                format!(
                    "reaches {net} on premises (routing beyond the gateway is not in the code)"
                ),
            ),
            (Landing::Internet | Landing::OnPremises, _) => self.hop(
                HopKind::Outside,
                None,
                Decision::Unknown,
                format!(
                    "the packet leaves AWS towards {}: what happens outside is not in the code",
                    packet.dst
                ),
            ),
        }
    }

    /// The packet is in `vpc`: the destination must be a subnet of it; then that subnet's
    /// NACL (inbound) and the destination's security groups (ingress).
    fn deliver(
        &mut self,
        vpc: VpcId,
        from_subnet: Option<SubnetId>,
        to: &Endpoint<'n>,
        to_place: Place,
        packet: Packet,
    ) -> Step<()> {
        let network = self.network;
        let vpc_origin = &network.vpcs[vpc].origin;
        let Place::Subnet(subnet, _) = to_place else {
            return self.hop(
                HopKind::Outside,
                Some(vpc_origin),
                Decision::Drop,
                format!("no subnet of {} holds {}", vpc_origin.address, packet.dst),
            );
        };
        if network.subnets[subnet].vpc.copied() != Some(vpc) {
            let origin = self.subnet_origin(subnet);
            return self.hop(
                HopKind::Subnet,
                Some(origin),
                Decision::Drop,
                format!(
                    "{} is in another VPC than {}, where the packet is",
                    origin.address, vpc_origin.address
                ),
            );
        }
        if from_subnet != Some(subnet) {
            self.nacl(subnet, Direction::Ingress, packet.src, packet.ports)?;
        }
        let origin = self.subnet_origin(subnet);
        self.hop(
            HopKind::Subnet,
            Some(origin),
            Decision::Forward,
            format!("delivered to {} in {}", packet.dst, origin.address),
        )?;
        match to {
            Endpoint::Host(host) => {
                let source = self.source.clone();
                self.security_groups(host, Direction::Ingress, &source, packet.src, packet.ports)
            }
            _ => Ok(()),
        }
    }

    // ------------------------------------------------------------ return

    /// The reply, from the destination back to the source.
    fn reply(
        &mut self,
        from: &Endpoint<'n>,
        from_place: Place,
        to_place: Place,
        reply: Packet,
        nat: Option<NatGatewayId>,
    ) -> Step<()> {
        self.replying = true;
        match to_place {
            Place::Subnet(subnet, _) => {
                if let Place::Subnet(from_subnet, _) = from_place {
                    if from_subnet == subnet {
                        return self.same_subnet(subnet, from, reply, false);
                    }
                }
                self.nacl(subnet, Direction::Egress, reply.dst, reply.ports)?;
                let landing = self.route(subnet, reply)?;
                match (landing, from_place) {
                    (Landing::Vpc(vpc), Place::Subnet(..)) => {
                        self.deliver_reply(vpc, Some(subnet), from, from_place, reply)
                    }
                    _ => self.arrive(landing, Some(subnet), from, from_place, reply),
                }
            }
            Place::Internet | Place::Outside(_) => {
                let Place::Subnet(from_subnet, _) = from_place else {
                    return Ok(());
                };
                let vpc = self.subnet_vpc(from_subnet)?;
                match nat {
                    // The reply enters through the gateway to the NAT gateway's own address,
                    // which the model does not know: where an edge route table sends it is
                    // not followed.
                    Some(nat) if self.has_edge_table(vpc, to_place) => self.hop(
                        HopKind::RouteTable,
                        Some(&self.network.nat_gateways[nat].origin),
                        Decision::Unknown,
                        "the reply to the NAT gateway enters through a gateway with an edge route table, which vpclint does not follow to a NAT gateway's address".to_string(),
                    ),
                    Some(nat) => self.reply_through_nat(nat, vpc, from, from_place, reply),
                    None => {
                        self.enter(vpc, to_place, from, reply)?;
                        match self.ingress(vpc, to_place, reply)? {
                            Landing::Vpc(landed) => {
                                self.deliver_reply(landed, None, from, from_place, reply)
                            }
                            other => self.arrive(other, None, from, from_place, reply),
                        }
                    }
                }
            }
        }
    }

    /// The reply reaches the source's subnet: its NACL (inbound); security groups let
    /// replies through.
    fn deliver_reply(
        &mut self,
        vpc: VpcId,
        from_subnet: Option<SubnetId>,
        to: &Endpoint<'n>,
        to_place: Place,
        reply: Packet,
    ) -> Step<()> {
        let unrestricted = Endpoint::Outside(reply.dst);
        self.deliver(vpc, from_subnet, &unrestricted, to_place, reply)?;
        if let Endpoint::Host(Host {
            groups: HostGroups::Groups(groups),
            ..
        }) = to
        {
            if !groups.is_empty() {
                return self.hop(
                    HopKind::SecurityGroup,
                    Some(&self.network.security_groups[groups[0]].origin),
                    Decision::Allow,
                    "the reply is allowed: security groups are stateful".to_string(),
                );
            }
        }
        Ok(())
    }

    /// A reply to a flow that left through a NAT gateway comes back to it: the NAT
    /// subnet's NACL (inbound from the far end, outbound to the source), then the NAT
    /// subnet's routes to the source.
    fn reply_through_nat(
        &mut self,
        nat: NatGatewayId,
        vpc: VpcId,
        from: &Endpoint<'n>,
        from_place: Place,
        reply: Packet,
    ) -> Step<()> {
        let network = self.network;
        let nat_origin = &network.nat_gateways[nat].origin;
        let Some(nat_subnet) = network.nat_gateways[nat].subnet.copied() else {
            return self.hop(
                HopKind::NatGateway,
                Some(nat_origin),
                Decision::Unknown,
                "the NAT gateway's subnet is unknown".to_string(),
            );
        };
        self.hop(
            HopKind::NatGateway,
            Some(nat_origin),
            Decision::Forward,
            "the reply comes back to the NAT gateway, which translates it back to the source"
                .to_string(),
        )?;
        self.nacl(nat_subnet, Direction::Ingress, reply.src, reply.ports)?;
        let Place::Subnet(from_subnet, _) = from_place else {
            return Ok(());
        };
        if from_subnet == nat_subnet {
            return self.deliver_reply(vpc, Some(nat_subnet), from, from_place, reply);
        }
        self.nacl(nat_subnet, Direction::Egress, reply.dst, reply.ports)?;
        match self.route(nat_subnet, reply)? {
            Landing::Vpc(landed) => self.deliver_reply(landed, None, from, from_place, reply),
            other => self.arrive(other, None, from, from_place, reply),
        }
    }

    // ------------------------------------------------------------ filtering

    /// The host's security groups in `direction` for traffic to/from `peer` (`peer_net`).
    fn security_groups(
        &mut self,
        host: &Host<'n>,
        direction: Direction,
        peer: &Endpoint<'n>,
        peer_net: Ipv4Net,
        ports: PortRange,
    ) -> Step<()> {
        let network = self.network;
        let groups = match &host.groups {
            HostGroups::Unrestricted => return Ok(()),
            HostGroups::Unknown(why) => {
                let why = why.clone();
                return self.unknown_filter(HopKind::SecurityGroup, host.origin, why);
            }
            HostGroups::Groups(groups) => groups.clone(),
        };
        // A subnet or address stands for any host there: whether it is in a group that a
        // rule references is not known. Outside networks are in no group.
        let peer_groups = match peer {
            Endpoint::Host(peer_host) => match &peer_host.groups {
                HostGroups::Groups(groups) => Some(groups.clone()),
                HostGroups::Unrestricted | HostGroups::Unknown(_) => None,
            },
            _ => Some(Vec::new()),
        };
        let protocol = self.traffic.protocol;
        let what = self.traffic.describe(ports);
        let (to_from, rules_word) = match direction {
            Direction::Egress => ("to", "outbound"),
            Direction::Ingress => ("from", "inbound"),
        };
        let mut unknown: Option<String> = None;
        // A rule that would allow the packet but for a reference barrier.
        let mut barred: Option<String> = None;
        for &group in &groups {
            for (_, rule) in self.reach.sgs.rules_in(network, group, direction) {
                let (Some(rule_protocol), Some(peer_value)) =
                    (rule.protocol.copied(), rule.peer.copied())
                else {
                    unknown.get_or_insert(format!(
                        "{} has a rule whose protocol or peer is unknown",
                        rule.origin.address
                    ));
                    continue;
                };
                let rule_ports = match rule.ports.copied() {
                    Some(p) => p,
                    None if rule_protocol == Protocol::All || !protocol.has_ports() => {
                        PortRange::ALL
                    }
                    None => {
                        unknown.get_or_insert(format!(
                            "{} has a rule whose ports are unknown",
                            rule.origin.address
                        ));
                        continue;
                    }
                };
                let Some(mut opened) = matched_ports(rule_protocol, rule_ports, protocol) else {
                    continue;
                };
                if rule_protocol != Protocol::All && protocol.has_icmp_messages() {
                    let Some(messages) = rule.icmp.copied() else {
                        unknown.get_or_insert(format!(
                            "{} has a rule whose ICMP type or code is unknown",
                            rule.origin.address
                        ));
                        continue;
                    };
                    opened = messages.as_range();
                }
                if !opened.contains(ports) {
                    if opened.intersects(ports) {
                        let opened = if protocol.has_icmp_messages() {
                            IcmpMessages::of_range(opened).to_string()
                        } else {
                            opened.to_string()
                        };
                        unknown.get_or_insert(format!(
                            "{} opens only {opened} of {what}",
                            rule.origin.address
                        ));
                    }
                    continue;
                }
                let matches = match peer_value {
                    SgPeer::Cidr(IpNet::V4(cidr)) => {
                        let cidr = cidr.trunc();
                        if cidr.contains(&peer_net) {
                            Some(true)
                        } else if peer_net.contains(&cidr) {
                            unknown.get_or_insert(format!(
                                "{} allows only {cidr} of {peer_net}",
                                rule.origin.address
                            ));
                            Some(false)
                        } else {
                            Some(false)
                        }
                    }
                    SgPeer::Cidr(IpNet::V6(_)) => Some(false),
                    SgPeer::Group(referenced) => match (
                        peer_groups
                            .as_ref()
                            .map(|groups| groups.contains(&referenced)),
                        direction,
                        &self.reference_barrier,
                    ) {
                        (Some(true), Direction::Ingress, Some(barrier)) => {
                            let why = format!(
                                "{} allows {} from {}, but {}",
                                rule.origin.address,
                                self.traffic.describe(opened),
                                describe_peer(network, peer_value),
                                barrier.why
                            );
                            if barrier.sure {
                                barred.get_or_insert(why);
                            } else {
                                unknown.get_or_insert(why);
                            }
                            Some(false)
                        }
                        (matches, _, _) => matches,
                    },
                    SgPeer::PrefixList(list) => {
                        prefix_list::all_entries(network, list).map(|entries| {
                            let entries = entries.iter().filter_map(|entry| match entry.trunc() {
                                IpNet::V4(net) => Some(net),
                                IpNet::V6(_) => None,
                            });
                            let mut covered = false;
                            for entry in entries {
                                if entry.contains(&peer_net) {
                                    covered = true;
                                } else if peer_net.contains(&entry) {
                                    unknown.get_or_insert(format!(
                                        "{} allows only {entry} of {peer_net} ({})",
                                        rule.origin.address,
                                        prefix_list::describe(network, list)
                                    ));
                                }
                            }
                            covered
                        })
                    }
                };
                let opened_text = if rule_protocol == Protocol::All {
                    "all traffic".to_string()
                } else {
                    self.traffic.describe(opened)
                };
                match matches {
                    Some(true) => {
                        return self.hop(
                            HopKind::SecurityGroup,
                            Some(&rule.origin),
                            Decision::Allow,
                            format!(
                                "{} allows {opened_text} {to_from} {}{}",
                                rule.origin.address,
                                describe_peer(network, peer_value),
                                if rule.peer.provenance == Provenance::Default {
                                    " (the rule AWS adds to a group created without outbound rules)"
                                } else {
                                    ""
                                }
                            ),
                        );
                    }
                    Some(false) => {}
                    None => {
                        unknown.get_or_insert(format!(
                            "{} allows {} {to_from} {}, which may or may not include {peer_net}",
                            rule.origin.address,
                            self.traffic.describe(opened),
                            describe_peer(network, peer_value)
                        ));
                    }
                }
            }
        }
        if unknown.is_none() {
            if let Some(&partial) = groups
                .iter()
                .find(|&&g| !network.security_groups[g].rules_known)
            {
                unknown = Some(format!(
                    "the rules of {} are not all in the code",
                    network.security_groups[partial].origin.address
                ));
            }
        }
        let first = &network.security_groups[groups[0]].origin;
        let names: Vec<&str> = groups
            .iter()
            .map(|&g| network.security_groups[g].origin.address.as_str())
            .collect();
        match unknown {
            Some(why) => self.unknown_filter(HopKind::SecurityGroup, Some(first), why),
            None => self.hop(
                HopKind::SecurityGroup,
                Some(first),
                Decision::Deny,
                format!(
                    "no {rules_word} rule of {} allows {what} {to_from} {peer_net}{}",
                    names.join(", "),
                    barred.map_or_else(String::new, |why| format!(": {why}"))
                ),
            ),
        }
    }

    /// The subnet's NACL in `direction` for traffic to/from `peer` on `ports`.
    fn nacl(
        &mut self,
        subnet: SubnetId,
        direction: Direction,
        peer: Ipv4Net,
        ports: PortRange,
    ) -> Step<()> {
        let network = self.network;
        let protocol = self.traffic.protocol;
        let what = self.traffic.describe(ports);
        let to_from = match direction {
            Direction::Egress => "to",
            Direction::Ingress => "from",
        };
        let way = match direction {
            Direction::Egress => "outbound",
            Direction::Ingress => "inbound",
        };
        let subnet_origin = self.subnet_origin(subnet);
        let nacl = match self.reach.nacls.subnet_nacl(subnet) {
            SubnetNacl::Managed(nacl) => nacl,
            SubnetNacl::AwsDefault => {
                return self.hop(
                    HopKind::NetworkAcl,
                    Some(subnet_origin),
                    Decision::Allow,
                    format!(
                        "{way}: the VPC's default network ACL (not in the code) allows all traffic"
                    ),
                )
            }
            SubnetNacl::Unknown => {
                return self.hop(
                    HopKind::NetworkAcl,
                    Some(subnet_origin),
                    Decision::Unknown,
                    "which network ACL filters the subnet is unknown".to_string(),
                )
            }
        };
        let nacl_origin = &network.nacls[nacl].origin;
        let peer_ip = IpNet::V4(peer);
        let allowed = self
            .reach
            .nacls
            .allowed(nacl, direction, protocol, peer_ip, ports);
        let describe_entry = |id| {
            let entry = &network.nacl_entries[id];
            let number = entry
                .rule_number
                .copied()
                .map_or("?".to_string(), |n| n.to_string());
            let action = match entry.action.copied() {
                Some(NaclAction::Allow) => "allows",
                Some(NaclAction::Deny) => "denies",
                None => "(unknown action)",
            };
            let entry_protocol = entry.protocol.copied();
            let entry_what = match (entry_protocol, entry.ports.copied()) {
                (Some(p), Some(ports)) if p.has_ports() => format!("{p} {ports}"),
                (Some(p), _) if p.has_icmp_messages() => match entry.icmp.copied() {
                    Some(messages) => format!("{p} ({messages})"),
                    None => format!("{p} (unknown type or code)"),
                },
                (Some(p), _) => p.to_string(),
                (None, _) => "(unknown protocol)".to_string(),
            };
            let cidr = entry
                .cidr
                .copied()
                .map_or("?".to_string(), |c| c.to_string());
            (
                entry,
                format!("{way} rule {number} {action} {entry_what} {to_from} {cidr}"),
            )
        };
        if allowed.complete && allowed.allows_all(peer_ip, ports) {
            let (entry, described) = describe_entry(allowed.regions[0].entry);
            return self.hop(
                HopKind::NetworkAcl,
                Some(&entry.origin),
                Decision::Allow,
                described,
            );
        }
        if allowed.allows_some() {
            // Any internet address: one host that every port of the traffic passes for is
            // enough. Only some of the ports (a reply to a client port the client picks)
            // is not.
            let whole_ports = |address: IpNet| {
                let width: u32 = allowed
                    .regions
                    .iter()
                    .filter(|region| region.peer.contains(&address))
                    .flat_map(|region| region.ports.ranges())
                    .map(|range| range.width())
                    .sum();
                width == ports.width()
            };
            let fully_allowed = allowed
                .regions
                .iter()
                .find(|region| whole_ports(IpNet::from(region.peer.network())))
                .filter(|_| peer == Ipv4Net::default() && allowed.complete);
            let (entry, described) =
                describe_entry(fully_allowed.unwrap_or(&allowed.regions[0]).entry);
            let (decision, detail) = if let Some(region) = fully_allowed {
                (
                    Decision::Allow,
                    format!(
                        "{described}: {what} {to_from} {} passes, and one internet host is enough",
                        region.peer
                    ),
                )
            } else {
                (
                    Decision::Unknown,
                    format!(
                        "{described}: only part of {what} {to_from} {peer} is allowed, so it depends on the exact {}",
                        if allowed.regions.iter().all(|region| region.peer.contains(&peer_ip)) {
                            "port"
                        } else {
                            "address and port"
                        }
                    ),
                )
            };
            return self.hop(HopKind::NetworkAcl, Some(&entry.origin), decision, detail);
        }
        if !allowed.complete {
            return self.hop(
                HopKind::NetworkAcl,
                Some(nacl_origin),
                Decision::Unknown,
                format!(
                    "{way} entries of {} with an unknown rule number, protocol, CIDR, ports or action come before any match",
                    nacl_origin.address
                ),
            );
        }
        let probe_port = ports.from;
        let probe = std::net::IpAddr::V4(peer.network());
        match self
            .reach
            .nacls
            .evaluate(nacl, direction, protocol, probe, probe_port)
        {
            super::nacl::NaclVerdict::Deny(Some(entry)) => {
                let (entry, described) = describe_entry(entry);
                self.hop(HopKind::NetworkAcl, Some(&entry.origin), Decision::Deny, described)
            }
            _ => self.hop(
                HopKind::NetworkAcl,
                Some(nacl_origin),
                Decision::Deny,
                format!(
                    "{way}: no rule of {} allows {what} {to_from} {peer}; the final * rule denies it",
                    nacl_origin.address
                ),
            ),
        }
    }

    // ------------------------------------------------------------ routing

    /// The route the packet takes from `subnet`, and where it leads.
    fn route(&mut self, subnet: SubnetId, packet: Packet) -> Step<Landing> {
        let network = self.network;
        self.lookups += 1;
        let subnet_origin = self.subnet_origin(subnet);
        if self.lookups > MAX_ROUTE_LOOKUPS {
            self.hop(
                HopKind::RouteTable,
                Some(subnet_origin),
                Decision::Drop,
                format!("routing loop: more than {MAX_ROUTE_LOOKUPS} route lookups"),
            )?;
        }
        if let Some(first) = self
            .routed
            .iter()
            .position(|&seen| seen == (subnet, packet))
        {
            let appliance = self
                .middleboxes
                .iter()
                .find_map(|&(target, lookups)| match target {
                    Target::VpcEndpoint(_) if lookups > first => target_origin(network, target),
                    _ => None,
                });
            if let Some(endpoint) = appliance {
                self.hop(
                    HopKind::RouteTable,
                    Some(subnet_origin),
                    Decision::Unknown,
                    format!(
                        "the appliances behind {} decide: if they return the packet to the endpoint (one-arm), it is back in {} unchanged and its route table sends it around again (a routing loop); if they forward it themselves (two-arm, NAT), it goes on from them. The code does not say which",
                        endpoint.address, subnet_origin.address
                    ),
                )?;
            }
            self.hop(
                HopKind::RouteTable,
                Some(subnet_origin),
                Decision::Drop,
                format!(
                    "routing loop: the packet is back in {} unchanged, so its route table sends \
                     it around the same path again until its TTL runs out",
                    subnet_origin.address
                ),
            )?;
        }
        self.routed.push((subnet, packet));
        let vpc = self.subnet_vpc(subnet)?;
        if self.reach.routing.explicit_route_table(subnet) == Some(None) {
            self.hop(
                HopKind::RouteTable,
                Some(subnet_origin),
                Decision::Unknown,
                "the route table associated with the subnet is unknown".to_string(),
            )?;
        }
        let Some(table) = self.reach.routing.subnet_route_table(subnet) else {
            return self.implicit_main_table(vpc, subnet, packet);
        };
        let table_origin = &network.route_tables[table].origin;
        let lookup = self.lookup_route(table, vpc, packet)?;
        let Some(candidate) = lookup.effective else {
            self.hop(
                HopKind::RouteTable,
                Some(table_origin),
                Decision::Drop,
                format!("{} has no route to {}", table_origin.address, packet.dst),
            )?;
            return Err(Stopped);
        };
        let why = match (lookup.reason, lookup.beaten.first()) {
            (Reason::OnlyMatch, _) | (_, None) => String::new(),
            (reason, Some(runner_up)) => {
                format!(" ({}, over {})", reason_text(reason), runner_up.prefix)
            }
        };
        match candidate.via {
            Via::Local(block) => {
                self.hop(
                    HopKind::RouteTable,
                    Some(table_origin),
                    Decision::Forward,
                    format!(
                        "{}: {} matches the local route {}{why}",
                        table_origin.address, packet.dst, block.net
                    ),
                )?;
                Ok(Landing::Vpc(vpc))
            }
            Via::Propagated(propagated) => {
                let vgw = &network.vpn_gateways[propagated.vpn_gateway].origin;
                self.hop(
                    HopKind::RouteTable,
                    Some(&network.vgw_propagations[propagated.propagation].origin),
                    Decision::Forward,
                    format!(
                        "{}: {} matches {} propagated from {}{why}",
                        table_origin.address, packet.dst, propagated.prefix, vgw.address
                    ),
                )?;
                self.vpn_gateway(propagated.vpn_gateway, vpc, packet)
            }
            Via::Static(route_id) => {
                let target = self.static_route_hop(
                    &table_origin.address,
                    route_id,
                    candidate.prefix,
                    packet,
                    &why,
                )?;
                self.target(target, vpc, subnet, packet)
            }
        }
    }

    /// The hop of the static route a table (`table`, as printed) matched for `packet`:
    /// unknown when the route's target is, else forward, naming the target (`why`: what
    /// else matched). The target, to follow.
    fn static_route_hop(
        &mut self,
        table: &str,
        route_id: RouteId,
        prefix: impl std::fmt::Display,
        packet: Packet,
        why: &str,
    ) -> Step<Target> {
        let network = self.network;
        let route = &network.routes[route_id];
        let Some(target) = route.target.copied() else {
            self.hop(
                HopKind::RouteTable,
                Some(&route.origin),
                Decision::Unknown,
                format!("the target of route {prefix} is unknown"),
            )?;
            return Err(Stopped);
        };
        let target_name = match target_origin(network, target) {
            Some(origin) => origin.address.clone(),
            None if target == Target::Local => "local".to_string(),
            None => "a target vpclint does not follow".to_string(),
        };
        let entry_of = match route.destination.copied() {
            Some(crate::model::Destination::PrefixList(list)) => {
                format!(" (an entry of {})", prefix_list::describe(network, list))
            }
            _ => String::new(),
        };
        self.hop_at(
            HopKind::RouteTable,
            Some((route.origin.address.clone(), route.origin.span)),
            Decision::Forward,
            format!(
                "{table}: {} matches route {prefix}{entry_of} -> {target_name}{why}",
                packet.dst
            ),
        )?;
        Ok(target)
    }

    /// A subnet without an association in the code uses AWS's main route table, which
    /// holds only the local route unless the code manages it.
    fn implicit_main_table(
        &mut self,
        vpc: VpcId,
        subnet: SubnetId,
        packet: Packet,
    ) -> Step<Landing> {
        let subnet_origin = self.subnet_origin(subnet);
        let vpc_address = &self.network.vpcs[vpc].origin.address;
        match self.reach.cidrs.containment(vpc, packet.dst) {
            Containment::Inside(block) => {
                let net = block.net;
                self.hop(
                    HopKind::RouteTable,
                    Some(subnet_origin),
                    Decision::Forward,
                    format!(
                        "main route table of {vpc_address} (not in the code): {} matches the local route {net}",
                        packet.dst
                    ),
                )?;
                Ok(Landing::Vpc(vpc))
            }
            Containment::Outside => {
                self.hop(
                    HopKind::RouteTable,
                    Some(subnet_origin),
                    Decision::Drop,
                    format!(
                        "the subnet uses the main route table of {vpc_address}, which is not in the code: AWS creates it with only the local route ({}), so {} has no route",
                        self.reach.cidrs.describe(vpc),
                        packet.dst
                    ),
                )?;
                Err(Stopped)
            }
            Containment::Unknown => {
                self.hop(
                    HopKind::RouteTable,
                    Some(subnet_origin),
                    Decision::Unknown,
                    format!("a CIDR block of {vpc_address} is unknown"),
                )?;
                Err(Stopped)
            }
        }
    }

    /// The table's effective route for the packet, after an `unknown` hop when a route of
    /// the table could match but is not known.
    fn lookup_route(
        &mut self,
        table: RouteTableId,
        vpc: VpcId,
        packet: Packet,
    ) -> Step<RouteLookup<'a>> {
        let lookup = self
            .reach
            .routing
            .effective_route(&self.reach.cidrs, table, packet.dst);
        if !lookup.complete {
            let inside_vpc = lookup
                .effective
                .iter()
                .chain(&lookup.beaten)
                .any(|candidate| matches!(candidate.via, Via::Local(_)));
            let why = self.unknown_route(table, vpc, inside_vpc);
            let origin = &self.network.route_tables[table].origin;
            self.hop(HopKind::RouteTable, Some(origin), Decision::Unknown, why)?;
        }
        Ok(lookup)
    }

    /// Which value made a route lookup incomplete.
    fn unknown_route(&self, table: RouteTableId, vpc: VpcId, inside_vpc: bool) -> String {
        let network = self.network;
        if !self.reach.routing.routes_known(table) {
            return format!(
                "a route or route propagation whose route table is unknown may be in {}",
                network.route_tables[table].origin.address
            );
        }
        for &id in self.reach.routing.routes(table) {
            let route = &network.routes[id];
            match route.destination.copied() {
                None => return format!("the destination of {} is unknown", route.origin.address),
                Some(crate::model::Destination::PrefixList(_))
                    if self.reach.routing.is_gateway_endpoint_route(id) =>
                {
                    if inside_vpc {
                        continue;
                    }
                    let service = route
                        .target
                        .copied()
                        .and_then(|target| match target {
                            Target::VpcEndpoint(endpoint) => {
                                network.vpc_endpoints[endpoint].service_name.get().cloned()
                            }
                            _ => None,
                        })
                        .map_or_else(
                            || "its service".to_string(),
                            |name| format!("service {name}"),
                        );
                    return format!(
                        "{} is a gateway endpoint on {}: AWS routes the AWS-managed prefix list of {service} to it, whose CIDRs are not in the code",
                        route.origin.address, network.route_tables[table].origin.address
                    );
                }
                Some(crate::model::Destination::PrefixList(list)) => {
                    if prefix_list::all_entries(network, list).is_some() {
                        continue;
                    }
                    return match list {
                        Some(list) => format!(
                            "{} routes {}, whose entries are not all in the code (entry resources elsewhere may add to it)",
                            route.origin.address,
                            prefix_list::describe(network, Some(list))
                        ),
                        None => format!(
                            "{} routes a managed prefix list, whose CIDRs are not in the code",
                            route.origin.address
                        ),
                    };
                }
                _ => {}
            }
        }
        if !self.reach.cidrs.is_complete(vpc) {
            return format!(
                "a CIDR block of {} is unknown",
                network.vpcs[vpc].origin.address
            );
        }
        format!(
            "{} propagates routes from a virtual private gateway whose prefixes are learned over BGP or not declared ([onprem] direct_connect)",
            network.route_tables[table].origin.address
        )
    }

    /// The packet goes to a route's target.
    fn target(
        &mut self,
        target: Target,
        vpc: VpcId,
        subnet: SubnetId,
        packet: Packet,
    ) -> Step<Landing> {
        let network = self.network;
        let origin = target_origin(network, target);
        match target {
            Target::Local => Ok(Landing::Vpc(vpc)),
            Target::InternetGateway(_) => {
                self.target_in_vpc(target, vpc, HopKind::InternetGateway)?;
                match (packet.public_source, packet.via_appliance) {
                    (Some(true), _) => {}
                    (_, Some(appliance)) => {
                        let appliance = target_origin(network, appliance)
                            .map_or("an appliance", |o| o.address.as_str());
                        self.hop(
                            HopKind::InternetGateway,
                            origin,
                            Decision::Unknown,
                            format!("{} has no public IPv4 address known, but it left through {appliance}, which may translate it to its own (a NAT instance does): the code does not say", packet.src),
                        )?;
                    }
                    (Some(false), None) => {
                        // Not translated on the way: the source's own address is the one.
                        let why = if self.nat.is_none() {
                            because(no_public_ipv4(&self.source))
                        } else {
                            String::new()
                        };
                        self.hop(
                            HopKind::InternetGateway,
                            origin,
                            Decision::Drop,
                            format!("{} has no public IPv4 address{why}: the internet gateway translates only public addresses", packet.src),
                        )?;
                    }
                    (None, None) => {
                        self.hop(
                            HopKind::InternetGateway,
                            origin,
                            Decision::Unknown,
                            format!("whether {} has a public IPv4 address is not known from the code (associate_public_ip_address, Elastic IP)", packet.src),
                        )?;
                    }
                }
                self.hop(
                    HopKind::InternetGateway,
                    origin,
                    Decision::Forward,
                    "leaves the VPC through its internet gateway".to_string(),
                )?;
                Ok(Landing::Internet)
            }
            Target::EgressOnlyIgw(_) => {
                self.hop(
                    HopKind::InternetGateway,
                    origin,
                    Decision::Drop,
                    "an egress-only internet gateway carries IPv6 only".to_string(),
                )?;
                Err(Stopped)
            }
            Target::NatGateway(nat) => self.nat_gateway(nat, vpc, subnet, packet),
            Target::Instance(_)
            | Target::NetworkInterface(_)
            | Target::VpcEndpoint(_)
            | Target::FirewallEndpoint(_) => self.through_middlebox(target, vpc, packet),
            Target::Peering(pcx) => self.peering(pcx, vpc, packet),
            Target::VpnGateway(vgw) => {
                self.target_in_vpc(target, vpc, HopKind::VpnGateway)?;
                self.vpn_gateway(vgw, vpc, packet)
            }
            Target::TransitGateway(tgw) => self.transit_gateway(tgw, vpc, subnet, packet),
            Target::Other => {
                self.hop(
                    HopKind::RouteTable,
                    None,
                    Decision::Unknown,
                    "the route's target kind (carrier or local gateway, core network) is not followed".to_string(),
                )?;
                Err(Stopped)
            }
        }
    }

    /// A route target must belong to the VPC whose table routes to it.
    fn target_in_vpc(&mut self, target: Target, vpc: VpcId, kind: HopKind) -> Step<()> {
        let network = self.network;
        let origin = target_origin(network, target);
        match target_vpc(network, target) {
            Some(owner) if owner == vpc => Ok(()),
            Some(owner) => self.hop(
                kind,
                origin,
                Decision::Drop,
                format!(
                    "belongs to {}, not to {}",
                    network.vpcs[owner].origin.address, network.vpcs[vpc].origin.address
                ),
            ),
            None => self.hop(
                kind,
                origin,
                Decision::Unknown,
                "its VPC is unknown".to_string(),
            ),
        }
    }

    /// A middlebox forwarded the packet: it arrives from the middlebox's interface, so a
    /// security group reference to the source's group does not match it (AWS documents
    /// this for appliances; for endpoints it is not documented either way: `sure` false).
    /// It is also recorded among the packet's middleboxes, with the route lookups before it.
    fn forwarded_by_middlebox(&mut self, target: Target, middlebox: Option<&Origin>, sure: bool) {
        self.middleboxes.push((target, self.routed.len()));
        let name = middlebox.map_or("a middlebox", |o| o.address.as_str());
        let why = if sure {
            format!("the packet arrives from {name}, which forwarded it: a security group reference matches traffic from the referenced group's own network interfaces only")
        } else {
            format!("the packet arrives through {name}, and whether a security group reference still matches traffic it forwarded is not documented")
        };
        self.reference_barrier(sure, why);
    }

    /// A middlebox a route sends the packet to (an appliance's instance or interface, a
    /// Gateway Load Balancer or Network Firewall endpoint); routing goes on from its subnet.
    fn through_middlebox(&mut self, target: Target, vpc: VpcId, packet: Packet) -> Step<Landing> {
        let network = self.network;
        let origin = target_origin(network, target);
        match target {
            Target::Instance(id) => {
                let instance = &network.instances[id];
                self.target_in_vpc(target, vpc, HopKind::Instance)?;
                self.middlebox(
                    HopKind::Instance,
                    origin,
                    instance.source_dest_check.copied(),
                )?;
                let packet = Packet {
                    via_appliance: Some(target),
                    ..packet
                };
                self.forwarded_by_middlebox(target, origin, true);
                let subnet = self.appliance_subnet(HopKind::Instance, origin, target)?;
                self.continue_from(HopKind::Instance, origin, subnet, packet)
            }
            Target::NetworkInterface(id) => {
                let eni = &network.network_interfaces[id];
                self.target_in_vpc(target, vpc, HopKind::NetworkInterface)?;
                self.middlebox(
                    HopKind::NetworkInterface,
                    origin,
                    eni.source_dest_check.copied(),
                )?;
                let packet = Packet {
                    via_appliance: Some(target),
                    ..packet
                };
                self.forwarded_by_middlebox(target, origin, true);
                let subnet = self.appliance_subnet(HopKind::NetworkInterface, origin, target)?;
                self.continue_from(HopKind::NetworkInterface, origin, subnet, packet)
            }
            Target::VpcEndpoint(id) => {
                let endpoint = &network.vpc_endpoints[id];
                self.target_in_vpc(target, vpc, HopKind::Endpoint)?;
                match endpoint.kind.copied() {
                    Some(EndpointKind::GatewayLoadBalancer) => {
                        self.hop(
                            HopKind::Endpoint,
                            origin,
                            Decision::Forward,
                            "inspection: the Gateway Load Balancer endpoint sends the packet to its appliances, assumed to return it to the endpoint (one-arm; what they run is not evaluated)".to_string(),
                        )?;
                        let subnet = endpoint.subnets.first().and_then(Field::copied);
                        self.forwarded_by_middlebox(target, origin, false);
                        self.continue_from(HopKind::Endpoint, origin, subnet, packet)
                    }
                    _ => {
                        self.hop(
                            HopKind::Endpoint,
                            origin,
                            Decision::Unknown,
                            "routing through this kind of endpoint is not followed".to_string(),
                        )?;
                        Err(Stopped)
                    }
                }
            }
            Target::FirewallEndpoint(id) => {
                let firewall = &network.network_firewalls[id];
                let origin = Some(&firewall.origin);
                self.target_in_vpc(target, vpc, HopKind::Endpoint)?;
                // A firewall has one endpoint per subnet mapping: with one mapping, the
                // route names that endpoint, whichever expression picks it.
                if let [only] = firewall.subnets.as_slice() {
                    self.hop(
                        HopKind::Endpoint,
                        origin,
                        Decision::Forward,
                        "inspection: the firewall's only endpoint inspects the packet (its policy is not evaluated) and routing goes on from its subnet".to_string(),
                    )?;
                    self.forwarded_by_middlebox(target, origin, false);
                    return self.continue_from(HopKind::Endpoint, origin, only.copied(), packet);
                }
                self.hop(
                    HopKind::Endpoint,
                    origin,
                    Decision::Unknown,
                    "which endpoint of the firewall (and so its zone and subnet) is not known"
                        .to_string(),
                )?;
                Err(Stopped)
            }
            _ => {
                self.hop(
                    HopKind::RouteTable,
                    origin,
                    Decision::Unknown,
                    "the route's target is not a middlebox".to_string(),
                )?;
                Err(Stopped)
            }
        }
    }

    /// An instance or ENI that forwards traffic: source/destination check must be off.
    fn middlebox(
        &mut self,
        kind: HopKind,
        origin: Option<&Origin>,
        check: Option<bool>,
    ) -> Step<()> {
        match check {
            Some(false) => self.hop(
                kind,
                origin,
                Decision::Forward,
                "middlebox with source/destination check off forwards the packet (its security groups, its subnet's network ACL and what it runs are not evaluated)".to_string(),
            ),
            Some(true) => self.hop(
                kind,
                origin,
                Decision::Drop,
                "source/destination check is on: the VPC drops traffic it forwards that is not addressed to it".to_string(),
            ),
            None => self.hop(
                kind,
                origin,
                Decision::Unknown,
                "source/destination check is unknown".to_string(),
            ),
        }
    }

    /// The subnet an appliance (an instance, or an interface of one) sends what it forwards
    /// out of. An instance with interfaces in several subnets sends it out of whichever its
    /// own routing picks (a firewall's inside and outside interfaces), which is not in the
    /// code: unknown, never the subnet the packet came in by.
    fn appliance_subnet(
        &mut self,
        kind: HopKind,
        origin: Option<&Origin>,
        target: Target,
    ) -> Step<Option<SubnetId>> {
        let network = self.network;
        let instance = match target {
            Target::Instance(id) => id,
            Target::NetworkInterface(id) => {
                let eni = &network.network_interfaces[id];
                match eni.attached_instance.as_ref().map(Field::copied) {
                    None => return Ok(eni.subnet.copied()),
                    Some(Some(instance)) => instance,
                    Some(None) => {
                        self.hop(
                            kind,
                            origin,
                            Decision::Unknown,
                            "it is attached to an unknown instance, which may forward the packet \
                             out of another of its interfaces"
                                .to_string(),
                        )?;
                        return Err(Stopped);
                    }
                }
            }
            _ => return Ok(None),
        };
        let mut subnets = vec![network.instances[instance].subnet.copied()];
        for eni in network.network_interfaces.values() {
            let attached = eni.attached_instance.as_ref().and_then(Field::copied);
            if attached == Some(instance) && !subnets.contains(&eni.subnet.copied()) {
                subnets.push(eni.subnet.copied());
            }
        }
        if let [subnet] = subnets[..] {
            return Ok(subnet);
        }
        let names: Vec<&str> = subnets
            .iter()
            .map(|s| {
                s.map_or("an unknown subnet", |s| {
                    self.subnet_origin(s).address.as_str()
                })
            })
            .collect();
        self.hop(
            kind,
            origin,
            Decision::Unknown,
            format!(
                "instance {} has interfaces in {}: which one it forwards the packet out of is \
                 decided by its own routing, which is not in the code",
                network.instances[instance].origin.address,
                names.join(" and ")
            ),
        )?;
        Err(Stopped)
    }

    /// After a middlebox or inspection endpoint, routing goes on from its subnet.
    fn continue_from(
        &mut self,
        kind: HopKind,
        origin: Option<&Origin>,
        subnet: Option<SubnetId>,
        packet: Packet,
    ) -> Step<Landing> {
        match subnet {
            Some(subnet) => self.route(subnet, packet),
            None => {
                self.hop(
                    kind,
                    origin,
                    Decision::Unknown,
                    "its subnet is unknown".to_string(),
                )?;
                Err(Stopped)
            }
        }
    }

    fn nat_gateway(
        &mut self,
        nat: NatGatewayId,
        vpc: VpcId,
        from_subnet: SubnetId,
        packet: Packet,
    ) -> Step<Landing> {
        let network = self.network;
        let gateway = &network.nat_gateways[nat];
        let origin = Some(&gateway.origin);
        if self.replying {
            // A NAT gateway translates what is routed through it as a new connection: the
            // reply reaches the other end from the NAT gateway's address, not the one it
            // sent to, and is dropped there.
            self.hop(
                HopKind::NatGateway,
                origin,
                Decision::Drop,
                "the reply is routed through the NAT gateway, which translates its source to the NAT gateway's own address: the other end does not take it as a reply (the return path is not the way the connection came in)".to_string(),
            )?;
        }
        let Some(nat_subnet) = gateway.subnet.copied() else {
            self.hop(
                HopKind::NatGateway,
                origin,
                Decision::Unknown,
                "its subnet is unknown".to_string(),
            )?;
            return Err(Stopped);
        };
        if network.subnets[nat_subnet].vpc.copied() != Some(vpc) {
            self.hop(
                HopKind::NatGateway,
                origin,
                Decision::Drop,
                format!("is not in {}", network.vpcs[vpc].origin.address),
            )?;
        }
        if nat_subnet != from_subnet {
            self.nacl(nat_subnet, Direction::Ingress, packet.src, packet.ports)?;
        }
        let public = match gateway.connectivity.copied() {
            Some(Connectivity::Public) => Some(true),
            Some(Connectivity::Private) => Some(false),
            None => None,
        };
        let subnet_address = &network.subnets[nat_subnet].origin.address;
        self.hop(
            HopKind::NatGateway,
            origin,
            Decision::Forward,
            format!(
                "translates the source to its own address, then the packet follows the routes of {subnet_address}"
            ),
        )?;
        self.nat = Some(nat);
        let Some(nat_net) = network.subnets[nat_subnet]
            .cidr
            .as_ref()
            .and_then(|c| c.get())
        else {
            self.hop(
                HopKind::NatGateway,
                origin,
                Decision::Unknown,
                format!("the CIDR of {subnet_address} is unknown"),
            )?;
            return Err(Stopped);
        };
        let translated = Packet {
            src: nat_net.network(),
            public_source: public,
            via_appliance: None,
            ..packet
        };
        self.nacl(
            nat_subnet,
            Direction::Egress,
            translated.dst,
            translated.ports,
        )?;
        self.route(nat_subnet, translated)
    }

    fn peering(&mut self, pcx: PeeringId, vpc: VpcId, packet: Packet) -> Step<Landing> {
        let network = self.network;
        let origin = Some(&network.peerings[pcx].origin);
        let address = &network.peerings[pcx].origin.address;
        let cidrs = &self.reach.cidrs;
        let (decision, detail, landing) =
            match peering_forwarding(network, cidrs, pcx, vpc, IpNet::V4(packet.dst)) {
                PeeringForwarding::ToPeer(peer, block) => {
                    match inter_region(network, pcx) {
                        Some(None) => {}
                        Some(Some((requester, accepter))) => self.reference_barrier(
                            true,
                            format!("the packet crossed the inter-Region peering connection {address} ({requester} to {accepter}), across which a security group reference never matches"),
                        ),
                        None => self.reference_barrier(
                            false,
                            format!("the packet crossed {address}, whose Regions are unknown: a security group reference matches across it only within one Region"),
                        ),
                    }
                    (
                    Decision::Forward,
                    format!(
                        "{} is inside {} ({block}), the peer of {address}",
                        packet.dst, network.vpcs[peer].origin.address
                    ),
                    Some(Landing::Vpc(peer)),
                )
                }
                PeeringForwarding::OutsidePeer(peer) => (
                    Decision::Drop,
                    format!(
                        "{} is outside {address}'s peer {} ({}): peering is not transitive and has no edge-to-edge routing",
                        packet.dst,
                        network.vpcs[peer].origin.address,
                        cidrs.describe(peer)
                    ),
                    None,
                ),
                PeeringForwarding::NotInvolved => (
                    Decision::Drop,
                    format!("{address} does not involve {}", network.vpcs[vpc].origin.address),
                    None,
                ),
                PeeringForwarding::Unknown => (
                    Decision::Unknown,
                    "the peer VPC or one of its blocks is unknown".to_string(),
                    None,
                ),
            };
        self.hop(HopKind::Peering, origin, decision, detail)?;
        landing.ok_or(Stopped)
    }

    /// A VGW sends the packet on premises over the VPN connection or Direct Connect
    /// prefix that covers it (longest prefix; Direct Connect wins equal prefixes).
    fn vpn_gateway(&mut self, vgw: VpnGatewayId, vpc: VpcId, packet: Packet) -> Step<Landing> {
        let network = self.network;
        let origin = Some(&network.vpn_gateways[vgw].origin);
        if network.vpn_gateways[vgw]
            .vpc
            .as_ref()
            .and_then(Field::copied)
            != Some(vpc)
        {
            self.hop(
                HopKind::VpnGateway,
                origin,
                Decision::Unknown,
                format!(
                    "is not known to be attached to {}",
                    network.vpcs[vpc].origin.address
                ),
            )?;
        }
        let routing = &self.reach.routing;
        let direct_connect = routing
            .vgw_has_direct_connect(vgw)
            .then(|| {
                network
                    .declared
                    .direct_connect
                    .iter()
                    .filter(|p| p.contains(&packet.dst))
                    .max_by_key(|p| p.prefix_len())
                    .copied()
            })
            .flatten();
        let vpn = routing
            .vgw_vpn_routes(vgw)
            .iter()
            .filter_map(|&r| Some((r, network.vpn_routes[r].destination.copied()?)))
            .filter(|(_, p)| p.contains(&packet.dst))
            .max_by_key(|(_, p)| p.prefix_len());
        match (direct_connect, vpn) {
            (Some(dx), vpn) if vpn.is_none_or(|(_, p)| p.prefix_len() <= dx.prefix_len()) => {
                let association = network
                    .dx_associations
                    .values()
                    .find(|a| a.associated.copied() == Some(DxAssociated::VpnGateway(vgw)));
                self.hop(
                    HopKind::DirectConnect,
                    association.map(|a| &a.origin).or(origin),
                    Decision::Forward,
                    format!("{} is inside the declared Direct Connect prefix {dx} ([onprem] direct_connect)", packet.dst),
                )?;
                Ok(Landing::OnPremises)
            }
            (_, Some((route, prefix))) => {
                self.hop(
                    HopKind::VpnGateway,
                    Some(&network.vpn_routes[route].origin),
                    Decision::Forward,
                    format!("{} is inside the VPN static route {prefix}", packet.dst),
                )?;
                Ok(Landing::OnPremises)
            }
            _ if !routing.vgw_prefixes_known(vgw) => {
                self.hop(
                    HopKind::VpnGateway,
                    origin,
                    Decision::Unknown,
                    "the gateway learns on-premises prefixes over BGP (or Direct Connect prefixes are not declared in [onprem])".to_string(),
                )?;
                Err(Stopped)
            }
            _ => {
                self.hop(
                    HopKind::VpnGateway,
                    origin,
                    Decision::Drop,
                    format!(
                        "no VPN static route or declared Direct Connect prefix covers {}",
                        packet.dst
                    ),
                )?;
                Err(Stopped)
            }
        }
    }

    /// From a VPC to its transit gateway attachment: the attachment must have a subnet in
    /// the source's AZ; then the attachment's route table decides.
    fn transit_gateway(
        &mut self,
        tgw: TransitGatewayId,
        vpc: VpcId,
        subnet: SubnetId,
        packet: Packet,
    ) -> Step<Landing> {
        let network = self.network;
        let tgw_origin = Some(&network.transit_gateways[tgw].origin);
        let Some(&attachment) = self
            .reach
            .tgw_vpc_attachments
            .get(&(tgw, vpc))
            .and_then(|list| list.first())
        else {
            self.hop(
                HopKind::TransitGateway,
                tgw_origin,
                Decision::Unknown,
                format!(
                    "no attachment of {} to it is in the code",
                    network.vpcs[vpc].origin.address
                ),
            )?;
            return Err(Stopped);
        };
        let attachment_entity = &network.tgw_attachments[attachment];
        let az = network.subnets[subnet].az.get();
        let attachment_azs: Option<Vec<&String>> = attachment_entity
            .subnets
            .iter()
            .map(|s| network.subnets[s.copied()?].az.get())
            .collect();
        match (az, attachment_azs) {
            (Some(az), Some(azs))
                if !azs.contains(&az)
                    && one_notation(azs.iter().map(|z| z.as_str()).chain([az.as_str()])) =>
            {
                self.hop(
                    HopKind::TransitGateway,
                    Some(&attachment_entity.origin),
                    Decision::Drop,
                    format!("the attachment has no subnet in {az}, the source's Availability Zone: the transit gateway is not reachable from there"),
                )?;
            }
            (Some(az), Some(azs)) if azs.contains(&az) => {}
            (Some(_), Some(_)) => {
                self.hop(
                    HopKind::TransitGateway,
                    Some(&attachment_entity.origin),
                    Decision::Unknown,
                    "the Availability Zones of the source and of the attachment subnets are \
                     written in different forms (zone name, zone ID, a position in the \
                     account's zone list), so whether the attachment covers the source's zone \
                     is not known"
                        .to_string(),
                )?;
            }
            _ => {
                self.hop(
                    HopKind::TransitGateway,
                    Some(&attachment_entity.origin),
                    Decision::Unknown,
                    "the Availability Zone of the source or of an attachment subnet is unknown"
                        .to_string(),
                )?;
            }
        }
        self.transit_gateway_from(attachment, az, packet)
    }

    /// The transit gateway forwards a packet that came in on `attachment`, by the route
    /// table associated with it.
    fn transit_gateway_from(
        &mut self,
        attachment: TgwAttachmentId,
        entry_az: Option<&String>,
        packet: Packet,
    ) -> Step<Landing> {
        let network = self.network;
        let entity = &network.tgw_attachments[attachment];
        let table = match self.reach.tgw_associations.of(
            network,
            &self.reach.tgw_routing,
            attachment,
        ) {
            AttachmentAssociation::Table(table) => table,
            AttachmentAssociation::None => {
                self.hop(
                    HopKind::TransitGateway,
                    Some(&entity.origin),
                    Decision::Drop,
                    "the attachment is associated with no route table".to_string(),
                )?;
                return Err(Stopped);
            }
            AttachmentAssociation::Unknown => {
                self.hop(
                    HopKind::TransitGateway,
                    Some(&entity.origin),
                    Decision::Unknown,
                    "which route table the attachment is associated with is unknown (an association, the gateway or its default settings)".to_string(),
                )?;
                return Err(Stopped);
            }
        };
        // The gateway's own default table is not in the code: its gateway stands for it.
        let table_origin = match table {
            TgwTable::Declared(id) => &network.tgw_route_tables[id].origin,
            TgwTable::Default(gateway) => &network.transit_gateways[gateway].origin,
        };
        let lookup = self
            .reach
            .tgw_routing
            .effective_route(network, table, packet.dst);
        if !lookup.complete {
            self.hop(
                HopKind::TransitGateway,
                Some(table_origin),
                Decision::Unknown,
                "a route or propagation of the table is unknown (unknown destination or attachment, BGP-learned or undeclared prefixes)".to_string(),
            )?;
        }
        let Some((prefix, via)) = lookup.effective else {
            self.hop(
                HopKind::TransitGateway,
                Some(table_origin),
                Decision::Drop,
                format!("{} has no route to {}", table_origin.address, packet.dst),
            )?;
            return Err(Stopped);
        };
        let next = match via {
            TgwVia::Static(route) => {
                let route = &network.tgw_routes[route];
                if route.blackhole {
                    self.hop(
                        HopKind::TransitGateway,
                        Some(&route.origin),
                        Decision::Drop,
                        format!(
                            "{}: {} matches the blackhole route {prefix}",
                            table_origin.address, packet.dst
                        ),
                    )?;
                }
                let Some(next) = route.attachment.as_ref().and_then(Field::copied) else {
                    self.hop(
                        HopKind::TransitGateway,
                        Some(&route.origin),
                        Decision::Unknown,
                        format!("the attachment of route {prefix} is unknown"),
                    )?;
                    return Err(Stopped);
                };
                self.hop(
                    HopKind::TransitGateway,
                    Some(&route.origin),
                    Decision::Forward,
                    format!(
                        "{}: {} matches the static route {prefix} -> {}",
                        table_origin.address,
                        packet.dst,
                        network.tgw_attachments[next].origin.address
                    ),
                )?;
                next
            }
            TgwVia::Propagated(propagated) => {
                self.hop(
                    HopKind::TransitGateway,
                    Some(table_origin),
                    Decision::Forward,
                    format!(
                        "{}: {} matches {prefix} propagated from {}",
                        table_origin.address,
                        packet.dst,
                        network.tgw_attachments[propagated.attachment]
                            .origin
                            .address
                    ),
                )?;
                propagated.attachment
            }
        };
        match network.tgw_attachments[next].kind.copied() {
            Some(TgwAttachmentKind::Vpc(vpc)) => {
                self.enter_attached_vpc(next, vpc, entry_az, packet)
            }
            Some(TgwAttachmentKind::Vpn(_)) => {
                self.hop(
                    HopKind::VpnGateway,
                    Some(&network.tgw_attachments[next].origin),
                    Decision::Forward,
                    "leaves over the VPN attachment".to_string(),
                )?;
                Ok(Landing::OnPremises)
            }
            Some(TgwAttachmentKind::DxGateway(_)) => {
                self.hop(
                    HopKind::DirectConnect,
                    Some(&network.tgw_attachments[next].origin),
                    Decision::Forward,
                    "leaves over the Direct Connect gateway attachment".to_string(),
                )?;
                Ok(Landing::OnPremises)
            }
            _ => {
                self.hop(
                    HopKind::TransitGateway,
                    Some(&network.tgw_attachments[next].origin),
                    Decision::Unknown,
                    "what lies beyond this attachment (peering, Connect) is not in the code"
                        .to_string(),
                )?;
                Err(Stopped)
            }
        }
    }

    /// The transit gateway sends the packet into `vpc` over `attachment`: it arrives on the
    /// attachment's interface in one of its subnets. The local route delivers a destination
    /// inside the VPC; any other destination (the internet through a NAT gateway, an
    /// inspection endpoint, back to the transit gateway) follows that subnet's route table.
    /// Without appliance mode the gateway keeps the flow in the Availability Zone it
    /// entered by; otherwise, or when the attachment has no subnet there, which subnet is
    /// not known, which matters only when the attachment's subnets use different tables.
    fn enter_attached_vpc(
        &mut self,
        attachment: TgwAttachmentId,
        vpc: VpcId,
        entry_az: Option<&String>,
        packet: Packet,
    ) -> Step<Landing> {
        let network = self.network;
        if !matches!(
            self.reach.cidrs.containment(vpc, packet.dst),
            Containment::Outside
        ) {
            return Ok(Landing::Vpc(vpc));
        }
        let entity = &network.tgw_attachments[attachment];
        let subnets: Vec<Option<SubnetId>> = entity.subnets.iter().map(Field::copied).collect();
        let same_zone = || {
            let az = entry_az.filter(|_| entity.appliance_mode.copied() == Some(false))?;
            let mut in_zone = subnets
                .iter()
                .filter(|s| s.and_then(|s| network.subnets[s].az.get()) == Some(az));
            match (in_zone.next(), in_zone.next()) {
                (Some(only), None) => *only,
                _ => None,
            }
        };
        let one_table = || {
            let first = (*subnets.first()?)?;
            let table = self.reach.routing.subnet_route_table(first)?;
            subnets
                .iter()
                .all(|s| s.and_then(|s| self.reach.routing.subnet_route_table(s)) == Some(table))
                .then_some(first)
        };
        let subnet = match subnets.as_slice() {
            [only] => *only,
            _ => same_zone().or_else(one_table),
        };
        let Some(subnet) = subnet else {
            self.hop(
                HopKind::TransitGateway,
                Some(&entity.origin),
                Decision::Unknown,
                format!(
                    "{} is not in {}: the route table of the attachment subnet it arrives in takes it on, and which subnet that is (appliance mode, or no attachment subnet in the zone it entered by) is not known",
                    packet.dst, network.vpcs[vpc].origin.address
                ),
            )?;
            return Err(Stopped);
        };
        self.hop(
            HopKind::TransitGateway,
            Some(&entity.origin),
            Decision::Forward,
            format!(
                "arrives in {} on the attachment's interface in {}, whose route table takes it on",
                network.vpcs[vpc].origin.address, network.subnets[subnet].origin.address
            ),
        )?;
        self.route(subnet, packet)
    }
}

/// ` (why)`, or nothing.
fn because(why: Option<&str>) -> String {
    why.map(|why| format!(" ({why})")).unwrap_or_default()
}

fn reason_text(reason: Reason) -> &'static str {
    match reason {
        Reason::OnlyMatch => "the only match",
        Reason::LongestPrefix => "longest prefix",
        Reason::LocalOverPropagated => "the local route beats propagated routes",
        Reason::StaticOverPropagated => "a static route beats a propagated one of equal prefix",
        Reason::StaticOverPrefixList => "a route to a CIDR beats a prefix list's equal entry",
        Reason::PrefixListOverPropagated => {
            "a prefix list's entry beats a propagated route of equal prefix"
        }
        Reason::StaticReplacesLocal => "a static route replacing the local route's target",
        Reason::DirectConnectOverVpn => "Direct Connect beats VPN for equal prefixes",
        Reason::Tie => "tie between equal routes",
    }
}

fn is_internet(place: Place) -> bool {
    match place {
        Place::Internet => true,
        Place::Outside(net) => !is_private(net),
        Place::Subnet(..) => false,
    }
}

/// RFC 1918, shared address space (RFC 6598), loopback and link-local: not routed on the
/// internet.
fn is_private(net: Ipv4Net) -> bool {
    [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
    ]
    .iter()
    .filter_map(|p| p.parse::<Ipv4Net>().ok())
    .any(|p| p.contains(&net))
}
