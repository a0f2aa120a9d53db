//! Frontends turn source files into evaluated resources ([`Unit`]s). They know Terraform
//! and CloudFormation and nothing of the model or the rules; lowering (`crate::model::lower`)
//! maps their output onto the network model.

pub mod base64;
pub mod cloudformation;
pub mod terraform;

use crate::source::{FileId, Span};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The stack a frontend's evaluation may use: it recurses along reference chains and
/// nested expressions (bounded, but deep in debug builds).
pub const EVAL_STACK_SIZE: usize = 64 << 20;

thread_local! {
    static HAS_EVAL_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Declares that the calling thread was started with [`EVAL_STACK_SIZE`] of stack: the
/// frontends then evaluate on it instead of starting a thread of their own for each input
/// (a thread and its allocator heap per root module).
pub fn mark_eval_stack() {
    HAS_EVAL_STACK.with(|has| has.set(true));
}

/// Whether [`mark_eval_stack`] was called on this thread.
pub fn has_eval_stack() -> bool {
    HAS_EVAL_STACK.with(|has| has.get())
}

/// Runs `work` on a new thread with [`EVAL_STACK_SIZE`] of stack, marked so; on this
/// thread, unmarked, if no thread can be started.
pub fn on_eval_stack<R: Send>(work: impl Fn() -> R + Sync) -> R {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("vpclint".into())
            .stack_size(EVAL_STACK_SIZE)
            .spawn_scoped(scope, || {
                mark_eval_stack();
                work()
            });
        match spawned {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => work(),
        }
    })
}

/// The language a unit was written in; lowering picks its table by this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lang {
    Terraform,
    /// `terraform show -json` output: resource kinds and attributes are Terraform's.
    TerraformPlan,
    CloudFormation,
}

/// One independently evaluated piece of code: a Terraform root module (with its child
/// modules expanded), a plan file, or a CloudFormation template. References resolve only
/// within a unit.
#[derive(Debug)]
pub struct Unit {
    pub lang: Lang,
    /// The root module directory, plan file or template file.
    pub path: PathBuf,
    /// Every file read for this unit (for the summary and for suppression scanning).
    pub files: Vec<FileId>,
    pub resources: Vec<Resource>,
    pub diagnostics: Vec<Diagnostic>,
    pub suppressions: Vec<Suppression>,
    /// Values that came from another file (a parent stack's parameter, another template's
    /// export): findings at such a value also point where it came from.
    pub provenance: Vec<Provenance>,
    /// Values this unit publishes to the other units of the run (CloudFormation `Export`s).
    pub exports: Vec<Export>,
    /// Evaluations that failed on the values vpclint had; lowering reports those whose
    /// unknown results a network resource holds.
    pub failures: Vec<EvaluationFailure>,
    /// The export names this unit imports (`Fn::ImportValue` with a name known statically).
    pub imports: Vec<Import>,
}

/// The value at `at` was written at `from`, in another file.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    pub at: Span,
    pub from: Span,
    /// The resource address or output that `from` belongs to.
    pub address: String,
    /// Says what `from` is: `exported here as "net-VpcCidr"`.
    pub message: String,
    /// The address prefix of the resources whose values came through `at` (a nested
    /// stack's `Spoke1.`: one template nested twice has its spans twice, each with the
    /// values its own parent passes); empty for every resource.
    pub scope: String,
}

/// An evaluation that failed on the values it was given (a function rejecting its
/// arguments, an index out of range): every value it left unknown has `message` in its
/// reason, which is how lowering finds the resources it reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationFailure {
    /// The expression that failed.
    pub span: Span,
    /// The error, with the values it failed on.
    pub message: String,
}

/// A named value a unit publishes to the others (CloudFormation `Outputs.X.Export.Name`).
#[derive(Debug, Clone)]
pub struct Export {
    /// The export name, or why it is not known statically.
    pub name: Result<String, String>,
    /// The name with `*` for each part not known statically (`*-VpcId` for
    /// `${AWS::StackName}-VpcId`): which imports an unknown name could be meant for.
    pub pattern: String,
    pub value: Val,
    /// `Outputs.VpcId` (with the nested stack's prefix).
    pub output: String,
    /// The output's key.
    pub span: Span,
}

/// A use of another unit's export.
#[derive(Debug, Clone)]
pub struct Import {
    pub name: String,
    pub span: Span,
    /// The unit whose export it resolved to.
    pub exporter: Option<PathBuf>,
}

/// One evaluated resource instance (`count`/`for_each` expanded, conditions applied).
#[derive(Debug, Clone)]
pub struct Resource {
    /// Provider type: `aws_vpc`, `AWS::EC2::VPC`.
    pub kind: Arc<str>,
    /// `module.net.aws_subnet.a[0]` (as `terraform state list` prints it) or a CloudFormation
    /// logical ID.
    pub address: String,
    /// The whole resource block / logical-ID entry.
    pub span: Span,
    /// The block header (`resource "aws_vpc" "a"`) or the logical-ID key: where a finding
    /// about a missing attribute points.
    pub name_span: Span,
    /// Evaluated arguments. Nested blocks (`route { }`, `ingress { }`) appear as a `List`
    /// of `Map`s under the block type name, one per block, each with the block's span.
    /// CloudFormation: the `Properties` mapping. `V::Unknown` for a resource none of whose
    /// instances is known (unknown `count`/`for_each`, a condition that cannot be
    /// decided): it may create any number of instances, with any values.
    pub attrs: Val,
    /// The AWS region the resource is created in, when known (Terraform: the provider
    /// configuration it uses; CloudFormation: `AWS::Region`).
    pub region: Option<String>,
    /// The module calls this instance is created through, outermost (the root module's
    /// call) first; empty for a resource of the root module itself.
    pub called_from: CallChain,
}

/// The module calls an instance is created through, outermost first. Shared by every
/// resource of a module instance.
pub type CallChain = std::sync::Arc<[CallSite]>;

/// A module call: `module.net["a"]` at its `module "net"` block header in the calling
/// module.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallSite {
    pub address: String,
    pub span: Span,
}

impl Resource {
    pub fn attr(&self, name: &str) -> Option<&Val> {
        self.attrs.get(name)
    }
}

/// An evaluated value with the span of the expression it came from. When a value flows
/// through variables or locals, the span is that of the attribute in the resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Val {
    pub span: Span,
    pub v: V,
}

#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Val>),
    /// Keys in source order (Terraform objects: lexical order, as Terraform iterates them).
    Map(Vec<(String, Val)>),
    /// A computed attribute of another resource of the same unit (`aws_vpc.a.id`,
    /// `!Ref Vpc`, `!GetAtt Vpc.DefaultSecurityGroup`). Boxed: two `String`s would double
    /// the size of every value.
    Ref(Box<Ref>),
    /// Not knowable statically; the reason is shown by `vpclint model`.
    Unknown(String),
}

// Every list element and map entry of a resource's attributes is a `Val`: a span and a
// value no larger than a `String` plus a tag.
const _: () = assert!(std::mem::size_of::<Val>() == 48);

impl V {
    pub fn reference(r: Ref) -> V {
        V::Ref(Box::new(r))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ref {
    /// Address of the referenced resource instance, as in [`Resource::address`].
    pub address: Arc<str>,
    /// The attribute referenced: `id`, `default_route_table_id`; for CloudFormation
    /// `!Ref` this is `Ref`, for `!GetAtt X.Attr` it is `Attr`.
    pub attribute: String,
}

impl Ref {
    /// The same reference made from another unit: its address becomes `UNIT#ADDRESS` (as
    /// `vpclint reach` names a resource of one template among several), which no resource
    /// address of a unit has (CloudFormation logical IDs are alphanumeric).
    pub fn from_unit(mut self, unit: &Path) -> Ref {
        self.address = format!("{}#{}", unit.display(), self.address).into();
        self
    }

    /// The unit and the address within it of a reference made by [`Ref::from_unit`].
    pub fn other_unit(&self) -> Option<(&Path, &str)> {
        let (unit, address) = self.address.rsplit_once('#')?;
        Some((Path::new(unit), address))
    }
}

impl Val {
    pub fn new(span: Span, v: V) -> Self {
        Val { span, v }
    }

    pub fn get(&self, key: &str) -> Option<&Val> {
        match &self.v {
            V::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            V::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.v {
            V::Bool(b) => Some(*b),
            V::String(s) if s == "true" => Some(true),
            V::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// A number, or a string that is one (both languages convert `"443"` to 443).
    pub fn as_f64(&self) -> Option<f64> {
        match &self.v {
            V::Number(n) => Some(*n),
            V::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Val]> {
        match &self.v {
            V::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Option<&Ref> {
        match &self.v {
            V::Ref(r) => Some(&**r),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.v, V::Unknown(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.v, V::Null)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file could not be read or parsed: becomes a `parse-error` finding.
    Error,
    /// Evaluation gave up on something (unsupported function, module not installed): the
    /// values involved are unknown. Shown by `vpclint model`, not by `lint`.
    Note,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// The file, and the position where known (`Span::file_start` otherwise).
    pub span: Span,
    /// For a note: the part of the unit it leaves out of the analysis, by cause. Such
    /// notes are the run's "not analyzed" account (summary line, JSON, SARIF notifications,
    /// `incomplete-analysis` findings with `--strict`); other notes are shown by `model`.
    pub gap: Option<GapCause>,
}

impl Diagnostic {
    /// The file cannot be read or parsed, or holds something the language rejects.
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            gap: None,
        }
    }

    /// A value became unknown (shown by `vpclint model`).
    pub fn note(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            message: message.into(),
            span,
            gap: None,
        }
    }

    /// One place (a resource block, a module call, a template construct) left out of the
    /// analysis; the message says what and how to bring it in.
    pub fn gap(span: Span, cause: GapCause, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            message: message.into(),
            span,
            gap: Some(cause),
        }
    }
}

/// Why part of a unit was not analyzed. Each diagnostic with a cause is one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GapCause {
    /// A module call whose source is not on disk (registry or git module before
    /// `terraform init`, a missing local directory).
    ModuleNotInstalled,
    /// A resource block whose `count` or `for_each` is unknown: none of its instances exist
    /// in the model.
    UnknownCount,
    /// A resource whose condition cannot be decided statically: it is left out.
    UnknownCondition,
    /// An evaluation budget (`[limits]` in `vpclint.toml`) was exceeded.
    BudgetExceeded,
    /// A construct vpclint does not evaluate: a transform or macro, a packager directive, a
    /// nested stack it cannot follow, a resource it cannot expand.
    UnsupportedConstruct,
    /// A data source or external value that a network resource needs and that vpclint does
    /// not know.
    UnknownDataSource,
    /// An expression that failed on the values vpclint had (a function rejecting its
    /// arguments, an index out of range): what a network resource takes from it is unknown.
    EvaluationFailed,
    /// A resource named by a literal name or ID rather than a reference (a security group
    /// by name, a Direct Connect proposal by ID) that the code does not resolve to one
    /// resource of its own.
    UnresolvedName,
}

impl GapCause {
    pub const ALL: [GapCause; 8] = [
        GapCause::ModuleNotInstalled,
        GapCause::UnknownCount,
        GapCause::UnknownCondition,
        GapCause::BudgetExceeded,
        GapCause::UnsupportedConstruct,
        GapCause::UnknownDataSource,
        GapCause::EvaluationFailed,
        GapCause::UnresolvedName,
    ];

    /// How the summary line names the cause.
    pub fn label(self) -> &'static str {
        match self {
            GapCause::ModuleNotInstalled => "module not installed",
            GapCause::UnknownCount => "count/for_each unknown",
            GapCause::UnknownCondition => "condition unknown",
            GapCause::BudgetExceeded => "evaluation budget exceeded",
            GapCause::UnsupportedConstruct => "construct not evaluated",
            GapCause::UnknownDataSource => "data source unknown",
            GapCause::EvaluationFailed => "evaluation failed",
            GapCause::UnresolvedName => "name not resolved",
        }
    }

    /// The JSON/SARIF name of the cause.
    pub fn id(self) -> &'static str {
        match self {
            GapCause::ModuleNotInstalled => "module-not-installed",
            GapCause::UnknownCount => "unknown-count",
            GapCause::UnknownCondition => "unknown-condition",
            GapCause::BudgetExceeded => "budget-exceeded",
            GapCause::UnsupportedConstruct => "unsupported-construct",
            GapCause::UnknownDataSource => "unknown-data-source",
            GapCause::EvaluationFailed => "evaluation-failed",
            GapCause::UnresolvedName => "unresolved-name",
        }
    }
}

/// A suppression written in the source: `# vpclint:ignore[rule-a,rule-b] reason` in
/// Terraform, `Metadata: {vpclint: {ignore: [rule]}}` in CloudFormation. Frontends find
/// them; the rule names are opaque strings here.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// The comment or metadata entry itself (an unused suppression is reported here).
    pub span: Span,
    /// Findings whose primary span lies inside this span are suppressed: the resource or
    /// attribute the comment stands above or beside.
    pub applies_to: Span,
    /// What makes a malformed suppression suppress nothing (`vpclint:ignore` without
    /// brackets, an empty rule list, a metadata key vpclint does not read): reported as an
    /// `unused-suppression` note, so that it is not mistaken for one that works.
    pub problem: Option<String>,
}

impl Suppression {
    /// A suppression that cannot work, reported at `span`.
    pub fn malformed(span: Span, problem: impl Into<String>) -> Self {
        Suppression {
            rules: Vec::new(),
            reason: None,
            span,
            applies_to: Span::new(span.file, span.start as usize, span.start as usize),
            problem: Some(problem.into()),
        }
    }
}
