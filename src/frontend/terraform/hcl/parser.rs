//! A recursive-descent parser over the bytes of the text. Line breaks end an argument or an
//! object item, and are ignored inside parentheses, brackets, function arguments, `for`
//! expressions and template interpolations, as in HCL's scanner.

use super::template::{self, Marker, Part, Scanning};
use super::*;

/// Nested expressions, blocks and templates: deeper input is refused, not recursed into.
const MAX_NESTING_DEPTH: usize = 64;
/// Binary operators on one path down an expression tree.
const MAX_OPERATOR_DEPTH: u16 = 128;

/// Parses a file's body.
pub fn parse_body(text: &str) -> Result<Body, Error> {
    let mut p = Parser::new(text);
    p.body(false)
}

/// Parses an expression given on its own (a `-var` value, a JSON string's expression).
pub fn parse_expr(text: &str) -> Result<Expression, Error> {
    let mut p = Parser::new(text);
    p.skip_ws()?;
    let expr = p.expr(false)?;
    p.skip_ws()?;
    match p.peek() {
        None => Ok(expr),
        Some(_) => Err(p.unexpected("the end of the expression")),
    }
}

/// Parses a template read on its own (a template file, `templatestring`, a JSON string).
pub fn parse_template(text: &str) -> Result<Template, Error> {
    let mut p = Parser::new(text);
    let parts = p.template_parts(Ending::Eof)?;
    template::assemble(parts, Scanning::LINES)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    /// The brackets, strings and heredocs open at the current position: where each starts,
    /// and what closes it. The end of the file is reported at the innermost one.
    open: Vec<(usize, &'static str)>,
    /// The traversal operators, list items or arguments, and object items read so far of
    /// each open construct, innermost last: each construct takes its own off the top into
    /// an allocation of the exact size (a `Vec` grown by pushes is 4 items at least, most
    /// traversals have one or two operators).
    operators: Vec<TraversalOperator>,
    expressions: Vec<Expression>,
    object_items: Vec<ObjectItem>,
}

/// A `for`'s key variable, value variable and collection.
type ForIntro = (Option<Box<str>>, Box<str>, Expression);

/// Where a template's text ends.
#[derive(Clone, Copy)]
enum Ending<'m> {
    Quote,
    Heredoc(&'m str),
    Eof,
}

fn is_id_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_id_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// The ASCII bytes [`is_id_continue`] accepts, by value: one load a byte in a name.
static IDENT_ASCII: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize || b == b'-' as usize;
        b += 1;
    }
    table
};

/// The bytes that end a run of a quoted string's or a heredoc's plain text.
static TEMPLATE_SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table[b'$' as usize] = true;
    table[b'%' as usize] = true;
    table[b'\n' as usize] = true;
    table[b'\r' as usize] = true;
    table
};

fn precedence(op: BinaryOperator) -> u8 {
    use BinaryOperator as B;
    match op {
        B::Or => 1,
        B::And => 2,
        B::Eq | B::NotEq => 3,
        B::Less | B::LessEq | B::Greater | B::GreaterEq => 4,
        B::Plus | B::Minus => 5,
        B::Mul | B::Div | B::Mod => 6,
    }
}

/// Binary operators on the longest path down from `expr` through operators, parentheses and
/// unary operators.
fn operator_depth(expr: &Expression) -> u16 {
    match &expr.kind {
        ExprKind::Binary(op) => op.depth,
        ExprKind::Parenthesis(inner) | ExprKind::Unary(_, inner) => operator_depth(inner),
        _ => 0,
    }
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        // A byte order mark is not part of the text (HCL skips it too).
        let pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Parser {
            text,
            bytes: text.as_bytes(),
            pos,
            depth: 0,
            open: Vec::new(),
            operators: Vec::new(),
            expressions: Vec::new(),
            object_items: Vec::new(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        self.bytes[self.pos..].starts_with(s.as_bytes())
    }

    fn peek_char(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            offset,
        }
    }

    /// What is at the current position, for a message.
    fn found(&self) -> String {
        match self.peek_char() {
            None => "the end of the file".into(),
            Some('\n') => "a line break".into(),
            Some('\r') if self.peek_at(1) == Some(b'\n') => "a line break".into(),
            Some('\r') => "a carriage return without a line feed".into(),
            // Written out: the raw character would garble the terminal or the report.
            Some(c) if c.is_control() => format!("the control character U+{:04X}", c as u32),
            Some(c) => format!("`{c}`"),
        }
    }

    fn unexpected(&self, expected: &str) -> Error {
        if let (None, Some(&(at, close))) = (self.peek(), self.open.last()) {
            return self.error(
                at,
                format!("unclosed: the file ends before the {close} that closes this"),
            );
        }
        self.error(
            self.pos,
            format!("expected {expected}, found {}", self.found()),
        )
    }

    fn expect(&mut self, byte: u8, expected: &str) -> Result<(), Error> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(expected))
        }
    }

    /// One level deeper into nested expressions, blocks or templates.
    fn enter(&mut self) -> Result<(), Error> {
        if self.depth >= MAX_NESTING_DEPTH {
            return Err(self.error(
                self.pos,
                format!("nesting too deep: at most {MAX_NESTING_DEPTH} nested levels"),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Something opened at `at` that `close` ends.
    fn opened(&mut self, at: usize, close: &'static str) {
        self.open.push((at, close));
    }

    fn closed(&mut self) {
        self.open.pop();
    }

    // --- Whitespace and comments ---

    /// Spaces, tabs and `/* */` comments: what may sit inside a line.
    #[inline]
    fn skip_space(&mut self) -> Result<(), Error> {
        // Most calls find nothing to skip: that answer costs no call.
        match self.peek() {
            Some(b' ' | b'\t' | b'/') => self.skip_space_from_here(),
            _ => Ok(()),
        }
    }

    fn skip_space_from_here(&mut self) -> Result<(), Error> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'/') if self.peek_at(1) == Some(b'*') => self.block_comment()?,
                _ => return Ok(()),
            }
        }
    }

    /// Whitespace, line breaks and comments of every kind. A carriage return is part of a
    /// line break only before a line feed: alone, HCL refuses it as an invalid character.
    #[inline]
    fn skip_ws(&mut self) -> Result<(), Error> {
        match self.peek() {
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'#' | b'/') => self.skip_ws_from_here(),
            _ => Ok(()),
        }
    }

    fn skip_ws_from_here(&mut self) -> Result<(), Error> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.pos += 1,
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => self.pos += 2,
                Some(b'#') => self.line_comment(),
                Some(b'/') if self.peek_at(1) == Some(b'/') => self.line_comment(),
                Some(b'/') if self.peek_at(1) == Some(b'*') => self.block_comment()?,
                _ => return Ok(()),
            }
        }
    }

    #[inline]
    fn skip(&mut self, newlines: bool) -> Result<(), Error> {
        if newlines {
            self.skip_ws()
        } else {
            self.skip_space()
        }
    }

    fn block_comment(&mut self) -> Result<(), Error> {
        let start = self.pos;
        match self.text[start + 2..].find("*/") {
            Some(at) => {
                self.pos = start + 2 + at + 2;
                Ok(())
            }
            None => Err(self.error(start, "unterminated comment: `/*` has no `*/`")),
        }
    }

    /// A `#` or `//` comment, up to (not including) the line break.
    fn line_comment(&mut self) {
        let rest = &self.bytes[self.pos..];
        let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let len = if len > 0 && rest.get(len) == Some(&b'\n') && rest[len - 1] == b'\r' {
            len - 1
        } else {
            len
        };
        self.pos += len;
    }

    /// Skips a comment that ends the line, if any.
    fn skip_line_comment(&mut self) {
        if self.peek() == Some(b'#') || self.starts_with("//") {
            self.line_comment();
        }
    }

    fn eat_newline(&mut self) -> bool {
        if self.peek() == Some(b'\n') {
            self.pos += 1;
            true
        } else if self.starts_with("\r\n") {
            self.pos += 2;
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<Ident> {
        let start = self.pos;
        match self.peek()? {
            b if b.is_ascii_alphabetic() || b == b'_' => self.pos += 1,
            b if b < 0x80 => return None,
            _ => {
                let first = self.peek_char().filter(|&c| is_id_start(c))?;
                self.pos += first.len_utf8();
            }
        }
        loop {
            let rest = &self.bytes[self.pos..];
            self.pos += rest
                .iter()
                .position(|&b| !IDENT_ASCII[usize::from(b)])
                .unwrap_or(rest.len());
            match self.peek() {
                Some(b) if b >= 0x80 => match self.peek_char().filter(|&c| is_id_continue(c)) {
                    Some(c) => self.pos += c.len_utf8(),
                    None => break,
                },
                _ => break,
            }
        }
        Some(Ident {
            name: self.text[start..self.pos].into(),
            range: TextRange::new(start, self.pos),
        })
    }

    fn expect_ident(&mut self, what: &str) -> Result<Ident, Error> {
        self.ident().ok_or_else(|| self.unexpected(what))
    }

    /// Whether the keyword `word` is next, as a whole word.
    fn at_keyword(&self, word: &str) -> bool {
        self.starts_with(word)
            && !self.text[self.pos + word.len()..]
                .chars()
                .next()
                .is_some_and(is_id_continue)
    }

    // --- Bodies ---

    /// A body's arguments and blocks; `in_block`: it ends at a `}` (not consumed).
    fn body(&mut self, in_block: bool) -> Result<Body, Error> {
        let mut body = Body::default();
        let mut names = AttributeNames::default();
        loop {
            self.skip_ws()?;
            match self.peek() {
                None if in_block => return Err(self.unexpected("`}`")),
                None => return Ok(body),
                Some(b'}') if in_block => return Ok(body),
                _ => {}
            }
            let structure = self.structure(&mut names)?;
            body.structures.push(structure);
            self.skip_space()?;
            self.skip_line_comment();
            if !self.eat_newline() && self.peek().is_some() {
                return Err(self.unexpected("a line break after the argument or block"));
            }
        }
    }

    fn structure(&mut self, names: &mut AttributeNames<'a>) -> Result<Structure, Error> {
        let start = self.pos;
        let ident = self.expect_ident("an argument name or a block type")?;
        self.skip_space()?;
        match self.peek() {
            Some(b'=') => {
                let text: &'a str = self.text;
                let name = &text[ident.range.start as usize..ident.range.end as usize];
                if let Some(first) = names.insert(name, ident.range.start) {
                    let line = 1 + self.text[..first as usize].matches('\n').count();
                    return Err(self.error(
                        start,
                        format!(
                            "the argument `{}` is already set on line {line}; Terraform \
                             refuses a repeated argument",
                            ident.name
                        ),
                    ));
                }
                self.pos += 1;
                self.skip_space()?;
                let value = self.expr(false)?;
                Ok(Structure::Attribute(Attribute { key: ident, value }))
            }
            _ => {
                let mut labels = Vec::new();
                loop {
                    match self.peek() {
                        Some(b'{') => break,
                        Some(b'"') => labels.push(self.quoted_label()?),
                        _ => match self.ident() {
                            Some(label) => labels.push(label),
                            None if labels.is_empty() => {
                                return Err(
                                    self.unexpected(&format!("`=` or `{{` after `{}`", ident.name))
                                )
                            }
                            None => return Err(self.unexpected("a block label or `{`")),
                        },
                    }
                    self.skip_space()?;
                }
                let body = self.block_body()?;
                Ok(Structure::Block(Block {
                    ident,
                    labels,
                    body,
                    range: TextRange::new(start, self.pos),
                }))
            }
        }
    }

    fn quoted_label(&mut self) -> Result<Ident, Error> {
        let start = self.pos;
        self.pos += 1;
        if let Some(plain) = self.plain_quoted() {
            return Ok(Ident {
                name: plain.into(),
                range: TextRange::new(start, self.pos),
            });
        }
        self.opened(start, "`\"` of the label");
        let parts = self.template_parts(Ending::Quote)?;
        self.closed();
        let name = match template::plain_text(parts) {
            Some(text) => text,
            None => {
                return Err(self.error(
                    start,
                    "a block label is a plain string: it cannot hold `${` or `%{`",
                ))
            }
        };
        Ok(Ident {
            name: name.into(),
            range: TextRange::new(start, self.pos),
        })
    }

    /// `{`, then a body on the following lines, or on one line at most one argument, then `}`.
    fn block_body(&mut self) -> Result<Body, Error> {
        self.enter()?;
        let open = self.pos;
        self.expect(b'{', "`{`")?;
        self.opened(open, "`}` of the block");
        self.skip_space()?;
        self.skip_line_comment();
        let body = if self.eat_newline() {
            self.body(true)?
        } else {
            let mut body = Body::default();
            if self.peek() != Some(b'}') {
                let key = self.expect_ident("an argument name or `}`")?;
                self.skip_space()?;
                self.expect(b'=', "`=`")?;
                self.skip_space()?;
                let value = self.expr(false)?;
                self.skip_space()?;
                body.structures
                    .push(Structure::Attribute(Attribute { key, value }));
            }
            body
        };
        self.expect(
            b'}',
            "`}` to close the block (a one-line block holds at most one argument)",
        )?;
        self.closed();
        self.leave();
        Ok(body)
    }

    // --- Expressions ---

    /// An expression nested in another: counts towards the nesting depth.
    fn nested_expr(&mut self, newlines: bool) -> Result<Expression, Error> {
        self.enter()?;
        let expr = self.expr(newlines)?;
        self.leave();
        Ok(expr)
    }

    /// An expression; `newlines`: line breaks between its parts are ignored.
    fn expr(&mut self, newlines: bool) -> Result<Expression, Error> {
        let cond = self.binary(newlines, 0)?;
        let save = self.pos;
        self.skip(newlines)?;
        if self.peek() != Some(b'?') {
            self.pos = save;
            return Ok(cond);
        }
        self.pos += 1;
        self.skip(newlines)?;
        let true_expr = self.nested_expr(newlines)?;
        self.skip(newlines)?;
        self.expect(b':', "`:` and the result when the condition is false")?;
        self.skip(newlines)?;
        let false_expr = self.nested_expr(newlines)?;
        let range = TextRange {
            start: cond.range.start,
            end: false_expr.range.end,
        };
        Ok(Expression {
            kind: ExprKind::Conditional(Box::new(Conditional {
                cond,
                true_expr,
                false_expr,
            })),
            range,
        })
    }

    fn binary_operator(&self) -> Option<(BinaryOperator, usize)> {
        use BinaryOperator as B;
        let next = self.peek_at(1);
        Some(match (self.peek()?, next) {
            (b'=', Some(b'=')) => (B::Eq, 2),
            (b'!', Some(b'=')) => (B::NotEq, 2),
            (b'<', Some(b'=')) => (B::LessEq, 2),
            (b'>', Some(b'=')) => (B::GreaterEq, 2),
            (b'&', Some(b'&')) => (B::And, 2),
            (b'|', Some(b'|')) => (B::Or, 2),
            (b'<', _) => (B::Less, 1),
            (b'>', _) => (B::Greater, 1),
            (b'+', _) => (B::Plus, 1),
            (b'-', _) => (B::Minus, 1),
            (b'*', _) => (B::Mul, 1),
            (b'/', Some(b'/' | b'*')) => return None,
            (b'/', _) => (B::Div, 1),
            (b'%', _) => (B::Mod, 1),
            _ => return None,
        })
    }

    /// Binary operators of at least `min_precedence`, left-associative.
    fn binary(&mut self, newlines: bool, min_precedence: u8) -> Result<Expression, Error> {
        let mut lhs = self.unary(newlines)?;
        loop {
            let save = self.pos;
            self.skip(newlines)?;
            let Some((operator, len)) = self.binary_operator() else {
                self.pos = save;
                return Ok(lhs);
            };
            let precedence = precedence(operator);
            if precedence < min_precedence {
                self.pos = save;
                return Ok(lhs);
            }
            let at = self.pos;
            self.pos += len;
            self.skip(newlines)?;
            let rhs = self.binary(newlines, precedence + 1)?;
            let depth = 1 + operator_depth(&lhs).max(operator_depth(&rhs));
            if depth > MAX_OPERATOR_DEPTH {
                return Err(self.error(
                    at,
                    format!("too many chained operators: at most {MAX_OPERATOR_DEPTH}"),
                ));
            }
            let range = TextRange {
                start: lhs.range.start,
                end: rhs.range.end,
            };
            lhs = Expression {
                kind: ExprKind::Binary(Box::new(BinaryOp {
                    lhs,
                    operator,
                    rhs,
                    depth,
                })),
                range,
            };
        }
    }

    fn unary(&mut self, newlines: bool) -> Result<Expression, Error> {
        let start = self.pos;
        let operator = match self.peek() {
            Some(b'-') => UnaryOperator::Neg,
            Some(b'!') => UnaryOperator::Not,
            _ => return self.postfix(newlines),
        };
        self.pos += 1;
        self.skip_space()?;
        if operator == UnaryOperator::Neg && self.peek().is_some_and(|b| b.is_ascii_digit()) {
            // A negative number literal, one term (as hcl-edit read it).
            let digits_start = self.pos;
            self.number_end()?;
            let mut text = String::with_capacity(1 + self.pos - digits_start);
            text.push('-');
            text.push_str(&self.text[digits_start..self.pos]);
            let number = Expression {
                kind: ExprKind::Number(text.into()),
                range: TextRange::new(start, self.pos),
            };
            return self.traversal(number, newlines);
        }
        self.enter()?;
        let operand = self.unary(newlines)?;
        self.leave();
        let range = TextRange {
            start: start as u32,
            end: operand.range.end,
        };
        Ok(Expression {
            kind: ExprKind::Unary(operator, Box::new(operand)),
            range,
        })
    }

    /// A term and the attribute accesses, indexes and splats that follow it.
    fn postfix(&mut self, newlines: bool) -> Result<Expression, Error> {
        let term = self.term(newlines)?;
        self.traversal(term, newlines)
    }

    fn traversal(&mut self, term: Expression, newlines: bool) -> Result<Expression, Error> {
        let first = self.operators.len();
        let mut end = term.range.end;
        loop {
            let save = self.pos;
            self.skip(newlines)?;
            let operator = match self.peek() {
                Some(b'.') if self.peek_at(1) != Some(b'.') => {
                    self.pos += 1;
                    // On the same line, as in HCL, unless line breaks are ignored here.
                    self.skip(newlines)?;
                    match self.peek() {
                        Some(b'*') => {
                            self.pos += 1;
                            TraversalOperator::AttrSplat
                        }
                        Some(b) if b.is_ascii_digit() => {
                            let start = self.pos;
                            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                                self.pos += 1;
                            }
                            if self.peek() == Some(b'.')
                                && self.peek_at(1).is_some_and(|b| b.is_ascii_digit())
                            {
                                // HCL reads `0.1` as one number, not two indexes.
                                return Err(self.error(
                                    start,
                                    "invalid legacy index: `.0.1` chains two indexes, which \
                                     HCL does not permit; write `[0][1]`",
                                ));
                            }
                            if matches!(self.peek(), Some(b'e' | b'E')) {
                                // `.1e3`: HCL reads a number, the index 1000.
                                self.number_end()?;
                                TraversalOperator::Index(Expression {
                                    kind: ExprKind::Number(self.text[start..self.pos].into()),
                                    range: TextRange::new(start, self.pos),
                                })
                            } else {
                                let index = self.text[start..self.pos]
                                    .parse()
                                    .map_err(|_| self.error(start, "index too large"))?;
                                TraversalOperator::LegacyIndex(index)
                            }
                        }
                        _ => match self.ident() {
                            Some(name) => TraversalOperator::GetAttr(name.name),
                            None => {
                                return Err(
                                    self.unexpected("an attribute name, `*` or an index after `.`")
                                )
                            }
                        },
                    }
                }
                Some(b'[') => {
                    self.opened(self.pos, "`]` of the index");
                    self.pos += 1;
                    self.skip_ws()?;
                    let operator = if self.peek() == Some(b'*') {
                        self.pos += 1;
                        TraversalOperator::FullSplat
                    } else {
                        TraversalOperator::Index(self.nested_expr(true)?)
                    };
                    self.skip_ws()?;
                    self.expect(b']', "`]` to close the index")?;
                    self.closed();
                    operator
                }
                _ => {
                    self.pos = save;
                    break;
                }
            };
            self.operators.push(operator);
            end = self.pos as u32;
        }
        if self.operators.len() == first {
            return Ok(term);
        }
        let start = term.range.start;
        Ok(Expression {
            kind: ExprKind::Traversal(Box::new(Traversal {
                expr: term,
                operators: self.operators.drain(first..).collect(),
            })),
            range: TextRange { start, end },
        })
    }

    fn term(&mut self, newlines: bool) -> Result<Expression, Error> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                if let Some(plain) = self.plain_quoted() {
                    ExprKind::String(plain.into())
                } else {
                    self.opened(start, "`\"` of the string");
                    let parts = self.template_parts(Ending::Quote)?;
                    self.closed();
                    template::quoted(parts)?
                }
            }
            Some(b'[') => return self.array(),
            Some(b'{') => return self.object(),
            Some(b) if b.is_ascii_digit() => {
                self.number_end()?;
                ExprKind::Number(self.text[start..self.pos].into())
            }
            Some(b'<') if self.starts_with("<<") => ExprKind::Heredoc(self.heredoc()?),
            Some(b'(') => {
                self.opened(self.pos, "`)`");
                self.pos += 1;
                self.skip_ws()?;
                let inner = self.nested_expr(true)?;
                self.skip_ws()?;
                self.expect(b')', "`)` to close the parenthesis")?;
                self.closed();
                ExprKind::Parenthesis(Box::new(inner))
            }
            _ => match self.ident() {
                Some(ident) => return self.identlike(ident, newlines),
                None => return Err(self.unexpected("an expression")),
            },
        };
        Ok(Expression {
            kind,
            range: TextRange::new(start, self.pos),
        })
    }

    /// Moves past a number's digits, fraction and exponent.
    fn number_end(&mut self) -> Result<(), Error> {
        let digits = |p: &mut Self| {
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.pos += 1;
            }
        };
        digits(self);
        if self.peek() == Some(b'.') && self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
            digits(self);
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.peek_at(1), Some(b'+' | b'-')));
            if !self.peek_at(1 + sign).is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error(self.pos, "expected the digits of the number's exponent"));
            }
            self.pos += 1 + sign;
            digits(self);
        }
        Ok(())
    }

    /// A name: a function call, `null`, `true`, `false` or a variable.
    fn identlike(&mut self, ident: Ident, newlines: bool) -> Result<Expression, Error> {
        let start = ident.range.start as usize;
        let save = self.pos;
        self.skip(newlines)?;
        if !(self.starts_with("::") || self.peek() == Some(b'(')) {
            self.pos = save;
            let kind = match &*ident.name {
                "null" => ExprKind::Null,
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                _ => ExprKind::Variable(ident.name),
            };
            return Ok(Expression {
                kind,
                range: ident.range,
            });
        }
        let mut namespace = Vec::new();
        let mut name = ident.name;
        while self.starts_with("::") {
            self.pos += 2;
            self.skip(newlines)?;
            let next = self.expect_ident("a function name after `::`")?;
            namespace.push(std::mem::replace(&mut name, next.name));
            self.skip(newlines)?;
        }
        let open = self.pos;
        self.expect(b'(', "`(` and the function's arguments")?;
        self.opened(open, "`)` of the function call");
        let first = self.expressions.len();
        let mut expand_final = false;
        self.skip_ws()?;
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else {
            loop {
                let arg = self.nested_expr(true)?;
                self.expressions.push(arg);
                self.skip_ws()?;
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws()?;
                        if self.peek() == Some(b')') {
                            self.pos += 1;
                            break;
                        }
                    }
                    Some(b'.') if self.starts_with("...") => {
                        self.pos += 3;
                        expand_final = true;
                        self.skip_ws()?;
                        self.expect(b')', "`)` after the expanded final argument")?;
                        break;
                    }
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.unexpected("`,` or `)` in the function's arguments")),
                }
            }
        }
        self.closed();
        Ok(Expression {
            kind: ExprKind::FuncCall(Box::new(FuncCall {
                namespace,
                name,
                args: self.expressions.drain(first..).collect(),
                expand_final,
            })),
            range: TextRange::new(start, self.pos),
        })
    }

    /// Whether a `for` expression starts here (after the opening bracket and whitespace).
    fn at_for(&self) -> bool {
        self.starts_with("for")
            && matches!(
                self.peek_at(3),
                Some(b' ' | b'\t' | b'\n' | b'\r' | b'#' | b'/')
            )
    }

    fn array(&mut self) -> Result<Expression, Error> {
        let start = self.pos;
        self.opened(start, "`]` of the list");
        self.pos += 1;
        self.skip_ws()?;
        if self.at_for() {
            return self.for_expr(start, false);
        }
        let first = self.expressions.len();
        loop {
            self.skip_ws()?;
            if self.peek() == Some(b']') {
                self.pos += 1;
                break;
            }
            let item = self.nested_expr(true)?;
            self.expressions.push(item);
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("`,` or `]` in the list")),
            }
        }
        self.closed();
        Ok(Expression {
            kind: ExprKind::Array(self.expressions.drain(first..).collect()),
            range: TextRange::new(start, self.pos),
        })
    }

    fn object(&mut self) -> Result<Expression, Error> {
        let start = self.pos;
        self.opened(start, "`}` of the object");
        self.pos += 1;
        let save = self.pos;
        self.skip_ws()?;
        if self.at_for() {
            return self.for_expr(start, true);
        }
        self.pos = save;
        let first = self.object_items.len();
        loop {
            self.skip_ws()?;
            if self.peek() == Some(b'}') {
                self.pos += 1;
                break;
            }
            let key = self.nested_expr(false)?;
            let key = match key.kind {
                ExprKind::Variable(name) => ObjectKey::Ident(Ident {
                    name,
                    range: key.range,
                }),
                _ => ObjectKey::Expression(key),
            };
            self.skip_space()?;
            match self.peek() {
                Some(b'=' | b':') => self.pos += 1,
                _ => return Err(self.unexpected("`=` or `:` after the object key")),
            }
            self.skip_space()?;
            let value = self.nested_expr(false)?;
            self.object_items.push(ObjectItem { key, value });
            self.skip_space()?;
            self.skip_line_comment();
            match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                Some(b',') => self.pos += 1,
                _ if self.eat_newline() => {}
                _ => return Err(self.unexpected("`,`, a line break or `}` after the object item")),
            }
        }
        self.closed();
        Ok(Expression {
            kind: ExprKind::Object(self.object_items.drain(first..).collect()),
            range: TextRange::new(start, self.pos),
        })
    }

    /// After `for` (of an expression or a directive): `KEY, VALUE in COLLECTION` or
    /// `VALUE in COLLECTION`.
    fn for_intro(&mut self) -> Result<ForIntro, Error> {
        self.skip_ws()?;
        let first = self.expect_ident("a variable name after `for`")?;
        self.skip_ws()?;
        let (key_var, value_var) = if self.peek() == Some(b',') {
            self.pos += 1;
            self.skip_ws()?;
            let second = self.expect_ident("a variable name after `,`")?;
            self.skip_ws()?;
            (Some(first.name), second.name)
        } else {
            (None, first.name)
        };
        if !self.at_keyword("in") {
            return Err(self.unexpected("`in` and the collection"));
        }
        self.pos += 2;
        self.skip_ws()?;
        let collection = self.nested_expr(true)?;
        Ok((key_var, value_var, collection))
    }

    /// `[for ...]` or `{for ...}` from `for`; `start`: the opening bracket.
    fn for_expr(&mut self, start: usize, object: bool) -> Result<Expression, Error> {
        self.pos += 3;
        let (key_var, value_var, collection) = self.for_intro()?;
        self.skip_ws()?;
        self.expect(b':', "`:` after the collection of the `for` expression")?;
        self.skip_ws()?;
        let first_expr = self.nested_expr(true)?;
        self.skip_ws()?;
        let (key_expr, value_expr, grouping) = if object {
            if !self.starts_with("=>") {
                return Err(self.unexpected("`=>` between the key and the value"));
            }
            self.pos += 2;
            self.skip_ws()?;
            let value = self.nested_expr(true)?;
            self.skip_ws()?;
            let grouping = self.starts_with("...");
            if grouping {
                self.pos += 3;
                self.skip_ws()?;
            }
            (Some(first_expr), value, grouping)
        } else {
            (None, first_expr, false)
        };
        let cond = if self.at_keyword("if") {
            self.pos += 2;
            self.skip_ws()?;
            let cond = self.nested_expr(true)?;
            self.skip_ws()?;
            Some(cond)
        } else {
            None
        };
        let (close, expected) = if object {
            (b'}', "`}` to close the `for` expression")
        } else {
            (b']', "`]` to close the `for` expression")
        };
        self.expect(close, expected)?;
        self.closed();
        Ok(Expression {
            kind: ExprKind::For(Box::new(ForExpr {
                key_var,
                value_var,
                collection,
                key_expr,
                value_expr,
                cond,
                grouping,
            })),
            range: TextRange::new(start, self.pos),
        })
    }

    // --- Templates ---

    /// `<<EOT` or `<<-EOT`, its lines, and the closing line.
    fn heredoc(&mut self) -> Result<Template, Error> {
        let start = self.pos;
        self.pos += 2;
        let flush = self.peek() == Some(b'-');
        if flush {
            self.pos += 1;
        }
        let marker = self
            .ident()
            .ok_or_else(|| self.unexpected("the heredoc's marker name after `<<`"))?;
        if !self.eat_newline() {
            return Err(self.unexpected("a line break after the heredoc's marker"));
        }
        let marker_text: &str = &self.text[marker.range.start as usize..marker.range.end as usize];
        self.opened(start, "line of only its marker");
        let parts = self.template_parts(Ending::Heredoc(marker_text))?;
        self.closed();
        let scanning = Scanning { lines: true, flush };
        template::assemble(parts, scanning)
    }

    /// The length of the run of bytes from `from` that hold no quote, backslash, `$`, `%`
    /// or line break.
    fn plain_run(&self, from: usize) -> usize {
        let rest = &self.bytes[from..];
        rest.iter()
            .position(|&b| TEMPLATE_SPECIAL[usize::from(b)])
            .unwrap_or(rest.len())
    }

    /// After the opening quote: the text of a quoted string without escapes,
    /// interpolations or directives (most strings), moving past its closing quote; `None`,
    /// not moving, for any other string: [`Self::template_parts`] reads those.
    fn plain_quoted(&mut self) -> Option<&'a str> {
        let end = self.pos + self.plain_run(self.pos);
        if self.bytes.get(end) != Some(&b'"') {
            return None;
        }
        let text: &'a str = self.text;
        let plain = &text[self.pos..end];
        self.pos = end + 1;
        Some(plain)
    }

    /// The parts of a template up to its end: literal text (escapes resolved), interpolations
    /// and directive markers, in source order.
    fn template_parts(&mut self, ending: Ending) -> Result<Vec<Part>, Error> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut line_start = true;
        loop {
            if let (Ending::Heredoc(marker), true) = (ending, line_start) {
                if let Some(end) = self.closing_marker_end(marker)? {
                    self.pos = end;
                    break;
                }
            }
            line_start = false;
            let Some(b) = self.peek() else {
                match ending {
                    Ending::Eof => break,
                    Ending::Quote | Ending::Heredoc(_) => return Err(self.unexpected("the end")),
                }
            };
            match b {
                b'"' if matches!(ending, Ending::Quote) => {
                    self.pos += 1;
                    break;
                }
                b'\n' | b'\r' if matches!(ending, Ending::Quote) => {
                    return Err(self.error(
                        self.pos,
                        "unterminated string: a quoted string cannot span lines (use a heredoc, \
                         or `\\n`)",
                    ))
                }
                b'\r' if matches!(ending, Ending::Heredoc(_)) && self.peek_at(1) != Some(b'\n') => {
                    return Err(self.error(
                        self.pos,
                        "a carriage return without a line feed: HCL refuses it in a heredoc",
                    ))
                }
                b'\\' if matches!(ending, Ending::Quote) => text.push(self.escape()?),
                b'$' | b'%' if self.peek_at(1) == Some(b) && self.peek_at(2) == Some(b'{') => {
                    text.push(b as char);
                    text.push('{');
                    self.pos += 3;
                }
                b'$' | b'%' if self.peek_at(1) == Some(b'{') => {
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    let part = if b == b'$' {
                        self.interpolation()?
                    } else {
                        self.directive()?
                    };
                    parts.push(part);
                }
                b'\n' => {
                    text.push('\n');
                    self.pos += 1;
                    line_start = true;
                }
                _ => {
                    // A run of bytes with no special meaning, copied at once.
                    let start = self.pos;
                    self.pos += 1 + self.plain_run(self.pos + 1);
                    // Never inside a character: each stop byte is ASCII.
                    text.push_str(&self.text[start..self.pos]);
                }
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(parts)
    }

    /// The end of the heredoc's closing line, when the line at the current position is one:
    /// the marker alone, spaces around it allowed, then a line break (at the end of the
    /// file, HCL reports the heredoc unterminated).
    fn closing_marker_end(&self, marker: &str) -> Result<Option<usize>, Error> {
        let rest = &self.text[self.pos..];
        let line_end = rest.find('\n');
        let line = &rest[..line_end.unwrap_or(rest.len())];
        let trimmed = line.trim_end_matches('\r').trim_matches([' ', '\t']);
        if trimmed != marker {
            return Ok(None);
        }
        if line_end.is_none() {
            return Err(self.error(
                self.pos,
                "unterminated heredoc: its closing marker needs a line break after it",
            ));
        }
        Ok(line.find(marker).map(|at| self.pos + at + marker.len()))
    }

    /// A backslash escape of a quoted string.
    fn escape(&mut self) -> Result<char, Error> {
        let start = self.pos;
        let c = self.text[self.pos + 1..].chars().next();
        self.pos += 1 + c.map_or(0, char::len_utf8);
        let hex = |p: &mut Self, n: usize| -> Result<char, Error> {
            let digits = p
                .text
                .get(p.pos..p.pos + n)
                .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
            let c = digits
                .and_then(|d| u32::from_str_radix(d, 16).ok())
                .and_then(char::from_u32);
            match c {
                Some(c) => {
                    p.pos += n;
                    Ok(c)
                }
                None => Err(p.error(
                    start,
                    format!(
                        "invalid escape: `\\{}` takes {n} hexadecimal digits of a character",
                        if n == 4 { 'u' } else { 'U' }
                    ),
                )),
            }
        };
        match c {
            Some('n') => Ok('\n'),
            Some('r') => Ok('\r'),
            Some('t') => Ok('\t'),
            Some('"') => Ok('"'),
            Some('\\') => Ok('\\'),
            Some('u') => hex(self, 4),
            Some('U') => hex(self, 8),
            _ => Err(self.error(
                start,
                "invalid escape: a quoted string knows `\\n`, `\\r`, `\\t`, `\\\"`, `\\\\`, \
                 `\\uNNNN` and `\\UNNNNNNNN`",
            )),
        }
    }

    /// `~` after `${` or `%{`, or before `}`.
    fn strip_marker(&mut self) -> bool {
        let strip = self.peek() == Some(b'~');
        if strip {
            self.pos += 1;
        }
        strip
    }

    /// The `~` and `}` that close an interpolation or directive.
    fn close_marker(&mut self, what: &str) -> Result<bool, Error> {
        self.skip_ws()?;
        let strip = self.strip_marker();
        self.expect(b'}', &format!("`}}` to close the {what}"))?;
        Ok(strip)
    }

    fn interpolation(&mut self) -> Result<Part, Error> {
        let start = self.pos;
        self.opened(start, "`}` of the interpolation");
        self.pos += 2;
        let strip_before = self.strip_marker();
        self.skip_ws()?;
        let expr = self.nested_expr(true)?;
        let strip_after = self.close_marker("interpolation")?;
        self.closed();
        Ok(Part::Interpolation(
            expr,
            Marker {
                offset: start,
                strip_before,
                strip_after,
            },
        ))
    }

    fn directive(&mut self) -> Result<Part, Error> {
        let start = self.pos;
        self.opened(start, "`}` of the directive");
        self.pos += 2;
        let strip_before = self.strip_marker();
        self.skip_ws()?;
        let keyword = self.ident().ok_or_else(|| {
            self.unexpected("`if`, `else`, `endif`, `for` or `endfor` after `%{`")
        })?;
        let marker = |strip_after| Marker {
            offset: start,
            strip_before,
            strip_after,
        };
        let part = match &*keyword.name {
            "if" => {
                self.skip_ws()?;
                let cond = self.nested_expr(true)?;
                Part::If(cond, marker(self.close_marker("directive")?))
            }
            "else" => Part::Else(marker(self.close_marker("directive")?)),
            "endif" => Part::EndIf(marker(self.close_marker("directive")?)),
            "endfor" => Part::EndFor(marker(self.close_marker("directive")?)),
            "for" => {
                let (key_var, value_var, collection) = self.for_intro()?;
                Part::For(
                    key_var,
                    value_var,
                    collection,
                    marker(self.close_marker("directive")?),
                )
            }
            other => {
                return Err(self.error(
                    keyword.range.start as usize,
                    format!("unknown directive `{other}`: expected `if`, `else`, `endif`, `for` or `endfor`"),
                ))
            }
        };
        self.closed();
        Ok(part)
    }
}

/// The arguments of one body, to refuse a repeated one: a short list, a set once long. The
/// names are borrowed from the text.
#[derive(Default)]
struct AttributeNames<'a> {
    names: Vec<(&'a str, u32)>,
    set: Option<std::collections::HashMap<&'a str, u32>>,
}

impl<'a> AttributeNames<'a> {
    /// Records the argument `name` at offset `at`; the offset of an earlier one.
    fn insert(&mut self, name: &'a str, at: u32) -> Option<u32> {
        const LIST_LEN: usize = 16;
        if let Some(set) = &mut self.set {
            if let Some(&first) = set.get(name) {
                return Some(first);
            }
            set.insert(name, at);
            return None;
        }
        if let Some(&(_, first)) = self.names.iter().find(|(n, _)| *n == name) {
            return Some(first);
        }
        self.names.push((name, at));
        if self.names.len() > LIST_LEN {
            self.set = Some(std::mem::take(&mut self.names).into_iter().collect());
        }
        None
    }
}
