//! `csvdecode indent basename dirname pathexpand`, the identity functions vpclint has no
//! marks for (`ephemeralasnull`), and the functions whose result vpclint cannot know:
//! nondeterministic ones, ones that depend on the runner, or that vpclint does not evaluate.

use super::super::convert::{to_integer, to_string};
use super::super::value::{Map, Value};
use super::{arg_error, arity};

pub const NAMES: &[&str] = &[
    "csvdecode",
    "indent",
    "basename",
    "dirname",
    "pathexpand",
    "ephemeralasnull",
];

/// Functions whose value is unknown, with the reason.
pub const UNKNOWN: &[(&str, &str)] = &[
    ("timestamp", "timestamp() is the time of the run"),
    ("plantimestamp", "plantimestamp() is the time of the plan"),
    ("uuid", "uuid() is random"),
    ("bcrypt", "bcrypt() uses a random salt"),
    (
        "rsadecrypt",
        "rsadecrypt() is not evaluated: vpclint does not decrypt secrets",
    ),
    (
        "issensitive",
        "issensitive(): vpclint does not track which values are sensitive",
    ),
];

pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    if let Some((_, reason)) = UNKNOWN.iter().find(|(n, _)| *n == name) {
        return Some(Ok(Value::Unknown((*reason).to_string())));
    }
    if !NAMES.contains(&name) {
        return None;
    }
    let text = |i: usize, param: &str| to_string(&args[i]).map_err(|e| arg_error(param, e));
    let result = match name {
        "ephemeralasnull" => arity(name, args, 1, 1).map(|()| args[0].clone()),
        "indent" => arity(name, args, 2, 2).and_then(|()| {
            let spaces = to_integer(&args[0]).map_err(|e| arg_error("spaces", e))?;
            let spaces = usize::try_from(spaces)
                .map_err(|_| arg_error("spaces", "must not be negative".to_string()))?;
            let pad = format!("\n{}", " ".repeat(spaces));
            Ok(Value::String(text(1, "str")?.replace('\n', &pad)))
        }),
        "csvdecode" => arity(name, args, 1, 1).and_then(|()| csv_decode(&text(0, "str")?)),
        "pathexpand" => arity(name, args, 1, 1).map(|()| match &args[0] {
            Value::String(s) if s.starts_with('~') => {
                Value::Unknown("pathexpand() of a home directory depends on the runner".to_string())
            }
            other => other.clone(),
        }),
        _ => arity(name, args, 1, 1).and_then(|()| {
            let path = text(0, "path")?;
            Ok(Value::String(if name == "basename" {
                base_name(&path)
            } else {
                dir_name(&path)
            }))
        }),
    };
    Some(result)
}

/// Go's `filepath.Clean` (Unix).
pub fn clean_path(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if rooted => {}
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Go's `filepath.Base`.
fn base_name(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `filepath.Dir`.
fn dir_name(path: &str) -> String {
    let head = path.rfind('/').map_or("", |i| &path[..=i]);
    clean_path(head)
}

/// Go's `encoding/csv` reader with its defaults: the first record names the columns and
/// every record has as many fields.
fn csv_decode(text: &str) -> Result<Value, String> {
    let records = csv_records(text)?;
    let mut records = records.into_iter();
    let headers = records.next().ok_or("missing header line")?;
    let mut seen = std::collections::HashSet::new();
    for name in &headers {
        if !seen.insert(name) {
            return Err(format!("duplicate column name {name:?}"));
        }
    }
    let rows = records
        .map(|fields| {
            Value::Map(
                headers
                    .iter()
                    .cloned()
                    .zip(fields.into_iter().map(Value::String))
                    .collect::<Map>(),
            )
        })
        .collect();
    Ok(Value::List(rows))
}

fn csv_records(text: &str) -> Result<Vec<Vec<String>>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at_line_end = |i: usize| {
        chars.get(i) == Some(&'\n')
            || (chars.get(i) == Some(&'\r') && matches!(chars.get(i + 1), Some('\n') | None))
    };
    while i < chars.len() {
        // Empty lines are skipped.
        if at_line_end(i) {
            i += if chars[i] == '\r' { 2 } else { 1 };
            line += 1;
            continue;
        }
        let record_line = line;
        let mut fields = Vec::new();
        loop {
            let mut field = String::new();
            if chars.get(i) == Some(&'"') {
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(format!(
                                "CSV parse error on line {line}: extraneous or missing \" in quoted-field"
                            ))
                        }
                        Some('"') if chars.get(i + 1) == Some(&'"') => {
                            field.push('"');
                            i += 2;
                        }
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\r') if chars.get(i + 1) == Some(&'\n') => {
                            field.push('\n');
                            line += 1;
                            i += 2;
                        }
                        Some(c) => {
                            if *c == '\n' {
                                line += 1;
                            }
                            field.push(*c);
                            i += 1;
                        }
                    }
                }
                if !(chars.get(i).is_none() || chars.get(i) == Some(&',') || at_line_end(i)) {
                    return Err(format!(
                        "CSV parse error on line {line}: extraneous or missing \" in quoted-field"
                    ));
                }
            } else {
                while let Some(c) = chars.get(i) {
                    if *c == ',' || at_line_end(i) {
                        break;
                    }
                    if *c == '"' {
                        return Err(format!(
                            "CSV parse error on line {line}: bare \" in non-quoted-field"
                        ));
                    }
                    field.push(*c);
                    i += 1;
                }
            }
            fields.push(field);
            match chars.get(i) {
                Some(',') => i += 1,
                Some('\r') => {
                    i += 2;
                    line += 1;
                    break;
                }
                Some(_) => {
                    i += 1;
                    line += 1;
                    break;
                }
                None => break,
            }
        }
        if let Some(first) = records.first() {
            if first.len() != fields.len() {
                return Err(format!(
                    "CSV parse error on line {record_line}: wrong number of fields"
                ));
            }
        }
        records.push(fields);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_like_go() {
        assert_eq!(base_name("a/b/"), "b");
        assert_eq!(base_name(""), ".");
        assert_eq!(base_name("///"), "/");
        assert_eq!(dir_name("a/b/"), "a/b");
        assert_eq!(dir_name("x"), ".");
        assert_eq!(dir_name("/x"), "/");
        assert_eq!(clean_path("a/../../b/./c//"), "../b/c");
    }

    #[test]
    fn csv_like_go() {
        let decoded = csv_decode("a,b\r\n1,\"x,\"\"y\"\n\n3,4").expect("csv");
        let Value::List(rows) = decoded else {
            panic!("rows")
        };
        assert_eq!(rows.len(), 2);
        assert!(csv_decode("a,b\n1\n").is_err());
        assert!(csv_decode("a\n\"x\"y\n").is_err());
        assert!(csv_decode("a\nx\"y\n").is_err());
        assert!(csv_decode("").is_err());
    }
}
