//! The needs catalogue: what a visitor can say they came for.
//!
//! Each need has a stable id (used in the store, the API and footfall), a label per language,
//! an icon name the screen maps to a picture, whether it joins the drop-in queue, and optional
//! directions ("Courses are on the first floor") for needs that do not.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use super::default_needs::default_needs;

/// A need's stable identifier: lower-case ASCII letters, digits, `-` or `_`, 1–32 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NeedId(String);

impl NeedId {
    /// Whether `id` is a need id, without making one.
    pub fn is_valid(id: &str) -> bool {
        !id.is_empty()
            && id.len() <= 32
            && id.starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    }

    pub fn new(id: &str) -> Result<Self, String> {
        if Self::is_valid(id) {
            Ok(NeedId(id.to_owned()))
        } else {
            Err(format!(
                "`{id}` is not a valid need id: use 1–32 lower-case letters, digits, `-` or `_`, starting with a letter"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NeedId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        NeedId::new(&s)
    }
}

impl From<NeedId> for String {
    fn from(id: NeedId) -> String {
        id.0
    }
}

impl fmt::Display for NeedId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One thing a visitor may need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Need {
    pub id: NeedId,
    /// Icon name the screen maps to a picture (`chat`, `home`, `wallet`, …).
    pub icon: String,
    /// Whether choosing it gives the visitor a ticket in the drop-in queue.
    #[serde(default)]
    pub drop_in: bool,
    /// Choosing it finishes the check-in at once ("just visiting").
    #[serde(default)]
    pub instant: bool,
    /// Choosing it asks which of today's sessions (the `[courses]` timetable) the visitor came
    /// for ("courses").
    #[serde(default)]
    pub sessions: bool,
    /// Weight of time waited when choosing whom to call next (1.0 = plain first come, first served).
    #[serde(default = "default_weight")]
    pub weight: f64,
    /// Label per language code; `en` is required and is the fallback.
    pub labels: BTreeMap<String, String>,
    /// Where to go, per language code, for needs that do not queue.
    #[serde(default)]
    pub directions: BTreeMap<String, String>,
}

fn default_weight() -> f64 {
    1.0
}

impl Need {
    /// The label in `lang`, falling back to English.
    pub fn label(&self, lang: &str) -> &str {
        pick(&self.labels, lang).unwrap_or(self.id.as_str())
    }

    /// Directions in `lang`, falling back to English; `None` when there are none.
    pub fn directions(&self, lang: &str) -> Option<&str> {
        pick(&self.directions, lang)
    }
}

/// A text in `lang` from a per-language map, else the English one.
pub fn pick<'a>(texts: &'a BTreeMap<String, String>, lang: &str) -> Option<&'a str> {
    texts
        .get(lang)
        .or_else(|| texts.get("en"))
        .map(String::as_str)
}

/// Why a catalogue or a list of chosen needs was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CatalogueError {
    #[error("the needs catalogue is empty: list at least one [[needs]] entry")]
    Empty,
    #[error("need `{0}` is listed twice: each need id must be unique")]
    Duplicate(NeedId),
    #[error("need `{0}` has no English label: add `labels.en = \"…\"`")]
    NoEnglishLabel(NeedId),
    #[error("need `{0}` has weight {1}: use a number from 0.1 to 10")]
    BadWeight(NeedId, f64),
    #[error("unknown need `{0}`: known needs are {1}")]
    Unknown(String, String),
    #[error("no need chosen: choose at least one")]
    NothingChosen,
    #[error(
        "need `{0}` has sessions = true: only one need may ask for a session, and it may not be a drop-in or instant one"
    )]
    BadSessions(NeedId),
}

/// The needs offered at a site, in the order the screen shows them.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalogue {
    needs: Vec<Need>,
}

impl Catalogue {
    pub fn new(needs: Vec<Need>) -> Result<Self, CatalogueError> {
        if needs.is_empty() {
            return Err(CatalogueError::Empty);
        }
        for (i, need) in needs.iter().enumerate() {
            if needs[..i].iter().any(|n| n.id == need.id) {
                return Err(CatalogueError::Duplicate(need.id.clone()));
            }
            if !need.labels.contains_key("en") {
                return Err(CatalogueError::NoEnglishLabel(need.id.clone()));
            }
            if !(0.1..=10.0).contains(&need.weight) {
                return Err(CatalogueError::BadWeight(need.id.clone(), need.weight));
            }
            let earlier = needs[..i].iter().any(|n| n.sessions);
            if need.sessions && (earlier || need.drop_in || need.instant) {
                return Err(CatalogueError::BadSessions(need.id.clone()));
            }
        }
        Ok(Catalogue { needs })
    }

    pub fn iter(&self) -> impl Iterator<Item = &Need> {
        self.needs.iter()
    }

    pub fn len(&self) -> usize {
        self.needs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.needs.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Need> {
        self.needs.iter().find(|n| n.id.as_str() == id)
    }

    /// Weight of time waited for tickets of this need (1.0 for unknown ids).
    pub fn weight(&self, id: &NeedId) -> f64 {
        self.get(id.as_str()).map_or(1.0, |n| n.weight)
    }

    /// The need that asks for a session ("courses"), with its position on the screen.
    pub fn sessions_need(&self) -> Option<(usize, &Need)> {
        self.needs.iter().enumerate().find(|(_, n)| n.sessions)
    }

    pub fn is_drop_in(&self, id: &NeedId) -> bool {
        self.get(id.as_str()).is_some_and(|n| n.drop_in)
    }

    /// Turns chosen ids into known needs, without repeats, in catalogue order.
    pub fn resolve<S: AsRef<str>>(&self, chosen: &[S]) -> Result<Vec<NeedId>, CatalogueError> {
        if chosen.is_empty() {
            return Err(CatalogueError::NothingChosen);
        }
        for id in chosen {
            if self.get(id.as_ref()).is_none() {
                return Err(CatalogueError::Unknown(
                    id.as_ref().chars().take(40).collect(),
                    self.ids_list(),
                ));
            }
        }
        Ok(self
            .needs
            .iter()
            .filter(|n| chosen.iter().any(|c| c.as_ref() == n.id.as_str()))
            .map(|n| n.id.clone())
            .collect())
    }

    /// The drop-in needs among `needs`, in catalogue order.
    pub fn drop_in_of(&self, needs: &[NeedId]) -> Vec<NeedId> {
        needs
            .iter()
            .filter(|id| self.is_drop_in(id))
            .cloned()
            .collect()
    }

    /// "advisor, housing, …" for error messages.
    pub fn ids_list(&self) -> String {
        self.needs
            .iter()
            .map(|n| n.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The built-in catalogue of a Life Rooms-style hub.
    pub fn life_rooms() -> Self {
        Catalogue::new(default_needs()).expect("the built-in catalogue is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_catalogue_has_the_life_rooms_needs() {
        let c = Catalogue::life_rooms();
        assert_eq!(
            c.ids_list(),
            "advisor, housing, money, work, courses, peer, wellbeing, digital, visiting"
        );
        let drop_in: Vec<_> = c
            .iter()
            .filter(|n| n.drop_in)
            .map(|n| n.id.as_str())
            .collect();
        assert_eq!(drop_in, ["advisor", "housing", "money", "work"]);
        assert!(c.get("visiting").unwrap().instant);
        assert_eq!(
            c.sessions_need().map(|(i, n)| (i, n.id.as_str())),
            Some((4, "courses"))
        );
        for n in c.iter() {
            for lang in ["en", "pl", "ar", "zh"] {
                assert!(n.labels.contains_key(lang), "{} lacks {lang}", n.id);
            }
        }
    }

    #[test]
    fn resolve_orders_dedupes_and_names_unknown_ids() {
        let c = Catalogue::life_rooms();
        let ids = c.resolve(&["money", "advisor", "money"]).unwrap();
        assert_eq!(
            ids,
            vec![
                NeedId::new("advisor").unwrap(),
                NeedId::new("money").unwrap()
            ]
        );
        let err = c.resolve(&["rocket"]).unwrap_err();
        assert!(err.to_string().contains("unknown need `rocket`"), "{err}");
        assert_eq!(c.resolve::<&str>(&[]), Err(CatalogueError::NothingChosen));
    }

    #[test]
    fn need_ids_are_checked() {
        assert!(NeedId::new("peer_support-2").is_ok());
        for bad in ["", "Housing", "2x", "a b", &"x".repeat(33)] {
            assert!(NeedId::new(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn labels_fall_back_to_english() {
        let c = Catalogue::life_rooms();
        let n = c.get("housing").unwrap();
        assert_eq!(n.label("pl"), "Mieszkanie");
        assert_eq!(n.label("so"), "Housing");
        assert_eq!(n.directions("en"), None);
    }

    #[test]
    fn catalogue_rejects_duplicates_and_missing_english() {
        let mut needs = default_needs();
        needs.push(needs[0].clone());
        assert!(matches!(
            Catalogue::new(needs),
            Err(CatalogueError::Duplicate(_))
        ));
        let mut needs = default_needs();
        needs[0].sessions = true;
        assert!(matches!(
            Catalogue::new(needs),
            Err(CatalogueError::BadSessions(_))
        ));
        let mut needs = default_needs();
        needs[1].labels.remove("en");
        assert!(matches!(
            Catalogue::new(needs),
            Err(CatalogueError::NoEnglishLabel(_))
        ));
    }
}
