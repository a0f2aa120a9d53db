//! `Fn::Cidr [ipBlock, count, cidrBits]` as the CloudFormation template reference defines
//! it: `count` (1 to 256) consecutive blocks from the start of `ipBlock`, each with
//! `cidrBits` host bits, i.e. a prefix of 32 − cidrBits (IPv4) or 128 − cidrBits (IPv6).
//! Example from the documentation: `["192.168.0.0/24", 6, 5]` gives six /27s,
//! 192.168.0.0/27 to 192.168.0.160/27.

use ipnet::IpNet;

pub(super) fn cidr(block: &str, count: f64, cidr_bits: f64) -> Result<Vec<String>, String> {
    let (subnets, count) = blocks(block, count, cidr_bits)?;
    Ok(subnets.take(count).map(|n| n.to_string()).collect())
}

/// Block `index` of `Fn::Cidr` (for `!Select [i, !Cidr [...]]`, without building the
/// whole list); `Ok(None)` when the index is past `count`.
pub(super) fn cidr_nth(
    block: &str,
    count: f64,
    cidr_bits: f64,
    index: usize,
) -> Result<Option<String>, String> {
    let (mut subnets, count) = blocks(block, count, cidr_bits)?;
    Ok((index < count)
        .then(|| subnets.nth(index))
        .flatten()
        .map(|n| n.to_string()))
}

fn blocks(block: &str, count: f64, cidr_bits: f64) -> Result<(ipnet::IpSubnets, usize), String> {
    let net: IpNet = block
        .trim()
        .parse()
        .map_err(|_| format!("Fn::Cidr: \"{block}\" is not a CIDR block"))?;
    if count.fract() != 0.0 || !(1.0..=256.0).contains(&count) {
        return Err(format!("Fn::Cidr: count {count} is not between 1 and 256"));
    }
    let max_bits = net.max_prefix_len();
    if cidr_bits.fract() != 0.0 || cidr_bits < 0.0 || cidr_bits > f64::from(max_bits) {
        return Err(format!("Fn::Cidr: cidrBits {cidr_bits} is out of range"));
    }
    let new_prefix = max_bits - cidr_bits as u8;
    if new_prefix < net.prefix_len() {
        return Err(format!(
            "Fn::Cidr: /{new_prefix} blocks (cidrBits {cidr_bits}) do not fit in {net}"
        ));
    }
    let available_bits = u32::from(new_prefix - net.prefix_len());
    let available = 1u128.checked_shl(available_bits).unwrap_or(u128::MAX);
    if count as u128 > available {
        return Err(format!(
            "Fn::Cidr: {net} has room for {available} /{new_prefix} blocks, not {count}"
        ));
    }
    let subnets = net
        .trunc()
        .subnets(new_prefix)
        .map_err(|e| format!("Fn::Cidr: {e}"))?;
    Ok((subnets, count as usize))
}

#[cfg(test)]
mod tests {
    use super::{cidr, cidr_nth};

    #[test]
    fn documented_ipv4_example() {
        assert_eq!(
            cidr("192.168.0.0/24", 6.0, 5.0),
            Ok(vec![
                "192.168.0.0/27".to_string(),
                "192.168.0.32/27".into(),
                "192.168.0.64/27".into(),
                "192.168.0.96/27".into(),
                "192.168.0.128/27".into(),
                "192.168.0.160/27".into(),
            ])
        );
    }

    #[test]
    fn cidr_bits_are_host_bits() {
        assert_eq!(
            cidr("10.0.0.0/16", 2.0, 8.0),
            Ok(vec!["10.0.0.0/24".to_string(), "10.0.1.0/24".into()])
        );
    }

    #[test]
    fn ipv6_64_bit_subnets() {
        assert_eq!(
            cidr("2600:1f16:abc:de00::/56", 3.0, 64.0),
            Ok(vec![
                "2600:1f16:abc:de00::/64".to_string(),
                "2600:1f16:abc:de01::/64".into(),
                "2600:1f16:abc:de02::/64".into(),
            ])
        );
    }

    #[test]
    fn nth_block_matches_the_list() {
        assert_eq!(
            cidr_nth("192.168.0.0/24", 6.0, 5.0, 5),
            Ok(Some("192.168.0.160/27".to_string()))
        );
        assert_eq!(cidr_nth("192.168.0.0/24", 6.0, 5.0, 6), Ok(None));
        assert!(cidr_nth("192.168.0.0/24", 9.0, 5.0, 0).is_err());
    }

    #[test]
    fn rejects_what_cloudformation_rejects() {
        assert!(cidr("10.0.0.0/24", 257.0, 2.0).is_err());
        assert!(cidr("10.0.0.0/24", 0.0, 2.0).is_err());
        assert!(cidr("10.0.0.0/24", 2.0, 9.0).is_err());
        assert!(cidr("10.0.0.0/24", 5.0, 6.0).is_err());
        assert!(cidr("10.0.0.0/24", 4.0, 6.0).is_ok());
        assert!(cidr("nope", 1.0, 8.0).is_err());
        assert!(cidr("10.0.0.0/24", 1.0, 33.0).is_err());
    }
}
