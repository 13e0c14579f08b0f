//! The audit log over real HTTP on 127.0.0.1: every staff action the server has — each route
//! that `staff::routes()` marks audited, signing in and failing to — is walked once, and the
//! log read back as a manager reads it (the CSV download) holds exactly one row for each: who,
//! what, which ticket or session, from where. Refusals and replayed requests add nothing;
//! advisors cannot read it.

mod staff_support;

use std::collections::BTreeSet;

use hub_kiosk::config::Role;
use hub_kiosk::staff::Audit;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use staff_support::{Kiosk, PASSCODE, json as read_json};

/// A browser session: its cookie, and requests from the kiosk's own pages.
struct Session<'a> {
    k: &'a Kiosk,
    cookie: String,
}

impl Session<'_> {
    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .k
            .http
            .post(self.k.url(path))
            .header(header::COOKIE, &self.cookie)
            .header(header::ORIGIN, self.k.origin())
            .json(&body)
            .send()
            .await
            .unwrap();
        read_json(res).await
    }

    async fn delete(&self, path: &str) -> (StatusCode, Value) {
        let res = self
            .k
            .http
            .delete(self.k.url(path))
            .header(header::COOKIE, &self.cookie)
            .header(header::ORIGIN, self.k.origin())
            .send()
            .await
            .unwrap();
        read_json(res).await
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.k
            .http
            .get(self.k.url(path))
            .header(header::COOKIE, &self.cookie)
            .send()
            .await
            .unwrap()
    }
}

/// The CSV's records as (who, via, action, subject, detail, from), oldest first.
fn records(csv: &str) -> Vec<[String; 6]> {
    let mut out: Vec<[String; 6]> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<String> = l.split(',').map(str::to_owned).collect();
            assert_eq!(c.len(), 7, "{l}");
            [
                c[1].clone(),
                c[2].clone(),
                c[3].clone(),
                c[4].clone(),
                c[5].clone(),
                c[6].clone(),
            ]
        })
        .collect();
    out.reverse();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_staff_action_writes_one_row_read_back_by_a_manager() {
    // The demo's timetable: a day of sessions, every day.
    let timetable = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(timetable.path(), hub_kiosk::courses::DEMO).unwrap();
    let file = timetable.path().to_owned();
    let k = Kiosk::start_with(move |c| {
        c.staff.logins[0].role = Role::Manager;
        c.courses.timetable = Some(file);
    })
    .await;
    // Signing in: one wrong passcode, then right; a name that is no login.
    assert!(k.sign_in("Desk 1", "9999").await.is_err());
    assert!(k.sign_in("Nobody", "1234").await.is_err());
    let me = Session {
        cookie: k.sign_in("Desk 1", PASSCODE).await.unwrap(),
        k: &k,
    };
    let ok = |(status, body): (StatusCode, Value)| {
        assert!(status.is_success(), "{status} {body}");
        body
    };
    let a = ok(me
        .post(
            "/api/v1/walk-ins",
            json!({"needs": ["advisor"], "priority": true}),
        )
        .await);
    let a = a["ticket"]["id"].as_i64().unwrap();
    ok(me.post("/api/v1/queue/call-next", json!({})).await);
    ok(me
        .post(&format!("/api/v1/tickets/{a}/recall"), json!({}))
        .await);
    ok(me
        .post(&format!("/api/v1/tickets/{a}/seen"), json!({}))
        .await);
    let b = k.walk_in(&["money"]).await; // by the API token
    ok(me
        .post(&format!("/api/v1/tickets/{b}/call"), json!({}))
        .await);
    ok(me
        .post(&format!("/api/v1/tickets/{b}/no-show"), json!({}))
        .await);
    ok(me
        .post(&format!("/api/v1/tickets/{b}/requeue"), json!({}))
        .await);
    ok(me
        .post(
            &format!("/api/v1/tickets/{b}/transfer"),
            json!({"need": "housing"}),
        )
        .await);
    ok(me
        .post(&format!("/api/v1/tickets/{b}/left"), json!({}))
        .await);
    ok(me.post("/api/v1/duty", json!({"on_duty": true})).await);
    let c = k.walk_in(&["advisor"]).await;
    ok(me
        .post(&format!("/api/v1/tickets/{c}/come-back"), json!({}))
        .await);
    ok(me
        .post("/api/v1/queue/pause", json!({"reason": "fire drill"}))
        .await);
    ok(me.post("/api/v1/queue/resume", json!({})).await);
    let hub = k.hub.clone();
    let help = tokio::task::spawn_blocking(move || hub.request_help())
        .await
        .unwrap()
        .unwrap();
    ok(me
        .post(
            &format!("/api/v1/help-requests/{}/acknowledge", help.id),
            json!({}),
        )
        .await);
    // A tutor puts a member on today's first session's register and takes them off again.
    let day: Value = me.get("/api/v1/sessions").await.json().await.unwrap();
    let session = day["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["cancelled"] == false)
        .unwrap_or_else(|| panic!("{day}"))
        .clone();
    let register = format!(
        "/api/v1/sessions/{}/attendance",
        session["id"].as_str().unwrap()
    );
    ok(me.post(&register, json!({"member": "M-1001"})).await);
    ok(me.delete(&format!("{register}?member=M-1001")).await);
    let starts: chrono::DateTime<chrono::Utc> =
        session["starts"].as_str().unwrap().parse().unwrap();
    let about = format!(
        "{} at {} (session {})",
        session["title"].as_str().unwrap(),
        k.hub.local(starts).format("%Y-%m-%d %H:%M"),
        session["id"].as_str().unwrap()
    );

    // Refused and replayed requests are not new actions.
    let (status, _) = me
        .post(&format!("/api/v1/tickets/{a}/seen"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    for _ in 0..2 {
        let res = k
            .api(Method::POST, "/api/v1/walk-ins")
            .header("idempotency-key", "walk-in-once")
            .json(&json!({"needs": ["work"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }

    // An advisor cannot read the log.
    let advisor = Session {
        cookie: k.sign_in("Desk 2", PASSCODE).await.unwrap(),
        k: &k,
    };
    assert_eq!(
        advisor.get("/status/audit.csv").await.status(),
        StatusCode::FORBIDDEN
    );
    let page = advisor.get("/status").await.text().await.unwrap();
    assert!(
        !page.contains("Audit log"),
        "advisors do not see the section"
    );
    let res = advisor
        .k
        .http
        .post(k.url("/logout"))
        .header(header::COOKIE, &advisor.cookie)
        .header(header::ORIGIN, k.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let res = me.get("/status/audit.csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.contains("audit-demo.csv"), "{disposition}");
    let csv = res.text().await.unwrap();
    assert!(
        csv.starts_with("when,who,via,action,subject,detail,from\r\n"),
        "{csv}"
    );
    let rows = records(&csv);
    let row = |who: &str, via: &str, action: &str, subject: &str, detail: &str| {
        [who, via, action, subject, detail, "127.0.0.1"].map(String::from)
    };
    let expected = vec![
        row("Desk 1", "sign-in", "sign-in-failed", "", ""),
        // The CSV cell as written: quoted, its quotes doubled.
        row(
            "(not a login)",
            "sign-in",
            "sign-in-failed",
            "",
            "\"name given: \"\"Nobody\"\"\"",
        ),
        row("Desk 1", "sign-in", "sign-in", "", ""),
        row(
            "Desk 1",
            "session",
            "walk-in",
            "ticket A 001",
            "needs: advisor; priority",
        ),
        row("Desk 1", "session", "call", "ticket A 001", "next in line"),
        row("Desk 1", "session", "recall", "ticket A 001", ""),
        row("Desk 1", "session", "seen", "ticket A 001", ""),
        row("demo", "token", "walk-in", "ticket A 002", "needs: money"),
        row("Desk 1", "session", "call", "ticket A 002", ""),
        row("Desk 1", "session", "no-show", "ticket A 002", ""),
        row("Desk 1", "session", "requeue", "ticket A 002", ""),
        row(
            "Desk 1",
            "session",
            "transfer",
            "ticket A 002",
            "to housing",
        ),
        row("Desk 1", "session", "left", "ticket A 002", ""),
        row("Desk 1", "session", "duty", "", "on duty"),
        row("demo", "token", "walk-in", "ticket A 003", "needs: advisor"),
        row("Desk 1", "session", "come-back", "ticket A 003", ""),
        row("Desk 1", "session", "pause", "", ""),
        row("Desk 1", "session", "resume", "", ""),
        row(
            "Desk 1",
            "session",
            "help-acknowledged",
            &format!("help-request #{}", help.id),
            "",
        ),
        // Who came to a session stays off the log: "a member", never the number.
        row(
            "Desk 1",
            "session",
            "register-add",
            &about,
            "a member added",
        ),
        row(
            "Desk 1",
            "session",
            "register-remove",
            &about,
            "a member taken off",
        ),
        row("demo", "token", "walk-in", "ticket A 004", "needs: work"),
        row("Desk 2", "sign-in", "sign-in", "", ""),
        row("Desk 2", "session", "sign-out", "", ""),
    ];
    assert_eq!(rows, expected, "{csv}");

    // Every action the server has was walked: a new audited route needs a step above.
    let walked: BTreeSet<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    for r in hub_kiosk::staff::routes() {
        if let Audit::Action(action) = r.audit {
            assert!(
                walked.contains(action),
                "{} {} ({action}) was not walked",
                r.method,
                r.path
            );
        }
        assert!(
            r.method == Method::GET || r.audit != Audit::No,
            "{} {} changes something but is not audited",
            r.method,
            r.path
        );
    }

    // The page filters by person, action and day.
    let today = k.hub.today();
    let page = me
        .get(&format!(
            "/status?person=demo&action=walk-in&from={today}&to={today}"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Audit log"));
    let table = &page[page.find("<tbody>").unwrap()..];
    assert_eq!(table.matches("<tr>").count(), 3, "{table}");
    let csv = me
        .get("/status/audit.csv?action=sign-in-failed")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(records(&csv).len(), 2, "{csv}");
    let bad = me.get("/status/audit.csv?from=2026-13-01").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    k.stop().await;
}
