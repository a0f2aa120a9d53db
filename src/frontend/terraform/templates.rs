//! Terraform's whitespace rules for templates, applied once to a parsed template so that
//! rendering only concatenates.
//!
//! HCL applies strip markers (`${~`, `~}`, `%{~`) to its scanner's literal tokens, and a
//! heredoc or a template file is scanned line by line: a marker trims only the adjacent
//! line's token, never across a line break it does not touch. A flush heredoc (`<<-`) then
//! removes the smallest indentation of the lines whose first token is a literal that is not
//! blank; a line that starts with an interpolation, a directive, or a literal a marker
//! emptied counts as indented by zero. hcl-edit joins a heredoc's lines and dedents before
//! any of this, so heredoc literals are read again from the source text.

use hcl::edit::expr::Expression;
use hcl::edit::structure::Body;
use hcl::edit::template::{Directive, Element, HeredocTemplate, StringTemplate, Strip, Template};
use hcl::edit::visit_mut::{visit_expr_mut, VisitMut};
use hcl::edit::Span;

/// How HCL scanned a template's text.
#[derive(Clone, Copy)]
struct Scanning {
    /// Literal tokens end at each line break (heredocs, template files, JSON strings).
    lines: bool,
    /// A `<<-` heredoc: common indentation removed.
    flush: bool,
}

/// Applies the rules to every template of a parsed body; `text` is the body's source.
pub(super) fn normalize_body(body: &mut Body, text: &str) {
    Normalizer { text }.visit_body_mut(body);
}

/// Where each heredoc of a parsed body starts (the offset of its `<<`).
pub(super) fn heredoc_starts(body: &Body) -> Vec<usize> {
    struct Starts(Vec<usize>);
    impl hcl::edit::visit::Visit for Starts {
        fn visit_heredoc_template(&mut self, node: &HeredocTemplate) {
            self.0.extend(node.span().map(|s| s.start));
            hcl::edit::visit::visit_heredoc_template(self, node);
        }
    }
    let mut starts = Starts(Vec::new());
    hcl::edit::visit::Visit::visit_body(&mut starts, body);
    starts.0
}

/// Parses an expression given on its own (`-var` values, JSON expressions) with the rules
/// applied to its templates.
pub(super) fn parse_expr(text: &str) -> Result<Expression, hcl::edit::parser::Error> {
    let mut expr = hcl::edit::parser::parse_expr(text)?;
    Normalizer { text }.visit_expr_mut(&mut expr);
    Ok(expr)
}

/// Parses a template scanned on its own (a template file, `templatestring`, a JSON string)
/// with the rules applied.
pub(super) fn parse_template(text: &str) -> Result<Template, hcl::edit::parser::Error> {
    let mut template = hcl::edit::parser::parse_template(text)?;
    let scanning = Scanning {
        lines: true,
        flush: false,
    };
    normalize_with(&mut template, scanning, None);
    visit_nested(&mut Normalizer { text }, &mut template);
    Ok(template)
}

struct Normalizer<'a> {
    text: &'a str,
}

impl VisitMut for Normalizer<'_> {
    fn visit_string_template_mut(&mut self, node: &mut StringTemplate) {
        let scanning = Scanning {
            lines: false,
            flush: false,
        };
        normalize_with(node, scanning, Some((self.text, Escapes::Quoted)));
        visit_nested(self, node);
    }

    fn visit_heredoc_template_mut(&mut self, node: &mut HeredocTemplate) {
        let flush = node
            .span()
            .and_then(|s| self.text.get(s))
            .map_or(node.indent().is_some(), |source| source.starts_with("<<-"));
        let scanning = Scanning { lines: true, flush };
        normalize_with(
            &mut node.template,
            scanning,
            Some((self.text, Escapes::Heredoc)),
        );
        visit_nested(self, &mut node.template);
    }
}

/// Visits the expressions inside a template, whose own templates are separate.
fn visit_nested(visitor: &mut Normalizer, template: &mut Template) {
    for element in template.iter_mut() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(i) => visit_expr_mut(visitor, &mut i.expr),
            Element::Directive(d) => match d.as_mut() {
                Directive::If(d) => {
                    visit_expr_mut(visitor, &mut d.if_expr.cond_expr);
                    visit_nested(visitor, &mut d.if_expr.template);
                    if let Some(e) = &mut d.else_expr {
                        visit_nested(visitor, &mut e.template);
                    }
                }
                Directive::For(d) => {
                    visit_expr_mut(visitor, &mut d.for_expr.collection_expr);
                    visit_nested(visitor, &mut d.for_expr.template);
                }
            },
        }
    }
}

/// The escapes of a template's source text.
#[derive(Clone, Copy)]
enum Escapes {
    /// `$${` and `%%{`.
    Heredoc,
    /// Those and backslash escapes (hcl-edit leaves them raw in a directive's body).
    Quoted,
}

/// One of HCL's template tokens, in source order.
enum Token {
    /// A literal's text up to and including a line break (or all of it when literals are
    /// not split), belonging to the `literal`-th literal element.
    Text { literal: usize, text: String },
    /// `${...}` or a directive marker, with its strip flags.
    Marker { strip: Strip },
}

fn normalize_with(template: &mut Template, scanning: Scanning, source: Option<(&str, Escapes)>) {
    // Without strip markers or `<<-`, hcl-edit's literals are already Terraform's, except
    // in the directive bodies of a quoted string (escapes left raw).
    let quoted = matches!(source, Some((_, Escapes::Quoted)));
    let changes =
        scanning.flush || has_strip_marker(template) || (quoted && has_directive(template));
    if !changes {
        return;
    }
    let mut tokens = Vec::new();
    let mut literals = 0;
    tokenize(template, scanning, source, &mut tokens, &mut literals);
    strip(&mut tokens);
    if scanning.flush {
        flush(&mut tokens);
    }
    let mut texts = vec![String::new(); literals];
    for token in tokens {
        if let Token::Text { literal, text } = token {
            texts[literal].push_str(&text);
        }
    }
    let mut texts = texts.into_iter();
    write_back(template, &mut texts);
}

fn tokenize(
    template: &Template,
    scanning: Scanning,
    source: Option<(&str, Escapes)>,
    tokens: &mut Vec<Token>,
    literals: &mut usize,
) {
    for element in template.iter() {
        match element {
            Element::Literal(value) => {
                let raw = source.and_then(|(text, escapes)| {
                    let raw = unescape_markers(text.get(value.span()?)?);
                    match escapes {
                        Escapes::Heredoc => Some(raw),
                        Escapes::Quoted => unescape_backslashes(&raw),
                    }
                });
                let text = raw.unwrap_or_else(|| value.value().clone());
                let literal = *literals;
                *literals += 1;
                if scanning.lines {
                    tokens.extend(text.split_inclusive('\n').map(|line| Token::Text {
                        literal,
                        text: line.to_string(),
                    }));
                } else {
                    tokens.push(Token::Text { literal, text });
                }
            }
            Element::Interpolation(i) => tokens.push(Token::Marker { strip: i.strip }),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    tokens.push(Token::Marker {
                        strip: d.if_expr.strip,
                    });
                    tokenize(&d.if_expr.template, scanning, source, tokens, literals);
                    if let Some(e) = &d.else_expr {
                        tokens.push(Token::Marker { strip: e.strip });
                        tokenize(&e.template, scanning, source, tokens, literals);
                    }
                    tokens.push(Token::Marker {
                        strip: d.endif_expr.strip,
                    });
                }
                Directive::For(d) => {
                    tokens.push(Token::Marker {
                        strip: d.for_expr.strip,
                    });
                    tokenize(&d.for_expr.template, scanning, source, tokens, literals);
                    tokens.push(Token::Marker {
                        strip: d.endfor_expr.strip,
                    });
                }
            },
        }
    }
}

fn has_strip_marker(template: &Template) -> bool {
    let marked = |strip: Strip| strip != Strip::None;
    template.iter().any(|element| match element {
        Element::Literal(_) => false,
        Element::Interpolation(i) => marked(i.strip),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(d) => {
                marked(d.if_expr.strip)
                    || marked(d.endif_expr.strip)
                    || has_strip_marker(&d.if_expr.template)
                    || d.else_expr
                        .as_ref()
                        .is_some_and(|e| marked(e.strip) || has_strip_marker(&e.template))
            }
            Directive::For(d) => {
                marked(d.for_expr.strip)
                    || marked(d.endfor_expr.strip)
                    || has_strip_marker(&d.for_expr.template)
            }
        },
    })
}

fn has_directive(template: &Template) -> bool {
    template
        .iter()
        .any(|element| matches!(element, Element::Directive(_)))
}

/// `$${` and `%%{` as the literal `${` and `%{` they stand for.
fn unescape_markers(raw: &str) -> String {
    raw.replace("$${", "${").replace("%%{", "%{")
}

/// A quoted string's backslash escapes; `None` on one HCL rejects (hcl-edit's own value
/// is used then).
fn unescape_backslashes(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars, n: usize| {
            let digits: String = chars.by_ref().take(n).collect();
            (digits.len() == n)
                .then(|| u32::from_str_radix(&digits, 16).ok())
                .flatten()
                .and_then(char::from_u32)
        };
        out.push(match chars.next()? {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            '"' => '"',
            '\\' => '\\',
            'u' => hex(&mut chars, 4)?,
            'U' => hex(&mut chars, 8)?,
            _ => return None,
        });
    }
    Some(out)
}

/// `~` trims the whitespace of the adjacent literal token only.
fn strip(tokens: &mut [Token]) {
    for i in 0..tokens.len() {
        let Token::Marker { strip } = tokens[i] else {
            continue;
        };
        if strip.strip_start() && i > 0 {
            if let Token::Text { text, .. } = &mut tokens[i - 1] {
                text.truncate(text.trim_end().len());
            }
        }
        if strip.strip_end() {
            if let Some(Token::Text { text, .. }) = tokens.get_mut(i + 1) {
                *text = text.trim_start().to_string();
            }
        }
    }
}

/// Removes the smallest indentation of the flush heredoc's lines, counted in characters
/// (a line break is never part of an indentation that is removed).
fn flush(tokens: &mut [Token]) {
    let mut min_indent = usize::MAX;
    let mut adjust = Vec::new();
    let mut line_start = true;
    for (i, token) in tokens.iter().enumerate() {
        if line_start {
            line_start = false;
            let indent = match token {
                Token::Text { text, .. } => {
                    let body = text.trim_start();
                    if body.is_empty() && text.ends_with('\n') {
                        usize::MAX
                    } else {
                        adjust.push(i);
                        text[..text.len() - body.len()].chars().count()
                    }
                }
                Token::Marker { .. } => 0,
            };
            min_indent = min_indent.min(indent);
        }
        if let Token::Text { text, .. } = token {
            line_start = text.ends_with('\n');
        }
    }
    for i in adjust {
        if let Token::Text { text, .. } = &mut tokens[i] {
            let cut: usize = text.chars().take(min_indent).map(char::len_utf8).sum();
            text.drain(..cut);
        }
    }
}

/// Writes the normalized texts back in the order `tokenize` read the literals, and clears
/// the strip markers they already account for.
fn write_back(template: &mut Template, texts: &mut impl Iterator<Item = String>) {
    for element in template.iter_mut() {
        match element {
            Element::Literal(value) => *value.as_mut() = texts.next().unwrap_or_default(),
            Element::Interpolation(i) => i.strip = Strip::None,
            Element::Directive(d) => match d.as_mut() {
                Directive::If(d) => {
                    d.if_expr.strip = Strip::None;
                    write_back(&mut d.if_expr.template, texts);
                    if let Some(e) = &mut d.else_expr {
                        e.strip = Strip::None;
                        write_back(&mut e.template, texts);
                    }
                    d.endif_expr.strip = Strip::None;
                }
                Directive::For(d) => {
                    d.for_expr.strip = Strip::None;
                    write_back(&mut d.for_expr.template, texts);
                    d.endfor_expr.strip = Strip::None;
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first attribute's template after normalization, its literals joined with `|`
    /// between elements and `[...]` around each directive body.
    fn shape(text: &str) -> String {
        let mut body = hcl::edit::parser::parse_body(text).expect("parses");
        normalize_body(&mut body, text);
        let attr = body.get_attribute("x").expect("attribute x");
        let template = match &attr.value {
            Expression::StringTemplate(t) => (**t).clone(),
            Expression::HeredocTemplate(h) => h.template.clone(),
            other => panic!("not a template: {other:?}"),
        };
        fn render(template: &Template, out: &mut String) {
            for element in template.iter() {
                match element {
                    Element::Literal(v) => out.push_str(v.value()),
                    Element::Interpolation(_) => out.push_str("${}"),
                    Element::Directive(d) => match d.as_ref() {
                        Directive::If(d) => {
                            out.push('[');
                            render(&d.if_expr.template, out);
                            out.push(']');
                        }
                        Directive::For(d) => {
                            out.push('[');
                            render(&d.for_expr.template, out);
                            out.push(']');
                        }
                    },
                }
            }
        }
        let mut out = String::new();
        render(&template, &mut out);
        out
    }

    #[test]
    fn flush_heredoc_counts_a_line_a_marker_emptied_as_unindented() {
        let text =
            "x = <<-EOT\n    a\n    %{~ for p in y ~}\n    p ${p}\n    %{~ endfor ~}\n  EOT\n";
        assert_eq!(shape(text), "    a\n[    p ${}\n]");
    }

    #[test]
    fn flush_heredoc_ignores_blank_lines_and_keeps_escapes() {
        let text = "x = <<-EOT\n    a $${b}\n\n      c\n  EOT\n";
        assert_eq!(shape(text), "a ${b}\n\n  c\n");
        let tabs = "x = <<-EOT\n\t\ta\n\tb\n\tEOT\n";
        assert_eq!(shape(tabs), "\ta\nb\n");
    }

    #[test]
    fn markers_trim_one_line_of_a_heredoc_but_a_whole_quoted_literal() {
        let heredoc = "x = <<EOT\na  \n  %{ if true ~}\n\n  b\n%{ endif }\nEOT\n";
        assert_eq!(shape(heredoc), "a  \n  [\n  b\n]\n");
        let quoted = "x = \"a \\n ${~ 1 ~} \\n b\"\n";
        assert_eq!(shape(quoted), "a${}b");
        let directive_body = "x = \"%{ for p in y ~} ${p} \\t\\u00e9 \\n %{~ endfor }\"\n";
        assert_eq!(shape(directive_body), "[${} \té]");
        let unmarked = "x = \"%{ if true }a\\tb%{ endif }\"\n";
        assert_eq!(shape(unmarked), "[a\tb]");
    }
}
