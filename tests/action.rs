//! Runs the GitHub Action's script (`scripts/action/run.sh`) under a simulated GitHub
//! environment and checks the SARIF file, the step outputs, the job summary, the
//! annotations and the exit status.
#![cfg(unix)]

mod ci_support;

use ci_support::{
    missing_lint_features, repo_root, vpclint_bin, write, TRANSITIVE_PEERING_BAD,
    TRANSITIVE_PEERING_LINE,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Github {
    dir: tempfile::TempDir,
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
    outputs: BTreeMap<String, String>,
    summary: String,
}

impl Github {
    fn new() -> Github {
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["workspace", "runner-temp"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("create dir");
        }
        Github { dir }
    }

    fn workspace(&self) -> PathBuf {
        self.dir.path().join("workspace")
    }

    fn run(&self, vpclint: &Path, inputs: &[(&str, &str)]) -> Run {
        let output_file = self.dir.path().join("github_output");
        let summary_file = self.dir.path().join("step_summary");
        std::fs::write(&output_file, "").expect("reset outputs");
        std::fs::write(&summary_file, "").expect("reset summary");
        let mut cmd = Command::new("bash");
        cmd.arg(repo_root().join("scripts/action/run.sh"))
            .current_dir(self.dir.path())
            .env("VPCLINT", vpclint)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", self.workspace())
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .env("RUNNER_TEMP", self.dir.path().join("runner-temp"))
            .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
            .env("GITHUB_SERVER_URL", "https://github.example")
            .env("GITHUB_REPOSITORY", "acme/network");
        for (name, value) in inputs {
            cmd.env(format!("INPUT_{name}"), value);
        }
        let out = cmd.output().expect("run run.sh");
        let outputs = std::fs::read_to_string(&output_file)
            .expect("read outputs")
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            outputs,
            summary: std::fs::read_to_string(&summary_file).expect("read summary"),
        }
    }

    /// A stand-in for vpclint that writes `sarif` to the file of `--format sarif=FILE`,
    /// prints its arguments, and exits with `status`; `vpclint graph` prints `graph`, or
    /// fails as an unknown subcommand when it is `None`.
    fn fake_vpclint(&self, sarif: &Value, status: i32) -> PathBuf {
        self.fake_vpclint_with_graph(sarif, status, None)
    }

    fn fake_vpclint_with_graph(&self, sarif: &Value, status: i32, graph: Option<&str>) -> PathBuf {
        let sarif_path = self.dir.path().join("canned.sarif");
        std::fs::write(&sarif_path, sarif.to_string()).expect("write canned SARIF");
        let graph_path = self.dir.path().join("canned.mmd");
        let graph_command = match graph {
            Some(graph) => {
                std::fs::write(&graph_path, graph).expect("write canned graph");
                format!(
                    "if [ \"$2\" = --help ]; then exit 0; fi; cat '{}'; exit 0",
                    graph_path.display()
                )
            }
            None => "echo \"error: unrecognized subcommand 'graph'\" >&2; exit 2".to_string(),
        };
        let script = self.dir.path().join("fake-vpclint");
        write(
            &script,
            &format!(
                "#!/usr/bin/env bash\nif [ \"$1\" = graph ]; then {graph_command}; fi\n\
                 echo \"fake-vpclint $*\"\nwhile [ $# -gt 0 ]; do\n  \
                 case \"$1\" in sarif=*) cp '{}' \"${{1#sarif=}}\" ;; esac\n  shift\ndone\nexit {status}\n",
                sarif_path.display()
            ),
        );
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        script
    }
}

fn canned_sarif() -> Value {
    serde_json::json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "vpclint", "rules": [
                {"id": "transitive-peering", "defaultConfiguration": {"level": "error"}},
                {"id": "nat-gateway-single-az", "defaultConfiguration": {"level": "warning"}}
            ]}},
            "results": [
                {
                    "ruleId": "transitive-peering", "ruleIndex": 0, "level": "error",
                    "message": {"text": "route 10.2.0.0/16 -> pcx ab: 100% wrong,\nsee: docs | table"},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": "net/my%20vpc/main.tf", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 33, "startColumn": 3, "endLine": 33, "endColumn": 50}
                    }}]
                },
                {
                    "ruleId": "nat-gateway-single-az", "ruleIndex": 1,
                    "message": {"text": "one NAT gateway for 3 AZs"},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": "net/a,b:c.tf", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 7, "endLine": 9}
                    }}]
                },
                {
                    "ruleId": "nat-gateway-single-az", "ruleIndex": 1, "level": "warning",
                    "message": {"text": "suppressed"},
                    "suppressions": [{"kind": "inSource"}],
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": "net/other.tf"},
                        "region": {"startLine": 1}
                    }}]
                }
            ]
        }]
    })
}

#[test]
fn summary_outputs_and_annotations_come_from_the_sarif() {
    let gh = Github::new();
    let fake = gh.fake_vpclint(&canned_sarif(), 1);
    let run = gh.run(
        &fake,
        &[
            ("PATHS", "net\nother dir"),
            ("FAIL_LEVEL", "error"),
            ("CONFIG", "vpclint.toml"),
        ],
    );
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);

    // One analysis writes the SARIF file and prints the text report to the log.
    let sarif_file = gh.dir.path().join("runner-temp/vpclint.sarif");
    assert!(run.stdout.contains(&format!(
        "fake-vpclint lint --format sarif={} --format text --fail-level error --config vpclint.toml -- net other dir",
        sarif_file.display()
    )), "{}", run.stdout);
    assert_eq!(
        run.stdout.matches("fake-vpclint").count(),
        1,
        "{}",
        run.stdout
    );

    assert_eq!(run.outputs["findings"], "2");
    assert_eq!(run.outputs["errors"], "1");
    assert_eq!(run.outputs["warnings"], "1");
    assert_eq!(run.outputs["notes"], "0");
    assert_eq!(run.outputs["sarif-file"], sarif_file.display().to_string());

    // Workflow commands escape %, CR, LF in data and also : and , in properties.
    assert!(run.stdout.contains(
        "::error file=net/my vpc/main.tf,line=33,endLine=33,col=3,endColumn=50,\
         title=vpclint transitive-peering::route 10.2.0.0/16 -> pcx ab: 100%25 wrong,%0Asee: docs | table"
    ), "{}", run.stdout);
    assert!(run.stdout.contains(
        "::warning file=net/a%2Cb%3Ac.tf,line=7,endLine=9,title=vpclint nat-gateway-single-az::one NAT gateway for 3 AZs"
    ), "{}", run.stdout);
    assert!(!run.stdout.contains("suppressed"));

    let s = &run.summary;
    assert!(
        s.contains("2 findings: 1 error, 1 warning, 0 notes."),
        "{s}"
    );
    assert!(
        s.contains("| `transitive-peering` | 1 | 0 | 0 | 1 |"),
        "{s}"
    );
    assert!(
        s.contains("| `nat-gateway-single-az` | 0 | 1 | 0 | 1 |"),
        "{s}"
    );
    assert!(s.contains(
        "| error | `transitive-peering` | [net/my vpc/main.tf:33](https://github.example/acme/network/blob/\
         0123456789abcdef0123456789abcdef01234567/net/my%20vpc/main.tf#L33) | \
         route 10.2.0.0/16 -> pcx ab: 100% wrong, see: docs \\| table |"
    ), "{s}");
}

#[test]
fn no_annotations_when_disabled_and_no_second_run_for_format_none() {
    let gh = Github::new();
    let fake = gh.fake_vpclint(&canned_sarif(), 0);
    let custom = gh.workspace().join("out/report.sarif");
    let run = gh.run(
        &fake,
        &[
            ("ANNOTATIONS", "false"),
            ("FORMAT", "none"),
            ("SARIF_FILE", "out/report.sarif"),
        ],
    );
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("::error"), "{}", run.stdout);
    assert_eq!(run.stdout.matches("fake-vpclint lint").count(), 1);
    assert!(
        run.stdout
            .contains("--format sarif=out/report.sarif --fail-level warning -- ."),
        "{}",
        run.stdout
    );
    assert!(
        !run.summary.contains("mermaid"),
        "no graph subcommand, no graph"
    );
    assert!(custom.is_file());
    assert_eq!(run.outputs["sarif-file"], "out/report.sarif");
}

#[test]
fn a_usage_error_fails_with_status_2_and_a_clear_message() {
    let gh = Github::new();
    let fake = gh.fake_vpclint(&canned_sarif(), 2);
    let run = gh.run(&fake, &[]);
    assert_eq!(run.status, 2);
    assert!(run
        .stdout
        .contains("::error title=vpclint::vpclint exited with status 2"));
    assert!(run.outputs.is_empty(), "{:?}", run.outputs);

    let run = gh.run(&fake, &[("FORMAT", "yaml")]);
    assert_eq!(run.status, 2);
    assert!(run
        .stdout
        .contains("format must be text, compact, json, sarif, github or none"));
}

/// `format: github` prints annotations as workflow commands: with `annotations: false` the
/// log gets the same findings as compact lines, and no annotation is printed by anyone.
#[test]
fn format_github_follows_the_annotations_input() {
    let gh = Github::new();
    let fake = gh.fake_vpclint(&canned_sarif(), 1);
    let run = gh.run(&fake, &[("FORMAT", "github")]);
    assert_eq!(run.status, 1);
    assert!(
        run.stdout.contains("--format github --fail-level"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("::error file="),
        "vpclint prints them, not report.py: {}",
        run.stdout
    );

    let run = gh.run(&fake, &[("FORMAT", "github"), ("ANNOTATIONS", "false")]);
    assert_eq!(run.status, 1);
    assert!(
        run.stdout.contains("--format compact --fail-level"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("--format github"), "{}", run.stdout);
    assert!(!run.stdout.contains("::"), "{}", run.stdout);
    assert_eq!(run.outputs["findings"], "2");

    let run = gh.run(&fake, &[("FORMAT", "sarif")]);
    assert_eq!(
        run.stdout.matches("fake-vpclint").count(),
        1,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\"ruleId\":\"transitive-peering\""),
        "the SARIF is printed"
    );
}

#[test]
fn the_job_summary_embeds_the_network_graph() {
    let gh = Github::new();
    let small = "flowchart LR\n  vpc_a --> pcx_ab\n";
    let fake = gh.fake_vpclint_with_graph(&canned_sarif(), 0, Some(small));
    let run = gh.run(&fake, &[("CONFIG", "vpclint.toml")]);
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.summary
            .contains("### Network graph\n\n```mermaid\nflowchart LR\n  vpc_a --> pcx_ab\n```\n"),
        "{}",
        run.summary
    );
    assert!(!run.summary.contains("<details>"));

    let large: String = std::iter::once("flowchart LR\n".to_string())
        .chain((0..100).map(|i| format!("  n{i} --> n{}\n", i + 1)))
        .collect();
    let fake = gh.fake_vpclint_with_graph(&canned_sarif(), 0, Some(&large));
    let run = gh.run(&fake, &[]);
    assert!(
        run.summary
            .contains("<details>\n<summary>Network graph</summary>\n\n```mermaid\nflowchart LR\n"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("n99 --> n100\n```\n\n</details>"),
        "{}",
        run.summary
    );

    let huge: String = std::iter::once("flowchart LR\n".to_string())
        .chain((0..5000).map(|i| format!("  node{i} --> node{}\n", i + 1)))
        .collect();
    let fake = gh.fake_vpclint_with_graph(&canned_sarif(), 0, Some(&huge));
    let run = gh.run(&fake, &[]);
    assert!(!run.summary.contains("```mermaid"), "too large to render");
    assert!(
        run.summary.contains("run `vpclint graph` locally"),
        "{}",
        run.summary
    );
}

#[test]
fn no_findings_summary() {
    let gh = Github::new();
    let mut sarif = canned_sarif();
    sarif["runs"][0]["results"] = serde_json::json!([]);
    let fake = gh.fake_vpclint(&sarif, 0);
    let run = gh.run(&fake, &[]);
    assert_eq!(run.status, 0);
    assert_eq!(run.outputs["findings"], "0");
    assert_eq!(run.outputs["errors"], "0");
    assert!(run.summary.contains("No findings."), "{}", run.summary);
}

/// The real binary on a module with a `transitive-peering` mistake.
#[test]
fn end_to_end_with_vpclint() {
    if let Some(reason) = missing_lint_features() {
        eprintln!("skipping the end-to-end action test: {reason}");
        return;
    }
    let gh = Github::new();
    write(&gh.workspace().join("net/main.tf"), TRANSITIVE_PEERING_BAD);
    let run = gh.run(&vpclint_bin(), &[("PATHS", "net")]);
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);

    let sarif_path = PathBuf::from(&run.outputs["sarif-file"]);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).expect("read SARIF"))
            .expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let finding = results
        .iter()
        .find(|r| r["ruleId"] == "transitive-peering")
        .expect("a transitive-peering result");
    let location = &finding["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "net/main.tf");
    assert_eq!(location["region"]["startLine"], TRANSITIVE_PEERING_LINE);

    assert_ne!(run.outputs["findings"], "0");
    assert_ne!(run.outputs["errors"], "0");
    // The text report in the log comes from the same run as the SARIF.
    assert!(run.stdout.contains("error, 0 warnings"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "::error file=net/main.tf,line={TRANSITIVE_PEERING_LINE}"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.summary.contains("| `transitive-peering` | 1 |"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains(&format!(
        "(https://github.example/acme/network/blob/0123456789abcdef0123456789abcdef01234567/net/main.tf#L{TRANSITIVE_PEERING_LINE})"
    )), "{}", run.summary);

    // Fixed: the action passes, and a stricter fail level changes nothing.
    write(
        &gh.workspace().join("net/main.tf"),
        &ci_support::transitive_peering_fixed(),
    );
    let run = gh.run(&vpclint_bin(), &[("PATHS", "net")]);
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.outputs["findings"], "0");
    assert!(run.summary.contains("No findings."));
}

#[test]
fn the_fixture_line_is_the_route_destination() {
    let line = TRANSITIVE_PEERING_BAD
        .lines()
        .nth(TRANSITIVE_PEERING_LINE - 1)
        .unwrap_or_default();
    assert!(line.contains("destination_cidr_block"), "{line}");
}
