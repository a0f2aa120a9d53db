//! What every target does: write the input as one file of the kind it fuzzes, then run
//! the whole of vpclint on it.

use std::path::PathBuf;
use std::sync::OnceLock;

/// One directory per fuzzing process, reused by every input (each overwrites the file).
fn workspace() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("vpclint-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("fuzz directory");
        dir
    })
}

/// Writes `data` as `dir/file_name` and analyzes `dir` (so Terraform sees a module and
/// discovery classifies documents as `vpclint lint DIR` would).
pub fn run(file_name: &str, data: &[u8]) {
    let dir = workspace();
    std::fs::write(dir.join(file_name), data).expect("fuzz input written");
    vpclint::exercise::everything(dir);
}
