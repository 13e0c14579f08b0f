//! Where a person goes after signing in, for any `next` an attacker's link could carry: always
//! one of the service's own pages (the staff pages' list, the central's overview or a site
//! page), with at most a query of plain characters, and always a valid `Location` header.

use axum::http::HeaderValue;
use hub_kiosk::web::next::Pages;
use proptest::prelude::*;

fn allowed_path(pages: &Pages, path: &str) -> bool {
    pages.exact.contains(&path)
        || pages.with_id.iter().any(|(prefix, suffix)| {
            let id = path
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(suffix));
            id.is_some_and(|id| {
                !id.is_empty()
                    && id.len() <= 40
                    && id
                        .bytes()
                        .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
            })
        })
}

fn check(pages: &Pages, next: &str) -> Result<(), TestCaseError> {
    let to = pages.safe_next(Some(next));
    let (path, query) = to.split_once('?').unwrap_or((&to, ""));
    prop_assert!(allowed_path(pages, path), "{next:?} gave {to:?}");
    prop_assert!(
        query
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~=&+%".contains(&b)),
        "{next:?} gave the query {query:?}"
    );
    prop_assert!(HeaderValue::from_str(&to).is_ok(), "{to:?}");
    prop_assert!(to.starts_with('/') && !to.starts_with("//"));
    // Whatever is followed is exactly what was asked for; anything else is the default page.
    prop_assert!(to == next || to == pages.default, "{next:?} gave {to:?}");
    Ok(())
}

/// Strings near the allowed ones: a page, then anything (tabs, newlines, slashes, `?`, `%`).
fn near_a_page() -> impl Strategy<Value = String> {
    let start = prop_oneof![
        Just("/".to_owned()),
        Just("/queue".to_owned()),
        Just("/footfall".to_owned()),
        Just("/status".to_owned()),
        Just("/sessions".to_owned()),
        "/sites/[a-z0-9-]{0,42}",
        "/sessions/[a-z0-9-]{0,42}(/register)?",
    ];
    let tail = prop::collection::vec(
        prop_oneof![
            Just("\t".to_owned()),
            Just("\n".to_owned()),
            Just("\r".to_owned()),
            Just("/".to_owned()),
            Just("\\".to_owned()),
            Just("?".to_owned()),
            Just("%".to_owned()),
            Just("//evil.example".to_owned()),
            "[a-z0-9=&%._~+-]{0,8}",
            any::<char>().prop_map(String::from),
        ],
        0..6,
    );
    (start, tail).prop_map(|(s, t)| s + &t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_string_gives_one_of_the_staff_pages(next in any::<String>()) {
        check(&hub_kiosk::staff::pages::login::PAGES, &next)?;
    }

    #[test]
    fn any_string_gives_one_of_the_central_pages(next in any::<String>()) {
        check(&hub_kiosk::central::auth::PAGES, &next)?;
    }

    #[test]
    fn strings_near_a_page_give_one_of_the_pages(next in near_a_page()) {
        check(&hub_kiosk::staff::pages::login::PAGES, &next)?;
        check(&hub_kiosk::central::auth::PAGES, &next)?;
    }
}

#[test]
fn the_known_tricks_go_to_the_default_page() {
    let staff = hub_kiosk::staff::pages::login::PAGES;
    for trick in [
        "/\t/evil.example",
        "/queue\n",
        "//evil.example",
        "/\\evil.example",
    ] {
        assert_eq!(staff.safe_next(Some(trick)), "/queue", "{trick:?}");
    }
    let central = hub_kiosk::central::auth::PAGES;
    assert_eq!(central.safe_next(Some("/\t/evil.example")), "/");
    assert_eq!(
        central.safe_next(Some("/sites/walton?from=2026-11-01")),
        "/sites/walton?from=2026-11-01"
    );
}
