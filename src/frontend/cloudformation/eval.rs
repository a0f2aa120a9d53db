//! Evaluation of a parsed template: parameters, pseudo parameters, conditions, mappings and
//! the intrinsic functions, following the CloudFormation template reference. Anything not
//! knowable before deployment is `V::Unknown` with the reason; `AWS::NoValue` is `None`.

use super::cidr::{cidr, cidr_nth};
use super::node::{Entry, Kind, Node};
use super::serverless;
use super::Exported;
use crate::frontend::{Diagnostic, EvaluationFailure, GapCause, Import, Provenance, Ref, Val, V};
use crate::source::Span;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Nested evaluation deeper than this (values within values, chains of conditions or
/// `GetAtt`s through other resources) gives up as unknown rather than risk the stack.
const MAX_EVAL_DEPTH: usize = 150;

/// A resource as evaluation needs it: its type and unevaluated `Properties`.
pub(super) struct ResourceDecl<'a> {
    pub kind: &'a str,
    pub properties: Option<&'a Node>,
}

/// A memoized `GetAtt` through a resource's literal property.
#[derive(Clone)]
enum Attribute {
    Known(Val),
    /// Computed at deploy time: a reference to the attribute.
    Computed,
    /// Part of a reference cycle (the template is invalid).
    Circular,
}

#[derive(Clone, Copy)]
enum CondState {
    InProgress,
    Done(Option<bool>),
}

pub(super) struct Evaluator<'a> {
    pub region: String,
    /// `region` is vpclint's default, not one the run was given.
    pub region_assumed: bool,
    /// Evaluated parameter values.
    pub params: HashMap<&'a str, Val>,
    /// The parameters with no value (no `Default`, none given): the first `Ref` to one
    /// notes it, so that what it leaves unknown can be told from what is healthy.
    pub unset_params: HashSet<&'a str>,
    pub mappings: Option<&'a Node>,
    pub conditions: HashMap<&'a str, &'a Node>,
    pub resources: HashMap<&'a str, ResourceDecl<'a>>,
    /// The template declares a `Transform`: names it creates are not errors.
    pub has_transform: bool,
    /// The template uses Rain directives: names a Rain module creates are not errors.
    pub uses_rain: bool,
    /// The file evaluated: a Serverless Framework fragment is told by the service file
    /// that includes it, looked up the first time a name or variable is not resolved.
    pub template_path: Option<PathBuf>,
    serverless_service: Option<Option<PathBuf>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Intrinsic functions that failed on their arguments (see [`Evaluator::fail`]).
    pub failures: Vec<EvaluationFailure>,
    /// Prefix of this template's resource addresses (see `Nesting` in the module root).
    pub prefix: String,
    /// The evaluated outputs of the nested stacks this template creates, by logical ID.
    pub stack_outputs: HashMap<&'a str, HashMap<String, Val>>,
    /// The parameters the parent stack passes, and the parent's stack resource: a value
    /// read from them points back at the parent.
    pub given: HashSet<&'a str>,
    /// The dynamic references and placeholders already noted (once each).
    noted_substitutions: HashSet<String>,
    pub parent_stack: String,
    /// `AWS::StackName`, when the configuration names the stack.
    pub stack_name: Option<String>,
    /// The exports of the other templates of the run that `Fn::ImportValue` resolves to.
    pub exports: Arc<HashMap<String, Exported>>,
    /// The export names imported, for linking the run's templates.
    pub imported: Vec<Import>,
    /// Values that came from another file (see [`Provenance`]).
    pub provenance: Vec<Provenance>,
    condition_values: HashMap<&'a str, CondState>,
    attribute_values: HashMap<(&'a str, &'a str), Attribute>,
    attribute_in_progress: Vec<(&'a str, &'a str)>,
    depth: usize,
}

fn unknown(span: Span, reason: impl Into<String>) -> Val {
    Val::new(span, V::Unknown(reason.into()))
}

/// Gives every value inside `val` the span `span`: values that flow from parameters,
/// mappings or functions point at the expression in the resource.
fn relabel(mut val: Val, span: Span) -> Val {
    fn walk(val: &mut Val, span: Span, depth: usize) {
        val.span = span;
        if depth > super::node::MAX_DEPTH {
            return;
        }
        match &mut val.v {
            V::List(items) => items.iter_mut().for_each(|v| walk(v, span, depth + 1)),
            V::Map(entries) => entries
                .iter_mut()
                .for_each(|(_, v)| walk(v, span, depth + 1)),
            _ => {}
        }
    }
    walk(&mut val, span, 0);
    val
}

/// The first `{{...}}` in a string: a dynamic reference (`{{resolve:ssm:/name}}`,
/// `ssm-secure`, `secretsmanager`), whose value CloudFormation substitutes during the stack
/// operation, or a placeholder a template engine fills in before (AWS Proton's Jinja
/// `{{ environment.inputs.vpc_cidr }}`). `None` when there is none.
fn substituted_part(s: &str) -> Option<&str> {
    let start = s.find("{{")?;
    let rest = &s[start..];
    let end = rest.find("}}")? + 2;
    Some(&rest[..end])
}

/// A string, or unknown when part of it is substituted before the resource sees it.
pub(super) fn string_value(s: String) -> V {
    match substituted_part(&s) {
        Some(part) if part.starts_with("{{resolve:") => V::Unknown(format!(
            "dynamic reference {part}: CloudFormation resolves it at deploy time"
        )),
        Some(part) => V::Unknown(format!(
            "placeholder {part}: a template engine fills it in before deployment"
        )),
        None => V::String(s),
    }
}

/// The string CloudFormation makes of a scalar (`Fn::Join`, `Fn::Sub`, comparisons).
pub(super) fn scalar_string(v: &V) -> Option<String> {
    match v {
        V::String(s) => Some(s.clone()),
        V::Number(n) => Some(format_number(*n)),
        V::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(super) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Why a value is not a plain known scalar, for the reason of a dependent unknown.
pub(super) fn why_not_known(v: &V) -> String {
    match v {
        V::Unknown(reason) => reason.clone(),
        V::Ref(r) => format!("depends on {}.{}", r.address, r.attribute),
        V::Null => "null value".into(),
        V::List(_) => "a list where a string was expected".into(),
        V::Map(_) => "a mapping where a string was expected".into(),
        _ => "not a string".into(),
    }
}

/// The IDs of a comma-separated list that a template builds with `Fn::Join` on `","` and
/// another takes apart with `Fn::Split` on `","` (a VPC stack exports its subnets joined, a
/// stack importing them splits the import): a reference stays a reference (resource IDs
/// hold no comma), a string splits at its commas, an item already so joined gives its
/// items. `None` when an item is anything else.
pub(super) fn comma_separated_items(items: &[Val]) -> Option<Vec<Val>> {
    let mut flat = Vec::with_capacity(items.len());
    for item in items {
        match &item.v {
            V::Ref(_) => flat.push(item.clone()),
            V::String(text) => flat.extend(
                text.split(',')
                    .map(|part| Val::new(item.span, V::String(part.trim().to_string()))),
            ),
            V::List(inner) => flat.extend(comma_separated_items(inner)?),
            _ => return None,
        }
    }
    Some(flat)
}

/// The reason of the first unknown inside a value.
fn first_unknown(v: &V) -> Option<&str> {
    match v {
        V::Unknown(reason) => Some(reason),
        V::List(items) => items.iter().find_map(|i| first_unknown(&i.v)),
        V::Map(entries) => entries.iter().find_map(|(_, i)| first_unknown(&i.v)),
        _ => None,
    }
}

/// Makes the references inside a value that another unit exports name that unit.
fn in_unit(val: &mut Val, unit: &std::path::Path) {
    match &mut val.v {
        V::Ref(r) if r.other_unit().is_none() => **r = (**r).clone().from_unit(unit),
        V::List(items) => items.iter_mut().for_each(|i| in_unit(i, unit)),
        V::Map(entries) => entries.iter_mut().for_each(|(_, i)| in_unit(i, unit)),
        _ => {}
    }
}

fn has_unknown_or_ref(v: &V) -> bool {
    match v {
        V::Unknown(_) | V::Ref(_) => true,
        V::List(items) => items.iter().any(|i| has_unknown_or_ref(&i.v)),
        V::Map(entries) => entries.iter().any(|(_, i)| has_unknown_or_ref(&i.v)),
        _ => false,
    }
}

/// Availability zones per region (as many as the region offers to most accounts);
/// regions not listed get three.
fn az_count(region: &str) -> usize {
    match region {
        "us-east-1" => 6,
        "us-west-1" => 2,
        "us-west-2" | "ap-northeast-1" | "ap-northeast-2" | "ca-central-1" => 4,
        _ => 3,
    }
}

/// `us-east-1`, `us-gov-west-1`, `eu-isoe-west-1`: lowercase words and a final number.
fn is_region_name(s: &str) -> bool {
    let mut parts = s.split('-');
    let number = parts
        .next_back()
        .is_some_and(|n| !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit()));
    let words: Vec<&str> = parts.collect();
    number
        && words.len() >= 2
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
}

pub(super) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

fn url_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

/// Whether `!GetAtt` on this type yields values only known after deployment (stack
/// outputs, custom resource data).
fn attributes_unknowable(kind: &str) -> bool {
    kind == "AWS::CloudFormation::Stack"
        || kind == "AWS::CloudFormation::CustomResource"
        || kind.starts_with("Custom::")
}

const UNKNOWN_PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::NotificationARNs",
];

impl<'a> Evaluator<'a> {
    pub fn new(region: String) -> Self {
        Evaluator {
            region,
            params: HashMap::new(),
            unset_params: HashSet::new(),
            mappings: None,
            conditions: HashMap::new(),
            resources: HashMap::new(),
            has_transform: false,
            uses_rain: false,
            template_path: None,
            serverless_service: None,
            diagnostics: Vec::new(),
            failures: Vec::new(),
            region_assumed: false,
            prefix: String::new(),
            stack_outputs: HashMap::new(),
            given: HashSet::new(),
            noted_substitutions: HashSet::new(),
            parent_stack: String::new(),
            stack_name: None,
            exports: Arc::default(),
            imported: Vec::new(),
            provenance: Vec::new(),
            condition_values: HashMap::new(),
            attribute_values: HashMap::new(),
            attribute_in_progress: Vec::new(),
            depth: 0,
        }
    }

    pub fn note(&mut self, span: Span, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::note(span, message));
    }

    /// [`string_value`], noting (once per reason) a value left unknown because part of it
    /// is substituted before the resource sees it.
    fn substituted(&mut self, span: Span, s: String) -> V {
        let value = string_value(s);
        if let V::Unknown(reason) = &value {
            if self.noted_substitutions.insert(reason.clone()) {
                self.note(span, reason.clone());
            }
        }
        value
    }

    /// An intrinsic function that fails on the arguments it was given (CloudFormation
    /// rejects the template): its value is unknown, with the error as the reason.
    fn fail(&mut self, span: Span, message: String) -> Val {
        self.note(span, message.clone());
        self.failures.push(EvaluationFailure {
            span,
            message: message.clone(),
        });
        unknown(span, message)
    }

    /// A part of the template left out of the analysis (the run's "not analyzed" account).
    pub fn gap(&mut self, span: Span, cause: GapCause, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::gap(span, cause, message));
    }

    pub fn error(&mut self, span: Span, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(span, message));
    }

    /// Evaluates a value; `None` is `AWS::NoValue` (the property or element is removed).
    pub fn eval(&mut self, node: &'a Node) -> Option<Val> {
        if self.depth >= MAX_EVAL_DEPTH {
            return Some(unknown(
                node.span,
                "expression nested too deeply to evaluate",
            ));
        }
        self.depth += 1;
        let traced = self.provenance.len();
        let result = self.eval_inner(node);
        if self.provenance.len() > traced && node.intrinsic().is_some() {
            self.trace_to(node.span, traced);
        }
        self.depth -= 1;
        result
    }

    /// A function's value came from wherever the values it was computed from came from:
    /// the provenance recorded since `since` is recorded again at the function's span.
    fn trace_to(&mut self, span: Span, since: usize) {
        let mut inherited: Vec<Provenance> = Vec::new();
        for p in &self.provenance[since..] {
            if p.at != span && !inherited.iter().any(|q| q.from == p.from) {
                inherited.push(Provenance {
                    at: span,
                    ..p.clone()
                });
            }
        }
        inherited.retain(|p| {
            !self.provenance[since..]
                .iter()
                .any(|q| q.at == span && q.from == p.from)
        });
        self.provenance.extend(inherited);
    }

    fn eval_inner(&mut self, node: &'a Node) -> Option<Val> {
        let span = node.span;
        let v = match &node.kind {
            Kind::Null => V::Null,
            Kind::Bool(b) => V::Bool(*b),
            Kind::Number(n) => V::Number(*n),
            Kind::Str(s) if s.contains("${") && serverless::has_variable(s) => {
                match self.serverless_fragment(span) {
                    Some(service) => V::Unknown(format!(
                        "Serverless Framework variable, resolved when {service} is packaged"
                    )),
                    None => V::String(s.clone()),
                }
            }
            Kind::Str(s) => self.substituted(span, s.clone()),
            Kind::Seq(items) => V::List(items.iter().filter_map(|i| self.eval(i)).collect()),
            Kind::Map(entries) => {
                if let Some((function, arg)) = node.intrinsic() {
                    return self.call(function, arg, span);
                }
                V::Map(
                    entries
                        .iter()
                        .filter_map(|e| Some((e.key.clone(), self.eval(&e.value)?)))
                        .collect(),
                )
            }
        };
        Some(Val::new(span, v))
    }

    /// Evaluates a node that is not part of the template being evaluated (a loop
    /// collection with the loop variables substituted), with the same parameters, mappings
    /// and conditions.
    pub fn eval_detached(&mut self, node: &Node) -> Val {
        let mut scratch = Evaluator::new(self.region.clone());
        scratch.params = self.params.clone();
        scratch.mappings = self.mappings;
        scratch.conditions = self.conditions.clone();
        scratch.exports = self.exports.clone();
        scratch.stack_name = self.stack_name.clone();
        let value = scratch
            .eval(node)
            .unwrap_or_else(|| Val::new(node.span, V::Null));
        self.diagnostics.append(&mut scratch.diagnostics);
        // An import here makes the template evaluated again once the run's exports are known.
        self.imported.append(&mut scratch.imported);
        self.provenance.append(&mut scratch.provenance);
        value
    }

    /// Evaluates a function argument where `AWS::NoValue` makes no sense (a null then).
    fn arg(&mut self, node: &'a Node) -> Val {
        self.eval(node)
            .unwrap_or_else(|| Val::new(node.span, V::Null))
    }

    fn call(&mut self, function: &'a str, arg: &'a Node, span: Span) -> Option<Val> {
        let val = match function {
            "Ref" => return self.reference(arg, span),
            "Fn::GetAtt" => self.get_att(arg, span),
            "Fn::Sub" => self.sub(arg, span),
            "Fn::Join" => self.join(arg, span),
            "Fn::Select" => return self.select(arg, span),
            "Fn::Split" => self.split(arg, span),
            "Fn::If" => return self.fn_if(arg, span),
            "Fn::FindInMap" => self.find_in_map(arg, span),
            "Fn::GetAZs" => self.get_azs(arg, span),
            "Fn::Cidr" => self.cidr(arg, span),
            "Fn::Base64" => {
                let value = self.arg(arg);
                match scalar_string(&value.v) {
                    Some(s) => Val::new(
                        span,
                        V::String(crate::frontend::base64::encode(s.as_bytes())),
                    ),
                    None => unknown(span, why_not_known(&value.v)),
                }
            }
            "Fn::Length" => {
                let value = self.arg(arg);
                match &value.v {
                    V::List(items) => Val::new(span, V::Number(items.len() as f64)),
                    other => unknown(span, why_not_known(other)),
                }
            }
            "Fn::ImportValue" => self.import_value(arg, span),
            "Fn::ToJsonString" => {
                let value = self.arg(arg);
                match &value.v {
                    V::List(_) | V::Map(_) => match json_text(&value) {
                        Ok(text) => Val::new(span, V::String(text)),
                        Err(reason) => unknown(span, format!("Fn::ToJsonString: {reason}")),
                    },
                    V::Unknown(_) | V::Ref(_) => unknown(
                        span,
                        format!("Fn::ToJsonString: {}", why_not_known(&value.v)),
                    ),
                    _ => {
                        // A literal scalar is rejected; a function's scalar value is not
                        // judged here.
                        let message = "Fn::ToJsonString needs an object or an array";
                        if arg.intrinsic().is_none() {
                            self.error(span, message);
                        }
                        unknown(span, message)
                    }
                }
            }
            "Fn::GetStackOutput" => unknown(
                span,
                "Fn::GetStackOutput: another stack's output is known only at deploy time",
            ),
            "Fn::Transform" => self.macro_value(arg, span),
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                match self.condition_expr(function, arg, span) {
                    Some(b) => Val::new(span, V::Bool(b)),
                    None => unknown(span, "condition cannot be decided statically"),
                }
            }
            "Condition" => match arg.as_str() {
                Some(name) => match self.condition(name, arg.span) {
                    Some(b) => Val::new(span, V::Bool(b)),
                    None => unknown(span, format!("condition {name} cannot be decided")),
                },
                None => unknown(span, "Condition needs a condition name"),
            },
            rain if super::node::is_rain_directive(rain) => {
                unknown(span, format!("{rain} is resolved by the Rain packager"))
            }
            other => unknown(span, format!("{other} is not evaluated")),
        };
        Some(val)
    }

    /// `Fn::ImportValue`: the value another template of the run exports under that name,
    /// else unknown (with the name, so that equal imports are one value in the model).
    fn import_value(&mut self, arg: &'a Node, span: Span) -> Val {
        let name = self.arg(arg);
        let Some(name) = scalar_string(&name.v) else {
            return unknown(
                span,
                format!("Fn::ImportValue name: {}", why_not_known(&name.v)),
            );
        };
        let Some(export) = self.exports.get(&name).filter(|e| e.span.file != span.file) else {
            self.imported.push(Import {
                name: name.clone(),
                span,
                exporter: None,
            });
            return unknown(
                span,
                format!("import {name}: another stack's export is known only at deploy time"),
            );
        };
        self.imported.push(Import {
            name: name.clone(),
            span,
            exporter: Some(export.unit.clone()),
        });
        if let Some(reason) = first_unknown(&export.value.v) {
            return unknown(
                span,
                format!(
                    "import {name}: {} of {}: {reason}",
                    export.output, export.template
                ),
            );
        }
        self.provenance.push(Provenance {
            at: span,
            from: export.span,
            address: export.output.clone(),
            message: format!("exported here as \"{name}\""),
            scope: self.prefix.clone(),
        });
        let mut value = relabel(export.value.clone(), span);
        in_unit(&mut value, &export.unit);
        value
    }

    /// `Fn::Transform`: a macro rewrites this value at deploy time.
    fn macro_value(&mut self, arg: &'a Node, span: Span) -> Val {
        let name = arg.get("Name").and_then(Node::as_str).unwrap_or("?");
        let message = format!("Fn::Transform: macro {name} computes this value at deploy time");
        self.gap(span, GapCause::UnsupportedConstruct, message.clone());
        unknown(span, message)
    }

    fn reference(&mut self, arg: &'a Node, span: Span) -> Option<Val> {
        let Some(name) = arg.as_str() else {
            return Some(self.fail(span, "Ref needs a literal name".into()));
        };
        self.resolve_name(name, span)
    }

    /// What `Ref name` (or `${name}` in `Fn::Sub`) gives.
    fn resolve_name(&mut self, name: &str, span: Span) -> Option<Val> {
        let region = &self.region;
        let v = match name {
            "AWS::NoValue" => return None,
            "AWS::Region" => V::String(region.clone()),
            "AWS::Partition" => V::String(partition(region).to_string()),
            "AWS::URLSuffix" => V::String(url_suffix(region).to_string()),
            "AWS::StackName" if self.stack_name.is_some() => {
                V::String(self.stack_name.clone().unwrap_or_default())
            }
            _ if UNKNOWN_PSEUDO.contains(&name) => {
                V::Unknown(format!("{name} is known only at deploy time"))
            }
            _ => {
                if let Some(value) = self.params.get(name) {
                    if self.unset_params.remove(name) {
                        let at = value.span;
                        let how = if self.parent_stack.is_empty() {
                            format!("pass it with --parameter {name}=VALUE")
                        } else {
                            format!("the parent stack {} does not pass it", self.parent_stack)
                        };
                        self.note(
                            at,
                            format!(
                                "parameter {name} has no value (no Default): {how}; what it \
                                 sets is unknown"
                            ),
                        );
                    }
                    let value = &self.params[name];
                    if self.given.contains(name) {
                        self.provenance.push(Provenance {
                            at: span,
                            from: value.span,
                            address: self.parent_stack.clone(),
                            message: format!("the parent stack passes {name} here"),
                            scope: self.prefix.clone(),
                        });
                    }
                    return Some(relabel(value.clone(), span));
                }
                if self.resources.contains_key(name) {
                    V::reference(Ref {
                        address: format!("{}{name}", self.prefix).into(),
                        attribute: "Ref".to_string(),
                    })
                } else {
                    return Some(self.unresolved(name, span));
                }
            }
        };
        Some(Val::new(span, v))
    }

    fn unresolved(&mut self, name: &str, span: Span) -> Val {
        if self.has_transform {
            unknown(
                span,
                format!("{name} is not declared (it may come from the transform)"),
            )
        } else if self.uses_rain {
            unknown(
                span,
                format!("{name} is not declared (it may come from a Rain module)"),
            )
        } else if let Some(service) = self.serverless_fragment(span) {
            unknown(
                span,
                format!("{name} is not declared here (it may be in another fragment of {service})"),
            )
        } else {
            self.error(
                span,
                format!("unresolved reference \"{name}\": no such parameter or resource"),
            );
            unknown(span, format!("unresolved reference {name}"))
        }
    }

    /// The service file (as a path from the template's directory) when this template is a
    /// Serverless Framework fragment; the first call that finds one records the gap at
    /// `span`, the first value it leaves unknown.
    fn serverless_fragment(&mut self, span: Span) -> Option<String> {
        if self.serverless_service.is_none() {
            let service = self
                .template_path
                .as_deref()
                .and_then(serverless::including_service);
            if let (Some(service), Some(template)) = (&service, &self.template_path) {
                let shown = serverless::relative_to_template(service, template);
                let file = template.file_name().unwrap_or_default().to_string_lossy();
                self.gap(
                    span,
                    GapCause::UnsupportedConstruct,
                    format!(
                        "{file} is a fragment of the resources of {shown}: the Serverless \
                         Framework merges the fragments into one template and resolves its \
                         ${{...}} variables when it packages the service, so names declared \
                         in the other fragments and the variables' values are unknown here: \
                         lint the packaged template (`serverless package` writes \
                         .serverless/cloudformation-template-update-stack.json)"
                    ),
                );
            }
            self.serverless_service = Some(service);
        }
        let service = self.serverless_service.as_ref()?.as_deref()?;
        let template = self.template_path.as_deref()?;
        Some(serverless::relative_to_template(service, template))
    }

    fn get_att(&mut self, arg: &'a Node, span: Span) -> Val {
        let (resource, attribute) = match &arg.kind {
            Kind::Str(s) => match s.split_once('.') {
                Some((r, a)) => (r.to_string(), a.to_string()),
                None => {
                    self.error(span, format!("Fn::GetAtt \"{s}\" needs Resource.Attribute"));
                    return unknown(span, "malformed Fn::GetAtt");
                }
            },
            Kind::Seq(items) if items.len() == 2 => {
                let resource = items.first().and_then(Node::as_str).map(str::to_string);
                let attribute = items.get(1).map(|a| self.arg(a));
                match (
                    resource,
                    attribute.as_ref().and_then(|a| scalar_string(&a.v)),
                ) {
                    (Some(r), Some(a)) => (r, a),
                    (Some(_), None) => {
                        let reason = attribute.map(|a| why_not_known(&a.v)).unwrap_or_default();
                        return unknown(span, format!("Fn::GetAtt attribute name: {reason}"));
                    }
                    _ => {
                        self.error(span, "Fn::GetAtt needs a resource name");
                        return unknown(span, "malformed Fn::GetAtt");
                    }
                }
            }
            _ => {
                self.error(
                    span,
                    "Fn::GetAtt needs [Resource, Attribute] or \"Resource.Attribute\"",
                );
                return unknown(span, "malformed Fn::GetAtt");
            }
        };
        self.attribute(&resource, &attribute, span)
    }

    /// `GetAtt resource.attribute`: the literal property of that name when the template
    /// knows it (a VPC's `CidrBlock`), else a reference to the computed attribute.
    fn attribute(&mut self, resource: &str, attribute: &str, span: Span) -> Val {
        let Some((&name, decl)) = self.resources.get_key_value(resource) else {
            return self.unresolved(resource, span);
        };
        let kind = decl.kind;
        let properties = decl.properties;
        if let Some(output) = attribute
            .strip_prefix("Outputs.")
            .and_then(|output| self.stack_outputs.get(name)?.get(output))
        {
            return relabel(output.clone(), span);
        }
        if attributes_unknowable(kind) {
            return unknown(
                span,
                format!(
                    "{resource}.{attribute}: attributes of {kind} are known only after deployment"
                ),
            );
        }
        if kind == "AWS::NetworkFirewall::Firewall" && attribute == "EndpointIds" {
            return self.firewall_endpoint_ids(name, properties, span);
        }
        let as_ref = Val::new(
            span,
            V::reference(Ref {
                address: format!("{}{resource}", self.prefix).into(),
                attribute: attribute.to_string(),
            }),
        );
        let Some(entry) = properties.and_then(|p| p.entry(attribute)) else {
            return as_ref;
        };
        let key: (&'a str, &'a str) = (name, entry.key.as_str());
        if let Some(cached) = self.attribute_values.get(&key) {
            return match cached {
                Attribute::Known(v) => relabel(v.clone(), span),
                Attribute::Computed => as_ref,
                Attribute::Circular => unknown(span, "circular reference"),
            };
        }
        if self.attribute_in_progress.contains(&key) {
            self.error(
                span,
                format!("circular reference through {resource}.{attribute}"),
            );
            // Everything on the cycle is unknown, not a reference to itself.
            for &on_cycle in &self.attribute_in_progress {
                self.attribute_values.insert(on_cycle, Attribute::Circular);
            }
            return unknown(span, "circular reference");
        }
        self.attribute_in_progress.push(key);
        let value = self.eval(&entry.value);
        self.attribute_in_progress.pop();
        if let Some(Attribute::Circular) = self.attribute_values.get(&key) {
            return unknown(span, "circular reference");
        }
        match value.filter(|v| !v.is_unknown() && !v.is_null()) {
            Some(v) => {
                self.attribute_values
                    .insert(key, Attribute::Known(v.clone()));
                relabel(v, span)
            }
            None => {
                self.attribute_values.insert(key, Attribute::Computed);
                as_ref
            }
        }
    }

    fn sub(&mut self, arg: &'a Node, span: Span) -> Val {
        // `Fn::Sub: {Rain::Embed: file}`: rain pkg inlines the string.
        let template_node = match &arg.kind {
            Kind::Seq(items) => items.first(),
            _ => Some(arg),
        };
        // `Fn::Sub: {Fn::Transform: ...}`: a macro produces the string.
        if let Some(("Fn::Transform", macro_arg)) = template_node.and_then(Node::intrinsic) {
            return self.macro_value(macro_arg, span);
        }
        if let Some((rain, _)) = template_node
            .and_then(Node::intrinsic)
            .filter(|(function, _)| super::node::is_rain_directive(function))
        {
            return unknown(span, format!("{rain} is resolved by the Rain packager"));
        }
        let (template, variables): (&str, Option<&'a [Entry]>) = match &arg.kind {
            Kind::Str(s) => (s, None),
            Kind::Seq(items) => match (items.first(), items.get(1), items.len()) {
                (
                    Some(Node {
                        kind: Kind::Str(s), ..
                    }),
                    Some(vars),
                    2,
                ) => match vars.as_map() {
                    Some(map) => (s, Some(map)),
                    None => {
                        self.error(span, "Fn::Sub variables must be a mapping");
                        return unknown(span, "malformed Fn::Sub");
                    }
                },
                _ => {
                    self.error(span, "Fn::Sub needs a string or [string, {variables}]");
                    return unknown(span, "malformed Fn::Sub");
                }
            },
            _ => {
                self.error(span, "Fn::Sub needs a string or [string, {variables}]");
                return unknown(span, "malformed Fn::Sub");
            }
        };
        let mut out = String::new();
        // The first variable not known; the later ones are still resolved, since a name
        // that is no parameter, resource or attribute is an error wherever it stands.
        let mut not_known: Option<String> = None;
        let mut rest = template;
        while let Some(open) = rest.find("${") {
            out.push_str(&rest[..open]);
            let after = &rest[open + 2..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                rest = "";
                break;
            };
            let inner = &after[..close];
            rest = &after[close + 1..];
            if let Some(literal) = inner.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let name = inner.trim();
            let value = self.sub_variable(name, variables, span);
            if let Some(value) = value {
                match scalar_string(&value.v) {
                    Some(s) => out.push_str(&s),
                    // `!Sub "${Vpc}"` is `!Ref Vpc`.
                    None if matches!(value.v, V::Ref(_)) && template == format!("${{{inner}}}") => {
                        return Val::new(span, value.v);
                    }
                    None => {
                        not_known.get_or_insert_with(|| {
                            format!("Fn::Sub ${{{name}}}: {}", why_not_known(&value.v))
                        });
                    }
                }
            }
        }
        if let Some(reason) = not_known {
            return unknown(span, reason);
        }
        out.push_str(rest);
        let value = self.substituted(span, out);
        Val::new(span, value)
    }

    fn sub_variable(
        &mut self,
        name: &str,
        variables: Option<&'a [Entry]>,
        span: Span,
    ) -> Option<Val> {
        if let Some(entry) = variables.and_then(|vars| vars.iter().find(|e| e.key == name)) {
            return self.eval(&entry.value);
        }
        if name.starts_with("AWS::")
            || self.params.contains_key(name)
            || self.resources.contains_key(name)
        {
            return self.resolve_name(name, span);
        }
        match name.split_once('.') {
            Some((resource, attribute)) if self.resources.contains_key(resource) => {
                Some(self.attribute(resource, attribute, span))
            }
            _ => Some(self.unresolved(name, span)),
        }
    }

    /// The two-or-more arguments of a list-taking function, or an error.
    fn list_args(
        &mut self,
        function: &str,
        arg: &'a Node,
        count: usize,
        span: Span,
    ) -> Option<&'a [Node]> {
        match arg.as_seq() {
            Some(items) if items.len() == count => Some(items),
            _ => {
                self.error(
                    span,
                    format!("{function} needs a list of {count} arguments"),
                );
                None
            }
        }
    }

    fn join(&mut self, arg: &'a Node, span: Span) -> Val {
        let Some([delimiter, list]) = self.list_args("Fn::Join", arg, 2, span) else {
            return unknown(span, "malformed Fn::Join");
        };
        let delimiter = self.arg(delimiter);
        let list = self.arg(list);
        let Some(delimiter) = delimiter.as_str().map(str::to_string) else {
            return unknown(
                span,
                format!("Fn::Join delimiter: {}", why_not_known(&delimiter.v)),
            );
        };
        let Some(items) = list.as_list() else {
            return unknown(span, format!("Fn::Join list: {}", why_not_known(&list.v)));
        };
        // One element is joined to itself: a reference stays that reference.
        if let [item @ Val { v: V::Ref(_), .. }] = items {
            return Val::new(span, item.v.clone());
        }
        // Imports of comma-joined IDs joined again on "," (`!Split [",", !Join [",",
        // [!ImportValue Public, !ImportValue Private]]]`) stay the list of their IDs.
        if delimiter == "," && items.iter().any(|item| matches!(item.v, V::List(_))) {
            if let Some(ids) = comma_separated_items(items) {
                return Val::new(span, V::List(ids));
            }
        }
        let mut strings = Vec::with_capacity(items.len());
        for item in items {
            match scalar_string(&item.v) {
                Some(s) => strings.push(s),
                None => {
                    return unknown(
                        span,
                        format!("Fn::Join element: {}", why_not_known(&item.v)),
                    )
                }
            }
        }
        let value = self.substituted(span, strings.join(&delimiter));
        Val::new(span, value)
    }

    /// `!GetAtt Firewall.EndpointIds`: one `"<zone>:<endpoint id>"` entry per subnet
    /// mapping, in no particular order; unknown when the mappings are.
    fn firewall_endpoint_ids(
        &mut self,
        resource: &'a str,
        properties: Option<&'a Node>,
        span: Span,
    ) -> Val {
        let mut mappings = None;
        if let Some(entry) = properties.and_then(|p| p.entry("SubnetMappings")) {
            // The mappings naming the firewall's own endpoints: a cycle CloudFormation
            // rejects, and without this guard an exponential evaluation.
            let key = (resource, entry.key.as_str());
            if self.attribute_in_progress.contains(&key) {
                self.error(
                    span,
                    format!("circular reference through {resource}.EndpointIds"),
                );
                return unknown(span, "circular reference");
            }
            self.attribute_in_progress.push(key);
            mappings = self.eval(&entry.value);
            self.attribute_in_progress.pop();
        }
        let Some(count) = mappings
            .as_ref()
            .and_then(|m| m.as_list())
            .map(<[Val]>::len)
        else {
            return unknown(
                span,
                format!("{resource}.EndpointIds: the firewall's subnet mappings are not known"),
            );
        };
        let entry = Val::new(
            span,
            V::reference(Ref {
                address: format!("{}{resource}", self.prefix).into(),
                attribute: super::FIREWALL_ENDPOINT_ENTRY.to_string(),
            }),
        );
        Val::new(span, V::List(vec![entry; count]))
    }

    fn select(&mut self, arg: &'a Node, span: Span) -> Option<Val> {
        let Some([index, list]) = self.list_args("Fn::Select", arg, 2, span) else {
            return Some(unknown(span, "malformed Fn::Select"));
        };
        let index = self.arg(index);
        let Some(i) = index.as_f64() else {
            return Some(unknown(
                span,
                format!("Fn::Select index: {}", why_not_known(&index.v)),
            ));
        };
        if let Some(("Fn::Cidr", cidr_arg)) = list.intrinsic() {
            if i >= 0.0 && i.fract() == 0.0 {
                return Some(self.cidr_select(cidr_arg, i as usize, span));
            }
        }
        let list = self.arg(list);
        let Some(items) = list.as_list() else {
            return Some(unknown(
                span,
                format!("Fn::Select list: {}", why_not_known(&list.v)),
            ));
        };
        if i < 0.0 || i.fract() != 0.0 || i as usize >= items.len() {
            let message = format!(
                "Fn::Select index {} is out of range for a list of {}",
                format_number(i),
                items.len()
            );
            return Some(self.fail(span, message));
        }
        items.get(i as usize).map(|v| relabel(v.clone(), span))
    }

    fn split(&mut self, arg: &'a Node, span: Span) -> Val {
        let Some([delimiter, source]) = self.list_args("Fn::Split", arg, 2, span) else {
            return unknown(span, "malformed Fn::Split");
        };
        let delimiter = self.arg(delimiter);
        let source = self.arg(source);
        if let (Some(":"), V::Ref(r)) = (delimiter.as_str(), &source.v) {
            if r.attribute == super::FIREWALL_ENDPOINT_ENTRY {
                let endpoint = Ref {
                    address: r.address.clone(),
                    attribute: super::FIREWALL_ENDPOINT_ID.to_string(),
                };
                return Val::new(
                    span,
                    V::List(vec![
                        unknown(span, "the Availability Zone of a firewall endpoint"),
                        Val::new(span, V::reference(endpoint)),
                    ]),
                );
            }
        }
        // Comma-joined IDs (an export or a nested stack's output) split back into them.
        if let (Some(","), V::List(items)) = (delimiter.as_str(), &source.v) {
            if let Some(ids) = comma_separated_items(items) {
                return Val::new(span, V::List(ids));
            }
        }
        match (delimiter.as_str(), scalar_string(&source.v)) {
            (Some(d), Some(s)) if !d.is_empty() => Val::new(
                span,
                V::List(
                    s.split(d)
                        .map(|p| Val::new(span, V::String(p.to_string())))
                        .collect(),
                ),
            ),
            (Some(_), None) => unknown(span, format!("Fn::Split: {}", why_not_known(&source.v))),
            _ => unknown(span, "Fn::Split needs a delimiter"),
        }
    }

    fn fn_if(&mut self, arg: &'a Node, span: Span) -> Option<Val> {
        let Some([condition, then, otherwise]) = self.list_args("Fn::If", arg, 3, span) else {
            return Some(unknown(span, "malformed Fn::If"));
        };
        let Some(name) = condition.as_str() else {
            self.error(condition.span, "Fn::If needs a condition name");
            return Some(unknown(span, "malformed Fn::If"));
        };
        match self.condition(name, condition.span) {
            Some(true) => self.eval(then),
            Some(false) => self.eval(otherwise),
            None => Some(unknown(
                span,
                format!("condition {name} cannot be decided statically"),
            )),
        }
    }

    fn find_in_map(&mut self, arg: &'a Node, span: Span) -> Val {
        let items = match arg.as_seq() {
            Some(items) if items.len() == 3 || items.len() == 4 => items,
            _ => {
                self.error(
                    span,
                    "Fn::FindInMap needs [MapName, TopLevelKey, SecondLevelKey]",
                );
                return unknown(span, "malformed Fn::FindInMap");
            }
        };
        let mut keys = Vec::with_capacity(3);
        for item in items.iter().take(3) {
            let value = self.arg(item);
            match scalar_string(&value.v) {
                Some(s) => keys.push(s),
                None => {
                    return unknown(
                        span,
                        format!("Fn::FindInMap key: {}", why_not_known(&value.v)),
                    )
                }
            }
        }
        let found = self
            .mappings
            .and_then(|m| m.get(keys.first()?))
            .and_then(|m| m.get(keys.get(1)?))
            .and_then(|m| m.get(keys.get(2)?));
        match found {
            Some(node) => {
                let value = self.arg(node);
                relabel(value, span)
            }
            None => {
                let default = items.get(3).and_then(|d| d.get("DefaultValue"));
                if let Some(default) = default {
                    let value = self.arg(default);
                    return relabel(value, span);
                }
                let assumed = if self.region_assumed && keys.contains(&self.region) {
                    format!(
                        " (AWS::Region is assumed to be {}: give the region with --region)",
                        self.region
                    )
                } else {
                    String::new()
                };
                self.fail(
                    span,
                    format!(
                        "Fn::FindInMap: no {} in the Mappings{assumed}",
                        keys.join(".")
                    ),
                )
            }
        }
    }

    fn get_azs(&mut self, arg: &'a Node, span: Span) -> Val {
        let value = self.arg(arg);
        let region = match &value.v {
            V::String(s) if s.is_empty() => self.region.clone(),
            V::String(s) if is_region_name(s) => s.clone(),
            // A zone name (`us-east-1a`) or other text: CloudFormation looks the name up
            // in EC2 and knows no such region; no zone list is made up from it.
            V::String(s) => {
                return self.fail(span, format!("Fn::GetAZs: \"{s}\" is not a region name"));
            }
            V::Null => self.region.clone(),
            other => return unknown(span, format!("Fn::GetAZs region: {}", why_not_known(other))),
        };
        // `Fn::GetAZs` lists the zones with a default subnet (all when none has one), in
        // an order that may change, and which names an account sees differs in the older
        // regions: a position is a zone of its own, distinct from the other positions,
        // never taken for a zone name written in the template.
        let zones = (0..az_count(&region))
            .map(|i| Val::new(span, V::String(format!("GetAZs({region})[{i}]"))))
            .collect();
        Val::new(span, V::List(zones))
    }

    /// The evaluated `[ipBlock, count, cidrBits]` of `Fn::Cidr`, or why they are not known.
    fn cidr_args(&mut self, arg: &'a Node, span: Span) -> Result<(String, f64, f64), Val> {
        let Some([block, count, bits]) = self.list_args("Fn::Cidr", arg, 3, span) else {
            return Err(unknown(span, "malformed Fn::Cidr"));
        };
        let block = self.arg(block);
        let count = self.arg(count);
        let bits = self.arg(bits);
        let Some(block_text) = block.as_str() else {
            return Err(unknown(
                span,
                format!("Fn::Cidr ipBlock: {}", why_not_known(&block.v)),
            ));
        };
        match (count.as_f64(), bits.as_f64()) {
            (Some(count), Some(bits)) => Ok((block_text.to_string(), count, bits)),
            _ => Err(unknown(
                span,
                "Fn::Cidr count or cidrBits is not a known number",
            )),
        }
    }

    /// `!Select [index, !Cidr [...]]` without building the whole list.
    fn cidr_select(&mut self, arg: &'a Node, index: usize, span: Span) -> Val {
        let (block, count, bits) = match self.cidr_args(arg, span) {
            Ok(args) => args,
            Err(val) => return val,
        };
        match cidr_nth(&block, count, bits, index) {
            Ok(Some(b)) => Val::new(span, V::String(b)),
            Ok(None) => self.fail(
                span,
                format!("Fn::Select index {index} is out of range for a list of {count}"),
            ),
            Err(message) => self.fail(span, message),
        }
    }

    fn cidr(&mut self, arg: &'a Node, span: Span) -> Val {
        let (block_text, count, bits) = match self.cidr_args(arg, span) {
            Ok(args) => args,
            Err(val) => return val,
        };
        match cidr(&block_text, count, bits) {
            Ok(blocks) => Val::new(
                span,
                V::List(
                    blocks
                        .into_iter()
                        .map(|b| Val::new(span, V::String(b)))
                        .collect(),
                ),
            ),
            Err(message) => self.fail(span, message),
        }
    }

    /// The value of a named condition; `None` when it cannot be decided.
    pub fn condition(&mut self, name: &str, span: Span) -> Option<bool> {
        let Some((&key, &node)) = self.conditions.get_key_value(name) else {
            self.error(
                span,
                format!("condition \"{name}\" is not declared in Conditions"),
            );
            return None;
        };
        match self.condition_values.get(key) {
            Some(CondState::Done(value)) => return *value,
            Some(CondState::InProgress) => {
                self.error(span, format!("condition \"{name}\" depends on itself"));
                return None;
            }
            None => {}
        }
        if self.depth >= MAX_EVAL_DEPTH {
            return None;
        }
        self.depth += 1;
        self.condition_values.insert(key, CondState::InProgress);
        let value = self.condition_node(node);
        self.condition_values.insert(key, CondState::Done(value));
        self.depth -= 1;
        value
    }

    /// A condition expression: `Fn::Equals/And/Or/Not`, `{Condition: name}`.
    fn condition_node(&mut self, node: &'a Node) -> Option<bool> {
        if let Some(entry) = node.as_map().and_then(|m| match m {
            [e] if e.key == "Condition" => Some(e),
            _ => None,
        }) {
            let name = entry.value.as_str()?;
            return self.condition(name, entry.value.span);
        }
        match node.intrinsic() {
            Some((function @ ("Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not"), arg)) => {
                self.condition_expr(function, arg, node.span)
            }
            _ => match self.eval(node).map(|v| v.v) {
                Some(V::Bool(b)) => Some(b),
                Some(V::String(s)) if s == "true" => Some(true),
                Some(V::String(s)) if s == "false" => Some(false),
                _ => None,
            },
        }
    }

    fn condition_expr(&mut self, function: &str, arg: &'a Node, span: Span) -> Option<bool> {
        let Some(items) = arg.as_seq() else {
            self.error(span, format!("{function} needs a list"));
            return None;
        };
        match function {
            "Fn::Equals" => {
                let [a, b] = items else {
                    self.error(span, "Fn::Equals needs two values");
                    return None;
                };
                let a = self.arg(a);
                let b = self.arg(b);
                if has_unknown_or_ref(&a.v) || has_unknown_or_ref(&b.v) {
                    return None;
                }
                Some(values_equal(&a.v, &b.v))
            }
            "Fn::Not" => {
                let [inner] = items else {
                    self.error(span, "Fn::Not needs one condition");
                    return None;
                };
                self.condition_node(inner).map(|b| !b)
            }
            _ => {
                // And: false wins over undecidable; Or: true wins.
                let decisive = function == "Fn::Or";
                let mut undecided = false;
                for item in items {
                    match self.condition_node(item) {
                        Some(b) if b == decisive => return Some(decisive),
                        Some(_) => {}
                        None => undecided = true,
                    }
                }
                (!undecided).then_some(!decisive)
            }
        }
    }
}

/// Compact JSON of a known value, keys in template order (`Fn::ToJsonString`); `Err` says
/// what is not known.
fn json_text(val: &Val) -> Result<String, String> {
    fn write(val: &Val, out: &mut String, depth: usize) -> Result<(), String> {
        if depth > super::node::MAX_DEPTH {
            return Err("value nested too deeply".into());
        }
        match &val.v {
            V::Null => out.push_str("null"),
            V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            V::Number(n) if n.is_finite() => out.push_str(&format_number(*n)),
            V::String(s) => out.push_str(&serde_json::Value::from(s.as_str()).to_string()),
            V::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out, depth + 1)?;
                }
                out.push(']');
            }
            V::Map(entries) => {
                out.push('{');
                for (i, (key, item)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::from(key.as_str()).to_string());
                    out.push(':');
                    write(item, out, depth + 1)?;
                }
                out.push('}');
            }
            V::Number(_) => return Err("a number JSON cannot represent".into()),
            other => return Err(why_not_known(other)),
        }
        Ok(())
    }
    let mut out = String::new();
    write(val, &mut out, 0)?;
    Ok(out)
}

fn values_equal(a: &V, b: &V) -> bool {
    match (a, b) {
        (V::List(x), V::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(&p.v, &q.v))
        }
        (V::Null, V::Null) => true,
        _ => match (scalar_string(a), scalar_string(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn region_names() {
        for good in [
            "us-east-1",
            "us-gov-west-1",
            "eu-isoe-west-1",
            "ap-southeast-5",
        ] {
            assert!(super::is_region_name(good), "{good}");
        }
        for bad in ["us-east-1a", "us-east", "US-EAST-1", "", "east-1", "us--1"] {
            assert!(!super::is_region_name(bad), "{bad}");
        }
    }

    #[test]
    fn base64_pads() {
        assert_eq!(crate::frontend::base64::encode(b"hi"), "aGk=");
        assert_eq!(crate::frontend::base64::encode(b"abc"), "YWJj");
        assert_eq!(crate::frontend::base64::encode(b"a"), "YQ==");
    }
}
