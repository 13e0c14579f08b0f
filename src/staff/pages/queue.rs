//! The advisors' queue page. The table is rendered here, on the server, both for the first load
//! and for `/queue/table`, which the page's script fetches again whenever the event stream says
//! the queue changed — so there is one renderer and no polling. Buttons call the JSON API.
//! Above the table: a help request (first), a pause, closing time (`queue_notices`); the rows
//! are `queue_rows`. A login that serves some needs can show only its own tickets.

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

use super::queue_notices::{closing, help_alerts, pause, remit_toggle};
use super::queue_rows::{button, label, row};
use super::{Nav, escape, layout};
use crate::domain::day::Phase;
use crate::domain::{Remit, Ticket};
use crate::staff::api::{QueueReply, queue_reply};
use crate::staff::auth::Caller;
use crate::staff::error::ApiError;
use crate::staff::state::AppState;

pub use super::queue_rows::wait_class;

/// Who is on duty, as stored: (name, on duty, since).
type Duty = Vec<(String, bool, DateTime<Utc>)>;

/// `?show=mine` or `?show=all` (the default).
#[derive(Debug, Default, Deserialize)]
pub struct Show {
    #[serde(default)]
    pub show: Option<String>,
}

/// What one caller sees: the queue, who is on duty, the caller, their remit and choice.
pub struct View<'a> {
    pub q: &'a QueueReply,
    pub duty: &'a Duty,
    pub me: &'a str,
    pub remit: &'a Remit,
    /// Only tickets within the remit (and the caller's own calls).
    pub mine: bool,
    /// The hub's local time of `q.now`, and a converter for other instants.
    pub local: &'a dyn Fn(DateTime<Utc>) -> NaiveDateTime,
}

async fn read(s: &AppState) -> Result<(QueueReply, Duty), ApiError> {
    s.hub(|h| Ok((queue_reply(h)?, h.duty_roster()?))).await
}

/// The fragment for `caller`, as `show` asks.
async fn render(s: &AppState, caller: &Caller, show: &Show) -> Result<String, ApiError> {
    let (q, duty) = read(s).await?;
    let remit = s.hub.remit_of(&caller.name);
    let hub = s.hub.clone();
    let local = move |t: DateTime<Utc>| hub.local(t);
    Ok(table(&View {
        q: &q,
        duty: &duty,
        me: &caller.name,
        remit: &remit,
        mine: show.show.as_deref() == Some("mine"),
        local: &local,
    }))
}

fn shown(v: &View<'_>, t: &Ticket) -> bool {
    !v.mine || v.remit.serves(&t.need) || t.called_by.as_deref() == Some(v.me)
}

/// The live part of the page: a help request, a pause, closing time, summary, duty, the table
/// and today's no-shows.
pub fn table(view: &View<'_>) -> String {
    let (q, duty, me) = (view.q, view.duty, view.me);
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
    let mut out = help_alerts(&v.help, q.now, view.local);
    out.push_str(&pause(v.pause.as_ref(), view.local));
    out.push_str(&closing(&v.day, (view.local)(q.now)));
    out.push_str(&format!(
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
    ));
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
    let come_back = v.pause.is_some() || !matches!(v.day, Phase::Open { .. });
    let entries: Vec<_> = v
        .entries
        .iter()
        .filter(|e| shown(view, &e.ticket))
        .collect();
    if entries.is_empty() {
        out.push_str("<tr><td colspan=\"7\" class=\"muted\">Nobody is waiting.</td></tr>\n");
    }
    for e in entries {
        out.push_str(&row(q, e.position, e.waited_minutes, &e.ticket, come_back));
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

/// `GET /queue/table[?show=mine]`.
pub async fn fragment(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(show): Query<Show>,
) -> Result<Html<String>, ApiError> {
    render(&s, &caller, &show).await.map(Html)
}

/// `GET /queue`.
pub async fn page(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> impl IntoResponse {
    let live = match render(&s, &caller, &Show::default()).await {
        Ok(html) => html,
        Err(e) => super::message("error", &e.message),
    };
    let remit = match s.hub.remit_of(&caller.name) {
        Remit::All => Vec::new(),
        Remit::Needs(list) => list.iter().map(|n| n.to_string()).collect(),
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
         {toggle}\
         <div id=\"flash\" role=\"status\" aria-live=\"polite\"></div>\
         <div id=\"queue\">{live}</div>\
         <details id=\"pause-form\" class=\"card\"><summary>Pause drop-ins</summary>\
         <p class=\"muted\">While paused the screen gives no drop-in tickets and asks visitors to ask at \
         reception; it ends by itself at closing time.</p>\
         <label>Reason (optional, for staff) <input id=\"pause-reason\" maxlength=\"200\" autocomplete=\"off\"></label> \
         <button type=\"button\" data-act=\"pause\">Pause drop-ins</button></details>\
         <h2>Add a walk-in</h2>\
         <form id=\"walk-in\" class=\"card\"><p class=\"muted\" style=\"margin-top:0\">For someone who cannot use the screen: \
         they get a ticket like everyone else.</p><fieldset style=\"border:0;padding:0;margin:0\"><legend>What do they need?</legend>{needs}</fieldset>\
         <label><input type=\"checkbox\" name=\"priority\"> Priority</label>\
         <label><input type=\"checkbox\" name=\"interpreter\"> Would like an interpreter</label>\
         <label>Member number (optional) <input name=\"member\" autocomplete=\"off\" size=\"12\"></label>\
         <p><button type=\"submit\">Add to the queue</button></p></form>\
         <script src=\"/sound.js\"></script><script src=\"/staff-api.js\"></script><script src=\"/queue.js\"></script>",
        toggle = remit_toggle(&remit, false),
    );
    layout(
        "Queue",
        &s.hub.config().site.name,
        Some(&caller.name),
        Nav::Queue,
        &body,
    )
}
