//! `hub-kiosk backup` / `restore` and `hub-kiosk central backup` / `restore`: the commands around
//! `store::backup`. A backup is safe while the service runs; a restore wants it stopped.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use clap::Args;

use super::give_back;
use crate::service::Failure;
use crate::store::backup::{self as mechanics, NewestSql, Refused, RestorePlan};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file, or a directory to put `kiosk-YYYYMMDDTHHMMSSZ.sqlite3` in.
    #[arg(long)]
    pub out: PathBuf,
    /// Configuration file (for the database location); default: /etc/hub-kiosk/kiosk.toml
    /// (central.toml for `central backup`), or the demo's when there is none.
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// Use the built-in demo's configuration even when the file in /etc/hub-kiosk exists.
    #[arg(long, conflicts_with = "config")]
    pub demo: bool,
    /// Back up this database instead of the configured one.
    #[arg(long)]
    pub database: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to restore.
    pub file: PathBuf,
    /// Configuration file (for the database location); default: /etc/hub-kiosk/kiosk.toml
    /// (central.toml for `central backup`), or the demo's when there is none.
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// Use the built-in demo's configuration even when the file in /etc/hub-kiosk exists.
    #[arg(long, conflicts_with = "config")]
    pub demo: bool,
    /// Restore over this database instead of the configured one.
    #[arg(long)]
    pub database: Option<PathBuf>,
    /// Replace a database that holds records newer than the backup's newest (it is kept beside).
    #[arg(long)]
    pub force: bool,
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map_or("none".into(), |t| {
        t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    })
}

/// `--out` as given, or a dated file inside it when it is a directory.
fn backup_path(out: &Path, stem: &str, now: DateTime<Utc>) -> PathBuf {
    if out.is_dir() {
        out.join(format!("{stem}-{}.sqlite3", now.format("%Y%m%dT%H%M%SZ")))
    } else {
        out.to_owned()
    }
}

/// Backs up `live` into `out` (a file or a directory) and says what it wrote.
pub fn run_backup(live: &Path, out: &Path, stem: &str, newest: NewestSql) -> Result<(), Failure> {
    let file = backup_path(out, stem, Utc::now());
    let done = mechanics::backup(live, &file, newest).map_err(Failure::runtime);
    give_back(live);
    let done = done?;
    give_back(&done.path);
    println!(
        "backup of {} written to {} ({} bytes, integrity ok, newest record {})",
        live.display(),
        done.path.display(),
        done.bytes,
        when(done.newest)
    );
    Ok(())
}

/// Explains a refused restore.
fn refusal(r: Refused, live: &Path, service: &str) -> Failure {
    match r {
        Refused::Newer { live: l, backup } => Failure::runtime(format!(
            "{} holds records up to {}, newer than the backup's newest ({}): restoring would lose them. Add --force to replace it anyway (it is kept beside as a .replaced- file)",
            live.display(),
            when(Some(l)),
            when(backup)
        )),
        Refused::InUse(pids) => Failure::runtime(format!(
            "{} is open in process {pids:?}: stop the service first (sudo systemctl stop {service}), then restore",
            live.display()
        )),
        Refused::Store(e) => Failure::runtime(e),
    }
}

/// Restores the kiosk's database; the restored copy gets a new database id.
pub fn restore_kiosk(args: &RestoreArgs, live: &Path) -> Result<(), Failure> {
    let plan = RestorePlan {
        backup: &args.file,
        live,
        force: args.force,
        newest_sql: mechanics::KIOSK_NEWEST,
        known_version: mechanics::kiosk_schema_version(),
        now: Utc::now(),
    };
    let from = args.file.display().to_string();
    let mut new_id = String::new();
    let done = mechanics::restore(&plan, |conn| {
        new_id = mechanics::give_new_database_id(conn, &from)?;
        Ok(())
    });
    give_back(live);
    let done = done.map_err(|r| refusal(r, live, "hub-kiosk"))?;
    report_restore(&args.file, live, &done);
    println!(
        "new database id {new_id}: the central service takes this database's hours as new, so counts made from now on are forwarded whatever the lost database had sent (docs/sync.md)"
    );
    println!("start the kiosk again: sudo systemctl start hub-kiosk");
    Ok(())
}

/// Restores the central service's database; `check` proves this build can open the backup.
pub fn restore_central(
    args: &RestoreArgs,
    live: &Path,
    newest: NewestSql,
    check: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), Failure> {
    check(&args.file).map_err(Failure::runtime)?;
    let plan = RestorePlan {
        backup: &args.file,
        live,
        force: args.force,
        newest_sql: newest,
        known_version: i64::MAX,
        now: Utc::now(),
    };
    let done = mechanics::restore(&plan, |_| Ok(()));
    give_back(live);
    let done = done.map_err(|r| refusal(r, live, "hub-kiosk-central"))?;
    report_restore(&args.file, live, &done);
    println!(
        "hours the kiosks sent after this backup was made are not in it: on each kiosk run `hub-kiosk sync resend --since {}` to send them again",
        done.newest
            .map_or("YYYY-MM-DD".into(), |t| t.format("%Y-%m-%d").to_string())
    );
    println!("start the service again: sudo systemctl start hub-kiosk-central");
    Ok(())
}

fn report_restore(file: &Path, live: &Path, done: &mechanics::RestoreDone) {
    println!(
        "restored {} into {} (integrity ok, newest record {})",
        file.display(),
        live.display(),
        when(done.newest)
    );
    if let Some(k) = &done.kept {
        println!("the database it replaced is kept as {}", k.display());
    }
}
