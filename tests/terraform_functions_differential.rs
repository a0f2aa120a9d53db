//! Differential test: vpclint's Terraform functions against `terraform console`.
//!
//! Each case is a call written in HCL. The test reads it into a function name and
//! argument values (nested calls such as `toset([...])` are evaluated by our own
//! functions), calls `functions::call` directly, and compares the result with what
//! Terraform prints for the same text. Terraform evaluates all cases in one console
//! process as a tuple of `try(jsonencode(CALL), "ERR")`; errors must be errors on both
//! sides, values must encode to the same JSON. Without `terraform` on PATH the test
//! prints why and passes.
//!
//! The file functions read the files [`write_files`] puts in a temporary directory: the
//! console runs there, and our functions read it through a sandbox rooted there.

use std::io::Write;
use std::process::{Command, Stdio};
use vpclint::frontend::terraform::functions;
use vpclint::frontend::terraform::number::Number;
use vpclint::frontend::terraform::value::{Map, Value};

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
    assert!(cases.len() >= 1500, "only {} cases", cases.len());
    let workdir = tempfile::tempdir().expect("temp dir");
    write_files(workdir.path());
    let sandbox = functions::Sandbox::new(workdir.path(), workdir.path()).expect("sandbox");
    let ours: Vec<Outcome> = cases.iter().map(|c| evaluate_ours(c, &sandbox)).collect();

    if Command::new("terraform").arg("version").output().is_err() {
        eprintln!("terraform is not on PATH: skipping the differential comparison");
        return;
    }
    let mut theirs = Vec::with_capacity(cases.len());
    for batch in batches(&cases) {
        match console_batch(batch, workdir.path()) {
            Ok(outcomes) => theirs.extend(outcomes),
            // One case escaped `try`: evaluate them one by one to find it.
            Err(batch_error) => {
                eprintln!("batch failed ({batch_error}); evaluating its cases one by one");
                theirs.extend(batch.iter().map(|c| {
                    console_batch(&[c], workdir.path()).map_or(Outcome::Error, |mut o| o.remove(0))
                }));
            }
        }
    }
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

/// Heredocs and quoted templates (strip markers, `<<-` indentation, blank lines, tabs)
/// and conditionals whose results unify to another type, against the console:
/// `terraform_templates_differential.tf` holds them as
/// `local.cases`, which the console prints as JSON and vpclint evaluates through a
/// resource that takes it as input.
/// Every function `terraform metadata functions` lists is one vpclint knows (a call to it
/// is never rejected), and a name it does not list is rejected.
#[test]
fn function_names_match_terraform_metadata() {
    let Ok(output) = Command::new("terraform")
        .args(["metadata", "functions", "-json"])
        .output()
    else {
        eprintln!("terraform is not on PATH: skipping the function name comparison");
        return;
    };
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("terraform metadata functions -json");
    let names: Vec<&str> = metadata["function_signatures"]
        .as_object()
        .expect("function_signatures")
        .keys()
        .filter(|name| !name.contains("::"))
        .map(String::as_str)
        .collect();
    assert!(names.len() >= 100, "only {} functions", names.len());
    for name in &names {
        assert!(functions::is_terraform_function(name), "{name}");
        assert_eq!(functions::rejected_call(name), None, "{name}");
    }
    for name in ["list", "map", "lenght", "cidrsubnett"] {
        assert!(!names.contains(&name), "{name}");
        assert!(functions::rejected_call(name).is_some(), "{name}");
    }
}

#[test]
fn templates_match_terraform_console() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("main.tf"),
        include_str!("terraform_templates_differential.tf"),
    )
    .expect("write cases");
    let theirs = if Command::new("terraform").arg("version").output().is_ok() {
        let json = console_json(dir.path(), "jsonencode(local.cases)");
        Some(serde_json::from_str::<serde_json::Value>(&json).expect("console JSON"))
    } else {
        eprintln!("terraform is not on PATH: skipping the template comparison");
        None
    };
    std::fs::write(
        dir.path().join("cases.tf"),
        "resource \"terraform_data\" \"cases\" {\n  input = local.cases\n}\n",
    )
    .expect("write resource");
    let sources = vpclint::source::SourceMap::new();
    let unit =
        vpclint::frontend::terraform::load_root_module(dir.path(), &Default::default(), &sources);
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    let resource = unit.resources.first().expect("the cases resource");
    let Some(vpclint::frontend::V::Map(ours)) = resource.attrs.get("input").map(|v| &v.v) else {
        panic!("input is not a map: {:?}", resource.attrs);
    };
    assert!(ours.len() >= 20, "only {} template cases", ours.len());
    let Some(theirs) = theirs else { return };
    let mut mismatches = Vec::new();
    for (name, val) in ours {
        let expected = theirs[name.as_str()].as_str();
        let actual = match &val.v {
            vpclint::frontend::V::String(s) => Some(s.as_str()),
            _ => None,
        };
        if actual != expected {
            mismatches.push(format!(
                "{name}\n    vpclint:   {actual:?}\n    terraform: {expected:?}"
            ));
        }
    }
    println!(
        "compared {} templates with terraform console: {} mismatches",
        ours.len(),
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "mismatches:\n{}",
        mismatches.join("\n")
    );
}

/// The string the console prints for one expression evaluated in `dir`.
fn console_json(dir: &std::path::Path, expr: &str) -> String {
    let config = dir.join("terraform.rc");
    std::fs::write(&config, "").expect("write terraform.rc");
    let mut child = Command::new("terraform")
        .arg("console")
        .arg("-no-color")
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", &config)
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("terraform console");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{expr}\n").as_bytes())
        .expect("write expression");
    let output = child.wait_with_output().expect("console output");
    std::fs::remove_file(&config).expect("remove terraform.rc");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "console failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    go_unquote(stdout.trim()).unwrap_or_else(|| panic!("cannot read {stdout}"))
}

/// The files the file-function cases read.
fn write_files(dir: &std::path::Path) {
    let files: &[(&str, &[u8])] = &[
        ("a.txt", b"hello\n"),
        ("empty.txt", b""),
        ("dir/b.txt", b"b"),
        ("dir/sub/c.txt", b"c\nc"),
        ("dir/.hidden", b"h"),
        (
            "net.yaml",
            b"vpc: 10.0.0.0/16\nsubnets: [10.0.1.0/24, 10.0.2.0/24]\npublic: yes\n",
        ),
        (
            "peers.csv",
            b"name,cidr\na,10.1.0.0/16\n\"b, c\",10.2.0.0/16\n",
        ),
        ("unicode.txt", "h\u{e9}llo \u{1F642} e\u{301}\n".as_bytes()),
        ("crlf.txt", b"a\r\nb\r\n"),
        ("bin.dat", &[0xff, 0xfe, 0x00, 0x01]),
    ];
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
}

fn evaluate_ours(case: &str, sandbox: &functions::Sandbox) -> Outcome {
    let mut parser = Parser {
        text: case,
        pos: 0,
        sandbox,
    };
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

/// The console reads its input line by line with Go's default 64 KiB line limit: cases
/// are sent in batches whose line stays well under it.
fn batches<'a>(cases: &'a [&'a str]) -> Vec<&'a [&'a str]> {
    const MAX_LINE: usize = 48 * 1024;
    let mut out = Vec::new();
    let (mut start, mut length) = (0, 0);
    for (i, case) in cases.iter().enumerate() {
        let size = case.len() + 32;
        if length + size > MAX_LINE && i > start {
            out.push(&cases[start..i]);
            (start, length) = (i, 0);
        }
        length += size;
    }
    out.push(&cases[start..]);
    out
}

/// Runs `terraform console` once over a batch of cases.
fn console_batch(cases: &[&str], workdir: &std::path::Path) -> Result<Vec<Outcome>, String> {
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
        .current_dir(workdir)
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
    sandbox: &'a functions::Sandbox,
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
                (Ok(Value::Number(a)), Ok(Value::Number(b))) => {
                    let (a, b) = (*a, *b);
                    Ok(Value::number(match op {
                        '+' => a + b,
                        '-' => a - b,
                        '*' => a * b,
                        '/' => a / b,
                        _ => a.checked_rem(b).unwrap_or(a),
                    }))
                }
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
            let mut map = Map::new();
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
            return Ok(Value::number(if negative { -n } else { n }));
        }
        let name = self.identifier();
        match name {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            "null" => Ok(Value::Null),
            _ => {
                let mut name = name.to_string();
                // `core::name` is the built-in function `name`.
                if name == "core" && self.eat("::") {
                    name = self.identifier().to_string();
                }
                assert!(self.eat("("), "expected ( after {name} in {}", self.text);
                // `try` and `can` see each argument's own success or failure.
                if name == "try" || name == "can" {
                    let mut attempts = Vec::new();
                    while !self.eat(")") {
                        attempts.push(self.expression());
                        self.eat(",");
                    }
                    if name == "try" {
                        return functions::try_result(attempts);
                    }
                    let [attempt]: [Result<Value, String>; 1] = attempts
                        .try_into()
                        .unwrap_or_else(|_| panic!("can() takes one argument: {}", self.text));
                    return Ok(functions::can_result(attempt));
                }
                let args = self.sequence(")")?;
                functions::call_with_files(&name, args, Some(self.sandbox))
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
