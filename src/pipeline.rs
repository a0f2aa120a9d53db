//! The whole front half: discover → frontends (in parallel) → lowering.

use crate::discover::{self, Input};
use crate::frontend::{self, cloudformation, terraform, Diagnostic, Unit};
use crate::model::{lower, Declared, Network};
use crate::source::{self, canonical, read, FileId, SourceMap, Span};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

#[derive(Debug, Default, Clone)]
pub struct Options {
    pub terraform: terraform::Options,
    pub cloudformation: cloudformation::Options,
    pub declared: Declared,
    /// `exclude` globs of the config file and of `--exclude`.
    pub excludes: discover::Excludes,
    /// A document read from standard input (`vpclint lint - --stdin-filename NAME`).
    pub stdin: Option<StdinDocument>,
}

/// A template or plan read from standard input, analyzed as if it were the file `name`.
#[derive(Debug, Clone)]
pub struct StdinDocument {
    pub name: PathBuf,
    pub text: Arc<str>,
}

pub struct Analysis {
    /// What discovery found to analyze (the report summary lists it).
    pub inputs: Vec<Input>,
    /// What discovery left out on purpose, and why.
    pub skipped: Vec<discover::Skipped>,
    pub sources: SourceMap,
    pub units: Vec<Unit>,
    pub network: Network,
}

pub fn analyze(paths: &[PathBuf], options: &Options) -> Analysis {
    let mut options = options.clone();
    options.terraform.lint_roots = paths.iter().map(|p| terraform::lint_root(p)).collect();
    let options = &options;
    let sources = SourceMap::new();
    let mut discovered = discover::discover(paths, &options.excludes, &sources);
    if let Some(stdin) = &options.stdin {
        match discover::classify_text(&stdin.name, &stdin.text) {
            Ok(input) => discovered.inputs.push(input),
            Err(reason) => discovered.skipped.push(discover::Skipped {
                path: stdin.name.clone(),
                reason,
            }),
        }
    }
    let templates = read_templates(&discovered.inputs, options);
    let mut lowerer = lower::Lowerer::new(options.declared.clone());
    let streamed = if stand_alone(&discovered.inputs, &templates, options) {
        load_lowering(
            discovered.inputs,
            templates,
            options,
            &sources,
            &mut lowerer,
        )
    } else {
        Err((discovered.inputs, templates))
    };
    let (inputs, mut units, network) = match streamed {
        Ok((inputs, units)) => (inputs, units, lowerer.finish(&sources)),
        Err((inputs, templates)) => {
            let (inputs, units): (Vec<Input>, Vec<Unit>) = inputs
                .into_par_iter()
                .zip(templates)
                .filter_map(|(input, template)| {
                    let unit = load(&input, template, options, &sources)?;
                    Some((input, unit))
                })
                .unzip();
            let (inputs, mut units) = without_nested_stacks(inputs, units, &sources);
            cloudformation::link_imports(&mut units, &options.cloudformation, &sources);
            let network = lower::lower(&mut units, options.declared.clone(), &sources);
            units.par_iter().for_each(|unit| {
                sources.release(&releasable(unit, options, &sources));
            });
            (inputs, units, network)
        }
    };
    sources.clear_read_ahead();
    // Units of unreadable files have no resources: nothing to lower.
    for error in discovered.errors {
        units.push(unreadable(&error.path, error.message, &sources));
    }
    Analysis {
        inputs,
        skipped: discovered.skipped,
        sources,
        units,
        network,
    }
}

/// The text of each CloudFormation template input, or why it could not be read (`None` for
/// the other inputs).
type Templates = Vec<Option<Result<Arc<str>, String>>>;

/// The inputs and their templates, when nothing was loaded.
type NotLoaded = (Vec<Input>, Templates);

/// The templates' texts, read first: whether the units can be lowered as they are
/// evaluated depends on them.
fn read_templates(inputs: &[Input], options: &Options) -> Templates {
    inputs
        .par_iter()
        .map(|input| match input {
            Input::CloudFormation(path) => Some(read_input(path, options)),
            _ => None,
        })
        .collect()
}

/// Whether every unit of the run can be lowered without the others: no template imports
/// another's exports or creates nested stacks (whose templates are then not units of their
/// own), and no parameter file is also an input (it would be dropped the same way).
/// Terraform units never need one another.
fn stand_alone(
    inputs: &[Input],
    templates: &[Option<Result<Arc<str>, String>>],
    options: &Options,
) -> bool {
    let texts_stand_alone = templates
        .iter()
        .flatten()
        .flatten()
        .all(|text| cloudformation::stands_alone(text));
    let parameter_files = &options.cloudformation.parameter_files;
    texts_stand_alone
        && (parameter_files.is_empty()
            || {
                let parameter_files: std::collections::HashSet<PathBuf> =
                    parameter_files.iter().map(|p| canonical(p)).collect();
                !inputs.iter().any(|input| {
                matches!(input, Input::CloudFormation(path) if parameter_files.contains(&canonical(path)))
            })
            })
}

/// [`load_lowering`] for a run of one input (a pre-commit hook's): loaded and lowered on
/// this thread, which has the stack both need, without waking the pool's other threads or
/// starting a lowering thread.
fn load_lowering_one(
    inputs: Vec<Input>,
    templates: Templates,
    options: &Options,
    sources: &SourceMap,
    lowerer: &mut lower::Lowerer,
) -> (Vec<Input>, Vec<Unit>) {
    let template = templates.into_iter().next().flatten();
    match inputs
        .first()
        .and_then(|input| load(input, template, options, sources))
    {
        Some(mut unit) => {
            lowerer.add(&mut unit, sources);
            (inputs, vec![unit])
        }
        None => (Vec::new(), Vec::new()),
    }
}

/// Loads the inputs in parallel and lowers each unit as soon as it and every unit before
/// it in path order are loaded, so that each unit's resources are freed while the next
/// units evaluate instead of all of them waiting for the end. For units that
/// [`stand_alone`]: then [`lower::lower`] takes them in path order too, as a unit's path is
/// its input's. Inputs and units come back in the order of `inputs`; the inputs alone
/// (nothing loaded) when the lowering thread cannot start.
fn load_lowering(
    inputs: Vec<Input>,
    templates: Templates,
    options: &Options,
    sources: &SourceMap,
    lowerer: &mut lower::Lowerer,
) -> Result<(Vec<Input>, Vec<Unit>), NotLoaded> {
    if inputs.len() == 1 && crate::frontend::has_eval_stack() {
        return Ok(load_lowering_one(
            inputs, templates, options, sources, lowerer,
        ));
    }
    // Each taken by the worker that loads it: a text lives no longer than its unit's files.
    let templates: Vec<Mutex<Option<_>>> = templates.into_iter().map(Mutex::new).collect();
    let mut by_path: Vec<usize> = (0..inputs.len()).collect();
    by_path.sort_by(|&a, &b| inputs[a].path().cmp(inputs[b].path()));
    let next = AtomicUsize::new(0);
    let spent = Spent::new(rayon::current_num_threads());
    let (loaded, received) = mpsc::channel::<(usize, Option<Unit>, usize)>();
    let units = std::thread::scope(|scope| {
        // Owned here so that a panicking worker drops it and the lowering thread ends.
        let loaded = loaded;
        let spawned = std::thread::Builder::new()
            .name("lower".into())
            .stack_size(LOWER_STACK_SIZE)
            .spawn_scoped(scope, || {
                let mut units: Vec<Option<Unit>> = inputs.iter().map(|_| None).collect();
                // Loaded units waiting for the ones before them, by position in path order.
                let mut waiting: Vec<Option<(Option<Unit>, usize)>> =
                    inputs.iter().map(|_| None).collect();
                let mut lowered = 0;
                for (position, unit, worker) in received {
                    waiting[position] = Some((unit, worker));
                    while let Some((unit, worker)) = waiting.get_mut(lowered).and_then(Option::take)
                    {
                        let index = by_path[lowered];
                        if let Some(mut unit) = unit {
                            debug_assert_eq!(unit.path, inputs[index].path());
                            let lowered = Lowered {
                                resources: lowerer.add(&mut unit, sources),
                                files: releasable(&unit, options, sources),
                            };
                            spent.give_back(worker, lowered);
                            units[index] = Some(unit);
                        }
                        lowered += 1;
                    }
                }
                units
            });
        // Nothing is loaded yet: without a lowering thread, the run takes the other path.
        let Ok(lowering) = spawned else {
            return None;
        };
        // Each worker takes the next input in path order: units finish about in the order
        // they are lowered in, and few wait.
        rayon::broadcast(|context| loop {
            let position = next.fetch_add(1, Ordering::Relaxed);
            let Some(&index) = by_path.get(position) else {
                break;
            };
            // Only before loading another unit: the memory freed is for it to reuse.
            spent.free(context.index(), sources);
            let template = templates[index]
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            let unit = load(&inputs[index], template, options, sources);
            if loaded.send((position, unit, context.index())).is_err() {
                break;
            }
        });
        drop(loaded);
        let units = lowering
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // What each worker's last unit leaves is dropped with `spent`, its texts kept:
        // nothing is loaded any more to reuse their memory, and a run of one unit (a
        // pre-commit hook) spends nothing on releasing them.
        Some(units)
    });
    let Some(units) = units else {
        let templates = templates
            .into_iter()
            .map(|text| text.into_inner().unwrap_or_else(|e| e.into_inner()))
            .collect();
        return Err((inputs, templates));
    };
    Ok(inputs
        .into_iter()
        .zip(units)
        .filter_map(|(input, unit)| Some((input, unit?)))
        .unzip())
}

/// What lowered units leave behind, for the worker that loaded each: its resources, which
/// that worker frees (an allocator frees a block from the thread that allocated it at a
/// fraction of the cost of a free from another thread: mimalloc spent 7% of a large
/// Terraform run's cpu on those), and its files, whose texts only reports still read.
struct Spent(Vec<Mutex<WorkerSpent>>);

struct WorkerSpent {
    lowered: Vec<Lowered>,
    /// Bytes of text this worker released so far.
    released: usize,
    /// At how many released bytes it next returns its free memory.
    return_at: usize,
}

struct Lowered {
    resources: Vec<frontend::Resource>,
    files: Vec<FileId>,
}

/// mimalloc keeps a thread's freed pages for its next allocations and returns them to the
/// system only when asked. A worker returns its free memory (that of the texts and of the
/// syntax trees it built from them) once it has released this much text, then each time
/// what it released doubles: a run's peak stays nearer what it keeps than what it read, for
/// a few returns per worker (CloudFormation estate ×1: 34.5 → 29.6 MiB, ×10: 173 → 145 MiB;
/// no slower in farm-bench pairs). Returning after every MiB: ×10 122 MiB, but 5–6% more
/// time; after every unit: 15–25% more (the pages are faulted back in at once).
const FIRST_RETURN_BYTES: usize = 1 << 20;

impl Spent {
    fn new(workers: usize) -> Spent {
        let worker = || WorkerSpent {
            lowered: Vec::new(),
            released: 0,
            return_at: FIRST_RETURN_BYTES,
        };
        Spent((0..workers).map(|_| Mutex::new(worker())).collect())
    }

    fn give_back(&self, worker: usize, lowered: Lowered) {
        if let Some(slot) = self.0.get(worker) {
            let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
            slot.lowered.push(lowered);
        }
    }

    fn free(&self, worker: usize, sources: &SourceMap) {
        let Some(slot) = self.0.get(worker) else {
            return;
        };
        let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
        for Lowered { resources, files } in std::mem::take(&mut slot.lowered) {
            drop(resources);
            slot.released += sources.release(&files);
        }
        if slot.released >= slot.return_at {
            slot.return_at = slot.released * 2;
            crate::alloc::return_free_memory();
        }
    }
}

/// The files of `unit` whose texts can be dropped once it is lowered: all but the
/// document read from standard input, which cannot be read again.
fn releasable(unit: &Unit, options: &Options, sources: &SourceMap) -> Vec<FileId> {
    let stdin = options.stdin.as_ref().map(|stdin| stdin.name.as_path());
    unit.files
        .iter()
        .copied()
        .filter(|&file| stdin.is_none_or(|stdin| sources.get(file).path != stdin))
        .collect()
}

/// The lowering thread reads each unit's values, which the Terraform evaluator built on its
/// own large stack: a deeply nested one is walked (and, when no worker takes it back,
/// dropped) recursively.
const LOWER_STACK_SIZE: usize = 64 << 20;

/// Drops the templates that another template of the run creates as a nested stack: they
/// were evaluated inside their parent, with the parameters it passes (alone, their
/// parameters would be unknown and their findings reported twice).
/// A template unit's files after the first are its nested stacks' templates and its
/// parameter files (which are never templates themselves).
fn without_nested_stacks(
    inputs: Vec<Input>,
    units: Vec<Unit>,
    sources: &SourceMap,
) -> (Vec<Input>, Vec<Unit>) {
    let children: std::collections::HashSet<PathBuf> = units
        .iter()
        .filter(|u| u.lang == frontend::Lang::CloudFormation)
        .flat_map(|u| u.files.iter().skip(1))
        .map(|&file| canonical(&sources.get(file).path))
        .collect();
    if children.is_empty() {
        return (inputs, units);
    }
    inputs
        .into_iter()
        .zip(units)
        .filter(|(input, _)| {
            !matches!(input, Input::CloudFormation(path) if children.contains(&canonical(path)))
        })
        .unzip()
}

/// Loads one input; `template` is the text of a CloudFormation template, read already.
fn load(
    input: &Input,
    template: Option<Result<Arc<str>, String>>,
    options: &Options,
    sources: &SourceMap,
) -> Option<Unit> {
    match input {
        Input::TerraformModule(dir) => Some(terraform::load_root_module(
            dir,
            &options.terraform,
            sources,
        )),
        Input::TerraformPlan(path) => match read_input(path, options) {
            Ok(text) => Some(terraform::load_plan(path, text, sources)),
            Err(message) => Some(unreadable(path, message, sources)),
        },
        Input::CloudFormation(path) => {
            match template.unwrap_or_else(|| read_input(path, options)) {
                Ok(text) => {
                    cloudformation::load_template(path, text, &options.cloudformation, sources)
                }
                Err(message) => Some(unreadable(path, message, sources)),
            }
        }
    }
}

/// The text of an input file, or of the document read from standard input in its name.
fn read_input(path: &std::path::Path, options: &Options) -> Result<Arc<str>, String> {
    match &options.stdin {
        Some(stdin) if stdin.name == path => Ok(stdin.text.clone()),
        _ => read(path),
    }
}

/// A unit holding only the parse error of a file that could not be read. For a file that
/// is not valid UTF-8 the error points at the first invalid byte, with the text before it
/// kept for display.
fn unreadable(path: &std::path::Path, message: String, sources: &SourceMap) -> Unit {
    // Re-read only to show the text before an invalid byte; never a file too large to read.
    let readable = std::fs::metadata(path).is_ok_and(|m| m.len() <= source::MAX_SOURCE_BYTES);
    let bytes = if readable {
        std::fs::read(path)
    } else {
        Ok(Vec::new())
    };
    let (text, offset) = match bytes.map(String::from_utf8) {
        Ok(Err(invalid)) => {
            let offset = invalid.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(invalid.as_bytes()).into_owned();
            (Arc::from(lossy), offset)
        }
        _ => (Arc::from(""), 0),
    };
    let file: FileId = sources.add(path.to_path_buf(), text);
    Unit {
        lang: frontend::Lang::Terraform,
        path: path.to_path_buf(),
        files: vec![file],
        resources: Vec::new(),
        diagnostics: vec![Diagnostic::error(Span::new(file, offset, offset), message)],
        suppressions: Vec::new(),
        provenance: Vec::new(),
        exports: Vec::new(),
        failures: Vec::new(),
        imports: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn vpc_cidrs(analysis: &Analysis) -> Vec<String> {
        analysis
            .network
            .vpcs
            .values()
            .map(|vpc| {
                vpc.cidr
                    .value
                    .map(|c| c.net.to_string())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// Units that stand alone are lowered while others still load: the model's arenas must
    /// still be in path order (inputs sort by kind first: modules, plans, templates), and the
    /// units and inputs in discovery order, whatever the number of threads.
    #[test]
    fn streamed_units_lower_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        for (root, cidr) in [("c", "10.3.0.0/16"), ("a", "10.1.0.0/16")] {
            std::fs::create_dir(dir.path().join(root)).unwrap();
            let tf = format!("resource \"aws_vpc\" \"v\" {{\n  cidr_block = \"{cidr}\"\n}}\n");
            std::fs::write(dir.path().join(root).join("main.tf"), tf).unwrap();
        }
        let plan = r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
            {"address": "aws_vpc.p", "mode": "managed", "type": "aws_vpc", "name": "p",
             "values": {"cidr_block": "10.2.0.0/16"}}]}}}"#;
        std::fs::write(dir.path().join("b.json"), plan).unwrap();
        let template = "Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.4.0.0/16\n";
        std::fs::write(dir.path().join("d.yaml"), template).unwrap();
        let paths = [dir.path().to_path_buf()];
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let analysis = pool.install(|| analyze(&paths, &Options::default()));
            assert_eq!(
                vpc_cidrs(&analysis),
                ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16"]
            );
            let unit_paths: Vec<&Path> = analysis.units.iter().map(|u| u.path.as_path()).collect();
            let input_paths: Vec<&Path> = analysis.inputs.iter().map(Input::path).collect();
            assert_eq!(unit_paths, input_paths);
            assert_eq!(
                input_paths,
                [
                    dir.path().join("a"),
                    dir.path().join("c"),
                    dir.path().join("b.json"),
                    dir.path().join("d.yaml"),
                ]
            );
            assert!(analysis.units.iter().all(|u| u.resources.is_empty()));
        }
    }
}
