//! "Now calling": the tickets advisors called, newest first, as the banner shows them in the
//! visitor's language. Plain Rust; `feed` fills it from the event stream and empties it a while
//! after the last call.

use std::collections::VecDeque;

use crate::config::Texts;
use crate::domain::needs::pick;

/// (ticket, place) as the banner shows it.
pub type Shown = (String, String);

/// A ticket called by an advisor, with where to go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Called {
    pub ticket: String,
    pub location: Texts,
}

/// The calls on the banner: the latest and the few before it.
#[derive(Clone, Debug, Default)]
pub struct Calls {
    list: VecDeque<Called>,
    /// The latest and `recent_calls` before it.
    keep: usize,
}

impl Calls {
    pub fn new(recent_calls: u32) -> Calls {
        Calls {
            list: VecDeque::new(),
            keep: recent_calls as usize + 1,
        }
    }

    /// A new call goes first; the same ticket called again moves up, not twice.
    pub fn called(&mut self, ticket: String, location: Texts) {
        self.list.retain(|c| c.ticket != ticket);
        self.list.push_front(Called { ticket, location });
        self.list.truncate(self.keep.max(1));
    }

    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// (ticket, place) of the latest call and of the ones before it, in `lang`.
    pub fn shown(&self, lang: &str) -> (Option<Shown>, Vec<Shown>) {
        let as_pair = |c: &Called| {
            let place = pick(&c.location, lang).unwrap_or_default().to_owned();
            (c.ticket.clone(), place)
        };
        let latest = self.list.front().map(as_pair);
        (latest, self.list.iter().skip(1).map(as_pair).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(n: u32) -> Texts {
        Texts::from([
            ("en".into(), format!("Room {n}")),
            ("pl".into(), format!("Pokój {n}")),
        ])
    }

    #[test]
    fn newest_first_no_repeats_and_in_the_visitors_language() {
        let mut calls = Calls::new(2);
        for (t, r) in [
            ("A 001", 1),
            ("A 002", 2),
            ("A 001", 2),
            ("A 003", 1),
            ("A 004", 2),
        ] {
            calls.called(t.into(), room(r));
        }
        let (latest, recent) = calls.shown("pl");
        assert_eq!(latest, Some(("A 004".into(), "Pokój 2".into())));
        let tickets: Vec<&str> = recent.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(tickets, ["A 003", "A 001"]);
        calls.clear();
        assert_eq!(calls.shown("en"), (None, vec![]));
    }
}
