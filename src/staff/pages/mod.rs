//! The staff pages: server-rendered HTML with a little JavaScript and no build step. Scripts are
//! served as files (`/staff-api.js`, `/queue.js`, `/sessions.js`, `/sound.js`, `/help-alert.js`), so the content
//! security policy allows no inline script. One layout (header, navigation, calm readable styles
//! that work on a phone) wraps every page.

pub mod audit;
pub mod footfall;
pub mod login;
pub mod queue;
mod queue_notices;
mod queue_rows;
pub mod sessions;
pub mod status;

use axum::http::header;
use axum::response::{Html, IntoResponse};

pub use crate::report::escape;

const STYLE: &str = include_str!("style.css");
/// How the pages' scripts call the JSON API (loaded before the queue's and the sessions').
const STAFF_API_SCRIPT: &str = include_str!("staff_api.js");
/// The queue page's script.
const QUEUE_SCRIPT: &str = include_str!("queue.js");
/// The sessions page's script.
const SESSIONS_SCRIPT: &str = include_str!("sessions.js");
/// Sound for the staff and display pages (a tap on opening lets the browser play it).
const SOUND_SCRIPT: &str = include_str!("sound.js");
/// The help alert on the signed-in pages that are not the queue.
const HELP_ALERT_SCRIPT: &str = include_str!("help_alert.js");

fn script(text: &'static str) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        text,
    )
}

/// `GET /sound.js`.
pub async fn sound_script() -> impl IntoResponse {
    script(SOUND_SCRIPT)
}

/// `GET /help-alert.js`.
pub async fn help_alert_script() -> impl IntoResponse {
    script(HELP_ALERT_SCRIPT)
}

/// `GET /staff-api.js`.
pub async fn staff_api_script() -> impl IntoResponse {
    script(STAFF_API_SCRIPT)
}

/// `GET /queue.js`.
pub async fn queue_script() -> impl IntoResponse {
    script(QUEUE_SCRIPT)
}

/// `GET /sessions.js`.
pub async fn sessions_script() -> impl IntoResponse {
    script(SESSIONS_SCRIPT)
}

/// Which page is open, for the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Queue,
    Sessions,
    Footfall,
    Status,
    None,
}

/// A whole page: `title` (plain text), the signed-in name if any, and the body's HTML. A
/// signed-in page other than the queue (which has its own) carries the help alert on top.
pub fn layout(title: &str, site: &str, who: Option<&str>, nav: Nav, body: &str) -> Html<String> {
    let link = |n: Nav, href: &str, text: &str| {
        let current = if n == nav {
            " aria-current=\"page\""
        } else {
            ""
        };
        format!("<a href=\"{href}\"{current}>{text}</a>")
    };
    let header = match who {
        Some(name) => format!(
            "<nav aria-label=\"Staff pages\">{}{}{}{}</nav>\
             <form method=\"post\" action=\"/logout\" class=\"who\"><span>{}</span> \
             <button type=\"submit\" class=\"quiet\">Sign out</button></form>",
            link(Nav::Queue, "/queue", "Queue"),
            link(Nav::Sessions, "/sessions", "Sessions"),
            link(Nav::Footfall, "/footfall", "Footfall"),
            link(Nav::Status, "/status", "Status"),
            escape(name)
        ),
        None => String::new(),
    };
    let alert = if who.is_some() && !matches!(nav, Nav::Queue | Nav::None) {
        "<section id=\"help-alerts\" class=\"help-alerts\" aria-live=\"assertive\"></section>"
    } else {
        ""
    };
    let scripts = if alert.is_empty() {
        ""
    } else {
        "<script src=\"/sound.js\"></script><script src=\"/help-alert.js\"></script>"
    };
    Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">\
         <title>{title} · {site}</title><style>{STYLE}</style></head>\n\
         <body><header><strong class=\"site\">{site}</strong>{header}</header>\n\
         <main>{alert}{body}</main>{scripts}</body></html>\n",
        title = escape(title),
        site = escape(site),
    ))
}

/// Percent-encodes a string for a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A message box for errors or confirmations (`kind` is `error` or `note`).
pub fn message(kind: &str, text: &str) -> String {
    let role = if kind == "error" { "alert" } else { "status" };
    format!(
        "<p class=\"message {kind}\" role=\"{role}\">{}</p>",
        escape(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_escapes_and_marks_the_current_page() {
        let Html(page) = layout("Queue", "A & B", Some("<Desk>"), Nav::Queue, "<p>hi</p>");
        assert!(page.contains("<title>Queue · A &amp; B</title>"));
        assert!(page.contains("&lt;Desk&gt;"));
        assert!(page.contains("<a href=\"/queue\" aria-current=\"page\">"));
        assert!(page.contains("<p>hi</p>"));
        assert!(!page.contains("help-alert.js"), "the queue has its own");
        let Html(page) = layout("Status", "A", Some("Desk 1"), Nav::Status, "");
        assert!(page.contains("<main><section id=\"help-alerts\""));
        assert!(page.contains("<script src=\"/help-alert.js\">"));
        let Html(page) = layout("Sign in", "A", None, Nav::None, "");
        assert!(
            !page.contains("id=\"help-alerts\""),
            "not before signing in"
        );
    }

    #[test]
    fn url_encoding_keeps_paths_readable() {
        assert_eq!(
            url_encode("/footfall?from=2026-11-01&x=a b"),
            "/footfall%3Ffrom%3D2026-11-01%26x%3Da%20b"
        );
    }
}
