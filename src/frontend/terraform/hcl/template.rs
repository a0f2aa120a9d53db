//! Terraform's whitespace rules for templates, applied once while a template is built, so
//! that rendering only concatenates.
//!
//! HCL applies strip markers (`${~`, `~}`, `%{~`) to its scanner's literal tokens, and a
//! heredoc or a template file is scanned line by line: a marker trims only the adjacent
//! line's token, never across a line break it does not touch. A flush heredoc (`<<-`) then
//! removes the smallest indentation of the lines whose first token is a literal that is not
//! blank; a line that starts with an interpolation, a directive, or a literal a marker
//! emptied counts as indented by zero.

use super::*;

/// An interpolation's or directive's position and strip markers.
#[derive(Debug, Clone, Copy)]
pub(super) struct Marker {
    pub offset: usize,
    pub strip_before: bool,
    pub strip_after: bool,
}

/// A template as scanned: literal runs (escapes resolved) and markers, in source order.
pub(super) enum Part {
    Text(String),
    Interpolation(Expression, Marker),
    If(Expression, Marker),
    Else(Marker),
    EndIf(Marker),
    For(Option<Box<str>>, Box<str>, Expression, Marker),
    EndFor(Marker),
}

impl Part {
    fn marker(&self) -> Option<Marker> {
        match self {
            Part::Text(_) => None,
            Part::Interpolation(_, m)
            | Part::If(_, m)
            | Part::Else(m)
            | Part::EndIf(m)
            | Part::For(_, _, _, m)
            | Part::EndFor(m) => Some(*m),
        }
    }
}

/// How HCL scanned a template's text.
#[derive(Clone, Copy)]
pub(super) struct Scanning {
    /// Literal tokens end at each line break (heredocs, template files, JSON strings).
    pub lines: bool,
    /// A `<<-` heredoc: common indentation removed.
    pub flush: bool,
}

impl Scanning {
    pub const LINES: Scanning = Scanning {
        lines: true,
        flush: false,
    };
    const QUOTED: Scanning = Scanning {
        lines: false,
        flush: false,
    };
}

/// A quoted string's expression: a plain string, or a template.
pub(super) fn quoted(parts: Vec<Part>) -> Result<ExprKind, Error> {
    if parts.iter().all(|p| matches!(p, Part::Text(_))) {
        return Ok(ExprKind::String(
            plain_text(parts).unwrap_or_default().into(),
        ));
    }
    Ok(ExprKind::Template(assemble(parts, Scanning::QUOTED)?))
}

/// The text of a template without interpolations or directives.
pub(super) fn plain_text(parts: Vec<Part>) -> Option<String> {
    let mut text = String::new();
    for part in parts {
        match part {
            Part::Text(t) => text.push_str(&t),
            _ => return None,
        }
    }
    Some(text)
}

/// One of HCL's template tokens.
enum Token {
    /// A line of the `run`-th literal run (or all of it when literals are not split).
    Text {
        run: usize,
        text: String,
    },
    Marker(Marker),
}

/// Applies the whitespace rules and nests the directives.
pub(super) fn assemble(parts: Vec<Part>, scanning: Scanning) -> Result<Template, Error> {
    let has_strip = parts
        .iter()
        .filter_map(Part::marker)
        .any(|m| m.strip_before || m.strip_after);
    let mut parts = parts;
    if has_strip || scanning.flush {
        let texts = normalized_texts(&mut parts, scanning);
        let mut texts = texts.into_iter();
        for part in &mut parts {
            if let Part::Text(text) = part {
                *text = texts.next().unwrap_or_default();
            }
        }
    }
    nest(parts)
}

/// Each literal run's text after strip markers and flush indentation; the runs are taken
/// out of `parts`.
fn normalized_texts(parts: &mut [Part], scanning: Scanning) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut runs = 0;
    for part in parts.iter_mut() {
        match part {
            Part::Text(text) => {
                let text = std::mem::take(text);
                let run = runs;
                runs += 1;
                if scanning.lines {
                    tokens.extend(text.split_inclusive('\n').map(|line| Token::Text {
                        run,
                        text: line.to_string(),
                    }));
                } else {
                    tokens.push(Token::Text { run, text });
                }
            }
            other => tokens.extend(other.marker().map(Token::Marker)),
        }
    }
    strip(&mut tokens);
    if scanning.flush {
        flush(&mut tokens);
    }
    let mut texts = vec![String::new(); runs];
    for token in tokens {
        if let Token::Text { run, text } = token {
            texts[run].push_str(&text);
        }
    }
    texts
}

/// `~` trims the whitespace of the adjacent literal token only.
fn strip(tokens: &mut [Token]) {
    for i in 0..tokens.len() {
        let Token::Marker(marker) = tokens[i] else {
            continue;
        };
        if marker.strip_before && i > 0 {
            if let Token::Text { text, .. } = &mut tokens[i - 1] {
                text.truncate(text.trim_end().len());
            }
        }
        if marker.strip_after {
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
                Token::Marker(_) => 0,
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

/// A directive being filled, with the elements of its current branch.
enum Open {
    If {
        cond: Expression,
        then_template: Option<Template>,
        offset: usize,
    },
    For {
        key_var: Option<Box<str>>,
        value_var: Box<str>,
        collection: Expression,
        offset: usize,
    },
}

/// Directives nested in one template: deeper ones are refused, not built into a tree
/// that rendering would recurse into.
const MAX_DIRECTIVE_DEPTH: usize = 64;

fn check_depth<T>(open: &[T], m: Marker) -> Result<(), Error> {
    if open.len() >= MAX_DIRECTIVE_DEPTH {
        return Err(Error {
            message: format!("directives nested too deep: at most {MAX_DIRECTIVE_DEPTH}"),
            offset: m.offset,
        });
    }
    Ok(())
}

/// Nests the parts between `%{ if }` / `%{ else }` / `%{ endif }` and `%{ for }` /
/// `%{ endfor }`.
fn nest(parts: Vec<Part>) -> Result<Template, Error> {
    let mut open: Vec<(Open, Vec<Element>)> = Vec::new();
    let mut current: Vec<Element> = Vec::new();
    let unmatched = |m: Marker, message: &str| Error {
        message: message.to_string(),
        offset: m.offset,
    };
    for part in parts {
        match part {
            Part::Text(text) => current.push(Element::Literal(text.into())),
            Part::Interpolation(expr, _) => current.push(Element::Interpolation(expr)),
            Part::If(cond, m) => {
                check_depth(&open, m)?;
                let outer = std::mem::take(&mut current);
                let directive = Open::If {
                    cond,
                    then_template: None,
                    offset: m.offset,
                };
                open.push((directive, outer));
            }
            Part::Else(m) => match open.last_mut() {
                Some((
                    Open::If {
                        then_template: then_template @ None,
                        ..
                    },
                    _,
                )) => {
                    *then_template = Some(Template {
                        elements: std::mem::take(&mut current).into(),
                    });
                }
                _ => return Err(unmatched(m, "`%{ else }` outside an `%{ if }` directive")),
            },
            Part::EndIf(m) => match open.pop() {
                Some((
                    Open::If {
                        cond,
                        then_template,
                        ..
                    },
                    outer,
                )) => {
                    let branch = Template {
                        elements: std::mem::replace(&mut current, outer).into(),
                    };
                    let (then_template, else_template) = match then_template {
                        Some(then_template) => (then_template, Some(branch)),
                        None => (branch, None),
                    };
                    current.push(Element::If(Box::new(IfDirective {
                        cond,
                        then_template,
                        else_template,
                    })));
                }
                _ => return Err(unmatched(m, "`%{ endif }` without an open `%{ if }`")),
            },
            Part::For(key_var, value_var, collection, m) => {
                check_depth(&open, m)?;
                let outer = std::mem::take(&mut current);
                let directive = Open::For {
                    key_var,
                    value_var,
                    collection,
                    offset: m.offset,
                };
                open.push((directive, outer));
            }
            Part::EndFor(m) => match open.pop() {
                Some((
                    Open::For {
                        key_var,
                        value_var,
                        collection,
                        ..
                    },
                    outer,
                )) => {
                    let template = Template {
                        elements: std::mem::replace(&mut current, outer).into(),
                    };
                    current.push(Element::For(Box::new(ForDirective {
                        key_var,
                        value_var,
                        collection,
                        template,
                    })));
                }
                _ => return Err(unmatched(m, "`%{ endfor }` without an open `%{ for }`")),
            },
        }
    }
    match open.pop() {
        None => Ok(Template {
            elements: current.into(),
        }),
        Some((Open::If { offset, .. }, _)) => Err(Error {
            message: "`%{ if }` has no `%{ endif }`".into(),
            offset,
        }),
        Some((Open::For { offset, .. }, _)) => Err(Error {
            message: "`%{ for }` has no `%{ endfor }`".into(),
            offset,
        }),
    }
}
