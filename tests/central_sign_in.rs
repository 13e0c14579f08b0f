//! Signing in to the central pages: a session cookie that is HttpOnly and SameSite=Strict,
//! refusals for a wrong passcode and for forms from other sites, a lock-out after repeated
//! failures, and signing out.

use std::sync::Arc;

use hub_kiosk::central::{Central, CentralConfig};
use hub_kiosk::clock::SystemClock;
use reqwest::StatusCode;

async fn start() -> (tempfile::TempDir, String, tokio::sync::oneshot::Sender<()>) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let hash = hub_kiosk::web::passcode::hash("4821");
    let text = format!(
        "[service]\ndata_dir = \"{}\"\n[[sites]]\nid = \"walton\"\nname = \"The Life Rooms Walton\"\n[[readers]]\nname = \"Central team\"\npasscode_hash = \"{hash}\"\n",
        dir.path().display()
    );
    let config = CentralConfig::parse(&text, "central.toml").unwrap();
    let central = Central::open(config, Arc::new(SystemClock::new(true))).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(hub_kiosk::central::serve(central, listener, async {
        let _ = stopped.await;
    }));
    (dir, url, stop)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn sign_in(url: &str, passcode: &str, origin: Option<&str>) -> reqwest::Response {
    let mut req = client()
        .post(format!("{url}/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "name=Central+team&passcode={passcode}&next=%2Fsites%2Fwalton"
        ));
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    req.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_signs_in_reads_and_signs_out() {
    let (_dir, url, _stop) = start().await;
    let form = client()
        .get(format!("{url}/sign-in?next=/sites/walton"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("name=\"passcode\"") && form.contains("value=\"/sites/walton\""));

    let r = sign_in(&url, "4821", Some(&url)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/sites/walton");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP here");
    let session = cookie.split(';').next().unwrap().to_owned();

    let page = client()
        .get(format!("{url}/sites/walton"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let text = page.text().await.unwrap();
    assert!(text.contains("The Life Rooms Walton") && text.contains("Central team"));
    let api = client()
        .get(format!("{url}/api/v1/footfall/daily"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::OK);

    // Signing out from another site is refused; from this one it ends the session.
    let out = client()
        .post(format!("{url}/sign-out"))
        .header("cookie", &session)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::FORBIDDEN);
    let out = client()
        .post(format!("{url}/sign-out"))
        .header("cookie", &session)
        .header("origin", &url)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = client()
        .get(format!("{url}/"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passcodes_and_foreign_forms_are_refused_then_locked_out() {
    let (_dir, url, _stop) = start().await;
    let r = sign_in(&url, "4821", Some("http://evil.example")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get("set-cookie").is_none());
    // A form that does not say where it came from is refused too.
    let r = sign_in(&url, "4821", None).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for _ in 0..5 {
        let r = sign_in(&url, "0000", Some(&url)).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r.text().await.unwrap().contains("do not match"));
    }
    // Locked out now, even with the right passcode.
    let r = sign_in(&url, "4821", Some(&url)).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap().contains("too many wrong passcodes"));
}
