//! `systemctl reload hub-kiosk` on the real binary: `hub-kiosk run --headless` is started on a
//! file, a visitor is queued, the file gets a new passcode and the process SIGHUP. The same
//! process (same PID, still running) then refuses the old passcode and takes the new one, with
//! the queue intact; a broken file on the next SIGHUP changes nothing and the log and the status
//! page say why, with the line; a key read only at start is named as waiting for a restart.

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hub_kiosk::web::passcode;
use reqwest::{Client, StatusCode, header};

const TOKEN: &str = "process-reload-token-0123456789ab";

fn file(dir: &Path, passcode_text: &str, extra: &str) -> String {
    format!(
        "[site]\nid = \"p\"\nname = \"Process Rooms\"\n[kiosk]\ndata_dir = {:?}\n\
         [hours]\nmonday = \"00:00-23:59\"\ntuesday = \"00:00-23:59\"\nwednesday = \"00:00-23:59\"\n\
         thursday = \"00:00-23:59\"\nfriday = \"00:00-23:59\"\nsaturday = \"00:00-23:59\"\n\
         sunday = \"00:00-23:59\"\n\
         [staff]\nlogins = [ {{ name = \"Sam Patel\", passcode_hash = \"{}\" }} ]\n\
         api_tokens = [ {{ name = \"Queue screen\", token = \"{TOKEN}\" }} ]\n{extra}",
        dir.join("data"),
        passcode::hash(passcode_text)
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Waits (30 s at most) until the log has `text` after `from` bytes; fails if the kiosk exits.
fn wait_for_log(child: &mut Child, log: &Path, from: usize, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let all = read(log);
        if let Some(found) = all.get(from..).filter(|t| t.contains(text)) {
            return found.to_owned();
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the kiosk exited ({status}) before logging `{text}`:\n{all}");
        }
        assert!(Instant::now() < deadline, "no `{text}` in the log:\n{all}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn hangup(child: &Child) {
    // SAFETY: a signal to our own child process.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGHUP) };
}

async fn sign_in(http: &Client, base: &str, passcode_text: &str) -> (StatusCode, Option<String>) {
    let res = http
        .post(format!("{base}/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, base)
        .body(format!(
            "name=Sam+Patel&passcode={passcode_text}&next=%2Fqueue"
        ))
        .send()
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned());
    (res.status(), cookie)
}

async fn queue_ids(http: &Client, base: &str) -> Vec<i64> {
    let res = http
        .get(format!("{base}/api/v1/queue"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["ticket"]["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn sighup_reloads_the_running_process_and_keeps_it_on_a_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let (config, log) = (dir.path().join("kiosk.toml"), dir.path().join("log.txt"));
    std::fs::write(&config, file(dir.path(), "old-passcode-1", "")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"))
        .args(["run", "--headless", "--listen", "127.0.0.1:0", "--config"])
        .arg(&config)
        .env("RUST_LOG", "info")
        .env_remove("HUB_KIOSK_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id();
    let started = wait_for_log(&mut child, &log, 0, "staff pages on http://");
    let base = started
        .split("staff pages on ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    assert_eq!(
        sign_in(&http, &base, "old-passcode-1").await.0,
        StatusCode::SEE_OTHER
    );
    let res = http
        .post(format!("{base}/api/v1/walk-ins"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({ "needs": ["advisor"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let queued = queue_ids(&http, &base).await;
    assert_eq!(queued.len(), 1);

    // A new passcode, and a key read only at start changed too.
    let door = "[door]\nbeam_a_pin = 5\n";
    std::fs::write(&config, file(dir.path(), "new-passcode-2", door)).unwrap();
    let from = read(&log).len();
    hangup(&child);
    let said = wait_for_log(&mut child, &log, from, "the configuration was reloaded");
    assert!(said.contains("`door` changed in the file"), "{said}");
    assert_eq!(
        sign_in(&http, &base, "old-passcode-1").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, cookie) = sign_in(&http, &base, "new-passcode-2").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(child.try_wait().unwrap().is_none(), "still running");
    assert_eq!(child.id(), pid);
    assert_eq!(queue_ids(&http, &base).await, queued, "the queue is intact");

    // A broken file: the running configuration stays, and the log and status page say why.
    std::fs::write(&config, "[site]\nid = \"p\"\nname = [oops\n").unwrap();
    let from = read(&log).len();
    hangup(&child);
    let said = wait_for_log(&mut child, &log, from, "was not reloaded");
    assert!(said.contains("line 3"), "{said}");
    assert_eq!(
        sign_in(&http, &base, "new-passcode-2").await.0,
        StatusCode::SEE_OTHER
    );
    let page = http
        .get(format!("{base}/status"))
        .header(header::COOKIE, cookie.unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("the running one stays"), "{page}");
    assert!(page.contains("line 3"), "{page}");
    assert_eq!(queue_ids(&http, &base).await, queued);

    // SAFETY: stopping our own child as systemd does.
    unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status}:\n{}", read(&log));
}
