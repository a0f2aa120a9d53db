//! The human report: one miette diagnostic per finding (primary and related labels, help,
//! rule name and doc link), then a one-line summary.

use super::{display_path, doc_url, plural, Report};
use crate::rules::{Finding, Label, Level};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity,
    SourceCode,
};
use std::fmt;
use std::sync::Arc;

pub struct TextOptions {
    pub color: bool,
    /// Terminal width for wrapping.
    pub width: usize,
}

pub fn render(report: &Report, options: &TextOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let mut out = String::new();
    for finding in report.findings {
        let diagnostic = FindingDiagnostic::new(report, finding);
        if handler.render_report(&mut out, &diagnostic).is_err() {
            // Rendering only fails on a span outside its source: fall back to one line.
            let at = report.locate(&finding.primary);
            out.push_str(&format!(
                "{}:{}:{}: {} [{}] {}\n",
                at.path,
                at.start.line,
                at.start.column,
                finding.level.as_str(),
                finding.rule,
                finding.message
            ));
        }
        out.push('\n');
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

/// `2 errors, 1 warning, 0 notes (1 suppressed) in 3 files, 2 units, 12 ms`.
pub fn summary(report: &Report) -> String {
    let suppressed = if report.suppressed.is_empty() {
        String::new()
    } else {
        format!(" ({} suppressed)", report.suppressed.len())
    };
    format!(
        "{}, {}, {}{suppressed} in {}, {}, {} ms",
        plural(report.count(Level::Error), "error"),
        plural(report.count(Level::Warning), "warning"),
        plural(report.count(Level::Note), "note"),
        plural(report.file_count(), "file"),
        plural(report.analyzed.len(), "unit"),
        report.elapsed.as_millis(),
    )
}

/// A finding as miette sees it. Labels in the primary file are rendered in one snippet;
/// each other file involved becomes a related diagnostic with its own snippet.
struct FindingDiagnostic {
    message: String,
    rule: Option<&'static str>,
    url: Option<String>,
    help: Option<String>,
    severity: Severity,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<FindingDiagnostic>,
}

impl FindingDiagnostic {
    fn new(report: &Report, finding: &Finding) -> Self {
        let file = report.sources.get(finding.primary.span.file);
        let path = display_path(&file.path, report.cwd);
        let mut labels = Vec::new();
        let mut related: Vec<FindingDiagnostic> = Vec::new();
        let mut message = finding.message.clone();
        if file.text.is_empty() {
            // Nothing to show a snippet of (an unreadable file): name the file instead.
            message = format!("{path}: {message}");
        } else {
            labels.push(labeled(&finding.primary, true));
        }
        for label in &finding.related {
            if label.span.file == finding.primary.span.file {
                labels.push(labeled(label, false));
                continue;
            }
            let other = report.sources.get(label.span.file);
            let other_path = display_path(&other.path, report.cwd);
            match related
                .iter_mut()
                .find(|r| r.source.as_ref().map(|s| s.name()) == Some(other_path.as_str()))
            {
                Some(existing) => existing.labels.push(labeled(label, false)),
                None => related.push(FindingDiagnostic {
                    message: format!("related: {other_path}"),
                    rule: None,
                    url: None,
                    help: None,
                    severity: Severity::Advice,
                    source: Some(NamedSource::new(other_path, other.text.clone())),
                    labels: vec![labeled(label, false)],
                    related: Vec::new(),
                }),
            }
        }
        FindingDiagnostic {
            message,
            rule: Some(finding.rule),
            url: Some(doc_url(finding.rule)),
            help: (!finding.help.is_empty()).then(|| finding.help.clone()),
            severity: match finding.level {
                Level::Error => Severity::Error,
                Level::Warning => Severity::Warning,
                Level::Note => Severity::Advice,
            },
            source: Some(NamedSource::new(path, file.text.clone())),
            labels,
            related,
        }
    }
}

fn labeled(label: &Label, primary: bool) -> LabeledSpan {
    let text = (!label.message.is_empty()).then(|| label.message.clone());
    let span = (label.span.start as usize)..(label.span.end as usize);
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
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

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        (!self.related.is_empty())
            .then(|| Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)) as Box<_>)
    }
}
