//! The Recovery College timetable on the kiosk: where it comes from, the copy in use and why a
//! refresh failed. The rules (reading iCalendar, today's sessions) are `domain::timetable`;
//! this is the I/O around them.
//!
//! - [`Board`]: the timetable in use and its status, shared by the hub, the screen, the staff
//!   pages and the status API;
//! - `source`: reading the file or fetching the https address (ETag / If-Modified-Since), and
//!   the last good copy kept in the data directory, so a broken file, a bad download or no
//!   network leaves the kiosk on the timetable it had;
//! - `refresh`: doing that at start and every `[courses] refresh_minutes`;
//! - `cli`: `hub-kiosk courses check FILE`.

mod board;
pub mod cli;
mod refresh;
mod source;

pub use board::{Board, Loaded, Snapshot};

use crate::config::Config;

/// The built-in demo's timetable: a Recovery College day repeated every day, so the demo has
/// sessions on at most hours (one of them cancelled, one with three places).
pub const DEMO: &str = include_str!("demo.ics");

/// Gives the built-in demo its timetable (a file in its data directory) when it has none.
pub fn use_demo_timetable(config: &mut Config) -> Result<(), String> {
    if !config.demo || config.courses.configured() {
        return Ok(());
    }
    let path = config.kiosk.data_dir.join("demo-timetable.ics");
    std::fs::create_dir_all(&config.kiosk.data_dir)
        .and_then(|_| std::fs::write(&path, DEMO))
        .map_err(|e| format!("cannot write the demo timetable {}: {e}", path.display()))?;
    config.courses.timetable = Some(path);
    Ok(())
}
pub use refresh::{Refresher, source_of, start};
pub use source::{LastGood, client, read_file};
