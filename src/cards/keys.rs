//! The card signing key files: made once in the office by `hub-kiosk card keygen`, read by
//! `card issue` (the private key) and by kiosks and `card verify` (the public key).
//!
//! The private key is a PKCS#8 PEM file (so standard tools can read it) after a few lines of
//! plain text that name its key id and say how to look after it; it is written with mode 0600.
//! The public key beside it, ending in `.pub`, holds exactly what `[cards] keys.public_key`
//! takes: the 32-byte Ed25519 key in base64.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use base64::Engine;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::{SigningKey, VerifyingKey};

use zeroize::Zeroizing;

use crate::domain::card::key_id_ok;

const BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
const END: &str = "-----END PRIVATE KEY-----";
const ID_LINE: &str = "Key id: ";

/// The two files of a key pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFiles {
    pub private: PathBuf,
    pub public: PathBuf,
}

impl KeyFiles {
    /// `DIR/card-ID.key` and `DIR/card-ID.pub`.
    pub fn in_dir(dir: &Path, id: &str) -> KeyFiles {
        KeyFiles {
            private: dir.join(format!("card-{id}.key")),
            public: dir.join(format!("card-{id}.pub")),
        }
    }
}

/// A private key and the key id its cards carry.
pub struct IssuingKey {
    pub id: String,
    pub key: SigningKey,
}

impl std::fmt::Debug for IssuingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key itself.
        f.debug_struct("IssuingKey")
            .field("id", &self.id)
            .field("public", &public_key_base64(&self.key.verifying_key()))
            .finish()
    }
}

/// The public key as written in `.pub` files and in `[cards] keys.public_key`.
pub fn public_key_base64(key: &VerifyingKey) -> String {
    base64::engine::general_purpose::STANDARD.encode(key.as_bytes())
}

/// The text of a private key file.
pub fn private_key_text(id: &str, key: &SigningKey) -> Result<Zeroizing<String>, String> {
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| format!("cannot encode the private key: {e}"))?;
    Ok(Zeroizing::new(format!(
        "hub-kiosk membership card signing key\n{ID_LINE}{id}\n\
         Keep this file in the office, readable only by whoever issues cards. Never copy it to a\n\
         kiosk: kiosks need only card-{id}.pub. Anyone with this file can make cards.\n{}",
        pem.as_str()
    )))
}

/// Makes a new key pair in `dir` (created if missing). Never overwrites: an existing key has
/// cards in people's pockets.
pub fn generate(dir: &Path, id: &str) -> Result<(KeyFiles, VerifyingKey), String> {
    if !key_id_ok(id) {
        return Err(format!(
            "key id `{id}`: use 1–2 characters A–Z or 0–9, e.g. K1 (K2 for the next key)"
        ));
    }
    let files = KeyFiles::in_dir(dir, id);
    for f in [&files.private, &files.public] {
        if f.exists() {
            return Err(format!(
                "{} already exists: keys are never overwritten, because cards signed with it \
                 would stop working. Use another --id (e.g. for a new key when rotating) or another --dir",
                f.display()
            ));
        }
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the directory {}: {e}", dir.display()))?;
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let private = private_key_text(id, &key)?;
    write_new(&files.private, private.as_bytes(), 0o600)?;
    let public = format!("{}\n", public_key_base64(&key.verifying_key()));
    if let Err(e) = write_new(&files.public, public.as_bytes(), 0o644) {
        // A private key without its public half would only confuse: take it back.
        let _ = std::fs::remove_file(&files.private);
        return Err(e);
    }
    sync_dir(dir);
    Ok((files, key.verifying_key()))
}

/// Creates `path` (failing if it exists) with `mode`, writes it and flushes it to disk.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), String> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    // The umask may have taken bits away, never added them; set the mode exactly.
    f.set_permissions(std::fs::Permissions::from_mode(mode))
        .and_then(|()| f.write_all(bytes))
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Reads a private key file written by `card keygen` (or any PKCS#8 Ed25519 PEM file, with
/// `id` naming its key id). `id` must agree with the file's own key id when both are given.
pub fn read_private(path: &Path, id: Option<&str>) -> Result<IssuingKey, String> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the private key {}: {e}", path.display()))?,
    );
    let (start, end) = match (text.find(BEGIN), text.find(END)) {
        (Some(s), Some(e)) if s < e => (s, e + END.len()),
        _ => {
            return Err(format!(
                "{} is not a private key file: make one with `hub-kiosk card keygen` (a .pub file \
                 is the public half, which cannot sign)",
                path.display()
            ));
        }
    };
    let key = SigningKey::from_pkcs8_pem(&text[start..end]).map_err(|e| {
        format!(
            "{} does not hold an Ed25519 private key ({e})",
            path.display()
        )
    })?;
    let written = text[..start]
        .lines()
        .find_map(|l| l.strip_prefix(ID_LINE))
        .map(str::trim);
    let id = match (written, id) {
        (Some(w), Some(given)) if w != given => {
            return Err(format!(
                "{} is key {w}, not {given}: leave out --id, or pick the key file of {given}",
                path.display()
            ));
        }
        (Some(w), _) => w.to_owned(),
        (None, Some(given)) => given.to_owned(),
        (None, None) => {
            return Err(format!(
                "{} does not say its key id: give it with --id (the id kiosks have for its public key)",
                path.display()
            ));
        }
    };
    if !key_id_ok(&id) {
        return Err(format!(
            "key id `{id}` of {}: use 1–2 characters A–Z or 0–9",
            path.display()
        ));
    }
    Ok(IssuingKey { id, key })
}

/// A warning when other users may read a private key file.
pub fn exposed(path: &Path) -> Option<String> {
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "warning: other users can read {}: run `chmod 600 {}`",
            path.display(),
            path.display()
        )
    })
}

/// Reads a public key: a `.pub` file, or the base64 text itself.
pub fn read_public(arg: &str) -> Result<VerifyingKey, String> {
    let path = Path::new(arg);
    let text = if path.is_file() {
        std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the public key {}: {e}", path.display()))?
    } else {
        arg.to_owned()
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| {
            format!(
                "`{arg}` is neither a .pub file from `hub-kiosk card keygen` nor a base64 public key"
            )
        })?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| format!("`{arg}` is not a usable public key: {e}"))
}

/// The key id a public key file's name gives: `card-K1.pub` or `K1.pub` → `K1`.
pub fn id_from_file_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let id = stem.strip_prefix("card-").unwrap_or(stem);
    key_id_ok(id).then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keygen_writes_a_private_file_only_its_owner_reads_and_a_public_file_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let (files, public) = generate(dir.path(), "K3").unwrap();
        assert_eq!(files, KeyFiles::in_dir(dir.path(), "K3"));
        let mode = std::fs::metadata(&files.private)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let pub_text = std::fs::read_to_string(&files.public).unwrap();
        assert_eq!(pub_text.trim(), public_key_base64(&public));
        assert_eq!(read_public(files.public.to_str().unwrap()).unwrap(), public);
        assert_eq!(read_public(pub_text.trim()).unwrap(), public);
        assert_eq!(id_from_file_name(&files.public).as_deref(), Some("K3"));

        assert_eq!(exposed(&files.private), None);
        let issuing = read_private(&files.private, None).unwrap();
        assert_eq!(issuing.id, "K3");
        assert_eq!(issuing.key.verifying_key(), public);
        assert!(read_private(&files.private, Some("K4")).is_err());

        let again = generate(dir.path(), "K3").unwrap_err();
        assert!(again.contains("never overwritten"), "{again}");
        assert_eq!(std::fs::read_to_string(&files.public).unwrap(), pub_text);
        assert!(generate(dir.path(), "k3").is_err(), "lower case id");
    }

    #[test]
    fn a_plain_pem_key_needs_its_id_and_a_public_key_is_not_a_private_one() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::from_bytes(&[5; 32]);
        let pem = key.to_pkcs8_pem(LineEnding::LF).unwrap();
        let file = dir.path().join("office.pem");
        std::fs::write(&file, pem.as_bytes()).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(exposed(&file).unwrap().contains("chmod 600"));
        assert!(read_private(&file, None).unwrap_err().contains("--id"));
        assert_eq!(read_private(&file, Some("Q")).unwrap().id, "Q");

        let pub_file = dir.path().join("x.pub");
        std::fs::write(&pub_file, public_key_base64(&key.verifying_key())).unwrap();
        let e = read_private(&pub_file, None).unwrap_err();
        assert!(e.contains("not a private key file"), "{e}");
        assert!(read_public("not base64!").is_err());
        assert!(read_public("AAAA").is_err(), "too short");
    }
}
