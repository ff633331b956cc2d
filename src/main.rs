//! `kg`: the command-line interface to kgraph. Parses arguments, calls the
//! library, prints, and ends with the exit code of what happened
//! (`cli::Error::code`): 0 success, 1 invalid data or a failed check, 2
//! usage or I/O error. A closed pipe ends the program quietly.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if let Some(message) = error.message() {
                eprintln!("{message}");
            }
            ExitCode::from(error.code())
        }
    }
}
