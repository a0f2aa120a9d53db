//! GitLab Code Quality (a subset of the Code Climate issue format): a JSON array of issues
//! with `description`, `check_name`, `fingerprint`, `severity`, `location.path` and
//! `location.lines.begin`, which GitLab shows in merge requests.

use super::Report;
use crate::rules::Level;
use serde_json::{json, Value};

pub fn render(report: &Report) -> String {
    let issues: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| {
            let at = report.locate(&finding.primary);
            let mut description = report.headline(finding);
            if !finding.help.is_empty() {
                description.push_str(&format!(" (help: {})", finding.help));
            }
            json!({
                "type": "issue",
                "check_name": finding.rule,
                "description": description,
                "categories": ["Bug Risk"],
                "fingerprint": report.fingerprint(finding),
                "severity": severity(finding.level),
                "location": {
                    "path": at.path,
                    "lines": { "begin": at.start.line, "end": at.end.line },
                },
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_default();
    text.push('\n');
    text
}

/// GitLab's scale is info, minor, major, critical, blocker; vpclint's error is a network
/// that does not work as written, not an outage in progress.
fn severity(level: Level) -> &'static str {
    match level {
        Level::Error => "major",
        Level::Warning => "minor",
        Level::Note => "info",
    }
}
