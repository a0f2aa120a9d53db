//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run by the real pre-commit client
//! (installed from PyPI into a venv) with `pre-commit try-repo` against this repository.
//! try-repo clones the repository at HEAD plus uncommitted changes to tracked files.
#![cfg(unix)]

mod ci_support;

use ci_support::{
    missing_lint_features, repo_root, transitive_peering_fixed, vpclint_bin, write,
    TRANSITIVE_PEERING_BAD,
};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Instant;

/// The pre-commit executable, installed once per test run into a venv kept under
/// target/tmp; Err(reason) when python3 or its venv module is absent.
fn pre_commit() -> Result<&'static Path, String> {
    static PRE_COMMIT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PRE_COMMIT
        .get_or_init(|| {
            let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-venv");
            let exe = venv.join("bin/pre-commit");
            let works = |exe: &Path| {
                Command::new(exe)
                    .arg("--version")
                    .output()
                    .is_ok_and(|o| o.status.success())
            };
            if works(&exe) {
                return Ok(exe);
            }
            let created = Command::new("python3")
                .args(["-m", "venv", "--clear"])
                .arg(&venv)
                .output()
                .map_err(|err| format!("python3 is not available ({err})"))?;
            if !created.status.success() {
                return Err(format!(
                    "python3 -m venv failed: {}",
                    String::from_utf8_lossy(&created.stderr)
                ));
            }
            let pip = venv.join("bin/pip");
            if !pip.is_file() {
                return Err("the venv has no pip".to_string());
            }
            let installed = Command::new(&pip)
                .args(["install", "--quiet", "pre-commit>=3"])
                .output()
                .map_err(|err| format!("cannot run pip ({err})"))?;
            // pip is present: failing to install pre-commit is a failure, not a skip.
            assert!(
                installed.status.success(),
                "pip install pre-commit failed: {}",
                String::from_utf8_lossy(&installed.stderr)
            );
            assert!(works(&exe), "pre-commit was installed but does not run");
            Ok(exe)
        })
        .as_deref()
        .map_err(Clone::clone)
}

/// Returns the pre-commit executable, or None (after printing why) when the test must skip.
fn prerequisites(test: &str) -> Option<&'static Path> {
    if let Some(reason) = missing_lint_features() {
        eprintln!("skipping {test}: {reason}");
        return None;
    }
    let checkout = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(repo_root())
        .output();
    if !checkout.is_ok_and(|o| o.status.success()) {
        eprintln!("skipping {test}: pre-commit try-repo needs this repository as a git checkout");
        return None;
    }
    match pre_commit() {
        Ok(exe) => Some(exe),
        Err(reason) => {
            eprintln!("skipping {test}: {reason}");
            None
        }
    }
}

/// A git repository in a temporary directory, for pre-commit to run in.
struct Repo {
    dir: tempfile::TempDir,
    pre_commit_home: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("temp dir"),
            pre_commit_home: tempfile::tempdir().expect("temp dir"),
        };
        repo.git(&["init", "--quiet"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) {
        let out = Command::new("git")
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_NAME", "test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn write(&self, rel: &str, text: &str) {
        write(&self.path().join(rel), text);
    }

    /// `pre-commit try-repo <this repository> HOOK ARGS...` with `path_prefix` (and the
    /// venv) in front of PATH and `env` set.
    fn try_repo(
        &self,
        pre_commit: &Path,
        hook: &str,
        args: &[&str],
        path_prefix: &[&Path],
        env: &[(&str, &str)],
    ) -> Output {
        let inherited = std::env::var_os("PATH").unwrap_or_default();
        let path: Vec<PathBuf> = std::env::split_paths(&inherited).collect();
        self.try_repo_with_path(pre_commit, hook, args, path_prefix, &path, env)
    }

    /// [`Repo::try_repo`] with `path` in place of the inherited PATH.
    fn try_repo_with_path(
        &self,
        pre_commit: &Path,
        hook: &str,
        args: &[&str],
        path_prefix: &[&Path],
        path: &[PathBuf],
        env: &[(&str, &str)],
    ) -> Output {
        let venv_bin = pre_commit.parent().expect("venv bin dir");
        let path = path_prefix
            .iter()
            .map(|dir| dir.to_path_buf())
            .chain([venv_bin.to_path_buf()])
            .chain(path.iter().cloned());
        let mut cmd = Command::new(pre_commit);
        cmd.args(["try-repo", "--color", "never"])
            .arg(repo_root())
            .arg(hook)
            .args(args)
            .current_dir(self.path())
            .env("PATH", std::env::join_paths(path).expect("PATH"))
            .env("PRE_COMMIT_HOME", self.pre_commit_home.path())
            .env("GIT_AUTHOR_NAME", "test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .envs(env.iter().copied());
        cmd.output().expect("run pre-commit")
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs HOOK on a repository with a transitive-peering mistake (must fail with the
/// finding), then on the fixed repository (must pass).
fn hook_catches_transitive_peering(
    pre_commit: &Path,
    hook: &str,
    path_prefix: &[&Path],
    env: &[(&str, &str)],
) {
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let path: Vec<PathBuf> = std::env::split_paths(&inherited).collect();
    hook_catches_transitive_peering_with_path(pre_commit, hook, path_prefix, &path, env);
}

fn hook_catches_transitive_peering_with_path(
    pre_commit: &Path,
    hook: &str,
    path_prefix: &[&Path],
    path: &[PathBuf],
    env: &[(&str, &str)],
) {
    let repo = Repo::new();
    repo.write("network/main.tf", TRANSITIVE_PEERING_BAD);
    repo.write("README.md", "not linted\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "--quiet", "-m", "network"]);

    let started = Instant::now();
    let out = repo.try_repo_with_path(pre_commit, hook, &["--all-files"], path_prefix, path, env);
    eprintln!("{hook}: first run took {:.1?}", started.elapsed());
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("Failed"), "{log}");
    assert!(log.contains("transitive-peering"), "{log}");
    assert!(log.contains("network/main.tf"), "{log}");

    repo.write("network/main.tf", &transitive_peering_fixed());
    repo.git(&["commit", "--quiet", "-am", "fix"]);
    let started = Instant::now();
    let out = repo.try_repo_with_path(pre_commit, hook, &["--all-files"], path_prefix, path, env);
    eprintln!("{hook}: second run took {:.1?}", started.elapsed());
    let log = text(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(log.contains("Passed"), "{log}");
}

#[test]
fn system_hook_fails_on_the_finding_and_passes_after_the_fix() {
    let Some(pre_commit) = prerequisites("the vpclint-system hook test") else {
        return;
    };
    let bin = vpclint_bin();
    let bin_dir = bin.parent().expect("binary directory");
    hook_catches_transitive_peering(pre_commit, "vpclint-system", &[bin_dir], &[]);
}

/// A venv under target/tmp holding maturin, or Err(reason) when it cannot be installed.
fn maturin() -> Result<PathBuf, String> {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("maturin-venv");
    let exe = venv.join("bin/maturin");
    let works = |exe: &Path| {
        Command::new(exe)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works(&exe) {
        return Ok(exe);
    }
    let created = Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(&venv)
        .output()
        .map_err(|err| format!("python3 is not available ({err})"))?;
    if !created.status.success() {
        return Err(format!("python3 -m venv failed: {}", text(&created)));
    }
    let installed = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "maturin>=1.5,<2"])
        .output()
        .map_err(|err| format!("cannot run pip ({err})"))?;
    if !installed.status.success() || !works(&exe) {
        return Err(format!("pip cannot install maturin: {}", text(&installed)));
    }
    Ok(exe)
}

/// The directories of `PATH` without any that holds `cargo`, so that nothing can build.
fn path_without_cargo() -> Vec<PathBuf> {
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&inherited)
        .filter(|dir| !dir.join("cargo").exists() && !dir.join("rustc").exists())
        .collect()
}

/// `pip install vpclint` needs no toolchain: maturin (`bindings = "bin"`) packs the binary
/// as a wheel, which installs into a fresh venv and runs there with no cargo on PATH, and
/// the real pre-commit client runs the `vpclint-system` hook with it. The wheel is built
/// with the dev profile in this target directory (the test binary's build is reused): the
/// packaging is under test, not the optimizer.
#[test]
fn wheel_installs_and_runs_without_a_toolchain() {
    let Some(pre_commit) = prerequisites("the wheel test") else {
        return;
    };
    let maturin = match maturin() {
        Ok(exe) => exe,
        Err(reason) => {
            eprintln!("skipping the wheel test: {reason}");
            return;
        }
    };
    let work = tempfile::tempdir().expect("temp dir");
    let wheels = work.path().join("wheels");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target directory")
        .to_path_buf();
    let started = Instant::now();
    let built = Command::new(&maturin)
        .args(["build", "--profile", "dev", "--quiet", "--out"])
        .arg(&wheels)
        .arg("--manifest-path")
        .arg(repo_root().join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("run maturin");
    eprintln!("maturin build took {:.1?}", started.elapsed());
    assert!(
        built.status.success(),
        "maturin build failed: {}",
        text(&built)
    );
    let wheel = std::fs::read_dir(&wheels)
        .expect("wheel directory")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("a .whl file");
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!("vpclint-{}-py3-none-", env!("CARGO_PKG_VERSION"))),
        "{name}"
    );

    let venv = work.path().join("venv");
    let created = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .expect("python3 -m venv");
    assert!(created.status.success(), "{}", text(&created));
    let installed = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--no-index"])
        .arg(&wheel)
        .output()
        .expect("pip install");
    assert!(installed.status.success(), "{}", text(&installed));

    let path = path_without_cargo();
    let venv_bin = venv.join("bin");
    let search_path =
        std::env::join_paths(std::iter::once(venv_bin.clone()).chain(path.clone())).expect("PATH");
    let run = |args: &[&str], dir: &Path| {
        Command::new("vpclint")
            .args(args)
            .current_dir(dir)
            .env("PATH", &search_path)
            .env_remove("CARGO")
            .output()
            .expect("the wheel's vpclint runs from PATH")
    };
    let version = run(&["--version"], work.path());
    assert!(version.status.success(), "{}", text(&version));
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("vpclint {}", env!("CARGO_PKG_VERSION"))
    );
    write(&work.path().join("net/main.tf"), TRANSITIVE_PEERING_BAD);
    let lint = run(&["lint", "net", "-f", "compact"], work.path());
    assert_eq!(lint.status.code(), Some(1), "{}", text(&lint));
    assert!(
        text(&lint).contains("[transitive-peering]"),
        "{}",
        text(&lint)
    );

    hook_catches_transitive_peering_with_path(
        pre_commit,
        "vpclint-system",
        &[&venv_bin],
        &path,
        &[],
    );
}

/// `language: rust`: pre-commit runs `cargo install --bins --root <env> --path .` in its
/// clone. That is a release build; cargo's profile environment variables make it a
/// cheap one (no LTO, no optimisation), and a target directory kept under target/tmp
/// makes later runs rebuild only this crate.
#[test]
fn rust_hook_builds_with_cargo_and_fails_on_the_finding() {
    let Some(pre_commit) = prerequisites("the vpclint (language: rust) hook test") else {
        return;
    };
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-cargo-target");
    let target = target.display().to_string();
    hook_catches_transitive_peering(
        pre_commit,
        "vpclint",
        &[],
        &[
            ("CARGO_TARGET_DIR", &target),
            ("CARGO_PROFILE_RELEASE_LTO", "false"),
            ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256"),
            ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0"),
            ("CARGO_PROFILE_RELEASE_INCREMENTAL", "true"),
        ],
    );
}

/// The paths of the units a JSON report says it analyzed (`summary.analyzed[].path`).
fn analyzed_units(report: &Value) -> Vec<String> {
    report["summary"]["analyzed"]
        .as_array()
        .unwrap_or_else(|| panic!("no summary.analyzed list in {report}"))
        .iter()
        .map(|unit| unit["path"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A committed repository of many Terraform root modules, `stacks/sNN`, each with a
/// `terraform.tfvars`.
fn many_modules_repo() -> Repo {
    const MODULES: usize = 60;
    let repo = Repo::new();
    for i in 0..MODULES {
        repo.write(
            &format!("stacks/s{i:02}/main.tf"),
            &format!("resource \"aws_vpc\" \"main\" {{\n  cidr_block = \"10.{i}.0.0/16\"\n}}\n"),
        );
        repo.write(
            &format!("stacks/s{i:02}/terraform.tfvars"),
            "region = \"eu-west-1\"\n",
        );
    }
    repo.git(&["add", "."]);
    repo.git(&["commit", "--quiet", "-m", "stacks"]);
    repo
}

/// Runs the vpclint-system hook on the staged files through a wrapper named `vpclint`,
/// first on PATH, that records the arguments pre-commit passed (sorted) and makes the
/// real binary write a JSON report; returns both.
fn run_hook_on_staged_files(repo: &Repo, pre_commit: &Path) -> (Vec<String>, Value) {
    let wrapper_dir = tempfile::tempdir().expect("temp dir");
    let report = wrapper_dir.path().join("report.json");
    let args_file = wrapper_dir.path().join("args");
    let wrapper = wrapper_dir.path().join("vpclint");
    write(
        &wrapper,
        &format!(
            "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '{args}'\n\
             exec '{real}' \"$1\" --format json --output '{report}' \"${{@:2}}\"\n",
            args = args_file.display(),
            real = vpclint_bin().display(),
            report = report.display(),
        ),
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755))
        .expect("chmod wrapper");
    let started = Instant::now();
    let out = repo.try_repo(
        pre_commit,
        "vpclint-system",
        &[],
        &[wrapper_dir.path()],
        &[],
    );
    eprintln!(
        "hook run on the staged files took {:.1?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let args = std::fs::read_to_string(&args_file).expect("the hook ran vpclint");
    let mut args: Vec<String> = args.lines().map(str::to_string).collect();
    args.sort_unstable();
    let report = std::fs::read_to_string(&report).expect("read JSON report");
    (args, serde_json::from_str(&report).expect("JSON report"))
}

/// In a repository of many root modules, a commit touching one module's file lints only
/// that module; JSON and YAML files that are not templates (the hook's `files` pattern
/// passes them too) are skipped.
#[test]
fn changed_files_lint_only_their_modules() {
    let Some(pre_commit) = prerequisites("the changed-file hook test") else {
        return;
    };
    let repo = many_modules_repo();
    repo.write(
        "stacks/s17/main.tf",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.17.0.0/16\"\n  enable_dns_support = true\n}\n",
    );
    repo.write("docs/settings.json", "{\"theme\": \"dark\"}\n");
    repo.write(".github/workflows/build.yml", "on: push\njobs: {}\n");
    repo.git(&["add", "."]);
    let (args, report) = run_hook_on_staged_files(&repo, pre_commit);
    assert_eq!(
        args,
        [
            ".github/workflows/build.yml",
            "docs/settings.json",
            "lint",
            "stacks/s17/main.tf",
        ]
    );
    assert!(report.get("version").is_some(), "{report}");
    assert_eq!(analyzed_units(&report), ["stacks/s17"], "{report}");
    assert_eq!(report["summary"]["units"], 1, "{report}");
}

/// A changed `terraform.tfvars` changes its module's evaluation: that module is linted.
#[test]
fn a_changed_tfvars_file_lints_its_module() {
    let Some(pre_commit) = prerequisites("the changed-tfvars hook test") else {
        return;
    };
    let repo = many_modules_repo();
    repo.write("stacks/s42/terraform.tfvars", "region = \"eu-west-3\"\n");
    repo.git(&["add", "."]);
    let (args, report) = run_hook_on_staged_files(&repo, pre_commit);
    assert_eq!(args, ["lint", "stacks/s42/terraform.tfvars"]);
    assert_eq!(analyzed_units(&report), ["stacks/s42"], "{report}");
}
