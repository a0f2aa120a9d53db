//! Byte-for-byte rewrites of HCL text that let hcl-edit parse valid HCL it rejects. Every
//! rewrite replaces bytes with spaces, never inserts or removes any, so the spans of the
//! parsed text are spans of the original.

/// One open bracket, string or template interpolation.
#[derive(Clone, Copy, PartialEq)]
enum Frame {
    Paren,
    Bracket,
    /// `{`: an object constructor or block body, or (`for_object`) an object `for`
    /// expression, inside which HCL ignores line breaks.
    Brace {
        for_object: bool,
    },
    /// `"...`
    Str,
    /// `${ ... }` or `%{ ... }` inside a string.
    Interpolation,
}

/// `text` with the line breaks (and comments) that sit directly inside object `for`
/// expressions turned into spaces; `None` when there are none, or when such an expression
/// holds a heredoc (whose line breaks matter) or the text cannot be followed.
pub(super) fn join_object_for_lines(text: &str) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    let mut stack: Vec<Frame> = Vec::new();
    let mut changed = false;
    let mut i = 0;
    // Whether the innermost enclosing brace is an object `for` expression: line breaks
    // there are not significant, unlike in an object constructor nested in it.
    let joinable = |stack: &[Frame]| {
        stack
            .iter()
            .rev()
            .find(|f| matches!(f, Frame::Brace { .. } | Frame::Str))
            .is_some_and(|f| *f == Frame::Brace { for_object: true })
    };
    let inside_for_object = |stack: &[Frame]| stack.contains(&Frame::Brace { for_object: true });
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        if stack.last() == Some(&Frame::Str) {
            match (b, next) {
                (b'\\', _) => i += 2,
                (b'"', _) => {
                    stack.pop();
                    i += 1;
                }
                (b'$' | b'%', Some(c)) if c == b => i += 3,
                (b'$' | b'%', Some(b'{')) => {
                    stack.push(Frame::Interpolation);
                    i += 2;
                }
                _ => i += 1,
            }
            continue;
        }
        match (b, next) {
            (b'"', _) => {
                stack.push(Frame::Str);
                i += 1;
            }
            (b'#', _) | (b'/', Some(b'/')) => {
                let end = bytes[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(bytes.len(), |p| i + p);
                if joinable(&stack) {
                    bytes[i..end].fill(b' ');
                    changed = true;
                }
                i = end;
            }
            (b'/', Some(b'*')) => {
                let end = bytes[i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map(|p| i + 2 + p + 2)?;
                if joinable(&stack) {
                    bytes[i..end].fill(b' ');
                    changed = true;
                }
                i = end;
            }
            (b'<', Some(b'<')) => {
                if inside_for_object(&stack) {
                    return None;
                }
                i = heredoc_end(&bytes, i + 2)?;
            }
            (b'(', _) => {
                stack.push(Frame::Paren);
                i += 1;
            }
            (b'[', _) => {
                stack.push(Frame::Bracket);
                i += 1;
            }
            (b'{', _) => {
                stack.push(Frame::Brace {
                    for_object: starts_for_intro(&bytes[i + 1..]),
                });
                i += 1;
            }
            (b')' | b']' | b'}', _) => {
                stack.pop()?;
                i += 1;
            }
            (b'\n' | b'\r', _) if joinable(&stack) => {
                bytes[i] = b' ';
                changed = true;
                i += 1;
            }
            _ => i += 1,
        }
    }
    if !changed {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// hcl-edit 0.10 reads an empty heredoc (`<<EOT` directly followed by its closing line)
/// on to the next line with that marker further down, swallowing what lies between. `text`
/// with those of the heredocs starting at `starts` (offsets of `<<`) that are empty
/// replaced by `""` and spaces, line breaks kept, and the first of them; `None` when none is
/// empty.
pub(super) fn blank_empty_heredocs(text: &str, starts: &[usize]) -> Option<(String, usize)> {
    let mut bytes = text.as_bytes().to_vec();
    let mut first = None;
    for &start in starts {
        let Some(end) = empty_heredoc_end(&bytes, start) else {
            continue;
        };
        bytes[start] = b'"';
        bytes[start + 1] = b'"';
        for b in &mut bytes[start + 2..end] {
            if !matches!(*b, b'\n' | b'\r') {
                *b = b' ';
            }
        }
        first = Some(first.unwrap_or(start).min(start));
    }
    Some((String::from_utf8(bytes).ok()?, first?))
}

/// The end of the closing line of the heredoc at `start` when its body is empty.
fn empty_heredoc_end(bytes: &[u8], start: usize) -> Option<usize> {
    if bytes.get(start..start + 2)? != b"<<" {
        return None;
    }
    let mut i = start + 2;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    let marker_start = i;
    while bytes
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
    {
        i += 1;
    }
    let marker = bytes.get(marker_start..i).filter(|m| !m.is_empty())?;
    let line_start = i + bytes[i..].iter().position(|&c| c == b'\n')? + 1;
    let line_end = bytes[line_start..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(bytes.len(), |p| line_start + p);
    (bytes[line_start..line_end].trim_ascii() == marker).then_some(line_end)
}

/// Whether `rest` (after a `{`) starts with `for NAME in` or `for KEY, VALUE in`.
fn starts_for_intro(rest: &[u8]) -> bool {
    let text = match std::str::from_utf8(&rest[..rest.len().min(256)]) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(),
    };
    let mut words = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty());
    let is_name = |w: &str| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && w.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    if words.next() != Some("for") {
        return false;
    }
    match (words.next(), words.next(), words.next()) {
        (Some(name), Some("in"), _) => is_name(name),
        (Some(key), Some(value), Some("in")) => is_name(key) && is_name(value),
        _ => false,
    }
}

/// The offset just past a heredoc whose `<<` ends at `start`: its marker line, its body
/// and its closing marker line.
fn heredoc_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    let marker_start = i;
    while bytes
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
    {
        i += 1;
    }
    let marker = std::str::from_utf8(&bytes[marker_start..i]).ok()?;
    if marker.is_empty() {
        return None;
    }
    let mut line_start = i + bytes[i..].iter().position(|&c| c == b'\n')? + 1;
    loop {
        let line_end = bytes[line_start..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(bytes.len(), |p| line_start + p);
        let line = std::str::from_utf8(&bytes[line_start..line_end]).ok()?;
        if line.trim() == marker {
            return Some(line_end);
        }
        if line_end >= bytes.len() {
            return None;
        }
        line_start = line_end + 1;
    }
}

/// hcl-edit 0.10 rejects an object constructor that repeats a key (`{ a = 1, a = 2 }`);
/// Terraform accepts it and the later item wins. `err` is hcl-edit's rejection of `text`:
/// `text` with every item that a later item of its object overrides blanked (with its
/// comma), which changes no value; `None` when `err` is another error, or when the text
/// does not parse once the repeated keys (at most 16, a parse each) are renamed, or when
/// the parses that fail read more than [`REPAIR_PARSE_BYTES`] of text.
pub(super) fn blank_overridden_object_items(
    text: &str,
    err: &hcl::edit::parser::Error,
) -> Option<String> {
    blank_overridden_object_items_within(text, err, REPAIR_PARSE_BYTES)
}

/// How much text the failing parses of the repair may read in all (a parse stops at the
/// next repeated key), about a second: a repeated key at the end of a file at the 12 MB
/// limit is repaired once, repeated keys near the start of any file all 16 times.
const REPAIR_PARSE_BYTES: usize = 16 << 20;

fn blank_overridden_object_items_within(
    text: &str,
    err: &hcl::edit::parser::Error,
    mut parse_bytes: usize,
) -> Option<String> {
    use hcl::edit::expr::{Object, ObjectKey, ObjectValueTerminator};
    use hcl::edit::visit::{visit_object, Visit};
    use hcl::edit::Span;
    use std::collections::HashMap;

    /// A key as hcl-edit tells keys apart: whether it is quoted, and its name.
    type Key<'a> = (bool, &'a str);

    /// The items to blank: in each object, for each renamed key, the nearest earlier item
    /// with the same key (as written, for an item renamed itself).
    struct Overridden<'a> {
        renamed: &'a HashMap<usize, Key<'a>>,
        blank: Vec<std::ops::Range<usize>>,
    }
    impl Visit for Overridden<'_> {
        fn visit_object(&mut self, object: &Object) {
            let items: Vec<_> = object
                .iter()
                .filter_map(|(key, value)| {
                    let start = key.span()?.start;
                    let name = match (self.renamed.get(&start), key) {
                        (Some(&written), _) => Some(written),
                        (None, ObjectKey::Ident(ident)) => Some((false, ident.as_str())),
                        (None, ObjectKey::Expression(expr)) => expr.as_str().map(|s| (true, s)),
                    };
                    let comma = value.terminator() == ObjectValueTerminator::Comma;
                    let end = value.expr().span()?.end + usize::from(comma);
                    Some((start, name, end))
                })
                .collect();
            for (i, &(start, name, _)) in items.iter().enumerate() {
                if self.renamed.contains_key(&start) {
                    let earlier = items[..i].iter().rev().find(|item| item.1 == name);
                    self.blank.extend(earlier.map(|&(from, _, to)| from..to));
                }
            }
            visit_object(self, object);
        }
    }

    let mut renamed_text = text.to_string();
    let mut renamed: HashMap<usize, Key> = HashMap::new();
    let mut err = err.clone();
    let body = loop {
        if !err.message().contains("redefined object key") || renamed.len() >= 16 {
            return None;
        }
        let at = err.location().offset();
        // The key as written: an identifier, or a quoted string without escapes.
        let rest = text.get(at..)?;
        let (quoted, name) = match rest.strip_prefix('"') {
            Some(quoted) => (true, &quoted[..quoted.find(['"', '\\', '$', '%'])?]),
            None => {
                let len = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                    .unwrap_or(rest.len());
                (false, &rest[..len])
            }
        };
        let name_at = at + usize::from(quoted);
        if name.is_empty() || !name.is_ascii() || renamed.contains_key(&at) {
            return None;
        }
        // A fill that does not repeat another key of the object (the first one may).
        let mut result = Err(err.clone());
        for fill in ["_", "z", "q"] {
            if parse_bytes == 0 {
                return None;
            }
            renamed_text.replace_range(name_at..name_at + name.len(), &fill.repeat(name.len()));
            result = hcl::edit::parser::parse_body(&renamed_text);
            if let Err(e) = &result {
                parse_bytes = parse_bytes.saturating_sub(e.location().offset().max(1));
            }
            match &result {
                Err(e) if e.location().offset() == at => continue,
                _ => break,
            }
        }
        renamed.insert(at, (quoted, name));
        match result {
            Ok(body) => break body,
            Err(e) => err = e,
        }
    };
    let mut overridden = Overridden {
        renamed: &renamed,
        blank: Vec::new(),
    };
    overridden.visit_body(&body);
    let mut blanked = text.as_bytes().to_vec();
    for range in overridden.blank {
        for b in &mut blanked[range] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    String::from_utf8(blanked).ok()
}

#[cfg(test)]
mod tests {
    use super::{blank_empty_heredocs, blank_overridden_object_items, join_object_for_lines};

    #[test]
    fn blanks_empty_heredocs_only() {
        let text = "a = <<-EOT\n  EOT\nb = <<EOT\nx\nEOT\n";
        let (blanked, first) = blank_empty_heredocs(text, &[4, 21]).unwrap();
        assert_eq!(blanked, "a = \"\"    \n     \nb = <<EOT\nx\nEOT\n");
        assert_eq!(first, 4);
        assert!(hcl::edit::parser::parse_body(&blanked).is_ok());
        assert_eq!(blank_empty_heredocs(text, &[21]), None);
    }

    #[test]
    fn blanks_the_items_a_repeated_key_overrides() {
        // hcl-edit tells `p` from `"p"` (the evaluator takes the later of those).
        let text = "a = {\n  p = 1\n  q = { p = 0, p = 9 }\n  \"p\" = 2\n  p = 3\n}\n";
        let err = hcl::edit::parser::parse_body(text).unwrap_err();
        let blanked = blank_overridden_object_items(text, &err).unwrap();
        assert_eq!(
            blanked,
            "a = {\n       \n  q = {        p = 9 }\n  \"p\" = 2\n  p = 3\n}\n"
        );
        assert!(hcl::edit::parser::parse_body(&blanked).is_ok());
        let other = hcl::edit::parser::parse_body("a = {\n").unwrap_err();
        assert_eq!(blank_overridden_object_items("a = {\n", &other), None);
    }

    #[test]
    fn gives_up_when_the_parses_exceed_the_budget() {
        use super::blank_overridden_object_items_within;
        let text = "a = {\n  k = 1\n  k = 2\n  m = 1\n  m = 2\n}\n";
        let err = hcl::edit::parser::parse_body(text).unwrap_err();
        // Two parses fail at the second repeated key (offset 32): the first key's repair
        // reaches it, then its own first fill repeats the first key's. The third succeeds.
        let failed_reads = 32 + 32;
        assert!(blank_overridden_object_items_within(text, &err, failed_reads + 1).is_some());
        assert_eq!(
            blank_overridden_object_items_within(text, &err, failed_reads),
            None
        );
    }

    #[test]
    fn gives_up_after_sixteen_repeated_keys() {
        let items: String = (0..17)
            .map(|i| format!("  k{i} = 1\n  k{i} = 2\n"))
            .collect();
        let text = format!("a = {{\n{items}}}\n");
        let err = hcl::edit::parser::parse_body(&text).unwrap_err();
        assert_eq!(blank_overridden_object_items(&text, &err), None);
    }

    #[test]
    fn joins_lines_inside_object_for_only() {
        let text = "a = { for k in x : k => k == \"a\" ? 1 : # why\n  2 }\nb = { c = 1\n d = 2 }\n";
        let joined = join_object_for_lines(text).unwrap();
        assert_eq!(joined.len(), text.len());
        assert_eq!(
            joined,
            "a = { for k in x : k => k == \"a\" ? 1 :         2 }\nb = { c = 1\n d = 2 }\n"
        );
        assert!(hcl::edit::parser::parse_body(&joined).is_ok());
    }

    #[test]
    fn keeps_object_constructors_nested_in_a_for() {
        let text = "a = { for k in x : k => {\n  b = 1\n  c = 2\n}\n}\n";
        let joined = join_object_for_lines(text).unwrap();
        assert_eq!(joined, "a = { for k in x : k => {\n  b = 1\n  c = 2\n} }\n");
        assert!(hcl::edit::parser::parse_body(&joined).is_ok());
    }

    #[test]
    fn leaves_heredocs_strings_and_plain_objects_alone() {
        assert_eq!(join_object_for_lines("a = { b = 1\n c = 2 }\n"), None);
        assert_eq!(
            join_object_for_lines("a = { for k in x : k => <<EOT\nz\nEOT\n}\n"),
            None
        );
        let text = "a = \"{ for ${x}\"\nb = <<EOT\n{ for k in x : k =>\nEOT\n";
        assert_eq!(join_object_for_lines(text), None);
    }
}
