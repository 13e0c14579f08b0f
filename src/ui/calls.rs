//! "Now calling": the tickets advisors called, newest first, as the banner shows them in the
//! language of the screen — and in the ticket holder's too, when it is another one, so the
//! person called understands it. Plain Rust; `feed` fills it from the event stream and empties
//! it a while after the last call.

use std::collections::VecDeque;

use super::languages::call_in;
use crate::config::Texts;
use crate::domain::needs::pick;

/// A call as the banner shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shown {
    pub ticket: String,
    /// Where to go, in the screen's language.
    pub place: String,
    /// The whole call in the ticket holder's language; empty when that is the screen's.
    pub other: String,
}

/// A ticket called by an advisor, with where to go and its holder's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Called {
    pub ticket: String,
    pub location: Texts,
    pub language: String,
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
    pub fn called(&mut self, ticket: String, location: Texts, language: String) {
        self.list.retain(|c| c.ticket != ticket);
        self.list.push_front(Called {
            ticket,
            location,
            language,
        });
        self.list.truncate(self.keep.max(1));
    }

    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// The latest call and the ones before it, in `lang` (and the holder's language).
    pub fn shown(&self, lang: &str) -> (Option<Shown>, Vec<Shown>) {
        let show = |c: &Called| {
            let place = pick(&c.location, lang).unwrap_or_default().to_owned();
            let other = if c.language == lang {
                None
            } else {
                let theirs = pick(&c.location, &c.language).unwrap_or_default();
                call_in(&c.language, &c.ticket, theirs)
            };
            Shown {
                ticket: c.ticket.clone(),
                place,
                other: other.unwrap_or_default(),
            }
        };
        let latest = self.list.front().map(show);
        (latest, self.list.iter().skip(1).map(show).collect())
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
            calls.called(t.into(), room(r), "pl".into());
        }
        let (latest, recent) = calls.shown("pl");
        let latest = latest.unwrap();
        assert_eq!(
            (
                latest.ticket.as_str(),
                latest.place.as_str(),
                latest.other.as_str()
            ),
            ("A 004", "Pokój 2", ""),
            "the holder's language is the screen's: said once"
        );
        let tickets: Vec<&str> = recent.iter().map(|s| s.ticket.as_str()).collect();
        assert_eq!(tickets, ["A 003", "A 001"]);
        // On an English screen the Polish visitor reads it in Polish too.
        let (latest, _) = calls.shown("en");
        let latest = latest.unwrap();
        assert_eq!(latest.place, "Room 2");
        assert!(
            latest.other.contains("A 004") && latest.other.contains("Pokój 2"),
            "{latest:?}"
        );
        calls.clear();
        assert_eq!(calls.shown("en"), (None, vec![]));
    }
}
