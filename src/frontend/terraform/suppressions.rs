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

/// What every suppression comment starts with.
const PREFIX: &str = "vpclint:ignore";

/// Suppressions for the resource blocks of one parsed file, and the malformed ones.
pub(super) fn find(text: &str, file: FileId, body: &Body) -> Vec<Suppression> {
    if !text.contains(PREFIX) {
        return Vec::new();
    }
    let lines = scan_lines(text, file);
    let whole_file = Span::new(file, 0, text.len());
    let mut found = malformed(text, file);
    found.extend(
        lines
            .iter()
            .filter(|line| line.comment_only)
            .filter_map(|line| line.file_suppression.as_ref())
            .map(|comment| Suppression {
                rules: comment.rules.clone(),
                reason: comment.reason.clone(),
                span: comment.span,
                applies_to: whole_file,
                problem: None,
            }),
    );
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
                problem: None,
            });
        }
    }
}

/// Comments that start like a suppression but cannot work: `vpclint:ignore` without a
/// bracketed rule list, without its closing bracket, or with no rule in it.
fn malformed(text: &str, file: FileId) -> Vec<Suppression> {
    let mut found = Vec::new();
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let content = raw.trim_end_matches(['\n', '\r']);
        let line_start = start;
        start += raw.len();
        let Some(at) = content.find(PREFIX) else {
            continue;
        };
        let before = &content[..at];
        let Some(opening) = before.rfind('#').or_else(|| before.rfind("//")) else {
            continue;
        };
        if !before[opening..]
            .trim_start_matches(['#', '/'])
            .trim()
            .is_empty()
        {
            continue;
        }
        let rest = &content[at..];
        if rest.starts_with(FILE_MARKER) {
            continue;
        }
        let problem = match rest.strip_prefix(MARKER) {
            None if rest.starts_with("vpclint:ignore-file") => {
                "`vpclint:ignore-file` without a rule list suppresses nothing: the rules go in brackets"
            }
            None => {
                "`vpclint:ignore` without a rule list suppresses nothing: the rules go in brackets"
            }
            Some(list) => match list.find(']') {
                None => "`vpclint:ignore[` without its closing `]` suppresses nothing",
                Some(close) if list[..close].split(',').all(|r| r.trim().is_empty()) => {
                    "`vpclint:ignore[]` names no rule: it suppresses nothing"
                }
                Some(_) => continue,
            },
        };
        let span = Span::new(
            file,
            line_start + opening,
            line_start + content.trim_end().len(),
        );
        found.push(Suppression::malformed(span, problem));
    }
    found
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
    if rules.is_empty() {
        // Reported by `malformed`.
        return None;
    }
    let reason = rest[close + 1..].trim();
    Some(Comment {
        rules,
        reason: (!reason.is_empty()).then(|| reason.to_string()),
        span: Span::new(file, start + opening, start + content.trim_end().len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        malformed(text, FileId(0))
            .into_iter()
            .filter_map(|s| s.problem)
            .collect()
    }

    #[test]
    fn malformed_suppressions_are_found_and_the_valid_forms_are_not() {
        let text = "# vpclint:ignore transitive-peering why\n\
                    x = 1 // vpclint:ignore[ ]\n\
                    # vpclint:ignore[duplicate-route\n\
                    # vpclint:ignore[duplicate-route] reason\n\
                    # vpclint:ignore-file[duplicate-route] reason\n\
                    # see the vpclint:ignore docs\n\
                    name = \"vpclint:ignore\"\n\
                    # vpclint:ignore-file transitive-peering\n";
        let found = problems(text);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found[3].contains("`vpclint:ignore-file` without a rule list"));
        assert!(found[0].contains("without a rule list"));
        assert!(found[1].contains("names no rule"));
        assert!(found[2].contains("closing"));
    }
}
