//! CloudFormation frontend: every fixture under `fixtures/frontend/cloudformation/` is
//! loaded and rendered (resources, evaluated attributes with positions, diagnostics,
//! suppressions) into an insta snapshot; generated inputs (alias bombs, deep nesting,
//! junk) are checked directly.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use vpclint::frontend::cloudformation::{load_template, Options};
use vpclint::frontend::{Severity, Unit, Val, V};
use vpclint::source::{SourceMap, Span};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/frontend/cloudformation")
}

fn pos(sources: &SourceMap, span: Span) -> String {
    let (start, end) = sources.resolve(span);
    format!(
        "{}:{}-{}:{}",
        start.line, start.column, end.line, end.column
    )
}

fn render_val(out: &mut String, sources: &SourceMap, val: &Val, indent: usize) {
    let at = pos(sources, val.span);
    let pad = "  ".repeat(indent);
    match &val.v {
        V::List(items) => {
            let _ = writeln!(out, "list @{at}");
            for item in items {
                let _ = write!(out, "{pad}- ");
                render_val(out, sources, item, indent + 1);
            }
        }
        V::Map(entries) => {
            let _ = writeln!(out, "map @{at}");
            for (key, value) in entries {
                let _ = write!(out, "{pad}{key}: ");
                render_val(out, sources, value, indent + 1);
            }
        }
        V::String(s) => {
            let _ = writeln!(out, "{s:?} @{at}");
        }
        V::Number(n) => {
            let _ = writeln!(out, "{n} @{at}");
        }
        V::Bool(b) => {
            let _ = writeln!(out, "{b} @{at}");
        }
        V::Null => {
            let _ = writeln!(out, "null @{at}");
        }
        V::Ref(r) => {
            let _ = writeln!(out, "Ref({}.{}) @{at}", r.address, r.attribute);
        }
        V::Unknown(reason) => {
            let _ = writeln!(out, "Unknown({reason}) @{at}");
        }
    }
}

fn render(unit: &Unit, sources: &SourceMap) -> String {
    let mut out = String::new();
    for resource in &unit.resources {
        let _ = writeln!(
            out,
            "resource {} ({}) region={} span={} name={}",
            resource.address,
            resource.kind,
            resource.region.as_deref().unwrap_or("-"),
            pos(sources, resource.span),
            pos(sources, resource.name_span),
        );
        let _ = write!(out, "  attrs: ");
        render_val(&mut out, sources, &resource.attrs, 2);
    }
    for diagnostic in &unit.diagnostics {
        let severity = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Note => "note",
        };
        let _ = writeln!(
            out,
            "{severity} @{}: {}",
            pos(sources, diagnostic.span),
            diagnostic.message
        );
    }
    for suppression in &unit.suppressions {
        let _ = writeln!(
            out,
            "suppress {:?} reason={:?} @{} applies_to={}",
            suppression.rules,
            suppression.reason,
            pos(sources, suppression.span),
            pos(sources, suppression.applies_to),
        );
    }
    out
}

fn load_with(path: &Path, options: &Options) -> (Option<Unit>, SourceMap) {
    let sources = SourceMap::new();
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let unit = load_template(path, Arc::from(text), options, &sources);
    (unit, sources)
}

fn load_text(text: &str, options: &Options) -> (Option<Unit>, SourceMap) {
    let sources = SourceMap::new();
    let unit = load_template(
        Path::new("generated.yaml"),
        Arc::from(text),
        options,
        &sources,
    );
    (unit, sources)
}

fn rendered(path: &Path, options: &Options) -> String {
    match load_with(path, options) {
        (Some(unit), sources) => render(&unit, &sources),
        (None, _) => "not a template\n".to_string(),
    }
}

#[test]
fn fixtures() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) && !p.to_string_lossy().contains("params")
        })
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no fixtures found");
    for path in paths {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        insta::assert_snapshot!(name.clone(), rendered(&path, &Options::default()));
    }
}

#[test]
fn parameters_are_overridden_by_files_then_the_command_line() {
    let dir = fixture_dir();
    let options = Options {
        parameters: vec![("VpcCidr".into(), "10.9.0.0/16".into())],
        parameter_files: vec![dir.join("params-overrides.json")],
        region: Some("eu-west-1".into()),
        ..Options::default()
    };
    insta::assert_snapshot!(rendered(&dir.join("parameters.yaml"), &options));
}

#[test]
fn codepipeline_parameter_file_and_bad_parameter_file() {
    let dir = fixture_dir();
    let options = Options {
        parameter_files: vec![
            dir.join("params-codepipeline.json"),
            dir.join("params-broken.json"),
        ],
        ..Options::default()
    };
    insta::assert_snapshot!(rendered(&dir.join("parameters.yaml"), &options));
}

#[test]
fn other_regions_change_pseudo_parameters_and_azs() {
    let options = Options {
        region: Some("cn-north-1".into()),
        ..Options::default()
    };
    let out = rendered(&fixture_dir().join("pseudo.yaml"), &options);
    assert!(out.contains("\"aws-cn\""), "{out}");
    assert!(out.contains("\"amazonaws.com.cn\""), "{out}");
    assert!(out.contains("\"GetAZs(cn-north-1)[1]\""), "{out}");
}

fn assert_fast_error(text: &str, expected: &str) {
    assert_fast_error_in("generated.yaml", text, expected);
}

fn assert_fast_error_in(path: &str, text: &str, expected: &str) {
    let start = Instant::now();
    let sources = SourceMap::new();
    let unit = load_template(
        Path::new(path),
        Arc::from(text),
        &Options::default(),
        &sources,
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    let unit = unit.expect("a broken template is still a unit");
    let errors: Vec<String> = unit
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}", pos(&sources, d.span), d.message))
        .collect();
    assert!(
        errors.iter().any(|e| e.contains(expected)),
        "expected {expected:?} in {errors:?}"
    );
    assert!(unit.resources.is_empty());
}

#[test]
fn yaml_alias_bomb_is_a_parse_error() {
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nBomb:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        let p = i - 1;
        let _ = writeln!(
            text,
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]"
        );
    }
    text.push_str("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n");
    assert_fast_error(&text, "alias expansion exceeds 100000 nodes");
}

#[test]
fn deep_nesting_is_a_parse_error_in_yaml_and_json() {
    let depth = 5_000;
    let yaml = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nX: {}1{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    // saphyr's own flow-level limit or ours, either way an error with a position.
    let (unit, _) = load_text(&yaml, &Options::default());
    let unit = unit.expect("unit");
    assert!(unit
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error));

    let mut block = String::from("AWSTemplateFormatVersion: '2010-09-09'\nX:\n");
    for i in 0..150 {
        let _ = writeln!(block, "{}k{i}:", " ".repeat(2 * (i + 1)));
    }
    assert_fast_error(&block, "nesting deeper than 100 levels");

    let json = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"X\": {}1{}}}",
        "[".repeat(300),
        "]".repeat(300)
    );
    assert_fast_error_in("generated.json", &json, "nesting deeper than 100 levels");
    // Beyond jsonc-parser's own limit: its error, not a stack overflow.
    let json = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"X\": {}1{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (unit, _) = load_text(&json, &Options::default());
    assert!(unit.is_some_and(|u| u.diagnostics.iter().any(|d| d.severity == Severity::Error)));
}

#[test]
fn junk_and_non_templates_are_not_units() {
    for text in [
        "",
        "# just a comment\n",
        "key: value\n",
        "[1, 2, 3]\n",
        "{\"format_version\": \"1.2\"}",
        "\u{1}\u{2}\u{3}\u{7f}garbage: [",
        "Resources:\n  X:\n    Type: Some::Other::Thing\n",
    ] {
        let (unit, _) = load_text(text, &Options::default());
        assert!(unit.is_none(), "{text:?} was taken for a template");
    }
    // Over the size bound: an error without parsing.
    let huge = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\n#{}\n",
        "x".repeat(33 << 20)
    );
    let (unit, _) = load_text(&huge, &Options::default());
    assert!(unit.is_some_and(|u| u
        .diagnostics
        .iter()
        .any(|d| d.message.contains("too large"))));
    // Broken, but clearly a template: a unit with the error.
    let (unit, _) = load_text(
        "Resources:\n  X:\n    Type: AWS::EC2::VPC\n   bad: [\n",
        &Options::default(),
    );
    assert!(unit.is_some_and(|u| !u.diagnostics.is_empty()));
}

#[test]
fn large_template_evaluates_quickly() {
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n");
    for i in 0..5_000 {
        let _ = write!(
            text,
            "  Subnet{i}:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: !Select [{}, !Cidr [!GetAtt Vpc.CidrBlock, 256, 8]]\n      AvailabilityZone: !Select [0, !GetAZs '']\n",
            i % 256
        );
    }
    let start = Instant::now();
    let (unit, _) = load_text(&text, &Options::default());
    let elapsed = start.elapsed();
    eprintln!("{} bytes, 5,001 resources: {elapsed:?}", text.len());
    let unit = unit.expect("unit");
    assert_eq!(unit.resources.len(), 5_001);
    assert!(
        unit.diagnostics.is_empty(),
        "{:?}",
        unit.diagnostics.first()
    );
}

#[test]
fn long_get_att_chains_and_condition_chains_do_not_overflow() {
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nConditions:\n");
    let n = 3_000;
    for i in 0..n {
        let _ = writeln!(text, "  C{i}: !Not [!Condition C{}]", i + 1);
    }
    let _ = writeln!(text, "  C{n}: !Equals [a, a]\nResources:");
    for i in 0..n {
        let _ = writeln!(
            text,
            "  R{i}:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !GetAtt R{}.CidrBlock",
            i + 1
        );
    }
    let _ = writeln!(
        text,
        "  R{n}:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n  Gated:\n    Type: AWS::EC2::VPC\n    Condition: C0"
    );
    // Run on a thread with rayon's default stack size, as the pipeline does.
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let (unit, _) = load_text(&text, &Options::default());
            // A resource left out is there only as one whose instances are unknown.
            unit.map(|u| {
                u.resources
                    .iter()
                    .filter(|r| !matches!(r.attrs.v, vpclint::frontend::V::Unknown(_)))
                    .count()
            })
        })
        .expect("spawn");
    let resources = handle.join().expect("no stack overflow");
    // C0 is too deep to decide: Gated is left out; every R is there.
    assert_eq!(resources, Some(n + 1));
}

/// Every CloudFormation fixture in the repository (the rules' and the model's) loads
/// without errors (except under `parse-error/`): a frontend bug must not show up as a
/// parse-error in someone's fixture.
#[test]
fn every_repository_template_loads_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut stack = vec![root];
    let mut checked = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                // Files that are meant not to parse live in these.
                if !path.ends_with("frontend/cloudformation") && !path.ends_with("parse-error") {
                    stack.push(path);
                }
                continue;
            }
            let is_candidate = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json" | "template")
            );
            if !is_candidate {
                continue;
            }
            if let (Some(unit), sources) = load_with(&path, &Options::default()) {
                checked += 1;
                let errors: Vec<String> = unit
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .map(|d| format!("{} {}", pos(&sources, d.span), d.message))
                    .collect();
                assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            }
        }
    }
    assert!(checked > 0);
}

fn first_error(path: &str, text: &str) -> Option<String> {
    let sources = SourceMap::new();
    let unit = load_template(
        Path::new(path),
        Arc::from(text),
        &Options::default(),
        &sources,
    )?;
    unit.diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}", pos(&sources, d.span), d.message))
}

/// CloudFormation reads JSON, else YAML: YAML in flow style (it starts with `{` but has
/// unquoted keys) is a template whatever its extension; when neither parses, the error is
/// the extension's language's, else the parser's that got further.
#[test]
fn flow_style_yaml_parses_and_errors_come_from_the_right_parser() {
    let flow =
        "{AWSTemplateFormatVersion: \"2010-09-09\", Resources: {Vpc: {Type: AWS::EC2::VPC}}}";
    for path in ["t.yaml", "t.yml", "t.template", "t.json", "t"] {
        let sources = SourceMap::new();
        let unit = load_template(
            Path::new(path),
            Arc::from(flow),
            &Options::default(),
            &sources,
        )
        .expect("a template");
        assert!(
            unit.diagnostics.is_empty(),
            "{path}: {:?}",
            unit.diagnostics
        );
        assert_eq!(unit.resources.len(), 1, "{path}");
    }
    // Broken in both languages: a `.json` file gets the JSON error (a trailing garbage
    // token), a `.yaml` file the YAML one.
    let broken = "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {]}";
    let json = first_error("t.json", broken).expect("an error");
    let yaml = first_error("t.yaml", broken).expect("an error");
    assert!(json.starts_with("1:"), "{json}");
    assert_ne!(json, yaml, "each names its own language's problem");
    // Valid JSON keeps JSON's exact duplicate-key check and positions in any file.
    let duplicate =
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {}, \"Resources\": {}}";
    for path in ["t.json", "t.yaml", "t.template"] {
        let error = first_error(path, duplicate).expect("an error");
        assert!(
            error.contains("duplicate key \"Resources\""),
            "{path}: {error}"
        );
    }
}

/// Every line of a flow collection left of its key needs one re-indent and one more parse
/// (PyYAML reads it): past the repair budget the first error stands, in bounded time.
#[test]
fn flow_lines_left_of_their_key_are_repaired_within_a_budget() {
    let template = |lines: usize| {
        format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      Tags: [\n{}      ]\n",
            "{Key: k, Value: v},\n".repeat(lines)
        )
    };
    let (unit, _) = load_text(&template(3), &Options::default());
    let unit = unit.expect("a template");
    assert!(
        unit.diagnostics
            .iter()
            .all(|d| d.severity != Severity::Error),
        "{:?}",
        unit.diagnostics
    );
    assert_eq!(unit.resources.len(), 1);
    assert_fast_error(&template(1_000), "invalid YAML: invalid indentation");
}

/// An export under a condition that cannot be decided may or may not exist: the import of
/// it stays unknown and a note at the import says why (it used to vanish silently, the
/// output dropped as if the condition were false). With the condition decided, the import
/// resolves (near miss).
#[test]
fn import_of_an_export_under_an_unknown_condition_is_noted() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/subnet-outside-vpc/good/cfn-imports-conditional-export");
    let notes = |options: &vpclint::pipeline::Options| -> Vec<String> {
        let analysis = vpclint::pipeline::analyze(std::slice::from_ref(&dir), options);
        analysis
            .units
            .iter()
            .flat_map(|u| &u.diagnostics)
            .filter(|d| d.severity == Severity::Note)
            .map(|d| d.message.clone())
            .collect()
    };
    let unknown = notes(&Default::default());
    assert!(
        unknown.iter().any(
            |n| n.contains("Fn::ImportValue \"prod-VpcId\" stays unknown")
                && n.contains("condition IsProd")
        ),
        "{unknown:?}"
    );
    let mut decided = vpclint::pipeline::Options::default();
    decided
        .cloudformation
        .parameters
        .push(("Environment".into(), "prod".into()));
    let known = notes(&decided);
    assert!(!known.iter().any(|n| n.contains("prod-VpcId")), "{known:?}");
}

/// A file that a `serverless.yml` lists under `resources` with `${file(...)}` is a fragment:
/// names of the other fragments and the framework's `${self:...}` variables are unknown,
/// stated once per fragment; a file the service does not include keeps its errors.
#[test]
fn serverless_framework_fragments() {
    let dir = fixture_dir().join("serverless-service/resources");
    for name in ["network.yml", "app.yml", "standalone.yml"] {
        insta::assert_snapshot!(
            format!("serverless-{name}"),
            rendered(&dir.join(name), &Options::default())
        );
    }
}
