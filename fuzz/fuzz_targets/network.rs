#![no_main]

//! Structure-aware: a random but valid network, written in Terraform and in
//! CloudFormation, each analyzed twice. Checks: no panic; SARIF valid against the 2.1.0
//! schema; every output identical across the two runs; no parse error or unanalyzed part
//! in either (the input is valid and fully known); both languages give the same findings,
//! rule by rule (they describe the same network).

use libfuzzer_sys::fuzz_target;
use vpclint_fuzz::network::Spec;

fuzz_target!(|spec: Spec| {
    let written = spec.write();
    let terraform = vpclint_fuzz::analyze_twice("main.tf", &written.terraform);
    let cloudformation = vpclint_fuzz::analyze_twice("template.yaml", &written.cloudformation);
    assert_eq!(
        terraform, cloudformation,
        "the two languages disagree\n--- main.tf\n{}\n--- template.yaml\n{}",
        written.terraform, written.cloudformation
    );
});
