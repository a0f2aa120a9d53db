//! Terraform: native syntax and `.tf.json`, local and installed modules, variables,
//! `count`/`for_each`, functions; and `terraform show -json` plans.

pub mod convert;
pub mod functions;
pub mod number;
pub mod value;

use super::{Lang, Unit};
use crate::source::SourceMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Variable inputs given on the command line.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// `--var name=value`, in order.
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE`, in order.
    pub var_files: Vec<PathBuf>,
}

/// Evaluates the root module in `dir` (its `.tf` and `.tf.json` files, with child modules).
pub fn load_root_module(dir: &Path, options: &Options, sources: &SourceMap) -> Unit {
    let _ = (options, sources);
    Unit {
        lang: Lang::Terraform,
        path: dir.to_path_buf(),
        files: Vec::new(),
        resources: Vec::new(),
        diagnostics: Vec::new(),
        suppressions: Vec::new(),
    }
}

/// Directories that `dir`'s module blocks use as local child modules (`source = "./x"`),
/// so discovery does not also analyze them as roots.
pub fn local_module_dirs(dir: &Path) -> Vec<PathBuf> {
    let _ = dir;
    Vec::new()
}

/// Reads a `terraform show -json` plan.
pub fn load_plan(path: &Path, text: Arc<str>, sources: &SourceMap) -> Unit {
    let file = sources.add(path.to_path_buf(), text);
    Unit {
        lang: Lang::TerraformPlan,
        path: path.to_path_buf(),
        files: vec![file],
        resources: Vec::new(),
        diagnostics: Vec::new(),
        suppressions: Vec::new(),
    }
}
