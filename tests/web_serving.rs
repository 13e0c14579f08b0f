//! Both web services as a hostile client meets them, over real HTTP on 127.0.0.1: the
//! security headers on every route, the origin check comparing scheme, host and port, the
//! redirect after sign-in going only to the service's own pages, and — with the real binary
//! under the open-file limit systemd gives by default — more half-open connections than the
//! connection cap while `/healthz` still answers within a second.

mod staff_support;
mod web_support;

use std::io::Write;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Method, Response, StatusCode, header};
use staff_support::{Kiosk, TOKEN};
use web_support::*;

/// What every answer must carry; `stream` answers (the event stream) may say `no-cache`.
fn assert_safety_headers(what: &str, res: &Response, stream: bool) {
    let h = res.headers();
    let get = |name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name} header ({})", res.status()))
    };
    let csp = get("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    let script = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src") || d.starts_with("default-src"))
        .unwrap();
    assert!(!script.contains("unsafe-inline"), "{what}: {csp}");
    assert!(
        csp.split(';')
            .map(str::trim)
            .filter(|d| d.starts_with("script-src"))
            .all(|d| !d.contains("unsafe-inline")),
        "{what}: {csp}"
    );
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert!(!get("referrer-policy").is_empty(), "{what}");
    let cache = get("cache-control");
    if stream {
        assert!(cache.contains("no-"), "{what}: {cache}");
    } else {
        assert_eq!(cache, "no-store", "{what}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_every_route_carries_the_security_headers() {
    let k = Kiosk::start().await;
    let cookie = k.sign_in("Desk 1", staff_support::PASSCODE).await.unwrap();
    let mut routes = hub_kiosk::staff::routes();
    // Signing out ends the session: last.
    routes.sort_by_key(|r| r.path == "/logout");
    let mut walked = 0;
    for r in routes {
        let path = r.path.replace("{id}", "1");
        let mut req = k
            .http
            .request(r.method.clone(), k.url(&path))
            .header(header::ORIGIN, k.origin())
            .header(header::ACCEPT, "text/html,*/*");
        req = if path.starts_with("/api/") || path == "/metrics" {
            req.bearer_auth(TOKEN)
        } else {
            req.header(header::COOKIE, &cookie)
        };
        let res = req.send().await.unwrap();
        let what = format!("{} {path}", r.method);
        assert_safety_headers(&what, &res, path == "/api/v1/events");
        walked += 1;
    }
    assert!(walked >= 25, "{walked}");
    for (method, path) in [(Method::GET, "/nothing-here"), (Method::DELETE, "/queue")] {
        let res = k.http.request(method, k.url(path)).send().await.unwrap();
        assert_safety_headers(path, &res, false);
    }
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn central_every_route_carries_the_security_headers() {
    let c = central("").await;
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../docs/central-openapi.json")).unwrap();
    let http = client_from("127.0.0.1");
    let mut walked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let url = format!("{}{}", c.url, path.replace("{site}", "walton"));
            let res = http
                .request(method.clone(), url)
                .bearer_auth(READER_TOKEN)
                .header(header::ORIGIN, &c.url)
                .send()
                .await
                .unwrap();
            assert_safety_headers(&format!("{method} {path}"), &res, false);
            walked += 1;
        }
    }
    assert!(walked >= 10, "{walked}");
    let res = http
        .get(format!("{}/nothing-here", c.url))
        .send()
        .await
        .unwrap();
    assert_safety_headers("/nothing-here", &res, false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_origin_must_match_scheme_host_and_port() {
    let k = Kiosk::start().await;
    let cookie = k.sign_in("Desk 1", staff_support::PASSCODE).await.unwrap();
    let walk_in = |origin: String| {
        k.http
            .post(k.url("/api/v1/walk-ins"))
            .header(header::COOKIE, &cookie)
            .header(header::ORIGIN, origin)
            .json(&serde_json::json!({"needs": ["advisor"]}))
            .send()
    };
    let host = k.base.strip_prefix("http://").unwrap().to_owned();
    for origin in [format!("evil://{host}"), format!("https://{host}")] {
        let res = walk_in(origin.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin}");
    }
    assert_eq!(k.store.check_in_count().unwrap(), 0);
    let res = walk_in(format!("http://{host}")).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_under_tls_the_origin_must_be_https() {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/staff_support");
    let k = Kiosk::start_with(|c| {
        c.staff.tls = Some(hub_kiosk::config::Tls {
            certificate: here.join("test-cert.pem"),
            key: here.join("test-key.pem"),
        });
    })
    .await;
    let addr = k.server.as_ref().unwrap().addr;
    let https = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tls_danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let sign_in = |origin: String| {
        https
            .post(format!("https://{addr}/login"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, origin)
            .body("name=Desk+1&passcode=1234")
            .send()
    };
    let res = sign_in(format!("http://{addr}")).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = sign_in(format!("https://{addr}")).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn central_origin_must_match_scheme_host_and_port() {
    let c = central("").await;
    let host = c.url.strip_prefix("http://").unwrap().to_owned();
    let http = client_from("127.0.0.1");
    for origin in [format!("evil://{host}"), format!("https://{host}")] {
        let res = http
            .post(format!("{}/sign-in", c.url))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, &origin)
            .body(format!("name=Central+team&passcode={PASSCODE}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin}");
        assert!(res.headers().get(header::SET_COOKIE).is_none());
    }
    let res = post_sign_in(
        &http,
        &c.url,
        "/sign-in",
        "Central team",
        PASSCODE,
        "/",
        &[],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the page's own origin works"
    );
}

async fn redirects_stay_home(url: &str, path: &str, name: &str, passcode: &str, home: &str) {
    let http = client_from("127.0.0.1");
    for next in [
        "/\t/evil.example",
        "/queue\nSet-Cookie: x=y",
        "//evil.example",
        "/x\r\n",
    ] {
        let res = post_sign_in(&http, url, path, name, passcode, next, &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(res.headers()[header::LOCATION], home, "{next:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_sign_in_only_the_services_own_pages_are_followed() {
    let k = Kiosk::start().await;
    redirects_stay_home(
        &k.base,
        "/login",
        "Desk 1",
        staff_support::PASSCODE,
        "/queue",
    )
    .await;
    k.stop().await;
    let c = central("").await;
    redirects_stay_home(&c.url, "/sign-in", "Central team", PASSCODE, "/").await;
}

/// The real binary, as systemd runs it without `LimitNOFILE=` (1024 open files).
struct Service {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn spawn_limited(args: &[&str]) -> Service {
    let dir = tempfile::tempdir().unwrap();
    let base = format!("127.0.0.1:{}", free_port());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hub-kiosk"));
    cmd.args(args)
        .args(["--listen", &base])
        .env("HUB_KIOSK_DEMO_DIR", dir.path().join("kiosk"))
        .env("HUB_KIOSK_CENTRAL_DEMO_DIR", dir.path().join("central"))
        .env("RUST_LOG", "error")
        .env_remove("HUB_KIOSK_CONFIG")
        .env_remove("HUB_KIOSK_CENTRAL_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    // SAFETY: only setrlimit, which is async-signal-safe, between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1024,
                rlim_max: 1024,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let service = Service {
        child: cmd.spawn().unwrap(),
        base: format!("http://{base}"),
        _dir: dir,
    };
    let http = client_from("127.0.0.1");
    for _ in 0..600 {
        if let Ok(r) = http.get(format!("{}/healthz", service.base)).send().await
            && r.status() == StatusCode::OK
        {
            return service;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{args:?} did not answer /healthz within a minute");
}

/// Lets this test process hold a few thousand sockets.
fn raise_own_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls on a local struct.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        limit.rlim_cur = limit.rlim_max.min(16384);
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
    }
    assert!(
        limit.rlim_cur >= 4096,
        "need 4096 open files, may have {}",
        limit.rlim_cur
    );
}

/// 1,100 connections each sending half a request header, then `/healthz` three times.
async fn half_open_connections_do_not_block_healthz(args: &[&str]) {
    raise_own_open_file_limit();
    let service = spawn_limited(args).await;
    let addr = service
        .base
        .strip_prefix("http://")
        .unwrap()
        .parse()
        .unwrap();
    let held = tokio::task::spawn_blocking(move || {
        (0..1100)
            .filter_map(|_| {
                let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
                let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ");
                Some(s)
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert!(held.len() > 1024, "only {} connections opened", held.len());
    tokio::time::sleep(Duration::from_millis(500)).await;
    for _ in 0..3 {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap();
        let started = Instant::now();
        let res = http
            .get(format!("{}/healthz", service.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{args:?}: /healthz did not answer within a second: {e}"));
        assert_eq!(res.status(), StatusCode::OK);
        assert!(started.elapsed() < Duration::from_secs(1));
    }
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_half_open_connections_over_the_cap_leave_healthz_answering() {
    half_open_connections_do_not_block_healthz(&["run", "--headless"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn central_half_open_connections_over_the_cap_leave_healthz_answering() {
    half_open_connections_do_not_block_healthz(&["central"]).await;
}
