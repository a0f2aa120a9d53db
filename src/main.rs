// mimalloc: see src/alloc.rs and Cargo.toml.
#[global_allocator]
static GLOBAL: vpclint::alloc::MiMalloc = vpclint::alloc::MiMalloc;

fn main() {
    std::process::exit(vpclint::cli::main());
}
