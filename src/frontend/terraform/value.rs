//! Values of the Terraform evaluator. Richer than [`crate::frontend::V`]: sets are kept
//! apart from lists (they deduplicate and sort), numbers are [`Number`]s.

use super::number::Number;
use crate::frontend::Ref;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    /// A list or tuple.
    List(Vec<Value>),
    /// A set: no duplicates, in Terraform's set order.
    Set(Vec<Value>),
    /// A map or object; Terraform iterates keys in lexical order.
    Map(BTreeMap<String, Value>),
    /// A computed attribute of a resource (`aws_vpc.a.id`).
    Ref(Ref),
    /// Not knowable before apply, or not evaluable by vpclint; carries the reason.
    Unknown(String),
}
