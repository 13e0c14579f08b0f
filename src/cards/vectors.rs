use crate::domain::MemberId;
use crate::domain::base45;
use crate::domain::card::Card;
use ed25519_dalek::SigningKey;

#[test]
fn print() {
    let seed: [u8; 32] = std::array::from_fn(|i| i as u8 + 1);
    let key = SigningKey::from_bytes(&seed);
    let other: [u8; 32] = std::array::from_fn(|i| i as u8 + 0x21);
    let other = SigningKey::from_bytes(&other);
    println!(
        "pub {}",
        super::keys::public_key_base64(&key.verifying_key())
    );
    println!(
        "otherpub {}",
        super::keys::public_key_base64(&other.verifying_key())
    );
    let c = |kid: &str, m: &str, s: u16, e: &str| Card {
        key_id: kid.into(),
        member: MemberId::new(m).unwrap(),
        serial: s,
        expires: e.parse().unwrap(),
    };
    let v1 = c("K1", "M-000123", 1, "2027-12-31").sign(&key);
    println!("v1 {v1}");
    let bytes = base45::decode(&v1.as_bytes()[4..]).unwrap();
    println!("v1 bytes {:02X?}", bytes);
    println!("v3 {}", c("K1", "M-000123", 2, "2027-12-31").sign(&key));
    println!("v4 {}", c("K1", "M-000666", 1, "2027-12-31").sign(&key));
    println!("v5 {}", c("K2", "M-000123", 1, "2027-12-31").sign(&key));
    println!("v6 {}", c("K1", "M-000123", 1, "2027-12-31").sign(&other));
    let b = c("K1", "M-000124", 1, "2027-12-31").sign(&key);
    let bb = base45::decode(&b.as_bytes()[4..]).unwrap();
    let mut forged = bb[..bb.len() - 64].to_vec();
    forged.extend_from_slice(&bytes[bytes.len() - 64..]);
    println!("v7 HK1:{}", base45::encode(&forged));
    println!(
        "v10 {}",
        c("K1", &"9".repeat(24), 65535, "2179-06-06").sign(&key)
    );
}
