//! `vpclint model`: the evaluated model as JSON or text, with each entity's origin.
//!
//! JSON contract (`"version": 1`): one array per entity type, in a fixed order; each entity
//! is an object with `address`, `kind`, `file`, `line`, then its fields. A field's value is
//! `null` when unknown; a reference is the target entity's address; an optional field that
//! is absent is left out; `defaults` lists the fields filled in with the provider/service
//! default (left out when there are none).

use super::analysis::routing::RoutingIndex;
use super::*;
use crate::frontend::{Severity, Unit};
use crate::source::SourceMap;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

pub const FORMAT_VERSION: u32 = 1;

pub fn to_json(network: &Network, sources: &SourceMap) -> Value {
    let d = Dumper {
        net: network,
        routing: RoutingIndex::new(network),
        sources,
    };
    let mut root = Map::new();
    root.insert("version".into(), json!(FORMAT_VERSION));
    root.insert(
        "declared".into(),
        json!({
            "direct_connect": network
                .declared
                .direct_connect
                .iter()
                .map(|net| net.to_string())
                .collect::<Vec<_>>(),
        }),
    );
    let n = network;
    let arenas: Vec<(&str, Vec<Value>)> = vec![
        (
            "vpcs",
            d.all(&n.vpcs, |e, o| {
                o.field("cidr", &e.cidr);
                o.invalid(e.invalid_cidr.as_deref());
                o.list("ipv6_cidrs", &e.ipv6_cidrs);
                o.field("enable_dns_support", &e.enable_dns_support);
                o.field("enable_dns_hostnames", &e.enable_dns_hostnames);
                o.raw("region", json!(e.region));
                o.opt("main_route_table", &e.main_route_table);
                o.opt("dhcp_options", &e.dhcp_options);
            }),
        ),
        (
            "cidr_blocks",
            d.all(&n.cidr_blocks, |e, o| {
                o.field("vpc", &e.vpc);
                o.field("cidr", &e.cidr);
                o.invalid(e.invalid_cidr.as_deref());
            }),
        ),
        (
            "subnets",
            d.all_with_id(&n.subnets, |id, e, o| {
                o.field("vpc", &e.vpc);
                if let Some(external) = &e.external_vpc {
                    o.raw("external_vpc", json!(external.name));
                }
                o.route_table_of(id, e);
                o.opt("cidr", &e.cidr);
                o.invalid(e.invalid_cidr.as_deref());
                o.opt("ipv6_cidr", &e.ipv6_cidr);
                o.field("az", &e.az);
                o.field("map_public_ip_on_launch", &e.map_public_ip_on_launch);
            }),
        ),
        (
            "route_tables",
            d.all(&n.route_tables, |e, o| {
                o.field("vpc", &e.vpc);
                o.raw("is_main", json!(e.is_main));
            }),
        ),
        (
            "route_table_associations",
            d.all(&n.route_table_associations, |e, o| {
                o.field("route_table", &e.route_table);
                o.opt("subnet", &e.subnet);
                o.opt("gateway", &e.gateway);
            }),
        ),
        (
            "routes",
            d.all(&n.routes, |e, o| {
                o.field("route_table", &e.route_table);
                o.field("destination", &e.destination);
                o.invalid(e.invalid_destination.as_deref());
                o.field("target", &e.target);
                o.raw("inline", json!(e.inline));
            }),
        ),
        (
            "vgw_propagations",
            d.all(&n.vgw_propagations, |e, o| {
                o.field("route_table", &e.route_table);
                o.field("vpn_gateway", &e.vpn_gateway);
            }),
        ),
        (
            "peerings",
            d.all(&n.peerings, |e, o| {
                o.field("requester_vpc", &e.requester_vpc);
                o.field("accepter_vpc", &e.accepter_vpc);
                o.raw("requester_region", json!(e.requester_region));
                o.field("accepter_region", &e.accepter_region);
            }),
        ),
        (
            "internet_gateways",
            d.all(&n.internet_gateways, |e, o| {
                o.opt("vpc", &e.vpc);
            }),
        ),
        (
            "egress_only_igws",
            d.all(&n.egress_only_igws, |e, o| {
                o.field("vpc", &e.vpc);
            }),
        ),
        (
            "nat_gateways",
            d.all(&n.nat_gateways, |e, o| {
                o.field("subnet", &e.subnet);
                o.field("connectivity", &e.connectivity);
            }),
        ),
        (
            "instances",
            d.all(&n.instances, |e, o| {
                o.field("subnet", &e.subnet);
                o.field("source_dest_check", &e.source_dest_check);
                o.list("security_groups", &e.security_groups);
                o.opt("associate_public_ip", &e.associate_public_ip);
                o.field(
                    "primary_interface_precreated",
                    &e.primary_interface_precreated,
                );
                o.opt("primary_interface", &e.primary_interface);
            }),
        ),
        (
            "network_interfaces",
            d.all(&n.network_interfaces, |e, o| {
                o.field("subnet", &e.subnet);
                o.field("source_dest_check", &e.source_dest_check);
                o.opt("attached_instance", &e.attached_instance);
                o.list("security_groups", &e.security_groups);
            }),
        ),
        (
            "security_groups",
            d.all(&n.security_groups, |e, o| {
                o.field("vpc", &e.vpc);
                o.raw("is_default", json!(e.is_default));
            }),
        ),
        (
            "sg_rules",
            d.all(&n.sg_rules, |e, o| {
                o.field("group", &e.group);
                o.raw("direction", json!(e.direction));
                o.field("protocol", &e.protocol);
                o.field("ports", &e.ports);
                if e.protocol.copied().is_some_and(Protocol::has_icmp_messages) {
                    o.field("icmp", &e.icmp);
                }
                o.field("peer", &e.peer);
                o.raw("inline", json!(e.inline));
            }),
        ),
        (
            "nacls",
            d.all(&n.nacls, |e, o| {
                o.field("vpc", &e.vpc);
                o.raw("is_default", json!(e.is_default));
                o.list("subnets", &e.subnets);
            }),
        ),
        (
            "nacl_entries",
            d.all(&n.nacl_entries, |e, o| {
                o.field("nacl", &e.nacl);
                o.field("rule_number", &e.rule_number);
                o.raw("direction", json!(e.direction));
                o.field("protocol", &e.protocol);
                o.field("action", &e.action);
                o.field("cidr", &e.cidr);
                o.field("ports", &e.ports);
                if e.protocol.copied().is_some_and(Protocol::has_icmp_messages) {
                    o.field("icmp", &e.icmp);
                }
                o.raw("inline", json!(e.inline));
            }),
        ),
        (
            "vpn_gateways",
            d.all(&n.vpn_gateways, |e, o| {
                o.opt("vpc", &e.vpc);
            }),
        ),
        (
            "customer_gateways",
            d.all(&n.customer_gateways, |e, o| {
                o.field("bgp_asn", &e.bgp_asn);
            }),
        ),
        (
            "vpn_connections",
            d.all(&n.vpn_connections, |e, o| {
                o.opt("vpn_gateway", &e.vpn_gateway);
                o.opt("transit_gateway", &e.transit_gateway);
                o.field("customer_gateway", &e.customer_gateway);
                o.field("static_routes_only", &e.static_routes_only);
            }),
        ),
        (
            "vpn_routes",
            d.all(&n.vpn_routes, |e, o| {
                o.field("vpn_connection", &e.vpn_connection);
                o.field("destination", &e.destination);
            }),
        ),
        ("dx_gateways", d.all(&n.dx_gateways, |_, _| {})),
        (
            "dx_associations",
            d.all(&n.dx_associations, |e, o| {
                o.field("dx_gateway", &e.dx_gateway);
                o.field("associated", &e.associated);
                o.list("allowed_prefixes", &e.allowed_prefixes);
            }),
        ),
        (
            "transit_gateways",
            d.all(&n.transit_gateways, |e, o| {
                o.field(
                    "default_route_table_association",
                    &e.default_route_table_association,
                );
                o.field(
                    "default_route_table_propagation",
                    &e.default_route_table_propagation,
                );
                o.field("security_group_referencing", &e.security_group_referencing);
                o.raw("region", json!(e.region));
            }),
        ),
        (
            "tgw_attachments",
            d.all(&n.tgw_attachments, |e, o| {
                o.field("transit_gateway", &e.transit_gateway);
                o.field("attached", &e.kind);
                o.list("subnets", &e.subnets);
                o.field("security_group_referencing", &e.security_group_referencing);
                o.field("default_association", &e.default_association);
                o.field("default_propagation", &e.default_propagation);
                o.field("appliance_mode", &e.appliance_mode);
            }),
        ),
        (
            "tgw_route_tables",
            d.all(&n.tgw_route_tables, |e, o| {
                o.field("transit_gateway", &e.transit_gateway);
            }),
        ),
        (
            "tgw_associations",
            d.all(&n.tgw_associations, |e, o| {
                o.field("route_table", &e.route_table);
                o.field("attachment", &e.attachment);
            }),
        ),
        (
            "tgw_propagations",
            d.all(&n.tgw_propagations, |e, o| {
                o.field("route_table", &e.route_table);
                o.field("attachment", &e.attachment);
            }),
        ),
        (
            "tgw_routes",
            d.all(&n.tgw_routes, |e, o| {
                o.field("route_table", &e.route_table);
                o.field("destination", &e.destination);
                o.opt("attachment", &e.attachment);
                o.raw("blackhole", json!(e.blackhole));
            }),
        ),
        (
            "vpc_endpoints",
            d.all(&n.vpc_endpoints, |e, o| {
                o.field("vpc", &e.vpc);
                o.field("endpoint_type", &e.kind);
                o.field("service_name", &e.service_name);
                o.field("private_dns_enabled", &e.private_dns_enabled);
                o.list("subnets", &e.subnets);
                o.list("security_groups", &e.security_groups);
            }),
        ),
        (
            "network_firewalls",
            d.all(&n.network_firewalls, |e, o| {
                o.field("vpc", &e.vpc);
                o.list("subnets", &e.subnets);
            }),
        ),
        (
            "hosted_zones",
            d.all(&n.hosted_zones, |e, o| {
                o.list("vpcs", &e.vpcs);
            }),
        ),
        (
            "dhcp_options",
            d.all(&n.dhcp_options, |e, o| {
                o.list("domain_name_servers", &e.domain_name_servers);
                o.list("vpcs", &e.vpcs);
            }),
        ),
        (
            "load_balancers",
            d.all(&n.load_balancers, |e, o| {
                o.field("type", &e.kind);
                o.field("scheme", &e.scheme);
                o.list("subnets", &e.subnets);
                o.list("security_groups", &e.security_groups);
            }),
        ),
        (
            "prefix_lists",
            d.all(&n.prefix_lists, |e, o| {
                o.field("name", &e.name);
                o.field("max_entries", &e.max_entries);
                let entries = e.entries.iter().map(|entry| o.value(&entry.cidr)).collect();
                o.raw("entries", Value::Array(entries));
                o.raw("entries_complete", json!(e.entries_complete));
            }),
        ),
    ];
    for (name, entities) in arenas {
        root.insert(name.into(), Value::Array(entities));
    }
    Value::Object(root)
}

/// What the frontends could not evaluate, for `vpclint model`: `not_analyzed` (parts left
/// out of the model, with their cause) and `notes` (values that became unknown), each with
/// its file and line, in unit order.
pub fn diagnostics_json(units: &[Unit], sources: &SourceMap) -> Value {
    let mut not_analyzed = Vec::new();
    let mut notes = Vec::new();
    for unit in units {
        for d in unit
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Note)
        {
            let file = sources.get(d.span.file);
            let mut entry = Map::new();
            if let Some(cause) = d.gap {
                entry.insert("cause".into(), json!(cause.id()));
            }
            entry.insert("message".into(), json!(d.message));
            entry.insert(
                "file".into(),
                json!(file.path.to_string_lossy().replace('\\', "/")),
            );
            entry.insert("line".into(), json!(file.line_col(d.span.start).line));
            match d.gap {
                Some(_) => not_analyzed.push(Value::Object(entry)),
                None => notes.push(Value::Object(entry)),
            }
        }
    }
    json!({ "not_analyzed": not_analyzed, "notes": notes })
}

/// [`diagnostics_json`] as text sections after the model listing.
pub fn diagnostics_text(units: &[Unit], sources: &SourceMap) -> String {
    let json = diagnostics_json(units, sources);
    let mut out = String::new();
    for (section, title) in [("not_analyzed", "not analyzed"), ("notes", "notes")] {
        let Some(entries) = json[section].as_array().filter(|e| !e.is_empty()) else {
            continue;
        };
        out.push_str(&format!("{title}\n"));
        for entry in entries {
            let cause = entry["cause"]
                .as_str()
                .map(|c| format!("[{c}] "))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {}:{}: {cause}{}\n",
                plain(&entry["file"]),
                plain(&entry["line"]),
                plain(&entry["message"])
            ));
        }
    }
    out
}

/// A compact listing grouped by VPC: each VPC, then what lives in it (subnets, route
/// tables and their routes, groups and their rules, gateways, ...); then everything that
/// belongs to no single known VPC (peerings, transit gateways, VPN, DNS, ...). `unknown`
/// marks unknown values and `(default)` defaulted ones.
pub fn to_text(network: &Network, sources: &SourceMap) -> String {
    let json = to_json(network, sources);
    let mut out = String::new();
    let Value::Object(root) = json else {
        return out;
    };
    let owners = vpc_owners(network);
    let sections: Vec<(&str, &[Value])> = root
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.as_array()?.as_slice())))
        .collect();
    let vpcs = sections
        .iter()
        .find(|(name, _)| *name == "vpcs")
        .map(|(_, entities)| *entities)
        .unwrap_or_default();
    let owned_by = |vpc: Option<VpcId>, out: &mut String, indent: &str| {
        for (section, entities) in &sections {
            if *section == "vpcs" {
                continue;
            }
            let section_owners = owners.get(section).map(Vec::as_slice).unwrap_or_default();
            for (index, entity) in entities.iter().enumerate() {
                if section_owners.get(index).copied().flatten() == vpc {
                    entity_text(out, indent, section, entity);
                }
            }
        }
    };
    for (index, vpc) in vpcs.iter().enumerate() {
        entity_text(&mut out, "", "vpcs", vpc);
        owned_by(Some(Id::new(index)), &mut out, "  ");
        out.push('\n');
    }
    let mut rest = String::new();
    owned_by(None, &mut rest, "  ");
    if !rest.is_empty() {
        out.push_str("outside any known VPC\n");
        out.push_str(&rest);
    }
    out
}

/// One entity: a header line (type, address, location) and its fields.
fn entity_text(out: &mut String, indent: &str, section: &str, entity: &Value) {
    let Value::Object(fields) = entity else {
        return;
    };
    let text = |key: &str| fields.get(key).map(plain).unwrap_or_default();
    let singular = match section {
        "nacl_entries" => "nacl_entry",
        "dhcp_options" => section,
        _ => section.strip_suffix('s').unwrap_or(section),
    };
    out.push_str(&format!(
        "{indent}{singular} {} ({}:{})\n",
        text("address"),
        text("file"),
        text("line")
    ));
    let defaults: Vec<&str> = match fields.get("defaults") {
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    for (key, value) in fields {
        if matches!(
            key.as_str(),
            "address" | "kind" | "file" | "line" | "defaults"
        ) {
            continue;
        }
        let marker = if defaults.contains(&key.as_str()) {
            " (default)"
        } else {
            ""
        };
        out.push_str(&format!("{indent}  {key}: {}{marker}\n", plain(value)));
    }
}

/// For each entity type, the VPC each entity lives in (when known), in arena order.
fn vpc_owners(n: &Network) -> HashMap<&'static str, Vec<Option<VpcId>>> {
    fn of<T>(arena: &Arena<T>, owner: impl Fn(&T) -> Option<VpcId>) -> Vec<Option<VpcId>> {
        arena.values().map(owner).collect()
    }
    let table_vpc = |table: Option<RouteTableId>| n.route_tables.get(table?)?.vpc.copied();
    let subnet_vpc = |subnet: Option<SubnetId>| n.subnets.get(subnet?)?.vpc.copied();
    let group_vpc = |group: Option<SecurityGroupId>| n.security_groups.get(group?)?.vpc.copied();
    let nacl_vpc = |nacl: Option<NaclId>| n.nacls.get(nacl?)?.vpc.copied();
    let optional = |field: &Option<Field<VpcId>>| field.as_ref().and_then(Field::copied);
    HashMap::from([
        ("cidr_blocks", of(&n.cidr_blocks, |e| e.vpc.copied())),
        ("subnets", of(&n.subnets, |e| e.vpc.copied())),
        ("route_tables", of(&n.route_tables, |e| e.vpc.copied())),
        (
            "route_table_associations",
            of(&n.route_table_associations, |e| {
                table_vpc(e.route_table.copied())
            }),
        ),
        (
            "routes",
            of(&n.routes, |e| table_vpc(e.route_table.copied())),
        ),
        (
            "vgw_propagations",
            of(&n.vgw_propagations, |e| table_vpc(e.route_table.copied())),
        ),
        (
            "internet_gateways",
            of(&n.internet_gateways, |e| optional(&e.vpc)),
        ),
        (
            "egress_only_igws",
            of(&n.egress_only_igws, |e| e.vpc.copied()),
        ),
        (
            "nat_gateways",
            of(&n.nat_gateways, |e| subnet_vpc(e.subnet.copied())),
        ),
        (
            "instances",
            of(&n.instances, |e| subnet_vpc(e.subnet.copied())),
        ),
        (
            "network_interfaces",
            of(&n.network_interfaces, |e| subnet_vpc(e.subnet.copied())),
        ),
        (
            "security_groups",
            of(&n.security_groups, |e| e.vpc.copied()),
        ),
        ("sg_rules", of(&n.sg_rules, |e| group_vpc(e.group.copied()))),
        ("nacls", of(&n.nacls, |e| e.vpc.copied())),
        (
            "nacl_entries",
            of(&n.nacl_entries, |e| nacl_vpc(e.nacl.copied())),
        ),
        ("vpn_gateways", of(&n.vpn_gateways, |e| optional(&e.vpc))),
        ("vpc_endpoints", of(&n.vpc_endpoints, |e| e.vpc.copied())),
        (
            "network_firewalls",
            of(&n.network_firewalls, |e| e.vpc.copied()),
        ),
        (
            "tgw_attachments",
            of(&n.tgw_attachments, |e| match e.kind.copied() {
                Some(TgwAttachmentKind::Vpc(vpc)) => Some(vpc),
                _ => None,
            }),
        ),
        (
            "load_balancers",
            of(&n.load_balancers, |e| {
                subnet_vpc(e.subnets.first().and_then(Field::copied))
            }),
        ),
    ])
}

/// A JSON value for humans: strings unquoted, `unknown` for null.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => "unknown".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(plain).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(entries) if entries.len() == 2 && entries.contains_key("from") => format!(
            "{}-{}",
            entries.get("from").map(plain).unwrap_or_default(),
            entries.get("to").map(plain).unwrap_or_default()
        ),
        Value::Object(entries) => entries
            .values()
            .filter(|value| !value.is_null())
            .map(plain)
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

struct Dumper<'a> {
    net: &'a Network,
    routing: RoutingIndex<'a>,
    sources: &'a SourceMap,
}

impl Dumper<'_> {
    fn all<T: HasOrigin>(&self, arena: &Arena<T>, fields: impl Fn(&T, &mut Out)) -> Vec<Value> {
        self.all_with_id(arena, |_, entity, out| fields(entity, out))
    }

    fn all_with_id<T: HasOrigin>(
        &self,
        arena: &Arena<T>,
        fields: impl Fn(Id<T>, &T, &mut Out),
    ) -> Vec<Value> {
        arena
            .iter()
            .map(|(id, entity)| {
                let mut out = Out {
                    net: self.net,
                    routing: &self.routing,
                    obj: Map::new(),
                    defaults: Vec::new(),
                };
                let origin = entity.origin();
                out.raw("address", json!(origin.address));
                out.raw("kind", json!(origin.kind));
                let (file, line) = self.location(origin.span);
                out.raw("file", json!(file));
                out.raw("line", json!(line));
                fields(id, entity, &mut out);
                if !out.defaults.is_empty() {
                    let defaults = std::mem::take(&mut out.defaults);
                    out.raw("defaults", json!(defaults));
                }
                Value::Object(out.obj)
            })
            .collect()
    }

    fn location(&self, span: Span) -> (Option<String>, Option<u32>) {
        if span.file.0 as usize >= self.sources.len() {
            return (None, None);
        }
        let file = self.sources.get(span.file);
        let path = file.path.to_string_lossy().replace('\\', "/");
        (Some(path), Some(file.line_col(span.start).line))
    }
}

/// One entity's JSON object being built.
struct Out<'a> {
    net: &'a Network,
    routing: &'a RoutingIndex<'a>,
    obj: Map<String, Value>,
    defaults: Vec<&'static str>,
}

impl Out<'_> {
    fn raw(&mut self, name: &str, value: Value) {
        self.obj.insert(name.into(), value);
    }

    fn field<T: Show>(&mut self, name: &'static str, field: &Field<T>) {
        if field.provenance == Provenance::Default {
            self.defaults.push(name);
        }
        let value = self.value(field);
        self.obj.insert(name.into(), value);
    }

    fn opt<T: Show>(&mut self, name: &'static str, field: &Option<Field<T>>) {
        if let Some(field) = field {
            self.field(name, field);
        }
    }

    fn list<T: Show>(&mut self, name: &'static str, fields: &[Field<T>]) {
        let values = fields.iter().map(|field| self.value(field)).collect();
        self.obj.insert(name.into(), Value::Array(values));
    }

    /// The route table a subnet uses: its explicit association, else (marked as a
    /// default) its VPC's main route table; `null` when that is AWS's implicit one.
    /// The route table a subnet uses: its explicit association, else (marked as a
    /// default) its VPC's main route table; `null` when that is AWS's implicit one.
    /// Mirrors [`Network::subnet_route_table`] over a prebuilt association index.
    fn route_table_of(&mut self, id: SubnetId, subnet: &Subnet) {
        let table = match self.routing.explicit_route_table(id) {
            Some(table) => table,
            None => {
                let main = subnet
                    .vpc
                    .copied()
                    .and_then(|vpc| self.routing.main_route_table(vpc));
                if main.is_some() {
                    self.defaults.push("route_table");
                }
                main
            }
        };
        let table = table
            .map(|table| table.show(self.net))
            .unwrap_or(Value::Null);
        self.obj.insert("route_table".into(), table);
    }

    fn invalid(&mut self, invalid: Option<&InvalidCidr>) {
        if let Some(invalid) = invalid {
            self.obj.insert("invalid_cidr".into(), json!(invalid.text));
        }
    }

    fn value<T: Show>(&self, field: &Field<T>) -> Value {
        field
            .get()
            .map(|value| value.show(self.net))
            .unwrap_or(Value::Null)
    }
}

/// How a field value appears in the JSON dump.
trait Show {
    fn show(&self, net: &Network) -> Value;
}

trait HasOrigin {
    fn origin(&self) -> &Origin;
}

macro_rules! entity_types {
    ($($ty:ident => $arena:ident),* $(,)?) => {
        $(
            impl HasOrigin for $ty {
                fn origin(&self) -> &Origin {
                    &self.origin
                }
            }
            impl Show for Id<$ty> {
                fn show(&self, net: &Network) -> Value {
                    match net.$arena.get(*self) {
                        Some(entity) => json!(entity.origin.address),
                        None => Value::Null,
                    }
                }
            }
        )*
    };
}

entity_types! {
    Vpc => vpcs,
    CidrBlock => cidr_blocks,
    Subnet => subnets,
    RouteTable => route_tables,
    RouteTableAssociation => route_table_associations,
    Route => routes,
    VgwPropagation => vgw_propagations,
    PeeringConnection => peerings,
    InternetGateway => internet_gateways,
    EgressOnlyIgw => egress_only_igws,
    NatGateway => nat_gateways,
    Instance => instances,
    NetworkInterface => network_interfaces,
    SecurityGroup => security_groups,
    SgRule => sg_rules,
    NetworkAcl => nacls,
    NaclEntry => nacl_entries,
    VpnGateway => vpn_gateways,
    CustomerGateway => customer_gateways,
    VpnConnection => vpn_connections,
    VpnConnectionRoute => vpn_routes,
    DxGateway => dx_gateways,
    DxGatewayAssociation => dx_associations,
    TransitGateway => transit_gateways,
    TgwAttachment => tgw_attachments,
    TgwRouteTable => tgw_route_tables,
    TgwAssociation => tgw_associations,
    TgwPropagation => tgw_propagations,
    TgwRoute => tgw_routes,
    VpcEndpoint => vpc_endpoints,
    NetworkFirewall => network_firewalls,
    PrivateHostedZone => hosted_zones,
    DhcpOptions => dhcp_options,
    LoadBalancer => load_balancers,
    PrefixList => prefix_lists,
}

/// Values whose serde form is already the contract (plain enums, numbers, strings).
macro_rules! show_as_serde {
    ($($ty:ty),* $(,)?) => {
        $(impl Show for $ty {
            fn show(&self, _: &Network) -> Value {
                serde_json::to_value(self).unwrap_or(Value::Null)
            }
        })*
    };
}

show_as_serde!(
    bool,
    String,
    u32,
    u64,
    Connectivity,
    NaclAction,
    EndpointKind,
    LoadBalancerKind,
    Scheme,
);

/// Networks as their usual text form (`10.0.0.0/16`).
macro_rules! show_as_text {
    ($($ty:ty),* $(,)?) => {
        $(impl Show for $ty {
            fn show(&self, _: &Network) -> Value {
                json!(self.to_string())
            }
        })*
    };
}

show_as_text!(Ipv4Net, Ipv6Net, IpNet);

impl Show for CidrValue {
    /// As written; a block with host bits set also shows what AWS would make of it.
    fn show(&self, _: &Network) -> Value {
        json!(self.net.to_string())
    }
}

impl Show for Protocol {
    fn show(&self, _: &Network) -> Value {
        match self {
            Protocol::All => json!("all"),
            Protocol::Number(n) => json!(n),
        }
    }
}

impl Show for PortRange {
    fn show(&self, _: &Network) -> Value {
        json!({ "from": self.from, "to": self.to })
    }
}

impl Show for IcmpMessages {
    fn show(&self, _: &Network) -> Value {
        let all = |value: Option<u8>| value.map_or(-1, i32::from);
        json!({ "type": all(self.icmp_type), "code": all(self.code) })
    }
}

impl Show for Destination {
    fn show(&self, net: &Network) -> Value {
        match self {
            Destination::Ipv4(net) => json!(net.to_string()),
            Destination::Ipv6(net) => json!(net.to_string()),
            Destination::PrefixList(None) => json!("prefix-list"),
            Destination::PrefixList(Some(id)) => tagged("prefix-list", id.show(net)),
        }
    }
}

/// A reference to one of several entity types: `{"kind": ..., "id": address}`.
fn tagged(kind: &str, id: Value) -> Value {
    json!({ "kind": kind, "id": id })
}

impl Show for Target {
    fn show(&self, net: &Network) -> Value {
        match self {
            Target::InternetGateway(id) => tagged("internet-gateway", id.show(net)),
            Target::EgressOnlyIgw(id) => tagged("egress-only-igw", id.show(net)),
            Target::NatGateway(id) => tagged("nat-gateway", id.show(net)),
            Target::Instance(id) => tagged("instance", id.show(net)),
            Target::NetworkInterface(id) => tagged("network-interface", id.show(net)),
            Target::Peering(id) => tagged("peering", id.show(net)),
            Target::VpnGateway(id) => tagged("vpn-gateway", id.show(net)),
            Target::TransitGateway(id) => tagged("transit-gateway", id.show(net)),
            Target::VpcEndpoint(id) => tagged("vpc-endpoint", id.show(net)),
            Target::FirewallEndpoint(id) => tagged("firewall-endpoint", id.show(net)),
            Target::Local => tagged("local", Value::Null),
            Target::Other => tagged("other", Value::Null),
        }
    }
}

impl Show for SgPeer {
    fn show(&self, net: &Network) -> Value {
        match self {
            SgPeer::Cidr(cidr) => json!({ "kind": "cidr", "cidr": cidr.to_string() }),
            SgPeer::Group(id) => json!({ "kind": "group", "group": id.show(net) }),
            SgPeer::PrefixList(None) => json!({ "kind": "prefix-list" }),
            SgPeer::PrefixList(Some(id)) => json!({ "kind": "prefix-list", "list": id.show(net) }),
        }
    }
}

impl Show for EdgeGateway {
    fn show(&self, net: &Network) -> Value {
        match self {
            EdgeGateway::InternetGateway(id) => tagged("internet-gateway", id.show(net)),
            EdgeGateway::VpnGateway(id) => tagged("vpn-gateway", id.show(net)),
        }
    }
}

impl Show for DxAssociated {
    fn show(&self, net: &Network) -> Value {
        match self {
            DxAssociated::VpnGateway(id) => tagged("vpn-gateway", id.show(net)),
            DxAssociated::TransitGateway(id) => tagged("transit-gateway", id.show(net)),
        }
    }
}

impl Show for TgwAttachmentKind {
    fn show(&self, net: &Network) -> Value {
        match self {
            TgwAttachmentKind::Vpc(id) => tagged("vpc", id.show(net)),
            TgwAttachmentKind::Vpn(id) => tagged("vpn", id.show(net)),
            TgwAttachmentKind::DxGateway(id) => tagged("dx-gateway", id.show(net)),
            TgwAttachmentKind::Peering => tagged("peering", Value::Null),
            TgwAttachmentKind::Connect => tagged("connect", Value::Null),
        }
    }
}
