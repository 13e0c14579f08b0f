//! Scanned membership cards: verify, apply the repeat-scan limit, count the outcome.
//!
//! Scanner input is hostile (any bytes, any length); every outcome is one of a few calm answers
//! and a metrics label, and the scanned text itself is never logged or published.

use std::collections::BTreeMap;

use base64::Engine;
use chrono::Duration;
use ed25519_dalek::VerifyingKey;

use super::{Hub, HubResult};
use crate::config::Config;
use crate::domain::MemberId;
use crate::domain::card::{Rejection, Revocations, Verifier};
use crate::events::Event;
use crate::scanner::Scanned;

/// What a scan means for the visitor at the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanOutcome {
    /// A valid card: greet them by member number and ask what they need.
    Member(MemberId),
    /// The same card checked in a few minutes ago (a photocopy, or a second scan).
    AlreadyCheckedIn { member: MemberId, minutes: i64 },
    /// Not a card this kiosk accepts; carry on anonymously.
    Refused(Rejection),
}

/// Builds the verifier from the configured public keys and revocations. A revocation file that
/// cannot be read makes every card refused (fail closed) rather than accept revoked ones.
pub fn verifier(config: &Config) -> Result<Verifier, String> {
    let mut keys = BTreeMap::new();
    for k in &config.cards.keys {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(k.public_key.trim())
            .map_err(|e| format!("card key {}: {e}", k.id))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| format!("card key {}: not 32 bytes", k.id))?;
        let key =
            VerifyingKey::from_bytes(&bytes).map_err(|e| format!("card key {}: {e}", k.id))?;
        keys.insert(k.id.clone(), key);
    }
    let mut entries: Vec<String> = config.cards.revoked.clone();
    if let Some(file) = &config.cards.revocation_file {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read the revocation file {}: {e}", file.display()))?;
        entries.extend(text.lines().map(str::to_owned));
    }
    let (revoked, bad) = Revocations::parse(entries.iter().map(String::as_str));
    if !bad.is_empty() {
        tracing::warn!(
            count = bad.len(),
            "revocation entries that are not member numbers were skipped"
        );
    }
    Ok(Verifier::new(keys, revoked))
}

impl Hub {
    /// Checks a scanned card. Nothing is saved: the check-in happens when they choose needs.
    pub fn scan_card(&self, scanned: &[u8]) -> HubResult<ScanOutcome> {
        let now = self.clock.now();
        let today = self.local(now.utc).date();
        let settings = self.settings();
        let card = match settings.verifier.verify(scanned, today) {
            Ok(card) => card,
            Err(reason) => return Ok(self.refuse_scan(reason)),
        };
        let window = Duration::minutes(i64::from(settings.config.cards.repeat_scan_minutes));
        if let Some(last) = self
            .store
            .last_member_check_in_ms(card.member.as_str(), now.utc - window)?
        {
            self.metrics.scans.inc("repeat");
            let minutes = (now.utc.timestamp_millis() - last).max(0) / 60_000;
            return Ok(ScanOutcome::AlreadyCheckedIn {
                member: card.member,
                minutes,
            });
        }
        self.metrics.scans.inc("accepted");
        Ok(ScanOutcome::Member(card.member))
    }

    /// Checks one item from a scanner (`scanner::wedge` or `scanner::serial`): a line as a card,
    /// a line too long to keep as a malformed one.
    pub fn scan(&self, item: &Scanned) -> HubResult<ScanOutcome> {
        match item {
            Scanned::Line(bytes) => self.scan_card(bytes),
            Scanned::Overlong => Ok(self.refuse_scan(Rejection::Malformed)),
        }
    }

    fn refuse_scan(&self, reason: Rejection) -> ScanOutcome {
        self.metrics.scans.inc(reason.as_str());
        tracing::info!(reason = reason.as_str(), "card scan refused");
        self.publish(Event::ScanRejected {
            reason: reason.as_str().into(),
        });
        ScanOutcome::Refused(reason)
    }
}
