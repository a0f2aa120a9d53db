//! JUnit XML as Jenkins, GitLab and Azure Pipelines read it: one `<testsuite name="vpclint">`
//! with a failing `<testcase>` per finding and a skipped one per suppressed finding; a clean
//! run is one passing test case, so the CI shows that the lint ran.

use super::{doc_url, Report};
use crate::rules::Finding;

pub fn render(report: &Report) -> String {
    let mut cases = String::new();
    for finding in report.findings {
        let at = report.locate(&finding.primary);
        let mut body = format!(
            "{}:{}:{}: {} [{}] {}\n",
            at.path,
            at.start.line,
            at.start.column,
            finding.level.as_str(),
            finding.rule,
            report.headline(finding)
        );
        if !finding.help.is_empty() {
            body.push_str(&format!("help: {}\n", finding.help));
        }
        body.push_str(&format!("see: {}\n", doc_url(finding.rule)));
        cases.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
            escape(&at.path),
            escape(&case_name(report, finding)),
            escape(&report.headline(finding)),
            finding.level.as_str(),
            escape(&body),
        ));
    }
    for suppressed in report.suppressed {
        let at = report.locate(&suppressed.finding.primary);
        let reason = suppressed
            .reason
            .clone()
            .unwrap_or_else(|| format!("suppressed ({})", suppressed.kind.as_str()));
        cases.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
            escape(&at.path),
            escape(&case_name(report, &suppressed.finding)),
            escape(&reason),
        ));
    }
    let mut tests = report.findings.len() + report.suppressed.len();
    if tests == 0 {
        cases.push_str("    <testcase classname=\"vpclint\" name=\"no findings\"/>\n");
        tests = 1;
    }
    // `skipped` is an attribute of `<testsuite>` only (junit-10.xsd, the Jenkins schema).
    let counts = format!(
        "tests=\"{tests}\" failures=\"{}\" errors=\"0\"",
        report.findings.len()
    );
    let skipped = report.suppressed.len();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vpclint\" {counts}>\n  <testsuite name=\"vpclint\" {counts} skipped=\"{skipped}\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}

/// `transitive-peering aws_route.to_c (net/main.tf:12)`: unique enough to tell cases apart
/// in a CI's test list.
fn case_name(report: &Report, finding: &Finding) -> String {
    let at = report.locate(&finding.primary);
    let address = &finding.primary.address;
    let subject = if address.is_empty() {
        String::new()
    } else {
        format!(" {address}")
    };
    format!("{}{subject} ({}:{})", finding.rule, at.path, at.start.line)
}

/// Escapes markup and drops the characters XML 1.0 cannot carry at all.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_carry() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(escape("nul\u{0}bell\u{7}\ttab"), "nulbell\ttab");
    }
}
