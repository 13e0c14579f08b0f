//! A check-in: who (anonymous, or a member number — never a name), what they came for, in which
//! language, through what (the screen, a card, or a member of staff), and when.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::needs::{Catalogue, CatalogueError, NeedId};
use super::stamp::Stamp;

/// A membership number as printed on a card: 1–24 characters of `A–Z`, `0–9` and `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MemberId(String);

impl MemberId {
    pub fn new(id: &str) -> Result<Self, CheckInError> {
        let ok = !id.is_empty()
            && id.len() <= 24
            && id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(MemberId(id.to_owned()))
        } else {
            Err(CheckInError::BadMemberId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MemberId {
    type Error = CheckInError;
    fn try_from(s: String) -> Result<Self, CheckInError> {
        MemberId::new(&s)
    }
}

impl From<MemberId> for String {
    fn from(id: MemberId) -> String {
        id.0
    }
}

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who checked in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visitor {
    /// Nothing identifying is kept.
    Anonymous,
    /// A member, by number only.
    Member(MemberId),
}

impl Visitor {
    pub fn member(&self) -> Option<&MemberId> {
        match self {
            Visitor::Anonymous => None,
            Visitor::Member(id) => Some(id),
        }
    }
}

/// How the check-in reached the kiosk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Touchscreen,
    Card,
    StaffWalkIn,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Touchscreen => "touchscreen",
            Source::Card => "card",
            Source::StaffWalkIn => "staff_walk_in",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Source::Touchscreen, Source::Card, Source::StaffWalkIn]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// A language code such as `en`, `pl`, `ar`, `zh` (2–8 ASCII letters, optional `-REGION`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Language(String);

impl Language {
    pub fn new(code: &str) -> Result<Self, CheckInError> {
        let mut parts = code.splitn(2, '-');
        let main = parts.next().unwrap_or_default();
        let region_ok = parts.next().is_none_or(|r| {
            (2..=8).contains(&r.len()) && r.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if (2..=8).contains(&main.len())
            && main.chars().all(|c| c.is_ascii_lowercase())
            && region_ok
        {
            Ok(Language(code.to_owned()))
        } else {
            Err(CheckInError::BadLanguage(code.chars().take(16).collect()))
        }
    }

    pub fn english() -> Self {
        Language("en".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Language {
    type Error = CheckInError;
    fn try_from(s: String) -> Result<Self, CheckInError> {
        Language::new(&s)
    }
}

impl From<Language> for String {
    fn from(l: Language) -> String {
        l.0
    }
}

/// Why a check-in was refused. Nothing is stored when it is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CheckInError {
    #[error(transparent)]
    Needs(#[from] CatalogueError),
    #[error("a member number is 1–24 characters of A–Z, 0–9 and `-`")]
    BadMemberId,
    #[error("`{0}` is not a language code such as en, pl, ar or zh")]
    BadLanguage(String),
    #[error("a card check-in needs a member number")]
    CardWithoutMember,
}

/// A check-in as the visitor (or staff) asked for it, checked against the catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    pub visitor: Visitor,
    /// Known needs, without repeats, in catalogue order.
    pub needs: Vec<NeedId>,
    pub language: Language,
    pub source: Source,
    pub at: Stamp,
}

impl CheckIn {
    /// Builds a check-in from what was chosen, refusing unknown needs and impossible sources.
    pub fn new<S: AsRef<str>>(
        catalogue: &Catalogue,
        visitor: Visitor,
        chosen: &[S],
        language: Language,
        source: Source,
        at: Stamp,
    ) -> Result<Self, CheckInError> {
        if source == Source::Card && visitor == Visitor::Anonymous {
            return Err(CheckInError::CardWithoutMember);
        }
        let needs = catalogue.resolve(chosen)?;
        Ok(CheckIn {
            visitor,
            needs,
            language,
            source,
            at,
        })
    }

    /// The needs that join the drop-in queue.
    pub fn drop_in_needs(&self, catalogue: &Catalogue) -> Vec<NeedId> {
        catalogue.drop_in_of(&self.needs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn a_check_in_keeps_known_needs_in_catalogue_order() {
        let c = Catalogue::life_rooms();
        let ci = CheckIn::new(
            &c,
            Visitor::Anonymous,
            &["courses", "money"],
            Language::english(),
            Source::Touchscreen,
            Stamp::synced_at(Utc::now()),
        )
        .unwrap();
        let ids: Vec<_> = ci.needs.iter().map(NeedId::as_str).collect();
        assert_eq!(ids, ["money", "courses"]);
        assert_eq!(ci.drop_in_needs(&c), vec![NeedId::new("money").unwrap()]);
    }

    #[test]
    fn refuses_unknown_needs_and_anonymous_cards() {
        let c = Catalogue::life_rooms();
        let at = Stamp::synced_at(Utc::now());
        let e = CheckIn::new(
            &c,
            Visitor::Anonymous,
            &["rocket"],
            Language::english(),
            Source::Touchscreen,
            at.clone(),
        );
        assert!(matches!(
            e,
            Err(CheckInError::Needs(CatalogueError::Unknown(..)))
        ));
        let e = CheckIn::new(
            &c,
            Visitor::Anonymous,
            &["housing"],
            Language::english(),
            Source::Card,
            at,
        );
        assert_eq!(e, Err(CheckInError::CardWithoutMember));
    }

    #[test]
    fn member_ids_and_languages_are_checked() {
        assert!(MemberId::new("M-000123").is_ok());
        for bad in ["", "m123", "Jane Smith", &"1".repeat(25)] {
            assert!(MemberId::new(bad).is_err(), "{bad:?}");
        }
        for good in ["en", "pl", "zh-Hans", "ar"] {
            assert!(Language::new(good).is_ok(), "{good}");
        }
        for bad in ["", "e", "EN", "en_GB", "english-language-please"] {
            assert!(Language::new(bad).is_err(), "{bad}");
        }
    }
}
