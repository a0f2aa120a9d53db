//! The rule engine: runs the rules over the model in parallel, turns frontend errors into
//! `parse-error` findings, applies configuration and suppressions, sorts the result.

use crate::config::RuleSetting;
use crate::frontend::{Severity, Unit};
use crate::model::Network;
use crate::rules::{Finding, Label, Level, Rule, RuleMeta, PARSE_ERROR, UNUSED_SUPPRESSION};
use crate::source::SourceMap;
use crate::suppress::{self, Suppressed};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Which rules run and at which level: `vpclint.toml` `[rules]` plus `--select`/`--ignore`.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// From the config file.
    pub settings: BTreeMap<String, RuleSetting>,
    /// `--select`: when not empty, only these rules run (even if the config turns them off).
    pub select: Vec<String>,
    /// `--ignore`: these rules do not run.
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn is_enabled(&self, rule: &str) -> bool {
        if self.ignore.iter().any(|r| r == rule) {
            return false;
        }
        if !self.select.is_empty() {
            return self.select.iter().any(|r| r == rule);
        }
        self.settings.get(rule) != Some(&RuleSetting::Off)
    }

    /// The configured level of a rule, when the config overrides it.
    pub fn level_override(&self, rule: &str) -> Option<Level> {
        match self.settings.get(rule) {
            Some(RuleSetting::Level(level)) => Some(*level),
            _ => None,
        }
    }
}

/// The result of a run: active findings (sorted, deduplicated) and suppressed ones.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    /// Rules that panicked (a bug in vpclint): reported on stderr, the run goes on.
    pub internal_errors: Vec<String>,
}

/// Runs `rules` over `network` and combines their findings with the units' parse errors.
pub fn run(
    rules: &[&dyn Rule],
    catalog: &[&RuleMeta],
    network: &Network,
    units: &[Unit],
    sources: &SourceMap,
    selection: &Selection,
) -> Outcome {
    let results: Vec<Result<Vec<Finding>, String>> = rules
        .par_iter()
        .filter(|rule| selection.is_enabled(rule.meta().name))
        .map(|rule| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rule.check(network))).map_err(
                |panic| {
                    let detail = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    format!("rule `{}` panicked: {detail}", rule.meta().name)
                },
            )
        })
        .collect();
    let mut outcome = Outcome::default();
    let mut findings = Vec::new();
    for result in results {
        match result {
            Ok(found) => findings.extend(found),
            Err(message) => outcome.internal_errors.push(message),
        }
    }
    if selection.is_enabled(PARSE_ERROR.name) {
        findings.extend(parse_errors(units));
    }
    let suppressions: Vec<_> = units.iter().flat_map(|u| &u.suppressions).collect();
    let ran = |rule: &str| {
        selection.is_enabled(rule)
            && (rule == PARSE_ERROR.name || rules.iter().any(|r| r.meta().name == rule))
    };
    let applied = suppress::apply(findings, &suppressions, catalog, ran);
    let mut active = applied.active;
    if selection.is_enabled(UNUSED_SUPPRESSION.name) {
        active.extend(applied.unused);
    }
    for finding in &mut active {
        if let Some(level) = selection.level_override(finding.rule) {
            finding.level = level;
        }
    }
    outcome.findings = sort_and_dedupe(active, sources, |f| f);
    outcome.suppressed = sort_and_dedupe(applied.suppressed, sources, |s| &s.finding);
    outcome
}

/// Frontend diagnostics of severity error, as `parse-error` findings.
pub fn parse_errors(units: &[Unit]) -> impl Iterator<Item = Finding> + '_ {
    units
        .iter()
        .flat_map(|unit| &unit.diagnostics)
        .filter(|d| d.severity == Severity::Error)
        .map(|d| Finding {
            rule: PARSE_ERROR.name,
            level: PARSE_ERROR.level,
            message: d.message.clone(),
            primary: Label::new(d.span, "", ""),
            related: Vec::new(),
            help: "fix the file at this position; the other files were still analyzed".into(),
        })
}

/// Sorts by file path, position, rule and message; drops exact duplicates (the instances
/// of one `count`/`for_each` block often yield the same finding at the same span).
fn sort_and_dedupe<T: PartialEq>(
    mut items: Vec<T>,
    sources: &SourceMap,
    finding: impl Fn(&T) -> &Finding,
) -> Vec<T> {
    items.sort_by(|a, b| compare(finding(a), finding(b), sources));
    items.dedup();
    items
}

pub fn compare(a: &Finding, b: &Finding, sources: &SourceMap) -> Ordering {
    let (pa, pb) = (a.primary.span, b.primary.span);
    let path_order = if pa.file == pb.file {
        Ordering::Equal
    } else {
        sources.get(pa.file).path.cmp(&sources.get(pb.file).path)
    };
    path_order
        .then(pa.start.cmp(&pb.start))
        .then(a.rule.cmp(b.rule))
        .then(a.message.cmp(&b.message))
        .then(pa.end.cmp(&pb.end))
        .then_with(|| a.primary.address.cmp(&b.primary.address))
        .then_with(|| a.level.cmp(&b.level))
        .then_with(|| {
            let key = |l: &Label| (l.span, l.address.clone(), l.message.clone());
            a.related.iter().map(key).cmp(b.related.iter().map(key))
        })
        .then_with(|| a.help.cmp(&b.help))
}

/// Whether any finding is at or above `fail_level` (exit code 1).
pub fn fails(findings: &[Finding], fail_level: Level) -> bool {
    findings.iter().any(|f| f.level >= fail_level)
}
