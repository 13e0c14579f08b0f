//! For the web-layer tests: a real central service on 127.0.0.1 (a fresh SQLite file, a
//! reader with a passcode and a token, optional extra `[service]` settings), clients that send
//! from a chosen loopback address (all of 127.0.0.0/8 reaches a socket on 127.0.0.1, so one
//! test can be many devices), and the sign-in forms of both services.
#![allow(dead_code)]

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use hub_kiosk::central::{Central, CentralConfig};
use hub_kiosk::clock::SystemClock;
use reqwest::{Client, Response, header};

pub const PASSCODE: &str = "4821";
pub const READER_TOKEN: &str = "reader-token-for-the-web-tests-0123456789";

pub struct CentralService {
    pub url: String,
    pub central: Arc<Central>,
    pub dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// The central service with `service` lines added to its `[service]` section.
pub async fn central(service: &str) -> CentralService {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let hash = hub_kiosk::web::passcode::hash(PASSCODE);
    let text = format!(
        "[service]\ndata_dir = \"{}\"\n{service}\n[[sites]]\nid = \"walton\"\nname = \"The Life Rooms Walton\"\n\
         [[readers]]\nname = \"Central team\"\npasscode_hash = \"{hash}\"\ntoken = \"{READER_TOKEN}\"\n",
        dir.path().display()
    );
    let config = CentralConfig::parse(&text, "central.toml").unwrap();
    let central = Central::open(config, Arc::new(SystemClock::new(true))).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(hub_kiosk::central::serve(
        central.clone(),
        listener,
        async {
            let _ = stopped.await;
        },
    ));
    CentralService {
        url,
        central,
        dir,
        _stop: stop,
    }
}

/// A client that connects from `from` (e.g. 127.0.0.7) and follows no redirects.
pub fn client_from(from: &str) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .local_address(from.parse::<IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// Form-encodes one value.
pub fn form_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Posts a sign-in form to `url` + `path` as the page itself would.
pub async fn post_sign_in(
    client: &Client,
    url: &str,
    path: &str,
    name: &str,
    passcode: &str,
    next: &str,
    extra: &[(&str, &str)],
) -> Response {
    let body = format!(
        "name={}&passcode={}&next={}",
        form_value(name),
        form_value(passcode),
        form_value(next)
    );
    let mut req = client
        .post(format!("{url}{path}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, url)
        .body(body);
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

/// The staff sign-in form (`/login`, "Desk 1").
pub async fn staff_sign_in(client: &Client, url: &str, passcode: &str) -> Response {
    post_sign_in(client, url, "/login", "Desk 1", passcode, "/queue", &[]).await
}

/// The central sign-in form (`/sign-in`, "Central team").
pub async fn central_sign_in(client: &Client, url: &str, passcode: &str) -> Response {
    post_sign_in(client, url, "/sign-in", "Central team", passcode, "/", &[]).await
}

/// The session cookie (`name=value`) a sign-in set.
pub fn session_cookie(res: &Response) -> String {
    let set = res.headers()[header::SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}
