//! The reader's tests: what it hands the writer, and that its rows and answers are those of
//! reading an upload the usual way.

use super::*;
use crate::domain::Counts;

fn kiosk() -> KioskEntry {
    KioskEntry {
        site: "walton".into(),
        id: "entrance".into(),
        token: String::new(),
    }
}

fn upload(n: i64) -> Upload {
    let first: DateTime<Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
    Upload {
        version: 2,
        site: "walton".into(),
        kiosk: "entrance".into(),
        database: "5b0c6f0e-6a1f-4b43-9a55-1d2f0c3e7a21".into(),
        buckets: (0..n)
            .map(|i| Bucket {
                hour: first + Duration::hours(i),
                revision: 1,
                counts: Counts {
                    door_in: 1,
                    ..Counts::default()
                },
            })
            .collect(),
        software: None,
    }
}

/// What the reader hands the writer for `body`: "start", the size of each batch of rows,
/// then "vetted", "refused" or "unreadable".
fn handed(body: &str) -> Vec<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let now = "2026-11-23T15:20:00Z".parse().unwrap();
    read(body.as_bytes(), &kiosk(), now, Duration::minutes(10), &tx);
    drop(tx);
    rx.iter()
        .map(|m| match m {
            Msg::Start(_) => "start".to_string(),
            Msg::Rows(r) => r.len().to_string(),
            Msg::Vetted(_) => "vetted".into(),
            Msg::Refused(e) => format!("refused {}", e.status.as_u16()),
            Msg::Unreadable => "unreadable".into(),
        })
        .collect()
}

/// An upload of up to 30 buckets with varied counts, drawn with `rnd`; when `faults`,
/// some buckets have something wrong with them.
fn varied_upload(rnd: &mut impl FnMut(u64) -> i64, faults: bool, now: DateTime<Utc>) -> Upload {
    use crate::domain::NeedId;
    let mut up = upload(1 + rnd(30));
    let first = up.buckets[0].hour;
    for b in &mut up.buckets {
        b.revision = rnd(4);
        let c = &mut b.counts;
        (c.door_in, c.door_out, c.checkins_anonymous) = (rnd(40), rnd(40), rnd(9));
        (c.dropins_joined, c.dropins_seen, c.help_requests) = (rnd(6) + 3, rnd(3), rnd(2));
        for need in ["housing", "money", "advisor-chat", "work"] {
            if rnd(3) == 0 {
                c.needs.insert(NeedId::new(need).unwrap(), rnd(5) + 1);
            }
        }
        for minutes in [0, 5, 12, 45, 120] {
            if rnd(3) == 0 {
                c.waits.insert(minutes, rnd(3) + 1);
            }
        }
        match if faults { rnd(60) } else { 99 } {
            0 => c.door_out = -1,
            1 => c.dropins_no_show = c.dropins_joined,
            2 => c
                .needs
                .insert(NeedId::new("housing").unwrap(), 100_001)
                .map_or((), drop),
            3 => c.waits.insert(10_081, 1).map_or((), drop),
            4 => (c.attendance, c.courses) = (2, [("Sleep well".into(), 1)].into()),
            5 => b.hour += Duration::minutes(30),
            6 => b.revision = -1,
            7 => b.hour = first,
            8 => b.hour = now + Duration::hours(3),
            9 => c.checkins_member = 100_001,
            _ => {}
        }
    }
    up
}

/// Uploads with buckets of every kind the checker has something to say about, and plain
/// ones, written compactly or not: what the reader hands over and answers is what reading
/// the usual way (`ingest::read`, then `Row::of`) gives.
#[test]
fn rows_and_answers_are_those_of_the_usual_reading() {
    let now: DateTime<Utc> = "2026-11-23T15:20:00Z".parse().unwrap();
    let max_future = Duration::minutes(10);
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut rnd = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n) as i64
    };
    let (mut plain, mut refused) = (0, 0);
    for case in 0..600 {
        // Every other upload has something wrong in some buckets.
        let mut up = varied_upload(&mut rnd, case % 2 == 1, now);
        if case % 3 == 0 {
            up.software = Some(["1.4.2", "1.4.2 (test)", ""][case % 9 / 3].into());
        }
        let compact = serde_json::to_string(&up).unwrap();
        let body = match case % 5 {
            0 => serde_json::to_string_pretty(&up).unwrap(),
            1 => compact.replacen("},{", "}, {", 1),
            2 => compact.replacen(r#""door_in":"#, r#""door_in": "#, 1),
            _ => compact,
        };
        let (tx, rx) = std::sync::mpsc::channel();
        read(body.as_bytes(), &kiosk(), now, max_future, &tx);
        drop(tx);
        let (mut rows, mut verdict) = (Vec::new(), None);
        for m in rx {
            match m {
                Msg::Rows(r) => rows.extend(r),
                Msg::Start(_) => {}
                other => verdict = Some(other),
            }
        }
        let usual = crate::central::ingest::read(&kiosk(), body.as_bytes(), now, max_future);
        match (usual, verdict) {
            (Ok(u), Some(Msg::Vetted(software))) => {
                let want = crate::central::ingest::software(&u).map(str::to_owned);
                assert_eq!(software, want, "case {case}");
                let want: Vec<Row> = u.buckets.iter().map(|b| Row::of(b).unwrap()).collect();
                assert_eq!(rows, want, "case {case}: {body}");
                plain += 1;
            }
            (Err(want), Some(Msg::Refused(got))) => {
                assert_eq!(got.status, want.status, "case {case}");
                assert_eq!(got.message, want.message, "case {case}");
                assert_eq!(got.extensions, want.extensions, "case {case}");
                refused += 1;
            }
            (usual, _) => panic!("case {case}: the usual reading gave {usual:?}: {body}"),
        }
    }
    // Both kinds were tried, many times each.
    assert!(
        plain > 300 && refused > 150,
        "{plain} taken, {refused} refused"
    );
}

#[test]
fn rows_go_to_the_writer_as_they_are_read_and_only_while_all_is_well() {
    let body = serde_json::to_string(&upload(40)).unwrap();
    assert_eq!(handed(&body), ["start", "16", "16", "8", "vetted"]);

    // The 21st bucket is wrong: the rows before it were handed over, then nothing more.
    let mut bad = upload(40);
    bad.buckets[20].counts.door_in = -1;
    let body = serde_json::to_string(&bad).unwrap();
    assert_eq!(handed(&body), ["start", "16", "refused 422"]);

    // Another kiosk's name: the writer never starts.
    let mut other = upload(40);
    other.kiosk = "upstairs".into();
    let body = serde_json::to_string(&other).unwrap();
    assert_eq!(handed(&body), ["refused 403"]);

    // Its own fields after the buckets: the rows wait until they are read.
    let v = serde_json::to_value(upload(20)).unwrap();
    let body = format!(
        r#"{{"buckets":{},"database":{},"kiosk":"entrance","site":"walton","version":2}}"#,
        v["buckets"], v["database"]
    );
    assert_eq!(handed(&body), ["start", "16", "4", "vetted"]);

    // Not as kiosks write it: left to the usual reading.
    assert_eq!(handed(&body.replace(":2}", ":2.0}")), ["unreadable"]);
    let body = serde_json::to_string(&upload(20)).unwrap();
    let late = body.replace(r#""door_in":1}"#, r#""door_in":1.0}"#);
    assert_eq!(handed(&late), ["start", "unreadable"]);
    assert_eq!(handed("[]"), ["unreadable"]);
    assert_eq!(handed(r#"{"version":2}"#), ["unreadable"]);
}
