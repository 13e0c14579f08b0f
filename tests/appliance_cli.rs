//! The command line on the appliance, as the site's IT person uses it over SSH: without
//! `--config`, every command reads `/etc/hub-kiosk/kiosk.toml` when it exists (here a test
//! directory standing in for `/etc/hub-kiosk`, `HUB_KIOSK_TEST_ETC`), the demo only without it or
//! with `--demo`, and each says which it used. Man pages and completions come from the same CLI.

use std::path::Path;
use std::process::{Command, Output};

use hub_kiosk::domain::Stamp;
use hub_kiosk::domain::footfall::Direction;
use hub_kiosk::store::Store;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs hub-kiosk with `etc` standing in for /etc/hub-kiosk and the demo's data in `demo`.
fn hub_kiosk(etc: &Path, demo: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(args)
        .env("HUB_KIOSK_TEST_ETC", etc)
        .env("HUB_KIOSK_DEMO_DIR", demo)
        .env_remove("HUB_KIOSK_CONFIG")
        .output()
        .unwrap()
}

/// A database in `dir` with `n` people in through the door on 23 November 2026.
fn database_with_passes(dir: &Path, n: usize) {
    let store = Store::open(&dir.join("kiosk.sqlite3")).unwrap();
    let at = "2026-11-23T10:05:00Z".parse().unwrap();
    for _ in 0..n {
        store
            .record_door_pass(&Stamp::synced_at(at), Direction::In)
            .unwrap();
    }
}

const DAY: [&str; 7] = [
    "report",
    "daily",
    "--from",
    "2026-11-23",
    "--to",
    "2026-11-23",
    "--csv",
];

/// The door-in column of the report's one day.
fn door_in(out: &Output) -> String {
    let csv = text(&out.stdout);
    let line = csv
        .lines()
        .nth(1)
        .unwrap_or_else(|| panic!("no day in {csv}"));
    line.split(',').nth(1).unwrap().to_owned()
}

struct Site {
    _dir: tempfile::TempDir,
    etc: std::path::PathBuf,
    demo: std::path::PathBuf,
}

/// The site's data has 5 passes, the demo's 1.
fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let (etc, data, demo) = (
        dir.path().join("etc"),
        dir.path().join("data"),
        dir.path().join("demo"),
    );
    for d in [&etc, &data, &demo] {
        std::fs::create_dir_all(d).unwrap();
    }
    database_with_passes(&data, 5);
    database_with_passes(&demo, 1);
    std::fs::write(
        etc.join("kiosk.toml"),
        format!("[site]\nid = \"walton\"\nname = \"Walton\"\n[kiosk]\ndata_dir = {data:?}\n"),
    )
    .unwrap();
    Site {
        _dir: dir,
        etc,
        demo,
    }
}

#[test]
fn report_daily_without_config_uses_the_appliance_file_and_says_so() {
    let s = site();
    let out = hub_kiosk(&s.etc, &s.demo, &DAY);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(door_in(&out), "5", "the site's database, not the demo's");
    let said = text(&out.stderr);
    let file = s.etc.join("kiosk.toml");
    assert!(
        said.contains(&format!("configuration {}", file.display())),
        "{said}"
    );
}

#[test]
fn without_the_appliance_file_or_with_demo_it_says_it_uses_the_demo() {
    let s = site();
    let out = hub_kiosk(&s.etc, &s.demo, &[&DAY[..], &["--demo"]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(door_in(&out), "1");
    assert!(text(&out.stderr).contains("using the built-in demo"));

    std::fs::remove_file(s.etc.join("kiosk.toml")).unwrap();
    let out = hub_kiosk(&s.etc, &s.demo, &DAY);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(door_in(&out), "1");
    let said = text(&out.stderr);
    assert!(said.contains("using the built-in demo"), "{said}");
    assert!(said.contains(&s.demo.display().to_string()), "{said}");
}

#[test]
fn sync_status_and_backup_follow_the_same_rule() {
    let s = site();
    let out = hub_kiosk(&s.etc, &s.demo, &["sync", "status"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("configuration"));
    let copy = s.etc.join("copy.sqlite3");
    let out = hub_kiosk(
        &s.etc,
        &s.demo,
        &["backup", "--out", copy.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let total = Store::open_read_only(&copy)
        .unwrap()
        .footfall_total()
        .unwrap();
    assert_eq!(total.door_in, 5, "the site's database was backed up");
}

#[test]
fn a_configuration_that_cannot_be_read_names_the_group() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        eprintln!("skipped: root reads every file");
        return;
    }
    let s = site();
    let file = s.etc.join("kiosk.toml");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = hub_kiosk(&s.etc, &s.demo, &DAY);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("hub-kiosk group"));
}

#[test]
fn man_pages_cover_every_command_and_man_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    let out = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["man", "--out"])
        .arg(&pages)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    for page in [
        "hub-kiosk.1",
        "hub-kiosk-run.1",
        "hub-kiosk-backup.1",
        "hub-kiosk-restore.1",
        "hub-kiosk-report-daily.1",
        "hub-kiosk-central.1",
    ] {
        assert!(pages.join(page).is_file(), "{page} missing");
    }
    let main = std::fs::read_to_string(pages.join("hub-kiosk.1")).unwrap();
    assert!(main.contains(".TH hub-kiosk 1"), "{main}");
    assert!(main.contains("backup"));
    if Path::new("/usr/bin/man").exists() {
        let shown = Command::new("man")
            .arg("-l")
            .arg(pages.join("hub-kiosk-backup.1"))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .output()
            .unwrap();
        assert!(shown.status.success(), "{}", text(&shown.stderr));
        assert!(
            text(&shown.stdout).contains("--out"),
            "{}",
            text(&shown.stdout)
        );
    }
}

#[test]
fn bash_completion_knows_the_new_commands_and_is_valid_bash() {
    let out = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let script = text(&out.stdout);
    assert!(script.contains("backup") && script.contains("restore"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hub-kiosk.bash");
    std::fs::write(&file, &script).unwrap();
    let check = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(check.status.success(), "{}", text(&check.stderr));
}

#[test]
fn check_config_and_card_verify_default_to_the_appliance_file() {
    let s = site();
    let out = hub_kiosk(&s.etc, &s.demo, &["check-config"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ok — site `walton`"));
    // The site's file has no card keys (the demo's has), so this shows which was read.
    let out = hub_kiosk(&s.etc, &s.demo, &["card", "verify", "HK1:anything"]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(said.contains("has no card keys"), "{said}");
    assert!(said.contains("configuration"), "{said}");
}
