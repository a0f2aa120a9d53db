//! Every input the fuzz targets (`fuzz/`, `scripts/fuzz`) found crashing, run again
//! through the same path: written as the target's file kind and analyzed, every rule,
//! every report and the model dump. Inputs live in `tests/data/fuzz/TARGET/`: `smoke`, a
//! small valid input (it keeps the path itself tested), and each crash input, named
//! after what it broke.

use std::path::Path;

/// Each fuzz target and the file name it writes its input as (see `fuzz/fuzz_targets/`).
const TARGETS: &[(&str, &str)] = &[
    ("terraform_hcl", "main.tf"),
    ("terraform_json", "main.tf.json"),
    ("terraform_plan", "plan.json"),
    ("cloudformation_yaml", "template.yaml"),
    ("cloudformation_json", "template.json"),
];

#[test]
fn crash_inputs_no_longer_crash() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    for (target, file_name) in TARGETS {
        for entry in std::fs::read_dir(data.join(target)).expect("regression inputs") {
            let input = entry.expect("regression input").path();
            let dir = tempfile::Builder::new()
                .prefix("vpclint-fuzz-regression")
                .tempdir()
                .expect("temporary directory");
            std::fs::copy(&input, dir.path().join(file_name)).expect("input copied");
            let outcome = std::panic::catch_unwind(|| vpclint::exercise::everything(dir.path()));
            assert!(outcome.is_ok(), "{} panics again", input.display());
        }
    }
}
