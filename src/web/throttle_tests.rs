//! The throttle's rules, with time passed in.

use super::*;

fn ip(n: u8) -> IpAddr {
    IpAddr::from([192, 168, 1, n])
}

fn throttle() -> Arc<Throttle> {
    Arc::new(Throttle::default())
}

/// One attempt from `client`, checked and found wrong at `now`.
fn fail(t: &Arc<Throttle>, client: IpAddr, now: Instant) -> Result<Duration, Refused> {
    let r = t.reserve(client, now)?;
    let delay = r.delay;
    r.settle(false, now);
    Ok(delay)
}

fn locked(wait: Duration) -> Result<Reservation, Refused> {
    Err(Refused::Locked(Locked { wait }))
}

fn refusal(r: Result<Reservation, Refused>) -> Option<Refused> {
    r.err()
}

#[test]
fn wrong_passcodes_are_slowed_then_lock_the_address_then_each_more_doubles() {
    let t = throttle();
    let now = Instant::now();
    let delays: Vec<Duration> = (0..CLIENT_ALLOWANCE)
        .map(|_| fail(&t, ip(1), now).unwrap())
        .collect();
    let s = Duration::from_secs;
    assert_eq!(delays, [s(0), s(0), s(1), s(2), s(3)]);
    assert_eq!(refusal(t.reserve(ip(1), now)), refusal(locked(FIRST_LOCK)));
    // Another device is not locked by this one, nor slowed.
    assert_eq!(t.reserve(ip(2), now).unwrap().delay, Duration::ZERO);
    let later = now + FIRST_LOCK;
    assert_eq!(fail(&t, ip(1), later), Ok(Duration::ZERO));
    assert_eq!(
        refusal(t.reserve(ip(1), later)),
        refusal(locked(FIRST_LOCK * 2))
    );
    let later = later + FIRST_LOCK * 2;
    fail(&t, ip(1), later).unwrap();
    assert_eq!(
        refusal(t.reserve(ip(1), later)),
        refusal(locked(FIRST_LOCK * 4))
    );
}

#[test]
fn a_burst_gets_no_more_checks_than_the_allowance_and_the_lock_follows() {
    let t = throttle();
    let now = Instant::now();
    let mut admitted = Vec::new();
    let mut refused = 0;
    for _ in 0..40 {
        match t.reserve(ip(1), now) {
            Ok(r) => admitted.push(r),
            Err(Refused::Locked(l)) => {
                assert_eq!(l.wait, FIRST_LOCK);
                refused += 1;
            }
            Err(Refused::Turn) => panic!("no backstop here"),
        }
    }
    assert_eq!((admitted.len(), refused), (CLIENT_ALLOWANCE as usize, 35));
    for r in admitted {
        r.settle(false, now);
    }
    // The right passcode now: refused before it is checked.
    assert_eq!(refusal(t.reserve(ip(1), now)), refusal(locked(FIRST_LOCK)));
}

#[test]
fn a_place_given_back_unchecked_is_free_again() {
    let t = throttle();
    let now = Instant::now();
    let held: Vec<Reservation> = (0..CLIENT_ALLOWANCE)
        .map(|_| t.reserve(ip(1), now).unwrap())
        .collect();
    assert!(t.reserve(ip(1), now).is_err());
    drop(held);
    assert_eq!(t.reserve(ip(1), now).unwrap().delay, Duration::ZERO);
    assert!(t.inner().clients.len() <= 1);
}

#[test]
fn a_right_passcode_clears_the_address() {
    let t = throttle();
    let now = Instant::now();
    for _ in 0..CLIENT_ALLOWANCE - 1 {
        fail(&t, ip(1), now).unwrap();
    }
    t.reserve(ip(1), now).unwrap().settle(true, now);
    assert!(t.inner().clients.is_empty());
    assert_eq!(fail(&t, ip(1), now), Ok(Duration::ZERO));
    assert!(t.reserve(ip(1), now).is_ok());
}

#[test]
fn guesses_from_many_addresses_never_lock_out_one_that_has_not_failed() {
    let t = throttle();
    let now = Instant::now();
    for i in 0..OVERALL_ALLOWANCE as u8 {
        fail(&t, ip(10 + i), now).unwrap();
    }
    assert!(t.backstop_on(now));
    // A fresh address is delayed a little, never refused.
    let fresh = t.reserve(ip(200), now).unwrap();
    assert_eq!(fresh.delay, BACKSTOP_DELAY);
    // Its second attempt in flight waits its turn rather than being refused.
    assert_eq!(refusal(t.reserve(ip(200), now)), Some(Refused::Turn));
    fresh.settle(true, now);
    assert!(t.reserve(ip(200), now).is_ok());
    // An address that fails while the backstop is on is locked at once.
    assert_eq!(fail(&t, ip(201), now), Ok(BACKSTOP_DELAY));
    assert_eq!(
        refusal(t.reserve(ip(201), now)),
        refusal(locked(FIRST_LOCK))
    );
    // Ten quiet minutes later the backstop is off.
    let later = now + BACKSTOP_WINDOW;
    assert!(!t.backstop_on(later));
    assert_eq!(t.reserve(ip(202), later).unwrap().delay, Duration::ZERO);
}

#[test]
fn ipv6_devices_count_by_their_network() {
    let t = throttle();
    let now = Instant::now();
    for i in 0..CLIENT_ALLOWANCE {
        let addr: IpAddr = format!("2001:db8:0:1::{}", i + 1).parse().unwrap();
        fail(&t, addr, now).unwrap();
    }
    let same: IpAddr = "2001:db8:0:1::99".parse().unwrap();
    assert!(t.reserve(same, now).is_err());
    let other: IpAddr = "2001:db8:0:2::1".parse().unwrap();
    assert!(t.reserve(other, now).is_ok());
}

#[test]
fn lock_outs_stop_growing_at_an_hour_and_are_forgotten() {
    let t = throttle();
    let mut now = Instant::now();
    // Guessing on as each lock-out ends: 30 s, 1 min, 2 min, … up to an hour.
    for _ in 0..30 {
        if let Err(Refused::Locked(l)) = t.reserve(ip(1), now) {
            now += l.wait;
        }
        fail(&t, ip(1), now).unwrap();
    }
    assert_eq!(refusal(t.reserve(ip(1), now)), refusal(locked(MAX_LOCK)));
    assert!(Locked { wait: MAX_LOCK }.message().contains("60 minutes"));
    assert!(Locked { wait: FIRST_LOCK }.message().contains("30 seconds"));
    let much_later = now + MAX_LOCK + FORGET_AFTER;
    assert_eq!(fail(&t, ip(1), much_later), Ok(Duration::ZERO));
}

#[test]
fn the_records_kept_are_bounded() {
    let t = throttle();
    let now = Instant::now();
    for i in 0..(MAX_CLIENTS + 100) as u32 {
        let addr = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + i));
        fail(&t, addr, now).unwrap();
    }
    assert!(t.inner().clients.len() <= MAX_CLIENTS);
}
