//! `vpclint.toml`: rule selection and levels, path excludes, declared on-premises prefixes.
//!
//! ```toml
//! exclude = ["legacy/**"]
//! strict = true                 # not-analyzed parts become incomplete-analysis findings
//! [rules]
//! transitive-peering = "off"     # or "on", "note", "warning", "error"
//! [onprem]
//! direct_connect = ["10.0.0.0/8"]
//! [quotas]
//! security_group_rules = 120     # the account's adjusted Amazon VPC quotas
//! [limits]
//! max_steps = 10000000           # evaluation budgets of a Terraform root module
//! [terraform.availability_zones]
//! us-west-1 = ["us-west-1b", "us-west-1c"]
//! [cloudformation.stack_names]
//! "network/vpc.yaml" = "network-prod"   # AWS::StackName of a template, for its exports
//! [terraform.var_files]            # per root module, as `terraform -chdir=ROOT plan -var-file=FILE`
//! "envs/prod" = ["prod.tfvars"]
//! ```

use crate::frontend::terraform::Limits;
use crate::model::{Declared, Quotas};
use crate::rules::{Level, RuleMeta};
use ipnet::Ipv4Net;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const FILE_NAME: &str = "vpclint.toml";

/// What the configuration says about one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    /// On at its default level.
    On,
    Level(Level),
}

#[derive(Debug, Default, Clone)]
pub struct Config {
    /// The file it was read from (`None`: no file, defaults).
    pub path: Option<PathBuf>,
    pub rules: BTreeMap<String, RuleSetting>,
    /// Globs relative to the config file's directory.
    pub exclude: Vec<String>,
    pub declared: Declared,
    /// Evaluation budgets of each Terraform root module.
    pub limits: Limits,
    /// `[terraform.availability_zones]`: zone names by region, for the
    /// `aws_availability_zones` data source.
    pub availability_zones: BTreeMap<String, Vec<String>>,
    /// `[cloudformation.stack_names]`: the stack name each template is deployed as, by the
    /// template's path (relative to the config file's directory, as given).
    pub stack_names: Vec<(PathBuf, String)>,
    /// `[terraform.var_files]`: variable files by root module directory, both absolute
    /// (the config names the root relative to its own directory, the files relative to the
    /// root).
    pub var_files: BTreeMap<PathBuf, Vec<PathBuf>>,
    /// `strict = true`: what was not analyzed becomes `incomplete-analysis` findings.
    pub strict: bool,
}

/// A configuration error, already formatted as `file:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    onprem: RawOnprem,
    #[serde(default)]
    quotas: RawQuotas,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    terraform: RawTerraform,
    #[serde(default)]
    cloudformation: RawCloudFormation,
    #[serde(default)]
    strict: bool,
}

/// `[quotas]`: the account's adjusted Amazon VPC quotas.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawQuotas {
    security_group_rules: Option<Spanned<i64>>,
    security_groups_per_interface: Option<Spanned<i64>>,
    nacl_rules: Option<Spanned<i64>>,
    vpc_ipv4_blocks: Option<Spanned<i64>>,
    routes_per_table: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    max_steps: Option<Spanned<i64>>,
    max_instances: Option<Spanned<i64>>,
    max_elements: Option<Spanned<i64>>,
    max_string_bytes: Option<Spanned<i64>>,
    max_module_depth: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTerraform {
    #[serde(default)]
    availability_zones: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    var_files: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCloudFormation {
    #[serde(default)]
    stack_names: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOnprem {
    #[serde(default)]
    direct_connect: Vec<Spanned<String>>,
}

/// The config file for a run: `explicit` when given (`--config`), else the first
/// `vpclint.toml` found walking up from `start`.
pub fn find(explicit: Option<&Path>, start: &Path) -> Result<Option<PathBuf>, ConfigError> {
    if let Some(path) = explicit {
        return if path.is_file() {
            Ok(Some(path.to_path_buf()))
        } else {
            Err(ConfigError(format!(
                "{}: config file not found",
                path.display()
            )))
        };
    }
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let first_dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    let found = first_dir
        .into_iter()
        .flat_map(Path::ancestors)
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file());
    // Shown in error messages: relative to the working directory when under it.
    let cwd = std::env::current_dir().unwrap_or_default();
    Ok(found.map(|path| match path.strip_prefix(&cwd) {
        Ok(relative) => relative.to_path_buf(),
        Err(_) => path,
    }))
}

/// Reads and validates a config file against the known rule names.
pub fn load(path: &Path, catalog: &[&RuleMeta]) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("{}: cannot read config file: {e}", path.display())))?;
    parse(path, &text, catalog)
}

pub fn parse(path: &Path, text: &str, catalog: &[&RuleMeta]) -> Result<Config, ConfigError> {
    let at = |span: std::ops::Range<usize>, message: &str| {
        let (line, column) = line_col(text, span.start);
        ConfigError(format!("{}:{line}:{column}: {message}", path.display()))
    };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let message = e.message().trim_end().replace('\n', "; ");
        match e.span() {
            Some(span) => at(span, &message),
            None => ConfigError(format!("{}: {message}", path.display())),
        }
    })?;
    let mut rules = BTreeMap::new();
    for (name, value) in raw.rules {
        if !catalog.iter().any(|m| m.name == name.get_ref()) {
            let hint = suggest(name.get_ref(), catalog.iter().map(|m| m.name))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(at(
                name.span(),
                &format!("unknown rule `{}` in [rules]{hint}", name.get_ref()),
            ));
        }
        let setting = match value.get_ref().as_str() {
            "off" => RuleSetting::Off,
            "on" => RuleSetting::On,
            "note" => RuleSetting::Level(Level::Note),
            "warning" => RuleSetting::Level(Level::Warning),
            "error" => RuleSetting::Level(Level::Error),
            other => {
                return Err(at(
                    value.span(),
                    &format!(
                        "invalid setting `{other}` for rule `{}`: expected \"off\", \"on\", \"note\", \"warning\" or \"error\"",
                        name.get_ref()
                    ),
                ))
            }
        };
        rules.insert(name.into_inner(), setting);
    }
    let mut exclude = Vec::new();
    for glob in raw.exclude {
        if let Err(e) = globset::Glob::new(glob.get_ref()) {
            return Err(at(glob.span(), &format!("invalid exclude glob: {e}")));
        }
        exclude.push(glob.into_inner());
    }
    let mut direct_connect = Vec::new();
    for prefix in raw.onprem.direct_connect {
        match prefix.get_ref().parse::<Ipv4Net>() {
            Ok(net) if net.trunc() != net => {
                return Err(at(
                    prefix.span(),
                    &format!(
                    "CIDR `{}` in [onprem] direct_connect has host bits set; the network is `{}`",
                    prefix.get_ref(),
                    net.trunc()
                ),
                ))
            }
            Ok(net) => direct_connect.push(net),
            Err(_) => {
                return Err(at(
                    prefix.span(),
                    &format!(
                        "invalid IPv4 CIDR `{}` in [onprem] direct_connect",
                        prefix.get_ref()
                    ),
                ))
            }
        }
    }
    let mut quotas = Quotas::default();
    for (name, value, slot) in [
        (
            "security_group_rules",
            raw.quotas.security_group_rules,
            &mut quotas.security_group_rules,
        ),
        (
            "security_groups_per_interface",
            raw.quotas.security_groups_per_interface,
            &mut quotas.security_groups_per_interface,
        ),
        ("nacl_rules", raw.quotas.nacl_rules, &mut quotas.nacl_rules),
        (
            "vpc_ipv4_blocks",
            raw.quotas.vpc_ipv4_blocks,
            &mut quotas.vpc_ipv4_blocks,
        ),
        (
            "routes_per_table",
            raw.quotas.routes_per_table,
            &mut quotas.routes_per_table,
        ),
    ] {
        let Some(value) = value else { continue };
        match u32::try_from(*value.get_ref()) {
            Ok(n) if n > 0 => *slot = n,
            _ => {
                return Err(at(
                    value.span(),
                    &format!(
                        "invalid quota `{}` for [quotas] {name}: expected a positive integer",
                        value.get_ref()
                    ),
                ))
            }
        }
    }
    let mut limits = Limits::default();
    let raw_limits = raw.limits;
    for (key, value, target) in [
        ("max_steps", raw_limits.max_steps, &mut limits.max_steps),
        (
            "max_instances",
            raw_limits.max_instances,
            &mut limits.max_instances,
        ),
        (
            "max_elements",
            raw_limits.max_elements,
            &mut limits.max_elements,
        ),
        (
            "max_string_bytes",
            raw_limits.max_string_bytes,
            &mut limits.max_string_bytes,
        ),
    ] {
        if let Some(value) = value {
            *target = positive(&value, key).map_err(|message| at(value.span(), &message))?;
        }
    }
    if let Some(value) = raw_limits.max_module_depth {
        let depth =
            positive(&value, "max_module_depth").map_err(|message| at(value.span(), &message))?;
        limits.max_module_depth = u32::try_from(depth)
            .map_err(|_| at(value.span(), "[limits] max_module_depth is too large"))?;
    }
    let mut availability_zones = BTreeMap::new();
    for (region, zones) in raw.terraform.availability_zones {
        if !is_region_name(region.get_ref()) {
            return Err(at(
                region.span(),
                &format!(
                    "invalid region `{}` in [terraform.availability_zones]: expected a name like us-west-1",
                    region.get_ref()
                ),
            ));
        }
        let mut names: Vec<String> = Vec::new();
        for zone in zones {
            let valid = zone
                .get_ref()
                .strip_prefix(region.get_ref().as_str())
                .is_some_and(|rest| {
                    !rest.is_empty()
                        && rest
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                });
            if !valid || names.contains(zone.get_ref()) {
                let problem = if valid { "duplicate" } else { "invalid" };
                return Err(at(
                    zone.span(),
                    &format!(
                        "{problem} Availability Zone `{}` for {} in [terraform.availability_zones]",
                        zone.get_ref(),
                        region.get_ref()
                    ),
                ));
            }
            names.push(zone.into_inner());
        }
        availability_zones.insert(region.into_inner(), names);
    }
    let base = crate::source::absolute_normal(crate::source::parent_dir(path));
    let mut stack_names = Vec::new();
    for (template, name) in raw.cloudformation.stack_names {
        if !is_stack_name(name.get_ref()) {
            return Err(at(
                name.span(),
                &format!(
                    "invalid stack name `{}` in [cloudformation.stack_names]: a letter, then letters, digits and hyphens (at most 128)",
                    name.get_ref()
                ),
            ));
        }
        let template_path = base.join(template.get_ref());
        if !template_path.is_file() {
            return Err(at(
                template.span(),
                &format!(
                    "no template `{}` in [cloudformation.stack_names] (paths are relative to this file's directory)",
                    template.get_ref()
                ),
            ));
        }
        stack_names.push((template_path, name.into_inner()));
    }
    let mut var_files = BTreeMap::new();
    for (root, files) in raw.terraform.var_files {
        let dir = crate::source::lexically_normal(&base.join(root.get_ref()));
        if !dir.is_dir() {
            return Err(at(
                root.span(),
                &format!(
                    "root module `{}` in [terraform.var_files] is not a directory",
                    root.get_ref()
                ),
            ));
        }
        let mut paths = Vec::new();
        for file in files {
            let file_path = crate::source::lexically_normal(&dir.join(file.get_ref()));
            if !file_path.is_file() {
                return Err(at(
                    file.span(),
                    &format!(
                        "variable file `{}` of `{}` in [terraform.var_files] not found",
                        file.get_ref(),
                        root.get_ref()
                    ),
                ));
            }
            paths.push(file_path);
        }
        var_files.insert(dir, paths);
    }
    Ok(Config {
        path: Some(path.to_path_buf()),
        rules,
        exclude,
        declared: Declared {
            direct_connect,
            quotas,
        },
        limits,
        availability_zones,
        stack_names,
        var_files,
        strict: raw.strict,
    })
}

/// A `[limits]` value: a whole number above zero.
fn positive(value: &Spanned<i64>, key: &str) -> Result<u64, String> {
    u64::try_from(*value.get_ref())
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("[limits] {key} must be a whole number above 0"))
}

/// A CloudFormation stack name: a letter, then letters, digits and hyphens, at most 128.
fn is_stack_name(name: &str) -> bool {
    name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// `us-west-1`, `ap-southeast-5`, `us-gov-east-1`: lowercase words, then a number.
fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts
            .last()
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The closest known name to a misspelt one, if it is close enough to be a typo.
pub fn suggest<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, k)| *d <= 3.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance, in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::PARSE_ERROR;

    fn parse_str(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("vpclint.toml"), text, &[&PARSE_ERROR])
    }

    #[test]
    fn reads_rules_excludes_and_onprem_prefixes() {
        let config = parse_str(
            "exclude = [\"legacy/**\"]\n[rules]\nparse-error = \"warning\"\n[onprem]\ndirect_connect = [\"10.0.0.0/8\"]\n",
        )
        .unwrap();
        assert_eq!(
            config.rules.get("parse-error"),
            Some(&RuleSetting::Level(Level::Warning))
        );
        assert_eq!(config.exclude, vec!["legacy/**".to_string()]);
        assert_eq!(
            config.declared.direct_connect,
            vec!["10.0.0.0/8".parse::<Ipv4Net>().unwrap()]
        );
    }

    #[test]
    fn errors_name_file_line_column_and_key() {
        let unknown_key = parse_str("\n[rules]\n\n[onprem]\ndirect = []\n").unwrap_err();
        assert!(
            unknown_key.0.starts_with("vpclint.toml:5:1: ") && unknown_key.0.contains("direct"),
            "{unknown_key}"
        );
        let bad_cidr = parse_str("[onprem]\ndirect_connect = [\"10.0.0.0/33\"]\n").unwrap_err();
        assert!(
            bad_cidr.0.starts_with("vpclint.toml:2:19: ") && bad_cidr.0.contains("10.0.0.0/33"),
            "{bad_cidr}"
        );
        let host_bits = parse_str("[onprem]\ndirect_connect = [\"10.0.0.0/8\", \"10.1.2.3/16\"]\n")
            .unwrap_err();
        assert_eq!(
            host_bits.0,
            "vpclint.toml:2:33: CIDR `10.1.2.3/16` in [onprem] direct_connect has host bits set; \
             the network is `10.1.0.0/16`"
        );
        let bad_rule = parse_str("[rules]\nparse-eror = \"off\"\n").unwrap_err();
        assert_eq!(
            bad_rule.0,
            "vpclint.toml:2:1: unknown rule `parse-eror` in [rules] (did you mean `parse-error`?)"
        );
        let bad_level = parse_str("[rules]\nparse-error = \"loud\"\n").unwrap_err();
        assert!(
            bad_level.0.starts_with("vpclint.toml:2:15: "),
            "{bad_level}"
        );
    }

    #[test]
    fn reads_and_validates_quotas() {
        let config =
            parse_str("[quotas]\nsecurity_group_rules = 120\nroutes_per_table = 1000\n").unwrap();
        let quotas = config.declared.quotas;
        assert_eq!(quotas.security_group_rules, 120);
        assert_eq!(quotas.routes_per_table, 1000);
        assert_eq!(quotas.nacl_rules, 20);
        let zero = parse_str("[quotas]\nnacl_rules = 0\n").unwrap_err();
        assert_eq!(
            zero.0,
            "vpclint.toml:2:14: invalid quota `0` for [quotas] nacl_rules: expected a positive integer"
        );
        let unknown = parse_str("[quotas]\nroutes = 5\n").unwrap_err();
        assert!(unknown.0.starts_with("vpclint.toml:2:1: "), "{unknown}");
        let text = parse_str("[quotas]\nvpc_ipv4_blocks = \"many\"\n").unwrap_err();
        assert!(text.0.starts_with("vpclint.toml:2:19: "), "{text}");
    }

    #[test]
    fn reads_and_validates_limits() {
        let config = parse_str("[limits]\nmax_steps = 10\nmax_module_depth = 3\n").unwrap();
        assert_eq!(config.limits.max_steps, 10);
        assert_eq!(config.limits.max_module_depth, 3);
        assert_eq!(config.limits.max_instances, Limits::default().max_instances);
        let zero = parse_str("[limits]\nmax_elements = 0\n").unwrap_err();
        assert_eq!(
            zero.0,
            "vpclint.toml:2:16: [limits] max_elements must be a whole number above 0"
        );
        let unknown = parse_str("[limits]\nmax_stepz = 1\n").unwrap_err();
        assert!(unknown.0.starts_with("vpclint.toml:2:1: "), "{unknown}");
        let text = parse_str("[limits]\nmax_steps = \"many\"\n").unwrap_err();
        assert!(text.0.starts_with("vpclint.toml:2:13: "), "{text}");
    }

    #[test]
    fn reads_and_validates_stack_names() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/subnet-outside-vpc/bad/cfn-imports-stack-name");
        let path = dir.join("vpclint.toml");
        let parse_in_dir = |text: &str| parse(&path, text, &[&PARSE_ERROR]);
        let config = parse_in_dir(
            "[cloudformation.stack_names]
\"network.yaml\" = \"network\"\n",
        )
        .unwrap();
        assert_eq!(
            config.stack_names,
            vec![(dir.join("network.yaml"), "network".to_string())]
        );
        let missing =
            parse_in_dir("[cloudformation.stack_names]\n\"nowhere.yaml\" = \"net\"\n").unwrap_err();
        assert!(
            missing.0.contains(":2:1: no template `nowhere.yaml`"),
            "{missing}"
        );
        for bad in ["\"1net\"", "\"net_work\"", "\"\""] {
            let error = parse_in_dir(&format!(
                "[cloudformation.stack_names]\n\"network.yaml\" = {bad}\n"
            ))
            .unwrap_err();
            assert!(error.0.contains(":2:18: invalid stack name"), "{error}");
        }
    }

    #[test]
    fn reads_and_validates_availability_zones() {
        let config = parse_str(
            "[terraform.availability_zones]\nus-west-1 = [\"us-west-1b\", \"us-west-1c\"]\n",
        )
        .unwrap();
        assert_eq!(
            config.availability_zones.get("us-west-1"),
            Some(&vec!["us-west-1b".to_string(), "us-west-1c".to_string()])
        );
        let bad_region =
            parse_str("[terraform.availability_zones]\nwest = [\"west-a\"]\n").unwrap_err();
        assert!(
            bad_region.0.starts_with("vpclint.toml:2:1: "),
            "{bad_region}"
        );
        let bad_zone = parse_str("[terraform.availability_zones]\nus-west-1 = [\"us-east-1a\"]\n")
            .unwrap_err();
        assert!(bad_zone.0.starts_with("vpclint.toml:2:14: "), "{bad_zone}");
        let duplicate = parse_str(
            "[terraform.availability_zones]\nus-west-1 = [\"us-west-1b\", \"us-west-1b\"]\n",
        )
        .unwrap_err();
        assert!(duplicate.0.contains("duplicate"), "{duplicate}");
        let unknown_key = parse_str("[terraform]\nzones = 1\n").unwrap_err();
        assert!(
            unknown_key.0.starts_with("vpclint.toml:2:1: "),
            "{unknown_key}"
        );
    }

    #[test]
    fn reads_and_validates_var_files_per_root() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cli/var-files");
        let config_path = dir.join("vpclint.toml");
        let parse_here = |text: &str| parse(&config_path, text, &[&PARSE_ERROR]);
        let config =
            parse_here("[terraform.var_files]\n\"envs/prod\" = [\"prod.tfvars\"]\n").unwrap();
        assert_eq!(
            config.var_files.get(&dir.join("envs/prod")),
            Some(&vec![dir.join("envs/prod/prod.tfvars")])
        );
        let no_root = parse_here("[terraform.var_files]\n\"envs/qa\" = []\n").unwrap_err();
        assert!(
            no_root.0.contains(":2:1: root module `envs/qa`"),
            "{no_root}"
        );
        let no_file =
            parse_here("[terraform.var_files]\n\"envs/dev\" = [\"prod.tfvars\"]\n").unwrap_err();
        assert!(no_file.0.contains(":2:15: variable file"), "{no_file}");
        // A config file named without a directory is in the working directory.
        let here = parse(
            Path::new("vpclint.toml"),
            "[terraform.var_files]\n\"src\" = []\n",
            &[&PARSE_ERROR],
        )
        .unwrap();
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(here.var_files.keys().next(), Some(&cwd.join("src")));
    }

    #[test]
    fn suggests_only_close_names() {
        let known = ["transitive-peering", "duplicate-route"];
        assert_eq!(
            suggest("transitive-peerin", known.iter().copied()),
            Some("transitive-peering")
        );
        assert_eq!(suggest("banana", known.iter().copied()), None);
    }
}
