//! `vpclint graph`: one picture of the model. VPCs are groups labelled with their blocks,
//! holding their subnets by Availability Zone (public or private by their default route),
//! gateways and endpoints; peering connections join VPCs; transit gateways are groups of
//! their route tables; VPN and Direct Connect lead to one on-premises node; lint findings
//! mark the resources they concern. Rendered as Mermaid, DOT or JSON from one layout, in
//! model order, so the same input gives the same bytes.
//!
//! Readable at 50 VPCs: routes are not drawn one by one; a VPC with many subnets shows
//! one node per Availability Zone and kind instead of one per subnet.

use crate::model::analysis::cidr::VpcCidrs;
use crate::model::analysis::internet::{default_route, DefaultRoute};
use crate::model::analysis::peering::peering_vpcs;
use crate::model::analysis::routing::RoutingIndex;
use crate::model::{
    DxAssociated, EndpointKind, Field, Network, Origin, SubnetId, Target, TgwAttachmentKind, VpcId,
};
use crate::rules::{Finding, Level};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// A VPC with more subnets than this shows them grouped by AZ and kind.
const MAX_SUBNETS_DRAWN: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SubnetKind {
    Public,
    Private,
    /// The default route goes to an inspection service (Gateway Load Balancer or Network
    /// Firewall endpoint).
    Inspected,
    /// The default route goes to an instance or network interface: a NAT instance, a
    /// firewall or a proxy, vpclint cannot tell which.
    Appliance,
    Unknown,
}

impl SubnetKind {
    fn as_str(self) -> &'static str {
        match self {
            SubnetKind::Public => "public",
            SubnetKind::Private => "private",
            SubnetKind::Inspected => "inspected",
            SubnetKind::Appliance => "via appliance",
            SubnetKind::Unknown => "unknown route",
        }
    }
}

#[derive(Debug, Clone)]
struct Node {
    id: String,
    /// Lines of the label.
    label: Vec<String>,
    /// `subnet-public`, `gateway`, `onprem`, ... (styling).
    class: &'static str,
    /// Rule names of the findings on it.
    findings: Vec<&'static str>,
    worst: Option<Level>,
}

#[derive(Debug, Clone)]
struct Group {
    id: String,
    label: Vec<String>,
    nodes: Vec<Node>,
    children: Vec<Group>,
    findings: Vec<&'static str>,
}

#[derive(Debug, Clone)]
struct Edge {
    from: String,
    to: String,
    label: String,
    dashed: bool,
}

/// The layout every format renders.
#[derive(Debug, Default)]
pub struct Layout {
    groups: Vec<Group>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

pub fn layout(network: &Network, findings: &[Finding]) -> Layout {
    let cidrs = VpcCidrs::new(network);
    let routing = RoutingIndex::new(network);
    let mut by_address: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for finding in findings {
        by_address
            .entry(finding.primary.address.as_str())
            .or_default()
            .push(finding);
    }
    let mut marked: HashMap<String, bool> = HashMap::new();
    let mut mark =
        |address: &str, findings_of: &mut Vec<&'static str>, worst: &mut Option<Level>| {
            if let Some(list) = by_address.get(address) {
                marked.insert(address.to_string(), true);
                for finding in list {
                    if !findings_of.contains(&finding.rule) {
                        findings_of.push(finding.rule);
                    }
                    *worst = Some(worst.map_or(finding.level, |w: Level| w.max(finding.level)));
                }
            }
        };
    let node = |id: String, label: Vec<String>, class: &'static str| Node {
        id,
        label,
        class,
        findings: Vec::new(),
        worst: None,
    };
    let mut out = Layout::default();
    // The node drawing each subnet (for its default-route edge).
    let mut owners: HashMap<&str, String> = HashMap::new();

    // Subnets by VPC, with their kind from the default route.
    let mut subnets_of: Vec<Vec<(SubnetId, SubnetKind)>> = vec![Vec::new(); network.vpcs.len()];
    for (id, subnet) in network.subnets.iter() {
        let Some(vpc) = subnet.vpc.copied() else {
            continue;
        };
        let kind = match routing.subnet_route_table(id) {
            None if routing.explicit_route_table(id).is_none() => SubnetKind::Private,
            None => SubnetKind::Unknown,
            Some(table) => match default_route(network, &routing, &cidrs, table) {
                DefaultRoute::InternetGateway(_) => SubnetKind::Public,
                DefaultRoute::Middlebox(route) => match network.routes[route].target.copied() {
                    Some(Target::Instance(_) | Target::NetworkInterface(_)) => {
                        SubnetKind::Appliance
                    }
                    _ => SubnetKind::Inspected,
                },
                DefaultRoute::Elsewhere(..) | DefaultRoute::Missing => SubnetKind::Private,
                DefaultRoute::Unknown => SubnetKind::Unknown,
            },
        };
        subnets_of[vpc.index()].push((id, kind));
    }

    for (vpc_id, vpc) in network.vpcs.iter() {
        let vpc_key = format!("vpc{}", vpc_id.index());
        let blocks = cidrs.describe(vpc_id);
        let mut group = Group {
            id: vpc_key.clone(),
            label: vec![
                vpc.origin.address.clone(),
                if blocks.is_empty() {
                    "unknown block".to_string()
                } else {
                    blocks
                },
            ],
            nodes: Vec::new(),
            children: Vec::new(),
            findings: Vec::new(),
        };
        let subnets = &subnets_of[vpc_id.index()];
        let mut by_az: BTreeMap<String, Vec<(SubnetId, SubnetKind)>> = BTreeMap::new();
        for &(id, kind) in subnets {
            let az = network.subnets[id]
                .az
                .get()
                .cloned()
                .unwrap_or_else(|| "unknown AZ".to_string());
            by_az.entry(az).or_default().push((id, kind));
        }
        for (az_index, (az, members)) in by_az.iter().enumerate() {
            let mut az_group = Group {
                id: format!("{vpc_key}_az{az_index}"),
                label: vec![az.clone()],
                nodes: Vec::new(),
                children: Vec::new(),
                findings: Vec::new(),
            };
            if subnets.len() > MAX_SUBNETS_DRAWN {
                let mut kinds: BTreeMap<SubnetKind, Vec<SubnetId>> = BTreeMap::new();
                for &(id, kind) in members {
                    kinds.entry(kind).or_default().push(id);
                }
                for (kind, ids) in kinds {
                    let id = format!("{}_{}", az_group.id, kind.as_str().replace(' ', "_"));
                    let mut n = node(
                        id.clone(),
                        vec![format!("{} {} subnets", ids.len(), kind.as_str())],
                        subnet_class(kind),
                    );
                    for &subnet in &ids {
                        let address = &network.subnets[subnet].origin.address;
                        mark(address, &mut n.findings, &mut n.worst);
                        owners.insert(address, id.clone());
                    }
                    az_group.nodes.push(n);
                }
            } else {
                for &(subnet, kind) in members {
                    let s = &network.subnets[subnet];
                    let id = format!("sn{}", subnet.index());
                    let cidr = match &s.cidr {
                        Some(cidr) => cidr
                            .get()
                            .map_or("unknown CIDR".to_string(), |c| c.network().to_string()),
                        None => "IPv6 only".to_string(),
                    };
                    let mut n = node(
                        id.clone(),
                        vec![
                            s.origin.address.clone(),
                            format!("{cidr} · {}", kind.as_str()),
                        ],
                        subnet_class(kind),
                    );
                    mark(&s.origin.address, &mut n.findings, &mut n.worst);
                    owners.insert(&s.origin.address, id);
                    az_group.nodes.push(n);
                }
            }
            group.children.push(az_group);
        }
        out.groups.push(group);
    }

    // Gateways and endpoints inside their VPC.
    let add_to_vpc = |out: &mut Layout, vpc: Option<VpcId>, n: Node| match vpc
        .and_then(|v| out.groups.get_mut(v.index()))
    {
        Some(group) => group.nodes.push(n),
        None => out.nodes.push(n),
    };
    for (id, igw) in network.internet_gateways.iter() {
        let key = format!("igw{}", id.index());
        let mut n = node(
            key.clone(),
            vec![igw.origin.address.clone(), "internet gateway".into()],
            "gateway",
        );
        mark(&igw.origin.address, &mut n.findings, &mut n.worst);
        add_to_vpc(&mut out, igw.vpc.as_ref().and_then(Field::copied), n);
        out.edges.push(Edge {
            from: key,
            to: "internet".into(),
            label: String::new(),
            dashed: false,
        });
    }
    for (id, nat) in network.nat_gateways.iter() {
        let key = format!("nat{}", id.index());
        let mut n = node(
            key.clone(),
            vec![nat.origin.address.clone(), "NAT gateway".into()],
            "gateway",
        );
        mark(&nat.origin.address, &mut n.findings, &mut n.worst);
        let vpc = nat
            .subnet
            .copied()
            .and_then(|s| network.subnets[s].vpc.copied());
        add_to_vpc(&mut out, vpc, n);
    }
    for (id, vgw) in network.vpn_gateways.iter() {
        let key = format!("vgw{}", id.index());
        let mut n = node(
            key.clone(),
            vec![vgw.origin.address.clone(), "virtual private gateway".into()],
            "gateway",
        );
        mark(&vgw.origin.address, &mut n.findings, &mut n.worst);
        add_to_vpc(&mut out, vgw.vpc.as_ref().and_then(Field::copied), n);
    }
    for (id, endpoint) in network.vpc_endpoints.iter() {
        let key = format!("vpce{}", id.index());
        let kind = match endpoint.kind.copied() {
            Some(EndpointKind::Gateway) => "gateway endpoint",
            Some(EndpointKind::Interface) => "interface endpoint",
            Some(EndpointKind::GatewayLoadBalancer) => "GWLB endpoint",
            None => "endpoint",
        };
        let service = endpoint.service_name.get().cloned().unwrap_or_default();
        let mut label = vec![endpoint.origin.address.clone(), kind.to_string()];
        if !service.is_empty() {
            label.push(service);
        }
        let mut n = node(key.clone(), label, "endpoint");
        mark(&endpoint.origin.address, &mut n.findings, &mut n.worst);
        add_to_vpc(&mut out, endpoint.vpc.copied(), n);
    }
    // One node per firewall: which of its per-zone endpoints a route names is not known.
    for (id, firewall) in network.network_firewalls.iter() {
        let mut n = node(
            format!("nfw{}", id.index()),
            vec![firewall.origin.address.clone(), "Network Firewall".into()],
            "endpoint",
        );
        mark(&firewall.origin.address, &mut n.findings, &mut n.worst);
        add_to_vpc(&mut out, firewall.vpc.copied(), n);
    }

    // Default routes of drawn subnets: to the internet gateway, NAT gateway or appliance
    // (one edge per subnet node, never per route).
    let mut default_edges: Vec<(String, String)> = Vec::new();
    // Instances and network interfaces a default route leads to: NAT instances, firewalls
    // or proxies, drawn only as route targets.
    let mut appliances: BTreeMap<String, (Node, Option<VpcId>)> = BTreeMap::new();
    let mut appliance = |key: String, subnet: Option<SubnetId>, origin: &Origin, kind: &str| {
        appliances.entry(key.clone()).or_insert_with(|| {
            let vpc = subnet.and_then(|s| network.subnets[s].vpc.copied());
            let label = vec![origin.address.clone(), format!("appliance ({kind})")];
            (node(key.clone(), label, "gateway"), vpc)
        });
        key
    };
    for (id, subnet) in network.subnets.iter() {
        let Some(node_id) = owners.get(subnet.origin.address.as_str()).cloned() else {
            continue;
        };
        let Some(table) = routing.subnet_route_table(id) else {
            continue;
        };
        let target = match default_route(network, &routing, &cidrs, table) {
            DefaultRoute::InternetGateway(route)
            | DefaultRoute::Middlebox(route)
            | DefaultRoute::Elsewhere(route, _) => network.routes[route].target.copied(),
            _ => None,
        };
        let to = match target {
            Some(Target::InternetGateway(igw)) => format!("igw{}", igw.index()),
            Some(Target::NatGateway(nat)) => format!("nat{}", nat.index()),
            Some(Target::VpcEndpoint(e)) => format!("vpce{}", e.index()),
            Some(Target::FirewallEndpoint(f)) => format!("nfw{}", f.index()),
            Some(Target::VpnGateway(v)) => format!("vgw{}", v.index()),
            Some(Target::TransitGateway(t)) => format!("tgw{}", t.index()),
            Some(Target::Instance(i)) => {
                let instance = &network.instances[i];
                let key = format!("inst{}", i.index());
                appliance(key, instance.subnet.copied(), &instance.origin, "instance")
            }
            Some(Target::NetworkInterface(n)) => {
                let interface = &network.network_interfaces[n];
                let key = format!("eni{}", n.index());
                appliance(
                    key,
                    interface.subnet.copied(),
                    &interface.origin,
                    "network interface",
                )
            }
            _ => continue,
        };
        if !default_edges.contains(&(node_id.clone(), to.clone())) {
            default_edges.push((node_id, to));
        }
    }
    for (_, (mut n, vpc)) in appliances {
        let address = n.label[0].clone();
        mark(&address, &mut n.findings, &mut n.worst);
        add_to_vpc(&mut out, vpc, n);
    }
    for (from, to) in default_edges {
        out.edges.push(Edge {
            from,
            to,
            label: "0.0.0.0/0".into(),
            dashed: true,
        });
    }

    // Peering between VPC groups.
    for (id, peering) in network.peerings.iter() {
        if let Some((a, b)) = peering_vpcs(network, id) {
            out.edges.push(Edge {
                from: format!("vpc{}", a.index()),
                to: format!("vpc{}", b.index()),
                label: peering.origin.address.clone(),
                dashed: false,
            });
        }
    }

    // Transit gateways as groups of their route tables.
    let mut tgw_groups: Vec<Group> = Vec::new();
    for (id, tgw) in network.transit_gateways.iter() {
        let mut group = Group {
            id: format!("tgw{}", id.index()),
            label: vec![tgw.origin.address.clone(), "transit gateway".into()],
            nodes: Vec::new(),
            children: Vec::new(),
            findings: Vec::new(),
        };
        let mut worst = None;
        mark(&tgw.origin.address, &mut group.findings, &mut worst);
        tgw_groups.push(group);
    }
    for (id, table) in network.tgw_route_tables.iter() {
        let key = format!("tgwrt{}", id.index());
        let mut n = node(
            key.clone(),
            vec![table.origin.address.clone(), "route table".into()],
            "table",
        );
        mark(&table.origin.address, &mut n.findings, &mut n.worst);
        match table
            .transit_gateway
            .copied()
            .and_then(|t| tgw_groups.get_mut(t.index()))
        {
            Some(group) => group.nodes.push(n),
            None => out.nodes.push(n),
        }
    }
    let association: HashMap<usize, usize> = network
        .tgw_associations
        .values()
        .filter_map(|a| {
            Some((
                a.attachment.copied()?.index(),
                a.route_table.copied()?.index(),
            ))
        })
        .collect();
    let mut onprem = false;
    for (id, attachment) in network.tgw_attachments.iter() {
        let Some(tgw) = attachment.transit_gateway.copied() else {
            continue;
        };
        let at = match association.get(&id.index()) {
            Some(table) => format!("tgwrt{table}"),
            None => format!("tgw{}", tgw.index()),
        };
        let (from, label) = match attachment.kind.copied() {
            Some(TgwAttachmentKind::Vpc(vpc)) => {
                (format!("vpc{}", vpc.index()), "attachment".to_string())
            }
            Some(TgwAttachmentKind::Vpn(_)) => {
                onprem = true;
                ("onprem".to_string(), "VPN".to_string())
            }
            Some(TgwAttachmentKind::DxGateway(_)) => {
                onprem = true;
                ("onprem".to_string(), "Direct Connect".to_string())
            }
            _ => continue,
        };
        out.edges.push(Edge {
            from,
            to: at,
            label,
            dashed: false,
        });
    }
    out.groups.extend(tgw_groups);

    // VPN connections and Direct Connect associations of VGWs.
    for connection in network.vpn_connections.values() {
        if let Some(vgw) = connection.vpn_gateway.as_ref().and_then(Field::copied) {
            onprem = true;
            out.edges.push(Edge {
                from: format!("vgw{}", vgw.index()),
                to: "onprem".into(),
                label: format!("VPN {}", connection.origin.address),
                dashed: false,
            });
        }
    }
    for association in network.dx_associations.values() {
        if let Some(DxAssociated::VpnGateway(vgw)) = association.associated.copied() {
            onprem = true;
            out.edges.push(Edge {
                from: format!("vgw{}", vgw.index()),
                to: "onprem".into(),
                label: "Direct Connect".into(),
                dashed: false,
            });
        }
    }
    if !network.internet_gateways.is_empty() {
        out.nodes
            .push(node("internet".into(), vec!["internet".into()], "outside"));
    }
    if onprem {
        out.nodes
            .push(node("onprem".into(), vec!["on-premises".into()], "outside"));
    }

    // Findings on resources that are not drawn go to what draws them: a transit gateway
    // route table for its routes, associations and propagations, a gateway for its VPN
    // connections, else their VPC's label.
    let drawing = drawn_by(network);
    for finding in findings {
        let address = finding.primary.address.as_str();
        if marked.contains_key(address) {
            continue;
        }
        let drawn = match drawing.get(address) {
            Some(drawn) => drawn.clone(),
            None => vpc_of_address(network, address).map(|v| format!("vpc{}", v.index())),
        };
        if let Some(id) = drawn {
            if !mark_drawn(&mut out.groups, &id, finding) {
                if let Some(node) = out.nodes.iter_mut().find(|n| n.id == id) {
                    mark_node(node, finding);
                }
            }
        }
    }
    out
}

/// The node or group that draws each transit gateway, VPN or Direct Connect resource that
/// is not drawn itself (`None`: the one that would is unknown), by address, built once for
/// all findings. The first entity of an address decides, in the order below.
fn drawn_by<'n>(network: &'n Network) -> HashMap<&'n str, Option<String>> {
    let mut drawing: HashMap<&'n str, Option<String>> = HashMap::new();
    let mut draw = |address: &'n str, id: Option<String>| {
        drawing.entry(address).or_insert(id);
    };
    let table =
        |t: &Field<crate::model::TgwRouteTableId>| Some(format!("tgwrt{}", t.copied()?.index()));
    for r in network.tgw_routes.values() {
        draw(&r.origin.address, table(&r.route_table));
    }
    for p in network.tgw_propagations.values() {
        draw(&p.origin.address, table(&p.route_table));
    }
    for a in network.tgw_associations.values() {
        draw(&a.origin.address, table(&a.route_table));
    }
    for a in network.tgw_attachments.values() {
        let id = match a.kind.copied() {
            Some(TgwAttachmentKind::Vpc(vpc)) => Some(format!("vpc{}", vpc.index())),
            _ => a
                .transit_gateway
                .copied()
                .map(|tgw| format!("tgw{}", tgw.index())),
        };
        draw(&a.origin.address, id);
    }
    let gateway_of = |connection: &crate::model::VpnConnection| {
        if let Some(vgw) = connection.vpn_gateway.as_ref().and_then(Field::copied) {
            return Some(format!("vgw{}", vgw.index()));
        }
        let tgw = connection
            .transit_gateway
            .as_ref()
            .and_then(Field::copied)?;
        Some(format!("tgw{}", tgw.index()))
    };
    for r in network.vpn_routes.values() {
        let connection = r.vpn_connection.copied();
        draw(
            &r.origin.address,
            connection.and_then(|c| gateway_of(&network.vpn_connections[c])),
        );
    }
    for c in network.vpn_connections.values() {
        draw(&c.origin.address, gateway_of(c));
    }
    for a in network.dx_associations.values() {
        let id = a.associated.copied().map(|associated| match associated {
            DxAssociated::VpnGateway(vgw) => format!("vgw{}", vgw.index()),
            DxAssociated::TransitGateway(tgw) => format!("tgw{}", tgw.index()),
        });
        draw(&a.origin.address, id);
    }
    drawing
}

/// Marks the node or group `id` with `finding`; false when nothing has that id.
fn mark_drawn(groups: &mut [Group], id: &str, finding: &Finding) -> bool {
    for group in groups {
        if group.id == id {
            if !group.findings.contains(&finding.rule) {
                group.findings.push(finding.rule);
            }
            return true;
        }
        if let Some(node) = group.nodes.iter_mut().find(|n| n.id == id) {
            mark_node(node, finding);
            return true;
        }
        if mark_drawn(&mut group.children, id, finding) {
            return true;
        }
    }
    false
}

fn mark_node(node: &mut Node, finding: &Finding) {
    if !node.findings.contains(&finding.rule) {
        node.findings.push(finding.rule);
    }
    node.worst = Some(node.worst.map_or(finding.level, |w| w.max(finding.level)));
}

fn subnet_class(kind: SubnetKind) -> &'static str {
    match kind {
        SubnetKind::Public => "public",
        SubnetKind::Private => "private",
        SubnetKind::Inspected | SubnetKind::Appliance | SubnetKind::Unknown => "other",
    }
}

/// The VPC a resource that is not drawn belongs to (routes, route tables, security
/// groups, NACLs, instances...).
fn vpc_of_address(network: &Network, address: &str) -> Option<VpcId> {
    let subnet_vpc = |s: Option<SubnetId>| network.subnets[s?].vpc.copied();
    if let Some(t) = network
        .route_tables
        .values()
        .find(|t| t.origin.address == address)
    {
        return t.vpc.copied();
    }
    if let Some(r) = network
        .routes
        .values()
        .find(|r| r.origin.address == address)
    {
        return network.route_tables[r.route_table.copied()?].vpc.copied();
    }
    if let Some(g) = network
        .security_groups
        .values()
        .find(|g| g.origin.address == address)
    {
        return g.vpc.copied();
    }
    if let Some(r) = network
        .sg_rules
        .values()
        .find(|r| r.origin.address == address)
    {
        return network.security_groups[r.group.copied()?].vpc.copied();
    }
    if let Some(n) = network.nacls.values().find(|n| n.origin.address == address) {
        return n.vpc.copied();
    }
    if let Some(e) = network
        .nacl_entries
        .values()
        .find(|e| e.origin.address == address)
    {
        return network.nacls[e.nacl.copied()?].vpc.copied();
    }
    if let Some(i) = network
        .instances
        .values()
        .find(|i| i.origin.address == address)
    {
        return subnet_vpc(i.subnet.copied());
    }
    if let Some(i) = network
        .network_interfaces
        .values()
        .find(|i| i.origin.address == address)
    {
        return subnet_vpc(i.subnet.copied());
    }
    if let Some(lb) = network
        .load_balancers
        .values()
        .find(|l| l.origin.address == address)
    {
        return subnet_vpc(lb.subnets.first().and_then(Field::copied));
    }
    if let Some(p) = network
        .peerings
        .values()
        .find(|p| p.origin.address == address)
    {
        return p.requester_vpc.copied();
    }
    None
}

// ---------------------------------------------------------------- Mermaid

/// Mermaid flowchart (GitHub renders it in Markdown).
pub fn render_mermaid(layout: &Layout) -> String {
    let mut out = String::from("flowchart LR\n");
    if layout.groups.is_empty() && layout.nodes.is_empty() {
        out.push_str("  empty[\"no network resources found\"]\n");
        return out;
    }
    fn label(lines: &[String], findings: &[&str]) -> String {
        let mut lines: Vec<String> = lines.iter().map(|l| mermaid_escape(l)).collect();
        if !findings.is_empty() {
            lines.push(format!("⚠ {}", mermaid_escape(&findings.join(", "))));
        }
        lines.join("<br/>")
    }
    fn node_line(n: &Node, indent: &str) -> String {
        let text = label(&n.label, &n.findings);
        let shape = match n.class {
            "outside" => format!("((\"{text}\"))"),
            "gateway" | "endpoint" => format!("{{{{\"{text}\"}}}}"),
            _ => format!("[\"{text}\"]"),
        };
        let mut line = format!("{indent}{}{shape}\n", n.id);
        let class = if n.findings.is_empty() {
            n.class
        } else if n.worst == Some(Level::Error) {
            "error"
        } else {
            "warning"
        };
        line.push_str(&format!("{indent}class {} {class}\n", n.id));
        line
    }
    fn group(out: &mut String, g: &Group, depth: usize) {
        let indent = "  ".repeat(depth);
        // Mermaid lays out a subgraph title on one line: a second line would run under
        // the first child.
        let mut title: Vec<String> = g.label.iter().map(|l| mermaid_escape(l)).collect();
        if !g.findings.is_empty() {
            title.push(format!("⚠ {}", mermaid_escape(&g.findings.join(", "))));
        }
        out.push_str(&format!(
            "{indent}subgraph {}[\"{}\"]\n",
            g.id,
            title.join(" · ")
        ));
        for child in &g.children {
            group(out, child, depth + 1);
        }
        for n in &g.nodes {
            out.push_str(&node_line(n, &"  ".repeat(depth + 1)));
        }
        out.push_str(&format!("{indent}end\n"));
    }
    for g in &layout.groups {
        group(&mut out, g, 1);
    }
    for n in &layout.nodes {
        out.push_str(&node_line(n, "  "));
    }
    for e in &layout.edges {
        let arrow = if e.dashed { "-.->" } else { "---" };
        if e.label.is_empty() {
            out.push_str(&format!("  {} {arrow} {}\n", e.from, e.to));
        } else if e.dashed {
            out.push_str(&format!(
                "  {} -. \"{}\" .-> {}\n",
                e.from,
                mermaid_escape(&e.label),
                e.to
            ));
        } else {
            out.push_str(&format!(
                "  {} ---|\"{}\"| {}\n",
                e.from,
                mermaid_escape(&e.label),
                e.to
            ));
        }
    }
    out.push_str("  classDef public fill:#e6f4ea,stroke:#2e7d32\n");
    out.push_str("  classDef private fill:#e8eaf6,stroke:#3949ab\n");
    out.push_str("  classDef other fill:#fff8e1,stroke:#f9a825\n");
    out.push_str("  classDef gateway fill:#f3e5f5,stroke:#6a1b9a\n");
    out.push_str("  classDef endpoint fill:#e0f7fa,stroke:#00838f\n");
    out.push_str("  classDef table fill:#fafafa,stroke:#616161\n");
    out.push_str("  classDef outside fill:#ffffff,stroke:#424242\n");
    out.push_str("  classDef error fill:#ffebee,stroke:#c62828,stroke-width:3px\n");
    out.push_str("  classDef warning fill:#fff3e0,stroke:#ef6c00,stroke-width:3px\n");
    out
}

/// Mermaid labels are quoted: quotes and markup characters become entity codes.
fn mermaid_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------- DOT

/// Graphviz DOT: VPCs, AZs and transit gateways as clusters.
pub fn render_dot(layout: &Layout) -> String {
    let mut out = String::from(
        "digraph vpclint {\n  rankdir=LR;\n  compound=true;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\"];\n",
    );
    fn label(lines: &[String], findings: &[&str]) -> String {
        let mut lines: Vec<String> = lines.iter().map(|l| dot_escape(l)).collect();
        if !findings.is_empty() {
            lines.push(format!("findings: {}", dot_escape(&findings.join(", "))));
        }
        lines.join("\\n")
    }
    fn node_line(n: &Node, indent: &str) -> String {
        let color = match (n.findings.is_empty(), n.worst) {
            (false, Some(Level::Error)) => "#c62828",
            (false, _) => "#ef6c00",
            _ => "#424242",
        };
        let fill = match n.class {
            "public" => "#e6f4ea",
            "private" => "#e8eaf6",
            "gateway" => "#f3e5f5",
            "endpoint" => "#e0f7fa",
            "other" => "#fff8e1",
            _ => "#ffffff",
        };
        let shape = match n.class {
            "outside" => "ellipse",
            "gateway" | "endpoint" => "hexagon",
            _ => "box",
        };
        format!(
            "{indent}{} [label=\"{}\", shape={shape}, fillcolor=\"{fill}\", color=\"{color}\"];\n",
            n.id,
            label(&n.label, &n.findings)
        )
    }
    fn group(out: &mut String, g: &Group, depth: usize) {
        let indent = "  ".repeat(depth);
        out.push_str(&format!("{indent}subgraph cluster_{} {{\n", g.id));
        out.push_str(&format!(
            "{indent}  label=\"{}\";\n",
            label(&g.label, &g.findings)
        ));
        // An invisible point gives the cluster an anchor for edges to the group.
        out.push_str(&format!(
            "{indent}  {} [shape=point, style=invis, label=\"\"];\n",
            g.id
        ));
        for child in &g.children {
            group(out, child, depth + 1);
        }
        for n in &g.nodes {
            out.push_str(&node_line(n, &"  ".repeat(depth + 1)));
        }
        out.push_str(&format!("{indent}}}\n"));
    }
    for g in &layout.groups {
        group(&mut out, g, 1);
    }
    for n in &layout.nodes {
        out.push_str(&node_line(n, "  "));
    }
    let clusters: Vec<&str> = layout.groups.iter().map(|g| g.id.as_str()).collect();
    for e in &layout.edges {
        let mut attrs = vec![
            format!("label=\"{}\"", dot_escape(&e.label)),
            "dir=none".to_string(),
        ];
        if e.dashed {
            attrs.push("style=dashed".to_string());
        }
        if clusters.contains(&e.from.as_str()) {
            attrs.push(format!("ltail=cluster_{}", e.from));
        }
        if clusters.contains(&e.to.as_str()) {
            attrs.push(format!("lhead=cluster_{}", e.to));
        }
        out.push_str(&format!(
            "  {} -> {} [{}];\n",
            e.from,
            e.to,
            attrs.join(", ")
        ));
    }
    out.push_str("}\n");
    out
}

fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

// ---------------------------------------------------------------- JSON

pub fn render_json(layout: &Layout) -> String {
    fn node_json(n: &Node) -> serde_json::Value {
        json!({"id": n.id, "label": n.label, "class": n.class, "findings": n.findings})
    }
    fn group_json(g: &Group) -> serde_json::Value {
        json!({
            "id": g.id,
            "label": g.label,
            "findings": g.findings,
            "nodes": g.nodes.iter().map(node_json).collect::<Vec<_>>(),
            "groups": g.children.iter().map(group_json).collect::<Vec<_>>(),
        })
    }
    let document = json!({
        "version": 1,
        "groups": layout.groups.iter().map(group_json).collect::<Vec<_>>(),
        "nodes": layout.nodes.iter().map(node_json).collect::<Vec<_>>(),
        "edges": layout.edges.iter().map(|e| json!({"from": e.from, "to": e.to, "label": e.label, "dashed": e.dashed})).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}
