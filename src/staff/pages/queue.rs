//! The advisors' queue page. The table is rendered here, on the server, both for the first load
//! and for `/queue/table`, which the page's script fetches again whenever the event stream says
//! the queue changed — so there is one renderer and no polling. Buttons call the JSON API.

use axum::Extension;
use axum::extract::State;
use axum::response::{Html, IntoResponse};
use chrono::{DateTime, Utc};

use super::{Nav, escape, layout};
use crate::domain::{Ticket, TicketState};
use crate::staff::api::{QueueReply, queue_reply};
use crate::staff::auth::Caller;
use crate::staff::error::ApiError;
use crate::staff::state::AppState;

/// Who is on duty, as stored: (name, on duty, since).
type Duty = Vec<(String, bool, DateTime<Utc>)>;

async fn read(s: &AppState) -> Result<(QueueReply, Duty), ApiError> {
    s.hub(|h| Ok((queue_reply(h)?, h.duty_roster()?))).await
}

/// "amber" or "red" once a wait reaches the configured minutes.
pub fn wait_class(minutes: i64, amber: u32, red: u32) -> &'static str {
    if minutes >= i64::from(red) {
        "red"
    } else if minutes >= i64::from(amber) {
        "amber"
    } else {
        ""
    }
}

fn label<'a>(q: &'a QueueReply, id: &'a str) -> &'a str {
    q.needs
        .iter()
        .find(|n| n.id.as_str() == id)
        .map_or(id, |n| n.label.as_str())
}

fn button(act: &str, t: &Ticket, text: &str, quiet: bool) -> String {
    format!(
        "<button type=\"button\" data-act=\"{act}\" data-id=\"{}\" aria-label=\"{text} {}\"{}>{text}</button>",
        t.id,
        t.number,
        if quiet { " class=\"quiet\"" } else { "" }
    )
}

fn transfer(q: &QueueReply, t: &Ticket) -> String {
    let options: String = q
        .needs
        .iter()
        .filter(|n| n.drop_in && (n.id != t.need || t.state != TicketState::Waiting))
        .map(|n| format!("<option value=\"{}\">{}</option>", n.id, escape(&n.label)))
        .collect();
    if options.is_empty() {
        return String::new();
    }
    format!(
        "<span><select id=\"transfer-{id}\" aria-label=\"Transfer {num} to\">{options}</select> {}</span>",
        button("transfer", t, "Transfer", true),
        id = t.id,
        num = t.number,
    )
}

fn row(q: &QueueReply, position: Option<usize>, waited: i64, t: &Ticket) -> String {
    let needs: String = t
        .needs
        .iter()
        .map(|n| {
            let main = if *n == t.need { " main" } else { "" };
            format!(
                "<span class=\"tag{main}\">{}</span>",
                escape(label(q, n.as_str()))
            )
        })
        .collect();
    let priority = if t.priority {
        "<span class=\"tag priority\">Priority</span>"
    } else {
        ""
    };
    let member = t
        .member
        .as_ref()
        .map(|m| escape(m.as_str()))
        .unwrap_or_default();
    let (state, actions) = match t.state {
        TicketState::Called => (
            format!(
                "Called by {}{}",
                escape(t.called_by.as_deref().unwrap_or("")),
                if t.calls > 1 {
                    format!(" ({}×)", t.calls)
                } else {
                    String::new()
                }
            ),
            [
                button("recall", t, "Recall", false),
                button("seen", t, "Seen", false),
                button("no-show", t, "No-show", true),
                button("requeue", t, "Requeue", true),
                transfer(q, t),
                button("left", t, "Left", true),
            ]
            .concat(),
        ),
        _ => (
            "Waiting".to_owned(),
            [
                button("call", t, "Call", false),
                transfer(q, t),
                button("left", t, "Left", true),
            ]
            .concat(),
        ),
    };
    format!(
        "<tr data-id=\"{id}\" data-created=\"{created}\" class=\"{st} {wc}\"><td class=\"hide-narrow\">{pos}</td>\
         <td class=\"ticket-no\">{num}</td><td>{needs}{priority}</td><td>{member}</td>\
         <td class=\"waited\">{waited} min</td><td>{state}</td><td><div class=\"actions\">{actions}</div></td></tr>\n",
        id = t.id,
        created = t.created.timestamp_millis(),
        st = t.state.as_str(),
        wc = wait_class(waited, q.amber_minutes, q.red_minutes),
        pos = position.map(|p| p.to_string()).unwrap_or_default(),
        num = t.number,
    )
}

/// The live part of the page: summary, duty, the table and today's no-shows.
pub fn table(q: &QueueReply, duty: &Duty, me: &str) -> String {
    let v = &q.view;
    let mine = duty
        .iter()
        .find(|(n, _, _)| n == me)
        .is_some_and(|(_, on, _)| *on);
    let on_duty: Vec<String> = duty
        .iter()
        .filter(|(_, on, _)| *on)
        .map(|(n, _, _)| escape(n))
        .collect();
    let mut out = format!(
        "<div class=\"summary card\"><span><span class=\"n\" id=\"waiting-count\">{}</span> waiting</span>\
         <span><span class=\"n\">{}</span> called</span><span><span class=\"n\">{}</span> on duty</span>\
         <span>Someone joining now waits {}</span><span class=\"{}\">{}</span></div>",
        v.waiting,
        v.called,
        v.advisors_on_duty,
        v.estimate_for_next.describe_en(),
        if v.open { "ok" } else { "bad" },
        if v.open {
            "Queue open"
        } else {
            "Queue closed (walk-ins can still be added)"
        },
    );
    out.push_str(&format!(
        "<div class=\"card summary\"><span>You are <strong>{}</strong></span>\
         <button type=\"button\" class=\"quiet\" data-act=\"duty\" data-on=\"{}\">{}</button>\
         <span class=\"muted\">On duty: {}</span></div>",
        if mine { "on duty" } else { "away" },
        !mine,
        if mine { "I'm away" } else { "I'm on duty" },
        if on_duty.is_empty() {
            "nobody has said (the estimate assumes the configured number)".to_owned()
        } else {
            on_duty.join(", ")
        },
    ));
    out.push_str(&format!(
        "<div class=\"scroll\"><table id=\"queue-table\" data-now=\"{}\" data-amber=\"{}\" data-red=\"{}\">\
         <caption class=\"muted\" style=\"text-align:left\">Waiting in call order, then called</caption>\
         <thead><tr><th class=\"hide-narrow\">#</th><th>Ticket</th><th>Needs</th><th>Member</th><th>Waited</th>\
         <th>Status</th><th>Actions</th></tr></thead><tbody>\n",
        q.now.timestamp_millis(),
        q.amber_minutes,
        q.red_minutes
    ));
    if v.entries.is_empty() {
        out.push_str("<tr><td colspan=\"7\" class=\"muted\">Nobody is waiting.</td></tr>\n");
    }
    for e in &v.entries {
        out.push_str(&row(q, e.position, e.waited_minutes, &e.ticket));
    }
    out.push_str("</tbody></table></div>");
    if !q.no_shows.is_empty() {
        out.push_str("<h2>No-shows today</h2><div class=\"scroll\"><table><tbody>");
        for t in &q.no_shows {
            out.push_str(&format!(
                "<tr class=\"no_show\"><td class=\"ticket-no\">{}</td><td>{}</td><td><div class=\"actions\">{}</div></td></tr>",
                t.number,
                escape(label(q, t.need.as_str())),
                button("requeue", t, "Requeue", true)
            ));
        }
        out.push_str("</tbody></table></div>");
    }
    out
}

/// `GET /queue/table`.
pub async fn fragment(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Html<String>, ApiError> {
    let (q, duty) = read(&s).await?;
    Ok(Html(table(&q, &duty, &caller.name)))
}

/// `GET /queue`.
pub async fn page(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> impl IntoResponse {
    let live = match read(&s).await {
        Ok((q, duty)) => table(&q, &duty, &caller.name),
        Err(e) => super::message("error", &e.message),
    };
    let needs: String = s
        .hub
        .config()
        .catalogue
        .iter()
        .filter(|n| n.drop_in)
        .map(|n| {
            format!(
                "<label><input type=\"checkbox\" name=\"need\" value=\"{}\"> {}</label>",
                n.id,
                escape(n.label("en"))
            )
        })
        .collect();
    let body = format!(
        "<h1>Queue</h1>\
         <div class=\"summary\" style=\"margin-bottom:1rem\">\
         <button type=\"button\" class=\"big\" data-act=\"call-next\">Call next</button>\
         <button type=\"button\" class=\"quiet\" id=\"sound\" aria-pressed=\"false\">Sound: off</button>\
         <span id=\"live\" class=\"muted\" aria-live=\"polite\">Connecting…</span></div>\
         <div id=\"flash\" role=\"status\" aria-live=\"polite\"></div>\
         <div id=\"queue\">{live}</div>\
         <h2>Add a walk-in</h2>\
         <form id=\"walk-in\" class=\"card\"><p class=\"muted\" style=\"margin-top:0\">For someone who cannot use the screen: \
         they get a ticket like everyone else.</p><fieldset style=\"border:0;padding:0;margin:0\"><legend>What do they need?</legend>{needs}</fieldset>\
         <label><input type=\"checkbox\" name=\"priority\"> Priority</label>\
         <label>Member number (optional) <input name=\"member\" autocomplete=\"off\" size=\"12\"></label>\
         <p><button type=\"submit\">Add to the queue</button></p></form>\
         <script src=\"/queue.js\"></script>"
    );
    layout(
        "Queue",
        &s.hub.config().site.name,
        Some(&caller.name),
        Nav::Queue,
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_turn_amber_then_red_at_the_thresholds() {
        assert_eq!(wait_class(19, 20, 40), "");
        assert_eq!(wait_class(20, 20, 40), "amber");
        assert_eq!(wait_class(39, 20, 40), "amber");
        assert_eq!(wait_class(40, 20, 40), "red");
    }
}
