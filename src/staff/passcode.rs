//! Staff passcodes: the shared Argon2 hashing of `crate::web::passcode`, under the name the
//! configuration checks and `hub-kiosk staff hash-passcode` have always used.

pub use crate::web::passcode::{check_hash, hash, verify};
