//! Serverless Framework resource fragments: YAML/JSON files that a `serverless.yml` lists
//! under `resources` with `${file(...)}`. The framework merges them into one template and
//! resolves its own `${source:...}` variables when it packages the service, so a fragment
//! read on its own names resources of the other fragments and holds unresolved variables.

use std::path::{Path, PathBuf};

/// The service files the framework reads, in the order it looks for them.
const SERVICE_FILES: &[&str] = &[
    "serverless.yml",
    "serverless.yaml",
    "serverless.json",
    "serverless.ts",
    "serverless.js",
];

/// Directories climbed from a fragment to find the service file that includes it.
const MAX_LEVELS: usize = 8;

/// Service files larger than this are not searched (real ones are a few kilobytes).
const MAX_SERVICE_FILE_BYTES: u64 = 1 << 20;

/// The variable sources of the Serverless Framework (`${self:custom.cidr}`,
/// `${opt:stage}`, `${file(./x.yml)}`); `${AWS::Region}` in a `Fn::Sub` is not one.
const VARIABLE_SOURCES: &[&str] = &[
    "self",
    "opt",
    "sls",
    "env",
    "file",
    "ssm",
    "cf",
    "s3",
    "param",
    "aws",
    "strToBool",
    "git",
];

/// The service file in `template`'s directory or above whose `${file(...)}` names it.
pub(super) fn including_service(template: &Path) -> Option<PathBuf> {
    let template = std::path::absolute(template).ok()?;
    let mut dir = template.parent();
    for _ in 0..MAX_LEVELS {
        let current = dir?;
        for name in SERVICE_FILES {
            let candidate = current.join(name);
            let includes = candidate.is_file()
                && crate::source::read_at_most(&candidate, MAX_SERVICE_FILE_BYTES, |_| {
                    String::new()
                })
                .is_ok_and(|text| includes_file(&text, current, &template));
            if includes {
                return Some(candidate);
            }
        }
        dir = current.parent();
    }
    None
}

/// The service file as a path from the template's directory (`../serverless.yml`).
pub(super) fn relative_to_template(service: &Path, template: &Path) -> String {
    let template_dir = std::path::absolute(template)
        .ok()
        .and_then(|t| t.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let service_dir = service.parent().unwrap_or(Path::new(""));
    let levels = template_dir
        .components()
        .count()
        .saturating_sub(service_dir.components().count());
    let name = service.file_name().unwrap_or_default().to_string_lossy();
    format!("{}{name}", "../".repeat(levels))
}

/// Whether a `${file(path)}` of the service file in `dir` names `template`.
fn includes_file(text: &str, dir: &Path, template: &Path) -> bool {
    text.match_indices("${file(").any(|(at, opener)| {
        let rest = &text[at + opener.len()..];
        let Some(close) = rest.find(')') else {
            return false;
        };
        let named = rest[..close].trim().trim_matches(['\'', '"']);
        !named.is_empty() && normalized(&dir.join(named)) == normalized(template)
    })
}

/// `a/./b/../c` as `a/c`, without touching the file system (the service file's paths are
/// relative to its directory, with or without `./`).
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether a plain string holds a Serverless Framework variable (`${self:custom.cidr}`,
/// `10.0.${opt:octet}.0/24`).
pub(super) fn has_variable(s: &str) -> bool {
    s.match_indices("${").any(|(at, opener)| {
        let rest = &s[at + opener.len()..];
        let source_end = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let (source, after) = rest.split_at(source_end);
        VARIABLE_SOURCES.contains(&source)
            && (after.starts_with('(') || (after.starts_with(':') && !after.starts_with("::")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_of_the_framework_not_of_cloudformation() {
        for variable in [
            "${self:custom.cidr}",
            "10.0.${opt:octet}.0/24",
            "${file(./cidrs.yml):vpc}",
            "${ssm:/network/cidr}",
            "${aws:region}",
            "${sls:stage}-vpc",
        ] {
            assert!(has_variable(variable), "{variable}");
        }
        // Near misses: CloudFormation's own `${}` syntax, unknown sources, no `${`.
        for literal in [
            "${AWS::Region}",
            "${aws::region}",
            "${Vpc.CidrBlock}",
            "${custom:x}",
            "self:custom.cidr",
            "$self:custom",
            "${",
        ] {
            assert!(!has_variable(literal), "{literal}");
        }
    }

    #[test]
    fn a_file_include_names_the_template_with_or_without_dot() {
        let dir = Path::new("/srv/app");
        let template = Path::new("/srv/app/resources/vpc.yml");
        for text in [
            "resources:\n  - ${file(resources/vpc.yml)}\n",
            "resources:\n  - ${file(./resources/vpc.yml)}\n",
            "resources:\n  - ${file('./resources/vpc.yml'):Resources}\n",
            "resources: ${file(resources/other/../vpc.yml)}\n",
        ] {
            assert!(includes_file(text, dir, template), "{text}");
        }
        for text in [
            "resources:\n  - ${file(resources/vpc.yaml)}\n",
            "resources:\n  - ${file(vpc.yml)}\n",
            "resources:\n  - ${file(resources/vpc.yml\n",
            "resources:\n  - ${file()}\n",
        ] {
            assert!(!includes_file(text, dir, template), "{text}");
        }
    }
}
