//! Live reload inside one running kiosk: the configuration file is edited (a new passcode, a
//! leaver removed, a card revoked, a token withdrawn) and SIGHUP is sent to this very process,
//! as `systemctl reload` does. The old passcode then fails and the new one works, the leaver's
//! session and the sessions signed in with the old passcode end, the card is refused, the queue is untouched; a broken file on the next
//! SIGHUP changes nothing and the status page says why, with the line.

mod staff_support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use hub_kiosk::clock::SystemClock;
use hub_kiosk::config::Config;
use hub_kiosk::domain::MemberId;
use hub_kiosk::domain::card::{Card, Rejection};
use hub_kiosk::events::{Event, EventBus};
use hub_kiosk::hub::{Hub, ScanOutcome};
use hub_kiosk::store::Store;
use hub_kiosk::web::passcode;
use reqwest::{StatusCode, header};
use staff_support::{Kiosk, client};

const TOKEN: &str = "reload-test-token-0123456789abcdef";
const OLD_TOKEN: &str = "leaver-token-0123456789abcdefghij";

/// The kiosk's file: Sam (a manager) with `sam_passcode`, Alex when `alex`, the card key,
/// `revoked` members, and the leaver's token when `alex`.
fn file(dir: &Path, public: &str, sam_passcode: &str, alex: bool, revoked: &str) -> String {
    let mut logins = format!(
        "  {{ name = \"Sam Patel\", role = \"manager\", passcode_hash = \"{}\" }},\n",
        passcode::hash(sam_passcode)
    );
    let mut tokens = format!("  {{ name = \"Queue screen\", token = \"{TOKEN}\" }},\n");
    if alex {
        logins.push_str(&format!(
            "  {{ name = \"Alex Moore\", passcode_hash = \"{}\" }},\n",
            passcode::hash("alex-passcode-1")
        ));
        tokens.push_str(&format!(
            "  {{ name = \"Alex's tablet\", token = \"{OLD_TOKEN}\" }},\n"
        ));
    }
    format!(
        "[site]\nid = \"reload\"\nname = \"Reload Rooms\"\ntimezone = \"Europe/London\"\n\
         [kiosk]\ndata_dir = \"{}\"\n\
         [hours]\nmonday = \"00:00-23:59\"\ntuesday = \"00:00-23:59\"\nwednesday = \"00:00-23:59\"\n\
         thursday = \"00:00-23:59\"\nfriday = \"00:00-23:59\"\nsaturday = \"00:00-23:59\"\n\
         sunday = \"00:00-23:59\"\n\
         [staff]\nlisten = \"127.0.0.1:0\"\nlogins = [\n{logins}]\napi_tokens = [\n{tokens}]\n\
         [cards]\nkeys = [ {{ id = \"K1\", public_key = \"{public}\" }} ]\nrevoked = [{revoked}]\n",
        dir.join("data").display()
    )
}

/// Sends SIGHUP to this process and waits for the hub to say the reload is done.
async fn hangup(hub: &Hub) -> bool {
    let mut events = hub.subscribe();
    // SAFETY: a signal to this process, whose SIGHUP handler `reload::start` installed.
    unsafe { libc::kill(libc::getpid(), libc::SIGHUP) };
    let wait = async {
        loop {
            if let Ok(Event::ConfigReloaded { ok }) = events.recv().await {
                return ok;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("the kiosk reloads within 20 s")
}

async fn queue_ids(k: &Kiosk) -> Vec<i64> {
    let res = k
        .http
        .get(k.url("/api/v1/queue"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let (status, body) = staff_support::json(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["ticket"]["id"].as_i64().unwrap())
        .collect()
}

async fn page_status(k: &Kiosk, cookie: &str, path: &str) -> (StatusCode, String) {
    let res = k
        .http
        .get(k.url(path))
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_swaps_logins_tokens_and_revocations_and_keeps_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.toml");
    let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let public = base64::engine::general_purpose::STANDARD.encode(key.verifying_key().as_bytes());
    std::fs::write(&path, file(dir.path(), &public, "old-passcode-1", true, "")).unwrap();

    let config = Config::load(&path).unwrap();
    let store = Arc::new(Store::open(&config.database_path()).unwrap());
    let hub = Hub::new(
        Arc::new(config),
        store.clone(),
        Arc::new(SystemClock::new(true)),
        EventBus::new(),
    );
    let server = hub_kiosk::staff::start(hub.clone()).await.unwrap();
    let source = hub_kiosk::reload::Source {
        file: Some(path.clone()),
        listen: None,
    };
    hub_kiosk::reload::start(hub.clone(), server.state.clone(), source).unwrap();
    let k = Kiosk {
        base: format!("http://{}", server.addr),
        hub: hub.clone(),
        store,
        server: Some(server),
        http: client(),
        dir,
    };

    let card = Card {
        key_id: "K1".into(),
        member: MemberId::new("M-1001").unwrap(),
        serial: 1,
        expires: "2099-01-01".parse().unwrap(),
    }
    .sign(&key);
    let member = MemberId::new("M-1001").unwrap();
    assert_eq!(
        hub.scan_card(card.as_bytes()).unwrap(),
        ScanOutcome::Member(member)
    );
    let alex = k.sign_in("Alex Moore", "alex-passcode-1").await.unwrap();
    let sam_before = k.sign_in("Sam Patel", "old-passcode-1").await.unwrap();
    let res = k
        .http
        .post(k.url("/api/v1/walk-ins"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({ "needs": ["advisor"] }))
        .send()
        .await
        .unwrap();
    let (status, body) = staff_support::json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let ticket = body["ticket"]["id"].as_i64().unwrap();
    assert_eq!(queue_ids(&k).await, [ticket]);

    // Sam's new passcode, Alex has left, the card is lost.
    let edited = file(k.dir.path(), &public, "new-passcode-2", false, "\"M-1001\"");
    std::fs::write(&path, edited).unwrap();
    assert!(hangup(&hub).await, "{:?}", hub.last_reload());

    let old = k.sign_in("Sam Patel", "old-passcode-1").await.unwrap_err();
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED, "the old passcode");
    let sam = k.sign_in("Sam Patel", "new-passcode-2").await.unwrap();
    let (status, _) = page_status(&k, &alex, "/queue").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "Alex's session ended");
    let (status, _) = page_status(&k, &sam_before, "/queue").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "a new passcode ends the old sessions"
    );
    let (status, _) = page_status(&k, &sam, "/queue").await;
    assert_eq!(status, StatusCode::OK, "the new session lives");
    assert!(k.sign_in("Alex Moore", "alex-passcode-1").await.is_err());
    let res = k
        .http
        .get(k.url("/api/v1/queue"))
        .bearer_auth(OLD_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "the leaver's token");
    assert!(matches!(
        hub.scan_card(card.as_bytes()).unwrap(),
        ScanOutcome::Refused(Rejection::Revoked)
    ));
    assert_eq!(queue_ids(&k).await, [ticket], "the queue is untouched");
    let (_, status_page) = page_status(&k, &sam, "/status").await;
    assert!(
        status_page.contains("the configuration was reloaded from"),
        "{status_page}"
    );
    let filter = hub_kiosk::store::AuditFilter {
        action: Some("reload".into()),
        ..Default::default()
    };
    let mut rows: Vec<String> = hub
        .audit_rows(&filter, 10)
        .unwrap()
        .into_iter()
        .map(|r| {
            assert_eq!(r.entry.actor, path.display().to_string());
            format!("{} {}", r.entry.subject.unwrap(), r.entry.detail.unwrap())
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            "card revocations 1 revoked, 0 no longer revoked",
            "login Alex Moore removed",
            "login Sam Patel new passcode",
            "token Alex's tablet removed",
        ]
    );

    // A broken file: nothing changes, and the status page says why, with the line.
    std::fs::write(&path, "[site]\nid = \"reload\"\nname = [oops\n").unwrap();
    assert!(!hangup(&hub).await);
    assert!(k.sign_in("Sam Patel", "new-passcode-2").await.is_ok());
    assert!(k.sign_in("Sam Patel", "old-passcode-1").await.is_err());
    let (_, status_page) = page_status(&k, &sam, "/status").await;
    assert!(
        status_page.contains("the configuration was not reloaded, the running one stays"),
        "{status_page}"
    );
    assert!(status_page.contains("line 3"), "{status_page}");
    assert_eq!(queue_ids(&k).await, [ticket]);
    k.stop().await;
}
