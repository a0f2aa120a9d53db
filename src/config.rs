//! `vpclint.toml`: rule selection and levels, path excludes, declared on-premises prefixes.
