//! Man pages and shell completions, generated from the command line itself so they never
//! drift from it: `hub-kiosk man --out DIR` writes `hub-kiosk.1` and one page per command
//! (`hub-kiosk-backup.1`…), `hub-kiosk completions bash|zsh|fish` prints a completion script.
//! `image/build-deb` runs both and the package installs the results.

use std::path::Path;

use crate::service::Failure;

/// Writes every man page of `cmd` (the whole command line) into `dir` (made if missing); returns how many.
pub fn write_man_pages(cmd: clap::Command, dir: &Path) -> Result<usize, Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::runtime(format!("cannot make {}: {e}", dir.display())))?;
    clap_mangen::generate_to(cmd, dir)
        .map_err(|e| Failure::runtime(format!("cannot write the man pages: {e}")))?;
    let count = std::fs::read_dir(dir)
        .map_err(|e| Failure::runtime(e.to_string()))?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".1"))
        .count();
    Ok(count)
}

/// Prints the completion script for `shell` on stdout.
pub fn print_completions(mut cmd: clap::Command, shell: clap_complete::Shell) {
    clap_complete::generate(shell, &mut cmd, "hub-kiosk", &mut std::io::stdout());
}
