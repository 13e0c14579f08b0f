//! Daily footfall as an HTML table, for the managers' page and the central service's pages.

use super::{Columns, human_headings, row};
use crate::domain::{Catalogue, DayTotals};

/// Escapes text for HTML or SVG/XML element content and quoted attribute values, dropping
/// control characters XML does not allow.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A `<table>` of days with a total row when there is more than one day, in a box that scrolls
/// sideways on its own (one column per need makes it wide), so the page never does. The box is
/// a labelled region that takes keyboard focus, so it can be scrolled without a mouse.
pub fn html_table(days: &[DayTotals], catalogue: &Catalogue, calibration: f64) -> String {
    let mut out = String::from(
        "<div class=\"scroll\" role=\"region\" aria-label=\"Footfall by day\" tabindex=\"0\">\n<table class=\"footfall\">\n<thead><tr>",
    );
    let cols = Columns::new(catalogue, days);
    for h in human_headings(&cols) {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape(&h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let mut push_row = |cells: Vec<String>, total: bool| {
        out.push_str(if total {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        for (i, c) in cells.iter().enumerate() {
            let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
            let close = if i == 0 { "th" } else { "td" };
            out.push_str(&format!("<{tag}>{}</{close}>", escape(c)));
        }
        out.push_str("</tr>\n");
    };
    for d in days {
        push_row(row(d, &cols, calibration), false);
    }
    if days.len() > 1 {
        let mut total = crate::domain::Counts::default();
        for d in days {
            total.add(&d.counts, 1);
        }
        let mut cells = row(
            &DayTotals {
                date: days[0].date,
                counts: total,
            },
            &cols,
            calibration,
        );
        cells[0] = "Total".into();
        push_row(cells, true);
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Counts;

    #[test]
    fn escapes_and_totals() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        let day = |d: u32, n: i64| DayTotals {
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap(),
            counts: Counts {
                door_in: n,
                ..Counts::default()
            },
        };
        let html = html_table(&[day(23, 4), day(24, 6)], &Catalogue::life_rooms(), 1.0);
        assert!(html.contains("<th scope=\"col\">Door in</th>"));
        assert!(
            html.contains("<tr class=\"total\"><th scope=\"row\">Total</th><td>10</td>"),
            "{html}"
        );
    }
}
