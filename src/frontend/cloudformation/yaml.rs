//! YAML → [`Node`] from saphyr's parser events, so that we control every bound: nesting
//! depth, alias expansion (the same node budget as saphyr's own loader), duplicate keys,
//! and the YAML 1.1 scalar resolution CloudFormation uses.
//!
//! YAML 1.1 vs 1.2: CloudFormation documents that it "supports the YAML Version 1.1
//! specification" except the binary, omap, pairs, set and timestamp tags, aliases and hash
//! merges (User Guide, "Template formats"). So plain scalars resolve as YAML 1.1 does
//! (PyYAML/SnakeYAML regexes): `yes`/`no`/`on`/`off` are booleans, `0777` is octal (511),
//! `0x1F` hex, `0b101` binary, `1_000` and `1:30` (base 60) integers; `1e5` without a dot
//! stays a string. Timestamps are not supported, so `2010-09-09` stays a string.
//! Aliases are expanded anyway (within the budget): evaluating them does no harm.
//!
//! Indentation inside flow collections and quoted scalars: the YAML specification wants
//! their continuation lines indented deeper than the enclosing block, and saphyr enforces
//! it; PyYAML (cfn-lint's parser, and what CloudFormation accepts) does not look at it,
//! so templates close `]` at the key's column or continue a quoted string at the parent's.
//! Leading white space of such lines carries no meaning (it is folded away), so when
//! saphyr stops on exactly these errors the offending lines are indented in a copy of the
//! text and parsed again ([`Reindent`]); spans are mapped back to the original text.
//!
//! A lone `-` inside a flow collection (`!Split [-, !Ref Name]`): the YAML 1.2
//! specification does not let a plain scalar start with `-` before `,[]{}` and saphyr
//! refuses it, but PyYAML, SnakeYAML and libyaml read it as the string `-`, and
//! CloudFormation deploys such templates. Such a `-` is replaced in the copy by a letter
//! of the same length, parsed again, and read back as `-`.

use super::node::{self, Entry, Kind, Node, SyntaxError, MAX_DEPTH};
use crate::source::{FileId, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use std::collections::HashMap;

/// Total nodes that alias expansion may produce in one file (saphyr's loader default).
const ALIAS_BUDGET: usize = 100_000;

/// Indentation repairs (see the module documentation) one file may need before giving up.
const MAX_REINDENTS: usize = 256;
/// Bytes all the parses of one file may read: each repair parses the file again, so a
/// large file gets fewer repairs (a template CloudFormation accepts is at most 1 MB).
const REINDENT_BYTES: usize = 8 << 20;

/// What the copy given to saphyr changes: spaces inserted at line starts of the original
/// text (`(byte offset, count)`, sorted) and lone `-` scalars of flow collections replaced
/// by [`DASH_STAND_IN`] (original byte offsets).
#[derive(Default)]
struct Reindent {
    insertions: Vec<(usize, usize)>,
    dashes: Vec<usize>,
}

/// Stands for a lone `-` in the copy: one byte, like `-`, so offsets do not move.
const DASH_STAND_IN: char = 'x';

impl Reindent {
    fn is_empty(&self) -> bool {
        self.insertions.is_empty() && self.dashes.is_empty()
    }

    fn apply(&self, text: &str) -> String {
        let mut text = text.to_string();
        for &at in &self.dashes {
            text.replace_range(at..at + 1, DASH_STAND_IN.encode_utf8(&mut [0; 4]));
        }
        let extra: usize = self.insertions.iter().map(|(_, n)| n).sum();
        let mut out = String::with_capacity(text.len() + extra);
        let mut from = 0;
        for &(at, count) in &self.insertions {
            out.push_str(&text[from..at]);
            out.extend(std::iter::repeat_n(' ', count));
            from = at;
        }
        out.push_str(&text[from..]);
        out
    }

    /// Maps offsets of the repaired text back to the original text.
    fn to_original(&self) -> ToOriginal {
        let mut shift = 0;
        let insertions = self
            .insertions
            .iter()
            .map(|&(at, count)| {
                let entry = (at + shift, count, shift);
                shift += count;
                entry
            })
            .collect();
        ToOriginal { insertions }
    }

    /// The indentation of the line starting at `line_start` (original offset) in the
    /// repaired text.
    fn indentation(&self, text: &str, line_start: usize) -> usize {
        let rest = &text[line_start..];
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let inserted = match self
            .insertions
            .binary_search_by_key(&line_start, |(at, _)| *at)
        {
            Ok(i) => self.insertions[i].1,
            Err(_) => 0,
        };
        blanks + inserted
    }

    /// Indents the line starting at `line_start` (original offset) to at least `column`
    /// characters; false when it already is.
    fn indent_line(&mut self, text: &str, line_start: usize, column: usize) -> bool {
        let indentation = self.indentation(text, line_start);
        if indentation >= column {
            return false;
        }
        let count = column - indentation;
        match self
            .insertions
            .binary_search_by_key(&line_start, |(at, _)| *at)
        {
            Ok(i) => self.insertions[i].1 += count,
            Err(i) => self.insertions.insert(i, (line_start, count)),
        }
        true
    }

    /// Repairs the error saphyr reported at original offset `at`; false when it is not an
    /// indentation error inside a flow collection or quoted scalar, nor a lone `-` in a flow
    /// collection (or cannot be repaired).
    fn repair(&mut self, text: &str, message: &str, at: usize) -> bool {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        match message {
            // `at` is the opening quote: every continuation line goes to its column.
            "invalid indentation in quoted scalar" => {
                let column = text[line_start..at].chars().count();
                let Some(end) = quoted_end(text, at) else {
                    return false;
                };
                let mut changed = false;
                for (i, _) in text[at..end].match_indices('\n') {
                    let start = at + i + 1;
                    let line = text[start..].split('\n').next().unwrap_or("");
                    if !line.trim().is_empty() {
                        changed |= self.indent_line(text, start, column);
                    }
                }
                changed
            }
            // A token of a flow collection left of the block indentation: one column deeper
            // than the previous non-blank line (repeated while saphyr still objects).
            "invalid indentation" | "invalid indentation in flow construct" => {
                let previous = previous_line_start(text, line_start)
                    .map_or(0, |start| self.indentation(text, start));
                let own = self.indentation(text, line_start);
                self.indent_line(text, line_start, (previous + 1).max(own + 1))
            }
            "plain scalar cannot start with '-' followed by ,[]{}" => self.lone_dash(text, at),
            _ => false,
        }
    }

    /// Marks the `-` at `at` as a lone `-` scalar when it starts a flow collection's item
    /// or value (after `[`, `{`, `,`, `:` or `?`); false otherwise (`[a -,]` is not one).
    fn lone_dash(&mut self, text: &str, at: usize) -> bool {
        let starts_item = text[..at].trim_end().ends_with(['[', '{', ',', ':', '?']);
        if text.as_bytes().get(at) != Some(&b'-') || !starts_item || self.dashes.contains(&at) {
            return false;
        }
        self.dashes.push(at);
        true
    }
}

/// Offsets of a repaired text → original offsets: `(repaired offset, count, spaces
/// inserted before)` per insertion, sorted.
struct ToOriginal {
    insertions: Vec<(usize, usize, usize)>,
}

impl ToOriginal {
    /// Inserted spaces map to the line start they were inserted at.
    fn offset(&self, repaired: usize) -> usize {
        let i = self
            .insertions
            .partition_point(|&(at, _, _)| at <= repaired);
        match i.checked_sub(1).map(|i| self.insertions[i]) {
            None => repaired,
            Some((at, count, before)) if repaired < at + count => at - before,
            Some((_, count, before)) => repaired - before - count,
        }
    }
}

/// The start of the last non-blank line before the line starting at `line_start`.
fn previous_line_start(text: &str, line_start: usize) -> Option<usize> {
    let mut end = line_start.checked_sub(1)?;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        if !text[start..end].trim().is_empty() {
            return Some(start);
        }
        end = start.checked_sub(1)?;
    }
}

/// The offset just past the quoted scalar whose opening quote is at `start`.
fn quoted_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.get(start)?;
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 1,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            b if b == quote => return Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Converts saphyr's character indices to byte offsets; the only place that does.
pub(super) struct CharOffsets {
    /// Byte offset of each char index; empty when the text is ASCII (index == offset).
    table: Vec<u32>,
    len: usize,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i as u32).collect()
        };
        CharOffsets {
            table,
            len: text.len(),
        }
    }

    pub fn byte(&self, char_index: usize) -> usize {
        if self.table.is_empty() {
            char_index.min(self.len)
        } else {
            self.table
                .get(char_index)
                .map(|&b| b as usize)
                .unwrap_or(self.len)
        }
    }
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        tag: Option<Tag>,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        tag: Option<Tag>,
        entries: Vec<Entry>,
        key: Option<(String, Span)>,
    },
}

/// A finished node, with the raw text when it was an untagged scalar (mapping keys use it).
struct Done {
    node: Node,
    raw_key: Option<String>,
}

struct Builder {
    file: FileId,
    /// Original offsets of lone `-` scalars that the parsed copy has replaced.
    dashes: Vec<usize>,
    offsets: CharOffsets,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    alias_budget: usize,
    root: Option<Node>,
    documents: usize,
}

pub(super) fn parse(file: FileId, text: &str) -> Result<Option<Node>, SyntaxError> {
    let mut reindent = Reindent::default();
    let mut first_error = None;
    let attempts = MAX_REINDENTS.min(REINDENT_BYTES / text.len().max(1));
    for _ in 0..=attempts {
        let repaired = (!reindent.is_empty()).then(|| reindent.apply(text));
        let error = match parse_once(
            file,
            repaired.as_deref().unwrap_or(text),
            &reindent.to_original(),
            &reindent.dashes,
        ) {
            Ok(root) => return Ok(root),
            Err(error) => error,
        };
        let at = error.span.start as usize;
        let repairable = error
            .message
            .strip_prefix("invalid YAML: ")
            .is_some_and(|message| reindent.repair(text, message, at));
        let error = first_error.get_or_insert(error).clone();
        if !repairable {
            return Err(error);
        }
    }
    Err(first_error.unwrap_or_else(|| SyntaxError {
        message: "invalid YAML".into(),
        span: Span::file_start(file),
    }))
}

/// One parse of `text` (the original or a repaired copy); spans are of the original.
fn parse_once(
    file: FileId,
    text: &str,
    original: &ToOriginal,
    dashes: &[usize],
) -> Result<Option<Node>, SyntaxError> {
    let mut builder = Builder {
        file,
        dashes: dashes.to_vec(),
        offsets: CharOffsets::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_budget: ALIAS_BUDGET,
        root: None,
        documents: 0,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        match event {
            Ok((event, span)) => {
                let start = builder.offsets.byte(span.start.index());
                let end = builder.offsets.byte(span.end.index());
                // A flow collection ends at its closing bracket; a block one at its last child.
                let closes_flow = matches!(text.as_bytes().get(start), Some(b']' | b'}'));
                builder.on_event(
                    event,
                    original.offset(start),
                    original.offset(end),
                    closes_flow,
                )?;
            }
            Err(e) => {
                let at = original.offset(builder.offsets.byte(e.marker().index()));
                return Err(SyntaxError {
                    message: format!("invalid YAML: {}", e.info()),
                    span: Span::new(file, at, at),
                });
            }
        }
    }
    Ok(builder.root)
}

impl Builder {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn error(&self, message: impl Into<String>, start: usize, end: usize) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            span: self.span(start, end),
        }
    }

    fn on_event(
        &mut self,
        event: Event<'_>,
        start: usize,
        end: usize,
        closes_flow: bool,
    ) -> Result<(), SyntaxError> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(self.error(
                        "a template must be a single YAML document",
                        start,
                        end,
                    ));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let value = if style == ScalarStyle::Plain && self.dashes.contains(&start) {
                    "-".into()
                } else {
                    value
                };
                let done = self.scalar(&value, style, tag.as_deref(), start, end)?;
                self.remember(anchor, &done.node);
                self.push(done)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.check_depth(start, end)?;
                self.stack.push(Frame::Seq {
                    start,
                    anchor,
                    tag: tag.map(|t| t.into_owned()),
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.check_depth(start, end)?;
                self.stack.push(Frame::Map {
                    start,
                    anchor,
                    tag: tag.map(|t| t.into_owned()),
                    entries: Vec::new(),
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let done = self.close(frame, end, closes_flow)?;
                self.push(done)?;
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(self.error("alias to an unknown anchor", start, end));
                };
                if !within_budget(target, &mut self.alias_budget) {
                    return Err(self.error(
                        format!(
                            "YAML alias expansion exceeds {ALIAS_BUDGET} nodes (possible billion-laughs attack)"
                        ),
                        start,
                        end,
                    ));
                }
                let node = target.clone();
                self.push(Done {
                    node,
                    raw_key: None,
                })?;
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
        Ok(())
    }

    fn check_depth(&self, start: usize, end: usize) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(
                format!("nesting deeper than {MAX_DEPTH} levels"),
                start,
                end,
            ));
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    fn close(
        &mut self,
        frame: Frame,
        end_end: usize,
        closes_flow: bool,
    ) -> Result<Done, SyntaxError> {
        let (start, anchor, tag, kind, last_end) = match frame {
            Frame::Seq {
                start,
                anchor,
                tag,
                items,
            } => {
                let last = items.last().map(|n| n.span.end as usize);
                (start, anchor, tag, Kind::Seq(items), last)
            }
            Frame::Map {
                start,
                anchor,
                tag,
                entries,
                key,
            } => {
                if let Some((_, key_span)) = key {
                    // Cannot happen with a well-formed event stream; keep the key's position.
                    return Err(SyntaxError {
                        message: "mapping key without a value".into(),
                        span: key_span,
                    });
                }
                if let Some(dup) = node::find_duplicate(&entries) {
                    return Err(node::duplicate_error(dup));
                }
                let last = entries.last().map(|e| e.value.span.end as usize);
                (start, anchor, tag, Kind::Map(entries), last)
            }
        };
        let end = if closes_flow || last_end.is_none() {
            end_end
        } else {
            last_end.unwrap_or(end_end)
        };
        let node = Node {
            span: self.span(start, end.max(start)),
            kind,
        };
        let node = match tag {
            None => node,
            Some(tag) => self.apply_tag(&tag, node, None)?,
        };
        self.remember(anchor, &node);
        Ok(Done {
            node,
            raw_key: None,
        })
    }

    fn scalar(
        &self,
        value: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        start: usize,
        end: usize,
    ) -> Result<Done, SyntaxError> {
        let span = self.span(start, end);
        match tag {
            // The non-specific tag `!`: PyYAML resolves the scalar as if it were plain,
            // whatever its style (`! "10"` is the number 10).
            Some(tag) if is_non_specific(tag) => Ok(Done {
                node: Node {
                    span,
                    kind: resolve_plain(value),
                },
                raw_key: Some(value.to_string()),
            }),
            None => {
                let kind = if style == ScalarStyle::Plain {
                    resolve_plain(value)
                } else {
                    Kind::Str(value.to_string())
                };
                Ok(Done {
                    node: Node { span, kind },
                    raw_key: Some(value.to_string()),
                })
            }
            Some(tag) => {
                let inner = Node {
                    span,
                    kind: Kind::Str(value.to_string()),
                };
                Ok(Done {
                    node: self.apply_tag(tag, inner, Some(value))?,
                    raw_key: None,
                })
            }
        }
    }

    /// Short-form function tags become `{Fn::X: node}`; core-schema tags force a type.
    fn apply_tag(&self, tag: &Tag, node: Node, scalar: Option<&str>) -> Result<Node, SyntaxError> {
        let span = node.span;
        let bad = |message: String| SyntaxError { message, span };
        if is_non_specific(tag) {
            return Ok(node);
        }
        if tag.handle == "!" {
            let Some(function) = node::long_form(&tag.suffix) else {
                return Err(bad(format!(
                    "unknown intrinsic function tag \"!{}\"",
                    tag.suffix
                )));
            };
            return Ok(Node {
                span,
                kind: Kind::Map(vec![Entry {
                    key: function,
                    key_span: span,
                    value: node,
                }]),
            });
        }
        if tag.is_yaml_core_schema() {
            let kind = match (tag.suffix.as_str(), scalar) {
                ("str", Some(s)) => Kind::Str(s.to_string()),
                ("int" | "float" | "bool" | "null", Some(s)) => match resolve_plain(s) {
                    kind @ (Kind::Number(_) | Kind::Bool(_) | Kind::Null) => kind,
                    _ => return Err(bad(format!("\"{s}\" is not a valid !!{}", tag.suffix))),
                },
                ("seq", None) | ("map", None) => node.kind,
                _ => {
                    return Err(bad(format!(
                        "CloudFormation does not support the YAML tag \"!!{}\"",
                        tag.suffix
                    )))
                }
            };
            return Ok(Node { span, kind });
        }
        Err(bad(format!("unsupported YAML tag \"{tag}\"")))
    }

    fn push(&mut self, done: Done) -> Result<(), SyntaxError> {
        let file = self.file;
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(done.node);
                }
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(done.node);
                Ok(())
            }
            Some(Frame::Map { entries, key, .. }) => {
                match key.take() {
                    None => {
                        let Some(raw) = done.raw_key else {
                            return Err(SyntaxError {
                                message: "a mapping key must be a plain string".into(),
                                span: done.node.span,
                            });
                        };
                        *key = Some((raw, done.node.span));
                    }
                    Some((name, key_span)) => entries.push(Entry {
                        key: name,
                        key_span: Span { file, ..key_span },
                        value: done.node,
                    }),
                }
                Ok(())
            }
        }
    }
}

/// The non-specific tag `!` (saphyr: empty handle, suffix `!`): a plain string, sequence
/// or mapping.
fn is_non_specific(tag: &Tag) -> bool {
    tag.handle.is_empty() && tag.suffix == "!"
}

/// Counts `node`'s nodes against `budget`; false (budget exhausted) as soon as it runs out.
fn within_budget(node: &Node, budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match &node.kind {
        Kind::Seq(items) => items.iter().all(|n| within_budget(n, budget)),
        Kind::Map(entries) => entries.iter().all(|e| within_budget(&e.value, budget)),
        _ => true,
    }
}

/// YAML 1.1 resolution of an untagged plain scalar (see the module documentation).
pub(super) fn resolve_plain(s: &str) -> Kind {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Kind::Bool(true)
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Kind::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Kind::Number(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Kind::Number(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Kind::Number(f64::NAN),
        _ => {}
    }
    match resolve_int(s).or_else(|| resolve_float(s)) {
        Some(n) => Kind::Number(n),
        None => Kind::Str(s.to_string()),
    }
}

fn split_sign(s: &str) -> (f64, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (-1.0, &s[1..]),
        Some(b'+') => (1.0, &s[1..]),
        _ => (1.0, s),
    }
}

fn digits_in_radix(s: &str, radix: u32) -> Option<f64> {
    let mut value = 0f64;
    let mut any = false;
    for c in s.chars() {
        if c == '_' {
            continue;
        }
        value = value * radix as f64 + c.to_digit(radix)? as f64;
        any = true;
    }
    any.then_some(value)
}

fn resolve_int(s: &str) -> Option<f64> {
    let (sign, body) = split_sign(s);
    let magnitude = if let Some(bin) = body.strip_prefix("0b") {
        digits_in_radix(bin, 2)?
    } else if let Some(hex) = body.strip_prefix("0x") {
        digits_in_radix(hex, 16)?
    } else if body == "0" {
        0.0
    } else if let Some(oct) = body.strip_prefix('0') {
        digits_in_radix(oct, 8)?
    } else if body.contains(':') {
        // Base 60: `1:30` is 90.
        let mut value = 0f64;
        for (i, part) in body.split(':').enumerate() {
            let first_digit = part.chars().next()?;
            if i == 0 && !('1'..='9').contains(&first_digit) {
                return None;
            }
            if i > 0 && (part.len() > 2 || digits_in_radix(part, 10)? >= 60.0) {
                return None;
            }
            value = value * 60.0 + digits_in_radix(part, 10)?;
        }
        value
    } else {
        if !body.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        digits_in_radix(body, 10)?
    };
    Some(sign * magnitude)
}

fn resolve_float(s: &str) -> Option<f64> {
    // YAML 1.1: [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?  (a dot is required).
    let (sign, body) = split_sign(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_part, frac_part) = mantissa.split_once('.')?;
    let ok_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit() || c == '_');
    if !ok_digits(int_part)
        || !ok_digits(frac_part)
        || (int_part.is_empty() && frac_part.is_empty())
    {
        return None;
    }
    if int_part.starts_with('_') {
        return None;
    }
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['+', '-'])?;
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let cleaned: String = mantissa.chars().filter(|&c| c != '_').collect();
    let text = match exponent {
        Some(exp) => format!("{cleaned}e{exp}"),
        None => cleaned,
    };
    let value: f64 = text.parse().ok()?;
    Some(sign * value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(s: &str) -> Option<f64> {
        match resolve_plain(s) {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }

    #[test]
    fn yaml_1_1_scalars() {
        assert!(matches!(resolve_plain("yes"), Kind::Bool(true)));
        assert!(matches!(resolve_plain("Off"), Kind::Bool(false)));
        assert!(matches!(resolve_plain("y"), Kind::Str(_)));
        assert_eq!(number("0777"), Some(511.0));
        assert_eq!(number("0x1F"), Some(31.0));
        assert_eq!(number("0b101"), Some(5.0));
        assert_eq!(number("1_000"), Some(1000.0));
        assert_eq!(number("1:30"), Some(90.0));
        assert_eq!(number("-12"), Some(-12.0));
        assert_eq!(number("1.10"), Some(1.1));
        assert_eq!(number("1.5e+3"), Some(1500.0));
        assert_eq!(number("1e5"), None);
        assert_eq!(number("089"), None);
        assert_eq!(number("10.0.0.0"), None);
        assert_eq!(number("2010-09-09"), None);
        assert!(matches!(resolve_plain("~"), Kind::Null));
    }

    #[test]
    fn char_indices_become_byte_offsets() {
        let offsets = CharOffsets::new("aé:b");
        assert_eq!(offsets.byte(0), 0);
        assert_eq!(offsets.byte(1), 1);
        assert_eq!(offsets.byte(2), 3);
        assert_eq!(offsets.byte(4), 5);
        assert_eq!(offsets.byte(99), 5);
        assert_eq!(CharOffsets::new("abc").byte(2), 2);
    }

    #[test]
    fn tagged_scalar_span_covers_the_tag() {
        let text = "A: !Ref Vpc\nB: é\nC: !GetAtt [X, Y]\n";
        let root = parse(FileId(0), text).ok().flatten();
        let root = root.as_ref();
        let a = root.and_then(|r| r.get("A")).map(|n| n.span);
        assert_eq!(
            a.map(|s| &text[s.start as usize..s.end as usize]),
            Some("!Ref Vpc")
        );
        let c = root.and_then(|r| r.get("C")).map(|n| n.span);
        assert_eq!(
            c.map(|s| &text[s.start as usize..s.end as usize]),
            Some("!GetAtt [X, Y]")
        );
        let b = root.and_then(|r| r.entry("B")).map(|e| e.value.span);
        assert_eq!(
            b.map(|s| &text[s.start as usize..s.end as usize]),
            Some("é")
        );
    }

    #[test]
    fn lone_dash_in_a_flow_collection_is_the_string_dash() {
        let text = "A: [-, x, [a, -], {k: -}]\nB: [\n  -,\n  é]\nC: x-y\n";
        let root = parse(FileId(0), text).ok().flatten();
        let root = root.as_ref().expect("parses");
        let strings = |node: &Node| -> Vec<String> {
            match &node.kind {
                Kind::Seq(items) => items
                    .iter()
                    .map(|n| match &n.kind {
                        Kind::Str(s) => s.clone(),
                        Kind::Seq(_) => "[..]".into(),
                        _ => "{..}".into(),
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        let a = root.get("A").expect("A");
        assert_eq!(strings(a), ["-", "x", "[..]", "{..}"]);
        let Kind::Seq(items) = &a.kind else { panic!() };
        assert_eq!(strings(&items[2]), ["a", "-"]);
        assert!(matches!(&items[3].get("k").expect("k").kind, Kind::Str(s) if s == "-"));
        let b = root.get("B").expect("B");
        assert_eq!(strings(b), ["-", "é"]);
        let Kind::Seq(items) = &b.kind else { panic!() };
        let span = items[0].span;
        assert_eq!(&text[span.start as usize..span.end as usize], "-");
        assert!(matches!(&root.get("C").expect("C").kind, Kind::Str(s) if s == "x-y"));
    }

    /// PyYAML reads `a -` here; not repaired (a `-` after a space inside a plain scalar of
    /// a flow collection), so the file stays a parse error rather than being misread.
    #[test]
    fn a_dash_inside_a_flow_scalar_stays_an_error() {
        assert!(parse(FileId(0), "A: [a -, b]\n").is_err());
    }
}
