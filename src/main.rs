//! `hub-kiosk`: parse the command line and hand over to the library.

fn main() -> std::process::ExitCode {
    hub_kiosk::cli::main()
}
