//! Sign-in under attack, on both services over real HTTP: a burst of wrong passcodes from one
//! device gets no more checks than the allowance and the right passcode inside it is refused;
//! guessing from several devices never locks out a device that has not failed; and behind a
//! trusted proxy the device it names is the one counted, while anyone else's
//! `X-Forwarded-For` is ignored.

mod staff_support;
mod web_support;

use std::time::Duration;

use reqwest::{Client, Response, StatusCode, header};
use staff_support::Kiosk;
use web_support::*;

/// Wrong passcodes a device may try before it is locked out (`throttle::CLIENT_ALLOWANCE`).
const ALLOWANCE: usize = 5;

#[derive(Clone, Copy)]
enum Service {
    Staff,
    Central,
}

impl Service {
    async fn sign_in(self, client: &Client, url: &str, passcode: &str) -> Response {
        match self {
            Service::Staff => staff_sign_in(client, url, passcode).await,
            Service::Central => central_sign_in(client, url, passcode).await,
        }
    }

    fn right(self) -> &'static str {
        match self {
            Service::Staff => staff_support::PASSCODE,
            Service::Central => PASSCODE,
        }
    }
}

/// 40 sign-ins sent at once from one device, the right passcode last.
async fn a_burst_from_one_device(service: Service, url: &str) {
    let client = client_from("127.0.0.5");
    let wrong: Vec<_> = (0..39)
        .map(|i| {
            let (client, url) = (client.clone(), url.to_owned());
            tokio::spawn(async move {
                let r = service
                    .sign_in(&client, &url, &format!("{}", 9000 + i))
                    .await;
                (r.status(), r.headers().contains_key(header::RETRY_AFTER))
            })
        })
        .collect();
    // The burst is in; the right passcode comes after it, while its checks are still running.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let right = service.sign_in(&client, url, service.right()).await;
    assert_eq!(
        right.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the right passcode sent inside the burst must be refused"
    );
    assert!(right.headers().contains_key(header::RETRY_AFTER));
    let mut checked = 0;
    for task in wrong {
        match task.await.unwrap() {
            (StatusCode::UNAUTHORIZED, _) => checked += 1,
            (StatusCode::TOO_MANY_REQUESTS, retry_after) => assert!(retry_after),
            (other, _) => panic!("unexpected {other}"),
        }
    }
    assert!(
        checked <= ALLOWANCE,
        "{checked} of 39 wrong passcodes were checked; at most {ALLOWANCE} may be"
    );
    // Still locked afterwards.
    let again = service.sign_in(&client, url, service.right()).await;
    assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_a_burst_gets_no_more_checks_than_the_allowance() {
    let k = Kiosk::start().await;
    a_burst_from_one_device(Service::Staff, &k.base).await;
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn central_a_burst_gets_no_more_checks_than_the_allowance() {
    let c = central("").await;
    a_burst_from_one_device(Service::Central, &c.url).await;
}

/// Each device guesses until it has had `ALLOWANCE` wrong answers or is locked out; how many
/// wrong answers it had.
async fn guess(service: Service, url: String, from: String) -> usize {
    let client = client_from(&from);
    let mut wrong = 0;
    while wrong < ALLOWANCE {
        let r = service.sign_in(&client, &url, "0000").await;
        match r.status() {
            StatusCode::UNAUTHORIZED => wrong += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                if r.text().await.unwrap().contains("too many wrong passcodes") {
                    break;
                }
                // Busy with other devices' checks: try again shortly.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => panic!("unexpected {other} for {from}"),
        }
    }
    wrong
}

async fn guessing_devices_never_lock_out_another(service: Service, url: &str) {
    // Five devices guess at once: 25 wrong passcodes, more than the overall allowance (20).
    let devices: Vec<_> = (10..15)
        .map(|n| tokio::spawn(guess(service, url.to_owned(), format!("127.0.0.{n}"))))
        .collect();
    let mut wrong = 0;
    for d in devices {
        wrong += d.await.unwrap();
    }
    assert!(wrong >= 20, "only {wrong} wrong passcodes were tried");
    // A device that has not failed signs in with the right passcode.
    let fresh = service
        .sign_in(&client_from("127.0.0.3"), url, service.right())
        .await;
    assert_eq!(
        fresh.status(),
        StatusCode::SEE_OTHER,
        "another device's failures locked this one out"
    );
    // The guessing devices are locked, even with the right passcode.
    let guesser = service
        .sign_in(&client_from("127.0.0.10"), url, service.right())
        .await;
    assert_eq!(guesser.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_guessing_devices_never_lock_out_another() {
    let k = Kiosk::start().await;
    guessing_devices_never_lock_out_another(Service::Staff, &k.base).await;
    k.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn central_guessing_devices_never_lock_out_another() {
    let c = central("").await;
    guessing_devices_never_lock_out_another(Service::Central, &c.url).await;
}

async fn via(client: &Client, url: &str, forwarded_for: &str, passcode: &str) -> StatusCode {
    let extra = [("x-forwarded-for", forwarded_for)];
    post_sign_in(
        client,
        url,
        "/sign-in",
        "Central team",
        passcode,
        "/",
        &extra,
    )
    .await
    .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn central_behind_a_trusted_proxy_counts_the_client_it_names() {
    let c = central("trusted_proxies = [\"127.0.0.1\"]").await;
    let proxy = client_from("127.0.0.1");
    for _ in 0..ALLOWANCE {
        assert_eq!(
            via(&proxy, &c.url, "198.51.100.7", "0000").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        via(&proxy, &c.url, "198.51.100.7", PASSCODE).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the guessing client is locked"
    );
    // Another client behind the same proxy is not.
    assert_eq!(
        via(&proxy, &c.url, "203.0.113.1, 198.51.100.8", PASSCODE).await,
        StatusCode::SEE_OTHER
    );
    // From a peer that is not a trusted proxy the header is ignored: forging another client
    // for each guess does not escape the lock-out.
    let direct = client_from("127.0.0.2");
    let mut statuses = Vec::new();
    for i in 0..ALLOWANCE + 1 {
        statuses.push(via(&direct, &c.url, &format!("192.0.2.{i}"), "0000").await);
    }
    assert_eq!(
        statuses[ALLOWANCE],
        StatusCode::TOO_MANY_REQUESTS,
        "{statuses:?}"
    );
}

#[test]
fn central_trusted_proxies_are_checked_with_the_line() {
    let text = "[service]\ntrusted_proxies = [\"10.0.0.0/24\", \"proxy.local\"]\n\
                [[sites]]\nid = \"walton\"\nname = \"Walton\"\n";
    let e = hub_kiosk::central::CentralConfig::parse(text, "central.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 2") && e.contains("`proxy.local` is not an address or network"),
        "{e}"
    );
}
