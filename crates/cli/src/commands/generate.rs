//! `sovstack generate`: the man pages and shell completions, generated from the clap definitions
//! (hidden: packagers run it, `tools/build-deb.sh` among them).

use crate::exit;
use anyhow::{Context, Result};
use clap::Subcommand;
use clap_complete::Shell;
use std::path::{Path, PathBuf};

/// Generate the man pages or the shell completions.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write sovstack.1 and one page per subcommand (sovstack-scan.1, ...) into DIR.
    Man {
        /// The directory (created if missing).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Print the completion script of SHELL (bash, zsh, fish, elvish, powershell) on stdout.
    Completions {
        #[arg(value_name = "SHELL")]
        shell: Shell,
    },
}

impl Command {
    pub fn execute(self) -> Result<u8> {
        match self {
            Command::Man { dir } => man_pages(&dir)?,
            Command::Completions { shell } => {
                let mut bytes = Vec::new();
                clap_complete::generate(shell, &mut crate::command(), "sovstack", &mut bytes);
                crate::output::emit(None, &bytes)?;
            }
        }
        Ok(exit::SUCCESS)
    }
}

/// One page per command, named after its path (`sovstack-ruleset-show.1`); hidden commands
/// (this one) get none.
fn man_pages(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut cmd = crate::command();
    cmd.build();
    write_pages(&cmd, "sovstack", dir)
}

fn write_pages(cmd: &clap::Command, name: &str, dir: &Path) -> Result<()> {
    let page = cmd.clone().name(name.to_string());
    let mut bytes = Vec::new();
    clap_mangen::Man::new(page).render(&mut bytes)?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(())
}
