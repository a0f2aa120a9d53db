//! Terraform's JSON configuration syntax (`.tf.json`, `.tfvars.json`): JSON values where
//! strings are templates, mapped onto the same blocks and attributes as native syntax.

use super::config::{Attr, Block, Body, Expr};
use super::hcl::Template;
use crate::frontend::{Diagnostic, Severity};
use crate::source::{FileId, Span};
use jsonc_parser::ast::{ObjectPropName, Value as JsonValue};

/// A JSON value of a configuration file. Strings are parsed as templates once, here.
#[derive(Debug)]
pub(super) enum JsonExpr {
    Null(Span),
    Bool(bool, Span),
    Number(String, Span),
    /// A string without interpolations.
    String(String, Span),
    Template(Box<Template>, Span),
    Array(Vec<JsonExpr>, Span),
    /// Keys with their spans, in source order.
    Object(Vec<(String, Span, JsonExpr)>, Span),
}

impl JsonExpr {
    pub fn span(&self) -> Span {
        match self {
            JsonExpr::Null(s)
            | JsonExpr::Bool(_, s)
            | JsonExpr::Number(_, s)
            | JsonExpr::String(_, s)
            | JsonExpr::Template(_, s)
            | JsonExpr::Array(_, s)
            | JsonExpr::Object(_, s) => *s,
        }
    }
}

/// Parses strict JSON (no comments, no trailing commas) with byte spans.
pub(super) fn parse(text: &str, file: FileId) -> Result<JsonExpr, Diagnostic> {
    let options = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        ..Default::default()
    };
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &options).map_err(|e| {
        let range = e.range();
        Diagnostic {
            severity: Severity::Error,
            message: format!("invalid JSON: {}", e.kind()),
            span: Span::new(file, range.start, range.end),
            gap: None,
        }
    })?;
    match parsed.value {
        Some(value) => Ok(convert(value, file)),
        None => Err(Diagnostic {
            severity: Severity::Error,
            message: "invalid JSON: the file is empty".into(),
            span: Span::file_start(file),
            gap: None,
        }),
    }
}

fn convert(value: JsonValue, file: FileId) -> JsonExpr {
    let span = |r: jsonc_parser::common::Range| Span::new(file, r.start, r.end);
    match value {
        JsonValue::NullKeyword(n) => JsonExpr::Null(span(n.range)),
        JsonValue::BooleanLit(b) => JsonExpr::Bool(b.value, span(b.range)),
        JsonValue::NumberLit(n) => JsonExpr::Number(n.value.to_string(), span(n.range)),
        JsonValue::StringLit(s) => {
            let text = s.value.to_string();
            if text.contains("${") || text.contains("%{") {
                if let Ok(template) = super::hcl::parse_template(&text) {
                    return JsonExpr::Template(Box::new(template), span(s.range));
                }
            }
            JsonExpr::String(text, span(s.range))
        }
        JsonValue::Array(a) => JsonExpr::Array(
            a.elements.into_iter().map(|e| convert(e, file)).collect(),
            span(a.range),
        ),
        JsonValue::Object(o) => JsonExpr::Object(
            o.properties
                .into_iter()
                .map(|p| {
                    let (name, range) = match p.name {
                        ObjectPropName::String(s) => (s.value.to_string(), s.range),
                        ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                    };
                    (name, span(range), convert(p.value, file))
                })
                .collect(),
            span(o.range),
        ),
    }
}

/// The top-level blocks of a `.tf.json` file.
pub(super) fn parse_config(text: &str, file: FileId) -> Result<Vec<Block>, Diagnostic> {
    let root = parse(text, file)?;
    let JsonExpr::Object(entries, root_span) = root else {
        return Err(Diagnostic {
            severity: Severity::Error,
            message: "invalid Terraform JSON: the root must be an object".into(),
            span: root.span(),
            gap: None,
        });
    };
    let _ = root_span;
    let mut blocks = Vec::new();
    for (kind, _, value) in entries {
        match kind.as_str() {
            "resource" | "data" => {
                for (kind_label, _, by_name) in objects_of(value) {
                    for (name, name_span, bodies) in objects_of(by_name) {
                        for body in each_object(bodies) {
                            blocks.push(block(
                                &kind,
                                vec![kind_label.clone(), name.clone()],
                                name_span,
                                body,
                                BodyKind::Resource,
                            ));
                        }
                    }
                }
            }
            "variable" | "output" | "module" | "provider" => {
                for (name, name_span, bodies) in objects_of(value) {
                    for body in each_object(bodies) {
                        blocks.push(block(
                            &kind,
                            vec![name.clone()],
                            name_span,
                            body,
                            BodyKind::Attributes,
                        ));
                    }
                }
            }
            "locals" => {
                for body in each_object(value) {
                    let span = body.span();
                    blocks.push(block(&kind, Vec::new(), span, body, BodyKind::Attributes));
                }
            }
            _ => {}
        }
    }
    Ok(blocks)
}

#[derive(Clone, Copy, PartialEq)]
enum BodyKind {
    /// A resource: object-valued properties are nested blocks, except map attributes.
    Resource,
    /// Everything is an attribute (variables, outputs, module arguments, locals).
    Attributes,
}

/// Map-typed resource arguments that must stay attributes rather than nested blocks.
const MAP_ATTRIBUTES: &[&str] = &["tags", "tags_all", "triggers", "labels", "environment"];
const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];

fn objects_of(value: JsonExpr) -> Vec<(String, Span, JsonExpr)> {
    match value {
        JsonExpr::Object(entries, _) => entries,
        JsonExpr::Array(items, _) => items.into_iter().flat_map(objects_of).collect(),
        _ => Vec::new(),
    }
}

/// A block body given as one object or an array of objects.
fn each_object(value: JsonExpr) -> Vec<JsonExpr> {
    match value {
        JsonExpr::Array(items, _) => items
            .into_iter()
            .filter(|i| matches!(i, JsonExpr::Object(..)))
            .collect(),
        object @ JsonExpr::Object(..) => vec![object],
        _ => Vec::new(),
    }
}

fn block(
    kind: &str,
    labels: Vec<String>,
    name_span: Span,
    body: JsonExpr,
    body_kind: BodyKind,
) -> Block {
    let span = body.span();
    Block {
        kind: kind.to_string(),
        labels,
        body: body_of(body, body_kind),
        span,
        header: name_span,
    }
}

fn body_of(value: JsonExpr, kind: BodyKind) -> Body {
    let mut body = Body::default();
    let JsonExpr::Object(entries, _) = value else {
        return body;
    };
    for (name, key_span, value) in entries {
        if kind == BodyKind::Resource && !MAP_ATTRIBUTES.contains(&name.as_str()) {
            if META_BLOCKS.contains(&name.as_str()) {
                continue;
            }
            if name == "dynamic" {
                for (label, label_span, bodies) in objects_of(value) {
                    for dynamic in each_object(bodies) {
                        body.blocks.push(block(
                            "dynamic",
                            vec![label.clone()],
                            label_span,
                            dynamic,
                            BodyKind::Resource,
                        ));
                    }
                }
                continue;
            }
            let is_block = match &value {
                JsonExpr::Object(..) => true,
                JsonExpr::Array(items, _) => {
                    !items.is_empty() && items.iter().all(|i| matches!(i, JsonExpr::Object(..)))
                }
                _ => false,
            };
            if is_block {
                for nested in each_object(value) {
                    body.blocks.push(block(
                        &name,
                        Vec::new(),
                        key_span,
                        nested,
                        BodyKind::Resource,
                    ));
                }
                continue;
            }
        }
        let span = value.span();
        let expr = if name == "type" && kind == BodyKind::Attributes {
            type_expression(value)
        } else {
            Expr::Json(value)
        };
        body.attrs.push(Attr {
            name,
            expr,
            span,
            name_span: key_span,
        });
    }
    body
}

/// A variable's `type` is an expression written as a JSON string: `"list(string)"`.
fn type_expression(value: JsonExpr) -> Expr {
    if let JsonExpr::String(text, _) = &value {
        if let Ok(expr) = super::hcl::parse_expr(text) {
            return Expr::Hcl(expr);
        }
    }
    Expr::Json(value)
}
