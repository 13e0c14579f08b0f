//! "How we use information": a small link on Welcome opens a page in plain words — what the
//! kiosk records, how long it is kept, what leaves the site and whom to ask (UK GDPR Art. 13:
//! people are told where the data is collected). The built-in words are the screen's own,
//! translated with it; a trust may name its contact and replace the words (`[privacy]`).

use super::{Effect, Page, Visit};
use crate::domain::needs::pick;

/// The privacy page's words that come from the configuration, in the visitor's language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrivacyWords {
    /// The trust's own notice, in place of the built-in words; empty for those.
    pub notice: String,
    /// Whom to ask; empty for the built-in "ask a member of staff".
    pub contact: String,
    /// Days before check-ins, tickets and member numbers are deleted.
    pub retention_days: u32,
}

impl Visit {
    /// Opens the page from Welcome; Back returns there with the language and reading aids kept.
    pub(super) fn show_privacy(&mut self) -> Vec<Effect> {
        if self.busy || self.page != Page::Welcome {
            return Vec::new();
        }
        self.page = Page::Privacy;
        self.touched()
    }

    /// The configured words for the page, in the visitor's language (English when a trust has
    /// not given that language).
    pub fn privacy_words(&self) -> PrivacyWords {
        let privacy = &self.config.privacy;
        let lang = self.language.as_str();
        PrivacyWords {
            notice: pick(&privacy.notice, lang).unwrap_or_default().to_owned(),
            contact: pick(&privacy.contact, lang).unwrap_or_default().to_owned(),
            retention_days: self.config.kiosk.retention_days,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::{Input, Timer};
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_page_opens_from_welcome_and_back_keeps_the_visitors_choices() {
        let mut v = Visit::new(Arc::new(Config::demo()));
        v.step(Input::Language("pl".into()));
        v.step(Input::LargeText);
        let effects = v.step(Input::Privacy);
        assert_eq!(v.page(), Page::Privacy);
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Start(Timer::Idle, _))),
            "a tap: idle starts again"
        );
        assert_eq!(v.privacy_words().retention_days, 30);
        assert_eq!(v.privacy_words().notice, "", "the built-in words");
        // Idle on the page counts down and forgets, like any other screen.
        v.step(Input::IdleElapsed);
        assert!(v.countdown() > 0);
        v.step(Input::StillHere);
        v.step(Input::Back);
        assert_eq!(v.page(), Page::Welcome);
        assert_eq!((v.language(), v.large_text()), ("pl", true));
        // Only from Welcome: not in the middle of choosing.
        v.step(Input::CheckIn);
        v.step(Input::Privacy);
        assert_eq!(v.page(), Page::Needs);
    }

    #[test]
    fn a_trust_names_its_contact_and_may_replace_the_words() {
        let mut config = Config::demo();
        config.privacy.contact = [("en".to_owned(), "Email dpo@trust.example".to_owned())].into();
        config.privacy.notice = [
            ("en".to_owned(), "Our own words.".to_owned()),
            ("pl".to_owned(), "Nasze słowa.".to_owned()),
        ]
        .into();
        let mut v = Visit::new(Arc::new(config));
        v.step(Input::Language("pl".into()));
        let words = v.privacy_words();
        assert_eq!(words.notice, "Nasze słowa.");
        assert_eq!(
            words.contact, "Email dpo@trust.example",
            "English when not given"
        );
    }
}
