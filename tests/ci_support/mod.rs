//! Shared by the tests of the pre-commit hooks, the GitHub Action and the workflows:
//! the repository root, feature detection on the built binary, YAML loading, and a
//! Terraform module with a `transitive-peering` mistake.
#![allow(dead_code)] // each test target uses a different part

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn vpclint_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_vpclint"))
}

/// Why the built binary cannot run the end-to-end tests yet (the CLI options or the
/// `transitive-peering` rule have not landed), or None when it can.
pub fn missing_lint_features() -> Option<String> {
    let help = Command::new(vpclint_bin())
        .args(["lint", "--help"])
        .output()
        .ok()?;
    let help = String::from_utf8_lossy(&help.stdout);
    for option in ["--format", "--output", "--fail-level", "--config"] {
        if !help.contains(option) {
            return Some(format!("`vpclint lint` has no {option} option yet"));
        }
    }
    let rules = Command::new(vpclint_bin()).arg("rules").output().ok()?;
    if !String::from_utf8_lossy(&rules.stdout).contains("transitive-peering") {
        return Some("`vpclint rules` does not list transitive-peering yet".to_string());
    }
    None
}

/// Loads the single YAML document of `path` as JSON-like data (tags are dropped).
pub fn load_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let docs = Yaml::load_from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not valid YAML: {err}", path.display()));
    assert_eq!(
        docs.len(),
        1,
        "{} must hold one YAML document",
        path.display()
    );
    yaml_to_json(&docs[0])
}

fn yaml_to_json(node: &Yaml) -> Value {
    match node {
        Yaml::Value(Scalar::Null) => Value::Null,
        Yaml::Value(Scalar::Boolean(b)) => Value::Bool(*b),
        Yaml::Value(Scalar::Integer(i)) => Value::from(*i),
        Yaml::Value(Scalar::FloatingPoint(f)) => Value::from(f.into_inner()),
        Yaml::Value(Scalar::String(s)) => Value::String(s.to_string()),
        Yaml::Representation(s, _, _) => Value::String(s.to_string()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Yaml::Mapping(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match yaml_to_json(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Yaml::Tagged(_, inner) => yaml_to_json(inner),
        Yaml::Alias(_) | Yaml::BadValue => Value::Null,
    }
}

/// VPC A peers with B, B with C, and A routes C's block over the A–B peering.
pub const TRANSITIVE_PEERING_BAD: &str = r#"resource "aws_vpc" "a" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "b" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc" "c" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_vpc_peering_connection" "ab" {
  vpc_id      = aws_vpc.a.id
  peer_vpc_id = aws_vpc.b.id
  auto_accept = true
}

resource "aws_vpc_peering_connection" "bc" {
  vpc_id      = aws_vpc.b.id
  peer_vpc_id = aws_vpc.c.id
  auto_accept = true
}

resource "aws_route_table" "a" {
  vpc_id = aws_vpc.a.id
}

resource "aws_route" "a_to_c" {
  route_table_id            = aws_route_table.a.id
  destination_cidr_block    = "10.2.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.ab.id
}
"#;

/// Line of `destination_cidr_block` in the `aws_route` of [`TRANSITIVE_PEERING_BAD`].
pub const TRANSITIVE_PEERING_LINE: usize = 31;

/// The fix: A routes B's own block over the A–B peering.
pub fn transitive_peering_fixed() -> String {
    TRANSITIVE_PEERING_BAD.replace(
        "destination_cidr_block    = \"10.2.0.0/16\"",
        "destination_cidr_block    = \"10.1.0.0/16\"",
    )
}

pub fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create directory");
    }
    std::fs::write(path, text).expect("write file");
}
