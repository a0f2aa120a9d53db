//! Terraform: native syntax and `.tf.json`, local and installed modules, variables,
//! `count`/`for_each`, functions; and `terraform show -json` plans.

mod budget;
mod config;
pub mod convert;
mod eval;
pub mod functions;
pub(crate) mod hcl;
mod instance;
mod json;
pub mod number;
mod plan;
mod public_facts;
mod references;
mod render;
mod suppressions;
mod types;
pub mod value;

pub use budget::Limits;

use super::{CallChain, Diagnostic, Lang, Severity, Unit, EVAL_STACK_SIZE};
use crate::source::{SourceMap, Span};
pub use config::is_configuration_file;
use config::{Attr, Expr};
pub use instance::FIREWALL_ENDPOINT_ID;
use instance::{Evaluator, RootInput};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

/// Variable inputs given on the command line, and the evaluation budgets.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// `--var name=value`, in order.
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE`, in order.
    pub var_files: Vec<PathBuf>,
    /// `vpclint.toml` `[terraform.var_files]`: variable files of one root module (keyed by
    /// its absolute directory), read before `--var-file`.
    pub root_var_files: BTreeMap<PathBuf, Vec<PathBuf>>,
    /// Evaluation budgets (`[limits]` in `vpclint.toml`).
    pub limits: Limits,
    /// `--region`: the region of AWS provider configurations that do not set one.
    pub region: Option<String>,
    /// `vpclint.toml` `[terraform.availability_zones]`: the zone names of a region where
    /// vpclint's table has none or the account sees others.
    pub availability_zones: BTreeMap<String, Vec<String>>,
    /// The lint roots of the linted paths ([`lint_root`]): file functions read only inside
    /// the one holding the module. Without one, the module's own lint root applies.
    pub lint_roots: Vec<PathBuf>,
}

/// The directory file functions may read in when `path` is linted: the git top-level
/// above it, else the path itself (its directory, for a file).
pub fn lint_root(path: &Path) -> PathBuf {
    let dir = if path.is_file() {
        path.parent().unwrap_or(path)
    } else {
        path
    };
    functions::Sandbox::default_boundary(dir)
}

/// The sandbox of file functions evaluated in the root module `dir`.
fn sandbox(dir: &Path, options: &Options) -> Option<functions::Sandbox> {
    let real = dir.canonicalize().ok()?;
    let boundary = options
        .lint_roots
        .iter()
        .filter(|root| real.starts_with(root))
        .max_by_key(|root| root.components().count())
        .cloned()
        .unwrap_or_else(|| lint_root(&real));
    functions::Sandbox::new(&real, &boundary)
}

/// Evaluates the root module in `dir` (its `.tf` and `.tf.json` files, with child modules).
pub fn load_root_module(dir: &Path, options: &Options, sources: &SourceMap) -> Unit {
    // Evaluation recurses along reference chains (bounded, but deep in debug builds): it
    // runs on a thread with a stack for it, this one if it has such a stack.
    if crate::frontend::has_eval_stack() {
        evaluate_root_module(dir, options, sources)
    } else {
        crate::frontend::on_eval_stack(|| evaluate_root_module(dir, options, sources))
    }
}

/// Root modules being evaluated now, across threads: a module's files are parsed on a
/// second thread only when a core is left over ([`config::load_module`]).
static EVALUATING_ROOTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Whether fewer roots are being evaluated than the pool has threads (its size is known:
/// `available_parallelism` would read the cgroup files again at every call).
fn spare_core() -> bool {
    EVALUATING_ROOTS.load(std::sync::atomic::Ordering::Relaxed) < rayon::current_num_threads()
}

fn evaluate_root_module(dir: &Path, options: &Options, sources: &SourceMap) -> Unit {
    use std::sync::atomic::Ordering;
    EVALUATING_ROOTS.fetch_add(1, Ordering::Relaxed);
    let unit = evaluate_root_module_counted(dir, options, sources);
    EVALUATING_ROOTS.fetch_sub(1, Ordering::Relaxed);
    unit
}

fn evaluate_root_module_counted(dir: &Path, options: &Options, sources: &SourceMap) -> Unit {
    // A root is evaluated once per run: its syntax tree is not kept for others (only child
    // modules, which several roots may call, are shared), so it is freed with the unit.
    let root = Arc::new(config::load_module(dir, sources));
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    let inputs = root_inputs(dir, options, sources, &mut files, &mut diagnostics);
    let installed = installed_modules(dir);
    let evaluator = Evaluator::new(sources, root, installed, inputs, options.limits)
        .with_facts(options.region.clone(), options.availability_zones.clone())
        .with_sandbox(sandbox(dir, options))
        .with_workspace(selected_workspace(dir));
    let mut resources = Vec::new();
    evaluator.collect(0, &CallChain::default(), &mut resources);
    let mut suppressions = Vec::new();
    let mut config_files = Vec::new();
    for config in evaluator.configs() {
        config_files.extend(config.files.iter().copied());
        diagnostics.extend(config.diagnostics.iter().cloned());
        suppressions.extend(config.suppressions.iter().cloned());
    }
    config_files.extend(files);
    let mut seen = HashSet::new();
    diagnostics.extend(evaluator.take_diagnostics());
    diagnostics.retain(|d| seen.insert((d.span, d.message.clone())));
    Unit {
        lang: Lang::Terraform,
        path: dir.to_path_buf(),
        files: config_files,
        resources,
        diagnostics,
        suppressions,
        provenance: Vec::new(),
        exports: Vec::new(),
        failures: evaluator.take_failures(),
        imports: Vec::new(),
    }
}

/// `.terraform/modules/modules.json`: module key (`net`, `net.sub`) to its directory.
/// The workspace `terraform.workspace` names, as Terraform selects it: `TF_WORKSPACE`, else
/// the one `terraform workspace select` recorded in `.terraform/environment`, else
/// `default`.
fn selected_workspace(dir: &Path) -> String {
    if let Some(name) = std::env::var("TF_WORKSPACE").ok().filter(|n| !n.is_empty()) {
        return name;
    }
    let recorded = dir.join(".terraform").join("environment");
    crate::source::read_at_most(&recorded, 1024, |_| String::new())
        .ok()
        .map(|text| text.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "default".into())
}

fn installed_modules(dir: &Path) -> HashMap<String, PathBuf> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        #[serde(rename = "Modules", default)]
        modules: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(rename = "Key")]
        key: String,
        #[serde(rename = "Dir")]
        dir: String,
    }
    let path = dir.join(".terraform").join("modules").join("modules.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    let Ok(manifest) = serde_json::from_str::<Manifest>(&text) else {
        return HashMap::new();
    };
    manifest
        .modules
        .into_iter()
        .filter(|m| !m.key.is_empty())
        .map(|m| (m.key, crate::source::lexically_normal(&dir.join(m.dir))))
        .collect()
}

/// Root variable values, later sources overriding earlier ones as Terraform documents:
/// `TF_VAR_` environment variables, `terraform.tfvars`, `terraform.tfvars.json`,
/// `*.auto.tfvars(.json)` in lexical order, then the root's `[terraform.var_files]`,
/// `--var-file` and `--var`.
fn root_inputs(
    dir: &Path,
    options: &Options,
    sources: &SourceMap,
    files: &mut Vec<crate::source::FileId>,
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<String, RootInput> {
    let mut inputs = HashMap::new();
    for (name, value) in std::env::vars() {
        if let Some(var) = name.strip_prefix("TF_VAR_") {
            inputs.insert(var.to_string(), RootInput::Raw(value));
        }
    }
    let mut var_files = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let path = dir.join(name);
        if path.is_file() {
            var_files.push(path);
        }
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
        })
        .collect();
    auto.sort();
    var_files.extend(auto);
    if let Some(configured) = options
        .root_var_files
        .get(&crate::source::absolute_normal(dir))
    {
        var_files.extend(configured.iter().cloned());
    }
    var_files.extend(options.var_files.iter().cloned());
    for path in var_files {
        for attr in read_var_file(&path, sources, files, diagnostics) {
            inputs.insert(attr.name.clone(), RootInput::Expr(Rc::new(attr)));
        }
    }
    for (name, value) in &options.vars {
        inputs.insert(name.clone(), RootInput::Raw(value.clone()));
    }
    inputs
}

fn read_var_file(
    path: &Path,
    sources: &SourceMap,
    files: &mut Vec<crate::source::FileId>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Attr> {
    let text = match config::read_file(path) {
        Ok(text) => text,
        Err(message) => {
            let file = sources.add(path.to_path_buf(), "".into());
            files.push(file);
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                message,
                span: Span::file_start(file),
                gap: None,
            });
            return Vec::new();
        }
    };
    let file = sources.add(path.to_path_buf(), text.clone());
    files.push(file);
    if path.to_string_lossy().ends_with(".json") {
        return match json::parse(&text, file) {
            Ok(json::JsonExpr::Object(entries, _)) => entries
                .into_iter()
                .map(|(name, name_span, value)| Attr {
                    name,
                    name_span,
                    span: value.span(),
                    expr: Expr::Json(value),
                })
                .collect(),
            Ok(other) => {
                diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    message: "invalid variables file: the root must be an object".into(),
                    span: other.span(),
                    gap: None,
                });
                Vec::new()
            }
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                Vec::new()
            }
        };
    }
    match config::parse_hcl(&text) {
        Ok(body) => config::convert_body(body, file).attrs,
        Err(err) => {
            let offset = err.offset.min(text.len());
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                message: config::invalid_hcl(&err),
                span: Span::new(file, offset, offset),
                gap: None,
            });
            Vec::new()
        }
    }
}

/// Only parses a `.tf` or `.tf.json` file (no conversion, no evaluation): the floor the
/// estate benchmark measures lint time against. Whether it parsed.
pub fn parse_only(path: &Path, text: &str) -> bool {
    if path.to_string_lossy().ends_with(".json") {
        json::parse(text, crate::source::FileId(0)).is_ok()
    } else {
        hcl::parse_body(text).is_ok()
    }
}

/// Directories that `dir`'s module blocks use as local child modules (`source = "./x"`),
/// so discovery does not also analyze them as roots. A textual scan: no parsing. With
/// `keep`, the texts read are kept there for the frontend, which then does not read them again.
pub fn local_module_dirs(dir: &Path, keep: Option<&SourceMap>) -> Vec<PathBuf> {
    let Ok(paths) = config::module_files(dir) else {
        return Vec::new();
    };
    let mut dirs = Vec::new();
    for path in paths {
        let Ok(text) = config::read_file(&path) else {
            continue;
        };
        // Only lines that start with `source` matter: find the word, then check its line
        // (a line-by-line scan of every file was 3% of a large run).
        let (mut line_start, mut scanned) = (0, 0);
        for at in memchr::memmem::find_iter(text.as_bytes(), b"source") {
            // Only the text since the previous match is searched: linear on one-line files.
            if let Some(newline) = text[scanned..at].rfind('\n') {
                line_start = scanned + newline + 1;
            }
            scanned = at;
            let before = text[line_start..at].trim();
            // `source` opens its line, or follows the brace of a one-line `module "x" {`.
            let one_line_call = before.starts_with("module") && before.ends_with('{');
            if !before.trim_start_matches('"').is_empty() && !one_line_call {
                continue;
            }
            let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            let line = text[at..line_end]
                .strip_suffix('\r')
                .unwrap_or(&text[at..line_end]);
            let rest = &line["source".len()..];
            let rest = rest.trim_start_matches('"').trim_start();
            let Some(rest) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) else {
                continue;
            };
            let Some(value) = rest.trim().strip_prefix('"') else {
                continue;
            };
            let Some(end) = value.find('"') else {
                continue;
            };
            let source = &value[..end];
            if source.starts_with("./") || source.starts_with("../") {
                let child = crate::source::lexically_normal(&dir.join(source));
                // A module calling its own directory is still a root.
                if child != crate::source::lexically_normal(dir) {
                    dirs.push(child);
                }
            }
        }
        if let Some(sources) = keep {
            sources.keep_read(&path, text);
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs
}

/// Reads a `terraform show -json` plan.
pub fn load_plan(path: &Path, text: Arc<str>, sources: &SourceMap) -> Unit {
    plan::load(path, text, sources)
}
