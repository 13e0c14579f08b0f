//! Membership cards in the office: signing keys, issuing and printing cards, and the
//! `hub-kiosk card` commands. The card format and its verification are in `domain::card`; what a
//! scan means at the kiosk is `Hub::scan_card`. `docs/cards.md` describes it all.

pub mod cli;
pub mod face;
pub mod issue;
pub mod keys;
pub mod raster;

#[cfg(test)]
mod vectors;
