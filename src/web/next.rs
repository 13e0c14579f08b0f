//! Where to go after signing in. `next` comes from the address bar, so it is whatever an
//! attacker's link says: only one of the service's own pages is followed (a fixed list), with
//! an optional query of plain characters. Anything else — another site, `//host`, a tab or a
//! newline that a browser would strip, a backslash — goes to the default page. What comes out
//! is always a valid `Location` header.

/// The pages a service may send a signed-in person back to.
#[derive(Clone, Copy, Debug)]
pub struct Pages {
    /// Where to go when `next` is missing or not allowed.
    pub default: &'static str,
    /// Pages by their exact path.
    pub exact: &'static [&'static str],
    /// Pages made of one of these prefixes, an id (1–40 of `a-z`, `0-9`, `-`) and the suffix
    /// beside it (`("/sites/", "")`, `("/sessions/", "/register")`).
    pub with_id: &'static [(&'static str, &'static str)],
}

/// The longest query kept.
const MAX_QUERY: usize = 512;

impl Pages {
    fn allows_path(&self, path: &str) -> bool {
        self.exact.contains(&path)
            || self.with_id.iter().any(|(prefix, suffix)| {
                let id = path
                    .strip_prefix(prefix)
                    .and_then(|rest| rest.strip_suffix(suffix));
                id.is_some_and(|id| {
                    (1..=40).contains(&id.len())
                        && id
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                })
            })
    }

    /// `next` if it is one of these pages with a plain query; otherwise the default page.
    pub fn safe_next(&self, next: Option<&str>) -> String {
        let Some(next) = next else {
            return self.default.to_owned();
        };
        let (path, query) = match next.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (next, None),
        };
        if !self.allows_path(path) || !query.is_none_or(query_ok) {
            return self.default.to_owned();
        }
        next.to_owned()
    }
}

/// Letters, digits, `-._~=&+` and `%` followed by two hex digits, at most `MAX_QUERY`.
fn query_ok(query: &str) -> bool {
    let b = query.as_bytes();
    if b.len() > MAX_QUERY {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len()
                && b[i + 1].is_ascii_hexdigit()
                && b[i + 2].is_ascii_hexdigit() =>
            {
                i += 3;
                continue;
            }
            c if c.is_ascii_alphanumeric() || b"-._~=&+".contains(&c) => {}
            _ => return false,
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAFF: Pages = Pages {
        default: "/queue",
        exact: &["/queue", "/footfall", "/status", "/sessions"],
        with_id: &[("/sessions/", "/register")],
    };
    const CENTRAL: Pages = Pages {
        default: "/",
        exact: &["/"],
        with_id: &[("/sites/", "")],
    };

    #[test]
    fn own_pages_with_plain_queries_are_followed() {
        for ok in [
            "/footfall?from=2026-11-01&to=2026-11-07",
            "/status",
            "/queue?x=a%20b",
            "/sessions?date=2026-11-02",
            "/sessions/20261102-1b4226beec46/register",
        ] {
            assert_eq!(STAFF.safe_next(Some(ok)), ok);
        }
        assert_eq!(
            CENTRAL.safe_next(Some("/sites/walton?from=2026-11-01")),
            "/sites/walton?from=2026-11-01"
        );
        assert_eq!(CENTRAL.safe_next(Some("/")), "/");
    }

    #[test]
    fn anything_else_goes_to_the_default_page() {
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "x",
            "/\t/evil.example",
            "/queue\n",
            "/queue?a=\r\nSet-Cookie:x",
            "/queue/../x",
            "/api/v1/queue",
            "/queue?x=%zz",
            "/queue?x=%4",
            "/queue?<script>",
            "/sessions/",
            "/sessions//register",
            "/sessions/a/b/register",
            "/sessions/20261102-1b4226beec46",
            "",
        ] {
            assert_eq!(STAFF.safe_next(Some(bad)), "/queue", "{bad:?}");
        }
        assert_eq!(STAFF.safe_next(None), "/queue");
        for bad in [
            "/sites/",
            "/sites/Walton",
            "/sites/a/b",
            "/sites//evil",
            "//",
        ] {
            assert_eq!(CENTRAL.safe_next(Some(bad)), "/", "{bad:?}");
        }
        let long = format!("/queue?{}", "a".repeat(MAX_QUERY + 1));
        assert_eq!(STAFF.safe_next(Some(&long)), "/queue");
    }
}
