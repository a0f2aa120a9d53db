//! JUnit output validated against the Jenkins JUnit schema (junit-10.xsd) by
//! `scripts/validate-junit`. Runs when the validator is already installed (the script's
//! cache, or `scripts/validate-junit --install`); otherwise prints why it is skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

fn installed_validator() -> Result<(), String> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .ok_or("no cache directory (HOME unset)")?
        .join("vpclint/junit");
    for part in ["junit-10.xsd", "venv/bin/python"] {
        if !cache.join(part).exists() {
            return Err(format!(
                "{} not installed (run scripts/validate-junit --install once)",
                cache.join(part).display()
            ));
        }
    }
    Ok(())
}

#[test]
fn junit_of_every_fixture_is_valid_against_the_jenkins_schema() {
    if let Err(reason) = installed_validator() {
        eprintln!("skipping the JUnit schema check: {reason}");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let findings = dir.path().join("fixtures.xml");
    let baseline = dir.path().join("baseline.json");
    let suppressed = dir.path().join("suppressed.xml");
    let clean = dir.path().join("clean.xml");
    let lint = |args: &[&str]| {
        let status = Command::new(env!("CARGO_BIN_EXE_vpclint"))
            .arg("lint")
            .args(args)
            .current_dir(root)
            .output()
            .unwrap()
            .status;
        assert!(
            matches!(status.code(), Some(0 | 1)),
            "vpclint lint {args:?}: {status}"
        );
    };
    let arg = |prefix: &str, path: &Path| format!("{prefix}{}", path.display());
    // Findings (failures); the same findings baselined (skipped cases); no finding at all.
    lint(&[
        "fixtures",
        "-f",
        &arg("junit=", &findings),
        "--write-baseline",
        &arg("", &baseline),
    ]);
    lint(&[
        "fixtures",
        "-f",
        &arg("junit=", &suppressed),
        "--baseline",
        &arg("", &baseline),
    ]);
    lint(&[
        "fixtures/invalid-cidr/good",
        "--select",
        "invalid-cidr",
        "-f",
        &arg("junit=", &clean),
    ]);
    let output = Command::new(root.join("scripts/validate-junit"))
        .args([&findings, &suppressed, &clean])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "junit-10.xsd validation failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let suppressed_text = std::fs::read_to_string(&suppressed).unwrap();
    assert!(suppressed_text.contains("<skipped "), "{suppressed_text}");
}
