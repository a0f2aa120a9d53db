//! Synthetic-estate benchmark: `cargo bench --bench estate [-- --scale 1,10]`.
//!
//! Generates an estate of 500 VPCs, 5,000 subnets, 2,000 peering connections, 20,000 routes,
//! 500 security groups and 500 NACLs, written once as Terraform (50 root modules, 1,000
//! `.tf` files) and once as CloudFormation (50 templates), at each requested scale (×10
//! multiplies every count). Each measurement runs in a fresh child process so that its peak
//! memory (VmHWM) is its own, and reports, for each estate and scale (default 1, 10, 30):
//! - `parse`: the floor: read every file once and run the same parsers (vpclint's HCL parser, saphyr,
//!   jsonc) in parallel, nothing else;
//! - `lint`: discover + parse + evaluate + lower, then every rule through the engine
//!   (suppressions, sorting) and the SARIF report written to a file, as
//!   `vpclint lint --format sarif --output` does;
//! - `lint/parse` (the targets: at most 2) and peak memory ÷ input bytes (at most 5).
//!
//! `cargo bench --bench estate -- --generate DIR [SCALE]` only writes the estates under
//! `DIR` (for profiling `vpclint` on them).
//!
//! `cargo bench --bench estate -- --reach` measures `vpclint reach` after the model is
//! built: one query on the Terraform estate (500 VPCs), and the all-pairs matrix of the
//! subnets of one VPC of 50 subnets (2,500 queries, each forward and back).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

// The `vpclint` binary's allocator (src/main.rs): `lint` here costs what it costs there.
#[global_allocator]
static GLOBAL: vpclint::alloc::MiMalloc = vpclint::alloc::MiMalloc;

const ROOTS_PER_SCALE: usize = 50;
const VPCS_PER_ROOT: usize = 10;
const SUBNETS_PER_VPC: usize = 10;
const PEERINGS_PER_ROOT: usize = 40;
/// Routes per VPC besides the default route and the peering routes (8 peerings × 2 tables).
const EXTRA_ROUTES_PER_VPC: usize = 23;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--measure") {
        let mode = &args[pos + 1];
        let dir = PathBuf::from(&args[pos + 2]);
        // Both modes on the threads `vpclint` runs a command on (src/cli.rs).
        vpclint::frontend::on_eval_stack(|| {
            vpclint::cli::join_thread_pool();
            measure(mode, &dir)
        });
        return;
    }
    if let Some(pos) = args.iter().position(|a| a == "--generate") {
        let dir = PathBuf::from(&args[pos + 1]);
        let scale = args.get(pos + 2).and_then(|s| s.parse().ok()).unwrap_or(1);
        write_terraform_estate(&dir.join(format!("terraform-x{scale}")), scale);
        write_cloudformation_estate(&dir.join(format!("cloudformation-x{scale}")), scale);
        return;
    }
    if args.iter().any(|a| a == "--reach") {
        measure_reach();
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        // `cargo test --all-targets` runs benches in test mode: only `cargo bench` measures.
        println!("estate benchmark: run `cargo bench --bench estate` to measure");
        return;
    }
    let scales: Vec<usize> = args
        .iter()
        .position(|a| a == "--scale")
        .and_then(|p| args.get(p + 1))
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 10, 30]);

    let base = std::env::temp_dir().join(format!("vpclint-estate-{}", std::process::id()));
    println!(
        "| estate | scale | files | input MiB | parse s | lint s | lint/parse | parse MiB | lint MiB | lint MiB/input |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for &scale in &scales {
        for lang in ["terraform", "cloudformation"] {
            let dir = base.join(format!("{lang}-x{scale}"));
            let files = match lang {
                "terraform" => write_terraform_estate(&dir, scale),
                _ => write_cloudformation_estate(&dir, scale),
            };
            let input = source_files(&dir)
                .iter()
                .filter_map(|p| std::fs::metadata(p).ok())
                .map(|m| m.len())
                .sum::<u64>() as f64;
            let [parse, lint] = ["parse", "lint"].map(|mode| {
                // Warm the page cache once, then take the best of three runs.
                let _ = run_child(mode, &dir);
                (0..3)
                    .filter_map(|_| run_child(mode, &dir))
                    .min_by(|a, b| a.0.total_cmp(&b.0))
            });
            let mib = |kib: u64| kib as f64 / 1024.0;
            match (parse, lint) {
                (Some((parse_s, parse_kib)), Some((lint_s, lint_kib))) => println!(
                    "| {lang} | x{scale} | {files} | {:.1} | {parse_s:.3} | {lint_s:.3} | {:.2} | {:.0} | {:.0} | {:.1} |",
                    input / 1048576.0,
                    lint_s / parse_s,
                    mib(parse_kib),
                    mib(lint_kib),
                    lint_kib as f64 * 1024.0 / input,
                ),
                _ => println!("| {lang} | x{scale} | {files} | failed |"),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&base);
}

/// Every Terraform or CloudFormation file under `dir`, sorted.
fn source_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for path in entries.filter_map(|e| e.ok()).map(|e| e.path()) {
            if path.is_dir() {
                pending.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("tf" | "json" | "yaml" | "yml")
            ) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The floor: read each file once and run the same parsers as `lint` (vpclint's HCL parser, saphyr,
/// jsonc), in parallel, with no evaluation.
fn parse_only(dir: &Path) {
    use rayon::prelude::*;
    use vpclint::frontend::{cloudformation, terraform};
    let parsed = source_files(dir)
        .par_iter()
        .filter(|path| {
            let Ok(text) = std::fs::read_to_string(path) else {
                return false;
            };
            if path.extension().is_some_and(|e| e == "tf") {
                terraform::parse_only(path, &text)
            } else {
                cloudformation::parse_only(path, &text)
            }
        })
        .count();
    assert!(parsed > 0, "nothing parsed under {}", dir.display());
}

fn run_child(mode: &str, dir: &Path) -> Option<(f64, u64)> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe)
        .args(["--measure", mode])
        .arg(dir)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// Runs one measurement in this (child) process and prints `seconds peak_kib`.
fn measure(mode: &str, dir: &Path) {
    let start = Instant::now();
    if mode == "parse" {
        parse_only(dir);
        println!("{} {}", start.elapsed().as_secs_f64(), peak_rss_kib());
        return;
    }
    let analysis = vpclint::pipeline::analyze(&[dir.to_path_buf()], &Default::default());
    if mode == "lint" {
        lint_to_sarif(&analysis, dir);
    }
    let secs = start.elapsed().as_secs_f64();
    assert!(
        analysis.network.routes.len() >= 20_000,
        "the estate lowered to {} routes only",
        analysis.network.routes.len()
    );
    println!("{secs} {}", peak_rss_kib());
}

/// `reach` on the estate and on a 50-subnet VPC, after the model is built.
fn measure_reach() {
    use vpclint::model::analysis::reach::{resolve, Reach, Traffic, Verdict};
    use vpclint::model::Protocol;
    let dir = std::env::temp_dir().join(format!("vpclint-reach-{}", std::process::id()));
    write_terraform_estate(&dir, 1);
    let analysis = vpclint::pipeline::analyze(std::slice::from_ref(&dir), &Default::default());
    let network = &analysis.network;
    let no_file = |_| String::new();
    let started = Instant::now();
    let reach = Reach::new(network);
    let index_ms = started.elapsed().as_secs_f64() * 1000.0;
    let traffic = Traffic {
        protocol: Protocol::TCP,
        port: Some(443),
    };
    // The first subnet of the first VPC to a host of a VPC it peers with, and to the
    // internet: the longest paths the estate has.
    let from = resolve(network, "10.0.0.10", &no_file).expect("a subnet host");
    let mut timings = Vec::new();
    for to in ["10.0.16.10", "8.8.8.8"] {
        let to = resolve(network, to, &no_file).expect("an endpoint");
        let best = (0..5)
            .map(|_| {
                let started = Instant::now();
                let answer = reach.answer(&from, &to, traffic);
                (started.elapsed().as_secs_f64() * 1000.0, answer.verdict)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .expect("five runs");
        timings.push(best);
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "estate ({} VPCs, {} subnets, {} routes): index {index_ms:.1} ms; one query {:.3} ms ({:?}), to the internet {:.3} ms ({:?})",
        network.vpcs.len(),
        network.subnets.len(),
        network.routes.len(),
        timings[0].0,
        timings[0].1,
        timings[1].0,
        timings[1].1
    );

    let network = fifty_subnets();
    let reach = Reach::new(&network);
    let endpoints: Vec<_> = network
        .subnets
        .values()
        .map(|s| resolve(&network, &s.origin.address, &no_file).expect("a subnet"))
        .collect();
    let started = Instant::now();
    let mut reachable = 0;
    for from in &endpoints {
        for to in &endpoints {
            if reach.answer(from, to, traffic).verdict == Verdict::Reachable {
                reachable += 1;
            }
        }
    }
    println!(
        "all pairs of one VPC of {} subnets: {} queries in {:.1} ms ({reachable} reachable)",
        endpoints.len(),
        endpoints.len() * endpoints.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
}

/// One VPC of 50 subnets: 10 public ones, 40 private ones behind a NACL that lets HTTPS
/// in from the VPC and then, in 20 entries per direction, only some subnets' replies.
fn fifty_subnets() -> vpclint::model::Network {
    use vpclint::model::testing::NetworkBuilder;
    use vpclint::model::{Direction, NaclAction, PortRange, Protocol, Target};
    let mut b = NetworkBuilder::new();
    let vpc = b.vpc("aws_vpc.big", "10.0.0.0/16");
    let igw = b.internet_gateway("aws_internet_gateway.big", vpc);
    let public = b.route_table("aws_route_table.public", vpc);
    b.route(
        "aws_route.public",
        public,
        "0.0.0.0/0",
        Target::InternetGateway(igw),
    );
    let private = b.route_table("aws_route_table.private", vpc);
    let nacl = b.nacl("aws_network_acl.private", vpc);
    let https = PortRange::single(443);
    b.nacl_entry(
        "in",
        nacl,
        90,
        Direction::Ingress,
        Protocol::TCP,
        NaclAction::Allow,
        "10.0.0.0/16",
        https,
    );
    for n in 0..20u32 {
        for direction in [Direction::Ingress, Direction::Egress] {
            let cidr = format!("10.0.{}.0/24", n * 2);
            let ports = PortRange {
                from: 1024,
                to: 65535,
            };
            b.nacl_entry(
                "entry",
                nacl,
                100 + n,
                direction,
                Protocol::TCP,
                NaclAction::Allow,
                &cidr,
                ports,
            );
        }
    }
    for i in 0..50 {
        let subnet = b.subnet(
            &format!("aws_subnet.s[{i}]"),
            vpc,
            &format!("10.0.{i}.0/24"),
        );
        if i < 10 {
            b.associate("assoc", public, subnet);
        } else {
            b.associate("assoc", private, subnet);
            let member = b.known(subnet);
            b.network.nacls[nacl].subnets.push(member);
        }
    }
    b.finish()
}

/// The rules through the engine, then the SARIF report written next to the estate.
fn lint_to_sarif(analysis: &vpclint::pipeline::Analysis, dir: &Path) {
    use vpclint::report::{self, AnalyzedUnit, Report};
    let started = Instant::now();
    let catalog = vpclint::rules::catalog();
    let registry = vpclint::rules::registry();
    let outcome = vpclint::engine::run(
        &registry,
        &catalog,
        &analysis.network,
        &analysis.units,
        &analysis.sources,
        &Default::default(),
    );
    let cwd = std::env::current_dir().unwrap_or_default();
    let analyzed: Vec<AnalyzedUnit> = analysis
        .inputs
        .iter()
        .map(|input| AnalyzedUnit {
            kind: input.kind(),
            path: report::display_path(input.path(), &cwd),
        })
        .collect();
    let rendered = report::sarif::render(&Report {
        findings: &outcome.findings,
        suppressed: &outcome.suppressed,
        sources: &analysis.sources,
        catalog: &catalog,
        analyzed: &analyzed,
        not_analyzed: &outcome.not_analyzed,
        cwd: &cwd,
        elapsed: started.elapsed(),
        baseline_stale: None,
    });
    let out = dir.with_extension("sarif");
    std::fs::write(&out, rendered).expect("write the SARIF report");
    eprintln!("{} findings", outcome.findings.len());
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The k-th VPC of the estate gets the k-th /20 of 10.0.0.0/8 (wrapping into 100.64/10
/// style space is never needed: 4,096 /20s fit, enough for scale 8; larger scales reuse
/// addresses in other root modules, which never peer with each other).
fn vpc_cidr(k: usize) -> String {
    let k = k % 4096;
    let base = (10u32 << 24) + (k as u32) * 4096;
    format!(
        "{}.{}.{}.0/20",
        base >> 24,
        (base >> 16) & 255,
        (base >> 8) & 255
    )
}

/// The first `PEERINGS_PER_ROOT` pairs of VPCs of one root, in a fixed order.
fn peering_pairs() -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for a in 0..VPCS_PER_ROOT {
        for b in a + 1..VPCS_PER_ROOT {
            pairs.push((a, b));
        }
    }
    pairs.truncate(PEERINGS_PER_ROOT);
    pairs
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create estate directory");
    }
    std::fs::write(path, text).expect("write estate file");
}

fn write_terraform_estate(dir: &Path, scale: usize) -> usize {
    let mut files = 0;
    for root in 0..ROOTS_PER_SCALE * scale {
        let root_dir = dir.join(format!("root{root:04}"));
        for v in 0..VPCS_PER_ROOT {
            let k = root * VPCS_PER_ROOT + v;
            write(&root_dir.join(format!("vpc{v}.tf")), &terraform_vpc(v, k));
            files += 1;
        }
        let pairs = peering_pairs();
        for (file, chunk) in pairs.chunks(PEERINGS_PER_ROOT / 10).enumerate() {
            let mut text = String::new();
            for &(a, b) in chunk {
                terraform_peering(&mut text, a, b);
            }
            write(&root_dir.join(format!("peering{file}.tf")), &text);
            files += 1;
        }
    }
    files
}

fn terraform_vpc(v: usize, k: usize) -> String {
    let mut t = String::new();
    let cidr = vpc_cidr(k);
    let _ = write!(
        t,
        r#"locals {{
  vpc{v}_subnets = {{ for i in range({SUBNETS_PER_VPC}) : "s${{i}}" => {{ index = i, public = i < 2 }} }}
}}

resource "aws_vpc" "v{v}" {{
  cidr_block           = "{cidr}"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {{ Name = "vpc-{k}" }}
}}

resource "aws_subnet" "v{v}" {{
  for_each          = local.vpc{v}_subnets
  vpc_id            = aws_vpc.v{v}.id
  cidr_block        = cidrsubnet(aws_vpc.v{v}.cidr_block, 4, each.value.index)
  availability_zone = each.value.index % 2 == 0 ? "us-east-1a" : "us-east-1b"
}}

resource "aws_internet_gateway" "v{v}" {{
  vpc_id = aws_vpc.v{v}.id
}}

resource "aws_route_table" "v{v}_public" {{
  vpc_id = aws_vpc.v{v}.id
}}

resource "aws_route_table" "v{v}_private" {{
  vpc_id = aws_vpc.v{v}.id
}}

resource "aws_route_table_association" "v{v}" {{
  for_each       = local.vpc{v}_subnets
  subnet_id      = aws_subnet.v{v}[each.key].id
  route_table_id = each.value.public ? aws_route_table.v{v}_public.id : aws_route_table.v{v}_private.id
}}

resource "aws_route" "v{v}_default" {{
  route_table_id         = aws_route_table.v{v}_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.v{v}.id
}}

resource "aws_route" "v{v}_partner" {{
  count                  = {EXTRA_ROUTES_PER_VPC}
  route_table_id         = aws_route_table.v{v}_public.id
  destination_cidr_block = cidrsubnet("192.168.0.0/16", 8, count.index)
  gateway_id             = aws_internet_gateway.v{v}.id
}}

resource "aws_security_group" "v{v}" {{
  name   = "web-{k}"
  vpc_id = aws_vpc.v{v}.id

  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_network_acl" "v{v}" {{
  vpc_id     = aws_vpc.v{v}.id
  subnet_ids = [for s in aws_subnet.v{v} : s.id]

  ingress {{
    rule_no    = 100
    protocol   = "tcp"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 443
    to_port    = 443
  }}

  ingress {{
    rule_no    = 200
    protocol   = "tcp"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 1024
    to_port    = 65535
  }}

  egress {{
    rule_no    = 100
    protocol   = "-1"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }}
}}
"#
    );
    t
}

fn terraform_peering(t: &mut String, a: usize, b: usize) {
    let _ = write!(
        t,
        r#"resource "aws_vpc_peering_connection" "p{a}_{b}" {{
  vpc_id      = aws_vpc.v{a}.id
  peer_vpc_id = aws_vpc.v{b}.id
  auto_accept = true
}}

"#
    );
    for (from, to) in [(a, b), (b, a)] {
        for table in ["public", "private"] {
            let _ = write!(
                t,
                r#"resource "aws_route" "p{a}_{b}_{from}_{table}" {{
  route_table_id            = aws_route_table.v{from}_{table}.id
  destination_cidr_block    = aws_vpc.v{to}.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.p{a}_{b}.id
}}

"#
            );
        }
    }
}

fn write_cloudformation_estate(dir: &Path, scale: usize) -> usize {
    let roots = ROOTS_PER_SCALE * scale;
    for root in 0..roots {
        let mut t = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n");
        for v in 0..VPCS_PER_ROOT {
            cloudformation_vpc(&mut t, v, root * VPCS_PER_ROOT + v);
        }
        for (a, b) in peering_pairs() {
            cloudformation_peering(&mut t, a, b);
        }
        write(&dir.join(format!("stack{root:04}.yaml")), &t);
    }
    roots
}

fn cloudformation_vpc(t: &mut String, v: usize, k: usize) {
    let cidr = vpc_cidr(k);
    let _ = write!(
        t,
        r#"  Vpc{v}:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: {cidr}
      EnableDnsSupport: true
      EnableDnsHostnames: true
      Tags:
        - Key: Name
          Value: vpc-{k}
  Igw{v}:
    Type: AWS::EC2::InternetGateway
  IgwAttachment{v}:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc{v}
      InternetGatewayId: !Ref Igw{v}
  PublicRt{v}:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc{v}
  PrivateRt{v}:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc{v}
  DefaultRoute{v}:
    Type: AWS::EC2::Route
    DependsOn: IgwAttachment{v}
    Properties:
      RouteTableId: !Ref PublicRt{v}
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref Igw{v}
"#
    );
    for s in 0..SUBNETS_PER_VPC {
        let table = if s < 2 { "PublicRt" } else { "PrivateRt" };
        let az = s % 2;
        let _ = write!(
            t,
            r#"  Subnet{v}x{s}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc{v}
      CidrBlock: !Select [{s}, !Cidr [!GetAtt Vpc{v}.CidrBlock, 16, 8]]
      AvailabilityZone: !Select [{az}, !GetAZs ""]
  Subnet{v}x{s}Rt:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref Subnet{v}x{s}
      RouteTableId: !Ref {table}{v}
"#
        );
    }
    for r in 0..EXTRA_ROUTES_PER_VPC {
        let _ = write!(
            t,
            r#"  PartnerRoute{v}x{r}:
    Type: AWS::EC2::Route
    DependsOn: IgwAttachment{v}
    Properties:
      RouteTableId: !Ref PublicRt{v}
      DestinationCidrBlock: 192.168.{r}.0/24
      GatewayId: !Ref Igw{v}
"#
        );
    }
    let _ = write!(
        t,
        r#"  Sg{v}:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      VpcId: !Ref Vpc{v}
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
  Nacl{v}:
    Type: AWS::EC2::NetworkAcl
    Properties:
      VpcId: !Ref Vpc{v}
  Nacl{v}In443:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Nacl{v}
      RuleNumber: 100
      Protocol: 6
      RuleAction: allow
      CidrBlock: 0.0.0.0/0
      PortRange: {{From: 443, To: 443}}
  Nacl{v}InEphemeral:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Nacl{v}
      RuleNumber: 200
      Protocol: 6
      RuleAction: allow
      CidrBlock: 0.0.0.0/0
      PortRange: {{From: 1024, To: 65535}}
  Nacl{v}Out:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Nacl{v}
      RuleNumber: 100
      Egress: true
      Protocol: -1
      RuleAction: allow
      CidrBlock: 0.0.0.0/0
"#
    );
}

fn cloudformation_peering(t: &mut String, a: usize, b: usize) {
    let _ = write!(
        t,
        r#"  Peering{a}x{b}:
    Type: AWS::EC2::VPCPeeringConnection
    Properties:
      VpcId: !Ref Vpc{a}
      PeerVpcId: !Ref Vpc{b}
"#
    );
    for (from, to) in [(a, b), (b, a)] {
        for table in ["PublicRt", "PrivateRt"] {
            let _ = write!(
                t,
                r#"  PeeringRoute{a}x{b}x{from}{table}:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref {table}{from}
      DestinationCidrBlock: !GetAtt Vpc{to}.CidrBlock
      VpcPeeringConnectionId: !Ref Peering{a}x{b}
"#
            );
        }
    }
}
