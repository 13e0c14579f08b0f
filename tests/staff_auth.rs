//! Signing in to the staff server over real HTTP on 127.0.0.1: everything but /healthz needs a
//! session or a token, wrong passcodes lock the client out, session cookies are strict, and a
//! change that comes from another site is refused without touching the queue.

mod staff_support;

use hub_kiosk::staff::routes;
use hub_kiosk::web::throttle;
use reqwest::{Method, StatusCode, header};
use staff_support::{Kiosk, PASSCODE, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_is_required_everywhere_but_healthz() {
    let k = Kiosk::start().await;
    for r in routes() {
        let path = r.path.replace("{id}", "1");
        let res = k
            .http
            .request(r.method.clone(), k.url(&path))
            .header(header::ORIGIN, k.origin())
            .header(header::ACCEPT, "text/html,*/*")
            .send()
            .await
            .unwrap();
        let status = res.status();
        match (r.method.clone(), path.as_str()) {
            (Method::GET, "/healthz") => assert_eq!(status, StatusCode::OK),
            (Method::GET, "/login") => assert_eq!(status, StatusCode::OK),
            // The sign-in form itself, sent empty: refused, never let through.
            (Method::POST, "/login") => assert_eq!(status, StatusCode::BAD_REQUEST),
            // The pages' sound and the display page's script hold nothing of the kiosk's.
            (Method::GET, "/sound.js" | "/display.js") => assert_eq!(status, StatusCode::OK),
            // The display page takes its own token, never a session: refused without it.
            (Method::GET, "/display" | "/display/events") => {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}")
            }
            // A browser opening a page goes to the sign-in page.
            (Method::GET, p) if !p.starts_with("/api/") && p != "/metrics" => {
                assert_eq!(status, StatusCode::SEE_OTHER, "{p}");
                let to = res.headers()[header::LOCATION].to_str().unwrap();
                assert!(to.starts_with("/login?next="), "{p} → {to}");
            }
            (m, p) => {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{m} {p}");
                assert!(res.headers().contains_key(header::WWW_AUTHENTICATE));
                let (_, body) = json(res).await;
                assert!(body["error"].as_str().unwrap().contains("Bearer"), "{body}");
            }
        }
    }
    // A wrong token is refused too, and an unknown address does not reveal itself.
    let res = k
        .http
        .get(k.url("/api/v1/queue"))
        .bearer_auth("not-the-token-at-all-xxxxxxxx")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = k.get("/api/v1/nothing-here").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The page's script re-reading the table gets 401, not the sign-in page.
    let res = k.get("/queue/table").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // With the token the API answers.
    let (status, body) = k.get_json("/api/v1/queue").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["waiting"], 0);
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_cookie_is_strict_and_ends_at_sign_out() {
    let k = Kiosk::start().await;
    let res = k.sign_in("Desk 1", "9999").await.unwrap_err();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("do not match"));

    let body = "name=Desk+1&passcode=1234&next=%2Ffootfall";
    let res = k
        .http
        .post(k.url("/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, k.origin())
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/footfall");
    let set = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set.starts_with("hub_session="), "{set}");
    assert!(
        set.contains("; HttpOnly") && set.contains("; SameSite=Strict"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain HTTP: {set}");
    let cookie = set.split(';').next().unwrap().to_owned();

    let page = k
        .get("/queue")
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<h1>Queue</h1>") && html.contains("Desk 1"),
        "{html}"
    );

    let out = k
        .http
        .post(k.url("/logout"))
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, k.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::OK);
    assert!(
        out.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let again = k
        .get("/queue")
        .header(header::COOKIE, &cookie)
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_wrong_passcodes_lock_the_client_out() {
    let k = Kiosk::start().await;
    for i in 0..throttle::CLIENT_ALLOWANCE {
        let res = k
            .sign_in("Desk 2", &format!("{}", 5000 + i))
            .await
            .unwrap_err();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    // Locked: even the right passcode is not checked now.
    let res = k.sign_in("Desk 2", PASSCODE).await.unwrap_err();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=throttle::FIRST_LOCK.as_secs()).contains(&wait),
        "{wait}"
    );
    let page = res.text().await.unwrap();
    assert!(page.contains("too many wrong passcodes"), "{page}");
    // The API with a token still works.
    let (status, _) = k.get_json("/api/v1/queue").await;
    assert_eq!(status, StatusCode::OK);
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_origin_change_is_refused_and_changes_nothing() {
    let k = Kiosk::start().await;
    let cookie = k.sign_in("Desk 1", PASSCODE).await.unwrap();
    let walk_in = |origin: Option<&str>, site: Option<&str>| {
        let mut req = k
            .http
            .post(k.url("/api/v1/walk-ins"))
            .header(header::COOKIE, &cookie)
            .json(&serde_json::json!({"needs": ["advisor"]}));
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        if let Some(s) = site {
            req = req.header("sec-fetch-site", s);
        }
        req.send()
    };
    for (origin, site) in [
        (Some("http://evil.example"), Some("cross-site")),
        (Some("http://evil.example"), None),
        (None, Some("same-site")),
        (Some("null"), None),
        (None, None),
    ] {
        let (status, body) = json(walk_in(origin, site).await.unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin:?} {site:?}");
        assert!(
            body["error"].as_str().unwrap().contains("refused"),
            "{body}"
        );
    }
    assert!(k.store.open_tickets().unwrap().is_empty());
    assert_eq!(k.store.check_in_count().unwrap(), 0);

    // From the page itself it works.
    let (status, body) = json(
        walk_in(Some(&k.origin()), Some("same-origin"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(k.store.open_tickets().unwrap().len(), 1);

    // The sign-in form cannot be posted from elsewhere either.
    let res = k
        .http
        .post(k.url("/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "http://evil.example")
        .body("name=Desk+1&passcode=1234")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A bearer token is not a browser's ambient credential: no Origin needed.
    let (status, _) = k
        .post_json(
            "/api/v1/walk-ins",
            serde_json::json!({"needs": ["housing"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_tls_the_cookie_is_secure() {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/staff_support");
    let k = Kiosk::start_with(|c| {
        c.staff.tls = Some(hub_kiosk::config::Tls {
            certificate: here.join("test-cert.pem"),
            key: here.join("test-key.pem"),
        });
    })
    .await;
    let server = k.server.as_ref().unwrap();
    assert!(server.url.starts_with("https://"), "{}", server.url);
    let https = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tls_danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let origin = format!("https://{}", server.addr);
    let res = https
        .post(format!("{origin}/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, &origin)
        .body("name=Desk+1&passcode=1234")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let set = res.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(
        set.contains("; Secure") && set.contains("SameSite=Strict"),
        "{set}"
    );
    k.stop().await;
}
