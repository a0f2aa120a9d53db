//! Hostile inputs (issue 13): each is placed beside a good Terraform module and a good
//! template, whose findings must survive; vpclint exits 0 or 1, says what happened, and
//! ends (a hang guard fails the test rather than the CI job). Time and memory bounds
//! belong to benchmarks: here they hold by construction (budgets, size caps).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use vpclint::frontend::terraform::{self, Limits, Options};
use vpclint::frontend::{GapCause, Severity, Unit};
use vpclint::source::SourceMap;

/// Far above what any case needs in a debug build on a loaded machine.
const HANG_GUARD: Duration = Duration::from_secs(120);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A directory holding a good Terraform module (`good-tf/`, a transitive-peering
/// finding), a good template (`good.json`, a dns-attributes-required finding) and, in
/// `hostile/`, the case's files.
fn workspace(hostile: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let good_tf = dir.path().join("good-tf");
    std::fs::create_dir_all(&good_tf).expect("good module directory");
    std::fs::copy(
        root().join("fixtures/transitive-peering/bad/tf-via-hub/main.tf"),
        good_tf.join("main.tf"),
    )
    .expect("good module");
    std::fs::copy(
        root().join("fixtures/dns-attributes-required/bad/cfn-dns-support-off.json"),
        dir.path().join("good.json"),
    )
    .expect("good template");
    for (name, content) in hostile {
        let path = dir.path().join("hostile").join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("hostile directory");
        std::fs::write(path, content).expect("hostile file");
    }
    dir
}

struct Run {
    code: i32,
    stdout: String,
}

/// Runs `vpclint lint . --format FORMAT` in `dir`, killed after [`HANG_GUARD`].
fn lint(dir: &Path, format: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["lint", ".", "--format", format, "--color", "never"])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vpclint runs");
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::BufReader::new(stdout), &mut text).map(|_| text)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            panic!("vpclint did not end within {HANG_GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = reader.join().expect("reader").expect("stdout is UTF-8");
    Run {
        code: status.code().expect("vpclint exited (no signal)"),
        stdout,
    }
}

/// The good files' findings are all there, and the run ended normally.
fn assert_survives(dir: &Path) -> Vec<serde_json::Value> {
    let run = lint(dir, "json");
    assert!(run.code == 0 || run.code == 1, "exit {}", run.code);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    for rule in ["transitive-peering", "dns-attributes-required"] {
        assert!(
            findings.iter().any(|f| f["rule"] == rule),
            "the good files' {rule} finding is missing:\n{}",
            run.stdout
        );
    }
    for format in ["text", "sarif", "github"] {
        let run = lint(dir, format);
        assert!(
            run.code == 0 || run.code == 1,
            "{format}: exit {}",
            run.code
        );
    }
    findings
}

fn load(dir: &Path, limits: Limits) -> (Unit, SourceMap) {
    let sources = SourceMap::new();
    let options = Options {
        limits,
        ..Options::default()
    };
    let unit = terraform::load_root_module(dir, &options, &sources);
    (unit, sources)
}

/// The budget notes of a unit.
fn budget_notes(unit: &Unit) -> Vec<&str> {
    unit.diagnostics
        .iter()
        .filter(|d| d.gap == Some(GapCause::BudgetExceeded))
        .map(|d| d.message.as_str())
        .collect()
}

fn errors(unit: &Unit) -> Vec<&str> {
    unit.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.as_str())
        .collect()
}

const SUBNET_WITH_COUNT: &str = r#"
resource "aws_vpc" "v" {
  cidr_block = "10.9.0.0/16"
}
resource "aws_subnet" "s" {
  count      = COUNT
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.9.0.0/24"
}
"#;

#[test]
fn huge_counts_are_over_budget_not_allocated() {
    for count in ["100000000", "1e12", "3000000"] {
        let main = SUBNET_WITH_COUNT.replace("COUNT", count);
        let dir = workspace(&[("main.tf", main.as_bytes())]);
        assert_survives(dir.path());
        let (unit, _) = load(&dir.path().join("hostile"), Limits::default());
        let notes = budget_notes(&unit);
        assert!(
            notes.len() == 1 && notes[0].contains("max_instances"),
            "count = {count}: {notes:?}"
        );
        // Only as a resource whose instances are unknown.
        assert!(unit
            .resources
            .iter()
            .all(|r| &*r.kind != "aws_subnet"
                || matches!(r.attrs.v, vpclint::frontend::V::Unknown(_))));
    }
}

#[test]
fn a_format_width_is_over_budget_before_it_is_formatted() {
    let main = r#"
locals {
  padded = format("%0999999999d", 1)
}
resource "aws_vpc" "v" {
  cidr_block = "10.9.0.0/16"
  tags       = { Name = local.padded }
}
"#;
    let dir = workspace(&[("main.tf", main.as_bytes())]);
    assert_survives(dir.path());
    let (unit, sources) = load(&dir.path().join("hostile"), Limits::default());
    let gap = unit
        .diagnostics
        .iter()
        .find(|d| d.gap == Some(GapCause::BudgetExceeded))
        .expect("a budget note");
    assert!(gap.message.contains("max_string_bytes"), "{}", gap.message);
    // At the local that blew up.
    assert_eq!(sources.resolve(gap.span).0.line, 3);
}

/// Compressing is the one slow function (about 25 MB/s): its work counts as steps, so
/// repeated `base64gzip` of a 6 MB string runs out of budget instead of taking seconds.
#[test]
fn repeated_compression_runs_out_of_budget() {
    let main = r#"
locals {
  line  = join("", [for i in range(1000) : format("%060d", i)])
  large = join("", [for i in range(100) : local.line])
  gz    = [for i in range(1000) : base64gzip(local.large)]
}
resource "aws_vpc" "v" {
  cidr_block = "10.9.0.0/16"
  tags       = { Size = length(local.gz) }
}
"#;
    let dir = workspace(&[("main.tf", main.as_bytes())]);
    assert_survives(dir.path());
    let (unit, _) = load(&dir.path().join("hostile"), Limits::default());
    let notes = budget_notes(&unit);
    assert!(
        notes[0].starts_with("gz:") && notes[0].contains("max_steps"),
        "{notes:?}"
    );
    let vpc = unit.resources.iter().find(|r| r.address == "aws_vpc.v");
    assert!(vpc.is_some(), "the VPC is still analyzed");
}

/// Each compression sets up its tables whatever its input: compressing one byte 100,000
/// times (1.5 s of table setup; `range` stops at 1,024 values, so two loops) runs out of
/// steps too.
#[test]
fn many_small_compressions_run_out_of_budget() {
    let main = r#"
locals {
  gz = [for a in range(1000) : [for b in range(100) : base64gzip("x")]]
}
resource "aws_vpc" "v" {
  cidr_block = "10.9.0.0/16"
  tags       = { Size = length(local.gz) }
}
"#;
    let dir = workspace(&[("main.tf", main.as_bytes())]);
    assert_survives(dir.path());
    let (unit, _) = load(&dir.path().join("hostile"), Limits::default());
    let notes = budget_notes(&unit);
    assert!(
        notes[0].starts_with("gz:") && notes[0].contains("max_steps"),
        "{notes:?}"
    );
}

#[test]
fn nested_for_expressions_run_out_of_budget() {
    let main = r#"
locals {
  cube = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : a + b + c]]]
}
resource "aws_vpc" "v" {
  cidr_block = "10.9.0.0/16"
  tags       = { Size = length(local.cube) }
}
"#;
    let dir = workspace(&[("main.tf", main.as_bytes())]);
    assert_survives(dir.path());
    let (unit, _) = load(&dir.path().join("hostile"), Limits::default());
    assert_eq!(budget_notes(&unit).len(), 1, "{:?}", unit.diagnostics);
    // The VPC itself is still there, with the value that ran over budget unknown.
    assert!(unit.resources.iter().any(|r| r.address == "aws_vpc.v"));
}

#[test]
fn limits_from_the_config_lower_and_raise_budgets() {
    let main = SUBNET_WITH_COUNT.replace("COUNT", "3");
    let dir = workspace(&[("main.tf", main.as_bytes())]);
    let hostile = dir.path().join("hostile");
    let (unit, _) = load(
        &hostile,
        Limits {
            max_instances: 2,
            ..Limits::default()
        },
    );
    assert_eq!(budget_notes(&unit).len(), 1);
    let (unit, _) = load(&hostile, Limits::default());
    assert!(budget_notes(&unit).is_empty());
    assert_eq!(
        unit.resources
            .iter()
            .filter(|r| &*r.kind == "aws_subnet")
            .count(),
        3
    );
}

#[test]
fn for_each_over_the_largest_range_terraform_allows_evaluates() {
    let main = r#"
resource "aws_vpc" "v" {
  for_each   = toset([for i in range(1024) : tostring(i)])
  cidr_block = "10.9.0.0/16"
}
"#;
    let dir = workspace(&[("main.tf", main.as_bytes())]);
    let (unit, _) = load(&dir.path().join("hostile"), Limits::default());
    assert!(budget_notes(&unit).is_empty(), "{:?}", unit.diagnostics);
    assert_eq!(unit.resources.len(), 1024);
}

#[test]
fn cycles_are_errors_worded_like_terraform() {
    let main = r#"
locals {
  a = local.b
  b = local.a
  c = local.c
}
resource "aws_vpc" "x" {
  cidr_block = aws_vpc.y.cidr_block
}
resource "aws_vpc" "y" {
  cidr_block = aws_vpc.x.cidr_block
}
output "a" {
  value = local.a
}
output "c" {
  value = local.c
}
"#;
    let dir = workspace(&[("main.tf", main.as_bytes())]);
    let findings = assert_survives(dir.path());
    assert!(findings.iter().any(|f| f["rule"] == "parse-error"));
    let (unit, _) = load(&dir.path().join("hostile"), Limits::default());
    let mut errors = errors(&unit);
    errors.sort();
    assert_eq!(
        errors,
        [
            "Cycle: aws_vpc.x, aws_vpc.y",
            "Cycle: local.a, local.b",
            "Self-referencing local value: local.c cannot use its own result as part of its expression",
        ]
    );
}

#[test]
fn modules_calling_themselves_or_each_other_are_errors() {
    let dir = workspace(&[
        ("self/main.tf", b"module \"me\" {\n  source = \"./\"\n}\n"),
        ("mutual/main.tf", b"module \"a\" {\n  source = \"./a\"\n}\n"),
        (
            "mutual/a/main.tf",
            b"module \"b\" {\n  source = \"../b\"\n}\n",
        ),
        (
            "mutual/b/main.tf",
            b"module \"a\" {\n  source = \"../a\"\n}\n",
        ),
    ]);
    assert_survives(dir.path());
    for case in ["self", "mutual"] {
        let (unit, _) = load(&dir.path().join("hostile").join(case), Limits::default());
        let errors = errors(&unit);
        assert!(
            errors.len() == 1 && errors[0].starts_with("Module recursion: "),
            "{case}: {errors:?}"
        );
    }
}

#[test]
fn deep_module_nesting_evaluates_within_the_default_budget_and_notes_past_it() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let depth = 20;
    for level in 0..depth {
        let dir = (0..level).map(|l| format!("m{l}/")).collect::<String>();
        files.push((
            format!("{dir}main.tf"),
            format!("module \"m{level}\" {{\n  source = \"./m{level}\"\n}}\n").into_bytes(),
        ));
    }
    let deepest = (0..depth).map(|l| format!("m{l}/")).collect::<String>();
    files.push((
        format!("{deepest}main.tf"),
        b"resource \"aws_vpc\" \"deep\" {\n  cidr_block = \"10.9.0.0/16\"\n}\n".to_vec(),
    ));
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, content)| (name.as_str(), content.as_slice()))
        .collect();
    let dir = workspace(&borrowed);
    assert_survives(dir.path());
    let hostile = dir.path().join("hostile");
    let (unit, _) = load(&hostile, Limits::default());
    assert!(budget_notes(&unit).is_empty(), "{:?}", unit.diagnostics);
    assert_eq!(unit.resources.len(), 1);
    let (unit, _) = load(
        &hostile,
        Limits {
            max_module_depth: 16,
            ..Limits::default()
        },
    );
    let notes = budget_notes(&unit);
    assert!(
        notes.len() == 1 && notes[0].contains("max_module_depth"),
        "{notes:?}"
    );
}

#[test]
fn an_oversized_terraform_file_is_a_parse_error_and_is_not_read() {
    let dir = workspace(&[("main.tf", b"")]);
    // Sparse: 1 GB on paper, nothing on disk.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("hostile/main.tf"))
        .expect("hostile file");
    file.set_len(1 << 30).expect("sparse file");
    let findings = assert_survives(dir.path());
    assert!(
        findings.iter().any(|f| f["rule"] == "parse-error"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("1024.0 MB: too large"))),
        "{findings:?}"
    );
}

#[test]
fn an_oversized_template_is_a_parse_error_and_is_not_read() {
    let dir = workspace(&[("template.yaml", b"AWSTemplateFormatVersion: '2010-09-09'\n")]);
    // Sparse: 1 GB on paper after a template's first line, nothing on disk.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("hostile/template.yaml"))
        .expect("hostile file");
    file.set_len(1 << 30).expect("sparse file");
    let findings = assert_survives(dir.path());
    assert!(
        findings.iter().any(|f| f["rule"] == "parse-error"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("1024 MB: too large"))),
        "{findings:?}"
    );
}

/// Minified CloudFormation JSON (as CDK and `aws cloudformation get-template` write it)
/// with the finding past column 65,535.
fn minified_template() -> String {
    let template = std::fs::read_to_string(
        root().join("fixtures/dns-attributes-required/bad/cfn-dns-support-off.json"),
    )
    .expect("template");
    let value: serde_json::Value = serde_json::from_str(&template).expect("JSON");
    // The description first, so that the resources come after it on the line.
    let padded = serde_json::json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "x".repeat(100_000),
        "Resources": value["Resources"],
    });
    serde_json::to_string(&padded).expect("minified")
}

#[test]
fn findings_on_a_long_line_render_in_a_window_with_exact_columns() {
    let template = minified_template();
    let dir = workspace(&[("min.json", template.as_bytes())]);
    let findings = assert_survives(dir.path());
    let finding = findings
        .iter()
        .find(|f| {
            f["location"]["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("hostile/"))
        })
        .expect("the minified template's finding");
    let column = finding["location"]["column"].as_u64().expect("column");
    let expected = template.find("\"EnableDnsSupport\"").expect("property") as u64;
    assert!(column > 65_535, "column {column}");
    assert!(
        column.abs_diff(expected) < 40,
        "column {column} vs {expected}"
    );

    let text = lint(dir.path(), "text");
    assert!(
        text.stdout
            .contains(&format!("hostile/min.json:1:{column}")),
        "{}",
        text.stdout
    );
    let longest = text.stdout.lines().map(str::len).max().unwrap_or(0);
    assert!(
        longest < 1_000,
        "a line of {longest} bytes in the text report"
    );
    assert!(text.stdout.contains('…'));

    let sarif = lint(dir.path(), "sarif");
    let document: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF");
    for result in document["runs"][0]["results"].as_array().expect("results") {
        let serialized = result.to_string();
        assert!(
            serialized.len() < 4_000,
            "a SARIF result of {} bytes",
            serialized.len()
        );
    }
}

#[test]
fn a_long_line_in_a_terraform_json_file_renders() {
    let vpc = serde_json::json!({
        "resource": { "aws_vpc": { "v": {
            "cidr_block": "10.9.0.1/16",
            "tags": { "Padding": "x".repeat(80_000) },
        }}}
    });
    let mut text = serde_json::to_string(&vpc).expect("JSON");
    // The finding (host bits set) past column 65,535.
    text = text.replace("\"cidr_block\":\"10.9.0.1/16\",\"tags\":", "\"tags\":");
    text = text.replace("}}}}}", "},\"cidr_block\":\"10.9.0.1/16\"}}}}");
    let dir = workspace(&[("main.tf.json", text.as_bytes())]);
    let findings = assert_survives(dir.path());
    assert!(
        findings.iter().any(|f| f["rule"] == "invalid-cidr"
            && f["location"]["column"].as_u64().is_some_and(|c| c > 65_535)),
        "{findings:?}"
    );
}

/// Every hostile file of the issue's table at once: one run, every good finding kept.
#[test]
fn all_hostile_files_together() {
    let count = SUBNET_WITH_COUNT.replace("COUNT", "1e12");
    let template = minified_template();
    let dir = workspace(&[
        ("count/main.tf", count.as_bytes()),
        (
            "format/main.tf",
            b"locals {\n  x = format(\"%0999999999d\", 1)\n}\n",
        ),
        (
            "for/main.tf",
            b"locals {\n  x = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]\n}\n",
        ),
        ("cycle/main.tf", b"locals {\n  a = local.b\n  b = local.a\n}\n"),
        ("min.json", template.as_bytes()),
    ]);
    assert_survives(dir.path());
}

/// Directories under `top` holding `.tf` files, each evaluated as a root module.
fn terraform_dirs(top: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = vec![top.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut has_tf = false;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "tf") {
                has_tf = true;
            }
        }
        if has_tf {
            found.push(dir);
        }
    }
    found.sort();
    found
}

fn assert_inside_budgets(top: &Path) -> usize {
    let dirs = terraform_dirs(top);
    for dir in &dirs {
        let (unit, _) = load(dir, Limits::default());
        assert!(
            budget_notes(&unit).is_empty(),
            "{}: {:?}",
            dir.display(),
            budget_notes(&unit)
        );
    }
    dirs.len()
}

#[test]
fn the_fixtures_stay_inside_the_default_budgets() {
    assert!(assert_inside_budgets(&root().join("fixtures")) > 10);
}

/// `VPCLINT_PUBLIC_MODULES=DIR[:DIR...]`: checkouts of public modules
/// (terraform-aws-modules/terraform-aws-vpc, cloudposse/terraform-aws-dynamic-subnets,
/// aws-ia/terraform-aws-vpc) whose every module directory must stay inside the default
/// budgets. Skipped when unset: they are not part of the repository.
#[test]
fn public_modules_stay_inside_the_default_budgets() {
    let Some(paths) = std::env::var_os("VPCLINT_PUBLIC_MODULES") else {
        eprintln!("VPCLINT_PUBLIC_MODULES is not set: skipped");
        return;
    };
    for top in std::env::split_paths(&paths) {
        let count = assert_inside_budgets(&top);
        eprintln!(
            "{}: {count} module directories inside the budgets",
            top.display()
        );
    }
}

#[test]
fn firewall_subnet_mappings_naming_its_own_endpoints_are_a_cycle_not_an_exponential_walk() {
    let mapping = "        - SubnetId: !Select [1, !Split [\":\", !Select [0, !GetAtt Firewall.EndpointIds]]]\n";
    let template = format!(
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n  \
         Firewall:\n    Type: AWS::NetworkFirewall::Firewall\n    Properties:\n      \
         FirewallName: f\n      FirewallPolicyArn: arn\n      VpcId: !Ref Vpc\n      \
         SubnetMappings:\n{}",
        mapping.repeat(8)
    );
    let dir = workspace(&[("cycle.yaml", template.as_bytes())]);
    let findings = assert_survives(dir.path());
    assert!(findings.iter().any(|f| f["rule"] == "parse-error"
        && f["message"]
            .as_str()
            .is_some_and(|m| m.contains("circular reference through Firewall.EndpointIds"))));
}

/// A module whose `count` is unknown stands for every resource it may create, through the
/// modules it calls: each module directory once, so a module calling itself twice (a
/// cycle Terraform rejects, vpclint reports) or a diamond of modules ends at once.
#[test]
fn modules_of_unknown_count_calling_themselves_end() {
    let dir = workspace(&[
        (
            "self/main.tf",
            b"variable \"n\" {}\nmodule \"m\" {\n  source = \"./m\"\n  count  = var.n\n}\n",
        ),
        (
            "self/m/main.tf",
            b"resource \"aws_route\" \"r\" {\n  route_table_id         = \"rtb-1\"\n  destination_cidr_block = \"10.0.0.0/8\"\n  gateway_id             = \"igw-1\"\n}\nmodule \"a\" {\n  source = \"./\"\n}\nmodule \"b\" {\n  source = \"./\"\n}\n",
        ),
    ]);
    assert_survives(dir.path());
    let (unit, _) = load(&dir.path().join("hostile/self"), Limits::default());
    let routes = unit
        .resources
        .iter()
        .filter(|r| &*r.kind == "aws_route")
        .count();
    assert_eq!(routes, 1, "one placeholder for the module's one route");
}

/// Each instance of a counted resource whose expression fails is one failure: they are
/// reported as one place, in time linear in their number.
#[test]
fn thousands_of_failing_instances_are_one_place() {
    let module = "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n\
                  resource \"aws_subnet\" \"s\" {\n  count      = 5000\n  vpc_id     = aws_vpc.a.id\n  \
                  cidr_block = cidrsubnet(\"10.0.0.0/16\", 8, 300 + count.index)\n}\n";
    let dir = workspace(&[("failing/main.tf", module.as_bytes())]);
    assert_survives(dir.path());
    let run = lint(&dir.path().join("hostile/failing"), "json");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let places = report["summary"]["not_analyzed"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(places.len(), 1, "{places:?}");
    let message = places[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("aws_subnet.s[0].cidr_block")
            && message.contains("numbered 300 ")
            && message.contains("4999 more failures"),
        "{message}"
    );
}
