//! The whole front half: discover → frontends (in parallel) → lowering.

use crate::discover::{self, Input};
use crate::frontend::{self, cloudformation, terraform, Diagnostic, Unit};
use crate::model::{lower, Declared, Network};
use crate::source::{self, read, FileId, SourceMap, Span};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Default, Clone)]
pub struct Options {
    pub terraform: terraform::Options,
    pub cloudformation: cloudformation::Options,
    pub declared: Declared,
    /// `exclude` globs of the config file and of `--exclude`.
    pub excludes: discover::Excludes,
    /// A document read from standard input (`vpclint lint - --stdin-filename NAME`).
    pub stdin: Option<StdinDocument>,
}

/// A template or plan read from standard input, analyzed as if it were the file `name`.
#[derive(Debug, Clone)]
pub struct StdinDocument {
    pub name: PathBuf,
    pub text: Arc<str>,
}

pub struct Analysis {
    /// What discovery found to analyze (the report summary lists it).
    pub inputs: Vec<Input>,
    /// What discovery left out on purpose, and why.
    pub skipped: Vec<discover::Skipped>,
    pub sources: SourceMap,
    pub units: Vec<Unit>,
    pub network: Network,
}

pub fn analyze(paths: &[PathBuf], options: &Options) -> Analysis {
    let mut options = options.clone();
    options.terraform.lint_roots = paths.iter().map(|p| terraform::lint_root(p)).collect();
    let options = &options;
    let sources = SourceMap::new();
    let mut discovered = discover::discover(paths, &options.excludes);
    if let Some(stdin) = &options.stdin {
        match discover::classify_text(&stdin.name, &stdin.text) {
            Some(input) => discovered.inputs.push(input),
            None => discovered.skipped.push(discover::Skipped {
                path: stdin.name.clone(),
                reason: "standard input is neither a CloudFormation template nor a Terraform plan",
            }),
        }
    }
    let (inputs, units): (Vec<Input>, Vec<Unit>) = discovered
        .inputs
        .into_par_iter()
        .filter_map(|input| {
            let unit = load(&input, options, &sources)?;
            Some((input, unit))
        })
        .unzip();
    let (inputs, mut units) = without_nested_stacks(inputs, units, &sources);
    cloudformation::link_imports(&mut units, &options.cloudformation, &sources);
    for error in discovered.errors {
        units.push(unreadable(&error.path, error.message, &sources));
    }
    let network = lower::lower(&mut units, options.declared.clone(), &sources);
    Analysis {
        inputs,
        skipped: discovered.skipped,
        sources,
        units,
        network,
    }
}

/// Drops the templates that another template of the run creates as a nested stack: they
/// were evaluated inside their parent, with the parameters it passes (alone, their
/// parameters would be unknown and their findings reported twice).
/// A template unit's files after the first are its nested stacks' templates and its
/// parameter files (which are never templates themselves).
fn without_nested_stacks(
    inputs: Vec<Input>,
    units: Vec<Unit>,
    sources: &SourceMap,
) -> (Vec<Input>, Vec<Unit>) {
    let canonical =
        |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let children: std::collections::HashSet<PathBuf> = units
        .iter()
        .filter(|u| u.lang == frontend::Lang::CloudFormation)
        .flat_map(|u| u.files.iter().skip(1))
        .map(|&file| canonical(&sources.get(file).path))
        .collect();
    if children.is_empty() {
        return (inputs, units);
    }
    inputs
        .into_iter()
        .zip(units)
        .filter(|(input, _)| {
            !matches!(input, Input::CloudFormation(path) if children.contains(&canonical(path)))
        })
        .unzip()
}

fn load(input: &Input, options: &Options, sources: &SourceMap) -> Option<Unit> {
    let read = |path: &std::path::Path| match &options.stdin {
        Some(stdin) if stdin.name == path => Ok(stdin.text.clone()),
        _ => read(path),
    };
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

/// A unit holding only the parse error of a file that could not be read. For a file that
/// is not valid UTF-8 the error points at the first invalid byte, with the text before it
/// kept for display.
fn unreadable(path: &std::path::Path, message: String, sources: &SourceMap) -> Unit {
    // Re-read only to show the text before an invalid byte; never a file too large to read.
    let readable = std::fs::metadata(path).is_ok_and(|m| m.len() <= source::MAX_SOURCE_BYTES);
    let bytes = if readable {
        std::fs::read(path)
    } else {
        Ok(Vec::new())
    };
    let (text, offset) = match bytes.map(String::from_utf8) {
        Ok(Err(invalid)) => {
            let offset = invalid.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(invalid.as_bytes()).into_owned();
            (Arc::from(lossy), offset)
        }
        _ => (Arc::from(""), 0),
    };
    let file: FileId = sources.add(path.to_path_buf(), text);
    Unit {
        lang: frontend::Lang::Terraform,
        path: path.to_path_buf(),
        files: vec![file],
        resources: Vec::new(),
        diagnostics: vec![Diagnostic::error(Span::new(file, offset, offset), message)],
        suppressions: Vec::new(),
        provenance: Vec::new(),
        exports: Vec::new(),
        imports: Vec::new(),
    }
}
