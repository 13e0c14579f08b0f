//! What the screen shows of a [`Visit`], in the visitor's language: read by the Slint adapter
//! and by tests. Words that belong to the screen itself are translated in the .slint files;
//! these are the site's own words (needs, directions) and the numbers that fill the messages.

use chrono::{Datelike, Timelike};

use super::{Checked, Notice, Offer, OnNow, Page, Visit};
use crate::domain::MemberId;
use crate::domain::needs::pick;

/// A need tile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tile {
    pub id: String,
    pub label: String,
    pub icon: String,
    pub drop_in: bool,
    pub chosen: bool,
}

/// When drop-in advice opens again, for "It opens again on Monday at 9:30."
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
    /// 0 today, 1 tomorrow, more: a later day of the week.
    pub in_days: i64,
    /// 0 Monday … 6 Sunday.
    pub weekday: u32,
    /// "9:30": hours without a leading zero, 24-hour.
    pub time: String,
}

impl Visit {
    pub fn page(&self) -> Page {
        self.page
    }

    pub fn language(&self) -> &str {
        &self.language
    }

    pub fn member(&self) -> Option<&MemberId> {
        self.member.as_ref()
    }

    pub fn notice(&self) -> Notice {
        self.notice
    }

    pub fn busy(&self) -> bool {
        self.busy
    }

    pub fn countdown(&self) -> u32 {
        self.countdown
    }

    pub fn large_text(&self) -> bool {
        self.large_text
    }

    pub fn high_contrast(&self) -> bool {
        self.high_contrast
    }

    pub fn interpreter(&self) -> bool {
        self.interpreter
    }

    /// The site's crisis numbers in the visitor's language: (label, number, detail).
    pub fn crisis_numbers(&self) -> Vec<(String, String, String)> {
        let lang = self.language.as_str();
        let say = |t: &crate::domain::Texts| pick(t, lang).unwrap_or_default().to_owned();
        self.config
            .help
            .crisis_numbers
            .iter()
            .map(|n| (say(&n.label), say(&n.number), say(&n.detail)))
            .collect()
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn chosen(&self) -> &[bool] {
        &self.chosen
    }

    /// The saved check-in the done screen shows.
    pub fn checked(&self) -> Option<&Checked> {
        self.checked.as_ref()
    }

    /// The needs as tiles, labelled in the visitor's language.
    pub fn tiles(&self) -> Vec<Tile> {
        let lang = self.language.as_str();
        self.config
            .catalogue
            .iter()
            .zip(&self.chosen)
            .map(|(n, chosen)| Tile {
                id: n.id.as_str().into(),
                label: n.label(lang).into(),
                icon: n.icon.clone(),
                drop_in: n.drop_in,
                chosen: *chosen,
            })
            .collect()
    }

    /// The site's welcome and help lines in the visitor's language.
    pub fn site_lines(&self) -> (String, String) {
        let site = &self.config.site;
        let lang = self.language.as_str();
        (
            pick(&site.welcome, lang).unwrap_or_default().to_owned(),
            pick(&site.help, lang).unwrap_or_default().to_owned(),
        )
    }

    /// What "Which session are you here for?" shows.
    pub fn on_now(&self) -> &OnNow {
        &self.on_now
    }

    /// The sessions the done screen offers the next student: after a check-in for a session
    /// (and no ticket, which the visitor must read), the ones that were offered.
    pub fn next_sessions(&self) -> &[Offer] {
        match &self.checked {
            Some(c) if self.page == Page::Done && c.session.is_some() && c.queued.is_none() => {
                &self.on_now.open
            }
            _ => &[],
        }
    }

    /// Where a student at a cancelled session can ask, in the visitor's language.
    pub fn cancelled_help(&self) -> String {
        pick(&self.config.courses.cancelled_help, &self.language)
            .unwrap_or_default()
            .to_owned()
    }

    /// "Courses: Recovery College courses are on the first floor…" for each chosen need that is
    /// not a drop-in one and has directions (not the sessions need when a session was chosen:
    /// the session's room says where).
    pub fn directions(&self) -> Vec<String> {
        let lang = self.language.as_str();
        let catalogue = &self.config.catalogue;
        let at_session = self.checked.as_ref().is_some_and(|c| c.session.is_some());
        self.submitted
            .iter()
            .filter_map(|id| catalogue.get(id))
            .filter(|n| !(n.drop_in || at_session && n.sessions))
            .filter_map(|n| {
                n.directions(lang)
                    .map(|d| format!("{}: {d}", n.label(lang)))
            })
            .collect()
    }

    /// When drop-in advice opens again, if the done screen says so.
    pub fn opening(&self) -> Option<Opening> {
        let checked = self.checked.as_ref()?;
        let at = checked.next_opening?;
        Some(Opening {
            in_days: (at.date() - checked.today).num_days().max(0),
            weekday: at.weekday().num_days_from_monday(),
            time: format!("{}:{:02}", at.hour(), at.minute()),
        })
    }
}
