//! Customer-managed prefix lists: what a route destination or a security group peer that
//! names a list stands for. A list not in the code (AWS-managed, an existing list's id) has
//! no known entry.

use crate::model::{Network, PrefixListEntry, PrefixListId};
use ipnet::IpNet;

/// The entries of the list whose CIDR is known (possibly not all of them).
pub fn known_entries(
    network: &Network,
    list: Option<PrefixListId>,
) -> impl Iterator<Item = (IpNet, &PrefixListEntry)> + '_ {
    list.and_then(|id| network.prefix_lists.get(id))
        .into_iter()
        .flat_map(|list| list.entries.iter())
        .filter_map(|entry| Some((entry.cidr.copied()?, entry)))
}

/// Every CIDR of the list, when all of them are known.
pub fn all_entries(network: &Network, list: Option<PrefixListId>) -> Option<Vec<IpNet>> {
    let list = network.prefix_lists.get(list?)?;
    if !list.entries_complete {
        return None;
    }
    list.entries
        .iter()
        .map(|entry| entry.cidr.copied())
        .collect()
}

/// `prefix list aws_ec2_managed_prefix_list.onprem`, or `a prefix list` for one not in
/// the code.
pub fn describe(network: &Network, list: Option<PrefixListId>) -> String {
    match list.and_then(|id| network.prefix_lists.get(id)) {
        Some(list) => format!("prefix list {}", list.origin.address),
        None => "a prefix list".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::NetworkBuilder;

    #[test]
    fn entries_are_known_one_by_one_and_all_only_when_complete() {
        let mut b = NetworkBuilder::new();
        let list = b.prefix_list("aws_ec2_managed_prefix_list.onprem", &["192.168.0.0/16"]);
        let open = b.prefix_list("aws_ec2_managed_prefix_list.open", &["10.0.0.0/8", "::/0"]);
        b.network.prefix_lists[open].entries_complete = false;
        let network = b.finish();
        let known: Vec<IpNet> = known_entries(&network, Some(open))
            .map(|(n, _)| n)
            .collect();
        assert_eq!(known.len(), 2);
        assert_eq!(all_entries(&network, Some(open)), None);
        assert_eq!(
            all_entries(&network, Some(list)),
            Some(vec!["192.168.0.0/16".parse().unwrap()])
        );
        assert_eq!(known_entries(&network, None).count(), 0);
        assert_eq!(
            describe(&network, Some(list)),
            "prefix list aws_ec2_managed_prefix_list.onprem"
        );
        assert_eq!(describe(&network, None), "a prefix list");
    }
}
