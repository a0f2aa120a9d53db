//! The human report, per finding: a miette diagnostic (rule, message, a snippet of the
//! primary label and the labels near it), one compact snippet per other place involved
//! (labels far away in the same file, or in another file), the help; then a one-line
//! summary.

use super::{display_path, doc_url, plural, Report};
use crate::rules::{Finding, Label, Level, INCOMPLETE_ANALYSIS};
use crate::source::{FileId, SourceFile};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, Severity, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::ops::Range;

/// Labels more lines apart than this are shown in separate snippets: miette would
/// otherwise print every line between them.
const MAX_LINE_GAP: u32 = 6;
/// A label spanning more lines than this is underlined on its first line only.
const MAX_LABEL_LINES: u32 = 6;
/// Lines longer than this (minified JSON, a generated `.tf.json`) are shown as a window
/// around the labels on them, with an ellipsis where the line goes on.
const MAX_SHOWN_LINE_BYTES: usize = 300;
/// The most of a long line a window shows.
const MAX_WINDOW_BYTES: usize = 400;
/// Characters shown before the first and after the last label of a windowed line.
const WINDOW_MARGIN_CHARS: usize = 60;
/// Labels on the same line further apart than this get snippets of their own, so that
/// each window stays short.
const MAX_SAME_LINE_GAP_BYTES: usize = 120;

pub struct TextOptions {
    pub color: bool,
    /// Terminal width for wrapping.
    pub width: usize,
    /// End with the one-line summary (`--quiet` leaves it out).
    pub summary: bool,
}

pub fn render(report: &Report, options: &TextOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Wrap between words only: `1024-65535`, `vpc-0abc` and resource addresses stay whole.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = String::new();
    for finding in report.findings {
        render_finding(&handler, report, finding, &mut out);
        out.push('\n');
    }
    if options.summary {
        out.push_str(&summary(report));
        out.push('\n');
    }
    // Even with --quiet: what was not analyzed is what tells silence from health.
    if let Some(gaps) = not_analyzed(report) {
        out.push_str(&gaps);
        out.push('\n');
    }
    out
}

/// `12 places not analyzed in 3 units: ...; `vpclint model` lists them`, or `None` when
/// everything was analyzed.
pub fn not_analyzed(report: &Report) -> Option<String> {
    let gaps = report.not_analyzed_summary()?;
    let strict = report
        .findings
        .iter()
        .any(|f| f.rule == INCOMPLETE_ANALYSIS.name);
    let hint = if strict {
        "`vpclint model` lists them"
    } else {
        "`vpclint model` lists them, `--strict` reports them as findings"
    };
    Some(format!("{gaps}; {hint}"))
}

/// Whether `--color auto` colours the report: on a terminal whose `TERM` is not `dumb`,
/// unless `NO_COLOR` is set to a non-empty value (no-color.org); `CLICOLOR_FORCE` set to a
/// value other than `0` colours even when piped (a CI log). `env` reads a variable.
pub fn auto_color(on_terminal: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    if set("NO_COLOR") {
        return false;
    }
    if set("CLICOLOR_FORCE") && env("CLICOLOR_FORCE").as_deref() != Some("0") {
        return true;
    }
    on_terminal && env("TERM").as_deref() != Some("dumb")
}

/// `2 errors, 1 warning, 0 notes (1 suppressed) in 3 files (1 Terraform module, 1
/// CloudFormation template), 12 ms`; with a baseline, how many of its entries are stale.
pub fn summary(report: &Report) -> String {
    let mut aside = Vec::new();
    if !report.suppressed.is_empty() {
        aside.push(format!("{} suppressed", report.suppressed.len()));
    }
    if let Some(stale) = report.baseline_stale.filter(|&n| n > 0) {
        let entries = if stale == 1 { "entry" } else { "entries" };
        aside.push(format!("{stale} baseline {entries} matching no finding"));
    }
    let suppressed = if aside.is_empty() {
        String::new()
    } else {
        format!(" ({})", aside.join(", "))
    };
    format!(
        "{}, {}, {}{suppressed} in {} ({}), {} ms",
        plural(report.count(Level::Error), "error"),
        plural(report.count(Level::Warning), "warning"),
        plural(report.count(Level::Note), "note"),
        plural(report.file_count(), "file"),
        analyzed_units(report),
        report.elapsed.as_millis(),
    )
}

/// `1 Terraform module, 2 CloudFormation templates`: what the files were read as.
fn analyzed_units(report: &Report) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for unit in report.analyzed {
        let name = match unit.kind {
            "terraform-module" => "Terraform module",
            "terraform-plan" => "Terraform plan",
            "cloudformation" => "CloudFormation template",
            other => other,
        };
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => counts.push((name, 1)),
        }
    }
    if counts.is_empty() {
        return "no Terraform or CloudFormation found".to_string();
    }
    counts
        .iter()
        .map(|(name, count)| plural(*count, name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Labels of one file close enough to share a snippet.
struct Snippet<'a> {
    file: FileId,
    /// Each label with whether it is the primary one, in source order.
    labels: Vec<(&'a Label, bool)>,
    last_line: u32,
    /// End of the last label's shown range.
    last_end: usize,
}

impl Snippet<'_> {
    fn has_primary(&self) -> bool {
        self.labels.iter().any(|(_, primary)| *primary)
    }
}

/// The finding's labels grouped into snippets: the primary label's first, then the other
/// snippets of its file in line order, then the other files in the order they appear.
fn snippets<'a>(report: &Report, finding: &'a Finding) -> Vec<Snippet<'a>> {
    let all: Vec<(&Label, bool)> = std::iter::once((&finding.primary, true))
        .chain(finding.related.iter().map(|label| (label, false)))
        .collect();
    let mut files: Vec<FileId> = Vec::new();
    for (label, _) in &all {
        if !files.contains(&label.span.file) {
            files.push(label.span.file);
        }
    }
    let mut snippets: Vec<Snippet> = Vec::new();
    for file in files {
        let source = report.sources.get(file);
        let mut labels: Vec<(&Label, bool)> = all
            .iter()
            .filter(|(label, _)| label.span.file == file)
            .copied()
            .collect();
        labels.sort_by_key(|(label, primary)| (label.span.start, label.span.end, !primary));
        let mut in_file: Vec<Snippet> = Vec::new();
        for (label, primary) in labels {
            let range = shown_range(&source, label);
            let first_line = source.line_of(range.start as u32);
            let last_line = source.line_of(range.end as u32);
            let near = |snippet: &Snippet| {
                first_line <= snippet.last_line + MAX_LINE_GAP
                    && (first_line > snippet.last_line
                        || range.start <= snippet.last_end + MAX_SAME_LINE_GAP_BYTES)
            };
            match in_file.last_mut() {
                Some(snippet) if near(snippet) => {
                    snippet.labels.push((label, primary));
                    snippet.last_line = snippet.last_line.max(last_line);
                    snippet.last_end = snippet.last_end.max(range.end);
                }
                _ => in_file.push(Snippet {
                    file,
                    labels: vec![(label, primary)],
                    last_line,
                    last_end: range.end,
                }),
            }
        }
        snippets.extend(in_file);
    }
    if let Some(index) = snippets.iter().position(Snippet::has_primary) {
        let primary = snippets.remove(index);
        snippets.insert(0, primary);
    }
    snippets
}

/// The byte range underlined for `label`: clamped to the text, and cut to its first line
/// when it spans many (a whole resource block says no more than its first line).
fn shown_range(source: &SourceFile, label: &Label) -> Range<usize> {
    let text = source.text();
    let boundary = |mut offset: usize| {
        offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let start = boundary(label.span.start as usize);
    let end = boundary(label.span.end as usize).max(start);
    let first = source.line_of(start as u32);
    let last = source.line_of(end as u32);
    if last - first < MAX_LABEL_LINES {
        return start..end;
    }
    let line_end = source
        .line_text(first)
        .zip(source.line_start(first))
        .map(|(text, line_start)| line_start as usize + text.trim_end().len())
        .unwrap_or(end);
    start..line_end.max(start)
}

fn render_finding(
    handler: &GraphicalReportHandler,
    report: &Report,
    finding: &Finding,
    out: &mut String,
) {
    let snippets = snippets(report, finding);
    let help = (!finding.help.is_empty()).then(|| finding.help.clone());
    let last = snippets.len().saturating_sub(1);
    for (index, snippet) in snippets.iter().enumerate() {
        let source = report.sources.get(snippet.file);
        let path = display_path(&source.path, report.cwd);
        let mut diagnostic = FindingDiagnostic {
            message: String::new(),
            rule: None,
            url: None,
            // The help comes last, after every snippet.
            help: if index == last { help.clone() } else { None },
            severity: Severity::Advice,
            source: None,
            labels: Vec::new(),
        };
        if index == 0 {
            diagnostic.message = report.headline(finding);
            diagnostic.rule = Some(finding.rule);
            diagnostic.url = Some(doc_url(finding.rule));
            diagnostic.severity = match finding.level {
                Level::Error => Severity::Error,
                Level::Warning => Severity::Warning,
                Level::Note => Severity::Advice,
            };
        } else {
            diagnostic.message = related_title(snippet);
        }
        if source.text().is_empty() {
            // Nothing to show a snippet of (an unreadable file): name the file instead.
            diagnostic.message = format!("{path}: {}", diagnostic.message);
        } else {
            let ranges: Vec<Range<usize>> = snippet
                .labels
                .iter()
                .map(|(label, _)| shown_range(&source, label))
                .collect();
            let excerpt = Excerpt::new(&source, &ranges);
            diagnostic.labels = snippet
                .labels
                .iter()
                .zip(&ranges)
                .map(|((label, primary), range)| {
                    let text = (!label.message.is_empty()).then(|| label.message.clone());
                    let span = excerpt.map(range.start)..excerpt.map(range.end);
                    if *primary {
                        LabeledSpan::new_primary_with_span(text, span)
                    } else {
                        LabeledSpan::new_with_span(text, span)
                    }
                })
                .collect();
            diagnostic.source = Some(ReportSource {
                name: path,
                excerpt,
            });
        }
        if handler.render_report(out, &diagnostic).is_err() {
            // Rendering only fails on a span outside its source: fall back to lines.
            render_plain(report, finding, snippet, index == 0, out);
        }
    }
}

/// `related: aws_vpc.hub, aws_vpc_peering_connection.a_hub`: what the snippet shows.
fn related_title(snippet: &Snippet) -> String {
    let mut addresses: Vec<&str> = Vec::new();
    for (label, _) in &snippet.labels {
        if !label.address.is_empty() && !addresses.contains(&label.address.as_str()) {
            addresses.push(&label.address);
        }
    }
    if addresses.is_empty() {
        "related".to_string()
    } else {
        format!("related: {}", addresses.join(", "))
    }
}

/// One line per label, for a snippet miette cannot render.
fn render_plain(
    report: &Report,
    finding: &Finding,
    snippet: &Snippet,
    first: bool,
    out: &mut String,
) {
    for (label, primary) in &snippet.labels {
        let at = report.locate(label);
        let place = format!("{}:{}:{}", at.path, at.start.line, at.start.column);
        if first && *primary {
            out.push_str(&format!(
                "{place}: {} [{}] {}\n",
                finding.level.as_str(),
                finding.rule,
                report.headline(finding)
            ));
        } else {
            out.push_str(&format!("{place}: {}\n", label.message));
        }
    }
}

/// The lines of one snippet as miette is given them: the labelled lines and one line of
/// context on each side, each line longer than [`MAX_SHOWN_LINE_BYTES`] cut to a window
/// around its labels. miette renders only this text (never a megabyte line, never a
/// column past what its formatting can pad to), while line and column numbers stay those
/// of the file.
struct Excerpt {
    text: String,
    /// The file line of the excerpt's first line.
    first_line: u32,
    lines: Vec<ExcerptLine>,
}

struct ExcerptLine {
    /// Where the shown text starts in the excerpt (after a leading ellipsis).
    start: usize,
    /// The byte range of the file shown.
    shown: Range<usize>,
    /// The file column (1-based, in characters) of the first character shown.
    column: u32,
}

const ELLIPSIS: &str = "…";

impl Excerpt {
    /// `ranges`: the byte ranges of the file the snippet underlines.
    fn new(source: &SourceFile, ranges: &[Range<usize>]) -> Excerpt {
        let first_line = ranges
            .iter()
            .map(|r| source.line_of(r.start as u32))
            .min()
            .unwrap_or(1)
            .saturating_sub(1)
            .max(1);
        let last_line = ranges
            .iter()
            .map(|r| source.line_of(r.end as u32))
            .max()
            .unwrap_or(1)
            .saturating_add(1)
            .min(source.line_count());
        let mut excerpt = Excerpt {
            text: String::new(),
            first_line,
            lines: Vec::new(),
        };
        for line in first_line..=last_line {
            let (Some(text), Some(line_start)) = (source.line_text(line), source.line_start(line))
            else {
                break;
            };
            let line_start = line_start as usize;
            let line_end = line_start + text.len();
            let shown = if text.len() <= MAX_SHOWN_LINE_BYTES {
                line_start..line_end
            } else {
                window(source, line_start..line_end, ranges)
            };
            if shown.start > line_start {
                excerpt.text.push_str(ELLIPSIS);
            }
            excerpt.lines.push(ExcerptLine {
                start: excerpt.text.len(),
                shown: shown.clone(),
                column: source.line_col(shown.start as u32).column,
            });
            excerpt
                .text
                .push_str(source.text().get(shown.clone()).unwrap_or_default());
            if shown.end < line_end {
                excerpt.text.push_str(ELLIPSIS);
            }
            // Line ends as in the file: miette shows an empty last line only before one.
            if source.line_start(line + 1).is_some() {
                excerpt.text.push('\n');
            }
        }
        excerpt
    }

    /// The excerpt offset of a file offset (clamped into the window of its line).
    fn map(&self, offset: usize) -> usize {
        let line = self
            .lines
            .iter()
            .rev()
            .find(|line| line.shown.start <= offset)
            .or(self.lines.first());
        line.map(|line| {
            line.start + offset.clamp(line.shown.start, line.shown.end) - line.shown.start
        })
        .unwrap_or(0)
    }

    /// The file column (1-based) of an excerpt offset.
    fn column(&self, offset: usize) -> u32 {
        let Some(line) = self.lines.iter().rev().find(|line| line.start <= offset) else {
            return 1;
        };
        let end = offset.clamp(line.start, line.start + line.shown.len());
        line.column + self.text[line.start..end].chars().count() as u32
    }
}

/// The byte range of the long line `line` shown: from a margin before the first label
/// boundary on it to a margin after the last, at most about [`MAX_SHOWN_LINE_BYTES`] long,
/// on character boundaries.
fn window(source: &SourceFile, line: Range<usize>, ranges: &[Range<usize>]) -> Range<usize> {
    let on_line: Vec<usize> = ranges
        .iter()
        .flat_map(|r| [r.start, r.end])
        .filter(|offset| line.contains(offset) || *offset == line.end)
        .collect();
    let first = on_line.iter().copied().min().unwrap_or(line.start);
    let last = on_line.iter().copied().max().unwrap_or(line.start);
    let start = source.back_chars(first, WINDOW_MARGIN_CHARS);
    let mut limit = (start + MAX_WINDOW_BYTES).min(line.end);
    while !source.text().is_char_boundary(limit) {
        limit -= 1;
    }
    let end = source.forward_chars(last, WINDOW_MARGIN_CHARS).min(limit);
    start..end.max(start)
}

/// A snippet's excerpt as miette reads it, with the file's line numbers and columns
/// (counted in characters, as in every other report, where miette counts bytes).
struct ReportSource {
    name: String,
    excerpt: Excerpt,
}

impl SourceCode for ReportSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .excerpt
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // miette reports a column only without leading context lines (the snippet header).
        let column = if context_lines_before == 0 {
            self.excerpt.column(span.offset()) as usize - 1
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            self.excerpt.first_line as usize - 1 + inner.line(),
            column,
            // miette counts lines from the start of the source here (it merges contexts
            // by it): so does the file.
            self.excerpt.first_line as usize - 1 + inner.line_count(),
        )))
    }
}

/// One snippet of a finding as miette sees it.
struct FindingDiagnostic {
    message: String,
    rule: Option<&'static str>,
    url: Option<String>,
    help: Option<String>,
    severity: Severity,
    source: Option<ReportSource>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Debug for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.rule
            .map(|r| Box::new(format!("vpclint({r})")) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty()).then(|| Box::new(self.labels.iter().cloned()) as Box<_>)
    }
}

#[cfg(test)]
mod tests {
    use super::auto_color;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn auto_colour_follows_the_terminal_and_the_conventions() {
        assert!(auto_color(true, env(&[])));
        assert!(!auto_color(false, env(&[])));
        assert!(!auto_color(true, env(&[("NO_COLOR", "1")])));
        assert!(
            auto_color(true, env(&[("NO_COLOR", "")])),
            "empty NO_COLOR is unset"
        );
        assert!(!auto_color(true, env(&[("TERM", "dumb")])));
        assert!(auto_color(false, env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!auto_color(false, env(&[("CLICOLOR_FORCE", "0")])));
        assert!(!auto_color(
            false,
            env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")])
        ));
    }
}
