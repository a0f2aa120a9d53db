//! Values of the Terraform evaluator. Richer than [`crate::frontend::V`]: sets are kept
//! apart from lists (they deduplicate and sort), numbers are [`Number`]s.

use super::number::Number;
use crate::frontend::Ref;
use std::rc::Rc;

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
    Map(Map),
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

/// A map or object's entries, sorted by key as Terraform iterates them, each key once.
/// A sorted vector and not a `BTreeMap`: most maps are a resource's few arguments, for which
/// a B-tree allocates a 600-byte node. Shared (`Rc`) and copied on write: evaluation hands
/// the same objects (a resource instance, a local, a variable) to every expression that
/// reads them, and a deep copy for each read was a large part of its cost.
#[derive(Clone, Default, PartialEq)]
pub struct Map(Rc<Vec<(String, Value)>>);

impl Map {
    pub fn new() -> Map {
        Map::default()
    }

    /// Entries in any order; of repeated keys the last one stays (as `insert` would keep it).
    pub fn from_entries(mut entries: Vec<(String, Value)>) -> Map {
        if !entries.is_sorted_by(|a, b| a.0 < b.0) {
            // Stable: equal keys keep their order, and the last of them wins below.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries.dedup_by(|later, earlier| {
                if later.0 == earlier.0 {
                    std::mem::swap(later, earlier);
                    true
                } else {
                    false
                }
            });
        }
        Map(Rc::new(entries))
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        let i = self.position(key).ok()?;
        self.0.get(i).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Sets `key`, returning the value it replaces. Keys inserted in order are appended;
    /// a map built from many keys out of order is built with [`Map::from_entries`].
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        if self.0.last().is_none_or(|(last, _)| *last < key) {
            Rc::make_mut(&mut self.0).push((key, value));
            return None;
        }
        let position = self.position(&key);
        let entries = Rc::make_mut(&mut self.0);
        match position {
            Ok(i) => entries.get_mut(i).map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key).ok()?;
        Some(Rc::make_mut(&mut self.0).remove(i).1)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &Value)> + ExactSizeIterator {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut Value)> {
        Rc::make_mut(&mut self.0).iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }
}

impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(entries: I) -> Map {
        Map::from_entries(entries.into_iter().collect())
    }
}

impl<const N: usize> From<[(String, Value); N]> for Map {
    fn from(entries: [(String, Value); N]) -> Map {
        Map::from_entries(Vec::from(entries))
    }
}

impl Extend<(String, Value)> for Map {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, entries: I) {
        let mut all = Rc::unwrap_or_clone(std::mem::take(&mut self.0));
        all.extend(entries);
        *self = Map::from_entries(all);
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        Rc::unwrap_or_clone(self.0).into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a String, &'a Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::String(text.to_string())
    }

    #[test]
    fn maps_keep_keys_sorted_and_the_last_of_repeated_keys() {
        let map = Map::from_entries(vec![
            ("b".into(), s("1")),
            ("a".into(), s("2")),
            ("b".into(), s("3")),
            ("c".into(), s("4")),
            ("a".into(), s("5")),
        ]);
        let entries: Vec<(&String, &Value)> = map.iter().collect();
        assert_eq!(
            entries,
            [
                (&"a".to_string(), &s("5")),
                (&"b".to_string(), &s("3")),
                (&"c".to_string(), &s("4")),
            ]
        );
        let mut map = map;
        assert_eq!(map.insert("bb".into(), s("6")), None);
        assert_eq!(map.insert("a".into(), s("7")), Some(s("5")));
        assert_eq!(map.insert("d".into(), s("8")), None);
        assert_eq!(
            map.keys().map(String::as_str).collect::<Vec<_>>(),
            ["a", "b", "bb", "c", "d"]
        );
        assert_eq!(map.remove("bb"), Some(s("6")));
        assert_eq!(map.get("bb"), None);
        assert_eq!(map.get("a"), Some(&s("7")));
        assert_eq!(
            format!("{map:?}"),
            r#"{"a": String("7"), "b": String("3"), "c": String("4"), "d": String("8")}"#
        );
    }

    #[test]
    fn a_large_map_out_of_order_is_sorted_with_each_key_once() {
        // Every key twice, out of order: the second value of each stays.
        let n = 100_000;
        let map: Map = (0..n)
            .rev()
            .map(|i| (format!("{i:07}"), Value::Bool(false)))
            .chain((0..n).map(|i| (format!("{i:07}"), Value::Bool(true))))
            .collect();
        assert_eq!(map.len(), n);
        assert_eq!(map.keys().next().map(String::as_str), Some("0000000"));
        assert!(map.keys().zip(map.keys().skip(1)).all(|(a, b)| a < b));
        assert!(map.values().all(|v| *v == Value::Bool(true)));
    }
}
