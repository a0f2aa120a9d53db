//! The `AWS::LanguageExtensions` transform: `Fn::ForEach` loops are expanded on the syntax
//! tree before evaluation, as CloudFormation documents them ("Fn::ForEach", "Loop through
//! collections"; cfn-lint's expansion is the reference for the details):
//!
//! `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]` in any mapping
//! (Resources, Outputs, Conditions, properties) becomes one `OutputKey: OutputValue` entry
//! per collection item. In the copy, `${Identifier}` in keys and in `Fn::Sub` strings is the
//! item, `&{Identifier}` the item without its non-alphanumeric characters, and
//! `Ref: Identifier` the item itself; an `Fn::Sub` left without variables becomes a plain
//! string. Loops nest. The collection is a list or a function giving one (a
//! `CommaDelimitedList`/`List<...>` parameter, `Fn::FindInMap`). An output key whose value
//! is null generates nothing, as in cfn-lint: a YAML slip that puts a nested loop beside an
//! empty key (`- ${Type}:` then `Fn::ForEach::Az:` at the same indentation) deploys.
//!
//! Generated nodes keep the spans of the loop body, so findings point into it. A loop whose
//! collection is not known statically generates nothing and is recorded as a gap.

use super::eval::{scalar_string, Evaluator};
use super::node::{Entry, Kind, Node};
use crate::frontend::{Diagnostic, GapCause, V};

/// Loop bodies one template may instantiate (CloudFormation allows 500 resources; nested
/// loops over long lists must not exhaust memory).
const MAX_COPIES: usize = 10_000;

/// The transform's name in `Transform`.
pub(super) const TRANSFORM: &str = "AWS::LanguageExtensions";

pub(super) struct Expansion {
    pub root: Node,
    /// A loop generated nothing because its collection is unknown (names it would have
    /// created then resolve to unknown rather than to errors).
    pub incomplete: bool,
}

struct Expander<'e, 'a> {
    /// Evaluates collections: parameters, mappings, pseudo parameters.
    evaluator: &'e mut Evaluator<'a>,
    copies: usize,
    incomplete: bool,
    diagnostics: Vec<Diagnostic>,
}

/// Expands every `Fn::ForEach` in `root`; diagnostics go to `evaluator`.
pub(super) fn expand(root: &Node, evaluator: &mut Evaluator<'_>) -> Expansion {
    let mut expander = Expander {
        evaluator,
        copies: 0,
        incomplete: false,
        diagnostics: Vec::new(),
    };
    let root = expander.walk(root, &[]);
    let Expander {
        evaluator,
        incomplete,
        diagnostics,
        ..
    } = expander;
    evaluator.diagnostics.extend(diagnostics);
    Expansion { root, incomplete }
}

impl Expander<'_, '_> {
    /// A copy of `node` with the loop variables `bindings` substituted and nested loops
    /// expanded.
    fn walk(&mut self, node: &Node, bindings: &[(String, String)]) -> Node {
        let kind = match &node.kind {
            Kind::Seq(items) => Kind::Seq(items.iter().map(|i| self.walk(i, bindings)).collect()),
            Kind::Map(entries) => {
                if let Some(replaced) = self.substitute_function(node, bindings) {
                    return replaced;
                }
                let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
                for entry in entries {
                    if entry.key.starts_with("Fn::ForEach::") {
                        for generated in self.expand_loop(entry, bindings) {
                            self.push_unique(&mut out, generated);
                        }
                        continue;
                    }
                    let walked = Entry {
                        key: replace_placeholders(&entry.key, bindings),
                        key_span: entry.key_span,
                        value: self.walk(&entry.value, bindings),
                    };
                    self.push_unique(&mut out, walked);
                }
                Kind::Map(out)
            }
            other => other.clone(),
        };
        Node {
            span: node.span,
            kind,
        }
    }

    /// Adds an entry; a key made twice is an error (CloudFormation rejects the template).
    fn push_unique(&mut self, entries: &mut Vec<Entry>, entry: Entry) {
        if entries.iter().any(|e| e.key == entry.key) {
            self.diagnostics.push(Diagnostic::error(
                entry.key_span,
                format!("Fn::ForEach makes the key \"{}\" twice", entry.key),
            ));
            return;
        }
        entries.push(entry);
    }

    /// `Ref: Identifier`, `Fn::Sub` with placeholders and the functions whose arguments are
    /// not walked (`Fn::ToJsonString`, the condition name of `Fn::If`); `None` for any
    /// other mapping.
    fn substitute_function(&mut self, node: &Node, bindings: &[(String, String)]) -> Option<Node> {
        if bindings.is_empty() {
            return None;
        }
        let (function, arg) = node.intrinsic()?;
        let with = |kind: Kind| Node {
            span: node.span,
            kind,
        };
        let call = |arg: Node| {
            with(Kind::Map(vec![Entry {
                key: function.to_string(),
                key_span: node.as_map().map_or(node.span, |m| m[0].key_span),
                value: arg,
            }]))
        };
        match (function, &arg.kind) {
            ("Ref", Kind::Str(name)) => {
                let (_, value) = bindings.iter().rev().find(|(id, _)| id == name)?;
                Some(with(Kind::Str(value.clone())))
            }
            ("Fn::Sub", Kind::Str(template)) => {
                let replaced = replace_placeholders(template, bindings);
                Some(if has_placeholder(&replaced) {
                    call(Node {
                        span: arg.span,
                        kind: Kind::Str(replaced),
                    })
                } else {
                    with(Kind::Str(replaced))
                })
            }
            ("Fn::Sub", Kind::Seq(items)) => {
                let template = items.first()?.as_str()?;
                let replaced = replace_placeholders(template, bindings);
                if !has_placeholder(&replaced) {
                    return Some(with(Kind::Str(replaced)));
                }
                let mut walked: Vec<Node> = items.iter().map(|i| self.walk(i, bindings)).collect();
                walked[0].kind = Kind::Str(replaced);
                Some(call(Node {
                    span: arg.span,
                    kind: Kind::Seq(walked),
                }))
            }
            ("Fn::ToJsonString", _) => Some(node.clone()),
            ("Fn::If", Kind::Seq(items)) if items.len() == 3 => {
                let mut walked = vec![items[0].clone()];
                walked.extend(items[1..].iter().map(|i| self.walk(i, bindings)));
                Some(call(Node {
                    span: arg.span,
                    kind: Kind::Seq(walked),
                }))
            }
            _ => None,
        }
    }

    /// The entries one `Fn::ForEach::Name: [Identifier, Collection, {key: value}]` makes.
    fn expand_loop(&mut self, entry: &Entry, bindings: &[(String, String)]) -> Vec<Entry> {
        let span = entry.span();
        let (identifier, collection, template) = match entry.value.as_seq() {
            Some([identifier, collection, template]) => (identifier, collection, template),
            _ => {
                self.diagnostics.push(Diagnostic::error(
                    span,
                    format!(
                        "{} needs [Identifier, Collection, {{OutputKey: OutputValue}}]",
                        entry.key
                    ),
                ));
                return Vec::new();
            }
        };
        let (Some(identifier), Some(template)) = (identifier.as_str(), template.as_map()) else {
            self.diagnostics.push(Diagnostic::error(
                span,
                format!(
                    "{}: the identifier must be a string and the output a mapping",
                    entry.key
                ),
            ));
            return Vec::new();
        };
        let collection = self.walk(collection, bindings);
        let items = match self.collection(&collection) {
            Ok(items) => items,
            Err(reason) => {
                self.incomplete = true;
                self.diagnostics.push(Diagnostic::gap(
                    span,
                    GapCause::UnknownCount,
                    format!("{}: the collection is unknown ({reason}); what the loop generates is not analyzed", entry.key),
                ));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in items {
            if self.copies >= MAX_COPIES {
                self.incomplete = true;
                self.diagnostics.push(Diagnostic::gap(
                    span,
                    GapCause::BudgetExceeded,
                    format!("{}: loops generate more than {MAX_COPIES} copies; the rest is not analyzed", entry.key),
                ));
                break;
            }
            self.copies += 1;
            let mut inner = bindings.to_vec();
            inner.push((identifier.to_string(), item));
            let body = self.walk(
                &Node {
                    span: template_span(template, entry),
                    kind: Kind::Map(template.to_vec()),
                },
                &inner,
            );
            if let Kind::Map(entries) = body.kind {
                out.extend(
                    entries
                        .into_iter()
                        .filter(|e| !matches!(e.value.kind, Kind::Null)),
                );
            }
        }
        out
    }

    /// The strings of a loop collection, or why they are not known.
    fn collection(&mut self, node: &Node) -> Result<Vec<String>, String> {
        let value = self.evaluator.eval_detached(node);
        let Some(items) = value.as_list() else {
            return Err(match &value.v {
                V::Unknown(reason) => reason.clone(),
                _ => "not a list".to_string(),
            });
        };
        items
            .iter()
            .map(|item| match &item.v {
                V::Unknown(reason) => Err(reason.clone()),
                v => scalar_string(v).ok_or_else(|| "an item is not a string".to_string()),
            })
            .collect()
    }
}

fn template_span(template: &[Entry], entry: &Entry) -> crate::source::Span {
    match (template.first(), template.last()) {
        (Some(first), Some(last)) => crate::source::Span {
            file: first.key_span.file,
            start: first.key_span.start,
            end: last.span().end,
        },
        _ => entry.span(),
    }
}

/// `${Id}` → the item, `&{Id}` → the item without non-alphanumeric characters.
fn replace_placeholders(text: &str, bindings: &[(String, String)]) -> String {
    if !text.contains("{") {
        return text.to_string();
    }
    let mut out = text.to_string();
    for (identifier, value) in bindings {
        out = out.replace(&format!("${{{identifier}}}"), value);
        let alphanumeric: String = value.chars().filter(char::is_ascii_alphanumeric).collect();
        out = out.replace(&format!("&{{{identifier}}}"), &alphanumeric);
    }
    out
}

/// Whether `Fn::Sub` still has a variable to substitute: `${Name}` or `&{Name}`.
fn has_placeholder(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(2).enumerate().any(|(i, w)| {
        (w == b"${" || w == b"&{") && {
            let rest = &text[i + 2..];
            rest.find('}').is_some_and(|close| {
                close > 0
                    && rest[..close]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b':')
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        let bindings = [("Az".to_string(), "us-east-1a".to_string())];
        assert_eq!(
            replace_placeholders("Subnet&{Az}", &bindings),
            "Subnetuseast1a"
        );
        assert_eq!(replace_placeholders("${Az}-x", &bindings), "us-east-1a-x");
        assert!(has_placeholder("${AWS::Region}"));
        assert!(!has_placeholder("${!Literal}"));
        assert!(!has_placeholder("plain"));
    }
}
