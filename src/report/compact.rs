//! One line per finding, `path:line:col: level [rule] message`: the shape editors'
//! quickfix lists (`errorformat=%f:%l:%c: %m`) and CI problem matchers read.

use super::Report;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for finding in report.findings {
        let at = report.locate(&finding.primary);
        out.push_str(&format!(
            "{}:{}:{}: {} [{}] {}\n",
            at.path,
            at.start.line,
            at.start.column,
            finding.level.as_str(),
            finding.rule,
            one_line(&report.headline(finding)),
        ));
    }
    out
}

/// A quickfix entry is one line: line breaks in a message become spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
