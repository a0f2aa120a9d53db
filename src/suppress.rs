//! Applying in-source suppressions found by the frontends to findings.
