//! Checks of `central.toml` that relate several values; the first problem is reported with its
//! line, in the same words and form as `kiosk.toml`'s.

use std::collections::BTreeSet;

use super::config::{
    CentralConfig, DEMO_READER_TOKEN, KioskEntry, RawCentral, Reader, Service, Site, SiteEntry,
};
use crate::config::{
    ConfigError, ConfigWarning, DEMO_API_TOKEN, DEMO_CENTRAL_TOKEN, DEMO_PASSCODE, Transport,
    id_ok, locate, plain_http_warning, transport,
};
use crate::domain::Catalogue;
use crate::web::passcode;

const TOKEN_RULE: &str =
    "use at least 22 random characters without spaces (128 bits), e.g. `openssl rand -hex 16`";

fn token_ok(t: &str) -> bool {
    t.len() >= 22 && !t.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_demo_token(t: &str) -> bool {
    [DEMO_CENTRAL_TOKEN, DEMO_READER_TOKEN, DEMO_API_TOKEN].contains(&t)
}

/// Problems found: a dotted key and what to do.
type Problems = Vec<(String, String)>;

pub(super) fn validate(
    raw: RawCentral,
    text: &str,
    origin: &str,
    demo: bool,
) -> Result<CentralConfig, ConfigError> {
    let mut p: Problems = Vec::new();
    let mut warnings: Problems = Vec::new();
    service(&raw.service, &mut p, &mut warnings);
    let (site_ids, sites) = sites(&raw.sites, &mut p);
    let mut tokens = Tokens {
        demo,
        seen: BTreeSet::new(),
    };
    kiosks(&raw.kiosks, &site_ids, &mut tokens, &mut p);
    readers(&raw.readers, &site_ids, &mut tokens, demo, &mut p);
    let catalogue = Catalogue::new(raw.needs.clone());
    if let Err(e) = &catalogue {
        p.push(("needs".into(), e.to_string()));
    }
    if let Some((key, message)) = p.into_iter().next() {
        return Err(ConfigError {
            file: origin.to_owned(),
            line: locate(text, &key),
            key: Some(key),
            message,
        });
    }
    Ok(CentralConfig {
        origin: origin.to_owned(),
        demo,
        service: raw.service,
        sites,
        kiosks: raw.kiosks,
        readers: raw.readers,
        catalogue: catalogue.expect("checked above"),
        warnings: warnings
            .into_iter()
            .map(|(key, message)| ConfigWarning {
                file: origin.to_owned(),
                line: locate(text, &key),
                key,
                message,
            })
            .collect(),
    })
}

/// `[service]`: problems into `p`, warnings into `w`.
fn service(s: &Service, p: &mut Problems, w: &mut Problems) {
    match transport(s.listen, s.tls.is_some(), s.allow_plain_http, "service") {
        Err(e) => p.push(("service.listen".into(), e)),
        Ok(Transport::PlainAllowed) => w.push((
            "service.allow_plain_http".into(),
            plain_http_warning(s.listen, "service"),
        )),
        Ok(_) => {}
    }
    if s.max_future_minutes > 1440 {
        p.push((
            "service.max_future_minutes".into(),
            "use minutes from 0 to 1440 (120 is usual)".into(),
        ));
    }
    if !(1..=168).contains(&s.session_hours) {
        p.push((
            "service.session_hours".into(),
            "use hours from 1 to 168".into(),
        ));
    }
    if let Some(tls) = &s.tls {
        for (key, path) in [
            ("service.tls.certificate", &tls.certificate),
            ("service.tls.key", &tls.key),
        ] {
            if !path.is_file() {
                p.push((
                    key.into(),
                    format!(
                        "{} does not exist or is not a file: make a key and certificate with \
                         `hub-kiosk staff tls` (docs/staff.md)",
                        path.display()
                    ),
                ));
            }
        }
    }
}

/// `[[sites]]`: their ids, and the sites that are valid.
fn sites(raw: &[SiteEntry], p: &mut Problems) -> (BTreeSet<String>, Vec<Site>) {
    if raw.is_empty() {
        p.push((
            "sites".into(),
            "list at least one site: [[sites]] with id = \"walton\" and name = \"…\"".into(),
        ));
    }
    let mut site_ids = BTreeSet::new();
    let mut sites = Vec::new();
    for (i, site) in raw.iter().enumerate() {
        if !id_ok(&site.id) {
            p.push((
                format!("sites.{i}.id"),
                "use 1–40 lower-case letters, digits or `-`, the kiosks' [site] id".into(),
            ));
        } else if !site_ids.insert(site.id.clone()) {
            p.push((
                format!("sites.{i}.id"),
                format!("site `{}` is listed twice", site.id),
            ));
        }
        if site.name.trim().is_empty() {
            p.push((format!("sites.{i}.name"), "give the site a name".into()));
        }
        if !(0.5..=2.0).contains(&site.door_calibration) {
            p.push((
                format!("sites.{i}.door_calibration"),
                "use a factor from 0.5 to 2.0, measured by a hand tally".into(),
            ));
        }
        match site.timezone.parse::<chrono_tz::Tz>() {
            Ok(timezone) => sites.push(Site {
                id: site.id.clone(),
                name: site.name.clone(),
                timezone,
                door_calibration: site.door_calibration,
            }),
            Err(_) => p.push((
                format!("sites.{i}.timezone"),
                format!(
                    "`{}` is not a time zone name such as \"Europe/London\"",
                    site.timezone
                ),
            )),
        }
    }
    (site_ids, sites)
}

/// Tokens of kiosks and readers: each random, none a demo one outside the demo, none twice.
struct Tokens {
    demo: bool,
    seen: BTreeSet<String>,
}

impl Tokens {
    fn check(&mut self, key: String, t: &str, p: &mut Problems) {
        if !self.demo && is_demo_token(t) {
            p.push((
                key,
                "this is a public demo token: make a random one, e.g. `openssl rand -hex 16`"
                    .into(),
            ));
        } else if !token_ok(t) {
            p.push((key, TOKEN_RULE.into()));
        } else if !self.seen.insert(t.to_owned()) {
            p.push((
                key,
                "this token is used twice: give each kiosk and reader its own".into(),
            ));
        }
    }
}

/// `[[kiosks]]`.
fn kiosks(raw: &[KioskEntry], site_ids: &BTreeSet<String>, tokens: &mut Tokens, p: &mut Problems) {
    let mut kiosk_ids = BTreeSet::new();
    for (i, k) in raw.iter().enumerate() {
        if !site_ids.contains(&k.site) {
            p.push((
                format!("kiosks.{i}.site"),
                format!("no [[sites]] entry has id `{}`: add the site first", k.site),
            ));
        }
        if !id_ok(&k.id) {
            p.push((
                format!("kiosks.{i}.id"),
                "use the kiosk's [kiosk] id: 1–40 lower-case letters, digits or `-`".into(),
            ));
        } else if !kiosk_ids.insert((k.site.clone(), k.id.clone())) {
            p.push((
                format!("kiosks.{i}.id"),
                format!("kiosk `{}` of site `{}` is listed twice", k.id, k.site),
            ));
        }
        tokens.check(format!("kiosks.{i}.token"), &k.token, p);
    }
}

/// `[[readers]]`.
fn readers(
    raw: &[Reader],
    site_ids: &BTreeSet<String>,
    tokens: &mut Tokens,
    demo: bool,
    p: &mut Problems,
) {
    let mut names = BTreeSet::new();
    for (i, r) in raw.iter().enumerate() {
        if r.name.trim().is_empty() || r.name.len() > 60 {
            p.push((
                format!("readers.{i}.name"),
                "give a name of 1–60 characters, e.g. \"Central team\"".into(),
            ));
        } else if !names.insert(r.name.clone()) {
            p.push((
                format!("readers.{i}.name"),
                format!("`{}` is used twice: names must be unique", r.name),
            ));
        }
        if r.passcode_hash.is_none() && r.token.is_none() {
            p.push((
                format!("readers.{i}"),
                "give a passcode_hash (for the pages), a token (for the API) or both".into(),
            ));
        }
        if let Some(h) = &r.passcode_hash {
            if let Err(e) = passcode::check_hash(h) {
                p.push((format!("readers.{i}.passcode_hash"), e));
            } else if !demo && passcode::verify(h, DEMO_PASSCODE) {
                p.push((
                    format!("readers.{i}.passcode_hash"),
                    "this is the demo passcode: set a real one with `hub-kiosk staff hash-passcode`"
                        .into(),
                ));
            }
        }
        if let Some(t) = &r.token {
            tokens.check(format!("readers.{i}.token"), t, p);
        }
        for (j, s) in r.sites.iter().enumerate() {
            if !site_ids.contains(s) {
                p.push((
                    format!("readers.{i}.sites.{j}"),
                    format!("no [[sites]] entry has id `{s}`"),
                ));
            }
        }
    }
}
