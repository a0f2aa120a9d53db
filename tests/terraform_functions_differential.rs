//! Differential test: vpclint's Terraform functions against `terraform console`.
//!
//! Each case is a call written in HCL. The test reads it into a function name and
//! argument values (nested calls such as `toset([...])` are evaluated by our own
//! functions), calls `functions::call` directly, and compares the result with what
//! Terraform prints for the same text. Terraform evaluates all cases in one console
//! process as a tuple of `try(jsonencode(CALL), "ERR")`; errors must be errors on both
//! sides, values must encode to the same JSON. Without `terraform` on PATH the test
//! prints why and passes.

use std::io::Write;
use std::process::{Command, Stdio};
use vpclint::frontend::terraform::functions;
use vpclint::frontend::terraform::number::Number;
use vpclint::frontend::terraform::value::Value;

const CASES: &str = include_str!("terraform_functions_differential.cases");

/// What a case evaluates to, in a comparable form.
#[derive(Debug, PartialEq)]
enum Outcome {
    Json(String),
    Error,
    Unknown,
}

#[test]
fn functions_match_terraform_console() {
    let cases: Vec<&str> = CASES
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(cases.len() >= 300, "only {} cases", cases.len());
    let ours: Vec<Outcome> = cases.iter().map(|c| evaluate_ours(c)).collect();

    if Command::new("terraform").arg("version").output().is_err() {
        eprintln!("terraform is not on PATH: skipping the differential comparison");
        return;
    }
    let theirs = match console_batch(&cases) {
        Ok(outcomes) => outcomes,
        // One case escaped `try`: evaluate them one by one to find it.
        Err(batch_error) => {
            eprintln!("batch failed ({batch_error}); evaluating cases one by one");
            cases
                .iter()
                .map(|c| console_batch(&[c]).map_or(Outcome::Error, |mut o| o.remove(0)))
                .collect()
        }
    };
    assert_eq!(
        theirs.len(),
        cases.len(),
        "console returned a different count"
    );
    let mut mismatches = Vec::new();
    for ((case, ours), theirs) in cases.iter().zip(&ours).zip(&theirs) {
        if ours != theirs {
            mismatches.push(format!(
                "{case}\n    vpclint:   {ours:?}\n    terraform: {theirs:?}"
            ));
        }
    }
    println!(
        "compared {} function calls with terraform console: {} mismatches",
        cases.len(),
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "mismatches:\n{}",
        mismatches.join("\n")
    );
}

fn evaluate_ours(case: &str) -> Outcome {
    let mut parser = Parser { text: case, pos: 0 };
    let result = parser.expression();
    assert_eq!(parser.pos, case.len(), "case not fully parsed: {case}");
    match result {
        Err(_) => Outcome::Error,
        Ok(value) if !vpclint::frontend::terraform::convert::is_wholly_known(&value) => {
            Outcome::Unknown
        }
        // Encoding fails where Terraform's jsonencode fails (infinity).
        Ok(value) => match functions::json_encode(&value) {
            Ok(json) => Outcome::Json(json),
            Err(_) => Outcome::Error,
        },
    }
}

/// Runs `terraform console` once over all cases.
fn console_batch(cases: &[&str]) -> Result<Vec<Outcome>, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let config = dir.path().join("terraform.rc");
    std::fs::write(&config, "").map_err(|e| e.to_string())?;
    let mut expr = String::from("[");
    for case in cases {
        expr.push_str(&format!("try(jsonencode({case}), \"ERR\"), "));
    }
    expr.push_str("]\n");
    let mut child = Command::new("terraform")
        .arg("console")
        .arg("-no-color")
        .current_dir(dir.path())
        .env("TF_CLI_CONFIG_FILE", &config)
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(expr.as_bytes())
        .map_err(|e| e.to_string())?;
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || !stdout.trim_start().starts_with('[') {
        return Err(format!(
            "{}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let lines: Vec<&str> = stdout
        .lines()
        .map(str::trim)
        .filter(|l| *l != "[" && *l != "]" && !l.is_empty())
        .collect();
    lines
        .iter()
        .map(|line| {
            let item = line.strip_suffix(',').unwrap_or(line);
            if item == "(known after apply)" {
                return Ok(Outcome::Unknown);
            }
            let text = go_unquote(item).ok_or_else(|| format!("cannot read {item}"))?;
            Ok(if text == "ERR" {
                Outcome::Error
            } else {
                Outcome::Json(text)
            })
        })
        .collect()
}

/// Reads a string as Go's `strconv.Quote` writes it (how the console prints strings).
fn go_unquote(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut bytes = Vec::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        fn hex(chars: &mut std::str::Chars, n: usize) -> Option<u32> {
            let digits: String = chars.by_ref().take(n).collect();
            u32::from_str_radix(&digits, 16).ok()
        }
        match chars.next()? {
            'a' => bytes.push(7),
            'b' => bytes.push(8),
            'f' => bytes.push(12),
            'n' => bytes.push(b'\n'),
            'r' => bytes.push(b'\r'),
            't' => bytes.push(b'\t'),
            'v' => bytes.push(11),
            '\\' => bytes.push(b'\\'),
            '"' => bytes.push(b'"'),
            'x' => bytes.push(u8::try_from(hex(&mut chars, 2)?).ok()?),
            'u' => {
                let mut buf = [0; 4];
                bytes.extend_from_slice(
                    char::from_u32(hex(&mut chars, 4)?)?
                        .encode_utf8(&mut buf)
                        .as_bytes(),
                );
            }
            'U' => {
                let mut buf = [0; 4];
                bytes.extend_from_slice(
                    char::from_u32(hex(&mut chars, 8)?)?
                        .encode_utf8(&mut buf)
                        .as_bytes(),
                );
            }
            _ => return None,
        }
    }
    String::from_utf8(bytes).ok()
}

/// Reads the HCL subset the cases use: literals, tuples, objects, function calls,
/// parentheses and the arithmetic operators (evaluated left to right).
struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn skip_space(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.text.len() - trimmed.len();
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_space();
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    /// Evaluates the expression; `Err` when evaluation fails (as Terraform would).
    fn expression(&mut self) -> Result<Value, String> {
        let mut left = self.primary();
        loop {
            self.skip_space();
            let Some(op) = self.rest().chars().next().filter(|c| "+-*/%".contains(*c)) else {
                return left;
            };
            self.pos += 1;
            let right = self.primary();
            left = match (left, right) {
                (Ok(Value::Number(a)), Ok(Value::Number(b))) => Ok(Value::Number(match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    '/' => a / b,
                    _ => a.checked_rem(b).unwrap_or(a),
                })),
                _ => Err("arithmetic needs numbers".to_string()),
            };
        }
    }

    fn primary(&mut self) -> Result<Value, String> {
        self.skip_space();
        let text = self.text;
        let rest = &text[self.pos..];
        if self.eat("(") {
            let value = self.expression();
            assert!(self.eat(")"), "expected ) in {}", self.text);
            return value;
        }
        if rest.starts_with('"') {
            return Ok(Value::String(self.string()));
        }
        if self.eat("[") {
            let items = self.sequence("]");
            return items.map(Value::List);
        }
        if self.eat("{") {
            let mut map = std::collections::BTreeMap::new();
            let mut failed = None;
            while !self.eat("}") {
                self.skip_space();
                let key = if self.rest().starts_with('"') {
                    self.string()
                } else {
                    self.identifier().to_string()
                };
                assert!(self.eat("="), "expected = in {}", self.text);
                match self.expression() {
                    Ok(v) => {
                        map.insert(key, v);
                    }
                    Err(e) => failed = Some(e),
                }
                self.eat(",");
            }
            return failed.map_or(Ok(Value::Map(map)), Err);
        }
        if rest.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            let negative = self.eat("-");
            self.skip_space();
            let len = self
                .rest()
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '+' || c == '-'))
                .unwrap_or(self.rest().len());
            let mut literal = &text[self.pos..self.pos + len];
            // An exponent sign belongs to the number; any other sign is an operator.
            if let Some(at) = literal[1..].find(['+', '-']) {
                if !literal[..=at].ends_with(['e', 'E']) {
                    literal = &literal[..=at];
                }
            }
            self.pos += literal.len();
            let n = Number::parse(literal).unwrap_or_else(|| panic!("bad number {literal}"));
            return Ok(Value::Number(if negative { -n } else { n }));
        }
        let name = self.identifier();
        match name {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            "null" => Ok(Value::Null),
            _ => {
                let name = name.to_string();
                assert!(self.eat("("), "expected ( after {name} in {}", self.text);
                let args = self.sequence(")")?;
                functions::call(&name, args)
            }
        }
    }

    fn identifier(&mut self) -> &str {
        self.skip_space();
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(self.rest().len());
        let start = self.pos;
        self.pos += len;
        &self.text[start..self.pos]
    }

    fn sequence(&mut self, close: &str) -> Result<Vec<Value>, String> {
        let mut items = Vec::new();
        let mut failed = None;
        while !self.eat(close) {
            match self.expression() {
                Ok(v) => items.push(v),
                Err(e) => failed = Some(e),
            }
            self.eat(",");
        }
        failed.map_or(Ok(items), Err)
    }

    /// A quoted HCL string with its escapes (`$${` and `%%{` are literal).
    fn string(&mut self) -> String {
        self.pos += 1;
        let text = self.text;
        let rest = &text[self.pos..];
        let mut out = String::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return out;
                }
                '\\' => match chars.next().map(|(_, e)| e) {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('u') => {
                        let digits: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                        let code = u32::from_str_radix(&digits, 16).unwrap_or(0xFFFD);
                        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                    }
                    other => panic!("unsupported escape {other:?} in {}", self.text),
                },
                '$' | '%' if rest[i + 1..].starts_with(&format!("{c}{{")) => {
                    out.push(c);
                    out.push('{');
                    chars.next();
                    chars.next();
                }
                c => out.push(c),
            }
        }
        panic!("unterminated string in {}", self.text)
    }
}
