use super::*;

fn attr<'a>(body: &'a Body, name: &str) -> &'a Expression {
    body.structures
        .iter()
        .find_map(|s| match s {
            Structure::Attribute(a) if &*a.key.name == name => Some(&a.value),
            _ => None,
        })
        .expect("attribute")
}

/// The template of attribute `x`, its literals joined with `|` between elements and `[...]`
/// around each directive body.
fn shape(text: &str) -> String {
    let body = parse_body(text).expect("parses");
    let template = match &attr(&body, "x").kind {
        ExprKind::Template(t) | ExprKind::Heredoc(t) => t,
        ExprKind::String(s) => return s.to_string(),
        other => panic!("not a template: {other:?}"),
    };
    fn render(template: &Template, out: &mut String) {
        for element in &template.elements {
            match element {
                Element::Literal(v) => out.push_str(v),
                Element::Interpolation(_) => out.push_str("${}"),
                Element::If(d) => {
                    out.push('[');
                    render(&d.then_template, out);
                    out.push(']');
                }
                Element::For(d) => {
                    out.push('[');
                    render(&d.template, out);
                    out.push(']');
                }
            }
        }
    }
    let mut out = String::new();
    render(template, &mut out);
    out
}

#[test]
fn flush_heredoc_counts_a_line_a_marker_emptied_as_unindented() {
    let text = "x = <<-EOT\n    a\n    %{~ for p in y ~}\n    p ${p}\n    %{~ endfor ~}\n  EOT\n";
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

/// An empty heredoc is an empty string, and the next attribute is still one.
#[test]
fn empty_heredocs_end_at_their_marker() {
    let text = "e = <<EOT\nEOT\nf = <<-A\n  A\nb = <<EOT\nkept\nEOT\n";
    assert_eq!(shape(&text.replace("e =", "x =")), "");
    let body = parse_body(text).expect("parses");
    assert_eq!(body.structures.len(), 3);
    assert_eq!(shape(&text.replace("b =", "x =")), "kept\n");
}

/// A line that only starts with the marker does not close the heredoc.
#[test]
fn a_heredoc_closes_on_a_line_of_only_its_marker() {
    let text = "x = <<EOT\nEOTX\n EOT is here\n  EOT  \n";
    assert_eq!(shape(text), "EOTX\n EOT is here\n");
    let err = parse_body("x = <<EOT\nnever closed\n").unwrap_err();
    assert_eq!(err.offset, 4);
    assert!(
        err.message.contains("line of only its marker"),
        "{}",
        err.message
    );
}

/// Line breaks inside an object `for` expression are ignored, as HCL ignores them inside
/// every `for` expression; in an object constructor they separate items.
#[test]
fn object_for_expressions_span_lines() {
    let text = "m = { for k in [\"a\"] : k => true ? 1 :\n  2 # why\n  if k != \"\" }\nb = 1\n";
    let body = parse_body(text).expect("parses");
    assert!(matches!(attr(&body, "m").kind, ExprKind::For(_)));
    assert!(parse_body("m = { a = true ?\n 1 : 2 }\n").is_err());
}

/// Terraform takes the later of repeated object keys; arguments cannot repeat.
#[test]
fn repeated_object_keys_are_kept_and_repeated_arguments_refused() {
    let body = parse_body("a = { k = 1, \"k\" = 2, k = 3 }\n").expect("parses");
    let ExprKind::Object(items) = &attr(&body, "a").kind else {
        panic!("object");
    };
    assert_eq!(items.len(), 3);
    let err = parse_body("a = 1\nb = 2\na = 3\n").unwrap_err();
    assert_eq!(err.offset, 12);
    assert!(
        err.message.contains("`a` is already set on line 1"),
        "{}",
        err.message
    );
}

#[test]
fn ranges_cover_each_expression() {
    let text = "x = foo(var.a[0], -1, \"s\") ? [for v in b : v.id] : { k = 1 }\n";
    let body = parse_body(text).expect("parses");
    let x = attr(&body, "x");
    assert_eq!(
        &text[x.range.start as usize..x.range.end as usize],
        &text[4..text.len() - 1]
    );
    let ExprKind::Conditional(c) = &x.kind else {
        panic!("conditional");
    };
    let slice = |e: &Expression| &text[e.range.start as usize..e.range.end as usize];
    assert_eq!(slice(&c.cond), "foo(var.a[0], -1, \"s\")");
    assert_eq!(slice(&c.true_expr), "[for v in b : v.id]");
    assert_eq!(slice(&c.false_expr), "{ k = 1 }");
    let ExprKind::FuncCall(call) = &c.cond.kind else {
        panic!("call");
    };
    assert_eq!(slice(&call.args[0]), "var.a[0]");
    assert!(matches!(&call.args[1].kind, ExprKind::Number(n) if &**n == "-1"));
}

#[test]
fn errors_say_what_was_expected_where() {
    let cases = [
        ("a = \n", 4, "expected an expression, found a line break"),
        ("a = \"open\n", 9, "unterminated string"),
        (
            "b \"x\" {\n  c = 1 }\n",
            16,
            "a line break after the argument or block",
        ),
        (
            "a = [1, 2\n",
            4,
            "unclosed: the file ends before the `]` of the list",
        ),
        ("r \"x\" {\n  a = 1\n\n", 6, "the `}` of the block"),
        ("a = f(\"x\n", 8, "unterminated string"),
        ("a = f(\"x\"", 5, "the `)` of the function call"),
        ("a = \"${x", 5, "the `}` of the interpolation"),
        (
            "a = \"${x\"\n",
            8,
            "`}` to close the interpolation, found `\"`",
        ),
        ("a = \"\\q\"\n", 5, "invalid escape"),
        ("a = \"%{ if x }y\"\n", 5, "has no `%{ endif }`"),
        ("r \"${x}\" {}\n", 2, "block label is a plain string"),
        ("a = 1 +\n2\n", 7, "expected an expression"),
        ("a = \u{0}\n", 4, "found the control character U+0000"),
        ("\u{1b}[31m = 1\n", 0, "found the control character U+001B"),
        (
            "a = 1\rb = 2\n",
            5,
            "a line break after the argument or block, found a carriage return without a line feed",
        ),
        (
            "a = [\r1]\n",
            5,
            "found a carriage return without a line feed",
        ),
        (
            "a = b.\nc\n",
            6,
            "an attribute name, `*` or an index after `.`, found a line break",
        ),
        ("a = b.0.1\n", 6, "`.0.1` chains two indexes"),
        ("a = b[*].00.1\n", 9, "`.0.1` chains two indexes"),
        ("a = <<EOT\nx\nEOT", 12, "closing marker needs a line break"),
        (
            "a = <<EOT\nx\ry\nEOT\n",
            11,
            "carriage return without a line feed",
        ),
    ];
    for (text, offset, message) in cases {
        let err = parse_body(text).unwrap_err();
        assert!(err.message.contains(message), "{text:?}: {}", err.message);
        assert_eq!(err.offset, offset, "{text:?}: {}", err.message);
    }
}

/// `\r\n` is a line break wherever `\n` is (the carriage return alone is refused above, as
/// HCL refuses it).
#[test]
fn crlf_line_breaks_are_line_breaks() {
    let text = "a = [\r\n  1,\r\n]\r\nb {\r\n  c = 1 # x\r\n}\r\nd = <<EOT\r\nx\r\nEOT\r\n";
    assert_eq!(parse_body(text).expect("parses").structures.len(), 3);
}

/// After `.`, the attribute name is on the same line unless line breaks are ignored there
/// (as `terraform fmt` parses: brackets, calls, interpolations, `for` collections).
#[test]
fn what_follows_a_dot_reads_as_in_hcl() {
    for ok in [
        "a = [b.\n c]\n",
        "a = f(b.\n c)\n",
        "a = \"${b.\n c}\"\n",
        "a = {for k in b.\n c : k => k}\n",
        "a = b. c\n",
        "a = b.0.c\n",
        "a = b.0 .1\n",
    ] {
        assert!(parse_body(ok).is_ok(), "{ok:?}");
    }
    // A legacy index with an exponent is one number (Terraform's index 1000).
    let body = parse_body("a = b.1e3\n").expect("parses");
    let ExprKind::Traversal(t) = &attr(&body, "a").kind else {
        panic!("traversal");
    };
    assert!(matches!(
        &t.operators[..],
        [TraversalOperator::Index(Expression { kind: ExprKind::Number(n), .. })] if &**n == "1e3"
    ));
    for refused in ["a = { k = b.\n c }\n", "a = x ? b.\n c : 1\n"] {
        assert!(parse_body(refused).is_err(), "{refused:?}");
    }
}

/// Nesting and operator chains are bounded: an error, never a deep recursion.
#[test]
fn deep_input_is_refused() {
    let deep = format!("a = {}1{}\n", "[".repeat(100), "]".repeat(100));
    assert!(parse_body(&deep)
        .unwrap_err()
        .message
        .contains("nesting too deep"));
    let unary = format!("a = {}x\n", "!".repeat(100));
    assert!(parse_body(&unary)
        .unwrap_err()
        .message
        .contains("nesting too deep"));
    let chain = format!("a = 1{}\n", " + 1".repeat(200));
    assert!(parse_body(&chain)
        .unwrap_err()
        .message
        .contains("chained operators"));
    let ok_chain = format!("a = [{}]\n", vec!["1 + 1"; 500].join(", "));
    assert!(parse_body(&ok_chain).is_ok());
    let ifs = format!(
        "x = \"{}{}\"\n",
        "%{ if a }".repeat(70),
        "%{ endif }".repeat(70)
    );
    assert!(parse_body(&ifs)
        .unwrap_err()
        .message
        .contains("nested too deep"));
}
