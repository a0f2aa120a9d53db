//! `vpclint model` over the fixtures in `fixtures/model/{terraform,cloudformation}/<case>`:
//! one JSON snapshot per case (and one text snapshot), run from the crate root so every
//! path in the output is relative.

use std::path::Path;
use std::process::Command;

fn model(path: &str, format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["model", "--format", format, path])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vpclint");
    assert!(
        output.status.success(),
        "vpclint model {path} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn cases(lang: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/model")
        .join(lang);
    let mut cases: Vec<String> = std::fs::read_dir(&root)
        .expect("fixture directory")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no fixtures under {}", root.display());
    cases
}

fn snapshot_all(lang: &str) {
    for case in cases(lang) {
        let json = model(&format!("fixtures/model/{lang}/{case}"), "json");
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(value["version"], 1);
        insta::assert_snapshot!(format!("{lang}__{case}"), json);
    }
}

#[test]
fn terraform_models() {
    snapshot_all("terraform");
}

#[test]
fn cloudformation_models() {
    snapshot_all("cloudformation");
}

#[test]
fn text_listing() {
    insta::assert_snapshot!(
        "text__cloudformation_hybrid",
        model("fixtures/model/cloudformation/hybrid", "text")
    );
}
