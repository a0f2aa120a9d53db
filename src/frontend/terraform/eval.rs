//! Expression evaluation over the parsed HCL tree: operators with Terraform's conversions,
//! templates and directives, `for` expressions, splats, function calls and references.
//! What a reference names (variables, locals, resources, modules) is resolved by
//! [`super::instance`].

use super::budget::{call_estimate, call_work, over_budget, Weight};
use super::config::Expr;
use super::convert::{self, is_unknown, to_bool, to_number};
use super::functions;
use super::hcl::{
    BinaryOperator, Element, ExprKind, Expression, ForExpr, FuncCall, ObjectKey, Template,
    TextRange, TraversalOperator, UnaryOperator,
};
use super::instance::{Evaluator, InstanceId};
use super::json::JsonExpr;
use super::number::Number;
use super::value::{Map, Value};
use std::collections::{BTreeMap, HashSet};

/// Names bound while evaluating: `count`, `each`, `for` variables, dynamic iterators.
pub(super) type Scope = Vec<(String, Value)>;

pub(super) type EvalResult = Result<Value, String>;

pub(super) fn lookup<'a>(scope: &'a Scope, name: &str) -> Option<&'a Value> {
    scope.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
}

pub(super) fn deferred_reason(value: &Value) -> String {
    match value {
        Value::Unknown(reason) => reason.clone(),
        Value::Ref(r) => format!("computed attribute {}.{}", r.address, r.attribute),
        _ => String::new(),
    }
}

/// A Ref inside a value that a function or template consumes: the result is unknown.
fn refs_to_unknown(value: Value) -> Value {
    match value {
        Value::Ref(_) => Value::Unknown(deferred_reason(&value)),
        Value::List(items) => Value::List(items.into_iter().map(refs_to_unknown).collect()),
        Value::Set(items) => Value::Set(items.into_iter().map(refs_to_unknown).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k, refs_to_unknown(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Functions that only select, reorder or regroup elements: a reference passed through
/// them stays a reference (`element(aws_subnet.a[*].id, count.index)`).
const REF_PRESERVING_FUNCTIONS: &[&str] = &[
    "element",
    "lookup",
    "concat",
    "flatten",
    "values",
    "tolist",
    "toset",
    "tomap",
    "coalesce",
    "coalescelist",
    "compact",
    "distinct",
    "merge",
    "one",
    "reverse",
    "slice",
    "length",
    "zipmap",
    // `join("", aws_vpc.default[*].id)` of a resource with count 0 or 1 (cloudposse).
    "join",
];

/// Marks a placeholder string standing for a reference while a function runs.
const REF_MARK: char = '\u{0}';

fn contains_ref(value: &Value) -> bool {
    match value {
        Value::Ref(_) => true,
        Value::List(items) | Value::Set(items) => items.iter().any(contains_ref),
        Value::Map(entries) => entries.values().any(contains_ref),
        _ => false,
    }
}

/// Calls a selection function with each reference replaced by a unique placeholder
/// string, then turns the placeholders in the result back into references. A placeholder
/// that was altered or embedded in another string makes that value unknown.
fn call_preserving_refs(name: &str, args: Vec<Value>) -> Value {
    fn encode(value: Value, refs: &mut Vec<crate::frontend::Ref>) -> Value {
        match value {
            Value::Ref(r) => {
                let index = match refs.iter().position(|known| known == &*r) {
                    Some(i) => i,
                    None => {
                        refs.push(*r);
                        refs.len() - 1
                    }
                };
                Value::String(format!("{REF_MARK}{index}{REF_MARK}"))
            }
            Value::List(items) => Value::List(items.into_iter().map(|i| encode(i, refs)).collect()),
            Value::Set(items) => Value::Set(items.into_iter().map(|i| encode(i, refs)).collect()),
            Value::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, encode(v, refs)))
                    .collect(),
            ),
            other => other,
        }
    }
    fn decode(value: Value, refs: &[crate::frontend::Ref]) -> Value {
        let derived = || Value::Unknown("derived from a computed attribute".into());
        match value {
            Value::String(s) if s.contains(REF_MARK) => {
                let reference = |index: &str| index.parse::<usize>().ok().and_then(|i| refs.get(i));
                match s
                    .strip_prefix(REF_MARK)
                    .and_then(|rest| rest.strip_suffix(REF_MARK))
                    .and_then(reference)
                {
                    Some(r) => Value::reference(r.clone()),
                    // Joined into a longer string (`join(",", ids)`): unknown, named after
                    // the first attribute in it.
                    None => s
                        .split(REF_MARK)
                        .nth(1)
                        .and_then(reference)
                        .map_or_else(derived, |r| {
                            Value::Unknown(deferred_reason(&Value::reference(r.clone())))
                        }),
                }
            }
            Value::List(items) => Value::List(items.into_iter().map(|i| decode(i, refs)).collect()),
            Value::Set(items) => Value::Set(items.into_iter().map(|i| decode(i, refs)).collect()),
            Value::Map(entries) if entries.keys().any(|k| k.contains(REF_MARK)) => derived(),
            Value::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, decode(v, refs)))
                    .collect(),
            ),
            other => other,
        }
    }
    let mut refs = Vec::new();
    let args = args.into_iter().map(|a| encode(a, &mut refs)).collect();
    match functions::call(name, args) {
        Ok(result) => decode(result, &refs),
        Err(e) => Value::Unknown(format!("{name}() of computed attributes: {e}")),
    }
}

pub(super) fn parse_number(text: &str) -> EvalResult {
    Number::parse(text)
        .map(Value::number)
        .ok_or_else(|| format!("invalid number {text}"))
}

/// Equality as Terraform's `==`: no conversion between types.
fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.total_cmp(y).is_eq(),
        (Value::List(x), Value::List(y)) | (Value::Set(x), Value::Set(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| values_equal(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && values_equal(va, vb))
        }
        _ => a == b,
    }
}

/// Whether two computed attributes are equal where that is known before apply: the same
/// attribute of one resource instance is one value, and the `id`s of two managed instances
/// of one resource type are two objects' IDs (which lets `[for s in fw.sync_states : ... if
/// s.attachment[0].subnet_id == aws_subnet.a[count.index].id]` pick an endpoint).
/// Unknown for anything else: a data source or an `aws_default_*` resource may read the
/// same object as another, and an accepter's ID is the connection's.
fn refs_equal(a: &crate::frontend::Ref, b: &crate::frontend::Ref) -> Option<bool> {
    if a.attribute != "id" || b.attribute != "id" {
        return None;
    }
    if a.address == b.address {
        return Some(true);
    }
    let kind = managed_kind(&a.address)?;
    (kind == managed_kind(&b.address)? && !kind.starts_with("aws_default_")).then_some(false)
}

/// The resource type of a managed resource instance's address (`module.a["k"].aws_subnet.b[0]`
/// gives `aws_subnet`); `None` for a data source.
fn managed_kind(address: &str) -> Option<&str> {
    let mut rest = address;
    while let Some(call) = rest.strip_prefix("module.") {
        let mut after = call.get(call.find(['.', '['])?..)?;
        if let Some(key) = after.strip_prefix("[\"") {
            let mut escaped = false;
            let end = key.find(|c| {
                let closes = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                closes
            })?;
            after = key.get(end + 1..)?.strip_prefix(']')?;
        } else if let Some(index) = after.strip_prefix('[') {
            after = index.get(index.find(']')? + 1..)?;
        }
        rest = after.strip_prefix('.')?;
    }
    match rest.split_once('.')? {
        ("data", _) => None,
        (kind, _) => Some(kind),
    }
}

impl Evaluator<'_> {
    pub(super) fn eval_expr(&self, inst: InstanceId, expr: &Expr, scope: &mut Scope) -> EvalResult {
        match expr {
            Expr::Hcl(e) => self.eval(inst, e, scope),
            Expr::Json(j) => self.eval_json(inst, j, scope),
        }
    }

    fn eval_json(&self, inst: InstanceId, expr: &JsonExpr, scope: &mut Scope) -> EvalResult {
        if let Err(kind) = self.budget.step() {
            return Ok(over_budget(kind));
        }
        Ok(match expr {
            JsonExpr::Null(_) => Value::Null,
            JsonExpr::Bool(b, _) => Value::Bool(*b),
            JsonExpr::Number(n, _) => parse_number(n)?,
            JsonExpr::String(s, _) => Value::String(s.clone()),
            JsonExpr::Template(t, _) => self.eval_template(inst, t, scope)?,
            JsonExpr::Array(items, _) => Value::List(
                items
                    .iter()
                    .map(|i| self.eval_json(inst, i, scope))
                    .collect::<Result<_, _>>()?,
            ),
            JsonExpr::Object(entries, _) => Value::Map(
                entries
                    .iter()
                    .map(|(key, _, value)| Ok((key.clone(), self.eval_json(inst, value, scope)?)))
                    .collect::<Result<Map, String>>()?,
            ),
        })
    }

    pub(super) fn eval(
        &self,
        inst: InstanceId,
        expr: &Expression,
        scope: &mut Scope,
    ) -> EvalResult {
        if let Err(kind) = self.budget.step() {
            return Ok(over_budget(kind));
        }
        match &expr.kind {
            ExprKind::Null => Ok(Value::Null),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Number(raw) => parse_number(raw),
            ExprKind::String(s) => Ok(Value::String(s.to_string())),
            ExprKind::Array(items) => Ok(Value::List(
                items
                    .iter()
                    .map(|i| self.eval(inst, i, scope))
                    .collect::<Result<_, _>>()?,
            )),
            ExprKind::Object(items) => {
                let mut entries = Vec::with_capacity(items.len());
                for item in items {
                    let key = match &item.key {
                        ObjectKey::Ident(i) => i.name.to_string(),
                        ObjectKey::Expression(e) => {
                            let key = self.eval(inst, e, scope)?;
                            if is_unknown(&key) {
                                return Ok(Value::Unknown(format!(
                                    "object key is unknown: {}",
                                    deferred_reason(&key)
                                )));
                            }
                            convert::to_string(&key)?
                        }
                    };
                    entries.push((key, self.eval(inst, &item.value, scope)?));
                }
                // A repeated key keeps its last value, as in Terraform.
                Ok(Value::Map(Map::from_entries(entries)))
            }
            ExprKind::Template(t) | ExprKind::Heredoc(t) => self.eval_template(inst, t, scope),
            ExprKind::Parenthesis(inner) => self.eval(inst, inner, scope),
            ExprKind::Variable(name) => {
                let value = match lookup(scope, name) {
                    Some(value) => value.clone(),
                    None => self.resolve_reference(inst, name, &[], scope)?,
                };
                Ok(self.copied(value))
            }
            ExprKind::Conditional(c) => {
                let cond = self.eval(inst, &c.cond, scope)?;
                if is_unknown(&cond) {
                    return Ok(Value::Unknown(format!(
                        "condition is unknown: {}",
                        deferred_reason(&cond)
                    )));
                }
                let (taken, other) = if to_bool(&cond)? {
                    (&c.true_expr, &c.false_expr)
                } else {
                    (&c.false_expr, &c.true_expr)
                };
                let value = self.eval(inst, taken, scope)?;
                if !matches!(value, Value::List(_) | Value::Set(_)) {
                    return Ok(value);
                }
                // Terraform converts the result to the type both results unify to:
                // `cond ? toset(xs) : []` is a set either way, `cond ? [28] : var.cidrs` a
                // list of strings. The other result's errors do not matter; a `toset()`
                // call is a set even when its value is null.
                Ok(match self.eval(inst, other, scope) {
                    Ok(other @ (Value::List(_) | Value::Set(_))) => {
                        convert::unify_results(value, other)
                    }
                    _ if is_set_call(other) => {
                        convert::unify_results(value, Value::Set(Vec::new()))
                    }
                    _ => value,
                })
            }
            ExprKind::FuncCall(call) => self.eval_call(inst, call, expr.range, scope),
            ExprKind::Traversal(t) => {
                let value = match &t.expr.kind {
                    ExprKind::Variable(name) => match lookup(scope, name) {
                        Some(value) => {
                            let (reached, walked) = walk_attributes(value, &t.operators);
                            let value = reached.clone();
                            let rest = t.operators.get(walked..).unwrap_or_default();
                            self.apply_ops(inst, value, rest, scope)?
                        }
                        None => self.resolve_reference(inst, name, &t.operators, scope)?,
                    },
                    _ => {
                        let value = self.eval(inst, &t.expr, scope)?;
                        self.apply_ops(inst, value, &t.operators, scope)?
                    }
                };
                Ok(self.copied(value))
            }
            ExprKind::Unary(operator, operand) => {
                let value = self.eval(inst, operand, scope)?;
                if is_unknown(&value) {
                    return Ok(Value::Unknown(deferred_reason(&value)));
                }
                match operator {
                    UnaryOperator::Neg => Ok(Value::number(-to_number(&value)?)),
                    UnaryOperator::Not => Ok(Value::Bool(!to_bool(&value)?)),
                }
            }
            ExprKind::Binary(op) => {
                let lhs = self.eval(inst, &op.lhs, scope)?;
                let rhs = self.eval(inst, &op.rhs, scope)?;
                binary(op.operator, lhs, rhs)
            }
            ExprKind::For(f) => self.eval_for(inst, f, scope),
        }
    }

    fn eval_call(
        &self,
        inst: InstanceId,
        call: &FuncCall,
        range: TextRange,
        scope: &mut Scope,
    ) -> EvalResult {
        let name = &*call.name;
        // `core::name` is the built-in `name`; other namespaces are provider functions.
        // Positions inside a rendered template are in the template's text, not the file's.
        let range =
            (!self.rendering_template()).then_some(range.start as usize..range.end as usize);
        if !call.is_builtin(name) {
            let reason = format!(
                "provider function {}::{name}() is not evaluated: vpclint runs no provider",
                call.namespace.join("::")
            );
            self.note_call(range, reason.clone());
            return Ok(Value::Unknown(reason));
        }
        let Some(function) = functions::find(name) else {
            let message = functions::rejected_call(name)
                .unwrap_or_else(|| format!("internal: function {name}() not found"));
            self.reject_call(range, message.clone());
            return Err(message);
        };
        if let Some(reason) = function.unevaluated_reason(name) {
            self.note_call(range.clone(), reason);
        }
        match name {
            "try" => {
                let mut last_error = String::from("try() needs at least one argument");
                for arg in call.args.iter() {
                    match self.eval(inst, arg, scope) {
                        Ok(value) => return Ok(value),
                        Err(e) => last_error = e,
                    }
                }
                return Err(format!("no expression in try() succeeded: {last_error}"));
            }
            "can" => {
                let Some(arg) = call.args.first() else {
                    return Err("can() needs one argument".into());
                };
                return Ok(match self.eval(inst, arg, scope) {
                    Ok(value) if is_unknown(&value) => Value::Unknown(deferred_reason(&value)),
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            "templatestring" => return self.template_string(inst, call, scope),
            _ => {}
        }
        let mut args = Vec::with_capacity(call.args.len());
        for arg in call.args.iter() {
            args.push(self.eval(inst, arg, scope)?);
        }
        if call.expand_final {
            match args.pop() {
                Some(Value::List(items)) | Some(Value::Set(items)) => args.extend(items),
                Some(value) if is_unknown(&value) => {
                    return Ok(Value::Unknown(deferred_reason(&value)))
                }
                _ => return Err(format!("the final argument of {name}() cannot be expanded")),
            }
        }
        if let Some(arg) = args.iter().find(|a| is_unknown(a)) {
            return Ok(Value::Unknown(format!(
                "{name}() of an unknown value ({})",
                deferred_reason(arg)
            )));
        }
        // Checked before the call: `format("%0999999999d", 1)` must not be built.
        if let Err(kind) = self.budget.fits(call_estimate(name, &args)) {
            return Ok(over_budget(kind));
        }
        if let Err(kind) = self.budget.work(call_work(name, &args)) {
            return Ok(over_budget(kind));
        }
        if REF_PRESERVING_FUNCTIONS.contains(&name) && args.iter().any(contains_ref) {
            return Ok(self.copied(call_preserving_refs(name, args)));
        }
        let args: Vec<Value> = args.into_iter().map(refs_to_unknown).collect();
        if name == "templatefile" {
            let rendered = self.template_file(inst, args)?;
            return Ok(self.copied(rendered));
        }
        let result = function
            .call(name, args, self.sandbox())
            .map_err(|e| format!("{name}(): {e}"))?;
        if let (true, Value::Unknown(reason)) = (function.reads_files(name), &result) {
            self.note_call(range, format!("{name}(): {reason}"));
        }
        Ok(self.copied(result))
    }

    /// A value just copied or built, spent from the budgets: unknown when over them.
    fn copied(&self, value: Value) -> Value {
        match self.budget.value(&value) {
            Ok(()) => value,
            Err(kind) => over_budget(kind),
        }
    }

    /// `templatefile(path, vars)`: the file's template rendered with only `vars` in scope.
    fn template_file(&self, inst: InstanceId, args: Vec<Value>) -> EvalResult {
        let [path, vars]: [Value; 2] = args
            .try_into()
            .map_err(|_| "templatefile() takes 2 arguments".to_string())?;
        if self.rendering_template() {
            return Err(
                "templatefile(): cannot recursively call templatefile from inside \
                 templatefile or templatestring"
                    .into(),
            );
        }
        let path = convert::to_string(&path).map_err(|e| format!("templatefile(): {e}"))?;
        let Some(sandbox) = self.sandbox() else {
            return Ok(Value::Unknown(
                "templatefile() reads files: no lint root to read them from".into(),
            ));
        };
        let text = match sandbox.read_text(&path) {
            Ok(text) => text,
            Err(functions::Refusal::Outside(reason)) => {
                let message = format!("templatefile(): {reason}");
                self.note_call(None, message.clone());
                return Ok(Value::Unknown(message));
            }
            Err(functions::Refusal::Error(e)) => return Err(format!("templatefile(): {e}")),
        };
        let template = super::hcl::parse_template(&text)
            .map_err(|e| format!("templatefile(): {path}: invalid template: {}", e.message))?;
        self.render_isolated(inst, &template, vars, "templatefile")
    }

    /// `templatestring(ref, vars)`: the template must come from a reference, not a literal.
    fn template_string(&self, inst: InstanceId, call: &FuncCall, scope: &mut Scope) -> EvalResult {
        let [source, vars] = &call.args[..] else {
            return Err("templatestring() takes 2 arguments".into());
        };
        if !matches!(source.kind, ExprKind::Variable(_) | ExprKind::Traversal(_)) {
            return Err(
                "templatestring(): the template must be a reference to a value \
                 retrieved from elsewhere, not a literal template"
                    .into(),
            );
        }
        if self.rendering_template() {
            return Err("templatestring(): cannot be called from inside a template".into());
        }
        let text = self.eval(inst, source, scope)?;
        let vars = self.eval(inst, vars, scope)?;
        if !convert::is_wholly_known(&text) {
            return Ok(Value::Unknown(deferred_reason(&text)));
        }
        let text = convert::to_string(&text).map_err(|e| format!("templatestring(): {e}"))?;
        let template = super::hcl::parse_template(&text)
            .map_err(|e| format!("templatestring(): invalid template: {}", e.message))?;
        self.render_isolated(inst, &template, vars, "templatestring")
    }

    /// Renders a template whose only names are the keys of `vars`.
    fn render_isolated(
        &self,
        inst: InstanceId,
        template: &Template,
        vars: Value,
        function: &str,
    ) -> EvalResult {
        let mut scope: Scope = match vars {
            Value::Map(entries) => entries
                .into_iter()
                .map(|(k, v)| (k, refs_to_unknown(v)))
                .collect(),
            Value::Unknown(_) | Value::Ref(_) => return Ok(Value::Unknown(deferred_reason(&vars))),
            other => {
                return Err(format!(
                    "{function}(): vars must be an object, not a {}",
                    convert::type_name(&other)
                ))
            }
        };
        self.enter_template();
        let result = self.eval_template(inst, template, &mut scope);
        self.leave_template();
        result.map_err(|e| format!("{function}(): {e}"))
    }

    fn eval_for(&self, inst: InstanceId, f: &ForExpr, scope: &mut Scope) -> EvalResult {
        let collection = self.eval(inst, &f.collection, scope)?;
        let items = match iteration_items(collection)? {
            Ok(items) => items,
            Err(unknown) => return Ok(unknown),
        };
        let key_var = f.key_var.as_deref().map(str::to_string);
        let value_var = f.value_var.to_string();
        let mut list = Vec::new();
        let mut entries: Vec<(String, Value)> = Vec::new();
        let mut seen = SeenKeys::default();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (key, value) in items {
            let depth = scope.len();
            if let Some(k) = &key_var {
                scope.push((k.clone(), key));
            }
            scope.push((value_var.clone(), value));
            let result = self.for_item(inst, f, scope);
            scope.truncate(depth);
            let Some((key, value)) = result? else {
                continue;
            };
            if let Err(kind) = self.budget.weight(Weight {
                elements: 1,
                string_bytes: 0,
            }) {
                return Ok(over_budget(kind));
            }
            match key {
                None => list.push(value),
                Some(Value::String(key)) if f.grouping => {
                    groups.entry(key).or_default().push(value)
                }
                Some(Value::String(key)) => {
                    if seen.repeated(&entries, &key) {
                        return Err(format!(
                            "duplicate object key \"{key}\" in for expression (use ... to group)"
                        ));
                    }
                    entries.push((key, value));
                }
                Some(unknown) => return Ok(unknown),
            }
        }
        Ok(if f.key_expr.is_none() {
            Value::List(list)
        } else if f.grouping {
            Value::Map(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::List(v)))
                    .collect(),
            )
        } else {
            Value::Map(Map::from_entries(entries))
        })
    }

    /// One iteration of a `for` expression: `None` when its `if` is false; a key of
    /// `Some(Unknown)` makes the whole result unknown.
    fn for_item(
        &self,
        inst: InstanceId,
        f: &ForExpr,
        scope: &mut Scope,
    ) -> Result<Option<(Option<Value>, Value)>, String> {
        if let Some(cond) = &f.cond {
            let keep = self.eval(inst, cond, scope)?;
            if is_unknown(&keep) {
                let reason = format!("for condition is unknown: {}", deferred_reason(&keep));
                return Ok(Some((
                    Some(Value::Unknown(reason.clone())),
                    Value::Unknown(reason),
                )));
            }
            if !to_bool(&keep)? {
                return Ok(None);
            }
        }
        let key = match &f.key_expr {
            Some(k) => {
                let key = self.eval(inst, k, scope)?;
                Some(if is_unknown(&key) {
                    Value::Unknown(format!("for key is unknown: {}", deferred_reason(&key)))
                } else {
                    Value::String(convert::to_string(&key)?)
                })
            }
            None => None,
        };
        let value = self.eval(inst, &f.value_expr, scope)?;
        Ok(Some((key, value)))
    }

    pub(super) fn eval_template(
        &self,
        inst: InstanceId,
        template: &Template,
        scope: &mut Scope,
    ) -> EvalResult {
        if let Some(single) = template.single_interpolation() {
            return self.eval(inst, single, scope);
        }
        let mut out = String::new();
        let mut unknown = None;
        self.render_template(inst, template, scope, &mut out, &mut unknown)?;
        Ok(match unknown {
            Some(reason) => Value::Unknown(reason),
            None => Value::String(out),
        })
    }

    /// Appends a template's text to `out`. Its literals already carry Terraform's
    /// whitespace rules (applied by the parser), so rendering only concatenates.
    fn render_template(
        &self,
        inst: InstanceId,
        template: &Template,
        scope: &mut Scope,
        out: &mut String,
        unknown: &mut Option<String>,
    ) -> Result<(), String> {
        for element in &template.elements {
            match element {
                Element::Literal(text) => {
                    if !self.spend_string(text.len(), unknown) {
                        return Ok(());
                    }
                    out.push_str(text);
                }
                Element::Interpolation(expr) => {
                    let value = self.eval(inst, expr, scope)?;
                    self.append_value(value, out, unknown)?;
                }
                Element::If(d) => {
                    let cond = self.eval(inst, &d.cond, scope)?;
                    if is_unknown(&cond) {
                        *unknown = Some(deferred_reason(&cond));
                        continue;
                    }
                    if to_bool(&cond)? {
                        self.render_template(inst, &d.then_template, scope, out, unknown)?;
                    } else if let Some(e) = &d.else_template {
                        self.render_template(inst, e, scope, out, unknown)?;
                    }
                }
                Element::For(d) => {
                    let collection = self.eval(inst, &d.collection, scope)?;
                    let items = match iteration_items(collection)? {
                        Ok(items) => items,
                        Err(value) => {
                            *unknown = Some(deferred_reason(&value));
                            continue;
                        }
                    };
                    for (key, value) in items {
                        if !self.spend_string(0, unknown) {
                            return Ok(());
                        }
                        let depth = scope.len();
                        if let Some(k) = &d.key_var {
                            scope.push((k.to_string(), key));
                        }
                        scope.push((d.value_var.to_string(), value));
                        let result = self.render_template(inst, &d.template, scope, out, unknown);
                        scope.truncate(depth);
                        result?;
                    }
                }
            }
        }
        Ok(())
    }

    fn append_value(
        &self,
        value: Value,
        out: &mut String,
        unknown: &mut Option<String>,
    ) -> Result<(), String> {
        match value {
            Value::Unknown(_) | Value::Ref(_) => *unknown = Some(deferred_reason(&value)),
            Value::List(_) | Value::Set(_) | Value::Map(_) => {
                return Err(format!(
                    "cannot include a {} in a string template",
                    convert::type_name(&value)
                ))
            }
            other => {
                let text = convert::to_string(&other)?;
                if self.spend_string(text.len(), unknown) {
                    out.push_str(&text);
                }
            }
        }
        Ok(())
    }

    /// One step of a template adding `bytes` to its text; `false` (and the template
    /// unknown) when over budget.
    fn spend_string(&self, bytes: usize, unknown: &mut Option<String>) -> bool {
        let spent = self.budget.step().and_then(|()| {
            self.budget.weight(Weight {
                elements: 0,
                string_bytes: bytes as u64,
            })
        });
        match spent {
            Ok(()) => true,
            Err(kind) => {
                *unknown = Some(deferred_reason(&over_budget(kind)));
                false
            }
        }
    }

    /// Applies attribute accesses, indexes and splats to a value.
    pub(super) fn apply_ops(
        &self,
        inst: InstanceId,
        mut value: Value,
        ops: &[TraversalOperator],
        scope: &mut Scope,
    ) -> EvalResult {
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            match op {
                TraversalOperator::GetAttr(name) => value = get_attr(value, name)?,
                TraversalOperator::Index(key) => {
                    let key = self.eval(inst, key, scope)?;
                    value = index(value, key)?;
                }
                TraversalOperator::LegacyIndex(n) => {
                    value = index(value, Value::number(Number::from_i64(*n as i64)))?;
                }
                TraversalOperator::FullSplat => {
                    let rest = ops.get(i + 1..).unwrap_or_default();
                    return self.splat(inst, value, rest, scope);
                }
                TraversalOperator::AttrSplat => {
                    let body_len = ops
                        .get(i + 1..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(|o| matches!(o, TraversalOperator::GetAttr(_)))
                        .count();
                    let body = ops.get(i + 1..i + 1 + body_len).unwrap_or_default();
                    value = self.splat(inst, value, body, scope)?;
                    i += body_len;
                }
            }
            i += 1;
        }
        Ok(value)
    }

    /// `value[*].rest`: `rest` applied to each element; null is an empty list and any
    /// other single value a one-element list.
    pub(super) fn splat(
        &self,
        inst: InstanceId,
        value: Value,
        rest: &[TraversalOperator],
        scope: &mut Scope,
    ) -> EvalResult {
        let items = match value {
            Value::Unknown(_) | Value::Ref(_) => {
                return Ok(Value::Unknown(deferred_reason(&value)))
            }
            Value::Null => Vec::new(),
            Value::List(items) | Value::Set(items) => items,
            other => vec![other],
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(self.apply_ops(inst, item, rest, scope)?);
        }
        Ok(Value::List(out))
    }
}

/// A call of `toset()`, whose result is a set whatever its argument.
fn is_set_call(expr: &Expression) -> bool {
    matches!(&expr.kind, ExprKind::FuncCall(call) if call.is_builtin("toset"))
}

/// The keys a `for` expression has produced, by hash, compared in full only on a hit: a
/// large map is then built in one sort and not one insert at a time.
#[derive(Default)]
struct SeenKeys {
    state: std::hash::RandomState,
    hashes: HashSet<u64>,
}

impl SeenKeys {
    fn repeated(&mut self, entries: &[(String, Value)], key: &str) -> bool {
        use std::hash::BuildHasher;
        !self.hashes.insert(self.state.hash_one(key)) && entries.iter().any(|(k, _)| k == key)
    }
}

fn iteration_items(collection: Value) -> Result<Result<Vec<(Value, Value)>, Value>, String> {
    Ok(Ok(match collection {
        Value::List(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::number(Number::from_i64(i as i64)), v))
            .collect(),
        Value::Set(items) => items.into_iter().map(|v| (v.clone(), v)).collect(),
        Value::Map(entries) => entries
            .into_iter()
            .map(|(k, v)| (Value::String(k), v))
            .collect(),
        Value::Unknown(_) | Value::Ref(_) => {
            return Ok(Err(Value::Unknown(format!(
                "for over an unknown collection: {}",
                deferred_reason(&collection)
            ))))
        }
        Value::Null => return Err("cannot iterate over null".into()),
        other => {
            return Err(format!(
                "cannot iterate over a {}",
                convert::type_name(&other)
            ))
        }
    }))
}

/// The start of [`get_attr`]'s error for an object without the attribute.
pub(super) const UNSUPPORTED_ATTRIBUTE: &str = "unsupported attribute";

/// Follows the leading attribute accesses of `ops` through `value` by reference, as
/// [`get_attr`] would by value: only what they reach is then cloned (`each.value.index`,
/// `s.id` of a whole resource object). Returns it and how many of `ops` it took.
pub(super) fn walk_attributes<'a>(
    mut value: &'a Value,
    ops: &[TraversalOperator],
) -> (&'a Value, usize) {
    let mut walked = 0;
    for op in ops {
        let (TraversalOperator::GetAttr(name), Value::Map(entries)) = (op, value) else {
            break;
        };
        let Some(next) = entries.get(name) else {
            break;
        };
        value = next;
        walked += 1;
    }
    (value, walked)
}

pub(super) fn get_attr(value: Value, name: &str) -> EvalResult {
    match value {
        Value::Map(mut entries) => entries
            .remove(name)
            .ok_or_else(|| format!("{UNSUPPORTED_ATTRIBUTE} \"{name}\"")),
        Value::Unknown(_) | Value::Ref(_) => Ok(Value::Unknown(deferred_reason(&value))),
        Value::Null => Err(format!(
            "attempt to get attribute \"{name}\" from a null value"
        )),
        other => Err(format!(
            "cannot get attribute \"{name}\" of a {}",
            convert::type_name(&other)
        )),
    }
}

pub(super) fn index(value: Value, key: Value) -> EvalResult {
    if is_unknown(&key) {
        return Ok(Value::Unknown(format!(
            "index is unknown: {}",
            deferred_reason(&key)
        )));
    }
    match value {
        Value::List(mut items) => {
            let n = to_number(&key)?;
            let i = n
                .to_i64()
                .filter(|i| *i >= 0 && (*i as usize) < items.len())
                .ok_or_else(|| format!("index {n} out of range for a list of {}", items.len()))?;
            Ok(items.swap_remove(i as usize))
        }
        Value::Map(mut entries) => {
            let k = convert::to_string(&key)?;
            entries
                .remove(&k)
                .ok_or_else(|| format!("no element with key \"{k}\""))
        }
        Value::Unknown(_) | Value::Ref(_) => Ok(Value::Unknown(deferred_reason(&value))),
        Value::Set(_) => Err("elements of a set cannot be accessed by index".into()),
        Value::Null => Err("cannot index a null value".into()),
        other => Err(format!("cannot index a {}", convert::type_name(&other))),
    }
}

fn binary(op: BinaryOperator, lhs: Value, rhs: Value) -> EvalResult {
    use BinaryOperator as B;
    match op {
        B::And | B::Or => {
            let known = |v: &Value| -> Result<Option<bool>, String> {
                if is_unknown(v) {
                    Ok(None)
                } else {
                    to_bool(v).map(Some)
                }
            };
            let (l, r) = (known(&lhs)?, known(&rhs)?);
            let decisive = op == B::Or;
            Ok(match (l, r) {
                (Some(a), Some(b)) => Value::Bool(if decisive { a || b } else { a && b }),
                (Some(x), _) | (_, Some(x)) if x == decisive => Value::Bool(decisive),
                // Unknown as the operand it depends on is, and for the same reason.
                _ => Value::Unknown(deferred_reason(if l.is_none() { &lhs } else { &rhs })),
            })
        }
        B::Eq | B::NotEq => {
            let equal = match (&lhs, &rhs) {
                (Value::Ref(a), Value::Ref(b)) => refs_equal(a, b),
                _ if is_unknown(&lhs) || is_unknown(&rhs) => None,
                _ => Some(values_equal(&lhs, &rhs)),
            };
            Ok(match equal {
                Some(equal) => Value::Bool(equal == (op == B::Eq)),
                None => Value::Unknown(deferred_reason(if is_unknown(&lhs) { &lhs } else { &rhs })),
            })
        }
        _ if is_unknown(&lhs) || is_unknown(&rhs) => {
            let reason = if is_unknown(&lhs) { &lhs } else { &rhs };
            Ok(Value::Unknown(deferred_reason(reason)))
        }
        _ => {
            let (a, b) = (to_number(&lhs)?, to_number(&rhs)?);
            Ok(match op {
                B::Plus => Value::number(a + b),
                B::Minus => Value::number(a - b),
                B::Mul => Value::number(a * b),
                B::Div => Value::number(a.checked_div(b).ok_or("division by zero")?),
                B::Mod => Value::number(a.checked_rem(b).ok_or("modulo by zero")?),
                B::Less => Value::Bool(a.total_cmp(&b).is_lt()),
                B::LessEq => Value::Bool(a.total_cmp(&b).is_le()),
                B::Greater => Value::Bool(a.total_cmp(&b).is_gt()),
                B::GreaterEq => Value::Bool(a.total_cmp(&b).is_ge()),
                B::Eq | B::NotEq | B::And | B::Or => {
                    return Err(format!("operator {op:?} is not arithmetic"))
                }
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::terraform::config::ModuleConfig;
    use crate::frontend::Ref;
    use crate::source::SourceMap;
    use std::collections::HashMap;
    use std::sync::Arc;

    fn eval_with(text: &str, scope: &mut Scope) -> EvalResult {
        let sources = SourceMap::new();
        let root = Arc::new(ModuleConfig::default());
        let evaluator = Evaluator::new(
            &sources,
            root,
            HashMap::new(),
            HashMap::new(),
            Default::default(),
        );
        let expr = super::super::hcl::parse_expr(text).expect("test expression parses");
        evaluator.eval(0, &expr, scope)
    }

    fn eval(text: &str) -> EvalResult {
        eval_with(text, &mut Vec::new())
    }

    fn number(n: i64) -> Value {
        Value::number(Number::from_i64(n))
    }

    fn string(s: &str) -> Value {
        Value::String(s.into())
    }

    #[test]
    fn arithmetic_converts_strings_like_terraform() {
        assert_eq!(eval(r#""5" + 1"#), Ok(number(6)));
        assert_eq!(eval("7 % 3 * 2 - -1"), Ok(number(3)));
        assert_eq!(eval(r#"1 == "1""#), Ok(Value::Bool(false)));
        assert_eq!(eval(r#"3 >= "2" && !false"#), Ok(Value::Bool(true)));
        assert!(eval("1 / 0").is_err());
        assert!(eval(r#""x" + 1"#).is_err());
    }

    #[test]
    fn templates_render_and_strip() {
        assert_eq!(eval(r#""a ${~ "b" ~} c""#), Ok(string("abc")));
        assert_eq!(
            eval(r#""%{ for k, v in { x = 1, y = 2 } }${k}${v},%{ endfor }""#),
            Ok(string("x1,y2,"))
        );
        assert_eq!(
            eval(r#""%{ if 1 > 2 }yes%{ else }no%{ endif }""#),
            Ok(string("no"))
        );
        // A lone interpolation keeps the value's type.
        assert_eq!(eval(r#""${5}""#), Ok(number(5)));
    }

    /// `templatefile`'s rendering, with the results `terraform console` gives.
    #[test]
    fn template_file_strip_markers_trim_only_the_adjacent_line() {
        let render = |text: &str| {
            let sources = SourceMap::new();
            let root = Arc::new(ModuleConfig::default());
            let evaluator = Evaluator::new(
                &sources,
                root,
                HashMap::new(),
                HashMap::new(),
                Default::default(),
            );
            let template = super::super::hcl::parse_template(text).expect("template parses");
            evaluator.render_isolated(0, &template, Value::Map(Map::new()), "test")
        };
        assert_eq!(
            render("%{ for x in [1, 2] ~}\n  - ${x}\n%{ endfor ~}\nend\n"),
            Ok(string("  - 1\n  - 2\nend\n"))
        );
        assert_eq!(
            render("a\n  b  \n  %{~ if true }x%{ endif }\n"),
            Ok(string("a\n  b  \nx\n"))
        );
        assert_eq!(
            render("%{ if true ~}\n\n  \n  y\n%{ endif }\n"),
            Ok(string("\n  \n  y\n\n"))
        );
        assert!(render("${var.x}").is_err());
    }

    #[test]
    fn for_expressions_filter_group_and_reject_duplicates() {
        assert_eq!(
            eval("[for x in [1, 2, 3] : x * 2 if x != 2]"),
            Ok(Value::List(vec![number(2), number(6)]))
        );
        let grouped = eval(r#"{ for s in ["a", "b", "a"] : s => s... }"#).expect("groups");
        assert_eq!(
            grouped,
            Value::Map(Map::from([
                ("a".into(), Value::List(vec![string("a"), string("a")])),
                ("b".into(), Value::List(vec![string("b")])),
            ]))
        );
        assert!(eval(r#"{ for s in ["a", "a"] : s => 1 }"#).is_err());
    }

    #[test]
    fn splats_and_unknowns() {
        assert_eq!(
            eval("[{ a = 1 }, { a = 2 }][*].a"),
            Ok(Value::List(vec![number(1), number(2)]))
        );
        assert_eq!(eval("null[*]"), Ok(Value::List(Vec::new())));
        let reference = Value::reference(Ref {
            address: "aws_vpc.a".into(),
            attribute: "id".into(),
        });
        let mut scope = vec![("r".to_string(), reference.clone())];
        assert_eq!(eval_with("r", &mut scope), Ok(reference.clone()));
        assert_eq!(eval_with("true ? r : null", &mut scope), Ok(reference));
        assert!(matches!(
            eval_with(r#""${r}-x""#, &mut scope),
            Ok(Value::Unknown(_))
        ));
        assert!(matches!(
            eval_with("r == 1", &mut scope),
            Ok(Value::Unknown(_))
        ));
    }

    /// `==` between references is decided where the objects are known to be one or two:
    /// the same instance's `id`, or the `id`s of two managed instances of one type.
    #[test]
    fn references_compare_equal_only_when_they_name_known_objects() {
        let reference = |address: &str, attribute: &str| {
            Value::reference(Ref {
                address: address.into(),
                attribute: attribute.into(),
            })
        };
        let mut scope = vec![
            ("a0".to_string(), reference("aws_subnet.a[0]", "id")),
            ("a0_again".to_string(), reference("aws_subnet.a[0]", "id")),
            ("a1".to_string(), reference("aws_subnet.a[1]", "id")),
            (
                "keyed".to_string(),
                reference(r#"module.net["x.y\"]"].aws_subnet.a[0]"#, "id"),
            ),
            ("vpc".to_string(), reference("aws_vpc.main", "id")),
            ("read".to_string(), reference("data.aws_subnet.a", "id")),
            (
                "default1".to_string(),
                reference("aws_default_subnet.a", "id"),
            ),
            (
                "default2".to_string(),
                reference("aws_default_subnet.b", "id"),
            ),
            (
                "zone".to_string(),
                reference("aws_subnet.a[0]", "availability_zone"),
            ),
            (
                "zone1".to_string(),
                reference("aws_subnet.a[1]", "availability_zone"),
            ),
        ];
        let mut check = |text: &str| eval_with(text, &mut scope);
        assert_eq!(check("a0 == a0_again"), Ok(Value::Bool(true)));
        assert_eq!(check("a0 != a0_again"), Ok(Value::Bool(false)));
        assert_eq!(check("a0 == a1"), Ok(Value::Bool(false)));
        assert_eq!(check("a0 != a1"), Ok(Value::Bool(true)));
        assert_eq!(check("keyed == a0"), Ok(Value::Bool(false)));
        for unknown in [
            "a0 == vpc",
            "a0 == read",
            "default1 == default2",
            "zone == zone1",
            "zone == zone",
            r#"a0 == "subnet-1""#,
        ] {
            assert!(matches!(check(unknown), Ok(Value::Unknown(_))), "{unknown}");
        }
        assert_eq!(
            managed_kind(r#"module.a[0].module.b["k"].aws_vpc.c"#),
            Some("aws_vpc")
        );
        assert_eq!(managed_kind("module.a.data.aws_vpc.c"), None);
    }
}
