//! Source order of entities: which of two declarations comes "second" (file, then
//! position, then the address, with `count` indices compared as numbers so that
//! `aws_subnet.a[10]` follows `aws_subnet.a[2]`).

use crate::model::{Network, Origin};
use std::cmp::Ordering;

/// Orders two entities by where they are declared: files in path order (not by file id,
/// which follows the order parallel parsing read them in). Instances of one
/// `count`/`for_each` block share a span and are ordered by index or key.
pub fn source_order(network: &Network, a: &Origin, b: &Origin) -> Ordering {
    let rank = |o: &Origin| {
        let id = o.span.file.0;
        network.file_ranks.get(id as usize).copied().unwrap_or(id)
    };
    (rank(a), a.span.start)
        .cmp(&(rank(b), b.span.start))
        .then_with(|| address_order(&a.address, &b.address))
}

/// Compares addresses in natural order: runs of digits (instance indices) compare as
/// numbers, everything else as text.
pub fn address_order(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (digits_a, rest_a) = split_digits(a);
                let (digits_b, rest_b) = split_digits(b);
                let (num_a, num_b) = (
                    digits_a.trim_start_matches('0'),
                    digits_b.trim_start_matches('0'),
                );
                let order = num_a
                    .len()
                    .cmp(&num_b.len())
                    .then_with(|| num_a.cmp(num_b))
                    .then_with(|| digits_a.len().cmp(&digits_b.len()));
                if order != Ordering::Equal {
                    return order;
                }
                (a, b) = (rest_a, rest_b);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
            }
        }
    }
}

fn split_digits(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, SourceMap, Span};
    use std::sync::Arc;

    fn origin(file: FileId, start: usize) -> Origin {
        Origin {
            address: "aws_subnet.a".into(),
            kind: "aws_subnet".into(),
            span: Span::new(file, start, start + 1),
            name_span: Span::new(file, start, start + 1),
            called_from: Default::default(),
        }
    }

    #[test]
    fn files_compare_by_path_not_by_the_order_they_were_read() {
        let sources = SourceMap::new();
        let network_yaml = sources.add("network.yaml".into(), Arc::from("x"));
        let app_yaml = sources.add("app.yaml".into(), Arc::from("x"));
        let network = Network {
            file_ranks: sources.path_ranks(),
            ..Network::default()
        };
        let (late, early) = (origin(network_yaml, 0), origin(app_yaml, 50));
        assert_eq!(source_order(&network, &early, &late), Ordering::Less);
        assert_eq!(source_order(&network, &late, &early), Ordering::Greater);
        assert_eq!(
            source_order(&network, &origin(app_yaml, 0), &early),
            Ordering::Less
        );
    }

    #[test]
    fn count_indices_compare_as_numbers_and_keys_as_text() {
        assert_eq!(
            address_order("aws_subnet.a[2]", "aws_subnet.a[10]"),
            Ordering::Less
        );
        assert_eq!(
            address_order("aws_subnet.a[\"b\"]", "aws_subnet.a[\"a\"]"),
            Ordering::Greater
        );
        assert_eq!(
            address_order("aws_subnet.a", "aws_subnet.b"),
            Ordering::Less
        );
        assert_eq!(
            address_order("module.x[1].aws_subnet.a[3]", "module.x[1].aws_subnet.a[3]"),
            Ordering::Equal
        );
        assert_eq!(
            address_order("module.x[9].aws_subnet.a", "module.x[10].aws_subnet.a"),
            Ordering::Less
        );
    }
}
