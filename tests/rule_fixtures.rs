//! Runs every rule against its fixtures: `fixtures/<rule>/bad/<case>` must produce at least
//! one finding of that rule (snapshotted: level, message, `path:line:col` of every label,
//! help), `fixtures/<rule>/good/<case>` none. A case is a Terraform module directory
//! (`tf-<case>/`), a CloudFormation template (`cfn-<case>.yaml|json`) or a set of templates
//! linted in one run (`cfn-<case>/`, for cross-stack imports). Declared
//! on-premises prefixes, quotas and stack names for a case come from `tf-<case>/vpclint.toml`,
//! `cfn-<case>/vpclint.toml` or `cfn-<case>.vpclint.toml` (`[onprem] direct_connect = [...]`,
//! `[quotas]`, `[cloudformation.stack_names]`).
//!
//! Run with `-- --nocapture` to see which cases ran.

use serde::Serialize;
use std::path::{Path, PathBuf};
use vpclint::config::Config;
use vpclint::frontend::Severity;
use vpclint::pipeline::{analyze, Analysis, Options};
use vpclint::rules::{registry, Finding, Label, Rule};
use vpclint::source::SourceMap;

#[derive(Serialize)]
struct Snapshot {
    rule: &'static str,
    level: &'static str,
    message: String,
    primary: String,
    related: Vec<String>,
    help: String,
}

fn locate(sources: &SourceMap, label: &Label) -> String {
    let file = sources.get(label.span.file);
    let start = file.line_col(label.span.start);
    format!(
        "{}:{}:{} ({}) {}",
        file.path.display(),
        start.line,
        start.column,
        label.address,
        label.message
    )
}

fn snapshot(sources: &SourceMap, finding: &Finding) -> Snapshot {
    Snapshot {
        rule: finding.rule,
        level: finding.level.as_str(),
        message: finding.message.clone(),
        primary: locate(sources, &finding.primary),
        related: finding.related.iter().map(|l| locate(sources, l)).collect(),
        help: finding.help.clone(),
    }
}

/// The cases of `fixtures/<rule>/<kind>`, sorted, as paths relative to the crate root.
fn cases(rule: &str, kind: &str) -> Vec<PathBuf> {
    let dir = Path::new("fixtures").join(rule).join(kind);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut cases: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            ((name.starts_with("tf-") || name.starts_with("cfn-")) && p.is_dir())
                || (name.starts_with("cfn-")
                    && (name.ends_with(".yaml")
                        || name.ends_with(".yml")
                        || name.ends_with(".json")))
        })
        .collect();
    cases.sort();
    cases
}

fn config(case: &Path) -> Config {
    let config = if case.is_dir() {
        case.join("vpclint.toml")
    } else {
        case.with_extension("vpclint.toml")
    };
    let Ok(text) = std::fs::read_to_string(&config) else {
        return Config::default();
    };
    vpclint::config::parse(&config, &text, &vpclint::rules::catalog())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Analyzes one case; it must read at least one file and parse without errors.
fn run(case: &Path) -> Analysis {
    let config = config(case);
    let mut options = Options {
        declared: config.declared,
        ..Options::default()
    };
    options.cloudformation.stack_names = config
        .stack_names
        .into_iter()
        .map(|(path, name)| (std::fs::canonicalize(&path).unwrap_or(path), name))
        .collect();
    let analysis = analyze(&[case.to_path_buf()], &options);
    assert!(
        analysis.units.iter().any(|u| !u.files.is_empty()),
        "{}: no file was analyzed",
        case.display()
    );
    let errors: Vec<String> = analysis
        .units
        .iter()
        .flat_map(|u| &u.diagnostics)
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", locate_span(&analysis.sources, d.span), d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "{}: fixture does not parse cleanly: {errors:?}",
        case.display()
    );
    analysis
}

fn locate_span(sources: &SourceMap, span: vpclint::source::Span) -> String {
    let file = sources.get(span.file);
    let start = file.line_col(span.start);
    format!("{}:{}:{}", file.path.display(), start.line, start.column)
}

fn case_name(case: &Path) -> String {
    case.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn every_rule_flags_its_bad_fixtures_and_passes_its_good_ones() {
    let rules: Vec<&'static dyn Rule> = registry();
    let mut ran = 0;
    let mut failures = Vec::new();
    for rule in &rules {
        let name = rule.meta().name;
        for kind in ["bad", "good"] {
            for case in cases(name, kind) {
                let label = format!("{name}/{kind}/{}", case_name(&case));
                let analysis = run(&case);
                ran += 1;
                let findings: Vec<Finding> = rule
                    .check(&analysis.network)
                    .into_iter()
                    .filter(|f| f.rule == name)
                    .collect();
                println!("ran {label}: {} finding(s)", findings.len());
                match kind {
                    "bad" if findings.is_empty() => failures.push(format!("{label}: no finding")),
                    "bad" => {
                        let snapshots: Vec<Snapshot> = findings
                            .iter()
                            .map(|f| snapshot(&analysis.sources, f))
                            .collect();
                        insta::assert_yaml_snapshot!(
                            format!("{name}__{}", case_name(&case)),
                            snapshots
                        );
                    }
                    _ if !findings.is_empty() => failures.push(format!(
                        "{label}: unexpected finding(s): {:?}",
                        findings.iter().map(|f| &f.message).collect::<Vec<_>>()
                    )),
                    _ => {}
                }
            }
        }
    }
    println!("{ran} fixture case(s) ran");
    assert!(
        failures.is_empty(),
        "fixture failures:\n{}",
        failures.join("\n")
    );
}
