//! Bar charts drawn as inline SVG: grouped bars per day, an axis with round ticks, a legend.
//! No script and no external files, so pages stay light and print well.

use std::fmt::Write;

use super::html::escape;
use chrono::NaiveDate;

use crate::domain::DayTotals;

/// One coloured set of bars.
pub struct Series<'a> {
    pub name: &'a str,
    /// Any CSS colour.
    pub colour: &'a str,
    pub values: Vec<i64>,
}

/// A step of 1, 2 or 5 × 10ⁿ giving about five ticks up to `max`.
fn tick_step(max: i64) -> i64 {
    let rough = (max.max(1) as f64 / 5.0).max(1.0);
    let mag = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= rough)
        .unwrap_or(mag * 10.0);
    step as i64
}

/// A grouped bar chart of `series` over `labels`, with `title` for screen readers.
pub fn bar_chart(title: &str, labels: &[String], series: &[Series<'_>]) -> String {
    let (w, h, left, bottom, top) = (720.0, 300.0, 48.0, 56.0, 28.0);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let step = tick_step(max);
    let top_value = (max + step - 1) / step * step;
    let plot_h = h - bottom - top;
    let plot_w = w - left - 8.0;
    let y = |v: i64| top + plot_h - plot_h * v as f64 / top_value as f64;
    let group = plot_w / labels.len().max(1) as f64;
    let bar = (group * 0.8 / series.len().max(1) as f64).min(28.0);

    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"chart-title\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"chart-title\">{}</title>",
        escape(title)
    );
    let mut v = 0;
    while v <= top_value {
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d8d4cc\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#444\">{v}</text>",
            w - 8.0,
            left - 6.0,
            y(v) + 4.0,
            y = y(v)
        );
        v += step;
    }
    let rotate = labels.len() > 10;
    for (i, label) in labels.iter().enumerate() {
        let gx = left + group * i as f64 + (group - bar * series.len() as f64) / 2.0;
        for (k, ser) in series.iter().enumerate() {
            let value = ser.values.get(i).copied().unwrap_or(0).max(0);
            let (x, top_y) = (gx + bar * k as f64, y(value));
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{top_y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {} {value}</title></rect>",
                (bar - 1.0).max(1.0),
                (top + plot_h - top_y).max(0.0),
                escape(ser.colour),
                escape(label),
                escape(ser.name)
            );
        }
        let cx = left + group * (i as f64 + 0.5);
        let ly = h - bottom + 16.0;
        if rotate {
            let _ = write!(
                s,
                "<text class=\"day\" x=\"{cx:.1}\" y=\"{ly:.1}\" font-size=\"10\" text-anchor=\"end\" transform=\"rotate(-45 {cx:.1} {ly:.1})\" fill=\"#444\">{}</text>",
                escape(label)
            );
        } else {
            let _ = write!(
                s,
                "<text class=\"day\" x=\"{cx:.1}\" y=\"{ly:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">{}</text>",
                escape(label)
            );
        }
    }
    let mut lx = left;
    for ser in series {
        let _ = write!(
            s,
            "<rect x=\"{lx:.1}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1}\" y=\"16\" font-size=\"12\" fill=\"#222\">{}</text>",
            escape(ser.colour),
            lx + 16.0,
            escape(ser.name)
        );
        lx += 24.0 + 7.5 * ser.name.chars().count() as f64;
    }
    s.push_str("</svg>");
    s
}

/// The usual daily chart: people through the door, check-ins, drop-ins joined — one group of
/// bars for every day `from..=to`, days with nothing counted drawn as zeros.
pub fn daily_chart(days: &[DayTotals], from: NaiveDate, to: NaiveDate, calibration: f64) -> String {
    let dates: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= to).collect();
    let on = |date: &NaiveDate| days.iter().find(|d| d.date == *date);
    let values = |f: &dyn Fn(&DayTotals) -> i64| -> Vec<i64> {
        dates.iter().map(|d| on(d).map_or(0, f)).collect()
    };
    let labels: Vec<String> = dates
        .iter()
        .map(|d| d.format("%a %-d %b").to_string())
        .collect();
    bar_chart(
        "Daily footfall: door, check-ins and drop-ins",
        &labels,
        &[
            Series {
                name: "Door in",
                colour: "#24406e",
                values: values(&|d| d.door_in_calibrated(calibration)),
            },
            Series {
                name: "Check-ins",
                colour: "#0f7b67",
                values: values(&|d| d.counts.checkins()),
            },
            Series {
                name: "Drop-ins",
                colour: "#c8661e",
                values: values(&|d| d.counts.dropins_joined),
            },
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(tick_step(0), 1);
        assert_eq!(tick_step(7), 2);
        assert_eq!(tick_step(43), 10);
        assert_eq!(tick_step(260), 100);
    }

    #[test]
    fn bars_scale_to_the_largest_value_and_text_is_escaped() {
        let svg = bar_chart(
            "<t>",
            &["a&b".into(), "c".into()],
            &[Series {
                name: "n",
                colour: "#000",
                values: vec![10, 5],
            }],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"chart-title\">&lt;t&gt;</title>"));
        assert!(svg.contains("a&amp;b"));
        let heights: Vec<f64> = svg
            .match_indices("height=\"")
            .filter_map(|(i, _)| svg[i + 8..].split('"').next()?.parse().ok())
            .filter(|h: &f64| *h > 12.0)
            .collect();
        assert_eq!(heights.len(), 2, "{svg}");
        assert!((heights[0] / heights[1] - 2.0).abs() < 0.05, "{heights:?}");
    }

    #[test]
    fn the_daily_chart_draws_every_day_of_the_range_with_zeros() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let counts = crate::domain::Counts {
            door_in: 9,
            ..Default::default()
        };
        let days: Vec<DayTotals> = [23, 24, 26, 28]
            .into_iter()
            .map(|d| DayTotals {
                date: day(d),
                counts: counts.clone(),
            })
            .collect();
        let svg = daily_chart(&days, day(23), day(29), 1.0);
        assert_eq!(svg.matches("class=\"day\"").count(), 7, "{svg}");
        assert!(svg.contains(">Wed 25 Nov<") && svg.contains(">Sun 29 Nov<"));
    }
}
