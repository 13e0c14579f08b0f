//! The wait a visitor is told: work ahead of them ÷ advisors on duty, said as a range.
//!
//! Work ahead is, for each ticket before theirs, the median of recent service times of that
//! ticket's need (or a configured default before there is history). Saying "about 10–20 min"
//! rather than "14 min" is honest about how rough this is.

use std::collections::BTreeMap;

use serde::Serialize;

use super::needs::NeedId;

/// A range of whole minutes, both multiples of five.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WaitEstimate {
    pub low_minutes: u32,
    pub high_minutes: u32,
}

impl WaitEstimate {
    /// "about 10–20 min", or "less than 5 min".
    pub fn describe_en(&self) -> String {
        if self.high_minutes <= 5 {
            "less than 5 min".into()
        } else {
            format!("about {}–{} min", self.low_minutes, self.high_minutes)
        }
    }
}

/// Median of a set of samples; `None` when empty.
pub fn median(samples: &mut [i64]) -> Option<i64> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_unstable();
    let mid = samples.len() / 2;
    Some(if samples.len() % 2 == 1 {
        samples[mid]
    } else {
        (samples[mid - 1] + samples[mid]) / 2
    })
}

/// Estimates the wait of someone with `ahead` tickets before them.
///
/// `service_seconds` holds the median recent service time per need; needs without history use
/// `default_service_seconds`. With no advisor on duty the estimate assumes one will come.
pub fn estimate_wait(
    ahead: &[NeedId],
    service_seconds: &BTreeMap<NeedId, i64>,
    default_service_seconds: i64,
    advisors_on_duty: u32,
) -> WaitEstimate {
    let work: i64 = ahead
        .iter()
        .map(|n| {
            service_seconds
                .get(n)
                .copied()
                .unwrap_or(default_service_seconds)
                .max(0)
        })
        .sum();
    let minutes = work as f64 / 60.0 / f64::from(advisors_on_duty.max(1));
    let low = ((minutes * 0.7) / 5.0).floor() as u32 * 5;
    let high = (((minutes * 1.3) / 5.0).ceil() as u32 * 5).max(low + 5);
    WaitEstimate {
        low_minutes: low,
        high_minutes: high,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize, id: &str) -> Vec<NeedId> {
        vec![NeedId::new(id).unwrap(); n]
    }

    #[test]
    fn median_of_odd_and_even_samples() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3));
        assert_eq!(median(&mut [4, 1, 3, 10]), Some(3));
    }

    #[test]
    fn nobody_ahead_is_less_than_five_minutes() {
        let e = estimate_wait(&[], &BTreeMap::new(), 900, 1);
        assert_eq!(
            e,
            WaitEstimate {
                low_minutes: 0,
                high_minutes: 5
            }
        );
        assert_eq!(e.describe_en(), "less than 5 min");
    }

    #[test]
    fn default_service_time_before_history() {
        // One person ahead, 15 min default, one advisor → 10–20.
        let e = estimate_wait(&ids(1, "advisor"), &BTreeMap::new(), 900, 1);
        assert_eq!(e.describe_en(), "about 10–20 min");
    }

    #[test]
    fn history_and_advisors_change_the_estimate() {
        let mut medians = BTreeMap::new();
        medians.insert(NeedId::new("housing").unwrap(), 20 * 60);
        let ahead = [ids(2, "housing"), ids(1, "advisor")].concat();
        // 20 + 20 + 15 = 55 min of work; two advisors → 27.5 → 15–40.
        let e = estimate_wait(&ahead, &medians, 900, 2);
        assert_eq!(
            e,
            WaitEstimate {
                low_minutes: 15,
                high_minutes: 40
            }
        );
        // Nobody on duty is treated as one advisor coming.
        let e0 = estimate_wait(&ahead, &medians, 900, 0);
        assert_eq!(e0, estimate_wait(&ahead, &medians, 900, 1));
    }
}
