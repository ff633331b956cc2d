//! `kg`: the command-line interface to kgraph. Parses arguments, calls the
//! library, prints, and maps outcomes to exit codes: 0 success, 1 invalid
//! data or a failed check, 2 usage or I/O error. A closed pipe ends the
//! program quietly.

mod cli;
#[cfg(unix)]
mod memory;

#[cfg(unix)]
#[global_allocator]
static ALLOCATOR: memory::ExitOnOom = memory::ExitOnOom;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A file-size limit (RLIMIT_FSIZE) then fails the write with an error,
    // reported like a full disk, instead of killing kg midway.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to "ignore" before any thread
    // starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(cli::Outcome::Success) => ExitCode::SUCCESS,
        Ok(cli::Outcome::Failure) => ExitCode::from(1),
        Ok(cli::Outcome::IoFailure) => ExitCode::from(2),
        Err(error) if cli::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) if cli::is_unexportable_data(&error) => {
            print_error(&error);
            ExitCode::from(1)
        }
        Err(error) => {
            print_error(&error);
            ExitCode::from(2)
        }
    }
}

/// An error may quote the data (a path, a name): shown escaped, never raw.
fn print_error(error: &anyhow::Error) {
    eprintln!("error: {}", kgraph::terminal::safe(&format!("{error:#}")));
}
