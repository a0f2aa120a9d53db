//! Terraform's type conversions, as cty (Terraform's type system) performs them when a
//! value is passed to a function parameter or to `tostring`/`tolist`/`toset`/`tomap`.
//!
//! Values not known before apply ([`Value::Unknown`] and [`Value::Ref`]) are not
//! converted here: callers check [`first_unknown`] / [`is_unknown`] first, because
//! Terraform makes the result of almost every function unknown when an argument is.

use super::number::Number;
use super::value::{Map, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Whether the value is not known before apply.
pub fn is_unknown(value: &Value) -> bool {
    matches!(value, Value::Unknown(_) | Value::Ref(_))
}

/// Whether the value, or anything nested in it, is not known before apply.
pub fn is_wholly_known(value: &Value) -> bool {
    match value {
        Value::Unknown(_) | Value::Ref(_) => false,
        Value::List(items) | Value::Set(items) => items.iter().all(is_wholly_known),
        Value::Map(map) => map.values().all(is_wholly_known),
        _ => true,
    }
}

/// The unknown result of a call whose argument `value` is unknown: an
/// [`Value::Unknown`] that keeps the reason (a [`Value::Ref`] becomes "depends on X").
pub fn unknown_result(value: &Value) -> Value {
    match value {
        Value::Ref(r) => Value::Unknown(format!("depends on {}.{}", r.address, r.attribute)),
        Value::Unknown(reason) => Value::Unknown(reason.clone()),
        _ => Value::Unknown("value not known before apply".to_string()),
    }
}

/// The first top-level argument that is unknown, as the call's unknown result.
pub fn first_unknown(args: &[Value]) -> Option<Value> {
    args.iter().find(|a| is_unknown(a)).map(unknown_result)
}

/// Terraform's name of the value's type, as its error messages use it.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "tuple",
        Value::Set(_) => "set",
        Value::Map(_) => "object",
        Value::Ref(_) | Value::Unknown(_) => "dynamic",
    }
}

/// A number or bool as a string (numbers printed as Terraform prints them).
pub fn to_string(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Err("argument must not be null".to_string()),
        other => Err(format!("string required, but have {}", type_name(other))),
    }
}

/// A number, or a string in Terraform's decimal number syntax.
pub fn to_number(value: &Value) -> Result<Number, String> {
    match value {
        Value::Number(n) => Ok(**n),
        Value::String(s) => Number::parse_exact(s).ok_or_else(|| {
            format!(
                "cannot convert {} to number; given string must be a decimal representation of a number",
                quote(s)
            )
        }),
        Value::Null => Err("argument must not be null".to_string()),
        other => Err(format!("number required, but have {}", type_name(other))),
    }
}

/// A bool, or the strings `"true"`/`"false"`.
pub fn to_bool(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        Value::String(s) => Err(format!(
            "cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed",
            quote(s)
        )),
        Value::Null => Err("argument must not be null".to_string()),
        other => Err(format!("bool required, but have {}", type_name(other))),
    }
}

/// An integer argument (a number, or a string holding one); fractions are an error.
pub fn to_integer(value: &Value) -> Result<i64, String> {
    let n = to_number(value)?;
    n.to_i64()
        .ok_or_else(|| format!("value must be a whole number, got {n}"))
}

/// The elements of a list, tuple or set (a function parameter of list type).
pub fn to_elements(value: &Value) -> Result<&[Value], String> {
    match value {
        Value::List(items) | Value::Set(items) => Ok(items),
        Value::Null => Err("argument must not be null".to_string()),
        other => Err(format!(
            "list of any single type required, but have {}",
            type_name(other)
        )),
    }
}

/// The entries of a map or object.
pub fn to_entries(value: &Value) -> Result<&Map, String> {
    match value {
        Value::Map(map) => Ok(map),
        Value::Null => Err("argument must not be null".to_string()),
        other => Err(format!(
            "map of any single type required, but have {}",
            type_name(other)
        )),
    }
}

/// The kinds of values, for unifying the element types of a collection.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Number,
    String,
    List,
    Set,
    Map,
}

impl Kind {
    fn is_primitive(self) -> bool {
        matches!(self, Kind::Bool | Kind::Number | Kind::String)
    }
}

fn kind(value: &Value) -> Option<Kind> {
    match value {
        Value::Bool(_) => Some(Kind::Bool),
        Value::Number(_) => Some(Kind::Number),
        Value::String(_) => Some(Kind::String),
        Value::List(_) => Some(Kind::List),
        Value::Set(_) => Some(Kind::Set),
        Value::Map(_) => Some(Kind::Map),
        Value::Null | Value::Unknown(_) | Value::Ref(_) => None,
    }
}

/// Unification gives up below this depth.
const MAX_UNIFY_DEPTH: usize = 32;

/// Converts elements to one type as cty's unification does: primitives of one kind
/// stay as they are and a mix becomes strings; objects with the same attributes are
/// unified attribute by attribute, other objects as maps (all values together);
/// tuples of one length position by position, others as lists; a mix of primitives
/// and collections is an error (`what` names the target, e.g. "list").
pub fn unify(items: Vec<Value>, what: &str) -> Result<Vec<Value>, String> {
    unify_at(items, 0).map_err(|()| format!("cannot convert tuple to {what} of any single type"))
}

fn unify_at(items: Vec<Value>, depth: usize) -> Result<Vec<Value>, ()> {
    if depth > MAX_UNIFY_DEPTH {
        return Err(());
    }
    let kinds: Vec<Kind> = items.iter().filter_map(kind).collect();
    let Some(&first) = kinds.first() else {
        return Ok(items);
    };
    if kinds.iter().all(|k| k.is_primitive()) {
        if kinds.iter().all(|k| *k == first) {
            return Ok(items);
        }
        return items
            .into_iter()
            .map(|v| match v {
                Value::Bool(_) | Value::Number(_) => {
                    to_string(&v).map(Value::String).map_err(|_| ())
                }
                other => Ok(other),
            })
            .collect();
    }
    if kinds.iter().any(|k| *k != first) {
        return Err(());
    }
    match first {
        Kind::Map => unify_maps(items, depth),
        Kind::List => unify_lists(items, depth, true),
        _ => unify_lists(items, depth, false),
    }
}

/// The taken result of a conditional whose results are both sequences, converted to the
/// type they unify to: a set when either is one, element types unified (numbers and
/// booleans beside strings become strings). Unchanged when the elements do not unify.
pub fn unify_results(taken: Value, other: Value) -> Value {
    let to_set = matches!(taken, Value::Set(_)) || matches!(other, Value::Set(_));
    let (Value::List(items) | Value::Set(items)) = taken.clone() else {
        return taken;
    };
    let (Value::List(others) | Value::Set(others)) = other else {
        return taken;
    };
    let count = items.len();
    let Ok(mut unified) = unify_at(items.into_iter().chain(others).collect(), 1) else {
        return taken;
    };
    unified.truncate(count);
    if to_set {
        make_set(unified)
    } else {
        Value::List(unified)
    }
}

/// Objects with one attribute set unify per attribute; otherwise as maps.
fn unify_maps(items: Vec<Value>, depth: usize) -> Result<Vec<Value>, ()> {
    let key_sets: Vec<Vec<&String>> = items
        .iter()
        .filter_map(|v| match v {
            Value::Map(m) => Some(m.keys().collect()),
            _ => None,
        })
        .collect();
    let same_keys = key_sets.windows(2).all(|w| w[0] == w[1]);
    let mut columns: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut all_values = Vec::new();
    for item in &items {
        if let Value::Map(map) = item {
            for (k, v) in map {
                if same_keys {
                    columns.entry(k.clone()).or_default().push(v.clone());
                } else {
                    all_values.push(v.clone());
                }
            }
        }
    }
    let mut columns: BTreeMap<String, std::vec::IntoIter<Value>> = if same_keys {
        columns
            .into_iter()
            .map(|(k, col)| unify_at(col, depth + 1).map(|c| (k, c.into_iter())))
            .collect::<Result<_, ()>>()?
    } else {
        BTreeMap::new()
    };
    let mut all_values = unify_at(all_values, depth + 1)?.into_iter();
    Ok(items
        .into_iter()
        .map(|item| match item {
            Value::Map(map) => Value::Map(
                map.into_iter()
                    .map(|(k, v)| {
                        let next = if same_keys {
                            columns.get_mut(&k).and_then(Iterator::next)
                        } else {
                            all_values.next()
                        };
                        (k, next.unwrap_or(v))
                    })
                    .collect(),
            ),
            other => other,
        })
        .collect())
}

/// Tuples of one length unify per position; otherwise (and sets) all elements together.
fn unify_lists(items: Vec<Value>, depth: usize, tuples: bool) -> Result<Vec<Value>, ()> {
    let lengths: Vec<usize> = items
        .iter()
        .filter_map(|v| match v {
            Value::List(l) | Value::Set(l) => Some(l.len()),
            _ => None,
        })
        .collect();
    let per_position = tuples && lengths.windows(2).all(|w| w[0] == w[1]);
    let width = lengths.first().copied().unwrap_or(0);
    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); if per_position { width } else { 1 }];
    for item in &items {
        if let Value::List(l) | Value::Set(l) = item {
            for (i, v) in l.iter().enumerate() {
                let column = if per_position { i } else { 0 };
                if let Some(c) = columns.get_mut(column) {
                    c.push(v.clone());
                }
            }
        }
    }
    let mut columns: Vec<std::vec::IntoIter<Value>> = columns
        .into_iter()
        .map(|c| unify_at(c, depth + 1).map(Vec::into_iter))
        .collect::<Result<_, ()>>()?;
    Ok(items
        .into_iter()
        .map(|item| {
            let rebuild =
                |l: Vec<Value>, columns: &mut Vec<std::vec::IntoIter<Value>>| -> Vec<Value> {
                    l.into_iter()
                        .enumerate()
                        .map(|(i, v)| {
                            let column = if per_position { i } else { 0 };
                            columns
                                .get_mut(column)
                                .and_then(Iterator::next)
                                .unwrap_or(v)
                        })
                        .collect()
                };
            match item {
                Value::List(l) => Value::List(rebuild(l, &mut columns)),
                Value::Set(l) => make_set(rebuild(l, &mut columns)),
                other => other,
            }
        })
        .collect())
}

/// `tolist`: a list, tuple or set as a list of one element type.
pub fn to_list(value: Value) -> Result<Value, String> {
    match value {
        Value::List(items) | Value::Set(items) => Ok(Value::List(unify(items, "list")?)),
        Value::Null => Ok(Value::Null),
        v if is_unknown(&v) => Ok(unknown_result(&v)),
        other => Err(format!(
            "cannot convert {} to list of any single type",
            type_name(&other)
        )),
    }
}

/// `toset`: deduplicated and in Terraform's set order.
pub fn to_set(value: Value) -> Result<Value, String> {
    match value {
        Value::List(items) | Value::Set(items) => Ok(make_set(unify(items, "set")?)),
        Value::Null => Ok(Value::Null),
        v if is_unknown(&v) => Ok(unknown_result(&v)),
        other => Err(format!(
            "cannot convert {} to set of any single type",
            type_name(&other)
        )),
    }
}

/// `tomap`: an object as a map of one element type.
pub fn to_map(value: Value) -> Result<Value, String> {
    match value {
        Value::Map(map) => {
            let (keys, values): (Vec<String>, Vec<Value>) = map.into_iter().unzip();
            let values = unify(values, "map")
                .map_err(|_| "cannot convert object to map of any single type".to_string())?;
            Ok(Value::Map(keys.into_iter().zip(values).collect()))
        }
        Value::Null => Ok(Value::Null),
        v if is_unknown(&v) => Ok(unknown_result(&v)),
        other => Err(format!(
            "cannot convert {} to map of any single type",
            type_name(&other)
        )),
    }
}

/// A set of `items`: duplicates removed, ordered as Terraform orders sets (strings
/// lexically by bytes, numbers numerically, `false` before `true`). Sets of collections
/// are ordered by Terraform by hash; here they keep their first-seen order.
/// Unknown elements make the whole set unknown.
pub fn make_set(items: Vec<Value>) -> Value {
    if let Some(unknown) = items.iter().find(|v| is_unknown(v)) {
        return unknown_result(unknown);
    }
    let sortable = items.iter().all(|v| {
        matches!(
            v,
            Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null
        )
    });
    if sortable {
        let mut items = items;
        items.sort_by(compare_primitive);
        items.dedup();
        return Value::Set(items);
    }
    Value::Set(dedup_in_order(items))
}

fn compare_primitive(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Number(x), Value::Number(y)) => x.total_cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

fn rank(value: &Value) -> u8 {
    match value {
        Value::Bool(_) => 0,
        Value::Number(_) => 1,
        Value::String(_) => 2,
        _ => 3,
    }
}

/// A string that is equal for exactly the values Terraform considers equal (numbers
/// by value whatever their precision; lists, sets and maps kept apart), so that
/// deduplication and membership use an index rather than pairwise comparison.
pub fn equality_key(value: &Value) -> String {
    let mut out = String::new();
    write_key(value, &mut out);
    out
}

fn write_key(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push('N'),
        Value::Bool(b) => out.push(if *b { 'T' } else { 'F' }),
        Value::Number(n) => {
            out.push('#');
            out.push_str(&n.to_string());
            out.push(';');
        }
        Value::String(s) => out.push_str(&format!("{s:?}")),
        Value::List(items) | Value::Set(items) => {
            out.push(if matches!(value, Value::List(_)) {
                '['
            } else {
                '{'
            });
            for item in items {
                write_key(item, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('<');
            for (k, v) in map {
                out.push_str(&format!("{k:?}="));
                write_key(v, out);
                out.push(',');
            }
            out.push('>');
        }
        Value::Ref(r) => out.push_str(&format!("@{}.{}", r.address, r.attribute)),
        Value::Unknown(reason) => out.push_str(&format!("?{reason:?}")),
    }
}

/// `items` without repeats, first occurrences kept in order.
pub fn dedup_in_order(items: Vec<Value>) -> Vec<Value> {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    items
        .into_iter()
        .filter(|item| seen.insert(equality_key(item)))
        .collect()
}

/// A string quoted as Terraform's error messages quote it.
pub fn quote(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::String(x.to_string())
    }
    fn n(x: i64) -> Value {
        Value::number(Number::from_i64(x))
    }

    #[test]
    fn primitives_convert_like_terraform() {
        assert_eq!(to_string(&n(5)).as_deref(), Ok("5"));
        assert_eq!(to_string(&Value::Bool(true)).as_deref(), Ok("true"));
        assert!(to_string(&Value::Null).is_err());
        assert!(to_string(&Value::List(vec![])).is_err());
        assert_eq!(
            to_number(&s("1.5")).map(|n| n.to_string()).as_deref(),
            Ok("1.5")
        );
        assert!(to_number(&s("0x10")).is_err());
        assert!(to_number(&s(" 5")).is_err());
        assert_eq!(to_bool(&s("false")), Ok(false));
        assert!(to_bool(&s("yes")).is_err());
        assert_eq!(to_integer(&s("8")), Ok(8));
        assert!(to_integer(&s("1.5")).is_err());
    }

    #[test]
    fn sets_dedupe_and_sort() {
        let set = to_set(Value::List(vec![s("b"), s("a"), s("b")]));
        assert_eq!(set, Ok(Value::Set(vec![s("a"), s("b")])));
        let set = to_set(Value::List(vec![n(10), n(9), n(10)]));
        assert_eq!(set, Ok(Value::Set(vec![n(9), n(10)])));
        let mixed = to_list(Value::List(vec![s("a"), n(1), Value::Bool(true)]));
        assert_eq!(mixed, Ok(Value::List(vec![s("a"), s("1"), s("true")])));
        assert!(to_list(Value::List(vec![s("a"), Value::List(vec![])])).is_err());
    }

    #[test]
    fn unknown_propagates() {
        let unknown = Value::Unknown("x".to_string());
        assert_eq!(
            to_set(Value::List(vec![s("a"), unknown.clone()])),
            Ok(unknown.clone())
        );
        assert_eq!(first_unknown(&[s("a"), unknown.clone()]), Some(unknown));
    }
}
