//! Keys and certificates for HTTPS (`hub-kiosk staff tls`), for the kiosk's staff pages and the
//! central service alike: a new private key with a certificate signing request (CSR) for the
//! trust's certificate authority, or a self-signed certificate for a trial. ECDSA P-256, the
//! names as subject alternative names (IP addresses as IP names), server authentication only.
//! The key is written with mode 0640 and never printed; an existing key is not overwritten
//! unless asked, since a certificate the CA already signed would stop matching it.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, Utc};
use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};

/// What to make.
#[derive(Clone, Debug)]
pub struct Request {
    /// The names staff type to reach the service (`kiosk-walton.local`, `10.0.0.5`); the first
    /// is the certificate's common name.
    pub names: Vec<String>,
    /// A self-signed certificate instead of a CSR.
    pub self_signed: bool,
    /// Days a self-signed certificate is valid.
    pub days: u32,
    /// Replace a key already there.
    pub force: bool,
}

/// The files written.
#[derive(Clone, Debug)]
pub struct Written {
    pub key: PathBuf,
    /// `cert.pem` (self-signed) or `request.csr`.
    pub other: PathBuf,
}

/// File names inside the output folder.
pub const KEY_FILE: &str = "key.pem";
pub const CERT_FILE: &str = "cert.pem";
pub const CSR_FILE: &str = "request.csr";

/// The names of this machine when none are given: its host name and `<name>.local`.
pub fn default_names() -> Vec<String> {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_default();
    if host.is_empty() || host == "localhost" {
        return vec!["localhost".into(), "127.0.0.1".into()];
    }
    let short = host.split('.').next().unwrap_or(&host).to_owned();
    let mut names = vec![host.clone()];
    if !host.contains('.') {
        names.push(format!("{short}.local"));
    }
    names
}

fn params(req: &Request) -> Result<CertificateParams, String> {
    let first = req.names.first().ok_or(
        "give at least one name staff use to reach the service, e.g. --name kiosk-walton.local",
    )?;
    let mut p = CertificateParams::new(req.names.clone()).map_err(|e| {
        format!(
            "{}: not a host name or IP address ({e})",
            req.names.join(", ")
        )
    })?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, first.as_str());
    dn.push(DnType::OrganizationName, "hub-kiosk");
    p.distinguished_name = dn;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let ymd = |d: chrono::DateTime<Utc>| date_time_ymd(d.year(), d.month() as u8, d.day() as u8);
    let now = Utc::now();
    p.not_before = ymd(now - Duration::days(1));
    p.not_after = ymd(now + Duration::days(i64::from(req.days)));
    Ok(p)
}

/// Writes `text` to a new file with `mode`; refuses to replace one unless `force`.
fn write_new(path: &Path, text: &str, mode: u32, force: bool) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).mode(mode);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut f = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!(
            "{} is already there: a certificate made for it would stop working. Move it away, \
             or give --force to replace it",
            path.display()
        ),
        _ => format!("cannot write {}: {e}", path.display()),
    })?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Makes the key and the CSR or certificate in `dir` (created if missing).
pub fn make(dir: &Path, req: &Request) -> Result<Written, String> {
    if !(1..=3650).contains(&req.days) {
        return Err("use --days from 1 to 3650 (825 is the most browsers accept)".into());
    }
    let params = params(req)?;
    let key = KeyPair::generate().map_err(|e| format!("cannot make a key: {e}"))?;
    let (other_name, other_text) = if req.self_signed {
        let cert = params
            .self_signed(&key)
            .map_err(|e| format!("cannot make the certificate: {e}"))?;
        (CERT_FILE, cert.pem())
    } else {
        let csr = params
            .serialize_request(&key)
            .and_then(|r| r.pem())
            .map_err(|e| format!("cannot make the signing request: {e}"))?;
        (CSR_FILE, csr)
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    let written = Written {
        key: dir.join(KEY_FILE),
        other: dir.join(other_name),
    };
    let key_pem = zeroize::Zeroizing::new(key.serialize_pem());
    write_new(&written.key, &key_pem, 0o640, req.force)?;
    write_new(&written.other, &other_text, 0o644, true)?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(self_signed: bool) -> Request {
        Request {
            names: vec!["kiosk-walton.local".into(), "10.0.0.5".into()],
            self_signed,
            days: 30,
            force: false,
        }
    }

    #[test]
    fn a_key_is_never_replaced_unasked() {
        let dir = tempfile::tempdir().unwrap();
        let w = make(dir.path(), &req(false)).unwrap();
        let key = std::fs::read_to_string(&w.key).unwrap();
        assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{key}");
        let csr = std::fs::read_to_string(&w.other).unwrap();
        assert!(csr.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&w.key).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode & 0o007,
            0,
            "the key is not readable by others: {mode:o}"
        );
        let e = make(dir.path(), &req(true)).unwrap_err();
        assert!(e.contains("--force"), "{e}");
        assert_eq!(std::fs::read_to_string(&w.key).unwrap(), key);
        let again = Request {
            force: true,
            ..req(true)
        };
        let w = make(dir.path(), &again).unwrap();
        assert!(w.other.ends_with(CERT_FILE));
        assert_ne!(std::fs::read_to_string(&w.key).unwrap(), key);
    }

    #[test]
    fn names_and_days_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let none = Request {
            names: vec![],
            ..req(true)
        };
        assert!(make(dir.path(), &none).unwrap_err().contains("--name"));
        let long = Request {
            days: 0,
            ..req(true)
        };
        assert!(make(dir.path(), &long).unwrap_err().contains("--days"));
        assert!(!default_names().is_empty());
    }
}
