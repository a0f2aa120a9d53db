//! The rule engine: runs the rules over the model in parallel, turns frontend errors into
//! `parse-error` findings, applies configuration and suppressions, sorts the result.
