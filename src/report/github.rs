//! GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` line per
//! finding, which GitHub shows as annotations on the pull request.

use super::Report;
use crate::rules::Level;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for finding in report.findings {
        let command = match finding.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        };
        let at = report.locate(&finding.primary);
        let mut message = finding.message.clone();
        if !finding.help.is_empty() {
            message.push_str("\nhelp: ");
            message.push_str(&finding.help);
        }
        for related in &finding.related {
            let place = report.locate(related);
            message.push_str(&format!(
                "\nrelated: {}:{}:{}: {}",
                place.path, place.start.line, place.start.column, related.message
            ));
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&at.path),
            at.start.line,
            at.start.column,
            at.end.line,
            at.end.column,
            escape_property(&format!("vpclint {}", finding.rule)),
            escape_data(&message),
        ));
    }
    if let Some(gaps) = report.not_analyzed_summary() {
        out.push_str(&format!(
            "::notice title=vpclint not analyzed::{}\n",
            escape_data(&format!(
                "{gaps}. Run `vpclint model` to list them; `--strict` reports them as findings."
            ))
        ));
    }
    out
}

/// Escaping of a command's message, as the Actions toolkit does it.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a command property value: also `:` and `,`, which delimit properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
