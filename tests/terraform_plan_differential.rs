//! Differential test against real Terraform: every Terraform root under `fixtures/` is
//! planned offline with the AWS provider from the local filesystem mirror (fake
//! credentials, `skip_*` flags), and the plan's resource addresses and network-relevant
//! planned values are compared with what `vpclint model` evaluates from the same source.
//! Values unknown in the plan are not compared; a value known in the plan but unknown (or
//! different) in vpclint is a difference. Zero differences are required.
//!
//! To keep it fast (one provider start costs seconds), the roots are planned together: a
//! wrapper configuration calls each root as a module, so one `init`, `plan` and `show`
//! cover them all. A root whose plan fails is dropped from the batch and reported as
//! skipped with Terraform's reason. Roots with `.tfvars` files run on their own, as roots,
//! and so do roots with installed modules (a `.terraform/modules/modules.json` written as
//! `terraform init` writes it), planned after `terraform init -get=false`, which uses that
//! manifest and downloads nothing.
//!
//! Deliberate modelling choices, not compared:
//! - security group rules whose peer is not a CIDR (groups, `self`, prefix lists): vpclint
//!   resolves those to entity references, the plan holds unknown IDs; a peer given as a
//!   literal group ID (a group outside the configuration) is unknown to vpclint, so it is
//!   compared as an unknown peer;
//! - ports of rules whose protocol is not TCP or UDP: vpclint models "all ports" there,
//!   whereas the plan holds the ICMP type/code or the provider's placeholder values;
//! - routes whose destination is a prefix list: vpclint resolves the list to its entity
//!   (its entries are compared on the list), the plan holds an unknown ID;
//! - entries of a prefix list that leaves them to `aws_ec2_managed_prefix_list_entry`
//!   resources: the plan does not say which list an entry resource joins.
//!
//! Skips with a printed reason when `terraform` or the provider mirror is absent.
//!
//! `given_roots_plans_match_vpclint_models` (ignored) runs the same comparison on the
//! directories named in `VPCLINT_PLAN_DIFF_ROOTS`, to check vpclint on public modules
//! without committing them.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use vpclint::discover::{self, Input};
use vpclint::frontend::{terraform, Severity};
use vpclint::model::{dump, lower, Declared};
use vpclint::source::SourceMap;

const PROVIDER_SETTINGS: &str = r#"  access_key                  = "AKIAVPCLINTFAKE00000"
  secret_key                  = "vpclint-fake-secret-key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
"#;

/// Resource types for which vpclint creates an entity carrying the resource's address.
const ENTITY_TYPES: &[&str] = &[
    "aws_vpc",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_subnet",
    "aws_route_table",
    "aws_default_route_table",
    "aws_route_table_association",
    "aws_route",
    "aws_vpn_gateway_route_propagation",
    "aws_vpc_peering_connection",
    "aws_internet_gateway",
    "aws_egress_only_internet_gateway",
    "aws_nat_gateway",
    "aws_instance",
    "aws_network_interface",
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_network_acl_rule",
    "aws_vpn_gateway",
    "aws_customer_gateway",
    "aws_vpn_connection",
    "aws_vpn_connection_route",
    "aws_dx_gateway",
    "aws_dx_gateway_association",
    "aws_ec2_transit_gateway",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_ec2_transit_gateway_route_table",
    "aws_ec2_transit_gateway_route_table_association",
    "aws_ec2_transit_gateway_route_table_propagation",
    "aws_ec2_transit_gateway_route",
    "aws_vpc_endpoint",
    "aws_vpc_dhcp_options",
    "aws_lb",
    "aws_alb",
    "aws_elb",
    "aws_ec2_managed_prefix_list",
];

/// Per resource address, per field, the values (a multiset: sorted before comparing).
type Facts = BTreeMap<String, BTreeMap<&'static str, Vec<String>>>;

struct Root {
    /// Where it is planned, relative to the work tree, e.g. `fixtures/model/terraform/routing`.
    rel: PathBuf,
    facts: Facts,
    /// Addresses of the entities vpclint created for resources.
    addresses: BTreeSet<String>,
    /// The directories of the root and of the local modules it calls, in the work tree.
    module_dirs: BTreeSet<PathBuf>,
}

/// A directory whose Terraform roots are compared, copied to `name` in the work tree (so
/// that module sources leading out of a root, such as `../../`, stay inside the copy).
struct Base {
    source: PathBuf,
    name: String,
}

/// What one comparison found (skipped roots and totals are printed).
struct Outcome {
    roots_compared: usize,
    differences: Vec<String>,
}

#[test]
fn terraform_plans_match_vpclint_models() {
    let crate_root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = Base {
        source: crate_root.join("fixtures"),
        name: "fixtures".into(),
    };
    let Some(outcome) = compare_with_plans(&[fixtures]) else {
        return;
    };
    assert!(outcome.roots_compared > 0, "no root was compared");
    assert!(
        outcome.differences.is_empty(),
        "{} differences between terraform plan and vpclint model:\n{}",
        outcome.differences.len(),
        outcome.differences.join("\n")
    );
}

/// The same comparison on the directories listed in `VPCLINT_PLAN_DIFF_ROOTS` (separated
/// by `:`), e.g. checkouts of public module repositories; ignored unless asked for:
/// `VPCLINT_PLAN_DIFF_ROOTS=/tmp/a:/tmp/b cargo test --release --test
/// terraform_plan_differential -- --ignored --nocapture`.
#[test]
#[ignore = "needs VPCLINT_PLAN_DIFF_ROOTS"]
fn given_roots_plans_match_vpclint_models() {
    let listed = std::env::var("VPCLINT_PLAN_DIFF_ROOTS").unwrap_or_default();
    let bases: Vec<Base> = listed
        .split(':')
        .filter(|dir| !dir.is_empty())
        .enumerate()
        .map(|(i, dir)| {
            let source = Path::new(dir).canonicalize().expect("a listed directory");
            let base = source.file_name().unwrap_or_default().to_string_lossy();
            Base {
                name: format!("{i}-{base}"),
                source,
            }
        })
        .collect();
    assert!(
        !bases.is_empty(),
        "VPCLINT_PLAN_DIFF_ROOTS lists no directory"
    );
    let Some(outcome) = compare_with_plans(&bases) else {
        return;
    };
    for difference in &outcome.differences {
        println!("difference {difference}");
    }
    assert!(
        outcome.differences.is_empty(),
        "{} differences between terraform plan and vpclint model",
        outcome.differences.len()
    );
}

/// Plans every Terraform root under the bases and compares each plan with vpclint's model
/// (printing skipped roots and totals); `None` when terraform or the provider is absent.
fn compare_with_plans(bases: &[Base]) -> Option<Outcome> {
    let started = Instant::now();
    let mirror = provider_mirror()?;
    let work = tempfile::tempdir().expect("temp dir");
    let tree = work.path().join("tree");
    for base in bases {
        copy_dir(&base.source, &tree.join(&base.name));
    }
    std::fs::create_dir_all(work.path().join("plugin-cache")).expect("plugin cache dir");
    let cli_config = work.path().join("cli.tfrc");
    std::fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path = {mirror:?}\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/*/*\"]\n  }}\n}}\nplugin_cache_dir = {:?}\n",
            work.path().join("plugin-cache")
        ),
    )
    .expect("write CLI config");
    add_provider_overrides(&tree);

    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut roots: Vec<Root> = Vec::new();
    for (base, rel) in bases.iter().flat_map(|base| {
        terraform_roots(&base.source)
            .into_iter()
            .map(move |rel| (base, rel))
    }) {
        let dir = base.source.join(&rel);
        let rel = Path::new(&base.name).join(rel);
        let name = rel.display().to_string();
        if rel.starts_with("fixtures/parse-error") {
            skipped.push((name, "deliberate parse errors".into()));
            continue;
        }
        let installed = Installed::read(&dir);
        let mut loaded = BTreeSet::new();
        if let Some(obstacle) = offline_obstacle(&dir, "", &installed, &mut Vec::new(), &mut loaded)
            .or_else(|| required_variable(&dir))
        {
            skipped.push((name, obstacle));
            continue;
        }
        // The module alone: a fixture directory may also hold a plan JSON of it.
        let sources = SourceMap::new();
        let mut unit = terraform::load_root_module(&dir, &terraform::Options::default(), &sources);
        if let Some(error) = unit
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
        {
            skipped.push((
                name,
                format!("vpclint reports an error (deliberate): {}", error.message),
            ));
            continue;
        }
        let network = lower::lower(
            std::slice::from_mut(&mut unit),
            Declared::default(),
            &sources,
        );
        let model = dump::to_json(&network, &sources);
        let (facts, addresses) = model_facts(&model);
        let source = base.source.canonicalize().expect("canonical base");
        let module_dirs = loaded
            .iter()
            .filter_map(|d| Some(Path::new(&base.name).join(d.strip_prefix(&source).ok()?)))
            .collect();
        roots.push(Root {
            rel,
            facts,
            addresses,
            module_dirs,
        });
    }

    let (direct, batched): (Vec<usize>, Vec<usize>) = (0..roots.len()).partition(|&i| {
        let dir = tree.join(&roots[i].rel);
        has_tfvars(&dir) || Installed::read(&dir).is_some()
    });
    let env = TerraformEnv { cli_config };
    let mut planned: BTreeMap<usize, Facts> = BTreeMap::new();
    let mut failed: BTreeMap<usize, String> = BTreeMap::new();
    std::thread::scope(|scope| {
        let batch = scope.spawn(|| plan_batch(&env, work.path(), &roots, &batched));
        let plan_alone = |i: usize| {
            let dir = tree.join(&roots[i].rel);
            add_default_provider(&dir);
            let env = &env;
            scope.spawn(move || (i, plan_dir(env, &dir, &|_| vec![0])))
        };
        let mut singles: Vec<_> = direct.iter().map(|&i| plan_alone(i)).collect();
        let (ok, errors, alone) = batch.join().expect("batch thread");
        planned.extend(ok);
        failed.extend(errors);
        singles.extend(alone.into_iter().map(plan_alone));
        for single in singles {
            let (i, result) = single.join().expect("single-root thread");
            match result {
                Ok(plan) => {
                    planned.insert(i, plan_facts(&plan, ""));
                }
                Err(mut errors) => {
                    failed.insert(i, errors.remove(&0).unwrap_or_default());
                }
            }
        }
    });

    let mut differences = Vec::new();
    let mut values_compared = 0usize;
    let mut roots_compared = 0usize;
    for (i, root) in roots.iter().enumerate() {
        let name = root.rel.display().to_string();
        if let Some(reason) = failed.get(&i) {
            skipped.push((name, format!("terraform plan fails: {reason}")));
            continue;
        }
        let Some(plan) = planned.get(&i) else {
            skipped.push((name, "no plan produced".into()));
            continue;
        };
        roots_compared += 1;
        values_compared += compare(&name, plan, root, &mut differences);
    }

    for (name, reason) in &skipped {
        println!("skipped {name}: {reason}");
    }
    println!(
        "compared {roots_compared} roots and {values_compared} values against terraform plan in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Some(Outcome {
        roots_compared,
        differences,
    })
}

/// The folder above `registry.terraform.io` holding the AWS provider, or `None` (with the
/// reason printed) when terraform or the provider is absent.
fn provider_mirror() -> Option<PathBuf> {
    if Command::new("terraform").arg("version").output().is_err() {
        println!("skipped: terraform is not on PATH");
        return None;
    }
    let found = Command::new("find")
        .args(["/", "-xdev", "-name", "terraform-provider-aws*"])
        .output();
    let Ok(found) = found else {
        println!("skipped: cannot run find to locate the AWS provider");
        return None;
    };
    let mirror = String::from_utf8_lossy(&found.stdout)
        .lines()
        .find_map(|line| {
            Path::new(line)
                .ancestors()
                .find(|dir| {
                    dir.file_name()
                        .is_some_and(|n| n == "registry.terraform.io")
                })
                .and_then(Path::parent)
                .map(Path::to_path_buf)
        });
    if mirror.is_none() {
        println!("skipped: no terraform-provider-aws in a filesystem mirror on this machine");
    }
    mirror
}

/// Terraform root modules under `base`, per vpclint's discovery, relative to it.
fn terraform_roots(base: &Path) -> Vec<PathBuf> {
    let discovered = discover::discover(
        &[base.to_path_buf()],
        &discover::Excludes::default(),
        &vpclint::source::SourceMap::new(),
    );
    discovered
        .inputs
        .iter()
        .filter_map(|input| match input {
            Input::TerraformModule(dir) => dir.strip_prefix(base).ok().map(Path::to_path_buf),
            _ => None,
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy file");
        }
    }
}

fn tf_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|ext| ext == "tf"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn parsed_bodies(dir: &Path) -> Vec<hcl::Body> {
    tf_files(dir)
        .iter()
        .filter_map(|file| std::fs::read_to_string(file).ok())
        .filter_map(|text| hcl::parse(&text).ok())
        .collect()
}

/// What `offline_obstacle` finds, read line by line, in a `.tf` file of `dir` that hcl-rs
/// cannot parse (a byte-order mark, a repeated object key): a registry module source or a
/// resource of another provider.
fn unparsed_obstacle(dir: &Path) -> Option<String> {
    let unparsed = tf_files(dir).into_iter().filter_map(|file| {
        let text = std::fs::read_to_string(&file).ok()?;
        hcl::parse(&text).is_err().then_some(text)
    });
    for text in unparsed {
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            let quoted = |word: &str| word.trim_matches('"').to_string();
            match words[..] {
                ["source", "=", source, ..] => {
                    let source = quoted(source);
                    if !source.starts_with("./") && !source.starts_with("../") {
                        return Some(format!(
                            "calls module {source:?}, which terraform init must download"
                        ));
                    }
                }
                ["resource" | "data", kind, ..] => {
                    let kind = quoted(kind);
                    let provider = kind.split('_').next().unwrap_or_default();
                    if !matches!(provider, "aws" | "terraform") {
                        return Some(format!("uses {kind}, whose provider is not in the mirror"));
                    }
                }
                _ => {}
            }
        }
    }
    None
}

fn string_attribute(body: &hcl::Body, key: &str) -> Option<String> {
    body.attributes()
        .find(|a| a.key.as_str() == key)
        .and_then(|a| match &a.expr {
            hcl::Expression::String(s) => Some(s.clone()),
            _ => None,
        })
}

/// Adds an override file with fake credentials and the `skip_*` flags to every directory
/// of the tree that configures the AWS provider (one block per alias; the region stays the
/// fixture's own).
fn add_provider_overrides(dir: &Path) {
    let mut blocks = String::new();
    for body in parsed_bodies(dir) {
        for block in body.blocks().filter(|b| {
            b.identifier.as_str() == "provider"
                && b.labels.first().is_some_and(|l| l.as_str() == "aws")
        }) {
            blocks.push_str("provider \"aws\" {\n");
            if let Some(alias) = string_attribute(&block.body, "alias") {
                let _ = writeln!(blocks, "  alias = {alias:?}");
            }
            blocks.push_str(PROVIDER_SETTINGS);
            blocks.push_str("}\n");
        }
    }
    if !blocks.is_empty() {
        std::fs::write(dir.join("zz_vpclint_provider_override.tf"), blocks)
            .expect("write provider override");
    }
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        if entry.path().is_dir() {
            add_provider_overrides(&entry.path());
        }
    }
}

/// A root planned on its own gets the provider configuration the wrapper gives the others.
fn add_default_provider(dir: &Path) {
    if !dir.join("zz_vpclint_provider_override.tf").exists() {
        let block =
            format!("provider \"aws\" {{\n  region = \"us-east-1\"\n{PROVIDER_SETTINGS}}}\n");
        std::fs::write(dir.join("zz_vpclint_provider.tf"), block).expect("write provider");
    }
}

/// The modules `terraform init` installed for a root: each call's key (`net.label`) and
/// directory, from `.terraform/modules/modules.json`.
struct Installed {
    root: PathBuf,
    dirs: BTreeMap<String, PathBuf>,
}

impl Installed {
    fn read(root: &Path) -> Option<Installed> {
        let text = std::fs::read_to_string(root.join(".terraform/modules/modules.json")).ok()?;
        let manifest: Value = serde_json::from_str(&text).ok()?;
        let dirs = manifest["Modules"]
            .as_array()?
            .iter()
            .filter_map(|m| Some((m["Key"].as_str()?.to_string(), m["Dir"].as_str()?.into())))
            .collect();
        Some(Installed {
            root: root.to_path_buf(),
            dirs,
        })
    }
}

/// Why the root cannot be planned offline with only the AWS provider: a module source
/// that is neither local nor installed, a module cycle or another provider, found by
/// walking its modules (`key` is the module's key in the manifest, empty for the root).
/// Adds the canonical directory of each module walked to `loaded`.
fn offline_obstacle(
    dir: &Path,
    key: &str,
    installed: &Option<Installed>,
    chain: &mut Vec<PathBuf>,
    loaded: &mut BTreeSet<PathBuf>,
) -> Option<String> {
    let canonical = dir.canonicalize().ok()?;
    loaded.insert(canonical.clone());
    if chain.contains(&canonical) {
        return Some("its module calls form a cycle".into());
    }
    if chain.len() > 16 {
        return Some("its modules nest too deep".into());
    }
    chain.push(canonical);
    let mut obstacle = unparsed_obstacle(dir);
    for body in parsed_bodies(dir) {
        for block in body.blocks() {
            let kind = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
            let provider = kind.split('_').next().unwrap_or_default();
            let foreign = matches!(block.identifier.as_str(), "resource" | "data")
                && !matches!(provider, "aws" | "terraform");
            if foreign && obstacle.is_none() {
                obstacle = Some(format!("uses {kind}, whose provider is not in the mirror"));
            }
            if block.identifier.as_str() != "module" || obstacle.is_some() {
                continue;
            }
            let Some(source) = string_attribute(&block.body, "source") else {
                continue;
            };
            let name = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
            let child_key = if key.is_empty() {
                name.to_string()
            } else {
                format!("{key}.{name}")
            };
            let installed_dir = installed
                .as_ref()
                .and_then(|i| Some(i.root.join(i.dirs.get(&child_key)?)));
            obstacle = if source.starts_with("./") || source.starts_with("../") {
                offline_obstacle(&dir.join(&source), &child_key, installed, chain, loaded)
            } else if let Some(child) = installed_dir {
                offline_obstacle(&child, &child_key, installed, chain, loaded)
            } else {
                Some(format!(
                    "calls module {source:?}, which terraform init must download"
                ))
            };
        }
    }
    chain.pop();
    obstacle
}

/// A root variable without a default and no `.tfvars` beside it: `terraform plan` needs a
/// value (and reports such roots one per plan in a batch), while vpclint keeps it unknown.
fn required_variable(dir: &Path) -> Option<String> {
    if has_tfvars(dir) {
        return None;
    }
    parsed_bodies(dir).iter().find_map(|body| {
        body.blocks()
            .filter(|block| block.identifier.as_str() == "variable")
            .find(|block| block.body.attributes().all(|a| a.key.as_str() != "default"))
            .map(|block| {
                let name = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
                format!("variable {name:?} has no default, which terraform plan needs")
            })
    })
}

fn has_tfvars(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
        })
    })
}

struct TerraformEnv {
    cli_config: PathBuf,
}

impl TerraformEnv {
    fn run(&self, dir: &Path, args: &[&str]) -> std::process::Output {
        Command::new("terraform")
            .args(args)
            .current_dir(dir)
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_WORKSPACE")
            .output()
            .expect("run terraform")
    }
}

/// Plans the roots `indices` as modules of one wrapper configuration. Returns each planned
/// root's facts, each root that made the plan fail with Terraform's reason, and the roots
/// to plan alone: those blamed only for errors in a module that several roots load.
fn plan_batch(
    env: &TerraformEnv,
    work: &Path,
    roots: &[Root],
    indices: &[usize],
) -> (BTreeMap<usize, Facts>, BTreeMap<usize, String>, Vec<usize>) {
    let wrapper = work.join("wrapper");
    std::fs::create_dir_all(&wrapper).expect("wrapper dir");
    let mut remaining: Vec<usize> = indices.to_vec();
    let mut failed = BTreeMap::new();
    let mut alone = Vec::new();
    // Each round drops the roots Terraform blamed; a few rounds suffice since Terraform
    // reports every root's errors at once.
    for _ in 0..6 {
        let mut main =
            format!("provider \"aws\" {{\n  region = \"us-east-1\"\n{PROVIDER_SETTINGS}}}\n");
        let mut lines: Vec<(usize, usize)> = Vec::new();
        for &i in &remaining {
            lines.push((main.lines().count() + 1, i));
            let _ = writeln!(
                main,
                "module \"m{i}\" {{\n  source = \"../tree/{}\"\n}}",
                roots[i].rel.display()
            );
        }
        std::fs::write(wrapper.join("main.tf"), &main).expect("write wrapper");
        let blamed_alone = std::cell::RefCell::new(BTreeSet::new());
        let attribute = |diagnostic: &Value| -> Vec<usize> {
            let blamed = attribute_diagnostic(diagnostic, roots, &remaining, &lines);
            if let [only] = blamed[..] {
                blamed_alone.borrow_mut().insert(only);
            }
            blamed
        };
        match plan_dir(env, &wrapper, &attribute) {
            Ok(plan) => {
                let planned = remaining
                    .iter()
                    .map(|&i| (i, plan_facts(&plan, &format!("module.m{i}."))))
                    .collect();
                return (planned, failed, alone);
            }
            Err(errors) => {
                remaining.retain(|i| !errors.contains_key(i));
                let blamed_alone = blamed_alone.into_inner();
                for (i, reason) in errors {
                    if blamed_alone.contains(&i) {
                        failed.insert(i, reason);
                    } else {
                        alone.push(i);
                    }
                }
            }
        }
    }
    panic!("terraform plan of the batch still fails after dropping the failing roots");
}

/// Which roots a Terraform diagnostic is about: by module address, else by file (every
/// root loading the file's module, else the root holding the file).
fn attribute_diagnostic(
    diagnostic: &Value,
    roots: &[Root],
    remaining: &[usize],
    wrapper_lines: &[(usize, usize)],
) -> Vec<usize> {
    if let Some(address) = diagnostic["address"].as_str() {
        let index = address
            .strip_prefix("module.m")
            .and_then(|rest| rest.split(['.', '[']).next())
            .and_then(|n| n.parse().ok());
        if let Some(index) = index {
            return vec![index];
        }
    }
    let Some(file) = diagnostic["range"]["filename"].as_str() else {
        return Vec::new();
    };
    if file == "main.tf" {
        let line = diagnostic["range"]["start"]["line"]
            .as_u64()
            .unwrap_or_default() as usize;
        return wrapper_lines
            .iter()
            .rev()
            .find(|(start, _)| *start <= line)
            .map(|(_, i)| *i)
            .into_iter()
            .collect();
    }
    let Some(file) = file.strip_prefix("../tree/").map(Path::new) else {
        return Vec::new();
    };
    let loading: Vec<usize> = remaining
        .iter()
        .copied()
        .filter(|&i| {
            file.parent()
                .is_some_and(|dir| roots[i].module_dirs.contains(dir))
        })
        .collect();
    if !loading.is_empty() {
        return loading;
    }
    remaining
        .iter()
        .copied()
        .filter(|&i| file.starts_with(&roots[i].rel))
        .max_by_key(|&i| roots[i].rel.components().count())
        .into_iter()
        .collect()
}

/// `init`, `plan -out` and `show -json` in `dir`: the plan, or the reasons of its failure
/// per root (as `attribute` tells).
fn plan_dir(
    env: &TerraformEnv,
    dir: &Path,
    attribute: &dyn Fn(&Value) -> Vec<usize>,
) -> Result<Value, BTreeMap<usize, String>> {
    // Installed modules are used as they are: nothing is downloaded.
    let get = if Installed::read(dir).is_some() {
        "-get=false"
    } else {
        "-get=true"
    };
    // Terraform's plugin cache is not safe for concurrent use: two inits creating one
    // provider directory fail with "file exists", and a plan or show that runs while
    // another root's init rewrites the cached provider finds "no package ... cached in
    // .terraform/providers" (its entries link into the cache). One init at a time, and
    // none while a plan or show runs; those run together.
    static PROVIDERS: std::sync::RwLock<()> = std::sync::RwLock::new(());
    let providers_in_use = || {
        PROVIDERS
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    let init = {
        let _one_at_a_time = PROVIDERS
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        env.run(
            dir,
            &["init", "-backend=false", "-input=false", "-no-color", get],
        )
    };
    if !init.status.success() {
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&init.stdout),
            String::from_utf8_lossy(&init.stderr)
        );
        // Init names no module, so only a root planned alone can be blamed (e.g. for a
        // provider version the mirror lacks).
        let blamed = attribute(&Value::Null);
        let [root] = blamed[..] else {
            panic!("terraform init failed in {}:\n{output}", dir.display());
        };
        let reason = output
            .lines()
            .skip_while(|line| !line.starts_with("Error:"))
            .find(|line| !line.trim().is_empty() && !line.starts_with("Error:"))
            .unwrap_or_default();
        return Err(BTreeMap::from([(root, format!("init fails: {reason}"))]));
    }
    let plan = {
        let _in_use = providers_in_use();
        env.run(
            dir,
            &[
                "plan",
                "-refresh=false",
                "-input=false",
                "-lock=false",
                "-json",
                "-out=vpclint.tfplan",
            ],
        )
    };
    if !plan.status.success() {
        let mut errors: BTreeMap<usize, String> = BTreeMap::new();
        let stdout = String::from_utf8_lossy(&plan.stdout);
        for line in stdout.lines() {
            let Ok(message) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let diagnostic = &message["diagnostic"];
            if message["type"] != "diagnostic" || diagnostic["severity"] != "error" {
                continue;
            }
            let reason = format!(
                "{}: {} ({})",
                diagnostic["summary"].as_str().unwrap_or_default(),
                diagnostic["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .lines()
                    .next()
                    .unwrap_or_default(),
                diagnostic["address"]
                    .as_str()
                    .or(diagnostic["range"]["filename"].as_str())
                    .unwrap_or_default()
            );
            let blamed = attribute(diagnostic);
            if blamed.is_empty() {
                panic!(
                    "terraform plan failed in {} for no root in particular: {reason}\n{stdout}{}",
                    dir.display(),
                    String::from_utf8_lossy(&plan.stderr)
                );
            };
            for root in blamed {
                errors.entry(root).or_insert_with(|| reason.clone());
            }
        }
        assert!(
            !errors.is_empty(),
            "terraform plan failed in {} without diagnostics:\n{stdout}{}",
            dir.display(),
            String::from_utf8_lossy(&plan.stderr)
        );
        return Err(errors);
    }
    let show = {
        let _in_use = providers_in_use();
        env.run(dir, &["show", "-json", "-no-color", "vpclint.tfplan"])
    };
    assert!(
        show.status.success(),
        "terraform show failed in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&show.stderr)
    );
    Ok(serde_json::from_slice(&show.stdout).expect("plan JSON"))
}

/// Whether an `after_unknown` value holds no unknown anywhere.
fn fully_known(unknown: &Value) -> bool {
    match unknown {
        Value::Bool(b) => !b,
        Value::Array(items) => items.iter().all(fully_known),
        Value::Object(map) => map.values().all(fully_known),
        _ => true,
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// IANA number of a protocol as the provider or vpclint spells it, or `all`.
fn protocol(value: &Value) -> String {
    let text = scalar(value).unwrap_or_default().to_ascii_lowercase();
    match text.as_str() {
        "-1" | "all" => "all".into(),
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        "icmpv6" => "58".into(),
        _ => text,
    }
}

fn ports_of(protocol: &str, from: &Value, to: &Value) -> String {
    if protocol == "6" || protocol == "17" {
        format!(
            "{}-{}",
            scalar(from).unwrap_or_default(),
            scalar(to).unwrap_or_default()
        )
    } else {
        "*".into()
    }
}

/// One planned resource: its values and which of them are unknown.
struct Planned<'a> {
    after: &'a Value,
    unknown: &'a Value,
}

impl Planned<'_> {
    /// The attribute when fully known in the plan (`Null` when known to be unset).
    fn known(&self, key: &str) -> Option<&Value> {
        fully_known(&self.unknown[key]).then(|| &self.after[key])
    }
}

fn push(fields: &mut BTreeMap<&'static str, Vec<String>>, field: &'static str, value: String) {
    fields.entry(field).or_default().push(value);
}

/// `field` from the plan's `key`: compared when known; an unset value is an empty list.
fn plain(
    fields: &mut BTreeMap<&'static str, Vec<String>>,
    r: &Planned,
    field: &'static str,
    key: &str,
) {
    if let Some(value) = r.known(key) {
        let entry = fields.entry(field).or_default();
        entry.extend(scalar(value));
    }
}

fn sg_rule(direction: &str, proto: &Value, from: &Value, to: &Value, cidr: &str) -> String {
    let proto = protocol(proto);
    let ports = ports_of(&proto, from, to);
    format!("{direction} proto={proto} ports={ports} cidr={cidr}")
}

fn nacl_entry(
    direction: &str,
    number: &Value,
    proto: &Value,
    action: &Value,
    cidr: &str,
    from: &Value,
    to: &Value,
) -> String {
    let proto = protocol(proto);
    let ports = ports_of(&proto, from, to);
    format!(
        "{direction} rule={} proto={proto} action={} cidr={cidr} ports={ports}",
        scalar(number).unwrap_or_default(),
        scalar(action).unwrap_or_default()
    )
}

/// A peer given as a known security group ID (from outside the configuration: a managed
/// group's ID is unknown in a plan), which vpclint models as an unknown peer.
fn group_id_peer(r: &Planned, key: &str) -> Option<String> {
    r.known(key)
        .and_then(Value::as_str)
        .map(|_| "<unknown>".into())
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(scalar).collect())
        .unwrap_or_default()
}

/// `GatewayLoadBalancer` (provider) and `gateway-load-balancer` (vpclint) alike.
fn endpoint_type(kind: &str) -> String {
    kind.to_ascii_lowercase().replace('-', "")
}

fn enabled(value: &Value) -> Option<String> {
    match value.as_str() {
        Some("enable") => Some("true".into()),
        Some("disable") => Some("false".into()),
        _ => None,
    }
}

/// The network-relevant known values of the managed resources under `prefix` in a plan.
fn plan_facts(plan: &Value, prefix: &str) -> Facts {
    let mut facts = Facts::new();
    let empty = Vec::new();
    for change in plan["resource_changes"].as_array().unwrap_or(&empty) {
        if change["mode"] != "managed" {
            continue;
        }
        let Some(address) = change["address"]
            .as_str()
            .and_then(|a| a.strip_prefix(prefix))
        else {
            continue;
        };
        let kind = change["type"].as_str().unwrap_or_default();
        if !ENTITY_TYPES.contains(&kind) {
            continue;
        }
        let r = Planned {
            after: &change["change"]["after"],
            unknown: &change["change"]["after_unknown"],
        };
        let fields = facts.entry(address.to_string()).or_default();
        match kind {
            "aws_vpc" => {
                plain(fields, &r, "cidr", "cidr_block");
                plain(fields, &r, "ipv6_cidrs", "ipv6_cidr_block");
                plain(fields, &r, "enable_dns_support", "enable_dns_support");
                plain(fields, &r, "enable_dns_hostnames", "enable_dns_hostnames");
            }
            "aws_vpc_ipv4_cidr_block_association" => plain(fields, &r, "cidr", "cidr_block"),
            "aws_subnet" => {
                plain(fields, &r, "cidr", "cidr_block");
                plain(fields, &r, "ipv6_cidr", "ipv6_cidr_block");
                plain(fields, &r, "az", "availability_zone");
                plain(
                    fields,
                    &r,
                    "map_public_ip_on_launch",
                    "map_public_ip_on_launch",
                );
            }
            "aws_ec2_managed_prefix_list" => {
                plain(fields, &r, "name", "name");
                plain(fields, &r, "max_entries", "max_entries");
                match r.known("entry").and_then(Value::as_array) {
                    Some(entries) if !entries.is_empty() => {
                        let field = fields.entry("entries").or_default();
                        field.extend(entries.iter().filter_map(|e| scalar(&e["cidr"])));
                    }
                    _ => {}
                }
            }
            "aws_route" => {
                let v4 = r.known("destination_cidr_block").and_then(scalar);
                let v6 = r.known("destination_ipv6_cidr_block").and_then(scalar);
                if let Some(destination) = v4.or(v6) {
                    push(fields, "routes", destination);
                }
            }
            "aws_route_table" | "aws_default_route_table" => {
                if let Some(routes) = r.known("route").and_then(Value::as_array) {
                    let entry = fields.entry("routes").or_default();
                    for route in routes {
                        let cidr = [&route["cidr_block"], &route["ipv6_cidr_block"]]
                            .into_iter()
                            .filter_map(scalar)
                            .find(|s| !s.is_empty());
                        entry.extend(cidr);
                    }
                }
            }
            "aws_security_group" | "aws_default_security_group" => {
                if r.known("ingress").is_none() || r.known("egress").is_none() {
                    continue;
                }
                for direction in ["ingress", "egress"] {
                    let Some(rules) = r.after[direction].as_array() else {
                        continue;
                    };
                    let entry = fields.entry("rules").or_default();
                    for rule in rules {
                        let mut cidrs = strings(&rule["cidr_blocks"]);
                        cidrs.extend(strings(&rule["ipv6_cidr_blocks"]));
                        for cidr in cidrs {
                            entry.push(sg_rule(
                                direction,
                                &rule["protocol"],
                                &rule["from_port"],
                                &rule["to_port"],
                                &cidr,
                            ));
                        }
                    }
                }
            }
            "aws_security_group_rule" => {
                let keys = [
                    "type",
                    "protocol",
                    "from_port",
                    "to_port",
                    "cidr_blocks",
                    "ipv6_cidr_blocks",
                ];
                if keys.iter().all(|k| r.known(k).is_some()) {
                    let direction = r.after["type"].as_str().unwrap_or_default();
                    let mut cidrs = strings(&r.after["cidr_blocks"]);
                    cidrs.extend(strings(&r.after["ipv6_cidr_blocks"]));
                    cidrs.extend(group_id_peer(&r, "source_security_group_id"));
                    let entry = fields.entry("rules").or_default();
                    for cidr in cidrs {
                        entry.push(sg_rule(
                            direction,
                            &r.after["protocol"],
                            &r.after["from_port"],
                            &r.after["to_port"],
                            &cidr,
                        ));
                    }
                }
            }
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                let direction = if kind.ends_with("ingress_rule") {
                    "ingress"
                } else {
                    "egress"
                };
                let keys = [
                    "ip_protocol",
                    "from_port",
                    "to_port",
                    "cidr_ipv4",
                    "cidr_ipv6",
                ];
                if keys.iter().all(|k| r.known(k).is_some()) {
                    let cidr = [&r.after["cidr_ipv4"], &r.after["cidr_ipv6"]]
                        .into_iter()
                        .find_map(scalar)
                        .or_else(|| group_id_peer(&r, "referenced_security_group_id"));
                    let entry = fields.entry("rules").or_default();
                    entry.extend(cidr.map(|cidr| {
                        sg_rule(
                            direction,
                            &r.after["ip_protocol"],
                            &r.after["from_port"],
                            &r.after["to_port"],
                            &cidr,
                        )
                    }));
                }
            }
            "aws_network_acl" | "aws_default_network_acl" => {
                if r.known("ingress").is_none() || r.known("egress").is_none() {
                    continue;
                }
                for direction in ["ingress", "egress"] {
                    let Some(entries) = r.after[direction].as_array() else {
                        continue;
                    };
                    let entry = fields.entry("entries").or_default();
                    for e in entries {
                        let cidr = [&e["cidr_block"], &e["ipv6_cidr_block"]]
                            .into_iter()
                            .filter_map(scalar)
                            .find(|s| !s.is_empty())
                            .unwrap_or_default();
                        entry.push(nacl_entry(
                            direction,
                            &e["rule_no"],
                            &e["protocol"],
                            &e["action"],
                            &cidr,
                            &e["from_port"],
                            &e["to_port"],
                        ));
                    }
                }
            }
            "aws_network_acl_rule" => {
                let keys = [
                    "egress",
                    "rule_number",
                    "protocol",
                    "rule_action",
                    "cidr_block",
                    "ipv6_cidr_block",
                    "from_port",
                    "to_port",
                ];
                if keys.iter().all(|k| r.known(k).is_some()) {
                    let direction = if r.after["egress"] == true {
                        "egress"
                    } else {
                        "ingress"
                    };
                    let cidr = [&r.after["cidr_block"], &r.after["ipv6_cidr_block"]]
                        .into_iter()
                        .filter_map(scalar)
                        .find(|s| !s.is_empty())
                        .unwrap_or_default();
                    push(
                        fields,
                        "entries",
                        nacl_entry(
                            direction,
                            &r.after["rule_number"],
                            &r.after["protocol"],
                            &r.after["rule_action"],
                            &cidr,
                            &r.after["from_port"],
                            &r.after["to_port"],
                        ),
                    );
                }
            }
            "aws_instance" | "aws_network_interface" => {
                // An instance given its ENIs plans no value: the primary ENI's applies.
                if let Some(check) = r.known("source_dest_check").and_then(scalar) {
                    push(fields, "source_dest_check", check);
                }
            }
            "aws_nat_gateway" => plain(fields, &r, "connectivity", "connectivity_type"),
            "aws_lb" | "aws_alb" | "aws_elb" => {
                if kind != "aws_elb" {
                    plain(fields, &r, "type", "load_balancer_type");
                }
                if let Some(internal) = r.known("internal").and_then(Value::as_bool) {
                    let scheme = if internal {
                        "internal"
                    } else {
                        "internet-facing"
                    };
                    push(fields, "scheme", scheme.into());
                }
            }
            "aws_vpc_peering_connection" => plain(fields, &r, "accepter_region", "peer_region"),
            "aws_vpn_connection" => plain(fields, &r, "static_routes_only", "static_routes_only"),
            "aws_customer_gateway" => plain(fields, &r, "bgp_asn", "bgp_asn"),
            "aws_vpn_connection_route" => {
                plain(fields, &r, "destination", "destination_cidr_block");
            }
            "aws_ec2_transit_gateway" => {
                for (field, key) in [
                    (
                        "default_route_table_association",
                        "default_route_table_association",
                    ),
                    (
                        "default_route_table_propagation",
                        "default_route_table_propagation",
                    ),
                    (
                        "security_group_referencing",
                        "security_group_referencing_support",
                    ),
                ] {
                    if let Some(value) = r.known(key).and_then(enabled) {
                        push(fields, field, value);
                    }
                }
            }
            "aws_ec2_transit_gateway_vpc_attachment" => {
                plain(
                    fields,
                    &r,
                    "default_association",
                    "transit_gateway_default_route_table_association",
                );
                plain(
                    fields,
                    &r,
                    "default_propagation",
                    "transit_gateway_default_route_table_propagation",
                );
                if let Some(value) = r
                    .known("security_group_referencing_support")
                    .and_then(enabled)
                {
                    push(fields, "security_group_referencing", value);
                }
            }
            "aws_ec2_transit_gateway_route" => {
                plain(fields, &r, "destination", "destination_cidr_block");
                plain(fields, &r, "blackhole", "blackhole");
            }
            "aws_vpc_endpoint" => {
                if let Some(kind) = r.known("vpc_endpoint_type").and_then(scalar) {
                    push(fields, "endpoint_type", endpoint_type(&kind));
                }
                plain(fields, &r, "service_name", "service_name");
                plain(fields, &r, "private_dns_enabled", "private_dns_enabled");
            }
            _ => {}
        }
    }
    facts
}

/// The resource type of `type.name`, `type.name[key]` under `module.x.` prefixes; `None`
/// for a synthetic entity, which adds a further `.attribute` (e.g. a VPC's implicit main
/// route table).
fn resource_type(address: &str) -> Option<String> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut parts = vec![String::new()];
    for c in address.chars() {
        match c {
            '"' => in_string = !in_string,
            '[' if !in_string => depth += 1,
            ']' if !in_string => depth = depth.saturating_sub(1),
            '.' if !in_string && depth == 0 => {
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    let mut rest = parts.as_slice();
    while let [first, _, tail @ ..] = rest {
        if first != "module" {
            break;
        }
        rest = tail;
    }
    match rest {
        [kind, _] => Some(kind.clone()),
        _ => None,
    }
}

/// vpclint's side: the same facts from `vpclint model` JSON, and the entity addresses.
fn model_facts(model: &Value) -> (Facts, BTreeSet<String>) {
    let mut facts = Facts::new();
    let mut addresses = BTreeSet::new();
    let Some(arenas) = model.as_object() else {
        return (facts, addresses);
    };
    let text = |value: &Value| scalar(value).unwrap_or_else(|| "<unknown>".into());
    for (arena, entities) in arenas {
        let Some(entities) = entities.as_array() else {
            continue;
        };
        for e in entities {
            let Some(address) = e["address"].as_str() else {
                continue;
            };
            if resource_type(address).is_some() {
                addresses.insert(address.to_string());
            }
            let fields = facts.entry(address.to_string()).or_default();
            let mut copy = |field: &'static str| {
                let entry = fields.entry(field).or_default();
                match e.get(field) {
                    None => {}
                    Some(Value::Array(items)) => entry.extend(items.iter().map(text)),
                    Some(value) => entry.push(text(value)),
                }
            };
            match arena.as_str() {
                "vpcs" => {
                    for field in [
                        "cidr",
                        "ipv6_cidrs",
                        "enable_dns_support",
                        "enable_dns_hostnames",
                    ] {
                        copy(field);
                    }
                }
                "cidr_blocks" => copy("cidr"),
                "subnets" => {
                    for field in ["cidr", "ipv6_cidr", "az", "map_public_ip_on_launch"] {
                        copy(field);
                    }
                }
                "routes" => {
                    let destination = &e["destination"];
                    if destination != "prefix-list" && destination["kind"] != "prefix-list" {
                        push(fields, "routes", text(destination));
                    }
                }
                "sg_rules" => {
                    let peer = &e["peer"];
                    if peer["kind"] == "cidr" || peer.is_null() {
                        let rule = sg_rule(
                            e["direction"].as_str().unwrap_or_default(),
                            &e["protocol"],
                            &e["ports"]["from"],
                            &e["ports"]["to"],
                            &text(&peer["cidr"]),
                        );
                        push(fields, "rules", rule);
                    }
                }
                "nacl_entries" => {
                    let entry = nacl_entry(
                        e["direction"].as_str().unwrap_or_default(),
                        &e["rule_number"],
                        &e["protocol"],
                        &e["action"],
                        &text(&e["cidr"]),
                        &e["ports"]["from"],
                        &e["ports"]["to"],
                    );
                    push(fields, "entries", entry);
                }
                "instances" | "network_interfaces" => copy("source_dest_check"),
                "nat_gateways" => copy("connectivity"),
                "load_balancers" => {
                    copy("type");
                    copy("scheme");
                }
                "peerings" => copy("accepter_region"),
                "prefix_lists" => {
                    copy("name");
                    copy("max_entries");
                    if e["entries_complete"] == true {
                        copy("entries");
                    }
                }
                "vpn_connections" => copy("static_routes_only"),
                "customer_gateways" => copy("bgp_asn"),
                "vpn_routes" => copy("destination"),
                "transit_gateways" => {
                    for field in [
                        "default_route_table_association",
                        "default_route_table_propagation",
                        "security_group_referencing",
                    ] {
                        copy(field);
                    }
                }
                "tgw_attachments" => {
                    for field in [
                        "default_association",
                        "default_propagation",
                        "security_group_referencing",
                    ] {
                        copy(field);
                    }
                }
                "tgw_routes" => {
                    copy("destination");
                    copy("blackhole");
                }
                "vpc_endpoints" => {
                    copy("service_name");
                    copy("private_dns_enabled");
                    push(
                        fields,
                        "endpoint_type",
                        endpoint_type(&text(&e["endpoint_type"])),
                    );
                }
                _ => {}
            }
        }
    }
    (facts, addresses)
}

/// Compares one root; returns how many values were compared.
fn compare(name: &str, plan: &Facts, root: &Root, differences: &mut Vec<String>) -> usize {
    let planned: BTreeSet<&String> = plan.keys().collect();
    let modelled: BTreeSet<&String> = root.addresses.iter().collect();
    for missing in planned.difference(&modelled) {
        differences.push(format!(
            "{name}: {missing} is planned but not in vpclint's model"
        ));
    }
    for extra in modelled.difference(&planned) {
        let kind = resource_type(extra).unwrap_or_default();
        if ENTITY_TYPES.contains(&kind.as_str()) {
            differences.push(format!(
                "{name}: {extra} is in vpclint's model but not planned"
            ));
        }
    }
    let mut compared = 0;
    let none = BTreeMap::new();
    for (address, fields) in plan {
        let ours = root.facts.get(address).unwrap_or(&none);
        for (field, values) in fields {
            let mut expected = values.clone();
            expected.sort();
            let mut actual = ours.get(field).cloned().unwrap_or_default();
            actual.sort();
            compared += expected.len().max(1);
            if expected != actual && modelled.contains(address) {
                differences.push(format!(
                    "{name}: {address}.{field}: plan {expected:?}, vpclint {actual:?}"
                ));
            }
        }
    }
    compared
}
