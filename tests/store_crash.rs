//! A writer killed with SIGKILL at random moments never loses a check-in it reported as saved,
//! and the database always passes `integrity_check`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::Utc;
use hub_kiosk::domain::{Catalogue, CheckIn, Language, MemberId, NeedId, Source, Stamp, Visitor};
use hub_kiosk::store::{NewTicket, Store};

const CHILD_ENV: &str = "HUB_KIOSK_CRASH_CHILD_DB";

/// The child: writes check-ins as fast as it can, printing each id once it is committed.
#[test]
#[ignore = "run by kill_nine_never_loses_a_committed_check_in as its child process"]
fn crash_child_writer() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let store = Store::open(Path::new(&path)).unwrap();
    let catalogue = Catalogue::life_rooms();
    let needs = [
        ["housing", "courses"],
        ["advisor", "money"],
        ["visiting", "visiting"],
    ];
    for i in 0u64.. {
        let chosen = needs[(i % 3) as usize];
        let visitor = if i % 4 == 0 {
            Visitor::Member(MemberId::new(&format!("M-{i}")).unwrap())
        } else {
            Visitor::Anonymous
        };
        let source = if i % 4 == 0 {
            Source::Card
        } else {
            Source::Touchscreen
        };
        let ci = CheckIn::new(
            &catalogue,
            visitor,
            &chosen,
            Language::english(),
            source,
            Stamp::synced_at(Utc::now()),
        )
        .unwrap();
        let ticket = ci
            .drop_in_needs(&catalogue)
            .first()
            .map(|n: &NeedId| NewTicket {
                need: n.clone(),
                needs: ci.needs.clone(),
                priority: false,
                interpreter: false,
                day: Utc::now().date_naive(),
                prefix: 'A',
            });
        let receipt = store.record_check_in(&ci, ticket).unwrap();
        println!("committed {}", receipt.check_in_id);
    }
}

/// A small xorshift so the test needs no extra crates; the seed is printed for replay.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn kill_nine_never_loses_a_committed_check_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.sqlite3");
    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let mut committed: Vec<i64> = Vec::new();
    let rounds = 40;
    for round in 0..rounds {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "crash_child_writer",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(id) = line
                    .strip_prefix("committed ")
                    .and_then(|s| s.parse::<i64>().ok())
                {
                    let _ = tx.send(id);
                }
            }
        });
        // Wait until the child is writing, then kill it at a random moment.
        let first = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the child started writing");
        committed.push(first);
        let until = Instant::now() + Duration::from_millis(rng.below(120));
        while Instant::now() < until {
            std::thread::yield_now();
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();
        committed.extend(rx.try_iter());

        let store =
            Store::open(&db).unwrap_or_else(|e| panic!("round {round}: reopen failed: {e}"));
        assert_eq!(store.integrity_check().unwrap(), "ok", "round {round}");
        for id in &committed {
            assert!(
                store.has_check_in(*id).unwrap(),
                "round {round}: check-in {id} was reported saved but is gone"
            );
        }
    }
    // Footfall counts equal the rows behind them after all those kills.
    let store = Store::open(&db).unwrap();
    let total = store.footfall_total().unwrap();
    assert_eq!(total.checkins(), store.check_in_count().unwrap());
    assert!(
        committed.len() > rounds,
        "the child wrote {} check-ins",
        committed.len()
    );
}
