//! `regex`, `regexall` and `replace` with a `/pattern/`, with Go's RE2 semantics on top
//! of the `regex` crate (same syntax family and leftmost-first matching).
//!
//! Translated so that they match as Go does: `\d \s \w \b` (and negations) are ASCII, as
//! in Go; `\Q...\E` quotes; `[`, `&`, `~` and `--` inside a class are literal (Rust reads
//! them as nested classes and set operations). Empty matches right after a match are
//! skipped as Go's `FindAll`/`ReplaceAll` skip them, and `$name` in a replacement expands
//! as Go's `Expand` does; nested repetitions (`a**`) and counts over 1000 are refused as
//! Go refuses them. Known differences: octal escapes (`\123`) and repeated group names are
//! rejected (Go accepts them); Terraform's strings are in Unicode normalization form C,
//! which vpclint applies to file contents only.

use super::super::convert::to_string;
use super::super::value::{Map, Value};
use super::{arg_error, arity};
use regex::{Captures, Regex, RegexBuilder};

pub const NAMES: &[&str] = &["regex", "regexall"];

/// A compiled pattern bigger than this is refused (bounded memory on hostile input).
const MAX_COMPILED_SIZE: usize = 1 << 22;

pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(arity(name, args, 2, 2).and_then(|()| {
        let pattern = to_string(&args[0]).map_err(|e| arg_error("pattern", e))?;
        let text = to_string(&args[1]).map_err(|e| arg_error("string", e))?;
        let re = compile(&pattern)?;
        let shape = Shape::of(&re)?;
        if name == "regex" {
            let caps = re
                .captures(&text)
                .ok_or("pattern did not match any part of the given string")?;
            Ok(shape.result(&re, &caps))
        } else {
            let mut all = Vec::new();
            go_all_matches(&re, &text, |caps| all.push(shape.result(&re, caps)));
            Ok(Value::List(all))
        }
    }))
}

/// `replace(str, "/pattern/", replacement)`: Go's `ReplaceAllString`.
pub fn replace_all(text: &str, pattern: &str, replacement: &str) -> Result<String, String> {
    let re = compile(pattern)?;
    let mut out = String::new();
    let mut last_end = 0;
    let mut search = 0;
    while search <= text.len() {
        let Some(caps) = re.captures_at(text, search) else {
            break;
        };
        let m = caps.get(0).expect("group 0 always participates");
        out.push_str(&text[last_end..m.start()]);
        // No replacement for an empty match right after another match.
        if m.end() > last_end || m.start() == 0 {
            expand(&re, &caps, replacement, &mut out);
        }
        last_end = m.end();
        let width = text[search..].chars().next().map_or(0, char::len_utf8);
        if search + width > m.end() {
            search += width;
        } else if search + 1 > m.end() {
            search += 1;
        } else {
            search = m.end();
        }
    }
    out.push_str(&text[last_end..]);
    Ok(out)
}

/// Go's `FindAll...`: successive matches; an empty match abutting the previous one is
/// skipped.
fn go_all_matches(re: &Regex, text: &str, mut deliver: impl FnMut(&Captures)) {
    let mut pos = 0;
    let mut prev_end: Option<usize> = None;
    while pos <= text.len() {
        let Some(caps) = re.captures_at(text, pos) else {
            break;
        };
        let m = caps.get(0).expect("group 0 always participates");
        let mut accept = true;
        if m.end() == pos {
            if Some(m.start()) == prev_end {
                accept = false;
            }
            pos += text[pos..].chars().next().map_or(1, char::len_utf8);
        } else {
            pos = m.end();
        }
        prev_end = Some(m.end());
        if accept {
            deliver(&caps);
        }
    }
}

/// Go's `Regexp.Expand`: `$$`, `$name`, `${name}`; a name is the longest run of letters,
/// digits and `_`; an unknown group expands to nothing; a malformed `$` stays.
fn expand(re: &Regex, caps: &Captures, template: &str, out: &mut String) {
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let (name, after) = if let Some(braced) = rest.strip_prefix('{') {
            match braced.find('}') {
                Some(end) if is_group_name(&braced[..end]) => (&braced[..end], &braced[end + 1..]),
                _ => {
                    out.push('$');
                    continue;
                }
            }
        } else {
            let len = rest
                .char_indices()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
                .map_or(rest.len(), |(i, _)| i);
            if len == 0 {
                out.push('$');
                continue;
            }
            (&rest[..len], &rest[len..])
        };
        rest = after;
        let group = if name.bytes().all(|b| b.is_ascii_digit()) {
            name.parse::<usize>().ok().and_then(|i| caps.get(i))
        } else {
            re.capture_names()
                .position(|n| n == Some(name))
                .and_then(|i| caps.get(i))
        };
        if let Some(group) = group {
            out.push_str(group.as_str());
        }
    }
    out.push_str(rest);
}

fn is_group_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// What a match returns: the matched string, a list of the groups, or an object of the
/// named groups.
enum Shape {
    Whole,
    Groups,
    Named(Vec<(usize, String)>),
}

impl Shape {
    fn of(re: &Regex) -> Result<Shape, String> {
        let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
        let named: Vec<(usize, String)> = names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.map(|n| (i + 1, n.to_string())))
            .collect();
        Ok(match (names.len() - named.len(), named.len()) {
            (0, 0) => Shape::Whole,
            (_, 0) => Shape::Groups,
            (0, _) => Shape::Named(named),
            _ => {
                return Err(
                    "invalid regexp pattern: cannot mix both named and unnamed capture groups"
                        .to_string(),
                )
            }
        })
    }

    fn result(&self, re: &Regex, caps: &Captures) -> Value {
        let group = |i: usize| {
            caps.get(i)
                .map_or(Value::Null, |m| Value::String(m.as_str().to_string()))
        };
        match self {
            Shape::Whole => group(0),
            Shape::Groups => Value::List((1..re.captures_len()).map(group).collect()),
            Shape::Named(names) => Value::Map(
                names
                    .iter()
                    .map(|(i, name)| (name.clone(), group(*i)))
                    .collect::<Map>(),
            ),
        }
    }
}

/// Compiles a Go (RE2) pattern.
/// How many compiled patterns each thread keeps: a configuration repeats a few patterns
/// per resource instance (`length(regexall("^[a-z]{2}-", az)) > 0` in every subnet of
/// terraform-aws-modules/vpc), and compiling one costs about as much as evaluating a
/// hundred attributes. Few, as each may hold up to `MAX_COMPILED_SIZE` twice (program and
/// search cache).
const COMPILED_KEPT: usize = 8;

thread_local! {
    static COMPILED: std::cell::RefCell<Vec<(String, Result<Regex, String>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The pattern compiled, from this thread's recent patterns when it is one of them.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    COMPILED.with_borrow_mut(|compiled| {
        if let Some((_, re)) = compiled.iter().find(|(p, _)| p == pattern) {
            return re.clone();
        }
        let re = compile_uncached(pattern);
        if compiled.len() == COMPILED_KEPT {
            compiled.drain(..1);
        }
        compiled.push((pattern.to_string(), re.clone()));
        re
    })
}

fn compile_uncached(pattern: &str) -> Result<Regex, String> {
    let translated = translate(pattern)?;
    RegexBuilder::new(&translated)
        .size_limit(MAX_COMPILED_SIZE)
        .dfa_size_limit(MAX_COMPILED_SIZE)
        .build()
        .map_err(|e| format!("invalid regexp pattern: {}", first_line(&e.to_string())))
}

fn first_line(text: &str) -> &str {
    text.lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_else(|| text.lines().next().unwrap_or(text))
}

/// Rewrites Go syntax that Rust reads differently (see the module comment).
fn translate(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    // Inside a class: how many characters of it were written (to see a leading `]`/`^`).
    let mut class: Option<usize> = None;
    // After a repetition operator: whether it was already made lazy with `?`.
    let mut repeated: Option<bool> = None;
    while let Some(c) = chars.next() {
        if class.is_none() {
            let repeat_count = if c == '{' {
                repeat_braces(&chars)
            } else {
                None
            };
            if matches!(c, '*' | '+' | '?') || repeat_count.is_some() {
                match repeated {
                    Some(false) if c == '?' => repeated = Some(true),
                    Some(_) => {
                        return Err(
                            "invalid regexp pattern: invalid nested repetition operator".into()
                        )
                    }
                    None => repeated = Some(false),
                }
                match repeat_count {
                    Some((text, counts)) => {
                        if counts.iter().any(|n| *n > 1000) {
                            return Err("invalid regexp pattern: invalid repeat count".into());
                        }
                        out.push('{');
                        out.push_str(&text);
                        for _ in 0..text.chars().count() {
                            chars.next();
                        }
                    }
                    None => out.push(c),
                }
                continue;
            }
            repeated = None;
            if c == '{' {
                // Not a repetition: Go reads a literal brace.
                out.push_str("\\{");
                continue;
            }
        }
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    return Err(
                        "invalid regexp pattern: trailing backslash at end of expression".into(),
                    );
                };
                let ascii = match e {
                    'd' => Some(("0-9", false)),
                    'D' => Some(("0-9", true)),
                    's' => Some(("\\t\\n\\x0C\\r ", false)),
                    'S' => Some(("\\t\\n\\x0C\\r ", true)),
                    'w' => Some(("0-9A-Za-z_", false)),
                    'W' => Some(("0-9A-Za-z_", true)),
                    _ => None,
                };
                match (ascii, class) {
                    (Some((set, negated)), None) => {
                        out.push_str(if negated { "[^" } else { "[" });
                        out.push_str(set);
                        out.push(']');
                    }
                    (Some((set, false)), Some(_)) => out.push_str(set),
                    (Some((set, true)), Some(_)) => {
                        out.push_str("[^");
                        out.push_str(set);
                        out.push(']');
                    }
                    (None, _) if e == 'b' && class.is_none() => out.push_str("(?-u:\\b)"),
                    (None, _) if e == 'B' && class.is_none() => out.push_str("(?-u:\\B)"),
                    (None, _) if e == 'Q' => {
                        let mut literal = String::new();
                        while let Some(q) = chars.next() {
                            if q == '\\' && chars.peek() == Some(&'E') {
                                chars.next();
                                break;
                            }
                            literal.push(q);
                        }
                        out.push_str(&regex::escape(&literal));
                    }
                    (None, _) if e.is_ascii_digit() && e != '0' => {
                        return Err(format!(
                            "invalid regexp pattern: invalid escape sequence: `\\{e}`"
                        ))
                    }
                    (None, _) => {
                        out.push('\\');
                        out.push(e);
                        // `\p{Greek}`, `\x{1F642}`: the braces belong to the escape.
                        if matches!(e, 'p' | 'P' | 'x') && chars.peek() == Some(&'{') {
                            for b in chars.by_ref() {
                                out.push(b);
                                if b == '}' {
                                    break;
                                }
                            }
                        }
                    }
                }
                if let Some(n) = class.as_mut() {
                    *n += 1;
                }
            }
            '[' if class.is_none() => {
                out.push('[');
                class = Some(0);
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
            }
            '[' if chars.peek() == Some(&':') => {
                // A POSIX class `[:alpha:]` is copied whole.
                out.push('[');
                for p in chars.by_ref() {
                    out.push(p);
                    if p == ']' {
                        break;
                    }
                }
                if let Some(n) = class.as_mut() {
                    *n += 1;
                }
            }
            ']' if class.is_some_and(|n| n > 0) => {
                out.push(']');
                class = None;
            }
            '[' | '&' | '~' if class.is_some() => {
                out.push('\\');
                out.push(c);
                if let Some(n) = class.as_mut() {
                    *n += 1;
                }
            }
            '-' if class.is_some() && out.ends_with('-') && !out.ends_with("\\-") => {
                out.push_str("\\-");
                if let Some(n) = class.as_mut() {
                    *n += 1;
                }
            }
            _ => {
                out.push(c);
                if let Some(n) = class.as_mut() {
                    *n += 1;
                }
            }
        }
    }
    Ok(out)
}

/// After a `{`: the rest of a repetition `{n}`, `{n,}` or `{n,m}` and its counts.
fn repeat_braces(chars: &std::iter::Peekable<std::str::Chars>) -> Option<(String, Vec<u64>)> {
    let text: String = chars.clone().take_while(|c| *c != '}').collect();
    if chars.clone().nth(text.chars().count()) != Some('}') {
        return None;
    }
    let (min, max) = match text.split_once(',') {
        Some((min, max)) => (min, Some(max)),
        None => (text.as_str(), None),
    };
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u64>().ok())?
    };
    let mut counts = vec![number(min)?];
    match max {
        Some("") | None => {}
        Some(m) => counts.push(number(m)?),
    }
    Some((format!("{text}}}"), counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::String(x.to_string())
    }

    fn run(name: &str, pattern: &str, text: &str) -> Result<Value, String> {
        call(name, &[s(pattern), s(text)]).expect("regex function")
    }

    #[test]
    fn matches_like_go() {
        assert_eq!(
            run("regex", r"(\d+)-(x)?", "12-"),
            Ok(Value::List(vec![s("12"), Value::Null]))
        );
        assert_eq!(run("regex", r"\d", "٣5"), Ok(s("5")));
        assert_eq!(
            run("regexall", "a*", "baaab"),
            Ok(Value::List(vec![s(""), s("aaa"), s("")]))
        );
        assert!(run("regex", "(a)(?P<n>b)", "ab").is_err());
        assert!(run("regex", "x", "y").is_err());
        assert_eq!(run("regex", r"[[]", "a[b"), Ok(s("[")));
        assert_eq!(run("regex", r"\Q.*\E", "a.*"), Ok(s(".*")));
        assert_eq!(run("regex", r"\p{Greek}+", "abαβ"), Ok(s("αβ")));
        assert_eq!(run("regex", "a{x}", "a{x}"), Ok(s("a{x}")));
        assert!(run("regex", "a**", "a").is_err());
        assert!(run("regex", "a{1001}", "a").is_err());
    }

    #[test]
    fn replaces_like_go() {
        assert_eq!(replace_all("baaab", "a*", "-").as_deref(), Ok("-b-b-"));
        assert_eq!(replace_all("abc", "(b)", "$1x1x$$").as_deref(), Ok("a$c"));
        assert_eq!(replace_all("abc", "(b)", "<${1}>").as_deref(), Ok("a<b>c"));
    }
}
