//! YAML as CloudFormation reads it: every template of `fixtures/frontend/yaml-differential/`
//! is parsed by vpclint and by cfn-lint's parser (PyYAML-based, maintained by the
//! CloudFormation team), and the `Properties` of every resource must agree. Skipped, with
//! the reason printed, where `python3` with cfn-lint is not installed.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use vpclint::frontend::cloudformation::{load_template, Options};
use vpclint::frontend::{Severity, Val, V};
use vpclint::source::SourceMap;

/// Prints `{logical id: Properties}` of each template, one JSON line per file.
const DECODE: &str = r#"
import json, sys
from cfnlint.decode import decode
for path in sys.argv[1:]:
    template, matches = decode(path)
    if template is None or matches:
        print(json.dumps({"error": [str(m) for m in matches]}))
        continue
    resources = template.get("Resources", {})
    print(json.dumps({k: v.get("Properties") for k, v in resources.items()}, default=str))
"#;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/frontend/yaml-differential");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
}

fn cfn_lint(paths: &[PathBuf]) -> Result<Vec<Value>, String> {
    let output = Command::new("python3")
        .arg("-c")
        .arg(DECODE)
        .args(paths)
        .output()
        .map_err(|e| format!("python3 not runnable: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cfn-lint's parser not available: {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).map_err(|e| e.to_string()))
        .collect()
}

/// JSON of an evaluated value; numbers as f64 (YAML integers and floats compare equal).
fn to_json(val: &Val) -> Value {
    match &val.v {
        V::Null => Value::Null,
        V::Bool(b) => json!(b),
        V::Number(n) => json!(n),
        V::String(s) => json!(s),
        V::List(items) => Value::Array(items.iter().map(to_json).collect()),
        V::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
        V::Ref(r) => json!({"Ref": format!("{}.{}", r.address, r.attribute)}),
        V::Unknown(reason) => json!({"Unknown": reason}),
    }
}

fn numbers_as_floats(value: Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_floats).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_floats(v)))
                .collect(),
        ),
        other => other,
    }
}

fn vpclint(path: &Path) -> Value {
    let sources = SourceMap::new();
    let text: Arc<str> = Arc::from(std::fs::read_to_string(path).unwrap());
    let unit = load_template(path, text, &Options::default(), &sources)
        .unwrap_or_else(|| panic!("{}: not taken as a template", path.display()));
    let errors: Vec<&str> = unit
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.as_str())
        .collect();
    assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    Value::Object(
        unit.resources
            .iter()
            .map(|r| (r.address.clone(), to_json(&r.attrs)))
            .collect(),
    )
}

#[test]
fn vpclint_reads_yaml_as_cfn_lint_does() {
    let paths = fixtures();
    assert!(!paths.is_empty(), "no fixtures");
    let expected = match cfn_lint(&paths) {
        Ok(expected) => expected,
        Err(reason) => {
            println!("skipped: {reason}");
            return;
        }
    };
    for (path, expected) in paths.iter().zip(expected) {
        assert!(
            expected.get("error").is_none(),
            "{}: cfn-lint rejects the fixture: {expected}",
            path.display()
        );
        // A resource without Properties is `null` for cfn-lint and `{}` for vpclint.
        let expected = match numbers_as_floats(expected) {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k, if v.is_null() { json!({}) } else { v }))
                    .collect(),
            ),
            other => other,
        };
        assert_eq!(
            numbers_as_floats(vpclint(path)),
            expected,
            "{}",
            path.display()
        );
    }
}
