//! The command line: what each command takes, and turning failures into a message and an exit
//! code (0 done, 1 failed while running, 2 wrong input or configuration).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::config::{self, Config};
use crate::service::Failure;

#[derive(Debug, Parser)]
#[command(
    name = "hub-kiosk",
    version,
    about = "Check-in kiosk for community wellbeing hubs",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the kiosk: the screen, the staff pages, door counting and forwarding.
    ///
    /// SIGHUP (`systemctl reload hub-kiosk`) re-reads the configuration file without a restart;
    /// a file with a problem is refused and the running configuration stays.
    Run(RunArgs),
    /// Check a configuration file and say what is wrong, with the line.
    CheckConfig {
        /// The file to check; default: /etc/hub-kiosk/kiosk.toml.
        file: Option<PathBuf>,
    },
    /// Configuration helpers.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Footfall reports from the kiosk's database.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Staff sign-in helpers.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Forwarding to the central service: what is waiting, and sending refused hours again.
    #[command(subcommand)]
    Sync(crate::sync::cli::SyncCommand),
    /// Run the central service that receives every kiosk's footfall (default port 8090).
    Central(crate::central::cli::CentralArgs),
    /// Membership cards: make signing keys, issue and print cards, check a card.
    #[command(subcommand)]
    Card(crate::cards::cli::CardCommand),
    /// The Recovery College timetable: check a file and list a day's sessions.
    #[command(subcommand)]
    Courses(crate::courses::cli::CoursesCommand),
    /// Draw every screen in every language to PNG files (software renderer, no display).
    Screenshots(ScreenshotsArgs),
    /// Back up the kiosk's database to a file (safe while the kiosk runs).
    Backup(crate::admin::backup::BackupArgs),
    /// Restore the kiosk's database from a backup (stop the kiosk first).
    Restore(crate::admin::backup::RestoreArgs),
    /// Write the man pages (hub-kiosk.1 and one per command) into a directory.
    #[command(hide = true)]
    Man {
        /// Directory for the pages (made if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
}

/// Which configuration a command uses. Without either flag: /etc/hub-kiosk/kiosk.toml when it
/// exists, else the built-in demo.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Configuration file; default: /etc/hub-kiosk/kiosk.toml, or the built-in demo when there is
    /// none.
    #[arg(long, short, env = "HUB_KIOSK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Use the built-in demo even when /etc/hub-kiosk/kiosk.toml exists.
    #[arg(long, conflicts_with = "config")]
    pub demo: bool,
}

#[derive(Debug, Args)]
pub struct ScreenshotsArgs {
    /// Folder for the PNG files (made if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Configuration file (site name, needs, languages); default: the demo.
    #[arg(long, short, env = "HUB_KIOSK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Screen size in pixels, landscape (portrait shots swap it).
    #[arg(long, default_value = "1280x800", value_parser = parse_size)]
    pub size: (u32, u32),
    /// Also check that every text fits, on every screen, in every language and reading mode,
    /// at 1280x800, 800x480 and in portrait; exits 1 listing each one that does not.
    #[arg(long)]
    pub check: bool,
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{s}` is not a size such as 1280x800");
    let (w, h) = s.split_once('x').ok_or_else(bad)?;
    let (w, h): (u32, u32) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
    if !(200..=8000).contains(&w) || !(200..=8000).contains(&h) {
        return Err(format!("{s}: each side must be 200 to 8000 pixels"));
    }
    Ok((w, h))
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Everything but the screen (staff pages, door counting, forwarding).
    #[arg(long)]
    pub headless: bool,
    /// Address and port of the staff pages, overriding the configuration.
    #[arg(long)]
    pub listen: Option<SocketAddr>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a complete, commented example configuration.
    Example,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Daily footfall: door counts, check-ins, needs, drop-ins and the median wait.
    Daily(DailyArgs),
}

#[derive(Debug, Args)]
pub struct DailyArgs {
    /// The configuration (for the database location, time zone and needs).
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Read this database instead of the configured one.
    #[arg(long)]
    pub database: Option<PathBuf>,
    /// First day (YYYY-MM-DD); default: 6 days before --to.
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD); default: today.
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// CSV instead of a table.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Read a passcode and print its Argon2 hash for `staff.logins` in the configuration.
    HashPasscode,
    /// Make a key and a certificate signing request for the trust's certificate authority, or
    /// (--self-signed) a certificate for a trial, for the staff pages or the central service.
    Tls(crate::admin::tls::TlsArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let p = crate::logging::stderr_prefix(&tracing::Level::ERROR);
            let _ = writeln!(std::io::stderr(), "{p}hub-kiosk: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// The configuration named, else /etc/hub-kiosk/kiosk.toml when it exists, else the demo; says
/// on stderr which (`crate::admin`).
pub fn load_config(path: Option<&PathBuf>) -> Result<Config, Failure> {
    crate::admin::kiosk_config(path.map(PathBuf::as_path), false)
}

impl ConfigArgs {
    pub fn load(&self) -> Result<Config, Failure> {
        crate::admin::kiosk_config(self.config.as_deref(), self.demo)
    }
}

/// The file `run` read its configuration from (re-read on SIGHUP).
fn config_file(args: &ConfigArgs) -> PathBuf {
    args.config
        .clone()
        .unwrap_or_else(|| crate::admin::default_path("kiosk.toml"))
}

fn dispatch(command: Command) -> Result<(), Failure> {
    match command {
        Command::Run(args) => {
            crate::service::limit_malloc_arenas();
            let config = args.config.load()?;
            let config_file = (!config.demo).then(|| config_file(&args.config));
            crate::app::run(
                config,
                crate::app::RunOptions {
                    headless: args.headless,
                    listen: args.listen,
                    config_file,
                },
            )
        }
        Command::CheckConfig { file } => check_config(file),
        Command::Config(ConfigCommand::Example) => {
            print!("{}", config::EXAMPLE);
            Ok(())
        }
        Command::Report(ReportCommand::Daily(args)) => report_daily(args),
        Command::Sync(cmd) => crate::sync::cli::command(cmd),
        Command::Central(args) => crate::central::cli::command(args),
        Command::Card(command) => crate::cards::cli::run(command),
        Command::Courses(command) => crate::courses::cli::command(command),
        Command::Screenshots(args) => screenshots(args),
        Command::Staff(StaffCommand::Tls(args)) => crate::admin::tls::run(args),
        Command::Backup(a) => {
            let db = database(a.config.as_deref(), a.demo, a.database.as_ref())?;
            crate::admin::backup::run_backup(
                &db,
                &a.out,
                "kiosk",
                crate::store::backup::KIOSK_NEWEST,
            )
        }
        Command::Restore(a) => {
            let db = database(a.config.as_deref(), a.demo, a.database.as_ref())?;
            crate::admin::backup::restore_kiosk(&a, &db)
        }
        Command::Man { out } => {
            let n = crate::admin::manual::write_man_pages(
                <Cli as clap::CommandFactory>::command(),
                &out,
            )?;
            println!("{n} man pages in {}", out.display());
            Ok(())
        }
        Command::Completions { shell } => {
            crate::admin::manual::print_completions(
                <Cli as clap::CommandFactory>::command(),
                shell,
            );
            Ok(())
        }
        Command::Staff(StaffCommand::HashPasscode) => {
            let passcode = read_secret("Passcode: ").map_err(Failure::runtime)?;
            if passcode.chars().count() < 4 {
                return Err(Failure::usage("use a passcode of at least 4 characters"));
            }
            println!("{}", crate::web::passcode::hash(&passcode));
            Ok(())
        }
    }
}

/// `check-config`: the file given, or the appliance's, read and checked.
fn check_config(file: Option<PathBuf>) -> Result<(), Failure> {
    let file = file.unwrap_or_else(|| crate::admin::default_path("kiosk.toml"));
    let c = Config::load(&file).map_err(Failure::usage)?;
    let timetable = crate::courses::cli::check_configured(&c).map_err(Failure::usage)?;
    println!(
        "{}: ok — site `{}` ({}), kiosk `{}`, {} needs, database {}",
        file.display(),
        c.site.id,
        c.site.name,
        c.kiosk.id,
        c.catalogue.len(),
        c.database_path().display()
    );
    if let Some(t) = timetable {
        println!("{t}");
    }
    for w in &c.warnings {
        println!("warning: {w}");
    }
    Ok(())
}

/// `screenshots`: every screen to PNG files, and with `--check` the layout check.
fn screenshots(args: ScreenshotsArgs) -> Result<(), Failure> {
    let config = load_config(args.config.as_ref())?;
    let shooter = crate::ui::screenshots::Shooter::new(config).map_err(Failure::runtime)?;
    let files = crate::ui::screenshots::write_all(&shooter, &args.out, args.size.0, args.size.1)
        .map_err(Failure::runtime)?;
    println!("{} screenshots in {}", files.len(), args.out.display());
    if !args.check {
        return Ok(());
    }
    let problems = crate::ui::check::check_all(&shooter, &args.out).map_err(Failure::runtime)?;
    if problems.is_empty() {
        println!("layout check: every text fits");
        return Ok(());
    }
    for p in &problems {
        println!("{p}");
    }
    Err(Failure::runtime(format!(
        "layout check: {} texts do not fit (listed above)",
        problems.len()
    )))
}

/// The kiosk database a command works on: `--database`, or the configuration's.
fn database(
    config: Option<&std::path::Path>,
    demo: bool,
    database: Option<&PathBuf>,
) -> Result<PathBuf, Failure> {
    database.cloned().map_or_else(
        || Ok(crate::admin::kiosk_config(config, demo)?.database_path()),
        Ok,
    )
}

fn report_daily(args: DailyArgs) -> Result<(), Failure> {
    let config = args.config.load()?;
    let db = args
        .database
        .clone()
        .unwrap_or_else(|| config.database_path());
    let store = crate::store::Store::open_read_only(&db).map_err(Failure::runtime);
    crate::admin::give_back(&db);
    let store = store?;
    let today = chrono::Utc::now()
        .with_timezone(&config.timezone)
        .date_naive();
    let to = args.to.unwrap_or(today);
    let from = args.from.unwrap_or(to - chrono::Duration::days(6));
    if from > to {
        return Err(Failure::usage(format!("--from {from} is after --to {to}")));
    }
    let days = store
        .footfall_daily(from, to, &config.timezone)
        .map_err(Failure::runtime);
    drop(store);
    crate::admin::give_back(&db);
    let days = days?;
    let out = if args.csv {
        crate::report::csv(&days, &config.catalogue, config.door.calibration)
    } else {
        crate::report::text_table(&days, &config.catalogue, config.door.calibration)
    };
    print!("{out}");
    Ok(())
}

/// Reads one line from standard input, without echo when it is a terminal.
fn read_secret(prompt: &str) -> std::io::Result<String> {
    use std::io::BufRead;
    let tty = unsafe { libc::isatty(libc::STDIN_FILENO) } == 1;
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    if tty {
        eprint!("{prompt}");
        // SAFETY: tcgetattr/tcsetattr on stdin with a valid termios; echo is restored below.
        unsafe {
            libc::tcgetattr(libc::STDIN_FILENO, &mut saved);
            let mut quiet = saved;
            quiet.c_lflag &= !libc::ECHO;
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &quiet);
        }
    }
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if tty {
        // SAFETY: restores the settings read above.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &saved) };
        eprintln!();
    }
    read?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
