//! The `vpclint` binary end to end: every output format over the fixtures, exit codes,
//! configuration errors, `rules` and `explain`.

#[path = "data/sarif_schema.rs"]
mod sarif_schema;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FORMATS: [&str; 4] = ["text", "json", "sarif", "github"];
/// Formats snapshotted over the CLI fixtures only (their shape does not vary by rule).
const LINE_FORMATS: [&str; 3] = ["compact", "junit", "gitlab"];

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
            assert_valid_report_json(&text);
            text
        }
        _ => text,
    };
    (text, output.status.code())
}

/// Panics with every violation when `json` does not follow schemas/vpclint-output-v1.json.
fn assert_valid_report_json(json: &str) {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../schemas/vpclint-output-v1.json"))
                .expect("schema is JSON");
        jsonschema::validator_for(&schema).expect("schema compiles")
    });
    let value: serde_json::Value = serde_json::from_str(json).expect("JSON report is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "JSON report off its schema:\n{}",
        errors.join("\n")
    );
}

fn snapshot_dir(dir: &Path, name: &str) {
    snapshot_dir_in(dir, name, &FORMATS);
}

fn snapshot_dir_in(dir: &Path, name: &str, formats: &[&str]) {
    let relative = dir
        .strip_prefix(root())
        .expect("fixture under the repository")
        .to_string_lossy()
        .replace('\\', "/");
    for &format in formats {
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
        snapshot_dir_in(&dir, &format!("cli_{name}"), &LINE_FORMATS);
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

/// A config in the directory vpclint runs in (found as the relative path `vpclint.toml`):
/// its excludes are relative to that directory too.
#[test]
fn config_in_the_working_directory_applies_its_excludes() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\nresource \"aws_subnet\" \"s\" {\n  vpc_id     = aws_vpc.a.id\n  cidr_block = \"10.1.0.0/24\"\n}\n";
    for module in ["app", "legacy"] {
        std::fs::create_dir_all(dir.path().join(module)).unwrap();
        std::fs::write(dir.path().join(module).join("main.tf"), bad).unwrap();
    }
    std::fs::write(dir.path().join("vpclint.toml"), "exclude = [\"legacy\"]\n").unwrap();
    for args in [
        &["lint", ".", "-f", "compact"][..],
        &["lint", "-f", "compact"][..],
    ] {
        let output = vpclint_in(dir.path(), args);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let report = stdout(&output);
        assert!(report.contains("app/main.tf"), "{args:?}: {report}");
        assert!(
            !report.contains("legacy"),
            "{args:?}: legacy is excluded: {report}"
        );
    }
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

/// A file of the transitive-peering fixture, copied into `dir/net`.
fn transitive_peering_copy(dir: &Path) {
    let from = root().join("fixtures/transitive-peering/bad/tf-via-hub");
    std::fs::create_dir_all(dir.join("net")).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(entry.path(), dir.join("net").join(entry.file_name())).unwrap();
    }
}

#[test]
fn one_run_writes_several_reports() {
    let dir = tempfile::tempdir().unwrap();
    transitive_peering_copy(dir.path());
    let output = vpclint_in(
        dir.path(),
        &[
            "lint",
            "net",
            "-f",
            "sarif=out/report.sarif",
            "--format",
            "compact",
            "-f",
            "junit=report.xml",
            "--color",
            "never",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "out/ does not exist yet");
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let output = vpclint_in(
        dir.path(),
        &[
            "lint",
            "net",
            "-f",
            "sarif=out/report.sarif",
            "--format",
            "compact",
            "-f",
            "junit=report.xml",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output)
            .starts_with("net/main.tf:38:31: error [transitive-peering] aws_route.a_to_c: "),
        "{}",
        stdout(&output)
    );
    let sarif = std::fs::read_to_string(dir.path().join("out/report.sarif")).unwrap();
    sarif_schema::assert_valid_sarif(&sarif);
    assert!(sarif.contains("\"ruleId\": \"transitive-peering\""));
    assert!(
        !sarif.contains("automationDetails"),
        "upload-sarif's category applies"
    );
    assert!(std::fs::read_to_string(dir.path().join("report.xml"))
        .unwrap()
        .contains("<failure "));
    // The terminal still says what happened when every report goes to a file.
    let output = vpclint_in(dir.path(), &["lint", "net", "-o", "report.txt"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).starts_with("1 error, 0 warnings, 0 notes in 1 file"),
        "{}",
        stderr(&output)
    );
    let quiet = vpclint_in(dir.path(), &["lint", "net", "-q", "-o", "report.txt"]);
    assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));

    for (args, message) in [
        (
            &["-f", "text", "-f", "json"][..],
            "only one report can go to standard output",
        ),
        (
            &["-f", "sarif=a", "-o", "b"],
            "--output has no report to receive",
        ),
        (
            &["-f", "sarif=a.sarif", "-f", "json=./a.sarif"],
            "two reports would be written to",
        ),
        (
            &["-o", "net/main.tf"],
            "refusing to write to net/main.tf: it is an input of this run",
        ),
        (&["-f", "sarif=net/../net/main.tf"], "refusing to write"),
        (&["--write-baseline", "net/main.tf"], "refusing to write"),
        (&["-f", "yaml"], "unknown format `yaml`"),
    ] {
        let output = vpclint_in(dir.path(), &[&["lint", "net"][..], args].concat());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    let source = std::fs::read_to_string(dir.path().join("net/main.tf")).unwrap();
    assert!(source.contains("aws_route"), "the input is intact");
}

#[test]
fn a_baseline_accepts_findings_until_they_change() {
    let dir = tempfile::tempdir().unwrap();
    transitive_peering_copy(dir.path());
    let output = vpclint_in(
        dir.path(),
        &["lint", "net", "--write-baseline", "baseline.json"],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "written findings are accepted: {}",
        stderr(&output)
    );
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["findings"][0]["rule"], "transitive-peering");
    assert_eq!(baseline["findings"][0]["address"], "aws_route.a_to_c");

    // Moving lines does not bring the finding back.
    let main = dir.path().join("net/main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("# a comment\n\n{text}")).unwrap();
    let output = vpclint_in(
        dir.path(),
        &["lint", "net", "--baseline", "baseline.json", "-f", "sarif"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let sarif = stdout(&output);
    sarif_schema::assert_valid_sarif(&sarif);
    let value: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let result = &value["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "transitive-peering");
    assert_eq!(result["suppressions"][0]["kind"], "external");
    assert_eq!(
        result["suppressions"][0]["justification"],
        "accepted in the baseline baseline.json"
    );
    let output = vpclint_in(
        dir.path(),
        &["lint", "net", "--baseline", "baseline.json", "-f", "json"],
    );
    let json = stdout(&output);
    assert_valid_report_json(&json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["summary"]["baseline_stale"], 0);
    assert_eq!(value["suppressed"][0]["kind"], "baseline");

    // A new finding fails; once fixed, the accepted one is counted as stale.
    std::fs::write(
        &main,
        text.replace("aws_route\" \"a_to_c\"", "aws_route\" \"a_to_c2\""),
    )
    .unwrap();
    let output = vpclint_in(
        dir.path(),
        &[
            "lint",
            "net",
            "--baseline",
            "baseline.json",
            "--color",
            "never",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("(1 baseline entry matching no finding)"),
        "{}",
        stdout(&output)
    );
    // ...unless its rule did not run.
    let output = vpclint_in(
        dir.path(),
        &[
            "lint",
            "net",
            "--baseline",
            "baseline.json",
            "--select",
            "parse-error",
        ],
    );
    assert!(
        !stdout(&output).contains("baseline entry"),
        "{}",
        stdout(&output)
    );

    std::fs::write(
        dir.path().join("bad.json"),
        "{\"version\": 1, \"findings\": [{}]}",
    )
    .unwrap();
    let output = vpclint_in(dir.path(), &["lint", "net", "--baseline", "bad.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("vpclint: bad.json:1:")
            && stderr(&output).contains("missing field `fingerprint`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn flags_for_ci_and_editors() {
    let dir = tempfile::tempdir().unwrap();
    transitive_peering_copy(dir.path());
    std::fs::create_dir(dir.path().join("legacy")).unwrap();
    std::fs::copy(
        root().join("fixtures/transitive-peering/bad/cfn-default-route.yaml"),
        dir.path().join("legacy/stack.yaml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.yaml"), "title: not a template\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(".", dir.path().join("self")).unwrap();

    let output = vpclint_in(dir.path(), &["lint", "-f", "compact"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 2, "{}", stdout(&output));
    let output = vpclint_in(dir.path(), &["lint", "--fail-level", "none", "-q"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(!stdout(&output).contains("errors,"), "quiet: no summary");

    let output = vpclint_in(
        dir.path(),
        &[
            "lint",
            "-f",
            "compact",
            "--exclude",
            "legacy",
            "--exclude",
            "**/*.tf",
            "-v",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let log = stderr(&output);
    assert!(log.contains("vpclint: no config file (defaults)"), "{log}");
    assert!(
        log.contains("vpclint: skipped legacy: excluded by an exclude glob"),
        "{log}"
    );
    assert!(
        log.contains(
            "vpclint: skipped notes.yaml: neither a CloudFormation template nor a Terraform plan"
        ),
        "{log}"
    );
    #[cfg(unix)]
    assert!(
        log.contains("vpclint: skipped self: symbolic link to a directory that contains it"),
        "{log}"
    );

    // Standard input, reported under the name the editor gives.
    let template = std::fs::read(dir.path().join("legacy/stack.yaml")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args([
            "lint",
            "-",
            "--stdin-filename",
            "stacks/app.yaml",
            "-f",
            "compact",
        ])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&template).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output)
            .starts_with("stacks/app.yaml:25:29: error [transitive-peering] DefaultViaPeer: "),
        "{}",
        stdout(&output)
    );
    let output = vpclint_in(dir.path(), &["lint", "-"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("needs --stdin-filename"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn help_shows_each_default_once_and_short_flags() {
    let output = vpclint(&["lint", "--help"]);
    let help = stdout(&output);
    for line in help.lines() {
        assert!(
            !(line.contains("(default") && line.contains("[default")),
            "default stated twice: {line}"
        );
    }
    assert!(help.contains("-f, --format <FORMAT[=FILE]>"), "{help}");
    assert!(help.contains("-o, --output <FILE>"), "{help}");
}

/// The near misses of `incomplete-analysis`: each is evaluated whole, so even `--strict`
/// reports nothing and no place is left out.
#[test]
fn incomplete_analysis_near_misses_leave_nothing_out() {
    let good = root().join("fixtures/incomplete-analysis/good");
    let mut cases: Vec<_> = std::fs::read_dir(&good)
        .expect("good fixtures")
        .map(|entry| entry.expect("entry").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "{cases:?}");
    for case in cases {
        let case = case.to_string_lossy();
        let output = vpclint(&["lint", "--strict", "--format", "json", &case]);
        assert_eq!(output.status.code(), Some(0), "{case}");
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        assert_eq!(
            json["summary"]["not_analyzed"],
            serde_json::json!([]),
            "{case}"
        );
        assert_eq!(json["findings"], serde_json::json!([]), "{case}");
    }
}

/// A module that two roots share is one place not analyzed, in both units: the summary
/// counts every unit the place belongs to, not only the first.
#[test]
fn a_gap_in_a_shared_module_counts_every_unit_it_is_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "shared/main.tf",
        "module \"vpc\" {\n  source = \"example/vpc/aws\"\n}\n",
    );
    for root in ["staging", "production"] {
        write(
            &format!("{root}/main.tf"),
            "module \"network\" {\n  source = \"../shared\"\n}\n",
        );
    }
    let args = ["lint", "--color", "never", "staging", "production"];
    let text = vpclint_in(dir.path(), &args);
    assert_eq!(text.status.code(), Some(0), "{}", stdout(&text));
    let last = stdout(&text).lines().last().unwrap_or_default().to_string();
    assert_eq!(
        last,
        "1 place not analyzed in 2 units: module not installed (1); `vpclint model` lists \
         them, `--strict` reports them as findings"
    );
    let json = vpclint_in(
        dir.path(),
        &["lint", "--format", "json", "staging", "production"],
    );
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(json["summary"]["not_analyzed"][0]["unit"], "production");
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

/// A run over one template loads it on the CLI's own thread (one of the pool's threads, on
/// Unix): the longest reference and condition chains the frontend evaluates fit its stack.
#[test]
fn one_template_with_long_chains_lints_on_the_cli_thread() {
    use std::fmt::Write;
    let n = 3_000;
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nConditions:\n");
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
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("chains.yaml"), text).unwrap();
    let output = vpclint_in(dir.path(), &["lint", "chains.yaml", "--format", "json"]);
    assert!(
        output.status.code().is_some(),
        "killed by a signal: {}",
        stderr(&output)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        json["summary"]["analyzed"].as_array().map(Vec::len),
        Some(1)
    );
}

/// A Terragrunt live repository has no Terraform of its own: every run says that its
/// configurations are not read (the first by name, the others counted), not only
/// `--verbose` ones, which list each.
#[test]
fn terragrunt_configurations_are_said_to_be_skipped() {
    let dir = tempfile::tempdir().unwrap();
    for env in ["dev", "prod"] {
        let unit = dir.path().join(format!("live/{env}/vpc"));
        std::fs::create_dir_all(&unit).unwrap();
        std::fs::write(
            unit.join("terragrunt.hcl"),
            "terraform {\n  source = \"../../../modules/vpc\"\n}\ninputs = {\n  cidr = \"10.0.0.0/16\"\n}\n",
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("live/root.hcl"), "locals {}\n").unwrap();
    let output = vpclint_in(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).trim_end(),
        "vpclint: skipped live/dev/vpc/terragrunt.hcl and 1 other (--verbose lists it): \
         Terragrunt configuration: vpclint does not read it, so the inputs it passes to its \
         module are unknown: lint the module with them as --var or --var-file"
    );
    let verbose = vpclint_in(dir.path(), &["lint", "--verbose"]);
    assert!(
        stderr(&verbose).contains("skipped live/prod/vpc/terragrunt.hcl: Terragrunt"),
        "{}",
        stderr(&verbose)
    );
    let quiet = vpclint_in(dir.path(), &["lint", "-q"]);
    assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));
    let named = vpclint_in(
        dir.path(),
        &["lint", "--format", "json", "live/prod/vpc/terragrunt.hcl"],
    );
    assert!(
        stderr(&named).starts_with("vpclint: skipped live/prod/vpc/terragrunt.hcl: Terragrunt"),
        "{}",
        stderr(&named)
    );
}

/// A CDK project gives nothing to analyze until `cdk synth`: every run says how to lint
/// it, not only `--verbose` ones, and says it once per app.
#[test]
fn a_cdk_project_says_how_to_lint_its_templates() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("infra");
    std::fs::create_dir_all(app.join("lib")).unwrap();
    std::fs::write(app.join("cdk.json"), r#"{"app": "npx ts-node bin/app.ts"}"#).unwrap();
    std::fs::write(app.join("lib/stack.ts"), "export {};\n").unwrap();
    let output = vpclint_in(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).trim_end(),
        "vpclint: skipped infra/cdk.json: CDK app: vpclint reads the templates `cdk synth` \
         writes: run it, then name cdk.out/manifest.json"
    );
    let text = vpclint_in(dir.path(), &["lint"]);
    assert!(stdout(&text).contains("no Terraform or CloudFormation found"));
    assert!(stderr(&text).contains("cdk synth"), "{}", stderr(&text));
    let quiet = vpclint_in(dir.path(), &["lint", "-q"]);
    assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));

    // Synthesized: the assembly says it, once.
    std::fs::create_dir_all(app.join("cdk.out")).unwrap();
    std::fs::write(
        app.join("cdk.out/manifest.json"),
        r#"{"version": "36.0.0", "artifacts": {}}"#,
    )
    .unwrap();
    let output = vpclint_in(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(
        stderr(&output).trim_end(),
        "vpclint: skipped infra/cdk.out: CDK cloud assembly (generated): name its \
         manifest.json to lint the synthesized templates"
    );
}

/// `terraform.workspace` is the workspace Terraform would select: `TF_WORKSPACE`, else the
/// one recorded in `.terraform/environment`, else `default`.
#[test]
fn terraform_workspace_is_the_selected_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "locals {\n  cidrs = { dev = \"10.10.0.0/16\", prod = \"10.20.0.0/16\" }\n}\n\
         resource \"aws_vpc\" \"main\" {\n  cidr_block = local.cidrs[terraform.workspace]\n}\n",
    )
    .unwrap();
    let vpc_cidr = |workspace_env: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vpclint"));
        command
            .args(["model", "--format", "json", "."])
            .current_dir(dir.path())
            .env_remove("TF_WORKSPACE");
        if let Some(name) = workspace_env {
            command.env("TF_WORKSPACE", name);
        }
        let output = command.output().expect("vpclint runs");
        let model: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        model["vpcs"][0]["cidr"].clone()
    };
    // The default workspace: the map has no "default" key.
    assert_eq!(vpc_cidr(None), serde_json::Value::Null);
    std::fs::create_dir(dir.path().join(".terraform")).unwrap();
    std::fs::write(dir.path().join(".terraform/environment"), "prod").unwrap();
    assert_eq!(vpc_cidr(None), "10.20.0.0/16");
    assert_eq!(vpc_cidr(Some("dev")), "10.10.0.0/16");
}
