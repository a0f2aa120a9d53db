//! Reporters: text (miette), compact lines, JSON, SARIF, GitHub workflow commands, JUnit
//! XML, GitLab Code Quality. Nothing else prints.

pub mod compact;
pub mod github;
pub mod gitlab;
pub mod graph;
pub mod json;
pub mod junit;
pub mod reach;
pub mod sarif;
pub mod text;

use crate::engine::NotAnalyzed;
use crate::frontend::GapCause;
use crate::rules::{Finding, Label, Level, RuleMeta};
use crate::source::{LineCol, SourceMap};
use crate::suppress::Suppressed;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// Where the rule documents are published.
pub const DOC_BASE_URL: &str = "https://github.com/vpclint/vpclint/blob/main/rules/";

pub fn doc_url(rule: &str) -> String {
    format!("{DOC_BASE_URL}{rule}.md")
}

/// One thing that was analyzed: a Terraform root module, a plan or a template.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AnalyzedUnit {
    /// `terraform-module`, `terraform-plan` or `cloudformation`.
    pub kind: &'static str,
    /// Relative to the working directory, `/`-separated.
    pub path: String,
}

/// Everything a reporter needs.
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub suppressed: &'a [Suppressed],
    pub sources: &'a SourceMap,
    /// Every rule of the catalog (SARIF lists them all).
    pub catalog: &'a [&'static RuleMeta],
    pub analyzed: &'a [AnalyzedUnit],
    /// What the units could not evaluate (reported as notifications, not findings).
    pub not_analyzed: &'a [NotAnalyzed],
    /// The working directory: output paths are relative to it.
    pub cwd: &'a Path,
    pub elapsed: Duration,
    /// With `--baseline`: how many of its entries matched no finding (fixed since).
    pub baseline_stale: Option<usize>,
}

/// A resolved location: path relative to the working directory, 1-based positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub start: LineCol,
    pub end: LineCol,
}

impl Report<'_> {
    pub fn locate(&self, label: &Label) -> Location {
        let file = self.sources.get(label.span.file);
        Location {
            path: display_path(&file.path, self.cwd),
            start: file.line_col(label.span.start),
            end: file.line_col(label.span.end),
        }
    }

    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }

    pub fn file_count(&self) -> usize {
        self.sources.len()
    }

    /// The finding's `vpclint/v1` fingerprint (see [`fingerprint`]).
    pub fn fingerprint(&self, finding: &Finding) -> String {
        fingerprint(finding, self.sources, self.cwd)
    }

    /// The header of a finding: `aws_route.r["bad"]: message`, or the message alone when
    /// the finding names no resource (a parse error) or its message starts with the
    /// address; a finding inside a module names the root's module call it comes through
    /// (`(in module.net called from envs/prod/main.tf:12)`), which tells apart the findings
    /// of several roots that use one module.
    pub fn headline(&self, finding: &Finding) -> String {
        let address = finding.primary.address.as_str();
        let mut headline = if address.is_empty() || finding.message.starts_with(address) {
            finding.message.clone()
        } else {
            format!("{address}: {}", finding.message)
        };
        if let Some(root_call) = finding.primary.called_from.first() {
            let at = self.locate(&Label::new(root_call.span, "", ""));
            headline.push_str(&format!(
                " (in {} called from {}:{})",
                root_call.address, at.path, at.start.line
            ));
        }
        headline
    }

    /// Where a gap is: its file and position.
    pub fn locate_gap(&self, gap: &NotAnalyzed) -> Location {
        self.locate(&Label::new(gap.span, "", ""))
    }

    /// `12 places not analyzed in 3 units: count/for_each unknown (9), module not installed
    /// (3)`, or `None` when everything was analyzed.
    pub fn not_analyzed_summary(&self) -> Option<String> {
        if self.not_analyzed.is_empty() {
            return None;
        }
        let mut units: Vec<&Path> = self
            .not_analyzed
            .iter()
            .flat_map(|g| g.units.iter().map(PathBuf::as_path))
            .collect();
        units.sort();
        units.dedup();
        let causes: Vec<String> = GapCause::ALL
            .iter()
            .filter_map(|cause| {
                let n = self
                    .not_analyzed
                    .iter()
                    .filter(|g| g.cause == *cause)
                    .count();
                (n > 0).then(|| format!("{} ({n})", cause.label()))
            })
            .collect();
        Some(format!(
            "{} not analyzed in {}: {}",
            plural(self.not_analyzed.len(), "place"),
            plural(units.len(), "unit"),
            causes.join(", ")
        ))
    }
}

/// vpclint's own fingerprint of a finding: rule, file (as reported, relative to `cwd`),
/// resource address and message, not the line, so it survives edits that only move lines;
/// for a resource in a module, also the file and address of the root's module call, so
/// the findings of two roots that share a module are two. SARIF
/// `partialFingerprints["vpclint/v1"]`, baselines and GitLab reports use it.
pub fn fingerprint(finding: &Finding, sources: &SourceMap, cwd: &Path) -> String {
    let path_of = |span: crate::source::Span| display_path(&sources.get(span.file).path, cwd);
    let mut identity = vec![
        finding.rule.to_string(),
        path_of(finding.primary.span),
        finding.primary.address.clone(),
        finding.message.clone(),
    ];
    if let Some(root_call) = finding.primary.called_from.first() {
        identity.extend([path_of(root_call.span), root_call.address.clone()]);
    }
    format!("{:016x}", fnv1a(identity.join("\0").bytes()))
}

/// FNV-1a, 64 bits: a fingerprint must not change between vpclint builds, which
/// `std`'s hasher does not promise.
pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `path` relative to `cwd` when it lies under it, `/`-separated, without `./`.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let relative = if path.is_absolute() {
        path.strip_prefix(cwd).unwrap_or(path)
    } else {
        path
    };
    let parts: Vec<String> = relative
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| match c {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else if parts == [""] {
        "/".to_string()
    } else {
        parts.join("/")
    }
}

/// `1 error, 2 warnings, 0 notes`.
pub fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_working_directory() {
        let cwd = Path::new("/repo");
        assert_eq!(
            display_path(Path::new("/repo/net/main.tf"), cwd),
            "net/main.tf"
        );
        assert_eq!(display_path(Path::new("./net/main.tf"), cwd), "net/main.tf");
        assert_eq!(
            display_path(Path::new("/elsewhere/a.tf"), cwd),
            "/elsewhere/a.tf"
        );
        assert_eq!(display_path(Path::new("."), cwd), ".");
    }
}
