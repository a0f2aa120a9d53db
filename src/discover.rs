//! Discovery: walk the given paths (honouring `.gitignore`) and classify what is found
//! into Terraform root modules, CloudFormation templates and plan files.
//!
//! A directory argument is walked. A file argument (pre-commit passes changed files) means
//! only what that file belongs to: a template or plan is itself; a `.tf` file means its
//! module (a `.tfvars` file beside `.tf` files too), or, when that module is a local child
//! module of root modules found under the working directory, those roots.

mod git_excludes;

use crate::frontend::terraform;
use crate::source::{absolute_normal, parent_dir, SourceMap};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// A directory holding `.tf` / `.tf.json` files.
    TerraformModule(PathBuf),
    /// A `terraform show -json` file.
    TerraformPlan(PathBuf),
    /// A YAML or JSON file that looks like a CloudFormation template.
    CloudFormation(PathBuf),
}

impl Input {
    pub fn path(&self) -> &Path {
        match self {
            Input::TerraformModule(p) | Input::TerraformPlan(p) | Input::CloudFormation(p) => p,
        }
    }

    /// `terraform-module`, `terraform-plan` or `cloudformation` (JSON report summary).
    pub fn kind(&self) -> &'static str {
        match self {
            Input::TerraformModule(_) => "terraform-module",
            Input::TerraformPlan(_) => "terraform-plan",
            Input::CloudFormation(_) => "cloudformation",
        }
    }
}

/// A path that could not be walked or read.
#[derive(Debug, Clone)]
pub struct DiscoveryError {
    pub path: PathBuf,
    pub message: String,
}

/// A path left out on purpose, and why (`--verbose` lists them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: &'static str,
}

impl Skipped {
    /// A Terragrunt configuration: the modules it calls are linted when they are in the
    /// tree, but never with the inputs it passes, which is worth saying in every run.
    pub fn is_terragrunt(&self) -> bool {
        self.reason == TERRAGRUNT
    }

    /// A CDK app or its cloud assembly: its templates are not linted unless named, which
    /// is worth saying in every run, since a CDK project alone gives nothing to analyze.
    pub fn is_cdk(&self) -> bool {
        self.reason == CDK_APP || self.reason == CDK_ASSEMBLY
    }

    /// A template source another tool renders: it reads like a template, so that it is
    /// not linted is worth saying in every run.
    pub fn is_template_source(&self) -> bool {
        self.reason == TEMPLATE_SOURCE
    }
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    pub errors: Vec<DiscoveryError>,
    pub skipped: Vec<Skipped>,
}

const EXCLUDED: &str = "excluded by an exclude glob";
const NOT_A_TEMPLATE: &str = "neither a CloudFormation template nor a Terraform plan";
const TEMPLATE_SOURCE: &str = "a source another tool renders into a CloudFormation template (it holds template directives: Terraform `%{ for }`/`%{ if }`, Jinja `{% ... %}`), not a template CloudFormation reads: lint the rendered template";
const TOOL_DIRECTORY: &str = "tool cache or vendored directory";
const CDK_ASSEMBLY: &str =
    "CDK cloud assembly (generated): name its manifest.json to lint the synthesized templates";
const TERRAGRUNT: &str = "Terragrunt configuration: vpclint does not read it, so the inputs it passes to its module are unknown: lint the module with them as --var or --var-file";
const CDK_APP: &str =
    "CDK app: vpclint reads the templates `cdk synth` writes: run it, then name cdk.out/manifest.json";
const LINK_TO_ANCESTOR: &str =
    "symbolic link to a directory that contains it (its files are analyzed once, there)";

/// Directories never walked: tool caches and vendored code.
const SKIPPED_DIRS: &[&str] = &[".terraform", ".git", "node_modules", "cdk.out"];
/// Only files with these endings are opened to look for templates and plans.
const DOCUMENT_ENDINGS: &[&str] = &[".json", ".yaml", ".yml", ".template"];
/// How much of a document is read to classify it.
const CLASSIFY_BYTES: u64 = 1 << 20;

/// Paths excluded by globs: the config file's `exclude` (relative to the config's
/// directory) and `--exclude` (relative to the working directory).
#[derive(Debug, Clone, Default)]
pub struct Excludes {
    /// Each base directory with its globs.
    sets: Vec<(PathBuf, GlobSet)>,
}

impl Excludes {
    /// `base` is the directory the globs are relative to.
    pub fn new(base: &Path, globs: &[String]) -> Result<Self, globset::Error> {
        let mut excludes = Excludes::default();
        excludes.add(base, globs)?;
        Ok(excludes)
    }

    /// Adds globs relative to `base`.
    pub fn add(&mut self, base: &Path, globs: &[String]) -> Result<(), globset::Error> {
        let mut set = GlobSetBuilder::new();
        for glob in globs {
            let pattern = glob.trim_start_matches("./").trim_end_matches('/');
            set.add(GlobBuilder::new(pattern).literal_separator(true).build()?);
        }
        let set = set.build()?;
        if !set.is_empty() {
            self.sets.push((absolute(base), set));
        }
        Ok(())
    }

    /// Whether the path, or one of its ancestors below a base, matches an exclude glob.
    pub fn is_excluded(&self, path: &Path) -> bool {
        if self.sets.is_empty() {
            return false;
        }
        let path = absolute(path);
        self.sets.iter().any(|(base, globs)| {
            path.strip_prefix(base).is_ok_and(|relative| {
                relative
                    .ancestors()
                    .filter(|p| !p.as_os_str().is_empty())
                    .any(|p| globs.is_match(p))
            })
        })
    }
}

pub fn discover(paths: &[PathBuf], excludes: &Excludes, sources: &SourceMap) -> Discovered {
    let mut found = Discovered::default();
    let mut module_dirs = BTreeSet::new();
    let mut documents = BTreeSet::new();
    let mut changed_module_dirs = BTreeSet::new();
    for root in paths {
        // A CDK cloud assembly's manifest means the assembly (`cdk.out`, skipped when
        // found inside a walked directory, is linted when named).
        let assembly = is_cdk_manifest(root).then(|| parent_dir(root).to_path_buf());
        let root = assembly.as_ref().unwrap_or(root);
        if root.is_file() {
            if excludes.is_excluded(root) {
                found.skipped.push(Skipped {
                    path: root.clone(),
                    reason: EXCLUDED,
                });
                continue;
            }
            if is_terraform_file(root) || is_module_variables_file(root) {
                changed_module_dirs.insert(parent_dir(root).to_path_buf());
            } else if is_terragrunt_file(root) {
                found.skipped.push(Skipped {
                    path: root.clone(),
                    reason: TERRAGRUNT,
                });
            } else {
                documents.insert(root.clone());
            }
            continue;
        }
        for file in walk(root, excludes, &mut found.errors, &mut found.skipped) {
            if is_terraform_file(&file) {
                module_dirs.insert(parent_dir(&file).to_path_buf());
            } else if is_terragrunt_file(&file) {
                found.skipped.push(Skipped {
                    path: file,
                    reason: TERRAGRUNT,
                });
            } else if is_document(&file) {
                documents.insert(file);
            }
        }
    }
    for document in documents {
        match classify_document(&document) {
            Ok(Ok(input)) => found.inputs.push(input),
            Ok(Err(reason)) => {
                let reason = if document.file_name().is_some_and(|n| n == "cdk.json") {
                    CDK_APP
                } else {
                    reason
                };
                found.skipped.push(Skipped {
                    path: document,
                    reason,
                });
            }
            Err(message) => found.errors.push(DiscoveryError {
                path: document,
                message,
            }),
        }
    }
    // Every module found is analyzed (as a root or a root's child): keep what is read.
    let children: BTreeSet<PathBuf> = module_calls(&module_dirs, Some(sources))
        .into_iter()
        .flat_map(|(_, children)| children)
        .map(|dir| absolute_normal(&dir))
        .collect();
    found.inputs.extend(
        module_dirs
            .into_iter()
            .filter(|dir| !children.contains(&absolute_normal(dir)))
            .map(Input::TerraformModule),
    );
    if !changed_module_dirs.is_empty() {
        let roots = roots_using(&changed_module_dirs, excludes);
        found
            .inputs
            .extend(roots.into_iter().map(Input::TerraformModule));
    }
    found.inputs.sort();
    found.inputs.dedup_by(|a, b| {
        std::mem::discriminant(a) == std::mem::discriminant(b)
            && absolute_normal(a.path()) == absolute_normal(b.path())
    });
    found
}

/// Every file under `root`, honouring `.gitignore` (also outside a git repository: a
/// `.gitignore` states what is not source either way), git's global excludes file,
/// `.ignore`, the skipped directories
/// and the excludes. Symbolic links are followed; a link to a directory that contains it
/// (`self -> .`) is skipped: everything it leads to is walked anyway, once.
fn walk(
    root: &Path,
    excludes: &Excludes,
    errors: &mut Vec<DiscoveryError>,
    skipped: &mut Vec<Skipped>,
) -> Vec<PathBuf> {
    let excludes = excludes.clone();
    let left_out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = left_out.clone();
    let mut builder = ignore::WalkBuilder::new(root);
    builder.git_global(false);
    if let Some(file) = git_excludes::global_excludes_file().filter(|f| f.is_file()) {
        // As with the crate's own lookup, an unreadable excludes file is no excludes.
        let _ = builder.add_ignore(file);
    }
    let walker = builder
        .hidden(false)
        .require_git(false)
        .follow_links(true)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let name = entry.file_name().to_string_lossy();
            let reason = if is_dir && SKIPPED_DIRS.contains(&name.as_ref()) && entry.depth() > 0 {
                if name == "cdk.out" {
                    CDK_ASSEMBLY
                } else {
                    TOOL_DIRECTORY
                }
            } else if excludes.is_excluded(entry.path()) {
                EXCLUDED
            } else {
                return true;
            };
            record
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Skipped {
                    path: entry.path().to_path_buf(),
                    reason,
                });
            false
        })
        .build();
    let mut files = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                files.push(entry.into_path());
            }
            Ok(_) => {}
            Err(err) if loop_child(&err).is_some() => skipped.push(Skipped {
                path: loop_child(&err).unwrap_or(root).to_path_buf(),
                reason: LINK_TO_ANCESTOR,
            }),
            Err(err) => errors.push(DiscoveryError {
                path: error_path(&err).unwrap_or_else(|| root.to_path_buf()),
                message: error_message(&err),
            }),
        }
    }
    skipped.append(&mut left_out.lock().unwrap_or_else(|e| e.into_inner()));
    files
}

/// The link of a symbolic link loop error.
fn loop_child(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => loop_child(err),
        _ => None,
    }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            error_message(err)
        }
        ignore::Error::Io(io) => format!("cannot read: {io}"),
        other => other.to_string(),
    }
}

fn is_terraform_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    crate::frontend::terraform::is_configuration_file(&name)
}

/// A `.tfvars` / `.tfvars.json` file beside `.tf` files: Terraform loads
/// `terraform.tfvars` and `*.auto.tfvars` of a root module, so a change to one changes
/// what its module evaluates to.
fn is_module_variables_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    (name.ends_with(".tfvars") || name.ends_with(".tfvars.json"))
        && std::fs::read_dir(parent_dir(path)).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| is_terraform_file(&e.path()) && e.path().is_file())
        })
}

fn is_terragrunt_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n == "terragrunt.hcl" || n == "terragrunt.hcl.json")
}

fn is_document(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    DOCUMENT_ENDINGS.iter().any(|e| name.ends_with(e))
}

/// `manifest.json` of a CDK cloud assembly (it lists the assembly's `artifacts`).
fn is_cdk_manifest(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "manifest.json")
        && path.is_file()
        && std::fs::read_to_string(path).is_ok_and(|text| text.contains("\"artifacts\""))
}

/// Classifies a YAML/JSON file by its content (the first MiB of it): what it is, or why it
/// is not linted.
fn classify_document(path: &Path) -> Result<Result<Input, &'static str>, String> {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(CLASSIFY_BYTES).read_to_end(&mut head))
        .map_err(|e| format!("cannot read file: {e}"))?;
    Ok(classify_text(path, &String::from_utf8_lossy(&head)))
}

/// Classifies a document by the beginning of its text: what it is, or why it is not linted.
pub fn classify_text(path: &Path, head: &str) -> Result<Input, &'static str> {
    if head.contains("\"format_version\"") && head.contains("\"planned_values\"") {
        return Ok(Input::TerraformPlan(path.to_path_buf()));
    }
    // The frontend decides on the parsed document; this only keeps other documents out.
    let template_type = ["AWS::", "Custom::", "Alexa::", "::MODULE"]
        .iter()
        .any(|t| head.contains(t));
    if head.contains("AWSTemplateFormatVersion") || (head.contains("Resources") && template_type) {
        if has_template_directive(head) {
            return Err(TEMPLATE_SOURCE);
        }
        return Ok(Input::CloudFormation(path.to_path_buf()));
    }
    Err(NOT_A_TEMPLATE)
}

/// Whether a text holds a directive of a template engine that renders it before
/// CloudFormation sees it: Terraform's `%{ for ... }`, `%{ if ... }` (`templatefile()`) or
/// a Jinja statement `{% for ... %}`, `{% if ... %}` (AWS Proton). A Step Functions JSONata
/// expression `{% $states.input %}` is not one: it is a string of the template.
/// `{{ ... }}` placeholders alone leave the file readable: their values are unknown.
fn has_template_directive(text: &str) -> bool {
    const TERRAFORM: &[&str] = &["for ", "endfor", "if ", "else", "endif"];
    const JINJA: &[&str] = &[
        "for ",
        "endfor",
        "if ",
        "elif ",
        "else",
        "endif",
        "set ",
        "macro ",
        "endmacro",
        "block ",
        "endblock",
        "include ",
        "import ",
        "from ",
        "raw",
        "endraw",
        "filter ",
        "endfilter",
        "with ",
        "endwith",
    ];
    let opens = |line: &str, open: &str, trim: &[char], keywords: &[&str]| {
        line.match_indices(open).any(|(at, _)| {
            let rest = line[at + open.len()..]
                .trim_start_matches(trim)
                .trim_start();
            keywords.iter().any(|k| rest.starts_with(k))
        })
    };
    text.lines()
        .any(|line| opens(line, "%{", &['~'], TERRAFORM) || opens(line, "{%", &['-', '+'], JINJA))
}

/// The root modules to lint for changed module directories: each changed directory that
/// is a local child module of modules under the working directory is replaced by the
/// topmost modules that (transitively) use it.
fn roots_using(changed: &BTreeSet<PathBuf>, excludes: &Excludes) -> BTreeSet<PathBuf> {
    let mut errors = Vec::new();
    let mut module_dirs = BTreeSet::new();
    for file in walk(Path::new("."), excludes, &mut errors, &mut Vec::new()) {
        if is_terraform_file(&file) {
            module_dirs.insert(parent_dir(&file).to_path_buf());
        }
    }
    // child (normalized) -> the modules that use it
    let mut users: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (dir, children) in module_calls(&module_dirs, None) {
        for child in children {
            users
                .entry(absolute_normal(&child))
                .or_default()
                .insert(dir.clone());
        }
    }
    let mut roots = BTreeSet::new();
    for dir in changed {
        let mut seen = BTreeSet::new();
        let mut stack = vec![dir.clone()];
        while let Some(module) = stack.pop() {
            if !seen.insert(absolute_normal(&module)) {
                continue; // a module cycle: Terraform rejects it, the frontend reports it
            }
            match users.get(&absolute_normal(&module)) {
                Some(parents) => stack.extend(parents.iter().cloned()),
                None => {
                    roots.insert(module);
                }
            }
        }
    }
    roots
}

/// The local child modules each module calls. Every module's files are read for their
/// `source` lines: in parallel, as reading and `stat`ing thousands of files of a monorepo is
/// most of a pre-commit run given files.
fn module_calls<'a>(
    module_dirs: &'a BTreeSet<PathBuf>,
    keep: Option<&SourceMap>,
) -> Vec<(&'a PathBuf, Vec<PathBuf>)> {
    module_dirs
        .par_iter()
        .map(|dir| (dir, terraform::local_module_dirs(dir, keep)))
        .collect()
}

/// Absolute and lexically normalized (`a/./b/../c` → `a/c`), without touching the disk.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excludes_match_paths_and_their_ancestors() {
        let excludes = Excludes::new(
            Path::new("/repo"),
            &["legacy".into(), "**/test/*.yaml".into()],
        )
        .unwrap();
        assert!(excludes.is_excluded(Path::new("/repo/legacy/main.tf")));
        assert!(excludes.is_excluded(Path::new("/repo/a/test/t.yaml")));
        assert!(!excludes.is_excluded(Path::new("/repo/a/test/t.json")));
        assert!(!excludes.is_excluded(Path::new("/elsewhere/legacy/main.tf")));
    }
}
