//! Microsoft's SARIF validator with GitHub's ingestion rules (`scripts/validate-sarif`)
//! over the SARIF of every fixture. Runs when the validator is already installed
//! (`SARIF_MULTITOOL`, or the script's cache); otherwise prints why it is skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

fn installed_validator() -> Result<PathBuf, String> {
    if let Some(tool) = std::env::var_os("SARIF_MULTITOOL") {
        return Ok(PathBuf::from(tool));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .ok_or("no cache directory (HOME unset)")?;
    let tool = cache.join(
        "vpclint/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool",
    );
    if !tool.exists() {
        return Err(format!(
            "{} not installed (run scripts/validate-sarif once to install it)",
            tool.display()
        ));
    }
    Command::new("node")
        .arg("--version")
        .output()
        .map_err(|e| format!("node not available: {e}"))?;
    Ok(tool)
}

#[test]
fn sarif_of_every_fixture_passes_microsofts_validator() {
    let tool = match installed_validator() {
        Ok(tool) => tool,
        Err(reason) => {
            eprintln!("skipping the SARIF multitool check: {reason}");
            return;
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("fixtures.sarif");
    let lint = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["lint", "fixtures", "--format", "sarif", "--output"])
        .arg(&sarif)
        .current_dir(root)
        .status()
        .unwrap();
    assert!(matches!(lint.code(), Some(0 | 1)), "vpclint lint: {lint}");
    // A baseline (suppressions of kind external) written in a run with several reports.
    let baseline = dir.path().join("baseline.json");
    let baselined = dir.path().join("baselined.sarif");
    let lint = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["lint", "fixtures", "-f", "compact", "-f"])
        .arg(format!("sarif={}", baselined.display()))
        .arg("--write-baseline")
        .arg(&baseline)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        matches!(lint.status.code(), Some(0 | 1)),
        "vpclint lint: {lint:?}"
    );
    let baselined_text = std::fs::read_to_string(&baselined).unwrap();
    assert!(baselined_text.contains("\"kind\": \"external\""));
    let output = Command::new(root.join("scripts/validate-sarif"))
        .arg(&sarif)
        .arg(&baselined)
        .env("SARIF_MULTITOOL", &tool)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "validator reported errors or warnings:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
