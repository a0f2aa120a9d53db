use super::*;
use ::hcl::edit::expr as he;
use ::hcl::edit::structure as hs;
use ::hcl::edit::template as ht;
use ::hcl::edit::Span as _;

type R = Result<(), String>;

fn range(r: Option<std::ops::Range<usize>>, mine: TextRange, what: &str) -> R {
    let r = r.ok_or_else(|| format!("{what}: hcl-edit has no span"))?;
    if r.start as u32 != mine.start || r.end as u32 != mine.end {
        return Err(format!("{what}: span {:?} vs mine {:?}", r, mine));
    }
    Ok(())
}

fn body(a: &hs::Body, b: &Body) -> R {
    let items: Vec<_> = a.iter().collect();
    if items.len() != b.structures.len() {
        return Err(format!(
            "body: {} structures vs mine {}",
            items.len(),
            b.structures.len()
        ));
    }
    for (x, y) in items.iter().zip(&b.structures) {
        match (x, y) {
            (hs::Structure::Attribute(x), Structure::Attribute(y)) => {
                if x.key.as_str() != &*y.key.name {
                    return Err(format!("attr name {} vs {}", x.key.as_str(), y.key.name));
                }
                range(x.key.span(), y.key.range, "attr key")?;
                expr(&x.value, &y.value).map_err(|e| format!("attr {}: {e}", y.key.name))?;
            }
            (hs::Structure::Block(x), Structure::Block(y)) => {
                if x.ident.as_str() != &*y.ident.name {
                    return Err("block ident".into());
                }
                range(x.ident.span(), y.ident.range, "block ident")?;
                range(x.span(), y.range, "block")?;
                if x.labels.len() != y.labels.len() {
                    return Err("labels".into());
                }
                for (l, m) in x.labels.iter().zip(&y.labels) {
                    if l.as_str() != &*m.name {
                        return Err(format!("label {} vs {}", l.as_str(), m.name));
                    }
                    range(l.span(), m.range, "label")?;
                }
                body(&x.body, &y.body).map_err(|e| format!("block {}: {e}", y.ident.name))?;
            }
            _ => return Err("structure kind".into()),
        }
    }
    Ok(())
}

fn template(a: &ht::Template, b: &Template) -> R {
    let xs: Vec<_> = a.iter().collect();
    if xs.len() != b.elements.len() {
        return Err(format!(
            "template: {} elements vs mine {}: {:?} vs {:?}",
            xs.len(),
            b.elements.len(),
            a.to_string(),
            b.elements
        ));
    }
    for (x, y) in xs.iter().zip(&b.elements) {
        match (x, y) {
            // hcl-edit's literals do not have Terraform's whitespace rules applied.
            (ht::Element::Literal(_), Element::Literal(_)) => {}
            (ht::Element::Interpolation(i), Element::Interpolation(e)) => expr(&i.expr, e)?,
            (ht::Element::Directive(d), y) => match (d.as_ref(), y) {
                (ht::Directive::If(d), Element::If(e)) => {
                    expr(&d.if_expr.cond_expr, &e.cond)?;
                    template(&d.if_expr.template, &e.then_template)?;
                    match (&d.else_expr, &e.else_template) {
                        (Some(x), Some(y)) => template(&x.template, y)?,
                        (None, None) => {}
                        _ => return Err("else".into()),
                    }
                }
                (ht::Directive::For(d), Element::For(e)) => {
                    expr(&d.for_expr.collection_expr, &e.collection)?;
                    template(&d.for_expr.template, &e.template)?;
                }
                _ => return Err("directive kind".into()),
            },
            _ => return Err(format!("element kind {:?}", y)),
        }
    }
    Ok(())
}

fn expr(a: &he::Expression, b: &Expression) -> R {
    range(a.span(), b.range, &format!("expr {:?}", short(b)))?;
    match (a, &b.kind) {
        (he::Expression::Null(_), ExprKind::Null) => {}
        (he::Expression::Bool(x), ExprKind::Bool(y)) if *x.value() == *y => {}
        (he::Expression::Number(x), ExprKind::Number(y)) => {
            let xv: f64 = x.value().as_f64().unwrap_or(f64::NAN);
            let yv: f64 = y.parse().unwrap_or(f64::NAN);
            if xv != yv {
                return Err(format!("number {xv} vs {y}"));
            }
        }
        (he::Expression::String(x), ExprKind::String(y)) if x.as_str() == &**y => {}
        (he::Expression::Array(x), ExprKind::Array(y)) => {
            if x.len() != y.len() {
                return Err("array len".into());
            }
            for (p, q) in x.iter().zip(y) {
                expr(p, q)?;
            }
        }
        (he::Expression::Object(x), ExprKind::Object(y)) => {
            if x.len() != y.len() {
                return Err(format!("object len {} vs {}", x.len(), y.len()));
            }
            for ((k, v), item) in x.iter().zip(y) {
                match (k, &item.key) {
                    (he::ObjectKey::Ident(i), ObjectKey::Ident(j)) => {
                        if i.as_str() != &*j.name {
                            return Err("key".into());
                        }
                        range(i.span(), j.range, "key ident")?;
                    }
                    (he::ObjectKey::Expression(e), ObjectKey::Expression(f)) => expr(e, f)?,
                    _ => return Err("key kind".into()),
                }
                expr(v.expr(), &item.value)?;
            }
        }
        (he::Expression::StringTemplate(x), ExprKind::Template(y)) => template(x, y)?,
        (he::Expression::HeredocTemplate(x), ExprKind::Heredoc(y)) => template(&x.template, y)?,
        (he::Expression::Parenthesis(x), ExprKind::Parenthesis(y)) => expr(x.inner(), y)?,
        (he::Expression::Variable(x), ExprKind::Variable(y)) if x.as_str() == &**y => {}
        (he::Expression::Conditional(x), ExprKind::Conditional(y)) => {
            expr(&x.cond_expr, &y.cond)?;
            expr(&x.true_expr, &y.true_expr)?;
            expr(&x.false_expr, &y.false_expr)?;
        }
        (he::Expression::FuncCall(x), ExprKind::FuncCall(y)) => {
            if x.name.name.as_str() != &*y.name
                || x.name.namespace.len() != y.namespace.len()
                || x.args.expand_final() != y.expand_final
                || x.args.len() != y.args.len()
            {
                return Err("func".into());
            }
            for (p, q) in x.args.iter().zip(&y.args) {
                expr(p, q)?;
            }
        }
        (he::Expression::Traversal(x), ExprKind::Traversal(y)) => {
            expr(&x.expr, &y.expr)?;
            if x.operators.len() != y.operators.len() {
                return Err("ops len".into());
            }
            for (o, p) in x.operators.iter().zip(&y.operators) {
                match (o.value(), p) {
                    (he::TraversalOperator::GetAttr(n), TraversalOperator::GetAttr(m))
                        if n.as_str() == &**m => {}
                    (he::TraversalOperator::Index(e), TraversalOperator::Index(f)) => expr(e, f)?,
                    (he::TraversalOperator::LegacyIndex(n), TraversalOperator::LegacyIndex(m))
                        if *n.value() == *m => {}
                    (he::TraversalOperator::AttrSplat(_), TraversalOperator::AttrSplat) => {}
                    (he::TraversalOperator::FullSplat(_), TraversalOperator::FullSplat) => {}
                    _ => return Err("op".into()),
                }
            }
        }
        (he::Expression::UnaryOp(x), ExprKind::Unary(op, y)) => {
            let same = matches!(
                (x.operator.value(), op),
                (he::UnaryOperator::Neg, UnaryOperator::Neg)
                    | (he::UnaryOperator::Not, UnaryOperator::Not)
            );
            if !same {
                return Err("unary".into());
            }
            expr(&x.expr, y)?;
        }
        (he::Expression::BinaryOp(x), ExprKind::Binary(y)) => {
            if format!("{:?}", x.operator.value()) != format!("{:?}", y.operator) {
                return Err(format!(
                    "binop {:?} vs {:?}",
                    x.operator.value(),
                    y.operator
                ));
            }
            expr(&x.lhs_expr, &y.lhs)?;
            expr(&x.rhs_expr, &y.rhs)?;
        }
        (he::Expression::ForExpr(x), ExprKind::For(y)) => {
            expr(&x.intro.collection_expr, &y.collection)?;
            match (&x.key_expr, &y.key_expr) {
                (Some(p), Some(q)) => expr(p, q)?,
                (None, None) => {}
                _ => return Err("for key".into()),
            }
            expr(&x.value_expr, &y.value_expr)?;
            match (&x.cond, &y.cond) {
                (Some(p), Some(q)) => expr(&p.expr, q)?,
                (None, None) => {}
                _ => return Err("for cond".into()),
            }
            if x.grouping != y.grouping {
                return Err("grouping".into());
            }
        }
        _ => {
            return Err(format!(
                "kind: hcl-edit {:?} vs mine {:?}",
                kind_name(a),
                short(b)
            ))
        }
    }
    Ok(())
}

fn kind_name(a: &he::Expression) -> String {
    format!("{a:?}").chars().take(80).collect()
}

fn short(b: &Expression) -> String {
    format!("{:?}", b.kind).chars().take(80).collect()
}

/// The `.tf` files under `dir`, recursively.
fn tf_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            tf_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "tf") {
            out.push(path);
        }
    }
}

/// Every `.tf` file of the fixtures and examples (and of the directories listed in
/// `HCL_DIFF_DIRS`, colon-separated) that hcl-edit parses gives the same tree, with the same
/// ranges, as this parser. hcl-edit refuses some valid HCL (repeated object keys, line
/// breaks in object `for` expressions), so only its successes are compared.
#[test]
fn parses_like_hcl_edit() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("fixtures"), root.join("examples")];
    if let Ok(extra) = std::env::var("HCL_DIFF_DIRS") {
        dirs.extend(extra.split(':').map(std::path::PathBuf::from));
    }
    let mut files = Vec::new();
    for dir in &dirs {
        tf_files(dir, &mut files);
    }
    let (mut compared, mut differing) = (0, Vec::new());
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(theirs) = ::hcl::edit::parser::parse_body(&text) else {
            continue;
        };
        compared += 1;
        let result = match parse_body(&text) {
            Ok(mine) => body(&theirs, &mine),
            Err(e) => Err(format!("refused: {} at {}", e.message, e.offset)),
        };
        if let Err(e) = result {
            differing.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(compared > 100, "only {compared} files compared");
    assert!(differing.is_empty(), "{}", differing.join("\n"));
}

/// Truncated and mutated `.tf` files (those of the fixtures and examples, and of the
/// directories in `HCL_DIFF_DIRS`) parse to a tree or an error, never a panic.
#[test]
fn mutated_files_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("fixtures"), root.join("examples")];
    let extra = std::env::var("HCL_DIFF_DIRS").is_ok();
    if let Ok(more) = std::env::var("HCL_DIFF_DIRS") {
        dirs.extend(more.split(':').map(std::path::PathBuf::from));
    }
    let mut files = Vec::new();
    for dir in &dirs {
        tf_files(dir, &mut files);
    }
    let specials: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "\"",
        "${",
        "%{",
        "~}",
        "<<EOT\n",
        "<<-EOT\n",
        "\nEOT\n",
        "\n",
        "#",
        "//",
        "/*",
        "*/",
        "\\",
        "é",
        "\u{feff}",
        "=",
        "==",
        "=>",
        "...",
        ".",
        "*",
        "?",
        ":",
        ",",
        "for ",
        " in ",
        "if ",
        "%{ endif }",
        "%{ else }",
        "%{ endfor }",
        "-",
        "!",
        "1e",
        "0.",
        "::",
        "\r\n",
        "\t",
        "$$",
        "%%{",
        "\\u12",
        "🙂",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let (step, mutations) = if extra { (7, 200) } else { (13, 40) };
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for cut in (0..=text.len()).step_by(step) {
            if text.is_char_boundary(cut) {
                let _ = parse_body(&text[..cut]);
                let _ = parse_template(&text[..cut]);
            }
        }
        for _ in 0..mutations {
            let mut t = text.clone();
            for _ in 0..1 + next(4) {
                let mut at = next(t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                let special = specials[next(specials.len())];
                match next(3) {
                    0 => t.insert_str(at, special),
                    1 => {
                        let mut end = (at + 1 + next(8)).min(t.len());
                        while !t.is_char_boundary(end) {
                            end -= 1;
                        }
                        t.replace_range(at..end, "");
                    }
                    _ => t.insert_str(at, &special.repeat(1 + next(80))),
                }
            }
            let _ = parse_body(&t);
            let _ = parse_expr(&t);
            let _ = parse_template(&t);
        }
    }
}
