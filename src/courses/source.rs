//! Getting the timetable's text: from a file, or from an https address with a conditional GET
//! (`If-None-Match` / `If-Modified-Since`, so an unchanged calendar costs one short answer), and
//! the last good copy kept in the data directory (`timetable/last-good.ics` and its `.json`),
//! written only after the text read well, by a rename so it is never half written.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::timetable::Timetable;

/// The largest timetable taken (a year of a busy college is well under 1 MB).
pub const MOST_BYTES: usize = 5 * 1024 * 1024;

/// Reads and checks a timetable file: its text and timetable, or what is wrong, with the file
/// and the line.
pub fn read_file(path: &Path, site: chrono_tz::Tz) -> Result<(String, Timetable), String> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if bytes.len() > MOST_BYTES {
        return Err(format!(
            "{shown} is larger than {MOST_BYTES} bytes: is it a timetable?"
        ));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{shown} is not text (UTF-8): export the calendar as .ics"))?;
    let timetable = Timetable::parse(&text, site).map_err(|p| format!("{shown}, {p}"))?;
    Ok((text, timetable))
}

/// What is known about the last good copy.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The file or address it came from.
    pub source: String,
    /// When it was read or fetched.
    pub saved: DateTime<Utc>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// The last timetable that read well, kept in the data directory.
#[derive(Clone, Debug)]
pub struct LastGood {
    dir: PathBuf,
}

impl LastGood {
    pub fn new(data_dir: &Path) -> LastGood {
        LastGood {
            dir: data_dir.join("timetable"),
        }
    }

    fn text_path(&self) -> PathBuf {
        self.dir.join("last-good.ics")
    }

    fn meta_path(&self) -> PathBuf {
        self.dir.join("last-good.json")
    }

    /// The kept copy of `source`, if there is one.
    pub fn read(&self, source: &str) -> Option<(String, Meta)> {
        let meta: Meta =
            serde_json::from_str(&std::fs::read_to_string(self.meta_path()).ok()?).ok()?;
        if meta.source != source {
            return None;
        }
        Some((std::fs::read_to_string(self.text_path()).ok()?, meta))
    }

    /// Keeps `text` as the last good copy.
    pub fn save(&self, text: &str, meta: &Meta) -> Result<(), String> {
        let write = |path: PathBuf, body: &[u8]| -> std::io::Result<()> {
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, body)?;
            std::fs::rename(&tmp, &path)
        };
        let json = serde_json::to_vec_pretty(meta).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(&self.dir)
            .and_then(|_| write(self.text_path(), text.as_bytes()))
            .and_then(|_| write(self.meta_path(), &json))
            .map_err(|e| format!("cannot keep a copy in {}: {e}", self.dir.display()))
    }
}

/// An HTTPS client for the timetable's address, trusting `ca` besides the system's roots.
pub fn client(ca: Option<&Path>, timeout: Duration) -> Result<reqwest::Client, String> {
    let mut builder = crate::service::http_client(timeout).https_only(true);
    if let Some(path) = ca {
        let pem =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let cert = reqwest::Certificate::from_pem(&pem)
            .map_err(|e| format!("{} is not a PEM certificate: {e}", path.display()))?;
        builder = builder.tls_certs_merge([cert]);
    }
    builder
        .build()
        .map_err(|e| format!("cannot set up HTTPS: {e}"))
}

/// What a fetch brought.
pub enum Fetched {
    /// The calendar has not changed since `meta`.
    NotModified,
    New {
        text: String,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

/// GETs `url`, asking only for a change since `meta` when there is one.
pub async fn fetch(
    http: &reqwest::Client,
    url: &str,
    meta: Option<&Meta>,
) -> Result<Fetched, String> {
    let mut req = http
        .get(url)
        .header(reqwest::header::ACCEPT, "text/calendar, */*;q=0.5");
    if let Some(m) = meta {
        if let Some(etag) = &m.etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &m.last_modified {
            req = req.header(reqwest::header::IF_MODIFIED_SINCE, lm);
        }
    }
    let mut res = req.send().await.map_err(|e| describe(&e, url))?;
    let status = res.status();
    if status == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if !status.is_success() {
        return Err(format!("{url} answered {status}"));
    }
    let header = |name| {
        res.headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let (etag, last_modified) = (
        header(reqwest::header::ETAG),
        header(reqwest::header::LAST_MODIFIED),
    );
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(|e| describe(&e, url))? {
        body.extend_from_slice(&chunk);
        if body.len() > MOST_BYTES {
            return Err(format!(
                "{url} sent more than {MOST_BYTES} bytes: is it a timetable?"
            ));
        }
    }
    let text = String::from_utf8(body).map_err(|_| format!("{url} did not send text (UTF-8)"))?;
    Ok(Fetched::New {
        text,
        etag,
        last_modified,
    })
}

fn describe(e: &reqwest::Error, url: &str) -> String {
    let mut why = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        why = format!("{why}: {s}");
        source = s.source();
    }
    if e.is_timeout() {
        format!("{url} did not answer in time")
    } else if e.is_connect() {
        format!("cannot reach {url} ({why})")
    } else {
        format!("fetching {url} failed ({why})")
    }
}
