//! JSON → [`Node`] with jsonc-parser in strict mode (ECMA-404, as CloudFormation requires:
//! no comments, trailing commas, single quotes or other JSON5 extensions).

use super::node::{self, Entry, Kind, Node, SyntaxError, MAX_DEPTH};
use crate::source::{FileId, Span};
use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions};

pub(super) fn parse(file: FileId, text: &str) -> Result<Option<Node>, SyntaxError> {
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
            let range = e.range();
            SyntaxError {
                message: format!("invalid JSON: {}", e.kind()),
                span: Span::new(file, range.start, range.end),
            }
        })?;
    parsed.value.map(|v| convert(file, v, 0)).transpose()
}

fn convert(file: FileId, value: Value<'_>, depth: usize) -> Result<Node, SyntaxError> {
    let span = |r: jsonc_parser::common::Range| Span::new(file, r.start, r.end);
    let (span, kind) = match value {
        Value::StringLit(s) => (span(s.range), Kind::Str(s.value.into_owned())),
        Value::NumberLit(n) => {
            let number = n.value.parse::<f64>().map_err(|_| SyntaxError {
                message: format!("invalid JSON number {}", n.value),
                span: span(n.range),
            })?;
            (span(n.range), Kind::Number(number))
        }
        Value::BooleanLit(b) => (span(b.range), Kind::Bool(b.value)),
        Value::NullKeyword(n) => (span(n.range), Kind::Null),
        Value::Array(array) => {
            let at = span(array.range);
            check_depth(depth, at)?;
            let items = array
                .elements
                .into_iter()
                .map(|v| convert(file, v, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            (at, Kind::Seq(items))
        }
        Value::Object(object) => {
            let at = span(object.range);
            check_depth(depth, at)?;
            let mut entries = Vec::with_capacity(object.properties.len());
            for prop in object.properties {
                let (key, key_span) = match prop.name {
                    ObjectPropName::String(s) => (s.value.into_owned(), span(s.range)),
                    ObjectPropName::Word(w) => (w.value.to_string(), span(w.range)),
                };
                entries.push(Entry {
                    key,
                    key_span,
                    value: convert(file, prop.value, depth + 1)?,
                });
            }
            if let Some(dup) = node::find_duplicate(&entries) {
                return Err(node::duplicate_error(dup));
            }
            (at, Kind::Map(entries))
        }
    };
    Ok(Node { span, kind })
}

fn check_depth(depth: usize, span: Span) -> Result<(), SyntaxError> {
    if depth >= MAX_DEPTH {
        return Err(SyntaxError {
            message: format!("nesting deeper than {MAX_DEPTH} levels"),
            span,
        });
    }
    Ok(())
}
