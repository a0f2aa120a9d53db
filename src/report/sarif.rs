//! SARIF 2.1.0, shaped for GitHub code scanning (DESIGN.md "Contracts"). Validated in
//! tests against the official schema; `scripts/validate-sarif` runs Microsoft's validator.

use super::{display_path, doc_url, fnv1a, Location, Report};
use crate::engine::NotAnalyzed;
use crate::rules::{Finding, Label, Level, RuleMeta};
use crate::source::{FileId, SourceFile};
use crate::suppress::SuppressionKind;
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::Path;

const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// Key of vpclint's own fingerprint ([`super::fingerprint`]).
const FINGERPRINT_KEY: &str = "vpclint/v1";
/// Snippets and context lines longer than this are not embedded (a region on a minified
/// line gets a few characters of context instead of the line).
const MAX_SNIPPET_BYTES: usize = 400;
/// Characters of context on each side of a region on a long line.
const CONTEXT_CHARS: usize = 60;

pub fn render(report: &Report) -> String {
    let run = Run {
        tool: json!({ "driver": {
            "name": "vpclint",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": env!("CARGO_PKG_REPOSITORY"),
            "rules": report.catalog.iter().map(|m| rule(m)).collect::<Vec<_>>(),
        }}),
        // No `automationDetails`: upload-sarif applies its `category` only when the run
        // has none, so two uploads with different categories do not replace each other's
        // results.
        original_uri_base_ids: json!({ SRCROOT: { "uri": directory_uri(report.cwd) } }),
        column_kind: "unicodeCodePoints",
        results: Results(report),
        invocations: (!report.not_analyzed.is_empty()).then(|| {
            json!([{
                "executionSuccessful": true,
                "toolExecutionNotifications": report
                    .not_analyzed
                    .iter()
                    .map(|gap| not_analyzed(report, gap))
                    .collect::<Vec<_>>(),
            }])
        }),
    };
    let document = Document {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [run],
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Value,
    original_uri_base_ids: Value,
    column_kind: &'static str,
    results: Results<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invocations: Option<Value>,
}

/// The results, each built and written in turn: the whole array as one `Value` tree took
/// about 12 times the size of the SARIF text in memory (16,000 findings: 580 MB).
struct Results<'a>(&'a Report<'a>);

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let rule_index: HashMap<&str, usize> = report
            .catalog
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name, i))
            .collect();
        let mut occurrences: HashMap<(String, u64), usize> = HashMap::new();
        let mut line_hashes: HashMap<(FileId, u32), u64> = HashMap::new();
        let mut results =
            serializer.serialize_seq(Some(report.findings.len() + report.suppressed.len()))?;
        let suppressed = report.suppressed.iter().map(|s| (&s.finding, Some(s)));
        for (finding, suppression) in report.findings.iter().map(|f| (f, None)).chain(suppressed) {
            let mut value = result(
                report,
                finding,
                &rule_index,
                &mut occurrences,
                &mut line_hashes,
            );
            if let Some(suppression) = suppression {
                let mut entry = Map::new();
                let kind = match suppression.kind {
                    SuppressionKind::InSource => "inSource",
                    SuppressionKind::Baseline => "external",
                };
                entry.insert("kind".into(), json!(kind));
                if let Some(reason) = &suppression.reason {
                    entry.insert("justification".into(), json!(reason));
                }
                value["suppressions"] = json!([entry]);
            }
            results.serialize_element(&value)?;
        }
        results.end()
    }
}

/// A part of a unit that was not analyzed, as a tool execution notification: the standard
/// place for "the tool could not look at this", with the cause as the descriptor.
fn not_analyzed(report: &Report, gap: &NotAnalyzed) -> Value {
    let label = Label::new(gap.span, "", "");
    json!({
        "level": "note",
        "message": { "text": sentence(&format!("Not analyzed ({}): {}", gap.cause.label(), gap.message)) },
        "descriptor": { "id": gap.cause.id() },
        "locations": [location(report, &label)],
    })
}

fn rule(meta: &RuleMeta) -> Value {
    json!({
        "id": meta.name,
        "name": pascal_case(meta.name),
        "shortDescription": { "text": sentence(meta.summary) },
        "fullDescription": { "text": sentence(&what_it_flags(meta)) },
        "helpUri": doc_url(meta.name),
        "help": { "text": meta.doc, "markdown": meta.doc },
        "defaultConfiguration": { "level": meta.level },
        "properties": {
            "tags": ["aws", "network", "infrastructure-as-code"],
            "security-severity": security_severity(meta.level),
            "precision": "high",
        },
    })
}

fn result(
    report: &Report,
    finding: &Finding,
    rule_index: &HashMap<&str, usize>,
    occurrences: &mut HashMap<(String, u64), usize>,
    line_hashes: &mut HashMap<(FileId, u32), u64>,
) -> Value {
    let at = report.locate(&finding.primary);
    let mut message = sentence(&finding.message);
    if !finding.help.is_empty() {
        message.push_str(" Help: ");
        message.push_str(&sentence(&finding.help));
    }
    let mut primary = location(report, &finding.primary);
    if !finding.primary.address.is_empty() {
        primary["logicalLocations"] = json!([{
            "fullyQualifiedName": finding.primary.address,
            "kind": "resource",
        }]);
    }
    let related: Vec<Value> = finding
        .related
        .iter()
        .enumerate()
        .map(|(id, label)| {
            let mut value = location(report, label);
            value["id"] = json!(id + 1);
            value
        })
        .collect();
    // Hashed once per line: findings on one minified line do not each hash all of it.
    let file = finding.primary.span.file;
    let line_hash = *line_hashes.entry((file, at.start.line)).or_insert_with(|| {
        fnv1a(
            report
                .sources
                .get(file)
                .line_text(at.start.line)
                .unwrap_or_default()
                .split_whitespace()
                .flat_map(str::bytes),
        )
    });
    let occurrence = occurrences
        .entry((at.path.clone(), line_hash))
        .and_modify(|n| *n += 1)
        .or_insert(1);
    let mut value = json!({
        "ruleId": finding.rule,
        "level": finding.level,
        "message": { "text": message },
        "locations": [primary],
        "partialFingerprints": {
            "primaryLocationLineHash": format!("{line_hash:016x}:{occurrence}"),
            FINGERPRINT_KEY: report.fingerprint(finding),
        },
    });
    if let Some(index) = rule_index.get(finding.rule) {
        value["ruleIndex"] = json!(index);
    }
    if !related.is_empty() {
        value["relatedLocations"] = json!(related);
    }
    value
}

fn location(report: &Report, label: &Label) -> Value {
    let at = report.locate(label);
    let artifact = if at.path.starts_with('/') {
        json!({ "uri": file_uri(&at.path) })
    } else if at.path.starts_with("../") {
        // Outside the working directory: GitHub cannot resolve it against %SRCROOT%.
        let absolute = crate::source::lexically_normal(&report.cwd.join(&at.path));
        json!({ "uri": file_uri(&display_path(&absolute, Path::new(""))) })
    } else {
        json!({ "uri": encode_uri_path(&at.path), "uriBaseId": SRCROOT })
    };
    let file = report.sources.get(label.span.file);
    let snippet = file
        .text()
        .get(label.span.start as usize..label.span.end as usize)
        .unwrap_or_default();
    let mut region = json!({
        "startLine": at.start.line,
        "startColumn": at.start.column,
        "endLine": at.end.line,
        "endColumn": at.end.column,
    });
    if !snippet.is_empty() && snippet.len() <= MAX_SNIPPET_BYTES {
        region["snippet"] = json!({ "text": snippet });
    }
    let mut physical = json!({ "artifactLocation": artifact, "region": region });
    if let Some(context) = context_region(&file, label, &at) {
        physical["contextRegion"] = context;
    }
    let mut value = json!({ "physicalLocation": physical });
    if !label.message.is_empty() {
        value["message"] = json!({ "text": sentence(&label.message) });
    }
    value
}

/// The whole lines around the region, so viewers can show context without the file; on
/// a long line (minified JSON) only the characters around the region, so that a result
/// stays small whatever the line length.
fn context_region(file: &SourceFile, label: &Label, at: &Location) -> Option<Value> {
    if file.text().is_empty() {
        return None;
    }
    let context_start = at.start.line.saturating_sub(1).max(1);
    let context_end = (at.end.line + 1).min(file.line_count());
    let lines: Vec<&str> = (context_start..=context_end)
        .filter_map(|line| file.line_text(line))
        .collect();
    if lines.is_empty() {
        return None;
    }
    if lines.iter().all(|line| line.len() <= MAX_SNIPPET_BYTES) {
        return Some(json!({
            "startLine": context_start,
            "endLine": context_end,
            "snippet": { "text": lines.join("\n") + "\n" },
        }));
    }
    let (start, end) = (label.span.start as usize, label.span.end as usize);
    if at.start.line != at.end.line || end - start > MAX_SNIPPET_BYTES {
        return None;
    }
    let window = file.back_chars(start, CONTEXT_CHARS)..file.forward_chars(end, CONTEXT_CHARS);
    Some(json!({
        "startLine": at.start.line,
        "startColumn": file.line_col(window.start as u32).column,
        "endLine": at.end.line,
        "endColumn": file.line_col(window.end as u32).column,
        "snippet": { "text": file.text().get(window).unwrap_or_default() },
    }))
}

/// The first paragraph of the doc's "What it flags" section, else the summary.
fn what_it_flags(meta: &RuleMeta) -> String {
    let section = meta
        .doc
        .split("\n## ")
        .find_map(|s| s.strip_prefix("What it flags"))
        .and_then(|s| s.trim().split("\n\n").next())
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "));
    section
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| meta.summary.to_string())
}

/// GitHub ranks alerts by `security-severity`: high ≥ 7.0, medium ≥ 4.0, low below.
fn security_severity(level: Level) -> &'static str {
    match level {
        Level::Error => "7.0",
        Level::Warning => "4.0",
        Level::Note => "1.0",
    }
}

/// SARIF validators want messages to be sentences ending with a period.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn directory_uri(dir: &Path) -> String {
    let mut uri = file_uri(&display_path(dir, Path::new("")));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn file_uri(absolute: &str) -> String {
    format!("file://{}", encode_uri_path(absolute))
}

/// Percent-encodes what may not appear literally in a URI path.
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_shape_text_and_uris() {
        assert_eq!(pascal_case("transitive-peering"), "TransitivePeering");
        assert_eq!(sentence("no route"), "no route.");
        assert_eq!(sentence("done."), "done.");
        assert_eq!(encode_uri_path("a b/c%.tf"), "a%20b/c%25.tf");
        assert_eq!(directory_uri(Path::new("/work/repo")), "file:///work/repo/");
        assert_eq!(
            crate::source::lexically_normal(Path::new("/work/repo/../other/./a.tf")),
            Path::new("/work/other/a.tf")
        );
        assert_eq!(fnv1a(*b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
