//! `hub-kiosk`: parse the command line and hand over to the library.

#![warn(clippy::too_many_lines)]

fn main() -> std::process::ExitCode {
    hub_kiosk::cli::main()
}
