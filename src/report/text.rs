//! The human report, per finding: a miette diagnostic (rule, message, a snippet of the
//! primary label and the labels near it), one compact snippet per other place involved
//! (labels far away in the same file, or in another file), the help; then a one-line
//! summary.

use super::{display_path, doc_url, headline, plural, Report};
use crate::rules::{Finding, Label, Level, INCOMPLETE_ANALYSIS};
use crate::source::{FileId, SourceFile};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, Severity, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Labels more lines apart than this are shown in separate snippets: miette would
/// otherwise print every line between them.
const MAX_LINE_GAP: u32 = 6;
/// A label spanning more lines than this is underlined on its first line only.
const MAX_LABEL_LINES: u32 = 6;

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
            let first_line = source.line_col(range.start as u32).line;
            let last_line = source.line_col(range.end as u32).line;
            match in_file.last_mut() {
                Some(snippet) if first_line <= snippet.last_line + MAX_LINE_GAP => {
                    snippet.labels.push((label, primary));
                    snippet.last_line = snippet.last_line.max(last_line);
                }
                _ => in_file.push(Snippet {
                    file,
                    labels: vec![(label, primary)],
                    last_line,
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
    let len = source.text.len();
    let start = (label.span.start as usize).min(len);
    let end = (label.span.end as usize).clamp(start, len);
    let first = source.line_col(start as u32).line;
    let last = source.line_col(end as u32).line;
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
            diagnostic.message = headline(finding);
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
        if source.text.is_empty() {
            // Nothing to show a snippet of (an unreadable file): name the file instead.
            diagnostic.message = format!("{path}: {}", diagnostic.message);
        } else {
            diagnostic.labels = snippet
                .labels
                .iter()
                .map(|(label, primary)| labeled(&source, label, *primary))
                .collect();
            diagnostic.source = Some(ReportSource {
                name: path,
                file: source,
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
                headline(finding)
            ));
        } else {
            out.push_str(&format!("{place}: {}\n", label.message));
        }
    }
}

fn labeled(source: &SourceFile, label: &Label, primary: bool) -> LabeledSpan {
    let text = (!label.message.is_empty()).then(|| label.message.clone());
    let span = shown_range(source, label);
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

/// A source file as miette reads it, with columns counted in characters (as in every
/// other report) where miette counts bytes.
struct ReportSource {
    name: String,
    file: Arc<SourceFile>,
}

impl SourceCode for ReportSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .file
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // miette reports a column only without leading context lines (the snippet header).
        let column = if context_lines_before == 0 {
            self.file.line_col(span.offset() as u32).column as usize - 1
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
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
