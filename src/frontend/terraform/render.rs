//! Evaluated values as the frontend's [`Val`]s, keeping the spans of literal list elements
//! and object values where the expression is a literal.

use super::config::Expr;
use super::hcl::{ExprKind, Expression, ObjectKey};
use super::json::JsonExpr;
use super::value::Value;
use crate::frontend::{Val, V};
use crate::source::Span;

/// `value` as a [`Val`], moving its strings (a resource nothing refers to keeps no value).
pub(super) fn into_val(value: Value, expr: &Expr, span: Span) -> Val {
    match expr {
        Expr::Hcl(e) => from_hcl(value, Some(e), span),
        Expr::Json(j) => from_json(value, Some(j), span),
    }
}

fn hcl_span(expr: &Expression, outer: Span) -> Span {
    Span::new(
        outer.file,
        expr.range.start as usize,
        expr.range.end as usize,
    )
}

fn from_hcl(value: Value, expr: Option<&Expression>, span: Span) -> Val {
    let expr = match expr.map(|e| &e.kind) {
        Some(ExprKind::Parenthesis(inner)) => Some(&**inner),
        _ => expr,
    };
    // A set's elements are in its own order, not the literal's.
    let listed = matches!(value, Value::List(_));
    let v = match value {
        Value::List(items) | Value::Set(items) => {
            let elements = match expr.map(|e| &e.kind) {
                Some(ExprKind::Array(a)) if listed && a.len() == items.len() => Some(a),
                _ => None,
            };
            V::List(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| match elements.and_then(|e| e.get(i)) {
                        Some(e) => from_hcl(item, Some(e), hcl_span(e, span)),
                        None => from_hcl(item, None, span),
                    })
                    .collect(),
            )
        }
        Value::Map(entries) => V::Map(
            entries
                .into_iter()
                .map(|(key, item)| {
                    // The last item of a key: a repeated key keeps its last value.
                    let element = match expr.map(|e| &e.kind) {
                        Some(ExprKind::Object(items)) => items.iter().rev().find_map(|item| {
                            let name = match &item.key {
                                ObjectKey::Ident(i) => &*i.name,
                                ObjectKey::Expression(e) => match &e.kind {
                                    ExprKind::String(s) | ExprKind::Variable(s) => &**s,
                                    _ => return None,
                                },
                            };
                            (name == key).then_some(&item.value)
                        }),
                        _ => None,
                    };
                    let val = match element {
                        Some(e) => from_hcl(item, Some(e), hcl_span(e, span)),
                        None => from_hcl(item, None, span),
                    };
                    (key, val)
                })
                .collect(),
        ),
        other => scalar(other),
    };
    Val::new(span, v)
}

fn from_json(value: Value, expr: Option<&JsonExpr>, span: Span) -> Val {
    let v = match value {
        Value::List(items) | Value::Set(items) => {
            let elements = match expr {
                Some(JsonExpr::Array(elements, _)) if elements.len() == items.len() => {
                    Some(elements)
                }
                _ => None,
            };
            V::List(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| match elements.and_then(|e| e.get(i)) {
                        Some(e) => from_json(item, Some(e), e.span()),
                        None => from_json(item, None, span),
                    })
                    .collect(),
            )
        }
        Value::Map(entries) => V::Map(
            entries
                .into_iter()
                .map(|(key, item)| {
                    let element = match expr {
                        Some(JsonExpr::Object(props, _)) => {
                            props.iter().find(|(k, _, _)| *k == key).map(|(_, _, v)| v)
                        }
                        _ => None,
                    };
                    let val = match element {
                        Some(e) => from_json(item, Some(e), e.span()),
                        None => from_json(item, None, span),
                    };
                    (key, val)
                })
                .collect(),
        ),
        other => scalar(other),
    };
    Val::new(span, v)
}

fn scalar(value: Value) -> V {
    match value {
        Value::Null => V::Null,
        Value::Bool(b) => V::Bool(b),
        Value::Number(n) => V::Number(n.to_f64()),
        Value::String(s) => V::String(s),
        Value::Ref(r) => V::Ref(r),
        Value::Unknown(reason) => V::Unknown(reason),
        Value::List(_) | Value::Set(_) | Value::Map(_) => V::Unknown("collection".into()),
    }
}

/// A short rendering of a value for messages.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{s}\""),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        other => super::convert::type_name(other).to_string(),
    }
}
