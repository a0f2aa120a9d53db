//! Module instances and what references name in them: variables, locals, resources and
//! their `count`/`for_each` instances, child modules and their outputs, provider regions.
//! Everything is evaluated lazily and memoized, with cycle detection.

use super::budget::{Budget, BudgetKind, Limits};
use super::config::{self, Attr, Body, Expr, Mode, ModuleConfig};
use super::convert;
use super::eval::{EvalResult, Scope};
use super::functions;
use super::hcl::{ExprKind, Expression, TraversalOperator};
use super::number::Number;
use super::public_facts;
use super::references;
use super::render;
use super::types::{self, Type};
use super::value::{Map, Value};
use crate::frontend::{CallChain, CallSite, Diagnostic, EvaluationFailure, GapCause, Ref, Val, V};
use crate::source::{SourceMap, Span};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::cell::{Cell, OnceCell, RefCell};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

pub(super) type InstanceId = usize;

/// Deepest chain of lazily evaluated definitions (a local using a local using ...).
const MAX_EVAL_DEPTH: u32 = 128;

/// Resource attributes always computed by the provider, present on every instance object.
const COMPUTED_ATTRIBUTES: &[&str] = &[
    "id",
    "arn",
    "owner_id",
    "default_route_table_id",
    "main_route_table_id",
    "default_security_group_id",
    "default_network_acl_id",
];

/// Optional arguments the provider computes when they are not set: a reference to one
/// that is set to `null` is unknown until apply, like one that is left out (provider
/// schema, "Optional + Computed"; the network-relevant ones).
const OPTIONAL_COMPUTED: &[(&str, &[&str])] = &[
    (
        "aws_vpc",
        &[
            "cidr_block",
            "ipv6_cidr_block",
            "ipv6_cidr_block_network_border_group",
            "enable_dns_hostnames",
        ],
    ),
    ("aws_vpc_ipv4_cidr_block_association", &["cidr_block"]),
    ("aws_vpc_ipv6_cidr_block_association", &["ipv6_cidr_block"]),
    (
        "aws_subnet",
        &[
            "availability_zone",
            "availability_zone_id",
            "cidr_block",
            "ipv6_cidr_block",
        ],
    ),
    (
        "aws_instance",
        &[
            "availability_zone",
            "subnet_id",
            "private_ip",
            "associate_public_ip_address",
            "vpc_security_group_ids",
            "ipv6_addresses",
        ],
    ),
    (
        "aws_spot_instance_request",
        &[
            "availability_zone",
            "subnet_id",
            "private_ip",
            "associate_public_ip_address",
            "vpc_security_group_ids",
            "ipv6_addresses",
        ],
    ),
    (
        "aws_network_interface",
        &[
            "private_ip",
            "private_ips",
            "security_groups",
            "ipv6_addresses",
        ],
    ),
    ("aws_nat_gateway", &["private_ip"]),
    ("aws_lb", &["subnets", "security_groups", "ip_address_type"]),
    (
        "aws_alb",
        &["subnets", "security_groups", "ip_address_type"],
    ),
    (
        "aws_vpc_endpoint",
        &[
            "subnet_ids",
            "security_group_ids",
            "route_table_ids",
            "ip_address_type",
        ],
    ),
    ("aws_security_group", &["ingress", "egress", "name"]),
    ("aws_network_acl", &["subnet_ids", "ingress", "egress"]),
    ("aws_route_table", &["route", "propagating_vgws"]),
    ("aws_default_route_table", &["route", "propagating_vgws"]),
];

/// Data sources whose `id` argument names the object they read: their `id` attribute is
/// the argument's value.
const LOOKED_UP_BY_ID: &[&str] = &[
    "aws_vpc",
    "aws_subnet",
    "aws_security_group",
    "aws_ec2_transit_gateway",
    "aws_vpc_peering_connection",
    "aws_nat_gateway",
];

/// The attribute of an `aws_networkfirewall_firewall`'s endpoint id reached through
/// `firewall_status[0].sync_states[*].attachment[0].endpoint_id`.
pub const FIREWALL_ENDPOINT_ID: &str = "firewall_status.sync_states.attachment.endpoint_id";

/// A computed attribute whose shape the configuration decides: a Network Firewall's
/// `firewall_status` has one `sync_states` element per `subnet_mapping` block, whose
/// `attachment[0].endpoint_id` is an endpoint of this firewall and `subnet_id` the
/// mapping's subnet. Its `availability_zone` is the subnet's, given by `zone_of` when
/// known (configurations key the endpoints by zone: `{ for s in ...sync_states :
/// s.availability_zone => s.attachment[0].endpoint_id }`), else a reference to the whole
/// status; which endpoint an element holds is known only after apply.
fn shaped_computed_attribute(
    instance: &ResourceInstance,
    name: &str,
    zone_of: &dyn Fn(&Value) -> Option<Value>,
) -> Option<Value> {
    if *instance.kind != *"aws_networkfirewall_firewall" || name != "firewall_status" {
        return None;
    }
    let Some(Value::Map(entries)) = &instance.value else {
        return None;
    };
    let Some(Value::List(mappings) | Value::Set(mappings)) = entries.get("subnet_mapping") else {
        return None;
    };
    let computed = |attribute: &str| {
        Value::reference(Ref {
            address: instance.address.clone(),
            attribute: attribute.to_string(),
        })
    };
    let status = computed("firewall_status");
    let mut sync_states = Vec::with_capacity(mappings.len());
    for mapping in mappings {
        let Value::Map(mapping) = mapping else {
            return None;
        };
        let subnet = mapping.get("subnet_id").cloned().unwrap_or(Value::Null);
        let zone = zone_of(&subnet).unwrap_or_else(|| status.clone());
        let attachment = Map::from([
            ("endpoint_id".to_string(), computed(FIREWALL_ENDPOINT_ID)),
            ("status".to_string(), status.clone()),
            ("status_message".to_string(), status.clone()),
            ("subnet_id".to_string(), subnet),
        ]);
        sync_states.push(Value::Map(Map::from([
            (
                "attachment".to_string(),
                Value::List(vec![Value::Map(attachment)]),
            ),
            ("availability_zone".to_string(), zone),
        ])));
    }
    Some(Value::List(vec![Value::Map(Map::from([
        ("capacity_usage_summary".to_string(), status.clone()),
        ("sync_states".to_string(), Value::Set(sync_states)),
        ("transit_gateway_attachment_sync_states".to_string(), status),
    ]))]))
}

fn is_optional_computed(kind: &str, attribute: &str) -> bool {
    OPTIONAL_COMPUTED
        .iter()
        .any(|(k, attributes)| *k == kind && attributes.contains(&attribute))
}

/// Arguments of resources and module calls that are not resource attributes.
const META_ARGUMENTS: &[&str] = &[
    "count",
    "for_each",
    "provider",
    "depends_on",
    "providers",
    "source",
    "version",
];
const META_BLOCKS: &[&str] = &[
    "lifecycle",
    "provisioner",
    "connection",
    "precondition",
    "postcondition",
];

enum Slot<T> {
    Busy,
    Done(T),
}

type Memo<T> = RefCell<Option<Slot<T>>>;

/// The instance key of a repeated resource or module.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Key {
    None,
    Index(i64),
    Name(String),
}

impl Key {
    /// Appends `[0]` or `["name"]`, as Terraform writes an instance's address.
    fn push_suffix(&self, out: &mut String) {
        match self {
            Key::None => {}
            Key::Index(i) => {
                use std::fmt::Write as _;
                let _ = write!(out, "[{i}]");
            }
            Key::Name(name) => {
                out.push('[');
                push_quoted(out, name);
                out.push(']');
            }
        }
    }
}

/// A Go-style quoted string, as Terraform prints instance keys.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_quoted(&mut out, text);
    out
}

/// Appends `text` Go-style quoted.
fn push_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Which argument repeats a resource or module call: it decides the type of a reference to
/// all instances, even when there are none (`for_each` over an empty map gives `{}`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Repetition {
    Single,
    Count,
    ForEach,
}

/// How a `count`/`for_each` expanded.
struct Expansion {
    instances: Vec<(Key, Scope)>,
    repetition: Repetition,
    /// The argument's value is unknown: no instances.
    unknown: Option<String>,
}

pub(super) struct ResourceInstance {
    pub key: Key,
    /// Shared with every reference to the instance.
    pub address: Arc<str>,
    /// `aws_subnet`: what an unset or null optional+computed argument is.
    pub kind: std::sync::Arc<str>,
    /// A data source: attributes it does not set are unknown, not references.
    pub mode: Mode,
    /// `None` when no expression of the module refers to the resource (references.rs).
    pub value: Option<Value>,
    /// The whole object (`aws_subnet.a`, `for s in aws_subnet.a`), built on first use.
    pub object: OnceCell<Value>,
    /// The arguments with their spans, for the model: moved out (not cloned) when the
    /// module instance is collected, which happens once.
    pub attrs: RefCell<Val>,
}

struct Resources {
    instances: Vec<ResourceInstance>,
    repetition: Repetition,
    unknown: Option<String>,
}

struct Children {
    /// Child instance ids (`None` when the module's source is not available).
    instances: Vec<(Key, Option<InstanceId>)>,
    repetition: Repetition,
    unknown: Option<String>,
    /// The called module's configuration, when its source is available.
    config: Option<Arc<ModuleConfig>>,
}

/// The nested blocks of one type in a body, static and `dynamic` ones together.
struct BlockGroup {
    kind: String,
    values: Vec<Value>,
    vals: Vec<Val>,
    /// A `dynamic` block's `for_each` is unknown: so is the group's value. Its `vals` (what
    /// lowering sees) keep the known blocks, with one unknown element per unknown `dynamic`.
    unknown: Option<String>,
    span: Span,
}

struct Caller {
    instance: InstanceId,
    call: usize,
    bindings: Scope,
}

pub(super) struct Instance {
    pub config: Arc<ModuleConfig>,
    /// `module.net.` or empty for the root module.
    pub prefix: String,
    /// Module call names joined by dots: the key in `.terraform/modules/modules.json`.
    key_path: String,
    path_module: String,
    parent: Option<Caller>,
    depth: usize,
    variables: HashMap<String, Memo<Value>>,
    locals: HashMap<String, Memo<Value>>,
    outputs: HashMap<String, Memo<Value>>,
    resources: Vec<Memo<Rc<Resources>>>,
    calls: Vec<Memo<Rc<Children>>>,
    regions: RefCell<HashMap<String, Option<String>>>,
}

/// A value given for a root module variable.
pub(super) enum RootInput {
    /// From a `.tfvars` file: evaluated as an expression.
    Expr(Rc<Attr>),
    /// From `--var` or `TF_VAR_`: a literal string for primitive types, else an expression.
    Raw(String),
}

/// What a function call says at the attribute that evaluates it.
struct CallReport {
    /// The call's bytes in the attribute's file; `None` inside a rendered template, whose
    /// positions are in another text.
    range: Option<Range<usize>>,
    message: String,
    /// Terraform rejects the call (an error) rather than vpclint not evaluating it (a note).
    rejected: bool,
}

pub(super) struct Evaluator<'s> {
    pub sources: &'s SourceMap,
    root_dir: PathBuf,
    /// Installed modules: `modules.json` key to directory.
    installed: std::collections::HashMap<String, PathBuf>,
    root_inputs: std::collections::HashMap<String, RootInput>,
    configs: RefCell<HashMap<PathBuf, Arc<ModuleConfig>>>,
    instances: RefCell<Vec<Rc<Instance>>>,
    diagnostics: RefCell<Vec<Diagnostic>>,
    /// Attributes whose evaluation failed, and why: their unknown values carry the reason.
    failures: RefCell<Vec<EvaluationFailure>>,
    noted_calls: RefCell<HashSet<(PathBuf, String)>>,
    /// Module directories checked for calls to unknown functions without being evaluated.
    unexpanded_checked: RefCell<HashSet<PathBuf>>,
    depth: Cell<u32>,
    /// What memo cells are being computed, outermost first (a cycle is named from it).
    evaluating: RefCell<Vec<String>>,
    /// A cycle found since the last attribute evaluated: reported at that attribute.
    cycle: RefCell<Option<String>>,
    pub(super) budget: Budget,
    /// `--region`: the region of a provider configuration that does not set one.
    default_region: Option<String>,
    /// `vpclint.toml` `[terraform.availability_zones]`: zone names by region.
    availability_zones: BTreeMap<String, Vec<String>>,
    /// Where file functions may read (`None`: they are unknown).
    sandbox: Option<functions::Sandbox>,
    /// `terraform.workspace`.
    workspace: String,
    /// What function calls had to say since the attribute being evaluated began.
    call_reports: RefCell<Vec<CallReport>>,
    /// Inside `templatefile`/`templatestring`: only the template's vars are names.
    template_depth: Cell<u32>,
}

impl<'s> Evaluator<'s> {
    pub fn new(
        sources: &'s SourceMap,
        root: Arc<ModuleConfig>,
        installed: std::collections::HashMap<String, PathBuf>,
        root_inputs: std::collections::HashMap<String, RootInput>,
        limits: Limits,
    ) -> Self {
        let evaluator = Evaluator {
            sources,
            root_dir: root.dir.clone(),
            installed,
            root_inputs,
            configs: RefCell::new(HashMap::from_iter([(root.dir.clone(), root.clone())])),
            instances: RefCell::new(Vec::new()),
            diagnostics: RefCell::new(Vec::new()),
            failures: RefCell::new(Vec::new()),
            noted_calls: RefCell::new(HashSet::new()),
            unexpanded_checked: RefCell::new(HashSet::new()),
            depth: Cell::new(0),
            evaluating: RefCell::new(Vec::new()),
            cycle: RefCell::new(None),
            budget: Budget::new(limits),
            default_region: None,
            availability_zones: BTreeMap::new(),
            sandbox: None,
            workspace: "default".into(),
            call_reports: RefCell::new(Vec::new()),
            template_depth: Cell::new(0),
        };
        evaluator.add_instance(root, String::new(), String::new(), ".".into(), None, 0);
        evaluator
    }

    /// The public facts data sources evaluate to: the region of providers that set none,
    /// and the Availability Zones configured per region.
    pub fn with_facts(
        mut self,
        default_region: Option<String>,
        availability_zones: BTreeMap<String, Vec<String>>,
    ) -> Self {
        self.default_region = default_region;
        self.availability_zones = availability_zones;
        self
    }

    fn add_instance(
        &self,
        config: Arc<ModuleConfig>,
        prefix: String,
        key_path: String,
        path_module: String,
        parent: Option<Caller>,
        depth: usize,
    ) -> InstanceId {
        let memos = |names: Vec<&String>| -> HashMap<String, Memo<Value>> {
            names
                .into_iter()
                .map(|n| (n.clone(), RefCell::new(None)))
                .collect()
        };
        let instance = Instance {
            variables: memos(config.variables.keys().collect()),
            locals: memos(config.locals.keys().collect()),
            outputs: memos(config.outputs.keys().collect()),
            resources: config
                .resources
                .iter()
                .map(|_| RefCell::new(None))
                .collect(),
            calls: config.modules.iter().map(|_| RefCell::new(None)).collect(),
            regions: RefCell::new(HashMap::new()),
            config,
            prefix,
            key_path,
            path_module,
            parent,
            depth,
        };
        let mut instances = self.instances.borrow_mut();
        instances.push(Rc::new(instance));
        instances.len() - 1
    }

    /// Lets file functions read inside `sandbox`.
    pub fn with_sandbox(mut self, sandbox: Option<functions::Sandbox>) -> Self {
        self.sandbox = sandbox;
        self
    }

    pub fn with_workspace(mut self, workspace: String) -> Self {
        self.workspace = workspace;
        self
    }

    pub(super) fn sandbox(&self) -> Option<&functions::Sandbox> {
        self.sandbox.as_ref()
    }

    /// A call whose value is unknown for a reason of its own (a file not read, a function
    /// vpclint does not evaluate): noted at the call, in the attribute being evaluated.
    pub(super) fn note_call(&self, range: Option<Range<usize>>, message: String) {
        self.call_reports.borrow_mut().push(CallReport {
            range,
            message,
            rejected: false,
        });
    }

    /// A call Terraform rejects: an error at the call, unless an enclosing `try` or `can`
    /// catches the error `message` it returns.
    pub(super) fn reject_call(&self, range: Option<Range<usize>>, message: String) {
        self.call_reports.borrow_mut().push(CallReport {
            range,
            message,
            rejected: true,
        });
    }

    pub(super) fn enter_template(&self) {
        self.template_depth.set(self.template_depth.get() + 1);
    }

    pub(super) fn leave_template(&self) {
        self.template_depth.set(self.template_depth.get() - 1);
    }

    pub(super) fn rendering_template(&self) -> bool {
        self.template_depth.get() > 0
    }

    pub fn instance(&self, id: InstanceId) -> Option<Rc<Instance>> {
        self.instances.borrow().get(id).cloned()
    }

    pub fn configs(&self) -> Vec<Arc<ModuleConfig>> {
        let mut configs: Vec<_> = self.configs.borrow().values().cloned().collect();
        configs.sort_by(|a, b| a.dir.cmp(&b.dir));
        configs
    }

    pub fn take_diagnostics(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *self.diagnostics.borrow_mut())
    }

    pub fn take_failures(&self) -> Vec<EvaluationFailure> {
        std::mem::take(&mut *self.failures.borrow_mut())
    }

    pub fn note(&self, span: Span, message: String) {
        self.diagnostics
            .borrow_mut()
            .push(Diagnostic::note(span, message));
    }

    /// Something Terraform rejects (a `parse-error` finding).
    fn error(&self, span: Span, message: String) {
        self.diagnostics
            .borrow_mut()
            .push(Diagnostic::error(span, message));
    }

    /// A part of the unit left out of the analysis (the run's "not analyzed" account).
    pub fn gap(&self, span: Span, cause: GapCause, message: String) {
        self.diagnostics
            .borrow_mut()
            .push(Diagnostic::gap(span, cause, message));
    }

    /// Runs `compute` once for a memo cell; a cell being computed again is a cycle,
    /// which Terraform rejects: it is named as Terraform names it (`Cycle: local.a,
    /// local.b`) and reported as an error at the attribute that closes it.
    fn memo<T: Clone>(
        &self,
        cell: &Memo<T>,
        what: &dyn Fn() -> String,
        compute: impl FnOnce() -> T,
    ) -> Result<T, String> {
        match &*cell.borrow() {
            Some(Slot::Done(value)) => return Ok(value.clone()),
            Some(Slot::Busy) => {
                let name = what();
                let evaluating = self.evaluating.borrow();
                let start = evaluating.iter().rposition(|n| *n == name).unwrap_or(0);
                let message = match &evaluating[start..] {
                    [one] if one.starts_with("local.") || one.contains(".local.") => format!(
                        "Self-referencing local value: {one} cannot use its own result as part of its expression"
                    ),
                    [one] => format!(
                        "Self-referential block: configuration for {one} may not refer to itself"
                    ),
                    cycle => format!("Cycle: {}", cycle.join(", ")),
                };
                self.cycle
                    .borrow_mut()
                    .get_or_insert_with(|| message.clone());
                return Err(message);
            }
            None => {}
        }
        if self.depth.get() >= MAX_EVAL_DEPTH {
            return Err(format!("{}: references are nested too deeply", what()));
        }
        *cell.borrow_mut() = Some(Slot::Busy);
        self.evaluating.borrow_mut().push(what());
        self.depth.set(self.depth.get() + 1);
        let value = compute();
        self.depth.set(self.depth.get() - 1);
        self.evaluating.borrow_mut().pop();
        *cell.borrow_mut() = Some(Slot::Done(value.clone()));
        Ok(value)
    }

    /// Evaluates an attribute; an error makes it unknown and records a note.
    pub fn eval_attr(&self, inst: InstanceId, attr: &Attr, scope: &mut Scope) -> Value {
        let reports_before = self.call_reports.borrow().len();
        let result = self.eval_expr(inst, &attr.expr, scope);
        if let Some(cycle) = self.cycle.borrow_mut().take() {
            self.error(attr.span, cycle);
        }
        let reports: Vec<CallReport> = self
            .call_reports
            .borrow_mut()
            .drain(reports_before..)
            .collect();
        let mut rejected = false;
        for report in reports {
            // A JSON string's template and a template file have positions of their own:
            // the attribute stands for the call, and an error says what it was called from.
            let at_call = match (&attr.expr, report.range) {
                (Expr::Hcl(_), Some(range)) => {
                    Some(Span::new(attr.span.file, range.start, range.end))
                }
                _ => None,
            };
            let span = at_call.unwrap_or(attr.span);
            match &result {
                _ if !report.rejected => {
                    self.note(span, format!("{}: {}", attr.name, report.message));
                }
                Err(m) if m.contains(&report.message) => {
                    self.error(
                        span,
                        if at_call.is_some() {
                            report.message
                        } else {
                            m.clone()
                        },
                    );
                    rejected = true;
                }
                // Caught by `try` or `can`, as in Terraform.
                _ => {}
            }
        }
        let value = match result {
            Ok(value) => value,
            // Already reported, as an error, where the cycle closes or at the call.
            Err(message) if rejected || is_cycle(&message) => Value::Unknown(message),
            Err(message) => {
                self.note(attr.span, format!("{}: {message}", attr.name));
                self.failures.borrow_mut().push(EvaluationFailure {
                    span: attr.span,
                    message: message.clone(),
                });
                Value::Unknown(message)
            }
        };
        // Reported at the innermost attribute that ran over budget.
        if let Some(kind) = self.budget.take_unreported() {
            self.over_budget_gap(attr.span, kind, &attr.name);
        }
        value
    }

    fn over_budget_gap(&self, span: Span, kind: BudgetKind, what: &str) {
        self.gap(
            span,
            GapCause::BudgetExceeded,
            self.budget.message(kind, what),
        );
    }

    /// Resolves a reference whose root name is not a bound name.
    pub(super) fn resolve_reference(
        &self,
        id: InstanceId,
        name: &str,
        ops: &[TraversalOperator],
        scope: &mut Scope,
    ) -> EvalResult {
        if self.rendering_template() {
            return Err(format!(
                "the template refers to \"{name}\", which is not one of its vars"
            ));
        }
        let inst = self
            .instance(id)
            .ok_or("internal: missing module instance")?;
        let first_attr = || match ops.first() {
            Some(TraversalOperator::GetAttr(n)) => Ok(&**n),
            _ => Err(format!(
                "invalid reference: {name} must be followed by an attribute name"
            )),
        };
        let rest = ops.get(1..).unwrap_or_default();
        let value = match name {
            "var" => {
                let var = first_attr()?;
                let cell = inst
                    .variables
                    .get(var)
                    .ok_or_else(|| format!("reference to undeclared input variable \"{var}\""))?;
                self.memo(cell, &|| format!("{}var.{var}", inst.prefix), || {
                    self.variable_value(id, &inst, var)
                })?
            }
            "local" => self.local_value(id, &inst, first_attr()?)?,
            "path" => match first_attr()? {
                "module" => Value::String(inst.path_module.clone()),
                "root" => Value::String(".".into()),
                "cwd" => Value::String(self.root_dir.to_string_lossy().into_owned()),
                other => return Err(format!("unknown path attribute \"{other}\"")),
            },
            "terraform" => match first_attr()? {
                "workspace" => Value::String(self.workspace.clone()),
                other => return Err(format!("unknown terraform attribute \"{other}\"")),
            },
            "data" => {
                let kind = first_attr()?;
                let name = match rest.first() {
                    Some(TraversalOperator::GetAttr(name)) => &**name,
                    _ => {
                        return Err(format!(
                            "invalid reference: data.{kind} must be followed by a name"
                        ))
                    }
                };
                if !public_facts::is_known(kind) && !LOOKED_UP_BY_ID.contains(&kind) {
                    return Ok(Value::Unknown(data_source_reason(kind, name)));
                }
                let index = inst
                    .config
                    .resource_index
                    .get(Mode::Data, kind, name)
                    .ok_or_else(|| {
                        format!("reference to undeclared data source \"{kind}\" \"{name}\"")
                    })?;
                let rest = rest.get(1..).unwrap_or_default();
                return self.resource_reference(id, &inst, index, rest, scope);
            }
            "self" => return Ok(Value::Unknown("self reference".into())),
            "count" | "each" => {
                return Err(format!(
                    "{name} is not available here (no {name} on this block)"
                ))
            }
            "module" => {
                let call_name = first_attr()?;
                let call = *inst
                    .config
                    .module_index
                    .get(call_name)
                    .ok_or_else(|| format!("reference to undeclared module \"{call_name}\""))?;
                return self.module_reference(id, &inst, call, rest, scope);
            }
            kind => {
                let resource_name = first_attr()?;
                let index = inst
                    .config
                    .resource_index
                    .get(Mode::Managed, kind, resource_name)
                    .ok_or_else(|| {
                        format!("reference to undeclared resource \"{kind}\" \"{resource_name}\"")
                    })?;
                return self.resource_reference(id, &inst, index, rest, scope);
            }
        };
        self.apply_ops(id, value, rest, scope)
    }

    fn local_value(&self, id: InstanceId, inst: &Instance, name: &str) -> EvalResult {
        let cell = inst
            .locals
            .get(name)
            .ok_or_else(|| format!("reference to undeclared local value \"{name}\""))?;
        let attr = inst
            .config
            .locals
            .get(name)
            .ok_or("internal: missing local")?;
        self.memo(cell, &|| format!("{}local.{name}", inst.prefix), || {
            self.eval_attr(id, attr, &mut Vec::new())
        })
    }

    fn variable_value(&self, id: InstanceId, inst: &Instance, name: &str) -> Value {
        let Some(decl) = inst.config.variables.get(name) else {
            return Value::Unknown(format!("undeclared variable {name}"));
        };
        let ty = decl.type_expr.as_ref().and_then(|t| match &t.expr {
            Expr::Hcl(e) => {
                let default_of = |d: &super::hcl::Expression| {
                    self.eval(id, d, &mut Vec::new())
                        .unwrap_or_else(Value::Unknown)
                };
                match types::parse_type(e, &default_of) {
                    Ok(ty) => Some(ty),
                    Err(message) => {
                        self.note(t.span, format!("variable \"{name}\": {message}"));
                        None
                    }
                }
            }
            Expr::Json(_) => None,
        });
        let (given, span) = match &inst.parent {
            Some(caller) => {
                let parent = self.instance(caller.instance);
                let call = parent
                    .as_ref()
                    .and_then(|p| p.config.modules.get(caller.call));
                match call.and_then(|c| c.body.attr(name)) {
                    Some(attr) => {
                        let mut scope = caller.bindings.clone();
                        (
                            Some(self.eval_attr(caller.instance, attr, &mut scope)),
                            attr.span,
                        )
                    }
                    None => (None, decl.span),
                }
            }
            None => match self.root_inputs.get(name) {
                Some(RootInput::Expr(attr)) => {
                    (Some(self.eval_attr(id, attr, &mut Vec::new())), attr.span)
                }
                Some(RootInput::Raw(text)) => {
                    (Some(self.raw_input(name, text, ty.as_ref())), decl.span)
                }
                None => (None, decl.span),
            },
        };
        let value = match given {
            Some(Value::Null) if !decl.nullable => None,
            other => other,
        };
        let value = match value {
            Some(value) => value,
            None => match &decl.default {
                Some(default) => self.eval_attr(id, default, &mut Vec::new()),
                None => {
                    let message = format!("variable \"{name}\" has no value");
                    self.note(span, message.clone());
                    return Value::Unknown(message);
                }
            },
        };
        match ty {
            Some(ty) => types::convert(value, &ty).unwrap_or_else(|message| {
                self.note(
                    span,
                    format!("invalid value for variable \"{name}\": {message}"),
                );
                self.failures.borrow_mut().push(EvaluationFailure {
                    span,
                    message: message.clone(),
                });
                Value::Unknown(message)
            }),
            None => value,
        }
    }

    /// A `--var` or `TF_VAR_` value: literal for primitive types, else HCL.
    fn raw_input(&self, name: &str, text: &str, ty: Option<&Type>) -> Value {
        if ty.is_none_or(types::is_primitive) {
            return Value::String(text.to_string());
        }
        match super::hcl::parse_expr(text) {
            Ok(expr) => self.eval(0, &expr, &mut Vec::new()).unwrap_or_else(|e| {
                Value::Unknown(format!("invalid value for variable \"{name}\": {e}"))
            }),
            Err(e) => Value::Unknown(format!(
                "invalid value for variable \"{name}\": {}",
                e.message
            )),
        }
    }

    /// An unusable `count` or `for_each`: a gap for a resource or module call. A data
    /// source creates nothing, and whatever uses its instances states its own gap naming
    /// the same cause, so for a data source it is a note.
    fn expansion_gap(&self, data_source: bool, span: Span, message: String) {
        if data_source {
            self.note(span, message);
        } else {
            self.gap(span, GapCause::UnknownCount, message);
        }
    }

    /// `count` or `for_each` of a resource, data source or module call.
    fn expand(
        &self,
        id: InstanceId,
        body: &Body,
        scope: &Scope,
        what: &str,
        data_source: bool,
    ) -> Expansion {
        if let Some(count) = body.attr("count") {
            let value = self.eval_attr(id, count, &mut scope.clone());
            let n = match value {
                Value::Unknown(_) | Value::Ref(_) => {
                    let reason = unknown_reason(&value);
                    self.expansion_gap(
                        data_source,
                        count.span,
                        format!("count of {what} is unknown ({reason}): no instances evaluated"),
                    );
                    return Expansion {
                        instances: Vec::new(),
                        repetition: Repetition::Count,
                        unknown: Some(reason),
                    };
                }
                other => convert::to_number(&other)
                    .map_err(|e| e.to_string())
                    .and_then(|n| {
                        n.to_i64()
                            .filter(|n| *n >= 0)
                            .ok_or_else(|| format!("count must be a whole number, got {n}"))
                    }),
            };
            if let Ok(n) = n {
                if self.budget.instances(n as u64).is_err() {
                    self.budget.take_unreported();
                    self.over_budget_gap(
                        count.span,
                        BudgetKind::Instances,
                        &format!("count of {what} ({n})"),
                    );
                    return Expansion {
                        instances: Vec::new(),
                        repetition: Repetition::Count,
                        unknown: Some(format!("count of {what} is over budget")),
                    };
                }
            }
            return match n {
                Ok(n) => Expansion {
                    instances: (0..n)
                        .map(|i| {
                            let mut bindings = scope.clone();
                            let index = Map::from([(
                                "index".to_string(),
                                Value::number(Number::from_i64(i)),
                            )]);
                            bindings.push(("count".into(), Value::Map(index)));
                            (Key::Index(i), bindings)
                        })
                        .collect(),
                    repetition: Repetition::Count,
                    unknown: None,
                },
                Err(message) => {
                    self.expansion_gap(
                        data_source,
                        count.span,
                        format!("count of {what}: {message}"),
                    );
                    Expansion {
                        instances: Vec::new(),
                        repetition: Repetition::Count,
                        unknown: Some(message),
                    }
                }
            };
        }
        if let Some(for_each) = body.attr("for_each") {
            let value = self.eval_attr(id, for_each, &mut scope.clone());
            let items: Result<Vec<(String, Value)>, String> = match value {
                Value::Map(entries) => Ok(entries.into_iter().collect()),
                Value::Set(items) => items
                    .into_iter()
                    .map(|item| match &item {
                        Value::String(s) => Ok((s.clone(), item.clone())),
                        Value::Unknown(_) | Value::Ref(_) => Err(unknown_reason(&item)),
                        other => Err(format!(
                            "for_each set elements must be strings, got {}",
                            convert::type_name(other)
                        )),
                    })
                    .collect(),
                Value::Unknown(_) | Value::Ref(_) => Err(unknown_reason(&value)),
                Value::Null => Err("for_each must not be null".into()),
                other => Err(format!(
                    "for_each must be a map or a set of strings, got a {} (use toset())",
                    convert::type_name(&other)
                )),
            };
            if let Ok(items) = &items {
                if self.budget.instances(items.len() as u64).is_err() {
                    self.budget.take_unreported();
                    self.over_budget_gap(
                        for_each.span,
                        BudgetKind::Instances,
                        &format!("for_each of {what} ({} instances)", items.len()),
                    );
                    return Expansion {
                        instances: Vec::new(),
                        repetition: Repetition::ForEach,
                        unknown: Some(format!("for_each of {what} is over budget")),
                    };
                }
            }
            return match items {
                Ok(items) => Expansion {
                    instances: items
                        .into_iter()
                        .map(|(key, value)| {
                            let mut bindings = scope.clone();
                            let each = Map::from([
                                ("key".to_string(), Value::String(key.clone())),
                                ("value".to_string(), value),
                            ]);
                            bindings.push(("each".into(), Value::Map(each)));
                            (Key::Name(key), bindings)
                        })
                        .collect(),
                    repetition: Repetition::ForEach,
                    unknown: None,
                },
                Err(reason) => {
                    self.expansion_gap(
                        data_source,
                        for_each.span,
                        format!(
                            "for_each of {what} is not usable ({reason}): no instances evaluated"
                        ),
                    );
                    Expansion {
                        instances: Vec::new(),
                        repetition: Repetition::ForEach,
                        unknown: Some(reason),
                    }
                }
            };
        }
        Expansion {
            instances: vec![(Key::None, scope.clone())],
            repetition: Repetition::Single,
            unknown: None,
        }
    }

    fn resources(
        &self,
        id: InstanceId,
        inst: &Instance,
        index: usize,
    ) -> Result<Rc<Resources>, String> {
        let cell = inst
            .resources
            .get(index)
            .ok_or("internal: missing resource")?;
        let decl = inst
            .config
            .resources
            .get(index)
            .ok_or("internal: missing resource")?;
        // A data source's address is `data.KIND.NAME`, as Terraform writes it.
        let data = if decl.mode == Mode::Data { "data." } else { "" };
        // Built by hand: `format!` costs ten times as much, twice per resource.
        let what = || [&*inst.prefix, data, &decl.kind, ".", &decl.name].concat();
        self.memo(cell, &what, || {
            let expansion = self.expand(
                id,
                &decl.body,
                &Vec::new(),
                &what(),
                decl.mode == Mode::Data,
            );
            if expansion.instances.is_empty() {
                self.reject_unevaluated_calls(&decl.body, META_ARGUMENTS);
            }
            let base = what();
            let instances = expansion
                .instances
                .into_iter()
                .map(|(key, mut scope)| {
                    let mut address = String::with_capacity(base.len() + 8);
                    address.push_str(&base);
                    key.push_suffix(&mut address);
                    let (value, attrs) = if decl.mode == Mode::Data {
                        (
                            Some(self.data_source(id, decl, &mut scope)),
                            Val::new(
                                decl.span,
                                V::Unknown(data_source_reason(&decl.kind, &decl.name)),
                            ),
                        )
                    } else {
                        let (value, attrs) = self.eval_body(
                            id,
                            &decl.body,
                            &mut scope,
                            (decl.span, META_ARGUMENTS),
                            decl.keeps_value,
                        );
                        (decl.keeps_value.then_some(value), attrs)
                    };
                    ResourceInstance {
                        key,
                        address: address.into(),
                        kind: decl.kind.clone(),
                        mode: decl.mode,
                        value,
                        object: OnceCell::new(),
                        attrs: RefCell::new(attrs),
                    }
                })
                .collect();
            Rc::new(Resources {
                instances,
                repetition: expansion.repetition,
                unknown: expansion.unknown,
            })
        })
    }

    /// Calls to functions Terraform does not have, in the body of a resource vpclint
    /// evaluates no instance of (`count = 0`, an empty or unknown `for_each`): Terraform
    /// still validates the body once and rejects them. What validation may not evaluate is
    /// left out: the results of a conditional, the arguments of `try` and `can`, the body
    /// of a `for`.
    fn reject_unevaluated_calls(&self, body: &Body, meta: &[&str]) {
        for attr in body
            .attrs
            .iter()
            .filter(|a| !meta.contains(&a.name.as_str()))
        {
            if let Expr::Hcl(expr) = &attr.expr {
                self.reject_calls_in(expr, attr.span);
            }
        }
        for block in &body.blocks {
            self.reject_unevaluated_calls(&block.body, &[]);
        }
    }

    /// A module with no instances (`count = 0`, an unknown `for_each`) is not evaluated, but
    /// Terraform reads its configuration all the same: a call to a function it does not have
    /// is an error there too. Each module directory once; its local child modules as well.
    fn reject_calls_in_module(&self, config: &ModuleConfig) {
        if !self
            .unexpanded_checked
            .borrow_mut()
            .insert(config.dir.clone())
        {
            return;
        }
        for decl in &config.resources {
            self.reject_unevaluated_calls(&decl.body, &[]);
        }
        let mut values: Vec<&Attr> = config
            .locals
            .values()
            .chain(config.outputs.values())
            .collect();
        values.sort_by_key(|attr| (attr.span.file, attr.span.start));
        for attr in values {
            if let Expr::Hcl(expr) = &attr.expr {
                self.reject_calls_in(expr, attr.span);
            }
        }
        for call in &config.modules {
            self.reject_unevaluated_calls(&call.body, &[]);
            if let Some(child) = self.local_child_config(config, call) {
                self.reject_calls_in_module(&child);
            }
        }
    }

    fn reject_calls_in(&self, expr: &Expression, attr: Span) {
        match &expr.kind {
            ExprKind::Conditional(c) => self.reject_calls_in(&c.cond, attr),
            ExprKind::For(f) => self.reject_calls_in(&f.collection, attr),
            ExprKind::FuncCall(call)
                if call.is_builtin(&call.name) && matches!(&*call.name, "try" | "can") => {}
            ExprKind::FuncCall(call) => {
                let rejected = call
                    .is_builtin(&call.name)
                    .then(|| functions::rejected_call(&call.name))
                    .flatten();
                match rejected {
                    Some(message) => {
                        let range = expr.range.start as usize..expr.range.end as usize;
                        self.error(Span::new(attr.file, range.start, range.end), message);
                    }
                    None => super::references::each_child(expr, &mut |child| {
                        self.reject_calls_in(child, attr)
                    }),
                }
            }
            _ => {
                super::references::each_child(expr, &mut |child| self.reject_calls_in(child, attr))
            }
        }
    }

    /// A data source instance's value: public facts for the data sources vpclint knows
    /// (with a note saying what was assumed), unknown otherwise.
    fn data_source(&self, id: InstanceId, decl: &config::ResourceDecl, scope: &mut Scope) -> Value {
        if !public_facts::is_known(&decl.kind) {
            return self
                .looked_up_by_id(id, decl, scope)
                .unwrap_or_else(|| Value::Unknown(data_source_reason(&decl.kind, &decl.name)));
        }
        let Value::Map(args) = self
            .eval_body(id, &decl.body, scope, (decl.span, META_ARGUMENTS), true)
            .0
        else {
            return Value::Unknown(data_source_reason(&decl.kind, &decl.name));
        };
        let region = self.provider_region(id, &decl.provider);
        let unknown_region = match region {
            Some(_) => String::new(),
            None => self.unknown_region_reason(id, &decl.provider),
        };
        let evaluated = public_facts::evaluate(
            &decl.kind,
            &args,
            region.as_deref().ok_or(&*unknown_region),
            &self.availability_zones,
        );
        if let Some(note) = evaluated.note {
            self.note(
                decl.header,
                format!("data.{}.{}: {note}", decl.kind, decl.name),
            );
        }
        if let Some(gap) = evaluated.gap {
            self.gap(
                decl.header,
                GapCause::UnknownDataSource,
                format!("data.{}.{}: {gap}", decl.kind, decl.name),
            );
        }
        Value::Map(evaluated.attributes)
    }

    /// A data source that looks a network object up by the ID it is given
    /// (`data "aws_vpc" "shared" { id = "vpc-0abc…" }`): its `id` is that ID, like a literal
    /// ID written in place; what AWS returns about the object stays unknown.
    fn looked_up_by_id(
        &self,
        id: InstanceId,
        decl: &config::ResourceDecl,
        scope: &mut Scope,
    ) -> Option<Value> {
        if !LOOKED_UP_BY_ID.contains(&&*decl.kind) {
            return None;
        }
        let attr = decl.body.attrs.iter().find(|a| a.name == "id")?;
        match self.eval_attr(id, attr, scope) {
            Value::String(looked_up) => Some(Value::Map(Map::from_entries(vec![(
                "id".to_string(),
                Value::String(looked_up),
            )]))),
            _ => None,
        }
    }

    /// A resource body as a value (for references; `Null` unless `keep`) and as a `Val`
    /// with spans (for output), without the arguments in `meta` (the meta-arguments of a
    /// resource's own body; a nested block's `version`, as in `launch_template`, is an
    /// argument like any other).
    fn eval_body(
        &self,
        id: InstanceId,
        body: &Body,
        scope: &mut Scope,
        (span, meta): (Span, &[&str]),
        keep: bool,
    ) -> (Value, Val) {
        let arguments = || {
            body.attrs
                .iter()
                .filter(|a| !meta.contains(&a.name.as_str()))
        };
        // At most one entry per argument and per nested block: a resource's values live
        // until it is lowered, and most bodies have a few arguments and no blocks.
        let entries = arguments().count() + body.blocks.len();
        let mut value = Vec::with_capacity(if keep { entries } else { 0 });
        let mut val = Vec::with_capacity(entries);
        for attr in arguments() {
            let v = self.eval_attr(id, attr, scope);
            if keep {
                val.push((
                    attr.name.clone(),
                    render::into_val(v.clone(), &attr.expr, attr.span),
                ));
                value.push((attr.name.clone(), v));
            } else {
                val.push((
                    attr.name.clone(),
                    render::into_val(v, &attr.expr, attr.span),
                ));
            }
        }
        // Nested blocks grouped by type, in order of first appearance.
        let mut groups: Vec<BlockGroup> = Vec::new();
        for block in &body.blocks {
            if META_BLOCKS.contains(&block.kind.as_str()) {
                continue;
            }
            let kind = if block.kind == "dynamic" {
                match block.labels.first() {
                    Some(label) => label.clone(),
                    None => continue,
                }
            } else {
                block.kind.clone()
            };
            let position = match groups.iter().position(|g| g.kind == kind) {
                Some(p) => p,
                None => {
                    groups.push(BlockGroup {
                        kind: kind.clone(),
                        values: Vec::new(),
                        vals: Vec::new(),
                        unknown: None,
                        span: block.span,
                    });
                    groups.len() - 1
                }
            };
            let Some(group) = groups.get_mut(position) else {
                continue;
            };
            if block.kind == "dynamic" {
                match self.expand_dynamic(id, block, &kind, scope, keep) {
                    Ok(items) => {
                        for (v, val) in items {
                            group.values.push(v);
                            group.vals.push(val);
                        }
                    }
                    Err(reason) => {
                        group
                            .vals
                            .push(Val::new(block.span, V::Unknown(reason.clone())));
                        group.unknown = Some(reason);
                    }
                }
            } else {
                let (v, val) = self.eval_body(id, &block.body, scope, (block.span, &[]), keep);
                group.values.push(v);
                group.vals.push(val);
            }
        }
        for BlockGroup {
            kind,
            values,
            vals,
            unknown,
            span,
        } in groups
        {
            if keep {
                let group_value = match unknown {
                    Some(reason) => Value::Unknown(reason),
                    None => Value::List(values),
                };
                value.push((kind.clone(), group_value));
            }
            val.push((kind, Val::new(span, V::List(vals))));
        }
        let value = if keep {
            Value::Map(Map::from_entries(value))
        } else {
            Value::Null
        };
        (value, Val::new(span, V::Map(val)))
    }

    /// `dynamic "kind" { for_each, iterator, content {} }`: one block per element.
    fn expand_dynamic(
        &self,
        id: InstanceId,
        block: &config::Block,
        kind: &str,
        scope: &mut Scope,
        keep: bool,
    ) -> Result<Vec<(Value, Val)>, String> {
        let Some(for_each) = block.body.attr("for_each") else {
            return Err("dynamic block without for_each".into());
        };
        let iterator = block
            .body
            .attr("iterator")
            .and_then(|a| config::traversal_path(&a.expr))
            .unwrap_or_else(|| kind.to_string());
        let collection = self.eval_attr(id, for_each, scope);
        let items: Vec<(Value, Value)> = match collection {
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
            Value::Null => Vec::new(),
            other => {
                let reason = format!(
                    "dynamic \"{kind}\" for_each is unknown ({})",
                    unknown_reason(&other)
                );
                self.gap(for_each.span, GapCause::UnknownCount, reason.clone());
                return Err(reason);
            }
        };
        let Some(content) = block.body.blocks("content").next() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(items.len());
        for (key, value) in items {
            let depth = scope.len();
            let iter = Map::from([("key".to_string(), key), ("value".to_string(), value)]);
            scope.push((iterator.clone(), Value::Map(iter)));
            out.push(self.eval_body(id, &content.body, scope, (content.span, &[]), keep));
            scope.truncate(depth);
        }
        Ok(out)
    }

    fn resource_reference(
        &self,
        id: InstanceId,
        inst: &Instance,
        index: usize,
        ops: &[TraversalOperator],
        scope: &mut Scope,
    ) -> EvalResult {
        let resources = self.resources(id, inst, index)?;
        if let Some(reason) = &resources.unknown {
            return Ok(Value::Unknown(reason.clone()));
        }
        if resources.repetition == Repetition::Single {
            let instance = resources
                .instances
                .first()
                .ok_or("internal: missing instance")?;
            return self.instance_reference(id, instance, ops, scope);
        }
        match ops.first() {
            Some(TraversalOperator::Index(key)) => {
                let key = self.eval(id, key, scope)?;
                self.keyed_instance(
                    id,
                    &resources.instances,
                    key,
                    ops.get(1..).unwrap_or_default(),
                    scope,
                )
            }
            Some(TraversalOperator::LegacyIndex(n)) => {
                let key = Value::number(Number::from_i64(*n as i64));
                self.keyed_instance(
                    id,
                    &resources.instances,
                    key,
                    ops.get(1..).unwrap_or_default(),
                    scope,
                )
            }
            Some(TraversalOperator::FullSplat) | Some(TraversalOperator::AttrSplat) => {
                let full = matches!(ops.first(), Some(TraversalOperator::FullSplat));
                let rest = ops.get(1..).unwrap_or_default();
                let body_len = if full {
                    rest.len()
                } else {
                    rest.iter()
                        .take_while(|o| matches!(o, TraversalOperator::GetAttr(_)))
                        .count()
                };
                let (body, after) = rest.split_at(body_len.min(rest.len()));
                let mut items = Vec::new();
                for instance in &resources.instances {
                    items.push(self.instance_reference(id, instance, body, scope)?);
                }
                self.apply_ops(id, Value::List(items), after, scope)
            }
            _ => {
                let collection = match resources.repetition {
                    Repetition::ForEach => Value::Map(
                        resources
                            .instances
                            .iter()
                            .filter_map(|i| match &i.key {
                                Key::Name(k) => Some(instance_object(i).map(|o| (k.clone(), o))),
                                _ => None,
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    _ => Value::List(
                        resources
                            .instances
                            .iter()
                            .map(instance_object)
                            .collect::<Result<_, _>>()?,
                    ),
                };
                self.apply_ops(id, collection, ops, scope)
            }
        }
    }

    /// The zone of a subnet given by its id: a subnet resource (of any module instance
    /// evaluated so far: the id may come in through a variable) whose `availability_zone` is
    /// known.
    fn subnet_zone(&self, subnet: &Value) -> Option<Value> {
        let Value::Ref(subnet) = subnet else {
            return None;
        };
        if subnet.attribute != "id" {
            return None;
        }
        // The module instance with the longest prefix of the address (`module.a.` before the
        // root's empty one) that declares the resource named after it.
        let declaring = self
            .instances
            .borrow()
            .iter()
            .enumerate()
            .filter_map(|(id, inst)| {
                let (kind, rest) = subnet.address.strip_prefix(&inst.prefix)?.split_once('.')?;
                let name = rest.split(['[', '.']).next()?;
                let index = inst.config.resource_index.get(Mode::Managed, kind, name)?;
                Some((id, inst.clone(), index))
            })
            .max_by_key(|(_, inst, _)| inst.prefix.len());
        let (id, inst, index) = declaring?;
        let resources = self.resources(id, &inst, index).ok()?;
        let found = resources
            .instances
            .iter()
            .find(|instance| instance.address == subnet.address)?;
        match &found.value {
            Some(Value::Map(entries)) => match entries.get("availability_zone")? {
                zone @ Value::String(_) => Some(zone.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    fn keyed_instance(
        &self,
        id: InstanceId,
        instances: &[ResourceInstance],
        key: Value,
        ops: &[TraversalOperator],
        scope: &mut Scope,
    ) -> EvalResult {
        if matches!(key, Value::Unknown(_) | Value::Ref(_)) {
            return Ok(Value::Unknown(format!(
                "instance key is unknown ({})",
                unknown_reason(&key)
            )));
        }
        let found = instances.iter().find(|i| match (&i.key, &key) {
            (Key::Index(n), k) => convert::to_number(k).ok().and_then(|k| k.to_i64()) == Some(*n),
            (Key::Name(name), k) => convert::to_string(k).ok().as_deref() == Some(name.as_str()),
            (Key::None, _) => false,
        });
        match found {
            Some(instance) => self.instance_reference(id, instance, ops, scope),
            None => Err(format!(
                "no resource instance with key {}",
                render::describe(&key)
            )),
        }
    }

    /// `instance.attr...`: a configured attribute's value, or a Ref to a computed one.
    fn instance_reference(
        &self,
        id: InstanceId,
        instance: &ResourceInstance,
        ops: &[TraversalOperator],
        scope: &mut Scope,
    ) -> EvalResult {
        match ops.first() {
            Some(TraversalOperator::GetAttr(name)) => {
                let name = &**name;
                let configured = match kept_value(instance)? {
                    // Set to null, the provider computes it: unknown until apply.
                    Value::Map(entries) => entries.get(name).cloned().filter(|value| {
                        !(matches!(value, Value::Null)
                            && is_optional_computed(&instance.kind, name))
                    }),
                    other => Some(other.clone()),
                };
                if configured.is_none() && instance.mode == Mode::Data {
                    return Ok(Value::Unknown(format!(
                        "attribute {name} of {}",
                        instance.address
                    )));
                }
                let zone_of = |subnet: &Value| self.subnet_zone(subnet);
                match configured.or_else(|| shaped_computed_attribute(instance, name, &zone_of)) {
                    Some(value) => {
                        let rest = ops.get(1..).unwrap_or_default();
                        match self.apply_ops(id, value, rest, scope) {
                            // The nested blocks of a resource hold what the configuration
                            // sets, not what the provider computes (`ip_address[*].ip`).
                            Err(error)
                                if instance.mode == Mode::Managed
                                    && error.starts_with(super::eval::UNSUPPORTED_ATTRIBUTE)
                                    && literal_indexes_only(rest) =>
                            {
                                Ok(Value::Unknown(format!(
                                    "computed attribute{} of {}.{name}",
                                    error.trim_start_matches(super::eval::UNSUPPORTED_ATTRIBUTE),
                                    instance.address
                                )))
                            }
                            result => result,
                        }
                    }
                    None => {
                        let reference = Value::reference(Ref {
                            address: instance.address.clone(),
                            attribute: name.to_string(),
                        });
                        if ops.len() > 1 {
                            return Ok(Value::Unknown(format!(
                                "computed attribute {}.{name}",
                                instance.address
                            )));
                        }
                        Ok(reference)
                    }
                }
            }
            None => instance_object(instance),
            Some(_) => self.apply_ops(id, instance_object(instance)?, ops, scope),
        }
    }

    fn children(
        &self,
        id: InstanceId,
        inst: &Instance,
        call_index: usize,
    ) -> Result<Rc<Children>, String> {
        let cell = inst
            .calls
            .get(call_index)
            .ok_or("internal: missing module call")?;
        let call = inst
            .config
            .modules
            .get(call_index)
            .ok_or("internal: missing module call")?;
        let what = || format!("{}module.{}", inst.prefix, call.name);
        self.memo(cell, &what, || {
            let key_path = if inst.key_path.is_empty() {
                call.name.clone()
            } else {
                format!("{}.{}", inst.key_path, call.name)
            };
            let config = self.child_config(inst, call, &key_path);
            if let Some(config) = &config {
                self.check_call_arguments(inst, call, config);
            }
            let expansion = self.expand(id, &call.body, &Vec::new(), &what(), false);
            let instances = expansion
                .instances
                .into_iter()
                .map(|(key, bindings)| {
                    let child = config.as_ref().map(|config| {
                        let mut prefix = what();
                        key.push_suffix(&mut prefix);
                        prefix.push('.');
                        let path_module = relative_to(&config.dir, &self.root_dir);
                        let caller = Caller {
                            instance: id,
                            call: call_index,
                            bindings,
                        };
                        self.add_instance(
                            config.clone(),
                            prefix,
                            key_path.clone(),
                            path_module,
                            Some(caller),
                            inst.depth + 1,
                        )
                    });
                    (key, child)
                })
                .collect();
            Rc::new(Children {
                instances,
                repetition: expansion.repetition,
                unknown: expansion.unknown,
                config,
            })
        })
    }

    /// The configuration of a module call: a local directory or an installed module.
    fn child_config(
        &self,
        inst: &Instance,
        call: &config::ModuleCall,
        key_path: &str,
    ) -> Option<Arc<ModuleConfig>> {
        let dir = match call.source.as_deref() {
            Some(source) if source.starts_with("./") || source.starts_with("../") => Some(
                crate::source::lexically_normal(&inst.config.dir.join(source)),
            ),
            _ => self.installed.get(key_path).cloned(),
        };
        let note_once = |cause: GapCause, message: String| {
            if self
                .noted_calls
                .borrow_mut()
                .insert((inst.config.dir.clone(), call.name.clone()))
            {
                self.gap(call.span, cause, message);
            }
        };
        let Some(dir) = dir else {
            note_once(GapCause::ModuleNotInstalled, format!(
                "module \"{}\" (source {}) is not installed: run terraform init; its outputs are unknown",
                call.name,
                call.source.as_deref().map(quote).unwrap_or_else(|| "missing".into())
            ));
            return None;
        };
        if self.is_ancestor(inst, &dir) {
            // Terraform cannot install it either: `terraform init` recurses until the
            // module path is too long.
            if self
                .noted_calls
                .borrow_mut()
                .insert((inst.config.dir.clone(), call.name.clone()))
            {
                self.error(
                    call.span,
                    format!(
                        "Module recursion: module \"{}\" (source {}) calls a module that contains it; Terraform cannot install it",
                        call.name,
                        call.source.as_deref().map(quote).unwrap_or_default()
                    ),
                );
            }
            return None;
        }
        if inst.depth + 1 > self.budget.limits().max_module_depth as usize {
            note_once(
                GapCause::BudgetExceeded,
                self.budget.message(
                    BudgetKind::ModuleDepth,
                    &format!("module \"{}\" (not evaluated)", call.name),
                ),
            );
            return None;
        }
        if let Some(config) = self.configs.borrow().get(&dir) {
            return Some(config.clone());
        }
        if !dir.is_dir() {
            note_once(
                GapCause::ModuleNotInstalled,
                format!(
                    "module \"{}\": directory {} does not exist; its outputs are unknown",
                    call.name,
                    dir.display()
                ),
            );
            return None;
        }
        let config = config::load_module_once(&dir, self.sources);
        self.configs.borrow_mut().insert(dir, config.clone());
        Some(config)
    }

    /// Once per call in a module's source: an argument the called module does not
    /// declare is an error, as in Terraform.
    fn check_call_arguments(
        &self,
        inst: &Instance,
        call: &config::ModuleCall,
        config: &ModuleConfig,
    ) {
        let unsupported = call.unsupported_arguments(config);
        if unsupported.is_empty()
            || !self
                .noted_calls
                .borrow_mut()
                .insert((inst.config.dir.clone(), call.name.clone()))
        {
            return;
        }
        for attr in unsupported {
            self.error(
                attr.name_span,
                format!(
                    "Unsupported argument: module \"{}\" ({}) declares no variable \"{}\"; if its version changed, run terraform init",
                    call.name,
                    config.dir.display(),
                    attr.name
                ),
            );
        }
    }

    /// Whether `dir` is the directory of `inst` or of a module that calls it.
    fn is_ancestor(&self, inst: &Instance, dir: &Path) -> bool {
        if inst.config.dir == dir {
            return true;
        }
        let mut parent = inst.parent.as_ref().map(|c| c.instance);
        while let Some(id) = parent {
            let Some(ancestor) = self.instance(id) else {
                return false;
            };
            if ancestor.config.dir == dir {
                return true;
            }
            parent = ancestor.parent.as_ref().map(|c| c.instance);
        }
        false
    }

    fn module_reference(
        &self,
        id: InstanceId,
        inst: &Instance,
        call: usize,
        ops: &[TraversalOperator],
        scope: &mut Scope,
    ) -> EvalResult {
        let children = self.children(id, inst, call)?;
        if let Some(reason) = &children.unknown {
            return Ok(Value::Unknown(reason.clone()));
        }
        if children.repetition == Repetition::Single {
            let child = children.instances.first().and_then(|c| c.1);
            return self.child_reference(id, child, ops, scope);
        }
        let pick = |key: &Value| {
            children.instances.iter().find(|(k, _)| match (k, key) {
                (Key::Index(n), k) => {
                    convert::to_number(k).ok().and_then(|k| k.to_i64()) == Some(*n)
                }
                (Key::Name(name), k) => {
                    convert::to_string(k).ok().as_deref() == Some(name.as_str())
                }
                (Key::None, _) => false,
            })
        };
        match ops.first() {
            Some(TraversalOperator::Index(key)) => {
                let key = self.eval(id, key, scope)?;
                if matches!(key, Value::Unknown(_) | Value::Ref(_)) {
                    return Ok(Value::Unknown(format!(
                        "module key is unknown ({})",
                        unknown_reason(&key)
                    )));
                }
                match pick(&key) {
                    Some((_, child)) => {
                        self.child_reference(id, *child, ops.get(1..).unwrap_or_default(), scope)
                    }
                    None => Err(format!(
                        "no module instance with key {}",
                        render::describe(&key)
                    )),
                }
            }
            _ => {
                let mut list = Vec::new();
                let mut entries = Vec::new();
                for (key, child) in &children.instances {
                    let object = self.child_reference(id, *child, &[], scope)?;
                    match key {
                        Key::Name(name) => entries.push((name.clone(), object)),
                        _ => list.push(object),
                    }
                }
                let collection = if children.repetition == Repetition::ForEach {
                    Value::Map(Map::from_entries(entries))
                } else {
                    Value::List(list)
                };
                self.apply_ops(id, collection, ops, scope)
            }
        }
    }

    fn child_reference(
        &self,
        id: InstanceId,
        child: Option<InstanceId>,
        ops: &[TraversalOperator],
        scope: &mut Scope,
    ) -> EvalResult {
        let Some(child_id) = child else {
            return Ok(Value::Unknown(
                "output of a module that is not installed".into(),
            ));
        };
        let child = self
            .instance(child_id)
            .ok_or("internal: missing module instance")?;
        match ops.first() {
            Some(TraversalOperator::GetAttr(name)) => {
                let value = self.output(child_id, &child, name)?;
                self.apply_ops(id, value, ops.get(1..).unwrap_or_default(), scope)
            }
            _ => {
                let mut outputs = Map::new();
                let mut names: Vec<&String> = child.config.outputs.keys().collect();
                names.sort();
                for name in names {
                    outputs.insert(name.clone(), self.output(child_id, &child, name)?);
                }
                self.apply_ops(id, Value::Map(outputs), ops, scope)
            }
        }
    }

    fn output(&self, id: InstanceId, inst: &Instance, name: &str) -> EvalResult {
        let cell = inst
            .outputs
            .get(name)
            .ok_or_else(|| format!("module has no output \"{name}\""))?;
        let attr = inst
            .config
            .outputs
            .get(name)
            .ok_or("internal: missing output")?;
        self.memo(cell, &|| format!("{}output.{name}", inst.prefix), || {
            self.eval_attr(id, attr, &mut Vec::new())
        })
    }

    /// The region of a provider configuration (`aws`, `aws.west`) as seen from a module
    /// instance: its own `provider` block, else what the caller passes or lets it inherit.
    fn provider_region(&self, id: InstanceId, key: &str) -> Option<String> {
        let inst = self.instance(id)?;
        if let Some(region) = inst.regions.borrow().get(key) {
            return region.clone();
        }
        inst.regions.borrow_mut().insert(key.to_string(), None);
        let region = if let Some(provider) = inst.config.providers.iter().find(|p| p.key == key) {
            provider.region.as_ref().and_then(|attr| {
                // An empty region is none: the provider takes AWS_REGION or the profile's.
                match self.eval_attr(id, attr, &mut Vec::new()) {
                    Value::String(region) if !region.is_empty() => Some(region),
                    _ => None,
                }
            })
        } else if let Some(caller) = &inst.parent {
            let parent = self.instance(caller.instance)?;
            let call = parent.config.modules.get(caller.call)?;
            if call.providers.is_empty() {
                (!key.contains('.'))
                    .then(|| self.provider_region(caller.instance, key))
                    .flatten()
            } else {
                call.providers
                    .iter()
                    .find(|(child, _)| child == key)
                    .and_then(|(_, parent_key)| self.provider_region(caller.instance, parent_key))
            }
        } else {
            self.default_region.clone()
        };
        // A root provider block without a region takes `--region` (as the provider takes
        // AWS_REGION from its environment).
        let region = match region {
            None if inst.parent.is_none() => self.default_region.clone(),
            region => region,
        };
        inst.regions
            .borrow_mut()
            .insert(key.to_string(), region.clone());
        region
    }

    /// Why [`Self::provider_region`] knows no region for `key` in module instance `id`:
    /// which provider block leaves it unset or unknown, or that none configures it, and
    /// how to give it.
    fn unknown_region_reason(&self, id: InstanceId, key: &str) -> String {
        let Some(inst) = self.instance(id) else {
            return format!("the region of provider \"{key}\" is unknown");
        };
        if let Some(provider) = inst.config.providers.iter().find(|p| p.key == key) {
            let file = self.sources.get(provider.header.file);
            let line = file.line_col(provider.header.start).line;
            // As a path in the root module, like the module's own addresses.
            let path = file.path.strip_prefix(&self.root_dir).unwrap_or(&file.path);
            let at = format!("{}:{line}", path.display());
            return match &provider.region {
                Some(attr) => match self.eval_attr(id, attr, &mut Vec::new()) {
                    Value::Unknown(why) => format!(
                        "the region of provider \"{key}\" ({at}) is unknown ({why}): give it a value (--var, --var-file) or pass --region"
                    ),
                    Value::String(region) if region.is_empty() && inst.parent.is_none() => format!(
                        "the region of provider \"{key}\" ({at}) is empty (Terraform takes it from AWS_REGION or the profile): set it or pass --region"
                    ),
                    Value::String(region) if region.is_empty() => format!(
                        "the region of provider \"{key}\" ({at}) is empty: set it"
                    ),
                    _ => format!("the region of provider \"{key}\" ({at}) is not a string"),
                },
                None if inst.parent.is_none() => format!(
                    "provider \"{key}\" ({at}) sets no region (Terraform takes it from AWS_REGION or the profile): set region in the block or pass --region"
                ),
                None => format!(
                    "provider \"{key}\" ({at}) sets no region: set region in the block"
                ),
            };
        }
        let Some(caller) = &inst.parent else {
            return format!(
                "no provider \"{key}\" block sets a region (Terraform takes it from AWS_REGION or the profile): add provider \"{key}\" {{ region = ... }} or pass --region"
            );
        };
        let call = self
            .instance(caller.instance)
            .and_then(|parent| {
                parent
                    .config
                    .modules
                    .get(caller.call)
                    .map(|c| c.providers.clone())
            })
            .unwrap_or_default();
        let passed = if call.is_empty() {
            (!key.contains('.')).then(|| key.to_string())
        } else {
            call.iter()
                .find(|(child, _)| child == key)
                .map(|(_, parent_key)| parent_key.clone())
        };
        match passed {
            Some(parent_key) => self.unknown_region_reason(caller.instance, &parent_key),
            None => format!(
                "the module call passes no provider \"{key}\" (add it to the call's providers map)"
            ),
        }
    }

    /// Every managed resource instance of the module instance and its children, in
    /// declaration order; `called_from` is how the instance was reached.
    pub fn collect(
        &self,
        id: InstanceId,
        called_from: &CallChain,
        out: &mut Vec<crate::frontend::Resource>,
    ) {
        let Some(inst) = self.instance(id) else {
            return;
        };
        for (index, decl) in inst.config.resources.iter().enumerate() {
            if decl.mode != Mode::Managed {
                continue;
            }
            let Ok(resources) = self.resources(id, &inst, index) else {
                continue;
            };
            let region = if decl.provider == "aws" || decl.provider.starts_with("aws.") {
                self.provider_region(id, &decl.provider)
            } else {
                None
            };
            if let (true, Some(reason)) = (resources.instances.is_empty(), &resources.unknown) {
                out.push(crate::frontend::Resource {
                    kind: decl.kind.clone(),
                    address: [&*inst.prefix, &decl.kind, ".", &decl.name].concat(),
                    span: decl.span,
                    name_span: decl.header,
                    attrs: Val::new(decl.span, V::Unknown(reason.clone())),
                    region: region.clone(),
                    called_from: called_from.clone(),
                });
            }
            for instance in &resources.instances {
                out.push(crate::frontend::Resource {
                    kind: decl.kind.clone(),
                    address: instance.address.to_string(),
                    span: decl.span,
                    name_span: decl.header,
                    attrs: instance.attrs.replace(Val::new(decl.span, V::Null)),
                    region: region.clone(),
                    called_from: called_from.clone(),
                });
            }
        }
        for call in 0..inst.config.modules.len() {
            let Ok(children) = self.children(id, &inst, call) else {
                continue;
            };
            let module_call = &inst.config.modules[call];
            if children.instances.is_empty() {
                if let Some(config) = &children.config {
                    self.reject_calls_in_module(config);
                }
                if let Some(reason) = &children.unknown {
                    let config = children.config.clone();
                    self.unevaluated_call(&inst, module_call, config, reason, called_from, out);
                }
            } else if children.instances.iter().all(|c| c.1.is_none()) {
                let reason = format!(
                    "what module \"{}\" creates is unknown: its source was not read",
                    module_call.name
                );
                self.unevaluated_call(&inst, module_call, None, &reason, called_from, out);
            }
            let header = module_call.header;
            for child in children.instances.iter().filter_map(|c| c.1) {
                let Some(prefix) = self.instance(child).map(|c| c.prefix.clone()) else {
                    continue;
                };
                let site = CallSite {
                    address: prefix.trim_end_matches('.').to_string(),
                    span: header,
                };
                let chain: CallChain = called_from.iter().cloned().chain([site]).collect();
                self.collect(child, &chain, out);
            }
        }
        // Terraform evaluates every local value and output, used or not: a cycle among
        // values no resource uses is still an error.
        let mut locals: Vec<&String> = inst.config.locals.keys().collect();
        locals.sort();
        for name in locals {
            let _ = self.local_value(id, &inst, name);
        }
        let mut outputs: Vec<&String> = inst.config.outputs.keys().collect();
        outputs.sort();
        for name in outputs {
            let _ = self.output(id, &inst, name);
        }
    }
}

/// The resource kinds through which a module vpclint cannot read may add to what the
/// analyzed code declares: routes, associations and propagations (of route tables and
/// transit gateway route tables), security group rules and NACL entries.
const KINDS_AN_UNREAD_MODULE_MAY_ADD: &[&str] = &[
    "aws_route",
    "aws_route_table_association",
    "aws_vpn_gateway_route_propagation",
    "aws_ec2_transit_gateway_route",
    "aws_ec2_transit_gateway_route_table_association",
    "aws_ec2_transit_gateway_route_table_propagation",
    "aws_security_group_rule",
    "aws_network_acl_rule",
];

impl Evaluator<'_> {
    /// What a module call whose instances are not evaluated may still create, as resources
    /// none of whose instances is known: each resource of the called module (`config`) when
    /// its `count`/`for_each` is unknown; the kinds that add to other resources when its
    /// source cannot be read (`None`) and its arguments pass it something to add to. What
    /// concludes from the absence of a route, rule or entry then stays silent.
    fn unevaluated_call(
        &self,
        inst: &Instance,
        call: &config::ModuleCall,
        config: Option<Arc<ModuleConfig>>,
        reason: &str,
        called_from: &CallChain,
        out: &mut Vec<crate::frontend::Resource>,
    ) {
        let address = [&*inst.prefix, "module.", &call.name].concat();
        let mut read = ReadModules {
            dirs: HashSet::new(),
            depth: inst.depth,
        };
        self.unread_resources(&address, call, config, reason, called_from, &mut read, out);
    }

    /// [`Self::unevaluated_call`] for one call, then the calls of its module, down to the
    /// module depth budget. Each module directory once: a module that calls itself, or a
    /// diamond of modules, makes no more placeholders than its resources, which all stand
    /// for "may exist" alike.
    #[allow(clippy::too_many_arguments)]
    fn unread_resources(
        &self,
        address: &str,
        call: &config::ModuleCall,
        config: Option<Arc<ModuleConfig>>,
        reason: &str,
        called_from: &CallChain,
        read: &mut ReadModules,
        out: &mut Vec<crate::frontend::Resource>,
    ) {
        let site = CallSite {
            address: address.to_string(),
            span: call.header,
        };
        let chain: CallChain = called_from.iter().cloned().chain([site]).collect();
        let resource = |kind: Arc<str>, address: String, span: Span, name_span: Span| {
            crate::frontend::Resource {
                kind,
                address,
                span,
                name_span,
                attrs: Val::new(span, V::Unknown(reason.to_string())),
                region: None,
                called_from: chain.clone(),
            }
        };
        let Some(config) = config else {
            if references::call_names_anything(call) {
                for kind in KINDS_AN_UNREAD_MODULE_MAY_ADD {
                    out.push(resource(
                        Arc::from(*kind),
                        address.to_string(),
                        call.span,
                        call.header,
                    ));
                }
            }
            return;
        };
        if !read.dirs.insert(config.dir.clone()) {
            return;
        }
        for decl in config.resources.iter().filter(|d| d.mode == Mode::Managed) {
            let at = [address, ".", &decl.kind, ".", &decl.name].concat();
            out.push(resource(decl.kind.clone(), at, decl.span, decl.header));
        }
        if read.depth + 1 >= self.budget.limits().max_module_depth as usize {
            return;
        }
        read.depth += 1;
        for child in &config.modules {
            let child_address = [address, ".module.", &child.name].concat();
            let child_config = self.local_child_config(&config, child);
            self.unread_resources(
                &child_address,
                child,
                child_config,
                reason,
                &chain,
                read,
                out,
            );
        }
        read.depth -= 1;
    }

    /// The configuration of a call's local module (`./x`, `../x`) that exists, registered
    /// as the unit's (its files, parse errors and suppressions).
    fn local_child_config(
        &self,
        parent: &ModuleConfig,
        call: &config::ModuleCall,
    ) -> Option<Arc<ModuleConfig>> {
        let source = call
            .source
            .as_deref()
            .filter(|s| s.starts_with("./") || s.starts_with("../"))?;
        let dir = crate::source::lexically_normal(&parent.dir.join(source));
        if let Some(config) = self.configs.borrow().get(&dir) {
            return Some(config.clone());
        }
        if !dir.is_dir() {
            return None;
        }
        let config = config::load_module_once(&dir, self.sources);
        self.configs.borrow_mut().insert(dir, config.clone());
        Some(config)
    }
}

/// The module directories [`Evaluator::unread_resources`] went through, and how deep it is.
struct ReadModules {
    dirs: HashSet<PathBuf>,
    depth: usize,
}

fn is_cycle(message: &str) -> bool {
    ["Cycle: ", "Self-referencing ", "Self-referential "]
        .iter()
        .any(|prefix| message.starts_with(prefix))
}

fn unknown_reason(value: &Value) -> String {
    if convert::is_unknown(value) {
        super::eval::deferred_reason(value)
    } else {
        format!("a {}", convert::type_name(value))
    }
}

/// Why a data source's value is unknown: Terraform reads it from the cloud, vpclint does not.
fn data_source_reason(kind: &str, name: &str) -> String {
    let source = match kind {
        "terraform_remote_state" => "from another configuration's state",
        _ if kind.starts_with("aws_") => "from AWS",
        _ => "when it plans",
    };
    format!("data source data.{kind}.{name}, which Terraform reads {source}")
}

/// Whether every index of `ops` is a literal: an error applying them then comes from the
/// value they are applied to, not from evaluating a key.
fn literal_indexes_only(ops: &[TraversalOperator]) -> bool {
    use super::hcl::ExprKind;
    ops.iter().all(|op| match op {
        TraversalOperator::Index(key) => {
            matches!(key.kind, ExprKind::Number(_) | ExprKind::String(_))
        }
        _ => true,
    })
}

/// A resource instance as an object: configured attributes plus computed ones as Refs.
/// A resource instance's value; an error if it kept none, which a reference found when
/// the module was read prevents (references.rs).
fn kept_value(instance: &ResourceInstance) -> Result<&Value, String> {
    instance.value.as_ref().ok_or_else(|| {
        format!(
            "internal: {} kept no value (no reference to it was found)",
            instance.address
        )
    })
}

fn instance_object(instance: &ResourceInstance) -> EvalResult {
    if let Some(object) = instance.object.get() {
        return Ok(object.clone());
    }
    let object = build_instance_object(instance)?;
    Ok(instance.object.get_or_init(|| object).clone())
}

/// The configured arguments, with references for what the provider computes.
fn build_instance_object(instance: &ResourceInstance) -> EvalResult {
    let configured = match kept_value(instance)? {
        Value::Map(entries) if instance.mode == Mode::Managed => entries,
        other => return Ok(other.clone()),
    };
    let computed = |attribute: &str| {
        Value::reference(Ref {
            address: instance.address.clone(),
            attribute: attribute.to_string(),
        })
    };
    let mut entries = Vec::with_capacity(configured.len() + COMPUTED_ATTRIBUTES.len() + 1);
    for (name, value) in configured {
        let value = if matches!(value, Value::Null) && is_optional_computed(&instance.kind, name) {
            computed(name)
        } else {
            value.clone()
        };
        entries.push((name.clone(), value));
    }
    // Pushed after the configured entries: of repeated keys the last one stays.
    if let Some(status) = shaped_computed_attribute(instance, "firewall_status", &|_| None) {
        entries.push(("firewall_status".to_string(), status));
    }
    for attribute in COMPUTED_ATTRIBUTES {
        if !configured.contains_key(attribute) {
            entries.push((attribute.to_string(), computed(attribute)));
        }
    }
    Ok(Value::Map(Map::from_entries(entries)))
}

/// `path.module`: the module's directory relative to the root module's, as Terraform gives
/// it (`../shared` for a module beside the root).
fn relative_to(dir: &Path, root: &Path) -> String {
    let (dir, root) = if dir.is_absolute() == root.is_absolute() {
        (dir.to_path_buf(), root.to_path_buf())
    } else {
        (
            crate::source::canonical(dir),
            crate::source::canonical(root),
        )
    };
    use std::path::Component;
    fn parts(path: &Path) -> Vec<Component<'_>> {
        path.components()
            .filter(|c| *c != Component::CurDir)
            .collect()
    }
    let (dir_parts, root_parts) = (parts(&dir), parts(&root));
    let common = dir_parts
        .iter()
        .zip(&root_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if root_parts[common..].contains(&Component::ParentDir) {
        return dir.to_string_lossy().into_owned();
    }
    let relative: PathBuf = root_parts[common..]
        .iter()
        .map(|_| Component::ParentDir)
        .chain(dir_parts[common..].iter().copied())
        .collect();
    if relative.as_os_str().is_empty() {
        ".".into()
    } else {
        relative.to_string_lossy().into_owned()
    }
}
