//! The configuration of one module directory: its `.tf` and `.tf.json` files parsed once
//! into blocks and attributes with spans, ready for evaluation.

use super::hcl::{self, ExprKind, Expression, ObjectKey, Structure, TraversalOperator};
use super::json;
use super::suppressions;
use crate::frontend::{Diagnostic, Suppression};
use crate::source::{FileId, SourceMap, Span};
use foldhash::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An expression written in native syntax or in JSON syntax.
#[derive(Debug)]
pub(super) enum Expr {
    Hcl(Expression),
    Json(json::JsonExpr),
}

#[derive(Debug)]
pub(super) struct Attr {
    pub name: String,
    pub expr: Expr,
    /// The expression.
    pub span: Span,
    /// The argument's name.
    pub name_span: Span,
}

#[derive(Debug)]
pub(super) struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Body,
    pub span: Span,
    /// `resource "aws_vpc" "a"`: from the block type to the last label.
    pub header: Span,
}

#[derive(Debug, Default)]
pub(super) struct Body {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

impl Body {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Mode {
    Managed,
    Data,
}

/// Resource declarations by mode, type and name: looked up on every reference, with
/// borrowed names (no key is built).
#[derive(Debug, Default)]
pub(super) struct ResourceIndex {
    managed: HashMap<String, HashMap<String, usize>>,
    data: HashMap<String, HashMap<String, usize>>,
}

impl ResourceIndex {
    pub fn get(&self, mode: Mode, kind: &str, name: &str) -> Option<usize> {
        self.by_mode(mode).get(kind)?.get(name).copied()
    }

    fn insert(&mut self, mode: Mode, kind: &str, name: &str, index: usize) {
        let by_kind = match mode {
            Mode::Managed => &mut self.managed,
            Mode::Data => &mut self.data,
        };
        by_kind
            .entry(kind.to_string())
            .or_default()
            .insert(name.to_string(), index);
    }

    fn by_mode(&self, mode: Mode) -> &HashMap<String, HashMap<String, usize>> {
        match mode {
            Mode::Managed => &self.managed,
            Mode::Data => &self.data,
        }
    }
}

#[derive(Debug)]
pub(super) struct ResourceDecl {
    pub mode: Mode,
    pub kind: Arc<str>,
    pub name: String,
    pub body: Body,
    pub span: Span,
    pub header: Span,
    /// `aws` or `aws.west`: the provider configuration the resource uses.
    pub provider: String,
    /// Some expression of the module may read the resource's value (references.rs): when
    /// not, its instances keep only their arguments for the model.
    pub keeps_value: bool,
}

#[derive(Debug)]
pub(super) struct ModuleCall {
    pub name: String,
    pub source: Option<String>,
    pub body: Body,
    pub span: Span,
    pub header: Span,
    /// `providers = { aws = aws.west }`: child name to parent name.
    pub providers: Vec<(String, String)>,
}

/// The arguments of a `module` block that are not input variables.
const MODULE_META_ARGUMENTS: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// Whether a `module` block argument is a meta-argument rather than an input variable.
pub(super) fn is_meta_argument(name: &str) -> bool {
    MODULE_META_ARGUMENTS.contains(&name)
}

impl ModuleCall {
    /// The arguments `module` does not declare as variables: Terraform rejects each
    /// ("Unsupported argument"). None when the module has an error, since the variable may
    /// be in the part that did not parse, or no configuration file at all (a directory
    /// vpclint may have resolved wrongly).
    pub fn unsupported_arguments<'a>(&'a self, module: &'a ModuleConfig) -> Vec<&'a Attr> {
        if module.files.is_empty()
            || module
                .diagnostics
                .iter()
                .any(|d| d.severity == crate::frontend::Severity::Error)
        {
            return Vec::new();
        }
        self.body
            .attrs
            .iter()
            .filter(|a| !is_meta_argument(&a.name) && !module.variables.contains_key(&a.name))
            .collect()
    }
}

#[derive(Debug)]
pub(super) struct VariableDecl {
    pub default: Option<Attr>,
    pub type_expr: Option<Attr>,
    pub nullable: bool,
    pub span: Span,
}

#[derive(Debug)]
pub(super) struct ProviderDecl {
    /// `aws` or `aws.west`.
    pub key: String,
    pub region: Option<Attr>,
    pub header: Span,
}

/// Everything declared in one module directory.
#[derive(Debug, Default)]
pub(super) struct ModuleConfig {
    pub dir: PathBuf,
    pub files: Vec<FileId>,
    pub variables: HashMap<String, VariableDecl>,
    pub locals: HashMap<String, Attr>,
    pub resources: Vec<ResourceDecl>,
    pub resource_index: ResourceIndex,
    pub modules: Vec<ModuleCall>,
    pub module_index: HashMap<String, usize>,
    pub outputs: HashMap<String, Attr>,
    pub providers: Vec<ProviderDecl>,
    pub diagnostics: Vec<Diagnostic>,
    pub suppressions: Vec<Suppression>,
}

/// Whether Terraform reads a file of this name as configuration: `.tf` and `.tf.json`
/// files, except those it ignores as hidden or editor files (names starting with `.`,
/// ending in `~`, or starting and ending with `#`; only the first can end in `.tf`).
pub fn is_configuration_file(name: &str) -> bool {
    (name.ends_with(".tf") || name.ends_with(".tf.json")) && !name.starts_with('.')
}

/// `override.tf`, `x_override.tf` (and `.tf.json`): merged into the other files' blocks
/// after all of them are read.
fn is_override_file(name: &str) -> bool {
    let stem = name
        .strip_suffix(".tf.json")
        .or_else(|| name.strip_suffix(".tf"))
        .unwrap_or(name);
    stem == "override" || stem.ends_with("_override")
}

/// The configuration files of a directory, in lexical order (as Terraform loads them).
pub(super) fn module_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read directory: {e}"))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|entry| {
            entry
                .file_name()
                .to_str()
                .is_some_and(is_configuration_file)
                // The entry's type needs no `stat`; a symbolic link is followed.
                && entry.file_type().is_ok_and(|t| {
                    t.is_file() || (t.is_symlink() && entry.path().is_file())
                })
        })
        .map(|entry| entry.path())
        .collect();
    files.sort();
    Ok(files)
}

/// The configuration of the module in `dir`, parsed by the first root of the run that uses
/// it and shared with the others. Keyed by `dir` as the configuration records it (child
/// module directories are normalized), so every file keeps the path it has always had.
pub(super) fn load_module_once(dir: &Path, sources: &SourceMap) -> Arc<ModuleConfig> {
    sources.parsed_once(dir, || load_module(dir, sources))
}

/// Larger `.tf`/`.tf.json` files are not read (a parse error says so): the biggest real
/// configuration files are a few megabytes, and linting takes about 24 times the file's
/// size (measured on a 10 MB file of VPCs, subnets and security groups: 98 MiB to parse,
/// 240 MiB to lint), so this keeps one file under 500 MB.
pub(super) const MAX_FILE_BYTES: u64 = 20 << 20;

/// The text of a configuration or variables file; a file over [`MAX_FILE_BYTES`] is an error.
pub(super) fn read_file(path: &Path) -> Result<Arc<str>, String> {
    crate::source::read_at_most(path, MAX_FILE_BYTES, |len| {
        format!(
            "file is {:.1} MB: too large for a Terraform configuration file (vpclint reads at most {} MB)",
            len as f64 / f64::from(1 << 20),
            MAX_FILE_BYTES >> 20
        )
    })
}

/// Parses every file of the module in `dir`. Unreadable or invalid files become error
/// diagnostics; the other files are still used.
pub(super) fn load_module(dir: &Path, sources: &SourceMap) -> ModuleConfig {
    let mut config = ModuleConfig {
        dir: dir.to_path_buf(),
        ..ModuleConfig::default()
    };
    let paths = match module_files(dir) {
        Ok(paths) => paths,
        Err(message) => {
            let file = sources.add(dir.to_path_buf(), "".into());
            config
                .diagnostics
                .push(error(Span::file_start(file), message));
            return config;
        }
    };
    // Primary files first, then override files, each group in lexical order.
    let (overrides, primaries): (Vec<PathBuf>, Vec<PathBuf>) = paths.into_iter().partition(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_override_file)
    });
    let primary_count = primaries.len();
    let paths: Vec<PathBuf> = primaries.into_iter().chain(overrides).collect();
    let texts: Vec<Result<Arc<str>, String>> = paths
        .iter()
        .map(|path| sources.take_read(path).map_or_else(|| read_file(path), Ok))
        .collect();
    let native: Vec<Option<&str>> = paths
        .iter()
        .zip(&texts)
        .map(|(path, text)| match text {
            Ok(text) if !path.to_string_lossy().ends_with(".json") => Some(&**text),
            _ => None,
        })
        .collect();
    let mut parsed = parse_native(&native).into_iter();
    for (position, (path, text)) in paths.iter().zip(&texts).enumerate() {
        let is_override = position >= primary_count;
        let parsed = parsed.next().flatten();
        let text = match text {
            Ok(text) => text.clone(),
            Err(message) => {
                let file = sources.add(path.clone(), "".into());
                config.files.push(file);
                config
                    .diagnostics
                    .push(error(Span::file_start(file), message.clone()));
                continue;
            }
        };
        let file = sources.add(path.clone(), text.clone());
        config.files.push(file);
        let blocks = match parsed {
            None => match json::parse_config(&text, file) {
                Ok(blocks) => blocks,
                Err(diagnostic) => {
                    config.diagnostics.push(diagnostic);
                    continue;
                }
            },
            Some(Ok(body)) => {
                let body = convert_body(body, file);
                config
                    .suppressions
                    .extend(suppressions::find(&text, file, &body));
                body.blocks
            }
            Some(Err(err)) => {
                let offset = err.offset.min(text.len());
                config
                    .diagnostics
                    .push(error(Span::new(file, offset, offset), invalid_hcl(&err)));
                continue;
            }
        };
        for block in blocks {
            if is_override {
                config.override_block(block);
            } else {
                config.add_block(block);
            }
        }
    }
    super::references::mark_referenced(&mut config);
    config
}

/// Below this many bytes of native syntax, a module's files are parsed on one thread: a
/// second one costs about as much to start as parsing 32 KB (about a millisecond).
const PARALLEL_PARSE_BYTES: usize = 32 << 10;

type ParsedBody = Result<hcl::Body, hcl::Error>;

/// Parses the native-syntax texts of a module's files (`None`: not parsed here), on two
/// threads when there is enough text and a core would otherwise idle: parsing is most of a
/// pre-commit run's time, which lints one root and the module it calls (in a run of many
/// roots, the roots already keep every core busy). The results come back in file order.
fn parse_native(texts: &[Option<&str>]) -> Vec<Option<ParsedBody>> {
    let parse_all = |indexes: &[usize]| -> Vec<(usize, Option<ParsedBody>)> {
        indexes
            .iter()
            .map(|&i| (i, texts[i].map(parse_hcl)))
            .collect()
    };
    let size = |i: usize| texts[i].map_or(0, str::len);
    let total: usize = (0..texts.len()).map(size).sum();
    if total < PARALLEL_PARSE_BYTES || !super::spare_core() {
        return texts.iter().map(|text| text.map(parse_hcl)).collect();
    }
    // Two groups of about equal size: the largest files first, each to the lighter group.
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(size(i)));
    let (mut here, mut there) = (Vec::new(), Vec::new());
    let (mut here_bytes, mut there_bytes) = (0, 0);
    for i in order {
        if here_bytes <= there_bytes {
            here_bytes += size(i);
            here.push(i);
        } else {
            there_bytes += size(i);
            there.push(i);
        }
    }
    let parsed = std::thread::scope(|scope| {
        // The same stack as evaluation: a deeply nested expression must not overflow it.
        let spawned = std::thread::Builder::new()
            .name("terraform-parse".into())
            .stack_size(super::EVAL_STACK_SIZE)
            .spawn_scoped(scope, || parse_all(&there));
        let mut parsed = parse_all(&here);
        parsed.extend(match spawned {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => parse_all(&there),
        });
        parsed
    });
    let mut results: Vec<Option<ParsedBody>> = (0..texts.len()).map(|_| None).collect();
    for (i, body) in parsed {
        results[i] = body;
    }
    results
}

/// Parses a native-syntax body.
pub(super) fn parse_hcl(text: &str) -> ParsedBody {
    hcl::parse_body(text)
}

/// The message of a file [`parse_hcl`] could not parse.
pub(super) fn invalid_hcl(err: &hcl::Error) -> String {
    format!("invalid HCL: {}", err.message)
}

fn error(span: Span, message: String) -> Diagnostic {
    Diagnostic::error(span, message)
}

fn span_of(file: FileId, range: hcl::TextRange) -> Span {
    Span::new(file, range.start as usize, range.end as usize)
}

pub(super) fn convert_body(body: hcl::Body, file: FileId) -> Body {
    // Sized exactly: a body lives as long as its module, and most have a few attributes.
    let attrs = body
        .structures
        .iter()
        .filter(|s| matches!(s, Structure::Attribute(_)))
        .count();
    let mut out = Body {
        attrs: Vec::with_capacity(attrs),
        blocks: Vec::with_capacity(body.structures.len() - attrs),
    };
    for structure in body.structures {
        match structure {
            Structure::Attribute(attr) => {
                out.attrs.push(Attr {
                    name: attr.key.name.into(),
                    name_span: span_of(file, attr.key.range),
                    span: span_of(file, attr.value.range),
                    expr: Expr::Hcl(attr.value),
                });
            }
            Structure::Block(block) => {
                let header_end = block
                    .labels
                    .last()
                    .map_or(block.ident.range.end, |l| l.range.end);
                out.blocks.push(Block {
                    kind: block.ident.name.into(),
                    labels: block.labels.into_iter().map(|l| l.name.into()).collect(),
                    body: convert_body(block.body, file),
                    span: span_of(file, block.range),
                    header: Span::new(file, block.ident.range.start as usize, header_end as usize),
                });
            }
        }
    }
    out
}

/// `aws.west` from a bare traversal expression (`provider = aws.west`).
pub(super) fn traversal_path(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Hcl(e) => hcl_traversal_path(e),
        Expr::Json(json::JsonExpr::String(s, _)) => Some(s.trim().to_string()),
        Expr::Json(_) => None,
    }
}

fn hcl_traversal_path(expr: &Expression) -> Option<String> {
    match &expr.kind {
        ExprKind::Variable(v) => Some(v.to_string()),
        ExprKind::Traversal(t) => {
            let mut path = match &t.expr.kind {
                ExprKind::Variable(v) => v.to_string(),
                _ => return None,
            };
            for op in &t.operators {
                match op {
                    TraversalOperator::GetAttr(name) => {
                        path.push('.');
                        path.push_str(name);
                    }
                    _ => return None,
                }
            }
            Some(path)
        }
        _ => None,
    }
}

fn literal_string(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Hcl(Expression {
            kind: ExprKind::String(s),
            ..
        }) => Some(s.to_string()),
        Expr::Json(json::JsonExpr::String(s, _)) => Some(s.clone()),
        _ => None,
    }
}

fn literal_bool(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::Hcl(Expression {
            kind: ExprKind::Bool(b),
            ..
        }) => Some(*b),
        Expr::Json(json::JsonExpr::Bool(b, _)) => Some(*b),
        _ => None,
    }
}

impl ModuleConfig {
    fn add_block(&mut self, block: Block) {
        match (block.kind.as_str(), block.labels.as_slice()) {
            ("resource", [kind, name]) | ("data", [kind, name]) => {
                let mode = if block.kind == "resource" {
                    Mode::Managed
                } else {
                    Mode::Data
                };
                let provider = block
                    .body
                    .attr("provider")
                    .and_then(|a| traversal_path(&a.expr))
                    .unwrap_or_else(|| kind.split('_').next().unwrap_or(kind).to_string());
                if self.resource_index.get(mode, kind, name).is_some() {
                    self.diagnostics.push(error(
                        block.header,
                        format!("duplicate {} \"{kind}\" \"{name}\"", block.kind),
                    ));
                    return;
                }
                self.resource_index
                    .insert(mode, kind, name, self.resources.len());
                self.resources.push(ResourceDecl {
                    mode,
                    kind: kind.as_str().into(),
                    name: name.clone(),
                    span: block.span,
                    header: block.header,
                    provider,
                    body: block.body,
                    keeps_value: true,
                });
            }
            ("variable", [name]) => {
                let mut body = block.body;
                let take = |body: &mut Body, key: &str| {
                    let index = body.attrs.iter().position(|a| a.name == key)?;
                    Some(body.attrs.remove(index))
                };
                let nullable = take(&mut body, "nullable")
                    .and_then(|a| literal_bool(&a.expr))
                    .unwrap_or(true);
                let variable = VariableDecl {
                    default: take(&mut body, "default"),
                    type_expr: take(&mut body, "type"),
                    nullable,
                    span: block.span,
                };
                self.variables.insert(name.clone(), variable);
            }
            ("locals", []) => {
                for attr in block.body.attrs {
                    self.locals.insert(attr.name.clone(), attr);
                }
            }
            ("output", [name]) => {
                let mut body = block.body;
                if let Some(index) = body.attrs.iter().position(|a| a.name == "value") {
                    self.outputs.insert(name.clone(), body.attrs.remove(index));
                }
            }
            ("module", [name]) => {
                let source = block
                    .body
                    .attr("source")
                    .and_then(|a| literal_string(&a.expr));
                let providers = block
                    .body
                    .attr("providers")
                    .map(|a| provider_map(&a.expr))
                    .unwrap_or_default();
                self.module_index.insert(name.clone(), self.modules.len());
                self.modules.push(ModuleCall {
                    name: name.clone(),
                    source,
                    span: block.span,
                    header: block.header,
                    providers,
                    body: block.body,
                });
            }
            ("provider", [name]) => {
                let mut body = block.body;
                let alias = body.attr("alias").and_then(|a| literal_string(&a.expr));
                let key = match alias {
                    Some(alias) => format!("{name}.{alias}"),
                    None => name.clone(),
                };
                let region = body
                    .attrs
                    .iter()
                    .position(|a| a.name == "region")
                    .map(|i| body.attrs.remove(i));
                self.providers.push(ProviderDecl {
                    key,
                    region,
                    header: block.header,
                });
            }
            _ => {}
        }
    }
}

impl ModuleConfig {
    /// Merges a block of an override file into the block it overrides, by Terraform's
    /// rules: arguments replace arguments of the same name; nested blocks of a type
    /// (`dynamic` ones included) replace all blocks of that type; `locals` replace each
    /// named value; an override block without an original is an error.
    fn override_block(&mut self, block: Block) {
        let missing =
            |what: String| error(block.header, format!("missing base {what} to override"));
        match (block.kind.as_str(), block.labels.as_slice()) {
            ("resource", [kind, name]) | ("data", [kind, name]) => {
                let mode = if block.kind == "resource" {
                    Mode::Managed
                } else {
                    Mode::Data
                };
                let Some(index) = self.resource_index.get(mode, kind, name) else {
                    let diagnostic = missing(format!("{} \"{kind}\" \"{name}\"", block.kind));
                    self.diagnostics.push(diagnostic);
                    return;
                };
                let Some(resource) = self.resources.get_mut(index) else {
                    return;
                };
                if let Some(provider) = block
                    .body
                    .attr("provider")
                    .and_then(|a| traversal_path(&a.expr))
                {
                    resource.provider = provider;
                }
                merge_body(&mut resource.body, block.body);
            }
            ("variable", [name]) => {
                let Some(variable) = self.variables.get_mut(name) else {
                    let diagnostic = missing(format!("variable \"{name}\""));
                    self.diagnostics.push(diagnostic);
                    return;
                };
                for attr in block.body.attrs {
                    match attr.name.as_str() {
                        "default" => variable.default = Some(attr),
                        "type" => variable.type_expr = Some(attr),
                        "nullable" => variable.nullable = literal_bool(&attr.expr).unwrap_or(true),
                        _ => {}
                    }
                }
            }
            ("locals", []) => {
                for attr in block.body.attrs {
                    if !self.locals.contains_key(&attr.name) {
                        let diagnostic = missing(format!("local value \"{}\"", attr.name));
                        self.diagnostics.push(diagnostic);
                        continue;
                    }
                    self.locals.insert(attr.name.clone(), attr);
                }
            }
            ("output", [name]) => {
                if !self.outputs.contains_key(name) {
                    let diagnostic = missing(format!("output \"{name}\""));
                    self.diagnostics.push(diagnostic);
                    return;
                }
                let mut body = block.body;
                if let Some(index) = body.attrs.iter().position(|a| a.name == "value") {
                    self.outputs.insert(name.clone(), body.attrs.remove(index));
                }
            }
            ("module", [name]) => {
                let Some(call) = self
                    .module_index
                    .get(name)
                    .and_then(|&index| self.modules.get_mut(index))
                else {
                    let diagnostic = missing(format!("module call \"{name}\""));
                    self.diagnostics.push(diagnostic);
                    return;
                };
                merge_body(&mut call.body, block.body);
                call.source = call
                    .body
                    .attr("source")
                    .and_then(|a| literal_string(&a.expr));
                call.providers = call
                    .body
                    .attr("providers")
                    .map(|a| provider_map(&a.expr))
                    .unwrap_or_default();
            }
            ("provider", [name]) => {
                let alias = block
                    .body
                    .attr("alias")
                    .and_then(|a| literal_string(&a.expr));
                let key = match alias {
                    Some(alias) => format!("{name}.{alias}"),
                    None => name.clone(),
                };
                let Some(provider) = self.providers.iter_mut().find(|p| p.key == key) else {
                    let diagnostic = missing(format!("provider configuration \"{key}\""));
                    self.diagnostics.push(diagnostic);
                    return;
                };
                if let Some(region) = block.body.attrs.into_iter().find(|a| a.name == "region") {
                    provider.region = Some(region);
                }
            }
            // `terraform` blocks (required providers, backend) are not evaluated.
            _ => {}
        }
    }
}

/// The type a nested block counts as when overriding: `dynamic "ingress"` is `ingress`.
fn block_type(block: &Block) -> &str {
    match (block.kind.as_str(), block.labels.first()) {
        ("dynamic", Some(label)) => label,
        (kind, _) => kind,
    }
}

/// Terraform's merge of an override block's body into the original's.
fn merge_body(base: &mut Body, over: Body) {
    for attr in over.attrs {
        match base.attrs.iter_mut().find(|a| a.name == attr.name) {
            Some(existing) => *existing = attr,
            None => base.attrs.push(attr),
        }
    }
    let replaced: Vec<String> = over
        .blocks
        .iter()
        .map(|b| block_type(b).to_string())
        .collect();
    base.blocks
        .retain(|b| !replaced.iter().any(|kind| kind == block_type(b)));
    base.blocks.extend(over.blocks);
}

fn provider_map(expr: &Expr) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match expr {
        Expr::Hcl(Expression {
            kind: ExprKind::Object(items),
            ..
        }) => {
            for item in items {
                let child = match &item.key {
                    ObjectKey::Ident(i) => i.name.to_string(),
                    ObjectKey::Expression(e) => match hcl_traversal_path(e) {
                        Some(p) => p,
                        None => continue,
                    },
                };
                if let Some(parent) = hcl_traversal_path(&item.value) {
                    out.push((child, parent));
                }
            }
        }
        Expr::Json(json::JsonExpr::Object(entries, _)) => {
            for (key, _, value) in entries {
                if let json::JsonExpr::String(parent, _) = value {
                    out.push((key.clone(), parent.trim().to_string()));
                }
            }
        }
        _ => {}
    }
    out
}
