//! `# vpclint:ignore[rule-a,rule-b] reason` comments (also `//`) on the lines directly above
//! a resource block, a nested block or an attribute, or at the end of its first line; and
//! `# vpclint:ignore-file[rule-a,rule-b] reason` on a line of its own anywhere in the file,
//! for the whole file (as tflint's `tflint-ignore-file`).

use super::config::{Block, Body};
use crate::frontend::Suppression;
use crate::source::{FileId, Span};

const MARKER: &str = "vpclint:ignore[";
const FILE_MARKER: &str = "vpclint:ignore-file[";

struct Comment {
    rules: Vec<String>,
    reason: Option<String>,
    span: Span,
}

struct Line {
    start: usize,
    /// The line holds nothing but a comment.
    comment_only: bool,
    suppression: Option<Comment>,
    /// A `vpclint:ignore-file[...]` comment.
    file_suppression: Option<Comment>,
}

/// Suppressions for the resource blocks of one parsed file.
pub(super) fn find(text: &str, file: FileId, body: &Body) -> Vec<Suppression> {
    if !text.contains(MARKER) && !text.contains(FILE_MARKER) {
        return Vec::new();
    }
    let lines = scan_lines(text, file);
    let whole_file = Span::new(file, 0, text.len());
    let mut found: Vec<Suppression> = lines
        .iter()
        .filter(|line| line.comment_only)
        .filter_map(|line| line.file_suppression.as_ref())
        .map(|comment| Suppression {
            rules: comment.rules.clone(),
            reason: comment.reason.clone(),
            span: comment.span,
            applies_to: whole_file,
        })
        .collect();
    let mut used = vec![false; lines.len()];
    for block in body.blocks.iter().filter(|b| b.kind == "resource") {
        attach_block(block, &lines, &mut used, &mut found);
    }
    found
}

fn attach_block(block: &Block, lines: &[Line], used: &mut [bool], found: &mut Vec<Suppression>) {
    attach(block.span, lines, used, found);
    for attr in &block.body.attrs {
        attach(attr.span, lines, used, found);
    }
    for nested in &block.body.blocks {
        attach_block(nested, lines, used, found);
    }
}

/// Attaches the suppressions on the lines directly above `target` and at the end of its
/// first line.
fn attach(target: Span, lines: &[Line], used: &mut [bool], found: &mut Vec<Suppression>) {
    let line = match lines.binary_search_by(|l| l.start.cmp(&(target.start as usize))) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    };
    let mut candidates = vec![line];
    let mut above = line;
    while above > 0 && lines.get(above - 1).is_some_and(|l| l.comment_only) {
        above -= 1;
        candidates.push(above);
    }
    for index in candidates {
        let Some(entry) = lines.get(index) else {
            continue;
        };
        if index == line && entry.comment_only {
            continue;
        }
        if let (Some(comment), Some(false)) = (&entry.suppression, used.get(index).copied()) {
            used[index] = true;
            found.push(Suppression {
                rules: comment.rules.clone(),
                reason: comment.reason.clone(),
                span: comment.span,
                applies_to: target,
            });
        }
    }
}

fn scan_lines(text: &str, file: FileId) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let content = raw.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        let comment_only = trimmed.starts_with('#') || trimmed.starts_with("//");
        let suppression = comment(content, MARKER, start, file);
        let file_suppression = comment(content, FILE_MARKER, start, file);
        lines.push(Line {
            start,
            comment_only,
            suppression,
            file_suppression,
        });
        start += raw.len();
    }
    lines
}

/// The `marker` comment on the line `content` (starting at byte `start`): the marker must
/// open the comment (`# vpclint:...`, `// vpclint:...`).
fn comment(content: &str, marker: &str, start: usize, file: FileId) -> Option<Comment> {
    let at = content.find(marker)?;
    let before = &content[..at];
    let opening = before.rfind('#').or_else(|| before.rfind("//"))?;
    if !before[opening..]
        .trim_start_matches(['#', '/'])
        .trim()
        .is_empty()
    {
        return None;
    }
    let rest = &content[at + marker.len()..];
    let close = rest.find(']')?;
    let rules: Vec<String> = rest[..close]
        .split(',')
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    let reason = rest[close + 1..].trim();
    Some(Comment {
        rules,
        reason: (!reason.is_empty()).then(|| reason.to_string()),
        span: Span::new(file, start + opening, start + content.trim_end().len()),
    })
}
