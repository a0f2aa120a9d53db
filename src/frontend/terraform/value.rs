//! Values of the Terraform evaluator. Richer than [`crate::frontend::V`]: sets are kept
//! apart from lists (they deduplicate and sort), numbers are [`Number`]s.

use super::number::Number;
use crate::frontend::Ref;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Boxed: a [`Number`] is ~80 bytes and numbers are rare next to strings and maps.
    Number(Box<Number>),
    String(String),
    /// A list or tuple.
    List(Vec<Value>),
    /// A set: no duplicates, in Terraform's set order.
    Set(Vec<Value>),
    /// A map or object; Terraform iterates keys in lexical order.
    Map(BTreeMap<String, Value>),
    /// A computed attribute of a resource (`aws_vpc.a.id`). Boxed for the same reason.
    Ref(Box<Ref>),
    /// Not knowable before apply, or not evaluable by vpclint; carries the reason.
    Unknown(String),
}

// Every list element and map slot is a `Value`: it stays as small as a `String` plus a tag.
const _: () = assert!(std::mem::size_of::<Value>() == 32);

impl Value {
    pub fn number(n: Number) -> Value {
        Value::Number(Box::new(n))
    }

    pub fn reference(r: Ref) -> Value {
        Value::Ref(Box::new(r))
    }
}
