//! Command-line interface: parses arguments, loads the config, runs the pipeline and the
//! engine, hands the result to a reporter and picks the exit code.

use crate::baseline;
use crate::config::{self, Config};
use crate::discover::{self, Excludes};
use crate::engine::{self, Selection};
use crate::model::dump;
use crate::pipeline::{self, Options, StdinDocument};
use crate::report::{self, json, sarif, text, AnalyzedUnit, Report};
use crate::rules::{self, Level, RuleMeta};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

/// Exit code: no finding at or above the fail level.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings at or above the fail level.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage or configuration error.
pub const EXIT_USAGE: i32 = 2;
/// Exit code of `reach`: undecidable (an unknown value on the path).
pub const EXIT_UNKNOWN: i32 = 3;

#[derive(Parser, Clone, Debug)]
#[command(
    name = "vpclint",
    version,
    about = "Static analyzer for AWS networks in Terraform and CloudFormation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Clone, Debug)]
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
    /// Can A talk to B? Follow a packet forward and back through security groups,
    /// network ACLs, route tables and gateways, as AWS forwards it.
    ///
    /// Endpoints: a Terraform address (aws_instance.web), a CloudFormation logical ID
    /// (FILE#LogicalId when several templates define it), an IPv4 address or CIDR, or
    /// `internet`. Exit status: 0 reachable, 1 not reachable, 3 undecidable (an unknown
    /// value on the path), 2 usage error.
    #[command(
        after_help = "Examples:\n  vpclint reach infra/ --from aws_instance.app --to aws_subnet.db --port 5432\n  vpclint reach stack.yaml --from AppSubnet --to internet --port 443 --format json"
    )]
    Reach(ReachArgs),
    /// Draw the network: VPCs with their blocks, subnets by AZ (public/private),
    /// gateways, endpoints, peering, transit gateways, VPN/Direct Connect, and the lint
    /// findings on the resources they concern. Mermaid (default), DOT or JSON.
    Graph(GraphArgs),
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

#[derive(Args, Clone, Debug)]
struct LintArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Report format: text, compact, json, sarif, github, junit or gitlab; `FORMAT=FILE`
    /// writes that report to FILE. Repeatable: one analysis, several reports (at most one
    /// without a file) [default: text].
    #[arg(short = 'f', long = "format", value_name = "FORMAT[=FILE]", value_parser = parse_output)]
    formats: Vec<Output>,
    /// Write the report of the --format without a FILE to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this level (`none`: never).
    #[arg(long, value_enum, default_value_t = FailLevel::Warning)]
    fail_level: FailLevel,
    /// Run only these rules (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,
    /// Do not run these rules (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// Report the findings of this baseline file as suppressed (matched by fingerprint,
    /// not by line).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write every finding of this run to a baseline file and report them as suppressed.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Report what could not be evaluated (modules not installed, unknown count/for_each, ...)
    /// as `incomplete-analysis` findings, not only as a summary line.
    #[arg(long)]
    strict: bool,
    /// Colour the text report: `auto` on a terminal unless NO_COLOR is set
    /// (CLICOLOR_FORCE forces it).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Print the findings only: no summary line.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print, on standard error, the config used, what was analyzed and what was
    /// skipped and why.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Args, Clone, Debug)]
struct ReachArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Where the packet starts.
    #[arg(long, value_name = "ENDPOINT")]
    from: String,
    /// Where it goes.
    #[arg(long, value_name = "ENDPOINT")]
    to: String,
    #[arg(long, value_enum, default_value_t = ReachProtocol::Tcp)]
    protocol: ReachProtocol,
    /// Destination port (required for tcp and udp).
    #[arg(long, value_name = "N")]
    port: Option<u16>,
    #[arg(long, value_enum, default_value_t = ReachFormat::Text)]
    format: ReachFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ReachProtocol {
    Tcp,
    Udp,
    Icmp,
    All,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ReachFormat {
    Text,
    Json,
}

#[derive(Args, Clone, Debug)]
struct GraphArgs {
    #[command(flatten)]
    input: InputArgs,
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    format: GraphFormat,
    /// Write the graph to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

/// What to analyze and how to evaluate it (shared by `lint` and `model`).
#[derive(Args, Clone, Debug)]
struct InputArgs {
    /// Files and directories; `-` reads a template or plan from standard input.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Config file (default: vpclint.toml found walking up from the first path).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Leave out paths matching GLOB, relative to the working directory (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// The name of the document read from standard input (`-`): its path in reports.
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
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

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Text,
    Compact,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
}

/// One report to write: `--format FORMAT[=FILE]`.
#[derive(Clone, Debug)]
struct Output {
    format: Format,
    file: Option<PathBuf>,
}

fn parse_output(value: &str) -> Result<Output, String> {
    let (name, file) = match value.split_once('=') {
        Some((name, file)) => (name, Some(file)),
        None => (value, None),
    };
    let format = Format::from_str(name, true).map_err(|_| {
        format!("unknown format `{name}` (text, compact, json, sarif, github, junit, gitlab)")
    })?;
    match file {
        Some("") => Err(format!("`{value}`: the file after `=` is empty")),
        file => Ok(Output {
            format,
            file: file.map(PathBuf::from),
        }),
    }
}

/// Where a report goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Destination {
    Stdout,
    File(PathBuf),
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
    None,
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
    // The command runs on a thread with the stack evaluation needs: that thread, and the
    // pool it joins, then evaluate each input without starting a thread for it.
    crate::frontend::on_eval_stack(|| run(cli.command.clone()))
}

fn run(command: Command) -> i32 {
    let parallel = !matches!(command, Command::Rules { .. } | Command::Explain { .. });
    if parallel && crate::frontend::has_eval_stack() {
        join_thread_pool();
    }
    let result = match command {
        Command::Lint(args) => lint(args),
        Command::Model { input, format } => model(input, format),
        Command::Reach(args) => reach(args),
        Command::Graph(args) => graph(args),
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

/// A thread pool that this thread is one of: the parallel steps (loading the inputs,
/// running the rules) then start their work here instead of handing it to a pool thread and
/// sleeping until it is done, so a pre-commit run over one root module or template waits for
/// no other thread to be scheduled, and starts one thread fewer than rayon's global pool.
/// Its other threads start in the background (the global pool's `build_global` would wait
/// for them), with the stack evaluation needs, so that they evaluate Terraform root modules
/// themselves rather than start a thread per root. The pool lives as long as the process:
/// this thread stays one of its threads. Called on a thread with that stack: the command's.
pub fn join_thread_pool() {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .use_current_thread()
            .stack_size(crate::frontend::EVAL_STACK_SIZE)
            .start_handler(|_| crate::frontend::mark_eval_stack())
            .build()
            .ok()
    });
}

/// The CDK apps and assemblies skipped: an app whose assembly was also skipped is said
/// once, by its assembly.
fn cdk_skipped(skipped: &[discover::Skipped]) -> impl Iterator<Item = &discover::Skipped> {
    let assemblies: Vec<&Path> = skipped
        .iter()
        .filter(|s| s.is_cdk() && s.path.ends_with("cdk.out"))
        .filter_map(|s| s.path.parent())
        .collect();
    skipped.iter().filter(move |s| {
        s.is_cdk()
            && (s.path.ends_with("cdk.out")
                || !s.path.parent().is_some_and(|app| assemblies.contains(&app)))
    })
}

/// The skipped files of one kind (Terragrunt configurations, template sources): the first
/// by name, the others counted (a live repository has a Terragrunt configuration per
/// deployed module).
fn say_skipped(skipped: &[discover::Skipped], cwd: &Path, kind: fn(&discover::Skipped) -> bool) {
    let mut configurations = skipped.iter().filter(|s| kind(s));
    let Some(first) = configurations.next() else {
        return;
    };
    let path = report::display_path(&first.path, cwd);
    let others = configurations.count();
    let and_others = match others {
        0 => String::new(),
        1 => " and 1 other (--verbose lists it)".to_string(),
        n => format!(" and {n} others (--verbose lists them)"),
    };
    eprintln!("vpclint: skipped {path}{and_others}: {}", first.reason);
}

fn lint(args: LintArgs) -> Result<i32, UsageError> {
    let started = Instant::now();
    let catalog = rules::catalog();
    let destinations = destinations(&args)?;
    let (options, config) = prepare(&args.input, &catalog)?;
    let selection = Selection {
        settings: config.rules,
        select: known_rules(&args.select, "--select", &catalog)?,
        ignore: known_rules(&args.ignore, "--ignore", &catalog)?,
        strict: args.strict || config.strict,
    };
    let accepted = args
        .baseline
        .as_deref()
        .map(baseline::load)
        .transpose()
        .map_err(UsageError)?;
    if args.verbose {
        match &config.path {
            Some(path) => eprintln!("vpclint: config {}", path.display()),
            None => eprintln!("vpclint: no config file (defaults)"),
        }
    }
    let analysis = pipeline::analyze(&input_paths(&args.input), &options);
    let cwd = std::env::current_dir().unwrap_or_default();
    if args.verbose {
        for input in &analysis.inputs {
            let path = report::display_path(input.path(), &cwd);
            eprintln!("vpclint: analyzing {path} ({})", input.kind());
        }
        for skipped in &analysis.skipped {
            let path = report::display_path(&skipped.path, &cwd);
            eprintln!("vpclint: skipped {path}: {}", skipped.reason);
        }
    }
    let mut protected: Vec<PathBuf> = analysis.sources.paths();
    protected.extend(config.path.iter().cloned());
    protected.extend(args.input.var_files.iter().cloned());
    protected.extend(config.var_files.values().flatten().cloned());
    protected.extend(args.input.parameter_files.iter().cloned());
    protected.extend(args.baseline.iter().cloned());
    let written = destinations
        .iter()
        .filter_map(|(_, d)| match d {
            Destination::File(path) => Some(path),
            Destination::Stdout => None,
        })
        .chain(&args.write_baseline);
    for path in written {
        if protected.iter().any(|p| same_file(p, path)) {
            return Err(UsageError(format!(
                "refusing to write to {}: it is an input of this run",
                path.display()
            )));
        }
    }
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
    let fingerprint =
        |finding: &rules::Finding| report::fingerprint(finding, &analysis.sources, &cwd);
    let mut findings = outcome.findings;
    let mut suppressed = outcome.suppressed;
    let mut baseline_stale = None;
    if let (Some(accepted), Some(path)) = (&accepted, &args.baseline) {
        let reason = format!("accepted in the baseline {}", path.display());
        let ran = |rule: &str| selection.is_enabled(rule);
        let applied = baseline::apply(findings, accepted, fingerprint, ran, &reason);
        findings = applied.active;
        suppressed.extend(applied.suppressed);
        baseline_stale = Some(applied.stale);
    }
    if let Some(path) = &args.write_baseline {
        let entries = findings
            .iter()
            .chain(suppressed.iter().filter_map(|s| {
                (s.kind == crate::suppress::SuppressionKind::Baseline).then_some(&s.finding)
            }))
            .map(|finding| baseline::Entry {
                fingerprint: fingerprint(finding),
                rule: finding.rule.to_string(),
                path: report::display_path(
                    &analysis.sources.get(finding.primary.span.file).path,
                    &cwd,
                ),
                address: finding.primary.address.clone(),
                message: finding.message.clone(),
            })
            .collect();
        std::fs::write(path, baseline::render(entries))
            .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))?;
        let reason = format!("accepted in the baseline {}", path.display());
        let accepted = findings
            .iter()
            .map(|f| (fingerprint(f), f.rule.to_string()))
            .collect();
        let applied = baseline::apply(findings, &accepted, fingerprint, |_| false, &reason);
        findings = applied.active;
        suppressed.extend(applied.suppressed);
    }
    let analyzed: Vec<AnalyzedUnit> = analysis
        .inputs
        .iter()
        .map(|input| AnalyzedUnit {
            kind: input.kind(),
            path: report::display_path(input.path(), &cwd),
        })
        .collect();
    let report = Report {
        findings: &findings,
        suppressed: &suppressed,
        sources: &analysis.sources,
        catalog: &catalog,
        analyzed: &analyzed,
        not_analyzed: &outcome.not_analyzed,
        cwd: &cwd,
        elapsed: started.elapsed(),
        baseline_stale,
    };
    for (format, destination) in &destinations {
        let rendered = render(&report, *format, destination, &args);
        match destination {
            Destination::File(path) => std::fs::write(path, rendered)
                .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))?,
            Destination::Stdout => {
                print(&rendered)?;
            }
        }
    }
    let to_terminal = destinations.iter().any(|(_, d)| *d == Destination::Stdout);
    if !to_terminal && !args.quiet {
        eprintln!("{}", text::summary(&report));
    }
    if !to_terminal {
        if let Some(gaps) = text::not_analyzed(&report) {
            eprintln!("{gaps}");
        }
    }
    if !args.quiet && !args.verbose {
        for skipped in cdk_skipped(&analysis.skipped) {
            let path = report::display_path(&skipped.path, &cwd);
            eprintln!("vpclint: skipped {path}: {}", skipped.reason);
        }
        say_skipped(&analysis.skipped, &cwd, discover::Skipped::is_terragrunt);
        say_skipped(
            &analysis.skipped,
            &cwd,
            discover::Skipped::is_template_source,
        );
    }
    let fail_level = match args.fail_level {
        FailLevel::Error => Some(Level::Error),
        FailLevel::Warning => Some(Level::Warning),
        FailLevel::Note => Some(Level::Note),
        FailLevel::None => None,
    };
    let failed = fail_level.is_some_and(|level| engine::fails(&findings, level));
    let code = if failed || !outcome.internal_errors.is_empty() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The process exits next: freeing the model, the units and the sources one allocation
    // at a time would only delay it (4% of a large run, on one thread).
    std::mem::forget(analysis);
    Ok(code)
}

/// Each report and where it goes: a `FORMAT=FILE` to its file, the one without a file to
/// `--output` or standard output.
fn destinations(args: &LintArgs) -> Result<Vec<(Format, Destination)>, UsageError> {
    let outputs = if args.formats.is_empty() {
        vec![Output {
            format: Format::Text,
            file: None,
        }]
    } else {
        args.formats.clone()
    };
    let unnamed = outputs.iter().filter(|o| o.file.is_none()).count();
    if unnamed > 1 {
        return Err(UsageError(
            "several --format without a file: only one report can go to standard output \
             (or --output); name a file for the others, e.g. --format sarif=vpclint.sarif"
                .into(),
        ));
    }
    if unnamed == 0 && args.output.is_some() {
        return Err(UsageError(
            "--output has no report to receive: every --format names its own file".into(),
        ));
    }
    let list: Vec<(Format, Destination)> = outputs
        .into_iter()
        .map(|o| {
            let destination = match o.file.or_else(|| args.output.clone()) {
                Some(path) if path != Path::new("-") => Destination::File(path),
                _ => Destination::Stdout,
            };
            (o.format, destination)
        })
        .collect();
    for (index, (_, destination)) in list.iter().enumerate() {
        if let Destination::File(path) = destination {
            let clash = list[..index]
                .iter()
                .any(|(_, d)| matches!(d, Destination::File(p) if crate::source::absolute_normal(p) == crate::source::absolute_normal(path)));
            if clash {
                return Err(UsageError(format!(
                    "two reports would be written to {}",
                    path.display()
                )));
            }
        }
    }
    Ok(list)
}

fn render(report: &Report, format: Format, destination: &Destination, args: &LintArgs) -> String {
    match format {
        Format::Text => {
            let on_terminal =
                *destination == Destination::Stdout && std::io::stdout().is_terminal();
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
            let options = text::TextOptions {
                color,
                width,
                summary: !args.quiet,
            };
            text::render(report, &options)
        }
        Format::Compact => report::compact::render(report),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => report::github::render(report),
        Format::Junit => report::junit::render(report),
        Format::Gitlab => report::gitlab::render(report),
    }
}

/// Whether `output` is the existing file `input` (through links and `..`).
fn same_file(input: &Path, output: &Path) -> bool {
    match (std::fs::canonicalize(input), std::fs::canonicalize(output)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The paths to discover: `-` (standard input) is not one.
fn input_paths(input: &InputArgs) -> Vec<PathBuf> {
    input
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect()
}

fn model(input: InputArgs, format: ModelFormat) -> Result<i32, UsageError> {
    let (options, _) = prepare(&input, &rules::catalog())?;
    let analysis = pipeline::analyze(&input_paths(&input), &options);
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

fn reach(args: ReachArgs) -> Result<i32, UsageError> {
    use crate::model::analysis::reach::{self, Reach, Traffic, Verdict};
    use crate::model::Protocol;
    let protocol = match args.protocol {
        ReachProtocol::Tcp => Protocol::TCP,
        ReachProtocol::Udp => Protocol::UDP,
        ReachProtocol::Icmp => Protocol::ICMP,
        ReachProtocol::All => Protocol::All,
    };
    if protocol.has_ports() && args.port.is_none() {
        return Err(UsageError(format!(
            "--port is required with --protocol {}",
            report::reach::protocol_name(protocol)
        )));
    }
    let (options, _) = prepare(&args.input, &rules::catalog())?;
    let analysis = pipeline::analyze(&args.input.paths, &options);
    warn_not_analyzed(engine::not_analyzed(&analysis.units, &analysis.sources).len());
    let cwd = std::env::current_dir().unwrap_or_default();
    let file_of = |span: crate::source::Span| {
        report::display_path(&analysis.sources.get(span.file).path, &cwd)
    };
    let from = reach::resolve(&analysis.network, &args.from, &file_of)
        .map_err(|e| UsageError(format!("--from: {e}")))?;
    let to = reach::resolve(&analysis.network, &args.to, &file_of)
        .map_err(|e| UsageError(format!("--to: {e}")))?;
    if !matches!(from, reach::Endpoint::Host(_)) && !matches!(to, reach::Endpoint::Host(_)) {
        return Err(UsageError(
            "at least one endpoint must be in a modelled subnet".to_string(),
        ));
    }
    let traffic = Traffic {
        protocol,
        port: args.port,
    };
    let answer = Reach::new(&analysis.network).answer(&from, &to, traffic);
    let query = report::reach::Query {
        from: &args.from,
        to: &args.to,
        traffic,
    };
    let rendered = match args.format {
        ReachFormat::Text => report::reach::render_text(&answer, &query, &analysis.sources, &cwd),
        ReachFormat::Json => report::reach::render_json(&answer, &query, &analysis.sources, &cwd),
    };
    print(&rendered)?;
    Ok(match answer.verdict {
        Verdict::Reachable => EXIT_OK,
        Verdict::Unreachable => EXIT_FINDINGS,
        Verdict::Unknown => EXIT_UNKNOWN,
    })
}

fn graph(args: GraphArgs) -> Result<i32, UsageError> {
    let catalog = rules::catalog();
    let (options, config) = prepare(&args.input, &catalog)?;
    let analysis = pipeline::analyze(&args.input.paths, &options);
    let selection = Selection {
        settings: config.rules,
        select: Vec::new(),
        ignore: Vec::new(),
        strict: false,
    };
    let registry = rules::registry();
    let outcome = engine::run(
        &registry,
        &catalog,
        &analysis.network,
        &analysis.units,
        &analysis.sources,
        &selection,
    );
    warn_not_analyzed(outcome.not_analyzed.len());
    let layout = report::graph::layout(&analysis.network, &outcome.findings);
    let rendered = match args.format {
        GraphFormat::Mermaid => report::graph::render_mermaid(&layout),
        GraphFormat::Dot => report::graph::render_dot(&layout),
        GraphFormat::Json => report::graph::render_json(&layout),
    };
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .map(|_| EXIT_OK)
            .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display()))),
        None => print(&rendered),
    }
}

/// `reach` and `graph` answer from what was analyzed: say on standard error when some
/// of the input was left out (`vpclint lint` lists the places).
fn warn_not_analyzed(places: usize) {
    if places > 0 {
        eprintln!(
            "vpclint: note: {} not analyzed (`vpclint lint` lists them); the answer covers only what was",
            report::plural(places, "place")
        );
    }
}

/// Checks the paths, loads the config and builds the pipeline options.
fn prepare(input: &InputArgs, catalog: &[&RuleMeta]) -> Result<(Options, Config), UsageError> {
    let reads_stdin = input.paths.iter().any(|p| p.as_os_str() == "-");
    if input.stdin_filename.is_some() && !reads_stdin {
        return Err(UsageError(
            "--stdin-filename names the document read from `-`, which is not among the paths"
                .into(),
        ));
    }
    for path in input_paths(input) {
        if std::fs::symlink_metadata(&path).is_err() {
            return Err(UsageError(format!("path not found: {}", path.display())));
        }
    }
    let first = match (&input.stdin_filename, input.paths.first()) {
        (Some(name), Some(path)) if path.as_os_str() == "-" => name.clone(),
        (_, Some(path)) => path.clone(),
        (_, None) => PathBuf::from("."),
    };
    let first = first.as_path();
    let config = match config::find(input.config.as_deref(), first) {
        Ok(Some(path)) => config::load(&path, catalog),
        Ok(None) => Ok(Config::default()),
        Err(e) => Err(e),
    }
    .map_err(|e| UsageError(e.0))?;
    let mut excludes = match &config.path {
        Some(path) => Excludes::new(crate::source::parent_dir(path), &config.exclude)
            .map_err(|e| UsageError(format!("{}: {e}", path.display())))?,
        None => Excludes::default(),
    };
    excludes
        .add(Path::new("."), &input.exclude)
        .map_err(|e| UsageError(format!("--exclude: {e}")))?;
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
    options.cloudformation.stack_names = config
        .stack_names
        .iter()
        .map(|(path, name)| {
            let path = crate::source::canonical(path);
            (path, name.clone())
        })
        .collect();
    options.terraform.root_var_files = config.var_files.clone();
    options.declared = config.declared.clone();
    options.excludes = excludes;
    if reads_stdin {
        let name = input.stdin_filename.clone().ok_or_else(|| {
            UsageError(
                "reading standard input (`-`) needs --stdin-filename PATH: the name its \
                 findings are reported under"
                    .into(),
            )
        })?;
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| UsageError(format!("cannot read standard input: {e}")))?;
        options.stdin = Some(StdinDocument {
            name,
            text: text.into(),
        });
    }
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
