//! `cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`, as Terraform computes them
//! (its `ipaddr` parser, which accepts leading zeros in IPv4 octets, and the `go-cidr`
//! arithmetic, including its quirks with negative and out-of-range numbers).
//! Addresses are `u128` integers with a width of 32 or 128 bits.

use super::super::convert::{to_number, to_string};
use super::super::value::Value;
use super::{arg_error, arity};
use std::net::{Ipv4Addr, Ipv6Addr};

pub const NAMES: &[&str] = &["cidrhost", "cidrnetmask", "cidrsubnet", "cidrsubnets"];

pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    let result = match name {
        "cidrhost" => arity(name, args, 2, 2).and_then(|()| cidrhost(&args[0], &args[1])),
        "cidrnetmask" => arity(name, args, 1, 1).and_then(|()| cidrnetmask(&args[0])),
        "cidrsubnet" => {
            arity(name, args, 3, 3).and_then(|()| cidrsubnet(&args[0], &args[1], &args[2]))
        }
        "cidrsubnets" => arity(name, args, 1, usize::MAX).and_then(|()| cidrsubnets(args)),
        _ => return None,
    };
    Some(result)
}

/// A parsed network: its masked address, prefix length and address width.
#[derive(Clone, Copy)]
struct Net {
    addr: u128,
    prefix: u32,
    width: u32,
}

impl Net {
    fn host_mask(width: u32, prefix: u32) -> u128 {
        let host_bits = width - prefix;
        if host_bits >= 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        }
    }

    fn contains(&self, addr: u128) -> bool {
        addr & !Net::host_mask(self.width, self.prefix) == self.addr
    }

    fn last(&self) -> u128 {
        self.addr | Net::host_mask(self.width, self.prefix)
    }

    /// `self` widened to `width` bits: the largest address.
    fn all_ones(width: u32) -> u128 {
        Net::host_mask(width, 0)
    }
}

fn parse_cidr(value: &Value) -> Result<Net, String> {
    let text: std::borrow::Cow<str> = match value {
        Value::String(text) => text.into(),
        other => to_string(other).map_err(|e| arg_error("prefix", e))?.into(),
    };
    if let Some((addr, prefix)) = ipv4_cidr(text.as_bytes()) {
        return Ok(Net {
            addr: u128::from(addr) & !Net::host_mask(32, prefix),
            prefix,
            width: 32,
        });
    }
    parse_cidr_text(&text)
}

/// The general path of [`parse_cidr`]: IPv6, and the error for what is not a CIDR.
fn parse_cidr_text(text: &str) -> Result<Net, String> {
    let invalid = || format!("invalid CIDR expression: invalid CIDR address: {text}");
    let (addr, prefix) = text.split_once('/').ok_or_else(invalid)?;
    let (addr, width) = match parse_ipv4(addr) {
        Some(v4) => (u128::from(u32::from(v4)), 32),
        None => {
            let v6: Ipv6Addr = addr.parse().map_err(|_| invalid())?;
            (u128::from(v6), 128)
        }
    };
    let prefix = parse_decimal(prefix)
        .filter(|p| *p <= width)
        .ok_or_else(invalid)?;
    Ok(Net {
        addr: addr & !Net::host_mask(width, prefix),
        prefix,
        width,
    })
}

/// `a.b.c.d/p` in one pass over the bytes: what [`parse_ipv4`] and [`parse_decimal`] accept
/// (leading zeros, octets up to 255, a prefix up to 32), or `None` for anything else, which
/// the general path then parses or rejects (`cidrsubnet` runs once per subnet).
fn ipv4_cidr(text: &[u8]) -> Option<(u32, u32)> {
    // Above every limit, and it stays there: more digits only make a number larger.
    const BIG: u32 = 1 << 20;
    let mut fields = [0u32; 5];
    let mut field = 0;
    let mut digits = 0;
    for &byte in text {
        match byte {
            b'0'..=b'9' => {
                let slot = fields.get_mut(field)?;
                *slot = (*slot * 10 + u32::from(byte - b'0')).min(BIG);
                digits += 1;
            }
            b'.' if field < 3 && digits > 0 => (field, digits) = (field + 1, 0),
            b'/' if field == 3 && digits > 0 => (field, digits) = (4, 0),
            _ => return None,
        }
    }
    let [a, b, c, d, prefix] = fields;
    if field != 4 || digits == 0 || [a, b, c, d].iter().any(|&octet| octet > 255) || prefix > 32 {
        return None;
    }
    Some(((a << 24) | (b << 16) | (c << 8) | d, prefix))
}

/// Go's `dtoi`: decimal digits, leading zeros allowed.
fn parse_decimal(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = text.trim_start_matches('0');
    if digits.len() > 7 {
        return None;
    }
    Some(digits.parse().unwrap_or(0))
}

/// An IPv4 address as Terraform's `ipaddr` reads it: four decimal octets, where
/// leading zeros are allowed and mean nothing (`010` is ten).
fn parse_ipv4(text: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        let value = parse_decimal(parts.next()?)?;
        *octet = u8::try_from(value).ok()?;
    }
    parts.next().is_none().then_some(Ipv4Addr::from(octets))
}

fn format_addr(addr: u128, width: u32) -> String {
    if width == 32 {
        let mut out = String::with_capacity(18);
        push_ipv4(&mut out, addr as u32);
        return out;
    }
    let v6 = Ipv6Addr::from(addr);
    // Go prints IPv4-mapped IPv6 addresses in dotted form.
    match v6.to_ipv4_mapped() {
        Some(v4) => v4.to_string(),
        None => v6.to_string(),
    }
}

fn format_net(addr: u128, prefix: u32, width: u32) -> String {
    let v4_mapped = width == 128 && Ipv6Addr::from(addr).to_ipv4_mapped().is_some();
    let prefix = if v4_mapped {
        prefix.saturating_sub(96)
    } else {
        prefix
    };
    let mut out = format_addr(addr, width);
    out.push('/');
    push_decimal(&mut out, prefix);
    out
}

/// Dotted decimal, as `Ipv4Addr`'s `Display` writes it, without the formatting machinery
/// (`cidrsubnet` runs once per subnet of a configuration).
fn push_ipv4(out: &mut String, addr: u32) {
    for (i, octet) in addr.to_be_bytes().into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_decimal(out, u32::from(octet));
    }
}

fn push_decimal(out: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut rest = n;
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for digit in &digits[start..] {
        out.push(char::from(*digit));
    }
}

/// A whole number argument, as Go's `gocty` converts it to an integer.
fn integer_arg(param: &str, value: &Value) -> Result<i128, String> {
    let n = to_number(value).map_err(|e| arg_error(param, e))?;
    if !n.is_integer() {
        return Err(arg_error(
            param,
            format!("value must be a whole number, got {n}"),
        ));
    }
    n.to_i128()
        .ok_or_else(|| arg_error(param, format!("value must be a whole number, got {n}")))
}

/// `go-cidr`'s `insertNumIntoIP`: `addr | (num << shift)`, with Go's big-integer
/// semantics for negative numbers (two's complement, then the magnitude's bytes).
fn insert_number(addr: u128, num: i128, shift: u32, width: u32) -> Result<u128, String> {
    let too_big = || "number does not fit into the address".to_string();
    let magnitude = num.unsigned_abs();
    let shifted = if shift >= 128 {
        if magnitude == 0 {
            0
        } else {
            return Err(too_big());
        }
    } else {
        let shifted = magnitude << shift;
        if shifted >> shift != magnitude {
            return Err(too_big());
        }
        shifted
    };
    let result = if num >= 0 {
        addr | shifted
    } else {
        // x | -a == -(((a - 1) & !x) + 1)
        ((shifted - 1) & !addr).checked_add(1).ok_or_else(too_big)?
    };
    if width < 128 && result > Net::all_ones(width) {
        return Err(too_big());
    }
    Ok(result)
}

fn cidrhost(prefix: &Value, hostnum: &Value) -> Result<Value, String> {
    let num = integer_arg("hostnum", hostnum)?;
    let net = parse_cidr(prefix)?;
    let max = Net::host_mask(net.width, net.prefix);
    // go-cidr's HostBig: negative numbers count back from the end of the range; a
    // positive number is checked by its low 64 bits as a signed integer.
    let addr = if num < 0 {
        let back = num.unsigned_abs() - 1;
        if back > max {
            let shown = (max as i128).wrapping_sub(back as i128);
            return Err(format!(
                "prefix of {} does not accommodate a host numbered {shown}",
                net.prefix
            ));
        }
        net.addr | (max - back)
    } else {
        let checked = (num as u128 as u64) as i64;
        if checked >= 0 && checked as u128 > max {
            return Err(format!(
                "prefix of {} does not accommodate a host numbered {num}",
                net.prefix
            ));
        }
        insert_number(net.addr, num, 0, net.width)?
    };
    Ok(Value::String(format_addr(addr, net.width)))
}

fn cidrnetmask(prefix: &Value) -> Result<Value, String> {
    let net = parse_cidr(prefix)?;
    if net.width != 32 {
        let text = to_string(prefix).unwrap_or_default();
        return Err(format!("IPv6 addresses cannot have a netmask: {text}"));
    }
    let mask = !Net::host_mask(32, net.prefix) & Net::all_ones(32);
    Ok(Value::String(format_addr(mask, 32)))
}

fn cidrsubnet(prefix: &Value, newbits: &Value, netnum: &Value) -> Result<Value, String> {
    let newbits = integer_arg("newbits", newbits)?;
    let num = integer_arg("netnum", netnum)?;
    let net = parse_cidr(prefix)?;
    let new_prefix = i128::from(net.prefix) + newbits;
    if new_prefix > i128::from(net.width) {
        return Err(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.prefix
        ));
    }
    if newbits < 0 {
        return Err("newbits must not be negative".to_string());
    }
    let new_prefix = new_prefix as u32;
    let max = Net::host_mask(newbits as u32, 0);
    if num > 0 && num as u128 > max {
        return Err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {num}"
        ));
    }
    let addr = insert_number(net.addr, num, net.width - new_prefix, net.width)?;
    Ok(Value::String(format_net(addr, new_prefix, net.width)))
}

fn cidrsubnets(args: &[Value]) -> Result<Value, String> {
    let net = parse_cidr(&args[0])?;
    let lengths = &args[1..];
    let Some(first) = lengths.first() else {
        return Ok(Value::List(Vec::new()));
    };
    let first = integer_arg("newbits", first)?;
    let first_prefix = (first + i128::from(net.prefix)).clamp(0, i128::from(net.width)) as u32;
    // go-cidr's PreviousSubnet: the subnet just below the network (wrapping at zero).
    let below = net.addr.wrapping_sub(1) & Net::all_ones(net.width);
    let mut current = Net {
        addr: below & !Net::host_mask(net.width, first_prefix),
        prefix: first_prefix,
        width: net.width,
    };
    let mut out = Vec::with_capacity(lengths.len());
    for length in lengths {
        let length = integer_arg("newbits", length)?;
        if length < 1 {
            return Err("must extend prefix by at least one bit".to_string());
        }
        if length > 32 {
            return Err("may not extend prefix by more than 32 bits".to_string());
        }
        let prefix = length + i128::from(net.prefix);
        if prefix > i128::from(net.width) {
            let protocol = if net.width == 32 { "IPv4" } else { "IPv6" };
            return Err(format!(
                "would extend prefix to {prefix} bits, which is too long for an {protocol} address"
            ));
        }
        let prefix = prefix as u32;
        // go-cidr's NextSubnet: the subnet after the one holding current's last address.
        let host = Net::host_mask(net.width, prefix);
        let last = (current.last() & !host) | host;
        let next = last.wrapping_add(1) & Net::all_ones(net.width);
        if next == 0 || !net.contains(next) {
            return Err(format!(
                "not enough remaining address space for a subnet with a prefix of {prefix} bits after {}",
                format_net(current.addr, current.prefix, current.width)
            ));
        }
        current = Net {
            addr: next,
            prefix,
            width: net.width,
        };
        out.push(Value::String(format_net(next, prefix, net.width)));
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use super::*;
    use crate::frontend::terraform::number::Number;

    fn s(x: &str) -> Value {
        Value::String(x.to_string())
    }
    fn n(x: i64) -> Value {
        Value::number(Number::from_i64(x))
    }

    /// What the general path of `parse_cidr` accepts as IPv4, in the fast path's terms
    /// (the address unmasked: the fast path leaves masking to `parse_cidr`).
    fn ipv4_cidr_general(text: &str) -> Option<(u32, u32)> {
        let net = parse_cidr_text(text).ok().filter(|net| net.width == 32)?;
        let (addr, _) = text.split_once('/')?;
        Some((u32::from(parse_ipv4(addr)?), net.prefix))
    }

    #[test]
    fn the_ipv4_fast_path_accepts_exactly_what_the_general_path_accepts() {
        let mut texts: Vec<String> = [
            "10.0.0.0/16",
            "010.000.0.1/08",
            "0000000000010.0.0.0/0",
            "255.255.255.255/32",
            "256.0.0.0/8",
            "1.2.3.4/33",
            "1.2.3.4/",
            "1.2.3/8",
            "1.2.3.4.5/8",
            ".1.2.3/8",
            "1..2.3/8",
            "1.2.3.4/8/1",
            "1.2.3.4",
            "/8",
            "",
            "1.2.3.4/-1",
            "1.2.3.4/+8",
            " 1.2.3.4/8",
            "1.2.3.4/8 ",
            "1.2.3.4/0000000000000000000000032",
            "99999999999.0.0.0/8",
            "0.0.0.0/00",
            "1.2.3.4/3a",
            "::/0",
            "::ffff:1.2.3.4/120",
            "1.2.3.4\n/8",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        for a in ["0", "7", "255", "256", "0256", "1000", ""] {
            for p in ["0", "32", "33", "07", ""] {
                texts.push(format!("{a}.1.{a}.2/{p}"));
            }
        }
        for text in &texts {
            assert_eq!(
                ipv4_cidr(text.as_bytes()),
                ipv4_cidr_general(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn subnets_and_hosts() {
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(8), n(2)]),
            Ok(s("10.0.2.0/24"))
        );
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.5/16"), s("8"), n(1)]),
            Ok(s("10.0.1.0/24"))
        );
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(8), n(-1)]),
            Ok(s("0.0.1.0/24"))
        );
        assert!(call("cidrsubnet", vec![s("10.0.0.0/16"), n(8), n(256)]).is_err());
        assert!(call("cidrsubnet", vec![s("10.0.0.0/30"), n(3), n(0)]).is_err());
        assert_eq!(
            call("cidrsubnet", vec![s("fd00::/48"), n(16), n(5)]),
            Ok(s("fd00:0:0:5::/64"))
        );
        assert_eq!(
            call("cidrhost", vec![s("10.0.0.0/24"), n(-1)]),
            Ok(s("10.0.0.255"))
        );
        assert_eq!(
            call("cidrhost", vec![s("010.0.0.0/24"), n(5)]),
            Ok(s("10.0.0.5"))
        );
        assert!(call("cidrhost", vec![s("10.0.0.0/24"), n(256)]).is_err());
        assert_eq!(
            call("cidrnetmask", vec![s("10.0.0.0/12")]),
            Ok(s("255.240.0.0"))
        );
        assert!(call("cidrnetmask", vec![s("fd00::/8")]).is_err());
    }

    #[test]
    fn consecutive_subnets() {
        assert_eq!(
            call(
                "cidrsubnets",
                vec![s("10.1.0.0/16"), n(4), n(4), n(8), n(4)]
            ),
            Ok(Value::List(vec![
                s("10.1.0.0/20"),
                s("10.1.16.0/20"),
                s("10.1.32.0/24"),
                s("10.1.48.0/20"),
            ]))
        );
        // go-cidr wraps below 0.0.0.0 and reports a rollover: Terraform fails here.
        assert!(call("cidrsubnets", vec![s("0.0.0.0/8"), n(8)]).is_err());
        assert!(call("cidrsubnets", vec![s("10.0.0.0/24"), n(1), n(1), n(1)]).is_err());
    }
}
