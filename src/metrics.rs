//! Counters the parts bump and `/metrics` prints in Prometheus text format.
//!
//! Plain atomics: nothing here allocates on a hot path or takes a lock. Labelled counters use a
//! fixed set of label values known at compile time. Every duration is in seconds and every name
//! passes `promtool check metrics` (Prometheus' naming rules: counters end in `_total`, base
//! units only).

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// A counter per label value, for a fixed set of values.
#[derive(Debug)]
pub struct Labelled<const N: usize> {
    pub label: &'static str,
    pub values: [&'static str; N],
    counts: [AtomicU64; N],
}

impl<const N: usize> Labelled<N> {
    pub const fn new(label: &'static str, values: [&'static str; N]) -> Self {
        Labelled {
            label,
            values,
            counts: [const { AtomicU64::new(0) }; N],
        }
    }

    /// Adds one for `value`; unknown values are ignored.
    pub fn inc(&self, value: &str) {
        if let Some(i) = self.values.iter().position(|v| *v == value) {
            self.counts[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn get(&self, value: &str) -> u64 {
        self.values
            .iter()
            .position(|v| *v == value)
            .map_or(0, |i| self.counts[i].load(Ordering::Relaxed))
    }

    fn render(&self, out: &mut String, name: &str) {
        for (v, c) in self.values.iter().zip(&self.counts) {
            let _ = writeln!(
                out,
                "{name}{{{}=\"{v}\"}} {}",
                self.label,
                c.load(Ordering::Relaxed)
            );
        }
    }
}

/// `NAME{version="…"} 1`: which build is running, the usual Prometheus `build_info` gauge.
pub fn build_info(out: &mut String, name: &str, help: &str) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} gauge\n{name}{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
}

/// Every counter and gauge the kiosk keeps.
#[derive(Debug)]
pub struct Metrics {
    /// Check-ins saved, by source.
    pub check_ins: Labelled<3>,
    /// Card scans, by result.
    pub scans: Labelled<7>,
    /// Door passes, by direction.
    pub door_passes: Labelled<2>,
    /// Requests to the central service, by outcome.
    pub sync_requests: Labelled<6>,
    /// 1 while the central service accepts our data.
    pub sync_online: AtomicI64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            check_ins: Labelled::new("source", ["touchscreen", "card", "staff_walk_in"]),
            scans: Labelled::new(
                "result",
                [
                    "accepted",
                    "malformed",
                    "unknown_key",
                    "bad_signature",
                    "expired",
                    "revoked",
                    "repeat",
                ],
            ),
            door_passes: Labelled::new("direction", ["in", "out"]),
            sync_requests: Labelled::new(
                "outcome",
                [
                    "ok",
                    "retry",
                    "rejected",
                    "unauthorized",
                    "network",
                    "timeout",
                ],
            ),
            sync_online: AtomicI64::new(0),
        }
    }
}

impl Metrics {
    /// The counters in Prometheus text exposition format, with HELP and TYPE lines.
    pub fn render_counters(&self) -> String {
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, render: &dyn Fn(&mut String, &str)| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            render(&mut out, name);
        };
        counter(
            "hub_kiosk_check_ins_total",
            "Check-ins saved, by source.",
            &|o, n| self.check_ins.render(o, n),
        );
        counter(
            "hub_kiosk_card_scans_total",
            "Card scans, by result.",
            &|o, n| self.scans.render(o, n),
        );
        counter(
            "hub_kiosk_door_passes_total",
            "People counted at the door, by direction.",
            &|o, n| self.door_passes.render(o, n),
        );
        counter(
            "hub_kiosk_sync_requests_total",
            "Requests to the central service, by outcome.",
            &|o, n| self.sync_requests.render(o, n),
        );
        build_info(
            &mut out,
            "hub_kiosk_build_info",
            "The running kiosk's version.",
        );
        let _ = writeln!(
            out,
            "# HELP hub_kiosk_sync_online 1 while the central service accepts our data.\n# TYPE hub_kiosk_sync_online gauge\nhub_kiosk_sync_online {}",
            self.sync_online.load(Ordering::Relaxed)
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_in_prometheus_format() {
        let m = Metrics::default();
        m.scans.inc("revoked");
        m.scans.inc("revoked");
        m.scans.inc("no such result");
        let text = m.render_counters();
        assert!(text.contains("# TYPE hub_kiosk_card_scans_total counter"));
        assert!(text.contains("hub_kiosk_card_scans_total{result=\"revoked\"} 2"));
        assert!(text.contains("hub_kiosk_card_scans_total{result=\"accepted\"} 0"));
        assert_eq!(m.scans.get("revoked"), 2);
        let info = format!(
            "hub_kiosk_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        assert!(text.lines().any(|l| l == info), "{text}");
        assert!(
            !text.contains("outbox"),
            "the outbox gauge is read from the database"
        );
    }
}
