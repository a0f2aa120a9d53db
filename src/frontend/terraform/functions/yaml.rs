//! `yamldecode`, as Terraform's go-cty-yaml resolves scalars: YAML 1.1 booleans (`yes`,
//! `on`, `y`), `~`/`null`, decimal, `0x` and `0o` integers (`017` is seventeen), floats,
//! `.inf`, timestamps as RFC 3339 strings; merge keys (`<<`); mapping keys converted to
//! strings; one document only. Known difference: a tab indenting a block is accepted here
//! (Terraform rejects it).

use super::super::convert::to_string;
use super::super::number::Number;
use super::super::value::{Map, Value};
use super::{arg_error, arity};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

pub const NAMES: &[&str] = &["yamldecode"];

/// Nodes an alias may expand to, in total (a YAML alias bomb is refused).
const ALIAS_BUDGET: usize = 1_000_000;
const MAX_DEPTH: usize = 256;

pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(arity(name, args, 1, 1).and_then(|()| {
        let text = to_string(&args[0]).map_err(|e| arg_error("src", e))?;
        decode(&text)
    }))
}

enum Frame {
    Seq(Vec<Value>, usize),
    /// Entries, the pending key, whether the pending key is a merge key, the anchor.
    /// Entries in document order: of a repeated key the last stays.
    Map(Vec<(String, Value)>, Option<String>, bool, usize),
}

pub fn decode(text: &str) -> Result<Value, String> {
    // Terraform's YAML parser (libyaml's) reads YAML 1.1 documents only.
    for (i, line) in text.lines().enumerate() {
        if let Some(version) = line.strip_prefix("%YAML") {
            if version.split_whitespace().next() != Some("1.1") {
                return Err(format!(
                    "on line {}, column 1: found incompatible YAML document",
                    i + 1
                ));
            }
        }
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut budget = ALIAS_BUDGET;
    let mut root: Option<Value> = None;
    let mut documents = 0;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            format!(
                "on line {}, column {}: {}",
                e.marker().line(),
                e.marker().col() + 1,
                e.info()
            )
        })?;
        let at = || {
            format!(
                "on line {}, column {}",
                span.start.line(),
                span.start.col() + 1
            )
        };
        let value = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(format!("{}: unexpected extra content after value", at()));
                }
                continue;
            }
            Event::Scalar(raw, style, anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let is_key = matches!(stack.last(), Some(Frame::Map(_, None, false, _)));
                if is_key && tag.is_none() && raw == "<<" {
                    if let Some(Frame::Map(_, _, merge, _)) = stack.last_mut() {
                        *merge = true;
                    }
                    continue;
                }
                let value =
                    resolve(tag.as_deref(), &raw, style).map_err(|e| format!("{}: {e}", at()))?;
                if anchor != 0 {
                    anchors.insert(anchor, value.clone());
                }
                value
            }
            Event::SequenceStart(anchor, tag) => {
                check_collection_tag(tag.map(|t| format!("{}{}", t.handle, t.suffix)), "!!seq")
                    .map_err(|e| format!("{}: {e}", at()))?;
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("{}: nesting is too deep", at()));
                }
                stack.push(Frame::Seq(Vec::new(), anchor));
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                check_collection_tag(tag.map(|t| format!("{}{}", t.handle, t.suffix)), "!!map")
                    .map_err(|e| format!("{}: {e}", at()))?;
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("{}: nesting is too deep", at()));
                }
                stack.push(Frame::Map(Vec::new(), None, false, anchor));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match stack.pop() {
                    Some(Frame::Seq(items, anchor)) => (Value::List(items), anchor),
                    Some(Frame::Map(entries, _, _, anchor)) => {
                        (Value::Map(Map::from_entries(entries)), anchor)
                    }
                    None => continue,
                };
                if anchor != 0 {
                    anchors.insert(anchor, value.clone());
                }
                value
            }
            Event::Alias(id) => {
                let target = anchors
                    .get(&id)
                    .ok_or_else(|| format!("{}: reference to undefined anchor", at()))?;
                let size = node_count(target);
                if size > budget {
                    return Err(format!("{}: aliases expand to too many values", at()));
                }
                budget -= size;
                target.clone()
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
        };
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Seq(items, _)) => items.push(value),
            Some(Frame::Map(entries, key, merge, _)) => {
                if *merge {
                    *merge = false;
                    merge_into(entries, value).map_err(|e| format!("{}: {e}", at()))?;
                } else if let Some(k) = key.take() {
                    entries.push((k, value));
                } else {
                    *key = Some(mapping_key(value).map_err(|e| format!("{}: {e}", at()))?);
                }
            }
        }
    }
    root.ok_or_else(|| "on line 1, column 1: missing start of document".to_string())
}

fn check_collection_tag(tag: Option<String>, expected: &str) -> Result<(), String> {
    match tag {
        Some(t) if t != expected && t != long_tag(expected) => {
            Err(format!("can't interpret collection as {t}"))
        }
        _ => Ok(()),
    }
}

fn long_tag(short: &str) -> String {
    short.replacen("!!", "tag:yaml.org,2002:", 1)
}

fn node_count(value: &Value) -> usize {
    match value {
        Value::List(items) | Value::Set(items) => 1 + items.iter().map(node_count).sum::<usize>(),
        Value::Map(map) => 1 + map.values().map(node_count).sum::<usize>(),
        _ => 1,
    }
}

/// A merge key's value: only a mapping merges (Terraform refuses a sequence of them).
fn merge_into(entries: &mut Vec<(String, Value)>, value: Value) -> Result<(), String> {
    match value {
        Value::Map(map) => {
            entries.extend(map);
            Ok(())
        }
        other => Err(format!(
            "cannot merge {} into mapping",
            super::super::convert::type_name(&other)
        )),
    }
}

fn mapping_key(value: Value) -> Result<String, String> {
    match value {
        Value::Null => Err("mapping key cannot be null".into()),
        Value::List(_) | Value::Set(_) | Value::Map(_) => {
            Err("only strings are allowed as mapping keys".into())
        }
        other => to_string(&other).map_err(|_| "only strings are allowed as mapping keys".into()),
    }
}

/// go-cty-yaml's `resolveScalar`.
fn resolve(tag: Option<&str>, src: &str, style: ScalarStyle) -> Result<Value, String> {
    let tag = tag.map(|t| t.replacen("tag:yaml.org,2002:", "!!", 1));
    let tag = tag.as_deref().unwrap_or("");
    const KNOWN: &[&str] = &[
        "",
        "!!str",
        "!!bool",
        "!!int",
        "!!float",
        "!!null",
        "!!timestamp",
        "!!binary",
    ];
    if !KNOWN.contains(&tag) {
        return Err(format!("unsupported tag {tag:?}"));
    }
    let hint = match src.as_bytes().first() {
        None => Some('N'),
        Some(b'+' | b'-') => Some('S'),
        Some(b'0'..=b'9') => Some('D'),
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => {
            Some('M')
        }
        Some(b'.') => Some('.'),
        _ => None,
    };
    let mut tag = tag;
    if let Some(hint) = hint.filter(|_| tag != "!!str" && tag != "!!binary") {
        if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
            return Ok(Value::String(src.to_string()));
        }
        if let Some(value) = special(src) {
            return Ok(value);
        }
        if tag.is_empty() && matches!(src, ".nan" | ".NaN" | ".NAN") {
            return Err("floating point NaN is not supported".into());
        }
        match hint {
            '.' => {
                if let Some(n) = Number::parse_exact(src) {
                    return Ok(Value::number(n));
                }
            }
            'D' | 'S' => {
                if tag.is_empty() || tag == "!!timestamp" {
                    if let Some(t) = timestamp(src) {
                        return Ok(Value::String(t));
                    }
                }
                if is_integer_literal(src) {
                    tag = "!!int";
                } else if is_float_literal(src) {
                    tag = "!!float";
                }
            }
            _ => {}
        }
    }
    match tag {
        "!!str" => Ok(Value::String(src.to_string())),
        "!!binary" => super::digest::base64_decode(src)
            .map(|_| Value::String(src.to_string()))
            .ok_or_else(|| format!("cannot parse {src:?} as {tag}: not valid base64")),
        "!!bool" => match special(src) {
            Some(b @ Value::Bool(_)) => Ok(b),
            _ => Err(format!("cannot parse {src:?} as {tag}")),
        },
        "!!int" | "!!float" => {
            let plain = src.replace('_', "");
            Number::parse_exact(&plain)
                .or_else(|| go_parse_int(&plain))
                .map(Value::number)
                .ok_or_else(|| format!("cannot parse {src:?} as {tag}"))
        }
        "!!timestamp" => timestamp(src)
            .map(Value::String)
            .ok_or_else(|| format!("cannot parse {src:?} as {tag}")),
        "!!null" => Ok(Value::Null),
        _ => Ok(Value::String(src.to_string())),
    }
}

/// The words go-cty-yaml resolves without a tag.
fn special(src: &str) -> Option<Value> {
    Some(match src {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Value::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            Value::number(Number::parse_exact("Inf")?)
        }
        "-.inf" | "-.Inf" | "-.INF" => Value::number(Number::parse_exact("-Inf")?),
        _ => return None,
    })
}

/// `[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+`
fn is_integer_literal(src: &str) -> bool {
    let digits = |s: &str, f: fn(&u8) -> bool| !s.is_empty() && s.as_bytes().iter().all(f);
    if let Some(octal) = src.strip_prefix("0o") {
        return digits(octal, |b| (b'0'..=b'7').contains(b));
    }
    if let Some(hex) = src.strip_prefix("0x") {
        return digits(hex, u8::is_ascii_hexdigit);
    }
    digits(
        src.strip_prefix(['-', '+']).unwrap_or(src),
        u8::is_ascii_digit,
    )
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float_literal(src: &str) -> bool {
    let body = src.strip_prefix(['-', '+']).unwrap_or(src);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let all = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => !frac.is_empty() && all(frac),
        Some((int, frac)) => !int.is_empty() && all(int) && all(frac),
        None => !mantissa.is_empty() && all(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
        !digits.is_empty() && all(digits)
    });
    mantissa_ok && exponent_ok
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint`, for `0x`, `0o`, `0b` and `0`
/// prefixes.
fn go_parse_int(src: &str) -> Option<Number> {
    let (negative, body) = match src.as_bytes().first() {
        Some(b'-') => (true, &src[1..]),
        Some(b'+') => (false, &src[1..]),
        _ => (false, src),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        let n = i64::try_from(magnitude).ok()?;
        Some(Number::from_i64(-n))
    } else if let Ok(n) = i64::try_from(magnitude) {
        Some(Number::from_i64(n))
    } else {
        Some(Number::from_u64(magnitude))
    }
}

/// The YAML timestamps Go's `time.Parse` accepts in go-cty-yaml's formats, printed as
/// RFC 3339 (fractions dropped, a zero offset as `Z`).
fn timestamp(src: &str) -> Option<String> {
    let b = src.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut pos = 5;
    let num = |max_digits: usize, pos: &mut usize| -> Option<u32> {
        let start = *pos;
        while *pos < b.len() && *pos - start < max_digits && b[*pos].is_ascii_digit() {
            *pos += 1;
        }
        (*pos > start).then(|| src[start..*pos].parse().ok())?
    };
    let year: u32 = src[..4].parse().ok()?;
    let month = num(2, &mut pos)?;
    if b.get(pos) != Some(&b'-') {
        return None;
    }
    pos += 1;
    let day = num(2, &mut pos)?;
    if !(1..=12).contains(&month)
        || day < 1
        || i64::from(day) > super::time::days_in_month(i64::from(year), i64::from(month))
    {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if pos == b.len() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let separator = b[pos];
    if !matches!(separator, b'T' | b't' | b' ') {
        return None;
    }
    pos += 1;
    let hour = num(2, &mut pos)?;
    let expect =
        |c: u8, pos: &mut usize| -> Option<()> { (b.get(*pos) == Some(&c)).then(|| *pos += 1) };
    expect(b':', &mut pos)?;
    let minute = num(2, &mut pos)?;
    expect(b':', &mut pos)?;
    let second = num(2, &mut pos)?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    if b.get(pos) == Some(&b'.') {
        pos += 1;
        let start = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos == start {
            return None;
        }
    }
    let time = format!("{date}T{hour:02}:{minute:02}:{second:02}");
    if separator == b' ' {
        return (pos == b.len()).then(|| format!("{time}Z"));
    }
    match &src[pos..] {
        "Z" => Some(format!("{time}Z")),
        zone => {
            let zb = zone.as_bytes();
            if zb.len() != 6 || !matches!(zb[0], b'+' | b'-') || zb[3] != b':' {
                return None;
            }
            let hh: u32 = zone[1..3].parse().ok()?;
            let mm: u32 = zone[4..6].parse().ok()?;
            if !zone[1..3].bytes().all(|c| c.is_ascii_digit())
                || !zone[4..6].bytes().all(|c| c.is_ascii_digit())
                || hh > 24
                || mm > 59
            {
                return None;
            }
            if hh == 0 && mm == 0 {
                Some(format!("{time}Z"))
            } else {
                Some(format!("{time}{zone}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::String(x.to_string())
    }

    #[test]
    fn resolves_like_go_cty_yaml() {
        let decoded = decode(
            "a: yes\nb: 0o17\nc: 017\nd: 0x1F\ne: 2001-12-14\nf: 1_000\ng: ~\n'h': 'no'\n1: x\n",
        )
        .expect("yaml");
        let Value::Map(map) = decoded else {
            panic!("map")
        };
        assert_eq!(map.get("a").cloned().expect("a"), Value::Bool(true));
        assert_eq!(
            map.get("b").cloned().expect("b"),
            Value::number(Number::from_i64(15))
        );
        assert_eq!(
            map.get("c").cloned().expect("c"),
            Value::number(Number::from_i64(17))
        );
        assert_eq!(
            map.get("d").cloned().expect("d"),
            Value::number(Number::from_i64(31))
        );
        assert_eq!(map.get("e").cloned().expect("e"), s("2001-12-14T00:00:00Z"));
        assert_eq!(map.get("f").cloned().expect("f"), s("1_000"));
        assert_eq!(map.get("g").cloned().expect("g"), Value::Null);
        assert_eq!(map.get("h").cloned().expect("h"), s("no"));
        assert_eq!(map.get("1").cloned().expect("1"), s("x"));
    }

    #[test]
    fn merges_aliases_and_refuses_bad_documents() {
        let decoded = decode("a: &x {p: 1}\nb:\n  <<: *x\n  q: 2\n").expect("yaml");
        let Value::Map(map) = decoded else {
            panic!("map")
        };
        assert_eq!(
            map.get("b").cloned().expect("b"),
            decode("{p: 1, q: 2}").expect("yaml")
        );
        assert!(decode("").is_err());
        assert!(decode("a: 1\n---\nb: 2\n").is_err());
        assert!(decode("{null: 1}").is_err());
        assert!(decode("a: .nan").is_err());
        let bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n\
                    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n\
                    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n\
                    g: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        assert!(decode(bomb).is_err());
    }
}
