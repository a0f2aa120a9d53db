//! Command-line interface: parses arguments, loads the config, runs the pipeline and the
//! engine, hands the result to a reporter and picks the exit code.

use crate::config::{self, Config};
use crate::discover::Excludes;
use crate::engine::{self, Selection};
use crate::model::dump;
use crate::pipeline::{self, Options};
use crate::report::{self, json, sarif, text, AnalyzedUnit, Report};
use crate::rules::{self, Level, RuleMeta};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Exit code: no finding at or above the fail level.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings at or above the fail level.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage or configuration error.
pub const EXIT_USAGE: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "vpclint",
    version,
    about = "Static analyzer for AWS networks in Terraform and CloudFormation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint Terraform modules, plans and CloudFormation templates.
    Lint(LintArgs),
    /// Print the evaluated network model.
    Model {
        #[command(flatten)]
        input: InputArgs,
        #[arg(long, value_enum, default_value_t = ModelFormat::Text)]
        format: ModelFormat,
    },
    /// List the rules.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Print the documentation of a rule.
    Explain {
        /// Rule name, e.g. transitive-peering.
        rule: String,
    },
}

#[derive(Args, Debug)]
struct LintArgs {
    #[command(flatten)]
    input: InputArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this level.
    #[arg(long, value_enum, default_value_t = FailLevel::Warning)]
    fail_level: FailLevel,
    /// Run only these rules (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,
    /// Do not run these rules (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// Report what could not be evaluated (modules not installed, unknown count/for_each, ...)
    /// as `incomplete-analysis` findings, not only as a summary line.
    #[arg(long)]
    strict: bool,
    /// Colour the text report: `auto` on a terminal unless NO_COLOR is set
    /// (CLICOLOR_FORCE forces it).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

/// What to analyze and how to evaluate it (shared by `lint` and `model`).
#[derive(Args, Debug)]
struct InputArgs {
    /// Files and directories (default: the current directory).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Config file (default: vpclint.toml found walking up from the first path).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Terraform variable, `name=value` (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// Terraform variable file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// CloudFormation parameter, `Name=Value` (repeatable).
    #[arg(long = "parameter", value_name = "NAME=VALUE")]
    parameters: Vec<String>,
    /// CloudFormation parameter file in the AWS CLI format (repeatable).
    #[arg(long = "parameters-file", value_name = "FILE")]
    parameter_files: Vec<PathBuf>,
    /// AWS region for CloudFormation's AWS::Region (default us-east-1) and for Terraform AWS
    /// providers that set none (data sources aws_region, aws_partition, aws_availability_zones).
    #[arg(long)]
    region: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ModelFormat {
    Json,
    Text,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum RulesFormat {
    Text,
    Markdown,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum FailLevel {
    Error,
    Warning,
    Note,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Color {
    Auto,
    Always,
    Never,
}

/// A usage or configuration error: printed as one line, exit code 2.
struct UsageError(String);

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            };
        }
    };
    let result = match cli.command {
        Command::Lint(args) => lint(args),
        Command::Model { input, format } => model(input, format),
        Command::Rules { format } => print(&rules_listing(format)),
        Command::Explain { rule } => explain(&rule),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(message)) => {
            eprintln!("vpclint: {message}");
            EXIT_USAGE
        }
    }
}

fn lint(args: LintArgs) -> Result<i32, UsageError> {
    let started = Instant::now();
    let catalog = rules::catalog();
    let (options, config) = prepare(&args.input, &catalog)?;
    let selection = Selection {
        settings: config.rules,
        select: known_rules(&args.select, "--select", &catalog)?,
        ignore: known_rules(&args.ignore, "--ignore", &catalog)?,
        strict: args.strict || config.strict,
    };
    let analysis = pipeline::analyze(&args.input.paths, &options);
    let registry = rules::registry();
    let outcome = engine::run(
        &registry,
        &catalog,
        &analysis.network,
        &analysis.units,
        &analysis.sources,
        &selection,
    );
    for error in &outcome.internal_errors {
        eprintln!("vpclint: internal error: {error}");
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let analyzed: Vec<AnalyzedUnit> = analysis
        .inputs
        .iter()
        .map(|input| AnalyzedUnit {
            kind: input.kind(),
            path: report::display_path(input.path(), &cwd),
        })
        .collect();
    let report = Report {
        findings: &outcome.findings,
        suppressed: &outcome.suppressed,
        sources: &analysis.sources,
        catalog: &catalog,
        analyzed: &analyzed,
        not_analyzed: &outcome.not_analyzed,
        cwd: &cwd,
        elapsed: started.elapsed(),
    };
    let rendered = match args.format {
        Format::Text => {
            let on_terminal = args.output.is_none() && std::io::stdout().is_terminal();
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => text::auto_color(on_terminal, |name| std::env::var(name).ok()),
            };
            let width = std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
                .filter(|_| on_terminal)
                .unwrap_or(100);
            text::render(&report, &text::TextOptions { color, width })
        }
        Format::Json => json::render(&report),
        Format::Sarif => sarif::render(&report),
        Format::Github => report::github::render(&report),
    };
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))?,
        None => {
            print(&rendered)?;
        }
    }
    let fail_level = match args.fail_level {
        FailLevel::Error => Level::Error,
        FailLevel::Warning => Level::Warning,
        FailLevel::Note => Level::Note,
    };
    Ok(
        if engine::fails(&outcome.findings, fail_level) || !outcome.internal_errors.is_empty() {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        },
    )
}

fn model(input: InputArgs, format: ModelFormat) -> Result<i32, UsageError> {
    let (options, _) = prepare(&input, &rules::catalog())?;
    let analysis = pipeline::analyze(&input.paths, &options);
    let rendered = match format {
        ModelFormat::Json => {
            let mut document = dump::to_json(&analysis.network, &analysis.sources);
            if let (Some(root), serde_json::Value::Object(diagnostics)) = (
                document.as_object_mut(),
                dump::diagnostics_json(&analysis.units, &analysis.sources),
            ) {
                root.extend(diagnostics);
            }
            serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
        }
        ModelFormat::Text => {
            let mut text = dump::to_text(&analysis.network, &analysis.sources);
            let diagnostics = dump::diagnostics_text(&analysis.units, &analysis.sources);
            if !diagnostics.is_empty() {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&diagnostics);
            }
            text
        }
    };
    print(&rendered)
}

/// Checks the paths, loads the config and builds the pipeline options.
fn prepare(input: &InputArgs, catalog: &[&RuleMeta]) -> Result<(Options, Config), UsageError> {
    for path in &input.paths {
        if std::fs::symlink_metadata(path).is_err() {
            return Err(UsageError(format!("path not found: {}", path.display())));
        }
    }
    let first = input.paths.first().map_or(Path::new("."), PathBuf::as_path);
    let config = match config::find(input.config.as_deref(), first) {
        Ok(Some(path)) => config::load(&path, catalog),
        Ok(None) => Ok(Config::default()),
        Err(e) => Err(e),
    }
    .map_err(|e| UsageError(e.0))?;
    let excludes = match &config.path {
        Some(path) => {
            let base = path.parent().unwrap_or(Path::new("."));
            Excludes::new(base, &config.exclude)
                .map_err(|e| UsageError(format!("{}: {e}", path.display())))?
        }
        None => Excludes::default(),
    };
    for file in input.var_files.iter().chain(&input.parameter_files) {
        if !file.is_file() {
            return Err(UsageError(format!("file not found: {}", file.display())));
        }
    }
    let mut options = Options::default();
    options.terraform.vars = key_values(&input.vars, "--var")?;
    options.terraform.var_files = input.var_files.clone();
    options.cloudformation.parameters = key_values(&input.parameters, "--parameter")?;
    options.cloudformation.parameter_files = input.parameter_files.clone();
    options.cloudformation.region = input.region.clone();
    options.terraform.limits = config.limits;
    options.terraform.region = input.region.clone();
    options.terraform.availability_zones = config.availability_zones.clone();
    options.declared = config.declared.clone();
    options.excludes = excludes;
    Ok((options, config))
}

fn key_values(items: &[String], flag: &str) -> Result<Vec<(String, String)>, UsageError> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
            _ => Err(UsageError(format!(
                "{flag} expects NAME=VALUE, got `{item}`"
            ))),
        })
        .collect()
}

fn known_rules(
    names: &[String],
    flag: &str,
    catalog: &[&RuleMeta],
) -> Result<Vec<String>, UsageError> {
    let names: Vec<String> = names
        .iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    for name in &names {
        if !catalog.iter().any(|m| m.name == name) {
            return Err(UsageError(unknown_rule(name, flag, catalog)));
        }
    }
    Ok(names)
}

fn unknown_rule(name: &str, context: &str, catalog: &[&RuleMeta]) -> String {
    let hint = config::suggest(name, catalog.iter().map(|m| m.name))
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    format!("unknown rule `{name}` in {context}{hint} (`vpclint rules` lists them)")
}

fn explain(name: &str) -> Result<i32, UsageError> {
    let catalog = rules::catalog();
    let meta = catalog
        .iter()
        .find(|m| m.name == name)
        .ok_or_else(|| UsageError(unknown_rule(name, "explain", &catalog)))?;
    print(&render_doc(meta.doc))
}

/// The rule catalog as `vpclint rules` prints it.
fn rules_listing(format: RulesFormat) -> String {
    let catalog = rules::catalog();
    match format {
        RulesFormat::Text => {
            let width = catalog.iter().map(|m| m.name.len()).max().unwrap_or(0);
            catalog
                .iter()
                .map(|m| format!("{:width$}  {:7}  {}\n", m.name, m.level.as_str(), m.summary))
                .collect()
        }
        RulesFormat::Markdown => markdown_table(&catalog),
        RulesFormat::Json => {
            let rules: Vec<serde_json::Value> = catalog
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "name": m.name,
                        "level": m.level,
                        "summary": m.summary,
                        "doc": report::doc_url(m.name),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n"
        }
    }
}

/// The README's rule table (between `<!-- rules:start -->` and `<!-- rules:end -->`).
pub fn markdown_table(catalog: &[&RuleMeta]) -> String {
    let mut out = String::from("| Rule | Level | What it flags |\n|---|---|---|\n");
    for meta in catalog {
        out.push_str(&format!(
            "| [`{0}`](rules/{0}.md) | {1} | {2} |\n",
            meta.name,
            meta.level.as_str(),
            meta.summary.replace('|', "\\|")
        ));
    }
    out
}

/// A rule's Markdown for a terminal: headings underlined, code fences dropped (their
/// content indented), emphasis markers removed.
pub fn render_doc(markdown: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str("    ");
            out.push_str(line);
        } else if let Some(title) = line.strip_prefix("# ") {
            out.push_str(&format!("{title}\n{}", "=".repeat(title.chars().count())));
        } else if let Some(title) = line.strip_prefix("## ") {
            out.push_str(&format!("{title}\n{}", "-".repeat(title.chars().count())));
        } else {
            out.push_str(&line.replace("**", ""));
        }
        out.push('\n');
    }
    out
}

/// Writes to standard output; a closed pipe (`vpclint rules | head`) is not an error.
fn print(text: &str) -> Result<i32, UsageError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Ok(EXIT_OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(EXIT_OK),
        Err(e) => Err(UsageError(format!("cannot write output: {e}"))),
    }
}
