//! Counters of the central service for `/metrics` (Prometheus text format), built on the kiosk's
//! `metrics::Labelled` so both speak the same format: seconds for durations, `_total` counters,
//! and `hub_central_build_info` for the running version.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};

use super::store::Contact;
use crate::metrics::Labelled;

#[derive(Debug)]
pub struct CentralMetrics {
    /// Uploads by what came of them.
    pub uploads: Labelled<7>,
    /// Buckets stored, and ignored as older than the stored revision.
    pub buckets_stored: AtomicU64,
    pub buckets_stale: AtomicU64,
    /// Sign-in attempts by result.
    pub sign_ins: Labelled<3>,
}

impl Default for CentralMetrics {
    fn default() -> Self {
        CentralMetrics {
            uploads: Labelled::new(
                "outcome",
                [
                    "accepted",
                    "invalid",
                    "malformed",
                    "unauthorized",
                    "forbidden",
                    "superseded",
                    "error",
                ],
            ),
            buckets_stored: AtomicU64::new(0),
            buckets_stale: AtomicU64::new(0),
            sign_ins: Labelled::new("result", ["ok", "failed", "throttled"]),
        }
    }
}

impl CentralMetrics {
    /// Every counter, then per kiosk the seconds since it was last heard from. `buckets` and
    /// `contacts` are the reader's: only the sites they may see.
    pub fn render(&self, buckets: i64, contacts: &[Contact], now: DateTime<Utc>) -> String {
        let mut out = String::new();
        crate::metrics::build_info(
            &mut out,
            "hub_central_build_info",
            "The running central service's version.",
        );
        let mut labelled =
            |name: &str, help: &str, l: &dyn Fn(&str) -> u64, values: &[&str], label: &str| {
                let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
                for v in values {
                    let _ = writeln!(out, "{name}{{{label}=\"{v}\"}} {}", l(v));
                }
            };
        labelled(
            "hub_central_uploads_total",
            "Footfall uploads from kiosks, by outcome.",
            &|v| self.uploads.get(v),
            &self.uploads.values,
            self.uploads.label,
        );
        labelled(
            "hub_central_sign_ins_total",
            "Sign-in attempts to the pages, by result.",
            &|v| self.sign_ins.get(v),
            &self.sign_ins.values,
            self.sign_ins.label,
        );
        for (name, help, v) in [
            (
                "hub_central_buckets_stored_total",
                "Hourly buckets stored (new or replacing an older revision).",
                &self.buckets_stored,
            ),
            (
                "hub_central_buckets_stale_total",
                "Hourly buckets ignored because a newer revision was held.",
                &self.buckets_stale,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                v.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP hub_central_buckets Hourly buckets held.\n# TYPE hub_central_buckets gauge\nhub_central_buckets {buckets}"
        );
        let _ = writeln!(
            out,
            "# HELP hub_central_kiosk_last_contact_seconds Seconds since each kiosk was last heard from.\n# TYPE hub_central_kiosk_last_contact_seconds gauge"
        );
        for c in contacts {
            let _ = writeln!(
                out,
                "hub_central_kiosk_last_contact_seconds{{site=\"{}\",kiosk=\"{}\"}} {}",
                c.site,
                c.kiosk,
                (now - c.last).num_seconds().max(0)
            );
        }
        out
    }
}
