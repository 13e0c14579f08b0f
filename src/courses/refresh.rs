//! Reading the timetable at start (the file, or the last good copy: no network needed) and then
//! every `[courses] refresh_minutes`. A file or download that does not read as a calendar, a
//! missing file, an error answer or no network leaves the copy in use as it is; the board says
//! since when and why, and the kiosk carries on.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::board::{Board, Loaded};
use super::source::{Fetched, LastGood, Meta, client, fetch, read_file};
use crate::clock::Clock;
use crate::config::{Config, Courses};
use crate::domain::timetable::Timetable;
use crate::events::{Event, EventBus};

/// What a copy in use is called on the status page.
const THE_FILE: &str = "the file";
const FETCHED: &str = "the copy fetched from the address";
const KEPT: &str = "the last good copy kept on the kiosk";

/// Reads the configured timetable into a [`Board`].
pub struct Refresher {
    pub board: Arc<Board>,
    courses: Courses,
    site: chrono_tz::Tz,
    last_good: LastGood,
    clock: Arc<dyn Clock>,
    events: EventBus,
    http: Option<Result<reqwest::Client, String>>,
}

/// The file or address the configuration names; empty when there is none.
pub fn source_of(courses: &Courses) -> String {
    match (&courses.timetable, &courses.timetable_url) {
        (Some(path), _) => path.display().to_string(),
        (None, Some(url)) => url.clone(),
        (None, None) => String::new(),
    }
}

fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Refresher {
    pub fn new(
        config: &Config,
        board: Arc<Board>,
        clock: Arc<dyn Clock>,
        events: EventBus,
    ) -> Refresher {
        let courses = config.courses.clone();
        let http = courses
            .timetable_url
            .as_ref()
            .map(|_| client(courses.ca_certificate.as_deref(), Duration::from_secs(30)));
        Refresher {
            board,
            site: config.timezone,
            last_good: LastGood::new(&config.kiosk.data_dir),
            courses,
            clock,
            events,
            http,
        }
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now().utc
    }

    fn source(&self) -> String {
        source_of(&self.courses)
    }

    fn use_text(&self, text: &str, timetable: Timetable, copy: &str, since: DateTime<Utc>) {
        let events = timetable.events();
        self.board.replace(
            Loaded {
                timetable,
                copy: copy.to_owned(),
                since,
                hash: hash(text),
            },
            self.now(),
        );
        self.events.publish(Event::TimetableChanged {
            events,
            error: None,
        });
    }

    fn fail(&self, why: String) {
        let changed = self.board.snapshot().last_error.as_deref() != Some(why.as_str());
        tracing::warn!("timetable: {why}; the kiosk keeps the copy it has");
        let events = self.board.current().map_or(0, |l| l.timetable.events());
        self.board.failed(why.clone(), self.now());
        if changed {
            self.events.publish(Event::TimetableChanged {
                events,
                error: Some(why),
            });
        }
    }

    /// The last good copy, if the board has nothing in use yet.
    fn fall_back(&self) {
        if self.board.current().is_some() {
            return;
        }
        if let Some((text, meta)) = self.last_good.read(&self.source())
            && let Ok(t) = Timetable::parse(&text, self.site)
        {
            let copy = if self.courses.timetable_url.is_some() {
                FETCHED
            } else {
                KEPT
            };
            self.board.replace(
                Loaded {
                    timetable: t,
                    copy: copy.into(),
                    since: meta.saved,
                    hash: hash(&text),
                },
                self.now(),
            );
        }
    }

    /// At start: the file (else its last good copy), or the last copy of the address.
    pub fn load_at_start(&self) {
        if self.courses.timetable.is_some() {
            self.read_file();
        }
        self.fall_back();
    }

    fn read_file(&self) {
        let Some(path) = &self.courses.timetable else {
            return;
        };
        match read_file(path, self.site) {
            Ok((text, t)) => {
                if self
                    .board
                    .current()
                    .is_some_and(|l| l.hash == hash(&text) && l.copy == THE_FILE)
                {
                    return self.board.unchanged(self.now());
                }
                let meta = Meta {
                    source: self.source(),
                    saved: self.now(),
                    ..Meta::default()
                };
                if let Err(e) = self.last_good.save(&text, &meta) {
                    tracing::warn!("timetable: {e}");
                }
                self.use_text(&text, t, THE_FILE, self.now());
            }
            Err(why) => {
                self.fall_back();
                self.fail(why);
            }
        }
    }

    async fn fetch(&self, url: &str) {
        let http = match &self.http {
            Some(Ok(h)) => h,
            Some(Err(e)) => return self.fail(e.clone()),
            None => return,
        };
        let kept = self.last_good.read(url).map(|(_, m)| m);
        let usable = self.board.current().is_some();
        match fetch(http, url, kept.as_ref().filter(|_| usable)).await {
            Ok(Fetched::NotModified) => self.board.unchanged(self.now()),
            Ok(Fetched::New {
                text,
                etag,
                last_modified,
            }) => match Timetable::parse(&text, self.site) {
                Ok(t) => {
                    if self.board.current().is_some_and(|l| l.hash == hash(&text)) {
                        return self.board.unchanged(self.now());
                    }
                    let meta = Meta {
                        source: url.to_owned(),
                        saved: self.now(),
                        etag,
                        last_modified,
                    };
                    if let Err(e) = self.last_good.save(&text, &meta) {
                        tracing::warn!("timetable: {e}");
                    }
                    self.use_text(&text, t, FETCHED, meta.saved);
                }
                Err(p) => self.fail(format!("{url}, {p}")),
            },
            Err(why) => self.fail(why),
        }
    }

    /// Reads the timetable again.
    pub async fn refresh(&self) {
        match &self.courses.timetable_url {
            Some(url) => self.fetch(&url.clone()).await,
            None => self.read_file(),
        }
    }
}

/// Refreshes now and then every `refresh_minutes`, on the current tokio runtime.
pub fn start(r: Refresher) -> Option<tokio::task::JoinHandle<()>> {
    if !r.courses.configured() {
        return None;
    }
    let every = Duration::from_secs(u64::from(r.courses.refresh_minutes) * 60);
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            r.refresh().await;
        }
    }))
}
