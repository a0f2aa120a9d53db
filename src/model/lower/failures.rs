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
        let held = HeldFailures::new(failures);
        let mut reached: Vec<Vec<String>> = vec![Vec::new(); failures.len()];
        let mut seen: HashSet<(usize, String)> = HashSet::new();
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
                    if let Some(failure) = held.of(res, reason) {
                        let what = format!("{}.{name}", res.address);
                        if seen.insert((failure, what.clone())) {
                            reached[failure].push(what);
                        }
                    }
                });
            }
        }
        // One gap per failing expression: each instance of a counted resource fails on its
        // own values, and says so in one place.
        let mut by_expression: Vec<(Span, &str, Vec<String>, usize)> = Vec::new();
        let mut position: HashMap<Span, usize> = HashMap::new();
        for (failure, what) in failures.iter().zip(reached) {
            if what.is_empty() {
                continue;
            }
            match position.get(&failure.span) {
                Some(&at) => {
                    by_expression[at].2.extend(what);
                    by_expression[at].3 += 1;
                }
                None => {
                    position.insert(failure.span, by_expression.len());
                    by_expression.push((failure.span, &failure.message, what, 1));
                }
            }
        }
        for (span, message, what, count) in by_expression {
            let what = match what.len() {
                1 => format!("{} is", what[0]),
                2..=SHOWN => format!("{} are", what.join(", ")),
                n => format!("{} and {} more are", what[..SHOWN].join(", "), n - SHOWN),
            };
            let others = match count {
                1 => String::new(),
                n => format!(" (and {} more failures of it, on other values)", n - 1),
            };
            self.diagnostics.push(Diagnostic::gap(
                span,
                GapCause::EvaluationFailed,
                format!("{what} unknown: this expression fails: {message}{others}"),
            ));
        }
    }
}

/// The note of a failure that became a gap says nothing more: the gap stands for it. A
/// note is the failure's message, or ends with it after a `: ` (`cidr_block: <message>`).
pub(super) fn drop_superseded_notes(unit: &mut Unit, gaps: &[Diagnostic]) {
    let failed: HashSet<Span> = gaps
        .iter()
        .filter(|g| g.gap == Some(GapCause::EvaluationFailed))
        .map(|g| g.span)
        .collect();
    if failed.is_empty() {
        return;
    }
    let failures: HashSet<(Span, &str)> = unit
        .failures
        .iter()
        .filter(|f| failed.contains(&f.span))
        .map(|f| (f.span, f.message.as_str()))
        .collect();
    let superseded = |d: &Diagnostic| {
        let suffixes = std::iter::once(d.message.as_str()).chain(
            d.message
                .match_indices(": ")
                .map(|(at, _)| &d.message[at + 2..]),
        );
        d.severity == Severity::Note
            && d.gap.is_none()
            && suffixes
                .into_iter()
                .any(|m| failures.contains(&(d.span, m)))
    };
    unit.diagnostics.retain(|d| !superseded(d));
}

/// How many of the arguments a failure leaves unknown its gap names.
const SHOWN: usize = 4;

/// Up to how many `: ` of a reason are tried as the start of a failure's message.
const MAX_WRAPPINGS: usize = 16;

/// Up to how many distinct failure messages a reason is searched for one it contains.
const MAX_SCANNED_MESSAGES: usize = 256;

/// Which failure an unknown value holds: the one whose message its reason is, or ends with
/// after a `: ` (by lookup: a failure per instance of a counted resource makes thousands,
/// and "numbered 300" must not take "numbered 3000"), else the first whose message its
/// reason contains. Two expressions may fail alike: the one in the
/// resource's own block is the one it holds.
struct HeldFailures<'f> {
    failures: &'f [EvaluationFailure],
    by_message: HashMap<&'f str, Vec<usize>>,
}

impl<'f> HeldFailures<'f> {
    fn new(failures: &'f [EvaluationFailure]) -> Self {
        let mut by_message: HashMap<&str, Vec<usize>> = HashMap::new();
        for (index, failure) in failures.iter().enumerate() {
            if !failure.message.is_empty() {
                by_message.entry(&failure.message).or_default().push(index);
            }
        }
        HeldFailures {
            failures,
            by_message,
        }
    }

    fn of(&self, res: &Resource, reason: &str) -> Option<usize> {
        let within = |&index: &usize| {
            let f = &self.failures[index];
            f.span.file == res.span.file
                && res.span.start <= f.span.start
                && f.span.end <= res.span.end
        };
        // The reason itself, or what follows one of its `: ` (`cidr_block: <message>`).
        let suffixes = std::iter::once(reason).chain(
            reason
                .match_indices(": ")
                .take(MAX_WRAPPINGS)
                .map(|(at, _)| &reason[at + 2..]),
        );
        for suffix in suffixes {
            if let Some(alike) = self.by_message.get(suffix) {
                return alike
                    .iter()
                    .copied()
                    .find(within)
                    .or(alike.first().copied());
            }
        }
        // A reason that holds a message elsewhere is rare: scanning for it is bounded, so
        // that the unrelated unknowns of thousands of failing instances stay linear.
        if self.by_message.len() > MAX_SCANNED_MESSAGES {
            return None;
        }
        let contained: Vec<usize> = self
            .by_message
            .iter()
            .filter(|(message, _)| reason.contains(**message))
            .flat_map(|(_, indices)| indices.iter().copied())
            .collect();
        contained
            .iter()
            .copied()
            .filter(within)
            .min()
            .or(contained.iter().copied().min())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::V;
    use crate::source::FileId;

    #[test]
    fn a_wrapped_failure_is_found_among_many_distinct_ones() {
        let failures: Vec<EvaluationFailure> = (0..MAX_SCANNED_MESSAGES * 2)
            .map(|i| EvaluationFailure {
                span: Span::new(FileId(0), i * 10, i * 10 + 5),
                message: format!("numbered {i}"),
            })
            .collect();
        let span = Span::new(FileId(1), 0, 10);
        let res = Resource {
            kind: "aws_subnet".into(),
            address: "aws_subnet.s".into(),
            span,
            name_span: span,
            attrs: Val::new(span, V::Null),
            region: None,
            called_from: Default::default(),
        };
        let held = HeldFailures::new(&failures);
        assert_eq!(held.of(&res, "numbered 30"), Some(30));
        assert_eq!(held.of(&res, "cidr_block: numbered 300"), Some(300));
        assert_eq!(held.of(&res, "a: b: numbered 3"), Some(3));
        assert_eq!(held.of(&res, "numbered 3000"), None);
    }
}
