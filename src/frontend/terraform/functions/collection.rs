//! Collection functions and type conversions. Unlike the other groups, these decide
//! for themselves what an unknown argument does: many of them are defined on known
//! collections with unknown elements (`length`, `concat`, `element`, `lookup`...).

use super::super::convert::{
    self, dedup_in_order, equality_key, first_unknown, is_unknown, is_wholly_known, make_set,
    to_bool, to_elements, to_entries, to_number, to_string, type_name, unify, unknown_result,
};
use super::super::number::Number;
use super::super::value::{Map, Value};
use super::string::grapheme_count;
use super::{arg_error, arity, nested_unknown};
use std::collections::{BTreeMap, HashSet};

pub const NAMES: &[&str] = &[
    "length",
    "concat",
    "element",
    "lookup",
    "merge",
    "keys",
    "values",
    "zipmap",
    "flatten",
    "distinct",
    "contains",
    "index",
    "slice",
    "range",
    "setproduct",
    "tolist",
    "toset",
    "tomap",
    "tostring",
    "tonumber",
    "tobool",
    "coalesce",
    "coalescelist",
    "one",
    "compact",
    "reverse",
    "sort",
    "chunklist",
    "alltrue",
    "anytrue",
    "matchkeys",
    "transpose",
    "setunion",
    "setintersection",
    "setsubtract",
    "sensitive",
    "nonsensitive",
];

/// `flatten` and friends stop at this nesting depth.
const MAX_DEPTH: usize = 64;
/// cty's `range` refuses to make more elements than this.
const MAX_RANGE: usize = 1024;

pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    if !NAMES.contains(&name) {
        return None;
    }
    // `tostring` of a reference to an attribute is still that reference.
    if let ("tostring", [Value::Ref(r)]) = (name, args) {
        return Some(Ok(Value::Ref(r.clone())));
    }
    // A top-level unknown argument makes every one of these unknown.
    if let Some(unknown) = first_unknown(args) {
        return Some(Ok(unknown));
    }
    let result = match name {
        "length" => arity(name, args, 1, 1).and_then(|()| length(&args[0])),
        "concat" => concat(args),
        "element" => arity(name, args, 2, 2).and_then(|()| element(&args[0], &args[1])),
        "lookup" => arity(name, args, 2, 3).and_then(|()| lookup(args)),
        "merge" => merge(args),
        "keys" => arity(name, args, 1, 1).and_then(|()| keys(&args[0])),
        "values" => arity(name, args, 1, 1).and_then(|()| values(&args[0])),
        "zipmap" => arity(name, args, 2, 2).and_then(|()| zipmap(&args[0], &args[1])),
        "flatten" => arity(name, args, 1, 1).and_then(|()| flatten(&args[0])),
        "distinct" => arity(name, args, 1, 1).and_then(|()| distinct(&args[0])),
        "contains" => arity(name, args, 2, 2).and_then(|()| contains(&args[0], &args[1])),
        "index" => arity(name, args, 2, 2).and_then(|()| index(&args[0], &args[1])),
        "slice" => arity(name, args, 3, 3).and_then(|()| slice(args)),
        "range" => range(args),
        "setproduct" => setproduct(args),
        "tolist" => arity(name, args, 1, 1).and_then(|()| convert::to_list(args[0].clone())),
        "toset" => arity(name, args, 1, 1).and_then(|()| convert::to_set(args[0].clone())),
        "tomap" => arity(name, args, 1, 1).and_then(|()| convert::to_map(args[0].clone())),
        "tostring" => arity(name, args, 1, 1).and_then(|()| tostring(&args[0])),
        "tonumber" => arity(name, args, 1, 1)
            .and_then(|()| nullable(&args[0], |v| to_number(v).map(Value::number))),
        "tobool" => arity(name, args, 1, 1)
            .and_then(|()| nullable(&args[0], |v| to_bool(v).map(Value::Bool))),
        "coalesce" => coalesce(args),
        "coalescelist" => coalescelist(args),
        "one" => arity(name, args, 1, 1).and_then(|()| one(&args[0])),
        "compact" => arity(name, args, 1, 1).and_then(|()| compact(&args[0])),
        "reverse" => arity(name, args, 1, 1).and_then(|()| reverse(&args[0])),
        "sort" => arity(name, args, 1, 1).and_then(|()| sort(&args[0])),
        "chunklist" => arity(name, args, 2, 2).and_then(|()| chunklist(&args[0], &args[1])),
        "alltrue" => arity(name, args, 1, 1).and_then(|()| alltrue(&args[0])),
        "anytrue" => arity(name, args, 1, 1).and_then(|()| anytrue(&args[0])),
        "matchkeys" => arity(name, args, 3, 3).and_then(|()| matchkeys(args)),
        "transpose" => arity(name, args, 1, 1).and_then(|()| transpose(&args[0])),
        "setunion" => {
            arity(name, args, 1, usize::MAX).and_then(|()| set_operation(args, SetOp::Union))
        }
        "setintersection" => {
            arity(name, args, 1, usize::MAX).and_then(|()| set_operation(args, SetOp::Intersection))
        }
        "setsubtract" => {
            arity(name, args, 2, 2).and_then(|()| set_operation(args, SetOp::Subtract))
        }
        // vpclint does not track sensitivity: both are the identity.
        "sensitive" | "nonsensitive" => arity(name, args, 1, 1).map(|()| args[0].clone()),
        _ => return None,
    };
    Some(result)
}

fn not_null(param: &str, value: &Value) -> Result<(), String> {
    match value {
        Value::Null => Err(arg_error(param, "argument must not be null".to_string())),
        _ => Ok(()),
    }
}

/// The unknown result when `value` has unknowns inside, else `None`.
fn unknown_inside(value: &Value) -> Option<Value> {
    (!is_wholly_known(value)).then(|| nested_unknown(value))
}

fn integer_arg(param: &str, value: &Value) -> Result<i64, String> {
    let n = to_number(value).map_err(|e| arg_error(param, e))?;
    n.to_i64()
        .ok_or_else(|| arg_error(param, format!("value must be a whole number, got {n}")))
}

/// List or tuple elements (not sets: they have no order to index).
fn list_elements<'a>(param: &str, value: &'a Value, what: &str) -> Result<&'a [Value], String> {
    match value {
        Value::List(items) => Ok(items),
        Value::Null => Err(arg_error(param, "argument must not be null".to_string())),
        other => Err(arg_error(
            param,
            format!("{what}, not {}", type_name(other)),
        )),
    }
}

fn length(value: &Value) -> Result<Value, String> {
    let n = match value {
        Value::String(s) => grapheme_count(s),
        Value::List(items) | Value::Set(items) => items.len(),
        Value::Map(map) => map.len(),
        Value::Null => return Err(arg_error("value", "argument must not be null".to_string())),
        _ => {
            return Err(arg_error(
                "value",
                "argument must be a string, a collection type, or a structural type".to_string(),
            ))
        }
    };
    Ok(Value::number(Number::from_i64(n as i64)))
}

fn concat(args: &[Value]) -> Result<Value, String> {
    if args.is_empty() {
        return Err("at least one argument is required".to_string());
    }
    let mut out = Vec::new();
    for arg in args {
        match arg {
            Value::List(items) => out.extend(items.iter().cloned()),
            other => {
                return Err(format!(
                    "all arguments must be lists or tuples; got {}",
                    type_name(other)
                ))
            }
        }
    }
    Ok(Value::List(out))
}

fn element(list: &Value, index: &Value) -> Result<Value, String> {
    let items = list_elements("list", list, "cannot read elements from")?;
    let index = integer_arg("index", index)?;
    if index < 0 {
        return Err("cannot use element function with a negative index".to_string());
    }
    if items.is_empty() {
        return Err("cannot use element function with an empty list".to_string());
    }
    Ok(items[index as usize % items.len()].clone())
}

fn lookup(args: &[Value]) -> Result<Value, String> {
    not_null("inputMap", &args[0])?;
    let map = to_entries(&args[0]).map_err(|e| arg_error("inputMap", e))?;
    let key = to_string(&args[1]).map_err(|e| arg_error("key", e))?;
    match (map.get(&key), args.get(2)) {
        (Some(value), _) => Ok(value.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(format!("lookup failed to find key {key:?}")),
    }
}

fn merge(args: &[Value]) -> Result<Value, String> {
    // Of a key in several arguments, the last argument's value stays.
    let mut out = Vec::new();
    for arg in args {
        match arg {
            Value::Null => {}
            Value::Map(map) => {
                out.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            other => {
                return Err(format!(
                    "arguments must be maps or objects, got {:?}",
                    type_name(other)
                ))
            }
        }
    }
    Ok(Value::Map(Map::from_entries(out)))
}

fn keys(value: &Value) -> Result<Value, String> {
    let map = to_entries(value).map_err(|e| arg_error("inputMap", e))?;
    Ok(Value::List(
        map.keys().map(|k| Value::String(k.clone())).collect(),
    ))
}

fn values(value: &Value) -> Result<Value, String> {
    let map = to_entries(value).map_err(|e| arg_error("mapping", e))?;
    Ok(Value::List(map.values().cloned().collect()))
}

fn zipmap(keys: &Value, values: &Value) -> Result<Value, String> {
    let keys = to_elements(keys).map_err(|e| arg_error("keys", e))?;
    let values = to_elements(values).map_err(|e| arg_error("values", e))?;
    if let Some(unknown) = keys.iter().find(|k| is_unknown(k)) {
        return Ok(unknown_result(unknown));
    }
    if keys.len() != values.len() {
        return Err(format!(
            "number of keys ({}) does not match number of values ({})",
            keys.len(),
            values.len()
        ));
    }
    // Of a repeated key, the last value stays.
    let out = keys
        .iter()
        .zip(values)
        .map(|(key, value)| {
            Ok((
                to_string(key).map_err(|e| arg_error("keys", e))?,
                value.clone(),
            ))
        })
        .collect::<Result<Map, String>>()?;
    Ok(Value::Map(out))
}

fn flatten(value: &Value) -> Result<Value, String> {
    fn walk(items: &[Value], out: &mut Vec<Value>, depth: usize) -> Result<Option<Value>, String> {
        if depth > MAX_DEPTH {
            return Err("lists are nested too deeply to flatten".to_string());
        }
        for item in items {
            match item {
                Value::List(inner) | Value::Set(inner) => {
                    if let Some(unknown) = walk(inner, out, depth + 1)? {
                        return Ok(Some(unknown));
                    }
                }
                // A reference is a resource attribute, taken to be a primitive (an id)
                // that stays in place; a plain unknown may be a list, so the whole
                // result is unknown, as Terraform's is for an unknown nested list.
                Value::Unknown(_) => return Ok(Some(unknown_result(item))),
                other => out.push(other.clone()),
            }
        }
        Ok(None)
    }
    let items = match value {
        Value::List(items) | Value::Set(items) => items,
        Value::Null => return Err(arg_error("list", "argument must not be null".to_string())),
        _ => return Err("can only flatten lists, sets and tuples".to_string()),
    };
    let mut out = Vec::new();
    Ok(match walk(items, &mut out, 0)? {
        Some(unknown) => unknown,
        None => Value::List(out),
    })
}

fn distinct(value: &Value) -> Result<Value, String> {
    let items = to_elements(value).map_err(|e| arg_error("list", e))?;
    if let Some(unknown) = unknown_inside(value) {
        return Ok(unknown);
    }
    let items = unify(items.to_vec(), "list").map_err(|e| arg_error("list", e))?;
    Ok(Value::List(dedup_in_order(items)))
}

/// cty equality: values of different types are never equal; unknowns are unknown.
fn equal(a: &Value, b: &Value) -> Option<bool> {
    if !is_wholly_known(a) || !is_wholly_known(b) {
        return None;
    }
    Some(a == b)
}

fn contains(list: &Value, value: &Value) -> Result<Value, String> {
    let items = match list {
        Value::List(items) | Value::Set(items) => items,
        Value::Null => return Err(arg_error("list", "argument must not be null".to_string())),
        _ => {
            return Err(arg_error(
                "list",
                "argument must be list, tuple, or set".to_string(),
            ))
        }
    };
    let mut unknown = None;
    for item in items {
        match equal(item, value) {
            Some(true) => return Ok(Value::Bool(true)),
            Some(false) => {}
            None => unknown = Some(nested_unknown(item)),
        }
    }
    Ok(unknown.unwrap_or(Value::Bool(false)))
}

fn index(list: &Value, value: &Value) -> Result<Value, String> {
    let items = list_elements("list", list, "argument must be a list or tuple")?;
    for (i, item) in items.iter().enumerate() {
        match equal(item, value) {
            Some(true) => return Ok(Value::number(Number::from_i64(i as i64))),
            Some(false) => {}
            None => return Ok(nested_unknown(item)),
        }
    }
    Err("item not found".to_string())
}

fn slice(args: &[Value]) -> Result<Value, String> {
    let items = match &args[0] {
        Value::List(items) => items,
        Value::Set(_) => {
            return Err("cannot slice a set, because its elements do not have indices; explicitly convert to a list if preserving the current order is not important".to_string())
        }
        Value::Null => return Err(arg_error("list", "argument must not be null".to_string())),
        other => {
            return Err(format!(
                "cannot slice a {}: must be a list or tuple",
                type_name(other)
            ))
        }
    };
    let start = integer_arg("start_index", &args[1])?;
    let end = integer_arg("end_index", &args[2])?;
    if start < 0 {
        return Err("start index must not be less than zero".to_string());
    }
    if end > items.len() as i64 {
        return Err("end index must not be greater than the length of the list".to_string());
    }
    if start > end {
        return Err("start index must not be greater than end index".to_string());
    }
    Ok(Value::List(items[start as usize..end as usize].to_vec()))
}

fn range(args: &[Value]) -> Result<Value, String> {
    let numbers = args
        .iter()
        .map(|a| {
            not_null("params", a)?;
            to_number(a).map_err(|e| arg_error("params", e))
        })
        .collect::<Result<Vec<Number>, String>>()?;
    let zero = Number::from_i64(0);
    let (start, end, step) = match numbers.as_slice() {
        [end] => (
            zero,
            *end,
            Number::from_i64(if *end < zero { -1 } else { 1 }),
        ),
        [start, end] => (
            *start,
            *end,
            Number::from_i64(if end < start { -1 } else { 1 }),
        ),
        [start, end, step] => (*start, *end, *step),
        _ => return Err("must have one, two, or three arguments".to_string()),
    };
    let down = step < zero;
    if down && end > start {
        return Err("end must be less than start when step is negative".to_string());
    }
    if !down && end < start {
        return Err("end must be greater than start when step is positive".to_string());
    }
    let mut out = Vec::new();
    let mut v = start;
    while if down { v > end } else { v < end } {
        if out.len() >= MAX_RANGE {
            return Err(format!(
                "more than {MAX_RANGE} values were generated; either decrease the difference between start and end or use a smaller step"
            ));
        }
        out.push(Value::number(v));
        v = v + step;
    }
    Ok(Value::List(out))
}

fn setproduct(args: &[Value]) -> Result<Value, String> {
    if args.len() < 2 {
        return Err("at least two arguments are required".to_string());
    }
    let mut any_set = false;
    let mut lists = Vec::with_capacity(args.len());
    for arg in args {
        match arg {
            Value::List(items) => lists.push(items),
            Value::Set(items) => {
                any_set = true;
                lists.push(items);
            }
            Value::Null => return Err(arg_error("sets", "argument must not be null".to_string())),
            other => {
                return Err(arg_error(
                    "sets",
                    format!("a set or a list is required, not {}", type_name(other)),
                ))
            }
        }
    }
    let total = lists
        .iter()
        .try_fold(1usize, |acc, l| acc.checked_mul(l.len()));
    if total.is_none_or(|t| t > 1_000_000) {
        return Ok(Value::Unknown(
            "setproduct() result is too large to compute".to_string(),
        ));
    }
    let mut rows: Vec<Vec<Value>> = vec![Vec::new()];
    for list in lists {
        let mut next = Vec::with_capacity(rows.len() * list.len());
        for row in &rows {
            for item in list.iter() {
                let mut extended = row.clone();
                extended.push(item.clone());
                next.push(extended);
            }
        }
        rows = next;
    }
    let rows: Vec<Value> = rows.into_iter().map(Value::List).collect();
    Ok(if any_set {
        make_set(rows)
    } else {
        Value::List(rows)
    })
}

/// `tostring`: a reference to a string attribute stays that reference.
fn tostring(value: &Value) -> Result<Value, String> {
    nullable(value, |v| to_string(v).map(Value::String))
}

/// The conversion functions pass `null` through.
fn nullable(value: &Value, f: impl Fn(&Value) -> Result<Value, String>) -> Result<Value, String> {
    match value {
        Value::Null => Ok(Value::Null),
        other => f(other).map_err(|e| arg_error("v", e)),
    }
}

fn coalesce(args: &[Value]) -> Result<Value, String> {
    let args = unify(args.to_vec(), "value").map_err(|e| arg_error("vals", e))?;
    for arg in args {
        match arg {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            v if !is_wholly_known(&v) => return Ok(nested_unknown(&v)),
            v => return Ok(v),
        }
    }
    Err("no non-null, non-empty-string arguments".to_string())
}

fn coalescelist(args: &[Value]) -> Result<Value, String> {
    if args.is_empty() {
        return Err("at least one argument is required".to_string());
    }
    for arg in args {
        match arg {
            Value::List(items) | Value::Set(items) => {
                if !items.is_empty() {
                    return Ok(arg.clone());
                }
            }
            Value::Null => {}
            other => {
                return Err(format!(
                    "coalescelist arguments must be lists or tuples, got {}",
                    type_name(other)
                ))
            }
        }
    }
    Err("no non-null arguments".to_string())
}

fn one(value: &Value) -> Result<Value, String> {
    match value {
        Value::List(items) | Value::Set(items) => match items.as_slice() {
            [] => Ok(Value::Null),
            [single] => Ok(single.clone()),
            _ => Err(
                "must be a list, set, or tuple value with either zero or one elements".to_string(),
            ),
        },
        Value::Null => Err(arg_error("list", "argument must not be null".to_string())),
        _ => {
            Err("must be a list, set, or tuple value with either zero or one elements".to_string())
        }
    }
}

fn compact(value: &Value) -> Result<Value, String> {
    let items = to_elements(value).map_err(|e| arg_error("list", e))?;
    if let Some(unknown) = unknown_inside(value) {
        return Ok(unknown);
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if matches!(item, Value::Null) {
            continue;
        }
        let s = to_string(item).map_err(|e| arg_error("list", e))?;
        if !s.is_empty() {
            out.push(Value::String(s));
        }
    }
    Ok(Value::List(out))
}

fn reverse(value: &Value) -> Result<Value, String> {
    match value {
        Value::List(items) | Value::Set(items) => {
            Ok(Value::List(items.iter().rev().cloned().collect()))
        }
        Value::Null => Err(arg_error("list", "argument must not be null".to_string())),
        other => Err(format!(
            "can only reverse list or tuple values, not {}",
            type_name(other)
        )),
    }
}

fn sort(value: &Value) -> Result<Value, String> {
    let items = to_elements(value).map_err(|e| arg_error("list", e))?;
    if let Some(unknown) = unknown_inside(value) {
        return Ok(unknown);
    }
    let mut strings = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if matches!(item, Value::Null) {
            return Err(format!(
                "given list element {i} is null; a null string cannot be sorted"
            ));
        }
        strings.push(to_string(item).map_err(|e| arg_error("list", e))?);
    }
    strings.sort();
    Ok(Value::List(
        strings.into_iter().map(Value::String).collect(),
    ))
}

fn chunklist(list: &Value, size: &Value) -> Result<Value, String> {
    let items = to_elements(list).map_err(|e| arg_error("list", e))?;
    let size = integer_arg("size", size)?;
    if size < 0 {
        return Err("the size argument must be positive".to_string());
    }
    if items.is_empty() {
        return Ok(Value::List(Vec::new()));
    }
    if size == 0 {
        return Ok(Value::List(vec![Value::List(items.to_vec())]));
    }
    Ok(Value::List(
        items
            .chunks(size as usize)
            .map(|chunk| Value::List(chunk.to_vec()))
            .collect(),
    ))
}

fn bool_elements(value: &Value) -> Result<Vec<Option<bool>>, String> {
    let items = to_elements(value).map_err(|e| arg_error("list", e))?;
    items
        .iter()
        .map(|item| match item {
            Value::Null => Ok(None),
            v => to_bool(v).map(Some).map_err(|e| arg_error("list", e)),
        })
        .collect()
}

fn alltrue(value: &Value) -> Result<Value, String> {
    if let Some(unknown) = unknown_inside(value) {
        return Ok(unknown);
    }
    for item in bool_elements(value)? {
        if item != Some(true) {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

fn anytrue(value: &Value) -> Result<Value, String> {
    if let Some(unknown) = unknown_inside(value) {
        return Ok(unknown);
    }
    Ok(Value::Bool(bool_elements(value)?.contains(&Some(true))))
}

fn matchkeys(args: &[Value]) -> Result<Value, String> {
    let values = to_elements(&args[0]).map_err(|e| arg_error("values", e))?;
    let keys = to_elements(&args[1]).map_err(|e| arg_error("keys", e))?;
    let search = to_elements(&args[2]).map_err(|e| arg_error("searchset", e))?;
    if values.len() != keys.len() {
        return Err("length of keys and values should be equal".to_string());
    }
    if let Some(unknown) = args.iter().find_map(unknown_inside) {
        return Ok(unknown);
    }
    let search: HashSet<String> = search.iter().map(equality_key).collect();
    Ok(Value::List(
        values
            .iter()
            .zip(keys)
            .filter(|(_, key)| search.contains(&equality_key(key)))
            .map(|(value, _)| value.clone())
            .collect(),
    ))
}

fn transpose(value: &Value) -> Result<Value, String> {
    let map = to_entries(value).map_err(|e| arg_error("values", e))?;
    if let Some(unknown) = unknown_inside(value) {
        return Ok(unknown);
    }
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (key, list) in map {
        for item in to_elements(list).map_err(|e| arg_error("values", e))? {
            let item = to_string(item).map_err(|e| arg_error("values", e))?;
            out.entry(item)
                .or_default()
                .push(Value::String(key.clone()));
        }
    }
    Ok(Value::Map(
        out.into_iter().map(|(k, v)| (k, Value::List(v))).collect(),
    ))
}

#[derive(Clone, Copy, PartialEq)]
enum SetOp {
    Union,
    Intersection,
    Subtract,
}

/// `setunion`, `setintersection`, `setsubtract`: the arguments become sets of one
/// element type (mixed primitives become strings), the result is a set.
fn set_operation(args: &[Value], op: SetOp) -> Result<Value, String> {
    let mut sets = Vec::with_capacity(args.len());
    for arg in args {
        let items = to_elements(arg).map_err(|e| arg_error("sets", e))?;
        if let Some(unknown) = unknown_inside(arg) {
            return Ok(unknown);
        }
        sets.push(items.len());
    }
    // Unify across all arguments, as cty converts them to one set type.
    let all: Vec<Value> = args
        .iter()
        .filter_map(|a| to_elements(a).ok())
        .flat_map(|items| items.iter().cloned())
        .collect();
    let all = unify(all, "set").map_err(|e| arg_error("sets", e))?;
    let mut groups = Vec::with_capacity(sets.len());
    let mut rest = all.as_slice();
    for len in sets {
        let (group, tail) = rest.split_at(len.min(rest.len()));
        groups.push(group);
        rest = tail;
    }
    let (first, others) = groups
        .split_first()
        .ok_or("at least one argument is required")?;
    let others: Vec<HashSet<String>> = others
        .iter()
        .map(|g| g.iter().map(equality_key).collect())
        .collect();
    let in_others = |v: &Value, all: bool| {
        let key = equality_key(v);
        if all {
            others.iter().all(|g| g.contains(&key))
        } else {
            others.iter().any(|g| g.contains(&key))
        }
    };
    let result: Vec<Value> = match op {
        SetOp::Union => groups.iter().flat_map(|g| g.iter().cloned()).collect(),
        SetOp::Intersection => first
            .iter()
            .filter(|v| in_others(v, true))
            .cloned()
            .collect(),
        SetOp::Subtract => first
            .iter()
            .filter(|v| !in_others(v, false))
            .cloned()
            .collect(),
    };
    Ok(make_set(result))
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use super::*;

    fn s(x: &str) -> Value {
        Value::String(x.to_string())
    }
    fn n(x: i64) -> Value {
        Value::number(Number::from_i64(x))
    }
    fn list(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    #[test]
    fn partly_unknown_collections() {
        let unknown = Value::Unknown("later".to_string());
        let reference = Value::reference(crate::frontend::Ref {
            address: "aws_subnet.a".into(),
            attribute: "id".to_string(),
        });
        assert_eq!(
            call(
                "flatten",
                vec![list(vec![list(vec![reference.clone()]), s("b")])]
            ),
            Ok(list(vec![reference.clone(), s("b")]))
        );
        assert_eq!(call("tostring", vec![reference.clone()]), Ok(reference));
        assert_eq!(
            call("length", vec![list(vec![unknown.clone(), s("a")])]),
            Ok(n(2))
        );
        assert_eq!(
            call(
                "concat",
                vec![list(vec![unknown.clone()]), list(vec![s("a")])]
            ),
            Ok(list(vec![unknown.clone(), s("a")]))
        );
        assert_eq!(
            call("element", vec![list(vec![s("a"), unknown.clone()]), n(2)]),
            Ok(s("a"))
        );
        assert_eq!(
            call("distinct", vec![list(vec![s("a"), unknown.clone()])]),
            Ok(unknown)
        );
    }

    #[test]
    fn collection_functions() {
        assert!(call("element", vec![list(vec![]), n(0)]).is_err());
        assert!(call("element", vec![list(vec![s("a")]), n(-1)]).is_err());
        assert_eq!(
            call("slice", vec![list(vec![n(1), n(2), n(3)]), n(1), n(3)]),
            Ok(list(vec![n(2), n(3)]))
        );
        assert!(call("slice", vec![list(vec![n(1)]), n(0), n(2)]).is_err());
        assert_eq!(call("range", vec![n(3)]), Ok(list(vec![n(0), n(1), n(2)])));
        assert_eq!(
            call("range", vec![n(3), n(0)]),
            Ok(list(vec![n(3), n(2), n(1)]))
        );
        assert!(call("range", vec![n(2000)]).is_err());
        assert_eq!(
            call("contains", vec![list(vec![s("1")]), n(1)]),
            Ok(Value::Bool(false))
        );
        assert!(call("index", vec![list(vec![s("1")]), n(1)]).is_err());
        assert_eq!(call("coalesce", vec![s(""), n(1), s("a")]), Ok(s("1")));
        assert_eq!(
            call("chunklist", vec![list(vec![n(1), n(2), n(3)]), n(2)]),
            Ok(list(vec![list(vec![n(1), n(2)]), list(vec![n(3)])]))
        );
        assert_eq!(
            call(
                "flatten",
                vec![list(vec![list(vec![s("a")]), s("b"), list(vec![])])]
            ),
            Ok(list(vec![s("a"), s("b")]))
        );
        assert!(call("setproduct", vec![list(vec![s("a")])]).is_err());
    }
}
