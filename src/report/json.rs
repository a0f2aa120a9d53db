//! The JSON report. Its schema is documented in README.md ("Output formats") and
//! versioned by the top-level `version` field: fields are only ever added within a version.

use super::{doc_url, Report};
use crate::rules::{Finding, Label, Level};
use serde_json::{json, Value};

pub const SCHEMA_VERSION: u32 = 1;

pub fn render(report: &Report) -> String {
    let findings: Vec<Value> = report.findings.iter().map(|f| finding(report, f)).collect();
    let suppressed: Vec<Value> = report
        .suppressed
        .iter()
        .map(|s| {
            let mut value = finding(report, &s.finding);
            value["reason"] = json!(s.reason);
            value["kind"] = json!(s.kind.as_str());
            value
        })
        .collect();
    let mut document = json!({
        "version": SCHEMA_VERSION,
        "tool": { "name": "vpclint", "version": env!("CARGO_PKG_VERSION") },
        "summary": {
            "analyzed": report.analyzed,
            "units": report.analyzed.len(),
            "files": report.file_count(),
            "errors": report.count(Level::Error),
            "warnings": report.count(Level::Warning),
            "notes": report.count(Level::Note),
            "suppressed": report.suppressed.len(),
            "not_analyzed": report.not_analyzed.iter().map(|gap| {
                let at = report.locate_gap(gap);
                json!({
                    "cause": gap.cause,
                    "message": gap.message,
                    "path": at.path,
                    "line": at.start.line,
                    "column": at.start.column,
                    "unit": gap.units.first().map(|unit| super::display_path(unit, report.cwd)),
                })
            }).collect::<Vec<_>>(),
        },
        "findings": findings,
        "suppressed": suppressed,
    });
    if let Some(stale) = report.baseline_stale {
        document["summary"]["baseline_stale"] = json!(stale);
    }
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn finding(report: &Report, finding: &Finding) -> Value {
    json!({
        "rule": finding.rule,
        "level": finding.level,
        "message": finding.message,
        "help": finding.help,
        "location": location(report, &finding.primary),
        "related": finding.related.iter().map(|l| location(report, l)).collect::<Vec<_>>(),
        "doc": doc_url(finding.rule),
    })
}

fn location(report: &Report, label: &Label) -> Value {
    let at = report.locate(label);
    json!({
        "path": at.path,
        "line": at.start.line,
        "column": at.start.column,
        "end_line": at.end.line,
        "end_column": at.end.column,
        "address": label.address,
        "label": label.message,
    })
}
