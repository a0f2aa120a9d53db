//! Reporters over hand-built findings: several labels, related locations in another file,
//! a suppressed finding, characters that need escaping. Every SARIF output is validated
//! against the official schema.

#[path = "data/sarif_schema.rs"]
mod sarif_schema;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use vpclint::report::{compact, github, gitlab, json, junit, sarif, text, AnalyzedUnit, Report};
use vpclint::rules::{Finding, Label, Level, RuleMeta};
use vpclint::source::{SourceMap, Span};
use vpclint::suppress::{Suppressed, SuppressionKind};

static TRANSITIVE: RuleMeta = RuleMeta {
    name: "transitive-peering",
    level: Level::Error,
    summary: "A route over a peering connection to a destination outside the peer VPC.",
    doc: "# transitive-peering\n\n## What it flags\nA route whose target is a peering\nconnection but whose destination is not in the peer.\n\n## Fix\nPeer directly.\n",
};
static ADMIN: RuleMeta = RuleMeta {
    name: "sg-world-open-admin",
    level: Level::Warning,
    summary: "SSH or RDP open to the world.",
    doc: "# sg-world-open-admin\n",
};

const ROUTES: &str = r#"resource "aws_route" "to_c" {
  route_table_id            = aws_route_table.a.id
  destination_cidr_block    = "10.2.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.ab.id
}

resource "aws_security_group_rule" "ssh" {
  cidr_blocks = ["0.0.0.0/0"] # café
  from_port   = 22
}
"#;

const PEERING: &str = r#"resource "aws_vpc_peering_connection" "ab" {
  vpc_id      = aws_vpc.a.id
  peer_vpc_id = aws_vpc.b.id
}
"#;

fn span_of(sources: &SourceMap, text: &str, needle: &str, file: &str) -> Span {
    let id = sources.find(Path::new(file)).expect("file added");
    let start = text.find(needle).expect("needle in text");
    Span::new(id, start, start + needle.len())
}

struct Fixture {
    sources: SourceMap,
    findings: Vec<Finding>,
    suppressed: Vec<Suppressed>,
}

fn fixture() -> Fixture {
    let sources = SourceMap::new();
    sources.add("net/routes.tf".into(), Arc::from(ROUTES));
    sources.add("net/peering.tf".into(), Arc::from(PEERING));
    let route = Finding {
        rule: "transitive-peering",
        level: Level::Error,
        message: "route 10.2.0.0/16 -> pcx ab: 10.2.0.0/16 is outside vpc b (10.1.0.0/16); peering is not transitive".into(),
        primary: Label::new(
            span_of(&sources, ROUTES, "\"10.2.0.0/16\"", "net/routes.tf"),
            "aws_route.to_c",
            "destination outside the peer",
        ),
        related: vec![
            Label::new(
                span_of(&sources, ROUTES, "aws_vpc_peering_connection.ab.id", "net/routes.tf"),
                "aws_route.to_c",
                "over this peering connection",
            ),
            Label::new(
                span_of(&sources, PEERING, "aws_vpc.b.id", "net/peering.tf"),
                "aws_vpc_peering_connection.ab",
                "peer vpc b",
            ),
        ],
        help: "peer vpc a with the vpc owning 10.2.0.0/16 directly, or route through a transit gateway".into(),
    };
    let ssh = Finding {
        rule: "sg-world-open-admin",
        level: Level::Warning,
        message: "ingress from 0.0.0.0/0 to tcp 22, 100% open: ssh, \"admin\"".into(),
        primary: Label::new(
            span_of(&sources, ROUTES, "[\"0.0.0.0/0\"]", "net/routes.tf"),
            "aws_security_group_rule.ssh",
            "the world",
        ),
        related: Vec::new(),
        help: "restrict the source".into(),
    };
    let mut suppressed_ssh = ssh.clone();
    suppressed_ssh.primary.span = span_of(&sources, ROUTES, "from_port   = 22", "net/routes.tf");
    Fixture {
        sources,
        findings: vec![route.clone(), ssh],
        suppressed: vec![
            Suppressed {
                finding: suppressed_ssh,
                reason: Some("bastion, reviewed in SEC-12".into()),
                kind: SuppressionKind::InSource,
            },
            Suppressed {
                finding: Finding {
                    message: "an accepted <legacy> route & more".into(),
                    ..route
                },
                reason: Some("accepted in the baseline vpclint-baseline.json".into()),
                kind: SuppressionKind::Baseline,
            },
        ],
    }
}

fn with_report<T>(fixture: &Fixture, f: impl FnOnce(&Report) -> T) -> T {
    let catalog: Vec<&'static RuleMeta> = vec![&ADMIN, &TRANSITIVE];
    let analyzed = vec![AnalyzedUnit {
        kind: "terraform-module",
        path: "net".into(),
    }];
    let report = Report {
        findings: &fixture.findings,
        suppressed: &fixture.suppressed,
        sources: &fixture.sources,
        catalog: &catalog,
        analyzed: &analyzed,
        not_analyzed: &[],
        cwd: Path::new("/repo"),
        elapsed: Duration::from_millis(7),
        baseline_stale: Some(1),
    };
    f(&report)
}

#[test]
fn text_report_shows_labels_in_both_files_help_rule_and_summary() {
    let fixture = fixture();
    let out = with_report(&fixture, |r| {
        text::render(
            r,
            &text::TextOptions {
                color: false,
                width: 100,
                summary: true,
            },
        )
    });
    assert!(!out.contains('\u{1b}'), "no colour codes with color: false");
    assert!(out.contains("net/peering.tf"), "related file rendered");
    assert_eq!(
        out.matches("ingress from 0.0.0.0/0").count(),
        1,
        "suppressed findings are not in text output"
    );
    insta::assert_snapshot!(out);
}

/// A file of `lines` numbered lines (`line_1 = "v1"`).
fn numbered_lines(lines: usize) -> String {
    (1..=lines)
        .map(|n| format!("line_{n} = \"v{n}\"\n"))
        .collect()
}

fn label_on_line(sources: &SourceMap, text: &str, line: usize, message: &str) -> Label {
    let needle = format!("\"v{line}\"");
    Label::new(
        span_of(sources, text, &needle, "big.tf"),
        format!("thing.l{line}"),
        message,
    )
}

fn render_plain(sources: &SourceMap, finding: Finding) -> String {
    let findings = [finding];
    let catalog: Vec<&'static RuleMeta> = vec![&TRANSITIVE];
    let report = Report {
        findings: &findings,
        suppressed: &[],
        sources,
        catalog: &catalog,
        analyzed: &[AnalyzedUnit {
            kind: "terraform-module",
            path: ".".into(),
        }],
        not_analyzed: &[],
        cwd: Path::new("/repo"),
        elapsed: Duration::from_millis(1),
        baseline_stale: None,
    };
    text::render(
        &report,
        &text::TextOptions {
            color: false,
            width: 100,
            summary: true,
        },
    )
}

/// Line numbers shown in the gutter of a text report, in order.
fn gutter_lines(out: &str) -> Vec<usize> {
    out.lines()
        .filter_map(|l| l.split_once(" │ ").or_else(|| l.split_once(" │")))
        .filter_map(|(n, _)| n.trim().parse().ok())
        .collect()
}

#[test]
fn text_report_splits_far_apart_labels_into_compact_snippets() {
    let text = numbered_lines(60);
    let sources = SourceMap::new();
    sources.add("big.tf".into(), Arc::from(text.as_str()));
    let finding = |related: Vec<Label>| Finding {
        rule: "transitive-peering",
        level: Level::Error,
        message: "the problem".into(),
        primary: label_on_line(&sources, &text, 40, "primary here"),
        related,
        help: "the fix".into(),
    };

    // One label: one snippet, one context line on each side.
    let one = render_plain(&sources, finding(Vec::new()));
    assert_eq!(gutter_lines(&one), [39, 40, 41], "{one}");

    // Two labels 39 lines apart: two snippets, the primary first, nothing in between.
    let two = render_plain(
        &sources,
        finding(vec![label_on_line(&sources, &text, 1, "far above")]),
    );
    assert_eq!(gutter_lines(&two), [39, 40, 41, 1, 2], "{two}");
    assert!(two.contains("☞ related: thing.l1"), "{two}");
    assert!(
        two.find("help: the fix") > two.find("far above"),
        "help comes after every snippet:\n{two}"
    );

    // Four labels: the two near the primary share its snippet, the far ones get their own.
    let four = render_plain(
        &sources,
        finding(vec![
            label_on_line(&sources, &text, 58, "far below"),
            label_on_line(&sources, &text, 44, "near below"),
            label_on_line(&sources, &text, 3, "far above"),
        ]),
    );
    assert_eq!(
        gutter_lines(&four),
        [39, 40, 41, 42, 43, 44, 45, 2, 3, 4, 57, 58, 59],
        "{four}"
    );
    assert_eq!(four.matches("╭─[").count(), 3, "{four}");
    assert!(four.contains("╭─[big.tf:40:11]"), "{four}");
    insta::assert_snapshot!(four);
}

#[test]
fn text_report_columns_count_characters() {
    let text = "name = \"café\" # ü\nnext = 1\n";
    let sources = SourceMap::new();
    sources.add("big.tf".into(), Arc::from(text));
    let start = text.find('#').unwrap();
    let id = sources.find(Path::new("big.tf")).unwrap();
    let out = render_plain(
        &sources,
        Finding {
            rule: "transitive-peering",
            level: Level::Error,
            message: "m".into(),
            primary: Label::new(Span::new(id, start, start + 1), "x", "here"),
            related: Vec::new(),
            help: String::new(),
        },
    );
    // `#` is the 15th character (16th byte) of line 1.
    assert!(out.contains("╭─[big.tf:1:15]"), "{out}");
}

#[test]
fn text_report_cuts_long_labels_to_their_first_line() {
    let text = numbered_lines(30);
    let sources = SourceMap::new();
    sources.add("big.tf".into(), Arc::from(text.as_str()));
    let id = sources.find(Path::new("big.tf")).unwrap();
    let start = text.find("line_5 ").unwrap();
    let end = text.find("line_25 ").unwrap();
    let out = render_plain(
        &sources,
        Finding {
            rule: "transitive-peering",
            level: Level::Error,
            message: "m".into(),
            primary: Label::new(Span::new(id, start, end), "x", "the whole block"),
            related: Vec::new(),
            help: String::new(),
        },
    );
    assert_eq!(gutter_lines(&out), [4, 5, 6], "{out}");
    assert!(out.contains("the whole block"), "{out}");
}

#[test]
fn text_report_uses_colour_only_when_asked() {
    let fixture = fixture();
    let out = with_report(&fixture, |r| {
        text::render(
            r,
            &text::TextOptions {
                color: true,
                width: 100,
                summary: true,
            },
        )
    });
    assert!(out.contains('\u{1b}'));
}

#[test]
fn json_report() {
    let fixture = fixture();
    let out = with_report(&fixture, json::render);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["version"], 1);
    assert_eq!(value["summary"]["units"], 1);
    assert_eq!(
        value["suppressed"][0]["reason"],
        "bastion, reviewed in SEC-12"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn sarif_report_is_valid_and_carries_suppressions_and_fingerprints() {
    let fixture = fixture();
    let out = with_report(&fixture, sarif::render);
    sarif_schema::assert_valid_sarif(&out);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &value["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///repo/"
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    // ruleIndex points at the rule in tool.driver.rules.
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][index]["id"],
            result["ruleId"]
        );
    }
    let suppressed = &results[2];
    assert_eq!(suppressed["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        suppressed["suppressions"][0]["justification"],
        "bastion, reviewed in SEC-12"
    );
    // The suppressed copy sits on another line: same vpclint fingerprint, different line hash.
    assert_eq!(
        results[1]["partialFingerprints"]["vpclint/v1"],
        suppressed["partialFingerprints"]["vpclint/v1"]
    );
    assert_ne!(
        results[1]["partialFingerprints"]["primaryLocationLineHash"],
        suppressed["partialFingerprints"]["primaryLocationLineHash"]
    );
    // A baseline is a suppression from outside the source.
    assert_eq!(results[3]["suppressions"][0]["kind"], "external");
    assert_eq!(
        results[3]["suppressions"][0]["justification"],
        "accepted in the baseline vpclint-baseline.json"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn sarif_fingerprint_survives_line_moves() {
    let fixture = fixture();
    let before = with_report(&fixture, sarif::render);
    let mut moved = fixture;
    let shifted = format!("\n\n{ROUTES}");
    moved.sources = SourceMap::new();
    moved
        .sources
        .add("net/routes.tf".into(), Arc::from(shifted.as_str()));
    moved
        .sources
        .add("net/peering.tf".into(), Arc::from(PEERING));
    for finding in &mut moved.findings {
        finding.primary.span.start += 2;
        finding.primary.span.end += 2;
    }
    let after = with_report(&moved, sarif::render);
    let fingerprint = |sarif: &str| {
        let value: serde_json::Value = serde_json::from_str(sarif).unwrap();
        value["runs"][0]["results"][0]["partialFingerprints"].clone()
    };
    let (a, b) = (fingerprint(&before), fingerprint(&after));
    assert_eq!(a["vpclint/v1"], b["vpclint/v1"]);
    assert_eq!(a["primaryLocationLineHash"], b["primaryLocationLineHash"]);
}

#[test]
fn github_report_escapes_messages_and_properties() {
    let fixture = fixture();
    let out = with_report(&fixture, github::render);
    assert!(out.contains("::warning file=net/routes.tf,line=8,col=17,"));
    assert!(out.contains("100%25 open"), "{out}");
    assert_eq!(
        out.lines().count(),
        2,
        "suppressed findings are not annotated"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn compact_report_is_one_line_per_finding() {
    let fixture = fixture();
    let out = with_report(&fixture, compact::render);
    assert_eq!(out.lines().count(), fixture.findings.len());
    insta::assert_snapshot!(out);
}

/// JUnit XML: the structure CI systems read, checked by hand here (the declaration,
/// `testsuites` > `testsuite` (name, tests) > `testcase` (name, classname), `failure`
/// (message, type) and `skipped` children, counts that add up, balanced tags and escaped
/// text); `tests/report_junit_validator.rs` validates real output against junit-10.xsd.
#[test]
fn junit_report_has_the_structure_ci_systems_read() {
    let fixture = fixture();
    let out = with_report(&fixture, junit::render);
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    assert_eq!(out.matches("<testsuite ").count(), 1);
    assert_eq!(out.matches("<testcase ").count(), 4);
    assert_eq!(out.matches("</testcase>").count(), 4);
    assert_eq!(out.matches("<failure ").count(), 2);
    assert_eq!(out.matches("</failure>").count(), 2);
    assert_eq!(out.matches("<skipped ").count(), 2);
    assert!(out.contains("tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"2\""));
    assert!(out.contains("route 10.2.0.0/16 -&gt; pcx ab"));
    assert!(out.contains("ssh, &quot;admin&quot;"));
    assert!(out.trim_end().ends_with("</testsuites>"));
    insta::assert_snapshot!(out);

    let empty = Fixture {
        sources: SourceMap::new(),
        findings: Vec::new(),
        suppressed: Vec::new(),
    };
    let out = with_report(&empty, junit::render);
    assert!(out.contains("tests=\"1\" failures=\"0\""), "{out}");
    assert!(out.contains("<testcase classname=\"vpclint\" name=\"no findings\"/>"));
}

/// GitLab Code Quality, checked against a JSON Schema written from GitLab's documentation
/// of the format (tests/data/gitlab-code-quality.schema.json; GitLab publishes no schema
/// file of its own for it).
#[test]
fn gitlab_report_matches_the_code_quality_format() {
    let fixture = fixture();
    let out = with_report(&fixture, gitlab::render);
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("data/gitlab-code-quality.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let value: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let prints: std::collections::BTreeSet<&str> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(
        prints.len(),
        fixture.findings.len(),
        "fingerprints are unique"
    );
    insta::assert_snapshot!(out);
}
