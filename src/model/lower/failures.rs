//! Network resources holding a value whose evaluation failed (a function rejecting its
//! arguments, an index out of range): the checks that need the value skip the resource,
//! so each is a place not analyzed, at the expression that failed.

use super::*;
use crate::frontend::{EvaluationFailure, Severity};
use crate::source::Span;

/// Top-level arguments no lowering reads: a failure there changes nothing analyzed.
const NOT_READ: &[&str] = &[
    "tags",
    "tags_all",
    "timeouts",
    "description",
    "Tags",
    "Description",
    "GroupDescription",
];

impl UnitLowering<'_> {
    /// One gap per failed expression, naming the arguments of network resources it leaves
    /// unknown.
    pub(super) fn failed_evaluation_gaps(&mut self, lowerings: &[Option<Lowering>]) {
        let failures = &self.unit.failures;
        if failures.is_empty() {
            return;
        }
        let mut reached: Vec<Vec<String>> = vec![Vec::new(); failures.len()];
        for (res, _) in self
            .resources
            .iter()
            .zip(lowerings)
            .filter(|(_, l)| l.is_some())
        {
            let V::Map(entries) = &res.attrs.v else {
                continue;
            };
            for (name, value) in entries.iter().filter(|(n, _)| !NOT_READ.contains(&&**n)) {
                each_unknown_reason(value, &mut |reason| {
                    if let Some(failure) = held_failure(failures, res, reason) {
                        let what = format!("{}.{name}", res.address);
                        if !reached[failure].contains(&what) {
                            reached[failure].push(what);
                        }
                    }
                });
            }
        }
        for (failure, what) in failures.iter().zip(reached) {
            let Some(first) = what.first() else {
                continue;
            };
            let what = match what.len() {
                1 => format!("{first} is"),
                2..=SHOWN => format!("{} are", what.join(", ")),
                n => format!("{} and {} more are", what[..SHOWN].join(", "), n - SHOWN),
            };
            self.diagnostics.push(Diagnostic::gap(
                failure.span,
                GapCause::EvaluationFailed,
                format!("{what} unknown: this expression fails: {}", failure.message),
            ));
        }
    }
}

/// The note of a failure that became a gap says nothing more: the gap stands for it.
pub(super) fn drop_superseded_notes(unit: &mut Unit, gaps: &[Diagnostic]) {
    let failed: Vec<Span> = gaps
        .iter()
        .filter(|g| g.gap == Some(GapCause::EvaluationFailed))
        .map(|g| g.span)
        .collect();
    if failed.is_empty() {
        return;
    }
    let failures = &unit.failures;
    unit.diagnostics.retain(|d| {
        d.severity != Severity::Note
            || d.gap.is_some()
            || !failed.contains(&d.span)
            || !failures
                .iter()
                .any(|f| f.span == d.span && d.message.ends_with(&f.message))
    });
}

/// How many of the arguments a failure leaves unknown its gap names.
const SHOWN: usize = 4;

/// Which failure an unknown value of `res` with `reason` comes from. Two expressions may
/// fail alike: the one in the resource's own block is the one it holds.
fn held_failure(failures: &[EvaluationFailure], res: &Resource, reason: &str) -> Option<usize> {
    let failed = |f: &EvaluationFailure| !f.message.is_empty() && reason.contains(&f.message);
    let within = |f: &EvaluationFailure| {
        f.span.file == res.span.file && res.span.start <= f.span.start && f.span.end <= res.span.end
    };
    failures
        .iter()
        .position(|f| failed(f) && within(f))
        .or_else(|| failures.iter().position(failed))
}

fn each_unknown_reason<'v>(val: &'v Val, found: &mut impl FnMut(&'v str)) {
    match &val.v {
        V::Unknown(reason) => found(reason),
        V::List(items) => items.iter().for_each(|i| each_unknown_reason(i, found)),
        V::Map(entries) => entries
            .iter()
            .for_each(|(_, v)| each_unknown_reason(v, found)),
        _ => {}
    }
}
