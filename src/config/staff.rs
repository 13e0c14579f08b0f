//! `[staff]`: the people who sign in to the staff pages (named, with where they sit, their role
//! and the needs they serve), API tokens, the display page's token, and how the pages are served
//! (address, TLS, the plain-HTTP opt-out).

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Texts;

/// What a login may see: advisors run the queue; managers also read the audit log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    Advisor,
    Manager,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Advisor => "advisor",
            Role::Manager => "manager",
        }
    }
}

/// A person who can sign in to the staff pages: named, so the audit log says who did what.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StaffLogin {
    /// The person's display name ("Sam Patel"): on the staff pages and in the audit log.
    pub name: String,
    /// Argon2 hash of the passcode, from `hub-kiosk staff hash-passcode`.
    pub passcode_hash: String,
    /// Where they sit, per language: visitors they call are asked to go there ("Room 2").
    #[serde(default)]
    pub location: Texts,
    /// `advisor` (the default) or `manager` (also reads the audit log on the status page).
    #[serde(default)]
    pub role: Role,
    /// The drop-in needs this person serves; "Call next" calls the first ticket within them.
    /// Empty: every need.
    #[serde(default)]
    pub needs: Vec<crate::domain::NeedId>,
}

/// A bearer token for API clients.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiToken {
    pub name: String,
    pub token: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    pub certificate: PathBuf,
    pub key: PathBuf,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Staff {
    /// Address and port of the staff pages: this machine only unless set. Any other address
    /// needs `tls`, or `allow_plain_http` (see `transport.rs`).
    pub listen: SocketAddr,
    pub logins: Vec<StaffLogin>,
    pub api_tokens: Vec<ApiToken>,
    pub tls: Option<Tls>,
    /// Serve plain HTTP on the network all the same: a warning in the log and on the pages.
    pub allow_plain_http: bool,
    /// The read-only token of the display page (`/display?token=…`) for a screen in the
    /// waiting area; no display page without it.
    pub display_token: Option<String>,
}

impl Default for Staff {
    fn default() -> Self {
        Staff {
            listen: "127.0.0.1:8080".parse().expect("valid"),
            logins: Vec::new(),
            api_tokens: Vec::new(),
            tls: None,
            allow_plain_http: false,
            display_token: None,
        }
    }
}

impl Staff {
    /// The login named `name`.
    pub fn login(&self, name: &str) -> Option<&StaffLogin> {
        self.logins.iter().find(|l| l.name == name)
    }
}

/// Checks of `[staff]`: logins, API tokens, TLS files and how the pages are served. Problems
/// refuse the file; warnings (plain HTTP allowed on the network, a login named like a desk)
/// are shown and logged.
pub(super) mod checks {
    use std::collections::BTreeSet;

    use super::Staff;
    use crate::config::locate::{Problem, problem};
    use crate::config::{
        DEMO_API_TOKEN, DEMO_DISPLAY_TOKEN, DEMO_PASSCODE, Transport, plain_http_warning, transport,
    };
    use crate::domain::Catalogue;
    use crate::web::passcode;

    /// `[staff]`: problems into `p`, warnings into `w`. The needs each login serves are checked
    /// against `catalogue` when it is valid.
    pub fn staff(
        staff: &Staff,
        catalogue: Option<&Catalogue>,
        demo: bool,
        p: &mut Vec<Problem>,
        w: &mut Vec<Problem>,
    ) {
        logins(staff, demo, p, w);
        served_needs(staff, catalogue, p);
        let tokens = tokens(staff, demo, p);
        display_token(staff.display_token.as_deref(), &tokens, demo, p);
        if let Some(tls) = &staff.tls {
            for (key, path) in [
                ("staff.tls.certificate", &tls.certificate),
                ("staff.tls.key", &tls.key),
            ] {
                if !path.is_file() {
                    p.push(problem(
                        key,
                        format!(
                            "{} does not exist or is not a file: make a key and certificate with \
                             `hub-kiosk staff tls` (docs/staff.md)",
                            path.display()
                        ),
                    ));
                }
            }
        }
        match transport(
            staff.listen,
            staff.tls.is_some(),
            staff.allow_plain_http,
            "staff",
        ) {
            Err(e) => p.push(problem("staff.listen", e)),
            Ok(Transport::PlainAllowed) => w.push(problem(
                "staff.allow_plain_http",
                plain_http_warning(staff.listen, "staff"),
            )),
            Ok(_) => {}
        }
    }

    /// "Desk 1", "Reception", "Staff": a name for a place or a team, not a person.
    fn names_a_desk(name: &str) -> bool {
        let lower = name.trim().to_lowercase();
        let bare = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_whitespace());
        [
            "desk",
            "front desk",
            "reception",
            "staff",
            "advisor",
            "advisors",
            "admin",
            "room",
            "counter",
            "team",
        ]
        .contains(&bare)
    }

    fn logins(staff: &Staff, demo: bool, p: &mut Vec<Problem>, w: &mut Vec<Problem>) {
        let mut names = BTreeSet::new();
        for (i, login) in staff.logins.iter().enumerate() {
            if login.name.trim().is_empty() || login.name.chars().count() > 40 {
                p.push(problem(
                    format!("staff.logins.{i}.name"),
                    "give the person's name, 1–40 characters, e.g. \"Sam Patel\"",
                ));
            } else if !names.insert(login.name.clone()) {
                p.push(problem(
                    format!("staff.logins.{i}.name"),
                    format!("`{}` is used twice: names must be unique", login.name),
                ));
            } else if !demo && names_a_desk(&login.name) {
                w.push(problem(
                    format!("staff.logins.{i}.name"),
                    format!(
                        "`{}` names a desk, not a person: give each person a login of their own \
                         (the audit log then says who did what) and put where they sit in \
                         `location`",
                        login.name
                    ),
                ));
            }
            if let Err(e) = passcode::check_hash(&login.passcode_hash) {
                p.push(problem(format!("staff.logins.{i}.passcode_hash"), e));
            } else if !demo && passcode::verify(&login.passcode_hash, DEMO_PASSCODE) {
                p.push(problem(
                    format!("staff.logins.{i}.passcode_hash"),
                    "this is the demo passcode: set a real one with `hub-kiosk staff hash-passcode`",
                ));
            }
        }
    }

    /// Each login serves drop-in needs only.
    fn served_needs(staff: &Staff, catalogue: Option<&Catalogue>, p: &mut Vec<Problem>) {
        let Some(c) = catalogue else {
            return;
        };
        for (i, login) in staff.logins.iter().enumerate() {
            if let Some((j, need)) = login
                .needs
                .iter()
                .enumerate()
                .find(|(_, n)| !c.is_drop_in(n))
            {
                p.push(problem(
                    format!("staff.logins.{i}.needs.{j}"),
                    format!(
                        "`{need}` is not a drop-in need: list only needs with drop_in = true, or leave needs out to serve every need"
                    ),
                ));
            }
        }
    }

    /// The API tokens, each checked; returns them for the display token's check.
    fn tokens(staff: &Staff, demo: bool, p: &mut Vec<Problem>) -> BTreeSet<String> {
        let mut tokens = BTreeSet::new();
        for (i, t) in staff.api_tokens.iter().enumerate() {
            let key = format!("staff.api_tokens.{i}.token");
            if !demo && t.token == DEMO_API_TOKEN {
                p.push(problem(
                    key,
                    "this is the demo API token: make a random one, e.g. `openssl rand -hex 16`",
                ));
            } else if t.token.len() < 22
                || t.token.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                p.push(problem(key, "use at least 22 random characters without spaces (128 bits), e.g. `openssl rand -hex 16`"));
            } else if !tokens.insert(t.token.clone()) {
                p.push(problem(key, "this token is used twice"));
            }
        }
        tokens
    }

    /// `[staff] display_token`: random, fit for an address, and no API token's.
    fn display_token(
        token: Option<&str>,
        api_tokens: &BTreeSet<String>,
        demo: bool,
        p: &mut Vec<Problem>,
    ) {
        let Some(t) = token else {
            return;
        };
        let key = "staff.display_token";
        if !demo && t == DEMO_DISPLAY_TOKEN {
            p.push(problem(
                key,
                "this is the demo display token: make a random one, e.g. `openssl rand -hex 16`",
            ));
        } else if t.len() < 22
            || !t
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            p.push(problem(key, "use at least 22 random letters, digits, `-` or `_` (it goes in the page's address), e.g. `openssl rand -hex 16`"));
        } else if api_tokens.contains(t) {
            p.push(problem(
                key,
                "use a token of its own, not an API token: it only shows the display page",
            ));
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn desk_names_are_told_from_people() {
            for desk in [
                "Desk 1",
                "desk2",
                "Reception",
                "Front desk",
                "STAFF",
                "Room 3",
            ] {
                assert!(super::names_a_desk(desk), "{desk}");
            }
            for person in ["Sam Patel", "Desmond", "Roomana Khan", "Ada"] {
                assert!(!super::names_a_desk(person), "{person}");
            }
        }
    }
}
