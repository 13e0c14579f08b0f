//! An operator who runs a command with sudo against the live data directory must not leave
//! root-owned files there (SQLite's `-wal` and `-shm`, a backup, a restored database): the
//! service, running as its own user, could then no longer open its database. Only meaningful as
//! root (CI runs as root); skipped otherwise.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Output};

use hub_kiosk::domain::Stamp;
use hub_kiosk::domain::footfall::Direction;
use hub_kiosk::store::Store;

/// The user the data directory belongs to here (`nobody`), standing in for `hub-kiosk`.
const SERVICE: u32 = 65534;

fn hub_kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(args)
        .env_remove("HUB_KIOSK_CONFIG")
        .env("HUB_KIOSK_TEST_ETC", "/nonexistent")
        .output()
        .unwrap()
}

/// Every file and directory under `dir` that is not the service user's.
fn not_the_services(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let m = std::fs::symlink_metadata(e.path()).unwrap();
        if m.uid() != SERVICE || m.gid() != SERVICE {
            out.push(format!("{} ({}:{})", e.path().display(), m.uid(), m.gid()));
        }
        if m.is_dir() {
            out.extend(not_the_services(&e.path()));
        }
    }
    out
}

#[test]
fn commands_run_as_root_give_what_they_make_back_to_the_service_user() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: only root can show this");
        return;
    }
    let top = tempfile::tempdir().unwrap();
    let data = top.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let db = data.join("kiosk.sqlite3");
    {
        let store = Store::open(&db).unwrap();
        let at = "2026-11-23T10:05:00Z".parse().unwrap();
        store
            .record_door_pass(&Stamp::synced_at(at), Direction::In)
            .unwrap();
    }
    let backups = data.join("backups");
    std::fs::create_dir(&backups).unwrap();
    for p in [&data, &db, &backups] {
        std::os::unix::fs::chown(p, Some(SERVICE), Some(SERVICE)).unwrap();
    }
    assert_eq!(not_the_services(&data), Vec::<String>::new());

    let d = db.to_str().unwrap();
    let b = backups.to_str().unwrap();
    for args in [
        vec!["report", "daily", "--database", d],
        vec!["sync", "status", "--database", d],
        vec!["backup", "--database", d, "--out", b],
    ] {
        let out = hub_kiosk(&args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            not_the_services(&data),
            Vec::<String>::new(),
            "after {args:?}"
        );
    }
    let file = std::fs::read_dir(&backups)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let out = hub_kiosk(&[
        "restore",
        file.to_str().unwrap(),
        "--database",
        d,
        "--force",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        not_the_services(&data),
        Vec::<String>::new(),
        "after restore"
    );
}
