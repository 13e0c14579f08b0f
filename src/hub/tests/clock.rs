//! Records made before the clock synchronised, and when they are re-dated.

use super::*;

#[test]
fn records_made_before_the_clock_synced_move_to_the_right_hour() {
    let f = fixture("");
    // Booted with the clock three days behind, unsynchronised.
    let wrong = monday_ten() - Duration::days(3);
    f.clock.jump_wall(wrong, false);
    f.hub.check_in(visit(&["advisor"])).unwrap();
    f.hub
        .door_pass(crate::domain::footfall::Direction::In)
        .unwrap();
    let wrong_hour = crate::domain::hour_start(wrong);
    assert_eq!(
        f.store
            .footfall_hours(wrong_hour, wrong_hour + Duration::hours(1))
            .unwrap()
            .len(),
        1
    );
    // Twenty minutes later NTP steps the clock to the truth.
    f.clock.advance(Duration::minutes(20));
    f.clock
        .jump_wall(monday_ten() + Duration::minutes(20), true);
    f.hub.housekeeping().unwrap();
    assert!(
        f.store
            .footfall_hours(wrong_hour, wrong_hour + Duration::hours(1))
            .unwrap()
            .is_empty()
    );
    let right = f
        .store
        .footfall_hours(monday_ten(), monday_ten() + Duration::hours(1))
        .unwrap();
    assert_eq!(right.len(), 1);
    let c = &right[0].1;
    assert_eq!(
        (c.checkins_anonymous, c.dropins_joined, c.door_in),
        (1, 1, 1)
    );
    assert_eq!(f.store.unsynced_records().unwrap(), 0);
}

#[test]
fn reading_the_time_writes_nothing_and_the_next_write_re_dates_first() {
    let f = fixture("");
    let wrong = monday_ten() - Duration::days(3);
    f.clock.jump_wall(wrong, false);
    let ticket = f.hub.check_in(visit(&["advisor"])).unwrap().ticket.unwrap();
    f.clock.advance(Duration::minutes(20));
    f.clock
        .jump_wall(monday_ten() + Duration::minutes(20), true);
    // Readers only read: the unsynchronised check-in and ticket stay as they were.
    assert!(f.hub.now().clock_synced);
    f.hub.today();
    f.hub.is_open();
    f.hub.queue_view().unwrap();
    assert_eq!(f.store.unsynced_records().unwrap(), 2);
    // A write re-dates first, so the call is recorded after the ticket's true time.
    let called = f.hub.call_next("Sam").unwrap();
    assert_eq!(called.id, ticket.ticket.id);
    assert_eq!(f.store.unsynced_records().unwrap(), 0);
    assert_eq!(called.created, monday_ten());
    assert_eq!(called.called, Some(monday_ten() + Duration::minutes(20)));
}
