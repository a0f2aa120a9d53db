//! `vpclint reach` and `vpclint graph` end to end: every network under `fixtures/reach/`
//! with the queries of its `queries` file (one command line each; `#` lines say what is
//! expected), answered as JSON and snapshotted with their exit status; graphs of the
//! same networks in every format.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn vpclint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("vpclint runs")
}

fn fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/reach"))
        .expect("fixtures/reach")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Splits a query line into arguments; double quotes group (`"aws_subnet.a[\"x\"]"` is not
/// needed: addresses with quotes are written with single quotes).
fn split(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ' ') => {
                if !current.is_empty() {
                    args.push(std::mem::take(&mut current));
                }
            }
            (_, c) => current.push(c),
        }
    }
    if !current.is_empty() {
        args.push(current);
    }
    args
}

#[test]
fn reach_answers_over_the_fixtures() {
    for dir in fixtures() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let relative = format!("fixtures/reach/{name}");
        let queries = std::fs::read_to_string(dir.join("queries")).expect("queries file");
        let mut snapshot = String::new();
        for line in queries.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if line.starts_with('#') {
                snapshot.push_str(line);
                snapshot.push('\n');
                continue;
            }
            let mut args = vec!["reach".to_string(), relative.clone()];
            args.extend(split(line));
            args.extend(["--format".to_string(), "json".to_string()]);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let output = vpclint(&args);
            let stdout = String::from_utf8(output.stdout).expect("UTF-8");
            let stderr = String::from_utf8(output.stderr).expect("UTF-8");
            let code = output.status.code();
            assert!(
                matches!(code, Some(0 | 1 | 3)),
                "{name}: `{line}` exited {code:?}: {stderr}"
            );
            let value: serde_json::Value = serde_json::from_str(&stdout)
                .unwrap_or_else(|e| panic!("{name}: `{line}`: not JSON ({e}): {stdout}"));
            let verdict = value["verdict"].as_str().expect("verdict");
            let expected_code = match verdict {
                "reachable" => 0,
                "unreachable" => 1,
                _ => 3,
            };
            assert_eq!(code, Some(expected_code), "{name}: `{line}`");
            snapshot.push_str(&format!(
                "$ vpclint reach {relative} {line}\nexit {}\n{stdout}\n",
                expected_code
            ));
        }
        insta::assert_snapshot!(format!("reach@{name}"), snapshot);
    }
}

#[test]
fn graphs_of_the_fixtures_are_deterministic() {
    for dir in fixtures() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let relative = format!("fixtures/reach/{name}");
        for format in ["mermaid", "dot", "json"] {
            let first = vpclint(&["graph", &relative, "--format", format]);
            let second = vpclint(&["graph", &relative, "--format", format]);
            assert_eq!(first.status.code(), Some(0), "{name} {format}");
            assert_eq!(
                first.stdout, second.stdout,
                "{name} {format}: not deterministic"
            );
            if format == "json" {
                serde_json::from_slice::<serde_json::Value>(&first.stdout).expect("graph JSON");
            }
        }
        let mermaid = vpclint(&["graph", &relative]);
        insta::assert_snapshot!(
            format!("graph@{name}"),
            String::from_utf8(mermaid.stdout).expect("UTF-8")
        );
    }
}

#[test]
fn graph_of_nothing_is_a_valid_tiny_diagram() {
    let empty = tempfile::tempdir().expect("temp dir");
    let output = vpclint(&["graph", empty.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "flowchart LR\n  empty[\"no network resources found\"]\n"
    );
}

#[test]
fn reach_endpoints_that_name_nothing_or_several_things_are_usage_errors() {
    let nothing = vpclint(&[
        "reach",
        "fixtures/reach/tf-app",
        "--from",
        "aws_instance.nope",
        "--to",
        "internet",
        "--port",
        "443",
    ]);
    assert_eq!(nothing.status.code(), Some(2));
    let stderr = String::from_utf8(nothing.stderr).unwrap();
    assert!(
        stderr.contains("--from: `aws_instance.nope` names no subnet"),
        "{stderr}"
    );
    let several = vpclint(&[
        "reach",
        "fixtures/reach/cfn-web",
        "fixtures/reach/cfn-peering",
        "--from",
        "PrivateSubnet",
        "--to",
        "internet",
        "--port",
        "443",
    ]);
    assert_eq!(several.status.code(), Some(2));
    let stderr = String::from_utf8(several.stderr).unwrap();
    assert!(stderr.contains("is ambiguous"), "{stderr}");
    let picked = vpclint(&[
        "reach",
        "fixtures/reach/cfn-web",
        "fixtures/reach/cfn-peering",
        "--from",
        "cfn-web/web.yaml#PrivateSubnet",
        "--to",
        "internet",
        "--port",
        "443",
    ]);
    assert!(
        matches!(picked.status.code(), Some(0 | 1 | 3)),
        "{:?}",
        picked
    );
    let no_port = vpclint(&[
        "reach",
        "fixtures/reach/tf-app",
        "--from",
        "aws_instance.app",
        "--to",
        "internet",
    ]);
    assert_eq!(no_port.status.code(), Some(2));
}
