//! `kg`: the command-line interface to kgraph. Parses arguments, calls the
//! library, prints, and ends with the exit code of what happened
//! (`cli::Error::code`): 0 success, 1 invalid data or a failed check, 2
//! usage or I/O error. A closed pipe ends the program quietly.

mod cli;
#[cfg(unix)]
mod memory;

#[cfg(unix)]
#[global_allocator]
static ALLOCATOR: memory::ExitOnOom = memory::ExitOnOom;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    #[cfg(unix)]
    memory::tune_allocator();
    // A file-size limit (RLIMIT_FSIZE) then fails the write with an error,
    // reported like a full disk, instead of killing kg midway.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to "ignore" before any thread
    // starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let args = cli::Cli::parse();
    // The library spreads its work over rayon's pool, which would start its
    // threads on first use and panic if it cannot (a low address-space cap
    // leaves no room for their stacks). Started here, a failure is an error
    // with a message and exit code 2, like running out of memory.
    if let Err(error) = rayon::ThreadPoolBuilder::new().build_global() {
        eprintln!("error: cannot start kg's worker threads: {error}");
        return ExitCode::from(2);
    }
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
