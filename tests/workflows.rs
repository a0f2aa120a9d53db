//! The pre-commit manifest, the GitHub Action and the workflows are valid YAML, and every
//! local file they reference (scripts in `run:`, `uses: ./...`) exists.

mod ci_support;

use ci_support::{load_yaml, repo_root};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The steps of the action and of every job of every workflow, with where they come from.
fn all_steps() -> Vec<(String, Value)> {
    let root = repo_root();
    let mut steps = Vec::new();
    let action = load_yaml(&root.join("action.yml"));
    for step in action["runs"]["steps"].as_array().into_iter().flatten() {
        steps.push(("action.yml".to_string(), step.clone()));
    }
    for name in workflow_files() {
        let workflow = load_yaml(&root.join(".github/workflows").join(&name));
        let jobs = workflow["jobs"].as_object().expect("jobs").clone();
        for (job, def) in jobs {
            for step in def["steps"].as_array().into_iter().flatten() {
                steps.push((format!("{name} job {job}"), step.clone()));
            }
        }
    }
    steps
}

fn workflow_files() -> Vec<String> {
    let dir = repo_root().join(".github/workflows");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("read .github/workflows")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yml") || n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
}

/// Repository files named in a shell script: `scripts/...` and `$GITHUB_ACTION_PATH/...`.
fn local_scripts(script: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for word in script.split(|c: char| c.is_whitespace() || c == '"' || c == '\'') {
        let word = word
            .trim_start_matches("$GITHUB_ACTION_PATH/")
            .trim_start_matches("${GITHUB_ACTION_PATH}/")
            .trim_start_matches("./");
        if word.starts_with("scripts/") {
            found.insert(word.to_string());
        }
    }
    found
}

#[test]
fn local_scripts_and_actions_exist() {
    let root = repo_root();
    let mut checked = 0;
    for (origin, step) in all_steps() {
        let run = str_of(&step, "run");
        for script in local_scripts(run) {
            let path = root.join(&script);
            assert!(path.is_file(), "{origin}: `{script}` does not exist");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = path.metadata().map(|m| m.permissions().mode()).unwrap_or(0);
                assert!(mode & 0o111 != 0, "{origin}: `{script}` is not executable");
            }
            checked += 1;
        }
        let uses = str_of(&step, "uses");
        if let Some(local) = uses.strip_prefix("./") {
            let dir = root.join(local);
            assert!(
                dir.join("action.yml").is_file() || dir.join("action.yaml").is_file(),
                "{origin}: `uses: {uses}` has no action.yml"
            );
            checked += 1;
        } else if !uses.is_empty() {
            assert!(
                uses.contains('@'),
                "{origin}: `uses: {uses}` must pin a version"
            );
        }
        if !run.is_empty() && origin == "action.yml" {
            assert!(
                !str_of(&step, "shell").is_empty(),
                "{origin}: composite run steps need a shell"
            );
        }
    }
    // action.yml: install.sh (twice) and run.sh; ci: scripts/test; release: package.sh.
    assert!(checked >= 6, "only {checked} local references found");
}

#[test]
fn action_declares_inputs_outputs_and_uses_only_declared_ones() {
    let root = repo_root();
    let text = std::fs::read_to_string(root.join("action.yml")).expect("read action.yml");
    let action = load_yaml(&root.join("action.yml"));
    assert_eq!(str_of(&action["runs"], "using"), "composite");
    let inputs: BTreeSet<&str> = action["inputs"]
        .as_object()
        .expect("inputs")
        .keys()
        .map(String::as_str)
        .collect();
    for input in [
        "paths",
        "config",
        "fail-level",
        "format",
        "sarif-file",
        "version",
        "upload-sarif",
        "category",
        "annotations",
    ] {
        assert!(inputs.contains(input), "input {input} is missing");
    }
    let step_ids: BTreeSet<&str> = action["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s.get("id").and_then(Value::as_str))
        .collect();
    for (prefix, declared, what) in [
        ("inputs.", &inputs, "input"),
        ("steps.", &step_ids, "step id"),
    ] {
        for (i, _) in text.match_indices(prefix) {
            let name: String = text[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            assert!(
                declared.contains(name.as_str()),
                "action.yml uses undeclared {what} `{name}`"
            );
        }
    }
    for output in ["findings", "errors", "warnings", "notes", "sarif-file"] {
        let value = str_of(&action["outputs"][output], "value");
        assert_eq!(value, format!("${{{{ steps.run.outputs.{output} }}}}"));
    }
    let upload = action["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| str_of(s, "uses").starts_with("github/codeql-action/upload-sarif@"))
        .expect("an upload-sarif step");
    assert_eq!(
        str_of(upload, "uses"),
        "github/codeql-action/upload-sarif@v3"
    );
    assert!(str_of(&upload["with"], "sarif_file").contains("steps.run.outputs.sarif-file"));
    assert!(str_of(&upload["with"], "category").contains("inputs.category"));
    assert!(str_of(upload, "if").contains("inputs.upload-sarif == 'true'"));

    // The build cache is saved even when a later step fails the job (findings do).
    let uses = |prefix: &str| {
        action["runs"]["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| str_of(s, "uses").starts_with(prefix))
            .cloned()
            .unwrap_or_else(|| panic!("no {prefix} step"))
    };
    assert!(
        !text.contains("uses: actions/cache@"),
        "actions/cache saves only on success"
    );
    let restore = uses("actions/cache/restore@");
    let save = uses("actions/cache/save@");
    assert!(str_of(&save, "if").starts_with("always() && "));
    assert_eq!(restore["with"]["key"], save["with"]["key"]);
    assert_eq!(restore["with"]["path"], save["with"]["path"]);
}

#[test]
fn ci_covers_lint_tests_msrv_and_dogfood() {
    let ci = load_yaml(&repo_root().join(".github/workflows/ci.yml"));
    let jobs = ci["jobs"].as_object().expect("jobs");
    for job in ["fmt", "clippy", "test", "msrv", "dogfood"] {
        assert!(jobs.contains_key(job), "ci.yml has no {job} job");
    }
    let runs = |job: &str| -> String {
        jobs[job]["steps"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| str_of(s, "run").to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(runs("fmt").contains("cargo fmt --all -- --check"));
    assert!(runs("clippy").contains("-D warnings"));
    assert!(runs("test").contains("scripts/test"));
    assert!(runs("msrv").contains("rust-version"));
    let oses: Vec<&str> = jobs["test"]["strategy"]["matrix"]["os"]
        .as_array()
        .expect("test matrix")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(oses.iter().any(|o| o.starts_with("ubuntu")), "{oses:?}");
    assert!(oses.iter().any(|o| o.starts_with("macos")), "{oses:?}");
    let dogfood = jobs["dogfood"]["steps"].as_array().expect("dogfood steps");
    let action_step = dogfood
        .iter()
        .find(|s| str_of(s, "uses") == "./")
        .expect("dogfood runs the action with uses: ./");
    assert_eq!(str_of(&action_step["with"], "paths"), "fixtures");
    assert!(dogfood
        .iter()
        .any(|s| str_of(s, "uses").starts_with("actions/upload-artifact@")));
}

#[test]
fn release_builds_every_target_and_names_archives_like_the_installer() {
    let root = repo_root();
    let release = load_yaml(&root.join(".github/workflows/release.yml"));
    let tags = &release["on"]["push"]["tags"];
    assert_eq!(tags, &serde_json::json!(["v*"]));
    let targets: BTreeSet<&str> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("build matrix")
        .iter()
        .map(|e| str_of(e, "target"))
        .collect();
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.contains(target), "release does not build {target}");
    }
    let archive = "vpclint-$tag-$target.tar.gz";
    for script in ["scripts/release/package.sh", "scripts/action/install.sh"] {
        let text = std::fs::read_to_string(root.join(script)).expect("read script");
        assert!(text.contains(archive), "{script} does not use {archive}");
    }
    let builds: Vec<&str> = release["jobs"]["build"]["steps"]
        .as_array()
        .expect("build steps")
        .iter()
        .map(|s| str_of(s, "run"))
        .collect();
    assert!(
        builds
            .iter()
            .any(|run| run.contains("maturin") && run.contains("build --release --locked")),
        "the release builds no wheel: {builds:?}"
    );
    let install = std::fs::read_to_string(root.join("scripts/action/install.sh")).expect("read");
    for target in &targets {
        assert!(
            install.contains(target),
            "install.sh cannot download {target}"
        );
    }
}

#[test]
fn pre_commit_manifest_declares_both_hooks() {
    let hooks = load_yaml(&repo_root().join(".pre-commit-hooks.yaml"));
    let hooks = hooks.as_array().expect("a list of hooks");
    let by_id = |id: &str| {
        hooks
            .iter()
            .find(|h| str_of(h, "id") == id)
            .unwrap_or_else(|| panic!("no hook {id}"))
    };
    for (id, language) in [("vpclint", "rust"), ("vpclint-system", "system")] {
        let hook = by_id(id);
        assert_eq!(str_of(hook, "language"), language);
        assert_eq!(str_of(hook, "entry"), "vpclint lint");
        assert_eq!(
            str_of(hook, "files"),
            r"\.(tf|tf\.json|tfvars|ya?ml|json|template)$"
        );
        // One process for all the files, so that each module is linted once.
        assert_eq!(hook["require_serial"], Value::Bool(true));
    }
}

#[test]
fn scripts_parse() {
    let root = repo_root();
    for script in [
        "scripts/action/run.sh",
        "scripts/action/install.sh",
        "scripts/release/package.sh",
    ] {
        match Command::new("bash")
            .arg("-n")
            .arg(root.join(script))
            .output()
        {
            Ok(out) => assert!(
                out.status.success(),
                "{script}: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(err) => eprintln!("skipping bash -n {script}: bash not found ({err})"),
        }
    }
    let report = root.join("scripts/action/report.py");
    let source = std::fs::read_to_string(&report).expect("read report.py");
    match Command::new("python3")
        .args(["-c", "import ast, sys; ast.parse(sys.stdin.read())"])
        .stdin(std::process::Stdio::piped())
        .spawn()
    {
        Ok(mut child) => {
            use std::io::Write;
            if let Some(mut stdin) = child.stdin.take() {
                stdin
                    .write_all(source.as_bytes())
                    .expect("write to python3");
            }
            let status = child.wait().expect("wait for python3");
            assert!(status.success(), "report.py does not parse");
        }
        Err(err) => eprintln!("skipping report.py syntax check: python3 not found ({err})"),
    }
    assert!(Path::new(&report).is_file());
}

#[test]
fn the_binary_reports_the_package_version() {
    let out = Command::new(ci_support::vpclint_bin())
        .arg("--version")
        .output()
        .expect("run vpclint --version");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("vpclint {}", env!("CARGO_PKG_VERSION"))
    );
}
