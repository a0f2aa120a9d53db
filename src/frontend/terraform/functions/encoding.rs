//! `jsonencode` and `jsondecode`, as cty encodes JSON (Go's `encoding/json` string
//! escaping with HTML characters escaped, object keys sorted, numbers printed in full).

use super::super::convert::{is_wholly_known, to_string};
use super::super::number::Number;
use super::super::value::{Map, Value};
use super::{arg_error, arity};
use std::fmt::Write;

pub const NAMES: &[&str] = &["jsonencode", "jsondecode"];

/// Nesting deeper than this is refused (decoding) or reported (encoding).
const MAX_DEPTH: usize = 256;

pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    let result = match name {
        "jsonencode" => arity(name, args, 1, 1)
            .and_then(|()| json_encode(&args[0]))
            .map(Value::String),
        "jsondecode" => arity(name, args, 1, 1).and_then(|()| {
            let text = to_string(&args[0]).map_err(|e| arg_error("str", e))?;
            json_decode(&text)
        }),
        _ => return None,
    };
    Some(result)
}

/// The value as `jsonencode` prints it; values not known before apply are an error.
pub fn json_encode(value: &Value) -> Result<String, String> {
    if !is_wholly_known(value) {
        return Err("value is not known before apply".to_string());
    }
    let mut out = String::new();
    encode_into(value, &mut out, 0)?;
    Ok(out)
}

fn encode_into(value: &Value, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("value is nested too deeply to encode".to_string());
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if n.is_infinite() {
                return Err("value is infinity and cannot be encoded as JSON".to_string());
            }
            let _ = write!(out, "{n}");
        }
        Value::String(s) => out.push_str(&json_quote(s)),
        Value::List(items) | Value::Set(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_into(item, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_quote(key));
                out.push(':');
                encode_into(item, out, depth + 1)?;
            }
            out.push('}');
        }
        Value::Ref(_) | Value::Unknown(_) => {
            return Err("value is not known before apply".to_string())
        }
    }
    Ok(())
}

/// A JSON string literal as Go's `encoding/json` writes it.
pub fn json_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `jsondecode`: objects become maps, arrays lists, numbers keep their full precision.
pub fn json_decode(text: &str) -> Result<Value, String> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    parser.skip_space();
    let value = parser.value(0)?;
    parser.skip_space();
    if parser.pos != parser.bytes.len() {
        return Err(format!(
            "extraneous data after JSON value at offset {}",
            parser.pos
        ));
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        format!("invalid JSON: {what} at offset {}", self.pos)
    }

    fn skip_space(&mut self) {
        while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.bytes.get(self.pos) == Some(&b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error("unexpected character")),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, String> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("invalid literal"))
        }
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        self.eat(b'-');
        let int_start = self.pos;
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        let int = &self.text[int_start..self.pos];
        if int.is_empty() || (int.len() > 1 && int.starts_with('0')) {
            return Err(self.error("invalid number"));
        }
        if self.eat(b'.') {
            let frac_start = self.pos;
            while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
                self.pos += 1;
            }
            if self.pos == frac_start {
                return Err(self.error("invalid number"));
            }
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            let exp_start = self.pos;
            while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
                self.pos += 1;
            }
            if self.pos == exp_start {
                return Err(self.error("invalid number"));
            }
        }
        Number::parse_exact(&self.text[start..self.pos])
            .map(Value::number)
            .ok_or_else(|| self.error("number out of range"))
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let Some(stop) = rest.find(['"', '\\']) else {
                return Err(self.error("unterminated string"));
            };
            let chunk = &rest[..stop];
            if chunk.chars().any(|c| (c as u32) < 0x20) {
                return Err(self.error("control character in string"));
            }
            out.push_str(chunk);
            self.pos += stop;
            if self.eat(b'"') {
                return Ok(out);
            }
            self.pos += 1;
            let escape = self.bytes.get(self.pos).copied();
            self.pos += 1;
            match escape {
                Some(b'"') => out.push('"'),
                Some(b'\\') => out.push('\\'),
                Some(b'/') => out.push('/'),
                Some(b'b') => out.push('\u{8}'),
                Some(b'f') => out.push('\u{c}'),
                Some(b'n') => out.push('\n'),
                Some(b'r') => out.push('\r'),
                Some(b't') => out.push('\t'),
                Some(b'u') => {
                    let high = self.hex4()?;
                    let c = if (0xD800..0xDC00).contains(&high)
                        && self.text[self.pos..].starts_with("\\u")
                    {
                        let save = self.pos;
                        self.pos += 2;
                        let low = self.hex4()?;
                        if (0xDC00..0xE000).contains(&low) {
                            char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                        } else {
                            self.pos = save;
                            None
                        }
                    } else {
                        char::from_u32(high)
                    };
                    out.push(c.unwrap_or('\u{FFFD}'));
                }
                _ => return Err(self.error("invalid escape")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("invalid unicode escape"))?;
        let value =
            u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid unicode escape"))?;
        self.pos += 4;
        Ok(value)
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.eat(b']') {
            return Ok(Value::List(items));
        }
        loop {
            self.skip_space();
            items.push(self.value(depth + 1)?);
            self.skip_space();
            if self.eat(b']') {
                return Ok(Value::List(items));
            }
            if !self.eat(b',') {
                return Err(self.error("expected ',' or ']'"));
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        let mut entries = Vec::new();
        self.skip_space();
        if self.eat(b'}') {
            return Ok(Value::Map(Map::new()));
        }
        loop {
            self.skip_space();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            self.skip_space();
            if !self.eat(b':') {
                return Err(self.error("expected ':'"));
            }
            self.skip_space();
            let value = self.value(depth + 1)?;
            entries.push((key, value));
            self.skip_space();
            if self.eat(b'}') {
                // Like Go's decoder, a repeated key keeps its last value.
                return Ok(Value::Map(Map::from_entries(entries)));
            }
            if !self.eat(b',') {
                return Err(self.error("expected ',' or '}'"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_terraform() {
        let mut map = Map::new();
        map.insert("b".to_string(), Value::number(Number::from_i64(1)));
        map.insert("a".to_string(), Value::String("<x&y>".to_string()));
        assert_eq!(
            json_encode(&Value::Map(map)).as_deref(),
            Ok(r#"{"a":"\u003cx\u0026y\u003e","b":1}"#)
        );
    }

    #[test]
    fn decodes_with_full_precision() {
        let value = json_decode(r#" {"n": 12345678901234567890123, "l": [true, null, "\u00e9"]} "#);
        let encoded = value.and_then(|v| json_encode(&v));
        assert_eq!(
            encoded.as_deref(),
            Ok(r#"{"l":[true,null,"é"],"n":12345678901234567890123}"#)
        );
        assert!(json_decode("[1,]").is_err());
        assert!(json_decode("{} x").is_err());
        assert!(json_decode("01").is_err());
    }
}
