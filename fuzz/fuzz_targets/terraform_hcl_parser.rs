#![no_main]

//! The HCL parser alone (body, expression, template): thousands of inputs a second where
//! `terraform_hcl` runs the whole of vpclint on each.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        vpclint::exercise::hcl_parser(text);
    }
});
