//! Snapshot tests of the Terraform frontend: each fixture under
//! `fixtures/frontend/terraform/<case>/` is evaluated and rendered with addresses, values,
//! references, unknowns, spans as line:col, diagnostics and suppressions.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use vpclint::frontend::terraform::{self, Options};
use vpclint::frontend::{Unit, Val, V};
use vpclint::source::{SourceMap, Span};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/frontend/terraform")
        .join(case)
}

fn position(sources: &SourceMap, root: &Path, span: Span) -> String {
    let file = sources.get(span.file);
    let (start, end) = sources.resolve(span);
    let name = file
        .path
        .strip_prefix(root)
        .unwrap_or(&file.path)
        .to_string_lossy()
        .replace('\\', "/");
    format!(
        "{name}:{}:{}-{}:{}",
        start.line, start.column, end.line, end.column
    )
}

fn render_val(out: &mut String, sources: &SourceMap, root: &Path, val: &Val, indent: usize) {
    let at = position(sources, root, val.span);
    let pad = "  ".repeat(indent);
    match &val.v {
        V::List(items) => {
            let _ = writeln!(out, "[  @{at}");
            for item in items {
                let _ = write!(out, "{pad}  - ");
                render_val(out, sources, root, item, indent + 1);
            }
            let _ = writeln!(out, "{pad}]");
        }
        V::Map(entries) => {
            let _ = writeln!(out, "{{  @{at}");
            for (key, item) in entries {
                let _ = write!(out, "{pad}  {key} = ");
                render_val(out, sources, root, item, indent + 1);
            }
            let _ = writeln!(out, "{pad}}}");
        }
        V::Null => {
            let _ = writeln!(out, "null  @{at}");
        }
        V::Bool(b) => {
            let _ = writeln!(out, "{b}  @{at}");
        }
        V::Number(n) => {
            let _ = writeln!(out, "{n}  @{at}");
        }
        V::String(s) => {
            let _ = writeln!(out, "{s:?}  @{at}");
        }
        V::Ref(r) => {
            let _ = writeln!(out, "ref {}.{}  @{at}", r.address, r.attribute);
        }
        V::Unknown(reason) => {
            let _ = writeln!(out, "unknown ({reason})  @{at}");
        }
    }
}

fn render(unit: &Unit, sources: &SourceMap, root: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "lang: {:?}", unit.lang);
    for resource in &unit.resources {
        let _ = writeln!(
            out,
            "\n{} ({}) block {} header {} region {}",
            resource.address,
            resource.kind,
            position(sources, root, resource.span),
            position(sources, root, resource.name_span),
            resource.region.as_deref().unwrap_or("-"),
        );
        let _ = write!(out, "  attrs = ");
        render_val(&mut out, sources, root, &resource.attrs, 1);
    }
    if !unit.diagnostics.is_empty() {
        let _ = writeln!(out, "\ndiagnostics:");
        for d in &unit.diagnostics {
            let _ = writeln!(
                out,
                "  {:?} {}: {}",
                d.severity,
                position(sources, root, d.span),
                d.message
            );
        }
    }
    if !unit.suppressions.is_empty() {
        let _ = writeln!(out, "\nsuppressions:");
        for s in &unit.suppressions {
            let _ = writeln!(
                out,
                "  {:?} reason {:?} comment {} applies to {}",
                s.rules,
                s.reason,
                position(sources, root, s.span),
                position(sources, root, s.applies_to)
            );
        }
    }
    out
}

fn check_with(case: &str, options: &Options) {
    let dir = fixture(case);
    let sources = SourceMap::new();
    let unit = terraform::load_root_module(&dir, options, &sources);
    let rendered = render(&unit, &sources, &dir);
    insta::assert_snapshot!(case, rendered);
}

fn check(case: &str) {
    check_with(case, &Options::default());
}

#[test]
fn basics() {
    check("basics");
}

#[test]
fn modules_local_nested_count_and_for_each() {
    check("modules");
}

/// `for_each` over an empty map: a reference to all instances is `{}`, usable as another
/// `for_each`; `count = 0` gives `[]`.
#[test]
fn empty_for_each_is_an_empty_object() {
    check("empty-for-each");
}

#[test]
fn expressions() {
    check("expressions");
}

#[test]
fn registry_modules_installed_and_missing() {
    check("registry");
}

/// Installed by `terraform init`: keys of nested calls (`net.label`), a local module inside
/// an installed one, and findings' spans in the installed module's files.
#[test]
fn installed_modules_with_nested_keys() {
    check("installed");
}

#[test]
fn parse_errors_keep_other_files() {
    check("errors");
}

#[test]
fn repeated_object_keys_parse_and_the_later_item_wins() {
    check("repeated-object-keys");
}

#[test]
fn suppressions() {
    check("suppressions");
}

#[test]
fn tfvars_precedence() {
    // Environment variables have the lowest precedence: every other source overrides it.
    std::env::set_var("TF_VAR_from_env", "env");
    std::env::set_var("TF_VAR_from_tfvars", "env");
    let options = Options {
        var_files: vec![fixture("tfvars").join("extra.vars")],
        vars: vec![
            ("from_cli".into(), "cli".into()),
            ("complex_from_cli".into(), r#"["x", "y"]"#.into()),
        ],
        ..Options::default()
    };
    check_with("tfvars", &options);
}

#[test]
fn file_functions_read_inside_the_lint_root_only() {
    check("files");
}

/// A call to a function Terraform does not have is an error at the call unless `try` or
/// `can` catches it; a function whose value vpclint cannot know is noted at the call.
#[test]
fn function_calls_rejected_or_not_evaluated() {
    check("functions");
}

#[test]
fn json_syntax() {
    check("json");
}

fn check_plan(case: &str) {
    let dir = fixture(case);
    let path = dir.join("plan.json");
    let sources = SourceMap::new();
    let text = std::fs::read_to_string(&path).expect("fixture plan is readable");
    let unit = terraform::load_plan(&path, text.into(), &sources);
    let rendered = render(&unit, &sources, &dir);
    insta::assert_snapshot!(case, rendered);
}

/// Made with terraform 1.11 and the AWS provider 5.100: `terraform plan -refresh=false
/// -out tfplan && terraform show -json tfplan`, configuration beside it.
#[test]
fn plan_with_configuration_beside() {
    check_plan("plan");
}

#[test]
fn plan_alone() {
    check_plan("plan-alone");
}

#[test]
fn cycles_and_self_calling_modules_end() {
    check("cycles");
}

/// A long chain of locals is cut off with a note instead of overflowing the stack of a
/// worker thread (2 MiB, as rayon's).
#[test]
fn long_reference_chains_do_not_overflow_the_stack() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut text = String::from("locals {\n  l0 = \"start\"\n");
    for i in 1..5000 {
        text.push_str(&format!("  l{i} = local.l{}\n", i - 1));
    }
    text.push_str("}\nresource \"aws_vpc\" \"v\" {\n  cidr_block = local.l4999\n}\n");
    std::fs::write(dir.path().join("main.tf"), text).expect("write fixture");
    let path = dir.path().to_path_buf();
    let unit = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let sources = SourceMap::new();
            terraform::load_root_module(&path, &Options::default(), &sources)
        })
        .expect("spawn")
        .join()
        .expect("no stack overflow");
    let cidr = unit.resources[0].attr("cidr_block").expect("cidr_block");
    assert!(cidr.is_unknown(), "{cidr:?}");
    assert!(unit
        .diagnostics
        .iter()
        .any(|d| d.message.contains("nested too deeply")));
}

/// Malformed input of every kind gives error diagnostics with a position, never a panic.
#[test]
fn junk_inputs_give_diagnostics_not_panics() {
    let inputs = [
        ("a.tf", "\u{0}\u{1}\u{2}garbage{{{{"),
        ("b.tf", "resource \"aws_vpc\" {"),
        ("c.tf", "x = \"${\""),
        ("d.tf", "x = <<EOT\nno end"),
        ("e.tf", &"(".repeat(10_000)),
        (
            "f.tf",
            &format!("locals {{\n  x = {}1\n}}\n", "-".repeat(5000)),
        ),
        ("g.tf.json", &"[".repeat(100_000)),
        ("h.tf.json", "{\"resource\": 5}"),
        (
            "i.tf",
            "locals {\n  a = [for x in 5 : x]\n  b = local.a[\"k\"]\n  c = 1 % 0\n}\n",
        ),
        (
            "j.tf",
            "resource \"aws_vpc\" \"v\" {\n  count = -1\n  for_each = 3\n}\n",
        ),
    ];
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, text) in inputs {
        std::fs::write(dir.path().join(name), text).expect("write input");
    }
    std::fs::write(dir.path().join("k.tf"), [0xff, 0xfe, b'a']).expect("write input");
    let sources = SourceMap::new();
    let unit = terraform::load_root_module(dir.path(), &Options::default(), &sources);
    let errors: Vec<String> = unit
        .diagnostics
        .iter()
        .filter(|d| d.severity == vpclint::frontend::Severity::Error)
        .map(|d| sources.get(d.span.file).path.display().to_string())
        .collect();
    for broken in ["a.tf", "b.tf", "c.tf", "d.tf", "e.tf", "g.tf.json", "k.tf"] {
        assert!(
            errors.iter().any(|path| path.ends_with(broken)),
            "no error for {broken}: {errors:?}"
        );
    }
}

/// An unknown count says where its data source is read from: another configuration's
/// state is not AWS.
#[test]
fn a_gap_names_where_its_data_source_is_read() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let text = r#"
data "terraform_remote_state" "network" {
  backend = "s3"
}

data "aws_vpc" "shared" {}

resource "aws_subnet" "app" {
  count      = length(data.terraform_remote_state.network.outputs.app_cidrs)
  vpc_id     = data.aws_vpc.shared.id
  cidr_block = data.terraform_remote_state.network.outputs.app_cidrs[count.index]
}

resource "aws_route_table" "app" {
  count  = length(data.aws_vpc.shared.cidr_block_associations)
  vpc_id = data.aws_vpc.shared.id
}
"#;
    std::fs::write(dir.path().join("main.tf"), text).expect("write input");
    let unit = terraform::load_root_module(dir.path(), &Options::default(), &SourceMap::new());
    let gaps: Vec<&str> = unit
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .filter(|m| m.contains("data source"))
        .collect();
    assert!(
        gaps.iter().any(|m| m.contains(
            "data.terraform_remote_state.network, which Terraform reads from another configuration's state"
        )),
        "{gaps:?}"
    );
    assert!(
        gaps.iter()
            .any(|m| m.contains("data.aws_vpc.shared, which Terraform reads from AWS")),
        "{gaps:?}"
    );
}

#[test]
fn local_module_dirs_lists_local_sources_but_not_the_module_itself() {
    let dir = fixture("modules");
    assert_eq!(
        terraform::local_module_dirs(&dir, None),
        vec![dir.join("modules/net"), dir.join("modules/spoke")]
    );
    assert_eq!(
        terraform::local_module_dirs(&dir.join("modules/net"), None),
        vec![dir.join("modules/net/sub")]
    );
    assert!(terraform::local_module_dirs(&fixture("cycles"), None).is_empty());
    assert!(terraform::local_module_dirs(&fixture("registry"), None).is_empty());
}

#[test]
fn local_module_dirs_reads_sources_that_open_a_line_or_a_one_line_module_block() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let text = concat!(
        "module \"a\" {\r\n  source = \"./a\"\r\n}\n",
        "module \"b\" { source = \"./one-line\" }\n",
        "locals { source = \"./not-a-module\" }\n",
        "# source = \"./commented\" is not at the start either\n",
        "module \"c\" {\n\t\tsource=\"../c\" # source = \"./d\"\n}\n",
        "locals { resource = \"./resource\" }\n",
        "source = \"./last-line-without-newline\"",
    );
    std::fs::write(dir.path().join("main.tf"), text).expect("write main.tf");
    std::fs::write(
        dir.path().join("main.tf.json"),
        r#"{"module": {"e": {"source": "./e"}, "f": {"source": "./f"}}}
{
  "source": "./json-line"
}"#,
    )
    .expect("write main.tf.json");
    let mut expected = vec![
        dir.path().join("a"),
        dir.path().parent().expect("parent").join("c"),
        dir.path().join("json-line"),
        dir.path().join("last-line-without-newline"),
        dir.path().join("one-line"),
    ];
    expected.sort();
    assert_eq!(terraform::local_module_dirs(dir.path(), None), expected);
}

#[test]
fn local_module_dirs_keeps_the_texts_it_reads_for_the_frontend() {
    let dir = fixture("modules");
    let sources = SourceMap::new();
    terraform::local_module_dirs(&dir, Some(&sources));
    let main = dir.join("main.tf");
    let kept = sources.take_read(&dir.join(".").join("main.tf"));
    assert_eq!(
        kept.as_deref(),
        Some(std::fs::read_to_string(&main).unwrap().as_str())
    );
    assert!(sources.take_read(&main).is_none(), "handed over once");
}

/// `--region` is the region of a provider that sets none, and
/// `[terraform.availability_zones]` gives the zone names of a region vpclint's table
/// leaves out (us-east-1: accounts see different names).
#[test]
fn region_option_and_configured_availability_zones() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let text = r#"
data "aws_region" "current" {}
data "aws_availability_zones" "azs" {}
resource "aws_subnet" "s" {
  count             = length(data.aws_availability_zones.azs.names)
  vpc_id            = "vpc-0123456789abcdef0"
  availability_zone = data.aws_availability_zones.azs.names[count.index]
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, count.index)
  tags              = { Region = data.aws_region.current.name }
}
"#;
    std::fs::write(dir.path().join("main.tf"), text).expect("write fixture");
    let zones = |options: &Options| {
        let sources = SourceMap::new();
        let unit = terraform::load_root_module(dir.path(), options, &sources);
        unit.resources
            .iter()
            .filter(|r| !matches!(r.attrs.v, vpclint::frontend::V::Unknown(_)))
            .map(|r| {
                let az = r.attr("availability_zone").and_then(|v| v.as_str());
                let region = r
                    .attr("tags")
                    .and_then(|t| t.get("Region"))
                    .and_then(|v| v.as_str());
                format!("{}@{}", az.unwrap_or("?"), region.unwrap_or("?"))
            })
            .collect::<Vec<_>>()
    };
    assert!(zones(&Options::default()).is_empty());
    let ca = Options {
        region: Some("ca-central-1".into()),
        ..Options::default()
    };
    assert_eq!(
        zones(&ca),
        [
            "ca-central-1a@ca-central-1",
            "ca-central-1b@ca-central-1",
            "ca-central-1d@ca-central-1"
        ]
    );
    let virginia = Options {
        region: Some("us-east-1".into()),
        ..Options::default()
    };
    assert!(zones(&virginia).is_empty());
    let configured = Options {
        availability_zones: [("us-east-1".to_string(), vec!["us-east-1b".to_string()])].into(),
        ..virginia
    };
    assert_eq!(zones(&configured), ["us-east-1b@us-east-1"]);
}

/// Two roots calling one local module in one run: the module is read and parsed by the
/// first root only (the second does not see the file change on disk in between), its files
/// are in the source map once, and each root's unit (resources, the module's diagnostics
/// and suppressions) is what it is when the root is linted alone.
#[test]
fn a_module_shared_by_two_roots_is_parsed_once_per_run() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create directory");
        std::fs::write(path, text).expect("write input");
    };
    write(
        "shared/main.tf",
        "variable \"cidr\" {}\n\n# vpclint:ignore[invalid-cidr] shared\nresource \"aws_vpc\" \"v\" {\n  cidr_block = var.cidr\n}\n",
    );
    write("shared/broken.tf", "locals {\n  x = \n");
    for (root, cidr) in [("a", "10.1.0.0/16"), ("b", "10.2.0.0/16")] {
        write(
            &format!("{root}/main.tf"),
            &format!("module \"net\" {{\n  source = \"../shared\"\n  cidr   = \"{cidr}\"\n}}\n"),
        );
    }
    let roots = [dir.path().join("a"), dir.path().join("b")];
    let alone: Vec<String> = roots
        .iter()
        .map(|root| {
            let sources = SourceMap::new();
            let unit = terraform::load_root_module(root, &Options::default(), &sources);
            render(&unit, &sources, dir.path())
        })
        .collect();
    assert!(alone[1].contains("10.2.0.0/16"), "{}", alone[1]);
    assert!(alone[1].contains("invalid HCL"), "{}", alone[1]);
    assert!(alone[1].contains("invalid-cidr"), "{}", alone[1]);

    let sources = SourceMap::new();
    let first = terraform::load_root_module(&roots[0], &Options::default(), &sources);
    write("shared/main.tf", "this no longer parses {\n");
    let second = terraform::load_root_module(&roots[1], &Options::default(), &sources);
    assert_eq!(render(&first, &sources, dir.path()), alone[0]);
    assert_eq!(render(&second, &sources, dir.path()), alone[1]);
    // a/main.tf, b/main.tf, shared/broken.tf, shared/main.tf.
    assert_eq!(sources.len(), 4);
    let shared = sources
        .find(&dir.path().join("shared/main.tf"))
        .expect("the module file is in the source map");
    assert!(first.files.contains(&shared) && second.files.contains(&shared));
}

/// A module outside the root's directory: `path.module` is relative to the root (`../x`),
/// not the path vpclint was given, so its file functions read its own files.
#[test]
fn path_module_of_a_module_beside_the_root() {
    let dir = fixture("sibling-module");
    let sources = SourceMap::new();
    let unit = terraform::load_root_module(&dir.join("root"), &Options::default(), &sources);
    insta::assert_snapshot!("sibling-module", render(&unit, &sources, &dir));
}

/// A data source creates nothing: its unusable `for_each` is a note, and the resource that
/// expands over it states the gap, naming the cause.
#[test]
fn a_data_source_expansion_is_noted_and_its_user_states_the_gap() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let text = r#"
data "aws_subnets" "default" {}

data "aws_subnet" "default" {
  for_each = toset(data.aws_subnets.default.ids)
  id       = each.value
}

resource "aws_default_subnet" "default" {
  for_each          = data.aws_subnet.default
  availability_zone = each.value.availability_zone
}

resource "aws_route_table" "app" {
  vpc_id = data.aws_subnet.default["a"].vpc_id
}
"#;
    std::fs::write(dir.path().join("main.tf"), text).expect("write input");
    let unit = terraform::load_root_module(dir.path(), &Options::default(), &SourceMap::new());
    let gaps: Vec<&str> = unit
        .diagnostics
        .iter()
        .filter(|d| d.gap.is_some())
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert!(
        gaps[0].starts_with("for_each of aws_default_subnet.default is not usable")
            && gaps[0].contains("data.aws_subnets.default"),
        "{gaps:?}"
    );
    assert!(
        unit.diagnostics.iter().any(|d| d.gap.is_none()
            && d.message
                .starts_with("for_each of data.aws_subnet.default is not usable")),
        "{:?}",
        unit.diagnostics
    );
}

/// A misspelt function in a resource with no instances is reported once per call, however
/// many instances its module has; `core::try` catches it as `try` does.
#[test]
fn unknown_functions_of_resources_without_instances_are_reported_once_per_call() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir(dir.path().join("child")).expect("child directory");
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"c\" {\n  count  = 2\n  source = \"./child\"\n}\n",
    )
    .expect("write main.tf");
    std::fs::write(
        dir.path().join("child/main.tf"),
        concat!(
            "resource \"aws_vpc\" \"off\" {\n",
            "  count      = 0\n",
            "  cidr_block = cidrsubnett(\"10.0.0.0/8\", 8, 1)\n",
            "  tags       = { a = core::try(lenght(\"x\"), \"y\") }\n",
            "}\n",
        ),
    )
    .expect("write child/main.tf");
    let sources = SourceMap::new();
    let unit = terraform::load_root_module(dir.path(), &Options::default(), &sources);
    let unknown: Vec<&str> = unit
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("Call to unknown function"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert!(unknown[0].contains("cidrsubnett"), "{unknown:?}");
}

/// `data.aws_region` with the provider's region unknown is a gap that names the provider
/// block and why its region is unknown, in the root and in a module that inherits it.
#[test]
fn unknown_region_names_the_provider() {
    check("unknown-region");
}
