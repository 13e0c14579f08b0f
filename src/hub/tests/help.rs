//! Help requests with a mocked clock: counted in their hour with nothing about who asked,
//! alerting once, escalating when nobody acknowledged them in time, acknowledged once by a
//! named member of staff — all with the central service unreachable.

use chrono::Duration;

use super::*;
use crate::domain::hour_start;

#[test]
fn a_help_request_alerts_escalates_unless_acknowledged_and_records_who_acknowledged() {
    // Forwarding points at a port nobody listens on: help never needs the central service.
    let f = fixture(
        "[sync]\ncentral_url = \"http://127.0.0.1:9\"\ntoken = \"t0123456789abcdef0123\"\n[help]\nescalation_seconds = 60\n",
    );
    let mut events = f.hub.subscribe();
    let help = f.hub.request_help().unwrap();
    assert!(matches!(
        events.try_recv().unwrap(),
        Event::HelpRequested { .. }
    ));
    // A second tap while it is open joins it: one alert, one count.
    f.clock.advance(Duration::seconds(10));
    assert_eq!(f.hub.request_help().unwrap().id, help.id);
    assert!(events.try_recv().is_err(), "no second alert");

    f.clock.advance(Duration::seconds(49));
    assert!(f.hub.escalate_due_help().unwrap().is_empty());
    f.clock.advance(Duration::seconds(1));
    assert_eq!(f.hub.housekeeping().unwrap().escalated_help, 1);
    assert!(matches!(
        events.try_recv().unwrap(),
        Event::HelpEscalated { .. }
    ));
    assert_eq!(f.hub.housekeeping().unwrap().escalated_help, 0, "once");

    let done = f.hub.acknowledge_help(help.id, "Desk 2").unwrap();
    let ack = done.acknowledged.clone().unwrap();
    assert_eq!(
        (ack.by.as_str(), ack.at),
        ("Desk 2", monday_ten() + Duration::seconds(60))
    );
    assert!(matches!(
        events.try_recv().unwrap(),
        Event::HelpAcknowledged { .. }
    ));
    assert!(matches!(
        f.hub.acknowledge_help(help.id, "Desk 1"),
        Err(HubError::Help(_))
    ));
    assert!(f.hub.open_help().unwrap().is_empty());
    assert_eq!(f.hub.recent_help().unwrap()[0].acknowledged, Some(ack));

    // Counted once, in its hour; nothing else about it is forwarded.
    let hour = hour_start(monday_ten());
    let counts = &counted_in(&f, hour);
    assert_eq!(counts.help_requests, 1);
    assert_eq!(
        f.hub.store.outbox_batch(10, monday_ten()).unwrap()[0]
            .counts
            .help_requests,
        1
    );
}
