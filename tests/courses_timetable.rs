//! The timetable from an https address: fetched from a local TLS server whose certificate a
//! test certificate authority signed (trusted through `[courses] ca_certificate`), asked again
//! with `If-None-Match`, kept on disk; a broken download, an unreachable server, a certificate
//! nobody vouched for and a restart without network all leave the kiosk on its last good copy,
//! and the status page says what is in use, since when and why a refresh failed.

mod staff_support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use hub_kiosk::clock::ManualClock;
use hub_kiosk::config::Config;
use hub_kiosk::courses::Refresher;
use hub_kiosk::events::EventBus;
use hub_kiosk::hub::Hub;
use hub_kiosk::store::Store;

const FIXTURE: &str = include_str!("fixtures/timetable.ics");
const ETAG: &str = "\"term-1\"";

/// What the college's calendar server answers.
#[derive(Default)]
struct College {
    body: Mutex<String>,
    requests: AtomicUsize,
    not_modified: AtomicUsize,
}

async fn serve_calendar(State(c): State<Arc<College>>, headers: HeaderMap) -> Response {
    c.requests.fetch_add(1, Ordering::SeqCst);
    let body = c.body.lock().unwrap().clone();
    if body == FIXTURE
        && headers
            .get(header::IF_NONE_MATCH)
            .is_some_and(|v| v == ETAG)
    {
        c.not_modified.fetch_add(1, Ordering::SeqCst);
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let etag = if body == FIXTURE { ETAG } else { "\"other\"" };
    (
        [
            (header::ETAG, etag),
            (header::CONTENT_TYPE, "text/calendar"),
        ],
        body,
    )
        .into_response()
}

/// A certificate authority, and a certificate for 127.0.0.1 it signed: (CA PEM, cert, key).
fn test_ca() -> (String, String, String) {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "Test college certificate authority");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let issuer = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    (issuer.pem(), server.pem(), key.serialize_pem())
}

/// Starts the college's server on 127.0.0.1 over HTTPS; its address, and a sender that stops it.
async fn college(
    c: Arc<College>,
    dir: &std::path::Path,
    cert: &str,
    key: &str,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let (cert_file, key_file) = (dir.join("college-cert.pem"), dir.join("college-key.pem"));
    std::fs::write(&cert_file, cert).unwrap();
    std::fs::write(&key_file, key).unwrap();
    let tls = hub_kiosk::web::serve::load_tls(&cert_file, &key_file).unwrap();
    let app = axum::Router::new()
        .route("/college.ics", axum::routing::get(serve_calendar))
        .with_state(c);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let limits = hub_kiosk::web::serve::Limits::with_cap(16);
    tokio::spawn(hub_kiosk::web::serve::serve(
        listener,
        Some(tls),
        app,
        async {
            let _ = stopped.await;
        },
        limits,
    ));
    (addr, stop)
}

fn hub(data: &std::path::Path, url: &str, ca: Option<&std::path::Path>) -> Arc<Hub> {
    let mut config = Config::demo();
    config.kiosk.data_dir = data.to_owned();
    config.staff.listen = "127.0.0.1:0".parse().unwrap();
    config.courses.timetable_url = Some(url.to_owned());
    config.courses.ca_certificate = ca.map(std::path::Path::to_owned);
    let store = Store::open(&config.database_path()).unwrap();
    let now: DateTime<Utc> = "2026-11-02T09:00:00Z".parse().unwrap();
    Hub::new(
        Arc::new(config),
        Arc::new(store),
        Arc::new(ManualClock::new(now)),
        EventBus::new(),
    )
}

fn refresher(h: &Arc<Hub>) -> Refresher {
    h.timetable_refresher()
}

fn offered(h: &Hub) -> Vec<String> {
    h.sessions_now().open.into_iter().map(|s| s.title).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_timetable_is_fetched_kept_and_outlives_failures() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = test_ca();
    let ca_file = dir.path().join("college-ca.pem");
    std::fs::write(&ca_file, &ca).unwrap();
    let c = Arc::new(College::default());
    *c.body.lock().unwrap() = FIXTURE.to_owned();
    let (addr, server) = college(c.clone(), dir.path(), &cert, &key).await;
    let url = format!("https://{addr}/college.ics");
    let data = dir.path().join("data");

    let h = hub(&data, &url, Some(&ca_file));
    assert!(
        h.timetable().in_use.is_none(),
        "nothing fetched yet, nothing kept"
    );
    let r = refresher(&h);
    r.refresh().await;
    let s = h.timetable();
    assert_eq!(
        (s.in_use.as_deref(), s.events, s.last_error.as_deref()),
        (Some("the copy fetched from the address"), 8, None),
        "{s:?}"
    );
    assert_eq!(offered(&h), ["Managing anxiety", "Creative writing"]);
    assert!(data.join("timetable/last-good.ics").is_file());

    // Unchanged: the server answers 304 to the ETag it gave.
    r.refresh().await;
    assert_eq!(c.not_modified.load(Ordering::SeqCst), 1);
    assert_eq!(h.timetable().last_error, None);

    // A broken download: the copy in use stays, the status says why.
    *c.body.lock().unwrap() = "<html><body>Calendar not found</body></html>".to_owned();
    r.refresh().await;
    let s = h.timetable();
    let why = s.last_error.clone().unwrap();
    assert!(
        why.contains("line 1") && why.contains("not an iCalendar file"),
        "{why}"
    );
    assert_eq!(s.events, 8);
    assert_eq!(offered(&h), ["Managing anxiety", "Creative writing"]);

    // The server gone: the same.
    server.send(()).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    r.refresh().await;
    let why = h.timetable().last_error.unwrap();
    assert!(
        why.contains("cannot reach") || why.contains("failed"),
        "{why}"
    );
    assert_eq!(offered(&h), ["Managing anxiety", "Creative writing"]);

    // A restart without network: the last good copy, read from disk.
    let again = hub(&data, &url, Some(&ca_file));
    let s = again.timetable();
    assert_eq!(
        s.in_use.as_deref(),
        Some("the copy fetched from the address")
    );
    assert_eq!(offered(&again), ["Managing anxiety", "Creative writing"]);

    // The status page says what is in use, since when, and why the refresh failed.
    let store = Store::open(&h.config().database_path()).unwrap();
    let k = staff_support::Kiosk::on(h.clone(), Arc::new(store)).await;
    let page = k
        .get("/status")
        .bearer_auth(staff_support::TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("8 events, 7 courses from https://127.0.0.1"),
        "{page}"
    );
    assert!(
        page.contains("in use: the copy fetched from the address, since"),
        "{page}"
    );
    assert!(page.contains("The last refresh failed"), "{page}");
    let (_, status) = k.get_json("/api/v1/status").await;
    assert_eq!(status["timetable"]["events"], 8, "{status}");
    assert!(status["timetable"]["last_error"].is_string(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_nobody_vouched_for_is_refused() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let (_, cert, key) = test_ca();
    let c = Arc::new(College::default());
    *c.body.lock().unwrap() = FIXTURE.to_owned();
    let (addr, _server) = college(c.clone(), dir.path(), &cert, &key).await;
    let h = hub(
        &dir.path().join("data"),
        &format!("https://{addr}/college.ics"),
        None,
    );
    refresher(&h).refresh().await;
    let s = h.timetable();
    assert!(s.in_use.is_none());
    let why = s.last_error.unwrap();
    assert!(
        why.to_lowercase().contains("certificate") || why.contains("UnknownIssuer"),
        "{why}"
    );
    assert!(h.sessions_now().open.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_goes_bad_leaves_the_last_good_copy_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("timetable.ics");
    std::fs::write(&file, FIXTURE).unwrap();
    let make = || {
        let mut config = Config::demo();
        config.kiosk.data_dir = dir.path().join("data");
        config.courses.timetable = Some(file.clone());
        let store = Store::open(&config.database_path()).unwrap();
        let now: DateTime<Utc> = "2026-11-02T09:00:00Z".parse().unwrap();
        Hub::new(
            Arc::new(config),
            Arc::new(store),
            Arc::new(ManualClock::new(now)),
            EventBus::new(),
        )
    };
    let h = make();
    assert_eq!(h.timetable().in_use.as_deref(), Some("the file"));
    // Someone saves a half-written export over it.
    std::fs::write(&file, &FIXTURE[..FIXTURE.rfind("BEGIN:VEVENT").unwrap()]).unwrap();
    refresher(&h).refresh().await;
    let s = h.timetable();
    assert_eq!(
        s.in_use.as_deref(),
        Some("the file"),
        "the copy in use stays"
    );
    assert!(s.last_error.unwrap().contains("is never closed"));
    assert_eq!(offered(&h), ["Managing anxiety", "Creative writing"]);
    // A restart with the file still broken: the last good copy kept in the data directory.
    let again = make();
    let s = again.timetable();
    assert_eq!(
        s.in_use.as_deref(),
        Some("the last good copy kept on the kiosk")
    );
    assert!(
        s.last_error.unwrap().contains("timetable.ics, line"),
        "the status says why"
    );
    assert_eq!(offered(&again), ["Managing anxiety", "Creative writing"]);
    // Mended: the file again.
    std::fs::write(&file, FIXTURE).unwrap();
    refresher(&again).refresh().await;
    let s = again.timetable();
    assert_eq!(
        (s.in_use.as_deref(), s.last_error),
        (Some("the file"), None)
    );
}
