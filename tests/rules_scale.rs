//! All rules over a large hand-built estate (500 VPCs, 5,000 subnets, 2,000 peerings,
//! 20,000 routes) with no mistake in it: at scale, no rule may report anything. Per-rule
//! times are printed for information (`-- --nocapture`); the speed target itself is
//! measured by `cargo bench --bench estate`.

use std::time::Instant;
use vpclint::model::testing::NetworkBuilder;
use vpclint::model::{Network, Target};
use vpclint::rules::registry;

fn estate() -> Network {
    let mut b = NetworkBuilder::new();
    let vpcs: Vec<_> = (0..500usize)
        .map(|i| {
            b.vpc(
                &format!("aws_vpc.v[{i}]"),
                &format!("10.{}.{}.0/24", i / 256, i % 256),
            )
        })
        .collect();
    for (i, &vpc) in vpcs.iter().enumerate() {
        for s in 0..10 {
            b.subnet(
                &format!("aws_subnet.s[{}]", i * 10 + s),
                vpc,
                &format!("10.{}.{}.{}/28", i / 256, i % 256, s * 16),
            );
        }
    }
    let mut tables = Vec::new();
    for (i, &vpc) in vpcs.iter().enumerate() {
        let igw = b.internet_gateway(&format!("aws_internet_gateway.g[{i}]"), vpc);
        let table = b.route_table(&format!("aws_route_table.t[{i}]"), vpc);
        b.route(
            &format!("aws_route.default[{i}]"),
            table,
            "0.0.0.0/0",
            Target::InternetGateway(igw),
        );
        tables.push(table);
    }
    let mut routes = 500;
    for p in 0..2000usize {
        // Distinct pairs {a, a + k} for k in 1..=4.
        let (a, c) = (p % 500, (p % 500 + 1 + p / 500) % 500);
        let pcx = b.peering(
            &format!("aws_vpc_peering_connection.p[{p}]"),
            vpcs[a],
            vpcs[c],
        );
        for (from, to) in [(a, c), (c, a)] {
            if routes < 20_000 {
                let destination = format!("10.{}.{}.0/24", to / 256, to % 256);
                b.route(
                    &format!("aws_route.r[{routes}]"),
                    tables[from],
                    &destination,
                    Target::Peering(pcx),
                );
                routes += 1;
            }
        }
    }
    let mut i = 0;
    while routes < 20_000 {
        let table = tables[i % 500];
        b.route(
            &format!("aws_route.x[{routes}]"),
            table,
            &format!("172.{}.{}.0/24", 16 + i % 16, i / 16 % 256),
            Target::Other,
        );
        routes += 1;
        i += 1;
    }
    b.finish()
}

#[test]
fn a_large_correct_estate_gives_no_finding() {
    let network = estate();
    assert_eq!(network.vpcs.len(), 500);
    assert_eq!(network.subnets.len(), 5000);
    assert!(network.routes.len() >= 20_000);
    let start = Instant::now();
    let mut findings = Vec::new();
    for rule in registry() {
        let rule_start = Instant::now();
        let found = rule.check(&network);
        println!(
            "{}: {:?}, {} findings",
            rule.meta().name,
            rule_start.elapsed(),
            found.len()
        );
        findings.extend(
            found
                .into_iter()
                .map(|f| format!("{}: {}", f.rule, f.message)),
        );
    }
    println!("all rules: {:?}", start.elapsed());
    assert!(findings.is_empty(), "false positives: {findings:#?}");
}
