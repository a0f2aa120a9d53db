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
    let rendered = [
        text::render(&report, &text_options),
        text::not_analyzed(&report).unwrap_or_default(),
        report::compact::render(&report),
        report::json::render(&report),
        report::sarif::render(&report),
        report::github::render(&report),
        report::junit::render(&report),
        report::gitlab::render(&report),
        dump::to_json(&analysis.network, &analysis.sources).to_string(),
        dump::diagnostics_json(&analysis.units, &analysis.sources).to_string(),
        dump::to_text(&analysis.network, &analysis.sources),
        dump::diagnostics_text(&analysis.units, &analysis.sources),
    ];
    rendered.iter().map(String::len).sum()
}
