//! Log output, and the one-line status systemd shows.
//!
//! Under systemd (stderr is the journal stream named by `JOURNAL_STREAM`) each line starts with
//! its syslog priority, `<3>` error, `<4>` warning, `<6>` info, `<7>` debug (sd-daemon(3)), so
//! `journalctl -p warning` finds warnings and errors; journald adds the time and unit itself. In a
//! terminal: timestamped, coloured lines. `RUST_LOG` picks the level (default `info`).
//!
//! [`status_loop`] keeps `STATUS=` up to date ("online · 3 waiting · door ok"), so
//! `systemctl status hub-kiosk` says how the kiosk is without opening a page. It wakes only when
//! something it shows may have changed (the hub's events), never on a timer.

use std::fmt;
use std::sync::Arc;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use crate::events;
use crate::hub::Hub;
use crate::status::{DoorSnapshot, SyncSnapshot, SyncState};

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if stderr_is_journal() {
        let plain = tracing_subscriber::fmt::format()
            .without_time()
            .with_ansi(false)
            .with_target(false);
        builder
            .with_ansi(false)
            .event_format(Prioritised(plain))
            .try_init()
    } else {
        builder.with_target(false).try_init()
    };
}

/// The sd-daemon(3) prefix journald reads as the line's priority.
pub fn priority(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO => 6,
        _ => 7,
    }
}

/// The prefix for a line written straight to stderr (outside `tracing`): `<N>` under the
/// journal, nothing in a terminal.
pub fn stderr_prefix(level: &Level) -> String {
    if stderr_is_journal() {
        format!("<{}>", priority(level))
    } else {
        String::new()
    }
}

/// True when `JOURNAL_STREAM` (`device:inode`) names our stderr, as systemd sets it for a
/// service whose output goes to the journal. A copy inherited by a child whose stderr went
/// elsewhere does not match.
pub fn stderr_is_journal() -> bool {
    let Some(value) = std::env::var_os("JOURNAL_STREAM") else {
        return false;
    };
    let Some((dev, ino)) = value.to_str().and_then(|v| v.split_once(':')) else {
        return false;
    };
    let (Ok(dev), Ok(ino)) = (dev.parse::<u64>(), ino.parse::<u64>()) else {
        return false;
    };
    // SAFETY: fstat on fd 2 into a zeroed stat.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(libc::STDERR_FILENO, &mut st) } != 0 {
        return false;
    }
    st.st_dev as u64 == dev && st.st_ino as u64 == ino
}

/// A line format with the journal priority in front.
struct Prioritised<F>(F);

impl<S, N, F> FormatEvent<S, N> for Prioritised<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        write!(writer, "<{}>", priority(event.metadata().level()))?;
        self.0.format_event(ctx, writer, event)
    }
}

/// "online · 3 waiting · door ok": forwarding, the queue, the door sensor.
pub fn status_line(sync: &SyncSnapshot, waiting: usize, door: &DoorSnapshot) -> String {
    let sync = match sync.state {
        SyncState::Disabled => "not forwarding",
        SyncState::Waiting => "starting",
        other => other.as_str(),
    };
    let door = match (&door.fault, door.mode.as_str()) {
        (Some(fault), _) => format!("door fault: {fault}"),
        (None, "none") => "no door sensor".to_owned(),
        (None, "") => "door starting".to_owned(),
        (None, _) => "door ok".to_owned(),
    };
    format!("{sync} · {waiting} waiting · {door}")
}

/// Sends `STATUS=` to systemd whenever the line changes; returns at once when not under
/// systemd (no `NOTIFY_SOCKET`).
pub async fn status_loop(hub: Arc<Hub>) {
    if std::env::var_os("NOTIFY_SOCKET").is_none() {
        return;
    }
    let mut rx = hub.subscribe();
    let mut last = String::new();
    loop {
        let h = hub.clone();
        let waiting = tokio::task::spawn_blocking(move || h.queue_view().map(|v| v.waiting))
            .await
            .ok()
            .and_then(Result::ok);
        if let Some(waiting) = waiting {
            let line = status_line(&hub.sync_status(), waiting, &hub.door_status());
            if line != last {
                let _ = sd_notify::notify(&[sd_notify::NotifyState::Status(&line)]);
                last = line;
            }
        }
        // Wait for something the line shows to change.
        loop {
            match rx.recv().await {
                Ok(events::Event::DoorPassed { .. } | events::Event::ScanRejected { .. }) => {}
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_reads_as_systemctl_status_shows_it() {
        let sync = SyncSnapshot {
            state: SyncState::Online,
            ..SyncSnapshot::default()
        };
        let door = DoorSnapshot {
            mode: "dual".into(),
            ..DoorSnapshot::default()
        };
        assert_eq!(status_line(&sync, 3, &door), "online · 3 waiting · door ok");
        let broken = DoorSnapshot {
            fault: Some("beam A blocked for 12 s".into()),
            ..door
        };
        assert_eq!(
            status_line(&SyncSnapshot::default(), 0, &broken),
            "starting · 0 waiting · door fault: beam A blocked for 12 s"
        );
    }

    #[test]
    fn priorities_follow_sd_daemon() {
        assert_eq!(priority(&Level::ERROR), 3);
        assert_eq!(priority(&Level::WARN), 4);
        assert_eq!(priority(&Level::INFO), 6);
        assert_eq!(priority(&Level::DEBUG), 7);
    }
}
