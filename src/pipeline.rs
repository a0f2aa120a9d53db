//! The whole front half: discover → frontends (in parallel) → lowering.

use crate::discover::{self, Input};
use crate::frontend::{self, cloudformation, terraform, Diagnostic, Severity, Unit};
use crate::model::{lower, Declared, Network};
use crate::source::{FileId, SourceMap, Span};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Default, Clone)]
pub struct Options {
    pub terraform: terraform::Options,
    pub cloudformation: cloudformation::Options,
    pub declared: Declared,
}

pub struct Analysis {
    pub sources: SourceMap,
    pub units: Vec<Unit>,
    pub network: Network,
}

pub fn analyze(paths: &[PathBuf], options: &Options) -> Analysis {
    let sources = SourceMap::new();
    let discovered = discover::discover(paths);
    let mut units: Vec<Unit> = discovered
        .inputs
        .par_iter()
        .filter_map(|input| load(input, options, &sources))
        .collect();
    for error in discovered.errors {
        units.push(unreadable(&error.path, error.message, &sources));
    }
    let network = lower::lower(&units, options.declared.clone());
    Analysis {
        sources,
        units,
        network,
    }
}

fn load(input: &Input, options: &Options, sources: &SourceMap) -> Option<Unit> {
    match input {
        Input::TerraformModule(dir) => Some(terraform::load_root_module(
            dir,
            &options.terraform,
            sources,
        )),
        Input::TerraformPlan(path) => match read(path) {
            Ok(text) => Some(terraform::load_plan(path, text, sources)),
            Err(message) => Some(unreadable(path, message, sources)),
        },
        Input::CloudFormation(path) => match read(path) {
            Ok(text) => cloudformation::load_template(path, text, &options.cloudformation, sources),
            Err(message) => Some(unreadable(path, message, sources)),
        },
    }
}

/// Reads a file as UTF-8 text.
pub fn read(path: &std::path::Path) -> Result<Arc<str>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read file: {e}"))?;
    String::from_utf8(bytes).map(Arc::from).map_err(|e| {
        format!(
            "file is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

fn unreadable(path: &std::path::Path, message: String, sources: &SourceMap) -> Unit {
    let file: FileId = sources.add(path.to_path_buf(), Arc::from(""));
    Unit {
        lang: frontend::Lang::Terraform,
        path: path.to_path_buf(),
        files: vec![file],
        resources: Vec::new(),
        diagnostics: vec![Diagnostic {
            severity: Severity::Error,
            message,
            span: Span::file_start(file),
        }],
        suppressions: Vec::new(),
    }
}
