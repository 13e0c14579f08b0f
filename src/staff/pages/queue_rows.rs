//! One row of the advisors' queue table: the ticket, what they came for with the visitor's
//! language and whether they asked for an interpreter, the wait (amber and red past the
//! configured minutes), the state and the buttons its state allows.

use super::escape;
use crate::domain::{Ticket, TicketState};
use crate::staff::api::QueueReply;

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

pub(super) fn label<'a>(q: &'a QueueReply, id: &'a str) -> &'a str {
    q.needs
        .iter()
        .find(|n| n.id.as_str() == id)
        .map_or(id, |n| n.label.as_str())
}

pub(super) fn button(act: &str, t: &Ticket, text: &str, quiet: bool) -> String {
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

/// The visitor's language named in itself ("Polski"), and whether they asked for an interpreter.
fn language(t: &Ticket) -> String {
    let name = crate::ui::languages::name(t.language.as_str());
    let interpreter = if t.interpreter {
        "<span class=\"tag interpreter\">Interpreter</span>"
    } else {
        ""
    };
    format!(
        "<span class=\"tag lang\" lang=\"{code}\" title=\"Language: {code}\">{}</span>{interpreter}",
        escape(&name),
        code = escape(t.language.as_str()),
    )
}

/// One ticket; `come_back` offers "Come back tomorrow" (near and after closing, and while paused).
pub(super) fn row(
    q: &QueueReply,
    position: Option<usize>,
    waited: i64,
    t: &Ticket,
    come_back: bool,
) -> String {
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
    let needs = needs + &language(t);
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
            ]
            .concat(),
        ),
        _ => ("Waiting".to_owned(), button("call", t, "Call", false)),
    };
    // Every ticket on the page can move to another need, leave, or come back tomorrow.
    let actions = [
        actions,
        transfer(q, t),
        button("left", t, "Left", true),
        if come_back {
            button("come-back", t, "Come back tomorrow", true)
        } else {
            String::new()
        },
    ]
    .concat();
    format!(
        "<tr data-id=\"{id}\" data-created=\"{created}\" class=\"{st} {wc}\"><td class=\"hide-narrow\">{pos}</td>\
         <td class=\"ticket-no\">{num}</td><td>{needs}{priority}</td><td>{member}</td>\
         <td class=\"waited\">{waited} min</td><td class=\"state\">{state}</td><td><div class=\"actions\">{actions}</div></td></tr>\n",
        id = t.id,
        created = t.created.timestamp_millis(),
        st = t.state.as_str(),
        wc = wait_class(waited, q.amber_minutes, q.red_minutes),
        pos = position.map(|p| p.to_string()).unwrap_or_default(),
        num = t.number,
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
