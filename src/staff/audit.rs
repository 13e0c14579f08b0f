//! The one hook every staff action goes through on its way to the audit log. Each route that
//! changes something names its action in `staff::routes()` (`audited("seen")`); after its
//! handler answers with success, the hook writes one row through `Hub::audit`: the caller's
//! name and how they were recognised, the action, what it was about, the device's address.
//! A replayed answer (`Idempotency-Key`) is not a new action and writes nothing.
//!
//! What the row is about comes from the route's path (`/tickets/{id}/seen` → "ticket #12"),
//! or better from the handler: it may put an [`AuditNote`] in its answer's extensions (the
//! ticket's number, "to housing"). Signing in has no caller yet, so the sign-in form writes its
//! own rows through [`write`].

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::api::idempotent::REPLAYED;
use super::auth::{Caller, Via, client_ip};
use super::state::AppState;
use crate::hub::StaffAction;
use crate::store::AuditVia;

/// How a route reaches the audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audit {
    /// Reads only: nothing to record.
    No,
    /// The hook records this action after a successful answer.
    Action(&'static str),
    /// The handler records its own rows (the sign-in form).
    Handler,
}

/// What a handler adds to its answer for the audit log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditNote {
    pub subject: Option<String>,
    pub detail: Option<String>,
}

/// The state of one route's hook: the server's, the action and the route's path pattern.
#[derive(Clone)]
pub struct Hook {
    pub state: AppState,
    pub action: &'static str,
    pub pattern: &'static str,
}

/// "ticket #12" from the pattern `/api/v1/tickets/{id}/seen` and the path
/// `/api/v1/tickets/12/seen`: each parameter named by the segment before it, made singular.
pub fn subject_from_path(pattern: &str, path: &str) -> Option<String> {
    let template: Vec<&str> = pattern.split('/').collect();
    let actual: Vec<&str> = path.split('/').collect();
    let mut parts = Vec::new();
    for (i, (t, a)) in template.iter().zip(&actual).enumerate() {
        if t.starts_with('{') && i > 0 {
            let noun = template[i - 1];
            let noun = noun.strip_suffix('s').unwrap_or(noun);
            parts.push(format!("{noun} #{a}"));
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn via(caller: &Caller) -> AuditVia {
    match caller.via {
        Via::Session(_) => AuditVia::Session,
        Via::Token => AuditVia::Token,
    }
}

/// Writes one row; a failure is logged by the hub and the action stands.
pub async fn write(state: &AppState, action: StaffAction) {
    let _ = state.hub(move |h| h.audit(action)).await;
}

/// The hook: runs the route, then records what succeeded.
pub async fn record(State(hook): State<Hook>, req: Request, next: Next) -> Response {
    let caller = req.extensions().get::<Caller>().cloned();
    let client: IpAddr = client_ip(&req);
    let from_path = subject_from_path(hook.pattern, req.uri().path());
    let res = next.run(req).await;
    let Some(caller) = caller else {
        return res;
    };
    if !res.status().is_success() || res.headers().contains_key(REPLAYED) {
        return res;
    }
    let note = res
        .extensions()
        .get::<AuditNote>()
        .cloned()
        .unwrap_or_default();
    let action = StaffAction {
        via: via(&caller),
        actor: caller.name,
        action: hook.action.to_owned(),
        subject: note.subject.or(from_path),
        detail: note.detail,
        client: Some(client.to_string()),
    };
    write(&hook.state, action).await;
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_names_what_an_action_was_about() {
        assert_eq!(
            subject_from_path("/api/v1/tickets/{id}/seen", "/api/v1/tickets/12/seen").as_deref(),
            Some("ticket #12")
        );
        assert_eq!(
            subject_from_path(
                "/api/v1/sessions/{id}/register",
                "/api/v1/sessions/yoga-3/register"
            )
            .as_deref(),
            Some("session #yoga-3")
        );
        assert_eq!(subject_from_path("/api/v1/duty", "/api/v1/duty"), None);
    }
}
