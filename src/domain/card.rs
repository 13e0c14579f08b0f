//! Membership cards: what a card says, how it is written as QR text, and how it is checked.
//!
//! A card carries no personal data: a key id, a member number, a card serial, an expiry date and
//! an Ed25519 signature over them. Cards are signed in the office; kiosks hold only public keys,
//! so a stolen kiosk cannot make cards. The layout is documented with test vectors in
//! `docs/cards.md`:
//!
//! ```text
//! text  = "HK1:" base45(body || signature)
//! body  = version u8 (=1) | key id 2 × ASCII | member length u8 | member ASCII | serial u16 BE
//!         | expiry u16 BE (days since 2000-01-01)
//! signature = Ed25519(key, "hub-kiosk card\0" || body)
//! ```

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::base45;
use super::checkin::MemberId;

/// What every card's text starts with.
pub const PREFIX: &str = "HK1:";
/// The only layout version so far.
pub const VERSION: u8 = 1;
/// Scanned input longer than this is refused before decoding.
pub const MAX_TEXT: usize = 512;
const CONTEXT: &[u8] = b"hub-kiosk card\0";

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date")
}

/// The last expiry date a card can carry (2179-06-06): later dates do not fit its two bytes.
pub fn latest_expiry() -> NaiveDate {
    epoch() + Duration::days(i64::from(u16::MAX))
}

/// The facts on a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    /// Which signing key made it: 1–2 characters of A–Z, 0–9.
    pub key_id: String,
    pub member: MemberId,
    /// Which of the member's cards this is, so a lost card can be revoked alone.
    pub serial: u16,
    /// Last day the card is valid.
    pub expires: NaiveDate,
}

/// Why a scan is not a valid card. Deliberately coarse: the screen says only "not recognised".
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("malformed: not a membership card")]
    Malformed,
    #[error("unknown key: signed by a key this kiosk does not hold")]
    UnknownKey,
    #[error("bad signature: the card has been altered or forged")]
    BadSignature,
    #[error("expired")]
    Expired,
    #[error("revoked")]
    Revoked,
}

impl Rejection {
    /// The label used in metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::Malformed => "malformed",
            Rejection::UnknownKey => "unknown_key",
            Rejection::BadSignature => "bad_signature",
            Rejection::Expired => "expired",
            Rejection::Revoked => "revoked",
        }
    }
}

/// Whether a key id is 1–2 characters of A–Z, 0–9.
pub fn key_id_ok(id: &str) -> bool {
    (1..=2).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

impl Card {
    fn body(&self) -> Vec<u8> {
        let kid = format!("{:\0<2}", self.key_id);
        let member = self.member.as_str().as_bytes();
        let days = (self.expires - epoch())
            .num_days()
            .clamp(0, i64::from(u16::MAX)) as u16;
        let mut b = Vec::with_capacity(8 + member.len());
        b.push(VERSION);
        b.extend_from_slice(&kid.as_bytes()[..2]);
        b.push(member.len() as u8);
        b.extend_from_slice(member);
        b.extend_from_slice(&self.serial.to_be_bytes());
        b.extend_from_slice(&days.to_be_bytes());
        b
    }

    /// The card's QR text, signed with `key`. Panics only on a key id the caller failed to check.
    pub fn sign(&self, key: &SigningKey) -> String {
        assert!(key_id_ok(&self.key_id), "key id checked by the caller");
        let body = self.body();
        let sig = key.sign(&[CONTEXT, &body].concat());
        let mut bytes = body;
        bytes.extend_from_slice(&sig.to_bytes());
        format!("{PREFIX}{}", base45::encode(&bytes))
    }

    /// Reads a card's text without checking its signature. Returns the card, the signed bytes
    /// and the signature.
    pub fn parse(scanned: &[u8]) -> Result<(Card, Vec<u8>, Signature), Rejection> {
        let text = trim_line_end(scanned);
        if text.len() > MAX_TEXT {
            return Err(Rejection::Malformed);
        }
        let b45 = text
            .strip_prefix(PREFIX.as_bytes())
            .ok_or(Rejection::Malformed)?;
        let bytes = base45::decode(b45).ok_or(Rejection::Malformed)?;
        let (&version, rest) = bytes.split_first().ok_or(Rejection::Malformed)?;
        if version != VERSION || rest.len() < 3 {
            return Err(Rejection::Malformed);
        }
        let kid = std::str::from_utf8(&rest[..2])
            .map_err(|_| Rejection::Malformed)?
            .trim_end_matches('\0');
        let len = usize::from(rest[2]);
        let rest = &rest[3..];
        if !key_id_ok(kid) || rest.len() != len + 4 + 64 {
            return Err(Rejection::Malformed);
        }
        let member = std::str::from_utf8(&rest[..len]).map_err(|_| Rejection::Malformed)?;
        let member = MemberId::new(member).map_err(|_| Rejection::Malformed)?;
        let serial = u16::from_be_bytes([rest[len], rest[len + 1]]);
        let days = u16::from_be_bytes([rest[len + 2], rest[len + 3]]);
        let sig: [u8; 64] = rest[len + 4..]
            .try_into()
            .map_err(|_| Rejection::Malformed)?;
        let body_len = bytes.len() - 64;
        let card = Card {
            key_id: kid.to_owned(),
            member,
            serial,
            expires: epoch() + Duration::days(i64::from(days)),
        };
        // Re-encoding must give the same bytes: one card, one text.
        if card.body() != bytes[..body_len] {
            return Err(Rejection::Malformed);
        }
        Ok((
            card,
            bytes[..body_len].to_vec(),
            Signature::from_bytes(&sig),
        ))
    }
}

/// Scanners end a scan with CR, LF or both.
fn trim_line_end(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && matches!(b[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    &b[..end]
}

/// Revoked members (every card of theirs) and single revoked cards (`M-1001#2`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Revocations {
    members: BTreeSet<String>,
    cards: BTreeSet<(String, u16)>,
}

impl Revocations {
    /// Reads entries such as `M-1001` or `M-1001#2`; blank lines and `#` comments are skipped.
    /// Returns the entries it could not read.
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> (Revocations, Vec<String>) {
        let mut r = Revocations::default();
        let mut bad = Vec::new();
        for e in entries {
            let e = e.trim();
            if e.is_empty() || e.starts_with('#') {
                continue;
            }
            match e.split_once('#') {
                None if MemberId::new(e).is_ok() => {
                    r.members.insert(e.to_owned());
                }
                Some((m, s))
                    if MemberId::new(m.trim()).is_ok() && s.trim().parse::<u16>().is_ok() =>
                {
                    r.cards
                        .insert((m.trim().to_owned(), s.trim().parse().unwrap_or_default()));
                }
                _ => bad.push(e.to_owned()),
            }
        }
        (r, bad)
    }

    pub fn is_revoked(&self, card: &Card) -> bool {
        let m = card.member.as_str();
        self.members.contains(m) || self.cards.contains(&(m.to_owned(), card.serial))
    }

    pub fn len(&self) -> usize {
        self.members.len() + self.cards.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Checks scanned cards against the public keys and revocations a kiosk holds.
#[derive(Clone, Debug, Default)]
pub struct Verifier {
    keys: BTreeMap<String, VerifyingKey>,
    revoked: Revocations,
}

impl Verifier {
    pub fn new(keys: BTreeMap<String, VerifyingKey>, revoked: Revocations) -> Self {
        Verifier { keys, revoked }
    }

    pub fn has_keys(&self) -> bool {
        !self.keys.is_empty()
    }

    /// The member on a valid card, or why it is refused. `today` is the site-local date.
    pub fn verify(&self, scanned: &[u8], today: NaiveDate) -> Result<Card, Rejection> {
        let (card, body, sig) = Card::parse(scanned)?;
        let key = self.keys.get(&card.key_id).ok_or(Rejection::UnknownKey)?;
        key.verify_strict(&[CONTEXT, &body].concat(), &sig)
            .map_err(|_| Rejection::BadSignature)?;
        if today > card.expires {
            return Err(Rejection::Expired);
        }
        if self.revoked.is_revoked(&card) {
            return Err(Rejection::Revoked);
        }
        Ok(card)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test-vector key of docs/cards.md: 32 bytes 0x01…0x20.
    pub fn test_key() -> SigningKey {
        let seed: [u8; 32] = std::array::from_fn(|i| i as u8 + 1);
        SigningKey::from_bytes(&seed)
    }

    fn card(member: &str) -> Card {
        Card {
            key_id: "K1".into(),
            member: MemberId::new(member).unwrap(),
            serial: 1,
            expires: NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
        }
    }

    fn verifier(revoked: &[&str]) -> Verifier {
        let keys = BTreeMap::from([("K1".to_owned(), test_key().verifying_key())]);
        Verifier::new(keys, Revocations::parse(revoked.iter().copied()).0)
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_signed_card_verifies_and_fits_a_small_qr_code() {
        let text = card("M-000123").sign(&test_key());
        assert!(text.starts_with("HK1:"));
        // QR version 6 at error correction M holds 154 alphanumeric characters.
        assert!(text.len() <= 154, "{} characters", text.len());
        let c = verifier(&[])
            .verify(text.as_bytes(), day("2026-11-23"))
            .unwrap();
        assert_eq!(c, card("M-000123"));
        // Scanners add line ends.
        assert!(
            verifier(&[])
                .verify(format!("{text}\r\n").as_bytes(), day("2026-11-23"))
                .is_ok()
        );
        // The longest member number still fits version 6.
        assert!(card(&"9".repeat(24)).sign(&test_key()).len() <= 154);
    }

    #[test]
    fn each_reason_is_told_apart() {
        let v = verifier(&["M-666", "M-7#2"]);
        let today = day("2026-11-23");
        let good = card("M-1").sign(&test_key());
        assert_eq!(v.verify(b"hello", today), Err(Rejection::Malformed));
        assert_eq!(
            v.verify(good.replace("HK1:", "HK2:").as_bytes(), today),
            Err(Rejection::Malformed)
        );
        let other_key = SigningKey::from_bytes(&[9; 32]);
        assert_eq!(
            v.verify(card("M-1").sign(&other_key).as_bytes(), today),
            Err(Rejection::BadSignature)
        );
        let k2 = Card {
            key_id: "K2".into(),
            ..card("M-1")
        };
        assert_eq!(
            v.verify(k2.sign(&test_key()).as_bytes(), today),
            Err(Rejection::UnknownKey)
        );
        assert_eq!(
            v.verify(good.as_bytes(), day("2028-01-01")),
            Err(Rejection::Expired)
        );
        assert!(
            v.verify(good.as_bytes(), day("2027-12-31")).is_ok(),
            "valid on its last day"
        );
        assert_eq!(
            v.verify(card("M-666").sign(&test_key()).as_bytes(), today),
            Err(Rejection::Revoked)
        );
        let serial2 = Card {
            serial: 2,
            ..card("M-7")
        };
        assert_eq!(
            v.verify(serial2.sign(&test_key()).as_bytes(), today),
            Err(Rejection::Revoked)
        );
        assert!(
            v.verify(card("M-7").sign(&test_key()).as_bytes(), today)
                .is_ok(),
            "serial 1 still valid"
        );
    }

    #[test]
    fn a_valid_signature_over_a_different_payload_is_refused() {
        // Take M-1's signature and put it on M-2's body.
        let a = base45::decode(&card("M-1").sign(&test_key()).as_bytes()[4..]).unwrap();
        let b = base45::decode(&card("M-2").sign(&test_key()).as_bytes()[4..]).unwrap();
        let mut forged = b[..b.len() - 64].to_vec();
        forged.extend_from_slice(&a[a.len() - 64..]);
        let text = format!("HK1:{}", base45::encode(&forged));
        assert_eq!(
            verifier(&[]).verify(text.as_bytes(), day("2026-11-23")),
            Err(Rejection::BadSignature)
        );
    }

    #[test]
    fn revocation_entries_are_read_and_bad_ones_reported() {
        let (r, bad) =
            Revocations::parse(["M-1", " M-2#3 ", "# lost cards", "", "jane smith", "M-4#x"]);
        assert_eq!(r.len(), 2);
        assert_eq!(bad, ["jane smith", "M-4#x"]);
    }
}
