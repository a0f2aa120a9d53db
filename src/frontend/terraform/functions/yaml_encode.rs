//! `yamlencode`, byte for byte as Terraform's go-cty-yaml writes it: libyaml's emitter
//! (its Go port) in block style with an indentation of 2 and lines folded past column 80,
//! strings double-quoted unless they hold a line break (then literal `|` style when that
//! style can carry them), numbers, booleans and null plain, empty collections as `[]`/`{}`,
//! keys in sorted order, sequences under a mapping key not indented, and `...` after a
//! plain scalar at the root (a document that ends open).

use super::super::convert::to_string;
use super::super::value::{Map, Value};
use super::{arg_error, arity};

pub const NAMES: &[&str] = &["yamlencode"];

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: usize = 80;

pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(arity(name, args, 1, 1).and_then(|()| {
        let mut emitter = Emitter::default();
        emitter.node(&args[0], Context::root())?;
        emitter.write_indent();
        if emitter.open_ended {
            emitter.write_indicator("...", true, false, false);
            emitter.write_indent();
        }
        Ok(Value::String(emitter.out))
    }))
}

/// Where a node is written (libyaml's `*_context` flags).
#[derive(Clone, Copy, Default)]
struct Context {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

impl Context {
    fn root() -> Self {
        Context {
            root: true,
            ..Context::default()
        }
    }

    fn in_sequence() -> Self {
        Context::default()
    }

    fn in_mapping(simple_key: bool) -> Self {
        Context {
            mapping: true,
            simple_key,
            ..Context::default()
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    DoubleQuoted,
    Literal,
}

/// What libyaml's scalar analysis decides for the styles vpclint can be asked for.
struct Analysis {
    multiline: bool,
    block_allowed: bool,
}

struct Emitter {
    out: String,
    column: usize,
    indent: i64,
    indents: Vec<i64>,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
}

impl Default for Emitter {
    fn default() -> Self {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            open_ended: false,
        }
    }
}

impl Emitter {
    fn node(&mut self, value: &Value, context: Context) -> Result<(), String> {
        match value {
            Value::Null => self.scalar("null", Style::Plain, context),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, context),
            Value::Number(_) => {
                let text = to_string(value).map_err(|e| arg_error("value", e))?;
                self.scalar(&text, Style::Plain, context)
            }
            Value::String(s) => {
                let style = if s.contains('\n') {
                    Style::Literal
                } else {
                    Style::DoubleQuoted
                };
                self.scalar(s, style, context)
            }
            Value::List(items) | Value::Set(items) => self.sequence(items, context),
            Value::Map(entries) => self.mapping(entries),
            Value::Unknown(_) | Value::Ref(_) => {
                Err("cannot serialize unknown value as YAML".to_string())
            }
        }
    }

    fn sequence(&mut self, items: &[Value], context: Context) -> Result<(), String> {
        if items.is_empty() {
            self.empty_flow("[", "]");
            return Ok(());
        }
        self.increase_indent(false, context.mapping && !self.indention);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, Context::in_sequence())?;
        }
        self.pop_indent();
        Ok(())
    }

    fn mapping(&mut self, entries: &Map) -> Result<(), String> {
        if entries.is_empty() {
            self.empty_flow("{", "}");
            return Ok(());
        }
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            let simple = !analyze(key).multiline && key.len() <= 128;
            if simple {
                self.scalar(key, Style::DoubleQuoted, Context::in_mapping(true))?;
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                let style = if key.contains('\n') {
                    Style::Literal
                } else {
                    Style::DoubleQuoted
                };
                self.scalar(key, style, Context::in_mapping(false))?;
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(value, Context::in_mapping(false))?;
        }
        self.pop_indent();
        Ok(())
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn scalar(&mut self, value: &str, requested: Style, context: Context) -> Result<(), String> {
        let analysis = analyze(value);
        let mut style = requested;
        if context.simple_key && analysis.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!analysis.block_allowed || context.simple_key) {
            style = Style::DoubleQuoted;
        }
        self.increase_indent(true, false);
        match style {
            Style::Plain => self.write_plain(value, context),
            Style::DoubleQuoted => self.write_double_quoted(value, !context.simple_key),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
        Ok(())
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = usize::try_from(self.indent.max(0)).unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    /// Numbers, booleans and null: no spaces or breaks to fold.
    fn write_plain(&mut self, value: &str, context: Context) {
        if !self.whitespace {
            self.put(' ');
        }
        for c in value.chars() {
            self.put(c);
        }
        self.whitespace = false;
        self.indention = false;
        if context.root {
            self.open_ended = true;
        }
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match escape(c) {
                    Some(e) => self.put(e),
                    None => {
                        let code = u32::from(c);
                        let (letter, digits) = match code {
                            0..=0xFF => ('x', 2),
                            0x100..=0xFFFF => ('u', 4),
                            _ => ('U', 8),
                        };
                        self.put(letter);
                        for c in format!("{code:0digits$X}").chars() {
                            self.put(c);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                let next_is_space = chars.peek().is_some_and(|(_, n)| *n == ' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < value.len() - 1
                {
                    self.write_indent();
                    if next_is_space {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        if value.starts_with(|c: char| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        self.open_ended = false;
        let mut tail = value.chars().rev();
        let chomp = match (tail.next(), tail.next()) {
            (Some(last), _) if !is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(before)) if is_break(before) => Some("+"),
            _ => None,
        };
        // libyaml marks a `+` literal open-ended, and then writing the indicator clears it.
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                if c == '\n' {
                    self.put_break();
                } else {
                    self.out.push(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

fn analyze(value: &str) -> Analysis {
    let mut multiline = false;
    let mut special = false;
    let mut space_break = false;
    let mut previous_space = false;
    for c in value.chars() {
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            previous_space = true;
        } else if is_break(c) {
            multiline = true;
            space_break |= previous_space;
            previous_space = false;
        } else {
            previous_space = false;
        }
    }
    let trailing_space = value.ends_with(' ');
    Analysis {
        multiline,
        block_allowed: !value.is_empty() && !trailing_space && !space_break && !special,
    }
}

/// libyaml's printable set (a character outside the Basic Multilingual Plane is not).
fn is_printable(c: char) -> bool {
    matches!(u32::from(c), 0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD) && c != '\u{FEFF}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn escape(c: char) -> Option<char> {
    Some(match c {
        '\0' => '0',
        '\u{7}' => 'a',
        '\u{8}' => 'b',
        '\t' => 't',
        '\n' => 'n',
        '\u{b}' => 'v',
        '\u{c}' => 'f',
        '\r' => 'r',
        '\u{1b}' => 'e',
        '"' => '"',
        '\\' => '\\',
        '\u{85}' => 'N',
        '\u{a0}' => '_',
        '\u{2028}' => 'L',
        '\u{2029}' => 'P',
        _ => return None,
    })
}
