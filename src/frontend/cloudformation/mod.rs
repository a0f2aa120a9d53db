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
mod serverless;
mod yaml;

use super::{Diagnostic, Export, GapCause, Lang, Resource, Severity, Suppression, Unit, Val, V};
use crate::source::{canonical, FileId, SourceMap, Span};
use eval::{format_number, Evaluator, ResourceDecl};
use node::{Kind, Node, SyntaxError};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
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
    /// `AWS::StackName` of the templates linted (not of nested stacks, whose names
    /// CloudFormation generates), by canonical path: `[cloudformation.stack_names]`.
    pub stack_names: HashMap<PathBuf, String>,
    /// The exports of the run's templates that `Fn::ImportValue` resolves to, by name
    /// (filled by [`link_imports`]).
    pub exports: Arc<HashMap<String, Exported>>,
}

/// One template's export as another template of the run imports it.
#[derive(Debug, Clone)]
pub struct Exported {
    pub value: Val,
    /// `Outputs.VpcId`, and the output's key.
    pub output: String,
    pub span: Span,
    /// The exporting template, as the report shows its path.
    pub template: String,
    /// The unit that evaluated it (the template linted, for a nested stack's export).
    pub unit: PathBuf,
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
        provenance: Vec::new(),
        exports: Vec::new(),
        failures: Vec::new(),
        imports: Vec::new(),
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
    let mut unset_params = HashSet::new();
    if let Some(declared) = root.get("Parameters").and_then(Node::as_map) {
        for param in declared {
            let given = nesting.given.as_ref().and_then(|g| g.get(&param.key));
            let value = match given {
                Some(value) => given_parameter(&param.value, value.clone()),
                None => {
                    let overridden = overrides.get(param.key.as_str());
                    let kind = param.value.get("Type").and_then(Node::as_str);
                    if overridden.is_none()
                        && param.value.get("Default").is_none()
                        && !kind.is_some_and(|k| k.starts_with("AWS::SSM::Parameter::"))
                    {
                        unset_params.insert(param.key.as_str());
                    }
                    parameter_value(&param.key, &param.value, overridden)
                }
            };
            params.insert(param.key.as_str(), value);
        }
    }
    let stack_name = match nesting.given {
        None => nesting
            .chain
            .first()
            .and_then(|path| options.stack_names.get(path))
            .cloned(),
        Some(_) => None,
    };
    let transforms = transforms(root);
    let other_transforms = transforms
        .iter()
        .any(|t| *t != language_extensions::TRANSFORM);
    let unmodelled_transforms = transforms
        .iter()
        .any(|t| *t != language_extensions::TRANSFORM && *t != SAM_TRANSFORM);
    let uses_sam = transforms.contains(&SAM_TRANSFORM);
    // Language extensions are expanded first, whatever their place in the list: the other
    // transforms (SAM) are not run, and loops generate what they process.
    let mut diagnostics = Vec::new();
    let mut failures = Vec::new();
    // Imports the loops' collections use: resolved like the others, and recorded so that
    // the template is evaluated again once the run's exports are known.
    let mut imported = Vec::new();
    let mut provenance = Vec::new();
    let mut expansion_incomplete = false;
    let expanded = transforms
        .contains(&language_extensions::TRANSFORM)
        .then(|| {
            let mut ev = Evaluator::new(region.clone());
            ev.region_assumed = options.region.is_none();
            ev.params = params.clone();
            ev.exports = options.exports.clone();
            ev.stack_name = stack_name.clone();
            ev.mappings = root.get("Mappings");
            if let Some(conditions) = root.get("Conditions").and_then(Node::as_map) {
                ev.conditions = conditions
                    .iter()
                    .map(|c| (c.key.as_str(), &c.value))
                    .collect();
            }
            let expansion = language_extensions::expand(root, &mut ev);
            diagnostics = ev.diagnostics;
            failures = ev.failures;
            imported = ev.imported;
            provenance = ev.provenance;
            expansion_incomplete = expansion.incomplete;
            expansion.root
        });
    let root = expanded.as_ref().unwrap_or(root);
    let mut ev = Evaluator::new(region.clone());
    ev.region_assumed = options.region.is_none();
    ev.template_path = Some(path.to_path_buf());
    ev.diagnostics = diagnostics;
    ev.failures = failures;
    ev.imported = imported;
    ev.provenance = provenance;
    ev.params = params;
    ev.unset_params = unset_params;
    ev.prefix = nesting.prefix.clone();
    ev.exports = options.exports.clone();
    ev.stack_name = stack_name.clone();
    if let Some(given) = &nesting.given {
        ev.given = ev
            .params
            .keys()
            .copied()
            .filter(|name| given.contains_key(*name))
            .collect();
        ev.parent_stack = nesting.prefix.trim_end_matches('.').to_string();
    }
    ev.has_transform = other_transforms || expansion_incomplete;
    if let Some(transform) = root.entry("Transform").filter(|_| unmodelled_transforms) {
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
        let kind = entry.value.get("Type").and_then(Node::as_str);
        if kind == Some(STACK_TYPE) || (kind == Some(SAM_APPLICATION) && uses_sam) {
            if let Some(outputs) =
                nested_stack(&mut ev, entry, path, nesting, options, sources, unit)
            {
                ev.stack_outputs.insert(entry.key.as_str(), outputs);
            }
        }
    }
    let first_resource = unit.resources.len();
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
                    let reason = format!(
                        "resource {} is left out: condition {name} cannot be decided statically",
                        entry.key
                    );
                    ev.gap(condition.span, GapCause::UnknownCondition, reason.clone());
                    unit.resources.push(Resource {
                        kind: kind.into(),
                        address: format!("{}{}", nesting.prefix, entry.key),
                        span,
                        name_span: entry.key_span,
                        attrs: Val::new(span, V::Unknown(reason)),
                        region: Some(region.clone()),
                        called_from: Default::default(),
                    });
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
            kind: kind.into(),
            address: format!("{}{}", nesting.prefix, entry.key),
            span,
            name_span: entry.key_span,
            attrs,
            region: Some(region.clone()),
            called_from: Default::default(),
        });
    }
    custom_resource_additions(&mut ev, unit, first_resource, &nesting.prefix);
    let outputs = if nesting.given.is_some() {
        stack_outputs(&mut ev, root)
    } else {
        HashMap::new()
    };
    let exports = exports(&mut ev, root, &nesting.prefix);
    unit.exports.extend(exports);
    unit.imports.append(&mut ev.imported);
    unit.provenance.append(&mut ev.provenance);
    unit.diagnostics.append(&mut ev.diagnostics);
    unit.failures.append(&mut ev.failures);
    outputs
}

/// The resource types whose identifier, handed to a custom resource, lets its code add to
/// them what the template does not declare: routes to a route table, a subnet's route
/// table association, rules to a security group or NACL. A VPC or gateway identifier alone
/// is taken as not enough: custom resources are given one for many other tasks (clean up
/// ENIs, read the VPC's CIDR), and adding a route needs the table.
const NETWORK_HANDLES: &[&str] = &[
    "AWS::EC2::RouteTable",
    "AWS::EC2::Subnet",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::TransitGatewayRouteTable",
];

/// What such code may add: resources of unknown instances of these types, so that what
/// concludes from the absence of a route, rule or entry stays silent.
const KINDS_CUSTOM_CODE_MAY_ADD: &[&str] = &[
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::VPNGatewayRoutePropagation",
    "AWS::EC2::TransitGatewayRoute",
    "AWS::EC2::TransitGatewayRouteTableAssociation",
    "AWS::EC2::TransitGatewayRouteTablePropagation",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::NetworkAclEntry",
];

/// A custom resource (`Custom::*`, `AWS::CloudFormation::CustomResource`) runs code with
/// the properties it is given: one given a network resource of the template may add routes,
/// security group rules or NACL entries at deploy time (a Lambda that creates Gateway Load
/// Balancer endpoints and routes to them). Said as not analyzed, with what it is given.
fn custom_resource_additions(ev: &mut Evaluator, unit: &mut Unit, from: usize, prefix: &str) {
    let mut additions = Vec::new();
    for res in unit.resources.get(from..).unwrap_or_default() {
        let custom =
            &*res.kind == "AWS::CloudFormation::CustomResource" || res.kind.starts_with("Custom::");
        let Some(decl) = res
            .address
            .strip_prefix(prefix)
            .and_then(|id| ev.resources.get(id))
            .filter(|_| custom)
        else {
            continue;
        };
        let mut given: Option<(&str, &str)> = None;
        if let Some(properties) = decl.properties {
            visit_named(properties, &mut |name| {
                let kind = ev.resources.get(name).map(|d| d.kind);
                if let (None, Some(kind)) = (given, kind) {
                    if NETWORK_HANDLES.contains(&kind) {
                        given = Some((name, kind));
                    }
                }
            });
        }
        if let Some((name, kind)) = given {
            let reason = format!(
                "custom resource {} is given {prefix}{name} ({kind}): the routes, security group rules and NACL entries its code may add at deploy time are not known, so nothing is concluded from their absence",
                res.address
            );
            additions.push((
                res.address.clone(),
                res.span,
                res.name_span,
                res.region.clone(),
                reason,
            ));
        }
    }
    for (address, span, name_span, region, reason) in additions {
        ev.gap(name_span, GapCause::UnsupportedConstruct, reason.clone());
        for kind in KINDS_CUSTOM_CODE_MAY_ADD {
            unit.resources.push(Resource {
                kind: Arc::from(*kind),
                address: address.clone(),
                span,
                name_span,
                attrs: Val::new(span, V::Unknown(reason.clone())),
                region: region.clone(),
                called_from: Default::default(),
            });
        }
    }
}

/// Calls `visit` with each logical ID `node` names: `Ref`, `Fn::GetAtt`, `${Name}` and
/// `${Name.Attribute}` in `Fn::Sub`, at any depth.
fn visit_named<'n>(node: &'n Node, visit: &mut impl FnMut(&'n str)) {
    if let Some((function, arg)) = node.intrinsic() {
        match function {
            "Ref" => {
                if let Some(name) = arg.as_str() {
                    visit(name);
                }
            }
            "Fn::GetAtt" => {
                let name = match arg.as_seq() {
                    Some(items) => items.first().and_then(Node::as_str),
                    None => arg.as_str().and_then(|s| s.split('.').next()),
                };
                if let Some(name) = name {
                    visit(name);
                }
            }
            "Fn::Sub" => {
                let template = arg
                    .as_str()
                    .or_else(|| arg.as_seq().and_then(|items| items.first()?.as_str()));
                for part in template.unwrap_or_default().split("${").skip(1) {
                    let name = part.split(['}', '.']).next().unwrap_or_default();
                    if !name.starts_with('!') {
                        visit(name);
                    }
                }
            }
            _ => {}
        }
    }
    for child in node.as_seq().unwrap_or_default() {
        visit_named(child, visit);
    }
    for entry in node.as_map().unwrap_or_default() {
        visit_named(&entry.value, visit);
    }
}

/// The `Outputs` with an `Export` (those whose condition holds), with their names as far as
/// they are known statically.
fn exports<'a>(ev: &mut Evaluator<'a>, root: &'a Node, prefix: &str) -> Vec<Export> {
    let mut exports = Vec::new();
    for output in root.get("Outputs").and_then(Node::as_map).unwrap_or(&[]) {
        let Some(name_node) = output.value.get("Export").and_then(|e| e.get("Name")) else {
            continue;
        };
        let condition = output.value.get("Condition").and_then(Node::as_str);
        let holds = condition.map_or(Some(true), |c| ev.condition(c, output.key_span));
        let value = match holds {
            Some(false) => continue,
            Some(true) => match output
                .value
                .get("Value")
                .and_then(|v| comma_joined_references(ev, v).or_else(|| ev.eval(v)))
            {
                Some(value) => value,
                None => continue,
            },
            // Maybe exported: an import of it is unknown, and says why.
            None => Val::new(
                output.key_span,
                V::Unknown(format!(
                    "whether Outputs.{} is exported depends on condition {}, which is not known",
                    output.key,
                    condition.unwrap_or_default()
                )),
            ),
        };
        let name = match ev.eval(name_node) {
            Some(name) => match eval::scalar_string(&name.v) {
                Some(text) => Ok(text),
                None => Err(eval::why_not_known(&name.v)),
            },
            None => continue,
        };
        exports.push(Export {
            name,
            pattern: name_pattern(name_node),
            value,
            output: format!("{prefix}Outputs.{}", output.key),
            span: output.key_span,
        });
    }
    exports
}

/// An export name as written, with `*` for each part that is not literal text.
fn name_pattern(node: &Node) -> String {
    let sub_text = match node.intrinsic() {
        Some(("Fn::Sub", arg)) => match &arg.kind {
            Kind::Seq(items) => items.first().and_then(Node::as_str),
            _ => arg.as_str(),
        },
        Some(("Fn::Join", arg)) => {
            return match arg.as_seq() {
                Some([delimiter, parts]) => match (delimiter.as_str(), parts.as_seq()) {
                    (Some(delimiter), Some(parts)) => parts
                        .iter()
                        .map(|part| part.as_str().unwrap_or("*"))
                        .collect::<Vec<_>>()
                        .join(delimiter),
                    _ => "*".into(),
                },
                _ => "*".into(),
            };
        }
        Some(_) => return "*".into(),
        None => return node.as_str().unwrap_or("*").to_string(),
    };
    let Some(mut rest) = sub_text else {
        return "*".into();
    };
    let mut pattern = String::new();
    while let Some(open) = rest.find("${") {
        pattern.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find('}') {
            Some(close) if after.starts_with('!') => {
                pattern.push_str("${");
                pattern.push_str(&after[1..=close]);
                rest = &after[close + 1..];
            }
            Some(close) => {
                pattern.push('*');
                rest = &after[close + 1..];
            }
            None => {
                pattern.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    pattern.push_str(rest);
    pattern
}

/// The first `at_most` items joined, and how many more there are; `None` when empty.
fn listed(items: &[String], at_most: usize) -> Option<String> {
    let (shown, rest) = items.split_at(items.len().min(at_most));
    let mut text = shown.join("; ");
    if !rest.is_empty() {
        text.push_str(&format!("; and {} more", rest.len()));
    }
    (!shown.is_empty()).then_some(text)
}

/// Whether `name` fits `pattern`, where `*` stands for any text.
fn fits_pattern(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Whether a template's text certainly neither imports another template's exports
/// (`Fn::ImportValue`, `!ImportValue`) nor creates nested stacks (`AWS::CloudFormation::Stack`,
/// SAM's `AWS::Serverless::Application`),
/// so that its unit needs no other unit of the run. Conservative: the words anywhere (a
/// description, a comment) count, and so does whatever could spell them otherwise: JSON and
/// YAML escapes (`\u0049`, `\x49`, an escaped line break), `%` escapes in YAML tags, `%TAG`.
pub fn stands_alone(text: &str) -> bool {
    const LINKS: [&str; 3] = [
        "ImportValue",
        "CloudFormation::Stack",
        "Serverless::Application",
    ];
    const ESCAPES: [&str; 5] = ["\\u", "\\U", "\\x", "\\\n", "\\\r"];
    let percent_escape = text.match_indices('%').any(|(at, _)| {
        text.as_bytes()
            .get(at + 1..at + 3)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    !(LINKS
        .iter()
        .chain(&ESCAPES)
        .any(|needle| text.contains(needle))
        || percent_escape
        || text.contains("%TAG"))
}

/// Resolves `Fn::ImportValue` across the templates of one run: an import whose name is
/// known and exported by exactly one other template of the run takes that template's value
/// (its template is evaluated again, with the export); two exports of one name, or
/// exports whose names are not known statically, leave the import unknown with a note.
/// Runs after every template is loaded, and after nested stacks are merged into their
/// parents (their exports are those they make with the parameters the parent passes).
pub fn link_imports(units: &mut [Unit], options: &Options, sources: &SourceMap) {
    let is_template = |unit: &Unit| unit.lang == Lang::CloudFormation;
    if !units
        .iter()
        .any(|u| is_template(u) && !u.imports.is_empty())
    {
        return;
    }
    let mut named: HashMap<&str, Vec<(usize, &Export)>> = HashMap::new();
    let mut unnamed: Vec<(usize, &Export)> = Vec::new();
    for (index, unit) in units.iter().enumerate().filter(|(_, u)| is_template(u)) {
        for export in &unit.exports {
            match &export.name {
                Ok(name) => named.entry(name).or_default().push((index, export)),
                Err(_) => unnamed.push((index, export)),
            }
        }
    }
    let template = |export: &Export| sources.get(export.span.file).path.display().to_string();
    let exported = |exporter: usize, export: &Export| Exported {
        value: export.value.clone(),
        output: export.output.clone(),
        span: export.span,
        template: template(export),
        unit: units[exporter].path.clone(),
    };
    let mut resolved: HashMap<String, Exported> = HashMap::new();
    let mut reevaluate: Vec<usize> = Vec::new();
    let mut notes: Vec<(usize, Diagnostic)> = Vec::new();
    for (index, unit) in units.iter().enumerate().filter(|(_, u)| is_template(u)) {
        for import in &unit.imports {
            let name = import.name.as_str();
            let exporters: Vec<&(usize, &Export)> = named
                .get(name)
                .map(|all| all.iter().filter(|(i, _)| *i != index).collect())
                .unwrap_or_default();
            match exporters.as_slice() {
                [(exporter, export)] => {
                    if let V::Unknown(reason) = &export.value.v {
                        notes.push((
                            index,
                            Diagnostic::note(
                                import.span,
                                format!(
                                    "Fn::ImportValue \"{name}\" stays unknown: {reason} ({} of {})",
                                    export.output,
                                    template(export)
                                ),
                            ),
                        ));
                    }
                    resolved
                        .entry(name.to_string())
                        .or_insert_with(|| exported(*exporter, export));
                    if reevaluate.last() != Some(&index) {
                        reevaluate.push(index);
                    }
                }
                [] => {
                    let candidates: Vec<String> = unnamed
                        .iter()
                        .filter(|(i, e)| *i != index && fits_pattern(&e.pattern, name))
                        .map(|(_, e)| {
                            format!(
                                "{} of {} (its name is not known statically: {})",
                                e.output,
                                template(e),
                                e.name.as_ref().err().map_or("", String::as_str)
                            )
                        })
                        .collect();
                    if let Some(shown) = listed(&candidates, 3) {
                        notes.push((
                            index,
                            Diagnostic::note(
                                import.span,
                                format!(
                                    "Fn::ImportValue \"{name}\" stays unknown: no template of the run exports this name, and an export it may be meant for is not matched by a guessed name: {shown}",
                                ),
                            ),
                        ));
                    }
                }
                several => {
                    let places: Vec<String> = several
                        .iter()
                        .map(|(_, e)| format!("{} of {}", e.output, template(e)))
                        .collect();
                    notes.push((
                        index,
                        Diagnostic::note(
                            import.span,
                            format!(
                                "Fn::ImportValue \"{name}\" stays unknown: {} each export this name (the run holds several accounts or regions), so which one it imports is not known",
                                places.join(", ")
                            ),
                        ),
                    ));
                }
            }
        }
    }
    if !reevaluate.is_empty() {
        // What a loop generates from an imported collection imports too, unseen until now:
        // every name exported once in the run is offered.
        for (name, exporters) in &named {
            if let [(exporter, export)] = exporters.as_slice() {
                resolved
                    .entry(name.to_string())
                    .or_insert_with(|| exported(*exporter, export));
            }
        }
        let options = Options {
            exports: Arc::new(resolved),
            ..options.clone()
        };
        let linked: Vec<(usize, Unit)> = reevaluate
            .par_iter()
            .filter_map(|&index| {
                let unit = &units[index];
                let text = sources.get(*unit.files.first()?).shared_text();
                Some((index, load_template(&unit.path, text, &options, sources)?))
            })
            .collect();
        for (index, unit) in linked {
            units[index] = unit;
        }
    }
    for (index, note) in notes {
        units[index].diagnostics.push(note);
    }
}

const STACK_TYPE: &str = "AWS::CloudFormation::Stack";

/// The SAM transform. What it generates (Lambda functions, APIs, roles, tables, state
/// machines) is outside the network model, except the nested stack of an
/// `AWS::Serverless::Application`, which is followed like `AWS::CloudFormation::Stack`.
const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";
const SAM_APPLICATION: &str = "AWS::Serverless::Application";

/// The evaluated `Outputs` of a nested stack's template (those whose condition holds).
fn stack_outputs<'a>(ev: &mut Evaluator<'a>, root: &'a Node) -> HashMap<String, Val> {
    let mut outputs = HashMap::new();
    for output in root.get("Outputs").and_then(Node::as_map).unwrap_or(&[]) {
        if let Some(condition) = output.value.get("Condition").and_then(Node::as_str) {
            if ev.condition(condition, output.key_span) != Some(true) {
                continue;
            }
        }
        let Some(node) = output.value.get("Value") else {
            continue;
        };
        if let Some(value) = comma_joined_references(ev, node).or_else(|| ev.eval(node)) {
            outputs.insert(output.key.clone(), value);
        }
    }
    outputs
}

/// An output `!Join [",", [...]]` that joins resource references (a VPC stack's
/// `PublicSubnets`, passed on to a `List<AWS::EC2::Subnet::Id>` parameter of another
/// stack, or exported and split again by the stacks that import it): its items as a list,
/// which is what a list parameter or `Fn::Split` on `","` makes of the joined string (a
/// string item split at its commas). `None` for any other output, and for a join without
/// references (its string is known).
fn comma_joined_references<'a>(ev: &mut Evaluator<'a>, node: &'a Node) -> Option<Val> {
    let [join] = node.as_map()? else {
        return None;
    };
    let [delimiter, list] = join.value.as_seq()? else {
        return None;
    };
    if join.key != "Fn::Join" || delimiter.as_str() != Some(",") {
        return None;
    }
    let list = ev.eval(list)?;
    let items = list.as_list()?;
    if !items.iter().any(|item| matches!(item.v, V::Ref(_))) {
        return None;
    }
    let references = eval::comma_separated_items(items)?;
    Some(Val::new(node.span, V::List(references)))
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
/// resource's Metadata, relative to the cloud assembly), else a `TemplateURL` (a SAM
/// application's `Location`) that is a relative path (as written before
/// `aws cloudformation package`), else the file beside
/// the parent that has the longest tail of an S3 or HTTPS `TemplateURL`'s path (a
/// repository publishes its templates under the same paths; a note says which file stands
/// for the URL). `Err` says why a stack is not followed.
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
    // A SAM application names its template with `Location`: a path or URL, or a
    // Serverless Application Repository application.
    let property = match entry.value.get("Type").and_then(Node::as_str) {
        Some(SAM_APPLICATION) => "Location",
        _ => "TemplateURL",
    };
    let url = entry
        .value
        .get("Properties")
        .and_then(|p| p.get(property))
        .ok_or_else(|| format!("it has no {property}"))?;
    if url.get("ApplicationId").is_some() {
        return Err("it is an application of the Serverless Application Repository, which vpclint does not download: lint its template on its own".into());
    }
    let url = ev
        .eval(url)
        .ok_or_else(|| format!("its {property} is empty"))?;
    match url.as_str() {
        Some(url) if url.contains("://") || url.starts_with("https") => {
            match local_copy(dir, url) {
                Some(path) => {
                    ev.note(
                        entry.key_span,
                        format!(
                            "nested stack {}: its template at {url} is read from {}, the file \
                             beside this template with the same path",
                            entry.key,
                            path.display()
                        ),
                    );
                    Ok(path)
                }
                None => Err(format!(
                    "its template is at {url}, which vpclint does not download, and no file \
                     beside this template has that path: lint that template on its own"
                )),
            }
        }
        Some(url) => Ok(dir.join(url)),
        None => Err(format!(
            "its {property} is not known statically ({})",
            eval::why_not_known(&url.v)
        )),
    }
}

/// The file under `dir` whose relative path is the longest tail of `url`'s path
/// (`https://bucket.s3.amazonaws.com/prefix/infrastructure/vpc.yaml` gives
/// `dir/infrastructure/vpc.yaml`, else `dir/vpc.yaml`), of its last
/// [`MAX_URL_TAIL_SEGMENTS`] segments.
const MAX_URL_TAIL_SEGMENTS: usize = 16;

fn local_copy(dir: &Path, url: &str) -> Option<PathBuf> {
    let (_, rest) = url.split_once("://")?;
    let path = rest.split(['?', '#']).next()?;
    // The host is not part of the path.
    let mut segments: Vec<&str> = path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
    // Each tail is a path built and a `stat`: a URL of a million segments must not make that
    // quadratic.
    segments.drain(..segments.len().saturating_sub(MAX_URL_TAIL_SEGMENTS));
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return None;
    }
    (0..segments.len()).find_map(|start| {
        let candidate = segments[start..]
            .iter()
            .fold(dir.to_path_buf(), |path, segment| path.join(segment));
        candidate.is_file().then_some(candidate)
    })
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
            .map(|item| Val::new(span, eval::string_value(item.trim().to_string())))
            .collect();
        Val::new(span, V::List(items))
    } else {
        Val::new(span, eval::string_value(raw))
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

#[cfg(test)]
mod tests {
    use super::{fits_pattern, local_copy, name_pattern, stands_alone, yaml};
    use crate::source::FileId;

    #[test]
    fn a_remote_template_is_read_from_the_file_with_the_longest_tail_of_its_path() {
        let dir = std::env::temp_dir().join(format!("vpclint-local-copy-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("infra")).unwrap();
        std::fs::write(dir.join("infra/vpc.yaml"), "").unwrap();
        std::fs::write(dir.join("vpc.yaml"), "").unwrap();
        let url = "https://bucket.s3.amazonaws.com/prefix/infra/vpc.yaml?versionId=1";
        assert_eq!(local_copy(&dir, url), Some(dir.join("infra/vpc.yaml")));
        let url = "https://bucket.s3.amazonaws.com/other/vpc.yaml";
        assert_eq!(local_copy(&dir, url), Some(dir.join("vpc.yaml")));
        // Near misses: no such file, a path that climbs out, no scheme.
        assert_eq!(
            local_copy(&dir, "https://b.s3.amazonaws.com/x/tgw.yaml"),
            None
        );
        assert_eq!(
            local_copy(&dir, "https://b.s3.amazonaws.com/../vpc.yaml"),
            None
        );
        assert_eq!(local_copy(&dir, "vpc.yaml"), None);
        // A hostile URL of 400,000 segments: only its last 16 tails are tried (every tail,
        // each built segment by segment, did not end).
        let long = format!(
            "https://b.s3.amazonaws.com/{}vpc.yaml",
            "a/".repeat(400_000)
        );
        assert_eq!(local_copy(&dir, &long), Some(dir.join("vpc.yaml")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn pattern(yaml_text: &str) -> String {
        let node = yaml::parse(FileId(0), yaml_text).unwrap().unwrap();
        name_pattern(&node)
    }

    #[test]
    fn export_name_patterns_keep_literal_text() {
        assert_eq!(pattern("!Sub '${AWS::StackName}-VpcId'"), "*-VpcId");
        assert_eq!(pattern("!Sub ['${A}:${!Literal}', {A: x}]"), "*:${Literal}");
        assert_eq!(
            pattern("!Join [':', [!Ref AWS::StackName, Vpc, Id]]"),
            "*:Vpc:Id"
        );
        assert_eq!(pattern("plain-name"), "plain-name");
        assert_eq!(pattern("!Ref Name"), "*");
    }

    #[test]
    fn names_fit_patterns() {
        assert!(fits_pattern("*-VpcId", "network-VpcId"));
        assert!(!fits_pattern("*-VpcId", "network-VpcCidr"));
        assert!(fits_pattern("*:*:Id", "a:b:Id"));
        assert!(!fits_pattern("a*a", "a"));
        assert!(fits_pattern("a*a", "aa"));
        assert!(fits_pattern("exact", "exact"));
        assert!(!fits_pattern("exact", "exact2"));
        assert!(fits_pattern("*", "anything"));
    }

    #[test]
    fn templates_that_may_import_or_nest_stacks_do_not_stand_alone() {
        assert!(stands_alone(
            "Resources:\n  V: {Type: AWS::EC2::VPC}\n  # 100% sure\n"
        ));
        assert!(!stands_alone("VpcId: !ImportValue net-VpcId"));
        assert!(!stands_alone(
            r#"{"VpcId": {"Fn::ImportValue": "net-VpcId"}}"#
        ));
        assert!(!stands_alone("Type: AWS::CloudFormation::Stack"));
        assert!(!stands_alone("Type: AWS::Serverless::Application"));
        // Spelled with escapes, in JSON and YAML keys or in tags.
        assert!(!stands_alone(
            r#"{"VpcId": {"Fn::Import\u0056alue": "net-VpcId"}}"#
        ));
        assert!(!stands_alone("VpcId: {\"Fn::Import\\x56alue\": net-VpcId}"));
        assert!(!stands_alone(
            "VpcId: {\"Fn::Import\\\n  Value\": net-VpcId}"
        ));
        assert!(!stands_alone("VpcId: !Import%56alue net-VpcId"));
        assert!(!stands_alone(
            "%TAG !i! !Import\n---\nVpcId: !i!Value net-VpcId"
        ));
    }
}
