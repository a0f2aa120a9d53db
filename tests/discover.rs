//! Discovery: what `vpclint lint` analyzes for directory and file arguments.

use std::path::{Path, PathBuf};
use std::process::Command;
use vpclint::discover::{discover, Excludes, Input};
use vpclint::source::SourceMap;

fn write(path: &Path, text: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const VPC_TF: &[u8] = b"resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";
const TEMPLATE: &[u8] = b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n";

/// The inputs found under `dir`, as `kind path-relative-to-dir`.
fn found(dir: &Path) -> Vec<String> {
    let discovered = discover(
        &[dir.to_path_buf()],
        &Excludes::default(),
        &SourceMap::new(),
    );
    discovered
        .inputs
        .iter()
        .map(|input| {
            let relative = input.path().strip_prefix(dir).unwrap();
            format!("{} {}", input.kind(), relative.display())
        })
        .collect()
}

#[test]
fn gitignore_is_honoured_outside_a_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join(".gitignore"), b"generated/\n");
    write(&dir.path().join("generated/main.tf"), VPC_TF);
    write(&dir.path().join("net/main.tf"), VPC_TF);
    assert_eq!(found(dir.path()), ["terraform-module net"]);
}

/// `vpclint lint` in `dir` with git's global config files under `home` (and nothing from
/// the machine's own git configuration).
fn analyzed_with_home(dir: &Path, home: &Path) -> Vec<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["lint", ".", "--format", "json"])
        .current_dir(dir)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_SYSTEM", home.join("no-system-config"))
        .env_remove("GIT_CONFIG_GLOBAL")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    report["summary"]["analyzed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn git_global_excludes_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let (home, tree) = (dir.path().join("home"), dir.path().join("tree"));
    write(&tree.join("scratch/main.tf"), VPC_TF);
    write(&tree.join("drafts/main.tf"), VPC_TF);
    write(&tree.join("net/main.tf"), VPC_TF);
    write(&home.join("no-config"), b"");
    // No core.excludesFile: git's default file.
    write(&home.join(".config/git/ignore"), b"drafts/\n");
    assert_eq!(analyzed_with_home(&tree, &home), ["net", "scratch"]);
    // core.excludesFile (any case, `~` expanded) replaces the default.
    write(
        &home.join(".gitconfig"),
        b"[user]\n\tname = x\n[Core]\n\tExcludesFile = ~/global-ignore\n",
    );
    write(&home.join("global-ignore"), b"scratch/\n");
    assert_eq!(analyzed_with_home(&tree, &home), ["drafts", "net"]);
}

/// A git config that is not a regular file (here a FIFO no one writes to) is skipped: it
/// must not block the run.
#[cfg(unix)]
#[test]
fn a_git_config_fifo_does_not_block_the_run() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("tree/main.tf"), VPC_TF);
    let fifo = dir.path().join("config-fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping: mkfifo is not available");
        return;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["lint", ".", "--format", "json"])
        .current_dir(dir.path().join("tree"))
        .env("GIT_CONFIG_GLOBAL", &fifo)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("vpclint blocked on a FIFO named by GIT_CONFIG_GLOBAL");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn tool_caches_and_vendored_directories_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    for skipped in [
        ".terraform/modules/vpc",
        ".git/x",
        "node_modules/pkg",
        "cdk.out",
    ] {
        write(&dir.path().join(skipped).join("main.tf"), VPC_TF);
        write(
            &dir.path().join(skipped).join("stack.template.json"),
            b"{\"Resources\": {\"V\": {\"Type\": \"AWS::EC2::VPC\"}}}",
        );
    }
    write(&dir.path().join("main.tf"), VPC_TF);
    assert_eq!(found(dir.path()), ["terraform-module "]);
}

#[test]
fn templates_and_plans_are_recognised_by_content() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("network.yml"), TEMPLATE);
    write(&dir.path().join("stack.template"), TEMPLATE);
    write(
        &dir.path().join("plan.json"),
        b"{\"format_version\": \"1.2\", \"planned_values\": {}}",
    );
    write(&dir.path().join("package.json"), b"{\"name\": \"web\"}");
    write(&dir.path().join("docker-compose.yaml"), b"services: {}\n");
    write(&dir.path().join("notes.txt"), TEMPLATE);
    assert_eq!(
        found(dir.path()),
        [
            "terraform-plan plan.json",
            "cloudformation network.yml",
            "cloudformation stack.template",
        ]
    );
}

#[test]
fn template_sources_another_tool_renders_are_skipped_and_said() {
    let dir = tempfile::tempdir().unwrap();
    // A `templatefile()` source: Terraform expands the directives into the template body.
    write(
        &dir.path().join("exports.yml"),
        b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\nOutputs:\n%{ for name, value in values ~}\n  ${name}:\n    Value: ${value}\n%{ endfor ~}\n",
    );
    // An AWS Proton template with a Jinja loop.
    write(
        &dir.path().join("proton/infrastructure/cloudformation.yaml"),
        b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n{% for subnet in environment.inputs.subnets %}\n  Subnet{{ loop.index }}:\n    Type: AWS::EC2::Subnet\n{% endfor %}\n",
    );
    // A Step Functions JSONata expression is a string of a deployable template.
    write(
        &dir.path().join("states.yaml"),
        b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        QueryLanguage: JSONata\n        StartAt: Done\n        States:\n          Done: {Type: Pass, Output: '{% $states.input %}', End: true}\n",
    );
    // Placeholders alone leave a template readable (their values unknown).
    write(
        &dir.path().join("placeholders.yaml"),
        b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: '{{ environment.inputs.vpc_cidr }}'\n",
    );
    assert_eq!(
        found(dir.path()),
        [
            "cloudformation placeholders.yaml",
            "cloudformation states.yaml"
        ]
    );
    let output = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["lint", "--format", "compact", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("vpclint: skipped exports.yml and 1 other (--verbose lists it): a source another tool renders into a CloudFormation template"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("invalid-cidr"), "{stdout}");
}

#[test]
fn local_child_modules_are_not_roots() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("live/main.tf"),
        b"module \"net\" {\n  source = \"../modules/net\"\n}\n",
    );
    write(
        &dir.path().join("modules/net/main.tf"),
        b"module \"vpc\" {\n  source = \"./vpc\"\n}\n",
    );
    write(&dir.path().join("modules/net/vpc/main.tf"), VPC_TF);
    write(&dir.path().join("other/main.tf"), VPC_TF);
    assert_eq!(
        found(dir.path()),
        ["terraform-module live", "terraform-module other"]
    );
}

/// `module "x" { source = "./x" }` on one line calls a child module all the same.
#[test]
fn a_one_line_module_call_makes_a_child_not_a_root() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("live/main.tf"),
        b"module \"net\" { source = \"../modules/net\" }\n",
    );
    write(&dir.path().join("modules/net/main.tf"), VPC_TF);
    // The word alone, after a brace of another block, is no call.
    write(
        &dir.path().join("other/main.tf"),
        b"locals { source = \"../extra\" }\n",
    );
    write(&dir.path().join("extra/main.tf"), VPC_TF);
    assert_eq!(
        found(dir.path()),
        [
            "terraform-module extra",
            "terraform-module live",
            "terraform-module other"
        ]
    );
}

/// A link to a directory that contains it (`self -> .`, common in repositories that vendor
/// their own examples) adds no file the walk does not already see: it is skipped, with its
/// reason for `--verbose`, not an error that fails CI.
#[cfg(unix)]
#[test]
fn a_symlink_to_an_ancestor_is_skipped_and_the_rest_is_analyzed() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("net/main.tf"), VPC_TF);
    std::os::unix::fs::symlink(dir.path(), dir.path().join("net/loop")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("self")).unwrap();
    let analysis = vpclint::pipeline::analyze(&[dir.path().to_path_buf()], &Default::default());
    let errors: Vec<_> = vpclint::engine::parse_errors(&analysis.units).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        analysis.inputs,
        [Input::TerraformModule(dir.path().join("net"))]
    );
    let mut skipped: Vec<_> = analysis
        .skipped
        .iter()
        .map(|s| s.path.strip_prefix(dir.path()).unwrap().to_path_buf())
        .collect();
    skipped.sort();
    assert_eq!(skipped, [Path::new("net/loop"), Path::new("self")]);
    assert!(analysis.skipped[0].reason.contains("symbolic link"));
}

#[test]
fn invalid_utf8_is_a_parse_error_at_the_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = TEMPLATE.to_vec();
    text.extend_from_slice(b"      Tags: [{Key: Name, Value: caf\xe9}]\n");
    write(&dir.path().join("bad.yaml"), &text);
    write(&dir.path().join("good.yaml"), TEMPLATE);
    let analysis = vpclint::pipeline::analyze(&[dir.path().to_path_buf()], &Default::default());
    let errors: Vec<_> = vpclint::engine::parse_errors(&analysis.units).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let span = errors[0].primary.span;
    let file = analysis.sources.get(span.file);
    assert!(file.path.ends_with("bad.yaml"));
    let at = file.line_col(span.start);
    assert_eq!((at.line, at.column), (7, 36));
    assert_eq!(analysis.inputs.len(), 2, "both templates are still units");
}

/// Runs `vpclint lint ARGS --format json` in `dir` and returns the analyzed units.
fn analyzed_by_cli(dir: &Path, args: &[&str]) -> Vec<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .arg("lint")
        .args(args)
        .args(["--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    let analyzed: Vec<String> = report["summary"]["analyzed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            format!(
                "{} {}",
                u["kind"].as_str().unwrap(),
                u["path"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(report["summary"]["units"], analyzed.len());
    analyzed
}

/// A repository of root modules sharing local child modules.
fn estate() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for env in ["dev", "prod"] {
        write(
            &dir.path().join(format!("envs/{env}/main.tf")),
            b"module \"network\" {\n  source = \"../../modules/network\"\n}\n",
        );
    }
    write(
        &dir.path().join("modules/network/main.tf"),
        b"module \"vpc\" {\n  source = \"../vpc\"\n}\n",
    );
    write(&dir.path().join("modules/vpc/main.tf"), VPC_TF);
    write(&dir.path().join("standalone/main.tf"), VPC_TF);
    write(&dir.path().join("stacks/a.yaml"), TEMPLATE);
    write(&dir.path().join("stacks/b.yaml"), TEMPLATE);
    write(&dir.path().join("README.md"), b"# estate\n");
    dir
}

#[test]
fn a_changed_child_module_file_lints_the_roots_using_it() {
    let dir = estate();
    assert_eq!(
        analyzed_by_cli(dir.path(), &["modules/vpc/main.tf"]),
        ["terraform-module envs/dev", "terraform-module envs/prod"]
    );
}

#[test]
fn a_changed_root_file_lints_only_its_module() {
    let dir = estate();
    assert_eq!(
        analyzed_by_cli(dir.path(), &["standalone/main.tf", "envs/dev/main.tf"]),
        ["terraform-module envs/dev", "terraform-module standalone"]
    );
}

#[test]
fn a_changed_template_lints_only_that_template() {
    let dir = estate();
    assert_eq!(
        analyzed_by_cli(dir.path(), &["stacks/b.yaml", "README.md"]),
        ["cloudformation stacks/b.yaml"]
    );
}

#[test]
fn a_directory_lints_every_root_and_template_once() {
    let dir = estate();
    let all: Vec<PathBuf> = vec![dir.path().to_path_buf()];
    let discovered = discover(&all, &Excludes::default(), &SourceMap::new());
    assert!(discovered.errors.is_empty());
    assert_eq!(
        analyzed_by_cli(dir.path(), &["."]),
        [
            "terraform-module envs/dev",
            "terraform-module envs/prod",
            "terraform-module standalone",
            "cloudformation stacks/a.yaml",
            "cloudformation stacks/b.yaml",
        ]
    );
}

#[test]
fn a_changed_tfvars_file_lints_its_module() {
    let dir = estate();
    write(
        &dir.path().join("envs/prod/terraform.tfvars"),
        b"cidr = \"10.9.0.0/16\"\n",
    );
    write(
        &dir.path().join("vars/shared.tfvars"),
        b"cidr = \"10.9.0.0/16\"\n",
    );
    assert_eq!(
        analyzed_by_cli(
            dir.path(),
            &["envs/prod/terraform.tfvars", "vars/shared.tfvars"]
        ),
        ["terraform-module envs/prod"]
    );
}

/// A CDK cloud assembly is skipped inside a walked directory, and linted when named (the
/// directory or its manifest), with its nested stack evaluated inside the parent and not
/// again on its own.
#[test]
fn a_named_cdk_assembly_is_linted_with_its_nested_stacks() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cli/cdk-app");
    let options = vpclint::pipeline::Options::default();
    let analysis = vpclint::pipeline::analyze(std::slice::from_ref(&app), &options);
    assert!(analysis.inputs.is_empty());
    // `--verbose` says how to lint what was skipped.
    let skipped: Vec<(&Path, &str)> = analysis
        .skipped
        .iter()
        .filter(|s| s.path.ends_with("cdk.out"))
        .map(|s| (s.path.as_path(), s.reason))
        .collect();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0].1.contains("manifest.json"), "{skipped:?}");
    for named in [app.join("cdk.out"), app.join("cdk.out/manifest.json")] {
        let analysis = vpclint::pipeline::analyze(&[named], &options);
        let inputs: Vec<String> = analysis
            .inputs
            .iter()
            .map(|i| i.path().file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(inputs, ["NetworkStack.template.json"]);
        // The nested stack's subnet is in the parent's VPC: the parameter was passed.
        let network = &analysis.network;
        let vpcs: Vec<&str> = network
            .vpcs
            .values()
            .map(|v| v.origin.address.as_str())
            .collect();
        assert_eq!(vpcs, ["Vpc8378EB38"]);
        let subnets: Vec<(&str, Option<&str>)> = network
            .subnets
            .values()
            .map(|s| {
                let vpc = s
                    .vpc
                    .value
                    .map(|id| network.vpcs[id].origin.address.as_str());
                (s.origin.address.as_str(), vpc)
            })
            .collect();
        assert_eq!(
            subnets,
            [(
                "AppNestedStackAppNestedStackResource9A9E2C5B.AppSubnet1F2E3D4C",
                Some("Vpc8378EB38")
            )]
        );
    }
}

/// A SAM application with a local `Location` is a nested stack: its template is evaluated
/// inside the parent, with the parameters the parent passes, and not again on its own.
#[test]
fn a_sam_application_is_evaluated_inside_its_parent() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cli/sam-app");
    let analysis = vpclint::pipeline::analyze(&[app], &vpclint::pipeline::Options::default());
    let inputs: Vec<String> = analysis
        .inputs
        .iter()
        .map(|i| i.path().file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(inputs, ["template.yaml"]);
    let network = &analysis.network;
    let vpcs: Vec<(&str, String)> = network
        .vpcs
        .values()
        .map(|v| (v.origin.address.as_str(), format!("{:?}", v.cidr.value)))
        .collect();
    assert_eq!(vpcs.len(), 1, "{vpcs:?}");
    assert_eq!(vpcs[0].0, "Network.Vpc");
    assert!(vpcs[0].1.contains("10.40.0.0/16"), "{vpcs:?}");
    // The group takes the VPC from the application's output.
    let groups: Vec<Option<&str>> = network
        .security_groups
        .values()
        .map(|g| {
            g.vpc
                .value
                .map(|id| network.vpcs[id].origin.address.as_str())
        })
        .collect();
    assert_eq!(groups, [Some("Network.Vpc")]);
}
