//! One path through every stage at once, for the fuzz targets (`fuzz/`) and their
//! regression tests (`tests/fuzz_regressions.rs`): a panic anywhere, or a rule that
//! panicked (which the engine otherwise only reports), surfaces to the caller.

use crate::engine::{self, Selection};
use crate::model::dump;
use crate::pipeline::{self, Options};
use crate::report::{self, text, AnalyzedUnit, Report};
use crate::rules;
use std::path::Path;
use std::time::Duration;

/// Analyzes `path` with default options, runs every rule (with `--strict`), renders every
/// report format and the model dump; returns the total length of what was rendered.
///
/// # Panics
/// When a rule panicked (the engine caught it): that is the bug being looked for.
pub fn everything(path: &Path) -> usize {
    rendered(path).iter().map(|(_, text)| text.len()).sum()
}

/// What [`everything`] renders, each output with its name (`text`, `json`, `sarif`, ...).
///
/// # Panics
/// When a rule panicked (the engine caught it).
pub fn rendered(path: &Path) -> Vec<(&'static str, String)> {
    let catalog = rules::catalog();
    let analysis = pipeline::analyze(&[path.to_path_buf()], &Options::default());
    let selection = Selection {
        strict: true,
        ..Selection::default()
    };
    let outcome = engine::run(
        &rules::registry(),
        &catalog,
        &analysis.network,
        &analysis.units,
        &analysis.sources,
        &selection,
    );
    assert!(
        outcome.internal_errors.is_empty(),
        "rules panicked: {:?}",
        outcome.internal_errors
    );
    let analyzed: Vec<AnalyzedUnit> = analysis
        .inputs
        .iter()
        .map(|input| AnalyzedUnit {
            kind: input.kind(),
            path: report::display_path(input.path(), path),
        })
        .collect();
    let report = Report {
        findings: &outcome.findings,
        suppressed: &outcome.suppressed,
        sources: &analysis.sources,
        catalog: &catalog,
        analyzed: &analyzed,
        not_analyzed: &outcome.not_analyzed,
        cwd: path,
        elapsed: Duration::ZERO,
        baseline_stale: Some(0),
    };
    let text_options = text::TextOptions {
        color: true,
        width: 80,
        summary: true,
    };
    vec![
        ("text", text::render(&report, &text_options)),
        (
            "not-analyzed",
            text::not_analyzed(&report).unwrap_or_default(),
        ),
        ("compact", report::compact::render(&report)),
        ("json", report::json::render(&report)),
        ("sarif", report::sarif::render(&report)),
        ("github", report::github::render(&report)),
        ("junit", report::junit::render(&report)),
        ("gitlab", report::gitlab::render(&report)),
        (
            "model-json",
            dump::to_json(&analysis.network, &analysis.sources).to_string(),
        ),
        (
            "diagnostics-json",
            dump::diagnostics_json(&analysis.units, &analysis.sources).to_string(),
        ),
        (
            "model-text",
            dump::to_text(&analysis.network, &analysis.sources),
        ),
        (
            "diagnostics-text",
            dump::diagnostics_text(&analysis.units, &analysis.sources),
        ),
    ]
}

/// Parses `text` as HCL three ways (a file's body, an expression, a template) and nothing
/// more: the parser alone, fast enough to fuzz with millions of inputs.
///
/// # Panics
/// When an error's offset is not a position of the text (its line and column would be
/// wrong).
pub fn hcl_parser(text: &str) {
    use crate::frontend::terraform::hcl;
    let offsets = [
        hcl::parse_body(text).err(),
        hcl::parse_expr(text).err(),
        hcl::parse_template(text).err(),
    ];
    for err in offsets.into_iter().flatten() {
        assert!(
            text.is_char_boundary(err.offset),
            "error offset {} is not a position of the text: {}",
            err.offset,
            err.message
        );
    }
}
