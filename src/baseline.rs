//! Baselines: the findings a team accepted when it adopted vpclint, so that only new ones
//! fail. An entry matches a finding by its `vpclint/v1` fingerprint (rule, file, resource
//! address, message; not the line), so moving code does not bring accepted findings back.

use crate::rules::Finding;
use crate::suppress::{Suppressed, SuppressionKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// One accepted finding. Only the fingerprint matches; the rest tells a reviewer what was
/// accepted.
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub message: String,
}

/// The entries of a baseline file: fingerprint → rule.
pub fn load(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not a vpclint baseline: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if file.version != VERSION {
        return Err(format!(
            "{}: baseline version {} is not supported (this vpclint writes version {VERSION})",
            path.display(),
            file.version
        ));
    }
    Ok(file
        .findings
        .into_iter()
        .map(|e| (e.fingerprint, e.rule))
        .collect())
}

/// The baseline file for `entries`, sorted so that it diffs well under review.
pub fn render(mut entries: Vec<Entry>) -> String {
    entries.sort_by(|a, b| {
        (&a.path, &a.rule, &a.address, &a.fingerprint).cmp(&(
            &b.path,
            &b.rule,
            &b.address,
            &b.fingerprint,
        ))
    });
    entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let file = BaselineFile {
        version: VERSION,
        findings: entries,
    };
    serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
}

/// What a baseline did to a run's findings.
#[derive(Debug, Default)]
pub struct Applied {
    pub active: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    /// Entries of rules that ran that matched no finding: fixed since, or changed beyond
    /// recognition.
    pub stale: usize,
}

/// Moves the findings whose fingerprint is in `accepted` (fingerprint → rule) to
/// suppressed. `ran` tells whether a rule ran: an entry of a rule that did not is not stale.
pub fn apply(
    findings: Vec<Finding>,
    accepted: &BTreeMap<String, String>,
    fingerprint: impl Fn(&Finding) -> String,
    ran: impl Fn(&str) -> bool,
    reason: &str,
) -> Applied {
    let mut applied = Applied::default();
    let mut matched = BTreeSet::new();
    for finding in findings {
        let print = fingerprint(&finding);
        if accepted.contains_key(&print) {
            matched.insert(print);
            applied.suppressed.push(Suppressed {
                finding,
                reason: Some(reason.to_string()),
                kind: SuppressionKind::Baseline,
            });
        } else {
            applied.active.push(finding);
        }
    }
    applied.stale = accepted
        .iter()
        .filter(|(print, rule)| !matched.contains(*print) && ran(rule))
        .count();
    applied
}
