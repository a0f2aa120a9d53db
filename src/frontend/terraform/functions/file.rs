//! The file functions (`file`, `fileexists`, `fileset`, `filebase64`, `filemd5`,
//! `filesha1`, `filesha256`, `filesha512`, `filebase64sha256`, `filebase64sha512`; and the
//! reading half of `templatefile`), confined to a [`Sandbox`]; `abspath`, which resolves
//! against the same working directory without reading anything.
//!
//! Relative paths resolve as Terraform resolves them: against its working directory, the
//! root module's directory. A path that leaves the sandbox (an absolute path, `~`, `..`
//! past the lint root, a symbolic link leading out) is never read: the call is unknown,
//! so that a configuration under review cannot copy a runner's files into a report.

use super::super::convert::{make_set, to_string};
use super::super::value::Value;
use super::digest::{base64_encode, hex, Hash};
use super::{arg_error, arity};
use globset::GlobBuilder;
use std::path::{Component, Path, PathBuf};
use unicode_normalization::{is_nfc, UnicodeNormalization};

pub const NAMES: &[&str] = &[
    "file",
    "fileexists",
    "fileset",
    "filebase64",
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "filebase64sha256",
    "filebase64sha512",
    "abspath",
];

/// A file larger than this is not read (the call is unknown).
const MAX_FILE_BYTES: u64 = 16 << 20;
/// `fileset` stops (unknown) after visiting this many directory entries.
const MAX_FILESET_ENTRIES: usize = 100_000;

/// Where file functions may read: `base` is the directory relative paths start from (the
/// root module's), `boundary` the lint root (the git top-level above the linted path, else
/// the linted path itself). Both are canonical.
#[derive(Debug, Clone)]
pub struct Sandbox {
    base: PathBuf,
    boundary: PathBuf,
}

/// Why a path is not read.
pub enum Refusal {
    /// Outside the sandbox: the call is unknown, with this reason.
    Outside(String),
    /// What Terraform reports as an error (missing file, a directory, unreadable).
    Error(String),
}

impl Sandbox {
    /// `None` when either directory cannot be resolved (then no file is read).
    pub fn new(base: &Path, boundary: &Path) -> Option<Sandbox> {
        let base = base.canonicalize().ok()?;
        let boundary = boundary.canonicalize().ok()?;
        base.starts_with(&boundary)
            .then_some(Sandbox { base, boundary })
    }

    /// The lint root for a module directory: the closest ancestor holding `.git`, else the
    /// directory itself.
    pub fn default_boundary(dir: &Path) -> PathBuf {
        let dir = crate::source::canonical(dir);
        dir.ancestors()
            .find(|d| d.join(".git").exists())
            .unwrap_or(&dir)
            .to_path_buf()
    }

    /// The path Terraform would open for `path`, if it is inside the sandbox.
    fn resolve(&self, path: &str) -> Result<PathBuf, Refusal> {
        let outside = |why: &str| {
            Refusal::Outside(format!(
                "{path:?} is {why}: vpclint reads files only inside the lint root \
                 (the repository being linted)"
            ))
        };
        if path.starts_with('~') {
            return Err(outside("in a home directory"));
        }
        if Path::new(path).is_absolute() {
            return Err(outside("an absolute path"));
        }
        let joined = clean(&self.base.join(path));
        if !joined.starts_with(&self.boundary) {
            return Err(outside("outside the lint root"));
        }
        match joined.canonicalize() {
            Ok(real) if !real.starts_with(&self.boundary) => {
                Err(outside("a symbolic link leading outside the lint root"))
            }
            _ => Ok(joined),
        }
    }

    /// The bytes of a regular file inside the sandbox.
    pub fn read(&self, path: &str) -> Result<Vec<u8>, Refusal> {
        let resolved = self.resolve(path)?;
        let meta = std::fs::metadata(&resolved).map_err(|_| {
            Refusal::Error(format!(
                "no file exists at {path:?}; this function works only with files that are \
                 distributed as part of the configuration source code"
            ))
        })?;
        if meta.is_dir() {
            return Err(Refusal::Error(format!(
                "{path:?} is a directory, not a file"
            )));
        }
        if !meta.is_file() {
            return Err(Refusal::Outside(format!("{path:?} is not a regular file")));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(Refusal::Outside(format!(
                "{path:?} is larger than {MAX_FILE_BYTES} bytes"
            )));
        }
        std::fs::read(&resolved).map_err(|e| Refusal::Error(format!("cannot read {path:?}: {e}")))
    }

    /// The UTF-8 text of a file inside the sandbox (`file`, `templatefile`), in Unicode
    /// normalization form C as Terraform's strings are.
    pub fn read_text(&self, path: &str) -> Result<String, Refusal> {
        let text = String::from_utf8(self.read(path)?).map_err(|_| {
            Refusal::Error(format!(
                "contents of {path:?} are not valid UTF-8; use the filebase64 function to \
                 obtain the Base64 encoded contents"
            ))
        })?;
        Ok(if is_nfc(&text) {
            text
        } else {
            text.nfc().collect()
        })
    }

    fn exists(&self, path: &str) -> Result<bool, Refusal> {
        let resolved = self.resolve(path)?;
        match std::fs::metadata(&resolved) {
            Err(_) => Ok(false),
            Ok(meta) if meta.is_file() => Ok(true),
            Ok(meta) if meta.is_dir() => Err(Refusal::Error(format!(
                "{path:?} is a directory, not a file"
            ))),
            Ok(_) => Err(Refusal::Error(format!("{path:?} is not a regular file"))),
        }
    }

    /// `fileset(path, pattern)`: the regular files under `path` matching `pattern`
    /// (`*`, `?`, `[...]`, `{a,b}`, `**`), relative to `path` with `/` separators.
    fn fileset(&self, dir: &str, pattern: &str) -> Result<Value, Refusal> {
        let root = self.resolve(dir)?;
        let full = clean(&root.join(doublestar_classes(pattern)));
        let full_text = full.to_string_lossy().into_owned();
        let matcher = GlobBuilder::new(&full_text)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|e| Refusal::Error(format!("failed to glob pattern {pattern:?}: {e}")))?
            .compile_matcher();
        // Walk from the deepest directory of the pattern without glob characters.
        let mut start = PathBuf::new();
        for component in full.components() {
            let text = component.as_os_str().to_string_lossy();
            if text.contains(['*', '?', '[', '{']) {
                break;
            }
            start.push(component);
        }
        if !start.starts_with(&self.boundary) {
            return Err(Refusal::Outside(format!(
                "{pattern:?} reaches outside the lint root (the repository being linted)"
            )));
        }
        let mut found = Vec::new();
        let mut visited = 0;
        let mut stack = vec![start];
        while let Some(path) = stack.pop() {
            visited += 1;
            if visited > MAX_FILESET_ENTRIES {
                return Err(Refusal::Outside(format!(
                    "fileset() under {dir:?} visits more than {MAX_FILESET_ENTRIES} entries"
                )));
            }
            // Links leading out of the lint root are not followed.
            let Ok(real) = path.canonicalize() else {
                continue;
            };
            if !real.starts_with(&self.boundary) {
                continue;
            }
            if real.is_dir() {
                if let Ok(entries) = std::fs::read_dir(&path) {
                    stack.extend(entries.flatten().map(|e| e.path()));
                }
            } else if real.is_file() && matcher.is_match(&path) {
                found.push(Value::String(relative(&path, &root)));
            }
        }
        Ok(make_set(found))
    }
}

/// doublestar negates a class with `^` only: `[!a]` is the class of `!` and `a`, which
/// globset writes `[a!]`.
fn doublestar_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(at) = rest.find("[!") {
        out.push_str(&rest[..at]);
        let class = &rest[at + 2..];
        match class.get(1..).and_then(|c| c.find(']')) {
            Some(end) => {
                out.push('[');
                out.push_str(&class[..=end]);
                out.push_str("!]");
                rest = &class[end + 2..];
            }
            None => {
                out.push_str("[!");
                rest = class;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Go's `filepath.Clean` on an absolute path: `.` and `..` removed lexically.
fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `base`, with `/` separators (`..` where it is not below).
fn relative(path: &Path, base: &Path) -> String {
    let path: Vec<_> = path.components().collect();
    let base: Vec<_> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); base.len() - common];
    parts.extend(
        path[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Calls a file function; `None` when `name` is not one.
pub fn call(name: &str, args: &[Value], sandbox: &Sandbox) -> Option<Result<Value, String>> {
    if !NAMES.contains(&name) {
        return None;
    }
    let path = |i: usize| -> Result<String, String> {
        to_string(&args[i]).map_err(|e| arg_error("path", e))
    };
    let refused = |refusal: Refusal| match refusal {
        Refusal::Outside(reason) => Ok(Value::Unknown(reason)),
        Refusal::Error(message) => Err(message),
    };
    let result = match name {
        "fileset" => arity(name, args, 2, 2).and_then(|()| {
            let pattern = to_string(&args[1]).map_err(|e| arg_error("pattern", e))?;
            sandbox.fileset(&path(0)?, &pattern).or_else(refused)
        }),
        "abspath" => arity(name, args, 1, 1).and_then(|()| {
            let path = path(0)?;
            Ok(Value::String(
                clean(&sandbox.base.join(path))
                    .to_string_lossy()
                    .into_owned(),
            ))
        }),
        "fileexists" => arity(name, args, 1, 1)
            .and_then(|()| sandbox.exists(&path(0)?).map(Value::Bool).or_else(refused)),
        "file" => arity(name, args, 1, 1).and_then(|()| {
            sandbox
                .read_text(&path(0)?)
                .map(Value::String)
                .or_else(refused)
        }),
        _ => arity(name, args, 1, 1).and_then(|()| {
            let bytes = match sandbox.read(&path(0)?) {
                Ok(bytes) => bytes,
                Err(refusal) => return refused(refusal),
            };
            Ok(Value::String(match name {
                "filebase64" => base64_encode(&bytes),
                "filemd5" => hex(&Hash::Md5.digest(&bytes)),
                "filesha1" => hex(&Hash::Sha1.digest(&bytes)),
                "filesha256" => hex(&Hash::Sha256.digest(&bytes)),
                "filesha512" => hex(&Hash::Sha512.digest(&bytes)),
                "filebase64sha256" => base64_encode(&Hash::Sha256.digest(&bytes)),
                _ => base64_encode(&Hash::Sha512.digest(&bytes)),
            }))
        }),
    };
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::String(x.to_string())
    }

    #[test]
    fn reads_inside_and_refuses_outside() {
        let outer = tempfile::tempdir().expect("temp dir");
        let repo = outer.path().join("repo");
        std::fs::create_dir_all(repo.join("env/net")).expect("dirs");
        std::fs::write(repo.join("env/net/a.yaml"), "a: 1\n").expect("write");
        std::fs::write(repo.join("shared.txt"), "shared").expect("write");
        std::fs::write(outer.path().join("secret"), "secret").expect("write");
        let sandbox = Sandbox::new(&repo.join("env"), &repo).expect("sandbox");
        let call = |name: &str, args: Vec<Value>| call(name, &args, &sandbox).expect("file fn");
        assert_eq!(call("file", vec![s("net/a.yaml")]), Ok(s("a: 1\n")));
        assert_eq!(call("file", vec![s("../shared.txt")]), Ok(s("shared")));
        assert_eq!(
            call("fileexists", vec![s("./net/../net/a.yaml")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            call("fileexists", vec![s("missing")]),
            Ok(Value::Bool(false))
        );
        assert!(call("fileexists", vec![s("net")]).is_err());
        assert!(call("file", vec![s("missing")]).is_err());
        for escape in ["../../secret", "/etc/passwd", "~/.aws/credentials"] {
            assert!(matches!(
                call("file", vec![s(escape)]),
                Ok(Value::Unknown(_))
            ));
        }
        assert_eq!(
            call("fileset", vec![s("."), s("**/*.yaml")]),
            Ok(Value::Set(vec![s("net/a.yaml")]))
        );
        assert_eq!(
            call("filemd5", vec![s("../shared.txt")]),
            Ok(s("9e81e7b963c71363e2fb3eefcfecfc0e"))
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outer.path().join("secret"), repo.join("env/link"))
                .expect("symlink");
            assert!(matches!(
                call("file", vec![s("link")]),
                Ok(Value::Unknown(_))
            ));
            assert_eq!(
                call("fileset", vec![s("."), s("*")]),
                Ok(Value::Set(Vec::new()))
            );
        }
    }
}
