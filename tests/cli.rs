//! The `vpclint` binary end to end: every output format over the fixtures, exit codes,
//! configuration errors, `rules` and `explain`.

#[path = "data/sarif_schema.rs"]
mod sarif_schema;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FORMATS: [&str; 4] = ["text", "json", "sarif", "github"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs vpclint in `dir` with `args`.
fn vpclint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("vpclint runs")
}

fn vpclint(args: &[&str]) -> Output {
    vpclint_in(root(), args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Subdirectories of `dir`, sorted.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// Lints `path` (relative to the repository) in `format` and returns what to snapshot:
/// the output with its timing and absolute paths masked; for SARIF only the results (the
/// rule catalog in `tool.driver` changes with every rule added, and is tested elsewhere).
fn lint_for_snapshot(path: &str, format: &str) -> (String, Option<i32>) {
    let output = vpclint(&["lint", path, "--format", format, "--color", "never"]);
    let text = stdout(&output);
    let text = match format {
        "sarif" => {
            sarif_schema::assert_valid_sarif(&text);
            let mut value: serde_json::Value = serde_json::from_str(&text).expect("SARIF is JSON");
            let run = &mut value["runs"][0];
            let rules = run["tool"]["driver"]["rules"].clone();
            let mut results = run["results"].take();
            // ruleIndex moves whenever a rule is added: check it here, leave it out of the
            // snapshot.
            for result in results.as_array_mut().expect("results") {
                let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
                assert_eq!(rules[index]["id"], result["ruleId"]);
                result.as_object_mut().expect("result").remove("ruleIndex");
            }
            serde_json::to_string_pretty(&results).expect("serializes")
        }
        "json" => {
            serde_json::from_str::<serde_json::Value>(&text).expect("JSON report is JSON");
            text
        }
        _ => text,
    };
    (text, output.status.code())
}

fn snapshot_dir(dir: &Path, name: &str) {
    let relative = dir
        .strip_prefix(root())
        .expect("fixture under the repository")
        .to_string_lossy()
        .replace('\\', "/");
    for format in FORMATS {
        let (text, code) = lint_for_snapshot(&relative, format);
        assert!(
            matches!(code, Some(0 | 1)),
            "{relative} --format {format}: exit {code:?}"
        );
        insta::with_settings!({
            snapshot_suffix => format!("{name}_{format}"),
            filters => vec![(r"(?m)\d+ ms$", "[time] ms")],
            description => format!("vpclint lint {relative} --format {format}"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!("lint", text);
        });
    }
}

#[test]
fn cli_fixtures_in_every_format() {
    let dirs = subdirs(&root().join("fixtures/cli"));
    assert!(!dirs.is_empty());
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        snapshot_dir(&dir, &format!("cli_{name}"));
    }
}

/// Every `fixtures/<rule>/bad` directory, in every format: rule fixtures added by the rule
/// authors are picked up without code changes. (Whether bad cases trigger their rule and
/// good ones do not is `tests/rule_fixtures.rs`'s job.)
#[test]
fn rule_fixtures_in_every_format() {
    for dir in subdirs(&root().join("fixtures")) {
        let rule = dir.file_name().unwrap().to_string_lossy().into_owned();
        let bad = dir.join("bad");
        if rule != "cli" && bad.is_dir() {
            snapshot_dir(&bad, &format!("{rule}_bad"));
        }
    }
}

#[test]
fn exit_codes_follow_the_fail_level() {
    let broken = "fixtures/cli/invalid-utf8";
    assert_eq!(
        vpclint(&["lint", "fixtures/cli/network"]).status.code(),
        Some(0)
    );
    assert_eq!(vpclint(&["lint", broken]).status.code(), Some(1));
    assert_eq!(
        vpclint(&["lint", broken, "--fail-level", "error"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        vpclint(&["lint", broken, "--ignore", "parse-error"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        vpclint(&["lint", broken, "--select", "unused-suppression"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    for args in [
        &["lint", "fixtures/cli/no-such-dir"][..],
        &["lint", "--format", "xml"],
        &["lint", "--select", "parse-eror"],
        &["lint", "--var", "novalue"],
        &["explain", "parse-eror"],
    ] {
        let output = vpclint(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stdout(&output).is_empty(), "{args:?}");
        assert!(!stderr(&output).is_empty(), "{args:?}");
    }
    let missing = vpclint(&["lint", "fixtures/cli/no-such-dir"]);
    assert_eq!(
        stderr(&missing),
        "vpclint: path not found: fixtures/cli/no-such-dir\n"
    );
    let typo = vpclint(&["explain", "parse-eror"]);
    assert!(
        stderr(&typo).contains("did you mean `parse-error`?"),
        "{}",
        stderr(&typo)
    );
}

#[test]
fn config_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vpclint.toml"),
        "[rules]\nparse-error = \"warning\"\n\n[onprem]\ndirect_connect = [\"10.0.0.0/8\", \"10.1.0.0/33\"]\n",
    )
    .unwrap();
    let output = vpclint_in(dir.path(), &["lint"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "vpclint: vpclint.toml:5:33: invalid IPv4 CIDR `10.1.0.0/33` in [onprem] direct_connect\n"
    );
    std::fs::write(dir.path().join("vpclint.toml"), "[rule]\n").unwrap();
    let output = vpclint_in(dir.path(), &["lint"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("vpclint: vpclint.toml:1:2: unknown field `rule`"),
        "{}",
        stderr(&output)
    );
    let output = vpclint_in(dir.path(), &["lint", "--config", "other.toml"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn config_found_walking_up_sets_levels_and_excludes() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("stacks/templates");
    std::fs::create_dir_all(&templates).unwrap();
    let broken = "AWSTemplateFormatVersion: '2010-09-09'\nDescription: \"\u{0}\"\n";
    let mut bytes = broken.as_bytes().to_vec();
    bytes.push(0xff);
    std::fs::write(templates.join("a.yaml"), &bytes).unwrap();
    std::fs::write(templates.join("b.yaml"), &bytes).unwrap();
    std::fs::write(
        dir.path().join("vpclint.toml"),
        "exclude = [\"stacks/templates/b.yaml\"]\n[rules]\nparse-error = \"warning\"\n",
    )
    .unwrap();
    let output = vpclint_in(
        &templates,
        &["lint", ".", "--format", "json", "--fail-level", "error"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "b.yaml is excluded: {findings:?}");
    assert_eq!(findings[0]["level"], "warning");
    assert_eq!(findings[0]["location"]["path"], "a.yaml");
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.sarif");
    let output = vpclint(&[
        "lint",
        "fixtures/cli",
        "--format",
        "sarif",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    sarif_schema::assert_valid_sarif(&std::fs::read_to_string(out).unwrap());
}

#[test]
fn sarif_lists_every_rule_of_the_catalog() {
    let output = vpclint(&["lint", "fixtures/cli", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let ids: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let catalog: Vec<&str> = vpclint::rules::catalog().iter().map(|m| m.name).collect();
    assert_eq!(ids, catalog);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let plain = vpclint(&["lint", "fixtures/cli/invalid-utf8"]);
    assert!(
        !stdout(&plain).contains('\u{1b}'),
        "not a terminal: no colour"
    );
    let forced = vpclint(&["lint", "fixtures/cli/invalid-utf8", "--color", "always"]);
    assert!(stdout(&forced).contains('\u{1b}'));
}

#[test]
fn rules_and_explain() {
    let listing = stdout(&vpclint(&["rules"]));
    for meta in vpclint::rules::catalog() {
        assert!(listing.contains(meta.name), "{} listed", meta.name);
        let explained = vpclint(&["explain", meta.name]);
        assert_eq!(explained.status.code(), Some(0));
        assert!(stdout(&explained).starts_with(meta.name));
    }
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&vpclint(&["rules", "--format", "json"]))).unwrap();
    assert_eq!(
        json.as_array().unwrap().len(),
        vpclint::rules::catalog().len()
    );
}

/// README.md's rule table is exactly `vpclint rules --format markdown`.
#[test]
fn readme_rule_table_is_generated() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("<!-- rules:start -->\n").expect("start marker") + 21;
    let end = readme.find("<!-- rules:end -->").expect("end marker");
    let table = stdout(&vpclint(&["rules", "--format", "markdown"]));
    assert_eq!(
        &readme[start..end],
        table,
        "README rule table is stale: run scripts/update-readme-rules"
    );
}

/// Every registered rule has `rules/<name>.md` (embedded as its doc) and every doc a rule.
#[test]
fn every_rule_has_a_doc_and_every_doc_a_rule() {
    let catalog = vpclint::rules::catalog();
    for meta in &catalog {
        let path = root().join("rules").join(format!("{}.md", meta.name));
        let doc = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} has no {}", meta.name, path.display()));
        assert_eq!(
            doc, meta.doc,
            "{}: embedded doc differs from the file",
            meta.name
        );
        assert!(
            doc.starts_with(&format!("# {}\n", meta.name)),
            "{} title",
            meta.name
        );
    }
    for entry in std::fs::read_dir(root().join("rules")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rule) = name.strip_suffix(".md") else {
            continue;
        };
        assert!(
            catalog.iter().any(|m| m.name == rule),
            "rules/{name} documents no registered rule"
        );
    }
}

#[test]
fn suppressions_hide_findings_and_unused_ones_are_notes() {
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["lint", "fixtures/cli/suppressed", "--format", "json"];
        all.extend_from_slice(args);
        serde_json::from_str(&stdout(&vpclint(&all))).unwrap()
    };
    let rules_of = |report: &serde_json::Value, key: &str| -> Vec<String> {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let report = json(&[]);
    assert_eq!(
        rules_of(&report, "findings"),
        [
            "sg-world-open-admin",
            "unused-suppression",
            "unused-suppression"
        ]
    );
    assert_eq!(
        rules_of(&report, "suppressed"),
        ["sg-world-open-admin", "sg-world-open-admin"]
    );
    assert_eq!(
        report["suppressed"][0]["reason"],
        "bastion host, access reviewed in SEC-12"
    );
    let quiet = json(&["--ignore", "unused-suppression,sg-world-open-admin"]);
    assert!(rules_of(&quiet, "findings").is_empty());
    assert!(
        rules_of(&quiet, "suppressed").is_empty(),
        "rules that did not run suppress nothing"
    );
}

/// What could not be evaluated is never silent: without `--strict` it is a summary line,
/// `summary.not_analyzed` in JSON and tool execution notifications in SARIF (exit 0);
/// with `--strict` (the `bad` fixtures' vpclint.toml) it becomes findings.
#[test]
fn not_analyzed_is_reported_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = root().join("fixtures/incomplete-analysis/bad");
    for name in ["tf-uninstalled-module", "cfn-undecidable-condition.yaml"] {
        let (from, to) = (bad.join(name), dir.path().join(name));
        if from.is_dir() {
            std::fs::create_dir(&to).unwrap();
            std::fs::copy(from.join("main.tf"), to.join("main.tf")).unwrap();
        } else {
            std::fs::copy(from, to).unwrap();
        }
    }
    let text = vpclint_in(dir.path(), &["lint", "--color", "never"]);
    assert_eq!(text.status.code(), Some(0));
    let last = stdout(&text).lines().last().unwrap_or_default().to_string();
    assert_eq!(
        last,
        "3 places not analyzed in 2 units: module not installed (1), count/for_each unknown (1), \
         condition unknown (1); `vpclint model` lists them, `--strict` reports them as findings"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&vpclint_in(dir.path(), &["lint", "--format", "json"]).stdout)
            .expect("json");
    let causes: Vec<&str> = json["summary"]["not_analyzed"]
        .as_array()
        .expect("not_analyzed")
        .iter()
        .map(|g| g["cause"].as_str().unwrap())
        .collect();
    assert_eq!(
        causes,
        ["unknown-condition", "module-not-installed", "unknown-count"]
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&vpclint_in(dir.path(), &["lint", "--format", "sarif"]).stdout)
            .expect("sarif");
    let notifications = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notifications.as_array().map(Vec::len), Some(3));
    assert_eq!(
        notifications[1]["locations"][0]["physicalLocation"]["region"]["startLine"],
        10
    );
    let strict = vpclint_in(dir.path(), &["lint", "--strict", "--format", "json"]);
    let strict: serde_json::Value = serde_json::from_slice(&strict.stdout).expect("json");
    assert_eq!(strict["summary"]["notes"], 3);
    let model = vpclint_in(dir.path(), &["model", "tf-uninstalled-module"]);
    assert!(
        stdout(&model).contains("not analyzed\n"),
        "{}",
        stdout(&model)
    );
    assert!(stdout(&model).contains("[module-not-installed]"));
}
