//! Rendering of `vpclint reach` answers: text (verdict, then one line per hop) and the
//! JSON document of the contract (`version: 1`).

use crate::model::analysis::reach::{Answer, Hop, Traffic};
use crate::model::Protocol;
use crate::report::display_path;
use crate::source::SourceMap;
use serde_json::{json, Value};
use std::path::Path;

/// What the answer is about, as the user wrote it.
pub struct Query<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub traffic: Traffic,
}

/// `tcp`, `udp`, `icmp`, `all` (or the protocol number).
pub fn protocol_name(protocol: Protocol) -> String {
    match protocol {
        Protocol::All => "all".to_string(),
        Protocol::TCP => "tcp".to_string(),
        Protocol::UDP => "udp".to_string(),
        Protocol::ICMP => "icmp".to_string(),
        Protocol::Number(n) => n.to_string(),
    }
}

/// The file and 1-based line of a hop's resource.
fn locate(hop: &Hop, sources: &SourceMap, cwd: &Path) -> Option<(String, u32)> {
    let span = hop.span?;
    if span.file.0 as usize >= sources.len() {
        return None;
    }
    let file = sources.get(span.file);
    Some((
        display_path(&file.path, cwd),
        file.line_col(span.start).line,
    ))
}

fn hop_json(hop: &Hop, sources: &SourceMap, cwd: &Path) -> Value {
    let location = locate(hop, sources, cwd);
    json!({
        "kind": hop.kind.as_str(),
        "address": hop.address,
        "path": location.as_ref().map(|(path, _)| path),
        "line": location.as_ref().map(|(_, line)| line),
        "decision": hop.decision.as_str(),
        "detail": hop.detail,
    })
}

pub fn render_json(answer: &Answer, query: &Query, sources: &SourceMap, cwd: &Path) -> String {
    let hops =
        |hops: &[Hop]| -> Vec<Value> { hops.iter().map(|h| hop_json(h, sources, cwd)).collect() };
    let port = query
        .traffic
        .port
        .filter(|_| query.traffic.protocol.has_ports());
    let mut document = json!({
        "version": 1,
        "verdict": answer.verdict.as_str(),
        "from": query.from,
        "to": query.to,
        "protocol": protocol_name(query.traffic.protocol),
        "port": port,
        "forward": hops(&answer.forward),
        "return": hops(&answer.ret),
        "blocked_by": answer.blocked_by.as_ref().map(|h| hop_json(h, sources, cwd)),
    });
    if !answer.notes.is_empty() {
        document["notes"] = json!(answer.notes);
    }
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}

pub fn render_text(answer: &Answer, query: &Query, sources: &SourceMap, cwd: &Path) -> String {
    let traffic = match query.traffic.port {
        Some(port) if query.traffic.protocol.has_ports() => {
            format!("{} {port}", protocol_name(query.traffic.protocol))
        }
        _ => protocol_name(query.traffic.protocol),
    };
    let mut out = format!(
        "{}: {} -> {} ({traffic})\n",
        answer.verdict.as_str(),
        query.from,
        query.to
    );
    let section = |title: &str, hops: &[Hop], out: &mut String| {
        if hops.is_empty() {
            return;
        }
        out.push_str(title);
        out.push('\n');
        for hop in hops {
            let blocking = answer.blocked_by.as_ref() == Some(hop);
            let marker = if blocking { ">" } else { " " };
            let location = locate(hop, sources, cwd)
                .map(|(path, line)| format!("  ({path}:{line})"))
                .unwrap_or_default();
            let address = hop
                .address
                .as_ref()
                .map(|a| format!("{a}: "))
                .unwrap_or_default();
            out.push_str(&format!(
                "{marker} {:<8} {:<17} {address}{}{location}\n",
                hop.decision.as_str(),
                hop.kind.as_str(),
                hop.detail
            ));
        }
    };
    section("forward:", &answer.forward, &mut out);
    section("return:", &answer.ret, &mut out);
    if let Some(hop) = &answer.blocked_by {
        let what = match hop.decision.as_str() {
            "unknown" => "undecidable at",
            _ => "blocked by",
        };
        out.push_str(&format!(
            "{what} {} {}\n",
            hop.kind.as_str(),
            hop.address.as_deref().unwrap_or("(outside)")
        ));
    }
    for note in &answer.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}
