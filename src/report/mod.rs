//! Reporters: text (miette), JSON, SARIF, GitHub workflow commands. Nothing else prints.
