//! Discovery: walk the given paths (honouring `.gitignore`) and classify what is found
//! into Terraform root modules, CloudFormation templates and plan files.

use crate::frontend::terraform;
use std::collections::BTreeSet;
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

/// A path that could not be walked or read.
#[derive(Debug, Clone)]
pub struct DiscoveryError {
    pub path: PathBuf,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    pub errors: Vec<DiscoveryError>,
}

const SKIPPED_DIRS: &[&str] = &[".terraform", ".git", "node_modules", "cdk.out"];

pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    let mut module_dirs = BTreeSet::new();
    let mut files = BTreeSet::new();
    for root in paths {
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .filter_entry(|e| {
                !(e.file_type().is_some_and(|t| t.is_dir())
                    && SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                    files.insert(entry.into_path());
                }
                Ok(_) => {}
                Err(err) => found.errors.push(DiscoveryError {
                    path: root.clone(),
                    message: err.to_string(),
                }),
            }
        }
    }
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if name.ends_with(".tf") || name.ends_with(".tf.json") {
            module_dirs.insert(file.parent().unwrap_or(Path::new(".")).to_path_buf());
        } else if name.ends_with(".json")
            || name.ends_with(".yaml")
            || name.ends_with(".yml")
            || name.ends_with(".template")
        {
            if let Some(input) = classify_document(file) {
                found.inputs.push(input);
            }
        }
    }
    let children: BTreeSet<PathBuf> = module_dirs
        .iter()
        .flat_map(|d| terraform::local_module_dirs(d))
        .collect();
    found.inputs.extend(
        module_dirs
            .into_iter()
            .filter(|d| !children.contains(d))
            .map(Input::TerraformModule),
    );
    found.inputs.sort();
    found
}

fn classify_document(path: &Path) -> Option<Input> {
    let text = std::fs::read(path).ok()?;
    let head = String::from_utf8_lossy(&text[..text.len().min(1 << 20)]);
    if head.contains("\"format_version\"") && head.contains("\"planned_values\"") {
        return Some(Input::TerraformPlan(path.to_path_buf()));
    }
    if head.contains("AWSTemplateFormatVersion") || head.contains("AWS::") {
        return Some(Input::CloudFormation(path.to_path_buf()));
    }
    None
}
