use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, Result};

/// Print a shell completion script
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg completions bash > ~/.local/share/bash-completion/completions/kg\n  kg completions zsh > ~/.zfunc/_kg\n  kg completions fish > ~/.config/fish/completions/kg.fish"
)]
pub(super) struct Args {
    /// The shell to complete for
    shell: Shell,
}

pub(super) fn run(args: Args) -> Result {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "kg", &mut script);
    std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
    Ok(())
}
