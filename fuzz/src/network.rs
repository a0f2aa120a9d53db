//! Random but valid networks for the structure-aware target (`fuzz_targets/network.rs`):
//! one [`Spec`] drawn from the fuzzer's bytes, written as the same network in Terraform
//! and in CloudFormation.

use arbitrary::{Arbitrary, Result, Unstructured};
use std::fmt::Write;

const MAX_VPCS: usize = 4;
const MAX_SUBNETS: usize = 8;
const MAX_ITEMS: usize = 4;
const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

/// A block of the small address space the networks share, so that overlaps, containment
/// and peering conflicts are frequent.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    second: u8,
    third: u8,
    prefix: u8,
}

impl<'a> Arbitrary<'a> for Block {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let prefix = *u.choose(&[0, 8, 16, 20, 24, 28])?;
        let second = if prefix == 0 {
            0
        } else {
            u.int_in_range(0..=3)?
        };
        let third = if prefix < 24 {
            0
        } else {
            u.int_in_range(0..=3)? * 16
        };
        Ok(Block {
            second,
            third,
            prefix,
        })
    }
}

impl Block {
    fn cidr(self) -> String {
        match self.prefix {
            0 => "0.0.0.0/0".to_string(),
            8 => "10.0.0.0/8".to_string(),
            _ => format!("10.{}.{}.0/{}", self.second, self.third, self.prefix),
        }
    }

    /// A block a VPC accepts (/16 to /28).
    fn vpc_cidr(self) -> String {
        format!(
            "10.{}.{}.0/{}",
            self.second,
            self.third,
            self.prefix.max(16)
        )
    }
}

#[derive(Debug, Arbitrary)]
pub enum Target {
    InternetGateway(u8),
    NatGateway(u8),
    Peering(u8),
    TransitGateway,
    Instance(u8),
    VpnGateway(u8),
}

#[derive(Debug, Arbitrary)]
pub struct Route {
    destination: Block,
    target: Target,
}

#[derive(Debug, Arbitrary)]
pub struct Table {
    vpc: u8,
    routes: Vec<Route>,
    subnets: Vec<u8>,
}

#[derive(Debug, Arbitrary)]
pub struct Rule {
    protocol: Protocol,
    from_port: u16,
    span: u8,
    source: Block,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Protocol {
    Tcp,
    Udp,
    All,
}

#[derive(Debug, Arbitrary)]
pub struct Group {
    vpc: u8,
    ingress: Vec<Rule>,
    egress: Vec<Rule>,
}

#[derive(Debug, Arbitrary)]
pub struct Acl {
    vpc: u8,
    subnets: Vec<u8>,
    entries: Vec<(bool, bool, Rule)>,
}

#[derive(Debug, Arbitrary)]
pub struct Instance {
    subnet: u8,
    group: u8,
    source_dest_check: bool,
    public_ip: Option<bool>,
}

/// The network: indexes into other lists wrap around; a list that is empty where an index
/// needs it drops the item that needs it.
#[derive(Debug, Arbitrary)]
pub struct Spec {
    vpcs: Vec<Block>,
    subnets: Vec<(u8, Block, u8, bool)>,
    internet_gateways: Vec<u8>,
    nat_gateways: Vec<u8>,
    vpn_gateways: Vec<u8>,
    peerings: Vec<(u8, u8)>,
    tables: Vec<Table>,
    groups: Vec<Group>,
    acls: Vec<Acl>,
    instances: Vec<Instance>,
    transit_attachments: Vec<(u8, Vec<u8>)>,
}

/// The network as both languages write it: item names are shared, so that findings can
/// be compared rule by rule.
pub struct Written {
    pub terraform: String,
    pub cloudformation: String,
}

fn pick<T>(items: &[T], index: u8) -> Option<(usize, &T)> {
    (!items.is_empty()).then(|| {
        let i = usize::from(index) % items.len();
        (i, &items[i])
    })
}

/// The subnets of `vpc` that `picks` name and no earlier ACL or route table claimed (a
/// subnet has one of each), now claimed.
fn claim(
    picks: &[u8],
    subnets: &[(usize, Block, &'static str, bool)],
    vpc: usize,
    claimed: &mut Vec<usize>,
) -> Vec<usize> {
    let mut members: Vec<usize> = picks
        .iter()
        .take(MAX_ITEMS)
        .filter_map(|&s| pick(subnets, s).map(|(k, _)| k))
        .filter(|&k| subnets[k].0 == vpc)
        .collect();
    members.sort_unstable();
    members.dedup();
    members.retain(|s| !claimed.contains(s));
    claimed.extend(&members);
    members
}

fn ports(rule: &Rule) -> (u16, u16) {
    match rule.protocol {
        Protocol::All => (0, 0),
        _ => {
            let from = rule.from_port % 2048;
            (from, from + u16::from(rule.span % 64))
        }
    }
}

impl Spec {
    fn vpcs(&self) -> &[Block] {
        &self.vpcs[..self.vpcs.len().min(MAX_VPCS)]
    }

    /// Subnets whose VPC exists: (vpc index, block, zone, map public IP on launch).
    fn subnets(&self) -> Vec<(usize, Block, &'static str, bool)> {
        let vpcs = self.vpcs();
        self.subnets
            .iter()
            .take(MAX_SUBNETS)
            .filter_map(|&(vpc, block, zone, public)| {
                let (vpc, _) = pick(vpcs, vpc)?;
                Some((vpc, block, ZONES[usize::from(zone) % ZONES.len()], public))
            })
            .collect()
    }

    /// The VPCs of gateways a VPC has at most one of (internet, virtual private).
    fn owned(&self, list: &[u8]) -> Vec<usize> {
        let mut owners = Vec::new();
        for vpc in list
            .iter()
            .filter_map(|&i| pick(self.vpcs(), i).map(|(i, _)| i))
        {
            if !owners.contains(&vpc) {
                owners.push(vpc);
            }
        }
        owners
    }

    fn nats(&self) -> Vec<usize> {
        let subnets = self.subnets();
        self.nat_gateways
            .iter()
            .take(MAX_ITEMS)
            .filter_map(|&i| pick(&subnets, i).map(|(i, _)| i))
            .collect()
    }

    fn peerings(&self) -> Vec<(usize, usize)> {
        self.peerings
            .iter()
            .take(MAX_ITEMS)
            .filter_map(|&(a, b)| {
                let (a, _) = pick(self.vpcs(), a)?;
                let (b, _) = pick(self.vpcs(), b)?;
                (a != b).then_some((a, b))
            })
            .collect()
    }

    fn instances(&self) -> Vec<(usize, &Instance)> {
        let subnets = self.subnets();
        self.instances
            .iter()
            .take(MAX_ITEMS)
            .filter_map(|instance| pick(&subnets, instance.subnet).map(|(i, _)| (i, instance)))
            .collect()
    }

    fn attachments(&self) -> Vec<(usize, Vec<usize>)> {
        let subnets = self.subnets();
        self.transit_attachments
            .iter()
            .take(MAX_ITEMS)
            .filter_map(|(vpc, members)| {
                let (vpc, _) = pick(self.vpcs(), *vpc)?;
                let mut chosen: Vec<usize> = members
                    .iter()
                    .take(MAX_ITEMS)
                    .filter_map(|&s| pick(&subnets, s).map(|(i, _)| i))
                    .filter(|&s| subnets[s].0 == vpc)
                    .collect();
                chosen.sort_unstable();
                chosen.dedup();
                // One attachment subnet per zone, as AWS requires.
                let mut zones = Vec::new();
                chosen.retain(|&s| {
                    let fresh = !zones.contains(&subnets[s].2);
                    zones.push(subnets[s].2);
                    fresh
                });
                (!chosen.is_empty()).then_some((vpc, chosen))
            })
            .collect()
    }

    /// A route target that exists in the network and in the table's VPC where AWS needs it.
    fn target(&self, vpc: usize, target: &Target) -> Option<(&'static str, String)> {
        let same_vpc = |owners: &[usize], i: u8| {
            let candidates: Vec<usize> = (0..owners.len()).filter(|&k| owners[k] == vpc).collect();
            pick(&candidates, i).map(|(_, &k)| k)
        };
        let subnets = self.subnets();
        match *target {
            Target::InternetGateway(i) => same_vpc(&self.owned(&self.internet_gateways), i)
                .map(|k| ("igw", format!("Igw{k}"))),
            Target::VpnGateway(i) => {
                same_vpc(&self.owned(&self.vpn_gateways), i).map(|k| ("vgw", format!("Vgw{k}")))
            }
            Target::NatGateway(i) => {
                let owners: Vec<usize> = self.nats().iter().map(|&s| subnets[s].0).collect();
                same_vpc(&owners, i).map(|k| ("nat", format!("Nat{k}")))
            }
            Target::Instance(i) => {
                let owners: Vec<usize> = self
                    .instances()
                    .iter()
                    .map(|&(s, _)| subnets[s].0)
                    .collect();
                same_vpc(&owners, i).map(|k| ("instance", format!("Instance{k}")))
            }
            Target::Peering(i) => {
                let peerings = self.peerings();
                let candidates: Vec<usize> = (0..peerings.len())
                    .filter(|&k| peerings[k].0 == vpc || peerings[k].1 == vpc)
                    .collect();
                pick(&candidates, i).map(|(_, &k)| ("peering", format!("Peering{k}")))
            }
            Target::TransitGateway => self
                .attachments()
                .iter()
                .any(|(owner, _)| *owner == vpc)
                .then(|| ("tgw", "Tgw".to_string())),
        }
    }

    pub fn write(&self) -> Written {
        let mut tf = String::new();
        let mut cfn = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n");
        let subnets = self.subnets();
        let vpcs = self.vpcs();
        for (i, block) in vpcs.iter().enumerate() {
            let cidr = block.vpc_cidr();
            let _ = writeln!(
                tf,
                "resource \"aws_vpc\" \"Vpc{i}\" {{\n  cidr_block = \"{cidr}\"\n}}"
            );
            let _ = writeln!(
                cfn,
                "  Vpc{i}:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: {cidr}"
            );
        }
        for (i, (vpc, block, zone, public)) in subnets.iter().enumerate() {
            let cidr = block.vpc_cidr();
            let _ = writeln!(tf, "resource \"aws_subnet\" \"Subnet{i}\" {{\n  vpc_id = aws_vpc.Vpc{vpc}.id\n  cidr_block = \"{cidr}\"\n  availability_zone = \"{zone}\"\n  map_public_ip_on_launch = {public}\n}}");
            let _ = writeln!(cfn, "  Subnet{i}:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc{vpc}\n      CidrBlock: {cidr}\n      AvailabilityZone: {zone}\n      MapPublicIpOnLaunch: {public}");
        }
        for (i, vpc) in self.owned(&self.internet_gateways).into_iter().enumerate() {
            let _ = writeln!(tf, "resource \"aws_internet_gateway\" \"Igw{i}\" {{\n  vpc_id = aws_vpc.Vpc{vpc}.id\n}}");
            let _ = writeln!(cfn, "  Igw{i}:\n    Type: AWS::EC2::InternetGateway\n  Igw{i}Attachment:\n    Type: AWS::EC2::VPCGatewayAttachment\n    Properties:\n      VpcId: !Ref Vpc{vpc}\n      InternetGatewayId: !Ref Igw{i}");
        }
        for (i, vpc) in self.owned(&self.vpn_gateways).into_iter().enumerate() {
            let _ = writeln!(
                tf,
                "resource \"aws_vpn_gateway\" \"Vgw{i}\" {{\n  vpc_id = aws_vpc.Vpc{vpc}.id\n}}"
            );
            let _ = writeln!(cfn, "  Vgw{i}:\n    Type: AWS::EC2::VPNGateway\n    Properties:\n      Type: ipsec.1\n  Vgw{i}Attachment:\n    Type: AWS::EC2::VPCGatewayAttachment\n    Properties:\n      VpcId: !Ref Vpc{vpc}\n      VpnGatewayId: !Ref Vgw{i}");
        }
        for (i, subnet) in self.nats().into_iter().enumerate() {
            let _ = writeln!(tf, "resource \"aws_eip\" \"Nat{i}Address\" {{\n  domain = \"vpc\"\n}}\nresource \"aws_nat_gateway\" \"Nat{i}\" {{\n  subnet_id = aws_subnet.Subnet{subnet}.id\n  allocation_id = aws_eip.Nat{i}Address.id\n}}");
            let _ = writeln!(cfn, "  Nat{i}Address:\n    Type: AWS::EC2::EIP\n    Properties:\n      Domain: vpc\n  Nat{i}:\n    Type: AWS::EC2::NatGateway\n    Properties:\n      SubnetId: !Ref Subnet{subnet}\n      AllocationId: !GetAtt Nat{i}Address.AllocationId");
        }
        for (i, (a, b)) in self.peerings().into_iter().enumerate() {
            let _ = writeln!(tf, "resource \"aws_vpc_peering_connection\" \"Peering{i}\" {{\n  vpc_id = aws_vpc.Vpc{a}.id\n  peer_vpc_id = aws_vpc.Vpc{b}.id\n  auto_accept = true\n}}");
            let _ = writeln!(cfn, "  Peering{i}:\n    Type: AWS::EC2::VPCPeeringConnection\n    Properties:\n      VpcId: !Ref Vpc{a}\n      PeerVpcId: !Ref Vpc{b}");
        }
        for (i, group) in self.groups.iter().take(MAX_ITEMS).enumerate() {
            let Some((vpc, _)) = pick(vpcs, group.vpc) else {
                continue;
            };
            let _ = writeln!(
                tf,
                "resource \"aws_security_group\" \"Group{i}\" {{\n  vpc_id = aws_vpc.Vpc{vpc}.id"
            );
            let _ = writeln!(cfn, "  Group{i}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: group {i}\n      VpcId: !Ref Vpc{vpc}");
            // CloudFormation adds an allow-all egress rule to a group that lists none, and
            // Terraform removes it: both write at least one egress rule.
            let fallback = Rule {
                protocol: Protocol::All,
                from_port: 0,
                span: 0,
                source: Block {
                    second: 0,
                    third: 0,
                    prefix: 0,
                },
            };
            let egress: Vec<&Rule> = if group.egress.is_empty() {
                vec![&fallback]
            } else {
                group.egress.iter().take(MAX_ITEMS).collect()
            };
            for (direction, rules, key, peer) in [
                (
                    "ingress",
                    group.ingress.iter().take(MAX_ITEMS).collect::<Vec<_>>(),
                    "SecurityGroupIngress",
                    "CidrIp",
                ),
                ("egress", egress, "SecurityGroupEgress", "CidrIp"),
            ] {
                if rules.is_empty() {
                    continue;
                }
                let _ = writeln!(cfn, "      {key}:");
                for rule in rules {
                    let (from, to) = ports(rule);
                    let (tf_protocol, cfn_protocol) = protocol_names(rule.protocol);
                    let cidr = rule.source.cidr();
                    let _ = writeln!(tf, "  {direction} {{\n    protocol = \"{tf_protocol}\"\n    from_port = {from}\n    to_port = {to}\n    cidr_blocks = [\"{cidr}\"]\n  }}");
                    let _ = writeln!(cfn, "        - IpProtocol: \"{cfn_protocol}\"\n          FromPort: {from}\n          ToPort: {to}\n          {peer}: {cidr}");
                }
            }
            tf.push_str("}\n");
        }
        // A subnet has one network ACL and one route table: the first to claim it.
        let mut in_acl = Vec::new();
        for (i, acl) in self.acls.iter().take(MAX_ITEMS).enumerate() {
            let Some((vpc, _)) = pick(vpcs, acl.vpc) else {
                continue;
            };
            let members = claim(&acl.subnets, &subnets, vpc, &mut in_acl);
            let _ = writeln!(tf, "resource \"aws_network_acl\" \"Acl{i}\" {{\n  vpc_id = aws_vpc.Vpc{vpc}.id\n  subnet_ids = [{}]\n}}", members.iter().map(|s| format!("aws_subnet.Subnet{s}.id")).collect::<Vec<_>>().join(", "));
            let _ = writeln!(cfn, "  Acl{i}:\n    Type: AWS::EC2::NetworkAcl\n    Properties:\n      VpcId: !Ref Vpc{vpc}");
            for s in &members {
                let _ = writeln!(cfn, "  Acl{i}Subnet{s}:\n    Type: AWS::EC2::SubnetNetworkAclAssociation\n    Properties:\n      NetworkAclId: !Ref Acl{i}\n      SubnetId: !Ref Subnet{s}");
            }
            for (k, (egress, allow, rule)) in acl.entries.iter().take(MAX_ITEMS).enumerate() {
                let number = 100 + 10 * k;
                let (from, to) = ports(rule);
                let (protocol, number_protocol) = match rule.protocol {
                    Protocol::Tcp => ("tcp", 6),
                    Protocol::Udp => ("udp", 17),
                    Protocol::All => ("-1", -1),
                };
                let action = if *allow { "allow" } else { "deny" };
                let cidr = rule.source.cidr();
                let ports_tf = if rule.protocol == Protocol::All {
                    String::new()
                } else {
                    format!("\n  from_port = {from}\n  to_port = {to}")
                };
                let _ = writeln!(tf, "resource \"aws_network_acl_rule\" \"Acl{i}Entry{k}\" {{\n  network_acl_id = aws_network_acl.Acl{i}.id\n  rule_number = {number}\n  egress = {egress}\n  protocol = \"{protocol}\"\n  rule_action = \"{action}\"\n  cidr_block = \"{cidr}\"{ports_tf}\n}}");
                let ports_cfn = if rule.protocol == Protocol::All {
                    String::new()
                } else {
                    format!("\n      PortRange:\n        From: {from}\n        To: {to}")
                };
                let _ = writeln!(cfn, "  Acl{i}Entry{k}:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl{i}\n      RuleNumber: {number}\n      Egress: {egress}\n      Protocol: {number_protocol}\n      RuleAction: {action}\n      CidrBlock: {cidr}{ports_cfn}");
            }
        }
        let groups: Vec<usize> = self
            .groups
            .iter()
            .take(MAX_ITEMS)
            .enumerate()
            .filter(|(_, g)| pick(vpcs, g.vpc).is_some())
            .map(|(i, _)| i)
            .collect();
        for (i, (subnet, instance)) in self.instances().into_iter().enumerate() {
            let vpc = subnets[subnet].0;
            let group = pick(&groups, instance.group)
                .map(|(_, &g)| g)
                .filter(|&g| pick(vpcs, self.groups[g].vpc).map(|(v, _)| v) == Some(vpc));
            let check = instance.source_dest_check;
            let tf_groups = group
                .map(|g| format!("\n  vpc_security_group_ids = [aws_security_group.Group{g}.id]"))
                .unwrap_or_default();
            let tf_public = instance
                .public_ip
                .map(|p| format!("\n  associate_public_ip_address = {p}"))
                .unwrap_or_default();
            let _ = writeln!(tf, "resource \"aws_instance\" \"Instance{i}\" {{\n  ami = \"ami-12345678\"\n  instance_type = \"t3.micro\"\n  subnet_id = aws_subnet.Subnet{subnet}.id\n  source_dest_check = {check}{tf_groups}{tf_public}\n}}");
            let _ = writeln!(cfn, "  Instance{i}:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      InstanceType: t3.micro\n      SourceDestCheck: {check}");
            let cfn_groups = group.map(|g| format!("[!Ref Group{g}]"));
            match instance.public_ip {
                Some(public) => {
                    let set = cfn_groups
                        .map(|g| format!("\n          GroupSet: {g}"))
                        .unwrap_or_default();
                    let _ = writeln!(cfn, "      NetworkInterfaces:\n        - DeviceIndex: \"0\"\n          SubnetId: !Ref Subnet{subnet}\n          AssociatePublicIpAddress: {public}{set}");
                }
                None => {
                    let _ = writeln!(cfn, "      SubnetId: !Ref Subnet{subnet}");
                    if let Some(g) = cfn_groups {
                        let _ = writeln!(cfn, "      SecurityGroupIds: {g}");
                    }
                }
            }
        }
        let attachments = self.attachments();
        if !attachments.is_empty() {
            tf.push_str("resource \"aws_ec2_transit_gateway\" \"Tgw\" {}\n");
            cfn.push_str("  Tgw:\n    Type: AWS::EC2::TransitGateway\n");
        }
        for (i, (vpc, members)) in attachments.iter().enumerate() {
            let tf_subnets = members
                .iter()
                .map(|s| format!("aws_subnet.Subnet{s}.id"))
                .collect::<Vec<_>>()
                .join(", ");
            let cfn_subnets = members
                .iter()
                .map(|s| format!("!Ref Subnet{s}"))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(tf, "resource \"aws_ec2_transit_gateway_vpc_attachment\" \"Attachment{i}\" {{\n  transit_gateway_id = aws_ec2_transit_gateway.Tgw.id\n  vpc_id = aws_vpc.Vpc{vpc}.id\n  subnet_ids = [{tf_subnets}]\n}}");
            let _ = writeln!(cfn, "  Attachment{i}:\n    Type: AWS::EC2::TransitGatewayAttachment\n    Properties:\n      TransitGatewayId: !Ref Tgw\n      VpcId: !Ref Vpc{vpc}\n      SubnetIds: [{cfn_subnets}]");
        }
        let mut in_table = Vec::new();
        for (i, table) in self.tables.iter().take(MAX_ITEMS).enumerate() {
            let Some((vpc, _)) = pick(vpcs, table.vpc) else {
                continue;
            };
            let _ = writeln!(
                tf,
                "resource \"aws_route_table\" \"Table{i}\" {{\n  vpc_id = aws_vpc.Vpc{vpc}.id\n}}"
            );
            let _ = writeln!(cfn, "  Table{i}:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc{vpc}");
            let mut destinations = Vec::new();
            for (k, route) in table.routes.iter().take(MAX_ITEMS).enumerate() {
                let Some((kind, name)) = self.target(vpc, &route.target) else {
                    continue;
                };
                let cidr = route.destination.cidr();
                // AWS refuses two routes to one destination in a table.
                if destinations.contains(&cidr) {
                    continue;
                }
                destinations.push(cidr.clone());
                let (tf_target, cfn_target) = match kind {
                    "igw" => (format!("gateway_id = aws_internet_gateway.{name}.id"), format!("GatewayId: !Ref {name}")),
                    "vgw" => (format!("gateway_id = aws_vpn_gateway.{name}.id"), format!("GatewayId: !Ref {name}")),
                    "nat" => (format!("nat_gateway_id = aws_nat_gateway.{name}.id"), format!("NatGatewayId: !Ref {name}")),
                    "peering" => (format!("vpc_peering_connection_id = aws_vpc_peering_connection.{name}.id"), format!("VpcPeeringConnectionId: !Ref {name}")),
                    "tgw" => ("transit_gateway_id = aws_ec2_transit_gateway.Tgw.id".to_string(), "TransitGatewayId: !Ref Tgw".to_string()),
                    _ => (format!("network_interface_id = aws_instance.{name}.primary_network_interface_id"), format!("InstanceId: !Ref {name}")),
                };
                let _ = writeln!(tf, "resource \"aws_route\" \"Table{i}Route{k}\" {{\n  route_table_id = aws_route_table.Table{i}.id\n  destination_cidr_block = \"{cidr}\"\n  {tf_target}\n}}");
                let _ = writeln!(cfn, "  Table{i}Route{k}:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref Table{i}\n      DestinationCidrBlock: {cidr}\n      {cfn_target}");
            }
            let members = claim(&table.subnets, &subnets, vpc, &mut in_table);
            for s in members {
                let _ = writeln!(tf, "resource \"aws_route_table_association\" \"Table{i}Subnet{s}\" {{\n  route_table_id = aws_route_table.Table{i}.id\n  subnet_id = aws_subnet.Subnet{s}.id\n}}");
                let _ = writeln!(cfn, "  Table{i}Subnet{s}:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      RouteTableId: !Ref Table{i}\n      SubnetId: !Ref Subnet{s}");
            }
        }
        if !cfn.contains("    Type:") {
            cfn.push_str("  Placeholder:\n    Type: AWS::CloudFormation::WaitConditionHandle\n");
        }
        Written {
            terraform: tf,
            cloudformation: cfn,
        }
    }
}

fn protocol_names(protocol: Protocol) -> (&'static str, &'static str) {
    match protocol {
        Protocol::Tcp => ("tcp", "tcp"),
        Protocol::Udp => ("udp", "udp"),
        Protocol::All => ("-1", "-1"),
    }
}
