//! Staff passcodes: stored only as Argon2id hashes (PHC strings), checked in constant time.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// The PHC string to put in `staff.logins.passcode_hash`.
pub fn hash(passcode: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(passcode.as_bytes(), &salt)
        .expect("argon2 with default parameters accepts any passcode")
        .to_string()
}

/// Whether `hash` is a PHC string argon2 can use; otherwise what to do.
pub fn check_hash(hash: &str) -> Result<(), String> {
    match PasswordHash::new(hash) {
        Ok(h) if h.algorithm.as_str().starts_with("argon2") => Ok(()),
        _ => Err("not an Argon2 hash: make one with `hub-kiosk staff hash-passcode`".into()),
    }
}

/// Whether `passcode` matches `hash` (false for malformed hashes).
pub fn verify(hash: &str, passcode: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(passcode.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_reject() {
        let h = hash("4821");
        assert!(h.starts_with("$argon2id$"));
        assert!(check_hash(&h).is_ok());
        assert!(verify(&h, "4821"));
        assert!(!verify(&h, "4822"));
        assert!(check_hash("4821").is_err());
        assert!(!verify("nonsense", "4821"));
    }
}
