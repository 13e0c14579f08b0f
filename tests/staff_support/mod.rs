//! A real kiosk for the staff HTTP tests: the demo configuration on a fresh SQLite file, the
//! staff server on 127.0.0.1 with a free port, and a client that does not follow redirects.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use hub_kiosk::clock::SystemClock;
use hub_kiosk::config::{Config, DEMO_API_TOKEN, DEMO_PASSCODE};
use hub_kiosk::events::EventBus;
use hub_kiosk::hub::Hub;
use hub_kiosk::staff::Running;
use hub_kiosk::store::Store;
use reqwest::{Client, RequestBuilder, Response, StatusCode, header};
use serde_json::Value;

pub const TOKEN: &str = DEMO_API_TOKEN;
pub const PASSCODE: &str = DEMO_PASSCODE;

pub struct Kiosk {
    pub hub: Arc<Hub>,
    /// The hub's database, for tests to look into.
    pub store: Arc<Store>,
    pub server: Option<Running>,
    pub base: String,
    pub http: Client,
    pub dir: tempfile::TempDir,
}

pub fn client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

impl Kiosk {
    pub async fn start() -> Kiosk {
        Kiosk::start_with(|_| {}).await
    }

    /// The demo kiosk with `change` applied to its configuration.
    pub async fn start_with(change: impl FnOnce(&mut Config)) -> Kiosk {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::demo();
        config.kiosk.data_dir = dir.path().join("data");
        config.staff.listen = "127.0.0.1:0".parse().unwrap();
        change(&mut config);
        let store = Arc::new(Store::open(&config.database_path()).unwrap());
        let clock = Arc::new(SystemClock::new(config.clock.assume_synchronised));
        let hub = Hub::new(Arc::new(config), store.clone(), clock, EventBus::new());
        let server = hub_kiosk::staff::start(hub.clone()).await.unwrap();
        Kiosk {
            base: format!("http://{}", server.addr),
            hub,
            store,
            server: Some(server),
            http: client(),
            dir,
        }
    }

    /// The staff server for a hub made elsewhere on `store` (its `[staff] listen` should be
    /// port 0).
    pub async fn on(hub: Arc<Hub>, store: Arc<Store>) -> Kiosk {
        let server = hub_kiosk::staff::start(hub.clone()).await.unwrap();
        Kiosk {
            base: format!("http://{}", server.addr),
            hub,
            store,
            server: Some(server),
            http: client(),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `host:port`, as browsers put it in `Origin`.
    pub fn origin(&self) -> String {
        self.base.clone()
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.http.get(self.url(path))
    }

    /// An API request with the demo token.
    pub fn api(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(TOKEN)
    }

    pub async fn post_json(&self, path: &str, body: Value) -> (StatusCode, Value) {
        json(
            self.api(reqwest::Method::POST, path)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        json(self.api(reqwest::Method::GET, path).send().await.unwrap()).await
    }

    /// Signs in through the form; the session cookie (`name=value`) or the refusal.
    pub async fn sign_in(&self, name: &str, passcode: &str) -> Result<String, Response> {
        let body = format!(
            "name={}&passcode={}&next=%2Fqueue",
            name.replace(' ', "+"),
            passcode
        );
        let res = self
            .http
            .post(self.url("/login"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, self.origin())
            .header("sec-fetch-site", "same-origin")
            .body(body)
            .send()
            .await
            .unwrap();
        if res.status() != StatusCode::SEE_OTHER {
            return Err(res);
        }
        let cookie = res
            .headers()
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        Ok(cookie.split(';').next().unwrap().to_owned())
    }

    /// A walk-in through the API; its ticket id.
    pub async fn walk_in(&self, needs: &[&str]) -> i64 {
        let (status, body) = self
            .post_json("/api/v1/walk-ins", serde_json::json!({ "needs": needs }))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["ticket"]["id"].as_i64().unwrap()
    }

    /// The ticket's state as stored.
    pub fn state_of(&self, id: i64) -> String {
        self.store
            .ticket(id)
            .unwrap()
            .unwrap()
            .state
            .as_str()
            .to_owned()
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
    }
}

pub async fn json(res: Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    let value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not JSON ({e}), status {status}: {text}"));
    (status, value)
}
