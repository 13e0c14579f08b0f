//! `hub-kiosk central`: run the service, check its configuration, print the example.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand};

use super::{Central, CentralConfig, config};
use crate::clock::SystemClock;
use crate::service::Failure;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CentralArgs {
    #[command(subcommand)]
    pub command: Option<CentralCommand>,
    /// Configuration file; default: /etc/hub-kiosk/central.toml, or the built-in demo (it
    /// receives the kiosk demo) when there is none.
    #[arg(long, short, env = "HUB_KIOSK_CENTRAL_CONFIG")]
    pub config: Option<PathBuf>,
    /// Run the built-in demo even when /etc/hub-kiosk/central.toml exists.
    #[arg(long, conflicts_with = "config")]
    pub demo: bool,
    /// Address and port to listen on, overriding the configuration (default 127.0.0.1:8090).
    #[arg(long)]
    pub listen: Option<SocketAddr>,
}

#[derive(Debug, Subcommand)]
pub enum CentralCommand {
    /// Check a central configuration file and say what is wrong, with the line.
    CheckConfig {
        /// The file to check, e.g. /etc/hub-kiosk/central.toml.
        file: PathBuf,
    },
    /// Print a complete, commented example configuration.
    Example,
    /// Back up the central database (safe while the service runs).
    Backup(CentralBackupArgs),
    /// Restore the central database from a backup (stop the service first).
    Restore(CentralRestoreArgs),
}

#[derive(Debug, Args)]
pub struct CentralBackupArgs {
    #[command(flatten)]
    pub backup: crate::admin::backup::BackupArgs,
}

#[derive(Debug, Args)]
pub struct CentralRestoreArgs {
    #[command(flatten)]
    pub restore: crate::admin::backup::RestoreArgs,
}

/// The central configuration: `--config`, else `/etc/hub-kiosk/central.toml`, else the demo;
/// says on stderr which (`crate::admin`).
pub fn central_config(named: Option<&Path>, demo: bool) -> Result<CentralConfig, Failure> {
    use crate::admin::{Chosen, announce, choose, default_path, unreadable_hint};
    let default = default_path("central.toml");
    let chosen = choose(named, demo, &default);
    announce(&chosen, &default, &config::demo_data_dir());
    match chosen {
        Chosen::Named(p) | Chosen::Default(p) => {
            if let Some(f) = unreadable_hint(&p) {
                return Err(f);
            }
            CentralConfig::load(&p).map_err(Failure::usage)
        }
        Chosen::Demo => Ok(CentralConfig::demo()),
    }
}

/// The central database a backup or restore works on: `--database`, or the configuration's.
fn central_database(
    config: Option<&std::path::Path>,
    demo: bool,
    database: Option<&PathBuf>,
) -> Result<PathBuf, Failure> {
    database
        .cloned()
        .map_or_else(|| Ok(central_config(config, demo)?.database_path()), Ok)
}

pub fn command(args: CentralArgs) -> Result<(), Failure> {
    match args.command {
        Some(CentralCommand::CheckConfig { file }) => {
            let c = CentralConfig::load(&file).map_err(Failure::usage)?;
            println!(
                "{}: ok — {} sites, {} kiosks, {} readers, database {}",
                file.display(),
                c.sites.len(),
                c.kiosks.len(),
                c.readers.len(),
                c.database_path().display()
            );
            for w in &c.warnings {
                println!("warning: {w}");
            }
            Ok(())
        }
        Some(CentralCommand::Example) => {
            print!("{}", config::EXAMPLE);
            Ok(())
        }
        Some(CentralCommand::Backup(CentralBackupArgs { backup: a })) => {
            let db = central_database(a.config.as_deref(), a.demo, a.database.as_ref())?;
            crate::admin::backup::run_backup(&db, &a.out, "central", super::backup::NEWEST)
        }
        Some(CentralCommand::Restore(CentralRestoreArgs { restore: a })) => {
            let db = central_database(a.config.as_deref(), a.demo, a.database.as_ref())?;
            crate::admin::backup::restore_central(
                &a,
                &db,
                super::backup::NEWEST,
                super::backup::check_opens,
            )
        }
        None => {
            let config = central_config(args.config.as_deref(), args.demo)?;
            run(config, args.listen)
        }
    }
}

/// Runs the service until Ctrl-C or SIGTERM.
pub fn run(mut config: CentralConfig, listen: Option<SocketAddr>) -> Result<(), Failure> {
    crate::logging::init();
    let _ = rustls::crypto::ring::default_provider().install_default();
    if let Some(l) = listen {
        config.set_listen(l).map_err(Failure::usage)?;
    }
    for w in &config.warnings {
        tracing::warn!("{w}");
    }
    let addr = config.service.listen;
    let scheme = if config.service.tls.is_some() {
        "https"
    } else {
        "http"
    };
    if config.demo {
        tracing::info!(
            "running the built-in central demo: data in {}; sign in as `demo` with passcode {} (API token {})",
            config.service.data_dir.display(),
            crate::config::DEMO_PASSCODE,
            config::DEMO_READER_TOKEN
        );
    }
    let central =
        Central::open(config, Arc::new(SystemClock::new(true))).map_err(Failure::runtime)?;
    let listener = std::net::TcpListener::bind(addr).map_err(|e| {
        Failure::runtime(format!(
            "cannot listen on {addr}: {e}. Is another central service running? Choose another address with --listen or [service] listen"
        ))
    })?;
    let runtime = crate::service::runtime("hub-central", 2)?;
    tracing::info!("central service on {scheme}://{addr}");
    runtime
        .block_on(async move {
            let stop = crate::service::shutdown_signal();
            crate::service::notify_ready();
            tokio::spawn(crate::service::watchdog_loop());
            super::serve(central, listener, stop).await
        })
        .map_err(Failure::runtime)?;
    tracing::info!("stopping");
    Ok(())
}
