//! Lowering over hand-built units: each table, reference resolution, defaults, spans.

use super::*;
use crate::frontend::Ref;
use crate::source::{FileId, SourceMap};

/// Builds resources with distinct spans (each value its own span).
struct UnitBuilder {
    next: usize,
    resources: Vec<Resource>,
}

impl UnitBuilder {
    fn new() -> Self {
        UnitBuilder {
            next: 0,
            resources: Vec::new(),
        }
    }

    fn span(&mut self) -> Span {
        self.next += 10;
        Span::new(FileId(0), self.next, self.next + 5)
    }

    fn val(&mut self, v: V) -> Val {
        Val::new(self.span(), v)
    }

    fn s(&mut self, text: &str) -> Val {
        self.val(V::String(text.into()))
    }

    fn n(&mut self, n: f64) -> Val {
        self.val(V::Number(n))
    }

    fn b(&mut self, b: bool) -> Val {
        self.val(V::Bool(b))
    }

    fn r(&mut self, address: &str, attribute: &str) -> Val {
        self.val(V::reference(Ref {
            address: address.into(),
            attribute: attribute.into(),
        }))
    }

    fn unknown(&mut self) -> Val {
        self.val(V::Unknown("test".into()))
    }

    fn list(&mut self, items: Vec<Val>) -> Val {
        self.val(V::List(items))
    }

    fn map(&mut self, entries: Vec<(&str, Val)>) -> Val {
        let entries = entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        self.val(V::Map(entries))
    }

    /// An `aws_security_group_rule` letting HTTPS in from 10.0.0.0/8 into `group`.
    fn https_ingress_rule(&mut self, address: &str, group: Val) {
        let (kind, proto, from, to, cidr) = (
            self.s("ingress"),
            self.s("tcp"),
            self.n(443.0),
            self.n(443.0),
            self.s("10.0.0.0/8"),
        );
        let cidrs = self.list(vec![cidr]);
        self.res(
            "aws_security_group_rule",
            address,
            vec![
                ("type", kind),
                ("security_group_id", group),
                ("protocol", proto),
                ("from_port", from),
                ("to_port", to),
                ("cidr_blocks", cidrs),
            ],
        );
    }

    fn res(&mut self, kind: &str, address: &str, attrs: Vec<(&str, Val)>) -> Span {
        let span = self.span();
        let name_span = self.span();
        let attrs = self.map(attrs);
        self.resources.push(Resource {
            kind: kind.into(),
            address: address.into(),
            span,
            name_span,
            attrs,
            region: Some("us-east-1".into()),
            called_from: Default::default(),
        });
        name_span
    }

    fn lower(self, lang: Lang) -> Network {
        lower(
            &mut [self.unit(lang, "test")],
            Declared::default(),
            &SourceMap::new(),
        )
    }

    fn unit(self, lang: Lang, path: &str) -> Unit {
        Unit {
            lang,
            path: path.into(),
            files: vec![FileId(0)],
            resources: self.resources,
            diagnostics: Vec::new(),
            suppressions: Vec::new(),
            provenance: Vec::new(),
            exports: Vec::new(),
            failures: Vec::new(),
            imports: Vec::new(),
        }
    }
}

fn vpc_tf(b: &mut UnitBuilder, address: &str, cidr: &str) {
    let cidr = b.s(cidr);
    b.res("aws_vpc", address, vec![("cidr_block", cidr)]);
}

#[test]
fn terraform_vpc_subnet_routes_and_defaults() {
    let mut b = UnitBuilder::new();
    vpc_tf(&mut b, "aws_vpc.main", "10.0.0.0/16");
    let (vpc, cidr, az) = (
        b.r("aws_vpc.main", "id"),
        b.s("10.0.1.0/24"),
        b.s("us-east-1a"),
    );
    b.res(
        "aws_subnet",
        "aws_subnet.a",
        vec![
            ("vpc_id", vpc),
            ("cidr_block", cidr),
            ("availability_zone", az),
        ],
    );
    let vpc = b.r("aws_vpc.main", "id");
    b.res(
        "aws_internet_gateway",
        "aws_internet_gateway.gw",
        vec![("vpc_id", vpc)],
    );
    let (sub, conn) = (b.r("aws_subnet.a", "id"), b.s("private"));
    b.res(
        "aws_nat_gateway",
        "aws_nat_gateway.private",
        vec![("subnet_id", sub), ("connectivity_type", conn)],
    );
    let sub = b.r("aws_subnet.a", "id");
    let nat_name = b.res(
        "aws_nat_gateway",
        "aws_nat_gateway.public",
        vec![("subnet_id", sub)],
    );
    let (dest, gw) = (b.s("0.0.0.0/0"), b.r("aws_internet_gateway.gw", "id"));
    let block = b.map(vec![("cidr_block", dest), ("gateway_id", gw)]);
    let block_span = block.span;
    let routes = b.list(vec![block]);
    let vpc = b.r("aws_vpc.main", "id");
    b.res(
        "aws_route_table",
        "aws_route_table.public",
        vec![("vpc_id", vpc), ("route", routes)],
    );
    let (rt, dest, nat) = (
        b.r("aws_route_table.public", "id"),
        b.s("10.9.0.0/16"),
        b.r("aws_nat_gateway.public", "id"),
    );
    let nat_span = nat.span;
    b.res(
        "aws_route",
        "aws_route.to_nat",
        vec![
            ("route_table_id", rt),
            ("destination_cidr_block", dest),
            ("nat_gateway_id", nat),
        ],
    );
    let (rt, sub) = (
        b.r("aws_route_table.public", "id"),
        b.r("aws_subnet.a", "id"),
    );
    b.res(
        "aws_route_table_association",
        "aws_route_table_association.a",
        vec![("route_table_id", rt), ("subnet_id", sub)],
    );
    let net = b.lower(Lang::Terraform);

    let (vpc_id, vpc) = net.vpcs.iter().next().expect("one vpc");
    assert_eq!(
        vpc.cidr.get().map(|c| c.net.to_string()).as_deref(),
        Some("10.0.0.0/16")
    );
    assert_eq!(vpc.enable_dns_support.copied(), Some(true));
    assert_eq!(vpc.enable_dns_support.provenance, Provenance::Default);
    assert_eq!(vpc.enable_dns_hostnames.copied(), Some(false));
    let (subnet_id, subnet) = net.subnets.iter().next().expect("one subnet");
    assert_eq!(subnet.vpc.copied(), Some(vpc_id));
    assert_eq!(subnet.az.get().map(String::as_str), Some("us-east-1a"));

    let connectivity: Vec<_> = net
        .nat_gateways
        .values()
        .map(|n| (n.connectivity.copied(), n.connectivity.provenance))
        .collect();
    assert_eq!(
        connectivity,
        vec![
            (Some(Connectivity::Private), Provenance::Set),
            (Some(Connectivity::Public), Provenance::Default)
        ]
    );
    assert_eq!(
        net.nat_gateways
            .values()
            .nth(1)
            .map(|n| n.connectivity.span),
        Some(nat_name)
    );

    let routes: Vec<&Route> = net.routes.values().collect();
    assert_eq!(routes.len(), 2);
    let (rt_id, _) = net.route_tables.iter().next().expect("one table");
    assert!(routes[0].inline);
    assert_eq!(routes[0].origin.span, block_span);
    assert_eq!(routes[0].route_table.copied(), Some(rt_id));
    assert!(matches!(
        routes[0].target.copied(),
        Some(Target::InternetGateway(_))
    ));
    assert!(!routes[1].inline);
    assert!(matches!(
        routes[1].target.copied(),
        Some(Target::NatGateway(_))
    ));
    assert_eq!(routes[1].target.span, nat_span);
    assert_eq!(
        crate::model::analysis::routing::RoutingIndex::new(&net).subnet_route_table(subnet_id),
        Some(rt_id)
    );
    assert_eq!(
        net.internet_gateways
            .values()
            .next()
            .and_then(|g| g.vpc.as_ref()?.copied()),
        Some(vpc_id)
    );
}

#[test]
fn unresolvable_and_mistyped_references_are_unknown() {
    let mut b = UnitBuilder::new();
    vpc_tf(&mut b, "aws_vpc.main", "10.0.0.0/16");
    let (missing, cidr) = (b.r("aws_vpc.elsewhere", "id"), b.s("10.0.1.0/24"));
    b.res(
        "aws_subnet",
        "aws_subnet.missing",
        vec![("vpc_id", missing), ("cidr_block", cidr)],
    );
    let literal = b.s("vpc-0abc1234");
    b.res(
        "aws_subnet",
        "aws_subnet.literal",
        vec![("vpc_id", literal)],
    );
    let wrong = b.r("aws_subnet.literal", "id");
    b.res("aws_subnet", "aws_subnet.wrong", vec![("vpc_id", wrong)]);
    let unknown = b.unknown();
    b.res("aws_subnet", "aws_subnet.data", vec![("vpc_id", unknown)]);
    let (rt, dest, igw) = (
        b.r("aws_route_table.none", "id"),
        b.s("0.0.0.0/0"),
        b.r("aws_vpc.main", "id"),
    );
    b.res(
        "aws_route",
        "aws_route.wrong_target",
        vec![
            ("route_table_id", rt),
            ("destination_cidr_block", dest),
            ("gateway_id", igw),
        ],
    );
    let net = b.lower(Lang::Terraform);
    assert!(net.subnets.values().all(|s| s.vpc.get().is_none()));
    let route = net.routes.values().next().expect("route");
    assert!(route.route_table.get().is_none());
    assert!(route.target.get().is_none());
    assert!(route.destination.get().is_some());
}

#[test]
fn echoed_attributes_follow_to_the_argument() {
    let mut b = UnitBuilder::new();
    vpc_tf(&mut b, "aws_vpc.main", "10.0.0.0/16");
    let (vpc, cidr) = (b.r("aws_vpc.main", "id"), b.r("aws_vpc.main", "cidr_block"));
    b.res(
        "aws_subnet",
        "aws_subnet.all",
        vec![("vpc_id", vpc), ("cidr_block", cidr)],
    );
    let vpc = b.r("aws_subnet.all", "vpc_id");
    b.res(
        "aws_security_group",
        "aws_security_group.sg",
        vec![("vpc_id", vpc)],
    );
    let net = b.lower(Lang::Terraform);
    let subnet = net.subnets.values().next().expect("subnet");
    assert_eq!(
        subnet
            .cidr
            .as_ref()
            .and_then(|c| c.get())
            .map(|c| c.net.to_string())
            .as_deref(),
        Some("10.0.0.0/16")
    );
    assert!(net
        .security_groups
        .values()
        .next()
        .and_then(|g| g.vpc.copied())
        .is_some());
}

#[test]
fn default_resources_adopt_the_vpc_implicit_ones() {
    let mut b = UnitBuilder::new();
    vpc_tf(&mut b, "aws_vpc.a", "10.0.0.0/16");
    vpc_tf(&mut b, "aws_vpc.b", "10.1.0.0/16");
    // A rule on aws_vpc.a's default group, written before the group itself.
    let group = b.r("aws_vpc.a", "default_security_group_id");
    b.https_ingress_rule("aws_security_group_rule.https", group);
    let vpc = b.r("aws_vpc.a", "id");
    b.res(
        "aws_default_security_group",
        "aws_default_security_group.a",
        vec![("vpc_id", vpc)],
    );
    // aws_vpc.b has no aws_default_security_group: the reference gets an implicit one.
    let (kind, group, proto) = (
        b.s("egress"),
        b.r("aws_vpc.b", "default_security_group_id"),
        b.s("-1"),
    );
    let (from, to, cidr) = (b.n(0.0), b.n(0.0), b.s("0.0.0.0/0"));
    let cidrs = b.list(vec![cidr]);
    b.res(
        "aws_security_group_rule",
        "aws_security_group_rule.all",
        vec![
            ("type", kind),
            ("security_group_id", group),
            ("protocol", proto),
            ("from_port", from),
            ("to_port", to),
            ("cidr_blocks", cidrs),
        ],
    );
    let main = b.r("aws_vpc.a", "default_route_table_id");
    b.res(
        "aws_default_route_table",
        "aws_default_route_table.a",
        vec![("default_route_table_id", main)],
    );
    let net = b.lower(Lang::Terraform);

    let groups: Vec<(&str, bool)> = net
        .security_groups
        .values()
        .map(|g| (g.origin.address.as_str(), g.is_default))
        .collect();
    assert_eq!(
        groups,
        vec![
            ("aws_default_security_group.a", true),
            ("aws_vpc.b.default_security_group_id", true)
        ]
    );
    let rules: Vec<&SgRule> = net.sg_rules.values().collect();
    assert_eq!(rules[0].group.copied().map(Id::index), Some(0));
    assert_eq!(
        rules[0].ports.copied(),
        Some(PortRange { from: 443, to: 443 })
    );
    assert_eq!(rules[1].group.copied().map(Id::index), Some(1));
    assert_eq!(rules[1].direction, Direction::Egress);
    assert_eq!(rules[1].protocol.copied(), Some(Protocol::All));
    assert_eq!(rules[1].ports.copied(), Some(PortRange::ALL));
    let (a, _) = net.vpcs.iter().next().expect("vpc a");
    let (table, rt) = net.route_tables.iter().next().expect("default table");
    assert!(rt.is_main);
    assert_eq!(rt.vpc.copied(), Some(a));
    assert_eq!(
        net.vpcs[a]
            .main_route_table
            .as_ref()
            .and_then(Field::copied),
        Some(table)
    );
}

#[test]
fn inline_security_group_rules_split_per_peer_with_element_spans() {
    let mut b = UnitBuilder::new();
    vpc_tf(&mut b, "aws_vpc.a", "10.0.0.0/16");
    let vpc = b.r("aws_vpc.a", "id");
    b.res(
        "aws_security_group",
        "aws_security_group.other",
        vec![("vpc_id", vpc)],
    );
    let (c1, c2, v6, other, selfv) = (
        b.s("10.0.0.0/8"),
        b.s("192.168.0.0/16"),
        b.s("::/0"),
        b.r("aws_security_group.other", "id"),
        b.b(true),
    );
    let (c1_span, c2_span) = (c1.span, c2.span);
    let (cidrs, v6s, groups) = (b.list(vec![c1, c2]), b.list(vec![v6]), b.list(vec![other]));
    let (proto, from, to) = (b.s("tcp"), b.n(22.0), b.n(22.0));
    let block = b.map(vec![
        ("protocol", proto),
        ("from_port", from),
        ("to_port", to),
        ("cidr_blocks", cidrs),
        ("ipv6_cidr_blocks", v6s),
        ("security_groups", groups),
        ("self", selfv),
    ]);
    let ingress = b.list(vec![block]);
    let vpc = b.r("aws_vpc.a", "id");
    b.res(
        "aws_security_group",
        "aws_security_group.ssh",
        vec![("vpc_id", vpc), ("ingress", ingress)],
    );
    let net = b.lower(Lang::Terraform);
    let rules: Vec<&SgRule> = net.sg_rules.values().collect();
    assert_eq!(rules.len(), 5);
    assert!(rules
        .iter()
        .all(|r| r.inline && r.group.copied().map(Id::index) == Some(1)));
    assert_eq!(rules[0].peer.span, c1_span);
    assert_eq!(rules[1].peer.span, c2_span);
    let peers: Vec<String> = rules
        .iter()
        .map(|r| match r.peer.copied() {
            Some(SgPeer::Cidr(net)) => net.to_string(),
            Some(SgPeer::Group(g)) => format!("group {}", g.index()),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        peers,
        ["10.0.0.0/8", "192.168.0.0/16", "::/0", "group 0", "group 1"]
    );
}

#[test]
fn cidr_host_bits_and_invalid_text_by_language() {
    for (lang, kind, attr, handling) in [
        (
            Lang::Terraform,
            "aws_vpc",
            "cidr_block",
            HostBitsHandling::Rejected,
        ),
        (
            Lang::CloudFormation,
            "AWS::EC2::VPC",
            "CidrBlock",
            HostBitsHandling::Truncated,
        ),
    ] {
        let mut b = UnitBuilder::new();
        let good = b.s("10.0.1.0/16");
        b.res(kind, "a", vec![(attr, good)]);
        let bad = b.s("10.0.0.0/33");
        let bad_span = bad.span;
        b.res(kind, "b", vec![(attr, bad)]);
        let net = b.lower(lang);
        let vpcs: Vec<&Vpc> = net.vpcs.values().collect();
        let cidr = vpcs[0].cidr.copied().expect("parsed");
        assert_eq!(cidr.host_bits, handling);
        assert!(cidr.has_host_bits());
        assert!(vpcs[1].cidr.get().is_none());
        let invalid = vpcs[1].invalid_cidr.as_ref().expect("invalid kept");
        assert_eq!(
            (invalid.text.as_str(), invalid.span),
            ("10.0.0.0/33", bad_span)
        );
    }
}

#[test]
fn peering_accepter_resolves_to_its_connection() {
    let mut b = UnitBuilder::new();
    vpc_tf(&mut b, "aws_vpc.a", "10.0.0.0/16");
    vpc_tf(&mut b, "aws_vpc.b", "10.1.0.0/16");
    let (a, peer, region) = (
        b.r("aws_vpc.a", "id"),
        b.r("aws_vpc.b", "id"),
        b.s("eu-west-1"),
    );
    b.res(
        "aws_vpc_peering_connection",
        "aws_vpc_peering_connection.ab",
        vec![
            ("vpc_id", a),
            ("peer_vpc_id", peer),
            ("peer_region", region),
        ],
    );
    let pcx = b.r("aws_vpc_peering_connection.ab", "id");
    b.res(
        "aws_vpc_peering_connection_accepter",
        "aws_vpc_peering_connection_accepter.ab",
        vec![("vpc_peering_connection_id", pcx)],
    );
    let (rt, dest, pcx) = (
        b.r("aws_route_table.x", "id"),
        b.s("10.1.0.0/16"),
        b.r("aws_vpc_peering_connection_accepter.ab", "id"),
    );
    b.res(
        "aws_route",
        "aws_route.to_a",
        vec![
            ("route_table_id", rt),
            ("destination_cidr_block", dest),
            ("vpc_peering_connection_id", pcx),
        ],
    );
    let net = b.lower(Lang::Terraform);
    let peering = net.peerings.values().next().expect("peering");
    assert_eq!(peering.requester_region.as_deref(), Some("us-east-1"));
    assert_eq!(
        peering.accepter_region.get().map(String::as_str),
        Some("eu-west-1")
    );
    assert!(peering.accepter_vpc.get().is_some());
    let route = net.routes.values().next().expect("route");
    assert!(matches!(route.target.copied(), Some(Target::Peering(p)) if p.index() == 0));
}

#[test]
fn cloudformation_forms_resolve() {
    let mut b = UnitBuilder::new();
    let (cidr, dns) = (b.s("10.0.0.0/16"), b.s("true"));
    b.res(
        "AWS::EC2::VPC",
        "Vpc",
        vec![("CidrBlock", cidr), ("EnableDnsHostnames", dns)],
    );
    let (vpc, cidr) = (b.r("Vpc", "Ref"), b.r("Vpc", "CidrBlock"));
    b.res(
        "AWS::EC2::Subnet",
        "Subnet",
        vec![("VpcId", vpc), ("CidrBlock", cidr)],
    );
    b.res("AWS::EC2::InternetGateway", "Igw", vec![]);
    let (vpc, igw) = (b.r("Vpc", "Ref"), b.r("Igw", "Ref"));
    b.res(
        "AWS::EC2::VPCGatewayAttachment",
        "Attach",
        vec![("VpcId", vpc), ("InternetGatewayId", igw)],
    );
    let vpc = b.r("Vpc", "Ref");
    b.res("AWS::EC2::NetworkAcl", "Acl", vec![("VpcId", vpc)]);
    let (acl, num, proto, action, egress, cidr, from, to) = (
        b.r("Acl", "Id"),
        b.n(100.0),
        b.n(6.0),
        b.s("allow"),
        b.b(true),
        b.s("0.0.0.0/0"),
        b.n(1024.0),
        b.n(65535.0),
    );
    let range = b.map(vec![("From", from), ("To", to)]);
    b.res(
        "AWS::EC2::NetworkAclEntry",
        "Entry",
        vec![
            ("NetworkAclId", acl),
            ("RuleNumber", num),
            ("Protocol", proto),
            ("RuleAction", action),
            ("Egress", egress),
            ("CidrBlock", cidr),
            ("PortRange", range),
        ],
    );
    let (group, proto, from, to, cidr) = (
        b.r("Vpc", "DefaultSecurityGroup"),
        b.s("tcp"),
        b.s("443"),
        b.s("443"),
        b.s("10.0.0.0/8"),
    );
    b.res(
        "AWS::EC2::SecurityGroupIngress",
        "Ingress",
        vec![
            ("GroupId", group),
            ("IpProtocol", proto),
            ("FromPort", from),
            ("ToPort", to),
            ("CidrIp", cidr),
        ],
    );
    let net = b.lower(Lang::CloudFormation);
    let (vpc_id, vpc) = net.vpcs.iter().next().expect("vpc");
    assert_eq!(vpc.enable_dns_hostnames.copied(), Some(true));
    let subnet = net.subnets.values().next().expect("subnet");
    assert_eq!(subnet.vpc.copied(), Some(vpc_id));
    assert_eq!(
        subnet
            .cidr
            .as_ref()
            .and_then(Field::copied)
            .map(|c| c.host_bits),
        Some(HostBitsHandling::Truncated)
    );
    assert_eq!(
        net.internet_gateways
            .values()
            .next()
            .and_then(|g| g.vpc.as_ref()?.copied()),
        Some(vpc_id)
    );
    let entry = net.nacl_entries.values().next().expect("entry");
    assert_eq!(entry.direction, Direction::Egress);
    assert_eq!(entry.rule_number.copied(), Some(100));
    assert_eq!(entry.protocol.copied(), Some(Protocol::TCP));
    assert_eq!(
        entry.ports.copied(),
        Some(PortRange {
            from: 1024,
            to: 65535
        })
    );
    assert_eq!(entry.action.copied(), Some(NaclAction::Allow));
    let group = net
        .security_groups
        .values()
        .next()
        .expect("implicit default group");
    assert!(group.is_default);
    assert_eq!(group.origin.address, "Vpc.DefaultSecurityGroup");
    let rule = net.sg_rules.values().next().expect("rule");
    assert_eq!(rule.ports.copied(), Some(PortRange { from: 443, to: 443 }));
    assert!(!rule.inline);
}

#[test]
fn vpn_to_transit_gateway_gets_an_attachment() {
    let mut b = UnitBuilder::new();
    b.res(
        "aws_ec2_transit_gateway",
        "aws_ec2_transit_gateway.t",
        vec![],
    );
    let asn = b.s("65000");
    b.res(
        "aws_customer_gateway",
        "aws_customer_gateway.c",
        vec![("bgp_asn", asn)],
    );
    let (tgw, cgw) = (
        b.r("aws_ec2_transit_gateway.t", "id"),
        b.r("aws_customer_gateway.c", "id"),
    );
    b.res(
        "aws_vpn_connection",
        "aws_vpn_connection.v",
        vec![("transit_gateway_id", tgw), ("customer_gateway_id", cgw)],
    );
    let (rt, att) = (
        b.r(
            "aws_ec2_transit_gateway.t",
            "association_default_route_table_id",
        ),
        b.r("aws_vpn_connection.v", "transit_gateway_attachment_id"),
    );
    b.res(
        "aws_ec2_transit_gateway_route_table_propagation",
        "aws_ec2_transit_gateway_route_table_propagation.p",
        vec![
            ("transit_gateway_route_table_id", rt),
            ("transit_gateway_attachment_id", att),
        ],
    );
    let net = b.lower(Lang::Terraform);
    let tgw = net.transit_gateways.values().next().expect("tgw");
    assert_eq!(tgw.default_route_table_association.copied(), Some(true));
    assert_eq!(tgw.security_group_referencing.copied(), Some(false));
    let attachment = net.tgw_attachments.values().next().expect("attachment");
    assert!(matches!(
        attachment.kind.copied(),
        Some(TgwAttachmentKind::Vpn(_))
    ));
    assert_eq!(attachment.transit_gateway.copied().map(Id::index), Some(0));
    let propagation = net.tgw_propagations.values().next().expect("propagation");
    assert!(propagation.route_table.get().is_some());
    assert!(propagation.attachment.get().is_some());
    assert_eq!(
        net.customer_gateways
            .values()
            .next()
            .and_then(|c| c.bgp_asn.copied()),
        Some(65000)
    );
    let vpn = net.vpn_connections.values().next().expect("vpn");
    assert_eq!(vpn.static_routes_only.copied(), Some(false));
    assert_eq!(vpn.static_routes_only.provenance, Provenance::Default);
}

#[test]
fn empty_strings_are_unset_as_in_plans() {
    let mut b = UnitBuilder::new();
    vpc_tf(&mut b, "aws_vpc.main", "10.0.0.0/16");
    let vpc = b.r("aws_vpc.main", "id");
    b.res(
        "aws_internet_gateway",
        "aws_internet_gateway.gw",
        vec![("vpc_id", vpc)],
    );
    let (v4, v6, gw, nat, pl) = (
        b.s(""),
        b.s("::/0"),
        b.r("aws_internet_gateway.gw", "id"),
        b.s(""),
        b.s(""),
    );
    let block = b.map(vec![
        ("cidr_block", v4),
        ("ipv6_cidr_block", v6),
        ("destination_prefix_list_id", pl),
        ("nat_gateway_id", nat),
        ("gateway_id", gw),
    ]);
    let routes = b.list(vec![block]);
    let vpc = b.r("aws_vpc.main", "id");
    b.res(
        "aws_route_table",
        "aws_route_table.rt",
        vec![("vpc_id", vpc), ("route", routes)],
    );
    let net = b.lower(Lang::TerraformPlan);
    let route = net.routes.values().next().expect("route");
    assert!(route.invalid_destination.is_none());
    assert!(matches!(
        route.destination.copied(),
        Some(Destination::Ipv6(_))
    ));
    assert!(matches!(
        route.target.copied(),
        Some(Target::InternetGateway(_))
    ));
}

#[test]
fn direct_connect_association_to_a_transit_gateway_attaches_it() {
    let mut b = UnitBuilder::new();
    b.res(
        "aws_ec2_transit_gateway",
        "aws_ec2_transit_gateway.t",
        vec![],
    );
    b.res("aws_dx_gateway", "aws_dx_gateway.dx", vec![]);
    let (dx, tgw, prefix) = (
        b.r("aws_dx_gateway.dx", "id"),
        b.r("aws_ec2_transit_gateway.t", "id"),
        b.s("10.0.0.0/8"),
    );
    let prefixes = b.list(vec![prefix]);
    b.res(
        "aws_dx_gateway_association",
        "aws_dx_gateway_association.a",
        vec![
            ("dx_gateway_id", dx),
            ("associated_gateway_id", tgw),
            ("allowed_prefixes", prefixes),
        ],
    );
    let net = b.lower(Lang::Terraform);
    let association = net.dx_associations.values().next().expect("association");
    assert!(matches!(
        association.associated.copied(),
        Some(DxAssociated::TransitGateway(_))
    ));
    assert_eq!(association.allowed_prefixes.len(), 1);
    let attachment = net.tgw_attachments.values().next().expect("dx attachment");
    assert!(matches!(
        attachment.kind.copied(),
        Some(TgwAttachmentKind::DxGateway(_))
    ));
    assert_eq!(
        attachment.origin.address,
        "aws_dx_gateway_association.a.transit_gateway_attachment"
    );
}

#[test]
fn cloudformation_default_egress_is_ipv6_too_in_a_vpc_with_an_ipv6_block() {
    let egress_peers = |ipv6_block: bool| -> Vec<String> {
        let mut b = UnitBuilder::new();
        let cidr = b.s("10.0.0.0/16");
        b.res("AWS::EC2::VPC", "Vpc", vec![("CidrBlock", cidr)]);
        // The group comes first: the block is found whatever the order.
        let (vpc, description) = (b.r("Vpc", "Ref"), b.s("app"));
        b.res(
            "AWS::EC2::SecurityGroup",
            "App",
            vec![("VpcId", vpc), ("GroupDescription", description)],
        );
        if ipv6_block {
            let (vpc, amazon) = (b.r("Vpc", "Ref"), b.b(true));
            b.res(
                "AWS::EC2::VPCCidrBlock",
                "Ipv6",
                vec![("VpcId", vpc), ("AmazonProvidedIpv6CidrBlock", amazon)],
            );
        }
        let net = b.lower(Lang::CloudFormation);
        net.sg_rules
            .values()
            .filter(|r| r.direction == Direction::Egress)
            .map(|r| match r.peer.copied() {
                Some(SgPeer::Cidr(net)) => net.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(egress_peers(true), ["0.0.0.0/0", "::/0"]);
    assert_eq!(egress_peers(false), ["0.0.0.0/0"]);
}

#[test]
fn cloudformation_empty_egress_list_keeps_the_default_egress() {
    // (no property, an empty list, one rule) -> the group's egress rules
    let egress = |written: Option<usize>| -> Vec<String> {
        let mut b = UnitBuilder::new();
        let cidr = b.s("10.0.0.0/16");
        b.res("AWS::EC2::VPC", "Vpc", vec![("CidrBlock", cidr)]);
        let (vpc, description) = (b.r("Vpc", "Ref"), b.s("app"));
        let mut attrs = vec![("VpcId", vpc), ("GroupDescription", description)];
        if let Some(count) = written {
            let mut rules = Vec::new();
            for _ in 0..count {
                let (protocol, cidr) = (b.s("tcp"), b.s("10.0.0.0/8"));
                let (from, to) = (b.s("443"), b.s("443"));
                rules.push(b.map(vec![
                    ("IpProtocol", protocol),
                    ("CidrIp", cidr),
                    ("FromPort", from),
                    ("ToPort", to),
                ]));
            }
            attrs.push(("SecurityGroupEgress", b.list(rules)));
        }
        b.res("AWS::EC2::SecurityGroup", "App", attrs);
        let net = b.lower(Lang::CloudFormation);
        net.sg_rules
            .values()
            .filter(|r| r.direction == Direction::Egress)
            .map(|r| match r.peer.copied() {
                Some(SgPeer::Cidr(net)) => net.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(egress(None), ["0.0.0.0/0"]);
    assert_eq!(egress(Some(0)), ["0.0.0.0/0"]);
    assert_eq!(egress(Some(1)), ["10.0.0.0/8"]);
}

/// A rule of unknown group in `address`, standing for an unread module's when it is
/// called from a module call of that address.
fn rule_of_unknown_group(b: &mut UnitBuilder, address: &str, unread_module: bool) {
    let group = b.unknown();
    b.https_ingress_rule(address, group);
    if unread_module {
        let span = b.span();
        let resource = b.resources.last_mut().expect("just added");
        resource.called_from = vec![crate::frontend::CallSite {
            address: address.into(),
            span,
        }]
        .into();
    }
}

#[test]
fn a_unit_without_groups_names_a_group_from_outside_it() {
    let rules_known = |rules_unit: UnitBuilder| {
        let mut groups = UnitBuilder::new();
        vpc_tf(&mut groups, "aws_vpc.a", "10.0.0.0/16");
        let vpc = groups.r("aws_vpc.a", "id");
        groups.res(
            "aws_security_group",
            "aws_security_group.a",
            vec![("vpc_id", vpc)],
        );
        let mut units = [
            groups.unit(Lang::Terraform, "a"),
            rules_unit.unit(Lang::Terraform, "b"),
        ];
        let net = lower(&mut units, Declared::default(), &SourceMap::new());
        net.security_groups
            .values()
            .map(|g| g.rules_known)
            .collect::<Vec<_>>()
    };
    // A data source, variable or import: any unit's group may hold the rule.
    let mut outside = UnitBuilder::new();
    rule_of_unknown_group(&mut outside, "aws_security_group_rule.https", false);
    assert_eq!(rules_known(outside), [false]);
    // What an unread module may add names what its call passes, from its own unit.
    let mut unread = UnitBuilder::new();
    rule_of_unknown_group(&mut unread, "module.access", true);
    assert_eq!(rules_known(unread), [true]);
    // A unit with a group of its own names that one.
    let mut own = UnitBuilder::new();
    let vpc = own.unknown();
    own.res(
        "aws_security_group",
        "aws_security_group.own",
        vec![("vpc_id", vpc)],
    );
    rule_of_unknown_group(&mut own, "aws_security_group_rule.https", false);
    assert_eq!(rules_known(own), [true, false]);
}
