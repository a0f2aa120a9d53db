//! Which resources of a module some expression refers to (`aws_vpc.main.id`,
//! `aws_subnet.private[*]`): the others keep no value once evaluated, only the arguments
//! the model is lowered from. Terraform has no other way to reach a resource's value (no
//! lookup by a computed name), so a resource no expression names is never read back.

use super::config::{is_meta_argument, Body, Expr, Mode, ModuleCall, ModuleConfig};
use super::hcl::{Element, ExprKind, Expression, ObjectKey, Template, TraversalOperator};
use foldhash::HashSet;

/// Sets `keeps_value` on each resource of `config` that an expression may read.
pub(super) fn mark_referenced(config: &mut ModuleConfig) {
    let mut named = Names::default();
    for resource in &config.resources {
        named.body(&resource.body);
    }
    for call in &config.modules {
        named.body(&call.body);
    }
    for attr in config.locals.values().chain(config.outputs.values()) {
        named.expr(&attr.expr);
    }
    for variable in config.variables.values() {
        for attr in [&variable.default, &variable.type_expr]
            .into_iter()
            .flatten()
        {
            named.expr(&attr.expr);
        }
    }
    for provider in &config.providers {
        if let Some(region) = &provider.region {
            named.expr(&region.expr);
        }
    }
    let Names { pairs, json } = named;
    let keeps: Vec<bool> = config
        .resources
        .iter()
        .map(|resource| {
            json || resource.mode == Mode::Data
                // Read by address to find a subnet's zone, from any module (instance.rs).
                || &*resource.kind == "aws_subnet"
                || pairs.contains(&(&*resource.kind, resource.name.as_str()))
        })
        .collect();
    for (resource, keeps_value) in config.resources.iter_mut().zip(keeps) {
        resource.keeps_value = keeps_value;
    }
}

#[derive(Default)]
struct Names<'a> {
    /// `(first name, attribute)` of every traversal: `("aws_vpc", "main")`.
    pairs: HashSet<(&'a str, &'a str)>,
    /// A JSON expression's references are in strings parsed when evaluated: every
    /// resource is then taken as referred to.
    json: bool,
}

impl<'a> Names<'a> {
    fn body(&mut self, body: &'a Body) {
        for attr in &body.attrs {
            self.expr(&attr.expr);
        }
        for block in &body.blocks {
            self.body(&block.body);
        }
    }

    fn expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Hcl(e) => self.hcl(e),
            Expr::Json(_) => self.json = true,
        }
    }

    fn hcl(&mut self, expr: &'a Expression) {
        if let ExprKind::Traversal(t) = &expr.kind {
            if let (ExprKind::Variable(root), Some(TraversalOperator::GetAttr(name))) =
                (&t.expr.kind, t.operators.first())
            {
                self.pairs.insert((root, name));
            }
        }
        each_child(expr, &mut |child| self.hcl(child));
    }
}

/// Whether an argument of a module call (its meta-arguments aside) names anything: a
/// variable, local value, resource, data source or module. A module called with literals
/// alone is given no identifier of the caller's resources to add routes or rules to.
pub(super) fn call_names_anything(call: &ModuleCall) -> bool {
    fn names(expr: &Expr) -> bool {
        match expr {
            Expr::Hcl(expr) => names_a_root(expr),
            // Its references are in strings read when evaluated.
            Expr::Json(_) => true,
        }
    }
    fn body_names(body: &Body) -> bool {
        body.attrs.iter().any(|a| names(&a.expr)) || body.blocks.iter().any(|b| body_names(&b.body))
    }
    call.body
        .attrs
        .iter()
        .filter(|a| !is_meta_argument(&a.name))
        .any(|a| names(&a.expr))
        || call.body.blocks.iter().any(|b| body_names(&b.body))
}

/// Whether `expr` or an expression in it is a bare name other than `path`/`terraform`
/// (`var.x`, `local.y`, `aws_vpc.main`, `module.net`).
fn names_a_root(expr: &Expression) -> bool {
    let named = match &expr.kind {
        ExprKind::Variable(root) => !matches!(&**root, "path" | "terraform"),
        _ => false,
    };
    let mut inner = false;
    each_child(expr, &mut |child| inner |= names_a_root(child));
    named || inner
}

/// Calls `visit` on each expression directly inside `expr` (a template's interpolations and
/// directives' expressions included, at any depth of the template).
pub(super) fn each_child<'a>(expr: &'a Expression, visit: &mut impl FnMut(&'a Expression)) {
    match &expr.kind {
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::String(_)
        | ExprKind::Variable(_) => {}
        ExprKind::Array(items) => items.iter().for_each(visit),
        ExprKind::Object(items) => {
            for item in items {
                if let ObjectKey::Expression(key) = &item.key {
                    visit(key);
                }
                visit(&item.value);
            }
        }
        ExprKind::Template(t) | ExprKind::Heredoc(t) => template_children(t, visit),
        ExprKind::Parenthesis(inner) | ExprKind::Unary(_, inner) => visit(inner),
        ExprKind::Conditional(c) => {
            visit(&c.cond);
            visit(&c.true_expr);
            visit(&c.false_expr);
        }
        ExprKind::FuncCall(call) => call.args.iter().for_each(visit),
        ExprKind::Traversal(t) => {
            visit(&t.expr);
            for op in &t.operators {
                if let TraversalOperator::Index(key) = op {
                    visit(key);
                }
            }
        }
        ExprKind::Binary(op) => {
            visit(&op.lhs);
            visit(&op.rhs);
        }
        ExprKind::For(f) => {
            visit(&f.collection);
            visit(&f.value_expr);
            for e in [&f.key_expr, &f.cond].into_iter().flatten() {
                visit(e);
            }
        }
    }
}

fn template_children<'a>(template: &'a Template, visit: &mut impl FnMut(&'a Expression)) {
    for element in &template.elements {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(e) => visit(e),
            Element::If(directive) => {
                visit(&directive.cond);
                template_children(&directive.then_template, visit);
                if let Some(other) = &directive.else_template {
                    template_children(other, visit);
                }
            }
            Element::For(directive) => {
                visit(&directive.collection);
                template_children(&directive.template, visit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::load_module;
    use crate::source::SourceMap;

    fn kept(text: &str) -> Vec<(String, bool)> {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("main.tf"), text).expect("write main.tf");
        let config = load_module(dir.path(), &SourceMap::new());
        config
            .resources
            .iter()
            .map(|r| (format!("{}.{}", r.kind, r.name), r.keeps_value))
            .collect()
    }

    #[test]
    fn a_resource_keeps_its_value_when_any_expression_names_it() {
        let text = r#"
resource "aws_vpc" "interpolated" {}
resource "aws_vpc" "in_for" {}
resource "aws_vpc" "splat" {}
resource "aws_vpc" "index_key" {}
resource "aws_vpc" "branch" {}
resource "aws_vpc" "argument" {}
resource "aws_vpc" "module_input" {}
resource "aws_vpc" "output" {}
resource "aws_vpc" "local" {}
resource "aws_vpc" "dynamic" {}
resource "aws_vpc" "directive" {}
resource "aws_vpc" "object_key" {}
resource "aws_vpc" "unreferenced" {}
resource "aws_subnet" "unreferenced" {}
data "aws_vpc" "unreferenced" {}

resource "aws_route" "user" {
  a = "${aws_vpc.interpolated.id}-x"
  b = [for v in aws_vpc.in_for : v.id if v.id != ""]
  c = aws_vpc.splat[*].id
  d = local.m[aws_vpc.index_key.id]
  e = true ? "x" : aws_vpc.branch.id
  f = cidrsubnet(aws_vpc.argument.cidr_block, 8, 1)
  g = <<-EOT
    %{ for s in aws_vpc.directive.tags }${s}%{ endfor }
  EOT
  h = { (aws_vpc.object_key.id) = 1 }
  dynamic "route" {
    for_each = aws_vpc.dynamic.tags
    content {
      cidr_block = route.value
    }
  }
}

module "child" {
  source = "./child"
  vpc    = aws_vpc.module_input.id
}

output "vpc" {
  value = aws_vpc.output.id
}

locals {
  m = { x = aws_vpc.local.arn }
}
"#;
        let unkept: Vec<String> = kept(text)
            .into_iter()
            .filter(|(_, keeps)| !keeps)
            .map(|(name, _)| name)
            .collect();
        // A subnet is read by address to find its zone; a data source is always kept.
        assert_eq!(unkept, ["aws_vpc.unreferenced", "aws_route.user"]);
    }

    #[test]
    fn a_json_expression_keeps_every_resource() {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(
            dir.path().join("main.tf.json"),
            r#"{"resource": {"aws_vpc": {"a": {"cidr_block": "10.0.0.0/16"}}}}"#,
        )
        .expect("write main.tf.json");
        let config = load_module(dir.path(), &SourceMap::new());
        assert!(config.resources.iter().all(|r| r.keeps_value));
    }
}
