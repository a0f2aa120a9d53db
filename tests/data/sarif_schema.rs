//! Validation of SARIF output against the official SARIF 2.1.0 schema (shared by the
//! test targets that produce SARIF).

use std::sync::OnceLock;

/// Panics with every schema violation when `sarif` is not valid SARIF 2.1.0.
pub fn assert_valid_sarif(sarif: &str) {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("sarif-2.1.0.json")).expect("schema is JSON");
        jsonschema::validator_for(&schema).expect("schema compiles")
    });
    let instance: serde_json::Value = serde_json::from_str(sarif).expect("SARIF output is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}
