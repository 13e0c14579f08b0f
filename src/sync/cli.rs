//! `hub-kiosk sync`: what is waiting to be forwarded, and sending refused hours again once the
//! cause is fixed. Safe while the kiosk runs (SQLite serialises the writes).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::service::Failure;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Hours waiting to be sent, and hours the central service refused (dead letters).
    Status(SyncArgs),
    /// Put the refused hours back in the outbox, to be sent again.
    Retry(SyncArgs),
    /// Queue every hour from a day on to be sent again (after the central service restored a
    /// backup older than that day).
    Resend {
        #[command(flatten)]
        args: SyncArgs,
        /// First day to send again (YYYY-MM-DD, UTC).
        #[arg(long)]
        since: chrono::NaiveDate,
    },
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Configuration file (for the database location); default: /etc/hub-kiosk/kiosk.toml, or
    /// the demo's when there is none.
    #[arg(long, short, env = "HUB_KIOSK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Use the built-in demo's configuration even when /etc/hub-kiosk/kiosk.toml exists.
    #[arg(long, conflicts_with = "config")]
    pub demo: bool,
    /// Use this database instead of the configured one.
    #[arg(long)]
    pub database: Option<PathBuf>,
}

pub fn command(cmd: SyncCommand) -> Result<(), Failure> {
    let args = match &cmd {
        SyncCommand::Status(a) | SyncCommand::Retry(a) | SyncCommand::Resend { args: a, .. } => a,
    };
    let config = crate::admin::kiosk_config(args.config.as_deref(), args.demo)?;
    let db = args
        .database
        .clone()
        .unwrap_or_else(|| config.database_path());
    if !db.exists() {
        return Err(Failure::usage(format!(
            "no database at {}: run the kiosk once, or give the right --config or --database",
            db.display()
        )));
    }
    let store = Store::open(&db).map_err(Failure::runtime);
    crate::admin::give_back(&db);
    let result = run(cmd, &config, store?);
    crate::admin::give_back(&db);
    result
}

fn run(cmd: SyncCommand, config: &crate::config::Config, store: Store) -> Result<(), Failure> {
    match cmd {
        SyncCommand::Status(_) => {
            let central = config
                .sync
                .central_url
                .as_deref()
                .unwrap_or("(none: sync.central_url is not set)");
            println!("central service: {central}");
            println!(
                "hours waiting:   {}",
                store.outbox_depth().map_err(Failure::runtime)?
            );
            let dead = store.dead_letters().map_err(Failure::runtime)?;
            println!("refused hours:   {}", dead.len());
            for d in dead {
                println!(
                    "  {} (revision {}) refused {} with {}: {}",
                    d.hour.format("%Y-%m-%d %H:00 UTC"),
                    d.revision,
                    d.at.format("%Y-%m-%d %H:%M"),
                    d.status,
                    d.reason
                );
            }
            Ok(())
        }
        SyncCommand::Resend { since, .. } => {
            let from = since.and_time(chrono::NaiveTime::MIN).and_utc();
            let n = store
                .outbox_requeue_since(from, chrono::Utc::now())
                .map_err(Failure::runtime)?;
            println!("{n} hours from {since} queued to be sent again");
            Ok(())
        }
        SyncCommand::Retry(_) => {
            let n = store
                .outbox_requeue_dead_letters(chrono::Utc::now())
                .map_err(Failure::runtime)?;
            println!("{n} refused hours queued again; the kiosk sends them within a minute");
            Ok(())
        }
    }
}
