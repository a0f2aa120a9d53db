fn main() {
    std::process::exit(vpclint::cli::main());
}
