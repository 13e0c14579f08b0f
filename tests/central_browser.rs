//! The central pages in a real browser (Debian's Chromium, headless, driven over the DevTools
//! protocol on a pipe): a reader is sent to the sign-in page, signs in with the form, lands on
//! the site page with its table and chart, cannot read the session cookie from script, and signs
//! out. A wrong passcode shows the error on the form.

use std::io::{BufRead, BufReader, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use hub_kiosk::central::{Central, CentralConfig};
use hub_kiosk::clock::SystemClock;
use hub_kiosk::domain::Counts;
use hub_kiosk::sync::wire::Bucket;
use serde_json::{Value, json};

/// Chromium with `--remote-debugging-pipe`: commands go in on its fd 3, answers come out on fd 4.
struct Browser {
    child: Child,
    to: std::fs::File,
    from: Receiver<Value>,
    /// Messages read while waiting for another one, kept for later waits.
    held: Vec<Value>,
    next_id: u64,
    session: String,
    _profile: tempfile::TempDir,
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

impl Browser {
    fn start() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let (cmd_read, cmd_write) = pipe();
        let (out_read, out_write) = pipe();
        let (r, w) = (
            std::os::fd::AsRawFd::as_raw_fd(&cmd_read),
            std::os::fd::AsRawFd::as_raw_fd(&out_write),
        );
        let mut command = Command::new("chromium");
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-pipe",
            ])
            .args([
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .args(["--no-first-run", "--no-default-browser-check"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: only async-signal-safe dup2 calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                if libc::dup2(r, 3) < 0 || libc::dup2(w, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .expect("Debian's chromium is needed for this test (.ci/run installs it)");
        drop((cmd_read, out_write));
        let (tx, from) = channel();
        let reader = std::fs::File::from(out_read);
        std::thread::spawn(move || {
            for msg in BufReader::new(reader).split(0).map_while(Result::ok) {
                if let Ok(v) = serde_json::from_slice::<Value>(&msg)
                    && tx.send(v).is_err()
                {
                    return;
                }
            }
        });
        let mut b = Browser {
            child,
            to: std::fs::File::from(cmd_write),
            from,
            held: Vec::new(),
            next_id: 0,
            session: String::new(),
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = b.call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        b.session = attached["sessionId"].as_str().unwrap().to_owned();
        b.call("Page.enable", json!({}));
        b
    }

    /// Sends a command (to the page once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        self.to.write_all(msg.to_string().as_bytes()).unwrap();
        self.to.write_all(&[0]).unwrap();
        self.wait(|m| m["id"] == json!(id))["result"].clone()
    }

    fn wait(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.held.iter().position(&want) {
            return self.held.remove(i);
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self
                .from
                .recv_timeout(left)
                .expect("chromium did not answer");
            if m.get("error").is_some() {
                panic!("DevTools error: {m}");
            }
            if want(&m) {
                return m;
            }
            self.held.push(m);
        }
    }

    /// Runs `action` (a navigation or a click) and waits until the next page has loaded.
    fn load(&mut self, action: impl FnOnce(&mut Browser)) {
        action(self);
        self.wait(|m| m["method"] == "Page.loadEventFired");
    }

    fn goto(&mut self, url: &str) {
        self.load(|b| {
            b.call("Page.navigate", json!({"url": url}));
        });
    }

    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true}),
        );
        r["result"]["value"].clone()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_signs_in_and_reads_a_site_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let hash = hub_kiosk::staff::passcode::hash("4821");
    let text = format!(
        "[service]\ndata_dir = \"{}\"\n[[sites]]\nid = \"walton\"\nname = \"The Life Rooms Walton\"\n[[readers]]\nname = \"Central team\"\npasscode_hash = \"{hash}\"\n",
        dir.path().display()
    );
    let central = Central::open(
        CentralConfig::parse(&text, "central.toml").unwrap(),
        Arc::new(SystemClock::new(true)),
    )
    .unwrap();
    let hour = hub_kiosk::domain::hour_start(chrono::Utc::now() - chrono::Duration::hours(1));
    let counts = Counts {
        door_in: 37,
        checkins_anonymous: 12,
        ..Counts::default()
    };
    central
        .store
        .upsert(
            "walton",
            "entrance",
            "db",
            &[Bucket {
                hour,
                revision: 1,
                counts,
            }],
            chrono::Utc::now(),
        )
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(hub_kiosk::central::serve(
        central,
        listener,
        std::future::pending(),
    ));

    let url2 = url.clone();
    tokio::task::spawn_blocking(move || {
        let url = url2;
        let mut b = Browser::start();
        b.goto(&format!("{url}/sites/walton"));
        assert_eq!(b.eval("location.pathname"), "/sign-in");

        // A wrong passcode: the form again, with the error.
        b.eval("document.querySelector('[name=name]').value = 'Central team'; document.querySelector('[name=passcode]').value = '0000'");
        b.load(|b| {
            b.eval("document.querySelector('button[type=submit]').click()");
        });
        assert!(b.eval("document.body.innerText").as_str().unwrap().contains("do not match"));

        b.eval("document.querySelector('[name=name]').value = 'Central team'; document.querySelector('[name=passcode]').value = '4821'");
        b.load(|b| {
            b.eval("document.querySelector('button[type=submit]').click()");
        });
        assert_eq!(b.eval("location.pathname"), "/sites/walton");
        let body = b.eval("document.body.innerText");
        assert!(body.as_str().unwrap().contains("The Life Rooms Walton"), "{body}");
        assert_eq!(b.eval("[...document.querySelectorAll('table.footfall td')].some(td => td.textContent === '37')"), true);
        assert_eq!(b.eval("document.querySelector('svg.chart').getBoundingClientRect().width > 100"), true);
        assert_eq!(b.eval("document.cookie"), "", "the session cookie is HttpOnly");

        b.goto(&format!("{url}/"));
        assert_eq!(b.eval("location.pathname"), "/");
        assert_eq!(b.eval("document.querySelectorAll('svg.chart').length"), 2);

        b.load(|b| {
            b.eval("document.querySelector('form[action=\"/sign-out\"] button').click()");
        });
        assert_eq!(b.eval("location.pathname"), "/sign-in");
        b.goto(&format!("{url}/"));
        assert_eq!(b.eval("location.pathname"), "/sign-in", "signed out");
    })
    .await
    .unwrap();
}
