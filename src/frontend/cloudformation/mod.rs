//! CloudFormation templates in YAML or JSON: parameters, conditions, mappings and every
//! intrinsic function, evaluated as CloudFormation would.
//!
//! Both formats are parsed into one span-carrying tree ([`node`]); evaluation ([`eval`])
//! works on that tree only.

mod cidr;
mod eval;
mod json;
mod language_extensions;
mod node;
mod yaml;

use super::{Diagnostic, GapCause, Lang, Resource, Severity, Suppression, Unit, Val, V};
use crate::source::{FileId, SourceMap, Span};
use eval::{format_number, Evaluator, ResourceDecl};
use node::{Kind, Node, SyntaxError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The attribute of a `!GetAtt Firewall.EndpointIds` element (`"<zone>:<endpoint id>"`).
pub const FIREWALL_ENDPOINT_ENTRY: &str = "EndpointIds.Entry";
/// The attribute of the endpoint id split out of such an element: which endpoint of the
/// firewall, and in which zone, is not known (the list is in no particular order).
pub const FIREWALL_ENDPOINT_ID: &str = "EndpointIds.EndpointId";

#[derive(Debug, Default, Clone)]
pub struct Options {
    /// `--parameter Name=Value`, in order.
    pub parameters: Vec<(String, String)>,
    /// AWS CLI parameter files (`[{"ParameterKey": .., "ParameterValue": ..}]`).
    pub parameter_files: Vec<PathBuf>,
    /// `AWS::Region`; us-east-1 when not given.
    pub region: Option<String>,
}

const DEFAULT_REGION: &str = "us-east-1";

/// Larger files are not parsed: CloudFormation itself takes at most 1 MB, and this
/// bounds the time spent on a huge file that merely mentions `AWS::`.
const MAX_TEMPLATE_BYTES: usize = 32 << 20;

/// Evaluates a template. `None` when the file turns out not to be a CloudFormation
/// template (discovery only pre-filters by content).
pub fn load_template(
    path: &Path,
    text: Arc<str>,
    options: &Options,
    sources: &SourceMap,
) -> Option<Unit> {
    let file = sources.add(path.to_path_buf(), text.clone());
    let mut unit = Unit {
        lang: Lang::CloudFormation,
        path: path.to_path_buf(),
        files: vec![file],
        resources: Vec::new(),
        diagnostics: Vec::new(),
        suppressions: Vec::new(),
    };
    if text.len() > MAX_TEMPLATE_BYTES {
        if !looks_like_template(&text) {
            return None;
        }
        unit.diagnostics.push(Diagnostic::error(
            Span::file_start(file),
            format!(
                "file is {} MB: too large for a CloudFormation template (CloudFormation accepts 1 MB)",
                text.len() >> 20
            ),
        ));
        return Some(unit);
    }
    let root = match parse(file, path, &text).and_then(|root| {
        if let Some(root) = &root {
            check_functions(root)?;
        }
        Ok(root)
    }) {
        Ok(Some(root)) if is_template(&root) => root,
        Ok(_) => return None,
        Err(error) => {
            if !looks_like_template(&text) {
                return None;
            }
            unit.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                message: error.message,
                span: error.span,
                gap: None,
            });
            return Some(unit);
        }
    };
    // Template-level `Metadata: {vpclint: {ignore: [...]}}` applies to the whole file.
    if let Some(suppression) = suppression(&root, Span::new(file, 0, text.len())) {
        unit.suppressions.push(suppression);
    }
    let nesting = Nesting {
        prefix: String::new(),
        given: None,
        chain: vec![canonical(path)],
    };
    evaluate(&root, path, &nesting, options, sources, &mut unit);
    Some(unit)
}

/// CloudFormation reads a template as JSON, else as YAML (YAML flow style looks like JSON:
/// `{Resources: {...}}`). A `.json` file or a text starting with `{` is tried as JSON first,
/// then as YAML, so nothing CloudFormation accepts is a parse error. When both fail, the
/// error shown is the one of the language the extension names, else of the parser that got
/// further.
fn parse(file: FileId, path: &Path, text: &str) -> Result<Option<Node>, SyntaxError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let named_json = extension.as_deref() == Some("json");
    let named_yaml = matches!(extension.as_deref(), Some("yaml" | "yml"));
    if !named_json && !text.trim_start().starts_with('{') {
        return yaml::parse(file, text);
    }
    let json_error = match json::parse(file, text) {
        Ok(root) => return Ok(root),
        Err(error) => error,
    };
    match yaml::parse(file, text) {
        Ok(root) => Ok(root),
        Err(_) if named_json => Err(json_error),
        Err(yaml_error) if named_yaml || yaml_error.span.start > json_error.span.start => {
            Err(yaml_error)
        }
        Err(_) => Err(json_error),
    }
}

/// Only parses `text` as a template would be (no evaluation): the floor the estate
/// benchmark measures lint time against. Whether it parsed.
pub fn parse_only(path: &Path, text: &str) -> bool {
    parse(FileId(0), path, text).is_ok()
}

/// A broken file is reported only when it clearly was meant to be a template.
fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && TEMPLATE_TYPE_PREFIXES.iter().any(|p| text.contains(p)))
}

/// Resource type prefixes of CloudFormation (`AWS::`, third-party `Alexa::`, custom
/// resources), as opposed to the types of other YAML/JSON documents.
const TEMPLATE_TYPE_PREFIXES: &[&str] = &["AWS::", "Alexa::", "Custom::"];

/// A template has `AWSTemplateFormatVersion`, or `Resources` with at least one resource of
/// a CloudFormation type: `AWS::...` (SAM's `AWS::Serverless::...` included), `Alexa::...`,
/// `Custom::...` or a module (`Org::Service::Name::MODULE`). JSON schemas, issue forms and
/// other documents that merely mention a type are not.
fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources")
        .and_then(Node::as_map)
        .is_some_and(|resources| {
            resources.iter().any(|r| {
                r.value
                    .get("Type")
                    .and_then(Node::as_str)
                    .is_some_and(is_resource_type)
            })
        })
}

fn is_resource_type(kind: &str) -> bool {
    let parts: Vec<&str> = kind.split("::").collect();
    let well_formed = parts.len() >= 2 && parts.iter().all(|p| !p.is_empty());
    well_formed
        && (TEMPLATE_TYPE_PREFIXES
            .iter()
            .any(|prefix| kind.starts_with(prefix))
            || (parts.len() == 4 && parts[3] == "MODULE"))
}

/// Every `Fn::` key anywhere must name a real function (CloudFormation rejects the
/// template otherwise). Iterative: the tree depth is bounded, but this costs nothing.
fn check_functions(root: &Node) -> Result<(), SyntaxError> {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.kind {
            Kind::Seq(items) => stack.extend(items),
            Kind::Map(entries) => {
                for entry in entries {
                    if entry.key.starts_with("Fn::") && !node::is_known_function(&entry.key) {
                        return Err(SyntaxError {
                            message: format!("unknown intrinsic function \"{}\"", entry.key),
                            span: entry.key_span,
                        });
                    }
                    stack.push(&entry.value);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The first Rain directive key in the template and its span.
fn first_rain_directive(root: &Node) -> Option<(&str, Span)> {
    let mut stack = vec![root];
    let mut first: Option<(&str, Span)> = None;
    while let Some(node) = stack.pop() {
        match &node.kind {
            Kind::Seq(items) => stack.extend(items),
            Kind::Map(entries) => {
                for entry in entries {
                    if node::is_rain_directive(&entry.key)
                        && first.is_none_or(|(_, span)| entry.key_span.start < span.start)
                    {
                        first = Some((&entry.key, entry.key_span));
                    }
                    stack.push(&entry.value);
                }
            }
            _ => {}
        }
    }
    first
}

/// The transforms a template declares (`Transform: name`, a list of names, or
/// `{Name: AWS::Include, ...}`), in order.
fn transforms(root: &Node) -> Vec<&str> {
    let Some(transform) = root.get("Transform") else {
        return Vec::new();
    };
    match &transform.kind {
        Kind::Seq(items) => items.iter().map(transform_name).collect(),
        _ => vec![transform_name(transform)],
    }
}

fn transform_name(node: &Node) -> &str {
    node.as_str()
        .or_else(|| node.get("Name").and_then(Node::as_str))
        .unwrap_or("?")
}

/// Where a template sits in a tree of nested stacks.
struct Nesting {
    /// Prefix of its resources' addresses: empty for the template linted, `Network.` for
    /// the stack `Network` it creates (logical IDs repeat across templates).
    prefix: String,
    /// The `Parameters` its parent stack resource passes; `None` for the template linted
    /// (its parameters come from the command line, parameter files and defaults).
    given: Option<HashMap<String, Val>>,
    /// The templates from the one linted down to this one: a cycle is not followed.
    chain: Vec<PathBuf>,
}

/// Nested stacks are followed this deep (CloudFormation's own nesting is rarely deeper
/// than a few levels; this bounds a runaway chain).
const MAX_STACK_DEPTH: usize = 8;

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Evaluates a template into `unit`; returns its evaluated `Outputs` when it is a nested
/// stack (the parent's `!GetAtt Stack.Outputs.Name`).
fn evaluate(
    root: &Node,
    path: &Path,
    nesting: &Nesting,
    options: &Options,
    sources: &SourceMap,
    unit: &mut Unit,
) -> HashMap<String, Val> {
    let region = options
        .region
        .clone()
        .unwrap_or_else(|| DEFAULT_REGION.to_string());
    let overrides = match nesting.given {
        None => parameter_overrides(options, sources, unit),
        Some(_) => HashMap::new(),
    };
    let mut params = HashMap::new();
    if let Some(declared) = root.get("Parameters").and_then(Node::as_map) {
        for param in declared {
            let given = nesting.given.as_ref().and_then(|g| g.get(&param.key));
            let value = match given {
                Some(value) => given_parameter(&param.value, value.clone()),
                None => {
                    parameter_value(&param.key, &param.value, overrides.get(param.key.as_str()))
                }
            };
            params.insert(param.key.as_str(), value);
        }
    }
    let transforms = transforms(root);
    let other_transforms = transforms
        .iter()
        .any(|t| *t != language_extensions::TRANSFORM);
    // Language extensions are expanded first, whatever their place in the list: the other
    // transforms (SAM) are not run, and loops generate what they process.
    let mut diagnostics = Vec::new();
    let mut expansion_incomplete = false;
    let expanded = transforms
        .contains(&language_extensions::TRANSFORM)
        .then(|| {
            let mut ev = Evaluator::new(region.clone());
            ev.params = params.clone();
            ev.mappings = root.get("Mappings");
            if let Some(conditions) = root.get("Conditions").and_then(Node::as_map) {
                ev.conditions = conditions
                    .iter()
                    .map(|c| (c.key.as_str(), &c.value))
                    .collect();
            }
            let expansion = language_extensions::expand(root, &mut ev);
            diagnostics = ev.diagnostics;
            expansion_incomplete = expansion.incomplete;
            expansion.root
        });
    let root = expanded.as_ref().unwrap_or(root);
    let mut ev = Evaluator::new(region.clone());
    ev.diagnostics = diagnostics;
    ev.params = params;
    ev.prefix = nesting.prefix.clone();
    ev.has_transform = other_transforms || expansion_incomplete;
    if let Some(transform) = root.entry("Transform").filter(|_| other_transforms) {
        ev.gap(
            transform.span(),
            GapCause::UnsupportedConstruct,
            "the template uses a transform: resources it generates are not analyzed and values it produces are unknown",
        );
    }
    if let Some((directive, span)) = first_rain_directive(root) {
        ev.uses_rain = true;
        let line = sources.get(span.file).line_col(span.start).line;
        ev.gap(
            span,
            GapCause::UnsupportedConstruct,
            format!("template uses Rain directives ({directive} at line {line}); vpclint evaluates it with those values unknown and leaves Rain modules out: lint the packaged template (rain pkg) for a full check"),
        );
    }
    ev.mappings = root.get("Mappings");
    if let Some(conditions) = root.get("Conditions").and_then(Node::as_map) {
        ev.conditions = conditions
            .iter()
            .map(|c| (c.key.as_str(), &c.value))
            .collect();
    }
    let resources = root.get("Resources").and_then(Node::as_map).unwrap_or(&[]);
    for entry in resources {
        if let Some(kind) = entry.value.get("Type").and_then(Node::as_str) {
            ev.resources.insert(
                entry.key.as_str(),
                ResourceDecl {
                    kind,
                    properties: entry.value.get("Properties"),
                },
            );
        }
    }
    unit.suppressions.extend(template_suppression_problem(root));
    for entry in resources {
        if entry.value.get("Type").and_then(Node::as_str) == Some(STACK_TYPE) {
            if let Some(outputs) =
                nested_stack(&mut ev, entry, path, nesting, options, sources, unit)
            {
                ev.stack_outputs.insert(entry.key.as_str(), outputs);
            }
        }
    }
    for entry in resources {
        let span = entry.span();
        if entry.key.starts_with("Fn::") {
            ev.gap(
                span,
                GapCause::UnsupportedConstruct,
                format!(
                    "{} in Resources is not expanded: the resources it generates are not analyzed",
                    entry.key
                ),
            );
            continue;
        }
        let Some(kind) = entry.value.get("Type").and_then(Node::as_str) else {
            // `Type: {Rain::Module: ...}` is expanded by rain pkg (covered by the note above).
            let rain_module = entry
                .value
                .get("Type")
                .and_then(Node::intrinsic)
                .is_some_and(|(function, _)| node::is_rain_directive(function));
            if !rain_module {
                ev.error(span, format!("resource {} has no Type", entry.key));
            }
            continue;
        };
        if let Some(condition) = entry.value.get("Condition") {
            let Some(name) = condition.as_str() else {
                ev.error(
                    condition.span,
                    "a resource Condition must be a condition name",
                );
                continue;
            };
            match ev.condition(name, condition.span) {
                Some(true) => {}
                Some(false) => continue,
                None => {
                    ev.gap(
                        condition.span,
                        GapCause::UnknownCondition,
                        format!("resource {} is left out: condition {name} cannot be decided statically", entry.key),
                    );
                    continue;
                }
            }
        }
        let attrs = match entry.value.get("Properties") {
            None => Val::new(span, V::Map(Vec::new())),
            Some(properties) => match ev.eval(properties) {
                Some(val @ Val { v: V::Map(_), .. }) => val,
                Some(other) => {
                    if !matches!(other.v, V::Unknown(_)) {
                        ev.error(properties.span, "Properties must be a mapping");
                    }
                    Val::new(properties.span, V::Map(Vec::new()))
                }
                None => Val::new(properties.span, V::Map(Vec::new())),
            },
        };
        if let Some(suppression) = suppression(&entry.value, span) {
            unit.suppressions.push(suppression);
        }
        unit.resources.push(Resource {
            kind: kind.to_string(),
            address: format!("{}{}", nesting.prefix, entry.key),
            span,
            name_span: entry.key_span,
            attrs,
            region: Some(region.clone()),
            called_from: Default::default(),
        });
    }
    let outputs = if nesting.given.is_some() {
        stack_outputs(&mut ev, root)
    } else {
        HashMap::new()
    };
    unit.diagnostics.append(&mut ev.diagnostics);
    outputs
}

const STACK_TYPE: &str = "AWS::CloudFormation::Stack";

/// The evaluated `Outputs` of a nested stack's template (those whose condition holds).
fn stack_outputs<'a>(ev: &mut Evaluator<'a>, root: &'a Node) -> HashMap<String, Val> {
    let mut outputs = HashMap::new();
    for output in root.get("Outputs").and_then(Node::as_map).unwrap_or(&[]) {
        if let Some(condition) = output.value.get("Condition").and_then(Node::as_str) {
            if ev.condition(condition, output.key_span) != Some(true) {
                continue;
            }
        }
        if let Some(value) = output.value.get("Value").and_then(|v| ev.eval(v)) {
            outputs.insert(output.key.clone(), value);
        }
    }
    outputs
}

/// A parameter value passed by the parent stack, typed as the child declares it (a list
/// parameter given as a comma-separated string is split).
fn given_parameter(decl: &Node, value: Val) -> Val {
    let kind = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
    let is_list = kind == "CommaDelimitedList" || kind.starts_with("List<");
    match &value.v {
        V::String(text) if is_list => {
            let items = text
                .split(',')
                .map(|item| Val::new(value.span, V::String(item.trim().to_string())))
                .collect();
            Val::new(value.span, V::List(items))
        }
        _ => value,
    }
}

/// The local file of a nested stack's template: CDK's asset path (`aws:asset:path` in the
/// resource's Metadata, relative to the cloud assembly), else a `TemplateURL` that is a
/// relative path (as written before `aws cloudformation package`). `Err` says why a stack
/// is not followed.
fn child_template<'a>(
    ev: &mut Evaluator<'a>,
    entry: &'a node::Entry,
    parent: &Path,
) -> Result<PathBuf, String> {
    let dir = parent.parent().unwrap_or(Path::new(""));
    let metadata = entry.value.get("Metadata");
    let asset_property = metadata
        .and_then(|m| m.get("aws:asset:property"))
        .and_then(Node::as_str);
    if let (Some("TemplateURL"), Some(asset)) = (
        asset_property,
        metadata
            .and_then(|m| m.get("aws:asset:path"))
            .and_then(Node::as_str),
    ) {
        return Ok(dir.join(asset));
    }
    let url = entry
        .value
        .get("Properties")
        .and_then(|p| p.get("TemplateURL"))
        .ok_or("it has no TemplateURL")?;
    let url = ev.eval(url).ok_or("its TemplateURL is empty")?;
    match url.as_str() {
        Some(url) if url.contains("://") || url.starts_with("https") => Err(format!(
            "its template is at {url}, which vpclint does not download: lint the template file beside it"
        )),
        Some(url) => Ok(dir.join(url)),
        None => Err("its TemplateURL is not known statically".into()),
    }
}

/// Evaluates the child template of the stack resource `entry` into `unit`, with the
/// parameters the resource passes; its outputs, or `None` when it is not followed (a gap).
fn nested_stack<'a>(
    ev: &mut Evaluator<'a>,
    entry: &'a node::Entry,
    parent: &Path,
    nesting: &Nesting,
    options: &Options,
    sources: &SourceMap,
    unit: &mut Unit,
) -> Option<HashMap<String, Val>> {
    let span = entry.span();
    if let Some(condition) = entry.value.get("Condition").and_then(Node::as_str) {
        // An undecidable condition is reported by the resource loop.
        if ev.condition(condition, entry.key_span) != Some(true) {
            return None;
        }
    }
    let not_followed = |ev: &mut Evaluator<'a>, why: String| {
        ev.gap(
            span,
            GapCause::UnsupportedConstruct,
            format!(
                "nested stack {} is not followed: {why}; its resources are not analyzed",
                entry.key
            ),
        );
        None
    };
    let path = match child_template(ev, entry, parent) {
        Ok(path) => path,
        Err(why) => return not_followed(ev, why),
    };
    let canonical_path = canonical(&path);
    if nesting.chain.contains(&canonical_path) {
        return not_followed(ev, format!("{} includes itself", path.display()));
    }
    if nesting.chain.len() > MAX_STACK_DEPTH {
        return not_followed(
            ev,
            format!("stacks are nested deeper than {MAX_STACK_DEPTH}"),
        );
    }
    let text = match crate::source::read(&path) {
        Ok(text) => text,
        Err(message) => return not_followed(ev, format!("{}: {message}", path.display())),
    };
    let given = match entry
        .value
        .get("Properties")
        .and_then(|p| p.get("Parameters"))
        .and_then(|p| ev.eval(p))
    {
        Some(Val {
            v: V::Map(values), ..
        }) => values.into_iter().collect(),
        _ => HashMap::new(),
    };
    let file = sources.add(path.clone(), text.clone());
    if !unit.files.contains(&file) {
        unit.files.push(file);
    }
    let root = match parse(file, &path, &text).and_then(|root| {
        if let Some(root) = &root {
            check_functions(root)?;
        }
        Ok(root)
    }) {
        Ok(Some(root)) if is_template(&root) => root,
        Ok(_) => return not_followed(ev, format!("{} is not a template", path.display())),
        Err(error) => {
            unit.diagnostics
                .push(Diagnostic::error(error.span, error.message));
            return None;
        }
    };
    let mut chain = nesting.chain.clone();
    chain.push(canonical_path);
    let child = Nesting {
        prefix: format!("{}{}.", nesting.prefix, entry.key),
        given: Some(given),
        chain,
    };
    Some(evaluate(&root, &path, &child, options, sources, unit))
}

/// `Metadata: {vpclint: {ignore: [rule-a, rule-b], reason: "why"}}` of a resource, or of
/// the template (then `applies_to` is the whole file); `ignore` may also be a single rule
/// name and `reason` may be left out. A `vpclint` entry that cannot work (not a mapping, a
/// key vpclint does not read, no rule) is a malformed suppression.
fn suppression(resource: &Node, applies_to: Span) -> Option<Suppression> {
    let entry = resource.get("Metadata")?.entry("vpclint")?;
    let config = &entry.value;
    if let Some(problem) = unread_keys(config) {
        return Some(Suppression::malformed(entry.span(), problem));
    }
    let Some(ignore) = config.entry("ignore") else {
        return Some(Suppression::malformed(
            entry.span(),
            "`vpclint` metadata without `ignore` suppresses nothing",
        ));
    };
    let rules: Vec<String> = match &ignore.value.kind {
        Kind::Str(rule) => vec![rule.clone()],
        Kind::Seq(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    if rules.is_empty() {
        return Some(Suppression::malformed(
            ignore.span(),
            "`vpclint: ignore` names no rule: it suppresses nothing",
        ));
    }
    Some(Suppression {
        rules,
        reason: config
            .get("reason")
            .and_then(Node::as_str)
            .map(str::to_string),
        span: ignore.span(),
        applies_to,
        problem: None,
    })
}

/// Why a `vpclint` metadata mapping is not one vpclint reads: it is not a mapping, or has
/// keys other than `ignore` and `reason`.
fn unread_keys(config: &Node) -> Option<String> {
    let Some(entries) = config.as_map() else {
        return Some("`vpclint` metadata must be a mapping with `ignore` (and `reason`)".into());
    };
    let unread: Vec<&str> = entries
        .iter()
        .map(|e| e.key.as_str())
        .filter(|key| !["ignore", "reason"].contains(key))
        .collect();
    (!unread.is_empty()).then(|| {
        format!(
            "vpclint does not read `{}` in `vpclint` metadata (only `ignore` and `reason`): it suppresses nothing",
            unread.join("`, `")
        )
    })
}

/// Template-level `Metadata: {vpclint: ...}` with keys vpclint does not read (the
/// template-level `ignore` list is a file-level suppression).
fn template_suppression_problem(root: &Node) -> Option<Suppression> {
    let entry = root.get("Metadata")?.entry("vpclint")?;
    let problem = unread_keys(&entry.value)?;
    Some(Suppression::malformed(entry.span(), problem))
}

/// The value a parameter takes: override, else `Default`, typed as CloudFormation does.
fn parameter_value(name: &str, decl: &Node, given: Option<&Option<String>>) -> Val {
    let span = decl.span;
    let kind = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
    if kind.starts_with("AWS::SSM::Parameter::") {
        // The value (even an override) names an SSM parameter, read at deploy time.
        return Val::new(
            span,
            V::Unknown(format!(
                "parameter {name} is read from SSM Parameter Store at deploy time"
            )),
        );
    }
    let raw = match given {
        Some(Some(value)) => Some(value.clone()),
        Some(None) => {
            return Val::new(
                span,
                V::Unknown(format!("parameter {name} keeps its previous value")),
            )
        }
        None => decl.get("Default").and_then(default_text),
    };
    let Some(raw) = raw else {
        return Val::new(span, V::Unknown(format!("parameter {name} has no value")));
    };
    let is_list = kind == "CommaDelimitedList" || kind.starts_with("List<");
    if is_list {
        let items = raw
            .split(',')
            .map(|item| Val::new(span, V::String(item.trim().to_string())))
            .collect();
        Val::new(span, V::List(items))
    } else {
        Val::new(span, V::String(raw))
    }
}

/// A `Default` as the string CloudFormation sees (`Default: 10` is "10").
fn default_text(node: &Node) -> Option<String> {
    match &node.kind {
        Kind::Str(s) => Some(s.clone()),
        Kind::Number(n) => Some(format_number(*n)),
        Kind::Bool(b) => Some(b.to_string()),
        Kind::Seq(items) => items
            .iter()
            .map(default_text)
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join(",")),
        _ => None,
    }
}

/// Parameter values from the parameter files (in order), then `--parameter` (last wins).
fn parameter_overrides(
    options: &Options,
    sources: &SourceMap,
    unit: &mut Unit,
) -> HashMap<String, Option<String>> {
    let mut values = HashMap::new();
    for path in &options.parameter_files {
        match read_parameter_file(path, sources, unit) {
            Ok(pairs) => values.extend(pairs),
            Err(diagnostic) => unit.diagnostics.push(diagnostic),
        }
    }
    values.extend(
        options
            .parameters
            .iter()
            .map(|(k, v)| (k.clone(), Some(v.clone()))),
    );
    values
}

/// Reads `[{"ParameterKey": k, "ParameterValue": v}, ...]` (the AWS CLI form) or
/// `{"Parameters": {k: v}}` (the CodePipeline template configuration form).
fn read_parameter_file(
    path: &Path,
    sources: &SourceMap,
    unit: &mut Unit,
) -> Result<Vec<(String, Option<String>)>, Diagnostic> {
    let text = match crate::source::read(path) {
        Ok(text) => text,
        Err(message) => {
            let file = sources.add(path.to_path_buf(), Arc::from(""));
            return Err(Diagnostic {
                severity: Severity::Error,
                message: format!("parameter file: {message}"),
                span: Span::file_start(file),
                gap: None,
            });
        }
    };
    let file = sources.add(path.to_path_buf(), text.clone());
    if !unit.files.contains(&file) {
        unit.files.push(file);
    }
    let bad = |message: String, span: Span| Diagnostic {
        severity: Severity::Error,
        message: format!("parameter file: {message}"),
        span,
        gap: None,
    };
    let root = json::parse(file, &text)
        .map_err(|e| bad(e.message, e.span))?
        .ok_or_else(|| bad("empty file".into(), Span::file_start(file)))?;
    let mut pairs = Vec::new();
    match &root.kind {
        Kind::Seq(items) => {
            for item in items {
                let key = item.get("ParameterKey").and_then(Node::as_str);
                let value = item.get("ParameterValue");
                match (key, value.and_then(default_text)) {
                    (Some(key), Some(text)) => {
                        pairs.push((key.to_string(), Some(text)));
                    }
                    (Some(key), None) if item.get("UsePreviousValue").is_some() => {
                        pairs.push((key.to_string(), None));
                    }
                    _ => {
                        return Err(bad(
                            "each entry needs ParameterKey and ParameterValue".into(),
                            item.span,
                        ))
                    }
                }
            }
        }
        Kind::Map(_) => {
            let Some(params) = root.get("Parameters").and_then(Node::as_map) else {
                return Err(bad(
                    "expected a list of {ParameterKey, ParameterValue} or {\"Parameters\": {...}}"
                        .into(),
                    root.span,
                ));
            };
            for param in params {
                match default_text(&param.value) {
                    Some(text) => pairs.push((param.key.clone(), Some(text))),
                    None => {
                        return Err(bad(
                            "parameter values must be strings".into(),
                            param.value.span,
                        ))
                    }
                }
            }
        }
        _ => {
            return Err(bad(
                "expected a list of {ParameterKey, ParameterValue}".into(),
                root.span,
            ))
        }
    }
    Ok(pairs)
}
