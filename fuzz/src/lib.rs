//! What every target does: write the input as one file of the kind it fuzzes, then run
//! the whole of vpclint on it.

use std::path::PathBuf;
use std::sync::OnceLock;

/// One directory per fuzzing process, reused by every input (each overwrites the file).
fn workspace() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("vpclint-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("fuzz directory");
        dir
    })
}

/// Writes `data` as `dir/file_name` and analyzes `dir` (so Terraform sees a module and
/// discovery classifies documents as `vpclint lint DIR` would).
pub fn run(file_name: &str, data: &[u8]) {
    let dir = workspace();
    std::fs::write(dir.join(file_name), data).expect("fuzz input written");
    vpclint::exercise::everything(dir);
}

pub mod network;

#[path = "../../tests/data/sarif_schema.rs"]
mod sarif_schema;

/// Writes `text` as the only file of a fresh directory, analyzes it twice and checks the
/// invariants of a valid, fully known input (see `fuzz_targets/network.rs`); returns each
/// rule's number of findings.
pub fn analyze_twice(file_name: &str, text: &str) -> std::collections::BTreeMap<String, usize> {
    let dir = workspace().join(file_name.replace('.', "-"));
    std::fs::create_dir_all(&dir).expect("fuzz directory");
    std::fs::write(dir.join(file_name), text).expect("fuzz input written");
    let first = vpclint::exercise::rendered(&dir);
    let second = vpclint::exercise::rendered(&dir);
    for ((name, a), (_, b)) in first.iter().zip(&second) {
        assert!(a == b, "{name} output differs between two runs of\n{text}");
    }
    let output = |name: &str| &first.iter().find(|(n, _)| *n == name).expect(name).1;
    sarif_schema::assert_valid_sarif(output("sarif"));
    let json: serde_json::Value = serde_json::from_str(output("json")).expect("json output");
    let mut by_rule = std::collections::BTreeMap::new();
    for finding in json["findings"].as_array().expect("findings") {
        let rule = finding["rule"].as_str().expect("rule").to_string();
        assert!(
            rule != "parse-error" && rule != "incomplete-analysis",
            "{rule} on a valid, fully known input: {finding}\n{text}"
        );
        *by_rule.entry(rule).or_insert(0) += 1;
    }
    by_rule
}
