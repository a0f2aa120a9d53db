//! Encodings and hashes: `base64encode base64decode base64gzip base64sha256 base64sha512 md5 sha1
//! sha256 sha512 urlencode textencodebase64 textdecodebase64 uuidv5`.

use super::super::convert::to_string;
use super::super::value::Value;
use super::{arg_error, arity};
use md5::Md5;
use sha1::{Digest, Sha1};
use sha2::{Sha256, Sha512};

pub const NAMES: &[&str] = &[
    "base64encode",
    "base64decode",
    "base64gzip",
    "base64sha256",
    "base64sha512",
    "md5",
    "sha1",
    "sha256",
    "sha512",
    "urlencode",
    "textencodebase64",
    "textdecodebase64",
    "uuidv5",
];

#[derive(Clone, Copy)]
pub enum Hash {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl Hash {
    pub fn digest(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Hash::Md5 => Md5::digest(bytes).to_vec(),
            Hash::Sha1 => Sha1::digest(bytes).to_vec(),
            Hash::Sha256 => Sha256::digest(bytes).to_vec(),
            Hash::Sha512 => Sha512::digest(bytes).to_vec(),
        }
    }
}

pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    if !NAMES.contains(&name) {
        return None;
    }
    let text = |i: usize, param: &str| to_string(&args[i]).map_err(|e| arg_error(param, e));
    let result = match name {
        "textencodebase64" => arity(name, args, 2, 2)
            .and_then(|()| text_encode(&text(0, "string")?, &text(1, "encoding")?)),
        "textdecodebase64" => arity(name, args, 2, 2)
            .and_then(|()| text_decode(&text(0, "source")?, &text(1, "encoding")?)),
        "uuidv5" => {
            arity(name, args, 2, 2).and_then(|()| uuidv5(&text(0, "namespace")?, &text(1, "name")?))
        }
        _ => arity(name, args, 1, 1).and_then(|()| {
            let s = text(0, "str")?;
            let bytes = s.as_bytes();
            Ok(Value::String(match name {
                "base64encode" => base64_encode(bytes),
                "base64decode" => {
                    let decoded = base64_decode(&s)
                        .ok_or_else(|| format!("failed to decode base64 data {s:?}"))?;
                    String::from_utf8(decoded).map_err(|_| {
                        "the result of decoding the provided string is not valid UTF-8".to_string()
                    })?
                }
                "base64gzip" => base64_encode(&super::gzip::gzip(bytes)),
                "base64sha256" => base64_encode(&Hash::Sha256.digest(bytes)),
                "base64sha512" => base64_encode(&Hash::Sha512.digest(bytes)),
                "md5" => hex(&Hash::Md5.digest(bytes)),
                "sha1" => hex(&Hash::Sha1.digest(bytes)),
                "sha256" => hex(&Hash::Sha256.digest(bytes)),
                "sha512" => hex(&Hash::Sha512.digest(bytes)),
                _ => url_encode(&s),
            }))
        }),
    };
    Some(result)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub use crate::frontend::base64::{decode as base64_decode, encode as base64_encode};

/// Go's `url.QueryEscape`.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The character encodings vpclint evaluates, by IANA name or alias (case-insensitive).
#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    Utf8,
    /// `UTF-16`: big-endian with a byte-order mark when encoding; decoding follows the
    /// mark, big-endian without one.
    Utf16,
    Utf16Be,
    Utf16Le,
    Latin1,
}

fn encoding(name: &str) -> Option<Encoding> {
    const NAMES: &[(&str, Encoding)] = &[
        ("utf-8", Encoding::Utf8),
        ("csutf8", Encoding::Utf8),
        ("utf-16", Encoding::Utf16),
        ("csutf16", Encoding::Utf16),
        ("utf-16be", Encoding::Utf16Be),
        ("csutf16be", Encoding::Utf16Be),
        ("utf-16le", Encoding::Utf16Le),
        ("csutf16le", Encoding::Utf16Le),
        ("iso-8859-1", Encoding::Latin1),
        ("iso_8859-1", Encoding::Latin1),
        ("iso_8859-1:1987", Encoding::Latin1),
        ("iso-ir-100", Encoding::Latin1),
        ("latin1", Encoding::Latin1),
        ("l1", Encoding::Latin1),
        ("ibm819", Encoding::Latin1),
        ("cp819", Encoding::Latin1),
        ("csisolatin1", Encoding::Latin1),
    ];
    let lower = name.to_ascii_lowercase();
    NAMES.iter().find(|(n, _)| *n == lower).map(|(_, e)| *e)
}

fn unsupported_encoding(name: &str) -> Value {
    Value::Unknown(format!(
        "text encoding {name:?} is not evaluated by vpclint (UTF-8, UTF-16 and ISO-8859-1 are)"
    ))
}

fn text_encode(s: &str, name: &str) -> Result<Value, String> {
    let Some(enc) = encoding(name) else {
        return Ok(unsupported_encoding(name));
    };
    let units = |big: bool| -> Vec<u8> {
        s.encode_utf16()
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    let bytes = match enc {
        Encoding::Utf8 => s.as_bytes().to_vec(),
        Encoding::Utf16 => [vec![0xFE, 0xFF], units(true)].concat(),
        Encoding::Utf16Be => units(true),
        Encoding::Utf16Le => units(false),
        Encoding::Latin1 => s
            .chars()
            .map(|c| u8::try_from(u32::from(c)).ok())
            .collect::<Option<Vec<u8>>>()
            .ok_or_else(|| {
                format!("the given string contains characters that cannot be represented in {name}")
            })?,
    };
    Ok(Value::String(base64_encode(&bytes)))
}

fn text_decode(source: &str, name: &str) -> Result<Value, String> {
    let Some(enc) = encoding(name) else {
        return Ok(unsupported_encoding(name));
    };
    let bytes = base64_decode(source).ok_or_else(|| {
        arg_error(
            "source",
            "the given value is has an invalid base64 symbol".into(),
        )
    })?;
    let invalid = || format!("the given value is not valid {name} text");
    let from_units = |bytes: &[u8], big: bool| -> Result<String, String> {
        if !bytes.len().is_multiple_of(2) {
            return Err(invalid());
        }
        let units = bytes.chunks(2).map(|p| {
            let pair = [p[0], p[1]];
            if big {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| invalid())
    };
    let text = match enc {
        Encoding::Utf8 => String::from_utf8(bytes).map_err(|_| invalid())?,
        Encoding::Utf16 => match bytes.get(..2) {
            Some([0xFF, 0xFE]) => from_units(&bytes[2..], false)?,
            Some([0xFE, 0xFF]) => from_units(&bytes[2..], true)?,
            _ => from_units(&bytes, true)?,
        },
        Encoding::Utf16Be => from_units(&bytes, true)?,
        Encoding::Utf16Le => from_units(&bytes, false)?,
        Encoding::Latin1 => bytes.iter().map(|b| char::from(*b)).collect(),
    };
    Ok(Value::String(text))
}

/// `uuidv5(namespace, name)`: a name-based (SHA-1) UUID.
fn uuidv5(namespace: &str, name: &str) -> Result<Value, String> {
    let namespace_uuid = match namespace {
        "dns" => "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
        "url" => "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
        "oid" => "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
        "x500" => "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
        other => other,
    };
    let ns = parse_uuid(namespace_uuid)
        .ok_or_else(|| format!("uuidv5() doesn't support namespace {namespace}"))?;
    let mut hash = Hash::Sha1.digest(&[&ns[..], name.as_bytes()].concat());
    hash.truncate(16);
    hash[6] = (hash[6] & 0x0f) | 0x50;
    hash[8] = (hash[8] & 0x3f) | 0x80;
    let h = hex(&hash);
    Ok(Value::String(format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )))
}

/// google/uuid's `Parse`: 36 characters with dashes, optionally in braces or after
/// `urn:uuid:`, or 32 hex digits.
fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let body = match text.len() {
        36 => text,
        38 if text.starts_with('{') && text.ends_with('}') => &text[1..37],
        45 if text[..9].eq_ignore_ascii_case("urn:uuid:") => &text[9..],
        32 => text,
        _ => return None,
    };
    let digits: String = if body.len() == 36 {
        let b = body.as_bytes();
        if [8, 13, 18, 23].iter().any(|i| b[*i] != b'-') {
            return None;
        }
        body.chars().filter(|c| *c != '-').collect()
    } else {
        body.to_string()
    };
    if digits.len() != 32 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_like_go() {
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
        assert_eq!(base64_decode("aGVsbG8=\n").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("YR==").as_deref(), Some(&b"a"[..]));
        assert!(base64_decode("YQ=").is_none());
        assert!(base64_decode("YQ==YQ==").is_none());
    }

    #[test]
    fn uuid_and_text_encodings() {
        assert_eq!(
            uuidv5("dns", "example.com"),
            Ok(Value::String("cfbff0d1-9375-5685-968c-48ce8b15ae17".into()))
        );
        assert_eq!(
            text_encode("hé", "UTF-16"),
            Ok(Value::String("/v8AaADp".into()))
        );
        assert_eq!(
            text_decode("//5oAOkA", "utf-16"),
            Ok(Value::String("hé".into()))
        );
        assert!(matches!(text_encode("x", "cp1252"), Ok(Value::Unknown(_))));
    }
}
