//! kgraph's integration tests: one binary, one module per subject. Each
//! test runs the real `kg` binary on fixtures in `tests/fixtures`.

mod common;

mod build;
mod claims;
mod consumers;
mod coverage;
mod determinism;
mod exports_db;
mod exports_rdf;
mod io_errors;
mod linear_time;
mod lint_allow;
mod query;
mod readme;
mod render;
mod terminal;
mod validate;
