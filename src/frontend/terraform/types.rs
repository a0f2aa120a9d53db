//! Variable type constraints (`list(string)`, `object({a = optional(number, 1)})`) and the
//! conversions Terraform applies to values given for them, and to operator operands.

use super::convert::{is_unknown, make_set, to_bool, to_number, to_string, type_name};
use super::hcl::{ExprKind, Expression, ObjectKey};
use super::value::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(Vec<ObjectAttr>),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct ObjectAttr {
    name: String,
    ty: Type,
    optional: bool,
    default: Option<Value>,
}

/// Parses a type constraint expression. `default_of` evaluates `optional()` defaults.
pub(super) fn parse_type(
    expr: &Expression,
    default_of: &dyn Fn(&Expression) -> Value,
) -> Result<Type, String> {
    match &expr.kind {
        ExprKind::Variable(v) => match &**v {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "any" => Ok(Type::Any),
            "list" => Ok(Type::List(Box::new(Type::Any))),
            "map" => Ok(Type::Map(Box::new(Type::Any))),
            "set" => Ok(Type::Set(Box::new(Type::Any))),
            other => Err(format!("unknown type keyword \"{other}\"")),
        },
        ExprKind::Parenthesis(inner) => parse_type(inner, default_of),
        ExprKind::FuncCall(call) => {
            let name = &*call.name;
            let arg = |i: usize| {
                call.args
                    .get(i)
                    .ok_or_else(|| format!("{name}() needs an argument"))
            };
            match name {
                "list" => Ok(Type::List(Box::new(parse_type(arg(0)?, default_of)?))),
                "set" => Ok(Type::Set(Box::new(parse_type(arg(0)?, default_of)?))),
                "map" => Ok(Type::Map(Box::new(parse_type(arg(0)?, default_of)?))),
                "tuple" => match &arg(0)?.kind {
                    ExprKind::Array(items) => Ok(Type::Tuple(
                        items
                            .iter()
                            .map(|i| parse_type(i, default_of))
                            .collect::<Result<_, _>>()?,
                    )),
                    _ => Err("tuple() needs a list of types".into()),
                },
                "object" => match &arg(0)?.kind {
                    ExprKind::Object(items) => {
                        let mut attrs = Vec::new();
                        for item in items {
                            let name = match &item.key {
                                ObjectKey::Ident(i) => i.name.to_string(),
                                ObjectKey::Expression(Expression {
                                    kind: ExprKind::String(s),
                                    ..
                                }) => s.to_string(),
                                _ => return Err("invalid object attribute name".into()),
                            };
                            attrs.push(object_attr(name, &item.value, default_of)?);
                        }
                        attrs.sort_by(|a, b| a.name.cmp(&b.name));
                        Ok(Type::Object(attrs))
                    }
                    _ => Err("object() needs an object of types".into()),
                },
                other => Err(format!("unknown type constructor {other}()")),
            }
        }
        ExprKind::Traversal(t) if t.operators.is_empty() => parse_type(&t.expr, default_of),
        _ => Err("invalid type constraint".into()),
    }
}

fn object_attr(
    name: String,
    expr: &Expression,
    default_of: &dyn Fn(&Expression) -> Value,
) -> Result<ObjectAttr, String> {
    if let ExprKind::FuncCall(call) = &expr.kind {
        if &*call.name == "optional" {
            let ty = match call.args.first() {
                Some(t) => parse_type(t, default_of)?,
                None => return Err("optional() needs a type".into()),
            };
            return Ok(ObjectAttr {
                name,
                ty,
                optional: true,
                default: call.args.get(1).map(default_of),
            });
        }
    }
    Ok(ObjectAttr {
        name,
        ty: parse_type(expr, default_of)?,
        optional: false,
        default: None,
    })
}

/// Converts a value to a type as Terraform does for variables.
pub(super) fn convert(value: Value, ty: &Type) -> Result<Value, String> {
    if matches!(value, Value::Null) || is_unknown(&value) {
        return Ok(value);
    }
    match ty {
        Type::Any => Ok(value),
        Type::String => to_string(&value).map(Value::String),
        Type::Number => to_number(&value).map(Value::number),
        Type::Bool => to_bool(&value).map(Value::Bool),
        Type::List(element) => match value {
            Value::List(items) | Value::Set(items) => Ok(Value::List(
                items
                    .into_iter()
                    .map(|i| convert(i, element))
                    .collect::<Result<_, _>>()?,
            )),
            other => Err(format!("a list is required, got {}", type_name(&other))),
        },
        Type::Set(element) => match value {
            Value::List(items) | Value::Set(items) => {
                let items = items
                    .into_iter()
                    .map(|i| convert(i, element))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(make_set(items))
            }
            other => Err(format!("a set is required, got {}", type_name(&other))),
        },
        Type::Map(element) => match value {
            Value::Map(entries) => Ok(Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| Ok((k, convert(v, element)?)))
                    .collect::<Result<_, String>>()?,
            )),
            other => Err(format!("a map is required, got {}", type_name(&other))),
        },
        Type::Tuple(elements) => match value {
            Value::List(items) | Value::Set(items) if items.len() == elements.len() => {
                Ok(Value::List(
                    items
                        .into_iter()
                        .zip(elements)
                        .map(|(i, t)| convert(i, t))
                        .collect::<Result<_, _>>()?,
                ))
            }
            _ => Err(format!(
                "a tuple of {} elements is required",
                elements.len()
            )),
        },
        Type::Object(attrs) => match value {
            Value::Map(entries) => {
                // Sorted by key, as the map is: each attribute's value is taken by search.
                let mut entries: Vec<(String, Option<Value>)> =
                    entries.into_iter().map(|(k, v)| (k, Some(v))).collect();
                let mut out = Vec::with_capacity(attrs.len());
                for attr in attrs {
                    let given = entries
                        .binary_search_by(|(k, _)| k.as_str().cmp(&attr.name))
                        .ok()
                        .and_then(|i| entries.get_mut(i)?.1.take());
                    match given {
                        Some(Value::Null) | None if attr.optional => {
                            let default = attr.default.clone().unwrap_or(Value::Null);
                            out.push((attr.name.clone(), convert(default, &attr.ty)?));
                        }
                        Some(v) => out.push((attr.name.clone(), convert(v, &attr.ty)?)),
                        None => return Err(format!("attribute \"{}\" is required", attr.name)),
                    }
                }
                Ok(Value::Map(Map::from_entries(out)))
            }
            other => Err(format!("an object is required, got {}", type_name(&other))),
        },
    }
}

/// Whether a type is a primitive (values given on the command line or in the
/// environment are then taken literally, not parsed as expressions).
pub(super) fn is_primitive(ty: &Type) -> bool {
    matches!(ty, Type::String | Type::Number | Type::Bool | Type::Any)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::terraform::number::Number;

    fn ty(text: &str) -> Type {
        let expr = super::super::hcl::parse_expr(text).unwrap();
        parse_type(&expr, &|_| Value::Null).unwrap()
    }

    #[test]
    fn converts_strings_to_numbers_and_back() {
        let five = convert(Value::String("5".into()), &Type::Number).unwrap();
        assert_eq!(five, Value::number(Number::from_i64(5)));
        let text = convert(Value::number(Number::from_i64(5)), &Type::String).unwrap();
        assert_eq!(text, Value::String("5".into()));
        assert!(convert(Value::String("x".into()), &Type::Number).is_err());
    }

    #[test]
    fn object_types_fill_optional_attributes_and_drop_extra_ones() {
        let t = ty("object({ a = string, b = optional(number) })");
        let value = Value::Map(Map::from([
            ("a".to_string(), Value::Bool(true)),
            ("c".to_string(), Value::Null),
        ]));
        let converted = convert(value, &t).unwrap();
        assert_eq!(
            converted,
            Value::Map(Map::from([
                ("a".to_string(), Value::String("true".into())),
                ("b".to_string(), Value::Null),
            ]))
        );
    }

    #[test]
    fn sets_deduplicate_and_sort() {
        let t = ty("set(string)");
        let list = Value::List(vec![
            Value::String("b".into()),
            Value::String("a".into()),
            Value::String("b".into()),
        ]);
        assert_eq!(
            convert(list, &t).unwrap(),
            Value::Set(vec![Value::String("a".into()), Value::String("b".into())])
        );
    }
}
