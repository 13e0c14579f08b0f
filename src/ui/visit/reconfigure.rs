//! A configuration re-read while the kiosk runs (`systemctl reload`): new needs, texts, hours or
//! a new privacy notice reach the screen without disturbing anyone — at once on an untouched
//! Welcome, otherwise when the visitor in front of it is forgotten (done, reset, idle time).

use std::sync::Arc;

use super::Visit;
use crate::config::Config;

impl Visit {
    /// Takes `config` for the next visitor, or at once when nobody is using the screen.
    pub fn reconfigure(&mut self, config: Arc<Config>) {
        self.pending = Some(config);
        if self.pristine() && !self.busy {
            self.apply_pending();
        }
    }

    /// Puts a configuration waiting for the visitor to leave in place.
    pub(super) fn apply_pending(&mut self) {
        if let Some(config) = self.pending.take() {
            self.chosen = vec![false; config.catalogue.len()];
            self.language = config.site.default_language.as_str().to_owned();
            self.config = config;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::visit::{Input, Page};

    fn with_site_name(name: &str) -> Arc<Config> {
        let mut c = Config::demo();
        c.site.name = name.into();
        let needs: Vec<_> = c.catalogue.iter().skip(1).take(2).cloned().collect();
        c.catalogue = crate::domain::Catalogue::new(needs).unwrap();
        Arc::new(c)
    }

    #[test]
    fn an_untouched_welcome_takes_it_at_once() {
        let mut v = Visit::new(Arc::new(Config::demo()));
        v.reconfigure(with_site_name("Renamed"));
        assert_eq!(v.config().site.name, "Renamed");
        assert_eq!(v.tiles().len(), 2);
    }

    #[test]
    fn a_visitor_choosing_keeps_the_old_one_until_they_are_forgotten() {
        let mut v = Visit::new(Arc::new(Config::demo()));
        let before = v.tiles().len();
        v.step(Input::CheckIn);
        v.step(Input::Need(0));
        v.reconfigure(with_site_name("Renamed"));
        assert_eq!(v.page(), Page::Needs);
        assert_eq!(
            v.tiles().len(),
            before,
            "the visitor's screen is left alone"
        );
        assert!(v.chosen()[0]);
        v.step(Input::Reset);
        assert_eq!(v.config().site.name, "Renamed");
        assert_eq!(v.tiles().len(), 2);
        assert!(v.chosen().iter().all(|c| !c));
    }
}
