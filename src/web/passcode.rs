//! Passcodes of the staff pages and the central pages: stored only as Argon2id hashes (PHC
//! strings) and checked in constant time. Each check takes about 19 MiB and a good part of a
//! second on a Pi, which is why `sign_in` bounds how many run at once, and the memory is
//! handed back to the system after each one (`give_back_memory`).

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// The PHC string to put in `staff.logins.passcode_hash`.
pub fn hash(passcode: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(passcode.as_bytes(), &salt)
        .expect("argon2 with default parameters accepts any passcode")
        .to_string();
    give_back_memory();
    hash
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
    let right = PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(passcode.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false);
    give_back_memory();
    right
}

/// Returns Argon2's freed working memory to the system. glibc keeps a freed block of that size
/// (allocated 64-byte aligned) in the thread's arena without reusing it for the next one, so
/// without this every check added 19 MiB to the process for good (`benches/sign_in_memory`).
fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only hands free memory back to the system; it touches nothing in use.
    unsafe {
        libc::malloc_trim(0);
    }
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
