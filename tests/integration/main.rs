//! kgraph's integration tests: one binary, one module per subject. Each
//! test runs the real `kg` binary on fixtures in `tests/fixtures`.

mod common;

mod atomic_output;
mod build;
mod claims;
mod consumers;
mod coverage;
mod determinism;
mod diff;
mod docs;
mod exit_codes;
mod exports_db;
mod exports_rdf;
mod file_schemas;
mod fmt;
mod fuzz;
mod help_examples;
mod html;
mod import;
mod init;
mod io_errors;
mod linear_time;
mod lint_allow;
mod memory;
mod query;
mod readme;
mod render;
mod snapshot;
mod source;
mod terminal;
mod validate;
mod watch;
