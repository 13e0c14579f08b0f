//! Issuing a card: checking what the office asked for, choosing the defaults (serial 1, valid for
//! two years), signing, and drawing the printable face.

use std::path::PathBuf;

use chrono::{Months, NaiveDate};

use super::face::{self, Face};
use super::keys::IssuingKey;
use super::raster;
use crate::domain::MemberId;
use crate::domain::card::{Card, latest_expiry};

/// How long a card is valid when no expiry is given.
pub const DEFAULT_VALIDITY_MONTHS: u32 = 24;

/// What to put on a card.
#[derive(Clone, Debug)]
pub struct Order {
    pub member: String,
    pub serial: u16,
    pub expires: Option<NaiveDate>,
}

/// The expiry of a card issued `today` without one: two years on.
pub fn default_expiry(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(DEFAULT_VALIDITY_MONTHS))
        .unwrap_or_else(latest_expiry)
}

/// The card an order describes, refused with a reason the issuer can act on.
pub fn card(key: &IssuingKey, order: &Order, today: NaiveDate) -> Result<Card, String> {
    let member = MemberId::new(&order.member).map_err(|_| {
        let upper = order.member.trim().to_ascii_uppercase();
        let hint = if upper != order.member && MemberId::new(&upper).is_ok() {
            format!(" (did you mean {upper}?)")
        } else {
            String::new()
        };
        format!(
            "member number `{}`: use 1–24 capital letters, digits or `-`, e.g. M-001234{hint}. \
             Only the number goes on a card, never a name",
            order.member
        )
    })?;
    let expires = order.expires.unwrap_or_else(|| default_expiry(today));
    if expires < today {
        return Err(format!(
            "--expires {expires} is in the past: kiosks would refuse the card at once"
        ));
    }
    if expires > latest_expiry() {
        return Err(format!(
            "--expires {expires} is too far ahead: a card can be valid until {} at the latest",
            latest_expiry()
        ));
    }
    Ok(Card {
        key_id: key.id.clone(),
        member,
        serial: order.serial,
        expires,
    })
}

/// A signed card and its printable face.
#[derive(Clone, Debug)]
pub struct Issued {
    pub card: Card,
    pub text: String,
    pub svg: String,
}

/// Signs `card` and draws it for `hub`.
pub fn sign(key: &IssuingKey, card: Card, hub: &str) -> Result<Issued, String> {
    let text = card.sign(&key.key);
    let svg = face::svg(&Face {
        hub,
        card: &card,
        text: &text,
    })?;
    Ok(Issued { card, text, svg })
}

impl Issued {
    /// The face as a 300 dpi PNG, drawn with the machine's fonts and `fonts`.
    pub fn png(&self, fonts: &[PathBuf]) -> Result<Vec<u8>, String> {
        raster::svg_to_png(&self.svg, fonts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> IssuingKey {
        IssuingKey {
            id: "K1".into(),
            key: ed25519_dalek::SigningKey::from_bytes(&[1; 32]),
        }
    }

    fn order(member: &str, expires: Option<&str>) -> Order {
        Order {
            member: member.into(),
            serial: 1,
            expires: expires.map(|e| e.parse().unwrap()),
        }
    }

    #[test]
    fn a_card_is_valid_for_two_years_unless_told_otherwise() {
        let today: NaiveDate = "2026-11-23".parse().unwrap();
        let c = card(&key(), &order("M-1", None), today).unwrap();
        assert_eq!(c.expires.to_string(), "2028-11-23");
        let leap: NaiveDate = "2028-02-29".parse().unwrap();
        assert_eq!(default_expiry(leap).to_string(), "2030-02-28");
        let c = card(&key(), &order("M-1", Some("2026-11-23")), today).unwrap();
        assert_eq!(c.expires, today, "valid through today is allowed");
    }

    #[test]
    fn bad_orders_are_refused_with_what_to_do() {
        let today: NaiveDate = "2026-11-23".parse().unwrap();
        let e = card(&key(), &order("m-12", None), today).unwrap_err();
        assert!(e.contains("did you mean M-12?"), "{e}");
        assert!(card(&key(), &order("Jane Smith", None), today).is_err());
        let e = card(&key(), &order("M-1", Some("2026-11-22")), today).unwrap_err();
        assert!(e.contains("in the past"), "{e}");
        let e = card(&key(), &order("M-1", Some("2180-01-01")), today).unwrap_err();
        assert!(e.contains("2179-06-06"), "{e}");
        assert!(card(&key(), &order("M-1", Some("2179-06-06")), today).is_ok());
    }
}
