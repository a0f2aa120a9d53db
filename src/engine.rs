//! The rule engine: runs the rules over the model in parallel, turns frontend errors into
//! `parse-error` findings, applies configuration and suppressions, sorts the result.

use crate::config::RuleSetting;
use crate::frontend::{GapCause, Provenance, Severity, Unit};
use crate::model::Network;
use crate::rules::{
    Finding, Label, Level, Rule, RuleMeta, INCOMPLETE_ANALYSIS, PARSE_ERROR, UNUSED_SUPPRESSION,
};
use crate::source::{SourceMap, Span};
use crate::suppress::{self, Suppressed};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// Which rules run and at which level: `vpclint.toml` `[rules]` plus `--select`/`--ignore`.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// From the config file.
    pub settings: BTreeMap<String, RuleSetting>,
    /// `--select`: when not empty, only these rules run (even if the config turns them off).
    pub select: Vec<String>,
    /// `--ignore`: these rules do not run.
    pub ignore: Vec<String>,
    /// `--strict` / `strict = true`: what was not analyzed also becomes
    /// `incomplete-analysis` findings.
    pub strict: bool,
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
    /// What the units left out of the analysis, in file and position order.
    pub not_analyzed: Vec<NotAnalyzed>,
}

/// One place a unit could not evaluate, so no rule checked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAnalyzed {
    pub cause: GapCause,
    pub message: String,
    pub span: Span,
    /// The units (root module directories, plans or templates) it belongs to, in path order:
    /// a module shared by several roots is one place, not analyzed in each of them.
    pub units: Vec<PathBuf>,
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
    point_at_provenance(&mut findings, units);
    // A finding inside a module shows which root's call it comes through; two roots that
    // share the module give two findings, each with its own call.
    findings.iter_mut().for_each(Finding::add_call_sites);
    if selection.is_enabled(PARSE_ERROR.name) {
        findings.extend(parse_errors(units));
    }
    outcome.not_analyzed = not_analyzed(units, sources);
    if selection.strict && selection.is_enabled(INCOMPLETE_ANALYSIS.name) {
        findings.extend(outcome.not_analyzed.iter().map(incomplete_analysis));
    }
    let suppressions: Vec<_> = units.iter().flat_map(|u| &u.suppressions).collect();
    let ran = |rule: &str| {
        selection.is_enabled(rule)
            && (rule == PARSE_ERROR.name
                || (rule == INCOMPLETE_ANALYSIS.name && selection.strict)
                || rules.iter().any(|r| r.meta().name == rule))
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

/// A finding at a value that came from another file (a parent stack's parameter, another
/// template's export) also points where the value was written, and so on up the chain.
fn point_at_provenance(findings: &mut [Finding], units: &[Unit]) {
    let mut by_span: HashMap<Span, Vec<&Provenance>> = HashMap::new();
    for provenance in units.iter().flat_map(|u| &u.provenance) {
        by_span.entry(provenance.at).or_default().push(provenance);
    }
    if by_span.is_empty() {
        return;
    }
    for finding in findings {
        let mut pending: Vec<(Span, String)> = std::iter::once(&finding.primary)
            .chain(&finding.related)
            .map(|label| (label.span, label.address.clone()))
            .collect();
        let mut origins: Vec<Label> = Vec::new();
        while let Some((span, address)) = pending.pop() {
            let applying = by_span
                .get(&span)
                .into_iter()
                .flatten()
                .filter(|p| address.starts_with(&p.scope));
            for provenance in applying {
                let label = Label::new(
                    provenance.from,
                    provenance.address.clone(),
                    provenance.message.clone(),
                );
                if !finding.related.contains(&label) && !origins.contains(&label) {
                    pending.push((label.span, label.address.clone()));
                    origins.push(label);
                }
            }
        }
        finding.related.extend(origins);
    }
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

/// The gaps the frontends recorded, once each, in file and position order.
pub fn not_analyzed(units: &[Unit], sources: &SourceMap) -> Vec<NotAnalyzed> {
    let mut gaps: Vec<NotAnalyzed> = units
        .iter()
        .flat_map(|unit| {
            unit.diagnostics.iter().filter_map(|d| {
                Some(NotAnalyzed {
                    cause: d.gap?,
                    message: d.message.clone(),
                    span: d.span,
                    units: vec![unit.path.clone()],
                })
            })
        })
        .collect();
    gaps.sort_by(|a, b| {
        sources
            .get(a.span.file)
            .path
            .cmp(&sources.get(b.span.file).path)
            .then(a.span.start.cmp(&b.span.start))
            .then(a.cause.cmp(&b.cause))
            .then_with(|| a.message.cmp(&b.message))
            .then_with(|| a.units.cmp(&b.units))
    });
    let mut places: Vec<NotAnalyzed> = Vec::with_capacity(gaps.len());
    for gap in gaps {
        match places.last_mut() {
            Some(place)
                if place.cause == gap.cause
                    && place.span == gap.span
                    && place.message == gap.message =>
            {
                for unit in gap.units {
                    if !place.units.contains(&unit) {
                        place.units.push(unit);
                    }
                }
            }
            _ => places.push(gap),
        }
    }
    places
}

/// `--strict`: a gap as an `incomplete-analysis` finding, with what to do about it.
fn incomplete_analysis(gap: &NotAnalyzed) -> Finding {
    let help = match gap.cause {
        GapCause::ModuleNotInstalled => {
            "run `terraform init` (or `terraform get`) so the module's source is on disk, then lint again"
        }
        GapCause::UnknownCount => {
            "give the values it depends on (`--var`, `--var-file`, a tfvars file) or declare the AZs in vpclint.toml `[terraform.availability_zones]`"
        }
        GapCause::UnknownCondition => {
            "give the parameters the condition depends on (`--parameter`, `--parameters-file`)"
        }
        GapCause::BudgetExceeded => "raise the budget in vpclint.toml `[limits]` if the code is meant to be this large",
        GapCause::UnsupportedConstruct => "lint the expanded or packaged output, where one exists",
        GapCause::UnknownDataSource => "give the value it depends on as a variable or parameter",
        GapCause::EvaluationFailed => {
            "fix the expression, or give the values it is evaluated with (`--var`, `--parameter`) if they differ from the defaults"
        }
        GapCause::UnresolvedName => {
            "name the resource by a reference to it (`aws_security_group.web.id`, `!Ref WebGroup`, the proposal resource's `id`) when this code creates it; what another configuration creates stays unknown"
        }
    };
    Finding {
        rule: INCOMPLETE_ANALYSIS.name,
        level: INCOMPLETE_ANALYSIS.level,
        message: format!("not analyzed ({}): {}", gap.cause.label(), gap.message),
        primary: Label::new(gap.span, "", ""),
        related: Vec::new(),
        help: help.into(),
    }
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
            // By path, not file id: ids follow the (parallel) load order. Findings of two
            // roots sharing a module differ only here, in the roots' module calls.
            let key = |l: &Label| {
                let path = sources.get(l.span.file).path.clone();
                (
                    path,
                    l.span.start,
                    l.span.end,
                    l.address.clone(),
                    l.message.clone(),
                )
            };
            a.related.iter().map(key).cmp(b.related.iter().map(key))
        })
        .then_with(|| a.help.cmp(&b.help))
}

/// Whether any finding is at or above `fail_level` (exit code 1).
pub fn fails(findings: &[Finding], fail_level: Level) -> bool {
    findings.iter().any(|f| f.level >= fail_level)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::{Diagnostic, GapCause, Lang, Suppression};
    use crate::source::{FileId, Span};
    use std::sync::Arc;

    static ROUTE_RULE: RuleMeta = RuleMeta {
        name: "fake-route",
        level: Level::Error,
        summary: "fake",
        doc: "",
    };
    static SG_RULE: RuleMeta = RuleMeta {
        name: "fake-sg",
        level: Level::Warning,
        summary: "fake",
        doc: "",
    };

    /// A rule that returns fixed findings.
    struct FakeRule {
        meta: &'static RuleMeta,
        findings: Vec<Finding>,
        panics: bool,
    }

    impl Rule for FakeRule {
        fn meta(&self) -> &'static RuleMeta {
            self.meta
        }
        fn check(&self, _: &Network) -> Vec<Finding> {
            assert!(!self.panics, "boom");
            self.findings.clone()
        }
    }

    fn finding(meta: &'static RuleMeta, file: FileId, start: usize, message: &str) -> Finding {
        Finding {
            rule: meta.name,
            level: meta.level,
            message: message.into(),
            primary: Label::new(Span::new(file, start, start + 2), "aws_route.a", "here"),
            related: Vec::new(),
            help: "fix it".into(),
        }
    }

    struct Setup {
        sources: SourceMap,
        a: FileId,
        b: FileId,
    }

    fn setup() -> Setup {
        let sources = SourceMap::new();
        // Added in reverse path order: sorting must follow paths, not file ids.
        let b = sources.add("b.tf".into(), Arc::from("x".repeat(100).as_str()));
        let a = sources.add("a.tf".into(), Arc::from("x".repeat(100).as_str()));
        Setup { sources, a, b }
    }

    fn unit(diagnostics: Vec<Diagnostic>, suppressions: Vec<Suppression>) -> Unit {
        Unit {
            lang: Lang::Terraform,
            path: ".".into(),
            files: Vec::new(),
            resources: Vec::new(),
            diagnostics,
            suppressions,
            provenance: Vec::new(),
            exports: Vec::new(),
            failures: Vec::new(),
            imports: Vec::new(),
        }
    }

    fn catalog() -> Vec<&'static RuleMeta> {
        vec![&ROUTE_RULE, &SG_RULE, &PARSE_ERROR, &UNUSED_SUPPRESSION]
    }

    fn run_fake(
        setup: &Setup,
        rules: &[FakeRule],
        units: &[Unit],
        selection: &Selection,
    ) -> Outcome {
        let rules: Vec<&dyn Rule> = rules.iter().map(|r| r as &dyn Rule).collect();
        run(
            &rules,
            &catalog(),
            &Network::default(),
            units,
            &setup.sources,
            selection,
        )
    }

    fn summary(outcome: &[Finding], sources: &SourceMap) -> Vec<String> {
        outcome
            .iter()
            .map(|f| {
                let file = sources.get(f.primary.span.file);
                format!(
                    "{}:{} {} {} {}",
                    file.path.display(),
                    f.primary.span.start,
                    f.rule,
                    f.level.as_str(),
                    f.message
                )
            })
            .collect()
    }

    #[test]
    fn sorts_by_path_position_rule_message_and_drops_exact_duplicates() {
        let s = setup();
        let rules = [
            FakeRule {
                meta: &SG_RULE,
                findings: vec![
                    finding(&SG_RULE, s.b, 1, "z"),
                    finding(&SG_RULE, s.a, 5, "m"),
                    finding(&SG_RULE, s.a, 5, "m"),
                ],
                panics: false,
            },
            FakeRule {
                meta: &ROUTE_RULE,
                findings: vec![
                    finding(&ROUTE_RULE, s.a, 5, "m"),
                    finding(&ROUTE_RULE, s.a, 1, "q"),
                ],
                panics: false,
            },
        ];
        let outcome = run_fake(&s, &rules, &[], &Selection::default());
        assert_eq!(
            summary(&outcome.findings, &s.sources),
            [
                "a.tf:1 fake-route error q",
                "a.tf:5 fake-route error m",
                "a.tf:5 fake-sg warning m",
                "b.tf:1 fake-sg warning z",
            ]
        );
    }

    #[test]
    fn error_diagnostics_become_parse_errors_and_notes_do_not() {
        let s = setup();
        let span = Span::new(s.a, 3, 4);
        let diagnostics = vec![
            Diagnostic::error(span, "expected `}`"),
            Diagnostic::gap(span, GapCause::ModuleNotInstalled, "module not installed"),
        ];
        let outcome = run_fake(&s, &[], &[unit(diagnostics, vec![])], &Selection::default());
        assert_eq!(outcome.findings.len(), 1);
        assert_eq!(outcome.findings[0].rule, "parse-error");
        assert_eq!(outcome.findings[0].primary.span, span);
    }

    #[test]
    fn config_turns_rules_off_overrides_levels_and_cli_selects() {
        let s = setup();
        let rules = || {
            [
                FakeRule {
                    meta: &SG_RULE,
                    findings: vec![finding(&SG_RULE, s.a, 1, "sg")],
                    panics: false,
                },
                FakeRule {
                    meta: &ROUTE_RULE,
                    findings: vec![finding(&ROUTE_RULE, s.a, 2, "route")],
                    panics: false,
                },
            ]
        };
        let mut selection = Selection::default();
        selection
            .settings
            .insert("fake-sg".into(), RuleSetting::Off);
        selection
            .settings
            .insert("fake-route".into(), RuleSetting::Level(Level::Note));
        let outcome = run_fake(&s, &rules(), &[], &selection);
        assert_eq!(
            summary(&outcome.findings, &s.sources),
            ["a.tf:2 fake-route note route"]
        );
        selection.select = vec!["fake-sg".into()];
        let outcome = run_fake(&s, &rules(), &[], &selection);
        assert_eq!(
            summary(&outcome.findings, &s.sources),
            ["a.tf:1 fake-sg warning sg"]
        );
        selection.ignore = vec!["fake-sg".into()];
        assert!(run_fake(&s, &rules(), &[], &selection).findings.is_empty());
    }

    #[test]
    fn suppressions_silence_matching_findings_and_report_unused_ones() {
        let s = setup();
        let rules = [FakeRule {
            meta: &ROUTE_RULE,
            findings: vec![
                finding(&ROUTE_RULE, s.a, 10, "inside"),
                finding(&ROUTE_RULE, s.a, 50, "outside"),
            ],
            panics: false,
        }];
        let suppression = |rules: &[&str], start: usize, applies: (usize, usize)| Suppression {
            rules: rules.iter().map(|r| r.to_string()).collect(),
            reason: Some("accepted".into()),
            span: Span::new(s.a, start, start + 1),
            applies_to: Span::new(s.a, applies.0, applies.1),
            problem: None,
        };
        let units = [unit(
            vec![],
            vec![
                suppression(&["fake-route", "fake-sg"], 8, (9, 20)),
                suppression(&["fake-route"], 30, (31, 40)),
                suppression(&["no-such-rule"], 60, (61, 70)),
            ],
        )];
        let outcome = run_fake(&s, &rules, &units, &Selection::default());
        assert_eq!(outcome.suppressed.len(), 1);
        assert_eq!(outcome.suppressed[0].finding.message, "inside");
        assert_eq!(outcome.suppressed[0].reason.as_deref(), Some("accepted"));
        // fake-sg did not run (no such rule registered): its entry is not reported.
        assert_eq!(
            summary(&outcome.findings, &s.sources),
            [
                "a.tf:30 unused-suppression note suppression of `fake-route` matches no finding",
                "a.tf:50 fake-route error outside",
                "a.tf:60 unused-suppression note suppression names unknown rule `no-such-rule`",
            ]
        );
    }

    #[test]
    fn a_panicking_rule_is_reported_and_the_others_still_run() {
        let s = setup();
        let rules = [
            FakeRule {
                meta: &SG_RULE,
                findings: vec![],
                panics: true,
            },
            FakeRule {
                meta: &ROUTE_RULE,
                findings: vec![finding(&ROUTE_RULE, s.a, 1, "ok")],
                panics: false,
            },
        ];
        let outcome = run_fake(&s, &rules, &[], &Selection::default());
        assert_eq!(outcome.findings.len(), 1);
        assert_eq!(outcome.internal_errors.len(), 1);
        assert!(outcome.internal_errors[0].contains("fake-sg"));
        assert!(fails(&outcome.findings, Level::Error));
        assert!(!fails(&outcome.findings[..0], Level::Note));
    }
}
