//! Applying in-source suppressions found by the frontends to findings.
//!
//! A finding is suppressed by a suppression that lists its rule and whose `applies_to`
//! span contains the finding's primary span. Suppressed findings are kept (SARIF reports
//! them with the reason); a suppression entry that suppressed nothing, or names an unknown
//! rule, and a malformed suppression, become an `unused-suppression` note at the
//! suppression.

use crate::config::suggest;
use crate::frontend::Suppression;
use crate::rules::{Finding, Label, RuleMeta, UNUSED_SUPPRESSION};
use crate::source::FileId;
use std::collections::HashMap;

/// A finding silenced by an in-source suppression or a baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub finding: Finding,
    pub reason: Option<String>,
    pub kind: SuppressionKind,
}

/// Where a suppression comes from (SARIF `suppression.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// A comment or `Metadata` in the source.
    InSource,
    /// An entry of the `--baseline` file.
    Baseline,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::InSource => "in-source",
            SuppressionKind::Baseline => "baseline",
        }
    }
}

#[derive(Debug, Default)]
pub struct Applied {
    pub active: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    /// `unused-suppression` notes, at their default level.
    pub unused: Vec<Finding>,
}

/// Splits `findings` into active and suppressed ones. `ran` tells whether a rule ran in
/// this run: a suppression of a rule that did not run is not reported as unused.
pub fn apply(
    findings: Vec<Finding>,
    suppressions: &[&Suppression],
    catalog: &[&RuleMeta],
    ran: impl Fn(&str) -> bool,
) -> Applied {
    let mut by_file: HashMap<FileId, Vec<usize>> = HashMap::new();
    for (index, suppression) in suppressions.iter().enumerate() {
        by_file
            .entry(suppression.applies_to.file)
            .or_default()
            .push(index);
    }
    // used[s][r]: whether rule entry r of suppression s suppressed something.
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.rules.len()])
        .collect();
    let mut applied = Applied::default();
    for finding in findings {
        let candidates = by_file
            .get(&finding.primary.span.file)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut reason = None;
        for &index in candidates {
            let suppression = suppressions[index];
            if !suppression.applies_to.contains(&finding.primary.span) {
                continue;
            }
            for (entry, rule) in suppression.rules.iter().enumerate() {
                if rule == finding.rule {
                    used[index][entry] = true;
                    reason.get_or_insert(suppression.reason.clone());
                }
            }
        }
        match reason {
            Some(reason) => applied.suppressed.push(Suppressed {
                finding,
                reason,
                kind: SuppressionKind::InSource,
            }),
            None => applied.active.push(finding),
        }
    }
    for (suppression, used) in suppressions.iter().zip(used) {
        if let Some(problem) = &suppression.problem {
            applied.unused.push(Finding {
                rule: UNUSED_SUPPRESSION.name,
                level: UNUSED_SUPPRESSION.level,
                message: problem.clone(),
                primary: Label::new(suppression.span, "", "this suppression"),
                related: Vec::new(),
                help: "write `# vpclint:ignore[rule-name] reason` in Terraform, `Metadata: {vpclint: {ignore: [rule-name], reason: ...}}` on a CloudFormation resource".into(),
            });
            continue;
        }
        for (rule, used) in suppression.rules.iter().zip(used) {
            let message = if !catalog.iter().any(|m| m.name == rule) {
                let hint = suggest(rule, catalog.iter().map(|m| m.name))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                format!("suppression names unknown rule `{rule}`{hint}")
            } else if !used && ran(rule) {
                format!("suppression of `{rule}` matches no finding")
            } else {
                continue;
            };
            applied.unused.push(Finding {
                rule: UNUSED_SUPPRESSION.name,
                level: UNUSED_SUPPRESSION.level,
                message,
                primary: Label::new(suppression.span, "", "this suppression"),
                related: Vec::new(),
                help: format!("remove `{rule}` from this suppression"),
            });
        }
    }
    applied
}
