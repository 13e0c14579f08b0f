//! Signing in and out: a login name chosen from the configured ones and its passcode, checked
//! through the shared sign-in gate (`crate::web::sign_in`: throttle, lock-out, a bound on
//! checks at once). After signing in, only one of the staff pages is followed (`next`). Each
//! sign-in and each wrong passcode is a row of the audit log (signing out is one by its route).

use std::time::Instant;

use axum::extract::{Extension, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Nav, escape, layout, message};
use crate::hub::StaffAction;
use crate::staff::audit;
use crate::staff::auth::{Caller, Via, client_ip};
use crate::staff::state::AppState;
use crate::store::AuditVia;
use crate::web::next::Pages;
use crate::web::sign_in::{Refusal, Verdict};

#[derive(Debug, Default, Deserialize)]
pub struct Next {
    #[serde(default)]
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SignIn {
    #[serde(default)]
    name: String,
    #[serde(default)]
    passcode: String,
    #[serde(default)]
    next: Option<String>,
}

/// The pages a signed-in advisor may be sent back to; the queue page by default.
pub const PAGES: Pages = Pages {
    default: "/queue",
    exact: &["/queue", "/footfall", "/status", "/sessions"],
    with_id: &[("/sessions/", "/register")],
};

fn safe_next(next: Option<&str>) -> String {
    PAGES.safe_next(next)
}

fn form(state: &AppState, chosen: &str, next: &str, note: Option<String>) -> Html<String> {
    let config = state.hub.config();
    let logins = &config.staff.logins;
    let mut body = String::from("<h1>Sign in</h1>");
    if let Some(n) = note {
        body.push_str(&n);
    }
    if logins.is_empty() {
        body.push_str(&message(
            "error",
            "No staff logins are set up on this kiosk yet. Add them under [staff] logins in the configuration (see `hub-kiosk config example`).",
        ));
    }
    body.push_str(
        "<form method=\"post\" action=\"/login\" class=\"card stack\" style=\"max-width:24rem\">",
    );
    body.push_str("<label>Who are you?<select name=\"name\" required autocomplete=\"username\">");
    for l in logins {
        let sel = if l.name == chosen { " selected" } else { "" };
        body.push_str(&format!("<option{sel}>{}</option>", escape(&l.name)));
    }
    body.push_str(&format!(
        "</select></label><label>Passcode<input name=\"passcode\" type=\"password\" inputmode=\"numeric\" \
         autocomplete=\"current-password\" required autofocus></label>\
         <input type=\"hidden\" name=\"next\" value=\"{}\"><button type=\"submit\" class=\"big\">Sign in</button></form>",
        escape(next)
    ));
    layout("Sign in", &config.site.name, None, Nav::None, &body)
}

pub async fn page(State(state): State<AppState>, Query(q): Query<Next>) -> Html<String> {
    form(&state, "", &safe_next(q.next.as_deref()), None)
}

pub async fn sign_in(State(state): State<AppState>, req: Request) -> Response {
    let ip = client_ip(&req);
    let form_data: Result<axum::Form<SignIn>, axum::extract::rejection::FormRejection> =
        <axum::Form<SignIn> as axum::extract::FromRequest<AppState>>::from_request(req, &state)
            .await;
    let SignIn {
        name,
        passcode,
        next,
    } = match form_data {
        Ok(axum::Form(f)) => f,
        Err(e) => {
            let note = message(
                "error",
                &format!(
                    "The sign-in form did not arrive whole ({}): try again.",
                    e.body_text()
                ),
            );
            return (
                StatusCode::BAD_REQUEST,
                form(&state, "", "/queue", Some(note)),
            )
                .into_response();
        }
    };
    let next = safe_next(next.as_deref());
    let hash = state
        .hub
        .config()
        .staff
        .logins
        .iter()
        .find(|l| l.name == name)
        .map(|l| l.passcode_hash.clone());
    let known = hash.is_some();
    match state.sign_in.check(ip, hash, passcode).await {
        Verdict::Right => {}
        Verdict::Wrong => {
            tracing::warn!(client = %ip, "wrong staff name or passcode");
            audit::write(&state, sign_in_row(&name, known, ip, false)).await;
            let note = message("error", "That name and passcode do not match. Try again.");
            return (
                StatusCode::UNAUTHORIZED,
                form(&state, &name, &next, Some(note)),
            )
                .into_response();
        }
        Verdict::Refused(refusal) => return refused(&state, &name, &next, refusal),
    }
    let id = state.sessions.start(&name, Instant::now());
    tracing::info!(client = %ip, "{name} signed in to the staff pages");
    audit::write(&state, sign_in_row(&name, known, ip, true)).await;
    (
        [(
            header::SET_COOKIE,
            state.sessions.set_cookie(&id, state.tls),
        )],
        Redirect::to(&next),
    )
        .into_response()
}

/// The audit row of a sign-in: a name that is not a login is kept only as a short note.
fn sign_in_row(name: &str, known: bool, ip: std::net::IpAddr, right: bool) -> StaffAction {
    let (actor, detail) = if known {
        (name.to_owned(), None)
    } else {
        let given: String = name.chars().take(40).collect();
        (
            "(not a login)".to_owned(),
            Some(format!("name given: {given:?}")),
        )
    };
    StaffAction {
        actor,
        via: AuditVia::SignIn,
        action: if right { "sign-in" } else { "sign-in-failed" }.into(),
        subject: None,
        detail,
        client: Some(ip.to_string()),
    }
}

/// 429 with `Retry-After`: locked out, or too many checks at once.
fn refused(state: &AppState, name: &str, next: &str, refusal: Refusal) -> Response {
    let note = message("error", &refusal.message());
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, refusal.retry_after().to_string())],
        form(state, name, next, Some(note)),
    )
        .into_response()
}

pub async fn sign_out(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Response {
    if let Via::Session(id) = &caller.via {
        state.sessions.end(id);
    }
    let note = message("note", "You are signed out.");
    (
        [(header::SET_COOKIE, state.sessions.clear_cookie(state.tls))],
        form(&state, &caller.name, "/queue", Some(note)),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/footfall?from=2026-11-01")),
            "/footfall?from=2026-11-01"
        );
        assert_eq!(safe_next(Some("//evil.example/")), "/queue");
        assert_eq!(safe_next(Some("https://evil.example/")), "/queue");
        assert_eq!(safe_next(Some("/\\evil.example")), "/queue");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/queue");
        assert_eq!(safe_next(Some("/queue\n")), "/queue");
        assert_eq!(safe_next(None), "/queue");
    }
}
