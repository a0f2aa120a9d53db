//! Terraform's built-in functions. Results must equal `terraform console`'s
//! (`tests/terraform_functions_differential.rs` checks that against Terraform).
//!
//! Implemented: `cidrhost cidrnetmask cidrsubnet cidrsubnets`; `length concat element
//! lookup merge keys values zipmap flatten distinct contains index slice range
//! setproduct setunion setintersection setsubtract coalesce coalescelist one compact
//! reverse sort chunklist alltrue anytrue matchkeys transpose`; `tolist toset tomap
//! tostring tonumber tobool sensitive nonsensitive ephemeralasnull`; `upper lower title
//! trimspace trim trimprefix trimsuffix chomp startswith endswith strcontains substr strrev
//! split join replace format formatlist indent`; `regex regexall` and `replace` with a
//! `/regex/`; `jsonencode jsondecode yamldecode yamlencode csvdecode`; `base64encode base64decode
//! base64gzip base64sha256 base64sha512 md5 sha1 sha256 sha512 urlencode textencodebase64
//! textdecodebase64 uuidv5`; `abs ceil floor max min sum signum pow log parseint`;
//! `basename dirname pathexpand abspath`; `formatdate timeadd timecmp`; and, given a [`Sandbox`], the file functions
//! `file fileexists fileset filebase64 filemd5 filesha1 filesha256 filesha512
//! filebase64sha256 filebase64sha512` (`templatefile` and `templatestring` render HCL
//! templates, so the evaluator implements them over [`Sandbox::read_text`]).
//!
//! Unknown by design (see [`text::UNKNOWN`]): `timestamp plantimestamp uuid bcrypt` (not
//! deterministic), `rsadecrypt` (secrets),
//! `issensitive` (sensitivity is not tracked), and the functions only OpenTofu has
//! ([`OPENTOFU_ONLY`]). A call to a name Terraform does not have is rejected, as
//! Terraform rejects it ([`rejected_call`]).
//!
//! `try` and `can` take unevaluated expressions in Terraform, so the evaluator handles
//! them: it evaluates each argument itself and calls [`try_result`] / [`can_result`].
//! Called here with already evaluated arguments, they behave as if none failed.

mod cidr;
mod collection;
mod digest;
mod encoding;
mod file;
mod gomath;
mod gzip;
mod numeric;
mod regex;
mod string;
mod text;
mod time;
mod yaml;
mod yaml_encode;

pub use encoding::json_encode;
pub use file::{Refusal, Sandbox};

use super::convert::{first_unknown, is_wholly_known, unknown_result};
use super::value::Value;

type EvalResult = Result<Value, String>;

/// Calls a built-in function. `Err` carries Terraform's error text; an unsupported
/// function is `Ok(Value::Unknown(..))`. An unknown argument makes the result unknown,
/// except for functions Terraform defines on partly unknown values (`length` of a list
/// with unknown elements is known, `concat` keeps the known elements).
pub fn call(name: &str, args: Vec<Value>) -> Result<Value, String> {
    call_in(module_of(name), name, args)
}

fn call_in(module: Option<Module>, name: &str, args: Vec<Value>) -> Result<Value, String> {
    if matches!(module, Some(Module::Collection)) {
        if let Some(result) = collection::call(name, &args) {
            return result;
        }
    }
    if name == "try" {
        return try_result(args.into_iter().map(Ok).collect());
    }
    if name == "can" {
        let [arg] = exact::<1>(name, args)?;
        return Ok(can_result(Ok(arg)));
    }
    let evaluated = match module {
        Some(Module::Evaluated(call)) => call,
        _ => {
            return Ok(Value::Unknown(format!(
                "function {name}() is not supported by vpclint"
            )))
        }
    };
    if let Some(unknown) = first_unknown(&args) {
        return Ok(unknown);
    }
    if let Some(unknown) = args.iter().find(|a| !is_wholly_known(a)) {
        return Ok(nested_unknown(unknown));
    }
    evaluated(name, &args).unwrap_or_else(|| {
        Ok(Value::Unknown(format!(
            "function {name}() is not supported"
        )))
    })
}

type ModuleCall = fn(&str, &[Value]) -> Option<Result<Value, String>>;

/// Where a function name belongs.
#[derive(Clone, Copy)]
enum Module {
    Collection,
    /// A module whose `call` evaluates it (or, for [`text::UNKNOWN`], says why not).
    Evaluated(ModuleCall),
    /// Read through a [`Sandbox`].
    File,
    /// `try`, `can`, `templatefile`, `templatestring`: the evaluator's own.
    Evaluator,
    /// In [`OPENTOFU_ONLY`].
    OpenTofu,
}

/// The module of each function name: one hash lookup per call instead of a scan of every
/// module's names (`cidrsubnet` runs once per subnet). A name listed twice keeps the first
/// module (no name is: a test checks it).
fn module_of(name: &str) -> Option<Module> {
    static INDEX: std::sync::LazyLock<foldhash::HashMap<&'static str, Module>> =
        std::sync::LazyLock::new(|| {
            let evaluated: [(&[&str], ModuleCall); 10] = [
                (cidr::NAMES, cidr::call),
                (numeric::NAMES, numeric::call),
                (string::NAMES, string::call),
                (encoding::NAMES, encoding::call),
                (digest::NAMES, digest::call),
                (regex::NAMES, regex::call),
                (yaml::NAMES, yaml::call),
                (yaml_encode::NAMES, yaml_encode::call),
                (text::NAMES, text::call),
                (time::NAMES, time::call),
            ];
            let groups = std::iter::once((collection::NAMES, Module::Collection))
                .chain(
                    evaluated
                        .into_iter()
                        .map(|(names, call)| (names, Module::Evaluated(call))),
                )
                .chain([
                    (file::NAMES, Module::File),
                    (EVALUATOR_NAMES, Module::Evaluator),
                    (OPENTOFU_ONLY, Module::OpenTofu),
                ]);
            let mut index = foldhash::HashMap::default();
            for (names, module) in groups {
                for name in names {
                    index.entry(*name).or_insert(module);
                }
            }
            for (name, _) in text::UNKNOWN {
                index
                    .entry(*name)
                    .or_insert(Module::Evaluated(text::call as ModuleCall));
            }
            index
        });
    INDEX.get(name).copied()
}

/// Functions OpenTofu has and Terraform 1.11 does not: the configuration may be
/// OpenTofu's, so a call to one is not rejected, but vpclint does not evaluate it.
const OPENTOFU_ONLY: &[&str] = &["base64gunzip", "cidrcontains", "urldecode"];

/// Whether Terraform 1.11 has a built-in function by this name (`terraform metadata
/// functions`), whether vpclint evaluates it or not.
pub fn is_terraform_function(name: &str) -> bool {
    module_of(name).is_some_and(|module| !matches!(module, Module::OpenTofu))
}

/// Terraform's error for a call to a function it does not have, naming the function
/// meant when the name is one or two edits from it; `None` for a function it has.
pub fn rejected_call(name: &str) -> Option<String> {
    if module_of(name).is_some() {
        return None;
    }
    // Terraform 0.15 removed them but still answers with what to write instead.
    match name {
        "list" => return Some(removed_constructor("list", "tolist([ ... ])")),
        "map" => return Some(removed_constructor("map", "tomap({ ... })")),
        _ => {}
    }
    let hint = ALL_NAMES
        .iter()
        .flat_map(|names| names.iter())
        .chain(text::UNKNOWN.iter().map(|(n, _)| n))
        .map(|known| (crate::config::edit_distance(name, known), *known))
        .filter(|(distance, _)| *distance < 3)
        .min()
        .map(|(_, known)| format!("; did you mean \"{known}\"?"))
        .unwrap_or_default();
    Some(format!(
        "Call to unknown function: there is no function named \"{name}\"{hint}"
    ))
}

fn removed_constructor(name: &str, instead: &str) -> String {
    format!(
        "Call to function \"{name}\" failed: the \"{name}\" function was deprecated in \
         Terraform v0.12 and is no longer available; use {instead} syntax to write a literal {name}"
    )
}

/// A function Terraform or OpenTofu has, found by its name once for a call.
#[derive(Clone, Copy)]
pub struct Function(Module);

/// The function of this name, or `None` for one Terraform does not have ([`rejected_call`]).
pub fn find(name: &str) -> Option<Function> {
    module_of(name).map(Function)
}

impl Function {
    /// Why a call to it gives an unknown value whatever its arguments, or `None` when
    /// vpclint evaluates it.
    pub fn unevaluated_reason(self, name: &str) -> Option<String> {
        match self.0 {
            Module::OpenTofu => Some(format!(
                "{name}() is an OpenTofu function that vpclint does not evaluate"
            )),
            Module::Evaluated(_) => text::UNKNOWN
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, reason)| (*reason).to_string()),
            _ => None,
        }
    }

    /// Whether it reads files (its unknown results are worth a note).
    pub fn reads_files(self, name: &str) -> bool {
        matches!(self.0, Module::File) && name != "abspath"
    }

    /// Calls it, the file functions reading through `sandbox` (without one, they are
    /// unknown).
    pub fn call(self, name: &str, args: Vec<Value>, sandbox: Option<&Sandbox>) -> EvalResult {
        if !matches!(self.0, Module::File) {
            return call_in(Some(self.0), name, args);
        }
        if let Some(unknown) = args.iter().find(|a| !is_wholly_known(a)) {
            return Ok(nested_unknown(unknown));
        }
        match sandbox {
            Some(sandbox) => file::call(name, &args, sandbox)
                .unwrap_or_else(|| call_in(Some(self.0), name, args)),
            None => Ok(Value::Unknown(format!(
                "{name}() reads files: no lint root to read them from"
            ))),
        }
    }
}

/// The names of every function vpclint evaluates, by module.
const ALL_NAMES: &[&[&str]] = &[
    cidr::NAMES,
    collection::NAMES,
    numeric::NAMES,
    string::NAMES,
    encoding::NAMES,
    digest::NAMES,
    regex::NAMES,
    yaml::NAMES,
    yaml_encode::NAMES,
    text::NAMES,
    time::NAMES,
    file::NAMES,
    EVALUATOR_NAMES,
];

/// The functions the evaluator implements itself.
const EVALUATOR_NAMES: &[&str] = &["try", "can", "templatefile", "templatestring"];

/// Calls a built-in function by name ([`Function::call`]).
pub fn call_with_files(
    name: &str,
    args: Vec<Value>,
    sandbox: Option<&Sandbox>,
) -> Result<Value, String> {
    match find(name) {
        Some(function) => function.call(name, args, sandbox),
        None => call(name, args),
    }
}

/// The unknown result for an argument that contains an unknown somewhere inside.
fn nested_unknown(value: &Value) -> Value {
    match value {
        Value::List(items) | Value::Set(items) => items
            .iter()
            .find(|v| !is_wholly_known(v))
            .map_or_else(|| unknown_result(value), nested_unknown),
        Value::Map(map) => map
            .values()
            .find(|v| !is_wholly_known(v))
            .map_or_else(|| unknown_result(value), nested_unknown),
        other => unknown_result(other),
    }
}

/// `try(...)`: the first argument that evaluated without error. Terraform makes the
/// result unknown when that value is not wholly known; it is returned as it is here,
/// so that `try(aws_vpc.main.id, null)` keeps its reference (the value it will have).
pub fn try_result(attempts: Vec<Result<Value, String>>) -> Result<Value, String> {
    if attempts.is_empty() {
        return Err("at least one argument is required".to_string());
    }
    let mut last_error = String::new();
    for attempt in attempts {
        match attempt {
            Ok(value) => return Ok(value),
            Err(e) => last_error = e,
        }
    }
    Err(format!(
        "no expression succeeded; the last error was: {last_error}"
    ))
}

/// `can(expr)`: whether the expression evaluated without error (unknown when its value
/// is not wholly known).
pub fn can_result(attempt: Result<Value, String>) -> Value {
    match attempt {
        Ok(value) if is_wholly_known(&value) => Value::Bool(true),
        Ok(value) => nested_unknown(&value),
        Err(_) => Value::Bool(false),
    }
}

/// Exactly `N` arguments.
fn exact<const N: usize>(name: &str, args: Vec<Value>) -> Result<[Value; N], String> {
    let count = args.len();
    args.try_into().map_err(|_| arity_error(name, count, N, N))
}

/// Checks the argument count is within `min..=max`.
fn arity(name: &str, args: &[Value], min: usize, max: usize) -> Result<(), String> {
    if args.len() < min || args.len() > max {
        return Err(arity_error(name, args.len(), min, max));
    }
    Ok(())
}

fn arity_error(name: &str, got: usize, min: usize, max: usize) -> String {
    if got < min {
        format!("function {name}() requires at least {min} argument(s), got {got}")
    } else {
        format!("function {name}() takes at most {max} argument(s), got {got}")
    }
}

/// Prefixes an argument conversion error as Terraform does.
fn arg_error(param: &str, err: String) -> String {
    format!("Invalid value for \"{param}\" parameter: {err}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_function_name_belongs_to_one_module_whose_call_takes_it() {
        let unknown: Vec<&str> = text::UNKNOWN.iter().map(|(n, _)| *n).collect();
        let lists = ALL_NAMES
            .iter()
            .copied()
            .chain([OPENTOFU_ONLY, &unknown[..]]);
        let mut seen = std::collections::HashSet::new();
        for name in lists.flatten() {
            assert!(seen.insert(*name), "{name} is listed twice");
            // Every name its module lists, that module's `call` takes (with no arguments:
            // an arity error, but `Some`).
            if let Some(Module::Evaluated(call)) = module_of(name) {
                assert!(call(name, &[]).is_some(), "{name}");
            }
        }
        assert!(collection::NAMES
            .iter()
            .all(|name| collection::call(name, &[]).is_some()));
        assert!(module_of("no_such_function").is_none());
    }

    #[test]
    fn unknown_arguments_make_unknown_results() {
        let unknown = Value::Unknown("later".to_string());
        assert_eq!(
            call("upper", vec![unknown.clone()]),
            Ok(Value::Unknown("later".to_string()))
        );
        assert!(matches!(
            call("no_such_function", vec![]),
            Ok(Value::Unknown(_))
        ));
    }

    #[test]
    fn try_and_can() {
        let ok = Value::String("x".to_string());
        assert_eq!(
            try_result(vec![Err("boom".to_string()), Ok(ok.clone())]),
            Ok(ok.clone())
        );
        assert!(try_result(vec![Err("boom".to_string())]).is_err());
        let unknown = Value::Unknown("later".to_string());
        assert_eq!(try_result(vec![Ok(unknown.clone())]), Ok(unknown.clone()));
        assert_eq!(can_result(Ok(unknown.clone())), unknown);
        assert_eq!(can_result(Err("boom".to_string())), Value::Bool(false));
        assert_eq!(can_result(Ok(ok)), Value::Bool(true));
    }
}
