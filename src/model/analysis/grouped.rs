//! Items grouped by a dense key (an arena index), in two allocations: a large estate has
//! hundreds of thousands of routes in tens of thousands of tables, and a `Vec` per table
//! costs a header and an allocation each.

/// For each key, its items in the order they were given (a counting sort).
pub struct Grouped<T> {
    /// Where each key's items start in `items`; one more entry than there are keys.
    starts: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy> Grouped<T> {
    /// Groups `entries` under keys `0..keys`; entries with a key out of range are left out.
    /// The iterator is walked twice (counting, then placing).
    pub fn new(keys: usize, entries: impl Iterator<Item = (usize, T)> + Clone) -> Self {
        let mut starts = vec![0u32; keys + 1];
        for (key, _) in entries.clone() {
            if key < keys {
                starts[key + 1] += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        // Every slot is written below: any item fills them first.
        let mut items = match entries.clone().next() {
            Some((_, filler)) => vec![filler; starts[keys] as usize],
            None => Vec::new(),
        };
        for (key, item) in entries {
            if key < keys {
                items[next[key] as usize] = item;
                next[key] += 1;
            }
        }
        Grouped { starts, items }
    }

    /// The items of `key`, empty for a key out of range.
    pub fn get(&self, key: usize) -> &[T] {
        match (self.starts.get(key), self.starts.get(key + 1)) {
            (Some(&start), Some(&end)) => &self.items[start as usize..end as usize],
            _ => &[],
        }
    }

    /// The items of every key, key by key.
    pub fn groups(&self) -> impl Iterator<Item = &[T]> + '_ {
        self.starts
            .windows(2)
            .map(|w| &self.items[w[0] as usize..w[1] as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_keep_the_given_order_and_skip_keys_out_of_range() {
        let entries = [(2, 'a'), (0, 'b'), (2, 'c'), (7, 'x'), (0, 'd')];
        let grouped = Grouped::new(3, entries.iter().copied());
        assert_eq!(grouped.get(0), ['b', 'd']);
        assert_eq!(grouped.get(1), [] as [char; 0]);
        assert_eq!(grouped.get(2), ['a', 'c']);
        assert_eq!(grouped.get(3), [] as [char; 0]);
        let all: Vec<&[char]> = grouped.groups().collect();
        assert_eq!(all, [&['b', 'd'][..], &[], &['a', 'c']]);
    }
}
