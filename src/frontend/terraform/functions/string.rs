//! String functions, `format` and `formatlist`.

use super::super::convert::{to_elements, to_number, to_string};
use super::super::number::Number;
use super::super::value::Value;
use super::encoding::{json_encode, json_quote};
use super::{arg_error, arity};

pub const NAMES: &[&str] = &[
    "upper",
    "lower",
    "title",
    "trimspace",
    "trim",
    "trimprefix",
    "trimsuffix",
    "chomp",
    "startswith",
    "endswith",
    "strcontains",
    "substr",
    "strrev",
    "split",
    "join",
    "replace",
    "format",
    "formatlist",
];

pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    let result = match name {
        "upper" => unary(name, args, |s| map_chars(s, char::to_uppercase)),
        // U+0130's simple lowercase mapping is `i`; its full mapping adds a dot.
        "lower" => unary(name, args, |s| {
            map_chars(s, char::to_lowercase).replace('\u{130}', "i")
        }),
        "title" => unary(name, args, title),
        "trimspace" => unary(name, args, |s| s.trim().to_string()),
        "chomp" => unary(name, args, |s| s.trim_end_matches(['\r', '\n']).to_string()),
        "strrev" => unary(name, args, |s| graphemes(s).into_iter().rev().collect()),
        "trim" => binary(name, args, |s, cut| {
            Value::String(s.trim_matches(|c| cut.contains(c)).to_string())
        }),
        "trimprefix" => binary(name, args, |s, p| {
            Value::String(s.strip_prefix(p).unwrap_or(s).to_string())
        }),
        "trimsuffix" => binary(name, args, |s, p| {
            Value::String(s.strip_suffix(p).unwrap_or(s).to_string())
        }),
        "startswith" => binary(name, args, |s, p| Value::Bool(s.starts_with(p))),
        "endswith" => binary(name, args, |s, p| Value::Bool(s.ends_with(p))),
        "strcontains" => binary(name, args, |s, p| Value::Bool(s.contains(p))),
        "split" => binary(name, args, |sep, s| split(s, sep)),
        "substr" => substr(name, args),
        "join" => join(name, args),
        "replace" => replace(name, args),
        "format" => format_call(name, args),
        "formatlist" => formatlist(name, args),
        _ => return None,
    };
    Some(result)
}

fn string_arg(param: &str, value: &Value) -> Result<String, String> {
    to_string(value).map_err(|e| arg_error(param, e))
}

fn unary(name: &str, args: &[Value], f: impl Fn(&str) -> String) -> Result<Value, String> {
    arity(name, args, 1, 1)?;
    Ok(Value::String(f(&string_arg("str", &args[0])?)))
}

fn binary(name: &str, args: &[Value], f: impl Fn(&str, &str) -> Value) -> Result<Value, String> {
    arity(name, args, 2, 2)?;
    let a = string_arg("str", &args[0])?;
    let b = string_arg("str", &args[1])?;
    Ok(f(&a, &b))
}

/// Go's `strings.ToUpper`/`ToLower` map each rune on its own (simple case mapping):
/// a rune whose full mapping has several runes stays as it is.
fn map_chars<I: Iterator<Item = char> + ExactSizeIterator>(s: &str, f: fn(char) -> I) -> String {
    s.chars()
        .map(|c| {
            let mut mapped = f(c);
            match (mapped.len(), mapped.next()) {
                (1, Some(m)) => m,
                _ => c,
            }
        })
        .collect()
}

/// Go's `strings.Title`: the first letter of each word in title case; letters, digits,
/// `_` and non-space non-ASCII runes continue a word.
fn title(s: &str) -> String {
    let mut prev_is_separator = true;
    s.chars()
        .map(|c| {
            let out = if prev_is_separator {
                map_chars(c.encode_utf8(&mut [0; 4]), char::to_uppercase)
            } else {
                c.to_string()
            };
            prev_is_separator = if c.is_ascii() {
                !(c.is_ascii_alphanumeric() || c == '_')
            } else {
                c.is_whitespace()
            };
            out
        })
        .collect()
}

/// Extended grapheme clusters, approximately: a base character with the combining
/// marks, variation selectors, emoji modifiers, joiners and joined characters that
/// follow it; regional indicators pair up; CR LF is one cluster.
pub fn graphemes(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    let mut regional_run = 0;
    for (i, c) in s.char_indices() {
        let extends = match prev {
            None => false,
            Some(p) => {
                (p == '\r' && c == '\n')
                    || is_extend(c)
                    || p == '\u{200D}'
                    || (is_regional(c) && is_regional(p) && regional_run % 2 == 1)
            }
        };
        regional_run = if is_regional(c) { regional_run + 1 } else { 0 };
        if !extends && i > 0 {
            out.push(&s[start..i]);
            start = i;
        }
        prev = Some(c);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn is_extend(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
        | 0x064B..=0x065F | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200C | 0x200D | 0x20D0..=0x20FF
        | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F
        | 0xE0100..=0xE01EF)
}

fn is_regional(c: char) -> bool {
    matches!(c as u32, 0x1F1E6..=0x1F1FF)
}

/// The number of grapheme clusters (`length` of a string).
pub fn grapheme_count(s: &str) -> usize {
    graphemes(s).len()
}

/// Go's `strings.Split`: an empty separator splits into UTF-8 characters.
fn split(s: &str, sep: &str) -> Value {
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::String(c.to_string())).collect()
    } else {
        s.split(sep).map(|p| Value::String(p.to_string())).collect()
    };
    Value::List(parts)
}

/// cty's `substr`, grapheme-based, including how it treats offsets beyond the ends.
fn substr(name: &str, args: &[Value]) -> Result<Value, String> {
    arity(name, args, 3, 3)?;
    let s = string_arg("str", &args[0])?;
    let offset = int_arg("offset", &args[1])?;
    let length = int_arg("length", &args[2])?;
    let clusters = graphemes(&s);
    let mut offset = offset;
    if offset < 0 {
        offset += clusters.len() as i64;
    } else if length == 0 {
        return Ok(Value::String(String::new()));
    }
    let start = offset.max(0) as usize;
    if start > clusters.len() {
        return Ok(Value::String(String::new()));
    }
    let rest = &clusters[start..];
    if length < 0 {
        return Ok(Value::String(rest.concat()));
    }
    // cty counts clusters until it has `length` of them; a zero length (reachable
    // with a negative offset) never matches, so the whole rest is taken.
    let taken = if length == 0 {
        rest.len()
    } else {
        (length as usize).min(rest.len())
    };
    Ok(Value::String(rest[..taken].concat()))
}

fn int_arg(param: &str, value: &Value) -> Result<i64, String> {
    let n = to_number(value).map_err(|e| arg_error(param, e))?;
    n.to_i64()
        .ok_or_else(|| arg_error(param, format!("value must be a whole number, got {n}")))
}

fn join(name: &str, args: &[Value]) -> Result<Value, String> {
    arity(name, args, 1, usize::MAX)?;
    let sep = string_arg("separator", &args[0])?;
    if args.len() < 2 {
        return Err("at least one list is required".to_string());
    }
    let mut parts = Vec::new();
    for list in &args[1..] {
        for (i, item) in to_elements(list)
            .map_err(|e| arg_error("lists", e))?
            .iter()
            .enumerate()
        {
            if matches!(item, Value::Null) {
                return Err(format!("element {i} is null"));
            }
            parts.push(to_string(item).map_err(|e| arg_error("lists", e))?);
        }
    }
    Ok(Value::String(parts.join(&sep)))
}

fn replace(name: &str, args: &[Value]) -> Result<Value, String> {
    arity(name, args, 3, 3)?;
    let s = string_arg("str", &args[0])?;
    let find = string_arg("substr", &args[1])?;
    let with = string_arg("replace", &args[2])?;
    if find.len() > 1 && find.starts_with('/') && find.ends_with('/') {
        return super::regex::replace_all(&s, &find[1..find.len() - 1], &with).map(Value::String);
    }
    Ok(Value::String(s.replace(&find, &with)))
}

fn format_call(name: &str, args: &[Value]) -> Result<Value, String> {
    arity(name, args, 1, usize::MAX)?;
    let spec = string_arg("format", &args[0])?;
    // Terraform cannot type a bare `null` argument, so the result is unknown.
    if args[1..].iter().any(|a| matches!(a, Value::Null)) {
        return Ok(Value::Unknown("format() of a null argument".to_string()));
    }
    format(&spec, &args[1..]).map(Value::String)
}

/// `formatlist`: list arguments are iterated together (all of one length), others
/// repeat.
fn formatlist(name: &str, args: &[Value]) -> Result<Value, String> {
    arity(name, args, 1, usize::MAX)?;
    let spec = string_arg("format", &args[0])?;
    let rest = &args[1..];
    let mut length: Option<usize> = None;
    for arg in rest {
        match arg {
            Value::List(items) | Value::Set(items) => match length {
                Some(n) if n != items.len() => {
                    return Err(format!(
                        "argument {} has length {}, which is inconsistent with previous argument of length {n}",
                        1 + rest.iter().position(|a| std::ptr::eq(a, arg)).unwrap_or(0),
                        items.len()
                    ))
                }
                _ => length = Some(items.len()),
            },
            Value::Null => return Err("argument must not be null".to_string()),
            _ => {}
        }
    }
    let rows = length.unwrap_or(1);
    let mut out = Vec::with_capacity(rows);
    for row in 0..rows {
        let row_args: Vec<Value> = rest
            .iter()
            .map(|a| match a {
                Value::List(items) | Value::Set(items) => {
                    items.get(row).cloned().unwrap_or(Value::Null)
                }
                other => other.clone(),
            })
            .collect();
        out.push(Value::String(format(&spec, &row_args)?));
    }
    Ok(Value::List(out))
}

/// One `%` verb of a format string.
#[derive(Default)]
struct Verb {
    sharp: bool,
    zero: bool,
    minus: bool,
    plus: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
    arg: usize,
    mode: char,
    raw: String,
    offset: usize,
}

/// cty's `format`: Go-like verbs `%v %#v %t %b %d %o %x %X %e %E %f %g %G %s %q`.
pub fn format(spec: &str, args: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut next_arg = 1;
    let mut highest = 0;
    let bytes = spec.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let Some(rel) = spec[i..].find('%') else {
            out.push_str(&spec[i..]);
            break;
        };
        out.push_str(&spec[i..i + rel]);
        i += rel;
        if bytes.get(i + 1) == Some(&b'%') {
            out.push('%');
            i += 2;
            continue;
        }
        let (verb, end) = parse_verb(spec, i, next_arg)?;
        highest = highest.max(verb.arg);
        format_verb(&verb, args, &mut out)?;
        next_arg = verb.arg + 1;
        i = end;
    }
    if highest < args.len() {
        if highest == 0 {
            return Err("too many arguments; no verbs in format string".to_string());
        }
        return Err(format!(
            "too many arguments; only {highest} used by format string"
        ));
    }
    Ok(out)
}

fn parse_verb(spec: &str, start: usize, next_arg: usize) -> Result<(Verb, usize), String> {
    let bytes = spec.as_bytes();
    let mut verb = Verb {
        arg: next_arg,
        offset: start,
        ..Verb::default()
    };
    let mut i = start + 1;
    let invalid = || format!("invalid format string starting at offset {start}");
    while let Some(&b) = bytes.get(i) {
        match b {
            b'0' => verb.zero = true,
            b'#' => verb.sharp = true,
            b'-' => verb.minus = true,
            b'+' => verb.plus = true,
            b' ' => verb.space = true,
            _ => break,
        }
        i += 1;
    }
    let number = |i: &mut usize| -> Option<usize> {
        let begin = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        spec[begin..*i].parse().ok()
    };
    if bytes.get(i).is_some_and(|b| (b'1'..=b'9').contains(b)) {
        verb.width = number(&mut i);
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        verb.prec = Some(number(&mut i).unwrap_or(0));
    }
    if bytes.get(i) == Some(&b'[') {
        i += 1;
        if !bytes.get(i).is_some_and(|b| (b'1'..=b'9').contains(b)) {
            return Err(invalid());
        }
        verb.arg = number(&mut i).ok_or_else(invalid)?;
        if bytes.get(i) != Some(&b']') {
            return Err(invalid());
        }
        i += 1;
    }
    match spec[i..].chars().next() {
        Some(c) if c.is_ascii_alphabetic() => {
            verb.mode = c;
            i += 1;
        }
        Some(c) => return Err(format!("unrecognized format character {c:?} at offset {i}")),
        None => return Err(invalid()),
    }
    verb.raw = spec[start..i].to_string();
    Ok((verb, i))
}

fn format_verb(verb: &Verb, args: &[Value], out: &mut String) -> Result<(), String> {
    let Some(arg) = verb.arg.checked_sub(1).and_then(|i| args.get(i)) else {
        return Err(format!(
            "not enough arguments for {:?} at {}: need index {} but have {} total",
            verb.raw,
            verb.offset,
            verb.arg,
            args.len()
        ));
    };
    let unsupported = |e: String| {
        format!(
            "unsupported value for {:?} at {}: {e}",
            verb.raw, verb.offset
        )
    };
    if verb.mode != 'v' && matches!(arg, Value::Null) {
        return Err(unsupported("null value cannot be formatted".to_string()));
    }
    match verb.mode {
        'v' => {
            let text = match arg {
                Value::String(s) if !verb.sharp => s.clone(),
                Value::Number(n) if !verb.sharp => n.format_float('g', None),
                other => json_encode(other)?,
            };
            out.push_str(&pad(verb, &text));
        }
        't' => {
            let b = super::super::convert::to_bool(arg).map_err(unsupported)?;
            out.push_str(if b { "true" } else { "false" });
        }
        'b' | 'd' | 'o' | 'x' | 'X' => {
            let n = to_number(arg).map_err(unsupported)?;
            out.push_str(&format_integer(verb, &n).map_err(unsupported)?);
        }
        'e' | 'E' | 'f' | 'g' | 'G' => {
            let n = to_number(arg).map_err(unsupported)?;
            out.push_str(&format_float(verb, &n));
        }
        's' | 'q' => {
            let s = to_string(arg).map_err(unsupported)?;
            let s = match verb.prec {
                Some(p) if p > 0 => graphemes(&s).into_iter().take(p).collect(),
                _ => s,
            };
            let text = if verb.mode == 'q' { json_quote(&s) } else { s };
            out.push_str(&pad(verb, &text));
        }
        other => {
            return Err(format!(
                "unsupported format verb {other:?} in {:?} at offset {}",
                verb.raw, verb.offset
            ))
        }
    }
    Ok(())
}

/// cty's `formatPadWidth`: width in grapheme clusters, `0` pads with zeros.
fn pad(verb: &Verb, text: &str) -> String {
    let Some(width) = verb.width else {
        return text.to_string();
    };
    let len = grapheme_count(text);
    if len >= width {
        return text.to_string();
    }
    let fill = if verb.zero { "0" } else { " " }.repeat(width - len);
    if verb.minus {
        format!("{text}{fill}")
    } else {
        format!("{fill}{text}")
    }
}

/// Go's `big.Int` formatting with `fmt` flags.
fn format_integer(verb: &Verb, n: &Number) -> Result<String, String> {
    let base = match verb.mode {
        'b' => 2,
        'o' => 8,
        'x' | 'X' => 16,
        _ => 10,
    };
    let (negative, mut digits) = n
        .integer_digits(base)
        .ok_or_else(|| "an integer is required".to_string())?;
    if verb.mode == 'X' {
        digits = digits.to_uppercase();
    }
    let sign = if negative {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    };
    let prefix = match (verb.sharp, verb.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = verb.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return Ok(String::new());
        }
    }
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(width) = verb.width.filter(|w| *w > length) {
        let d = width - length;
        if verb.minus {
            right = d;
        } else if verb.zero && verb.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    Ok(format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    ))
}

/// Go's `big.Float.Format` with `fmt` flags (default precision 6 for `e` and `f`).
fn format_float(verb: &Verb, n: &Number) -> String {
    let prec = match verb.mode {
        'g' | 'G' => verb.prec,
        _ => Some(verb.prec.unwrap_or(6)),
    };
    let text = n.format_float(verb.mode, prec);
    let (sign, body) = if let Some(rest) = text.strip_prefix('-') {
        ("-", rest)
    } else if let Some(rest) = text.strip_prefix('+') {
        (if verb.space { " " } else { "+" }, rest)
    } else if verb.plus {
        ("+", text.as_str())
    } else if verb.space {
        (" ", text.as_str())
    } else {
        ("", text.as_str())
    };
    let padding = verb
        .width
        .map_or(0, |w| w.saturating_sub(sign.len() + body.len()));
    if verb.zero && !n.is_infinite() {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if verb.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use super::*;

    fn s(x: &str) -> Value {
        Value::String(x.to_string())
    }
    fn num(x: &str) -> Value {
        Value::number(Number::parse(x).unwrap_or(Number::from_i64(0)))
    }

    #[test]
    fn format_matches_terraform() {
        let f = |spec: &str, args: Vec<Value>| format(spec, &args);
        assert_eq!(
            f("%5s|%-5s|%.2s", vec![s("ab"), s("cd"), s("xyz")]).as_deref(),
            Ok("   ab|cd   |xy")
        );
        assert_eq!(
            f("%05d|%+d|%x", vec![num("42"), num("42"), num("255")]).as_deref(),
            Ok("00042|+42|ff")
        );
        assert_eq!(
            f("%.2f %.2f", vec![num("2.345"), num("2.355")]).as_deref(),
            Ok("2.34 2.36")
        );
        assert_eq!(
            f("%v %v", vec![num("1234567"), num("123456")]).as_deref(),
            Ok("1.234567e+06 123456")
        );
        assert_eq!(
            f("%e", vec![num("12345.678")]).as_deref(),
            Ok("1.234568e+04")
        );
        assert_eq!(f("%[2]s %[1]s", vec![s("a"), s("b")]).as_deref(), Ok("b a"));
        assert_eq!(f("%q", vec![s("a<b")]).as_deref(), Ok("\"a\\u003cb\""));
        assert!(f("%d", vec![num("1.5")]).is_err());
        assert!(f("%s", vec![s("x"), s("y")]).is_err());
        assert!(f("%s", vec![]).is_err());
    }

    #[test]
    fn string_functions() {
        assert_eq!(call("upper", vec![num("5")]), Ok(s("5")));
        assert_eq!(
            call("title", vec![s("hello wORLD-x")]),
            Ok(s("Hello WORLD-X"))
        );
        assert_eq!(call("chomp", vec![s("a\r\n\n")]), Ok(s("a")));
        assert_eq!(
            call("substr", vec![s("hello"), num("1"), num("3")]),
            Ok(s("ell"))
        );
        assert_eq!(
            call("substr", vec![s("hello"), num("-3"), num("-1")]),
            Ok(s("llo"))
        );
        assert_eq!(
            call("split", vec![s(","), s("a,,b")]),
            Ok(Value::List(vec![s("a"), s(""), s("b")]))
        );
        assert_eq!(grapheme_count("e\u{301}x"), 2);
    }
}
