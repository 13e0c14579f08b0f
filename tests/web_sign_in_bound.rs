//! Passcode checks in flight stay under the bound on both services: 40 wrong sign-ins sent at
//! once from 40 devices (so the per-device throttle lets each through) run at most
//! `HASHES_IN_FLIGHT` Argon2 checks at a time, counted inside the check itself; the rest are
//! answered 429 with `Retry-After` without being checked.

mod staff_support;
mod web_support;

use hub_kiosk::web::sign_in::{CheckCounts, HASHES_IN_FLIGHT};
use reqwest::{StatusCode, header};
use staff_support::Kiosk;
use web_support::*;

async fn forty_devices_at_once(
    url: &str,
    path: &'static str,
    name: &'static str,
) -> (usize, usize) {
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let url = url.to_owned();
            tokio::spawn(async move {
                let client = client_from(&format!("127.0.1.{}", i + 1));
                let r = post_sign_in(&client, &url, path, name, "0000", "/", &[]).await;
                let retry = r.headers().contains_key(header::RETRY_AFTER);
                (r.status(), retry)
            })
        })
        .collect();
    let (mut wrong, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            (StatusCode::UNAUTHORIZED, _) => wrong += 1,
            (StatusCode::TOO_MANY_REQUESTS, true) => refused += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    (wrong, refused)
}

fn check(counts: &CheckCounts, wrong: usize, refused: usize) {
    assert!(
        counts.peak() <= HASHES_IN_FLIGHT,
        "{} checks ran at once; the bound is {HASHES_IN_FLIGHT}",
        counts.peak()
    );
    assert!(counts.peak() >= 1);
    assert_eq!(wrong + refused, 40);
    assert!(refused > 0, "every sign-in was checked at once");
    assert_eq!(
        counts.done(),
        wrong as u64,
        "each 401 is one check, each 429 none"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_checks_in_flight_never_exceed_the_bound() {
    let k = Kiosk::start().await;
    let (wrong, refused) = forty_devices_at_once(&k.base, "/login", "Desk 1").await;
    check(
        k.server.as_ref().unwrap().state.sign_in.counts(),
        wrong,
        refused,
    );
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn central_checks_in_flight_never_exceed_the_bound() {
    let c = central("").await;
    let (wrong, refused) = forty_devices_at_once(&c.url, "/sign-in", "Central team").await;
    check(c.central.sign_in.counts(), wrong, refused);
}
